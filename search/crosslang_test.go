package search

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"musesearch/corpus"
	"musesearch/indexer"
)

// The cross-language evaluation set of the glossary: queries in one language and
// every passage of another that names what they ask for. Its "about" field defines
// the measures: recall@10 = |top 10 ∩ expect| / min(10, |expect|) and precision@10 =
// |top 10 ∩ expect| / min(10, |top 10|), here averaged over the queries.
const crossLangSet = "../internal/glossary/testdata/crosslang.json"

// crossLangDocs are the documents the set needs besides the bundled corpus.
const crossLangDocs = "../internal/glossary/testdata/crosslang"

// What the set must reach, averaged over its queries.
const (
	minCrossLangRecall    = 0.9
	minCrossLangPrecision = 0.8
)

// crossLang is an engine over the bundled corpus and crossLangDocs.
var crossLang fixture

func crossLangEngine(tb testing.TB) *Engine {
	tb.Helper()
	return crossLang.engine(tb, "the bundled corpus and the evaluation documents", func() (*Engine, error) {
		dir := filepath.Join(tempRoot, "crosslang")
		if _, err := corpus.InitDir(dir); err != nil {
			return nil, err
		}
		extra, err := fs.Glob(os.DirFS(crossLangDocs), "*.txt")
		if err != nil {
			return nil, err
		}
		for _, name := range extra {
			data, err := os.ReadFile(filepath.Join(crossLangDocs, name))
			if err != nil {
				return nil, err
			}
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				return nil, err
			}
		}
		ctx := context.Background()
		ix, err := indexer.Open(ctx, indexer.Config{})
		if err != nil {
			return nil, err
		}
		if _, err := ix.Sync(ctx, dir, nil); err != nil {
			return nil, err
		}
		return New(Config{Index: ix})
	})
}

// crossLangQuery is one query of the set (the fields the measures need).
type crossLangQuery struct {
	Name     string            `json:"name"`
	Params   map[string]string `json:"params"`
	FromLang string            `json:"from_lang"`
	Expect   []struct {
		Section string `json:"section"`
	} `json:"expect"`
}

// TestCrossLanguage runs the evaluation set and checks recall@10 and precision@10,
// averaged over its queries, per direction and in all.
func TestCrossLanguage(t *testing.T) {
	data, err := os.ReadFile(crossLangSet)
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Queries []crossLangQuery `json:"queries"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		t.Fatalf("%s: %v", crossLangSet, err)
	}
	e := crossLangEngine(t)
	type sums struct {
		n                 int
		recall, precision float64
	}
	byDirection := map[string]*sums{}
	var all sums
	for _, q := range set.Queries {
		params := map[string][]string{}
		for k, v := range q.Params {
			params[k] = []string{v}
		}
		req, err := request(params)
		if err != nil {
			t.Fatalf("query %s: %v", q.Name, err)
		}
		req.Size = 10
		resp, err := e.Search(context.Background(), req)
		if err != nil {
			t.Fatalf("query %s: %v", q.Name, err)
		}
		var expect []string
		for _, x := range q.Expect {
			expect = append(expect, x.Section)
		}
		found := 0
		var wrong []string
		for _, h := range resp.Hits {
			if slices.Contains(expect, h.ID) {
				found++
			} else {
				wrong = append(wrong, h.ID)
			}
		}
		recall := float64(found) / float64(min(10, len(expect)))
		precision := 1.0
		if len(resp.Hits) > 0 {
			precision = float64(found) / float64(min(10, len(resp.Hits)))
		}
		if recall < 1 || precision < 1 {
			t.Logf("%s: recall@10 %.2f, precision@10 %.2f; not expected: %v", q.Name, recall, precision, wrong)
		}
		direction := q.FromLang + ">" + q.Params["lang"]
		if byDirection[direction] == nil {
			byDirection[direction] = &sums{}
		}
		for _, s := range []*sums{byDirection[direction], &all} {
			s.n++
			s.recall += recall
			s.precision += precision
		}
	}
	directions := make([]string, 0, len(byDirection))
	for d := range byDirection {
		directions = append(directions, d)
	}
	sort.Strings(directions)
	var lines []string
	for _, d := range directions {
		s := byDirection[d]
		lines = append(lines, fmt.Sprintf("  %-11s %3d queries: recall@10 %.3f, precision@10 %.3f", d, s.n, s.recall/float64(s.n), s.precision/float64(s.n)))
	}
	recall, precision := all.recall/float64(all.n), all.precision/float64(all.n)
	summary := fmt.Sprintf("cross-language: %d queries: recall@10 %.3f, precision@10 %.3f\n%s", all.n, recall, precision, strings.Join(lines, "\n"))
	t.Log(summary)
	fmt.Println(summary)
	if recall < minCrossLangRecall {
		t.Errorf("recall@10 %.3f is below %.2f", recall, minCrossLangRecall)
	}
	if precision < minCrossLangPrecision {
		t.Errorf("precision@10 %.3f is below %.2f", precision, minCrossLangPrecision)
	}
}
