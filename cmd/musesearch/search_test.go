package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"musesearch/search"
	"musesearch/web"
)

func TestSearchCommand(t *testing.T) {
	dir := t.TempDir()
	store := []string{"--corpus", filepath.Join(dir, "corpus"), "--index", filepath.Join(dir, "index")}
	run := func(args ...string) (string, string, error) {
		var stdout, stderr bytes.Buffer
		err := Run(context.Background(), append(append([]string{"search"}, store...), args...), &stdout, &stderr)
		return stdout.String(), stderr.String(), err
	}

	// A fresh directory: the corpus is created and indexed before the search.
	out, _, err := run("--json", "--lang", "ja", "--lang", "zh", "--size", "3", "ALS")
	if err != nil {
		t.Fatalf("search --json: %v", err)
	}
	var resp web.SearchJSON
	if err := json.Unmarshal([]byte(out), &resp); err != nil {
		t.Fatalf("search --json printed no JSON object: %v\n%s", err, out)
	}
	if resp.Query != "ALS" || resp.Total == 0 || len(resp.Hits) == 0 || len(resp.Hits) > 3 {
		t.Errorf("search --json: query %q, total %d, %d hits", resp.Query, resp.Total, len(resp.Hits))
	}
	for _, h := range resp.Hits {
		if h.Lang != "ja" && h.Lang != "zh" {
			t.Errorf("--lang ja --lang zh gave a hit in %s", h.Lang)
		}
	}
	if len(resp.Facets) != len(search.FacetOrder) {
		t.Errorf("facets %v, want every facet", resp.Facets)
	}

	// Readable output to a file: no ANSI codes, no HTML.
	out, _, err = run("--size", "2", "脊髄", "損傷")
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	if !strings.Contains(out, "results for \"脊髄 損傷\"") || !strings.Contains(out, "1. ") || strings.ContainsAny(out, "\x1b<") {
		t.Errorf("readable output:\n%s", out)
	}

	// Cross-language expansion: listed in the JSON and the readable output, and
	// turned off with --expand=false.
	out, _, err = run("--json", "--lang", "en", "--size", "3", "臨床試験")
	if err != nil {
		t.Fatalf("search --json 臨床試験: %v", err)
	}
	resp = web.SearchJSON{}
	if err := json.Unmarshal([]byte(out), &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Total == 0 || !slices.Contains(resp.Expanded, web.ExpansionJSON{Term: "clinical trial", Lang: "en", From: "臨床試験"}) {
		t.Errorf("search --json 臨床試験: total %d, expanded %v; want English hits through “clinical trial”", resp.Total, resp.Expanded)
	}
	out, _, err = run("--size", "1", "臨床試験")
	if err != nil || !strings.Contains(out, "Also searched: clinical study · clinical trial · ") {
		t.Errorf("search 臨床試験: %v, printed\n%s\nwant the terms it was also searched as", err, out)
	}
	out, _, err = run("--json", "--expand=false", "--lang", "en", "臨床試験")
	if err != nil {
		t.Fatalf("search --expand=false: %v", err)
	}
	resp = web.SearchJSON{}
	if err := json.Unmarshal([]byte(out), &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Total != 0 || len(resp.Expanded) != 0 {
		t.Errorf("search --expand=false --lang en 臨床試験: total %d, expanded %v; want nothing", resp.Total, resp.Expanded)
	}

	if out, _, err := run("臨床試検"); err != nil || !strings.Contains(out, `Did you mean "臨床試験"?`) {
		t.Errorf("search 臨床試検: %v, printed\n%s\nwant a suggestion", err, out)
	}
	if _, _, err := run("--expand=maybe", "ALS"); !errors.Is(err, errUsage) {
		t.Errorf("search --expand=maybe: error %v, want a usage error", err)
	}
	for _, args := range [][]string{
		{"--indication", "no-such-disease", "ALS"},
		{"--lang", "fr", "ALS"},
		{"--size", "1000", "ALS"},
		{"--colour", "red", "ALS"},
	} {
		_, stderr, err := run(args...)
		if !errors.Is(err, errUsage) {
			t.Errorf("search %v: error %v, want a usage error", args, err)
		}
		if lines := strings.Count(strings.TrimSpace(stderr), "\n"); !strings.HasPrefix(args[0], "--colour") && lines > 0 {
			t.Errorf("search %v: want one line on stderr, got:\n%s", args, stderr)
		}
	}
}

func TestPassageText(t *testing.T) {
	p := search.Passage{Text: "a S1P & <b>", Marks: []search.Span{{Start: 2, End: 5}}}
	if got, want := passageText(p, false), "a S1P & <b>"; got != want {
		t.Errorf("passageText without colour = %q, want %q", got, want)
	}
	if got, want := passageText(p, true), "a "+styleMatch+"S1P"+styleReset+" & <b>"; got != want {
		t.Errorf("passageText with colour = %q, want %q", got, want)
	}
}
