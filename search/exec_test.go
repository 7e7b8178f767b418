package search

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/bench/scalegen"
	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/internal/cputime"
	"musesearch/internal/segments"
	"musesearch/search/exec"
)

// The differential test: every search runs through the executor (package exec) where
// the engine has a plan for it, and through bleve's searchers and collector; the two
// must agree on the total, the hits and their order, their scores to scoreTolerance,
// the passages of document hits and every facet count. It runs on the bundled corpus
// and on a generated one of several segments with deleted sections, with the queries
// of the relevance suite and of the benchmark's mix, each also grouped by document,
// paged and counted only.

// scoreTolerance is how far a score of the executor may be from bleve's: they add
// the same terms' scores, not always in the same order.
const scoreTolerance = 1e-9

// generatedSections is the size of the generated corpus: thousands of sections, in
// several segments, and a test of seconds.
const generatedSections = 1000

// generated is an engine over a generated corpus of several segments, whose index
// is generatedIndex (TestMain closes it); generatedRare is the rare term of the
// corpus, a registry id one section names.
var (
	generated      fixture
	generatedIndex *indexer.Index
	generatedRare  string
)

// removedFiles is how many files of the generated corpus go after it is indexed.
const removedFiles = 4

// generatedEngine returns an engine over a corpus scalegen wrote, indexed and then
// with some files removed, so that its index has deleted sections.
func generatedEngine(tb testing.TB) *Engine {
	tb.Helper()
	return generated.engine(tb, "the generated corpus", func() (*Engine, error) {
		g, err := scalegen.New(scalegen.Config{Seed: 16, Sections: generatedSections, Bundle: corpus.Bundle})
		if err != nil {
			return nil, err
		}
		staged, dir := filepath.Join(tempRoot, "generated-files"), filepath.Join(tempRoot, "generated")
		stats, err := g.Write(staged)
		if err != nil {
			return nil, err
		}
		generatedRare = stats.RareTerm
		files, err := os.ReadDir(staged)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		ctx := context.Background()
		ix, err := indexer.Open(ctx, indexer.Config{Dir: filepath.Join(tempRoot, "generated-index")})
		if err != nil {
			return nil, err
		}
		generatedIndex = ix
		for _, f := range files {
			if err := os.Rename(filepath.Join(staged, f.Name()), filepath.Join(dir, f.Name())); err != nil {
				return nil, err
			}
		}
		if _, err := ix.Sync(ctx, dir, nil); err != nil {
			return nil, err
		}
		// Some files go: deleted sections in the first segment.
		for _, f := range files[:removedFiles] {
			if _, err := ix.RemoveFile(ctx, f.Name()); err != nil {
				return nil, err
			}
		}
		return New(Config{Index: ix})
	})
}

// TestExecutorRunsPlannedSearches checks the engine's routing: the executor runs the
// searches that it has a plan for, phrases included, ranked by relevance or sorted by
// date, and those without a query; bleve's searchers the others (a fuzzy word).
func TestExecutorRunsPlannedSearches(t *testing.T) {
	e := bundleEngine(t)
	for _, tt := range []struct {
		req  Request
		want bool
	}{
		{Request{Query: "cells"}, true},
		{Request{Query: "muse safety patients", GroupByDoc: true, Literal: true}, true},
		{Request{Query: "muse safety patients"}, true}, // 安全性 and 患者 are phrases
		{Request{Query: "stroke OR ALS -rat"}, true},
		{Request{Query: `"spinal cord injury"`}, true},
		{Request{Query: "間葉系幹細胞"}, true}, // a phrase of kagome's terms
		{Request{Query: "cells", Sort: SortDate}, true},
		{Request{Query: "stroke OR ALS -rat", Sort: SortDate, GroupByDoc: true}, true},
		{Request{Query: ""}, true},
		{Request{Query: "", Sort: SortDate, YearFrom: 2015, WithoutTrials: true}, true},
		{Request{Query: "", GroupByDoc: true, Filters: map[corpus.Facet][]string{corpus.Lang: {"ja"}}}, true},
	} {
		if got := e.planned(tt.req); got != tt.want {
			t.Errorf("%+v: executor %v, want %v", tt.req, got, tt.want)
		}
	}
}

func TestExecutorMatchesBleve(t *testing.T) {
	// Pruning too, on corpora too small for it.
	defer func(old uint64) { minPruneDocs = old }(minPruneDocs)
	minPruneDocs = 0
	t.Run("bundle", func(t *testing.T) {
		e := bundleEngine(t)
		differential(t, e, differentialRequests(t, e, "NCT02357979"), nil)
	})
	t.Run("generated", func(t *testing.T) {
		// On two cores, as a large index's searches run: both paths search in two
		// halves, the executor's phrase checks too (16 candidates or more in halves,
		// fewer whole), and the facets are counted beside the snippets.
		defer func(docs, candidates uint64, apart int) {
			minSplitDocs, minSplitCandidates, minCountApart = docs, candidates, apart
		}(minSplitDocs, minSplitCandidates, minCountApart)
		minSplitDocs, minSplitCandidates, minCountApart = 0, 16, 0
		e := generatedEngine(t)
		files, err := generatedIndex.Files()
		if err != nil {
			t.Fatal(err)
		}
		// A file changes every churnEvery requests: the index keeps new segments
		// beside its merged ones while scorch merges them in the background.
		changes := 0
		churn := func() {
			name := files[changes%len(files)]
			changes++
			data, err := os.ReadFile(filepath.Join(tempRoot, "generated", name))
			if err != nil {
				t.Fatal(err)
			}
			data = fmt.Appendf(data, "\n\nChange %d: Muse cells after stroke, 脊髄損傷.\n", changes)
			docs, err := corpus.Parse(name, data)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := generatedIndex.ReplaceFile(context.Background(), name, data, docs); err != nil {
				t.Fatal(err)
			}
		}
		differential(t, e, differentialRequests(t, e, generatedRare), churn)
	})
}

// churnEvery is how many requests of the differential test run between two changes
// of the index, when it changes the index.
const churnEvery = 40

// differential runs every request through the executor and through bleve and
// compares the answers. churn, when not nil, changes the index every churnEvery
// requests. The executor must have run some of the requests, and with churn some on a
// snapshot of several segments.
func differential(t *testing.T, engine *Engine, reqs []Request, churn func()) {
	e, b := *engine, *engine
	b.bleveOnly = true
	planned, segmented := 0, 0
	for i, req := range reqs {
		if churn != nil && i%churnEvery == 0 {
			churn()
		}
		name := fmt.Sprintf("%q sort %s page %d size %d group %v literal %v years %d-%d without trials %v filters %v",
			req.Query, req.Sort, req.Page, req.Size, req.GroupByDoc, req.Literal, req.YearFrom, req.YearTo, req.WithoutTrials, req.Filters)
		if e.planned(req) {
			planned++
		}
		// scorch merges segments in the background, which changes scores (BM25's
		// average field length counts deleted sections until they are merged away):
		// the two are compared on one snapshot.
		var got, want *Response
		var gotErr, wantErr error
		for range maxSnapshotTries {
			got, gotErr = e.Search(context.Background(), req)
			snap := e.sets.snapshot
			want, wantErr = b.Search(context.Background(), req)
			if e.sets.snapshot == snap {
				break
			}
		}
		if len(e.sets.segments) > 1 {
			segmented++
		}
		if (gotErr != nil) != (wantErr != nil) {
			t.Errorf("%s: error %v, bleve's %v", name, gotErr, wantErr)
			continue
		}
		if gotErr != nil {
			continue
		}
		if diff := compareResponses(got, want); diff != "" {
			t.Errorf("%s (planned %v): %s", name, e.planned(req), diff)
		}
	}
	t.Logf("%d requests, %d through the executor, %d on several segments", len(reqs), planned, segmented)
	if planned < len(reqs)/2 {
		t.Errorf("%d of %d requests ran through the executor, want at least half", planned, len(reqs))
	}
	if churn != nil && segmented < len(reqs)/10 {
		t.Errorf("%d of %d requests ran on several segments, want at least a tenth", segmented, len(reqs))
	}
}

// maxSnapshotTries bounds how often the differential test runs a request again
// because the index changed between the executor's search and bleve's.
const maxSnapshotTries = 3

// compareResponses says how got differs from want, or "".
func compareResponses(got, want *Response) string {
	var diffs []string
	if got.Total != want.Total || got.Fuzzy != want.Fuzzy || got.Undated != want.Undated {
		diffs = append(diffs, fmt.Sprintf("total %d fuzzy %v undated %d, bleve's %d %v %d", got.Total, got.Fuzzy, got.Undated, want.Total, want.Fuzzy, want.Undated))
	}
	if got.Suggestion != want.Suggestion {
		diffs = append(diffs, fmt.Sprintf("suggestion %q, bleve's %q", got.Suggestion, want.Suggestion))
	}
	if g, w := hitList(got.Hits), hitList(want.Hits); !slices.EqualFunc(g, w, sameHit) {
		diffs = append(diffs, fmt.Sprintf("hits\n  %v\nbleve's\n  %v", g, w))
	}
	for _, f := range FacetOrder {
		if !slices.Equal(got.Facets[f], want.Facets[f]) {
			diffs = append(diffs, fmt.Sprintf("%s counts %v, bleve's %v", f, got.Facets[f], want.Facets[f]))
		}
	}
	return strings.Join(diffs, "; ")
}

// scoredHit is what the differential test compares of a hit or passage.
type scoredHit struct {
	ID      string
	Score   float64
	Matches int
}

func (h scoredHit) String() string { return fmt.Sprintf("%s:%.12g/%d", h.ID, h.Score, h.Matches) }

// hitList lists hits and their passages in order.
func hitList(hits []Hit) []scoredHit {
	var out []scoredHit
	for _, h := range hits {
		out = append(out, scoredHit{h.ID, h.Score, h.Matches})
		for _, p := range h.Passages {
			out = append(out, scoredHit{"  " + p.ID, p.Score, 0})
		}
	}
	return out
}

func sameHit(a, b scoredHit) bool {
	return a.ID == b.ID && a.Matches == b.Matches && math.Abs(a.Score-b.Score) <= scoreTolerance
}

// differentialRequests returns the requests of the differential test: the relevance
// suite's, and the benchmark mix (rare is its rare term) with shapes of the query
// language the suite lacks.
func differentialRequests(t *testing.T, e *Engine, rare string) []Request {
	data, err := os.ReadFile("testdata/relevance.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []relevanceCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	var suite, mix []Request
	for _, tc := range cases {
		params := maps(tc.Params)
		if tc.RepeatQ > 0 {
			params["q"] = []string{strings.Repeat(first(params["q"]), tc.RepeatQ)}
		}
		if req, err := request(params); err == nil {
			suite = append(suite, req)
		}
	}
	// The benchmark's mix, with its two filters on the most common values.
	filters := map[corpus.Facet][]string{}
	all, err := e.Search(context.Background(), Request{Size: 0})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []corpus.Facet{corpus.Indication, corpus.CellType} {
		if counts := all.Facets[f]; len(counts) > 0 {
			filters[f] = []string{counts[0].Value}
		}
	}
	for _, q := range []string{"cells", rare, "muse safety patients", `"spinal cord injury"`, "間葉系幹細胞", "间充质干细胞", "脊髄損傷",
		"cells OR stroke", "muse -safety", "-cells", "(stroke OR ALS) cells -rat", "Muse細胞", "bone marrow", "spinal cord injury",
		"ALS", "stem cells", "NCT01234567 OR cells"} {
		mix = append(mix, Request{Query: q, Size: 10}, Request{Query: q, Size: 10, Filters: filters},
			Request{Query: q, Size: 10, Filters: map[corpus.Facet][]string{corpus.Lang: {"ja"}}},
			Request{Query: q, Size: 10, Literal: true})
	}
	// Years and trials select too.
	for _, q := range []string{"cells", "脊髄損傷", `"spinal cord injury"`, "muse -safety"} {
		mix = append(mix, Request{Query: q, Size: 10, YearFrom: 2018}, Request{Query: q, Size: 10, YearFrom: 2010, YearTo: 2020, Filters: filters},
			Request{Query: q, Size: 10, WithoutTrials: true})
	}
	// Sorted by date: ties of date go by score, then in reading order.
	for _, q := range []string{"cells", "muse -safety", "脊髄損傷", `"spinal cord injury"`, "stroke OR ALS"} {
		mix = append(mix, Request{Query: q, Size: 10, Sort: SortDate}, Request{Query: q, Size: 10, Sort: SortDate, Filters: filters},
			Request{Query: q, Size: 10, Sort: SortDate, YearFrom: 2012, WithoutTrials: true})
	}
	// No query: every section in reading order, or by date.
	for _, sort := range []string{SortRelevance, SortDate} {
		mix = append(mix, Request{Size: 10, Sort: sort}, Request{Size: 10, Sort: sort, Filters: filters},
			Request{Size: 10, Sort: sort, Filters: map[corpus.Facet][]string{corpus.Lang: {"zh"}}},
			Request{Size: 10, Sort: sort, YearFrom: 2010, YearTo: 2020}, Request{Size: 10, Sort: sort, WithoutTrials: true},
			Request{Size: 10, Sort: sort, Page: 7, YearTo: 2019, Filters: filters})
	}
	// Every request also grouped by document; the mix's also paged and counted only.
	var out []Request
	for k, req := range append(suite, mix...) {
		grouped := req
		grouped.GroupByDoc = !req.GroupByDoc
		out = append(out, req, grouped)
		if k >= len(suite) {
			paged, counted := req, req
			paged.Page, counted.Size = 2, 0
			out = append(out, paged, counted)
		}
	}
	return out
}

// planned reports whether the executor runs req's query as written (not a retry).
func (e *Engine) planned(req Request) bool {
	if checkRequest(&req) != nil {
		return false
	}
	_, c, err := e.compileQuery(req.Query, compileOptions{verbatim: req.Literal})
	if err != nil {
		return false
	}
	q, err := e.selection(context.Background(), req, c)
	return err == nil && e.executes(q)
}

// BenchmarkExecutor compares the executor with bleve's path on the bundled corpus
// copied bundleCopies times or, with MUSESEARCH_BENCH_CORPUS set, on an index of that
// corpus directory (one musegen writes: go run ./cmd/musegen -sections 10000 -out
// DIR): each query counted only (the total and every facet's counts) and for a page
// of ten hits, and searches sorted by date and without a query (the home page, a
// facet's link, the evidence map's counts), for a page of ten sections or documents. Each round runs the search
// through both paths, one after the other, so that the load of the machine weighs on
// both alike; it reports the CPU and wall time per search of each and the ratio of
// their CPU times.
func BenchmarkExecutor(b *testing.B) {
	e := benchEngine(b, copiedEngine)
	bleveOnly := *e
	bleveOnly.bleveOnly = true
	ctx := context.Background()
	type named struct {
		name string
		req  Request
	}
	var reqs []named
	for _, q := range []string{"cells", "muse safety patients", "stroke OR ALS", "cells -rat", `"spinal cord injury"`,
		`"randomized controlled trial"`, "脊髄損傷", "間葉系幹細胞"} {
		for _, size := range []int{0, 10} {
			reqs = append(reqs, named{fmt.Sprintf("%s/size-%d", q, size), Request{Query: q, Size: size}})
		}
	}
	ja := map[corpus.Facet][]string{corpus.Lang: {"ja"}}
	for _, q := range []string{"cells", "stroke OR ALS", "脊髄損傷", ""} {
		label := cmp.Or(q, "empty")
		reqs = append(reqs, named{label + "/date", Request{Query: q, Size: 10, Sort: SortDate}},
			named{label + "/date/grouped", Request{Query: q, Size: 10, Sort: SortDate, GroupByDoc: true}})
	}
	reqs = append(reqs, named{"empty/size-10", Request{Size: 10}}, named{"empty/size-10/page-50", Request{Size: 10, Page: 50}},
		named{"empty/size-10/ja", Request{Size: 10, Filters: ja}}, named{"empty/size-10/years", Request{Size: 10, YearFrom: 2015}},
		named{"empty/size-10/grouped", Request{Size: 10, GroupByDoc: true}}, named{"empty/date/ja", Request{Size: 10, Sort: SortDate, Filters: ja}},
		// The evidence map's counts: studies, grouped, outside the trials.
		named{"empty/size-0/grouped/without-trials", Request{GroupByDoc: true, WithoutTrials: true, Filters: ja}})
	for _, r := range reqs {
		b.Run(r.name, func(b *testing.B) {
			resp, err := e.Search(ctx, r.req)
			if err != nil {
				b.Fatal(err)
			}
			var cpu, wall [2]time.Duration // bleve's path, the executor
			for b.Loop() {
				for i, path := range []*Engine{&bleveOnly, e} {
					began, start := cputime.Of(b), time.Now()
					if _, err := path.Search(ctx, r.req); err != nil {
						b.Fatal(err)
					}
					cpu[i] += cputime.Of(b) - began
					wall[i] += time.Since(start)
				}
			}
			b.ReportMetric(float64(cpu[0])/float64(b.N), "bleve-cpu-ns/op")
			b.ReportMetric(float64(cpu[1])/float64(b.N), "exec-cpu-ns/op")
			b.ReportMetric(float64(wall[0])/float64(b.N), "bleve-ns/op")
			b.ReportMetric(float64(wall[1])/float64(b.N), "exec-ns/op")
			b.ReportMetric(float64(cpu[1])/float64(cpu[0]), "exec/bleve")
			b.ReportMetric(float64(resp.Total), "matches")
		})
	}
}

// readerQuery calls f with the snapshot of the search it is the query of, and
// matches nothing.
type readerQuery struct {
	f func(context.Context, index.IndexReader)
}

func (q readerQuery) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, _ bsearch.SearcherOptions) (bsearch.Searcher, error) {
	q.f(ctx, r)
	return searcher.NewMatchNoneSearcher(r)
}

// TestExecutorSecondHalfRecovers checks that a panic in the second half of a split
// scoring (scorch panics reading some damaged segments), which runs in its own
// goroutine, becomes the search's error, wrapping indexer.ErrDamaged, instead of
// taking the process down.
func TestExecutorSecondHalfRecovers(t *testing.T) {
	e := copiedEngine(t)
	defer func(old uint64) { minSplitDocs = old }(minSplitDocs)
	minSplitDocs = 0
	var err error
	probe := readerQuery{func(ctx context.Context, r index.IndexReader) {
		sets, serr := e.sets.get(r)
		snap, oerr := segments.Of(r)
		if serr != nil || oerr != nil {
			err = errors.Join(serr, oerr)
			return
		}
		half := uint64(len(sets.langs) / 2)
		plan := exec.Adjust{Inner: exec.All{Boost: 1}, Docs: roaring.FlipInt(roaring.New(), 0, len(sets.langs)), By: func(num uint64, s float64) float64 {
			if num > half {
				panic("damaged segment")
			}
			return s
		}, Most: func(b, _ float64) float64 { return b }}
		x, perr := exec.Prepare(ctx, snap, plan, 1, nil)
		if perr != nil {
			err = perr
			return
		}
		col := &collector{cache: e.sets}
		col.start(sets, r)
		_, err = (&execQuery{c: col, top: 10}).score(ctx, x, x.Matches())
	}}
	if _, serr := e.ix.Search(context.Background(), bleve.NewSearchRequestOptions(probe, 0, 0, false)); serr != nil {
		t.Fatal(serr)
	}
	if !errors.Is(err, indexer.ErrDamaged) {
		t.Errorf("after a panic in the second half: error %v, want one wrapping indexer.ErrDamaged", err)
	}
}

// TestGroupedSearchLeavesOut checks that a search grouped by document, whose page
// needs the best few documents, leaves sections of a common word out unscored: a
// tenth or more of them in the generated corpus of 1,000 sections (more in a larger
// index). TestExecutorMatchesBleve holds its answers to bleve's.
func TestGroupedSearchLeavesOut(t *testing.T) {
	e := generatedEngine(t)
	defer func(old uint64) { minPruneDocs = old }(minPruneDocs)
	minPruneDocs = 0
	ctx := context.Background()
	req := Request{Query: "Muse", Page: 1, Size: 10, GroupByDoc: true}
	_, c, err := e.compileQuery(req.Query, compileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sel, err := e.selection(ctx, req, c)
	if err != nil {
		t.Fatal(err)
	}
	var matched, left int
	err = onPrepared(ctx, e, sel, func(r index.IndexReader, sets *facetSets, x *exec.Query) error {
		col := &collector{cache: e.sets, byDoc: true, spec: groupSpec{size: req.Size}}
		col.start(sets, r)
		if _, err := (&execQuery{c: col}).score(ctx, x, x.Matches()); err != nil {
			return err
		}
		g := col.first.groups
		defer g.release()
		// Every selected section is scored or left out; settle finds those left
		// out of each document with a section scored (touched) from its runs.
		g.selected = x.Matches()
		matched = int(g.selected.GetCardinality())
		var scored, settled, untouched int
		touched := map[uint32]bool{}
		for _, d := range g.touched {
			g.settle(d)
			scored += int(g.tops[d].matches)
			settled += int(g.tops[d].leftOut)
			touched[d] = true
		}
		left = matched - scored
		g.selected.Iterate(func(num uint32) bool {
			if !touched[sets.docOf[num]] {
				untouched++
			}
			return true
		})
		if settled != left-untouched {
			t.Errorf("settle found %d sections left out, want %d", settled, left-untouched)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if matched < 200 || left < matched/10 {
		t.Errorf("%d of %d sections matched left out, want a tenth or more of 200 or more", left, matched)
	}
}
