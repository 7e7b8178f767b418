package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"musesearch/search"
)

const (
	reviewDoc   = "000_7296aed5b39c99c6"
	pressDoc    = "003_0b74e965ce623bb2"
	abstractDoc = "004_6bdb0a530be4535a"
)

// apiTrials asks GET /api/trials with query and decodes the answer.
func apiTrials(t *testing.T, query string) TrialsJSON {
	t.Helper()
	ts, _ := newTestServer(t)
	res, body := get(t, ts, "/api/trials?"+query)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/trials?%s: status %d: %s", query, res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	var out TrialsJSON
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func docIDsOf(docs []TrialDocumentJSON) []string {
	ids := []string{}
	for _, d := range docs {
		ids = append(ids, d.DocID)
	}
	return ids
}

// TestAPITrialsALS checks the done-when of the trials: "ALS" lists the
// jRCT2063200047 trial once, with phase 2, ALS and Muse cells, reported by the review
// and by the English and Chinese abstract that never names its id, and the Japanese
// press release that announces a CL2020 ALS trial as related.
func TestAPITrialsALS(t *testing.T) {
	got := apiTrials(t, "q=ALS")
	if got.Total != 1 || len(got.Trials) != 1 {
		t.Fatalf("q=ALS: total %d, %d trials; want the one ALS trial", got.Total, len(got.Trials))
	}
	tr := got.Trials[0]
	five := 5
	want := TrialJSON{ID: "jRCT2063200047", RegistryIDs: []string{"jRCT2063200047"}, Product: "CL2020",
		Indication: []string{"als"}, CellType: []string{"muse"}, Design: []string{"non-randomized"}, Phase: []string{"phase-2"},
		Enrollment: &five, Years: []int{2021, 2023}, URL: "/trials?q=jRCT2063200047"}
	gotDocs, gotRelated, passages := docIDsOf(tr.Documents), docIDsOf(tr.RelatedDocuments), tr.Passages
	tr.Documents, tr.RelatedDocuments, tr.Passages = nil, nil, nil
	if diff := cmp.Diff(want, tr); diff != "" {
		t.Errorf("the ALS trial (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{reviewDoc, abstractDoc}, gotDocs); diff != "" {
		t.Errorf("documents of the ALS trial (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{pressDoc}, gotRelated); diff != "" {
		t.Errorf("related documents of the ALS trial (-want +got):\n%s", diff)
	}
	var langs []string
	for _, p := range passages {
		langs = append(langs, p.Lang)
		if !strings.HasPrefix(p.URL, "/doc/"+p.DocID+"#s") {
			t.Errorf("passage %s: url %q", p.ID, p.URL)
		}
	}
	if diff := cmp.Diff([]string{"en", "en", "en", "zh"}, langs); diff != "" {
		t.Errorf("languages of the ALS trial's passages (-want +got):\n%s", diff)
	}
	if n := got.Facets["phase"]; len(n) != 1 || n[0].Value != "phase-2" || n[0].Count != 1 {
		t.Errorf("phase counts of q=ALS: %+v, want phase-2: 1", n)
	}
}

// TestAPITrialsReview checks that each trial of the review's clinical-trial summary
// appears once, with the phase the text gives (none for the AMI pilot).
func TestAPITrialsReview(t *testing.T) {
	got := apiTrials(t, "size=100")
	byIndication := map[string][]TrialJSON{}
	for _, tr := range got.Trials {
		for _, ind := range tr.Indication {
			byIndication[ind] = append(byIndication[ind], tr)
		}
	}
	for _, tc := range []struct {
		indication, id string
		phase          []string
	}{
		{"stroke", "JapicCTI-184103", []string{"phase-2"}},
		{"spinal-cord-injury", "JRCT1080224764", []string{"phase-1"}},
		{"hypoxic-ischemic-encephalopathy", "NCT04261335", []string{"phase-1"}},
		{"als", "jRCT2063200047", []string{"phase-2"}},
		{"myocardial-infarction", "CL2020/myocardial-infarction", []string{}},
		{"epidermolysis-bullosa", "CL2020/epidermolysis-bullosa/phase-1+phase-2", []string{"phase-1", "phase-2"}},
	} {
		list := byIndication[tc.indication]
		if len(list) != 1 {
			t.Errorf("%s: %d trials, want 1", tc.indication, len(list))
			continue
		}
		if list[0].ID != tc.id || !slices.Equal(list[0].Phase, tc.phase) || !slices.Contains(docIDsOf(list[0].Documents), reviewDoc) {
			t.Errorf("%s: %s, phase %v, documents %v; want %s, phase %v, in the review", tc.indication, list[0].ID,
				list[0].Phase, docIDsOf(list[0].Documents), tc.id, tc.phase)
		}
	}
}

func TestAPITrialsShape(t *testing.T) {
	ts, _ := newTestServer(t)
	// A trial the text gives no product, phase or enrolment: empty lists and null,
	// not missing keys.
	_, body := get(t, ts, "/api/trials?q=jRCT2043210005")
	for _, want := range []string{`"total":1`, `"id":"jRCT2043210005"`, `"product":""`, `"phase":[]`, `"design":[]`,
		`"enrollment":null`, `"status":""`, `"related_documents":[]`, `"years":[2020]`, `"facets":{`} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /api/trials?q=jRCT2043210005: no %s in %s", want, body)
		}
	}
	for _, tc := range []struct{ query, want string }{
		{"sort=date", "The sort must be relevance, phase, year or enrollment."},
		{"phase=phase-9", `phase has no value \"phase-9\"`},
		{"format=xml", "The format must be json or csv."},
		{"size=-1", "The size must be a whole number"},
		{"sort=phase&sort=year", "The parameter sort may be given only once."},
	} {
		res, body := get(t, ts, "/api/trials?"+tc.query)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.want) {
			t.Errorf("GET /api/trials?%s: %d %s, want 400 saying %q", tc.query, res.StatusCode, body, tc.want)
		}
	}
}

func TestTrialsCSV(t *testing.T) {
	ts, _ := newTestServer(t)
	for _, path := range []string{"/trials.csv?q=ALS", "/api/trials?q=ALS&format=csv"} {
		res, body := get(t, ts, path)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if !strings.HasPrefix(body, "\uFEFFid,registry_ids,product,indication,") {
			t.Errorf("GET %s: starts %.60q, want a byte order mark and the header", path, body)
		}
		lines := strings.Split(strings.TrimSpace(body), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[1], "jRCT2063200047,jRCT2063200047,CL2020,als,muse,non-randomized,phase-2,5,,2021–2023,") ||
			!strings.HasSuffix(lines[1], ",http://localhost/trials?q=jRCT2063200047") {
			t.Errorf("GET %s: rows %q", path, lines[1:])
		}
	}
}

func TestTrialsPage(t *testing.T) {
	ts, _ := newTestServer(t)
	rows := func(path string) []string {
		t.Helper()
		doc := getHTML(t, ts, path)
		var ids []string
		for _, tr := range findAll(doc, sel("tr", "data-trial")) {
			ids = append(ids, attr(tr, "data-trial"))
		}
		return ids
	}
	if diff := cmp.Diff([]string{"jRCT2063200047"}, rows("/trials?q=ALS")); diff != "" {
		t.Errorf("/trials?q=ALS (-want +got):\n%s", diff)
	}
	if got := rows("/trials?sort=enrollment"); len(got) != 7 || got[0] != "JapicCTI-184103" || got[1] != "JRCT1080224764" {
		t.Errorf("/trials?sort=enrollment: %v, want the stroke trial (35) then the SCI trial (10) first", got)
	}
	if got := rows("/trials?phase=phase-1"); len(got) != 3 {
		t.Errorf("/trials?phase=phase-1: %v, want the 3 phase 1 trials", got)
	}

	doc := getHTML(t, ts, "/trials?q=ALS&hl=ja")
	form := findOne(t, doc, sel("form", "id=search-form"), "search form")
	if attr(form, "action") != "/trials" {
		t.Errorf("the search box sends to %q, want /trials", attr(form, "action"))
	}
	sorted := findOne(t, doc, sel("th", "aria-sort=descending"), "sorted column")
	if got := textOf(sorted); got != "試験" {
		t.Errorf("sorted column %q, want the trial column (relevance) in Japanese", got)
	}
	var sortLinks []string
	for _, a := range findAll(doc, sel("a")) {
		if u, err := url.Parse(attr(a, "href")); err == nil && u.Path == "/trials" && u.Query().Get("sort") != "" {
			if u.Query().Get("q") != "ALS" || u.Query().Get("hl") != "ja" {
				t.Errorf("sort link %q loses the query or the language", attr(a, "href"))
			}
			sortLinks = append(sortLinks, u.Query().Get("sort"))
		}
	}
	slices.Sort(sortLinks)
	if diff := cmp.Diff([]string{"enrollment", "phase", "year"}, sortLinks); diff != "" {
		t.Errorf("sort links (-want +got):\n%s", diff)
	}
	row := findOne(t, doc, sel("tr", "data-trial=jRCT2063200047"), "the ALS trial")
	reg := findOne(t, row, sel("a", "rel=external noopener"), "registry link")
	if attr(reg, "href") != "https://jrct.niph.go.jp/latest-detail/jRCT2063200047" {
		t.Errorf("registry link %q", attr(reg, "href"))
	}
	var docLinks []string
	for _, a := range findAll(findOne(t, row, sel("td", ".trial-docs"), "documents"), sel("a")) {
		docLinks = append(docLinks, attr(a, "href"))
	}
	want := []string{"/doc/" + reviewDoc + "?hl=ja#s25", "/doc/" + abstractDoc + "?hl=ja#s1", "/doc/" + pressDoc + "?hl=ja"}
	if diff := cmp.Diff(want, docLinks); diff != "" {
		t.Errorf("document links (-want +got):\n%s", diff)
	}
	if got := textOf(findOne(t, row, sel("td", ".trial-phase"), "phase")); got != "第II相" {
		t.Errorf("phase cell %q, want the Japanese label of phase 2", got)
	}
	box := findOne(t, doc, sel("input", "id=f-phase-phase-2"), "phase 2 filter")
	if attr(box, "form") != "search-form" {
		t.Errorf("the phase filter does not belong to the search form")
	}
	export := findOne(t, doc, sel("a", "download=musesearch-trials.csv"), "CSV export")
	if attr(export, "href") != "/trials.csv?q=ALS" {
		t.Errorf("CSV export %q", attr(export, "href"))
	}
}

// TestDocumentPageTrials checks that a document page lists the trials it reports,
// linked to the trials page, and marks those it names in passing.
func TestDocumentPageTrials(t *testing.T) {
	ts, _ := newTestServer(t)
	items := func(id string) (links, related []string) {
		t.Helper()
		doc := getHTML(t, ts, "/doc/"+id)
		for _, li := range findAll(doc, sel("li")) {
			if len(findAll(li, sel("a"))) == 0 || !strings.Contains(attr(li.Parent.Parent, "class"), "doc-trials") {
				continue
			}
			href := attr(findAll(li, sel("a"))[0], "href")
			if hasClass(li, "related") {
				related = append(related, href)
			} else {
				links = append(links, href)
			}
		}
		return links, related
	}
	links, related := items(abstractDoc)
	if diff := cmp.Diff([]string{"/trials?q=jRCT2063200047"}, links); diff != "" || related != nil {
		t.Errorf("trials of the abstract (-want +got):\n%s related %v", diff, related)
	}
	links, related = items(pressDoc)
	if len(links) != 0 || len(related) != 6 || !slices.Contains(related, "/trials?q=jRCT2063200047") {
		t.Errorf("trials of the press release: %v, related %v; want six related, the ALS trial among them", links, related)
	}
	if links, _ := items("001_30820c3bc988c05e"); links != nil {
		t.Errorf("a document without trials lists %v", links)
	}
}

// TestTrialsFollowUploads checks that a document uploaded, replaced or deleted shows in
// the trials at once: the 201 of an upload comes once its trials are there too.
func TestTrialsFollowUploads(t *testing.T) {
	f := newAdminServer(t, testToken, adminCorpus)
	ids := func() []string {
		t.Helper()
		rec := f.serve(httptest.NewRequest(http.MethodGet, "/api/trials", nil))
		var out TrialsJSON
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("GET /api/trials: %d %s", rec.Code, rec.Body)
		}
		got := []string{}
		for _, tr := range out.Trials {
			got = append(got, tr.ID)
		}
		return got
	}
	upload := func(text string) {
		t.Helper()
		rec := f.serve(request(http.MethodPost, "/api/documents?name=new-trial.txt", strings.NewReader(text), testToken))
		if rec.Code != http.StatusCreated {
			t.Fatalf("upload: %d %s", rec.Code, rec.Body)
		}
	}
	if diff := cmp.Diff([]string{}, ids()); diff != "" {
		t.Errorf("before the upload (-want +got):\n%s", diff)
	}
	upload("A new trial\n\nThe phase 2 trial NCT01234567 gave MSCs to 40 patients with ALS.\n")
	if diff := cmp.Diff([]string{"NCT01234567"}, ids()); diff != "" {
		t.Errorf("after the upload (-want +got):\n%s", diff)
	}
	upload("A new trial\n\nThe phase 2 trial NCT07654321 gave MSCs to 40 patients with ALS.\n")
	if diff := cmp.Diff([]string{"NCT07654321"}, ids()); diff != "" {
		t.Errorf("after replacing the file (-want +got):\n%s", diff)
	}
	if rec := f.serve(request(http.MethodDelete, "/api/documents/new-trial", nil, testToken)); rec.Code != http.StatusOK {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body)
	}
	if diff := cmp.Diff([]string{}, ids()); diff != "" {
		t.Errorf("after the delete (-want +got):\n%s", diff)
	}
}

// TestAPITrialsYearsAndExpand checks that /api/trials takes year_from, year_to and
// expand as /api/search does, and keeps them in its links.
func TestAPITrialsYearsAndExpand(t *testing.T) {
	ts, _ := newTestServer(t)
	var all, none struct{ Total int }
	if res, body := get(t, ts, "/api/trials?q=ALS"); res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &all) != nil || all.Total == 0 {
		t.Fatalf("trials of ALS: %d %s", res.StatusCode, body)
	}
	if res, body := get(t, ts, "/api/trials?q=ALS&year_from=2099"); res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &none) != nil || none.Total != 0 {
		t.Errorf("trials of ALS from 2099: %d %s, want none", res.StatusCode, body)
	}
	for _, bad := range []string{"year_from=1700", "year_from=2024&year_to=2020", "expand=maybe"} {
		if res, _ := get(t, ts, "/api/trials?q=ALS&"+bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("/api/trials?%s: status %d, want 400", bad, res.StatusCode)
		}
	}
	v := trialValues(search.TrialRequest{Query: "ALS", Page: 1, Size: defaultTrialSize, YearFrom: 2020, Literal: true})
	if v.Get("year_from") != "2020" || v.Get("expand") != "false" {
		t.Errorf("trialValues keeps %v, want year_from and expand", v)
	}
}
