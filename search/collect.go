package search

import (
	"context"
	"math"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/corpus"
)

// collector watches one search go by. Its query (collector.wrap) hands bleve every
// section the text query matches, records them all, and passes on only those the
// filters select: the facet counts are then set operations on the recorded matches,
// with every filter but the counted facet's own (disjunctive counts), and the best
// match of each language is known without a search of its own. A collector serves one
// search.
type collector struct {
	cache   *setCache
	filters map[corpus.Facet][]string

	sets     *facetSets
	filtered map[corpus.Facet]*roaring.Bitmap // the sections each filtered facet selects
	selected *roaring.Bitmap                  // the sections all filters select; nil when unfiltered
	matched  *roaring.Bitmap                  // every section the text query matched
	best     []langBest                       // by language (facetSets.langNames)
	floor    float64                          // the lowest score in best, once every language has one
	reader   index.IndexReader
}

// langBest is the best selected match in one language.
type langBest struct {
	id    index.IndexInternalID // nil: none yet
	score float64
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
	c.sets, c.reader = sets, r
	c.matched = roaring.New()
	c.best = make([]langBest, len(sets.langNames))
	c.floor = math.Inf(-1)
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
	return &collectSearcher{Searcher: inner, c: c}, nil
}

// collectSearcher is the searcher of a collectQuery.
type collectSearcher struct {
	bsearch.Searcher
	c *collector
}

func (s *collectSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	for {
		m, err := s.Searcher.Next(ctx)
		if m == nil || err != nil {
			return m, err
		}
		if s.c.keep(m) {
			return m, nil
		}
		ctx.DocumentMatchPool.Put(m)
	}
}

func (s *collectSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	m, err := s.Searcher.Advance(ctx, id)
	if m == nil || err != nil || s.c.keep(m) {
		return m, err
	}
	ctx.DocumentMatchPool.Put(m)
	return s.Next(ctx)
}

// Close names the best match of each language while the snapshot is still open.
func (s *collectSearcher) Close() error {
	for i, b := range s.c.best {
		if b.id == nil {
			continue
		}
		id, err := s.c.reader.ExternalID(b.id)
		if err != nil {
			return err
		}
		s.c.best[i].extID = id
	}
	return s.Searcher.Close()
}

// keep records match m and reports whether the filters select it.
func (c *collector) keep(m *bsearch.DocumentMatch) bool {
	n := m.IndexInternalID.Value()
	c.matched.Add(uint32(n))
	if c.selected != nil && !c.selected.Contains(uint32(n)) {
		return false
	}
	// Most matches score below the best of every language.
	if m.Score <= c.floor {
		return true
	}
	lang := c.sets.langOf(n)
	if lang < 0 {
		return true
	}
	if b := &c.best[lang]; b.id == nil || m.Score > b.score {
		b.id = append(b.id[:0], m.IndexInternalID...)
		b.score = m.Score
		c.floor = math.Inf(1)
		for _, b := range c.best {
			if b.id == nil { // a language without a match yet: no floor
				c.floor = math.Inf(-1)
				break
			}
			c.floor = min(c.floor, b.score)
		}
	}
	return true
}

// bestPerLanguage returns the best selected match of each language, as matches with
// their ids and scores.
func (c *collector) bestPerLanguage() []*bsearch.DocumentMatch {
	var out []*bsearch.DocumentMatch
	for _, b := range c.best {
		if b.id != nil {
			out = append(out, &bsearch.DocumentMatch{ID: b.extID, Score: b.score, IndexInternalID: b.id})
		}
	}
	return out
}

// counts returns the counts of every facet's values over the matches, each facet
// counted with the filters of the others.
func (c *collector) counts() map[corpus.Facet]map[string]int {
	out := map[corpus.Facet]map[string]int{}
	if c.sets == nil {
		return out
	}
	for _, f := range FacetOrder {
		base := c.matched
		for g, set := range c.filtered {
			if g != f {
				base = roaring.And(base, set)
			}
		}
		counts := map[string]int{}
		for v, set := range c.sets.values[f] {
			if n := int(base.AndCardinality(set)); n > 0 {
				counts[v] = n
			}
		}
		out[f] = counts
	}
	return out
}
