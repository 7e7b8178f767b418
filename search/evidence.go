package search

import (
	"context"
	"slices"
	"unicode"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/corpus"
)

// evidenceBonus is added to the score of a passage that reports a trial of an
// indication the query names: evidence first, among the passages that hold as many
// of the query's words as typed (literalFloor ranks by that first). It lifts such a
// passage above those that name the indication in passing (on the bundled corpus they
// score 0.01 to 0.12 besides their floors: a word of the query in a list, a closing
// remark), leaving the passages about the indication (0.3 and more: their heading
// names it) around it. A passage in the query's language gets it also where it names
// the indication only as a concept ("cervical SCI" for "spinal cord injury"), and then
// counts as holding the words that name it (coverQuery); one in another language that
// names it only as a concept stays below every literal match, as cross-language
// matches do, and goes first among them (it gets conceptScore).
const evidenceBonus = 0.15

// maxEvidencePositions bounds the length of a query that puts evidence first, in
// words (a Chinese or Japanese character counts as one): a few words naming a disease
// ask about it; a longer text naming it in passing (a pasted sentence) asks for the
// passage it was copied from.
const maxEvidencePositions = 16

// evidenceQuery lifts the matches of inner that report a trial of one of indications
// (facetSets.reports) by evidenceBonus. langs are the languages the query is written
// in (queryLangs).
type evidenceQuery struct {
	inner       query.Query
	sets        *setCache
	indications []string
	langs       []string
}

func (q *evidenceQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	inner, err := q.inner.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	sets, evidence, own, err := evidenceOf(r, q.sets, q.indications, q.langs)
	if err != nil || evidence.IsEmpty() {
		return inner, closeOnError(inner, err)
	}
	return &evidenceSearcher{Searcher: inner, evidence: evidence, sets: sets, own: own}, nil
}

// evidenceOf returns the facet sets of r, the sections that report a trial of one of
// indications, and which of the sets' languages (facetSets.langNames) are among langs.
func evidenceOf(r index.IndexReader, cache *setCache, indications, langs []string) (*facetSets, *roaring.Bitmap, []bool, error) {
	sets, err := cache.get(r)
	if err != nil {
		return nil, nil, nil, err
	}
	evidence := roaring.And(sets.reports, sets.of(corpus.Indication, indications))
	own := make([]bool, len(sets.langNames))
	for i, l := range sets.langNames {
		own[i] = slices.Contains(langs, l)
	}
	return sets, evidence, own, nil
}

// closeOnError closes s when err is set, and returns err.
func closeOnError(s bsearch.Searcher, err error) error {
	if err != nil {
		s.Close()
	}
	return err
}

// evidenceSearcher is the searcher of an evidenceQuery.
type evidenceSearcher struct {
	bsearch.Searcher
	evidence *roaring.Bitmap
	sets     *facetSets
	own      []bool // by facetSets.langNames: a language of the query
}

func (s *evidenceSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	return s.lift(s.Searcher.Next(ctx))
}

func (s *evidenceSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	return s.lift(s.Searcher.Advance(ctx, id))
}

func (s *evidenceSearcher) lift(m *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	if m == nil {
		return m, err
	}
	num := m.IndexInternalID.Value()
	if !s.evidence.Contains(uint32(num)) {
		return m, err
	}
	if lang := s.sets.langOf(num); m.Score >= conceptScore || lang >= 0 && s.own[lang] {
		m.Score += evidenceBonus
	} else {
		m.Score += conceptScore
	}
	return m, err
}

// queryLangs returns the languages the text of a query's words is written in, as far as its script
// tells: English for Latin letters, Japanese for kana, Japanese and Chinese for Han.
func queryLangs(text string) []string {
	var out []string
	add := func(langs ...string) {
		for _, l := range langs {
			if !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	for _, r := range text {
		switch {
		case unicode.In(r, unicode.Hiragana, unicode.Katakana):
			add("ja")
		case unicode.Is(unicode.Han, r):
			add("ja", "zh")
		case unicode.Is(unicode.Latin, r):
			add("en")
		}
	}
	return out
}

// coverQuery ranks the passages in the query's language that report a trial of an
// indication the query names with those that hold its words as typed: inner is the
// expansion of words (units of them) that name one of indications, and a match of it
// that reports a trial of one, in one of langs, and holds none of the words as typed
// (it scores below literalFloor: it names the indication otherwise, "cervical SCI"
// for spinal cord injury) gets literalFloor for each word, as if it held them. So
// evidence comes first among the passages that hold as many of the query's words,
// by evidenceBonus (evidenceQuery), and such a passage does not fall below those that
// name the indication as typed in passing. sets is nil when evidence does not come
// first (the query is long: maxEvidencePositions); then inner scores alone.
type coverQuery struct {
	inner       query.Query
	units       int
	indications []string
	sets        *setCache
	langs       []string
}

func (q *coverQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	inner, err := q.inner.Searcher(ctx, r, m, opts)
	if err != nil || q.sets == nil {
		return inner, err
	}
	sets, evidence, own, err := evidenceOf(r, q.sets, q.indications, q.langs)
	if err != nil || evidence.IsEmpty() {
		return inner, closeOnError(inner, err)
	}
	return &coverSearcher{Searcher: inner, evidence: evidence, sets: sets, own: own, lift: float64(q.units) * literalFloor}, nil
}

// coverSearcher is the searcher of a coverQuery.
type coverSearcher struct {
	bsearch.Searcher
	evidence *roaring.Bitmap
	sets     *facetSets
	own      []bool // by facetSets.langNames: a language of the query
	lift     float64
}

func (s *coverSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	return s.cover(s.Searcher.Next(ctx))
}

func (s *coverSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	return s.cover(s.Searcher.Advance(ctx, id))
}

func (s *coverSearcher) cover(m *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	if m == nil || m.Score >= literalFloor {
		return m, err
	}
	num := m.IndexInternalID.Value()
	if lang := s.sets.langOf(num); lang >= 0 && s.own[lang] && s.evidence.Contains(uint32(num)) {
		m.Score += s.lift
	}
	return m, err
}
