package library

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/google/go-cmp/cmp"

	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/internal/watch"
)

// quiet discards the library's log lines.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// seedCorpus is a small corpus the tests start from.
var seedCorpus = map[string]string{
	"a.txt": "Muse cells after stroke\n\nA trial of Muse cells in acute ischemic stroke: alphaseed.\n",
	"b.md":  "# ALS and MSC\n\nMesenchymal stem cells in amyotrophic lateral sclerosis: betaseed.\n",
}

// newCorpus writes files into a new corpus directory.
func newCorpus(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "corpus")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		writeFile(t, dir, name, text)
	}
	return dir
}

func writeFile(t testing.TB, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// open opens a library over dir with an index in a temporary directory (indexDir
// when not empty, to reopen one).
func open(t testing.TB, dir, indexDir string, maxFileSize int64) (*Library, indexer.Summary) {
	t.Helper()
	if indexDir == "" {
		indexDir = filepath.Join(t.TempDir(), "index")
	}
	lib, sum, err := Open(context.Background(), Config{CorpusDir: dir, IndexDir: indexDir, MaxFileSize: maxFileSize, Logger: quiet})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { lib.Close() })
	return lib, sum
}

// find returns the ids of the documents whose text holds word, sorted.
func find(t *testing.T, lib *Library, word string) []string {
	t.Helper()
	q := bleve.NewMatchQuery(word)
	q.SetField("body_std")
	q.Analyzer = indexer.AnalyzerStdQuery
	req := bleve.NewSearchRequestOptions(q, 100, 0, false)
	req.Fields = []string{indexer.FieldDocID}
	res, err := lib.Index().Search(context.Background(), req)
	if err != nil {
		t.Fatalf("search %q: %v", word, err)
	}
	var ids []string
	for _, h := range res.Hits {
		if id, _ := h.Fields[indexer.FieldDocID].(string); !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// state is what a change could touch: every entry of the corpus directory (hidden
// and temporary ones too) with its content hash, and every section id of the index.
type state struct {
	Files    map[string]string
	Indexed  []string
	Sections []string
}

func snapshot(t *testing.T, lib *Library) state {
	t.Helper()
	st := state{Files: map[string]string{}}
	entries, err := os.ReadDir(lib.CorpusDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(lib.CorpusDir(), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		st.Files[e.Name()] = fmt.Sprintf("%x", sha256.Sum256(data))
	}
	if st.Indexed, err = lib.Index().Files(); err != nil {
		t.Fatal(err)
	}
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 10_000, 0, false)
	res, err := lib.Index().Search(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		st.Sections = append(st.Sections, h.ID)
	}
	slices.Sort(st.Sections)
	return st
}

// noTemporaryFiles fails when an upload's temporary file is left in dir.
func noTemporaryFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) {
			t.Errorf("temporary file %s left in the corpus directory", e.Name())
		}
	}
}

func TestAddThenSearch(t *testing.T) {
	lib, _ := open(t, newCorpus(t, seedCorpus), "", 0)
	body := "Zyxvortex cells\n\nZyxvortex cells repair the spinal cord in a mouse model.\n"
	res, err := lib.Add(context.Background(), "new.txt", strings.NewReader(body))
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	if want := (Result{Source: "new.txt", DocIDs: []string{"new"}, Sections: 1}); !cmp.Equal(res, want) {
		t.Errorf("Add = %+v, want %+v", res, want)
	}
	if got := find(t, lib, "zyxvortex"); !slices.Equal(got, []string{"new"}) {
		t.Errorf("search zyxvortex = %v, want [new]", got)
	}
	data, err := os.ReadFile(filepath.Join(lib.CorpusDir(), "new.txt"))
	if err != nil || string(data) != body {
		t.Errorf("new.txt on disk = %q, %v; want the uploaded body", data, err)
	}
	noTemporaryFiles(t, lib.CorpusDir())
	if st := lib.Stats(); st.Added != 1 || st.Updated != 0 || !st.InSync {
		t.Errorf("Stats = %+v, want 1 added, in sync", st)
	}
}

func TestAddReplacesTheOldContent(t *testing.T) {
	lib, _ := open(t, newCorpus(t, seedCorpus), "", 0)
	ctx := context.Background()
	if _, err := lib.Add(ctx, "a.txt", strings.NewReader("Muse cells in stroke\n\nThe replaced text says gammanew.\n")); err != nil {
		t.Fatalf("Add: %v", err)
	}
	if got := find(t, lib, "alphaseed"); len(got) != 0 {
		t.Errorf("old content still found in %v", got)
	}
	if got := find(t, lib, "gammanew"); !slices.Equal(got, []string{"a"}) {
		t.Errorf("new content found in %v, want [a]", got)
	}
	if st := lib.Stats(); st.Added != 0 || st.Updated != 1 {
		t.Errorf("Stats = %+v, want 1 updated", st)
	}
}

func TestDelete(t *testing.T) {
	lib, _ := open(t, newCorpus(t, seedCorpus), "", 0)
	ctx := context.Background()
	res, err := lib.Delete(ctx, "b")
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if want := (Result{Source: "b.md", DocIDs: []string{"b"}, Sections: 1}); !cmp.Equal(res, want) {
		t.Errorf("Delete = %+v, want %+v", res, want)
	}
	if _, err := os.Stat(filepath.Join(lib.CorpusDir(), "b.md")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("b.md still in the corpus directory: %v", err)
	}
	if got := find(t, lib, "betaseed"); len(got) != 0 {
		t.Errorf("deleted document still found: %v", got)
	}
	if got := find(t, lib, "alphaseed"); !slices.Equal(got, []string{"a"}) {
		t.Errorf("other document: found in %v, want [a]", got)
	}
	if _, err := lib.Delete(ctx, "b"); !errors.Is(err, corpus.ErrNotFound) {
		t.Errorf("second Delete: err = %v, want ErrNotFound", err)
	}
	if st := lib.Stats(); st.Removed != 1 {
		t.Errorf("Stats.Removed = %d, want 1", st.Removed)
	}
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestRejectedUploadsChangeNothing(t *testing.T) {
	const limit = 4 << 10
	tests := []struct {
		name, file, body string
		want             error
		reason           string
	}{
		{"parent directory", "../escape.txt", "text", corpus.ErrBadName, RejectBadName},
		{"subdirectory", "sub/x.txt", "text", corpus.ErrBadName, RejectBadName},
		{"hidden", ".hidden.txt", "text", corpus.ErrBadName, RejectBadName},
		{"editor backup", "a.txt~", "text", corpus.ErrBadName, RejectBadName},
		{"upload temporary", tempPrefix + "1.txt", "text", corpus.ErrBadName, RejectBadName},
		{"other extension", "paper.docx", "text", corpus.ErrBadName, RejectBadName},
		{"damaged PDF", "paper.pdf", "%PDF-1.4\nno more", corpus.ErrUnreadable, RejectUnreadable},
		{"invalid JSON", "studies.json", `{"studies": [`, corpus.ErrUnreadable, RejectUnreadable},
		{"empty name", "", "text", corpus.ErrBadName, RejectBadName},
		{"name not UTF-8", "caf\xe9.txt", "text", corpus.ErrBadName, RejectBadName},
		{"name with a direction override", "evil\u202etxt.md", "text", corpus.ErrBadName, RejectBadName},
		{"name with a C1 control", "a\u0085b.txt", "text", corpus.ErrBadName, RejectBadName},
		{"name over 255 bytes", strings.Repeat("論", 85) + ".txt", "text", corpus.ErrBadName, RejectBadName},
		{"binary", "image.txt", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", corpus.ErrNotText, RejectNotText},
		{"latin-1", "old.txt", "caf\xe9 au lait", corpus.ErrNotText, RejectNotText},
		{"binary replacing a file", "a.txt", "\x00\x01\x02", corpus.ErrNotText, RejectNotText},
		{"empty", "blank.md", " \n\t\n", corpus.ErrEmpty, RejectEmpty},
		{"too large", "big.txt", strings.Repeat("Muse cells. ", 10<<10), corpus.ErrTooLarge, RejectTooLarge},
		{"too large replacing a file", "a.txt", strings.Repeat("x", limit+1), corpus.ErrTooLarge, RejectTooLarge},
		{"another file's document id", "a.md", "# A again\n\nSame id as a.txt.\n", nil, RejectDuplicateID},
	}
	lib, _ := open(t, newCorpus(t, seedCorpus), "", limit)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := snapshot(t, lib)
			body := &countingReader{r: strings.NewReader(tt.body)}
			_, err := lib.Add(context.Background(), tt.file, body)
			if err == nil {
				t.Fatal("Add succeeded")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if got := RejectReason(err); got != tt.reason {
				t.Errorf("RejectReason(%v) = %q, want %q", err, got, tt.reason)
			}
			if body.n > limit+1 {
				t.Errorf("read %d bytes of the body, want at most %d", body.n, limit+1)
			}
			if diff := cmp.Diff(before, snapshot(t, lib)); diff != "" {
				t.Errorf("corpus or index changed (-before +after):\n%s", diff)
			}
		})
	}
	want := map[string]uint64{RejectBadName: 11, RejectNotText: 3, RejectEmpty: 1, RejectTooLarge: 2, RejectUnreadable: 2, RejectDuplicateID: 1}
	if diff := cmp.Diff(want, lib.Stats().Rejected); diff != "" {
		t.Errorf("Stats.Rejected (-want +got):\n%s", diff)
	}
}

func TestRestartOverAnUnchangedCorpusIndexesNothing(t *testing.T) {
	dir := newCorpus(t, seedCorpus)
	indexDir := filepath.Join(t.TempDir(), "index")
	lib, sum := open(t, dir, indexDir, 0)
	if sum.Files != 2 {
		t.Fatalf("first Open indexed %d files, want 2", sum.Files)
	}
	if _, err := lib.Add(context.Background(), "c.txt", strings.NewReader("Uploaded before the restart: deltaword.\n")); err != nil {
		t.Fatal(err)
	}
	lib.Close()

	_, sum = open(t, dir, indexDir, 0)
	if sum.Added+sum.Updated+sum.Removed != 0 || sum.Unchanged != 3 {
		t.Errorf("restart: %+v, want 3 files unchanged and nothing indexed", sum)
	}
}

func TestOpenCatchesUpAndRemovesInterruptedUploads(t *testing.T) {
	dir := newCorpus(t, seedCorpus)
	indexDir := filepath.Join(t.TempDir(), "index")
	lib, _ := open(t, dir, indexDir, 0)
	lib.Close()

	// While the server was down: a file added, one removed, one upload interrupted.
	writeFile(t, dir, "c.txt", "Written while the server was down: epsilonword.\n")
	if err := os.Remove(filepath.Join(dir, "b.md")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, tempPrefix+"123456", "half an upload")

	lib, sum := open(t, dir, indexDir, 0)
	if sum.Added != 1 || sum.Removed != 1 || sum.Unchanged != 1 {
		t.Errorf("Open: %+v, want 1 added, 1 removed, 1 unchanged", sum)
	}
	if got := find(t, lib, "epsilonword"); !slices.Equal(got, []string{"c"}) {
		t.Errorf("file added while down: found in %v, want [c]", got)
	}
	if got := find(t, lib, "betaseed"); len(got) != 0 {
		t.Errorf("file removed while down still found in %v", got)
	}
	noTemporaryFiles(t, dir)
}

func TestOpenRebuildsAnIndexThatCannotBeOpened(t *testing.T) {
	dir := newCorpus(t, seedCorpus)
	indexDir := filepath.Join(t.TempDir(), "index")
	lib, _ := open(t, dir, indexDir, 0)
	lib.Close()
	// Damage the live bleve index.
	gens, _ := filepath.Glob(filepath.Join(indexDir, "bleve-*"))
	if len(gens) != 1 {
		t.Fatalf("index generations = %v, want one", gens)
	}
	if err := os.WriteFile(filepath.Join(gens[0], "index_meta.json"), []byte("{broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	lib, _ = open(t, dir, indexDir, 0)
	if got := find(t, lib, "alphaseed"); !slices.Equal(got, []string{"a"}) {
		t.Errorf("after the rebuild: found in %v, want [a]", got)
	}
}

// damageSegments overwrites the middle half of every segment file of the index in
// indexDir, in place, as a failing disk would.
func damageSegments(t *testing.T, indexDir string) {
	t.Helper()
	segments, _ := filepath.Glob(filepath.Join(indexDir, "bleve-*", "store", "*.zap"))
	for _, path := range segments {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.WriteAt(bytes.Repeat([]byte{0xa5}, int(info.Size()/2)), info.Size()/4)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(segments) == 0 {
		t.Fatalf("no segment files in %s", indexDir)
	}
}

// searchFails reports whether a search for the seed corpus's words fails.
func searchFails(lib *Library) bool {
	q := bleve.NewMatchQuery("alphaseed betaseed")
	q.SetField("body_std")
	req := bleve.NewSearchRequest(q)
	req.Fields = indexer.StoredFields
	_, err := lib.Index().Search(context.Background(), req)
	return err != nil
}

// TestADamagedIndexIsRepaired: segment files damaged under a running library are
// found and the index rebuilt from the corpus, by Reindex and by the first search that
// fails on them.
func TestADamagedIndexIsRepaired(t *testing.T) {
	for _, by := range []string{"reindex", "search"} {
		t.Run(by, func(t *testing.T) {
			dir := newCorpus(t, seedCorpus)
			indexDir := filepath.Join(t.TempDir(), "index")
			lib, _ := open(t, dir, indexDir, 0)
			damageSegments(t, indexDir)
			if by == "reindex" {
				sum, err := lib.Reindex(context.Background())
				if err != nil || sum.Added != 2 {
					t.Errorf("Reindex = %+v, %v; want the index rebuilt with 2 files", sum, err)
				}
			} else if !searchFails(lib) {
				t.Fatal("a search of the damaged index did not fail")
			}
			deadline := time.Now().Add(5 * time.Second)
			for searchFails(lib) && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if got := find(t, lib, "alphaseed"); !slices.Equal(got, []string{"a"}) {
				t.Errorf("after the repair: found in %v, want [a]", got)
			}
		})
	}
}

// startWatch runs lib.Watch until the test ends, and returns once it watches.
func startWatch(t *testing.T, lib *Library) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	lib.cfg.Watch.Ready = func() { close(ready) }
	done := make(chan error, 1)
	go func() { done <- lib.Watch(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch: %v", err)
		}
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("Watch: %v", err)
	}
}

// soon is how long a test waits for the watcher to take in a change of the corpus: a
// bound for a failure, not a measure (a change takes tens of milliseconds, seconds on a
// machine busy with the rest of the tests).
const soon = 10 * time.Second

// eventually polls find until it returns want or within has passed.
func eventually(t *testing.T, lib *Library, word string, want []string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := find(t, lib, word)
		if slices.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("search %q = %v after %v, want %v", word, got, within, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWatchFollowsOtherPrograms(t *testing.T) {
	dir := newCorpus(t, seedCorpus)
	lib, _ := open(t, dir, "", 0)
	startWatch(t, lib)

	writeFile(t, dir, "dropped.txt", "Dropped in by cp: zetaword.\n")
	eventually(t, lib, "zetaword", []string{"dropped"}, soon)

	// An editor's save: a swap file, then the real file replaced by a rename.
	writeFile(t, dir, ".a.txt.swp", "swap")
	writeFile(t, dir, "a.txt.tmp", "editor temporary")
	writeFile(t, dir, "a.txt.new", "Muse cells after stroke\n\nEdited: etaword.\n")
	if err := os.Rename(filepath.Join(dir, "a.txt.new"), filepath.Join(dir, "a.txt")); err != nil {
		t.Fatal(err)
	}
	eventually(t, lib, "etaword", []string{"a"}, soon)
	eventually(t, lib, "alphaseed", nil, soon)

	if err := os.Remove(filepath.Join(dir, "b.md")); err != nil {
		t.Fatal(err)
	}
	eventually(t, lib, "betaseed", nil, soon)

	// A file that is not text is taken out of the index, as a sync would.
	writeFile(t, dir, "dropped.txt", "\x00\x01binary")
	eventually(t, lib, "zetaword", nil, soon)

	// Give the watcher time to settle, then compare with a full sync: nothing to do.
	time.Sleep(2 * watch.DefaultMaxDelay)
	sum, err := lib.Reindex(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added+sum.Updated+sum.Removed != 0 {
		t.Errorf("Reindex after the watcher: %+v, want nothing to do", sum)
	}
	st := lib.Stats()
	if st.Rejected[RejectNotText] != 1 {
		t.Errorf("Stats.Rejected[not_text] = %d, want 1", st.Rejected[RejectNotText])
	}
	if st.Added != 1 || st.Updated != 1 || st.Removed != 2 || !st.InSync {
		t.Errorf("Stats = %+v, want 1 added, 1 updated, 2 removed (b.md and the binary file), in sync", st)
	}
}

// TestWatchFollowsAReplacedCorpusDirectory: another directory renamed into the
// corpus directory's place (a deployment, a restore) is watched and indexed.
func TestWatchFollowsAReplacedCorpusDirectory(t *testing.T) {
	dir := newCorpus(t, seedCorpus)
	lib, _ := open(t, dir, "", 0)
	startWatch(t, lib)

	next := dir + ".new"
	if err := os.Mkdir(next, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, next, "a.txt", seedCorpus["a.txt"])
	writeFile(t, next, "c.txt", "Came with the new directory: kappaword.\n")
	if err := os.Rename(dir, dir+".old"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(next, dir); err != nil {
		t.Fatal(err)
	}
	eventually(t, lib, "kappaword", []string{"c"}, soon)
	eventually(t, lib, "betaseed", nil, soon)

	writeFile(t, dir, "d.txt", "Dropped in the new directory: lambdaword.\n")
	eventually(t, lib, "lambdaword", []string{"d"}, soon)
	// The batch is searchable before the watcher records it applied: wait for that.
	deadline := time.Now().Add(soon)
	for st := lib.Stats(); !st.InSync; st = lib.Stats() {
		if time.Now().After(deadline) {
			t.Fatalf("Stats = %+v, want in sync", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWatchDoesNotIndexAnUploadTwice(t *testing.T) {
	lib, _ := open(t, newCorpus(t, seedCorpus), "", 0)
	startWatch(t, lib)
	if _, err := lib.Add(context.Background(), "up.txt", strings.NewReader("Uploaded: thetaword.\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * watch.DefaultMaxDelay)
	if st := lib.Stats(); st.Added != 1 || st.Updated != 0 {
		t.Errorf("Stats = %+v, want the upload counted once", st)
	}
	if got := find(t, lib, "thetaword"); !slices.Equal(got, []string{"up"}) {
		t.Errorf("found in %v, want [up]", got)
	}
}

func TestWatchCatchesUpWithChangesMadeBeforeItStarted(t *testing.T) {
	dir := newCorpus(t, seedCorpus)
	lib, _ := open(t, dir, "", 0)
	// Between Open and Watch (the server starting up), another program writes.
	writeFile(t, dir, "early.txt", "Written during start-up: iotaword.\n")
	startWatch(t, lib)
	if got := find(t, lib, "iotaword"); !slices.Equal(got, []string{"early"}) {
		t.Errorf("file written before the watch: found in %v, want [early]", got)
	}
}

func TestSecondOpenerIsRefusedAndTouchesNothing(t *testing.T) {
	dir := newCorpus(t, seedCorpus)
	indexDir := filepath.Join(t.TempDir(), "index")
	open(t, dir, indexDir, 0)
	inFlight := filepath.Join(dir, tempPrefix+"999")
	writeFile(t, dir, filepath.Base(inFlight), "an upload of the running library")

	_, _, err := Open(context.Background(), Config{CorpusDir: dir, IndexDir: indexDir, Owner: "a running server",
		LockedHint: "stop it or use POST /api/reindex", Logger: quiet})
	if !errors.Is(err, indexer.ErrLocked) {
		t.Fatalf("second Open: err = %v, want ErrLocked", err)
	}
	if _, err := os.Stat(inFlight); err != nil {
		t.Errorf("the running library's temporary file was touched: %v", err)
	}
}

func TestStatsTellWhetherTheIndexIsBehind(t *testing.T) {
	dir := newCorpus(t, seedCorpus)
	lib, _ := open(t, dir, "", 0)
	lib.cfg.Watch.Quiet, lib.cfg.Watch.MaxDelay = 400*time.Millisecond, 400*time.Millisecond
	startWatch(t, lib)
	synced := lib.Stats().LastInSync
	if !lib.Stats().InSync {
		t.Fatal("not in sync after start")
	}
	writeFile(t, dir, "late.txt", "Written now: kappaword.\n")
	time.Sleep(100 * time.Millisecond) // the change is seen, the batch not yet applied
	if st := lib.Stats(); st.InSync || st.LastInSync != synced {
		t.Errorf("while a change waits: %+v, want behind since %v", st, synced)
	}
	eventually(t, lib, "kappaword", []string{"late"}, soon)
	// The batch is applied whole before the library records it.
	for deadline := time.Now().Add(soon); !lib.Stats().InSync && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if st := lib.Stats(); !st.InSync || !st.LastInSync.After(synced) || st.Added != 1 {
		t.Errorf("after the batch: %+v, want 1 added, in sync, later than %v", st, synced)
	}
}

// TestUploadLimit checks that a library's own upload limit, lower than the corpus's,
// refuses a larger upload with a sentence naming that limit, and leaves the directory
// and the index as they were; a file of that size written into the directory by
// another program is still indexed (the limit is of uploads, not of the corpus).
func TestUploadLimit(t *testing.T) {
	dir := t.TempDir()
	lib, _ := open(t, dir, "", 1<<20)
	before := snapshot(t, lib)
	big := strings.Repeat("Mesenchymal stem cells were infused. ", 40_000) // 1.5 MB
	_, err := lib.Add(context.Background(), "big.txt", strings.NewReader(big))
	if !errors.Is(err, corpus.ErrTooLarge) || !strings.Contains(err.Error(), "upload limit of 1.0 MB") {
		t.Fatalf("Add of 1.5 MB with a 1 MB limit: %v, want ErrTooLarge naming the limit", err)
	}
	if diff := cmp.Diff(before, snapshot(t, lib)); diff != "" {
		t.Errorf("a refused upload changed the library (-before +after):\n%s", diff)
	}
	if err := os.WriteFile(filepath.Join(dir, "big.txt"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Reindex(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := find(t, lib, "mesenchymal"); !slices.Contains(got, "big") {
		t.Errorf("a 1.5 MB file in the directory is not indexed: mesenchymal finds %v", got)
	}
}

// TestOpensTheIndexAsAServer checks that a library opens its index as a server does
// (indexer.Config.Serving: the segment files dropped from the page cache as they open
// and read without read-ahead, which internal/segments' TestOpenDropsCachedPages
// shows), over its own index and corpus directories.
func TestOpensTheIndexAsAServer(t *testing.T) {
	dir := newCorpus(t, seedCorpus)
	indexDir := filepath.Join(t.TempDir(), "index")
	lib, _ := open(t, dir, indexDir, 0)
	cfg := lib.indexConfig()
	if !cfg.Serving || cfg.Dir != indexDir || cfg.CorpusDir != dir {
		t.Errorf("the library's index configuration: Serving %v, Dir %q, CorpusDir %q; want true, %q, %q", cfg.Serving, cfg.Dir, cfg.CorpusDir, indexDir, dir)
	}
}
