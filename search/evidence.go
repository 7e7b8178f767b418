package search

import (
	"context"
	"slices"
	"strings"
	"unicode"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/corpus"
)

// evidenceBonus is added to the score of a passage that reports a trial of an
// indication the query names: evidence first. It lifts such a passage above those
// that name the indication in passing (on the bundled corpus they score 0.01 to 0.12:
// a word of the query in a list, a closing remark), leaving the passages about the
// indication (0.3 and more: their heading names it) around it. A passage in the
// query's language gets it also where it names the indication only as a concept
// ("cervical SCI" for "spinal cord injury"); one in another language that names it
// only as a concept stays below every literal match, as cross-language matches do,
// and goes first among them (it gets conceptScore).
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
	return adjustedSearcher(ctx, r, m, opts, q.inner, q.sets, q.adjust)
}

// adjust returns the lift of the matches of q in a snapshot whose sets are sets. A
// passage of another language than the query's that scores below conceptScore (it
// names the indication only as a concept) gets conceptScore, any other evidenceBonus.
func (q *evidenceQuery) adjust(sets *facetSets) scoreAdjust {
	l := liftOf(sets, q.indications, q.langs)
	return scoreAdjust{docs: l.evidence, by: l.lifted, parts: []adjustPart{
		{docs: l.inLangs, most: func(b, _ float64) float64 { return b + evidenceBonus }},
		{docs: l.others, most: func(b, _ float64) float64 {
			if b < conceptScore {
				return b + conceptScore
			}
			return b + evidenceBonus
		}},
	}}
}

// scoreAdjust is how an evidenceQuery or a coverQuery changes the scores of its inner
// query's matches in one snapshot: by gives the new score of each passage of docs
// (snapshot document numbers) from its score. parts, which divide docs, bound what by
// makes of a score for the executor's pruning (exec.Adjust's Most), each for its
// passages: a passage of another language than the query's, scored through a
// concept, gets a lift of its own size. bleve's
// path applies it with an adjustSearcher, the executor's with an exec.Adjust.
type scoreAdjust struct {
	docs  *roaring.Bitmap
	by    func(num uint64, score float64) float64
	parts []adjustPart
}

// adjustPart is a part of the passages of a scoreAdjust, and the most its by makes of
// a score up to bound there, where the score of a passage that holds none of the
// query's words as typed is at most floorless (exec.Adjust's Most), which most reads
// only when floorless is set.
type adjustPart struct {
	docs      *roaring.Bitmap
	most      func(bound, floorless float64) float64
	floorless bool
}

// adjustedSearcher returns the searcher of inner in the snapshot of r, its scores
// changed by the scoreAdjust that adjust makes of the snapshot's facet sets.
func adjustedSearcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions,
	inner query.Query, cache *setCache, adjust func(*facetSets) scoreAdjust) (bsearch.Searcher, error) {
	s, err := inner.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	sets, err := cache.get(r)
	if err != nil {
		s.Close()
		return nil, err
	}
	a := adjust(sets)
	if a.docs.IsEmpty() {
		return s, nil
	}
	return &adjustSearcher{Searcher: s, scoreAdjust: a}, nil
}

// adjustSearcher changes the scores of its searcher's matches by a scoreAdjust.
type adjustSearcher struct {
	bsearch.Searcher
	scoreAdjust
}

func (s *adjustSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	return s.adjust(s.Searcher.Next(ctx))
}

func (s *adjustSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	return s.adjust(s.Searcher.Advance(ctx, id))
}

func (s *adjustSearcher) adjust(m *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	if m == nil {
		return m, err
	}
	if num := m.IndexInternalID.Value(); s.docs.Contains(uint32(num)) {
		m.Score = s.by(num, m.Score)
	}
	return m, err
}

// liftOf returns the lifter of the passages, in a snapshot whose sets are sets, that
// report a trial of one of indications; langs are the query's languages. The sets
// keep it (a search naming an indication asks twice, for its evidence and its cover,
// and at 1M each costs a few set operations over the whole index, 0.3 ms).
func liftOf(sets *facetSets, indications, langs []string) lifter {
	key := strings.Join(indications, "\x00") + "\x01" + strings.Join(langs, "\x00")
	sets.liftsMu.Lock()
	l, ok := sets.lifts[key]
	sets.liftsMu.Unlock()
	if ok {
		return l
	}
	own := make([]bool, len(sets.langNames))
	for i, l := range sets.langNames {
		own[i] = slices.Contains(langs, l)
	}
	evidence := roaring.And(sets.reports, sets.of(corpus.Indication, indications))
	inLangs := roaring.And(evidence, sets.of(corpus.Lang, langs))
	l = lifter{evidence: evidence, inLangs: inLangs, others: roaring.AndNot(evidence, inLangs), sets: sets, own: own}
	sets.liftsMu.Lock()
	defer sets.liftsMu.Unlock()
	if sets.lifts == nil {
		sets.lifts = map[string]lifter{}
	}
	if len(sets.lifts) < maxLifts {
		sets.lifts[key] = l
	}
	return l
}

// maxLifts bounds the lifters the sets of a snapshot keep: as many as the
// combinations of indications and languages searched for, a few kilobytes to a few
// hundred each.
const maxLifts = 256

// lifter lifts the scores of the passages that report a trial of the indications an
// evidenceQuery names.
type lifter struct {
	evidence *roaring.Bitmap // the passages lifted
	inLangs  *roaring.Bitmap // those of evidence in a language of the query
	others   *roaring.Bitmap // the rest of evidence
	sets     *facetSets
	own      []bool // by facetSets.langNames: a language of the query
}

// lifted returns the score of section num, one of evidence, lifted from score.
func (l lifter) lifted(num uint64, score float64) float64 {
	if lang := l.sets.langOf(num); score >= conceptScore || lang >= 0 && l.own[lang] {
		return score + evidenceBonus
	}
	return score + conceptScore
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
	if q.sets == nil {
		return q.inner.Searcher(ctx, r, m, opts)
	}
	return adjustedSearcher(ctx, r, m, opts, q.inner, q.sets, q.adjust)
}

// adjust returns the cover of the matches of q in a snapshot whose sets are sets: a
// floor for each word, for the passages in the query's languages that score below
// literalFloor (the others stay as they are). Such a passage holds none of
// the words as typed (each would add a floor), so its score is at most the floorless
// bound, whatever the words as typed score beside it.
func (q *coverQuery) adjust(sets *facetSets) scoreAdjust {
	l, lift := liftOf(sets, q.indications, q.langs), float64(q.units)*literalFloor
	// The passages of l.inLangs only: those in a language of the query.
	covered := func(_ uint64, score float64) float64 {
		if score < literalFloor { // none of the words as typed
			return score + lift
		}
		return score
	}
	return scoreAdjust{docs: l.inLangs, by: covered, parts: []adjustPart{{
		docs:      l.inLangs,
		most:      func(b, f float64) float64 { return max(b, min(b, f, literalFloor)+lift) },
		floorless: true,
	}}}
}
