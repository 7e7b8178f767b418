package search

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/corpus"
	"musesearch/indexer"
)

// Scoring of the parts of a query besides the literal text match.
const (
	// conceptScore bounds the score of a section that matches a query word only
	// through the concept the word names (its facet, found by the vocabulary in any
	// language) or through the glossary's translations of it. A match of the word as
	// typed in a section's own words is worth a literalFloor more, so such sections
	// rank below those that hold more of the query's words as typed.
	conceptScore = 1e-4
	// contextScore bounds the score of a query word matched only in a section's
	// context (its document's title or its parent headings): above a match through a
	// concept, below a literal match in the section's own words, so that sections
	// whose own text holds the words rank first.
	contextScore = 1e-3
	// identBoost weights an exact identifier match (NCT01234567, a DOI) above text
	// matches of the same word.
	identBoost = 5
)

// compiled is a query ready to run: the bleve query, the highlighter of its matches,
// the words it can retry fuzzily and the glossary terms it was expanded to; or, with
// err set, a query the engine refuses.
type compiled struct {
	query    query.Query // nil matches every section
	hl       *highlighter
	units    []unit
	expanded []expansion
	// translatable is set when a quoted phrase of the query is a glossary term that
	// was not expanded (see compileOptions.phrases).
	translatable bool
	err          error // a *RequestError
	// indications are the indications the query names (not inside an exclusion):
	// the passages that report a trial of one rank first (evidenceQuery).
	indications []string
	// covers are the expansions of the words that name an indication, which the
	// passages in the query's language that report a trial of it cover when evidence
	// comes first.
	covers []*coverQuery
}

// unit is one positive query word or phrase.
type unit struct {
	text  string
	fuzzy int // edit distance the word was matched with in a fuzzy retry
}

// compileOptions say how to compile a query.
type compileOptions struct {
	// fuzzy makes long Latin-script words match within an edit distance (a retry of
	// a query that matched nothing), without expansion.
	fuzzy bool
	// verbatim turns cross-language expansion off (Request.Literal).
	verbatim bool
	// phrases expands quoted phrases through the glossary too. Quotes ask for the
	// phrase as written, so a phrase's translations are searched only when the query
	// found nothing as written (a language filter that the phrase's own language is
	// not in: "bone marrow" in Japanese passages).
	phrases bool
}

// forSearch returns a copy of c for one search: with a highlighter of its own, which
// keeps the tokens of the texts the search marks; the rest, read only, is shared.
func (c *compiled) forSearch() *compiled {
	out := *c
	out.hl = &highlighter{analyze: c.hl.analyze, rules: c.hl.rules, terms: c.hl.terms}
	return &out
}

// maxCompiledCost bounds what a compiledCache holds: the highlighting patterns of its
// queries, plus one a query. A pattern costs about 190 bytes (a query of 64 Japanese
// concept names, 1 kB long, has 2,199 of them in 400 kB; 間葉系幹細胞 has 128), so the
// cache holds about 12 MB at most.
const maxCompiledCost = 1 << 16

// compiledCache memoises compileQuery: by the query's text and options, its tree and
// what it compiles to, which depend on nothing else (the vocabulary and the glossary
// are fixed, the analysers' patterns memoised for good). The same query text comes
// again as a user pages through its results, filters or sorts them, and compiling it
// (the glossary's expansion, a highlighting pattern for every name of the concepts it
// names) was a tenth of the CPU of a search on a small index. A search gets its own
// copy (compiled.forSearch). It is safe for concurrent use; when full it starts again
// empty.
type compiledCache struct {
	mu   sync.Mutex
	m    map[compiledKey]compiledQuery
	cost int // of the queries in m (see maxCompiledCost)
}

type compiledKey struct {
	text string
	opts compileOptions
}

type compiledQuery struct {
	tree Node
	c    *compiled
}

// compileQuery parses and compiles a query, refusing one too large to run, or returns
// it as compiled before.
func (e *Engine) compileQuery(text string, opts compileOptions) (Node, *compiled, error) {
	key := compiledKey{text, opts}
	cc := e.compiled
	cc.mu.Lock()
	q, ok := cc.m[key]
	cc.mu.Unlock()
	if ok {
		return q.tree, q.c.forSearch(), nil
	}
	tree := Parse(text)
	if n := countUnits(tree); n > maxUnits {
		return nil, nil, badRequest("The query has %d words and phrases; use at most %d.", n, maxUnits)
	}
	failures := e.patterns.failures.Load()
	c := e.compile(tree, opts)
	if c.err != nil {
		return nil, nil, c.err
	}
	cost := 1
	for _, r := range c.hl.rules {
		cost += len(r.patterns)
	}
	if e.patterns.failures.Load() == failures && cost <= maxCompiledCost { // not compiled without an analysis
		c.hl.terms = c.hl.vectorTerms()
		cc.mu.Lock()
		if cc.cost+cost > maxCompiledCost || cc.m == nil {
			cc.m, cc.cost = make(map[compiledKey]compiledQuery), 0
		}
		if _, ok := cc.m[key]; !ok {
			cc.m[key] = compiledQuery{tree, c}
			cc.cost += cost
		}
		cc.mu.Unlock()
	}
	return tree, c.forSearch(), nil
}

// compiler turns a query tree into a bleve query.
type compiler struct {
	compileOptions
	e      *Engine
	negate bool // inside an exclusion: literal matching only, nothing to highlight
	out    *compiled
	// fuzzyWords counts the words made fuzzy, up to maxFuzzyWords.
	fuzzyWords int
}

// compile compiles the query tree n.
func (e *Engine) compile(n Node, opts compileOptions) *compiled {
	out := &compiled{hl: &highlighter{analyze: e.analyze}}
	if n != nil {
		out.query = (&compiler{compileOptions: opts, e: e, out: out}).node(n)
	}
	if out.query != nil && len(out.indications) > 0 {
		var words []string
		for _, u := range out.units {
			words = append(words, u.text)
		}
		if text := strings.Join(words, " "); positions(text) <= maxEvidencePositions {
			langs := queryLangs(text)
			out.query = &evidenceQuery{inner: out.query, sets: e.sets, indications: out.indications, langs: langs}
			for _, q := range out.covers {
				q.sets, q.langs = e.sets, langs
			}
		}
	}
	return out
}

// node compiles n; nil means n constrains nothing (a word of punctuation only).
func (c *compiler) node(n Node) query.Query {
	switch n := n.(type) {
	case Word:
		return c.words([]Word{n})
	case Phrase:
		c.name(c.concepts(n.Text))
		unit := len(c.out.units)
		q := c.literal(n.Text, false)
		if q == nil {
			return nil
		}
		return c.expand(q, nil, c.glossaryPhrase(n.Text, unit), unit)
	case Not:
		return c.exclusion(n.Node)
	case Or:
		var alts []query.Query
		for _, child := range n.Nodes {
			if q := c.node(child); q != nil {
				alts = append(alts, q)
			}
		}
		if len(alts) < 2 || c.negate {
			return disjunction(alts)
		}
		return &unitOr{qs: alts}
	case And:
		return c.and(n.Nodes)
	}
	return nil
}

// exclusion compiles -n: every section but those n matches literally.
func (c *compiler) exclusion(n Node) query.Query {
	q := c.excluded(n)
	if q == nil {
		return nil
	}
	return query.NewBooleanQuery([]query.Query{query.NewMatchAllQuery()}, nil, []query.Query{q})
}

// excluded compiles what an exclusion leaves out: literal matches only, with nothing
// to highlight.
func (c *compiler) excluded(n Node) query.Query {
	inner := &compiler{compileOptions: compileOptions{verbatim: true}, e: c.e, negate: true, out: &compiled{hl: &highlighter{analyze: c.e.analyze}}}
	q := inner.node(n)
	if c.out.err == nil {
		c.out.err = inner.out.err
	}
	return q
}

// and compiles a conjunction. Its exclusions become must-not clauses, and consecutive
// bare words are compiled together so that a concept named by several words
// ("spinal cord injury") is recognised.
func (c *compiler) and(nodes []Node) query.Query {
	var must, mustNot []query.Query
	var run []Word
	flush := func() {
		if q := c.words(run); q != nil {
			must = append(must, q)
		}
		run = nil
	}
	for _, n := range nodes {
		switch n := n.(type) {
		case Word:
			run = append(run, n)
			continue
		case Not:
			if q := c.excluded(n.Node); q != nil {
				mustNot = append(mustNot, q)
			}
			continue
		}
		flush()
		if q := c.node(n); q != nil {
			must = append(must, q)
		}
	}
	flush()
	if len(must) == 0 && len(mustNot) == 0 {
		return nil
	}
	if len(mustNot) == 0 {
		return conjunction(must)
	}
	if len(must) == 0 {
		must = []query.Query{query.NewMatchAllQuery()}
	}
	return query.NewBooleanQuery(must, nil, mustNot)
}

// words compiles consecutive AND-ed words. Function words are dropped when the run
// has other words (PubMed does the same), so that "effect of Muse cells" is not lost on
// sections in other languages. Every word matches literally or, ranked below, through
// the concepts it names and the glossary's translations of it; a concept or glossary
// term only several words together name (spinal cord injury, bone marrow) is an
// alternative to all of them.
func (c *compiler) words(ws []Word) query.Query {
	if len(ws) == 0 {
		return nil
	}
	if kept := slices.DeleteFunc(slices.Clone(ws), isFunctionWord); len(kept) > 0 {
		ws = kept
	}
	items := make([]query.Query, len(ws))
	units := make([]int, len(ws)) // the unit of each word, for highlighting its concepts
	own := map[string]bool{}
	for i, w := range ws {
		units[i] = len(c.out.units)
		concepts := c.concepts(w.Text)
		for _, k := range concepts {
			own[k.key()] = true
		}
		literal := c.literal(w.Text, true)
		items[i] = c.cover(c.expand(literal, concepts, c.glossaryWord(w.Text, concepts, units[i]), units[i]), concepts, 1)
	}
	if len(ws) < 2 || c.negate || c.verbatim || c.fuzzy {
		return conjunction(nonNil(items))
	}
	// Runs of words that name one thing: the concepts first, then the glossary terms;
	// a run that overlaps one taken before is left out, one over the same words joins it.
	runs := c.conceptRuns(ws, own)
	for _, g := range glossaryRuns(ws) {
		runs = append(runs, wordRun{i: g.i, j: g.j, glossary: &g})
	}
	taken := make([]bool, len(ws))
	var applied []wordRun
	for _, r := range runs {
		if k := slices.IndexFunc(applied, func(a wordRun) bool { return a.i == r.i && a.j == r.j }); k >= 0 {
			applied[k].concepts = append(applied[k].concepts, r.concepts...)
			if applied[k].glossary == nil {
				applied[k].glossary = r.glossary
			}
			continue
		}
		if slices.Contains(taken[r.i:r.j+1], true) {
			continue
		}
		for m := r.i; m <= r.j; m++ {
			taken[m] = true
		}
		applied = append(applied, r)
	}
	for _, r := range applied {
		var terms query.Query
		if g := r.glossary; g != nil {
			terms = c.terms(g.eqs, g.from, r.concepts, units[r.i])
		}
		items[r.i] = c.cover(c.expand(conjunction(nonNil(items[r.i:r.j+1])), r.concepts, terms, units[r.i]), r.concepts, r.j-r.i+1)
		for m := r.i + 1; m <= r.j; m++ {
			items[m] = nil
		}
	}
	return conjunction(nonNil(items))
}

// wordRun is a run of query words, ws[i..j], that names concepts or a glossary term.
type wordRun struct {
	i, j     int
	concepts []conceptRef
	glossary *glossaryRun
}

// conceptRuns finds the concepts named by several words: the words that spell one of
// the concept's names ("脊髄 損傷", "Muse 細胞" as the vocabulary writes 脊髄損傷 and
// Muse細胞), else the shortest run the vocabulary reads as naming it ("spinal cord
// injuries"); own holds the concepts single words name.
func (c *compiler) conceptRuns(ws []Word, own map[string]bool) []wordRun {
	texts := make([]string, len(ws))
	squashed := make([]string, len(ws))
	for i, w := range ws {
		texts[i], squashed[i] = w.Text, squash(w.Text)
	}
	// Joined without spaces too: CJK names are written without them.
	candidates := c.concepts(strings.Join(texts, " "))
	for _, k := range c.concepts(strings.Join(texts, "")) {
		if !slices.Contains(candidates, k) {
			candidates = append(candidates, k)
		}
	}
	var runs []wordRun
	for _, k := range candidates {
		names := squashedNames(k)
		i, j, ok := namingRun(squashed, names)
		if !ok && !own[k.key()] {
			i, j, ok = shortestRun(texts, squashed, names, k, c.concepts)
		}
		if ok {
			runs = append(runs, wordRun{i: i, j: j, concepts: []conceptRef{k}})
		}
	}
	return runs
}

// names are the names of a concept, squashed.
type names struct {
	squashed map[string]bool
	longest  int // the length of the longest
}

// squashedNames returns the names of concept k.
func squashedNames(k conceptRef) names {
	out := names{squashed: map[string]bool{}}
	if concept, ok := corpus.LookupConcept(k.facet, k.id); ok {
		for _, name := range conceptNames(concept) {
			s := squash(name)
			out.squashed[s] = true
			out.longest = max(out.longest, len(s))
		}
	}
	return out
}

// namingRun finds the longest run of two words or more that spells one of the names,
// ignoring case, width, spaces and dashes: squashed holds the query's words, squashed.
// Of runs as long, the first wins. A run longer than the longest name spells none, so
// each start reads at most as many words as that name has characters.
func namingRun(squashed []string, n names) (int, int, bool) {
	bi, bj, found := 0, 0, false
	for i := range squashed {
		run := squashed[i]
		for j := i + 1; j < len(squashed) && len(run)+len(squashed[j]) <= n.longest; j++ {
			run += squashed[j]
			if n.squashed[run] && (!found || j-i > bj-bi) {
				bi, bj, found = i, j, true
			}
		}
	}
	return bi, bj, found
}

// squash folds s and drops its spaces and dashes, so that "spinal cord-injury",
// "Spinal Cord Injury" and "spinalcordinjury" compare equal.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) {
			return -1
		}
		return r
	}, corpus.Fold(s))
}

// shortestRun finds the shortest run texts[i..j] that names concept k, whose names n
// are; squashed holds the words squashed. The words inside a run that names k are
// inside the name the vocabulary finds, so a run whose inner words are longer than
// its longest name and a plural s is not read: the runs read are as many as the words
// times the words of a name.
func shortestRun(texts, squashed []string, n names, k conceptRef, concepts func(string) []conceptRef) (int, int, bool) {
	// before[i] is the length of the words before the i-th, squashed.
	before := make([]int, len(squashed)+1)
	for i, s := range squashed {
		before[i+1] = before[i] + len(s)
	}
	for size := 2; size <= len(texts); size++ {
		for i := 0; i+size <= len(texts); i++ {
			j := i + size - 1
			if before[j]-before[i+1] > n.longest+1 {
				continue
			}
			if slices.Contains(concepts(strings.Join(texts[i:j+1], " ")), k) {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// conceptRef is one facet value a query names.
type conceptRef struct {
	facet corpus.Facet
	id    string
}

func (k conceptRef) key() string { return string(k.facet) + ":" + k.id }

// concepts returns the content-facet concepts text names (languages are not concepts
// to expand: "Japanese" must not match every Japanese section).
func (c *compiler) concepts(text string) []conceptRef {
	if c.negate || c.verbatim {
		return nil
	}
	var out []conceptRef
	for _, k := range corpus.ConceptsIn(text) {
		if slices.Contains(corpus.ContentFacets, k.Facet) {
			out = append(out, conceptRef{k.Facet, k.ID})
		}
	}
	return out
}

// expand makes the sections that carry or name one of the concepts, and those that
// match terms (the glossary's translations), an alternative to literal, scored below
// any literal match; the concepts' own terms are highlighted as matches of query unit.
func (c *compiler) expand(literal query.Query, concepts []conceptRef, terms query.Query, unit int) query.Query {
	c.name(concepts)
	if c.fuzzy || len(concepts) == 0 && terms == nil {
		return literal
	}
	var alts []query.Query
	if terms != nil {
		alts = append(alts, terms)
	}
	for _, k := range concepts {
		// The sections that carry or name the concept, those that name it most (in
		// their own language) first.
		t := query.NewTermQuery(indexer.MentionTerm(corpus.ConceptKey{Facet: k.facet, ID: k.id}))
		t.SetField(indexer.FieldMentions)
		alts = append(alts, t)
		if concept, ok := corpus.LookupConcept(k.facet, k.id); ok {
			c.highlightNames(concept, conceptNames(concept), unit)
		}
	}
	squashed := &squashQuery{inner: disjunction(alts), scale: conceptScore}
	if literal == nil {
		return squashed
	}
	return &sumQuery{a: literal, b: squashed}
}

// cover makes the passages in the query's language that report a trial of one of
// the indications among concepts, which q, the expansion of n query words, is expanded
// to, hold the words as typed (coverQuery).
func (c *compiler) cover(q query.Query, concepts []conceptRef, n int) query.Query {
	if q == nil || c.fuzzy {
		return q
	}
	var indications []string
	for _, k := range concepts {
		if k.facet == corpus.Indication {
			indications = append(indications, k.id)
		}
	}
	if len(indications) == 0 {
		return q
	}
	cq := &coverQuery{inner: q, units: n, indications: indications}
	c.out.covers = append(c.out.covers, cq)
	return cq
}

// name records the indications among concepts, which the query names.
func (c *compiler) name(concepts []conceptRef) {
	for _, k := range concepts {
		if k.facet == corpus.Indication && !slices.Contains(c.out.indications, k.id) {
			c.out.indications = append(c.out.indications, k.id)
		}
	}
}

// conceptNames returns the terms and labels that name concept, without duplicates.
func conceptNames(concept corpus.Concept) []string {
	names := slices.Clone(concept.Terms)
	for _, l := range concept.Labels {
		names = append(names, l)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// highlightNames marks the names of concept in snippets, as matches of the unit-th
// query word; its abbreviations only in their exact case.
func (c *compiler) highlightNames(concept corpus.Concept, names []string, unit int) {
	if unit >= len(c.out.units) {
		return
	}
	for _, tf := range indexer.TextFields {
		if tf.Part != indexer.PartBody {
			continue
		}
		for _, name := range names {
			exact := ""
			if slices.Contains(concept.Abbreviations, name) {
				exact = name
			}
			p := c.e.patterns.of(tf.QueryAnalyzer, name)
			c.out.hl.add(tf.Analyzer, unitPattern{unit: unit, pattern: p, concept: true, exact: exact})
		}
	}
}

// maxPatterns bounds the patterns a patternCache holds: twice the names of every
// concept of the vocabulary (about a thousand, under two query analysers), and as
// many query words and phrases again.
const maxPatterns = 4096

// patternCache memoises the term patterns of the texts a query compiles to (its words
// and phrases, the names of the concepts it names) under the query analysers, which
// never change: a query naming a concept highlights all its names in three
// languages, and analysing them (kagome's lattice for Japanese) was a tenth of the
// CPU of a search on a small index. Its patterns are shared: no one may change them.
// It is safe for concurrent use; when full it starts again empty.
type patternCache struct {
	analyze func(analyzer, text string) ([]indexer.Token, error)
	mu      sync.Mutex
	m       map[[2]string]termPattern
	// failures counts the analyses that could not run, for compiledCache to keep
	// no query compiled without them.
	failures atomic.Int64
}

// of returns the pattern of text under the named analyser, nil when the analyser keeps
// no token of it or cannot run (the index closed: that is not remembered).
func (pc *patternCache) of(analyzer, text string) termPattern {
	key := [2]string{analyzer, text}
	pc.mu.Lock()
	p, ok := pc.m[key]
	pc.mu.Unlock()
	if ok {
		return p
	}
	tokens, err := pc.analyze(analyzer, text)
	if err != nil {
		pc.failures.Add(1)
		return nil
	}
	p = patternOf(tokens)
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if len(pc.m) >= maxPatterns || pc.m == nil {
		pc.m = make(map[[2]string]termPattern)
	}
	pc.m[key] = p
	return p
}

// literal matches text in the analysed fields of a section's heading and text, or,
// ranked below them, of its context (its document's title and its parent headings):
// as one term where the field's analyser keeps it whole, else as a phrase of its
// tokens, so that IL-6, 脊髄損傷 (CJK bigrams) and Muse細胞 match only where their
// parts are adjacent. Text in traditional Chinese characters also matches in its
// simplified form where Chinese is indexed so (foldQuery). A word that looks like an
// identifier also matches the identifier field exactly. A fuzzy retry reads a section's
// own words only; an exclusion leaves out the sections whose own words or context hold
// the text.
//
// A phrase has at most maxPhraseTerms positions: a quoted one with more is refused,
// and a word with more (a run of CJK characters without spaces, a long hyphenated
// compound) matches its pieces of maxPhraseTerms positions, each as a phrase, as
// words typed with spaces between them would.
//
// Outside an exclusion the text is a unit of the query, and its match in a section's
// own words (not its context) adds literalFloor to the section's score (unitOr).
func (c *compiler) literal(text string, word bool) query.Query {
	u := unit{text: text}
	folded := foldQuery(text)
	var match, context []query.Query
	for _, tf := range indexer.TextFields {
		if tf.Part == indexer.PartContext && c.fuzzy {
			continue
		}
		p := c.e.patterns.of(tf.QueryAnalyzer, text)
		if p == nil {
			continue
		}
		forms := []termPattern{p}
		if tf.Analyzer == indexer.AnalyzerStd && folded != text {
			forms = append(forms, c.e.patterns.of(tf.QueryAnalyzer, folded))
		}
		if len(p) > maxPhraseTerms && !word {
			if c.out.err == nil {
				c.out.err = badRequest("The phrase %q is too long: a quoted phrase may have at most %d words (%d Chinese or Japanese characters); shorten it, or leave out the quotes to search for its parts.",
					abbreviate(text, 40), maxPhraseTerms, maxPhraseTerms+1)
			}
			return nil
		}
		// Fuzzy matching enumerates a field's terms, so it runs only with the
		// analyser that serves every script.
		fuzzy := 0
		if c.fuzzy && word && tf.Analyzer == indexer.AnalyzerStd && c.fuzzyWords < maxFuzzyWords {
			fuzzy = fuzziness(p)
			u.fuzzy = max(u.fuzzy, fuzzy)
		}
		for _, form := range forms {
			var parts []query.Query
			for _, piece := range pieces(form) {
				q := fieldQuery(tf.Name, piece, fuzzy)
				q.SetBoost(tf.Boost)
				parts = append(parts, q)
				if tf.Part == indexer.PartBody && !c.negate {
					c.out.hl.add(tf.Analyzer, unitPattern{unit: len(c.out.units), pattern: piece, fuzzy: fuzzy})
				}
			}
			if tf.Part == indexer.PartContext && !c.negate {
				context = append(context, conjunction(parts))
				continue
			}
			match = append(match, conjunction(parts))
		}
	}
	if id := identifierTerm(text); word && id != "" {
		q := query.NewTermQuery(id)
		q.SetField(indexer.FieldIdent)
		q.SetBoost(identBoost)
		match = append(match, q)
	}
	var inContext query.Query
	if len(context) > 0 {
		inContext = &squashQuery{inner: disjunction(context), scale: contextScore}
	}
	if len(match) == 0 && inContext == nil {
		return nil
	}
	if u.fuzzy > 0 {
		c.fuzzyWords++
	}
	if c.negate {
		return disjunction(match)
	}
	c.out.units = append(c.out.units, u)
	return &unitOr{qs: append(match, nonNil([]query.Query{inContext})...), own: len(match)}
}

// maxPhraseTerms bounds the positions of one phrase: the words of a quoted phrase,
// the tokens of a word the analysers split (the CJK bigrams of 脊髄損傷, the parts of
// open-label). Matching a phrase costs up to its length for each location of its
// terms in a section; 64 holds a long title, or a sentence of 65 Chinese or Japanese
// characters, and is the bound on a query's words (maxUnits).
const maxPhraseTerms = 64

// pieces splits p into runs of at most maxPhraseTerms positions, none starting or
// ending with a gap; a pattern short enough is its one piece.
func pieces(p termPattern) []termPattern {
	if len(p) <= maxPhraseTerms {
		return []termPattern{p}
	}
	var out []termPattern
	for len(p) > 0 {
		piece := p[:min(maxPhraseTerms, len(p))]
		p = p[len(piece):]
		for len(piece) > 0 && piece[0] == nil {
			piece = piece[1:]
		}
		for len(piece) > 0 && piece[len(piece)-1] == nil {
			piece = piece[:len(piece)-1]
		}
		if len(piece) > 0 {
			out = append(out, piece)
		}
	}
	return out
}

// abbreviate returns s cut to at most n characters, an ellipsis marking the cut.
func abbreviate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// boostable is a query whose weight can be set.
type boostable interface {
	query.Query
	SetBoost(float64)
}

// fieldQuery matches pattern p in one field.
func fieldQuery(field string, p termPattern, fuzzy int) boostable {
	if len(p) == 1 && len(p[0]) == 1 {
		if fuzzy > 0 {
			q := query.NewFuzzyQuery(p[0][0])
			q.SetFuzziness(fuzzy)
			q.SetField(field)
			return q
		}
		q := query.NewTermQuery(p[0][0])
		q.SetField(field)
		return q
	}
	if len(p) == 1 {
		alts := make([]query.Query, len(p[0]))
		for i, term := range p[0] {
			t := query.NewTermQuery(term)
			t.SetField(field)
			alts[i] = t
		}
		return query.NewDisjunctionQuery(alts)
	}
	return newPhraseQuery(field, p)
}

// Bounds of a fuzzy retry.
const (
	// maxFuzzyRunes bounds the words a fuzzy retry tries: longer strings are not
	// words anyone misspells, and the automaton of a long term is costly to build.
	maxFuzzyRunes = 32
	// maxFuzzyWords bounds the words a fuzzy retry makes fuzzy, the first ones of the
	// query: each walks the terms of every segment of the index (about 10 ms on 10 MB
	// of Japanese), and a query longer than a few words was pasted, not typed with a
	// slip.
	maxFuzzyWords = 8
)

// fuzziness is the edit distance a fuzzy retry allows for a word: none for short or
// overlong words, words of several tokens and words not in Latin letters; 1 up to 7
// letters; 2 from 8.
func fuzziness(p termPattern) int {
	if len(p) != 1 || len(p[0]) != 1 {
		return 0
	}
	term := p[0][0]
	for _, r := range term {
		if r > unicode.MaxLatin1 || !unicode.IsLetter(r) {
			return 0
		}
	}
	switch n := len([]rune(term)); {
	case n < 4, n > maxFuzzyRunes:
		return 0
	case n < 8:
		return 1
	}
	return 2
}

// identifierPrefixes are written before identifiers in citations and links; the index
// holds the identifier without them.
var identifierPrefixes = []string{"https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:", "pmid:", "pmcid:"}

// identifierTerm returns the form a word would have in the identifier field, or ""
// for a word with no digit, which no identifier lacks.
func identifierTerm(word string) string {
	w := strings.TrimRight(word, ".,;:")
	if !strings.ContainsFunc(w, unicode.IsDigit) {
		return ""
	}
	for _, p := range identifierPrefixes {
		if len(w) > len(p) && strings.EqualFold(w[:len(p)], p) {
			w = w[len(p):]
			break
		}
	}
	return indexer.FoldIdentifier(w)
}

// functionWords are English words that carry no topic; a query drops them when it has
// other words. Other languages' function words are dropped by their analysers.
var functionWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true,
	"by": true, "for": true, "from": true, "in": true, "into": true, "is": true, "it": true,
	"its": true, "of": true, "on": true, "or": true, "the": true, "to": true, "was": true,
	"were": true, "with": true, "vs": true, "versus": true,
}

// isFunctionWord reports whether w is a function word; one written in capitals is an
// abbreviation ("AS", ankylosing spondylitis).
func isFunctionWord(w Word) bool {
	return functionWords[strings.ToLower(w.Text)] && (len(w.Text) < 2 || w.Text != strings.ToUpper(w.Text))
}

func nonNil(qs []query.Query) []query.Query {
	var out []query.Query
	for _, q := range qs {
		if q != nil {
			out = append(out, q)
		}
	}
	return out
}

func conjunction(qs []query.Query) query.Query {
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return query.NewConjunctionQuery(qs)
}

func disjunction(qs []query.Query) query.Query {
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

// squashQuery scores the matches of inner in (0, scale), in the order of their own
// scores: below any literal match in a section's own words. (bleve's custom-score
// query would do it too, but it looks up every match's id and doc values for its
// callback.)
type squashQuery struct {
	inner query.Query
	scale float64
}

func (q *squashQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	s, err := q.inner.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	return &squashSearcher{Searcher: s, scale: q.scale}, nil
}

type squashSearcher struct {
	search.Searcher
	scale float64
}

func (s *squashSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.squashed(s.Searcher.Next(ctx))
}

func (s *squashSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	return s.squashed(s.Searcher.Advance(ctx, id))
}

// Weight is nothing: a squashed query takes no part in the query norm of the query
// around it. (bleve divides the score of every term of a conjunction or disjunction
// by the root of the summed weights of all its terms: the glossary's translations of
// a word, a dozen phrases of rare terms, would scale down its literal matches, the
// more the more the word expands, and reorder them: stroke placebo.)
func (s *squashSearcher) Weight() float64 { return 0 }

// SetQueryNorm keeps the norm inner computed of its own terms.
func (s *squashSearcher) SetQueryNorm(float64) {}

func (s *squashSearcher) squashed(m *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	if m != nil {
		m.Score = s.scale * m.Score / (1 + m.Score)
	}
	return m, err
}

// sumQuery matches what a or b matches, scored as the sum of their scores. Unlike a
// disjunction it does not discount a match of one alone (bleve's coordination factor
// halves it): a word that expands scores its literal matches as a word that does not.
type sumQuery struct {
	a, b query.Query
}

func (q *sumQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	a, err := q.a.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	b, err := q.b.Searcher(ctx, r, m, opts)
	if err != nil {
		a.Close()
		return nil, err
	}
	return &sumSearcher{newMerged(a, b)}, nil
}

// sumSearcher merges the matches of two searchers in the order of their document
// numbers, adding the scores of a document both match.
type sumSearcher struct{ merged }

func (s *sumSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if err := s.start(ctx); err != nil {
		return nil, err
	}
	return s.emit(ctx)
}

func (s *sumSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if err := s.advance(ctx, id); err != nil {
		return nil, err
	}
	return s.emit(ctx)
}

// emit returns the first of the current matches, both added when they are of one
// document, and moves on the searchers it took them from.
func (s *sumSearcher) emit(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	a, b := s.cur[0], s.cur[1]
	take := [2]bool{a != nil, b != nil}
	if a != nil && b != nil {
		switch c := a.IndexInternalID.Compare(b.IndexInternalID); {
		case c < 0:
			take[1] = false
		case c > 0:
			take[0] = false
		}
	}
	var out *search.DocumentMatch
	for i := range s.s {
		if !take[i] {
			continue
		}
		if out == nil {
			out = s.cur[i]
		} else {
			out.Score += s.cur[i].Score
			ctx.DocumentMatchPool.Put(s.cur[i])
		}
		var err error
		if s.cur[i], err = s.s[i].Next(ctx); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// merged are searchers whose matches a searcher merges in the order of their document
// numbers, and the next match of each. It answers for them together what a searcher
// answers for itself, but for the matches.
type merged struct {
	s       []search.Searcher
	cur     []*search.DocumentMatch // by s: its next match, nil at its end
	started bool
}

func newMerged(ss ...search.Searcher) merged {
	return merged{s: ss, cur: make([]*search.DocumentMatch, len(ss))}
}

// start moves each searcher to its first match, the first time.
func (m *merged) start(ctx *search.SearchContext) error {
	if m.started {
		return nil
	}
	m.started = true
	for i := range m.s {
		var err error
		if m.cur[i], err = m.s[i].Next(ctx); err != nil {
			return err
		}
	}
	return nil
}

// advance moves each searcher whose next match is before id to its first match from id.
func (m *merged) advance(ctx *search.SearchContext, id index.IndexInternalID) error {
	for i := range m.s {
		if m.started && (m.cur[i] == nil || m.cur[i].IndexInternalID.Compare(id) >= 0) {
			continue
		}
		if m.cur[i] != nil {
			ctx.DocumentMatchPool.Put(m.cur[i])
		}
		var err error
		if m.cur[i], err = m.s[i].Advance(ctx, id); err != nil {
			return err
		}
	}
	m.started = true
	return nil
}

func (m *merged) Close() error {
	errs := make([]error, len(m.s))
	for i, s := range m.s {
		errs[i] = s.Close()
	}
	return errors.Join(errs...)
}

func (m *merged) Weight() float64 {
	w := 0.0
	for _, s := range m.s {
		w += s.Weight()
	}
	return w
}

func (m *merged) SetQueryNorm(n float64) {
	for _, s := range m.s {
		s.SetQueryNorm(n)
	}
}

func (m *merged) Count() uint64 {
	var n uint64
	for _, s := range m.s {
		n += s.Count()
	}
	return n
}

func (m *merged) Min() int { return 0 }

func (m *merged) Size() int {
	n := 0
	for _, s := range m.s {
		n += s.Size()
	}
	return n
}

func (m *merged) DocumentMatchPoolSize() int {
	n := len(m.cur)
	for _, s := range m.s {
		n += s.DocumentMatchPoolSize()
	}
	return n
}
