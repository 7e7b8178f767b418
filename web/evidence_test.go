package web

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"musesearch/corpus"
)

// TestEvidenceMapStudies checks the evidence map on the bundled corpus: folded by
// default with its total shown, counting documents (or passages in that view) with
// every active filter, marking the selected cell, and without the columns no study
// of the corpus fills.
func TestEvidenceMapStudies(t *testing.T) {
	ts, _ := newTestServer(t)
	indications := facetValues(corpus.Indication)
	phases := facetValues(corpus.Phase)

	doc := getHTML(t, ts, "/search?q=Muse&hl=en")
	details := findOne(t, doc, sel("details", ".evidence"), "evidence map")
	if _, open := attrOf(details, "open"); open {
		t.Error("the map is open by default: it would push the results down")
	}
	// Its total: the documents with an indication and a phase.
	want := getSearch(t, ts, url.Values{"q": {"Muse"}, "size": {"0"}, "group": {"doc"}, "indication": indications, "phase": phases}).Total
	total := textOf(findOne(t, details, sel("span", ".map-total"), "map total"))
	if !strings.HasPrefix(total, strconv.Itoa(want)+" document") {
		t.Errorf("the folded map says %q, want %d documents", total, want)
	}

	// Columns: the phases some document of the corpus has with an indication.
	all := getSearch(t, ts, url.Values{"size": {"0"}, "group": {"doc"}, "indication": indications})
	var wantColumns []string
	for _, id := range phases {
		for _, fc := range all.Facets[corpus.Phase] {
			if fc.Value == id && fc.Count > 0 {
				wantColumns = append(wantColumns, id)
			}
		}
	}
	var columns []string
	for _, th := range findAll(findOne(t, doc, sel("table", ".evidence-map"), "map"), sel("th", "data-value")) {
		columns = append(columns, attr(th, "data-value"))
	}
	if strings.Join(columns, ",") != strings.Join(wantColumns, ",") || len(columns) == len(phases) {
		t.Errorf("columns %v, want %v (the corpus lacks some phases)", columns, wantColumns)
	}

	// With a filter, each cell counts what its link finds, in documents or in passages.
	for _, view := range []string{"", "&group=section"} {
		doc := getHTML(t, ts, "/search?q=cells&lang=en"+view)
		cells := findAll(findOne(t, doc, sel("table", ".evidence-map"), "map"), sel("a", "aria-label"))
		if len(cells) == 0 {
			t.Fatalf("view %q: no cell", view)
		}
		for _, a := range cells[:min(3, len(cells))] {
			q := mustQuery(t, attr(a, "href"))
			if q.Get("lang") != "en" || q.Get("group") != strings.TrimPrefix(view, "&group=") {
				t.Errorf("view %q: cell link %q drops the filter or the view", view, attr(a, "href"))
			}
			params := url.Values{"size": {"0"}, "group": {"doc"}}
			if view != "" {
				params.Set("group", "section")
			}
			for k, v := range q {
				if k != "group" {
					params[k] = v
				}
			}
			if n := getSearch(t, ts, params).Total; strconv.Itoa(n) != textOf(a) {
				t.Errorf("view %q: cell %q says %s, its search finds %d", view, attr(a, "aria-label"), textOf(a), n)
			}
		}
	}

	// The selected cell: marked, and its link removes its two filters.
	doc = getHTML(t, ts, "/search?q=Muse&indication=als&phase=phase-2&lang=en")
	details = findOne(t, doc, sel("details", ".evidence"), "evidence map")
	if _, open := attrOf(details, "open"); !open {
		t.Error("the map is folded although a cell of it is selected")
	}
	selected := findAll(details, sel("td", ".selected"))
	if len(selected) != 1 || attr(selected[0].Parent, "data-indication") != "als" {
		t.Fatalf("%d selected cells, want the ALS one", len(selected))
	}
	a := findOne(t, selected[0], sel("a", "aria-current=true"), "selected cell's link")
	if q := mustQuery(t, attr(a, "href")); q.Has("indication") || q.Has("phase") || q.Get("lang") != "en" || q.Get("q") != "Muse" {
		t.Errorf("the selected cell links to %q, want the search without its two filters", attr(a, "href"))
	}
}
