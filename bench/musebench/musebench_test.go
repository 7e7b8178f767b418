package musebench

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"musesearch/corpus"
)

// TestMain lets the test binary stand in for musebench when the benchmark re-runs
// itself as a worker child process.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "worker" {
		if err := runWorker(context.Background(), os.Args[2:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "musebench worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestBenchmarkRuns runs the whole benchmark on a generated corpus, musesearch only,
// and checks the report's shape and the figures that must hold whatever the machine.
func TestBenchmarkRuns(t *testing.T) {
	size := 10000
	if testing.Short() {
		size = 1000
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "bench.json")
	args := []string{"-sizes", fmt.Sprint(size), "-out", out, "-work", filepath.Join(dir, "work"), "-warmup", "1", "-repeat", "3"}
	if err := Run(context.Background(), args, io.Discard, testLog{t}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}

	// The exact shape: these keys and no others.
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("the report is not JSON: %v", err)
	}
	if diff := cmp.Diff([]string{"machine", "sizes"}, keys(raw)); diff != "" {
		t.Errorf("report keys (-want +got):\n%s", diff)
	}
	sizes, _ := raw["sizes"].([]any)
	if len(sizes) != 1 {
		t.Fatalf("want one size, got %v", raw["sizes"])
	}
	sz, _ := sizes[0].(map[string]any)
	if diff := cmp.Diff([]string{"bytes", "sections", "systems"}, keys(sz)); diff != "" {
		t.Errorf("size keys (-want +got):\n%s", diff)
	}
	systems, _ := sz["systems"].(map[string]any)
	if diff := cmp.Diff([]string{musesearchName}, keys(systems)); diff != "" {
		t.Errorf("systems (-want +got):\n%s", diff)
	}
	muse, _ := systems[musesearchName].(map[string]any)
	wantKeys := []string{"add_visible_ms", "index_bytes", "index_parts", "index_s", "mb_per_s", "open_s", "queries", "rss_index_anon_mb", "rss_index_mb", "rss_serve_anon_mb", "rss_serve_mb", "sections_per_s", "suggest"}
	if diff := cmp.Diff(wantKeys, keys(muse)); diff != "" {
		t.Errorf("system keys (-want +got):\n%s", diff)
	}

	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	s := r.Sizes[0]
	if s.Sections < size*9/10 || s.Sections > size*11/10 || s.Bytes <= 0 {
		t.Errorf("corpus of %d sections and %d bytes for a size of %d", s.Sections, s.Bytes, size)
	}
	m := s.Systems[musesearchName]
	for name, v := range map[string]float64{
		"index_s": m.IndexS, "sections_per_s": m.SectionsPerS, "mb_per_s": m.MBPerS, "index_bytes": float64(m.IndexBytes),
		"rss_index_mb": m.RSSIndexMB, "rss_serve_mb": m.RSSServeMB, "rss_index_anon_mb": m.AnonIndexMB,
		"rss_serve_anon_mb": m.AnonServeMB, "open_s": m.OpenS, "add_visible_ms": m.AddVisibleMS,
	} {
		if v <= 0 {
			t.Errorf("%s = %v, want a positive figure", name, v)
		}
	}
	// The parts of the segment files, which are most of the index (with scorch's
	// bolt file).
	var parts int64
	for _, part := range indexPartNames {
		b, ok := m.IndexParts[part]
		if !ok || b < 0 || b == 0 && part != partOther {
			t.Errorf("index part %s: %d bytes (reported: %v)", part, b, ok)
		}
		parts += b
	}
	if parts < m.IndexBytes/2 || parts > m.IndexBytes {
		t.Errorf("the index's parts add up to %d bytes of %d", parts, m.IndexBytes)
	}
	var wantQueries []string
	for _, q := range newWorkload("", nil, 0, 0, exportedSection{}, "", "", "").Queries {
		wantQueries = append(wantQueries, q.Name)
	}
	wantQueries = append(wantQueries, mixName)
	slices.Sort(wantQueries)
	if diff := cmp.Diff(wantQueries, keys(m.Queries)); diff != "" {
		t.Errorf("query names (-want +got):\n%s", diff)
	}
	for name, q := range m.Queries {
		if !(q.P50MS > 0 && q.P50MS <= q.P95MS && q.P95MS <= q.P99MS) {
			t.Errorf("%s: percentiles %v, %v, %v are not positive and ordered", name, q.P50MS, q.P95MS, q.P99MS)
		}
		if q.CPUMS <= 0 {
			t.Errorf("%s: CPU per query %v, want a positive figure", name, q.CPUMS)
		}
	}
	for _, name := range []string{"common", "rare", "and3", "phrase", "japanese", "chinese", "cross"} {
		if m.Queries[name].Hits == 0 {
			t.Errorf("query %s found nothing in the generated corpus", name)
		}
	}
	suggestKeys := []string{"hits", "p50_ms", "p95_ms", "p99_ms"}
	if diff := cmp.Diff(suggestKeys, keys(muse["suggest"].(map[string]any))); diff != "" {
		t.Errorf("suggest keys (-want +got):\n%s", diff)
	}
	if sg := m.Suggest; sg == nil || !(sg.P50MS > 0 && sg.P50MS <= sg.P95MS && sg.P95MS <= sg.P99MS) {
		t.Errorf("suggestion percentiles %+v are not positive and ordered", sg)
	} else if sg.Hits < len(suggestPrefixes()) {
		// Every prefix of a word the corpus holds completes to something, but for
		// a few first letters that may give only titles or none.
		t.Errorf("%d suggestions for %d prefixes", sg.Hits, len(suggestPrefixes()))
	}

	md, err := os.ReadFile(filepath.Join(dir, "bench.md"))
	for _, row := range []string{"| mix p50 (ms) |", "| mix CPU (ms) |", "| suggest p99 (ms) |"} {
		if err != nil || !bytes.Contains(md, []byte(row)) {
			t.Errorf("the tables lack the row %s (err %v):\n%s", row, err, md)
		}
	}
	svg, err := os.ReadFile(filepath.Join(dir, "bench.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(svg, new(struct{ XMLName xml.Name })); err != nil || !bytes.Contains(svg, []byte("<circle")) {
		t.Errorf("the plot is not an SVG with points (err %v)", err)
	}
}

func keys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// testLog sends the benchmark's progress to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

func TestPercentile(t *testing.T) {
	samples := make([]float64, 100)
	for i := range samples {
		samples[i] = float64(i + 1)
	}
	for _, c := range []struct {
		sorted []float64
		p      float64
		want   float64
	}{
		{samples, 50, 50},
		{samples, 95, 95},
		{samples, 99, 99},
		{samples, 100, 100},
		{[]float64{3}, 99, 3},
		{[]float64{1, 2}, 50, 1},
		{[]float64{1, 2}, 51, 2},
		{nil, 50, 0},
	} {
		if got := percentile(c.sorted, c.p); got != c.want {
			t.Errorf("percentile(%d samples, %v) = %v, want %v", len(c.sorted), c.p, got, c.want)
		}
	}
}

// TestSuggestPrefixes checks the suggestion workload: each word typed one character
// at a time, from the first to the whole, in the word's language, in all three.
func TestSuggestPrefixes(t *testing.T) {
	ps := newWorkload("", nil, 1, 2, exportedSection{}, "", "", "").Suggest
	langs := map[string]int{}
	words := 0
	for i, p := range ps {
		langs[p.Lang]++
		if utf8.RuneCountInString(p.Text) == 1 {
			words++
			continue
		}
		if i == 0 {
			t.Fatalf("the first prefix %q is not one character", p.Text)
		}
		prev := ps[i-1]
		if prev.Lang != p.Lang || !strings.HasPrefix(p.Text, prev.Text) || utf8.RuneCountInString(p.Text) != utf8.RuneCountInString(prev.Text)+1 {
			t.Errorf("prefix %d %+v does not follow %+v by one character", i, p, prev)
		}
	}
	if words != len(suggestWords) {
		t.Errorf("%d words begun, want %d", words, len(suggestWords))
	}
	for i, w := range suggestWords {
		if !slices.Contains(ps, w) {
			t.Errorf("word %d, %+v, is never typed whole", i, w)
		}
	}
	for _, l := range corpus.Languages {
		if langs[l] < 10 {
			t.Errorf("%d prefixes in %s, want at least 10", langs[l], l)
		}
	}
}

func TestWorkloadFilters(t *testing.T) {
	for _, c := range []struct {
		name   string
		counts map[corpus.Facet]map[string]int
		want   map[corpus.Facet][]string
	}{
		{
			"most common values",
			map[corpus.Facet]map[string]int{
				corpus.Indication: {"als": 5, "stroke": 9},
				corpus.CellType:   {"msc": 4, "muse": 4},
				corpus.Design:     {"rct": 100},
			},
			map[corpus.Facet][]string{corpus.Indication: {"stroke"}, corpus.CellType: {"msc"}},
		},
		{
			"a facet without values falls back to the language",
			map[corpus.Facet]map[string]int{corpus.Indication: {"als": 1}},
			map[corpus.Facet][]string{corpus.Indication: {"als"}, corpus.Lang: {"en"}},
		},
	} {
		wl := newWorkload("NCT01234567", c.counts, 1, 2, exportedSection{}, "", "", "")
		if len(wl.Queries) != 4*len(baseQueries) {
			t.Fatalf("%s: %d queries", c.name, len(wl.Queries))
		}
		for _, q := range wl.Queries {
			switch {
			case q.Name == "rare" && q.Q != "NCT01234567":
				t.Errorf("%s: the rare query is %q", c.name, q.Q)
			case q.Filters == nil && q.Facets:
				t.Errorf("%s: %s counts facets without filters", c.name, q.Name)
			case (q.Group == groupDoc) != strings.HasSuffix(q.Name, "+doc"):
				t.Errorf("%s: %s has group %q", c.name, q.Name, q.Group)
			case q.Filters != nil:
				if diff := cmp.Diff(c.want, q.Filters); diff != "" {
					t.Errorf("%s: %s filters (-want +got):\n%s", c.name, q.Name, diff)
				}
			}
		}
	}
}

// TestMerge combines a musesearch-only run of two sizes with a later peers run of one
// of them: sizes in order, systems of one size together, lines drawn across sizes, and
// the machine (and its load) of each run named.
func TestMerge(t *testing.T) {
	dir := t.TempDir()
	fig := func(p50 float64) SystemResult {
		return SystemResult{IndexS: 1, SectionsPerS: 1000 / p50, Queries: map[string]QueryResult{mixName: {P50MS: p50, P95MS: 2 * p50, P99MS: 3 * p50}}}
	}
	first := Report{Machine: "m1", Sizes: []SizeResult{
		{Sections: 100000, Bytes: 10, Systems: map[string]SystemResult{musesearchName: fig(5)}},
		{Sections: 10000, Bytes: 1, Systems: map[string]SystemResult{musesearchName: fig(2)}},
	}}
	second := Report{Machine: "m2", Sizes: []SizeResult{
		{Sections: 10000, Bytes: 1, Systems: map[string]SystemResult{"lucene": fig(1)}},
	}}
	var files []string
	for i, r := range []Report{first, second} {
		f := filepath.Join(dir, fmt.Sprintf("r%d.json", i))
		if err := writeJSON(f, r); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	out := filepath.Join(dir, "merged.json")
	if err := Run(context.Background(), []string{"-from", files[0] + "," + files[1], "-out", out}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var got Report
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	want := Report{Machine: "m1; m2", Sizes: []SizeResult{
		{Sections: 10000, Bytes: 1, Systems: map[string]SystemResult{musesearchName: fig(2), "lucene": fig(1)}},
		{Sections: 100000, Bytes: 10, Systems: map[string]SystemResult{musesearchName: fig(5)}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged report (-want +got):\n%s", diff)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "merged.md"))
	if !bytes.Contains(md, []byte("| mix p50 (ms) | 2 | 1 | 2.00 |")) {
		t.Errorf("the 10k table lacks musesearch, lucene and their ratio:\n%s", md)
	}
	svg, _ := os.ReadFile(filepath.Join(dir, "merged.svg"))
	if n := bytes.Count(svg, []byte("<polyline")); n != 3 {
		t.Errorf("the plot has %d lines, want musesearch's p50, p99 and throughput across the two sizes", n)
	}
}

// TestChildPeakRSS checks that a child's peak memory is its own, not that of the
// process it was forked from: the test binary grows well past what the child (sleep)
// ever uses before starting it.
func TestChildPeakRSS(t *testing.T) {
	ballast := make([]byte, 300<<20)
	for i := range ballast {
		ballast[i] = 1
	}
	var out struct{}
	mem, err := runChild(context.Background(), []string{"sh", "-c", "sleep 0.3; echo {}"}, &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if mem.peakMB <= 0 || mem.peakMB > 100 {
		t.Errorf("peak RSS of sh: %.1f MB, want between 0 and 100 (the parent holds 300)", mem.peakMB)
	}
	if mem.anonMB <= 0 || mem.anonMB > mem.peakMB {
		t.Errorf("peak anonymous RSS of sh: %.1f MB, want above 0 and at most its peak RSS, %.1f MB", mem.anonMB, mem.peakMB)
	}
	runtime.KeepAlive(ballast)
}
