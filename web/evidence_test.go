package web

import (
	"encoding/json"
	"maps"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"musesearch/corpus"
)

// TestEvidenceMapStudies checks the evidence map on the bundled corpus: folded by
// default with its total shown, counting studies (in either view) with every active
// filter, marking the selected cell, and without the columns no study
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
	// Its total: the studies with an indication and a phase.
	want := studiesOf(t, ts, url.Values{"q": {"Muse"}, "indication": indications, "phase": phases})
	total := textOf(findOne(t, details, sel("span", ".map-total"), "map total"))
	if !strings.HasPrefix(total, strconv.Itoa(want)+" stud") {
		t.Errorf("the folded map says %q, want %d studies", total, want)
	}

	// Columns: the phases some study of the corpus has with an indication.
	var wantColumns []string
	for _, id := range phases {
		if studiesOf(t, ts, url.Values{"indication": indications, "phase": {id}}) > 0 {
			wantColumns = append(wantColumns, id)
		}
	}
	var columns []string
	for _, th := range findAll(findOne(t, doc, sel("table", ".evidence-map"), "map"), sel("th", "data-value")) {
		columns = append(columns, attr(th, "data-value"))
	}
	if strings.Join(columns, ",") != strings.Join(wantColumns, ",") || len(columns) == len(phases) {
		t.Errorf("columns %v, want %v (the corpus lacks some phases)", columns, wantColumns)
	}

	// With a filter, each cell counts the studies its link finds, in either view.
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
			params := url.Values{}
			for k, v := range q {
				if k != "group" {
					params[k] = v
				}
			}
			if n := studiesOf(t, ts, params); strconv.Itoa(n) != textOf(a) {
				t.Errorf("view %q: cell %q says %s, its search finds %d studies", view, attr(a, "aria-label"), textOf(a), n)
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

// TestEvidenceMapCountsTrialsOnce checks that a cell of the evidence map counts a
// trial once however many documents report it: ALS × phase 2 counts the
// jRCT2063200047 trial, which the review and both sections of the trial's abstract
// report, as one study, plus the documents whose ALS phase 2 passages report no
// trial (counted here from the cell's passages and the trials' own passages).
func TestEvidenceMapCountsTrialsOnce(t *testing.T) {
	ts, _ := newTestServer(t)
	cell := findOne(t, getHTML(t, ts, "/search?q=&hl=en"), sel("tr", "data-indication=als"), "ALS row")
	var shown string
	for _, a := range findAll(cell, sel("a", "aria-label")) {
		if q := mustQuery(t, attr(a, "href")); q.Get("phase") == "phase-2" {
			shown = textOf(a)
		}
	}

	var cellTrials TrialsJSON
	_, body := get(t, ts, "/api/trials?indication=als&phase=phase-2&size=100")
	if err := json.Unmarshal([]byte(body), &cellTrials); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(cellTrials.Trials, func(tr TrialJSON) bool { return slices.Contains(tr.RegistryIDs, "jRCT2063200047") })
	if i < 0 {
		t.Fatalf("no jRCT2063200047 trial among the ALS phase 2 trials %+v", cellTrials.Trials)
	}
	if docs := docIDsOf(cellTrials.Trials[i].Documents); !slices.Contains(docs, reviewDoc) || !slices.Contains(docs, abstractDoc) || len(cellTrials.Trials[i].Passages) < 3 {
		t.Fatalf("the trial is reported by %v in %d passages, want the review and the abstract's two sections", docs, len(cellTrials.Trials[i].Passages))
	}
	documents := getSearch(t, ts, url.Values{"size": {"0"}, "group": {"doc"}, "indication": {"als"}, "phase": {"phase-2"}}).Total
	want := studiesOf(t, ts, url.Values{"indication": {"als"}, "phase": {"phase-2"}})
	if shown != strconv.Itoa(want) || want >= documents {
		t.Errorf("ALS × phase 2 shows %q, want %d studies (fewer than its %d documents)", shown, want, documents)
	}
}

// studiesOf counts the studies of the search params (a query and filters) as the
// evidence map should: the trials /api/trials finds, and the documents of the
// passages /api/search finds that report no trial.
func studiesOf(t *testing.T, ts *httptest.Server, params url.Values) int {
	t.Helper()
	trialsOf := func(params url.Values) TrialsJSON {
		var out TrialsJSON
		_, body := get(t, ts, "/api/trials?"+params.Encode())
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		if out.Total > len(out.Trials) {
			t.Fatalf("more than %d trials for %v", len(out.Trials), params)
		}
		return out
	}
	reporting := map[string]bool{}
	for _, tr := range trialsOf(url.Values{"size": {"100"}}).Trials {
		for _, p := range tr.Passages {
			reporting[p.ID] = true
		}
	}
	params = maps.Clone(params)
	params.Set("size", "100")
	params.Set("group", "section")
	passages := getSearch(t, ts, params)
	if passages.Total > len(passages.Hits) {
		t.Fatalf("more than %d passages for %v", len(passages.Hits), params)
	}
	docs := map[string]bool{}
	for _, h := range passages.Hits {
		if !reporting[h.ID] {
			docs[h.DocID] = true
		}
	}
	params.Del("group")
	return trialsOf(params).Total + len(docs)
}
