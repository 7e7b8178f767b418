package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/internal/glossary"
)

// Errors a caller can meet.
var (
	// ErrBadRequest is wrapped by every *RequestError.
	ErrBadRequest = errors.New("bad search request")
)

// RequestError is a search request the engine cannot answer as given: an unknown
// facet value, a page too deep, a query with too many words. Reason is one sentence a
// user can act on; the web layer answers it with 400.
type RequestError struct {
	Reason string
}

func (e *RequestError) Error() string { return e.Reason }

// Unwrap makes errors.Is(err, ErrBadRequest) true.
func (e *RequestError) Unwrap() error { return ErrBadRequest }

func badRequest(format string, args ...any) error {
	return &RequestError{Reason: fmt.Sprintf(format, args...)}
}

// Limits of a request.
const (
	// MaxSize is the largest page of hits; a larger Size is read as MaxSize.
	MaxSize = 100
	// MaxExport is the largest page of a Request with Export: an export holds every
	// result up to it. Ten thousand sections or documents take a few seconds to cut
	// snippets for, and are more than a spreadsheet or a reference manager is used with.
	MaxExport = 10_000
	// maxWindow bounds how deep paging goes (page × size), which costs the engine
	// memory and time in proportion.
	maxWindow = 100_000
	// maxUnits bounds the distinct words and phrases of a query: each costs a
	// search of every field.
	maxUnits = 64
)

// Config configures an Engine.
type Config struct {
	// Index is the open index to search; the engine does not close it.
	Index *indexer.Index
	// Logger receives the engine's rare log lines; default slog.Default().
	Logger *slog.Logger
}

// Engine answers searches over one index. It is safe for concurrent use.
type Engine struct {
	ix     *indexer.Index
	log    *slog.Logger
	sets   *setCache
	trials *trialCache
	// suggestions keeps what Suggest reads from the index.
	suggestions *suggestCache
	// patterns memoises the analysis of query texts, compiled the queries.
	patterns *patternCache
	compiled *compiledCache
	// stored memoises the sections pages show.
	stored *storedCache
	// bleveOnly runs every search through bleve's searchers, none through the
	// executor (package exec): the differential test's reference.
	bleveOnly bool
}

// New returns an engine over cfg.Index. It checks that the index has every analyser
// the query compiler needs, and runs each once, so that loading a dictionary (kagome's
// takes seconds, the glossary's tens of milliseconds) happens at start-up, not in the
// first search.
func New(cfg Config) (*Engine, error) {
	if cfg.Index == nil {
		return nil, errors.New("search: no index to search")
	}
	e := &Engine{ix: cfg.Index, log: cfg.Logger, sets: newSetCache(), suggestions: &suggestCache{},
		patterns: &patternCache{analyze: cfg.Index.Analyze}, compiled: &compiledCache{}, stored: newStoredCache()}
	if e.log == nil {
		e.log = slog.Default()
	}
	e.trials = &trialCache{log: e.log}
	for _, tf := range indexer.TextFields {
		for _, name := range []string{tf.Analyzer, tf.QueryAnalyzer} {
			if _, err := cfg.Index.Analyze(name, "Muse 細胞"); err != nil {
				return nil, fmt.Errorf("search: field %s: %w", tf.Name, err)
			}
		}
	}
	glossary.Find("stem cells")
	return e, nil
}

// analyze runs one of the index's analysers; it has no tokens to give once the index
// is closed, which the search itself then reports.
func (e *Engine) analyze(analyzer, text string) []indexer.Token {
	tokens, err := e.ix.Analyze(analyzer, text)
	if err != nil {
		return nil
	}
	return tokens
}

// Document returns the document with the given id, its sections in reading order, as
// the index holds it. It wraps corpus.ErrNotFound for an id the index does not hold.
func (e *Engine) Document(ctx context.Context, id string) (*corpus.Document, error) {
	doc, err := e.ix.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	return &doc, nil
}

// Matches returns the stretches of text that match the query, as snippets mark
// them: for highlighting a whole section on a document page.
func (e *Engine) Matches(queryText, text string) []Span {
	c := e.compile(Parse(queryText), compileOptions{phrases: true})
	// The text's language is not known here: it is marked as written and as a
	// Chinese text is indexed (folded, to the same length).
	spans := c.hl.unitSpans(text)
	if folded := corpus.FoldChinese(text); folded != text {
		spans = append(spans, c.hl.unitSpans(folded)...)
	}
	return exported(mergeSpans(spans))
}

// Search answers req. Size 0 asks for the total and the facet counts only. Errors a
// user can fix are *RequestError. A search stops when ctx is done, with an error that
// wraps ctx.Err() (context.DeadlineExceeded or context.Canceled); one stopped because
// the index closed also wraps indexer.ErrClosed.
func (e *Engine) Search(ctx context.Context, req Request) (*Response, error) {
	began := time.Now()
	if err := checkRequest(&req); err != nil {
		return nil, err
	}
	tree, c, err := e.compileQuery(req.Query, compileOptions{verbatim: req.Literal})
	if err != nil {
		return nil, err
	}
	resp, _, matched, err := e.run(ctx, req, c)
	if err != nil {
		return nil, err
	}
	// A quoted phrase that found nothing as written is searched in translation.
	if resp.Total == 0 && c.translatable {
		translated := e.compile(tree, compileOptions{phrases: true})
		again, _, n, err := e.run(ctx, req, translated)
		if err != nil {
			return nil, err
		}
		if again.Total > 0 {
			resp, c, matched = again, translated, n
		}
	}
	// A query that matches nothing even without the filters may be misspelt.
	if matched == 0 && c.query != nil {
		fuzzy := e.compile(tree, compileOptions{fuzzy: true, verbatim: req.Literal})
		if slices.ContainsFunc(fuzzy.units, func(u unit) bool { return u.fuzzy > 0 }) {
			again, texts, _, err := e.run(ctx, req, fuzzy)
			if err != nil {
				return nil, err
			}
			if again.Total > 0 {
				again.Fuzzy = true
				again.Suggestion = suggestion(req.Query, fuzzy, texts)
				resp = again
			}
		}
	}
	if !resp.Fuzzy {
		resp.Expanded = c.expansions()
	}
	if resp.Total == 0 && !resp.Fuzzy {
		if resp.Suggestion, err = e.didYouMean(ctx, req, tree); err != nil {
			return nil, err
		}
	}
	resp.TookMS = float64(time.Since(began).Microseconds()) / 1000
	return resp, nil
}

// checkRequest validates req and fills in its defaults.
func checkRequest(req *Request) error {
	if req.Page < 1 {
		req.Page = 1
	}
	if req.Size < 0 {
		return badRequest("The size must not be negative.")
	}
	if req.Export {
		req.Size = min(req.Size, MaxExport)
	} else {
		req.Size = min(req.Size, MaxSize)
	}
	if req.Page*max(req.Size, 1) > maxWindow {
		return badRequest("The page is too deep: page × size may be at most %d.", maxWindow)
	}
	switch req.Sort {
	case "":
		req.Sort = SortRelevance
	case SortRelevance, SortDate:
	default:
		return badRequest("The sort must be %s or %s.", SortRelevance, SortDate)
	}
	for f, values := range req.Filters {
		for _, v := range values {
			if err := CheckFilter(f, v); err != nil {
				return err
			}
		}
	}
	for _, y := range []int{req.YearFrom, req.YearTo} {
		if y != 0 && (y < MinYear || y > MaxYear) {
			return badRequest("The year %d is out of range: use a year from %d to %d.", y, MinYear, MaxYear)
		}
	}
	if req.YearFrom != 0 && req.YearTo != 0 && req.YearFrom > req.YearTo {
		return badRequest("The year range %d–%d is empty: year_from must not be after year_to.", req.YearFrom, req.YearTo)
	}
	return nil
}

// yearQuery matches the sections of the documents published in the years req asks
// for, or is nil when it asks for none. It scores nothing, so that it ranks nothing.
func yearQuery(req Request) query.Query {
	if req.YearFrom == 0 && req.YearTo == 0 {
		return nil
	}
	var from, to *float64
	if req.YearFrom != 0 {
		f := float64(req.YearFrom)
		from = &f
	}
	if req.YearTo != 0 {
		t := float64(req.YearTo)
		to = &t
	}
	inclusive := true
	q := query.NewNumericRangeInclusiveQuery(from, to, &inclusive, &inclusive)
	q.SetField(indexer.FieldYear)
	return &squashQuery{inner: q, scale: 0}
}

// withoutTrials matches the sections that report no trial (Request.WithoutTrials):
// every section but the trials' passages; one that names a trial only in passing is
// kept. It scores nothing.
func (e *Engine) withoutTrials(ctx context.Context) (query.Query, error) {
	all, err := e.trials.get(ctx, e.ix)
	if err != nil {
		return nil, err
	}
	var reporting []string
	for _, t := range all {
		for _, p := range t.Passages {
			reporting = append(reporting, p.ID)
		}
	}
	outside := query.NewBooleanQuery([]query.Query{query.NewMatchAllQuery()}, nil, []query.Query{query.NewDocIDQuery(reporting)})
	return &squashQuery{inner: outside, scale: 0}, nil
}

// CheckFilter reports, as a *RequestError, a facet or facet value the vocabulary does
// not know.
func CheckFilter(f corpus.Facet, value string) error {
	if f == corpus.Lang {
		if !slices.Contains(corpus.Languages, value) {
			return badRequest("There is no language %q: use one of %s.", value, strings.Join(corpus.Languages, ", "))
		}
		return nil
	}
	if !slices.Contains(corpus.ContentFacets, f) {
		return badRequest("There is no facet %q.", string(f))
	}
	if _, ok := corpus.LookupConcept(f, value); !ok {
		return badRequest("%s has no value %q.", string(f), value)
	}
	return nil
}

func countUnits(n Node) int {
	switch n := n.(type) {
	case Word, Phrase:
		return 1
	case Not:
		return countUnits(n.Node)
	case And:
		return sumUnits(n.Nodes)
	case Or:
		return sumUnits(n.Nodes)
	}
	return 0
}

func sumUnits(nodes []Node) int {
	total := 0
	for _, n := range nodes {
		total += countUnits(n)
	}
	return total
}

// Thresholds of Costly: an ordinary query has a few words of a few positions each.
const (
	costlyUnits     = 8
	costlyPositions = 16
)

// Costly reports whether a query is of a shape that costs the engine far more than an
// ordinary search: many words and phrases, or long ones (a phrase, or a run of Chinese
// or Japanese characters, which is a phrase of its bigrams, is checked position by
// position). The web layer lets fewer of them run at once, so that they cannot crowd
// out ordinary searches.
func Costly(queryText string) bool {
	tree := Parse(queryText)
	if countUnits(tree) >= costlyUnits {
		return true
	}
	long := false
	walkUnits(tree, func(text string) {
		if positions(text) >= costlyPositions {
			long = true
		}
	})
	return long
}

// walkUnits calls f with the text of every word and phrase of n.
func walkUnits(n Node, f func(string)) {
	switch n := n.(type) {
	case Word:
		f(n.Text)
	case Phrase:
		f(n.Text)
	case Not:
		walkUnits(n.Node, f)
	case And:
		for _, c := range n.Nodes {
			walkUnits(c, f)
		}
	case Or:
		for _, c := range n.Nodes {
			walkUnits(c, f)
		}
	}
}

// positions estimates how many token positions text takes: one per word written with
// spaces, one per Chinese or Japanese character (a bigram each).
func positions(text string) int {
	n, inWord := 0, false
	for _, r := range text {
		switch {
		case corpus.IsCJK(r):
			n++
			inWord = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !inWord {
				n++
			}
			inWord = true
		default:
			inWord = false
		}
	}
	return n
}

// run searches with one compiled query: the page of hits, and the facet counts. It
// also returns the text of each hit's section, and how many sections the query
// matches with the filters left out.
func (e *Engine) run(ctx context.Context, req Request, c *compiled) (*Response, []string, int, error) {
	q, err := e.selection(ctx, req, c)
	if err != nil {
		return nil, nil, 0, err
	}
	resp := &Response{Query: req.Query, Page: req.Page, Size: req.Size, Hits: []Hit{}}
	from := (req.Page - 1) * req.Size
	col := &collector{cache: e.sets, filters: req.Filters, byDoc: req.GroupByDoc,
		spec: groupSpec{from: from, size: req.Size, byDate: req.Sort == SortDate, inOrder: c.query == nil}}
	sreq := bleve.NewSearchRequestOptions(col.wrap(q), 0, 0, false)
	var x *execQuery
	if e.executes(q) {
		x = &execQuery{inner: q, c: col}
		if !req.GroupByDoc {
			x.top = from + req.Size
		}
		sreq.Query = x
	}
	var order func(*bleve.SearchResult) []pageHit
	switch {
	case req.GroupByDoc:
		// The collector groups the matches itself: bleve gets none. The total is
		// counted with the facets.
		order = func(*bleve.SearchResult) []pageHit { return col.page() }
	case req.Sort == SortDate:
		sortBy(sreq, req.Sort)
		sreq.From, sreq.Size = from, req.Size
		order = func(res *bleve.SearchResult) []pageHit {
			if x != nil {
				resp.Total = col.total()
				return pageOf(x.hits[min(from, len(x.hits)):])
			}
			resp.Total = int(res.Total)
			return pageOf(res.Hits)
		}
	default:
		if c.query == nil {
			sortBy(sreq, req.Sort)
		}
		sreq.Size = from + req.Size
		order = func(res *bleve.SearchResult) []pageHit {
			resp.Total = int(res.Total)
			ranked := res.Hits
			if x != nil {
				resp.Total, ranked = col.total(), x.hits
			}
			// A query that matches everything lists it in reading order: no section is
			// better than another.
			if req.Size > 0 && c.query != nil {
				best := col.bestPerLanguage()
				// A language's best match may rank below the hits fetched: add it.
				for _, h := range best {
					if !slices.ContainsFunc(ranked, func(r *bsearch.DocumentMatch) bool { return r.ID == h.ID }) {
						ranked = append(ranked, h)
					}
				}
				ranked = promote(ranked, best, func(h *bsearch.DocumentMatch) string { return h.ID })
			}
			return pageOf(ranked[min(from, len(ranked)):min(from+req.Size, len(ranked))])
		}
	}
	res, err := e.ix.Search(ctx, sreq)
	if err != nil {
		return nil, nil, 0, err
	}
	page := order(res)
	// The facets are counted (set operations over the matches, or their documents for
	// a search grouped by document) while the page's sections are read, on another
	// core where the matches are many: at 1M sections that takes milliseconds.
	var counts map[corpus.Facet]map[string]int
	counted := make(chan struct{})
	count := func() {
		defer close(counted)
		counts = col.counts()
	}
	if col.matched() >= minCountApart {
		go count()
	} else {
		count()
	}
	texts, err := e.fill(ctx, page, c, resp)
	<-counted
	if err != nil {
		return nil, nil, 0, err
	}
	if req.GroupByDoc {
		resp.Total = col.total()
	}
	if req.Sort == SortDate {
		resp.Undated = col.undated()
	}
	resp.Facets = map[corpus.Facet][]FacetCount{}
	for _, f := range FacetOrder {
		resp.Facets[f] = facetCounts(f, counts[f], req.Filters[f])
	}
	return resp, texts, int(col.matched()), nil
}

// minCountApart is the fewest matches whose facets a search counts on another
// goroutine: a rare word's few are counted in microseconds, less than starting one
// costs. At 1M sections a common word's take 1-3 ms, as long as the page's snippets.
// A variable for the tests.
var minCountApart = 1 << 14

// selection returns the query of the sections a search of c for req selects before
// its facet filters: c's, within the years and outside the trials req asks for.
func (e *Engine) selection(ctx context.Context, req Request, c *compiled) (query.Query, error) {
	q := c.query
	if years := yearQuery(req); years != nil {
		// The years select like the query's words, so that every facet is counted
		// within them.
		q = conjunction(nonNil([]query.Query{q, years}))
	}
	if req.WithoutTrials {
		outside, err := e.withoutTrials(ctx)
		if err != nil {
			return nil, err
		}
		q = conjunction(nonNil([]query.Query{q, outside}))
	}
	if q == nil {
		q = query.NewMatchAllQuery()
	}
	return q, nil
}

// executes reports whether the executor (package exec) runs a search of q: one it
// has a plan for, whatever its order.
func (e *Engine) executes(q query.Query) bool {
	_, ok := planOf(q, nil)
	return ok && !e.bleveOnly
}

// promote puts first the best match of each language, by score, then the others in
// their order: the first hits show the best passage in every language that has one,
// even where the ranking of one language's passages (shorter sections, a matching
// title) would push every other language off the first page. The promoted items are
// those of ranked whose key is a key of best.
func promote[T any](ranked []T, best []*bsearch.DocumentMatch, key func(T) string) []T {
	if len(best) < 2 {
		return ranked
	}
	slices.SortStableFunc(best, func(a, b *bsearch.DocumentMatch) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	rank := map[string]int{}
	for i, h := range best {
		if _, dup := rank[h.ID]; !dup {
			rank[h.ID] = i
		}
	}
	var head, tail []T
	for _, item := range ranked {
		if _, ok := rank[key(item)]; ok {
			head = append(head, item)
		} else {
			tail = append(tail, item)
		}
	}
	slices.SortStableFunc(head, func(a, b T) int { return rank[key(a)] - rank[key(b)] })
	return append(head, tail...)
}

// pageHit is one hit of the requested page before its stored fields are loaded.
type pageHit struct {
	id    string
	score float64
	// With GroupByDoc: the document's matching sections, and its best, best first.
	matches  int
	passages []scoredID
}

// scoredID is a section and its score.
type scoredID struct {
	id    string
	score float64
}

func pageOf(hits []*bsearch.DocumentMatch) []pageHit {
	out := make([]pageHit, len(hits))
	for i, h := range hits {
		out[i] = pageHit{id: h.ID, score: h.Score}
	}
	return out
}

// fill loads the stored fields of the page's sections and adds their hits to resp, in
// order; it returns the text of each hit's section.
func (e *Engine) fill(ctx context.Context, page []pageHit, c *compiled, resp *Response) ([]string, error) {
	if len(page) == 0 {
		return nil, nil
	}
	ids := make([]string, 0, len(page))
	for _, h := range page {
		ids = append(ids, h.id)
		for _, p := range h.passages[min(1, len(h.passages)):] {
			ids = append(ids, p.id)
		}
	}
	sections, err := e.fetch(ctx, ids, c.hl)
	if err != nil {
		return nil, err
	}
	// Every section of the page gets its snippet: a hit's own, made in its place in
	// resp.Hits, and with GroupByDoc its other passages (in others).
	first := len(resp.Hits)
	resp.Hits = slices.Grow(resp.Hits, len(page))[:first+len(page)]
	hits := resp.Hits[first:]
	texts := make([]string, len(page))
	others := make([]Hit, len(ids)-len(page))
	type cut struct {
		id    string
		score float64
		hit   *Hit
		text  *string // nil for a passage past the first
	}
	cuts := make([]cut, 0, len(ids))
	o := 0
	for k, h := range page {
		cuts = append(cuts, cut{id: h.id, score: h.score, hit: &hits[k], text: &texts[k]})
		for _, p := range h.passages[min(1, len(h.passages)):] {
			cuts = append(cuts, cut{id: p.id, score: p.score, hit: &others[o]})
			o++
		}
	}
	c.hl.share(len(cuts), func(i int, hl *highlighter) {
		hit, text := e.hit(cuts[i].id, cuts[i].score, sections[cuts[i].id], hl)
		*cuts[i].hit = hit
		if cuts[i].text != nil {
			*cuts[i].text = text
		}
	})
	o = 0
	for k, h := range page {
		hit := &hits[k]
		hit.Matches = h.matches
		for i := range h.passages {
			p := hit
			if i > 0 {
				p = &others[o]
				o++
			}
			hit.Passages = append(hit.Passages, SectionHit{ID: p.ID, Section: p.Section, SectionMarks: p.SectionMarks, Lang: p.Lang, Score: p.Score, Snippet: p.Snippet})
		}
	}
	return texts, nil
}

// fetch reads the sections ids, by id (pageQuery), and gives hl the tokens its
// patterns need of their texts, read from the index's term vectors, so that marking
// them analyses nothing. A section the index no longer holds is left out.
func (e *Engine) fetch(ctx context.Context, ids []string, hl *highlighter) (map[string]*storedSection, error) {
	page := newPageQuery(ids, hl, e)
	if _, err := e.ix.Search(ctx, bleve.NewSearchRequestOptions(page, 0, 0, false)); err != nil {
		return nil, err
	}
	return page.sections, nil
}

// sortBy orders hits by date (newest first, then relevance) or, for a query that
// matches every section, in reading order; ties go in reading order, so that pages
// never overlap. Relevance alone needs no sort: bleve ranks by score, ties in index order.
func sortBy(sreq *bleve.SearchRequest, order string) {
	keys := []bsearch.SearchSort{
		&bsearch.SortField{Field: indexer.FieldDocID},
		&bsearch.SortField{Field: indexer.FieldOrdinal, Type: bsearch.SortFieldAsNumber},
	}
	if order == SortDate {
		date := &bsearch.SortField{Field: indexer.FieldDate, Desc: true, Missing: bsearch.SortFieldMissingLast}
		keys = append([]bsearch.SearchSort{date, &bsearch.SortScore{Desc: true}}, keys...)
	}
	sreq.SortByCustom(keys)
}

// indexedText returns text, a part of a section in language lang, as the index
// analysed it: Chinese folded to simplified characters (the same length, so that spans
// in it are spans in the text).
func indexedText(lang, text string) string {
	if lang == "zh" {
		return corpus.FoldChinese(text)
	}
	return text
}

// hit builds one hit from a section as read (nil when the index no longer holds it),
// its snippet marked by hl; it also returns the section's text.
func (e *Engine) hit(id string, score float64, s *storedSection, hl *highlighter) (Hit, string) {
	if s == nil {
		s = newStoredSection(indexer.DecodeFields(id, nil))
	}
	doc, sec := s.doc, s.sec
	heading, indexedHeading := sec.Heading, s.heading
	if heading == "" && len(sec.Path) > 0 {
		heading = sec.Path[len(sec.Path)-1]
		indexedHeading = indexedText(sec.Lang, heading)
	}
	facets := make(corpus.Facets, len(corpus.ContentFacets))
	n := 0
	for _, f := range corpus.ContentFacets {
		n += len(sec.Facets[f])
	}
	values := make([]string, 0, n) // every facet's values, in one array
	for _, f := range corpus.ContentFacets {
		values = append(values, sec.Facets[f]...)
		facets[f] = values[len(values)-len(sec.Facets[f]) : len(values) : len(values)]
	}
	hit := Hit{
		ID:           id,
		DocID:        doc.ID,
		Source:       doc.Source,
		Title:        doc.Title,
		Section:      heading,
		SectionMarks: exported(hl.spans(indexedHeading)),
		Lang:         sec.Lang,
		DocLang:      doc.Lang,
		Date:         doc.Date,
		Score:        score,
		Snippet:      snippet(sec.Text, hl.spans(s.text)),
		Facets:       facets,
		Meta:         doc.Meta,
	}
	return hit, sec.Text
}
