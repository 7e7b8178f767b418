package search

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/google/go-cmp/cmp"

	"musesearch/indexer"
)

// TestVectorMarksEqualAnalysis checks that marking a section from the term vectors the
// index keeps (Engine.fetch) finds exactly the matches that analysing its text again
// finds: for the queries of the relevance suite and of the cross-language set, compiled
// as a search compiles them (as written, with quoted phrases translated, and fuzzy), in
// the text and heading of every section each matches in the bundled corpus and the
// cross-language documents.
// It also checks that no text was analysed but where a fuzzy pattern or a Chinese
// text's Japanese field calls for it.
func TestVectorMarksEqualAnalysis(t *testing.T) {
	e := crossLangEngine(t)
	queries := []string{
		// What the sets below may miss: exclusions (never marked), traditional Chinese
		// (folded at index time), a phrase with a stop word, Japanese and mixed text.
		`Muse -ALS`, `stem cells -"bone marrow"`, `幹細胞 -臨床試驗`, `間充質幹細胞`, `"the stroke"`,
		`Muse細胞 ALS`, `CL2020`, `"spinal cord" OR 脊髄`,
	}
	var cases []relevanceCase
	data, err := os.ReadFile("testdata/relevance.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if q, ok := c.Params["q"].(string); ok {
			queries = append(queries, q)
		}
	}
	var set struct{ Queries []crossLangQuery }
	if data, err = os.ReadFile(crossLangSet); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &set); err != nil {
		t.Fatal(err)
	}
	for _, q := range set.Queries {
		queries = append(queries, q.Params["q"])
	}
	slices.Sort(queries)
	queries = slices.Compact(queries)

	ctx := context.Background()
	var texts, marked int
	for _, q := range queries {
		for _, opts := range []compileOptions{{}, {phrases: true}, {fuzzy: true}} {
			_, c, err := e.compileQuery(q, opts)
			if err != nil || c.query == nil {
				continue
			}
			req := bleve.NewSearchRequestOptions(c.query, 10000, 0, false)
			res, err := e.ix.Search(ctx, req)
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			var ids []string
			for _, h := range res.Hits {
				ids = append(ids, h.ID)
			}
			if len(ids) == 0 {
				continue
			}
			analysed := map[string]int{} // by analyser
			fromIndex := &highlighter{rules: c.hl.rules, analyze: func(analyzer, text string) []indexer.Token {
				analysed[analyzer]++
				return e.analyze(analyzer, text)
			}}
			sections, err := e.fetch(ctx, ids, fromIndex)
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			fromText := &highlighter{rules: c.hl.rules, analyze: e.analyze}
			zh := 0
			for _, id := range ids {
				sec := sections[id].sec
				for _, written := range []string{sec.Text, sec.Heading} {
					text := indexedText(sec.Lang, written)
					if text != written {
						zh++
					}
					want, got := fromText.spans(text), fromIndex.spans(text)
					texts++
					if len(want) > 0 {
						marked++
					}
					if !slices.Equal(got, want) {
						t.Errorf("%q %+v, section %s: marks from the index %v, from analysis %v\n%v\n%v", q, opts, id, got, want, snippet(written, got), snippet(written, want))
					}
				}
			}
			for analyzer, n := range analysed {
				fuzzy := slices.ContainsFunc(c.hl.rules, func(r highlightRule) bool { return r.analyzer == analyzer && len(r.fuzzy) > 0 })
				if !fuzzy && (analyzer != indexer.AnalyzerJa || n > zh) {
					t.Errorf("%q %+v: %d texts analysed with %s, want none from a pattern without fuzzy terms", q, opts, n, analyzer)
				}
			}
		}
	}
	t.Logf("%d queries, %d texts and headings compared, %d of them marked", len(queries), texts, marked)
	if marked < 1000 {
		t.Errorf("only %d marked texts compared", marked)
	}
}

// TestFetchReadsStoredFields checks that Engine.fetch, which reads the stored fields of
// a page's sections by number (through its storedCache), gives each section and its
// document as bleve's search request for indexer.StoredFields decodes them, on the bundled corpus and on the generated one (an
// index of several segments, with deleted sections), and nothing for an id the index
// does not hold.
func TestFetchReadsStoredFields(t *testing.T) {
	for name, e := range map[string]*Engine{"bundle": bundleEngine(t), "generated": generatedEngine(t)} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			req := bleve.NewSearchRequestOptions(query.NewMatchAllQuery(), 100_000, 0, false)
			req.Fields = indexer.StoredFields
			res, err := e.ix.Search(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]*storedSection{}
			ids := []string{"no/such#1"}
			for _, h := range res.Hits {
				want[h.ID] = newStoredSection(indexer.DecodeFields(h.ID, h.Fields))
				ids = append(ids, h.ID)
			}
			_, c, err := e.compileQuery("Muse cells", compileOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.fetch(ctx, ids, c.hl)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) < 100 {
				t.Fatalf("only %d sections", len(want))
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(storedSection{})); diff != "" {
				t.Errorf("stored sections (-bleve +fetch):\n%s", diff)
			}
		})
	}
}
