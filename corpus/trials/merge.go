package trials

import (
	"cmp"
	"slices"
	"strings"

	"musesearch/corpus"
)

// Merge joins the mentions of a corpus into its trials, sorted by ID: mentions that
// share a registry id (or are linked through ids written together) are one trial; a
// mention by product joins the one trial with the same product, indication and
// phase, and with none is a trial of its own, with several is related to each; a
// passing mention relates its document to every trial of its product and indication.
func Merge(mentions []Mention) []Trial {
	mentions = inReadingOrder(mentions)

	var all []*trialBuilder
	byRoot := map[string]*trialBuilder{}
	ids := newIDSets()
	for _, m := range mentions {
		if !m.Related && len(m.RegistryIDs) > 0 {
			ids.join(m.RegistryIDs)
		}
	}
	for _, m := range mentions {
		if m.Related || len(m.RegistryIDs) == 0 {
			continue
		}
		root := ids.root(m.RegistryIDs[0])
		b := byRoot[root]
		if b == nil {
			b = &trialBuilder{}
			byRoot[root] = b
			all = append(all, b)
		}
		b.add(m)
	}
	// The trials of each product and indication, which other mentions may join.
	byIndication := map[string][]*trialBuilder{}
	index := func(b *trialBuilder) {
		for _, ind := range b.indications {
			key := b.product + "/" + ind
			byIndication[key] = append(byIndication[key], b)
		}
	}
	for _, b := range all {
		b.settle()
		index(b)
	}

	// Mentions by product: those of one product, indication and phase together.
	byKey := map[string]*trialBuilder{}
	var pending []*trialBuilder
	for _, m := range mentions {
		if m.Related || len(m.RegistryIDs) > 0 {
			continue
		}
		key := productKey(m.Product, m.Indication, m.Phase)
		if byKey[key] == nil {
			byKey[key] = &trialBuilder{}
			pending = append(pending, byKey[key])
		}
		byKey[key].add(m)
	}
	var byProductOnly []*trialBuilder
	for _, p := range pending {
		first := p.mentions[0]
		fits := slices.DeleteFunc(slices.Clone(byIndication[first.Product+"/"+first.Indication]), func(b *trialBuilder) bool {
			return !slices.Equal(b.phases, first.Phase)
		})
		switch len(fits) {
		case 0:
			p.settle()
			byProductOnly = append(byProductOnly, p)
		case 1:
			for _, m := range p.mentions {
				fits[0].add(m)
			}
		default: // which of them it is, the text does not say
			for _, b := range fits {
				for _, m := range p.mentions {
					b.relate(m.Doc)
				}
			}
		}
	}
	for _, b := range byProductOnly {
		all = append(all, b)
		index(b)
	}

	for _, m := range mentions {
		if !m.Related {
			continue
		}
		for _, b := range byIndication[m.Product+"/"+m.Indication] {
			if len(m.Phase) == 0 || slices.Equal(b.phases, m.Phase) {
				b.relate(m.Doc)
			}
		}
	}

	out := make([]Trial, 0, len(all))
	for _, b := range all {
		out = append(out, b.trial())
	}
	slices.SortFunc(out, func(a, b Trial) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// inReadingOrder returns the mentions ordered by document, then by section in
// reading order; a section's mentions keep their order.
func inReadingOrder(mentions []Mention) []Mention {
	type place struct {
		doc     string
		section int
		i       int
	}
	order := make([]place, len(mentions))
	for i, m := range mentions {
		doc, n, _ := corpus.SplitSectionID(m.Section.ID)
		order[i] = place{doc, n, i}
	}
	slices.SortFunc(order, func(a, b place) int {
		return cmp.Or(strings.Compare(a.doc, b.doc), cmp.Compare(a.section, b.section), cmp.Compare(a.i, b.i))
	})
	out := make([]Mention, len(mentions))
	for i, p := range order {
		out[i] = mentions[p.i]
	}
	return out
}

func productKey(product, indication string, phase []string) string {
	key := product + "/" + indication
	if len(phase) > 0 {
		key += "/" + strings.Join(phase, "+")
	}
	return key
}

// idSets joins registry ids into the sets of ids that name one trial (union-find).
// Ids compare without case: jRCT and JRCT are one registry's spellings.
type idSets struct{ parent map[string]string }

func newIDSets() *idSets { return &idSets{parent: map[string]string{}} }

func (s *idSets) root(id string) string {
	id = strings.ToLower(id)
	for {
		p, ok := s.parent[id]
		if !ok || p == id {
			return id
		}
		id = p
	}
}

func (s *idSets) join(ids []string) {
	first := s.root(ids[0])
	s.parent[first] = first
	for _, id := range ids[1:] {
		if r := s.root(id); r != first {
			s.parent[r] = first
		}
	}
}

// trialBuilder gathers the mentions of one trial.
type trialBuilder struct {
	mentions []Mention
	related  []DocumentRef
	relates  map[string]bool // the ids of related
	// product, indications and phases are what other mentions are matched against;
	// settle sets them.
	product     string
	indications []string
	phases      []string
}

func (b *trialBuilder) add(m Mention) { b.mentions = append(b.mentions, m) }

func (b *trialBuilder) relate(doc DocumentRef) {
	if b.relates == nil {
		b.relates = map[string]bool{}
	}
	if !b.relates[doc.ID] {
		b.relates[doc.ID] = true
		b.related = append(b.related, doc)
	}
}

// settle sets the trial's product (the one most mentions name), indications and
// phases from its mentions so far.
func (b *trialBuilder) settle() {
	b.product = ""
	counts := map[string]int{}
	var indications, phases []string
	for _, m := range b.mentions {
		if m.Product != "" {
			counts[m.Product]++
			if b.product == "" || counts[m.Product] > counts[b.product] {
				b.product = m.Product
			}
		}
		if m.Indication != "" {
			indications = append(indications, m.Indication)
		}
		phases = append(phases, m.Phase...)
	}
	b.indications = sortedFacet(corpus.Indication, indications)
	b.phases = sortedFacet(corpus.Phase, phases)
}

// sortedFacet returns the distinct values of facet f in the vocabulary's order.
func sortedFacet(f corpus.Facet, values []string) []string {
	values = slices.Clone(values)
	slices.SortFunc(values, func(a, b string) int {
		return cmp.Or(cmp.Compare(corpus.ConceptOrder(f, a), corpus.ConceptOrder(f, b)), strings.Compare(a, b))
	})
	return slices.Compact(values)
}

func (b *trialBuilder) trial() Trial {
	b.mentions = inReadingOrder(b.mentions)
	b.settle()
	t := Trial{Product: b.product, Indication: b.indications, Phase: b.phases}
	var cells, designs []string
	counts := map[int]int{}
	docs, passages := map[string]bool{}, map[string]bool{}
	for _, m := range b.mentions {
		for _, id := range m.RegistryIDs {
			if !slices.ContainsFunc(t.RegistryIDs, func(have string) bool { return strings.EqualFold(have, id) }) {
				t.RegistryIDs = append(t.RegistryIDs, id)
			}
		}
		cells = append(cells, m.CellType...)
		designs = append(designs, m.Design...)
		if m.Enrollment > 0 {
			counts[m.Enrollment]++
			if n := t.Enrollment; n == 0 || counts[m.Enrollment] > counts[n] || counts[m.Enrollment] == counts[n] && m.Enrollment > n {
				t.Enrollment = m.Enrollment
			}
		}
		if m.Status.rank() > t.Status.rank() {
			t.Status = m.Status
		}
		t.Years = unionInts(t.Years, m.Years)
		if !docs[m.Doc.ID] {
			docs[m.Doc.ID] = true
			t.Documents = append(t.Documents, m.Doc)
		}
		if !passages[m.Section.ID] {
			passages[m.Section.ID] = true
			t.Passages = append(t.Passages, m.Section)
		}
	}
	t.CellType = sortedFacet(corpus.CellType, cells)
	t.Design = sortedFacet(corpus.Design, designs)
	slices.SortStableFunc(t.RegistryIDs, compareRegistryIDs)
	for _, d := range b.related {
		if !docs[d.ID] {
			t.Related = append(t.Related, d)
		}
	}
	if len(t.RegistryIDs) > 0 {
		t.ID = t.RegistryIDs[0]
	} else {
		t.ID = productKey(t.Product, strings.Join(t.Indication, "+"), t.Phase)
	}
	return t
}

// compareRegistryIDs orders a trial's ids by registry (ClinicalTrials.gov first, as
// corpus.IdentifierKinds lists them), so that its ID stays the same when a document
// adds an id of a registry that comes later.
func compareRegistryIDs(a, b string) int {
	return cmp.Compare(registryOrder(a), registryOrder(b))
}

func registryOrder(id string) int {
	if found := corpus.FindIdentifiers(id); len(found) > 0 {
		if i := slices.Index(corpus.IdentifierKinds, found[0].Kind); i >= 0 {
			return i
		}
	}
	return len(corpus.IdentifierKinds)
}
