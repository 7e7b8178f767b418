package search

import (
	"context"
	"fmt"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/indexer"
	"musesearch/internal/segments"
	"musesearch/search/exec"
)

// planEnv is what planning a query for one snapshot needs: the snapshot's facet sets,
// and the matches of a query the executor has no plan for, as bleve's searchers find
// them. The first error of docs is kept in err.
type planEnv struct {
	sets *facetSets
	docs func(query.Query) (*roaring.Bitmap, error)
	err  error
}

// planOf returns the executor's plan of q, node for node, or false when q has a part
// the executor does not run (a fuzzy word): bleve then runs it. A part that only
// selects (a squashed query of scale 0: a year range, the sections outside the trials)
// and has no plan of its own is planned as its matches, which bleve's searchers find
// without scoring them. env is the snapshot's, or nil to ask only whether there is a
// plan.
func planOf(q query.Query, env *planEnv) (exec.Node, bool) {
	switch q := q.(type) {
	case *query.TermQuery:
		if q.FieldVal == "" {
			return nil, false
		}
		return exec.Term{Field: q.FieldVal, Term: q.Term, Boost: q.BoostVal.Value()}, true
	case *phraseQuery:
		if !slices.ContainsFunc(q.pattern, func(terms []string) bool { return len(terms) > 0 }) {
			return nil, false
		}
		return exec.Phrase{Field: q.field, Pattern: q.pattern, Boost: q.boost}, true
	case *query.MatchAllQuery:
		return exec.All{Boost: q.BoostVal.Value()}, true
	case *query.ConjunctionQuery:
		nodes, ok := plansOf(q.Conjuncts, env)
		return exec.And{Nodes: nodes}, ok
	case *query.DisjunctionQuery:
		if q.Min > 1 {
			return nil, false
		}
		nodes, ok := plansOf(q.Disjuncts, env)
		return exec.Or{Nodes: nodes}, ok
	case *query.BooleanQuery:
		if q.Should != nil || q.Filter != nil || q.Must == nil {
			return nil, false
		}
		must, ok := planOf(q.Must, env)
		if !ok || q.MustNot == nil {
			return must, ok
		}
		mustNot, ok := planOf(q.MustNot, env)
		return exec.Not{Must: must, MustNot: mustNot}, ok
	case *squashQuery:
		inner, ok := planOf(q.inner, env)
		if !ok && q.scale == 0 {
			var docs exec.Docs
			if env != nil {
				var err error
				if docs.Docs, err = env.docs(q.inner); err != nil && env.err == nil {
					env.err = err
				}
			}
			inner, ok = docs, true
		}
		return exec.Squash{Inner: inner, Scale: q.scale}, ok
	case *sumQuery:
		a, okA := planOf(q.a, env)
		b, okB := planOf(q.b, env)
		return exec.Sum{A: a, B: b}, okA && okB
	case *evidenceQuery:
		return adjustedPlan(q.inner, env, q.adjust)
	case *coverQuery:
		if q.sets == nil {
			return planOf(q.inner, env)
		}
		return adjustedPlan(q.inner, env, q.adjust)
	case *unitOr:
		nodes, ok := plansOf(q.qs, env)
		return exec.UnitOr{Nodes: nodes, Own: q.own, Floor: literalFloor}, ok
	}
	return nil, false
}

// adjustedPlan returns the plan of inner with its scores changed by the scoreAdjust
// that adjust makes of the snapshot's facet sets (see adjustedSearcher).
func adjustedPlan(inner query.Query, env *planEnv, adjust func(*facetSets) scoreAdjust) (exec.Node, bool) {
	n, ok := planOf(inner, env)
	if !ok || env == nil {
		return n, ok
	}
	a := adjust(env.sets)
	for _, part := range a.parts {
		if !part.docs.IsEmpty() {
			n = exec.Adjust{Inner: n, Docs: part.docs, By: a.by, Most: part.most, Floorless: part.floorless}
		}
	}
	return n, true
}

// plansOf returns the plans of qs, or false when one has none; an empty list has
// none either (bleve matches nothing with it).
func plansOf(qs []query.Query, env *planEnv) ([]exec.Node, bool) {
	nodes := make([]exec.Node, len(qs))
	for i, q := range qs {
		var ok bool
		if nodes[i], ok = planOf(q, env); !ok {
			return nil, false
		}
	}
	return nodes, len(nodes) > 0
}

// execQuery runs a search with the executor (package exec) in the place of bleve's
// searchers and collector: the collector gets the text query's matches as a bitmap,
// and scores only the sections the filters select, keeping the best top of them for
// the page (or every document's best, grouped by document). bleve gets no match: it
// only hands over the snapshot, and its closing, cancelling and recovering from a
// damaged segment.
type execQuery struct {
	inner query.Query
	c     *collector
	// top is how many of the best hits to keep: after the search, hits holds them,
	// best first.
	top  int
	hits []*bsearch.DocumentMatch
}

func (q *execQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, _ bsearch.SearcherOptions) (bsearch.Searcher, error) {
	sets, err := q.c.cache.get(r)
	if err != nil {
		return nil, err
	}
	snap, err := segments.Of(r)
	if err != nil {
		return nil, err
	}
	snap = snap.Memoised(q.c.cache.postings)
	c := q.c
	c.start(sets, r)
	env := &planEnv{sets: sets, docs: func(inner query.Query) (*roaring.Bitmap, error) { return matches(ctx, inner, r, m) }}
	plan, _ := planOf(q.inner, env)
	if env.err != nil {
		return nil, cutShortOr(ctx, env.err)
	}
	var split uint64 // the phrases' candidates checked on one core
	if splits(sets) {
		split = minSplitCandidates
	}
	x, err := exec.Prepare(ctx, snap, plan, split, q.c.cache.positions)
	if err != nil {
		return nil, cutShortOr(ctx, err)
	}
	c.first.matched = x.Matches()
	c.startTally()
	if q.top > 0 || c.first.groups != nil {
		selected := c.results()
		scoreTop := q.score
		if c.spec.byDate || c.spec.inOrder {
			scoreTop = q.ordered
		}
		best, err := scoreTop(ctx, x, selected)
		if err != nil {
			return nil, cutShortOr(ctx, err)
		}
		if g := c.first.groups; g != nil {
			g.selected = selected
			g.rescore = func(sections *roaring.Bitmap, each func(uint64, float64)) error {
				return cutShortOr(ctx, x.Score(ctx, sections, each))
			}
		}
		if q.hits, err = named(r, best); err != nil {
			return nil, err
		}
	}
	if err := c.finish(true); err != nil {
		return nil, err
	}
	return searcher.NewMatchNoneSearcher(r)
}

// score scores the selected sections docs, on two cores when the index is large
// enough (as collector does): the first half's hits go to the collector as they come,
// the second's once the first is done, so that ties go as on one core.
func (q *execQuery) score(ctx context.Context, x *exec.Query, docs *roaring.Bitmap) ([]exec.Hit, error) {
	c := q.c
	first := exec.NewTop(q.top)
	keep := func(p *part, top *exec.Top) func(uint64, float64) {
		return func(num uint64, score float64) {
			top.Add(num, score)
			p.record(c, num, score)
		}
	}
	n := docs.GetCardinality()
	if !splits(c.sets) || n < 2 {
		if err := q.scorePart(ctx, x, docs, &c.first, first, keep(&c.first, first)); err != nil {
			return nil, err
		}
		return first.Hits(), nil
	}
	mid, err := docs.Select(uint32(n / 2))
	if err != nil {
		return nil, err
	}
	// Each half copies its own part of docs only (a clone of docs for each copied
	// all of it twice).
	head, tail := roaring.New(), roaring.New()
	head.AddRange(0, uint64(mid))
	tail.AddRange(uint64(mid), uint64(len(c.sets.langs))+1)
	head.And(docs)
	tail.And(docs)
	second := exec.NewTop(q.top)
	c.split()
	done := make(chan error, 1)
	// The second half reads the snapshot: it is stopped and waited for before the
	// search returns, however the first half ends (a panic of a damaged segment).
	restCtx, stop := context.WithCancel(ctx)
	defer stop()
	waited := false
	defer func() {
		if !waited {
			stop()
			<-done
		}
	}()
	go func() {
		// A panic here would take the process down: scorch panics reading some
		// damaged segments. It becomes the search's error, as indexer.Index.Search
		// makes a panic of the first half.
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("%w: a search failed reading it: %v", indexer.ErrDamaged, r)
			}
		}()
		done <- q.scorePart(restCtx, x, tail, &c.second, second, keep(&c.second, second))
	}()
	err = q.scorePart(ctx, x, head, &c.first, first, keep(&c.first, first))
	if err != nil {
		stop()
	}
	restErr := <-done
	waited = true
	if err == nil {
		err = restErr
	}
	if err != nil {
		return nil, err
	}
	c.first.merge(&c.second)
	first.Merge(second)
	return first.Hits(), nil
}

// ordered scores the selected sections docs of a search sorted by date or without a
// query that can be among its results (collector.leading) and returns the first top
// of them in the order of the results: by date, ties by score (a query without text
// scores every section alike), then in reading order (sortBy's). A search grouped by
// document gets them in its groups, and returns none.
func (q *execQuery) ordered(ctx context.Context, x *exec.Query, docs *roaring.Bitmap) ([]exec.Hit, error) {
	c := q.c
	nums := c.leading(docs, c.spec.from+c.spec.size)
	if c.first.groups != nil {
		return nil, x.Score(ctx, roaring.BitmapOf(nums...), func(num uint64, score float64) { c.first.record(c, num, score) })
	}
	rank := c.sets.orders().dateRank
	var out []exec.Hit
	for len(nums) > 0 && len(out) < q.top {
		n := len(nums) // the sections of one date, or all in reading order
		if c.spec.byDate {
			n = 1
			for n < len(nums) && rank[nums[n]] == rank[nums[0]] {
				n++
			}
		}
		best, err := q.best(ctx, x, nums[:n], q.top-len(out))
		if err != nil {
			return nil, err
		}
		out = append(out, best...)
		nums = nums[n:]
	}
	return out, nil
}

// best returns the best k of sections nums, given in reading order, scored, best
// first, ties in reading order. Where they are many, it leaves out blocks of them
// whose bound cannot reach the k-th (package exec's pruning).
func (q *execQuery) best(ctx context.Context, x *exec.Query, nums []uint32, k int) ([]exec.Hit, error) {
	// The hits are kept by their place in nums: Top breaks ties by the lower.
	place := make(map[uint32]uint64, len(nums))
	for i, num := range nums {
		place[num] = uint64(i)
	}
	top := exec.NewTop(k)
	each := func(num uint64, score float64) { top.Add(place[uint32(num)], score) }
	docs := roaring.BitmapOf(nums...)
	var err error
	if uint64(len(nums)) < minPruneDocs {
		err = x.Score(ctx, docs, each)
	} else {
		err = x.ScoreTop(ctx, docs, q.c.cache.impacts, func(block []uint32, bound float64) []uint32 {
			// A block may hold a section better than the k-th: one scoring more,
			// or as much and earlier in reading order.
			if top.Wants(0, bound) {
				return block
			}
			return nil
		}, each)
	}
	if err != nil {
		return nil, err
	}
	hits := top.Hits()
	for i := range hits {
		hits[i].Num = uint64(nums[hits[i].Num])
	}
	return hits, nil
}

// minPruneDocs is how many sections a part of a search must score for the executor
// to leave out blocks of them: fewer are scored at once for less than reading the
// impacts of their terms the first time costs. A variable for tests.
var minPruneDocs uint64 = 1024

// scorePart scores the selected sections docs for part p, whose best hits top keeps,
// calling each with them. It leaves out those of a block of sections that can, by the
// block's bound, neither be the best of their language nor enter the page: enter top
// in a search of sections; in a search grouped by document (by relevance), bring
// their document onto the page or, their document leading so far, be among its
// passages (package exec's pruning). The documents of the page whose passages may
// be among those left out have their sections scored again (docGroups.rescoreDocs):
// a document's sections are not consecutive numbers, and those of a document that
// came before its best were left out when it was not leading yet.
func (q *execQuery) scorePart(ctx context.Context, x *exec.Query, docs *roaring.Bitmap, p *part, top *exec.Top, each func(uint64, float64)) error {
	c := q.c
	g := p.groups
	if docs.GetCardinality() < minPruneDocs || g != nil && (g.spec.byDate || g.spec.inOrder) {
		return x.Score(ctx, docs, each)
	}
	wanted := func(block []uint32, bound float64) bool { return top.Wants(uint64(block[0]), bound) }
	if g != nil {
		g.prune()
		wanted = func(_ []uint32, bound float64) bool { return bound >= g.floor() }
	}
	return x.ScoreTop(ctx, docs, c.cache.impacts, func(block []uint32, bound float64) []uint32 {
		if wanted(block, bound) {
			return block
		}
		if g == nil && bound <= p.floor {
			return nil // none better than its language's best
		}
		kept := block[:0]
		for _, num := range block {
			lang := c.sets.langOf(uint64(num))
			switch {
			case bound > p.floor && lang >= 0 && (!p.best[lang].found || bound > p.best[lang].score):
			case g != nil && g.wants(uint64(num), bound):
			case g != nil:
				g.leave(uint64(num), bound)
				continue
			default:
				continue
			}
			kept = append(kept, num)
		}
		return kept
	}, each)
}

// minSplitCandidates is the fewest candidates of a phrase in a segment that the
// executor checks in two halves at once, when a search runs on two cores; fewer go
// whole to one core. At 10k sections, against splitting every phrase's candidates,
// it saved up to 9% of the CPU of phrase searches and 13-37% of their time (there the
// phrases measured have tens to hundreds of candidates a segment, in each field). A
// variable for the tests.
var minSplitCandidates uint64 = 256

// matches returns the sections q matches in the snapshot r, found by bleve's
// searchers without scores.
func matches(ctx context.Context, q query.Query, r index.IndexReader, m mapping.IndexMapping) (*roaring.Bitmap, error) {
	s, err := q.Searcher(ctx, r, m, bsearch.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0), IndexReader: r}
	out := roaring.New()
	for {
		if err := cutShort(ctx); err != nil {
			return nil, err
		}
		dm, err := s.Next(sctx)
		if err != nil || dm == nil {
			return out, err
		}
		out.Add(uint32(dm.IndexInternalID.Value()))
		sctx.DocumentMatchPool.Put(dm)
	}
}

// cutShortOr returns the error of a search cut short when ctx is done, else err.
func cutShortOr(ctx context.Context, err error) error {
	if cut := cutShort(ctx); cut != nil {
		return cut
	}
	return err
}

// named returns hits as bleve's search would, named through r.
func named(r index.IndexReader, hits []exec.Hit) ([]*bsearch.DocumentMatch, error) {
	out := make([]*bsearch.DocumentMatch, len(hits))
	for i, h := range hits {
		id := index.NewIndexInternalID(nil, h.Num)
		ext, err := r.ExternalID(id)
		if err != nil {
			return nil, err
		}
		out[i] = &bsearch.DocumentMatch{ID: ext, Score: h.Score, IndexInternalID: id}
	}
	return out, nil
}
