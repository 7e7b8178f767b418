package library

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"musesearch/search"
)

// fluxDocument is version v of a document whose every section holds "fluxmarker":
// a search for it must always count the sections of exactly one version.
func fluxDocument(v int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Flux study, version %d\n\n", v)
	for _, heading := range []string{"Methods", "Results", "Safety"} {
		fmt.Fprintf(&b, "## %s\n\n", heading)
		for i := range 12 {
			fmt.Fprintf(&b, "In version %d, paragraph %d of %s reports fluxmarker findings on mesenchymal stem cells given to patients after stroke, with follow-up at twelve months. ", v, i, heading)
		}
		b.WriteString("\n\n")
	}
	return b.String()
}

// TestSearchesNeverFailDuringWrites runs searches in parallel with uploads, replaces,
// deletes, syncs and a full rebuild: every search must succeed and see one whole
// version of the document being replaced, never both or neither. Run it with -race.
func TestSearchesNeverFailDuringWrites(t *testing.T) {
	files := map[string]string{"flux.md": fluxDocument(0)}
	for k, v := range seedCorpus {
		files[k] = v
	}
	lib, _ := open(t, newCorpus(t, files), "", 0)
	ctx := context.Background()
	res, err := lib.Add(ctx, "flux.md", strings.NewReader(fluxDocument(1)))
	if err != nil {
		t.Fatal(err)
	}
	sections := res.Sections
	if sections < 2 {
		t.Fatalf("the flux document has %d sections; the test needs several", sections)
	}
	engine, err := search.New(search.Config{Index: lib.Index(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}

	stop := make(chan struct{})
	var searches, failed atomic.Int64
	var wg sync.WaitGroup
	for _, q := range []string{"fluxmarker", "Muse stroke", "幹細胞", ""} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := engine.Search(ctx, search.Request{Query: q, Page: 1, Size: 10, Sort: search.SortRelevance})
				searches.Add(1)
				switch {
				case err != nil:
					failed.Add(1)
					t.Errorf("search %q: %v", q, err)
				case q == "fluxmarker" && resp.Total != sections:
					failed.Add(1)
					t.Errorf("search %q: %d hits, want the %d sections of one version", q, resp.Total, sections)
				}
			}
		}()
	}

	for i := range 12 {
		if _, err := lib.Add(ctx, "flux.md", strings.NewReader(fluxDocument(i+2))); err != nil {
			t.Errorf("replace: %v", err)
		}
		name := fmt.Sprintf("extra-%d.txt", i)
		if _, err := lib.Add(ctx, name, strings.NewReader("Muse cells in stroke, upload "+name+".\n")); err != nil {
			t.Errorf("add: %v", err)
		}
		if i%2 == 0 {
			if _, err := lib.Delete(ctx, strings.TrimSuffix(name, ".txt")); err != nil {
				t.Errorf("delete: %v", err)
			}
		}
		switch i {
		case 4:
			if _, err := lib.Reindex(ctx); err != nil {
				t.Errorf("reindex: %v", err)
			}
		case 8:
			if _, err := lib.Index().Rebuild(ctx, lib.CorpusDir(), nil); err != nil {
				t.Errorf("rebuild: %v", err)
			}
		}
	}
	close(stop)
	wg.Wait()
	if failed.Load() > 0 || searches.Load() == 0 {
		t.Errorf("%d of %d searches failed", failed.Load(), searches.Load())
	}
	t.Logf("%d searches during the writes", searches.Load())
}
