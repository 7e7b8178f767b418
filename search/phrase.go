package search

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/search/exec"
)

// phraseQuery matches a term pattern at consecutive positions of one field: the terms
// of p[i] at the phrase's start plus i, a position without terms matching any token.
// It matches and scores as bleve's multi-phrase query does (the sum of its terms'
// scores in the section), but checks positions on the term vectors as they come,
// where bleve's builds maps of every candidate section's locations: that was half of
// the query time of phrases and CJK words, whose bigrams are phrases (see
// docs/PERFORMANCE.md). Its matches carry no locations; snippets re-analyse the text.
// A text field holds one value, so positions are not compared across array elements.
//
// Its cost is linear in the phrase's length: a term the phrase repeats ("a a a",
// 細胞細胞 as bigrams) is read once, and a section's positions are checked in one
// pass per phrase position.
type phraseQuery struct {
	field   string
	pattern termPattern
	boost   float64
	// steps counts the work of its searchers, for tests to bound: term searchers
	// opened, term positions read, positions compared.
	steps atomic.Int64
}

func newPhraseQuery(field string, p termPattern) *phraseQuery {
	return &phraseQuery{field: field, pattern: p, boost: 1}
}

// SetBoost weights the phrase's score.
func (q *phraseQuery) SetBoost(b float64) { q.boost = b }

func (q *phraseQuery) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	opts.IncludeTermVectors = true
	// The phrase positions that accept the same terms share one searcher, weighted
	// by their number: the sum of the scores of one searcher per position, as
	// bleve's multi-phrase query scores, at the cost of one.
	shape := exec.NewPhraseShape(q.pattern)
	if len(shape.Sets) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	children := make([]bsearch.Searcher, 0, len(shape.Sets))
	for set, ids := range shape.Sets {
		child, err := q.setSearcher(ctx, r, ids, shape.Terms, opts)
		if err != nil {
			closeAll(children)
			return nil, err
		}
		if shape.Uses[set] > 1 {
			child = &repeatedSearcher{Searcher: child, times: float64(shape.Uses[set])}
		}
		children = append(children, child)
	}
	conj, err := searcher.NewConjunctionSearcher(ctx, r, children, opts)
	if err != nil {
		closeAll(children)
		return nil, err
	}
	// As bleve's phrase searcher: the query norm of the phrase's own terms, until the
	// enclosing query sets another.
	conj.SetQueryNorm(1 / math.Sqrt(conj.Weight()))
	return &phraseSearcher{Searcher: conj, ctx: ctx, steps: &q.steps, shape: shape, match: shape.NewMatcher()}, nil
}

// setSearcher returns the searcher of a phrase position that accepts the terms ids
// (of the phrase's terms, by id).
func (q *phraseQuery) setSearcher(ctx context.Context, r index.IndexReader, ids []int, terms []string, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	var alts []bsearch.Searcher
	for _, id := range ids {
		q.steps.Add(1)
		s, err := searcher.NewTermSearcher(ctx, r, terms[id], q.field, q.boost, opts)
		if err != nil {
			closeAll(alts)
			return nil, err
		}
		alts = append(alts, s)
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	d, err := searcher.NewDisjunctionSearcher(ctx, r, alts, 1, opts)
	if err != nil {
		closeAll(alts)
		return nil, err
	}
	return d, nil
}

func closeAll(lists ...[]bsearch.Searcher) {
	for _, l := range lists {
		for _, s := range l {
			s.Close()
		}
	}
}

// repeatedSearcher stands for times searchers of the same terms: it weighs and
// scores times as much as the one it wraps.
type repeatedSearcher struct {
	bsearch.Searcher
	times float64
}

func (s *repeatedSearcher) Weight() float64 { return s.times * s.Searcher.Weight() }

func (s *repeatedSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	return s.scaled(s.Searcher.Next(ctx))
}

func (s *repeatedSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	return s.scaled(s.Searcher.Advance(ctx, id))
}

func (s *repeatedSearcher) scaled(m *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	if m != nil {
		m.Score *= s.times
		if m.Expl != nil {
			m.Expl = &bsearch.Explanation{Value: m.Score, Message: fmt.Sprintf("%g times:", s.times), Children: []*bsearch.Explanation{m.Expl}}
		}
	}
	return m, err
}

// Optimize lets a repeated term take part in scorch's conjunction optimisation, as
// the term searcher it wraps would.
func (s *repeatedSearcher) Optimize(kind string, octx index.OptimizableContext) (index.OptimizableContext, error) {
	if o, ok := s.Searcher.(index.Optimizable); ok {
		return o.Optimize(kind, octx)
	}
	return nil, nil
}

// phraseSearcher keeps the matches of the conjunction of a phrase's terms that have
// them at consecutive positions.
type phraseSearcher struct {
	bsearch.Searcher
	ctx   context.Context // the search's
	steps *atomic.Int64
	shape *exec.PhraseShape
	match *exec.PhraseMatcher
}

func (s *phraseSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	for {
		// A phrase whose terms are common but rarely adjacent may reject every
		// section it reads: its caller never sees a match between two of its own
		// checks of the context.
		if err := cutShort(s.ctx); err != nil {
			return nil, err
		}
		m, err := s.Searcher.Next(ctx)
		if m == nil || err != nil {
			return m, err
		}
		if s.keep(m) {
			return m, nil
		}
		ctx.DocumentMatchPool.Put(m)
	}
}

func (s *phraseSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	m, err := s.Searcher.Advance(ctx, id)
	if m == nil || err != nil || s.keep(m) {
		return m, err
	}
	ctx.DocumentMatchPool.Put(m)
	return s.Next(ctx)
}

// keep reports whether m, a section with every term of the phrase, has them in order,
// and drops m's locations. Its cost is the number of the terms' locations in the
// section plus, for each location of the phrase position whose terms are rarest, the
// positions compared: at most the phrase's length each.
func (s *phraseSearcher) keep(m *bsearch.DocumentMatch) bool {
	s.match.Reset()
	// The locations come term by term: one lookup per term, not per location.
	var term string
	id := -1
	for k, ftl := range m.FieldTermLocations {
		if k == 0 || ftl.Term != term {
			term = ftl.Term
			id = s.shape.ID(term)
		}
		if id >= 0 {
			s.match.TermPos[id] = append(s.match.TermPos[id], ftl.Location.Pos)
		}
	}
	s.steps.Add(int64(len(m.FieldTermLocations)))
	m.FieldTermLocations = m.FieldTermLocations[:0]
	ok, compared := s.match.Match()
	s.steps.Add(compared)
	return ok
}
