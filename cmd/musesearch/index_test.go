package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"musesearch/indexer"
)

// TestIndex runs `musesearch index` over a fresh working corpus, again over the
// unchanged corpus, after a change, and while another process holds the index.
func TestIndex(t *testing.T) {
	dir := t.TempDir()
	corpusDir, indexDir := filepath.Join(dir, "corpus"), filepath.Join(dir, "index")
	run := func(args ...string) (string, string, error) {
		var stdout, stderr bytes.Buffer
		err := Run(t.Context(), append([]string{"index", "--corpus", corpusDir, "--index", indexDir}, args...), &stdout, &stderr)
		return stdout.String(), stderr.String(), err
	}
	summary := regexp.MustCompile(`^index \S+: (\d+) files, \d+ documents, \d+ sections \((\d+) added, (\d+) updated, (\d+) removed, (\d+) unchanged\)(; .*)?; [\d.]+m?s\n$`)
	counts := func(stdout string) string {
		m := summary.FindStringSubmatch(stdout)
		if m == nil {
			t.Fatalf("summary %q is not one summary line", stdout)
		}
		return fmt.Sprintf("files %s added %s updated %s removed %s unchanged %s", m[1], m[2], m[3], m[4], m[5])
	}

	stdout, stderr, err := run()
	if err != nil {
		t.Fatalf("first index: %v\n%s", err, stderr)
	}
	files, _ := os.ReadDir(corpusDir)
	n := len(files)
	if got, want := counts(stdout), fmt.Sprintf("files %d added %d updated 0 removed 0 unchanged 0", n, n); got != want {
		t.Errorf("first index: %s, want %s", got, want)
	}
	if !strings.Contains(stderr, fmt.Sprintf("%d/%d added", n, n)) {
		t.Errorf("first index printed no progress lines: %q", stderr)
	}

	stdout, _, err = run()
	if got, want := counts(stdout), fmt.Sprintf("files %d added 0 updated 0 removed 0 unchanged %d", n, n); err != nil || got != want {
		t.Errorf("second index: %s, %v; want %s", got, err, want)
	}

	os.Remove(filepath.Join(corpusDir, files[0].Name()))
	os.WriteFile(filepath.Join(corpusDir, "notes.pdf"), []byte("%PDF"), 0o644)
	stdout, _, err = run()
	if got, want := counts(stdout), fmt.Sprintf("files %d added 0 updated 0 removed 1 unchanged %d", n-1, n-1); err != nil || got != want {
		t.Errorf("index after a removal: %s, %v; want %s", got, err, want)
	}
	if !strings.Contains(stdout, "; 1 skipped: notes.pdf (") {
		t.Errorf("index does not name the skipped file: %q", stdout)
	}

	stdout, _, err = run("--rebuild")
	if got, want := counts(stdout), fmt.Sprintf("files %d added %d updated 0 removed 0 unchanged 0", n-1, n-1); err != nil || got != want {
		t.Errorf("index --rebuild: %s, %v; want %s", got, err, want)
	}

	held, err := indexer.Open(t.Context(), indexer.Config{Dir: indexDir, Owner: "a running server", LockedHint: "stop it or use POST /api/reindex"})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	_, _, err = run()
	want := fmt.Sprintf("index %s is locked by a running server (pid %d); stop it or use POST /api/reindex", indexDir, os.Getpid())
	if err == nil || err.Error() != want {
		t.Errorf("index while the index is held: %v, want %q", err, want)
	}
}

// TestIndexRepairsADamagedIndex writes over a few bytes of each segment file of an
// index, which bleve still opens: `index` and `index --rebuild` both rebuild it from
// the corpus.
func TestIndexRepairsADamagedIndex(t *testing.T) {
	for _, args := range [][]string{nil, {"--rebuild"}} {
		dir := t.TempDir()
		corpusDir, indexDir := filepath.Join(dir, "corpus"), filepath.Join(dir, "index")
		run := func() (string, error) {
			var stdout bytes.Buffer
			err := Run(t.Context(), append([]string{"index", "--corpus", corpusDir, "--index", indexDir}, args...), &stdout, io.Discard)
			return stdout.String(), err
		}
		if _, err := run(); err != nil {
			t.Fatal(err)
		}
		segments, _ := filepath.Glob(filepath.Join(indexDir, "bleve-*", "store", "*.zap"))
		for _, path := range segments {
			info, _ := os.Stat(path)
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteAt([]byte("damaged"), info.Size()/2)
			f.Close()
		}
		files, _ := os.ReadDir(corpusDir)
		stdout, err := run()
		if want := fmt.Sprintf("(%d added,", len(files)); err != nil || len(segments) == 0 || !strings.Contains(stdout, want) {
			t.Errorf("index %v over %d damaged segments: %q, %v; want every file added again", args, len(segments), stdout, err)
		}
	}
}

// TestIndexUsage checks that index refuses what it does not understand.
func TestIndexUsage(t *testing.T) {
	for _, args := range [][]string{{"index", "extra"}, {"index", "--no-such-flag"}, {"index", "--rebuild=maybe"}} {
		if err := Run(t.Context(), args, io.Discard, io.Discard); err != errUsage {
			t.Errorf("musesearch %s: %v, want a usage error", strings.Join(args, " "), err)
		}
	}
}
