package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/corpus"
	"musesearch/indexer"
)

// collector watches one search go by. Its query (collector.wrap) hands bleve every
// section the text query matches, records them all, and passes on only those the
// filters select: the facet counts are then set operations on the recorded matches,
// with every filter but the counted facet's own (disjunctive counts), and the best
// match of each language is known without a search of its own. A collector serves one
// search.
//
// The search runs on two cores where it can: the sections before the middle document
// number are searched as bleve asks for them, those after it by a second searcher in
// another goroutine meanwhile, whose selected matches bleve gets after the first
// part's, so that bleve sees the matches in the order of a search on one core, and
// ranks them alike.
type collector struct {
	cache   *setCache
	filters map[corpus.Facet][]string
	// byDoc groups the search by document: bleve gets no match, the counts count
	// documents, and each part's groups (when spec asks for a page) gathers each
	// document's best sections.
	byDoc bool
	spec  groupSpec
	// tally is the counts in documents, made once (tallied), as soon as the matches
	// are known when the executor runs the search (startTally).
	tally   *docTally
	tallied sync.Once

	sets     *facetSets
	filtered map[corpus.Facet]*roaring.Bitmap // the sections each filtered facet selects
	selected *roaring.Bitmap                  // the sections all filters select; nil when unfiltered
	// resultSet is the sections the search selected, once found (resultsFound: see
	// results).
	resultSet    *roaring.Bitmap
	resultsFound sync.Once
	reader       index.IndexReader
	// The parts' records, merged into the first once the search is done: matched is
	// every section the text query matched, best the best selected match by language
	// (facetSets.langNames), groups the best selected sections of each document.
	first, second part
}

// part is what one part of a split search recorded.
type part struct {
	matched *roaring.Bitmap
	best    []langBest
	floor   float64    // the lowest score in best, once every language has one
	groups  *docGroups // nil unless the search is grouped by document for a page
}

// langBest is the best selected match in one language.
type langBest struct {
	num   uint64 // the section's document number
	score float64
	found bool
	extID string // filled in when the search ends
}

// wrap returns q as the top-level query of the collector's search. The search must
// read its hits with Next only (bleve's collector does): its matches are recorded as
// they go by.
func (c *collector) wrap(q query.Query) query.Query {
	return &collectQuery{inner: q, c: c}
}

type collectQuery struct {
	inner query.Query
	c     *collector
}

func (q *collectQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	sets, err := q.c.cache.get(r)
	if err != nil {
		return nil, err
	}
	inner, err := q.inner.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	c := q.c
	c.start(sets, r)
	s := &collectSearcher{Searcher: inner, c: c, mid: math.MaxUint64, ctx: ctx}
	if splits(sets) {
		restCtx, stop := context.WithCancel(ctx)
		rest, err := q.inner.Searcher(restCtx, r, m, opts)
		if err != nil {
			stop()
			inner.Close()
			return nil, err
		}
		s.mid, s.rest, s.stopRest, s.restDone = uint64(len(sets.langs))/2, rest, stop, make(chan struct{})
		c.split()
		go s.searchRest(restCtx)
	}
	return s, nil
}

// splits reports whether searches of the snapshot whose sets are sets run on two
// cores.
func splits(sets *facetSets) bool {
	return runtime.GOMAXPROCS(0) > 1 && uint64(len(sets.langs)) >= minSplitDocs
}

// minSplitDocs is the smallest index whose searches run on two cores. On the 10k
// benchmark corpus the split left the mix's median as it was (6-8 ms either way, run to
// run) and bettered its p99 (24 against 26-32 ms); on smaller indexes, where a search
// takes a millisecond or two, the second searcher and goroutine are not worth having (not
// measured). A variable for the tests.
var minSplitDocs uint64 = 5_000

// start readies the collector for a search of the snapshot r, whose sets are sets.
func (c *collector) start(sets *facetSets, r index.IndexReader) {
	c.sets, c.reader = sets, r
	c.first, c.second = newPart(len(sets.langNames)), newPart(len(sets.langNames))
	c.filtered = map[corpus.Facet]*roaring.Bitmap{}
	for _, f := range FacetOrder {
		if values := c.filters[f]; len(values) > 0 {
			c.filtered[f] = sets.of(f, values)
			if c.selected == nil {
				c.selected = c.filtered[f].Clone()
			} else {
				c.selected.And(c.filtered[f])
			}
		}
	}
	if c.byDoc && c.spec.size > 0 {
		c.first.groups = newDocGroups(sets, c.spec)
	}
}

// split readies the second part's records, for a search split in two.
func (c *collector) split() {
	if c.first.groups != nil {
		c.second.groups = newDocGroups(c.sets, c.spec)
	}
}

func newPart(langs int) part {
	return part{matched: roaring.New(), best: make([]langBest, langs), floor: math.Inf(-1)}
}

// collectSearcher is the searcher of a collectQuery: its embedded searcher searches
// the sections before mid, rest (when not nil) those from mid on.
type collectSearcher struct {
	bsearch.Searcher
	c   *collector
	mid uint64
	ctx context.Context // the search's

	rest     bsearch.Searcher
	stopRest func()        // cancels the context of rest and searchRest
	restDone chan struct{} // closed when searchRest returns
	restHits []restHit     // the selected matches of rest, in order
	restErr  error
	// firstDone is set once the first part is searched and the second's records
	// merged; next is the index of the next of restHits to hand out.
	firstDone bool
	next      int
}

// restHit is a selected match of the second part.
type restHit struct {
	num   uint64
	score float64
}

// searchRest searches the second part, recording its matches and keeping the
// selected ones for Next. It stops when ctx, the search's context or Close, is done.
func (s *collectSearcher) searchRest(ctx context.Context) {
	defer close(s.restDone)
	// A panic here would take the process down: scorch panics reading some damaged
	// segments. It becomes the search's error, as indexer.Index.Search makes a panic
	// of the first part, so that the damage is found and repaired.
	defer func() {
		if r := recover(); r != nil {
			s.restErr = fmt.Errorf("%w: a search failed reading it: %v", indexer.ErrDamaged, r)
		}
	}()
	sctx := &bsearch.SearchContext{
		DocumentMatchPool: bsearch.NewDocumentMatchPool(s.rest.DocumentMatchPoolSize()+1, 0),
		IndexReader:       s.c.reader,
	}
	if s.restErr = cutShort(ctx); s.restErr != nil {
		return
	}
	m, err := s.rest.Advance(sctx, index.NewIndexInternalID(nil, s.mid))
	for m != nil && err == nil {
		num := m.IndexInternalID.Value()
		if s.c.second.keep(s.c, num, m.Score) && !s.c.byDoc {
			s.restHits = append(s.restHits, restHit{num, m.Score})
		}
		sctx.DocumentMatchPool.Put(m)
		if err = cutShort(ctx); err != nil {
			break
		}
		m, err = s.rest.Next(sctx)
	}
	s.restErr = err
}

// Next hands bleve the next selected match; in a search grouped by document it
// records every match and hands bleve none. Bleve's collector looks at the context
// only every 1024 matches it gets; this one looks before every match it reads, as it
// may skip many that the filters leave out.
func (s *collectSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	for !s.firstDone {
		if err := cutShort(s.ctx); err != nil {
			return nil, err
		}
		m, err := s.Searcher.Next(ctx)
		if err != nil {
			return nil, err
		}
		if m == nil || m.IndexInternalID.Value() >= s.mid {
			ctx.DocumentMatchPool.Put(m)
			s.firstDone = true
			if err := s.joinRest(); err != nil {
				return nil, err
			}
			break
		}
		if num := m.IndexInternalID.Value(); s.c.first.keep(s.c, num, m.Score) && !s.c.byDoc {
			return m, nil
		}
		ctx.DocumentMatchPool.Put(m)
	}
	if s.c.byDoc || s.next == len(s.restHits) {
		return nil, nil
	}
	h := s.restHits[s.next]
	s.next++
	m := ctx.DocumentMatchPool.Get()
	m.IndexInternalID = index.NewIndexInternalID(m.IndexInternalID, h.num)
	m.Score = h.score
	return m, nil
}

// joinRest waits for the second part, once the first is searched, and merges its
// records into the first's.
func (s *collectSearcher) joinRest() error {
	if s.rest == nil {
		return nil
	}
	<-s.restDone
	if s.restErr != nil {
		return s.restErr
	}
	s.c.first.merge(&s.c.second)
	return nil
}

// Advance is not for the top level of a search, which reads its hits with Next.
func (s *collectSearcher) Advance(*bsearch.SearchContext, index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	return nil, errors.New("search: the top-level searcher only reads its hits with Next")
}

// SetQueryNorm sets the query norm of both parts.
func (s *collectSearcher) SetQueryNorm(norm float64) {
	s.Searcher.SetQueryNorm(norm)
	if s.rest != nil {
		s.rest.SetQueryNorm(norm)
	}
}

// Close names the best match of each language, and in a search grouped by document
// the sections of the page, while the snapshot is still open, and closes both parts'
// searchers.
func (s *collectSearcher) Close() error {
	if s.rest != nil {
		s.stopRest()
		<-s.restDone
		s.rest.Close()
	}
	if err := s.c.finish(s.firstDone); err != nil {
		s.Searcher.Close()
		return err
	}
	return s.Searcher.Close()
}

// finish names the best match of each language and, in a search grouped by
// document whose matches were all seen (done), the sections of the page, while the
// snapshot is still open.
func (c *collector) finish(done bool) error {
	var promoted []uint64
	for i, b := range c.first.best {
		if !b.found {
			continue
		}
		promoted = append(promoted, b.num)
		id, err := c.reader.ExternalID(index.NewIndexInternalID(nil, b.num))
		if err != nil {
			return err
		}
		c.first.best[i].extID = id
	}
	if g := c.second.groups; g != nil { // not merged: the search stopped early
		g.release()
	}
	if g := c.first.groups; g != nil {
		defer g.release()
		// The search may have stopped early (an error, a deadline): then there is no page.
		if done {
			if c.spec.byDate || c.spec.inOrder {
				promoted = nil
			}
			if err := g.name(c.reader, promoted); err != nil {
				return err
			}
		}
	}
	return nil
}

// keep records the match of section num with score, and reports whether the filters
// select it.
func (p *part) keep(c *collector, num uint64, score float64) bool {
	p.matched.Add(uint32(num))
	if c.selected != nil && !c.selected.Contains(uint32(num)) {
		return false
	}
	p.record(c, num, score)
	return true
}

// record records the selected match of section num with score: in its document's
// group, and as the best of its language when it is.
func (p *part) record(c *collector, num uint64, score float64) {
	if p.groups != nil {
		p.groups.add(num, score)
	}
	// Most matches score below the best of every language.
	if score <= p.floor {
		return
	}
	lang := c.sets.langOf(num)
	if lang < 0 {
		return
	}
	if b := &p.best[lang]; !b.found || score > b.score {
		*b = langBest{num: num, score: score, found: true}
		p.floor = math.Inf(1)
		for _, b := range p.best {
			if !b.found { // a language without a match yet: no floor
				p.floor = math.Inf(-1)
				break
			}
			p.floor = min(p.floor, b.score)
		}
	}
}

// merge adds the records of q, a part of later sections, to p's.
func (p *part) merge(q *part) {
	p.matched.Or(q.matched)
	if q.groups != nil {
		p.groups.merge(q.groups)
		q.groups = nil
	}
	for i, b := range q.best {
		// On equal scores the earlier section stays best, as in one pass.
		if b.found && (!p.best[i].found || b.score > p.best[i].score) {
			p.best[i] = b
		}
	}
}

// page returns the page of a search grouped by document.
func (c *collector) page() []pageHit {
	if c.first.groups == nil {
		return nil
	}
	return c.first.groups.page
}

// bestPerLanguage returns the best selected match of each language, as matches with
// their ids and scores.
func (c *collector) bestPerLanguage() []*bsearch.DocumentMatch {
	var out []*bsearch.DocumentMatch
	for _, b := range c.first.best {
		if b.found {
			out = append(out, &bsearch.DocumentMatch{ID: b.extID, Score: b.score, IndexInternalID: index.NewIndexInternalID(nil, b.num)})
		}
	}
	return out
}

// counts returns the counts of every facet's values over the matches, each facet
// counted with the filters of the others: sections, or documents when the search is
// grouped by document.
func (c *collector) counts() map[corpus.Facet]map[string]int {
	out := map[corpus.Facet]map[string]int{}
	if c.sets == nil {
		return out
	}
	if c.byDoc {
		return c.tallyDocs().values // every facet's, never changed once counted
	}
	for _, f := range FacetOrder {
		out[f] = map[string]int{}
	}
	// A facet without a filter is counted over the results, one with a filter over
	// the matches the other filters select.
	results := c.results()
	for _, f := range FacetOrder {
		base := results
		if _, filtered := c.filtered[f]; filtered {
			base = c.first.matched
			for g, set := range c.filtered {
				if g != f {
					base = roaring.And(base, set)
				}
			}
		}
		for v, set := range c.sets.values[f] {
			if n := int(base.AndCardinality(set)); n > 0 {
				out[f][v] = n
			}
		}
	}
	return out
}

// docTally is what a search grouped by document counts in documents.
type docTally struct {
	total  int                             // the documents the search selects
	values map[corpus.Facet]map[string]int // the documents of each facet value, those above 0, every facet's map made
}

// tallyDocs counts the documents the search selects and the documents of each facet
// value, each facet counted with the filters of the others: a document counts for a
// value when one of its matched sections carries the value and every filter but the
// value's facet's own selects that section (as counts counts sections).
func (c *collector) tallyDocs() *docTally {
	c.tallied.Do(func() { c.tally = c.tallyNow() })
	return c.tally
}

// startTally starts counting the documents of a grouped search on another goroutine,
// the matches known: the count then runs while the matches are scored, not after.
func (c *collector) startTally() {
	if c.byDoc {
		go c.tallyDocs()
	}
}

// tallyNow is tallyDocs without its memo. Each count is of a set of sections as dense
// bits (denseSets.count).
func (c *collector) tallyNow() *docTally {
	d := c.sets.dense()
	matched := d.dense(c.first.matched)
	selects := map[corpus.Facet][]uint64{}
	for f, set := range c.filtered {
		selects[f] = d.dense(set)
	}
	// selected returns the matches that every filter but facet except's selects.
	selected := func(except corpus.Facet) []uint64 {
		out := matched
		for f, set := range selects {
			if f != except {
				out = and(out, set)
			}
		}
		return out
	}
	all := selected("")
	allActive := nonzero(all)
	t := &docTally{total: d.count(all, nil, allActive), values: map[corpus.Facet]map[string]int{}}
	for _, f := range FacetOrder {
		base, active := all, allActive
		if _, filtered := selects[f]; filtered {
			base = selected(f)
			active = nonzero(base)
		}
		t.values[f] = map[string]int{}
		for v, set := range d.values[f] {
			if n := d.count(base, set, active); n > 0 {
				t.values[f][v] = n
			}
		}
	}
	return t
}

// results returns the sections the search selected: those the text query matched
// that the filters select, found once the matches are known (after the search, or
// once the executor has prepared it). A search asks for them two or three times (its
// sections to score, its total, its counts), at 1M sections an intersection of a
// tenth of a millisecond or more each.
func (c *collector) results() *roaring.Bitmap {
	if c.first.matched == nil {
		return roaring.New()
	}
	c.resultsFound.Do(func() {
		c.resultSet = c.first.matched
		if c.selected != nil {
			c.resultSet = roaring.And(c.first.matched, c.selected)
		}
	})
	return c.resultSet
}

// total returns how many results the search has: sections, or documents when it is
// grouped by document.
func (c *collector) total() int {
	if c.byDoc && c.sets != nil {
		return c.tallyDocs().total
	}
	return c.count(c.results())
}

// undated returns how many of the search's results have no date.
func (c *collector) undated() int {
	if c.sets == nil {
		return 0
	}
	res := c.results()
	return c.count(res) - c.count(roaring.And(res, c.sets.dated))
}

// count returns how many results sections are: sections, or documents when the search
// is grouped by document.
func (c *collector) count(sections *roaring.Bitmap) int {
	if !c.byDoc {
		return int(sections.GetCardinality())
	}
	if c.sets == nil {
		return 0
	}
	d := c.sets.dense()
	dense := d.dense(sections)
	return d.count(dense, nil, nonzero(dense))
}

// matched returns the number of sections the text query matched, whatever the
// filters.
func (c *collector) matched() int {
	if c.first.matched == nil {
		return 0
	}
	return int(c.first.matched.GetCardinality())
}

// cutShort returns, once ctx is done, the error of a search cut short: it wraps the
// context's error, so that errors.Is(err, context.DeadlineExceeded) or
// errors.Is(err, context.Canceled) tells why. It returns nil before.
func cutShort(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("search cut short: %w", err)
	}
	return nil
}
