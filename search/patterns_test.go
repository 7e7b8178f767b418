package search

import (
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"

	"musesearch/indexer"
)

// TestPatternCacheAnalysesOnce checks that a query compiled again runs no query
// analyser on its words or on the names of the concepts it names (ALS has a dozen
// names, in three languages, each analysed twice), and that the second compilation
// highlights as the first.
func TestPatternCacheAnalysesOnce(t *testing.T) {
	e := openEngine(t, indexer.Config{})
	var analyses atomic.Int64
	analyze := e.patterns.analyze
	e.patterns.analyze = func(analyzer, text string) ([]indexer.Token, error) {
		analyses.Add(1)
		return analyze(analyzer, text)
	}
	for _, q := range []string{"ALS", "Muse cells", "脊髄損傷", "間葉系幹細胞", `"spinal cord injury" -mouse`} {
		first := e.compile(Parse(q), compileOptions{})
		before := analyses.Load()
		if before == 0 {
			t.Fatalf("%s: compiled without analysing anything", q)
		}
		again := e.compile(Parse(q), compileOptions{})
		if n := analyses.Load() - before; n != 0 {
			t.Errorf("%s: compiled again with %d analyses, want none", q, n)
		}
		if !reflect.DeepEqual(first.hl.rules, again.hl.rules) {
			t.Errorf("%s: the second compilation highlights otherwise than the first", q)
		}
		analyses.Store(0)
	}
}

// TestPatternCacheBounded checks that the cache holds at most maxPatterns patterns,
// and that it does not remember an analysis that failed.
func TestPatternCacheBounded(t *testing.T) {
	fail := true
	pc := &patternCache{analyze: func(_, text string) ([]indexer.Token, error) {
		if fail {
			return nil, errors.New("index closed")
		}
		return []indexer.Token{{Term: text, Position: 1}}, nil
	}}
	if p := pc.of(indexer.AnalyzerStdQuery, "cells"); p != nil || len(pc.m) != 0 {
		t.Fatalf("a failed analysis gave %v and left %d patterns, want none", p, len(pc.m))
	}
	fail = false
	if p := pc.of(indexer.AnalyzerStdQuery, "cells"); !reflect.DeepEqual(p, termPattern{{"cells"}}) {
		t.Fatalf("pattern of cells after the failure: %v", p)
	}
	for i := range 2*maxPatterns + 1 {
		word := fmt.Sprint("w", i)
		if p := pc.of(indexer.AnalyzerStdQuery, word); !reflect.DeepEqual(p, termPattern{{word}}) {
			t.Fatalf("pattern of %s: %v", word, p)
		}
		if len(pc.m) > maxPatterns {
			t.Fatalf("%d patterns held, want at most %d", len(pc.m), maxPatterns)
		}
	}
}
