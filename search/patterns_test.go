package search

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
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

// TestCompiledCache checks that a query text compiled again is the compilation of
// before (the same query and highlighting rules) with a highlighter of its own, that a
// compilation that could not analyse is not kept, and that the cache stays bounded.
func TestCompiledCache(t *testing.T) {
	e := openEngine(t, indexer.Config{})
	for _, q := range []string{"ALS", "間葉系幹細胞", `"spinal cord injury" -mouse`} {
		_, first, err := e.compileQuery(q, compileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, again, err := e.compileQuery(q, compileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if first.query != again.query || &first.hl.rules[0] != &again.hl.rules[0] {
			t.Errorf("%s: compiled again", q)
		}
		if first.hl == again.hl {
			t.Errorf("%s: two searches share a highlighter", q)
		}
		if _, verbatim, _ := e.compileQuery(q, compileOptions{verbatim: true}); verbatim.query == first.query {
			t.Errorf("%s: the verbatim query is the expanded one", q)
		}
	}

	analyze := e.patterns.analyze
	e.patterns.analyze = func(string, string) ([]indexer.Token, error) { return nil, indexer.ErrClosed }
	_, failed, _ := e.compileQuery("bone marrow", compileOptions{})
	e.patterns.analyze = analyze
	_, again, err := e.compileQuery("bone marrow", compileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.query == failed.query || len(again.hl.rules) == 0 {
		t.Error("a query compiled while the analysers failed was kept")
	}

	// Queries of 64 concept names (about 2,000 patterns each), each in another order.
	names := vocabularyNames(false, "ja")
	names = names[:min(64, len(names))]
	total := 0
	for i := range 2 * maxCompiledCost / 2000 {
		_, c, err := e.compileQuery(strings.Join(append(slices.Clone(names[i%len(names):]), names[:i%len(names)]...), " OR "), compileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range c.hl.rules {
			total += len(r.patterns)
		}
		cost := 0
		for _, q := range e.compiled.m {
			cost++
			for _, r := range q.c.hl.rules {
				cost += len(r.patterns)
			}
		}
		if cost != e.compiled.cost || cost > maxCompiledCost {
			t.Fatalf("the cache holds queries of cost %d, counted %d, want at most %d", cost, e.compiled.cost, maxCompiledCost)
		}
	}
	if total <= maxCompiledCost {
		t.Fatalf("the queries have %d patterns, too few to fill the cache", total)
	}
}

// TestSearchesShareCompiledQueries runs the same searches at once (their compiled
// queries shared; see it under -race) and checks that each answers as it did alone.
func TestSearchesShareCompiledQueries(t *testing.T) {
	e := bundleEngine(t)
	queries := []string{"ALS", "Muse cells", "脊髄損傷", "干细胞", `"spinal cord injury"`, "stroke -mouse", "間葉系幹細胞"}
	search := func(q string) *Response {
		resp, err := e.Search(t.Context(), Request{Query: q, Size: 10})
		if err != nil {
			t.Error(err)
			return nil
		}
		resp.TookMS = 0
		return resp
	}
	alone := map[string]*Response{}
	for _, q := range queries {
		alone[q] = search(q)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for _, q := range queries {
				if got := search(q); !reflect.DeepEqual(got, alone[q]) {
					t.Errorf("%s: answered otherwise at once than alone", q)
				}
			}
		})
	}
	wg.Wait()
}
