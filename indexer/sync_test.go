package indexer

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/google/go-cmp/cmp"

	"musesearch/corpus"
	"musesearch/internal/segments"
)

// paragraphParser is a stand-in for corpus.Parse that these tests control: one
// document per file, one English section per paragraph; "BROKEN" fails to parse.
func paragraphParser(name string, data []byte) ([]corpus.Document, error) {
	if bytes.Contains(data, []byte("BROKEN")) {
		return nil, &corpus.FileError{Name: name, Err: corpus.ErrNotText}
	}
	id := strings.TrimSuffix(name, filepath.Ext(name))
	doc := corpus.Document{ID: id, Source: name, Title: id, Lang: "en"}
	for i, p := range strings.Split(strings.TrimSpace(string(data)), "\n\n") {
		doc.Sections = append(doc.Sections, corpus.Section{
			ID: fmt.Sprintf("%s#%d", id, i+1), Text: p, Lang: "en", Facets: corpus.Facets{},
		})
	}
	return []corpus.Document{doc}, nil
}

func testConfig(t testing.TB, dir string) Config {
	return Config{Dir: dir, Parse: paragraphParser, Owner: "the test", LockedHint: "wait for it"}
}

// openTemp opens a new on-disk index in a temporary directory, with paragraphParser.
func openTemp(t *testing.T) *Index {
	t.Helper()
	ix, err := Open(context.Background(), testConfig(t, filepath.Join(t.TempDir(), "index")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// find returns the ids of the sections whose body matches text.
func find(t *testing.T, ix *Index, text string) []string { return matchIDs(t, ix, "body_std", text) }

func TestSync(t *testing.T) {
	ctx := context.Background()
	corpusDir := t.TempDir()
	ix := openTemp(t)
	ignore := cmp.Options{cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Duration" }, cmp.Ignore())}
	steps := []struct {
		name   string
		change func()
		want   Summary
		found  map[string][]string // query → section ids
	}{
		{
			name: "first sync indexes every corpus file",
			change: func() {
				writeFiles(t, corpusDir, map[string]string{
					"a.txt": "alpha one\n\nalpha two", "b.md": "bravo", ".hidden.txt": "hidden",
					"notes.docx": "docx", "draft.txt~": "draft",
				})
			},
			want: Summary{Files: 2, Documents: 2, Sections: 3, Added: 2, Skipped: []Skipped{
				{"draft.txt~", reason(corpus.ValidName("draft.txt~"))},
				{"notes.docx", reason(corpus.ValidName("notes.docx"))},
			}},
			found: map[string][]string{"alpha": {"a#1", "a#2"}, "bravo": {"b#1"}, "hidden": nil},
		},
		{
			name:   "a file whose document id another file has is skipped",
			change: func() { writeFiles(t, corpusDir, map[string]string{"b.txt": "bravo copy"}) },
			want: Summary{Files: 2, Documents: 2, Sections: 3, Unchanged: 2, Skipped: []Skipped{
				{"draft.txt~", reason(corpus.ValidName("draft.txt~"))},
				{"notes.docx", reason(corpus.ValidName("notes.docx"))},
				{"b.txt", `document id "b" is already used by b.md; rename one of the files`},
			}},
			found: map[string][]string{"copy": nil},
		},
		{
			name: "a second sync over the same corpus re-indexes nothing",
			change: func() {
				os.Remove(filepath.Join(corpusDir, "draft.txt~"))
				os.Remove(filepath.Join(corpusDir, "b.txt"))
			},
			want: Summary{Files: 2, Documents: 2, Sections: 3, Unchanged: 2, Skipped: []Skipped{{"notes.docx", reason(corpus.ValidName("notes.docx"))}}},
		},
		{
			name: "a touched file with the same content is unchanged",
			change: func() {
				later := time.Now().Add(time.Hour)
				os.Chtimes(filepath.Join(corpusDir, "a.txt"), later, later)
				os.Remove(filepath.Join(corpusDir, "notes.docx"))
			},
			want: Summary{Files: 2, Documents: 2, Sections: 3, Unchanged: 2},
		},
		{
			name:   "a changed file replaces its sections",
			change: func() { writeFiles(t, corpusDir, map[string]string{"a.txt": "alpha three"}) },
			want:   Summary{Files: 2, Documents: 2, Sections: 2, Updated: 1, Unchanged: 1},
			found:  map[string][]string{"alpha": {"a#1"}, "three": {"a#1"}, "two": nil},
		},
		{
			name:   "a removed file's sections go",
			change: func() { os.Remove(filepath.Join(corpusDir, "b.md")) },
			want:   Summary{Files: 1, Documents: 1, Sections: 1, Removed: 1, Unchanged: 1},
			found:  map[string][]string{"bravo": nil, "alpha": {"a#1"}},
		},
		{
			name:   "a file that no longer parses is skipped and its sections go",
			change: func() { writeFiles(t, corpusDir, map[string]string{"a.txt": "BROKEN"}) },
			want:   Summary{Removed: 1, Skipped: []Skipped{{"a.txt", corpus.ErrNotText.Error()}}},
			found:  map[string][]string{"alpha": nil},
		},
	}
	for _, step := range steps {
		step.change()
		got, err := ix.Sync(ctx, corpusDir, nil)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if diff := cmp.Diff(step.want, got, ignore); diff != "" {
			t.Errorf("%s: summary (-want +got):\n%s", step.name, diff)
		}
		for q, want := range step.found {
			if diff := cmp.Diff(want, find(t, ix, q), sortStrings); diff != "" {
				t.Errorf("%s: %q finds (-want +got):\n%s", step.name, q, diff)
			}
		}
	}
}

// TestRebuildOrder rebuilds a corpus of more files than are read ahead of the writer,
// where every tenth document id is taken twice: the summary and the winner of each
// clash follow the order of the files, as if they were read one by one.
func TestRebuildOrder(t *testing.T) {
	corpusDir := t.TempDir()
	var want Summary
	files := map[string]string{}
	for i := range 3 * readAheadFiles {
		files[fmt.Sprintf("f%04d.txt", i)] = fmt.Sprintf("file%d text\n\nfile%d more", i, i)
		want.Files++
		want.Added++
		want.Documents++
		want.Sections += 2
		if i%10 == 0 {
			files[fmt.Sprintf("f%04d.txt~", i)] = "backup"
			// "f0000.md" sorts before "f0000.txt": the Markdown file has the id.
			files[fmt.Sprintf("f%04d.md", i)] = fmt.Sprintf("file%d markdown", i)
			want.Sections--
			want.Skipped = append(want.Skipped, Skipped{fmt.Sprintf("f%04d.txt~", i), reason(corpus.ValidName("f.txt~"))})
		}
	}
	for i := 0; i < 3*readAheadFiles; i += 10 {
		want.Skipped = append(want.Skipped, Skipped{fmt.Sprintf("f%04d.txt", i),
			fmt.Sprintf("document id %q is already used by f%04d.md; rename one of the files", fmt.Sprintf("f%04d", i), i)})
	}
	writeFiles(t, corpusDir, files)
	ix := openTemp(t)
	got, err := ix.Rebuild(context.Background(), corpusDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	ignore := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Duration" }, cmp.Ignore())
	if diff := cmp.Diff(want, got, ignore); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"f0010#1"}, find(t, ix, "file10"), sortStrings); diff != "" {
		t.Errorf("file10 finds (-want +got):\n%s", diff)
	}
}

// countVersions counts, in one search, the sections that hold "old" or "new" by their first
// word: the version of the file they belong to.
func countVersions(ix *Index) (map[string]int, error) {
	q := query.NewMatchQuery("old new")
	q.SetField("body_std")
	req := bleve.NewSearchRequestOptions(q, 100, 0, false)
	req.Fields = []string{FieldText}
	res, err := ix.Search(context.Background(), req)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, h := range res.Hits {
		text, _ := h.Fields[FieldText].(string)
		counts[strings.Fields(text)[0]]++
	}
	return counts, nil
}

func TestReplaceFileIsAtomic(t *testing.T) {
	ctx := context.Background()
	ix := openTemp(t)
	versions := []string{"old one\n\nold two\n\nold three", "new one\n\nnew two"}
	if _, err := ix.ReplaceFile(ctx, "f.txt", []byte(versions[0]), mustParse(t, "f.txt", versions[0])); err != nil {
		t.Fatal(err)
	}
	stop := searchWhile(t, func() string {
		// Every search sees one whole version: the 3 old sections or the 2 new ones.
		counts, err := countVersions(ix)
		if err != nil {
			return err.Error()
		}
		if !cmp.Equal(counts, map[string]int{"old": 3}) && !cmp.Equal(counts, map[string]int{"new": 2}) {
			return fmt.Sprintf("a search saw %v sections of each version", counts)
		}
		return ""
	})
	parsed := [][]corpus.Document{mustParse(t, "f.txt", versions[0]), mustParse(t, "f.txt", versions[1])}
	for i := 1; i <= 40; i++ {
		res, err := ix.ReplaceFile(ctx, "f.txt", []byte(versions[i%2]), parsed[i%2])
		if err != nil {
			t.Fatal(err)
		}
		if want := 3 - i%2; res.Sections != want || !cmp.Equal(res.DocIDs, []string{"f"}) {
			t.Fatalf("ReplaceFile = %+v, want %d sections of document f", res, want)
		}
	}
	stop()
	if got := find(t, ix, "old"); len(got) != 3 {
		t.Errorf("after the last replacement old finds %v, want 3 sections", got)
	}
	if got := find(t, ix, "new"); len(got) != 0 {
		t.Errorf("after the last replacement new finds %v, want nothing", got)
	}
	if _, err := ix.ReplaceFile(ctx, "../x.txt", []byte("x"), mustParse(t, "x.txt", "x")); err == nil {
		t.Error("ReplaceFile accepted a path as a name")
	}
	if got := find(t, ix, "old"); len(got) != 3 {
		t.Errorf("a refused replacement changed the index: old finds %v", got)
	}
	n, err := ix.RemoveFile(ctx, "f.txt")
	if err != nil || n != 3 {
		t.Errorf("RemoveFile = %d, %v; want 3 sections removed", n, err)
	}
	if got := find(t, ix, "old"); len(got) != 0 {
		t.Errorf("after RemoveFile old finds %v", got)
	}
	if files, _ := ix.Files(); len(files) != 0 {
		t.Errorf("after RemoveFile the index still lists %v", files)
	}
}

func TestSecondWriterFailsFast(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(ctx, testConfig(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	start := time.Now()
	_, err = Open(ctx, testConfig(t, dir))
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	want := fmt.Sprintf("index %s is locked by the test (pid %d); wait for it", dir, os.Getpid())
	if err.Error() != want {
		t.Errorf("second Open says %q, want %q", err, want)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("second Open took %v to fail", d)
	}
	ix.Close()
	ix2, err := Open(ctx, testConfig(t, dir))
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	ix2.Close()
}

func TestOpenRebuildsAnUnusableIndex(t *testing.T) {
	ctx := context.Background()
	corpusDir := t.TempDir()
	writeFiles(t, corpusDir, map[string]string{"a.txt": "alpha"})
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
		reason string
	}{
		{"another schema version", func(t *testing.T, dir string) {
			bi, err := bleve.Open(filepath.Join(dir, "bleve-1"))
			if err != nil {
				t.Fatal(err)
			}
			bi.SetInternal([]byte(keySchema), []byte("musesearch-index-0"))
			bi.Close()
		}, "schema"},
		{"a damaged index", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "bleve-1", "index_meta.json"), []byte("{garbage"), 0o644)
		}, "cannot be opened"},
		{"a damaged segment", func(t *testing.T, dir string) { damageSegments(t, dir) }, "cannot be opened"},
		{"a missing index", func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, "bleve-1"))
		}, "cannot be opened"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			cfg := testConfig(t, dir)
			cfg.CorpusDir = corpusDir
			ix, err := Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			ix.Close()
			tt.damage(t, dir)

			var log bytes.Buffer
			cfg.Logger = slog.New(slog.NewTextHandler(&log, nil))
			ix, err = Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			if lines := strings.Count(log.String(), "\n"); lines != 1 || !strings.Contains(log.String(), "rebuilding") || !strings.Contains(log.String(), tt.reason) {
				t.Errorf("log = %q, want one line saying it rebuilds because of %s", log.String(), tt.reason)
			}
			if got := find(t, ix, "alpha"); !cmp.Equal(got, []string{"a#1"}) {
				t.Errorf("rebuilt index finds %v, want [a#1]", got)
			}
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			current, _ := os.ReadFile(filepath.Join(dir, "CURRENT"))
			if want := []string{"CURRENT", "LOCK", strings.TrimSpace(string(current))}; !cmp.Equal(names, want) {
				t.Errorf("index directory holds %v, want %v", names, want)
			}
		})
	}
}

func TestRebuildKeepsServing(t *testing.T) {
	ctx := context.Background()
	corpusDir := t.TempDir()
	writeFiles(t, corpusDir, map[string]string{"a.txt": "alpha", "b.txt": "bravo"})
	ix := openTemp(t)
	if _, err := ix.Sync(ctx, corpusDir, nil); err != nil {
		t.Fatal(err)
	}
	stop := searchWhile(t, func() string {
		if got := find(t, ix, "alpha"); len(got) != 1 {
			return fmt.Sprintf("during a rebuild alpha finds %v", got)
		}
		return ""
	})
	var progress []Progress
	sum, err := ix.Rebuild(ctx, corpusDir, func(p Progress) { progress = append(progress, p) })
	stop()
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added != 2 || sum.Sections != 2 {
		t.Errorf("Rebuild = %+v, want 2 files added", sum)
	}
	want := []Progress{{0, 2, "", ""}, {1, 2, "a.txt", FileAdded}, {2, 2, "b.txt", FileAdded}}
	if !cmp.Equal(progress, want) {
		t.Errorf("progress = %v, want %v", progress, want)
	}
}

// searchWhile runs check in a loop in another goroutine until the returned stop is
// called; check returns an error message to stop early and fail.
func searchWhile(t *testing.T, check func() string) (stop func()) {
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			if msg := check(); msg != "" {
				t.Error(msg)
				return
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// TestSyncSeesARacyRewrite rewrites a file just after a sync with content of the same
// size and the same modification time (as a file system with coarse time stamps
// gives): the next sync must still see the change.
func TestSyncSeesARacyRewrite(t *testing.T) {
	ctx := context.Background()
	corpusDir := t.TempDir()
	ix := openTemp(t)
	path := filepath.Join(corpusDir, "a.txt")
	writeFiles(t, corpusDir, map[string]string{"a.txt": "alpha"})
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Sync(ctx, corpusDir, nil); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, corpusDir, map[string]string{"a.txt": "bravo"})
	os.Chtimes(path, info.ModTime(), info.ModTime())
	sum, err := ix.Sync(ctx, corpusDir, nil)
	if err != nil || sum.Updated != 1 {
		t.Fatalf("Sync after a same-size rewrite = %+v, %v; want 1 file updated", sum, err)
	}
	if got := find(t, ix, "bravo"); !cmp.Equal(got, []string{"a#1"}) {
		t.Errorf("bravo finds %v", got)
	}
}

// TestSyncRepairsAnInconsistentIndex loses a section behind the indexer's back: the
// next sync notices and rebuilds.
// openSynced opens a new on-disk index that logs into the buffer it returns, and syncs
// a new corpus directory of files into it.
func openSynced(t *testing.T, files map[string]string) (*Index, string, *bytes.Buffer) {
	t.Helper()
	corpusDir := t.TempDir()
	writeFiles(t, corpusDir, files)
	var log bytes.Buffer
	cfg := testConfig(t, filepath.Join(t.TempDir(), "index"))
	cfg.Logger = slog.New(slog.NewTextHandler(&log, nil))
	ix, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.Sync(context.Background(), corpusDir, nil); err != nil {
		t.Fatal(err)
	}
	return ix, corpusDir, &log
}

func TestSyncRepairsAnInconsistentIndex(t *testing.T) {
	ctx := context.Background()
	ix, corpusDir, log := openSynced(t, map[string]string{"a.txt": "alpha\n\nalpha again", "b.txt": "bravo"})
	if err := ix.bi.Delete("a#2"); err != nil {
		t.Fatal(err)
	}
	sum, err := ix.Sync(ctx, corpusDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added != 2 || sum.Sections != 3 {
		t.Errorf("Sync of an inconsistent index = %+v, want a rebuild of 2 files, 3 sections", sum)
	}
	if got := find(t, ix, "again"); !cmp.Equal(got, []string{"a#2"}) {
		t.Errorf("after the repair again finds %v", got)
	}
	if !strings.Contains(log.String(), "holds 2 sections where the records of its files list 3") || strings.Count(log.String(), "\n") != 1 {
		t.Errorf("log = %q, want one line saying why the index is rebuilt", log.String())
	}
}

// TestReadWindow checks the bounds of reading ahead: a file that does not fit waits
// until the writer takes an earlier one, a file larger than the budget goes alone, and
// stopping releases a waiting reader.
func TestReadWindow(t *testing.T) {
	rw := &readWindow{}
	rw.changed.L = &rw.mu
	entered := func(size int64) <-chan bool {
		c := make(chan bool, 1)
		go func() { c <- rw.enter(size) }()
		return c
	}
	waits := func(c <-chan bool) bool {
		select {
		case <-c:
			return false
		case <-time.After(50 * time.Millisecond):
			return true
		}
	}
	if !<-entered(2 * readAheadBytes) {
		t.Fatal("a large file does not enter an empty window")
	}
	small := entered(1)
	if !waits(small) {
		t.Fatal("a file entered beside one larger than the budget")
	}
	rw.leave(2*readAheadBytes, 0)
	if !<-small {
		t.Fatal("a file did not enter once the window emptied")
	}
	for range readAheadFiles - 1 {
		if !<-entered(1) {
			t.Fatal("a file did not enter a window with room")
		}
	}
	late := entered(1)
	if !waits(late) {
		t.Fatalf("file %d entered a window of %d", readAheadFiles+1, readAheadFiles)
	}
	rw.stop()
	if <-late {
		t.Error("enter reported true after stop")
	}
}

// TestCloseWritesTheLastChanges checks that single-file changes, which return before
// they are on disk, are on disk once Close returns: a reopened index has them without
// a sync.
func TestCloseWritesTheLastChanges(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(ctx, testConfig(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if _, err := ix.ReplaceFile(ctx, fmt.Sprintf("f%02d.txt", i), []byte(fmt.Sprintf("word%d", i)), mustParse(t, fmt.Sprintf("f%02d.txt", i), fmt.Sprintf("word%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ix.RemoveFile(ctx, "f03.txt"); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(ctx, testConfig(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	files, err := ix.Files()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 19 || slices.Contains(files, "f03.txt") {
		t.Errorf("reopened index has files %v, want f00-f19 but f03", files)
	}
	if got := find(t, ix, "word19"); !cmp.Equal(got, []string{"f19#1"}) {
		t.Errorf("reopened index finds %v for the last file's word, want [f19#1]", got)
	}
}

// TestRecordsOfOneGroup checks files whose records share a group (records.go): changing,
// removing or skipping one leaves the others' records as they were.
func TestRecordsOfOneGroup(t *testing.T) {
	ctx := context.Background()
	var names []string
	for i := 0; len(names) < 4; i++ {
		if name := fmt.Sprintf("f%d.txt", i); groupKey(name) == groupKey("f0.txt") {
			names = append(names, name)
		}
	}
	corpusDir := t.TempDir()
	files := map[string]string{}
	for i, name := range names {
		files[name] = fmt.Sprintf("word%d", i)
	}
	writeFiles(t, corpusDir, files)
	ix := openTemp(t)
	if sum, err := ix.Sync(ctx, corpusDir, nil); err != nil || sum.Added != 4 {
		t.Fatalf("first sync = %+v, %v; want 4 files added", sum, err)
	}
	writeFiles(t, corpusDir, map[string]string{names[0]: "word0 changed", names[1]: "BROKEN"})
	os.Remove(filepath.Join(corpusDir, names[2]))
	sum, err := ix.Sync(ctx, corpusDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Updated != 1 || sum.Removed != 2 || sum.Unchanged != 1 || sum.Sections != 2 {
		t.Errorf("second sync = %+v, want 1 updated, 2 removed (one of them skipped), 1 unchanged, 2 sections", sum)
	}
	if got, want := mustFiles(t, ix), []string{names[0], names[3]}; !cmp.Equal(got, want) {
		t.Errorf("Files() = %v, want %v", got, want)
	}
	for q, want := range map[string][]string{"changed": {idOf(names[0])}, "word1": nil, "word2": nil, "word3": {idOf(names[3])}} {
		if got := find(t, ix, q); !cmp.Equal(got, want, sortStrings) {
			t.Errorf("%q finds %v, want %v", q, got, want)
		}
	}
	if sum, err := ix.Sync(ctx, corpusDir, nil); err != nil || sum.Unchanged != 2 || sum.Added+sum.Updated+sum.Removed != 0 {
		t.Errorf("third sync = %+v, %v; want 2 files unchanged and nothing else", sum, err)
	}
}

// TestInterruptedFirstSync stops a sync into an empty index after its first batch, which
// commits sections but not yet their records: the next sync still leaves the index
// exactly as the corpus, whether or not the file of those sections is still there.
func TestInterruptedFirstSync(t *testing.T) {
	for _, removed := range []bool{false, true} {
		t.Run(fmt.Sprintf("removed=%v", removed), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			corpusDir := t.TempDir()
			paragraphs := make([]string, maxBatchSections)
			for i := range paragraphs {
				paragraphs[i] = fmt.Sprintf("big paragraph %d", i)
			}
			writeFiles(t, corpusDir, map[string]string{"a.txt": strings.Join(paragraphs, "\n\n"), "b.txt": "bravo"})
			ix := openTemp(t)
			_, err := ix.Sync(ctx, corpusDir, func(p Progress) {
				if p.Name == "a.txt" {
					cancel() // a.txt filled the first batch, which is committed
				}
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted sync: %v, want context.Canceled", err)
			}
			if n, _ := ix.DocCount(); n != maxBatchSections {
				t.Fatalf("the interrupted sync committed %d sections, want the first batch's %d", n, maxBatchSections)
			}
			want := Summary{Files: 2, Documents: 2, Sections: maxBatchSections + 1, Added: 2}
			if removed {
				os.Remove(filepath.Join(corpusDir, "a.txt"))
				want = Summary{Files: 1, Documents: 1, Sections: 1, Added: 1}
			}
			got, err := ix.Sync(context.Background(), corpusDir, nil)
			if err != nil {
				t.Fatal(err)
			}
			got.Duration = 0
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("next sync (-want +got):\n%s", diff)
			}
			if n, _ := ix.DocCount(); n != uint64(want.Sections) {
				t.Errorf("the index holds %d sections, want %d", n, want.Sections)
			}
		})
	}
}

func mustFiles(t *testing.T, ix *Index) []string {
	t.Helper()
	names, err := ix.Files()
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func idOf(name string) string { return strings.TrimSuffix(name, filepath.Ext(name)) + "#1" }

// mustParse returns the documents of corpus file name with content text, as the test
// indexes parse them (paragraphParser).
func mustParse(t testing.TB, name, text string) []corpus.Document {
	t.Helper()
	docs, err := paragraphParser(name, []byte(text))
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return docs
}

// TestSyncLeavesOutUnusableNames: files whose names are not UTF-8 or hold control
// characters are skipped, every time, rather than indexed under a name their record
// cannot keep (JSON replaces bytes that are not UTF-8), which made every later sync
// remove and add them again.
func TestSyncLeavesOutUnusableNames(t *testing.T) {
	ctx := context.Background()
	corpusDir := t.TempDir()
	bad := []string{"caf\xe9.txt", "evil\u202etxt.md"}
	writeFiles(t, corpusDir, map[string]string{"good.txt": "alpha", bad[0]: "bravo", bad[1]: "charlie"})
	ix := openTemp(t)
	var skipped []Skipped
	for _, name := range bad {
		err := corpus.ValidName(name)
		if err == nil {
			t.Fatalf("ValidName(%q) accepts it", name)
		}
		skipped = append(skipped, Skipped{name, reason(err)})
	}
	slices.SortFunc(skipped, func(a, b Skipped) int { return strings.Compare(a.Name, b.Name) })
	ignore := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Duration" }, cmp.Ignore())
	for i, want := range []Summary{
		{Files: 1, Documents: 1, Sections: 1, Added: 1, Skipped: skipped},
		{Files: 1, Documents: 1, Sections: 1, Unchanged: 1, Skipped: skipped},
	} {
		got, err := ix.Sync(ctx, corpusDir, nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, ignore); diff != "" {
			t.Errorf("sync %d: summary (-want +got):\n%s", i+1, diff)
		}
	}
	if got := find(t, ix, "bravo charlie"); len(got) != 0 {
		t.Errorf("the files of unusable names are found: %v", got)
	}
}

// bigFile is a file of n paragraphs of about 100 bytes, each with the word.
func bigFile(word string, n int) string {
	paragraphs := make([]string, n)
	for i := range paragraphs {
		paragraphs[i] = fmt.Sprintf("%s paragraph %d %s", word, i+1, strings.Repeat("filler ", 12))
	}
	return strings.Join(paragraphs, "\n\n")
}

// batches returns how many batches scorch has applied to the index.
func batches(t *testing.T, ix *Index) uint64 {
	t.Helper()
	stats, _ := ix.bi.StatsMap()["index"].(map[string]interface{})
	n, ok := stats["TotBatches"].(uint64)
	if !ok {
		t.Fatalf("bleve's stats have no TotBatches: %v", stats)
	}
	return n
}

// TestLargeFileIsIndexedInParts: a file of more than maxPartBytes of text goes to the
// index in several batches, and a search meanwhile sees the old content whole or the
// beginning of the new one, never some of both.
func TestLargeFileIsIndexedInParts(t *testing.T) {
	defer func(n int) { maxPartBytes = n }(maxPartBytes)
	maxPartBytes = 1000
	ctx := context.Background()
	ix := openTemp(t)
	if _, err := ix.ReplaceFile(ctx, "f.txt", []byte(bigFile("old", 3)), mustParse(t, "f.txt", bigFile("old", 3))); err != nil {
		t.Fatal(err)
	}
	stop := searchWhile(t, func() string {
		counts, err := countVersions(ix)
		if err != nil {
			return err.Error()
		}
		if counts["old"] != 0 && (counts["old"] != 3 || counts["new"] != 0) || counts["old"] == 0 && counts["new"] == 0 {
			return fmt.Sprintf("a search saw %v sections of each version", counts)
		}
		return ""
	})
	before := batches(t, ix)
	res, err := ix.ReplaceFile(ctx, "f.txt", []byte(bigFile("new", 50)), mustParse(t, "f.txt", bigFile("new", 50)))
	stop()
	if err != nil || res.Sections != 50 {
		t.Fatalf("ReplaceFile = %+v, %v; want 50 sections", res, err)
	}
	// 50 sections of about 100 bytes: five or six parts of 1000.
	if n := batches(t, ix) - before; n < 5 || n > 6 {
		t.Errorf("the file took %d batches, want 5 or 6", n)
	}
	if got := find(t, ix, "new"); len(got) != 50 {
		t.Errorf("new finds %d sections, want 50", len(got))
	}
	if got := find(t, ix, "old"); len(got) != 0 {
		t.Errorf("old finds %v", got)
	}
}

// TestSyncFinishesAFileLeftHalfIndexed: a file whose indexing in parts stopped
// half-way (a crash, a failing disk) is indexed again by the next sync, with none of
// the half-written sections left over.
func TestSyncFinishesAFileLeftHalfIndexed(t *testing.T) {
	defer func(n int) { maxPartBytes = n }(maxPartBytes)
	maxPartBytes = 1000
	ctx := context.Background()
	ix, corpusDir, log := openSynced(t, map[string]string{"f.txt": bigFile("old", 30)})

	// New content whose 25th section cannot be indexed: the first parts are.
	docs, _ := paragraphParser("f.txt", []byte(bigFile("new", 40)))
	docs[0].Sections[24].ID = ""
	if _, err := ix.ReplaceFile(ctx, "f.txt", nil, docs); err == nil {
		t.Fatal("indexing a section without an id succeeded")
	}
	if got := find(t, ix, "new"); len(got) == 0 || len(got) >= 40 {
		t.Fatalf("after the failure new finds %d sections, want some of 40", len(got))
	}

	sum, err := ix.Sync(ctx, corpusDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Updated != 1 || sum.Sections != 30 {
		t.Errorf("Sync = %+v, want f.txt indexed again, 30 sections", sum)
	}
	if got := find(t, ix, "new"); len(got) != 0 {
		t.Errorf("after the sync new finds %d sections, want none", len(got))
	}
	if got := find(t, ix, "old"); len(got) != 30 {
		t.Errorf("after the sync old finds %d sections, want 30", len(got))
	}
	if strings.Contains(log.String(), "rebuilding") {
		t.Errorf("the sync rebuilt the index: %s", log.String())
	}
}

// damageSegments writes random bytes over the middle half of every segment file of
// the index in dir, in place, as a failing disk or a stray program would.
func damageSegments(t *testing.T, dir string) {
	t.Helper()
	damaged := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(path, ".zap") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		r := rand.New(rand.NewPCG(uint64(len(data)), 3))
		for i := len(data) / 4; i < len(data)*3/4; i += 1 + r.IntN(8) {
			data[i] = byte(r.IntN(256))
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		damaged++
		_, err = f.WriteAt(data, 0)
		return err
	})
	if err != nil || damaged == 0 {
		t.Fatalf("damage the segments of %s: %d damaged, %v", dir, damaged, err)
	}
}

// TestSyncCheckedRebuildsADamagedIndex damages the segments of an open index: a
// search fails (scorch panics or errs), Config.Suspect hears of it, Sync does
// not see it (it reads no segment), and SyncChecked rebuilds the index from the
// corpus. An intact index SyncChecked leaves as it is.
func TestSyncCheckedRebuildsADamagedIndex(t *testing.T) {
	ctx := context.Background()
	corpusDir := t.TempDir()
	files := map[string]string{}
	for i := range 40 {
		files[fmt.Sprintf("f%02d.txt", i)] = fmt.Sprintf("alpha word%d\n\nbravo more text %d", i, i)
	}
	writeFiles(t, corpusDir, files)
	dir := filepath.Join(t.TempDir(), "index")
	var log bytes.Buffer
	heard := make(chan error, 10)
	cfg := testConfig(t, dir)
	cfg.CorpusDir = corpusDir
	cfg.Logger = slog.New(slog.NewTextHandler(&log, nil))
	cfg.Suspect = func(err error) { heard <- err }
	ix, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()

	if sum, err := ix.SyncChecked(ctx, corpusDir, nil); err != nil || sum.Unchanged != 40 || log.Len() != 0 {
		t.Fatalf("SyncChecked of an intact index: %+v, %v, log %q; want 40 files unchanged, no log", sum, err, log.String())
	}

	damageSegments(t, dir)
	req := bleve.NewSearchRequest(query.NewMatchAllQuery())
	req.Fields = StoredFields
	_, err = ix.Search(ctx, req)
	if err == nil {
		t.Fatal("a search of the damaged index succeeded")
	}
	select {
	case heardErr := <-heard:
		if heardErr.Error() != err.Error() {
			t.Errorf("Suspect heard %v, want %v", heardErr, err)
		}
	case <-time.After(time.Second):
		t.Error("Config.Suspect was not called")
	}
	if sum, err := ix.Sync(ctx, corpusDir, nil); err != nil || sum.Unchanged != 40 {
		t.Errorf("Sync of a damaged index: %+v, %v; want it to see nothing", sum, err)
	}

	sum, err := ix.SyncChecked(ctx, corpusDir, nil)
	if err != nil || sum.Added != 40 {
		t.Fatalf("SyncChecked of a damaged index: %+v, %v; want a rebuild of 40 files", sum, err)
	}
	if !strings.Contains(log.String(), "rebuilding") || !strings.Contains(log.String(), "checksum") {
		t.Errorf("log = %q, want one line saying a checksum failed and the index is rebuilt", log.String())
	}
	if got := find(t, ix, "alpha"); len(got) != 40 {
		t.Errorf("after the repair alpha finds %d sections, want 40", len(got))
	}
}

// panicQuery is a query whose searcher panics, as scorch's do on some damaged segments.
type panicQuery struct{}

func (panicQuery) Searcher(context.Context, index.IndexReader, mapping.IndexMapping, bsearch.SearcherOptions) (bsearch.Searcher, error) {
	panic("runtime error: slice bounds out of range")
}

// TestASearchThatPanicsFailsWithErrDamaged: the panic is the search's error, wrapping
// ErrDamaged, and Config.Suspect hears of it; a search cut short by its context is not
// suspect.
func TestASearchThatPanicsFailsWithErrDamaged(t *testing.T) {
	heard := make(chan error, 10)
	cfg := testConfig(t, "")
	cfg.Suspect = func(err error) { heard <- err }
	ix, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Search(context.Background(), bleve.NewSearchRequest(panicQuery{})); !errors.Is(err, ErrDamaged) {
		t.Errorf("search that panics: %v, want ErrDamaged", err)
	}
	if err := <-heard; !errors.Is(err, ErrDamaged) {
		t.Errorf("Suspect heard %v, want ErrDamaged", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, bleve.NewSearchRequest(query.NewMatchAllQuery())); err == nil {
		t.Error("a search with a cancelled context succeeded")
	}
	select {
	case err := <-heard:
		t.Errorf("Suspect heard of a cancelled search: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
}

// TestReadWindowAnalysed checks the budget of text analysed ahead of the writer.
func TestReadWindowAnalysed(t *testing.T) {
	rw := &readWindow{}
	rw.changed.L = &rw.mu
	if rw.analyse(maxPartBytes + 1) {
		t.Error("a file indexed in parts was analysed ahead")
	}
	n := 0
	for rw.analyse(maxPartBytes) {
		n += maxPartBytes
		rw.enter(0)
	}
	if n == 0 || n > readAheadAnalysed {
		t.Fatalf("%d bytes analysed ahead, want some and at most %d", n, readAheadAnalysed)
	}
	if rw.analyse(1) && n+1 > readAheadAnalysed {
		t.Error("a byte was analysed beyond the budget")
	}
	rw.leave(0, maxPartBytes)
	if !rw.analyse(maxPartBytes) {
		t.Error("a file was not analysed ahead once the budget had room")
	}
}

// TestRecordsAreCompact checks that the file records the index holds, which scorch
// writes again with every snapshot it persists, take well under their JSON: a
// file of many sections lists every section's id, mostly its document's id again.
func TestRecordsAreCompact(t *testing.T) {
	ctx := context.Background()
	corpusDir := t.TempDir()
	files := map[string]string{}
	for i := range 60 {
		files[fmt.Sprintf("file-with-a-longish-name-%02d.txt", i)] = bigFile(fmt.Sprintf("word%d", i), 40)
	}
	writeFiles(t, corpusDir, files)
	ix := openTemp(t)
	if _, err := ix.Sync(ctx, corpusDir, nil); err != nil {
		t.Fatal(err)
	}
	snap, err := segments.Current(ix.bi)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	stored, asJSON := 0, 0
	for key, data := range snap.Internal() {
		if !strings.HasPrefix(key, keyFiles) {
			continue
		}
		g, err := decodeGroup(data)
		if err != nil {
			t.Fatalf("group %s: %v", key, err)
		}
		plain, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		stored, asJSON = stored+len(data), asJSON+len(plain)
	}
	if asJSON == 0 || stored*3 > asJSON {
		t.Errorf("the records take %d bytes, %d as JSON: want at most a third", stored, asJSON)
	}
	if got := mustFiles(t, ix); len(got) != len(files) {
		t.Errorf("%d files recorded, want %d", len(got), len(files))
	}
}

// TestEncodeGroupReused checks that a gzip writer reused from group to group encodes
// each as a new one would, whatever it encoded before: what the index holds does not
// depend on the order the groups were queued in.
func TestEncodeGroupReused(t *testing.T) {
	groups := []map[string]*fileRecord{
		{"a.txt": {Hash: "h1", Size: 10, Docs: []string{"a"}, Secs: []string{"a#1", "a#2"}}},
		{"b.txt": {Hash: "h2", Size: 2000, ModTime: 7, Docs: []string{"b"}, Secs: []string{strings.Repeat("b#1 ", 500)}}},
		{"c.txt": {Hash: "h3"}, "d.txt": {Hash: "h4", Secs: []string{"d#1"}}},
	}
	reused, err := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range append(groups, groups...) {
		fresh, err := gzip.NewWriterLevel(nil, gzip.BestSpeed)
		if err != nil {
			t.Fatal(err)
		}
		want, err := encodeGroup(fresh, g)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodeGroup(reused, g)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("group %d: the reused writer wrote %d bytes unlike a new one's %d", i, len(got), len(want))
		}
		back, err := decodeGroup(got)
		if err != nil || !reflect.DeepEqual(back, g) {
			t.Errorf("group %d decoded as %v, %v; want %v", i, back, err, g)
		}
	}
}
