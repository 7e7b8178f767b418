package web

import (
	"bytes"
	"strings"

	"github.com/labstack/echo/v4"

	"musesearch/search"
)

// Formats of GET /export.
const (
	exportCSV  = "csv"
	exportJSON = "json"
	exportRIS  = "ris"
)

// msgBadExportFormat is the error for an unknown export format.
const msgBadExportFormat = "The format must be csv, json or ris."

// handleExport answers GET /export: every result of a search (the parameters of GET
// /api/search, page and size aside), up to search.MaxExport in the search's order, as
// CSV (format=csv, the default: UTF-8 with a byte order mark, absolute addresses), JSON
// (the shape of GET /api/search) or RIS (one record per document).
func (s *Server) handleExport(c echo.Context) error {
	params := c.QueryParams()
	format := params.Get("format")
	switch format {
	case "":
		format = exportCSV
	case exportCSV, exportJSON, exportRIS:
	default:
		return badRequest(msgBadExportFormat)
	}
	req, err := parseSearch(params, sectionsByDefault)
	if err != nil {
		return err
	}
	req.Page, req.Size, req.Export = 1, search.MaxExport, true
	resp, err := s.search(c.Request().Context(), req)
	if err != nil {
		return err
	}
	switch format {
	case exportJSON:
		var b bytes.Buffer
		if err := encodeJSON(&b, NewSearchJSON(resp)); err != nil {
			return err
		}
		return download(c, echo.MIMEApplicationJSON, "musesearch-export.json", b.String())
	case exportRIS:
		var b strings.Builder
		seen := map[string]bool{}
		for _, h := range resp.Hits {
			if !seen[h.DocID] {
				seen[h.DocID] = true
				b.WriteString(citationOfHit(h, s.publicURL).ris())
			}
		}
		return download(c, "application/x-research-info-systems", "musesearch-export.ris", b.String())
	}
	return sendCSV(c, "musesearch-export.csv", utf8BOM, csvHeader, csvRows(resp, s.publicURL))
}

// exportLink is a link to the export of a search in one format.
type exportLink struct {
	Format, Label, URL string
}

// exportLinks are the links to the exports of req.
func exportLinks(req search.Request) []exportLink {
	var out []exportLink
	for _, f := range []struct{ format, label string }{{exportCSV, "CSV"}, {exportJSON, "JSON"}, {exportRIS, "RIS"}} {
		v := searchValues(req, sectionsByDefault)
		v.Del("page")
		v.Del("size")
		v.Set("format", f.format)
		out = append(out, exportLink{Format: f.format, Label: f.label, URL: "/export?" + v.Encode()})
	}
	return out
}
