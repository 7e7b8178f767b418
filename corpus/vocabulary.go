package corpus

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// The vocabulary is embedded and parsed once, on first use; TestVocabulary validates
// the embedded file so that the panic below cannot happen in a tested build.
//
//go:embed vocabulary.json
var vocabularyJSON []byte

var theVocabulary = sync.OnceValue(func() *vocabulary {
	v, err := parseVocabulary(vocabularyJSON)
	if err != nil {
		panic(fmt.Sprintf("corpus: embedded vocabulary.json: %v", err))
	}
	return v
})

// vocabulary is the parsed vocabulary with its compiled matcher.
type vocabulary struct {
	concepts []Concept
	byFacet  map[Facet][]int
	byID     map[ConceptKey]int
	phases   map[string]int // phase id -> concept index
	subsumes map[int][]int  // concept index -> the concepts it absorbs
	// settingFor maps a concept index to the concepts that, named in its sentence,
	// are its setting (SettingFor).
	settingFor map[int][]int
	terms      []vocabTerm
	folded     *trie // terms matched in any case, and cues
	cased      *trie // abbreviations matched in their exact case
	// queryAbbrev holds the abbreviations lower-cased, matched in a query as whole words.
	queryAbbrev *trie
	// phaseNotBefore are words that, following "phase N", show a phase that is not a
	// trial phase ("phase II metabolism").
	phaseNotBefore []string
	// memo keeps the mentions of recent texts (see mentions).
	memo scanMemo
}

// cueKind says how a cue term bears on a concept named near it; terms that name a
// concept have none.
type cueKind uint8

const (
	cueFutureBefore  cueKind = 1 << iota // a design named after it is future or hypothetical
	cueFutureAfter                       // a design named before it is future or hypothetical
	cueNegation                          // a concept named right after it is negated
	cueNegationAfter                     // a concept named before it in its clause is negated ("を利用しない")
	cueAfterBefore                       // a transplantation named after it was done before ("after HSCT")
	cueAfterAfter                        // a transplantation named right before it was done before ("HSCT後")
	cueTransplant                        // makes the cell type named right before it a transplantation
	cueOutcome                           // a disease named after it in its sentence is measured ("the outcomes of …")
)

// vocabTerm is one compiled vocabulary term.
type vocabTerm struct {
	cue     cueKind // zero for a term that names a concept
	concept int     // the concept named, when cue is zero
	// abbreviation terms match in their exact case in running text ("ALS", "MSC");
	// commonWord ones spell a common English word ("AS"): exact case even in a query,
	// and never in all-caps text.
	abbreviation, commonWord bool
	weak                     bool
	// latinEnd says whether the term ends with a letter or digit of an alphabetic
	// script, which must then sit on a word boundary (a term beginning with one starts
	// only where a word starts).
	latinEnd  bool
	letterEnd bool // ends with a letter: a plural "s" may follow
	exclude   []termExclusion
	// yieldTo are the concepts that, named in the same sentence, make this term not
	// count (YieldTo).
	yieldTo []int
	// transplant says the term names a transplantation ("HSCT", "骨髄移植").
	transplant bool
}

// termExclusion is a longer phrase that holds a term at offset runes from its start and
// does not name the term's concept.
type termExclusion struct {
	phrase []rune
	offset int
}

// vocabularyFile is the format of vocabulary.json.
type vocabularyFile struct {
	// About describes the file to its human editors.
	About string `json:"about"`
	// DesignCues are the words that make a study design named near them future,
	// hypothetical or negated, so that it does not count as the design of the study a
	// passage reports.
	DesignCues struct {
		FutureBefore []string `json:"future_before"` // within a sentence, before the design
		FutureAfter  []string `json:"future_after"`  // within a sentence, after the design
		Negation     []string `json:"negation"`      // right before the design
	} `json:"design_cues"`
	// ContextCues are the words that show a concept named near them is not what the
	// passage is about: negated after it, the transplantation a patient had before,
	// a disease measured as an outcome.
	ContextCues struct {
		NegationAfter []string `json:"negation_after"` // after the name, in its clause
		AfterBefore   []string `json:"after_before"`   // before a transplantation: "after", "following"
		AfterAfter    []string `json:"after_after"`    // right after a transplantation: "後", "后"
		Transplant    []string `json:"transplant"`     // right after a cell type: "transplantation", "移植"
		Outcome       []string `json:"outcome"`        // before a disease, in its sentence: "the outcomes of"
	} `json:"context_cues"`
	// PhaseNotBefore are words that, right after "phase N", show a phase that is not a
	// trial phase ("phase II metabolism").
	PhaseNotBefore []string       `json:"phase_not_before"`
	Concepts       []conceptEntry `json:"concepts"`
}

// conceptEntry is one concept of vocabulary.json.
type conceptEntry struct {
	Facet  Facet             `json:"facet"`
	ID     string            `json:"id"`
	Labels map[string]string `json:"labels"`
	// Terms match in any case, on word boundaries where they begin or end with a letter
	// or digit of an alphabetic script, and as substrings where they begin or end with
	// a CJK character. A space or dash in a term matches any run of spaces and dashes;
	// a plural "s" may follow a term that ends with a letter.
	Terms []string `json:"terms"`
	// Abbreviations match in their exact case in running text, in any case when they
	// are a whole word of a query.
	Abbreviations []string `json:"abbreviations"`
	// WordAbbreviations are abbreviations that spell a common English word ("AS"):
	// exact case everywhere, and never in mostly capitalised text.
	WordAbbreviations []string `json:"word_abbreviations"`
	// Weak terms count only when no other value of the same facet is named.
	Weak []string `json:"weak"`
	// Exclude lists longer phrases holding one of the concept's names that do not name
	// the concept ("LC-MS" is not multiple sclerosis).
	Exclude []string `json:"exclude"`
	// Subsumes lists values of the same facet that this one absorbs when both are
	// found: a meta-analysis names the designs of the trials it pools, but reports none.
	Subsumes []string `json:"subsumes"`
	// SettingFor lists concepts ("facet:id") that, named in the same sentence as this
	// one, are its setting rather than a subject: graft-versus-host disease follows a
	// hematopoietic stem cell transplantation, which is not the therapy studied.
	SettingFor []string `json:"setting_for"`
	// YieldTo maps another value of the same facet to terms of this one that do not
	// count when that value is named in the same sentence: an open-label trial may
	// be randomized.
	YieldTo map[string][]string `json:"yield_to"`
	// Transplants are the terms that name a transplantation ("HSCT"): a patient may
	// have had it before (context_cues).
	Transplants []string `json:"transplants"`
}

var conceptIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// parseVocabulary parses and validates a vocabulary file and compiles its matcher.
func parseVocabulary(data []byte) (*vocabulary, error) {
	var file vocabularyFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("not a valid vocabulary file: %w", err)
	}
	v := &vocabulary{
		byFacet:        make(map[Facet][]int),
		byID:           make(map[ConceptKey]int),
		phases:         make(map[string]int),
		folded:         &trie{},
		cased:          &trie{},
		queryAbbrev:    &trie{},
		phaseNotBefore: normalizeTermList(file.PhaseNotBefore),
	}
	c := vocabularyCompiler{v: v, owner: make(map[facetTerm]int), cueIDs: make(map[string]int)}
	known := append(slices.Clone(ContentFacets), Lang)
	for i, e := range file.Concepts {
		if !slices.Contains(known, e.Facet) {
			return nil, fmt.Errorf("concept %q has unknown facet %q", e.ID, e.Facet)
		}
		if !conceptIDPattern.MatchString(e.ID) {
			return nil, fmt.Errorf("concept id %q is not lower-case words joined by dashes", e.ID)
		}
		key := ConceptKey{e.Facet, e.ID}
		if _, dup := v.byID[key]; dup {
			return nil, fmt.Errorf("concept %s %q is defined twice", e.Facet, e.ID)
		}
		for _, lang := range Languages {
			if strings.TrimSpace(e.Labels[lang]) == "" {
				return nil, fmt.Errorf("concept %s %q has no %s label", e.Facet, e.ID, lang)
			}
		}
		names := len(e.Terms) + len(e.Abbreviations) + len(e.WordAbbreviations) + len(e.Weak)
		if e.Facet == Lang && names > 0 {
			return nil, fmt.Errorf("language %q has terms: languages are detected, not named", e.ID)
		}
		concept := Concept{Facet: e.Facet, ID: e.ID, Labels: e.Labels}
		v.byID[key] = i
		v.byFacet[e.Facet] = append(v.byFacet[e.Facet], i)
		if e.Facet == Phase {
			v.phases[e.ID] = i
		}
		groups := []struct {
			names                     []string
			caseSensitive, word, weak bool
		}{
			{e.Terms, false, false, false},
			{e.Abbreviations, true, false, false},
			{e.WordAbbreviations, true, true, false},
			{e.Weak, false, false, true},
		}
		first := len(v.terms)
		seen := make(map[string]bool)
		for _, g := range groups {
			for _, name := range g.names {
				if seen[name] {
					continue // the same word in Japanese and traditional Chinese
				}
				seen[name] = true
				if err := c.addConceptTerm(i, e.Facet, name, g.caseSensitive, g.word, g.weak); err != nil {
					return nil, fmt.Errorf("concept %s %q: %w", e.Facet, e.ID, err)
				}
				concept.Terms = append(concept.Terms, name)
				if g.caseSensitive {
					concept.Abbreviations = append(concept.Abbreviations, name)
				}
			}
		}
		for _, phrase := range e.Exclude {
			if err := c.addExclusion(v.terms[first:], phrase); err != nil {
				return nil, fmt.Errorf("concept %s %q: %w", e.Facet, e.ID, err)
			}
		}
		v.concepts = append(v.concepts, concept)
	}
	v.subsumes = make(map[int][]int)
	v.settingFor = make(map[int][]int)
	for i, e := range file.Concepts {
		for _, key := range e.SettingFor {
			f, id, _ := strings.Cut(key, ":")
			j, ok := v.byID[ConceptKey{Facet(f), id}]
			if !ok {
				return nil, fmt.Errorf("concept %s %q is the setting for %q, which is no concept", e.Facet, e.ID, key)
			}
			v.settingFor[i] = append(v.settingFor[i], j)
		}
		for other, names := range e.YieldTo {
			j, ok := v.byID[ConceptKey{e.Facet, other}]
			if !ok || j == i {
				return nil, fmt.Errorf("concept %s %q yields to %q, which is not another %s", e.Facet, e.ID, other, e.Facet)
			}
			for _, name := range names {
				term, ok := c.termOf(i, name)
				if !ok {
					return nil, fmt.Errorf("concept %s %q yields to %q with %q, which is none of its terms", e.Facet, e.ID, other, name)
				}
				v.terms[term].yieldTo = append(v.terms[term].yieldTo, j)
			}
		}
		for _, name := range e.Transplants {
			term, ok := c.termOf(i, name)
			if !ok {
				return nil, fmt.Errorf("concept %s %q: transplant %q is none of its terms", e.Facet, e.ID, name)
			}
			v.terms[term].transplant = true
		}
		for _, id := range e.Subsumes {
			j, ok := v.byID[ConceptKey{e.Facet, id}]
			if !ok || j == i {
				return nil, fmt.Errorf("concept %s %q subsumes %q, which is not another %s", e.Facet, e.ID, id, e.Facet)
			}
			v.subsumes[i] = append(v.subsumes[i], j)
		}
	}
	for _, id := range []string{"early-phase-1", "phase-1", "phase-2", "phase-3", "phase-4"} {
		if _, ok := v.phases[id]; !ok {
			return nil, fmt.Errorf("phase %q is missing: the phase grammar needs it", id)
		}
	}
	cues := []struct {
		names []string
		kind  cueKind
	}{
		{file.DesignCues.FutureBefore, cueFutureBefore},
		{file.DesignCues.FutureAfter, cueFutureAfter},
		{file.DesignCues.Negation, cueNegation},
		{file.ContextCues.NegationAfter, cueNegationAfter},
		{file.ContextCues.AfterBefore, cueAfterBefore},
		{file.ContextCues.AfterAfter, cueAfterAfter},
		{file.ContextCues.Transplant, cueTransplant},
		{file.ContextCues.Outcome, cueOutcome},
	}
	for _, g := range cues {
		for _, name := range g.names {
			if err := c.addCue(name, g.kind); err != nil {
				return nil, err
			}
		}
	}
	for _, lang := range Languages {
		if _, ok := v.byID[ConceptKey{Lang, lang}]; !ok {
			return nil, fmt.Errorf("language %q is missing: its labels name the language everywhere", lang)
		}
	}
	return v, nil
}

// vocabularyCompiler builds a vocabulary's terms and tries.
type vocabularyCompiler struct {
	v *vocabulary
	// owner maps a facet and a folded term to the concept index that owns it.
	owner  map[facetTerm]int
	cueIDs map[string]int // folded cue -> term index
	forms  [][][]rune     // term index -> its lower-cased spellings, for exclusions
}

// facetTerm is a folded term of a facet: within a facet, a term names one concept.
type facetTerm struct {
	facet Facet
	term  string
}

// normalizeTerm prepares a term for matching the way prepareScan prepares text, with every
// run of spaces and dashes turned into one space.
func normalizeTerm(s string) []rune {
	t := prepareScan(s)
	var out []rune
	for _, r := range t.cased {
		if isTermSeparator(r) {
			if len(out) > 0 && out[len(out)-1] != ' ' {
				out = append(out, ' ')
			}
			continue
		}
		out = append(out, r)
	}
	return []rune(strings.TrimSpace(string(out)))
}

func normalizeTermList(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, string(lowerRunes(normalizeTerm(s))))
	}
	return out
}

func lowerRunes(rs []rune) []rune {
	out := make([]rune, len(rs))
	for i, r := range rs {
		out[i] = unicode.ToLower(r)
	}
	return out
}

// termSpellings returns the forms a normalised term is matched in: as written, and with
// every junction of an alphabetic word and a CJK character both spaced and unspaced
// ("Muse細胞", "Muse 細胞").
func termSpellings(rs []rune) [][]rune {
	var joined, spaced []rune
	for i, r := range rs {
		if r == ' ' && i > 0 && i+1 < len(rs) && (IsCJK(rs[i-1]) != IsCJK(rs[i+1])) {
			continue
		}
		joined = append(joined, r)
	}
	for i, r := range joined {
		if i > 0 && (IsCJK(r) && isLatinWordRune(joined[i-1]) || isLatinWordRune(r) && IsCJK(joined[i-1])) {
			spaced = append(spaced, ' ')
		}
		spaced = append(spaced, r)
	}
	if slices.Equal(joined, spaced) {
		return [][]rune{joined}
	}
	return [][]rune{joined, spaced}
}

func (c *vocabularyCompiler) addConceptTerm(concept int, facet Facet, name string, caseSensitive, word, weak bool) error {
	rs := normalizeTerm(name)
	if len(rs) == 0 {
		return fmt.Errorf("empty term %q", name)
	}
	if caseSensitive && !isLatinWordRune(rs[0]) {
		return fmt.Errorf("abbreviation %q does not begin with a letter or digit", name)
	}
	folded := string(lowerRunes(rs))
	key := facetTerm{facet, folded}
	if other, ok := c.owner[key]; ok && other != concept {
		return fmt.Errorf("term %q also names %s %q", name, facet, c.v.concepts[other].ID)
	}
	c.owner[key] = concept
	id := len(c.v.terms)
	c.v.terms = append(c.v.terms, vocabTerm{
		concept:      concept,
		abbreviation: caseSensitive,
		commonWord:   word,
		weak:         weak,
		latinEnd:     isLatinWordRune(rs[len(rs)-1]),
		letterEnd:    unicode.IsLetter(rs[len(rs)-1]) && !IsCJK(rs[len(rs)-1]),
	})
	c.forms = append(c.forms, nil)
	for _, form := range termSpellings(rs) {
		c.forms[id] = append(c.forms[id], lowerRunes(form))
		if caseSensitive {
			c.v.cased.insert(form, id)
			if !word {
				c.v.queryAbbrev.insert(lowerRunes(form), id)
			}
		} else {
			c.v.folded.insert(lowerRunes(form), id)
		}
	}
	return nil
}

// termOf returns the index of the term name of concept.
func (c *vocabularyCompiler) termOf(concept int, name string) (int, bool) {
	id, ok := c.owner[facetTerm{c.v.concepts[concept].Facet, string(lowerRunes(normalizeTerm(name)))}]
	if !ok || id != concept {
		return 0, false
	}
	for t := len(c.v.terms) - 1; t >= 0; t-- {
		if c.v.terms[t].cue == 0 && c.v.terms[t].concept == concept {
			for _, form := range c.forms[t] {
				if string(form) == string(lowerRunes(normalizeTerm(name))) {
					return t, true
				}
			}
		}
	}
	return 0, false
}

// addExclusion attaches phrase to every term among terms that it holds.
func (c *vocabularyCompiler) addExclusion(terms []vocabTerm, phrase string) error {
	p := lowerRunes(normalizeTerm(phrase))
	held := false
	for k := range terms {
		id := len(c.v.terms) - len(terms) + k
		for _, form := range c.forms[id] {
			for off := 0; off+len(form) <= len(p); off++ {
				if slices.Equal(p[off:off+len(form)], form) {
					terms[k].exclude = append(terms[k].exclude, termExclusion{phrase: p, offset: off})
					held = true
				}
			}
		}
	}
	if !held {
		return fmt.Errorf("exclusion %q holds none of the concept's terms", phrase)
	}
	return nil
}

func (c *vocabularyCompiler) addCue(name string, kind cueKind) error {
	rs := lowerRunes(normalizeTerm(name))
	if len(rs) == 0 {
		return fmt.Errorf("empty design cue %q", name)
	}
	key := string(rs)
	for f := range c.v.byFacet {
		if _, ok := c.owner[facetTerm{f, key}]; ok {
			return fmt.Errorf("design cue %q is also a term of the vocabulary", name)
		}
	}
	if id, ok := c.cueIDs[key]; ok {
		c.v.terms[id].cue |= kind
		return nil
	}
	id := len(c.v.terms)
	c.cueIDs[key] = id
	c.v.terms = append(c.v.terms, vocabTerm{
		cue:      kind,
		concept:  -1,
		latinEnd: isLatinWordRune(rs[len(rs)-1]),
	})
	c.forms = append(c.forms, nil)
	c.v.folded.insert(rs, id)
	return nil
}
