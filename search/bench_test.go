package search

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/internal/cputime"
	"musesearch/internal/segments"
	"musesearch/search/exec"
)

// BenchmarkSearch runs a mix of queries over the index of the bundled corpus, each
// without filters, with two facet filters, with a filter on every facet (so that
// every facet's disjunctive count costs its own search), grouped by document (up to
// MaxPassages snippets a hit), sorted by date, and grouped and sorted by date; the
// mix has the empty query (the home page's, and a facet link's with filters). With MUSESEARCH_BENCH_CORPUS set it runs
// musebench's mix over an index of that corpus directory (one musegen writes: go run
// ./cmd/musegen -sections 10000 -out DIR), where a common word matches thousands of
// sections.
func BenchmarkSearch(b *testing.B) {
	e := bundleEngine(b)
	queries := []struct{ name, q string }{
		{"common", "Muse"},
		{"rare", "Ocrelizumab"},
		{"and3", "Muse stroke trial"},
		{"phrase", `"randomized controlled trial"`},
		{"ja", "脊髄損傷"},
		{"zh", "运动神经元"},
		{"cross", "心筋梗塞"},
		{"fuzzy", "mesenchymall"},
		{"empty", ""},
	}
	if os.Getenv("MUSESEARCH_BENCH_CORPUS") != "" {
		e = benchEngine(b, nil)
		queries = []struct{ name, q string }{
			{"common", "cells"},
			{"and3", "muse safety patients"},
			{"phrase", `"spinal cord injury"`},
			{"ja", "間葉系幹細胞"},
			{"zh", "间充质干细胞"},
			{"cross", "脊髄損傷"},
			{"empty", ""},
		}
	}
	modes := []struct {
		name    string
		filters map[corpus.Facet][]string
		group   bool
		sort    string
	}{
		{"plain", nil, false, SortRelevance},
		{"two-filters", map[corpus.Facet][]string{corpus.CellType: {"muse", "msc"}, corpus.Lang: {"en", "ja"}}, false, SortRelevance},
		{"all-disjunctive", map[corpus.Facet][]string{
			corpus.Indication: {"als", "stroke"}, corpus.CellType: {"muse"}, corpus.Design: {"preclinical", "rct"},
			corpus.Phase: {"phase-2"}, corpus.Lang: {"en", "ja", "zh"},
		}, false, SortRelevance},
		{"grouped", nil, true, SortRelevance},
		{"date", nil, false, SortDate},
		{"grouped-date", nil, true, SortDate},
	}
	ctx := context.Background()
	for _, m := range modes {
		for _, q := range queries {
			b.Run(m.name+"/"+q.name, func(b *testing.B) {
				req := Request{Query: q.q, Filters: m.filters, Page: 1, Size: 10, GroupByDoc: m.group, Sort: m.sort}
				began := cputime.Of(b)
				for b.Loop() {
					if _, err := e.Search(ctx, req); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(cputime.Of(b)-began)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// benchEngine returns the engine of a benchmark over a generated corpus: the corpus
// directory MUSESEARCH_BENCH_CORPUS names (one musegen writes: go run ./cmd/musegen
// -sections 10000 -out DIR), indexed once per test binary into MUSESEARCH_BENCH_INDEX
// when set (later runs reuse it) or a temporary directory. Without it, it returns the
// engine of fallback, or skips b when fallback is nil.
func benchEngine(b *testing.B, fallback func(testing.TB) *Engine) *Engine {
	dir := os.Getenv("MUSESEARCH_BENCH_CORPUS")
	if dir == "" {
		if fallback == nil {
			b.Skip("MUSESEARCH_BENCH_CORPUS is not set")
		}
		return fallback(b)
	}
	return benchCorpus.engine(b, dir, func() (*Engine, error) {
		ixDir := os.Getenv("MUSESEARCH_BENCH_INDEX")
		if ixDir == "" {
			ixDir = filepath.Join(tempRoot, "bench-index")
		}
		ix, err := indexer.Open(context.Background(), indexer.Config{Dir: ixDir, CorpusDir: dir})
		if err != nil {
			return nil, err
		}
		benchIndex = ix
		return New(Config{Index: ix})
	})
}

// benchCorpus is benchEngine's engine, whose index is benchIndex (TestMain closes it).
var (
	benchCorpus fixture
	benchIndex  *indexer.Index
)

// BenchmarkCostlyQueries runs the costliest queries found within the limits of a
// request (500 characters, 64 words and phrases, 100 hits) over the bundled corpus
// copied bundleCopies times or, with MUSESEARCH_BENCH_JAPANESE_MB set, over an index
// of that many megabytes of generated Japanese (japaneseCorpus; 10 MB takes a minute
// or two to index). Each query runs for a page of 10 hits, a page of 100 grouped by
// document, and a page of 100 filtered and sorted by date (the most snippets). The
// phrase sub-benchmark runs the phrase matcher alone on 249 "a", without the cap on a
// phrase's length.
func BenchmarkCostlyQueries(b *testing.B) {
	var e *Engine
	if mb, _ := strconv.Atoi(os.Getenv("MUSESEARCH_BENCH_JAPANESE_MB")); mb > 0 {
		dir := b.TempDir()
		japaneseCorpus(b, dir, mb)
		e = openEngine(b, indexer.Config{CorpusDir: dir})
	} else {
		e = copiedEngine(b)
	}
	ctx := context.Background()
	modes := []struct {
		name string
		req  Request
	}{
		{"10", Request{Size: 10}},
		{"100-grouped", Request{Size: 100, GroupByDoc: true}},
		{"100-filtered-by-date", Request{Size: 100, Sort: SortDate, Filters: map[corpus.Facet][]string{
			corpus.Lang: {"ja", "en"}, corpus.Indication: {"als", "stroke"}}}},
	}
	for _, q := range costlyQueries(b) {
		for _, m := range modes {
			b.Run(q.name+"/"+m.name, func(b *testing.B) {
				req := m.req
				req.Query = q.q
				for b.Loop() {
					if _, err := e.Search(ctx, req); err != nil && !errors.Is(err, ErrBadRequest) {
						b.Fatal(err)
					}
				}
			})
		}
	}
	b.Run("phrase-a-x249", func(b *testing.B) {
		p := make(termPattern, 249)
		for i := range p {
			p[i] = []string{"a"}
		}
		for b.Loop() {
			req := bleve.NewSearchRequestOptions(newPhraseQuery("body_std", p), 10, 0, false)
			if _, err := e.ix.Search(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// costlyQueries are the costliest queries found within the limits of a request: long
// phrases of one repeated term (quadratic once), a long run of Japanese, 64 phrases,
// bigrams or concept names OR-ed (every section a candidate, thousands of patterns to
// mark), 64 names AND-ed (concepts named by runs of words), 64 misspelt words (a fuzzy
// retry) and 63 exclusions.
func costlyQueries(b *testing.B) []struct{ name, q string } {
	text := strings.Join(strings.Fields(japaneseText(b)), "")
	runes := []rune(text)
	rng := rand.New(rand.NewPCG(1, 2))
	piece := func(n int) string {
		i := rng.IntN(len(runes) - n)
		return string(runes[i : i+n])
	}
	// join joins n parts made by part, as many as 500 characters hold.
	join := func(n int, sep string, part func() string) string {
		var out string
		for range n {
			next := part()
			if out != "" {
				next = out + sep + next
			}
			if utf8.RuneCountInString(next) > 500 {
				break
			}
			out = next
		}
		return out
	}
	names, jaNames := vocabularyNames(true, corpus.Languages...), vocabularyNames(false, "ja")
	next := func(list []string) func() string {
		i := 0
		return func() string { i++; return list[(i-1)%len(list)] }
	}
	misspelt := func() string {
		w := []byte("mesenchymalstromal"[:8+rng.IntN(10)])
		w[rng.IntN(len(w))] = byte('a' + rng.IntN(26))
		return string(w)
	}
	repeat := func(s string, n int, sep string) string {
		return strings.TrimSuffix(strings.Repeat(s+sep, n), sep)
	}
	return []struct{ name, q string }{
		{"quoted-a-x249", `"` + repeat("a", 249, " ") + `"`},
		{"saibou-x250", repeat("細胞", 250, "")},
		{"the-x124", repeat("the", 124, "-")},
		{"japanese-500", string(runes[100:600])},
		{"phrases-x64-or", join(64, " OR ", func() string { return `"` + piece(5) + `"` })},
		{"bigrams-x64-or", join(64, " OR ", func() string { return piece(2) })},
		{"ja-concepts-x64-or", join(64, " OR ", next(jaNames))},
		{"concepts-x64", join(64, " ", next(names))},
		{"misspelt-x64", join(64, " ", misspelt)},
		{"exclusions-x63", "細胞 " + join(63, " ", func() string { return "-" + piece(3) })},
	}
}

// japaneseText returns the text of the bundled files in Japanese.
func japaneseText(b *testing.B) string {
	files, err := fs.ReadDir(corpus.Bundle, ".")
	if err != nil {
		b.Fatal(err)
	}
	var text strings.Builder
	for _, f := range files {
		data, err := fs.ReadFile(corpus.Bundle, f.Name())
		if err != nil {
			b.Fatal(err)
		}
		if corpus.HasKana(string(data)) {
			text.Write(data)
		}
	}
	return text.String()
}

// japaneseCorpus writes about mb megabytes of Japanese documents into dir: the
// sentences of the bundle's Japanese text recombined at random, a few characters of
// each changed, under headings, so that the terms vary as in a real corpus.
func japaneseCorpus(b *testing.B, dir string, mb int) {
	text := strings.Join(strings.Fields(japaneseText(b)), "")
	var sentences []string
	for _, s := range strings.Split(text, "。") {
		if utf8.RuneCountInString(s) > 8 {
			sentences = append(sentences, s+"。")
		}
	}
	var chars []rune // the Han and katakana of the text
	for _, r := range text {
		if unicode.In(r, unicode.Han, unicode.Katakana) {
			chars = append(chars, r)
		}
	}
	rng := rand.New(rand.NewPCG(42, 1))
	char := func() rune { return chars[rng.IntN(len(chars))] }
	for n, size := 0, 0; size < mb<<20; n++ {
		var doc strings.Builder
		fmt.Fprintf(&doc, "# 研究報告 %d\n", n)
		for sec := range 3 + rng.IntN(6) {
			fmt.Fprintf(&doc, "\n## 第%d節 %c%cの検討\n\n", sec+1, char(), char())
			for range 1 + rng.IntN(3) {
				for range 3 + rng.IntN(6) {
					s := []rune(sentences[rng.IntN(len(sentences))])
					for range rng.IntN(4) {
						s[rng.IntN(len(s))] = char()
					}
					doc.WriteString(string(s))
				}
				doc.WriteString("\n\n")
			}
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("r%04d.md", n)), []byte(doc.String()), 0o644); err != nil {
			b.Fatal(err)
		}
		size += doc.Len()
	}
}

// BenchmarkSuggest completes every prefix of a few queries, as a user typing them
// gets suggestions, over the bundled corpus copied bundleCopies times or, with
// MUSESEARCH_BENCH_CORPUS set, over an index of that corpus directory (one musegen
// writes: go run ./cmd/musegen -sections 10000 -out DIR). Each round starts with no
// term looked up (a new user's prefixes); the titles stay read, as they do until the
// index changes. It reports the median and the 99th percentile of one completion's
// latency, in "reread" the time to read the titles again after a change of the index,
// and in "titles-x10" the search of ten times the corpus's titles alone (the part of
// a completion that grows with the corpus).
func BenchmarkSuggest(b *testing.B) {
	e := benchEngine(b, copiedEngine)
	var prefixes []string
	for _, typed := range []string{"mesenchymal stem cells", "bone marrow", "spinal cord injury", "Muse cells",
		"clinical trial", "臨床試験", "間葉系幹細胞", "脊髄損傷", "临床试验", "干细胞", "骨髓"} {
		runes := []rune(typed)
		for n := 1; n <= len(runes); n++ {
			prefixes = append(prefixes, string(runes[:n]))
		}
	}
	ctx := context.Background()
	view, err := e.suggestions.get(ctx, e.ix)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("typing", func(b *testing.B) {
		var took []time.Duration
		for b.Loop() {
			view.mu.Lock()
			clear(view.counts)
			view.mu.Unlock()
			for _, p := range prefixes {
				start := time.Now()
				if _, err := e.Suggest(ctx, p, "en"); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
		}
		slices.Sort(took)
		b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(len(prefixes)), "prefixes/op")
	})
	b.Run("reread", func(b *testing.B) {
		for b.Loop() {
			e.suggestions.mu.Lock()
			e.suggestions.view = nil
			e.suggestions.mu.Unlock()
			if _, err := e.suggestions.get(ctx, e.ix); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("titles-x10", func(b *testing.B) {
		var titles []docTitle
		for range 10 {
			titles = append(titles, keptTitles(&view.titles)...)
		}
		x := newTitleIndex(titles)
		var took []time.Duration
		for b.Loop() {
			for _, p := range prefixes {
				start := time.Now()
				x.find(suggestKey(p), "en")
				took = append(took, time.Since(start))
			}
		}
		slices.Sort(took)
		b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(len(titles)), "titles")
	})
}

// BenchmarkSuggestView reads what suggestions read of a snapshot of the index: "fresh"
// every title, as the first suggestion after the server starts does, and "added" what
// a small file added (a segment of one document, and the deletion of the file's last
// version) gives to read, as after every change of the index. Over the bundled corpus
// copied bundleCopies times or the corpus MUSESEARCH_BENCH_CORPUS names; "added" leaves
// the file bench-added.txt in that index.
func BenchmarkSuggestView(b *testing.B) {
	e := benchEngine(b, copiedEngine)
	ctx := context.Background()
	view, err := readView(ctx, e.ix, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fresh", func(b *testing.B) {
		began := cputime.Of(b)
		for b.Loop() {
			if _, err := readView(ctx, e.ix, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cputime.Of(b)-began)/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(len(keptTitles(&view.titles))), "titles")
		b.ReportMetric(float64(len(view.titles.parts)), "segments")
	})
	b.Run("added", func(b *testing.B) {
		var cpu time.Duration
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			title := fmt.Sprintf("Muse cells added %d", i)
			doc := corpus.Document{ID: "bench-added", Source: "bench-added.txt", Title: title, Lang: "en",
				Sections: []corpus.Section{{ID: "bench-added#1", Lang: "en", Text: title}}}
			if _, err := e.ix.ReplaceFile(ctx, "bench-added.txt", nil, []corpus.Document{doc}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			began := cputime.Of(b)
			if view, err = readView(ctx, e.ix, view); err != nil {
				b.Fatal(err)
			}
			cpu += cputime.Of(b) - began
		}
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	})
}

// BenchmarkTopSections runs a few queries for a page of ten sections through the
// executor over the index of a generated corpus, MUSESEARCH_BENCH_CORPUS (a directory
// musegen wrote: go run ./cmd/musegen -sections 10000 -out DIR), indexed into
// MUSESEARCH_BENCH_INDEX when set (once: later runs reuse it) or a temporary
// directory. It reports the CPU time of a search, both cores' (cpu-ns/op), and its
// matches.
func BenchmarkTopSections(b *testing.B) {
	e := benchEngine(b, nil)
	ctx := context.Background()
	for _, q := range topSectionsQueries {
		b.Run(q.name, func(b *testing.B) {
			req := Request{Query: q.q, Page: 1, Size: 10}
			resp, err := e.Search(ctx, req)
			if err != nil {
				b.Fatal(err)
			}
			began := cputime.Of(b)
			for b.Loop() {
				if _, err := e.Search(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cputime.Of(b)-began)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(resp.Total), "matches")
		})
	}
}

// BenchmarkPhraseQueries runs the phrase-heavy queries of musebench's mix (every
// Japanese or Chinese word is a phrase of bigrams) over the index of
// MUSESEARCH_BENCH_CORPUS, as benchEngine opens it, for a page of ten, with phrases'
// positions read (positions=): from zap's postings, no tables kept ("zap"); as the
// first search of the query does, no tables kept before it ("first"); as the second
// does, which builds the tables of the terms the first read from zap's postings
// ("second"; its cpu-ns/op leaves out the first search, its ns/op counts it); and
// from the tables kept from earlier searches ("warm", which reports their bytes).
func BenchmarkPhraseQueries(b *testing.B) {
	e := benchEngine(b, nil)
	ctx := context.Background()
	kept := e.sets.positions
	defer func() { e.sets.positions = kept }()
	for _, q := range []struct{ name, q string }{{"phrase", `"spinal cord injury"`}, {"ja", "間葉系幹細胞"}, {"zh", "间充质干细胞"}, {"cross", "脊髄損傷"}} {
		req := Request{Query: q.q, Page: 1, Size: 10}
		search := func() {
			if _, err := e.Search(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
		for _, mode := range []string{"zap", "first", "second", "warm"} {
			b.Run(q.name+"/positions="+mode, func(b *testing.B) {
				e.sets.positions = nil
				if mode == "warm" {
					e.sets.positions = exec.NewPositions()
					search()
					search()
				}
				var cpu time.Duration
				for b.Loop() {
					if mode == "first" || mode == "second" {
						e.sets.positions = exec.NewPositions()
					}
					if mode == "second" {
						search()
					}
					began := cputime.Of(b)
					search()
					cpu += cputime.Of(b) - began
				}
				b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
				if mode == "warm" {
					b.ReportMetric(float64(e.sets.positions.Bytes()), "table-bytes")
				}
			})
		}
	}
}

// topSectionsQueries are the queries of BenchmarkTopSections and BenchmarkScoring.
var topSectionsQueries = []struct{ name, q string }{{"common", "cells"}, {"and3", "Muse stroke trial"}, {"ja", "脊髄損傷"}, {"zh", "干细胞"}}

// BenchmarkScoring runs only the executor's scoring of the sections of the queries
// of BenchmarkTopSections for a page of ten (execQuery.score, on two cores as in a
// search), over the same index: every match scored ("all"), and as the engine
// scores them, leaving out the blocks that cannot make the page or a language's best
// ("pruned"). It reports the CPU time of a scoring, both cores' (cpu-ns/op).
func BenchmarkScoring(b *testing.B) {
	e := benchEngine(b, nil)
	ctx := context.Background()
	for _, q := range topSectionsQueries {
		_, c, err := e.compileQuery(q.q, compileOptions{})
		if err != nil {
			b.Fatal(err)
		}
		sel, err := e.selection(ctx, Request{Query: q.q}, c)
		if err != nil {
			b.Fatal(err)
		}
		for _, mode := range []struct {
			name    string
			minDocs uint64
		}{{"all", math.MaxUint64}, {"pruned", minPruneDocs}} {
			b.Run(q.name+"/"+mode.name, func(b *testing.B) {
				defer func(old uint64) { minPruneDocs = old }(minPruneDocs)
				minPruneDocs = mode.minDocs
				err := onPrepared(ctx, e, sel, func(r index.IndexReader, sets *facetSets, x *exec.Query) error {
					began := cputime.Of(b)
					for b.Loop() {
						col := &collector{cache: e.sets}
						col.start(sets, r)
						if _, err := (&execQuery{c: col, top: 10}).score(ctx, x, x.Matches()); err != nil {
							return err
						}
					}
					b.ReportMetric(float64(cputime.Of(b)-began)/float64(b.N), "cpu-ns/op")
					b.ReportMetric(float64(x.Matches().GetCardinality()), "matches")
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}

// mappedQuery calls f with the snapshot and mapping of the search it is the query
// of, and matches nothing.
type mappedQuery struct {
	f func(context.Context, index.IndexReader, mapping.IndexMapping)
}

func (q mappedQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, _ bsearch.SearcherOptions) (bsearch.Searcher, error) {
	q.f(ctx, r, m)
	return searcher.NewMatchNoneSearcher(r)
}

// onPrepared prepares the executor's query of sel, a selection of e, on the snapshot
// of a search, and calls f with it while the snapshot is open.
func onPrepared(ctx context.Context, e *Engine, sel query.Query, f func(r index.IndexReader, sets *facetSets, x *exec.Query) error) error {
	var err error
	probe := mappedQuery{func(ctx context.Context, r index.IndexReader, m mapping.IndexMapping) {
		sets, serr := e.sets.get(r)
		snap, oerr := segments.Of(r)
		if err = errors.Join(serr, oerr); err != nil {
			return
		}
		env := &planEnv{sets: sets, docs: func(inner query.Query) (*roaring.Bitmap, error) { return matches(ctx, inner, r, m) }}
		plan, ok := planOf(sel, env)
		if !ok || env.err != nil {
			err = fmt.Errorf("no plan of the selection (%v)", env.err)
			return
		}
		x, perr := exec.Prepare(ctx, snap, plan, 0, e.sets.positions)
		if perr != nil {
			err = perr
			return
		}
		err = f(r, sets, x)
	}}
	if _, serr := e.ix.Search(ctx, bleve.NewSearchRequestOptions(probe, 0, 0, false)); serr != nil {
		return serr
	}
	return err
}

// BenchmarkSetCache makes the sets of a snapshot whose segments the cache has read
// before: what the first search of a snapshot after an added file or a merge pays,
// besides reading the new segment. Over the bundled corpus copied bundleCopies times
// or the corpus MUSESEARCH_BENCH_CORPUS names.
func BenchmarkSetCache(b *testing.B) {
	e := benchEngine(b, copiedEngine)
	probe := readerQuery{func(_ context.Context, r index.IndexReader) {
		c := newSetCache()
		sets, err := c.get(r)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			c.snapshot = segments.Snapshot{} // as if r were a new snapshot of the same segments
			if _, err := c.get(r); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(sets.docOf)), "sections")
	}}
	if _, err := e.ix.Search(context.Background(), bleve.NewSearchRequestOptions(probe, 0, 0, false)); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSectionOrders makes the order tables of a snapshot (sectionOrders), what
// the first search sorted by date or without a query of each snapshot pays, over the
// bundled corpus copied bundleCopies times or the corpus MUSESEARCH_BENCH_CORPUS names.
func BenchmarkSectionOrders(b *testing.B) {
	e := benchEngine(b, copiedEngine)
	var sets *facetSets
	probe := readerQuery{func(_ context.Context, r index.IndexReader) {
		var err error
		if sets, err = e.sets.get(r); err != nil {
			b.Fatal(err)
		}
	}}
	if _, err := e.ix.Search(context.Background(), bleve.NewSearchRequestOptions(probe, 0, 0, false)); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		newSectionOrders(sets)
	}
	b.ReportMetric(float64(len(sets.docOf)), "sections")
}
