package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/google/go-cmp/cmp"

	"musesearch/corpus"
	"musesearch/indexer"
)

// TestFacetCountsAcrossSegments checks the facet counts, filters and totals, read from
// per-segment bitmaps, against counts made from the hits' stored facets, on an index
// of many segments with deleted and replaced sections, as live updates leave it.
func TestFacetCountsAcrossSegments(t *testing.T) {
	ctx := context.Background()
	e := openEngine(t, indexer.Config{})
	ix := e.ix
	paragraphs := []string{
		"Muse cells were given to patients with acute ischemic stroke in a randomized trial.",
		"Mesenchymal stem cells (MSCs) for knee osteoarthritis: a phase 2 study.",
		"A systematic review of stem cells in amyotrophic lateral sclerosis (ALS).",
		"脳梗塞の患者にMuse細胞を投与した。",
		"脊髄損傷に対する間葉系幹細胞の第1相試験。",
		"间充质干细胞治疗膝骨关节炎的随机对照试验。",
		"Cells in culture, with no disease named.",
	}
	rng := rand.New(rand.NewPCG(7, 11))
	file := func(n, version int) []byte {
		var b strings.Builder
		fmt.Fprintf(&b, "# Report %d.%d\n\n", n, version)
		for s := range 1 + rng.IntN(3) {
			fmt.Fprintf(&b, "## Part %d\n\n%s\n\n", s+1, paragraphs[rng.IntN(len(paragraphs))])
		}
		return []byte(b.String())
	}
	replace := func(name string, data []byte) error {
		docs, err := corpus.Parse(name, data)
		if err == nil {
			_, err = ix.ReplaceFile(ctx, name, data, docs)
		}
		return err
	}
	// One batch, so one segment, per file; then deletions and replacements.
	for n := range 30 {
		if err := replace(fmt.Sprintf("r%02d.md", n), file(n, 1)); err != nil {
			t.Fatal(err)
		}
	}
	for n := 0; n < 30; n += 4 {
		if _, err := ix.RemoveFile(ctx, fmt.Sprintf("r%02d.md", n)); err != nil {
			t.Fatal(err)
		}
		if err := replace(fmt.Sprintf("r%02d.md", n+1), file(n+1, 2)); err != nil {
			t.Fatal(err)
		}
	}

	// Every section with its stored facets, page by page.
	var all []Hit
	for page := 1; ; page++ {
		resp, err := e.Search(ctx, Request{Page: page, Size: MaxSize})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, resp.Hits...)
		if len(resp.Hits) < MaxSize {
			break
		}
	}
	if len(all) < 30 {
		t.Fatalf("only %d sections indexed", len(all))
	}
	valuesOf := func(h Hit, f corpus.Facet) []string {
		if f == corpus.Lang {
			return []string{h.Lang}
		}
		return h.Facets[f]
	}
	selects := func(h Hit, filters map[corpus.Facet][]string, except corpus.Facet) bool {
		for f, want := range filters {
			if f != except && !slices.ContainsFunc(valuesOf(h, f), func(v string) bool { return slices.Contains(want, v) }) {
				return false
			}
		}
		return true
	}

	for _, filters := range []map[corpus.Facet][]string{
		nil,
		{corpus.Indication: {"stroke"}},
		{corpus.Indication: {"stroke", "osteoarthritis"}, corpus.Lang: {"ja", "en"}},
		{corpus.CellType: {"msc"}, corpus.Lang: {"zh"}},
	} {
		for _, q := range []string{"", "cells", "Muse", "脳梗塞"} {
			t.Run(fmt.Sprintf("%q %v", q, filters), func(t *testing.T) {
				resp, err := e.Search(ctx, Request{Query: q, Filters: filters, Size: 1})
				if err != nil {
					t.Fatal(err)
				}
				matched := all
				if q != "" {
					// The sections the query matches, whatever the filters.
					matched = nil
					for page := 1; ; page++ {
						r, err := e.Search(ctx, Request{Query: q, Page: page, Size: MaxSize})
						if err != nil {
							t.Fatal(err)
						}
						matched = append(matched, r.Hits...)
						if len(r.Hits) < MaxSize {
							break
						}
					}
				}
				total := 0
				want := map[corpus.Facet]map[string]int{}
				// The same counted in documents: the distinct documents of the sections.
				docs := map[string]int{} // document -> selected sections
				wantDocs := map[corpus.Facet]map[string]map[string]bool{}
				for _, f := range FacetOrder {
					want[f] = map[string]int{}
					wantDocs[f] = map[string]map[string]bool{}
				}
				for _, h := range matched {
					if selects(h, filters, "") {
						total++
						docs[h.DocID]++
					}
					for _, f := range FacetOrder {
						if selects(h, filters, f) {
							for _, v := range valuesOf(h, f) {
								want[f][v]++
								if wantDocs[f][v] == nil {
									wantDocs[f][v] = map[string]bool{}
								}
								wantDocs[f][v][h.DocID] = true
							}
						}
					}
				}
				if resp.Total != total {
					t.Errorf("total %d, want %d", resp.Total, total)
				}
				got := facetCountsOf(resp)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("facet counts (-stored facets +bitmaps):\n%s", diff)
				}

				grouped, err := e.Search(ctx, Request{Query: q, Filters: filters, Size: MaxSize, GroupByDoc: true})
				if err != nil {
					t.Fatal(err)
				}
				if grouped.Total != len(docs) {
					t.Errorf("grouped by document: total %d, want %d documents", grouped.Total, len(docs))
				}
				for _, f := range FacetOrder {
					for v, ds := range wantDocs[f] {
						want[f][v] = len(ds)
					}
				}
				if diff := cmp.Diff(want, facetCountsOf(grouped)); diff != "" {
					t.Errorf("facet counts grouped by document (-stored facets +bitmaps):\n%s", diff)
				}
				gotDocs := map[string]int{}
				for _, h := range grouped.Hits {
					if _, dup := gotDocs[h.DocID]; dup {
						t.Errorf("document %s listed twice", h.DocID)
					}
					gotDocs[h.DocID] = h.Matches
					if n := min(h.Matches, MaxPassages); len(h.Passages) != n || h.Passages[0].ID != h.ID {
						t.Errorf("%s: %d matches, passages %+v", h.DocID, h.Matches, h.Passages)
					}
					for i, p := range h.Passages {
						if d, _, _ := corpus.SplitSectionID(p.ID); d != h.DocID || i > 0 && p.Score > h.Passages[i-1].Score {
							t.Errorf("%s: passage %d is %s, score %v after %v", h.DocID, i, p.ID, p.Score, h.Passages[max(i-1, 0)].Score)
						}
					}
				}
				if diff := cmp.Diff(docs, gotDocs); diff != "" {
					t.Errorf("documents and their matching sections (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// facetCountsOf returns the non-zero facet counts of resp.
func facetCountsOf(resp *Response) map[corpus.Facet]map[string]int {
	got := map[corpus.Facet]map[string]int{}
	for _, f := range FacetOrder {
		got[f] = map[string]int{}
		for _, c := range resp.Facets[f] {
			if c.Count > 0 {
				got[f][c.Value] = c.Count
			}
		}
	}
	return got
}

// TestSplitSearchIsOneSearch checks that a search run on two cores (collector) answers
// as one run on one core: the same hits in the same order with the same scores, the
// same totals, facet counts and best passage of each language, for queries of every
// kind, with and without filters, sorted by relevance and by date, grouped or not,
// whether or not the halves leave out blocks of sections, in the bundled corpus and in
// a generated one (where equal scores are many).
func TestSplitSearchIsOneSearch(t *testing.T) {
	for _, c := range []struct {
		name   string
		engine func(testing.TB) *Engine
	}{{"bundled", bundleEngine}, {"generated", generatedEngine}} {
		t.Run(c.name, func(t *testing.T) { splitSearchIsOneSearch(t, c.engine(t)) })
	}
}

func splitSearchIsOneSearch(t *testing.T, e *Engine) {
	ctx := context.Background()
	var requests []Request
	for _, q := range []string{"", "cells", "Muse cells", `"spinal cord injury"`, "脳梗塞", "间充质干细胞", "stroke -rat", "ALS OR 脊髄損傷", "NCT"} {
		for _, filters := range []map[corpus.Facet][]string{nil, {corpus.Lang: {"ja", "en"}}, {corpus.Indication: {"stroke"}}} {
			requests = append(requests,
				Request{Query: q, Filters: filters, Size: 20},
				Request{Query: q, Filters: filters, Size: 10, Page: 2, Sort: SortDate},
				Request{Query: q, Filters: filters, Size: 10, GroupByDoc: true},
			)
		}
	}
	// answers answers the requests with searches on two cores from indexes of split
	// sections up, leaving out blocks of sections from prune sections a core up.
	answers := func(split, prune uint64) []*Response {
		defer func(split, prune uint64) { minSplitDocs, minPruneDocs = split, prune }(minSplitDocs, minPruneDocs)
		minSplitDocs, minPruneDocs = split, prune
		var out []*Response
		for _, req := range requests {
			resp, err := e.Search(ctx, req)
			if err != nil {
				t.Fatalf("%+v: %v", req, err)
			}
			resp.TookMS = 0
			out = append(out, resp)
		}
		return out
	}
	one := answers(math.MaxUint64, minPruneDocs)
	for _, two := range []struct {
		name  string
		prune uint64
	}{{"halves", minPruneDocs}, {"halves pruned", 0}} {
		got := answers(0, two.prune)
		for i, req := range requests {
			if diff := cmp.Diff(one[i], got[i]); diff != "" {
				t.Errorf("%s: %+v: split search differs (-one core +two):\n%s", two.name, req, diff)
			}
		}
	}
	hits := 0
	for _, resp := range one {
		hits += resp.Total
	}
	if hits == 0 {
		t.Fatal("no request found anything")
	}
}

// contextQuery runs inner with ctx in place of the search's own context: a test's
// way to cancel a search inside its searchers, where bleve's collector, which looks
// at its context before the first match and then every 1024 matches, does not see it.
type contextQuery struct {
	inner query.Query
	ctx   context.Context
}

func (q *contextQuery) Searcher(_ context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	return q.inner.Searcher(q.ctx, r, m, opts)
}

// countingQuery counts the matches its searchers are asked for.
type countingQuery struct {
	inner query.Query
	calls atomic.Int64
}

func (q *countingQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := q.inner.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	return &countingSearcher{Searcher: s, calls: &q.calls}, nil
}

type countingSearcher struct {
	bsearch.Searcher
	calls *atomic.Int64
}

func (s *countingSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	s.calls.Add(1)
	return s.Searcher.Next(ctx)
}

func (s *countingSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	s.calls.Add(1)
	return s.Searcher.Advance(ctx, id)
}

// TestSearchersStopWhenCancelled checks that the searchers that can go through many
// sections without handing bleve a match stop once the search's context is done, with
// an error that says why: a phrase whose terms are rarely adjacent, and the collector
// skipping the sections the filters leave out, on one core and on two.
func TestSearchersStopWhenCancelled(t *testing.T) {
	e := copiedEngine(t)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	run := func(q query.Query) error {
		_, err := e.ix.Search(context.Background(), bleve.NewSearchRequestOptions(&contextQuery{q, cancelled}, 10, 0, false))
		return err
	}

	// "a a" is in no section; "a" in most.
	phrase := newPhraseQuery("body_std", termPattern{{"a"}, {"a"}})
	if err := run(phrase); !errors.Is(err, context.Canceled) {
		t.Errorf("phrase: err %v, want one wrapping context.Canceled", err)
	}
	if read := phrase.steps.Load() - 1; read > 0 { // its one term opened
		t.Errorf("phrase: %d positions read after the search was cancelled", read)
	}

	for _, split := range []uint64{math.MaxUint64, 0} {
		func() {
			defer func(old uint64) { minSplitDocs = old }(minSplitDocs)
			minSplitDocs = split
			term := query.NewTermQuery("cell")
			term.SetField("body_std")
			counted := &countingQuery{inner: term}
			col := &collector{cache: e.sets, filters: map[corpus.Facet][]string{corpus.Lang: {"zh"}}}
			if err := run(col.wrap(counted)); !errors.Is(err, context.Canceled) {
				t.Errorf("collector (split from %d sections): err %v, want one wrapping context.Canceled", split, err)
			}
			if n := counted.calls.Load(); n > 0 {
				t.Errorf("collector (split from %d sections): %d matches read after the search was cancelled", split, n)
			}
		}()
	}
}

// panicSearcher panics as scorch does reading some damaged segments.
type panicSearcher struct{ bsearch.Searcher }

func (panicSearcher) Advance(*bsearch.SearchContext, index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	panic("damaged segment")
}

func (panicSearcher) DocumentMatchPoolSize() int { return 1 }

// TestSearchRestRecovers checks that a panic in the second part of a split search,
// which runs in its own goroutine, becomes the search's error (wrapping
// indexer.ErrDamaged) instead of taking the process down.
func TestSearchRestRecovers(t *testing.T) {
	s := &collectSearcher{c: &collector{}, rest: panicSearcher{}, restDone: make(chan struct{})}
	s.searchRest(context.Background())
	if !errors.Is(s.restErr, indexer.ErrDamaged) {
		t.Errorf("after a panic in the second part: error %v, want one wrapping indexer.ErrDamaged", s.restErr)
	}
}

// TestTallyDocsCountsAsSets checks the documents counted as dense bits
// (collector.tallyDocs) against the same counted one section at a time, value by
// value: the documents of the matches that every filter but the value's facet's own
// selects and that carry the value. The sets are random, with sections of no document,
// documents whose sections are in several runs, and filters on up to every facet.
func TestTallyDocsCountsAsSets(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	const sections, docs = 3000, 400
	s := &facetSets{values: map[corpus.Facet]map[string]*roaring.Bitmap{}}
	for f, n := range map[corpus.Facet]int{corpus.Indication: 70, corpus.CellType: 6, corpus.Design: 8, corpus.Phase: 5, corpus.Lang: 3} {
		s.values[f] = map[string]*roaring.Bitmap{}
		for v := range n {
			b := roaring.New()
			for sec := range sections {
				if rng.IntN(6) == 0 {
					b.Add(uint32(sec))
				}
			}
			s.values[f][fmt.Sprintf("%s-%d", f, v)] = b
		}
	}
	randomDocuments(rng, s, sections, docs)
	if split := len(s.dense().split); split < docs/4 {
		t.Fatalf("%d documents in several runs, want at least %d", split, docs/4)
	}
	// countDocs counts the documents of sections one section at a time.
	countDocs := func(sections *roaring.Bitmap) int {
		seen := map[uint32]bool{}
		sections.Iterate(func(n uint32) bool {
			if d := s.docOf[n]; d != noDoc {
				seen[d] = true
			}
			return true
		})
		return len(seen)
	}
	matched := roaring.New()
	for sec := range sections {
		if rng.IntN(3) > 0 {
			matched.Add(uint32(sec))
		}
	}
	for round := range 30 {
		filters := map[corpus.Facet][]string{}
		for _, f := range FacetOrder {
			if rng.IntN(3) == 0 {
				for range 1 + rng.IntN(3) {
					filters[f] = append(filters[f], fmt.Sprintf("%s-%d", f, rng.IntN(len(s.values[f]))))
				}
			}
		}
		c := &collector{filters: filters, byDoc: true}
		c.start(s, nil)
		c.first.matched = matched
		want := map[corpus.Facet]map[string]int{}
		for _, f := range FacetOrder {
			want[f] = map[string]int{}
			base := matched
			for g, set := range c.filtered {
				if g != f {
					base = roaring.And(base, set)
				}
			}
			for v, set := range s.values[f] {
				if n := countDocs(roaring.And(base, set)); n > 0 {
					want[f][v] = n
				}
			}
		}
		if diff := cmp.Diff(want, c.counts()); diff != "" {
			t.Errorf("round %d, filters %v: counts (-as sets +in one pass):\n%s", round, filters, diff)
		}
		if got, want := c.total(), countDocs(c.results()); got != want {
			t.Errorf("round %d, filters %v: total %d, want %d", round, filters, got, want)
		}
	}
}

// TestLeaveKeepsRangesApart checks the ranges docGroups.leave keeps of the sections a
// grouped search left out: in order and apart, however the sections come (a block's
// lifted sections first, then its others), each section in a range whose bound is at
// least its own, the bound being settle's for the documents there.
func TestLeaveKeepsRangesApart(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for round := range 200 {
		g := &docGroups{}
		bounds := map[uint32]float64{}
		base := uint32(0)
		for range rng.IntN(20) + 1 {
			// A block of up to 128 sections, some of them left out under two
			// bounds, the lifted ones first.
			var lifted, rest []uint32
			for n := base; n < base+128; n++ {
				switch rng.IntN(4) {
				case 0:
					lifted = append(lifted, n)
				case 1, 2:
					rest = append(rest, n)
				}
			}
			high := float64(rng.IntN(3) + 2)
			low := high - float64(rng.IntN(2))
			for _, n := range lifted {
				g.leave(uint64(n), high)
				bounds[n] = high
			}
			for _, n := range rest {
				g.leave(uint64(n), low)
				bounds[n] = low
			}
			base += 128 + uint32(rng.IntN(3))*128
		}
		for i, r := range g.left {
			if r.first > r.last || i > 0 && g.left[i-1].last >= r.first {
				t.Fatalf("round %d: ranges %+v not in order and apart", round, g.left)
			}
		}
		for n, b := range bounds {
			i := slices.IndexFunc(g.left, func(r leftRange) bool { return r.first <= n && n <= r.last })
			if i < 0 || g.left[i].bound < b {
				t.Fatalf("round %d: section %d (bound %g) in no range of a bound as high: %+v", round, n, b, g.left)
			}
		}
	}
}
