package search

import (
	"context"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseQuery matches a term pattern at consecutive positions of one field: the terms
// of p[i] at the phrase's start plus i, a position without terms matching any token.
// It matches and scores as bleve's multi-phrase query does (the sum of its terms'
// scores in the section), but checks positions on the term vectors as they come,
// where bleve's builds maps of every candidate section's locations: that was half of
// the query time of phrases and CJK words, whose bigrams are phrases (see
// docs/PERFORMANCE.md). Its matches carry no locations; snippets re-analyse the text.
// A text field holds one value, so positions are not compared across array elements.
type phraseQuery struct {
	field   string
	pattern termPattern
	boost   float64
}

func newPhraseQuery(field string, p termPattern) *phraseQuery {
	return &phraseQuery{field: field, pattern: p, boost: 1}
}

// SetBoost weights the phrase's score.
func (q *phraseQuery) SetBoost(b float64) { q.boost = b }

func (q *phraseQuery) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	opts.IncludeTermVectors = true
	var children []bsearch.Searcher
	at := map[string][]int{}
	var filled []int
	for i, terms := range q.pattern {
		var alts []bsearch.Searcher
		for _, term := range terms {
			at[term] = append(at[term], i)
			s, err := searcher.NewTermSearcher(ctx, r, term, q.field, q.boost, opts)
			if err != nil {
				closeAll(children, alts)
				return nil, err
			}
			alts = append(alts, s)
		}
		if len(alts) == 0 {
			continue
		}
		filled = append(filled, i)
		if len(alts) == 1 {
			children = append(children, alts[0])
			continue
		}
		d, err := searcher.NewDisjunctionSearcher(ctx, r, alts, 1, opts)
		if err != nil {
			closeAll(children, alts)
			return nil, err
		}
		children = append(children, d)
	}
	if len(children) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	conj, err := searcher.NewConjunctionSearcher(ctx, r, children, opts)
	if err != nil {
		closeAll(children)
		return nil, err
	}
	// As bleve's phrase searcher: the query norm of the phrase's own terms, until the
	// enclosing query sets another.
	conj.SetQueryNorm(1 / math.Sqrt(conj.Weight()))
	return &phraseSearcher{Searcher: conj, at: at, filled: filled, positions: make([][]uint64, len(q.pattern))}, nil
}

func closeAll(lists ...[]bsearch.Searcher) {
	for _, l := range lists {
		for _, s := range l {
			s.Close()
		}
	}
}

// phraseSearcher keeps the matches of the conjunction of a phrase's terms that have
// them at consecutive positions.
type phraseSearcher struct {
	bsearch.Searcher
	at        map[string][]int // the phrase positions of each term
	filled    []int            // the phrase positions with terms, in order
	positions [][]uint64       // scratch: by phrase position, where its terms are in the field
}

func (s *phraseSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	for {
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
// and drops m's locations.
func (s *phraseSearcher) keep(m *bsearch.DocumentMatch) bool {
	for _, i := range s.filled {
		s.positions[i] = s.positions[i][:0]
	}
	// The locations come term by term: one map lookup per term, not per location.
	var term string
	var at []int
	for k, ftl := range m.FieldTermLocations {
		if k == 0 || ftl.Term != term {
			term, at = ftl.Term, s.at[ftl.Term]
		}
		for _, i := range at {
			s.positions[i] = append(s.positions[i], ftl.Location.Pos)
		}
	}
	m.FieldTermLocations = m.FieldTermLocations[:0]
	for _, i := range s.filled {
		slices.Sort(s.positions[i])
	}
	first, rest := s.filled[0], s.filled[1:]
starts:
	for _, p := range s.positions[first] {
		if p < uint64(first) {
			continue
		}
		start := p - uint64(first)
		for _, i := range rest {
			if _, found := slices.BinarySearch(s.positions[i], start+uint64(i)); !found {
				continue starts
			}
		}
		return true
	}
	return false
}
