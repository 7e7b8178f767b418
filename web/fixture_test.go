package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/search"
)

// The tests share one real index of the bundled corpus, built once: in memory, synced
// from a temporary copy of the corpus as `musesearch serve` would.
var (
	fixtureOnce   sync.Once
	fixtureEngine *search.Engine
	fixtureIndex  *indexer.Index
	fixtureErr    error
	fixtureDir    string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureIndex != nil {
		fixtureIndex.Close()
	}
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// testEngine returns the search engine over the bundled corpus.
func testEngine(t testing.TB) *search.Engine {
	t.Helper()
	fixtureOnce.Do(func() {
		ctx := context.Background()
		if fixtureDir, fixtureErr = os.MkdirTemp("", "musesearch-web-test-"); fixtureErr != nil {
			return
		}
		dir := filepath.Join(fixtureDir, "corpus")
		if _, fixtureErr = corpus.InitDir(dir); fixtureErr != nil {
			return
		}
		if fixtureIndex, fixtureErr = indexer.Open(ctx, indexer.Config{Logger: quietLogger()}); fixtureErr != nil {
			return
		}
		if _, fixtureErr = fixtureIndex.Sync(ctx, dir, nil); fixtureErr != nil {
			return
		}
		fixtureEngine, fixtureErr = search.New(search.Config{Index: fixtureIndex, Logger: quietLogger()})
	})
	if fixtureErr != nil {
		t.Fatalf("index the bundled corpus: %v", fixtureErr)
	}
	return fixtureEngine
}

// quietLogger discards logs, keeping test output readable.
func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newTestServer starts the server over the bundled corpus.
func newTestServer(t testing.TB) (*httptest.Server, *Server) {
	t.Helper()
	srv, err := New(Config{Searcher: testEngine(t), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, srv
}

// get requests path with optional header pairs and returns the response and its body.
func get(t testing.TB, ts *httptest.Server, path string, header ...string) (*http.Response, string) {
	t.Helper()
	return do(t, ts, http.MethodGet, path, header...)
}

// do sends one request without a body.
func do(t testing.TB, ts *httptest.Server, method, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, res.Body); err != nil {
		t.Fatal(err)
	}
	return res, b.String()
}
