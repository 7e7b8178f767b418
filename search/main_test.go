package search

import (
	"context"
	"fmt"
	"io/fs"
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

// bundleCopies is how many times copiedEngine's corpus holds the bundle: some
// thousands of sections, enough for costs that grow with the matches to show.
const bundleCopies = 21

// copied is an in-memory index of the bundled corpus copied bundleCopies times, built
// once per test binary.
var copied struct {
	once sync.Once
	eng  *Engine
	err  error
}

// copiedEngine returns an engine over an index of the bundled corpus copied
// bundleCopies times, each copy's files under names of their own.
func copiedEngine(tb testing.TB) *Engine {
	tb.Helper()
	c := &copied
	c.once.Do(func() {
		dir := filepath.Join(tempRoot, "copied")
		if c.err = os.MkdirAll(dir, 0o755); c.err != nil {
			return
		}
		files, err := fs.ReadDir(corpus.Bundle, ".")
		if err != nil {
			c.err = err
			return
		}
		for _, f := range files {
			data, err := fs.ReadFile(corpus.Bundle, f.Name())
			if err != nil {
				c.err = err
				return
			}
			for i := range bundleCopies {
				if c.err = os.WriteFile(filepath.Join(dir, fmt.Sprintf("c%02d_%s", i, f.Name())), data, 0o644); c.err != nil {
					return
				}
			}
		}
		ix, err := indexer.Open(context.Background(), indexer.Config{CorpusDir: dir})
		if err != nil {
			c.err = err
			return
		}
		c.eng, c.err = New(Config{Index: ix})
	})
	if c.err != nil {
		tb.Fatalf("index the copied corpus: %v", c.err)
	}
	return c.eng
}
