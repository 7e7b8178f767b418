package web

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"musesearch/corpus"
	"musesearch/corpus/trials"
	"musesearch/search"
)

// defaultTrialSize is the number of trials per page when size is not given: a table
// is read by scanning, so it shows more rows than a page of passages.
const defaultTrialSize = 25

// msgBadTrialSort is the catalogue key of the error for an unknown order of trials.
const msgBadTrialSort = "The sort must be relevance, phase, year or enrollment."

// parseTrials reads a search of trials from the parameters of GET /api/trials and of
// the trials page: q, the facet filters, page and size as a search takes them, and
// sort, one of search.TrialSorts.
func parseTrials(v url.Values) (search.TrialRequest, error) {
	if len(v["sort"]) > 1 {
		return search.TrialRequest{}, badRequest(msgRepeated, "sort")
	}
	sort := v.Get("sort")
	if sort == "" {
		sort = search.TrialSortRelevance
	}
	if !slices.Contains(search.TrialSorts, sort) {
		return search.TrialRequest{}, badRequest(msgBadTrialSort)
	}
	rest := maps.Clone(v)
	delete(rest, "sort")
	delete(rest, "group")
	req, err := parseSearch(rest, sectionsByDefault)
	if err != nil {
		return search.TrialRequest{}, err
	}
	out := search.TrialRequest{Query: req.Query, Filters: req.Filters, Page: req.Page, Size: req.Size, Sort: sort,
		YearFrom: req.YearFrom, YearTo: req.YearTo, Literal: req.Literal}
	if v.Get("size") == "" {
		out.Size = defaultTrialSize
	}
	return out, nil
}

// trialValues is the inverse of parseTrials: the parameters that ask for req, without
// the defaults.
func trialValues(req search.TrialRequest) url.Values {
	v := searchValues(search.Request{Query: req.Query, Filters: req.Filters, Page: req.Page, Size: defaultSize,
		YearFrom: req.YearFrom, YearTo: req.YearTo, Literal: req.Literal}, sectionsByDefault)
	if req.Sort != "" && req.Sort != search.TrialSortRelevance {
		v.Set("sort", req.Sort)
	}
	if req.Size != defaultTrialSize {
		v.Set("size", strconv.Itoa(req.Size))
	}
	return v
}

// trialsOf runs one search of trials on the engine and records its latency.
func (s *Server) trialsOf(ctx context.Context, req search.TrialRequest) (*search.TrialResponse, error) {
	return timed(s, ctx, func(sr Searcher) (*search.TrialResponse, error) { return sr.Trials(ctx, req) })
}

// TrialsJSON is the answer of GET /api/trials.
type TrialsJSON struct {
	Query  string                               `json:"query"`
	Total  int                                  `json:"total"`
	Page   int                                  `json:"page"`
	Size   int                                  `json:"size"`
	TookMS float64                              `json:"took_ms"`
	Trials []TrialJSON                          `json:"trials"`
	Facets map[corpus.Facet][]search.FacetCount `json:"facets"`
}

// TrialJSON is one trial of TrialsJSON: what the corpus says about it, the documents
// that report it and the passages that do.
type TrialJSON struct {
	ID          string   `json:"id"`
	RegistryIDs []string `json:"registry_ids"`
	Product     string   `json:"product"`
	Indication  []string `json:"indication"`
	CellType    []string `json:"cell_type"`
	Design      []string `json:"design"`
	Phase       []string `json:"phase"`
	// Enrollment is the number of participants; null when no passage gives it.
	Enrollment *int `json:"enrollment"`
	// Status is planned, recruiting, ongoing, completed or terminated; "" when no
	// passage says.
	Status string `json:"status"`
	Years  []int  `json:"years"`
	// Documents report or summarise the trial; RelatedDocuments only mention it in
	// passing (a product's list of trials, a trial announced).
	Documents        []TrialDocumentJSON `json:"documents"`
	RelatedDocuments []TrialDocumentJSON `json:"related_documents"`
	Passages         []TrialPassageJSON  `json:"passages"`
	// URL is the trials page showing this trial.
	URL string `json:"url"`
}

// TrialDocumentJSON is a document of a trial.
type TrialDocumentJSON struct {
	DocID string `json:"doc_id"`
	Title string `json:"title"`
	Lang  string `json:"lang"`
	URL   string `json:"url"`
}

// TrialPassageJSON is a section that reports a trial.
type TrialPassageJSON struct {
	ID      string `json:"id"`
	DocID   string `json:"doc_id"`
	Section string `json:"section"`
	Lang    string `json:"lang"`
	URL     string `json:"url"`
}

// NewTrialsJSON shapes resp as GET /api/trials answers it.
func NewTrialsJSON(resp *search.TrialResponse) TrialsJSON {
	out := TrialsJSON{Query: resp.Query, Total: resp.Total, Page: resp.Page, Size: resp.Size, TookMS: resp.TookMS,
		Trials: make([]TrialJSON, len(resp.Trials)), Facets: resp.Facets}
	for i, t := range resp.Trials {
		out.Trials[i] = trialJSON(t)
	}
	return out
}

func trialJSON(t trials.Trial) TrialJSON {
	j := TrialJSON{ID: t.ID, RegistryIDs: nonNil(t.RegistryIDs), Product: t.Product, Indication: nonNil(t.Indication),
		CellType: nonNil(t.CellType), Design: nonNil(t.Design), Phase: nonNil(t.Phase), Status: string(t.Status),
		Years: nonNil(t.Years), Documents: documentsJSON(t.Documents), RelatedDocuments: documentsJSON(t.Related),
		Passages: []TrialPassageJSON{}, URL: trialURL(t)}
	if t.Enrollment > 0 {
		n := t.Enrollment
		j.Enrollment = &n
	}
	for _, p := range t.Passages {
		doc, _, _ := corpus.SplitSectionID(p.ID)
		j.Passages = append(j.Passages, TrialPassageJSON{ID: p.ID, DocID: doc, Section: p.Heading, Lang: p.Lang, URL: sectionURL(doc, p.ID)})
	}
	return j
}

func documentsJSON(docs []trials.DocumentRef) []TrialDocumentJSON {
	out := make([]TrialDocumentJSON, len(docs))
	for i, d := range docs {
		out[i] = TrialDocumentJSON{DocID: d.ID, Title: d.Title, Lang: d.Lang, URL: "/doc/" + url.PathEscape(d.ID)}
	}
	return out
}

// nonNil returns s, or an empty slice for nil, so that JSON says [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// trialQuery returns the parameters that find trial t on the trials page: its first
// registry id, or its product with its indications and phases.
func trialQuery(t trials.Trial) url.Values {
	v := url.Values{}
	if len(t.RegistryIDs) > 0 {
		v.Set("q", t.RegistryIDs[0])
		return v
	}
	v.Set("q", t.Product)
	for _, id := range t.Indication {
		v.Add(string(corpus.Indication), id)
	}
	for _, id := range t.Phase {
		v.Add(string(corpus.Phase), id)
	}
	return v
}

// trialURL is the address of the trials page showing trial t.
func trialURL(t trials.Trial) string {
	return (&url.URL{Path: "/trials", RawQuery: trialQuery(t).Encode()}).String()
}

// handleAPITrials answers GET /api/trials: the search of trials as JSON, or as CSV
// with format=csv.
func (s *Server) handleAPITrials(c echo.Context) error {
	format := c.QueryParam("format")
	if format != "" && format != formatJSON && format != formatCSV {
		return badRequest(msgBadFormat)
	}
	resp, err := s.trialsAsked(c)
	if err != nil {
		return err
	}
	if format == formatCSV {
		return s.writeTrialsCSV(c, resp)
	}
	return writeJSON(c, http.StatusOK, NewTrialsJSON(resp))
}

// handleTrialsCSV answers GET /trials.csv: the trials page's table as CSV.
func (s *Server) handleTrialsCSV(c echo.Context) error {
	resp, err := s.trialsAsked(c)
	if err != nil {
		return err
	}
	return s.writeTrialsCSV(c, resp)
}

// trialsAsked answers the search of trials the request's parameters ask for.
func (s *Server) trialsAsked(c echo.Context) (*search.TrialResponse, error) {
	req, err := parseTrials(c.QueryParams())
	if err != nil {
		return nil, err
	}
	return s.trialsOf(c.Request().Context(), req)
}

// trialsCSVHeader names the columns of the trials' CSV export.
var trialsCSVHeader = []string{"id", "registry_ids", "product", "indication", "cell_type", "design", "phase",
	"enrollment", "status", "years", "documents", "related_documents", "url"}

// utf8BOM starts the CSV export: without it Excel reads UTF-8 as the local code page
// and garbles Japanese and Chinese titles.
const utf8BOM = "\uFEFF"

// writeTrialsCSV writes the trials of resp as CSV: UTF-8 with a byte order mark, one
// row per trial, several values joined by "; ", documents by their titles, and an
// absolute address of the trial on the public URL.
func (s *Server) writeTrialsCSV(c echo.Context, resp *search.TrialResponse) error {
	titles := func(docs []trials.DocumentRef) string {
		out := make([]string, len(docs))
		for i, d := range docs {
			out[i] = d.Title
		}
		return strings.Join(out, "; ")
	}
	rows := make([][]string, 0, len(resp.Trials))
	for _, t := range resp.Trials {
		enrollment := ""
		if t.Enrollment > 0 {
			enrollment = strconv.Itoa(t.Enrollment)
		}
		rows = append(rows, []string{t.ID, strings.Join(t.RegistryIDs, "; "), t.Product, strings.Join(t.Indication, "; "),
			strings.Join(t.CellType, "; "), strings.Join(t.Design, "; "), strings.Join(t.Phase, "; "), enrollment,
			string(t.Status), yearSpan(t.Years), titles(t.Documents), titles(t.Related), s.publicURL + trialURL(t)})
	}
	return sendCSV(c, "musesearch-trials.csv", utf8BOM, trialsCSVHeader, rows)
}

// yearSpan writes a trial's years as a span: "2018–2023", "2020", or "".
func yearSpan(years []int) string {
	switch len(years) {
	case 0:
		return ""
	case 1:
		return strconv.Itoa(years[0])
	}
	return fmt.Sprintf("%d–%d", years[0], years[len(years)-1])
}

// trialsPage is the data of the trials page.
type trialsPage struct {
	page
	Req     search.TrialRequest
	Resp    *search.TrialResponse
	Rows    []trialRow
	Facets  []facetGroup
	Columns []trialColumn
	Pager   pager
	// ClearURL is the page without filters, when it has some.
	ClearURL   string
	ExportCSV  string
	ExportJSON string
	// SizeParam and SortParam keep a size and an order that are not the default when
	// the form is sent.
	SizeParam string
	SortParam string
}

// trialColumn is a header of the trials table; a column the table can be sorted by
// links to that order.
type trialColumn struct {
	Name string
	// SortURL orders the table by this column; empty for a column that does not sort.
	SortURL string
	// Sorted is set on the column the table is in the order of.
	Sorted bool
}

// trialRow is one trial as the table shows it.
type trialRow struct {
	ID          string
	RegistryIDs []externalLink
	Product     string
	Badges      []badge
	Phase       []badge
	Enrollment  int
	Status      string
	Years       string
	Documents   []trialDocLink
	Related     []trialDocLink
}

// externalLink is an identifier linked to its registry.
type externalLink struct {
	Text, URL string
}

// trialDocLink is a document of a trial, linked to the passage of it that reports the
// trial (or to the document, for a related one).
type trialDocLink struct {
	Title, Lang, URL string
}

// statusNames are the catalogue keys of the trial statuses.
var statusNames = map[trials.Status]string{
	trials.StatusPlanned:    "Planned",
	trials.StatusRecruiting: "Recruiting",
	trials.StatusOngoing:    "Ongoing",
	trials.StatusCompleted:  "Completed",
	trials.StatusTerminated: "Terminated",
}

// trialSortNames are the catalogue keys of the columns the table sorts by.
var trialSortNames = map[string]string{
	search.TrialSortPhase:      "Phase",
	search.TrialSortEnrollment: "Enrolment",
	search.TrialSortYear:       "Years",
}

// handleTrialsPage answers GET /trials: the trials the corpus reports, as a table
// that sorts by phase, enrolment or years, with the facet filters and the query of
// the search page.
func (s *Server) handleTrialsPage(c echo.Context) error {
	p := s.newPage(c)
	req, err := parseTrials(c.QueryParams())
	if err != nil {
		return err
	}
	resp, err := s.trialsOf(c.Request().Context(), req)
	if err != nil {
		return err
	}
	p.Query = req.Query
	p.canonicalize(s.canonicalBase, "/trials", trialValues(req))
	p.Action = "/trials"
	p.Title = p.T("Clinical trials")
	if req.Query != "" {
		p.Title = p.T("Clinical trials for “%s”", req.Query)
	}
	data := trialsPage{page: p, Req: req, Resp: resp}
	for _, t := range resp.Trials {
		data.Rows = append(data.Rows, p.trialRow(t))
	}
	data.Facets = p.facetGroups(req.Filters, resp.Facets)
	if len(req.Filters) > 0 {
		clear := req
		clear.Filters, clear.Page = nil, 1
		data.ClearURL = p.trialsLink(clear)
	}
	sortBy := func(name, order string) trialColumn {
		r := req
		r.Sort, r.Page = order, 1
		return trialColumn{Name: p.T(name), SortURL: p.trialsLink(r), Sorted: req.Sort == order}
	}
	data.Columns = []trialColumn{
		sortBy("Trial", search.TrialSortRelevance), {Name: p.T("Product")}, {Name: p.T("Indication, cells, design")},
		sortBy(trialSortNames[search.TrialSortPhase], search.TrialSortPhase),
		sortBy(trialSortNames[search.TrialSortEnrollment], search.TrialSortEnrollment),
		{Name: p.T("Status")}, sortBy(trialSortNames[search.TrialSortYear], search.TrialSortYear), {Name: p.T("Documents")},
	}
	pages := 0
	if req.Size > 0 {
		pages = min((resp.Total+req.Size-1)/req.Size, maxPage)
	}
	data.Pager = newPager(req.Page, pages, func(n int) string {
		r := req
		r.Page = n
		return p.trialsLink(r)
	})
	if req.Size != defaultTrialSize {
		data.SizeParam = strconv.Itoa(req.Size)
	}
	if req.Sort != search.TrialSortRelevance {
		data.SortParam = req.Sort
	}
	query := trialValues(req).Encode()
	data.ExportCSV = (&url.URL{Path: "/trials.csv", RawQuery: query}).String()
	data.ExportJSON = (&url.URL{Path: "/api/trials", RawQuery: query}).String()
	return s.render(c, http.StatusOK, "trials", data)
}

// trialsLink returns the address of the trials page for req.
func (p page) trialsLink(req search.TrialRequest) string {
	return p.link("/trials", trialValues(req), "")
}

// trialRow prepares one trial for the table: labels in the page's language, registry
// ids linked to their registries, each document linked to its first passage about the
// trial.
func (p page) trialRow(t trials.Trial) trialRow {
	r := trialRow{ID: t.ID, Product: t.Product, Enrollment: t.Enrollment, Years: yearSpan(t.Years)}
	if t.Status != "" {
		r.Status = p.T(statusNames[t.Status])
	}
	for _, id := range t.RegistryIDs {
		link := externalLink{Text: id}
		if found := corpus.FindIdentifiers(id); len(found) > 0 {
			link.URL = identifierURL(found[0])
		}
		r.RegistryIDs = append(r.RegistryIDs, link)
	}
	for _, f := range []corpus.Facet{corpus.Indication, corpus.CellType, corpus.Design} {
		for _, id := range t.Values(f) {
			r.Badges = append(r.Badges, badge{Facet: f, Value: id, Label: corpus.Label(f, id, p.Lang)})
		}
	}
	for _, id := range t.Phase {
		r.Phase = append(r.Phase, badge{Facet: corpus.Phase, Value: id, Label: corpus.Label(corpus.Phase, id, p.Lang)})
	}
	for _, d := range t.Documents {
		link := trialDocLink{Title: d.Title, Lang: d.Lang, URL: p.link(docPath(d.ID), nil, "")}
		if i := slices.IndexFunc(t.Passages, func(ps trials.Passage) bool { doc, _, _ := corpus.SplitSectionID(ps.ID); return doc == d.ID }); i >= 0 {
			link.URL = p.link(docPath(d.ID), nil, sectionAnchor(t.Passages[i].ID, 0))
		}
		r.Documents = append(r.Documents, link)
	}
	for _, d := range t.Related {
		r.Related = append(r.Related, trialDocLink{Title: d.Title, Lang: d.Lang, URL: p.link(docPath(d.ID), nil, "")})
	}
	return r
}

// trialMention is a trial on a document page: linked to the trials page, and marked
// when the document only mentions it in passing.
type trialMention struct {
	ID      string
	Label   string
	URL     string
	Related bool
}

// documentTrials lists the trials document docID reports or mentions, for its page.
func (s *Server) documentTrials(ctx context.Context, p page, docID string) ([]trialMention, error) {
	sr, err := s.engine()
	if err != nil {
		return nil, err
	}
	list, err := sr.DocumentTrials(ctx, docID)
	if err != nil {
		return nil, engineError(ctx, err)
	}
	var out []trialMention
	for _, t := range list {
		var parts []string
		if t.Product != "" && len(t.RegistryIDs) > 0 {
			parts = append(parts, t.Product)
		}
		for _, f := range []corpus.Facet{corpus.Indication, corpus.Phase} {
			for _, id := range t.Values(f) {
				parts = append(parts, corpus.Label(f, id, p.Lang))
			}
		}
		name := t.ID
		if len(t.RegistryIDs) == 0 {
			name = t.Product
		}
		m := trialMention{ID: t.ID, Label: name, URL: p.link("/trials", trialQuery(t), ""),
			Related: !slices.ContainsFunc(t.Documents, func(d trials.DocumentRef) bool { return d.ID == docID })}
		if len(parts) > 0 {
			m.Label += " · " + strings.Join(parts, " · ")
		}
		out = append(out, m)
	}
	return out, nil
}
