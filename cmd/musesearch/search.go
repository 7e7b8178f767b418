package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/search"
	"musesearch/web"
)

// facetFlags are the repeatable filter flags of search, by facet.
var facetFlags = []struct {
	name  string
	facet corpus.Facet
}{
	{"indication", corpus.Indication},
	{"cell-type", corpus.CellType},
	{"design", corpus.Design},
	{"phase", corpus.Phase},
	{"lang", corpus.Lang},
}

// valueList is a flag that may be repeated; each use adds a value.
type valueList []string

func (v *valueList) String() string { return strings.Join(*v, ",") }

func (v *valueList) Set(s string) error {
	*v = append(*v, s)
	return nil
}

// runSearch answers one query from the command line: readable hits, or with --json the
// object GET /api/search returns.
func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("search", stderr)
	var store storeFlags
	store.Flags(fs)
	asJSON := fs.Bool("json", false, "print the JSON object GET /api/search returns")
	size := fs.Int("size", 10, fmt.Sprintf("number of hits to show, at most %d", search.MaxSize))
	expand := fs.Bool("expand", true, "also search the glossary's translations of the query's words in the other languages (--expand=false: only what is typed)")
	filters := make([]valueList, len(facetFlags))
	for i, ff := range facetFlags {
		fs.Var(&filters[i], ff.name, "keep only hits with this "+ff.name+" id (repeatable; values of one facet are OR-ed)")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	req := search.Request{
		Query:   strings.Join(fs.Args(), " "),
		Filters: map[corpus.Facet][]string{},
		Page:    1,
		Size:    *size,
		Sort:    search.SortRelevance,
		Literal: !*expand,
	}
	if *size < 0 || *size > search.MaxSize {
		fmt.Fprintf(stderr, "musesearch search: --size must be from 0 to %d\n", search.MaxSize)
		return errUsage
	}
	for i, ff := range facetFlags {
		for _, v := range filters[i] {
			if err := search.CheckFilter(ff.facet, v); err != nil {
				fmt.Fprintf(stderr, "musesearch search: --%s: %v\n", ff.name, err)
				return errUsage
			}
			req.Filters[ff.facet] = append(req.Filters[ff.facet], v)
		}
	}
	if err := store.prepare(stderr); err != nil {
		return err
	}
	ix, err := indexer.Open(ctx, indexer.Config{
		Dir:        store.IndexDir,
		CorpusDir:  store.CorpusDir,
		Owner:      "musesearch search",
		LockedHint: "wait for it to finish",
		Logger:     newLogger(stderr),
	})
	var locked *indexer.LockedError
	if errors.As(err, &locked) && locked.Owner.URL != "" {
		// A server holds the index: it keeps the index in line with the corpus, so
		// its answer is as fresh as a search of our own would be.
		return searchServer(ctx, locked.Owner.URL, req, *asJSON, stdout, stderr)
	}
	if err != nil {
		return err
	}
	defer ix.Close()
	// The corpus directory is the source of truth: bring the index in line with it
	// first, so that a search never answers from a stale index.
	if _, err := ix.Sync(ctx, store.CorpusDir, nil); err != nil {
		return err
	}
	engine, err := search.New(search.Config{Index: ix, Logger: newLogger(stderr)})
	if err != nil {
		return err
	}
	resp, err := engine.Search(ctx, req)
	var reqErr *search.RequestError
	if errors.As(err, &reqErr) {
		fmt.Fprintln(stderr, "musesearch search:", reqErr)
		return errUsage
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return web.EncodeSearch(stdout, resp)
	}
	printHits(stdout, resp, isTerminal(stdout))
	return nil
}

// isTerminal reports whether w is a terminal that takes colours.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	_, noColor := os.LookupEnv("NO_COLOR")
	return ok && !noColor && term.IsTerminal(int(f.Fd()))
}

// ANSI styles for a terminal.
const (
	styleMatch = "\x1b[1;33m" // bold yellow
	styleTitle = "\x1b[1m"
	styleDim   = "\x1b[2m"
	styleReset = "\x1b[0m"
)

// printHits writes the hits for a person: a count line, then per hit its title,
// section, language and snippet, matches emphasised when color is set.
func printHits(w io.Writer, resp *search.Response, color bool) {
	style := func(s, code string) string {
		if !color {
			return s
		}
		return code + s + styleReset
	}
	count := fmt.Sprintf("%d results", resp.Total)
	if resp.Total == 1 {
		count = "1 result"
	}
	fmt.Fprintf(w, "%s for %q (%.1f ms)\n", count, resp.Query, resp.TookMS)
	switch {
	case resp.Fuzzy:
		fmt.Fprintf(w, "No exact matches; showing results for %q.\n", resp.Suggestion)
	case resp.Suggestion != "":
		fmt.Fprintf(w, "Did you mean %q?\n", resp.Suggestion)
	}
	if len(resp.Expanded) > 0 {
		terms := make([]string, len(resp.Expanded))
		for i, x := range resp.Expanded {
			terms[i] = x.Term
		}
		fmt.Fprintf(w, "Also searched: %s (--expand=false: only what you typed)\n", strings.Join(terms, " · "))
	}
	for i, h := range resp.Hits {
		fmt.Fprintln(w)
		title := h.Title
		if h.Section != "" && h.Section != h.Title {
			title += " › " + h.Section
		}
		fmt.Fprintf(w, "%d. %s  [%s]\n", i+1+(resp.Page-1)*resp.Size, style(title, styleTitle), h.Lang)
		fmt.Fprintf(w, "   %s\n", passageText(h.Snippet, color))
		fmt.Fprintf(w, "   %s\n", style(h.Source, styleDim))
	}
	var facets []string
	for _, f := range search.FacetOrder {
		var values []string
		for _, c := range resp.Facets[f] {
			values = append(values, fmt.Sprintf("%s %d", c.Value, c.Count))
		}
		if len(values) > 0 {
			facets = append(facets, string(f)+": "+strings.Join(values, ", "))
		}
	}
	if len(facets) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, style(strings.Join(facets, "\n"), styleDim))
	}
}

// passageText returns a passage for a terminal: its matches emphasised when color is
// set, plain otherwise.
func passageText(p search.Passage, color bool) string {
	if !color {
		return p.Text
	}
	var b strings.Builder
	at := 0
	for _, m := range p.Marks {
		b.WriteString(p.Text[at:m.Start] + styleMatch + p.Text[m.Start:m.End] + styleReset)
		at = m.End
	}
	b.WriteString(p.Text[at:])
	return b.String()
}
