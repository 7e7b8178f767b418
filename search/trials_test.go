package search

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"musesearch/corpus"
	"musesearch/corpus/trials"
	"musesearch/indexer"
)

func trialIDs(list []trials.Trial) []string {
	ids := []string{}
	for _, t := range list {
		ids = append(ids, t.ID)
	}
	return ids
}

func mustTrials(t *testing.T, e *Engine, req TrialRequest) *TrialResponse {
	t.Helper()
	if req.Size == 0 {
		req.Size = 10
	}
	resp, err := e.Trials(context.Background(), req)
	if err != nil {
		t.Fatalf("Trials(%+v): %v", req, err)
	}
	return resp
}

const (
	reviewDoc   = "000_7296aed5b39c99c6"
	pressDoc    = "003_0b74e965ce623bb2"
	abstractDoc = "004_6bdb0a530be4535a"
)

func TestTrialsBundle(t *testing.T) {
	e := bundleEngine(t)
	for _, tc := range []struct {
		name string
		req  TrialRequest
		want []string
	}{
		{"all, most reported first", TrialRequest{},
			[]string{"NCT04261335", "jRCT2063200047", "JapicCTI-184103", "CL2020/myocardial-infarction",
				"CL2020/epidermolysis-bullosa/phase-1+phase-2", "JRCT1080224764", "jRCT2043210005"}},
		// A trial matches by its passages: the Chinese abstract's 肌萎缩侧索硬化症 too.
		{"ALS", TrialRequest{Query: "ALS"}, []string{"jRCT2063200047"}},
		{"Chinese", TrialRequest{Query: "肌萎缩侧索硬化症"}, []string{"jRCT2063200047"}},
		{"registry id", TrialRequest{Query: "JapicCTI-184103"}, []string{"JapicCTI-184103"}},
		{"filter by the trial's own phase", TrialRequest{Filters: map[corpus.Facet][]string{corpus.Phase: {"phase-1"}}},
			[]string{"NCT04261335", "CL2020/epidermolysis-bullosa/phase-1+phase-2", "JRCT1080224764"}},
		{"filter by a passage's language", TrialRequest{Filters: map[corpus.Facet][]string{corpus.Lang: {"zh"}}}, []string{"jRCT2063200047"}},
		{"by phase", TrialRequest{Sort: TrialSortPhase, Size: 3},
			[]string{"CL2020/epidermolysis-bullosa/phase-1+phase-2", "JapicCTI-184103", "jRCT2063200047"}},
		{"by enrolment", TrialRequest{Sort: TrialSortEnrollment, Size: 3},
			[]string{"JapicCTI-184103", "JRCT1080224764", "NCT04261335"}},
		{"by year", TrialRequest{Sort: TrialSortYear, Size: 2}, []string{"JapicCTI-184103", "jRCT2063200047"}},
		{"second page", TrialRequest{Page: 2, Size: 5}, []string{"JRCT1080224764", "jRCT2043210005"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := mustTrials(t, e, tc.req)
			if diff := cmp.Diff(tc.want, trialIDs(resp.Trials)); diff != "" {
				t.Errorf("trials (-want +got):\n%s", diff)
			}
		})
	}

	als := mustTrials(t, e, TrialRequest{Query: "ALS"})
	if als.Total != 1 {
		t.Fatalf("ALS: total %d, want 1", als.Total)
	}
	got := als.Trials[0]
	var docs, related []string
	for _, d := range got.Documents {
		docs = append(docs, d.ID)
	}
	for _, d := range got.Related {
		related = append(related, d.ID)
	}
	if diff := cmp.Diff([]any{[]string{"phase-2"}, []string{"als"}, []string{"muse"}, []string{reviewDoc, abstractDoc}, []string{pressDoc}},
		[]any{got.Phase, got.Indication, got.CellType, docs, related}); diff != "" {
		t.Errorf("the ALS trial: phase, indication, cell type, documents, related (-want +got):\n%s", diff)
	}

	// Facet counts count trials, each facet without its own filter.
	resp := mustTrials(t, e, TrialRequest{Filters: map[corpus.Facet][]string{corpus.Phase: {"phase-1"}}})
	counts := func(f corpus.Facet) map[string]int {
		out := map[string]int{}
		for _, c := range resp.Facets[f] {
			out[c.Value] = c.Count
		}
		return out
	}
	if diff := cmp.Diff(map[string]int{"phase-1": 3, "phase-2": 3}, counts(corpus.Phase)); diff != "" {
		t.Errorf("phase counts with phase-1 selected (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"epidermolysis-bullosa": 1, "hypoxic-ischemic-encephalopathy": 1, "spinal-cord-injury": 1},
		counts(corpus.Indication)); diff != "" {
		t.Errorf("indication counts with phase-1 selected (-want +got):\n%s", diff)
	}
}

func TestDocumentTrials(t *testing.T) {
	e := bundleEngine(t)
	for doc, want := range map[string][]string{
		abstractDoc: {"jRCT2063200047"},
		// The press release names CL2020's trials in passing: related to each.
		pressDoc: {"NCT04261335", "jRCT2063200047", "JapicCTI-184103", "CL2020/myocardial-infarction",
			"CL2020/epidermolysis-bullosa/phase-1+phase-2", "JRCT1080224764"},
		"001_30820c3bc988c05e": {},
	} {
		list, err := e.DocumentTrials(context.Background(), doc)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, trialIDs(list)); diff != "" {
			t.Errorf("DocumentTrials(%s) (-want +got):\n%s", doc, diff)
		}
	}
}

// TestTrialsFollowTheIndex checks that the trials are those of the index as it is
// now: a file written, replaced and removed shows at once.
func TestTrialsFollowTheIndex(t *testing.T) {
	ctx := context.Background()
	ix, err := indexer.Open(ctx, indexer.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	e, err := New(Config{Index: ix})
	if err != nil {
		t.Fatal(err)
	}
	write := func(text string) {
		t.Helper()
		docs, err := corpus.Parse("new.txt", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ix.ReplaceFile(ctx, "new.txt", []byte(text), docs); err != nil {
			t.Fatal(err)
		}
	}
	check := func(want ...string) {
		t.Helper()
		if diff := cmp.Diff(append([]string{}, want...), trialIDs(mustTrials(t, e, TrialRequest{}).Trials)); diff != "" {
			t.Errorf("trials (-want +got):\n%s", diff)
		}
	}
	check()
	write("A new trial\n\nThe phase 2 trial NCT01234567 gave MSCs to 40 patients with ALS.")
	check("NCT01234567")
	write("A new trial\n\nThe phase 2 trial NCT07654321 gave MSCs to 40 patients with ALS.")
	check("NCT07654321")
	if _, err := ix.RemoveFile(ctx, "new.txt"); err != nil {
		t.Fatal(err)
	}
	check()
}

func TestTrialsBadRequests(t *testing.T) {
	e := bundleEngine(t)
	for _, req := range []TrialRequest{
		{Sort: "date"},
		{Filters: map[corpus.Facet][]string{corpus.Phase: {"phase-9"}}},
		{Size: -1},
		{Query: `"` + strings.Repeat("Muse cells ", 40) + `"`}, // a phrase too long to match
	} {
		if _, err := e.Trials(context.Background(), req); !errors.Is(err, ErrBadRequest) {
			t.Errorf("Trials(%+v): %v, want a bad request", req, err)
		}
	}
}

// BenchmarkTrials answers searches of trials over the bundled corpus: with the trials
// of the index's snapshot read already, and after a change of the index (reload),
// when the mentions of every section that names a trial are read and merged again.
func BenchmarkTrials(b *testing.B) {
	e := bundleEngine(b)
	ctx := context.Background()
	for _, q := range []string{"", "ALS"} {
		b.Run("cached/q="+q, func(b *testing.B) {
			for b.Loop() {
				if _, err := e.Trials(ctx, TrialRequest{Query: q, Page: 1, Size: 10}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("reload", func(b *testing.B) {
		for b.Loop() {
			e.trials.mu.Lock()
			e.trials.loaded = false
			e.trials.mu.Unlock()
			if _, err := e.Trials(ctx, TrialRequest{Page: 1, Size: 10}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestWithoutTrials checks that Request.WithoutTrials keeps exactly the sections
// that report no trial: the sections of a search less the trials' passages.
func TestWithoutTrials(t *testing.T) {
	e := bundleEngine(t)
	ctx := context.Background()
	all, err := e.Search(ctx, Request{Query: "ALS", Size: MaxSize})
	if err != nil {
		t.Fatal(err)
	}
	without, err := e.Search(ctx, Request{Query: "ALS", Size: MaxSize, WithoutTrials: true})
	if err != nil {
		t.Fatal(err)
	}
	reporting := map[string]bool{}
	for _, tr := range mustTrials(t, e, TrialRequest{Size: MaxSize}).Trials {
		for _, p := range tr.Passages {
			reporting[p.ID] = true
		}
	}
	kept := map[string]bool{}
	for _, h := range without.Hits {
		kept[h.ID] = true
		if reporting[h.ID] {
			t.Errorf("section %s reports a trial but is kept", h.ID)
		}
	}
	dropped := 0
	for _, h := range all.Hits {
		if reporting[h.ID] {
			dropped++
		} else if !kept[h.ID] {
			t.Errorf("section %s reports no trial but is dropped", h.ID)
		}
	}
	if dropped == 0 || without.Total >= all.Total || all.Total > len(all.Hits) {
		t.Errorf("ALS: %d sections, %d without trials, %d reporting one: want some dropped", all.Total, without.Total, dropped)
	}
}

// TestTrialsByYear checks that a year range keeps the trials a passage reports in a
// document of those years: counted here from the sections the same range finds.
func TestTrialsByYear(t *testing.T) {
	e := bundleEngine(t)
	every := mustTrials(t, e, TrialRequest{Size: MaxSize}).Trials
	narrowed := 0
	for year := 2010; year <= 2026; year++ {
		sections, err := e.Search(context.Background(), Request{YearFrom: year, YearTo: year, Size: MaxSize})
		if err != nil {
			t.Fatal(err)
		}
		if sections.Total > len(sections.Hits) {
			t.Fatalf("%d: more than %d sections", year, len(sections.Hits))
		}
		in := map[string]bool{}
		for _, h := range sections.Hits {
			in[h.ID] = true
		}
		want := []string{}
		for _, tr := range every {
			if slices.ContainsFunc(tr.Passages, func(p trials.Passage) bool { return in[p.ID] }) {
				want = append(want, tr.ID)
			}
		}
		got := trialIDs(mustTrials(t, e, TrialRequest{YearFrom: year, YearTo: year, Size: MaxSize}).Trials)
		slices.Sort(want)
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("trials of %d (-want +got):\n%s", year, diff)
		}
		if len(got) > 0 && len(got) < len(every) {
			narrowed++
		}
	}
	if narrowed == 0 {
		t.Error("no year keeps some trials and not others: the test shows nothing")
	}
}
