package search

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/google/go-cmp/cmp"

	"musesearch/corpus"
	"musesearch/indexer"
)

// smallCorpus is a hand-made corpus whose every match and count is known.
var smallCorpus = map[string][]corpus.Document{
	"a.txt": {{
		ID: "a", Source: "a.txt", Title: "Muse cells after stroke", Date: "2024-01-01", Lang: "en",
		Sections: []corpus.Section{
			{ID: "a#1", Heading: "Trial design", Lang: "en",
				Text:        "A randomized trial of Muse cells in acute ischemic stroke, registered as NCT01234567.",
				Facets:      corpus.Facets{corpus.Indication: {"stroke"}, corpus.Design: {"rct"}, corpus.Phase: {"phase-2"}, corpus.CellType: {"muse"}},
				Identifiers: []corpus.Identifier{{Kind: "nct", Value: "NCT01234567"}}},
			{ID: "a#2", Heading: "Safety", Lang: "en",
				Text: "No serious adverse events were seen after intravenous infusion.", Facets: corpus.Facets{}},
		},
	}},
	"b.txt": {{
		ID: "b", Source: "b.txt", Title: "幹細胞の研究", Date: "2022-05", Lang: "ja",
		Sections: []corpus.Section{
			{ID: "b#1", Heading: "背景", Lang: "ja", Text: "脳梗塞の患者に Muse 細胞を投与した。",
				Facets: corpus.Facets{corpus.Indication: {"stroke"}, corpus.CellType: {"muse"}, corpus.Design: {"non-randomized"}, corpus.Phase: {"phase-1"}}},
			{ID: "b#2", Heading: "結果", Lang: "ja", Text: "脊髄損傷のモデルマウスで運動機能が改善した。",
				Facets: corpus.Facets{corpus.Indication: {"spinal-cord-injury"}, corpus.Design: {"preclinical"}}},
		},
	}},
	"c.txt": {{
		ID: "c", Source: "c.txt", Title: "干细胞治疗", Lang: "zh",
		Sections: []corpus.Section{
			{ID: "c#1", Lang: "zh", Text: "肌萎缩侧索硬化症患者接受了间充质干细胞治疗。",
				Facets: corpus.Facets{corpus.Indication: {"als"}, corpus.CellType: {"msc"}, corpus.Phase: {"phase-2"}}},
		},
	}},
	"d.txt": {{
		ID: "d", Source: "d.txt", Title: "Stromal cells for joints", Date: "2025-03-02", Lang: "en",
		Sections: []corpus.Section{
			{ID: "d#1", Heading: "Review", Lang: "en",
				Text:        "Mesenchymal stromal cells for osteoarthritis of the knee: a systematic review (doi:10.1000/ABC.123).",
				Facets:      corpus.Facets{corpus.Indication: {"osteoarthritis"}, corpus.CellType: {"msc"}, corpus.Design: {"systematic-review"}},
				Identifiers: []corpus.Identifier{{Kind: "doi", Value: "10.1000/ABC.123"}}},
			{ID: "d#2", Heading: "Outlook", Lang: "en", Text: "Mesenchymal cells may also help spinal cord injury.",
				Facets: corpus.Facets{corpus.Indication: {"spinal-cord-injury"}, corpus.CellType: {"msc"}}},
		},
	}},
}

// small is an engine over an in-memory index of smallCorpus.
var small fixture

// smallEngine returns an engine over an in-memory index of smallCorpus.
func smallEngine(t testing.TB) *Engine {
	t.Helper()
	return small.engine(t, "the small corpus", func() (*Engine, error) { return memEngine(smallCorpus) })
}

// memEngine returns an engine over an in-memory index of files, documents by source.
func memEngine(files map[string][]corpus.Document) (*Engine, error) {
	ctx := context.Background()
	ix, err := indexer.Open(ctx, indexer.Config{})
	if err != nil {
		return nil, err
	}
	for source, docs := range files {
		if _, err := ix.ReplaceFile(ctx, source, nil, docs); err != nil {
			return nil, err
		}
	}
	return New(Config{Index: ix})
}

func hitIDs(resp *Response) []string {
	ids := []string{}
	for _, h := range resp.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func docIDs(resp *Response) []string {
	ids := []string{}
	for _, h := range resp.Hits {
		ids = append(ids, h.DocID)
	}
	return ids
}

func mustSearch(t *testing.T, e *Engine, req Request) *Response {
	t.Helper()
	if req.Size == 0 {
		req.Size = 10
	}
	resp, err := e.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search(%+v): %v", req, err)
	}
	return resp
}

func TestSearchMatches(t *testing.T) {
	e := smallEngine(t)
	tests := []struct {
		query string
		first string   // the expected first hit, "" for none
		want  []string // the expected hits, in any order
	}{
		{"stroke", "a#1", []string{"a#1", "a#2", "b#1"}},    // b#1 through its concept, a#2 its title, below
		{"脳梗塞", "b#1", []string{"a#1", "b#1"}},              // a#1 through its concept, below
		{"NCT01234567", "a#1", []string{"a#1"}},             // identifier, any case
		{"nct01234567", "a#1", []string{"a#1"}},             //
		{"10.1000/abc.123", "d#1", []string{"d#1"}},         // DOI, any case
		{"doi:10.1000/ABC.123", "d#1", []string{"d#1"}},     // with its prefix
		{"Muse -stroke", "b#1", []string{"b#1"}},            // exclusion is literal: b#1 says 脳梗塞
		{"-Muse", "", []string{"b#2", "c#1", "d#1", "d#2"}}, // a#2's title names Muse
		{"infused", "a#2", []string{"a#2"}},                 // stemming
		{`"stromal cells"`, "d#1", []string{"d#1", "d#2"}},  // phrase; d#2 through its title
		{`"cells stromal"`, "", []string{}},                 // phrase order
		{"knee mesenchymal", "d#1", []string{"d#1"}},        // AND
		{"knee OR outlook", "", []string{"d#1", "d#2"}},     // OR, in text or heading
		{"ＭＵＳＥ　細胞", "b#1", []string{"a#1", "b#1"}},          // full width; the two words spell the concept Muse細胞
		{"Muse細胞", "b#1", []string{"a#1", "b#1"}},           // split by the analysers, adjacent; a#1 by its concept
		{"運動", "b#2", []string{"b#2"}},                      // Japanese word
		{"干细胞", "c#1", []string{"c#1"}},                     // Chinese word
		{"髄", "b#2", []string{"b#2"}},                       // one character
		{"the", "", []string{"d#1"}},                        // a function word alone still searches
		{"of the knee", "d#1", []string{"d#1"}},             // function words dropped beside others
		{"AS knee", "", []string{}},                         // a word in capitals is no function word
		{"as knee", "d#1", []string{"d#1"}},
		{"randomized Muse (stroke OR 脳梗塞)", "a#1", []string{"a#1"}}, // groups
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp := mustSearch(t, e, Request{Query: tt.query})
			got := hitIDs(resp)
			if diff := cmp.Diff(tt.want, got, cmp.Transformer("sort", func(s []string) []string {
				s = slices.Clone(s)
				slices.Sort(s)
				return s
			})); diff != "" {
				t.Errorf("hits (-want +got):\n%s", diff)
			}
			if tt.first != "" && (len(got) == 0 || got[0] != tt.first) {
				t.Errorf("first hit: got %v, want %s", got, tt.first)
			}
			if resp.Total != len(tt.want) {
				t.Errorf("total %d, want %d", resp.Total, len(tt.want))
			}
		})
	}
}

func TestSearchFacets(t *testing.T) {
	e := smallEngine(t)
	type counts map[corpus.Facet]map[string]int
	tests := []struct {
		name    string
		filters map[corpus.Facet][]string
		hits    []string
		counts  counts // facets not listed must count nothing
	}{
		{
			name: "no filter",
			hits: []string{"a#1", "a#2", "b#1", "b#2", "c#1", "d#1", "d#2"},
			counts: counts{
				corpus.Indication: {"stroke": 2, "spinal-cord-injury": 2, "als": 1, "osteoarthritis": 1},
				corpus.CellType:   {"muse": 2, "msc": 3},
				corpus.Design:     {"rct": 1, "non-randomized": 1, "preclinical": 1, "systematic-review": 1},
				corpus.Phase:      {"phase-2": 2, "phase-1": 1},
				corpus.Lang:       {"en": 4, "ja": 2, "zh": 1},
			},
		},
		{
			// A facet's own filter does not narrow its counts; the others' do.
			name:    "one facet",
			filters: map[corpus.Facet][]string{corpus.Indication: {"stroke"}},
			hits:    []string{"a#1", "b#1"},
			counts: counts{
				corpus.Indication: {"stroke": 2, "spinal-cord-injury": 2, "als": 1, "osteoarthritis": 1},
				corpus.CellType:   {"muse": 2},
				corpus.Design:     {"rct": 1, "non-randomized": 1},
				corpus.Phase:      {"phase-2": 1, "phase-1": 1},
				corpus.Lang:       {"en": 1, "ja": 1},
			},
		},
		{
			name:    "values of one facet OR-ed, facets AND-ed",
			filters: map[corpus.Facet][]string{corpus.Indication: {"stroke", "als"}, corpus.Phase: {"phase-2"}},
			hits:    []string{"a#1", "c#1"},
			counts: counts{
				corpus.Indication: {"stroke": 1, "als": 1},
				corpus.CellType:   {"muse": 1, "msc": 1},
				corpus.Design:     {"rct": 1},
				corpus.Phase:      {"phase-2": 2, "phase-1": 1},
				corpus.Lang:       {"en": 1, "zh": 1},
			},
		},
		{
			// A selected value nothing carries is still listed, with 0.
			name:    "empty selection",
			filters: map[corpus.Facet][]string{corpus.Lang: {"zh"}, corpus.Design: {"rct"}},
			hits:    []string{},
			counts: counts{
				corpus.Design: {"rct": 0},
				corpus.Lang:   {"en": 1, "zh": 0},
			},
		},
	}
	// Twice over: a filter reads the sets of its values, shared by every search, and
	// must leave them as they were.
	for _, tt := range append(tests, tests...) {
		t.Run(tt.name, func(t *testing.T) {
			resp := mustSearch(t, e, Request{Filters: tt.filters, Size: 100})
			got := hitIDs(resp)
			slices.Sort(got)
			if diff := cmp.Diff(tt.hits, got); diff != "" {
				t.Errorf("hits (-want +got):\n%s", diff)
			}
			for _, f := range FacetOrder {
				values, ok := resp.Facets[f]
				if !ok || values == nil {
					t.Errorf("facet %s missing from the response", f)
				}
				gotCounts := map[string]int{}
				for _, v := range values {
					gotCounts[v.Value] = v.Count
					if v.Label == "" {
						t.Errorf("facet %s value %s has no label", f, v.Value)
					}
				}
				want := tt.counts[f]
				if want == nil {
					want = map[string]int{}
				}
				if diff := cmp.Diff(want, gotCounts); diff != "" {
					t.Errorf("facet %s counts (-want +got):\n%s", f, diff)
				}
				if !slices.IsSortedFunc(values, func(a, b FacetCount) int { return b.Count - a.Count }) {
					t.Errorf("facet %s is not sorted by count: %v", f, values)
				}
			}
		})
	}
}

func TestSearchOrderAndPaging(t *testing.T) {
	e := smallEngine(t)
	t.Run("date", func(t *testing.T) {
		resp := mustSearch(t, e, Request{Sort: SortDate, Size: 100})
		var docs []string
		for _, h := range resp.Hits {
			if len(docs) == 0 || docs[len(docs)-1] != h.DocID {
				docs = append(docs, h.DocID)
			}
		}
		if diff := cmp.Diff([]string{"d", "a", "b", "c"}, docs); diff != "" {
			t.Errorf("documents by date, newest first and undated last (-want +got):\n%s", diff)
		}
	})
	t.Run("reading order", func(t *testing.T) {
		// A query that matches everything lists it as it is read: no passage is
		// better than another, whatever its language.
		want := []string{"a#1", "a#2", "b#1", "b#2", "c#1", "d#1", "d#2"}
		if diff := cmp.Diff(want, hitIDs(mustSearch(t, e, Request{Size: 100}))); diff != "" {
			t.Errorf("every section (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"a", "b", "c", "d"}, docIDs(mustSearch(t, e, Request{Size: 100, GroupByDoc: true}))); diff != "" {
			t.Errorf("every document (-want +got):\n%s", diff)
		}
	})
	t.Run("date grouped", func(t *testing.T) {
		resp := mustSearch(t, e, Request{Sort: SortDate, Size: 100, GroupByDoc: true})
		if diff := cmp.Diff([]string{"d", "a", "b", "c"}, docIDs(resp)); diff != "" {
			t.Errorf("documents by date, newest first and undated last (-want +got):\n%s", diff)
		}
		if resp.Undated != 1 {
			t.Errorf("%d undated documents, want 1 (c)", resp.Undated)
		}
		if sections := mustSearch(t, e, Request{Query: "cells OR 細胞 OR 干细胞", Sort: SortDate}); sections.Undated != 1 {
			t.Errorf("%d undated sections of %d, want 1 (c#1)", sections.Undated, sections.Total)
		}
		if relevance := mustSearch(t, e, Request{GroupByDoc: true}); relevance.Undated != 0 {
			t.Errorf("sorted by relevance, Undated is %d", relevance.Undated)
		}
	})
	t.Run("group", func(t *testing.T) {
		resp := mustSearch(t, e, Request{GroupByDoc: true, Size: 100})
		got := map[string]int{}
		for _, h := range resp.Hits {
			got[h.DocID] = h.Matches
		}
		if diff := cmp.Diff(map[string]int{"a": 2, "b": 2, "c": 1, "d": 2}, got); diff != "" {
			t.Errorf("matching sections per document (-want +got):\n%s", diff)
		}
		if resp.Total != 4 {
			t.Errorf("total %d, want 4 documents", resp.Total)
		}
	})
	for _, group := range []bool{false, true} {
		t.Run(fmt.Sprintf("pages group=%v", group), func(t *testing.T) {
			all := mustSearch(t, e, Request{Query: "-zzz", GroupByDoc: group, Size: 100})
			var paged []string
			for page := 1; page <= 5; page++ {
				resp := mustSearch(t, e, Request{Query: "-zzz", GroupByDoc: group, Page: page, Size: 2})
				if resp.Total != all.Total {
					t.Errorf("page %d: total %d, want %d", page, resp.Total, all.Total)
				}
				paged = append(paged, hitIDs(resp)...)
			}
			if diff := cmp.Diff(hitIDs(all), paged); diff != "" {
				t.Errorf("pages of 2 differ from one page (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPromote(t *testing.T) {
	match := func(id string, score float64) *bsearch.DocumentMatch {
		return &bsearch.DocumentMatch{ID: id, Score: score}
	}
	ranked := []*bsearch.DocumentMatch{match("en1", 9), match("en2", 8), match("en3", 7), match("ja1", 2), match("zh1", 1)}
	tests := []struct {
		name string
		best []*bsearch.DocumentMatch
		want []string
	}{
		{"one language", []*bsearch.DocumentMatch{match("en1", 9)}, []string{"en1", "en2", "en3", "ja1", "zh1"}},
		{"best of each first, by score", []*bsearch.DocumentMatch{match("zh1", 1), match("en1", 9), match("ja1", 2)}, []string{"en1", "ja1", "zh1", "en2", "en3"}},
		{"already on top", []*bsearch.DocumentMatch{match("en1", 9), match("en2", 8)}, []string{"en1", "en2", "en3", "ja1", "zh1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, h := range promote(slices.Clone(ranked), tt.best, func(h *bsearch.DocumentMatch) string { return h.ID }) {
				got = append(got, h.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("promote (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSearchHits(t *testing.T) {
	e := smallEngine(t)
	resp := mustSearch(t, e, Request{Query: "脳梗塞"})
	want := Hit{
		ID: "b#1", DocID: "b", Source: "b.txt", Title: "幹細胞の研究", Section: "背景", Lang: "ja", DocLang: "ja", Date: "2022-05",
		Snippet: Passage{Text: "脳梗塞の患者に Muse 細胞を投与した。", Marks: []Span{{0, len("脳梗塞")}}},
		Facets:  corpus.Facets{corpus.Indication: {"stroke"}, corpus.CellType: {"muse"}, corpus.Design: {"non-randomized"}, corpus.Phase: {"phase-1"}},
	}
	if diff := cmp.Diff(want, resp.Hits[0], cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Score" }, cmp.Ignore())); diff != "" {
		t.Errorf("first hit (-want +got):\n%s", diff)
	}
	// The English hit matched through the concept: its own words for it are marked.
	if len(resp.Hits) < 2 || marked(resp.Hits[1].Snippet) != "A randomized trial of Muse cells in acute <mark>ischemic stroke</mark>, registered as NCT01234567." {
		t.Errorf("concept hit snippet: %+v", resp.Hits[1:])
	}
	if resp.Hits[0].Score <= resp.Hits[1].Score {
		t.Errorf("literal hit scores %v, concept hit %v: want literal above", resp.Hits[0].Score, resp.Hits[1].Score)
	}
}

func TestSearchFuzzy(t *testing.T) {
	e := smallEngine(t)
	resp := mustSearch(t, e, Request{Query: "mesenchymall knee"})
	if !resp.Fuzzy || resp.Suggestion != "mesenchymal knee" {
		t.Errorf("fuzzy %v, suggestion %q; want true, %q", resp.Fuzzy, resp.Suggestion, "mesenchymal knee")
	}
	if diff := cmp.Diff([]string{"d#1"}, hitIDs(resp)); diff != "" {
		t.Errorf("hits (-want +got):\n%s", diff)
	}
	// Exact matches are never replaced by fuzzy ones; short words are not retried.
	for _, q := range []string{"knee", "kne", "脊髄損傷症候群"} {
		if resp := mustSearch(t, e, Request{Query: q}); resp.Fuzzy {
			t.Errorf("%s: fuzzy retry, want none", q)
		}
	}
}

func TestSearchBadRequests(t *testing.T) {
	e := smallEngine(t)
	long := ""
	for i := range maxUnits + 1 {
		long += fmt.Sprintf("w%d ", i)
	}
	for _, req := range []Request{
		{Query: "x", Size: -1},
		{Query: "x", Size: 10, Sort: "title"},
		{Query: "x", Size: 10, Filters: map[corpus.Facet][]string{corpus.Indication: {"no-such-thing"}}},
		{Query: "x", Size: 10, Filters: map[corpus.Facet][]string{corpus.Lang: {"fr"}}},
		{Query: "x", Size: 10, Filters: map[corpus.Facet][]string{"colour": {"red"}}},
		{Query: "x", Size: 100, Page: maxWindow},
		{Query: long, Size: 10},
	} {
		_, err := e.Search(context.Background(), req)
		var reqErr *RequestError
		if !errors.As(err, &reqErr) || !errors.Is(err, ErrBadRequest) || reqErr.Reason == "" {
			t.Errorf("Search(%+v) = %v, want a *RequestError", req, err)
		}
	}
	// Lenient reading: these are answered.
	for _, q := range []string{`"unclosed`, "-", "OR OR", "((", "))", `"(-OR`, "\x00", "\xff"} {
		if _, err := e.Search(context.Background(), Request{Query: q, Size: 10}); err != nil {
			t.Errorf("Search(%q): %v", q, err)
		}
	}
	if resp := mustSearch(t, e, Request{Query: "x", Size: 1000}); resp.Size != MaxSize {
		t.Errorf("size 1000 answered with size %d, want %d", resp.Size, MaxSize)
	}
}

func TestDocument(t *testing.T) {
	e := smallEngine(t)
	doc, err := e.Document(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != smallCorpus["a.txt"][0].Title || len(doc.Sections) != 2 || doc.Sections[0].ID != "a#1" || doc.Sections[1].Text != smallCorpus["a.txt"][0].Sections[1].Text {
		t.Errorf("Document(a) = %+v", doc)
	}
	if _, err := e.Document(context.Background(), "nope"); !errors.Is(err, corpus.ErrNotFound) {
		t.Errorf("Document(nope) = %v, want ErrNotFound", err)
	}
}

func TestMatches(t *testing.T) {
	e := smallEngine(t)
	text := "第一段落の脊髄。\n\n<第二段落>の脊髄"
	got := e.Matches("脊髄", text)
	first := strings.Index(text, "脊髄")
	last := strings.LastIndex(text, "脊髄")
	if want := []Span{{first, first + len("脊髄")}, {last, len(text)}}; !slices.Equal(got, want) {
		t.Errorf("Matches = %v, want %v", got, want)
	}
}

func TestSearchConcurrent(t *testing.T) {
	e := smallEngine(t)
	queries := []string{"stroke", "脳梗塞", "Muse -stroke", "mesenchymall", ""}
	var wg sync.WaitGroup
	want := make([]int, len(queries))
	for i, q := range queries {
		want[i] = mustSearch(t, e, Request{Query: q}).Total
	}
	for w := range 8 {
		wg.Go(func() {
			for i := range 20 {
				q := (w + i) % len(queries)
				resp, err := e.Search(context.Background(), Request{Query: queries[q], Size: 10, Filters: map[corpus.Facet][]string{corpus.Lang: {"en", "ja", "zh"}}})
				if err != nil || resp.Total != want[q] {
					t.Errorf("concurrent %q: total %v, err %v; want %d", queries[q], resp, err, want[q])
					return
				}
			}
		})
	}
	wg.Wait()
}

// FuzzSearch checks that no query makes the engine fail or panic: every query is
// answered, or refused as a *RequestError.
func FuzzSearch(f *testing.F) {
	for _, seed := range []string{"stroke", `"spinal cord" -mouse`, "(a OR (b -c)", "ＡＬＳ　脊髄", "mesenchymall", "-", "10.1000/abc.123", "NOT (", "\xff"} {
		f.Add(seed)
	}
	// Long repeated phrases: quoted, as CJK without spaces, hyphenated.
	for _, seed := range []string{`"` + strings.Repeat("a ", 249) + `"`, strings.Repeat("細胞", 250), `"` + strings.Repeat("細胞", 40) + `"`, strings.Repeat("the-", 124), strings.Repeat("stroke-脊髄", 50)} {
		f.Add(seed)
	}
	e := smallEngine(f)
	f.Fuzz(func(t *testing.T, q string) {
		resp, err := e.Search(context.Background(), Request{Query: q, Size: 5})
		var reqErr *RequestError
		if err != nil && !errors.As(err, &reqErr) {
			t.Fatalf("Search(%q): %v", q, err)
		}
		if err == nil && (resp.Hits == nil || len(resp.Facets) != len(FacetOrder)) {
			t.Fatalf("Search(%q): malformed response %+v", q, resp)
		}
	})
}

// TestSearchTitleContext checks that a section matches a query whose words are spread
// over its document's title, its parent headings and its own text, below the sections
// whose own text holds them all.
func TestSearchTitleContext(t *testing.T) {
	ctx := context.Background()
	ix, err := indexer.Open(ctx, indexer.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := map[string]corpus.Document{
		"miles": {ID: "miles", Source: "miles.txt", Title: "Multicenter Trial of Stem Cell Therapy for Osteoarthritis (MILES)", Lang: "en",
			Sections: []corpus.Section{
				{ID: "miles#1", Heading: "Design", Lang: "en", Text: "Patients with knee osteoarthritis receive stem cell injections in this trial.", Facets: corpus.Facets{}},
				{ID: "miles#2", Path: []string{"Design"}, Heading: "Outcomes", Lang: "en", Text: "Pain and function at twelve months.", Facets: corpus.Facets{}},
			}},
		"other": {ID: "other", Source: "other.txt", Title: "Knee injections", Lang: "en",
			Sections: []corpus.Section{
				{ID: "other#1", Lang: "en", Text: "A stem cell trial in knee osteoarthritis.", Facets: corpus.Facets{}},
			}},
		"safety": {ID: "safety", Source: "safety.txt", Title: "间充质干细胞(MSC)临床研究安全性评估报告", Lang: "zh",
			Sections: []corpus.Section{
				{ID: "safety#1", Heading: "目的", Lang: "zh", Text: "评估间充质干细胞在临床研究中的不良反应和致瘤性。", Facets: corpus.Facets{}},
			}},
		"own": {ID: "own", Source: "own.txt", Title: "Knee report", Lang: "en",
			Sections: []corpus.Section{
				{ID: "own#1", Lang: "en", Text: "Safety of stem cells in knee osteoarthritis.", Facets: corpus.Facets{}},
			}},
		"titled": {ID: "titled", Source: "titled.txt", Title: "Safety of stem cells", Lang: "en",
			Sections: []corpus.Section{
				{ID: "titled#1", Lang: "en", Text: "Results in knee osteoarthritis patients.", Facets: corpus.Facets{}},
			}},
	}
	for _, d := range docs {
		if _, err := ix.ReplaceFile(ctx, d.Source, nil, []corpus.Document{d}); err != nil {
			t.Fatal(err)
		}
	}
	e, err := New(Config{Index: ix})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query    string
		want     []string // in rank order
		anyOrder bool
	}{
		// Every word is in the title: every section of the record, the one whose own
		// text holds most of them first.
		{"MILES osteoarthritis stem cell trial", []string{"miles#1", "miles#2"}, false},
		{"MILES pain", []string{"miles#2"}, false},                                // the title and the section's text
		{"design pain", []string{"miles#2"}, false},                               // a parent heading and the text
		{"间充质干细胞 安全性 评估", []string{"safety#1"}, false},                            // 安全性 only in the title
		{"safety stem cells knee", []string{"own#1", "titled#1"}, false},          // own words rank first
		{"osteoarthritis -MILES", []string{"own#1", "titled#1", "other#1"}, true}, // an exclusion reads the title too
	}
	for _, tt := range tests {
		resp := mustSearch(t, e, Request{Query: tt.query})
		got := hitIDs(resp)
		if tt.anyOrder {
			slices.Sort(got)
			slices.Sort(tt.want)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: hits (-want +got):\n%s", tt.query, diff)
		}
	}
}

// TestLongPhrases runs the longest phrases a query can hold over thousands of
// sections. A quoted phrase of more than maxPhraseTerms positions is refused with a
// sentence that says what to do; a word as long (Japanese without spaces, a
// hyphenated compound) is matched by pieces, and still finds the text it was copied
// from. Each is answered well within a deadline that quadratic phrase matching
// missed by seconds.
func TestLongPhrases(t *testing.T) {
	e := copiedEngine(t)
	repeat := func(s string, n int, sep string) string {
		return strings.TrimSuffix(strings.Repeat(s+sep, n), sep)
	}
	const sentence = "筋萎縮性側索硬化症（ALS）は中年期以降に発症することが多く、運動ニューロンが選択的に変性脱落するために、四肢筋力低下と筋萎縮、構音障害と嚥下障害が出現し、やがて呼吸筋麻痺による呼吸不全が進行し、通常発症から"
	const title = `"Spinal Cord Injury (SCI) is one of medicine’s most formidable challenges, often leading to devastating and long-lasting motor, sensory, and bladder impairments. For decades, finding effective treatments for SCI has been a primary goal for researchers"`
	tests := []struct {
		query   string
		refused bool
		first   string // the first hit's section, in any copy of the bundle
	}{
		{`"` + repeat("a", 249, " ") + `"`, true, ""},
		{`"` + repeat("cell", 65, " ") + `"`, true, ""},
		{`"` + repeat("細胞", 33, "") + `"`, true, ""}, // 66 characters, 65 bigrams
		{`stroke -"` + repeat("a", 249, " ") + `"`, true, ""},
		{`"` + repeat("cell", 64, " ") + `"`, false, ""},
		{`"` + repeat("細胞", 32, "") + `細"`, false, ""}, // 65 characters, 64 bigrams
		{repeat("細胞", 250, ""), false, ""},
		{repeat("the", 124, "-"), false, ""},
		{repeat("a", 249, "-"), false, ""},
		{repeat("a", 249, " "), false, ""},
		{sentence, false, "003_0b74e965ce623bb2#4"},
		{title, false, "001_30820c3bc988c05e#1"},
	}
	for _, tc := range tests {
		name := abbreviate(tc.query, 30)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		began := time.Now()
		resp, err := e.Search(ctx, Request{Query: tc.query, Size: 10})
		took := time.Since(began)
		cancel()
		var reqErr *RequestError
		switch {
		case tc.refused && !errors.As(err, &reqErr):
			t.Errorf("%s: err %v, want a *RequestError", name, err)
		case tc.refused && !strings.Contains(err.Error(), fmt.Sprintf("at most %d words", maxPhraseTerms)):
			t.Errorf("%s: %q does not give the limit", name, err)
		case tc.refused:
		case errors.Is(err, context.DeadlineExceeded) || took > 2*time.Second:
			t.Errorf("%s: answered in %v, want within 2 s", name, took)
		case err != nil:
			t.Errorf("%s: %v", name, err)
		case tc.first != "" && (len(resp.Hits) == 0 || !strings.HasSuffix(resp.Hits[0].ID, "_"+tc.first)):
			t.Errorf("%s: hits %v, want a copy of %s first", name, hitIDs(resp), tc.first)
		}
	}
}

// TestSearchCutShort checks that a search whose context is done stops with an error
// that says why, whichever way the query goes (phrases, CJK, a fuzzy retry).
func TestSearchCutShort(t *testing.T) {
	e := copiedEngine(t)
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, q := range []string{"cells", `"stem cells"`, "脊髄損傷", strings.Repeat("細胞", 250), "mesenchymall", ""} {
		if _, err := e.Search(expired, Request{Query: q, Size: 10}); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%.20q past its deadline: err %v, want one wrapping context.DeadlineExceeded", q, err)
		}
		if _, err := e.Search(cancelled, Request{Query: q, Size: 10, GroupByDoc: true}); !errors.Is(err, context.Canceled) {
			t.Errorf("%.20q cancelled: err %v, want one wrapping context.Canceled", q, err)
		}
	}
}

// TestCompileCostIsLinear compiles queries of 16 and 64 words that name concepts of
// the vocabulary and checks that the work, counted in allocations, grows no faster
// than the words: finding the concepts several words name read every run of words,
// and grew with the cube of the query's length (274 ms to compile 64 names).
func TestCompileCostIsLinear(t *testing.T) {
	e := bundleEngine(t)
	names := vocabularyNames(true, corpus.Languages...)
	if len(names) < 64 {
		t.Fatalf("the vocabulary has %d names, want 64 or more", len(names))
	}
	allocs := func(n int) float64 {
		tree := Parse(strings.Join(names[:n], " "))
		return testing.AllocsPerRun(2, func() { e.compile(tree, compileOptions{}) })
	}
	short, long := allocs(16), allocs(64)
	t.Logf("%.0f allocations for 16 names, %.0f for 64", short, long)
	if long > 5*short {
		t.Errorf("compiling 64 names costs %.0f allocations, 16 names %.0f: more than linear", long, short)
	}
}

// TestFuzzyRetryIsBounded checks that a fuzzy retry of a long query makes at most
// maxFuzzyWords of its words fuzzy: each costs a walk of the terms of every segment
// (64 misspelt words took 0.9 s on 10 MB of Japanese), and a query of more words was
// pasted, not typed with a slip.
func TestFuzzyRetryIsBounded(t *testing.T) {
	e := bundleEngine(t)
	var words []string
	for i := range 64 {
		words = append(words, fmt.Sprintf("mesenchymal%c%c", 'a'+i%26, 'a'+i/26))
	}
	c := e.compile(Parse(strings.Join(words, " ")), compileOptions{fuzzy: true})
	fuzzy := 0
	for _, u := range c.units {
		if u.fuzzy > 0 {
			fuzzy++
		}
	}
	if fuzzy != maxFuzzyWords {
		t.Errorf("%d of 64 words made fuzzy, want %d", fuzzy, maxFuzzyWords)
	}
	// A short query is retried as before.
	resp := mustSearch(t, e, Request{Query: "mesenchymall therapyy", Size: 1})
	if !resp.Fuzzy || resp.Total == 0 {
		t.Errorf("mesenchymall therapyy: fuzzy %v, total %d; want a fuzzy retry with hits", resp.Fuzzy, resp.Total)
	}
}

func TestCostly(t *testing.T) {
	for q, want := range map[string]bool{
		"ALS":                         false,
		"Muse cells":                  false,
		`"spinal cord injury" -mouse`: false,
		"脊髄損傷":                        false,
		"間葉系幹細胞 臨床試験":                 false,
		strings.Repeat("細胞", 8):       true,
		`"` + strings.Repeat("stem cell ", 8) + `"`: true,
		"a b c d e f g h": true,
		"cells OR stem OR x OR y OR z OR w OR v OR u": true,
		"-x -y -z -w -v -u -t cells":                  true,
	} {
		if got := Costly(q); got != want {
			t.Errorf("Costly(%q) = %v, want %v", q, got, want)
		}
	}
}

// TestSearchYears checks the year filters: documents of the years asked for, facet
// counts within them (and still disjunctive), and a clear error for a bad range.
func TestSearchYears(t *testing.T) {
	e := smallEngine(t)
	tests := []struct {
		from, to int
		filters  map[corpus.Facet][]string
		want     []string
	}{
		{2023, 0, nil, []string{"a#1", "a#2", "d#1", "d#2"}},
		{0, 2022, nil, []string{"b#1", "b#2"}},
		{2022, 2024, nil, []string{"a#1", "a#2", "b#1", "b#2"}},
		{2025, 2025, map[corpus.Facet][]string{corpus.Indication: {"osteoarthritis"}}, []string{"d#1"}},
	}
	for _, tt := range tests {
		resp := mustSearch(t, e, Request{YearFrom: tt.from, YearTo: tt.to, Filters: tt.filters})
		got := hitIDs(resp)
		slices.Sort(got)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("years %d-%d %v (-want +got):\n%s", tt.from, tt.to, tt.filters, diff)
		}
	}
	// Counts within the years, disjunctive within a facet: with osteoarthritis
	// selected, the 2025 sections of the other indication still count.
	resp := mustSearch(t, e, Request{YearFrom: 2025, Filters: map[corpus.Facet][]string{corpus.Indication: {"osteoarthritis"}}})
	counts := map[string]int{}
	for _, c := range resp.Facets[corpus.Indication] {
		counts[c.Value] = c.Count
	}
	if counts["osteoarthritis"] != 1 || counts["spinal-cord-injury"] != 1 || counts["stroke"] != 0 {
		t.Errorf("indication counts within 2025 = %v, want osteoarthritis 1, spinal-cord-injury 1, stroke 0", counts)
	}
	for _, bad := range []Request{{YearFrom: 1799}, {YearTo: 2101}, {YearFrom: 2024, YearTo: 2020}} {
		_, err := e.Search(context.Background(), bad)
		var re *RequestError
		if !errors.As(err, &re) {
			t.Errorf("Search(years %d-%d) error = %v, want a *RequestError", bad.YearFrom, bad.YearTo, err)
		}
	}
}

// TestSearchExportSize checks the bounds of a page: MaxSize, or MaxExport for an export.
func TestSearchExportSize(t *testing.T) {
	e := smallEngine(t)
	for _, tt := range []struct {
		req  Request
		want int
	}{
		{Request{Size: 1000}, MaxSize},
		{Request{Size: 1000, Export: true}, 1000},
		{Request{Size: 1 << 30, Export: true}, MaxExport},
	} {
		resp := mustSearch(t, e, tt.req)
		if resp.Size != tt.want {
			t.Errorf("%+v: size %d, want %d", tt.req, resp.Size, tt.want)
		}
	}
}
