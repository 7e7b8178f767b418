package web

import (
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"musesearch/corpus"
	"musesearch/search"
)

// Output formats of GET /api/search.
const (
	formatJSON = "json"
	formatCSV  = "csv"
)

// msgBadFormat is the catalogue key of the error for an unknown format.
const msgBadFormat = "The format must be json or csv."

// search runs one search on the engine and records its latency.
func (s *Server) search(ctx context.Context, req search.Request) (*search.Response, error) {
	return timed(s, ctx, func(sr Searcher) (*search.Response, error) { return sr.Search(ctx, req) })
}

// timed runs one search of the engine (of sections or of trials), records its latency
// and gives its errors their status.
func timed[T any](s *Server, ctx context.Context, run func(Searcher) (T, error)) (T, error) {
	var zero T
	sr, err := s.engine()
	if err != nil {
		return zero, err
	}
	start := time.Now()
	resp, err := run(sr)
	s.metrics.searchDuration.Observe(time.Since(start).Seconds())
	if err != nil {
		return zero, engineError(ctx, err)
	}
	return resp, nil
}

// document fetches one document from the engine.
func (s *Server) document(ctx context.Context, id string) (*corpus.Document, error) {
	sr, err := s.engine()
	if err != nil {
		return nil, err
	}
	doc, err := sr.Document(ctx, id)
	if errors.Is(err, corpus.ErrNotFound) || err == nil && doc == nil {
		return nil, notFound(msgUnknownDoc, id)
	}
	if err != nil {
		return nil, engineError(ctx, err)
	}
	return doc, nil
}

// handleAPISearch answers GET /api/search: the search as JSON, or as CSV with
// format=csv.
func (s *Server) handleAPISearch(c echo.Context) error {
	params := c.QueryParams()
	format := params.Get("format")
	if format != "" && format != formatJSON && format != formatCSV {
		return badRequest(msgBadFormat)
	}
	req, err := parseSearch(params, sectionsByDefault)
	if err != nil {
		return err
	}
	resp, err := s.search(c.Request().Context(), req)
	if err != nil {
		return err
	}
	if format == formatCSV {
		return writeCSV(c, resp)
	}
	return writeJSON(c, http.StatusOK, NewSearchJSON(resp))
}

// handleExportCSV answers GET /search.csv: the search page's results as CSV.
func (s *Server) handleExportCSV(c echo.Context) error {
	req, err := parseSearch(c.QueryParams(), sectionsByDefault)
	if err != nil {
		return err
	}
	resp, err := s.search(c.Request().Context(), req)
	if err != nil {
		return err
	}
	return writeCSV(c, resp)
}

// writeJSON writes v as JSON, as EncodeSearch does.
func writeJSON(c echo.Context, status int, v any) error {
	b := buffer()
	defer recycle(b)
	if err := encodeJSON(b, v); err != nil {
		return err
	}
	return c.Blob(status, echo.MIMEApplicationJSON, b.Bytes())
}

// csvHeader names the columns of the CSV export.
var csvHeader = []string{"id", "doc_id", "source", "title", "section", "lang", "date", "score", "url",
	"indication", "cell_type", "design", "phase", "snippet"}

// writeCSV writes the hits of resp as CSV, with relative addresses.
func writeCSV(c echo.Context, resp *search.Response) error {
	return sendCSV(c, "musesearch-results.csv", "", csvHeader, csvRows(resp, ""))
}

// csvRows are the hits of resp as rows under csvHeader, one per hit, facet values
// joined by ";", the snippet as plain text and the address under base ("" for a
// relative one).
func csvRows(resp *search.Response, base string) [][]string {
	rows := make([][]string, 0, len(resp.Hits))
	for _, h := range resp.Hits {
		row := []string{h.ID, h.DocID, h.Source, h.Title, h.Section, h.Lang, h.Date,
			strconv.FormatFloat(h.Score, 'f', 4, 64), base + sectionURL(h.DocID, h.ID)}
		for _, f := range corpus.ContentFacets {
			row = append(row, strings.Join(h.Facets[f], ";"))
		}
		rows = append(rows, append(row, h.Snippet.Text))
	}
	return rows
}

// sendCSV answers with a CSV attachment named filename: prefix, then the header and
// the rows, each cell kept from being read as a formula.
func sendCSV(c echo.Context, filename, prefix string, header []string, rows [][]string) error {
	var b strings.Builder
	b.WriteString(prefix)
	w := csv.NewWriter(&b)
	if err := w.Write(header); err != nil {
		return err
	}
	for _, row := range rows {
		for i, cell := range row {
			row[i] = csvSafe(cell)
		}
		if err := w.Write(row); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", []byte(b.String()))
}

// csvSafe keeps a spreadsheet from reading a cell as a formula: a cell that starts like
// one gets a leading apostrophe.
func csvSafe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// handleAPIDocument answers GET /api/documents/{doc_id}.
func (s *Server) handleAPIDocument(c echo.Context) error {
	doc, err := s.document(c.Request().Context(), c.Param("doc_id"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, documentJSON(doc))
}

// apiDocument is the JSON shape of GET /api/documents/{doc_id}: the document with
// the union of its sections' facets.
type apiDocument struct {
	ID       string           `json:"id"`
	Source   string           `json:"source"`
	Title    string           `json:"title"`
	Date     string           `json:"date"`
	Tags     []string         `json:"tags,omitempty"`
	Lang     string           `json:"lang"`
	Meta     corpus.Meta      `json:"meta"`
	Facets   corpus.Facets    `json:"facets"`
	Sections []corpus.Section `json:"sections"`
}

// documentJSON shapes doc for the API.
func documentJSON(doc *corpus.Document) apiDocument {
	sections := doc.Sections
	if sections == nil {
		sections = []corpus.Section{}
	}
	return apiDocument{ID: doc.ID, Source: doc.Source, Title: doc.Title, Date: doc.Date, Tags: doc.Tags,
		Lang: doc.Lang, Meta: doc.Meta, Facets: documentFacets(doc), Sections: sections}
}

// documentFacets is the union of the facets of a document's sections, each facet's
// values in vocabulary order (values the vocabulary does not list last).
func documentFacets(doc *corpus.Document) corpus.Facets {
	out := doc.Facets()
	for f, values := range out {
		slices.SortStableFunc(values, func(a, b string) int { return corpus.ConceptOrder(f, a) - corpus.ConceptOrder(f, b) })
	}
	return out
}

// apiFacetValue is one value of the vocabulary as GET /api/facets lists it.
type apiFacetValue struct {
	ID     string            `json:"id"`
	Labels map[string]string `json:"labels"`
	Terms  []string          `json:"terms,omitempty"`
}

// handleAPIFacets answers GET /api/facets: for each facet, every value with its labels
// in English, Japanese and Chinese and the terms that name it.
func (s *Server) handleAPIFacets(c echo.Context) error {
	out := make(map[corpus.Facet][]apiFacetValue, len(search.FacetOrder))
	for _, f := range search.FacetOrder {
		values := []apiFacetValue{}
		for _, id := range facetValues(f) {
			labels := map[string]string{}
			for _, l := range corpus.Languages {
				labels[l] = corpus.Label(f, id, l)
			}
			var terms []string
			if concept, ok := corpus.LookupConcept(f, id); ok {
				terms = concept.Terms
			}
			values = append(values, apiFacetValue{ID: id, Labels: labels, Terms: terms})
		}
		out[f] = values
	}
	return writeJSON(c, http.StatusOK, out)
}

// openSearchDescription is the OpenSearch 1.1 description document.
type openSearchDescription struct {
	XMLName       xml.Name        `xml:"http://a9.com/-/spec/opensearch/1.1/ OpenSearchDescription"`
	ShortName     string          `xml:"ShortName"`
	Description   string          `xml:"Description"`
	InputEncoding string          `xml:"InputEncoding"`
	URLs          []openSearchURL `xml:"Url"`
}

// openSearchURL is one Url element of the OpenSearch description.
type openSearchURL struct {
	Type     string `xml:"type,attr"`
	Method   string `xml:"method,attr,omitempty"`
	Rel      string `xml:"rel,attr,omitempty"`
	Template string `xml:"template,attr"`
}

// handleOpenSearch answers GET /opensearch.xml, so a browser can add the site as a
// search engine. Addresses are absolute, as OpenSearch requires, on the public URL.
func (s *Server) handleOpenSearch(c echo.Context) error {
	base := s.publicURL
	d := openSearchDescription{
		ShortName:     "musesearch",
		Description:   "Search Muse cell, MSC and clinical-trial literature in English, Japanese and Chinese.",
		InputEncoding: "UTF-8",
		URLs: []openSearchURL{
			{Type: "text/html", Method: "get", Template: base + "/search?q={searchTerms}"},
			{Type: "application/json", Method: "get", Template: base + "/api/search?q={searchTerms}"},
			{Type: "application/opensearchdescription+xml", Rel: "self", Template: base + "/opensearch.xml"},
		},
	}
	b, err := xml.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("marshal OpenSearch description: %w", err)
	}
	return c.Blob(http.StatusOK, "application/opensearchdescription+xml; charset=utf-8", append([]byte(xml.Header), b...))
}

// engineError gives the engine's errors for a request with context ctx their status:
// a request the engine cannot answer as given is the client's mistake, told in the
// engine's words; a search cut short by the search deadline is too expensive. (The
// error handler tells the other searches cut short: by the client going away, or by
// the index closing.)
func engineError(ctx context.Context, err error) error {
	var re *search.RequestError
	switch {
	case errors.As(err, &re):
		return badRequest(msgVerbatim, re.Reason)
	case errors.Is(err, context.DeadlineExceeded) && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return errTooExpensive
	}
	return err
}
