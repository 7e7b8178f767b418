package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"musesearch/corpus"
	"musesearch/indexer"
)

// tempRoot holds the files of the test binary's shared index; TestMain removes it.
var tempRoot string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "search-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tempRoot = dir
	code := m.Run()
	if ix := sharedIndex.ix; ix != nil {
		ix.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// sharedIndex is an index of the bundled corpus in a temporary directory, built once
// per test binary.
var sharedIndex struct {
	once sync.Once
	ix   *indexer.Index
	eng  *Engine
	err  error
}

// bundleEngine returns an engine over an index of the bundled corpus.
func bundleEngine(tb testing.TB) *Engine {
	tb.Helper()
	s := &sharedIndex
	s.once.Do(func() {
		dir := filepath.Join(tempRoot, "corpus")
		if _, s.err = corpus.InitDir(dir); s.err != nil {
			return
		}
		ctx := context.Background()
		// On disk, as the product runs it (bleve's in-memory index is another engine).
		if s.ix, s.err = indexer.Open(ctx, indexer.Config{Dir: filepath.Join(tempRoot, "index")}); s.err != nil {
			return
		}
		if _, s.err = s.ix.Sync(ctx, dir, nil); s.err != nil {
			return
		}
		s.eng, s.err = New(Config{Index: s.ix})
	})
	if s.err != nil {
		tb.Fatalf("index the bundled corpus: %v", s.err)
	}
	return s.eng
}
