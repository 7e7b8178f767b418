package search

import (
	"context"
	"math"
	"sort"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// literalFloor is added to a section's score for each query word or phrase (each
// unit, also inside an OR) that its own words (heading, text, identifiers) hold as
// typed (unitOr), so that the sections a query finds rank first by how many of its
// units they hold as typed, then as before: by BM25, by the units matched only in
// their context (contextScore) or only through a concept or a translation
// (conceptScore), evidence first (evidenceBonus). BM25's idf is per field, so a Latin
// word rare in the Japanese fields ("Muse" in Japanese text) scores high there: without
// the floor a Japanese section holding one word of "muse safety patients" as typed and
// the others in translation outranked English sections holding all three.
//
// A score is thus the number of units held as typed, times the floor, plus the rest,
// which the floor must exceed. bleve weighs a term's BM25 (at most 1.2 times its idf)
// by the term's share of the query's weights, so the rest is below 1.2 times the
// largest idf (15 at a million sections) times the root of the number of term searches
// of the query (about 450 for 64 words in every field): below 400. No section of the
// bundled corpus has a rest above 2.
const literalFloor = 1000

// unitOr is an OR of a query: of the searches of one unit (word or phrase) in the
// fields of the index, or of the alternatives of the query's OR. It matches what any
// of qs matches, scored as bleve's disjunction of them (the sum of the scores of those
// that match, times their share of them) but for the literal floors their scores hold,
// which add up whole, unscaled; and a match of one of the first own of qs, the
// searches of the unit in a section's own words (a unit's searches in its context come
// after them), adds a floor. So for "(stroke OR infarction) MSC" a section holding
// stroke and MSC as typed counts two units, as one holding stroke and infarction does
// (bleve's disjunction would halve the floor of the OR's one alternative).
type unitOr struct {
	qs  []query.Query
	own int
}

func (q *unitOr) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	ss := make([]search.Searcher, 0, len(q.qs))
	own := map[search.Searcher]bool{}
	for i, child := range q.qs {
		s, err := child.Searcher(ctx, r, m, opts)
		if err != nil {
			for _, s := range ss {
				s.Close()
			}
			return nil, err
		}
		own[s] = i < q.own
		ss = append(ss, s)
	}
	// In the order bleve's disjunction searcher takes them (fewest matches first), so
	// that the scores are summed in its order, to the last bit.
	sort.Sort(searcher.OrderedSearcherList(ss))
	s := &unitOrSearcher{merged: newMerged(ss...), own: make([]bool, len(ss))}
	for i := range ss {
		s.own[i] = own[ss[i]]
	}
	// As bleve's disjunction does: the norm of its own terms, until a query around it
	// sets the norm of all of them.
	s.SetQueryNorm(1 / math.Sqrt(s.Weight()))
	return s, nil
}

// unitOrSearcher is the searcher of a unitOr: it merges the matches of its searchers
// in the order of their document numbers.
type unitOrSearcher struct {
	merged
	own    []bool                  // by merged.s: a search of the unit in a section's own words
	others []*search.DocumentMatch // scratch: the matches of a document but the first
}

func (s *unitOrSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if err := s.start(ctx); err != nil {
		return nil, err
	}
	return s.emit(ctx)
}

func (s *unitOrSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if err := s.advance(ctx, id); err != nil {
		return nil, err
	}
	return s.emit(ctx)
}

// emit scores the first document of the current matches and moves on the searchers
// that match it: as bleve's disjunction scorer, the sum of their scores in the order
// of the searchers, times the share of the searchers that match; but the floors their
// scores hold (the rest of a score is below literalFloor) are added whole, and one
// more when a search of the unit in the section's own words matches.
func (s *unitOrSearcher) emit(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	first := -1
	for i, m := range s.cur {
		if m != nil && (first < 0 || m.IndexInternalID.Compare(s.cur[first].IndexInternalID) < 0) {
			first = i
		}
	}
	if first < 0 {
		return nil, nil
	}
	out := s.cur[first]
	sum, n, floors := 0.0, 0, 0.0
	own := false
	s.others = s.others[:0]
	for i := first; i < len(s.cur); i++ {
		m := s.cur[i]
		if m == nil || m.IndexInternalID.Compare(out.IndexInternalID) != 0 {
			continue
		}
		f := math.Floor(m.Score / literalFloor)
		sum += m.Score - f*literalFloor
		floors += f
		n++
		own = own || s.own[i]
		if m != out {
			s.others = append(s.others, m)
		}
	}
	if own {
		floors++
	}
	out.Score = sum*(float64(n)/float64(len(s.s))) + floors*literalFloor
	out.FieldTermLocations = search.MergeFieldTermLocations(out.FieldTermLocations, s.others)
	id := out.IndexInternalID
	for i := first; i < len(s.cur); i++ {
		m := s.cur[i]
		if m == nil || (m != out && m.IndexInternalID.Compare(id) != 0) {
			continue
		}
		if m != out {
			ctx.DocumentMatchPool.Put(m)
		}
		var err error
		if s.cur[i], err = s.s[i].Next(ctx); err != nil {
			return nil, err
		}
	}
	return out, nil
}
