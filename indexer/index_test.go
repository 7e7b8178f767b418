package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"musesearch/corpus"
	"musesearch/internal/segments"
)

// sampleDocs are hand-made documents in the three languages.
func sampleDocs(source string) []corpus.Document {
	id := source[:len(source)-len(".txt")]
	return []corpus.Document{{
		ID: id, Source: source, Title: "Muse cells for ALS", Date: "2020-10", Lang: "en",
		Tags: []string{"ALS", "Muse Cells"},
		Meta: corpus.Meta{Authors: []string{"Dezawa M", "Abe K"}, Journal: "Cell Transplant", Year: 2020, Date: "2020-10",
			DOI: "10.1177/09636897231214370", PMID: "38014622"},
		Sections: []corpus.Section{
			{
				ID: id + "#1", Heading: "Background", Lang: "en",
				Text:        "Muse cells were infused intravenously in IL-6 knockout mice (NCT01234567).",
				Facets:      corpus.Facets{corpus.Indication: {"als"}, corpus.CellType: {"muse"}, corpus.Design: {"preclinical"}},
				Identifiers: []corpus.Identifier{{Kind: "nct", Value: "NCT01234567"}},
			},
			{
				ID: id + "#2", Heading: "結果", Path: []string{"Background"}, Lang: "ja",
				Text:   "ヒトMuse細胞を脊髄損傷モデルに静脈投与した。",
				Facets: corpus.Facets{corpus.Indication: {"spinal-cord-injury"}},
			},
			{
				ID: id + "#3", Heading: "摘要", Lang: "zh",
				Text:   "间充质干细胞治疗肺纤维化的临床试验。",
				Facets: corpus.Facets{corpus.CellType: {"msc"}, corpus.Phase: {"phase-1", "phase-2"}},
			},
		},
	}}
}

func TestDocumentRoundTrip(t *testing.T) {
	ix := openMem(t)
	ctx := context.Background()
	docs := sampleDocs("a.txt")
	if _, err := ix.ReplaceFile(ctx, "a.txt", nil, docs); err != nil {
		t.Fatal(err)
	}
	got, err := ix.Document(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(docs[0], got); diff != "" {
		t.Errorf("document read back (-indexed +read):\n%s", diff)
	}
	if _, err := ix.Document(ctx, "missing"); !errors.Is(err, corpus.ErrNotFound) {
		t.Errorf("Document(missing): %v, want corpus.ErrNotFound", err)
	}

	// Sections come back in reading order, past 9 and past one page of results.
	long := corpus.Document{ID: "long", Source: "long.txt", Title: "Long", Lang: "en"}
	for i := 1; i <= maxSectionsPerPage+12; i++ {
		long.Sections = append(long.Sections, corpus.Section{ID: fmt.Sprintf("long#%d", i), Text: fmt.Sprint("part ", i), Lang: "en", Facets: corpus.Facets{}})
	}
	if _, err := ix.ReplaceFile(ctx, "long.txt", nil, []corpus.Document{long}); err != nil {
		t.Fatal(err)
	}
	got, err = ix.Document(ctx, "long")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(long, got); diff != "" {
		t.Errorf("long document read back (-indexed +read):\n%s", diff)
	}
}

// matchIDs returns the section ids a query on one field finds, with the field's query
// analyser.
func matchIDs(t *testing.T, ix *Index, field, text string) []string {
	t.Helper()
	var q query.Query
	analyzer := AnalyzerStdQuery
	for _, tf := range TextFields {
		if tf.Name == field {
			analyzer = tf.QueryAnalyzer
		}
	}
	switch field {
	case FieldIdent, FieldIndication, FieldCellType, FieldPhase, FieldLang:
		tq := query.NewTermQuery(text)
		tq.SetField(field)
		q = tq
	default:
		mq := query.NewMatchQuery(text)
		mq.SetField(field)
		mq.Analyzer = analyzer
		mq.SetOperator(query.MatchQueryOperatorAnd)
		q = mq
	}
	req := bleve.NewSearchRequestOptions(q, 100, 0, false)
	res, err := ix.Search(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func TestFieldsFind(t *testing.T) {
	ix := openMem(t)
	if _, err := ix.ReplaceFile(context.Background(), "a.txt", nil, sampleDocs("a.txt")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		field, query string
		want         []string
	}{
		{"body_std", "infusion", []string{"a#1"}},
		{"body_std", "IL-6", []string{"a#1"}},
		{"body_std", "6", []string{"a#1"}}, // the part is indexed beside the compound
		{"body_std", "il-7", nil},
		{"body_std", "Muse", []string{"a#1", "a#2"}}, // Latin words in Japanese text
		{"body_ja", "Muse細胞", []string{"a#2"}},
		{"body_std", "Muse細胞", []string{"a#2"}},
		{"body_ja", "脊髄損傷", []string{"a#2"}},
		{"body_std", "脊髄", []string{"a#2"}},
		{"body_std", "肺", []string{"a#3"}}, // one character inside a word
		{"body_std", "干细胞", []string{"a#3"}},
		{"body_std", "ＭＵＳＥ", []string{"a#1", "a#2"}},
		{"heading_std", "background", []string{"a#1"}},
		{"heading_ja", "結果", []string{"a#2"}},
		// Only Japanese parts are in the Japanese fields.
		{"body_ja", "Muse", []string{"a#2"}},
		{"heading_std", "摘要", []string{"a#3"}},
		{"heading_ja", "摘要", nil},
		// The title and the parent headings are the sections' context.
		{"context_std", "ALS", []string{"a#1", "a#2", "a#3"}},
		{"context_std", "background", []string{"a#2"}},
		{"context_ja", "ALS", []string{"a#2"}},
		{FieldIdent, FoldIdentifier("nct01234567"), []string{"a#1"}},
		{FieldPhase, "phase-2", []string{"a#3"}},
		{FieldLang, "ja", []string{"a#2"}},
	}
	for _, tt := range tests {
		got := matchIDs(t, ix, tt.field, tt.query)
		if diff := cmp.Diff(tt.want, got, sortStrings); diff != "" {
			t.Errorf("%s:%q (-want +got):\n%s", tt.field, tt.query, diff)
		}
	}
	// The year of publication is a number to filter ranges on.
	for _, r := range []struct {
		from, to float64
		n        int
	}{{2019, 2021, 3}, {2021, 2030, 0}} {
		q := query.NewNumericRangeInclusiveQuery(&r.from, &r.to, &[]bool{true}[0], &[]bool{true}[0])
		q.SetField(FieldYear)
		res, err := ix.Search(context.Background(), bleve.NewSearchRequest(q))
		if err != nil {
			t.Fatal(err)
		}
		if int(res.Total) != r.n {
			t.Errorf("year %v-%v: %d sections, want %d", r.from, r.to, res.Total, r.n)
		}
	}
}

// TestChineseFolding checks that the AnalyzerStd fields of Chinese sections hold
// their text folded to simplified characters, heading and body, and that Japanese
// text and the stored text are left as written.
func TestChineseFolding(t *testing.T) {
	ix := openMem(t)
	docs := []corpus.Document{{
		ID: "f", Source: "f.txt", Title: "臨床試驗", Lang: "zh",
		Sections: []corpus.Section{
			{ID: "f#1", Heading: "摘要", Lang: "zh", Text: "一項臨床試驗"},
			{ID: "f#2", Heading: "幹細胞", Lang: "ja", Text: "幹細胞の臨床試験"},
			{ID: "f#3", Heading: "研究對象", Lang: "zh", Text: "干细胞"},
		},
	}}
	if _, err := ix.ReplaceFile(context.Background(), "f.txt", nil, docs); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		field, query string
		want         []string
	}{
		{"body_std", "临床试验", []string{"f#1"}},
		{"body_std", "臨床試驗", nil}, // the index holds the folded form only
		{"body_std", "干细胞", []string{"f#3"}},
		{"body_std", "幹細胞", []string{"f#2"}}, // Japanese, as written
		{"heading_std", "研究对象", []string{"f#3"}},
		{"heading_std", "幹細胞", []string{"f#2"}},
		{"heading_std", "干细胞", nil},
	}
	for _, tt := range tests {
		got := matchIDs(t, ix, tt.field, tt.query)
		if diff := cmp.Diff(tt.want, got, sortStrings, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s:%q (-want +got):\n%s", tt.field, tt.query, diff)
		}
	}
	doc, err := ix.Document(context.Background(), "f")
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Sections[0].Text + doc.Sections[2].Heading; got != "一項臨床試驗研究對象" {
		t.Errorf("stored text %q, want it as written", got)
	}
}

func TestJapanese(t *testing.T) {
	en := corpus.Document{Lang: "en"}
	tests := []struct {
		text     string
		doc      corpus.Document
		sec      corpus.Section
		japanese bool
	}{
		{"Muse cells", en, corpus.Section{Lang: "en"}, false},
		{"间充质干细胞", en, corpus.Section{Lang: "zh"}, false},
		{"Muse細胞の投与", en, corpus.Section{Lang: "en"}, true}, // hiragana
		{"ﾐｭｰｽﾞ細胞", en, corpus.Section{Lang: "zh"}, true},   // half-width katakana
		{"脊髄損傷", en, corpus.Section{Lang: "ja"}, true},
		{"Background", corpus.Document{Lang: "ja"}, corpus.Section{Lang: "en"}, true},
	}
	for _, tt := range tests {
		if got := japanese(tt.text, tt.doc, tt.sec); got != tt.japanese {
			t.Errorf("japanese(%q, doc %s, section %s) = %v, want %v", tt.text, tt.doc.Lang, tt.sec.Lang, got, tt.japanese)
		}
	}
}

var sortStrings = cmpopts.SortSlices(func(a, b string) bool { return a < b })

// TestChineseRelevance runs the Chinese query set behind the choice of bigrams over a
// segmenter: every relevant passage is found, and only the known false positives are
// found besides.
func TestChineseRelevance(t *testing.T) {
	data, err := os.ReadFile("testdata/zh-relevance.json")
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Passages []string
		Queries  []struct {
			Query          string
			Relevant       []int
			FalsePositives []int `json:"false_positives"`
		}
	}
	if err := json.Unmarshal(data, &set); err != nil {
		t.Fatal(err)
	}
	doc := corpus.Document{ID: "zh", Title: "", Lang: "zh"}
	for i, p := range set.Passages {
		doc.Sections = append(doc.Sections, corpus.Section{ID: fmt.Sprintf("zh#%d", i+1), Text: p, Lang: "zh"})
	}
	ix := openMem(t)
	if _, err := ix.ReplaceFile(context.Background(), "zh.txt", nil, []corpus.Document{doc}); err != nil {
		t.Fatal(err)
	}
	var found, relevant int
	for _, q := range set.Queries {
		var want []string
		for _, n := range append(q.Relevant, q.FalsePositives...) {
			want = append(want, fmt.Sprintf("zh#%d", n))
		}
		got := matchIDs(t, ix, "body_std", q.Query)
		if diff := cmp.Diff(want, got, sortStrings, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%q (-want +got):\n%s", q.Query, diff)
		}
		found += len(got)
		relevant += len(q.Relevant)
	}
	t.Logf("%d queries: recall 1.00, precision %.2f (%d/%d)", len(set.Queries), float64(relevant)/float64(found), relevant, found)
}

func TestDuplicateIDs(t *testing.T) {
	ctx := context.Background()
	ix := openMem(t)
	if _, err := ix.ReplaceFile(ctx, "a.txt", nil, sampleDocs("a.txt")); err != nil {
		t.Fatal(err)
	}
	twice := sampleDocs("c.txt")
	twice[0].Sections[1].ID = twice[0].Sections[0].ID
	tests := []struct {
		source string
		docs   []corpus.Document
		want   DuplicateIDError
	}{
		{"a.md", sampleDocs("a.txt"), DuplicateIDError{ID: "a", File: "a.txt"}},
		{"c.txt", twice, DuplicateIDError{ID: "c#1"}},
	}
	for _, tt := range tests {
		_, err := ix.ReplaceFile(ctx, tt.source, nil, tt.docs)
		var dup *DuplicateIDError
		if !errors.As(err, &dup) || *dup != tt.want {
			t.Errorf("ReplaceFile(%s): %v, want %v", tt.source, err, &tt.want)
		}
	}
	if n, _ := ix.DocCount(); n != 3 {
		t.Errorf("the index holds %d sections after refused writes, want 3", n)
	}
}

func TestPhrases(t *testing.T) {
	ix := openMem(t)
	if _, err := ix.ReplaceFile(context.Background(), "a.txt", nil, sampleDocs("a.txt")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		field, phrase string
		want          []string
	}{
		{"body_std", "infused intravenously", []string{"a#1"}},
		{"body_std", "intravenously infused", nil},
		{"body_std", "IL-6 knockout", []string{"a#1"}},
		{"body_std", "IL 6", []string{"a#1"}},
		{"body_std", "脊髄損傷", []string{"a#2"}},
		{"body_ja", "脊髄損傷モデル", []string{"a#2"}},
		{"body_std", "干细胞治疗", []string{"a#3"}},
		{"body_std", "细胞干", nil},
	}
	for _, tt := range tests {
		q := query.NewMatchPhraseQuery(tt.phrase)
		q.SetField(tt.field)
		q.Analyzer = AnalyzerStdQuery
		if strings.HasSuffix(tt.field, "_ja") {
			q.Analyzer = AnalyzerJaQuery
		}
		res, err := ix.Search(context.Background(), bleve.NewSearchRequest(q))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		if diff := cmp.Diff(tt.want, got, sortStrings); diff != "" {
			t.Errorf("%s:%q (-want +got):\n%s", tt.field, tt.phrase, diff)
		}
	}
}

// TestMentions checks the term frequencies of FieldMentions in a real index: one per
// mention of a concept in a section's own heading and text, none for the title or the
// parent headings.
func TestMentions(t *testing.T) {
	doc := corpus.Document{ID: "m", Title: "MSC therapy for stroke", Lang: "en", Sections: []corpus.Section{
		// The heading's mention counts twice; "MSCs" and "MSC", abbreviations, not at all.
		{ID: "m#1", Heading: "Mesenchymal stem cell dose", Path: []string{"Mesenchymal stem cells"}, Lang: "en",
			Text: "MSCs were given after the stroke. The MSC dose was 10^6 cells/kg."},
		// A facet value the section carries (from its context) counts once.
		{ID: "m#2", Heading: "Results", Lang: "en", Text: "Motor scores improved after ischemic stroke and cerebral infarction.",
			Facets: corpus.Facets{corpus.CellType: {"msc"}}},
		{ID: "m#3", Heading: "結果", Lang: "ja", Text: "脳梗塞モデルに間葉系幹細胞を投与した。"},
	}}
	ix := openMem(t)
	if _, err := ix.ReplaceFile(context.Background(), "m.txt", nil, []corpus.Document{doc}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		term string
		want map[string]uint64 // section id → term frequency
	}{
		{"cell_type/msc", map[string]uint64{"m#1": 2, "m#2": 1, "m#3": 1}},
		{"indication/stroke", map[string]uint64{"m#1": 1, "m#2": 2, "m#3": 1}},
		{"design/preclinical", nil},
	}
	for _, tt := range tests {
		got := termFrequencies(t, ix, FieldMentions, tt.term)
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.term, diff)
		}
	}
}

// termFrequencies returns the frequency of term in field for each section holding it.
func termFrequencies(t *testing.T, ix *Index, field, term string) map[string]uint64 {
	t.Helper()
	r := openReader(t, ix.bi)
	defer r.Close()
	tfr, err := r.TermFieldReader(context.Background(), []byte(term), field, true, false, false)
	if err != nil {
		t.Fatal(err)
	}
	defer tfr.Close()
	freqs := map[string]uint64{}
	for {
		tfd, err := tfr.Next(nil)
		if err != nil {
			t.Fatal(err)
		}
		if tfd == nil {
			return freqs
		}
		id, err := r.ExternalID(tfd.ID)
		if err != nil {
			t.Fatal(err)
		}
		freqs[id] = tfd.Freq
	}
}

// openReader opens a reader of bi's current state; the caller closes it.
func openReader(t *testing.T, bi bleve.Index) index.IndexReader {
	t.Helper()
	adv, err := bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDocumentCount counts documents, not sections, through replacements and removals.
func TestDocumentCount(t *testing.T) {
	ctx := context.Background()
	ix := openMem(t)
	two := append(sampleDocs("b.txt"), corpus.Document{ID: "b2", Sections: []corpus.Section{{ID: "b2#1", Text: "cells"}}})
	steps := []struct {
		do                  func() error
		documents, sections uint64
	}{
		{func() error { return nil }, 0, 0},
		{func() error { _, err := ix.ReplaceFile(ctx, "a.txt", nil, sampleDocs("a.txt")); return err }, 1, 3},
		{func() error { _, err := ix.ReplaceFile(ctx, "b.txt", nil, two); return err }, 3, 7},
		{func() error { _, err := ix.ReplaceFile(ctx, "a.txt", nil, sampleDocs("a.txt")); return err }, 3, 7},
		{func() error { _, err := ix.RemoveFile(ctx, "b.txt"); return err }, 1, 3},
	}
	for i, s := range steps {
		if err := s.do(); err != nil {
			t.Fatal(err)
		}
		docs, err := ix.DocumentCount(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sections, _ := ix.DocCount()
		if docs != s.documents || sections != s.sections {
			t.Errorf("step %d: %d documents and %d sections, want %d and %d", i, docs, sections, s.documents, s.sections)
		}
	}
}

// blockingQuery matches nothing, slowly: its searcher waits for the search's context
// to be done, as a search too long for its deadline would run on.
type blockingQuery struct {
	started chan struct{} // closed when the search runs
}

func (q *blockingQuery) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, _ search.SearcherOptions) (search.Searcher, error) {
	none, err := searcher.NewMatchNoneSearcher(r)
	if err != nil {
		return nil, err
	}
	return &blockingSearcher{Searcher: none, ctx: ctx, started: q.started}, nil
}

type blockingSearcher struct {
	search.Searcher
	ctx     context.Context
	started chan struct{}
}

func (s *blockingSearcher) Next(*search.SearchContext) (*search.DocumentMatch, error) {
	close(s.started)
	<-s.ctx.Done()
	return nil, s.ctx.Err()
}

// TestCloseStopsSearches checks that Close stops a search that runs, which returns an
// error saying why, rather than waiting for it to end (a server that is told to stop
// must not hang on a search that runs for minutes); searches after Close are refused.
func TestCloseStopsSearches(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.ReplaceFile(ctx, "a.txt", nil, sampleDocs("a.txt")); err != nil {
		t.Fatal(err)
	}
	q := &blockingQuery{started: make(chan struct{})}
	searched := make(chan error, 1)
	go func() {
		_, err := ix.Search(ctx, bleve.NewSearchRequest(q))
		searched <- err
	}()
	<-q.started
	closed := make(chan error, 1)
	go func() { closed <- ix.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close still waits for a search after 10 s")
	}
	if err := <-searched; !errors.Is(err, ErrClosed) || !errors.Is(err, context.Canceled) {
		t.Errorf("the search stopped by Close: err %v, want one wrapping ErrClosed and context.Canceled", err)
	}
	if _, err := ix.Search(ctx, bleve.NewSearchRequest(query.NewMatchAllQuery())); !errors.Is(err, ErrClosed) {
		t.Errorf("a search after Close: err %v, want ErrClosed", err)
	}
}

func TestTerms(t *testing.T) {
	ix := openMem(t)
	if _, err := ix.ReplaceFile(context.Background(), "a.txt", nil, sampleDocs("a.txt")); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.ReplaceFile(context.Background(), "b.txt", nil, sampleDocs("b.txt")); err != nil {
		t.Fatal(err)
	}
	type term struct {
		Term     string
		Sections uint64
	}
	read := func(field, prefix string, most int) []term {
		var out []term
		err := ix.Terms(field, prefix, func(t string, n uint64) bool {
			out = append(out, term{t, n})
			return len(out) < most
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if diff := cmp.Diff([]term{{"in", 2}, {"infus", 2}, {"intraven", 2}}, read("body_std", "in", 10)); diff != "" {
		t.Errorf("body_std terms from in (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]term{{"in", 2}}, read("body_std", "in", 1)); diff != "" {
		t.Errorf("the first body_std term from in (-want +got):\n%s", diff)
	}
	if got := read("body_std", "zz", 10); len(got) != 0 {
		t.Errorf("terms from zz: %v", got)
	}
	ix.Close()
	if err := ix.Terms("body_std", "in", func(string, uint64) bool { return true }); !errors.Is(err, ErrClosed) {
		t.Errorf("Terms on a closed index: %v, want ErrClosed", err)
	}
}

// TestServingConfig checks that an index opened for serving tells the segment format
// so (segments.Serving), and one opened otherwise does not.
func TestServingConfig(t *testing.T) {
	for _, serving := range []bool{false, true} {
		seg, ok := scorchConfig(serving)["segmentConfig"].(map[string]interface{})
		if !ok {
			t.Fatalf("scorchConfig(%v) has no segment configuration", serving)
		}
		if got, _ := seg[segments.Serving].(bool); got != serving {
			t.Errorf("scorchConfig(%v): %s is %v, want %v", serving, segments.Serving, seg[segments.Serving], serving)
		}
	}
}
