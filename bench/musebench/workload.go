package musebench

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"musesearch/corpus"
)

// The protocol between musebench and the systems it measures (bench/peers/README.md):
// an exported sections file, a workload file, and the JSON each phase prints.

// exportedSection is one line of the sections file every peer indexes.
type exportedSection struct {
	ID      string        `json:"id"`
	DocID   string        `json:"doc_id"`
	Title   string        `json:"title"`
	Heading string        `json:"heading"`
	Text    string        `json:"text"`
	Lang    string        `json:"lang"`
	Facets  corpus.Facets `json:"facets"`
}

// query is one query of the workload.
type query struct {
	Name    string                    `json:"name"`
	Q       string                    `json:"q"`
	Filters map[corpus.Facet][]string `json:"filters,omitempty"`
	// Facets asks for disjunctive counts of every facet.
	Facets bool `json:"facets"`
	// Group is "doc" for a search grouped by document: the top 10 documents, and the
	// number of documents. The peers do not group: they answer it as the same query
	// of sections (bench/peers/README.md).
	Group string `json:"group,omitempty"`
}

// groupDoc is the Group of a query grouped by document.
const groupDoc = "doc"

// workload is what every system answers in its serve phase.
type workload struct {
	Queries []query `json:"queries"`
	// Warmup rounds are untimed; Repeat rounds are timed. A round runs every query once.
	Warmup int `json:"warmup"`
	Repeat int `json:"repeat"`
	// Add is the section added to measure how soon it is searchable; AddFile and
	// AddData are the same as a corpus file, for systems that read files.
	Add      exportedSection `json:"add"`
	AddFile  string          `json:"add_file"`
	AddData  string          `json:"add_data"`
	AddProbe string          `json:"add_probe"`
	// Suggest are the prefixes asked for suggestions, after the queries, in Warmup
	// untimed and Repeat timed rounds of all of them in order. Only musesearch
	// suggests: the peers ignore them.
	Suggest []prefix `json:"suggest,omitempty"`
}

// prefix is what a user has typed so far into the search box, in the reader's
// language: one request for suggestions.
type prefix struct {
	Text string `json:"text"`
	Lang string `json:"lang"`
}

// indexOutput is what a system's index phase prints.
type indexOutput struct {
	Sections int     `json:"sections"`
	IndexS   float64 `json:"index_s"`
	// Parts says where the index's bytes go, by part (indexParts); only musesearch
	// says.
	Parts map[string]int64 `json:"index_parts,omitempty"`
}

// serveOutput is what a system's serve phase prints.
type serveOutput struct {
	OpenS        float64              `json:"open_s"`
	AddVisibleMS float64              `json:"add_visible_ms"`
	Hits         map[string]int       `json:"hits"`
	SamplesMS    map[string][]float64 `json:"samples_ms"`
	// SuggestMS are the timed suggestion requests, and Suggestions the number of
	// suggestions one round of the prefixes gave.
	SuggestMS   []float64 `json:"suggest_ms,omitempty"`
	Suggestions int       `json:"suggestions,omitempty"`
	// CPUMS holds, by query, the process's CPU time (user and system, every thread)
	// during each timed run of the query; optional.
	CPUMS map[string][]float64 `json:"cpu_ms,omitempty"`
}

// exportSections parses the corpus in dir as musesearch does and writes its sections,
// one JSON object a line, so that every peer indexes the same passages. It returns the
// number of sections and the sections' facet value counts.
func exportSections(dir, out string) (int, map[corpus.Facet]map[string]int, error) {
	docs, errs := corpus.ReadDir(dir)
	if len(errs) > 0 {
		return 0, nil, fmt.Errorf("the generated corpus does not parse: %w (and %d more)", errs[0], len(errs)-1)
	}
	f, err := os.Create(out)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	n := 0
	counts := map[corpus.Facet]map[string]int{}
	for _, d := range docs {
		for _, s := range d.Sections {
			if err := enc.Encode(exportSection(d, s)); err != nil {
				return 0, nil, err
			}
			n++
			for facet, values := range s.Facets {
				if counts[facet] == nil {
					counts[facet] = map[string]int{}
				}
				for _, v := range values {
					counts[facet][v]++
				}
			}
		}
	}
	if err := w.Flush(); err != nil {
		return 0, nil, err
	}
	return n, counts, f.Close()
}

func exportSection(d corpus.Document, s corpus.Section) exportedSection {
	return exportedSection{ID: s.ID, DocID: d.ID, Title: d.Title, Heading: s.Heading, Text: s.Text, Lang: s.Lang, Facets: s.Facets}
}

// The fixed query mix: each query alone, with two facet filters, with the two filters
// and every facet counted disjunctively, and alone grouped by document (musesearch's
// search page groups by document).
var baseQueries = []struct{ name, q string }{
	{"common", "cells"},
	{"rare", ""}, // a registry id the generator says occurs once
	{"and3", "muse safety patients"},
	{"phrase", `"spinal cord injury"`},
	{"japanese", "間葉系幹細胞"},
	{"chinese", "间充质干细胞"},
	// A Japanese name of a disease: musesearch also finds the English and Chinese
	// passages that name it (cross-language search); the peers only the literal ones.
	{"cross", "脊髄損傷"},
}

// suggestWords are typed into the search box one character at a time, each prefix
// asking for suggestions as the page does while a user types: words and phrases of the
// field in each language, with the reader's language the word's own. Japanese and
// Chinese are typed as committed characters (the page asks nothing while an input
// method composes).
var suggestWords = []prefix{
	{"mesenchymal stem cells", "en"},
	{"spinal cord injury", "en"},
	{"clinical trial", "en"},
	{"間葉系幹細胞", "ja"},
	{"脊髄損傷", "ja"},
	{"臨床試験", "ja"},
	{"间充质干细胞", "zh"},
	{"脊髓损伤", "zh"},
	{"临床试验", "zh"},
}

// suggestPrefixes returns every prefix of every suggestWords entry, from its first
// character to the whole, in the order they are typed.
func suggestPrefixes() []prefix {
	var out []prefix
	for _, w := range suggestWords {
		runes := []rune(w.Text)
		for n := 1; n <= len(runes); n++ {
			out = append(out, prefix{Text: string(runes[:n]), Lang: w.Lang})
		}
	}
	return out
}

// filterFacets are the two facets filtered on, each on its most common value.
var filterFacets = []corpus.Facet{corpus.Indication, corpus.CellType}

// newWorkload builds the query mix for one corpus.
func newWorkload(rareTerm string, facetCounts map[corpus.Facet]map[string]int, warmup, repeat int, add exportedSection, addFile, addData, probe string) workload {
	filters := map[corpus.Facet][]string{}
	for _, f := range filterFacets {
		if v, ok := mostCommon(facetCounts[f]); ok {
			filters[f] = []string{v}
		}
	}
	if len(filters) < 2 {
		filters[corpus.Lang] = []string{"en"}
	}
	wl := workload{Warmup: warmup, Repeat: repeat, Add: add, AddFile: addFile, AddData: addData, AddProbe: probe, Suggest: suggestPrefixes()}
	for _, b := range baseQueries {
		q := b.q
		if b.name == "rare" {
			q = rareTerm
		}
		wl.Queries = append(wl.Queries,
			query{Name: b.name, Q: q},
			query{Name: b.name + "+filters", Q: q, Filters: filters},
			query{Name: b.name + "+facets", Q: q, Filters: filters, Facets: true},
			query{Name: b.name + "+doc", Q: q, Group: groupDoc},
		)
	}
	return wl
}

// mostCommon returns the value with the highest count, ties to the smaller value.
func mostCommon(counts map[string]int) (string, bool) {
	values := make([]string, 0, len(counts))
	for v := range counts {
		values = append(values, v)
	}
	if len(values) == 0 {
		return "", false
	}
	slices.SortFunc(values, func(a, b string) int { return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b)) })
	return values[0], true
}

// probeDocument is the document added during the serve phase: one section holding a
// term found nowhere else.
func probeDocument(size int) (name, data, probe string) {
	probe = fmt.Sprintf("zqxprobe%d", size)
	name = fmt.Sprintf("zz_benchmark_probe_%d.md", size)
	data = "# Benchmark probe document\n\n## Added while serving\n\n" +
		"This section was added while the server was answering queries; the term " + probe +
		" appears in no other section of the corpus, so a search for it finds this section only once it is indexed.\n"
	return name, data, probe
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
