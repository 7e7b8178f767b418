// Command bluge is the bluge peer of musebench: it indexes the benchmark's sections with
// github.com/blugelabs/bluge and answers its workload, speaking the protocol of
// ../README.md.
//
//	bluge index SECTIONS.jsonl INDEX_DIR
//	bluge serve INDEX_DIR WORKLOAD.json
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/blugelabs/bluge"
	"github.com/blugelabs/bluge/analysis"
	"github.com/blugelabs/bluge/analysis/lang/cjk"
	"github.com/blugelabs/bluge/analysis/lang/en"
	"github.com/blugelabs/bluge/search"
	"github.com/blugelabs/bluge/search/aggregations"
)

// Section is one line of the sections file.
type Section struct {
	ID      string              `json:"id"`
	DocID   string              `json:"doc_id"`
	Title   string              `json:"title"`
	Heading string              `json:"heading"`
	Text    string              `json:"text"`
	Lang    string              `json:"lang"`
	Facets  map[string][]string `json:"facets"`
}

// Query is one query of the workload.
type Query struct {
	Name    string              `json:"name"`
	Q       string              `json:"q"`
	Filters map[string][]string `json:"filters"`
	Facets  bool                `json:"facets"`
}

// Workload is what serve answers.
type Workload struct {
	Queries  []Query `json:"queries"`
	Warmup   int     `json:"warmup"`
	Repeat   int     `json:"repeat"`
	Add      Section `json:"add"`
	AddProbe string  `json:"add_probe"`
}

// facetNames are counted by every query with facets.
var facetNames = []string{"indication", "cell_type", "design", "phase", "lang"}

// batchSize is the number of sections written per bluge batch.
const batchSize = 1000

// analysers per language field: bluge has no Japanese morphological analyser, so
// Japanese and Chinese both use its CJK bigram analyser.
var fields = []struct {
	name     string
	analyser *analysis.Analyzer
}{
	{"text_en", en.NewAnalyzer()},
	{"text_ja", cjk.Analyzer()},
	{"text_zh", cjk.Analyzer()},
}

func fieldFor(lang string) int {
	for i, f := range fields {
		if f.name == "text_"+lang {
			return i
		}
	}
	return 0
}

func main() {
	var err error
	switch {
	case len(os.Args) == 4 && os.Args[1] == "index":
		err = runIndex(os.Args[2], os.Args[3])
	case len(os.Args) == 4 && os.Args[1] == "serve":
		err = runServe(os.Args[2], os.Args[3])
	default:
		fmt.Fprintln(os.Stderr, "usage: bluge index SECTIONS.jsonl INDEX_DIR | bluge serve INDEX_DIR WORKLOAD.json")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bluge peer:", err)
		os.Exit(1)
	}
}

func document(s Section) *bluge.Document {
	f := fields[fieldFor(s.Lang)]
	doc := bluge.NewDocument(s.ID)
	doc.AddField(bluge.NewTextField(f.name, s.Title+"\n"+s.Heading+"\n"+s.Text).WithAnalyzer(f.analyser).SearchTermPositions().StoreValue())
	doc.AddField(bluge.NewKeywordField("lang", s.Lang).Aggregatable())
	for facet, values := range s.Facets {
		for _, v := range values {
			doc.AddField(bluge.NewKeywordField(facet, v).Aggregatable())
		}
	}
	return doc
}

func runIndex(sectionsFile, dir string) error {
	in, err := os.Open(sectionsFile)
	if err != nil {
		return err
	}
	defer in.Close()
	start := time.Now()
	w, err := bluge.OpenWriter(bluge.DefaultConfig(dir))
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	batch := bluge.NewBatch()
	n, inBatch := 0, 0
	for sc.Scan() {
		var s Section
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return fmt.Errorf("section %d: %w", n+1, err)
		}
		batch.Insert(document(s))
		n++
		if inBatch++; inBatch == batchSize {
			if err := w.Batch(batch); err != nil {
				return err
			}
			batch.Reset()
			inBatch = 0
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if err := w.Batch(batch); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{"sections": n, "index_s": time.Since(start).Seconds()})
}

// parseQuery splits q into words and quoted phrases.
func parseQuery(q string) []string {
	var parts []string
	for i, chunk := range strings.Split(q, `"`) {
		if i%2 == 1 {
			if strings.TrimSpace(chunk) != "" {
				parts = append(parts, chunk)
			}
			continue
		}
		parts = append(parts, strings.Fields(chunk)...)
	}
	return parts
}

// textQuery ANDs the words and phrases of q, each matched in any language field.
func textQuery(q string) bluge.Query {
	parts := parseQuery(q)
	if len(parts) == 0 {
		return bluge.NewMatchAllQuery()
	}
	all := bluge.NewBooleanQuery()
	for _, p := range parts {
		any := bluge.NewBooleanQuery().SetMinShould(1)
		for _, f := range fields {
			any.AddShould(bluge.NewMatchPhraseQuery(p).SetField(f.name).SetAnalyzer(f.analyser))
		}
		all.AddMust(any)
	}
	return all
}

// withFilters adds the filters of every facet but skip to q.
func withFilters(q bluge.Query, filters map[string][]string, skip string) bluge.Query {
	b := bluge.NewBooleanQuery().AddMust(q)
	for facet, values := range filters {
		if facet == skip {
			continue
		}
		any := bluge.NewBooleanQuery().SetMinShould(1)
		for _, v := range values {
			any.AddShould(bluge.NewTermQuery(v).SetField(facet))
		}
		b.AddMust(any)
	}
	return b
}

// run answers one query and returns its total.
func run(ctx context.Context, r *bluge.Reader, q Query) (int, error) {
	base := textQuery(q.Q)
	req := bluge.NewTopNSearch(10, withFilters(base, q.Filters, "")).WithStandardAggregations()
	if q.Facets {
		for _, facet := range facetNames {
			if _, filtered := q.Filters[facet]; !filtered {
				req.AddAggregation(facet, aggregations.NewTermsAggregation(search.Field(facet), 100))
			}
		}
	}
	total, err := collect(ctx, r, req)
	if err != nil || !q.Facets {
		return total, err
	}
	// Disjunctive counts: a filtered facet is counted without its own filter.
	for facet := range q.Filters {
		side := bluge.NewTopNSearch(0, withFilters(base, q.Filters, facet))
		side.AddAggregation(facet, aggregations.NewTermsAggregation(search.Field(facet), 100))
		if _, err := collect(ctx, r, side); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// collect runs req, reads the stored id and text of its hits and returns the total.
func collect(ctx context.Context, r *bluge.Reader, req *bluge.TopNSearch) (int, error) {
	it, err := r.Search(ctx, req)
	if err != nil {
		return 0, err
	}
	for {
		m, err := it.Next()
		if err != nil {
			return 0, err
		}
		if m == nil {
			break
		}
		// Load the hit's id and text, as a server showing it would.
		if err := m.VisitStoredFields(func(string, []byte) bool { return true }); err != nil {
			return 0, err
		}
	}
	return int(it.Aggregations().Count()), nil
}

func runServe(dir, workloadFile string) error {
	data, err := os.ReadFile(workloadFile)
	if err != nil {
		return err
	}
	var wl Workload
	if err := json.Unmarshal(data, &wl); err != nil {
		return fmt.Errorf("workload: %w", err)
	}
	ctx := context.Background()
	start := time.Now()
	w, err := bluge.OpenWriter(bluge.DefaultConfig(dir))
	if err != nil {
		return err
	}
	defer w.Close()
	r, err := w.Reader()
	if err != nil {
		return err
	}
	if _, err := run(ctx, r, Query{Q: "ready"}); err != nil {
		return err
	}
	openS := time.Since(start).Seconds()

	hits := map[string]int{}
	samples := map[string][]float64{}
	for round := range wl.Warmup + wl.Repeat {
		for _, q := range wl.Queries {
			t := time.Now()
			n, err := run(ctx, r, q)
			if err != nil {
				return fmt.Errorf("query %s: %w", q.Name, err)
			}
			if round >= wl.Warmup {
				samples[q.Name] = append(samples[q.Name], float64(time.Since(t).Microseconds())/1000)
			}
			hits[q.Name] = n
		}
	}
	r.Close()

	t := time.Now()
	if err := w.Update(bluge.Identifier(wl.Add.ID), document(wl.Add)); err != nil {
		return err
	}
	for {
		r, err := w.Reader()
		if err != nil {
			return err
		}
		n, err := run(ctx, r, Query{Q: wl.AddProbe})
		r.Close()
		if err != nil {
			return err
		}
		if n > 0 {
			break
		}
		if time.Since(t) > time.Minute {
			return fmt.Errorf("the added section was not searchable after a minute")
		}
	}
	addMS := float64(time.Since(t).Microseconds()) / 1000
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"open_s": openS, "add_visible_ms": addMS, "hits": hits, "samples_ms": samples,
	})
}
