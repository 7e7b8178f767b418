package search

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"musesearch/corpus"
	"musesearch/indexer"
)

// tempRoot holds the files of the test binary's indexes and corpora; TestMain removes
// it.
var tempRoot string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "search-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tempRoot = dir
	code := m.Run()
	for _, ix := range []*indexer.Index{bundleIndex, generatedIndex, benchIndex} {
		if ix != nil {
			ix.Close()
		}
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// fixture is an engine built once per test binary, on first use.
type fixture struct {
	once sync.Once
	eng  *Engine
	err  error
}

// engine returns the fixture's engine, built by build on the first call; what names
// the corpus in the message of a failed build.
func (f *fixture) engine(tb testing.TB, what string, build func() (*Engine, error)) *Engine {
	tb.Helper()
	f.once.Do(func() { f.eng, f.err = build() })
	if f.err != nil {
		tb.Fatalf("index %s: %v", what, f.err)
	}
	return f.eng
}

// openEngine returns an engine over an index opened with cfg, closed when the test
// or benchmark ends.
func openEngine(tb testing.TB, cfg indexer.Config) *Engine {
	tb.Helper()
	ix, err := indexer.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	e, err := New(Config{Index: ix})
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// bundled is an engine over an index of the bundled corpus in a temporary
// directory, bundleIndex; TestMain closes it.
var (
	bundled     fixture
	bundleIndex *indexer.Index
)

// bundleEngine returns an engine over an index of the bundled corpus.
func bundleEngine(tb testing.TB) *Engine {
	tb.Helper()
	return bundled.engine(tb, "the bundled corpus", func() (*Engine, error) {
		dir := filepath.Join(tempRoot, "corpus")
		if _, err := corpus.InitDir(dir); err != nil {
			return nil, err
		}
		ctx := context.Background()
		// On disk, as the product runs it (bleve's in-memory index is another engine).
		ix, err := indexer.Open(ctx, indexer.Config{Dir: filepath.Join(tempRoot, "index")})
		if err != nil {
			return nil, err
		}
		bundleIndex = ix
		if _, err := ix.Sync(ctx, dir, nil); err != nil {
			return nil, err
		}
		return New(Config{Index: ix})
	})
}

// bundleCopies is how many times copiedEngine's corpus holds the bundle: some
// thousands of sections, enough for costs that grow with the matches to show.
const bundleCopies = 21

// copied is an engine over an in-memory index of the bundled corpus copied
// bundleCopies times.
var copied fixture

// copiedEngine returns an engine over an index of the bundled corpus copied
// bundleCopies times, each copy's files under names of their own.
func copiedEngine(tb testing.TB) *Engine {
	tb.Helper()
	return copied.engine(tb, "the copied corpus", func() (*Engine, error) {
		dir := filepath.Join(tempRoot, "copied")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		files, err := fs.ReadDir(corpus.Bundle, ".")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			data, err := fs.ReadFile(corpus.Bundle, f.Name())
			if err != nil {
				return nil, err
			}
			for i := range bundleCopies {
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("c%02d_%s", i, f.Name())), data, 0o644); err != nil {
					return nil, err
				}
			}
		}
		ix, err := indexer.Open(context.Background(), indexer.Config{CorpusDir: dir})
		if err != nil {
			return nil, err
		}
		return New(Config{Index: ix})
	})
}

// vocabularyNames returns names of every concept of the vocabulary, for queries that
// name many: its abbreviations when asked, and its labels in langs, without spaces.
func vocabularyNames(abbreviations bool, langs ...string) []string {
	var names []string
	for _, f := range corpus.ContentFacets {
		for _, c := range corpus.Concepts(f) {
			if abbreviations {
				names = append(names, c.Abbreviations...)
			}
			for _, lang := range langs {
				if l := c.Labels[lang]; l != "" {
					names = append(names, strings.ReplaceAll(l, " ", ""))
				}
			}
		}
	}
	return names
}
