package trials

import (
	"regexp"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"musesearch/corpus"
)

// registryKinds are the identifier kinds that name a trial.
var registryKinds = map[string]bool{
	corpus.KindNCT: true, corpus.KindJRCT: true, corpus.KindJapic: true, corpus.KindChiCTR: true,
	corpus.KindUMIN: true, corpus.KindISRCTN: true, corpus.KindEudraCT: true,
}

// registryAlias is what stands between two ids of one trial in different registries:
// "NCT01234567; jRCT2031190123", "(UMIN000012345 / NCT01234567)".
var registryAlias = regexp.MustCompile(`^[\s,;/()（）\[\]、，；:：]*(?:(?i:and|or|also|registered as))?[\s,;/()（）\[\]、，；:：]*$`)

// Extract returns what document doc says about clinical trials: a Mention for each
// trial each of its sections reports (by a registry id, or by a product the document
// names) or names in passing (Mention.Related), in reading order.
func Extract(doc corpus.Document) []Mention {
	products := productCodes(doc)
	var out []Mention
	for _, sec := range doc.Sections {
		if !hasRegistryID(sec) && !mayNameProduct(sec.Text, products) {
			continue // most sections: spare them the normalisation
		}
		ms := readSection(doc, sec).mentions(products)
		// A registry record (a ClinicalTrials.gov study) is the record of one trial:
		// what its sections say of a trial without naming it, they say of that one.
		for i := range ms {
			if own := doc.Meta.RegistryIDs; len(own) > 0 && len(ms[i].RegistryIDs) == 0 && !ms[i].Related {
				ms[i].RegistryIDs = own
			}
		}
		out = append(out, ms...)
	}
	return out
}

func hasRegistryID(sec corpus.Section) bool {
	return slices.ContainsFunc(sec.Identifiers, func(id corpus.Identifier) bool { return registryKinds[id.Kind] })
}

// mayNameProduct reports whether text may hold one of products (before NFKC).
func mayNameProduct(text string, products map[string]bool) bool {
	for p := range products {
		if strings.Contains(text, p) {
			return true
		}
	}
	return false
}

// section is a section prepared for reading its trials: its text NFKC like the
// vocabulary's, cut into paragraphs, and its headings from its own outwards.
type section struct {
	sec        corpus.Section
	doc        DocumentRef
	text       string
	paragraphs []span
	// headings are the section's own heading, then its parents' from the innermost
	// out, NFKC; empty ones left out.
	headings []string
	title    string                   // the document's, NFKC
	facets   map[string]corpus.Facets // ExtractFacets of each text read, by text
}

func readSection(doc corpus.Document, sec corpus.Section) *section {
	s := &section{
		sec:    sec,
		doc:    DocumentRef{ID: doc.ID, Title: doc.Title, Lang: doc.Lang},
		text:   norm.NFKC.String(sec.Text),
		title:  norm.NFKC.String(doc.Title),
		facets: map[string]corpus.Facets{},
	}
	s.paragraphs = lines(s.text)
	headings := append([]string{sec.Heading}, sec.Path...)
	slices.Reverse(headings[1:])
	for _, h := range headings {
		if h = strings.TrimSpace(h); h != "" {
			s.headings = append(s.headings, norm.NFKC.String(h))
		}
	}
	return s
}

// facetsOf returns the facets text names, read once per text.
func (s *section) facetsOf(text string) corpus.Facets {
	f, ok := s.facets[text]
	if !ok {
		f = corpus.ExtractFacets(nil, text)
		s.facets[text] = f
	}
	return f
}

// ownHeading returns the section's own heading, or "".
func (s *section) ownHeading() string {
	if s.sec.Heading == "" || len(s.headings) == 0 {
		return ""
	}
	return s.headings[0]
}

// mentions returns the trials the section names: by registry id, by product, and in
// passing, each once.
func (s *section) mentions(products map[string]bool) []Mention {
	named := productsIn(s.text, span{0, len(s.text)}, products)
	hasIDs := hasRegistryID(s.sec)
	var byID, byProduct, related []Mention
	for _, p := range s.paragraphs {
		if !hasIDs && !slices.ContainsFunc(named, func(l located) bool { return p.contains(l.at) }) {
			continue
		}
		paragraph := s.text[p.start:p.end]
		for _, sent := range sentences(s.text, p) {
			sentence := s.text[sent.start:sent.end]
			var found []string
			for _, l := range named {
				if sent.contains(l.at) && !slices.Contains(found, l.value) {
					found = append(found, l.value)
				}
			}
			groups := s.registryIDs(sent)
			for _, ids := range groups {
				m := s.describe(paragraph, sentence)
				m.RegistryIDs = ids
				m.Product = s.productNear(found, p, named)
				byID = append(byID, m)
			}
			if len(groups) > 0 || len(found) == 0 ||
				!containsWord(sentence, clinicalCues) && !containsWord(paragraph, clinicalCues) && !containsWord(s.ownHeading(), clinicalCues) {
				continue
			}
			listed := listedIndications(sentence)
			for _, product := range found {
				for _, ind := range listed {
					related = append(related, Mention{Doc: s.doc, Section: s.passage(), Product: product, Indication: ind,
						Phase: s.facetsOf(sentence)[corpus.Phase], Status: statusOf(sentence), Related: true})
				}
				if len(listed) > 0 {
					continue
				}
				m := s.describe(paragraph, sentence)
				m.Product = product
				switch {
				case m.Indication == "":
					// A product without a disease is no trial one could find again.
				case m.Status == StatusPlanned:
					m.Related = true
					related = append(related, m)
				default:
					byProduct = append(byProduct, m)
				}
			}
		}
	}
	return combine(byID, byProduct, related)
}

func (s *section) passage() Passage {
	return Passage{ID: s.sec.ID, Heading: s.sec.Heading, Lang: s.sec.Lang}
}

// describe reads what the text around a trial's name says about the trial: each
// attribute from the sentence that names it, else its paragraph, else the headings
// above it (the section's own first), else the document's title, the nearest that says
// anything. The disease and the cells may also come from elsewhere in the section.
func (s *section) describe(paragraph, sentence string) Mention {
	near := append([]string{sentence, paragraph}, s.headings...)
	wide := append(slices.Clone(near), s.text, s.title)
	near = append(near, s.title)
	m := Mention{
		Doc:        s.doc,
		Section:    s.passage(),
		Indication: s.indication(wide),
		CellType:   s.nearest(wide, corpus.CellType, nil),
		Design:     s.nearest(near, corpus.Design, trialDesigns),
		Phase:      s.nearest(near, corpus.Phase, nil),
		Status:     statusOf(sentence),
	}
	m.Enrollment = enrollment(sentence, paragraph)
	for _, t := range []string{sentence, s.ownHeading(), paragraph} {
		if m.Years = years(t); len(m.Years) > 0 {
			break
		}
	}
	return m
}

// nearest returns the values of facet f the first of texts names, only those in keep
// when keep is set.
func (s *section) nearest(texts []string, f corpus.Facet, keep map[string]bool) []string {
	for _, t := range texts {
		var values []string
		for _, v := range s.facetsOf(t)[f] {
			if keep == nil || keep[v] {
				values = append(values, v)
			}
		}
		if len(values) > 0 {
			return values
		}
	}
	return nil
}

// indication returns the disease a trial named in the first of texts treats: the one
// indication the nearest text names, or of several it names (a sentence about "RDEB
// patients with chronic ulcers"), the one the headings name, else the one the section
// names most.
func (s *section) indication(texts []string) string {
	candidates := s.nearest(texts, corpus.Indication, nil)
	if len(candidates) <= 1 {
		return strings.Join(candidates, "")
	}
	for _, h := range s.headings {
		named := slices.DeleteFunc(slices.Clone(s.facetsOf(h)[corpus.Indication]), func(v string) bool { return !slices.Contains(candidates, v) })
		if len(named) == 1 {
			return named[0]
		}
		if len(named) > 1 {
			candidates = named
			break
		}
	}
	// Abbreviations count: a review says "ARDS" more often than it spells it out.
	counts := map[string]int{}
	for _, t := range append([]string{s.text}, s.headings...) {
		for _, c := range corpus.FindConcepts(t) {
			counts[c.Concept.ID]++
		}
	}
	best := candidates[0]
	for _, c := range candidates[1:] {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// registryIDs returns the trial registry ids of a sentence, grouped: ids of different
// registries written together name one trial.
func (s *section) registryIDs(sent span) [][]string {
	type found struct {
		kind, value string
		at          int
	}
	var all []found
	for _, id := range s.sec.Identifiers {
		if !registryKinds[id.Kind] {
			continue
		}
		if i := strings.Index(s.text[sent.start:sent.end], id.Value); i >= 0 {
			all = append(all, found{id.Kind, id.Value, sent.start + i})
		}
	}
	slices.SortFunc(all, func(a, b found) int { return a.at - b.at })
	var groups [][]string
	var kinds []string // of the last group
	for i, f := range all {
		if i > 0 && !slices.Contains(kinds, f.kind) {
			prev := all[i-1]
			if registryAlias.MatchString(s.text[prev.at+len(prev.value) : f.at]) {
				groups[len(groups)-1] = append(groups[len(groups)-1], f.value)
				kinds = append(kinds, f.kind)
				continue
			}
		}
		groups = append(groups, []string{f.value})
		kinds = []string{f.kind}
	}
	return groups
}

// productNear returns the product named in the sentence (found), else in paragraph p,
// else the one product of the section (named), or "".
func (s *section) productNear(found []string, p span, named []located) string {
	if len(found) > 0 {
		return found[0]
	}
	for _, l := range named {
		if p.contains(l.at) {
			return l.value
		}
	}
	if all := distinctValues(named); len(all) == 1 {
		return all[0]
	}
	return ""
}

func distinctValues(found []located) []string {
	var out []string
	for _, f := range found {
		if !slices.Contains(out, f.value) {
			out = append(out, f.value)
		}
	}
	return out
}

// combine makes one mention per trial of a section: a product sentence about the
// trial that a registry id names there joins that mention, repeated mentions join
// the first, and a passing mention of a trial the section reports is dropped.
func combine(byID, byProduct, related []Mention) []Mention {
	var out []Mention
	add := func(m Mention, same func(a, b Mention) bool) {
		for i := range out {
			if same(out[i], m) {
				absorb(&out[i], m)
				return
			}
		}
		out = append(out, m)
	}
	for _, m := range byID {
		add(m, func(a, b Mention) bool { return slices.Equal(a.RegistryIDs, b.RegistryIDs) })
	}
	ids := len(out)
	for _, m := range byProduct {
		add(m, func(a, b Mention) bool {
			sameTrial := a.Product == b.Product && a.Indication == b.Indication
			if len(a.RegistryIDs) > 0 {
				// A product sentence in a section about one trial named by its id.
				return sameTrial || ids == 1 && a.Product == "" && a.Indication == b.Indication
			}
			return sameTrial && slices.Equal(a.Phase, b.Phase)
		})
	}
	for _, m := range related {
		if !slices.ContainsFunc(out, func(a Mention) bool {
			return a.Product == m.Product && a.Indication == m.Indication
		}) {
			add(m, func(a, b Mention) bool { return a.Related && a.Product == b.Product && a.Indication == b.Indication })
		}
	}
	return out
}

// absorb adds to a what b says that a does not.
func absorb(a *Mention, b Mention) {
	if a.Product == "" {
		a.Product = b.Product
	}
	if a.Indication == "" {
		a.Indication = b.Indication
	}
	a.CellType = union(a.CellType, b.CellType)
	a.Design = union(a.Design, b.Design)
	if len(a.Phase) == 0 {
		a.Phase = b.Phase
	}
	if a.Enrollment == 0 {
		a.Enrollment = b.Enrollment
	}
	if b.Status.rank() > a.Status.rank() {
		a.Status = b.Status
	}
	a.Years = unionInts(a.Years, b.Years)
}

func union(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

func unionInts(a, b []int) []int {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}
