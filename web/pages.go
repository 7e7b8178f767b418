package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"musesearch/corpus"
	"musesearch/search"
)

// searchPage is the data of the search page.
type searchPage struct {
	page
	Req      search.Request
	Resp     *search.Response
	Hits     []hitView
	Facets   []facetGroup
	Chips    []chip
	ClearURL string
	// Relaxed lists, on an empty result with filters, what removing each filter gives.
	Relaxed    []relaxation
	Suggestion *suggestion
	Map        *evidenceMap
	Pager      pager
	ExportCSV  string
	ExportJSON string
	// SizeParam and MapParam keep a size and a map axis that are not the default
	// when the form is sent.
	SizeParam string
	MapParam  string
	// First is the rank of the page's first hit.
	First int
}

// hitView is one hit as the page shows it.
type hitView struct {
	search.Hit
	Link      string
	LangLabel string
	Snippet   template.HTML
	Badges    []badge
}

// badge is a facet value shown on a hit or a document.
type badge struct {
	Facet corpus.Facet
	Value string
	Label string
}

// facetGroup is one fieldset of the facet sidebar: the values shown, and More folded
// away.
type facetGroup struct {
	Facet  corpus.Facet
	Name   string
	Values []facetChoice
	More   []facetChoice
}

// facetChoice is one check box of the sidebar.
type facetChoice struct {
	Facet   corpus.Facet
	Value   string
	Label   string
	Count   int
	Checked bool
	InputID string
}

// chip is an active filter; RemoveURL is the page without it.
type chip struct {
	Facet     corpus.Facet
	FacetName string
	Label     string
	RemoveURL string
	without   search.Request
}

// relaxation is what removing one filter gives, for the empty state.
type relaxation struct {
	chip
	Total int
}

// suggestion is the engine's fuzzy alternative to a query that matched nothing.
type suggestion struct {
	Text string
	URL  string
}

// pager is the paging navigation.
type pager struct {
	Page, Pages int
	PrevURL     string
	NextURL     string
	Links       []pageLink
}

// pageLink is one numbered page link; Gap marks an ellipsis before it.
type pageLink struct {
	Page    int
	URL     string
	Current bool
	Gap     bool
}

// Limits of the search page.
const (
	// maxRelaxations bounds the extra searches the empty state runs to tell what
	// removing each filter would give.
	maxRelaxations = 6
	// pagerRadius is how many numbered page links the pager shows each side of the
	// current page.
	pagerRadius = 2
	// maxFacetChoices is how many values of a facet the sidebar shows before folding
	// the rest away: enough for the common ones, short enough to see every facet.
	maxFacetChoices = 8
)

// handleSearchPage answers GET / and GET /search.
func (s *Server) handleSearchPage(c echo.Context) error {
	p := s.newPage(c)
	req, err := parseSearch(c.QueryParams())
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	resp, err := s.search(ctx, req)
	if err != nil {
		return err
	}
	p.Query = req.Query
	p.Title = p.T("All sections")
	if req.Query != "" {
		p.Title = p.T("Results for “%s”", req.Query)
	}
	data := searchPage{page: p, Req: req, Resp: resp, First: (req.Page-1)*req.Size + 1}
	for _, h := range resp.Hits {
		data.Hits = append(data.Hits, p.hitView(h, req))
	}
	data.Facets = p.facetGroups(req, resp)
	data.Chips, data.ClearURL = p.chips(req)
	data.Pager = p.pager(req, resp.Total)
	if req.Size != defaultSize {
		data.SizeParam = strconv.Itoa(req.Size)
	}
	if p.MapAxis != mapAxes[0] {
		data.MapParam = string(p.MapAxis)
	}
	// Exports carry the search, not the interface language.
	query := searchValues(req).Encode()
	data.ExportCSV = (&url.URL{Path: "/search.csv", RawQuery: query}).String()
	data.ExportJSON = (&url.URL{Path: "/api/search", RawQuery: query}).String()
	if resp.Suggestion != "" {
		alt := req
		alt.Query, alt.Page = resp.Suggestion, 1
		data.Suggestion = &suggestion{Text: resp.Suggestion, URL: p.searchLink(alt)}
	}
	if resp.Total == 0 && len(data.Chips) > 0 {
		if data.Relaxed, err = s.relax(ctx, data.Chips); err != nil {
			return err
		}
	}
	if resp.Total > 0 {
		if data.Map, err = s.evidenceMap(ctx, p, req, p.MapAxis); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, "search", data)
}

// hitView prepares one hit for the page: a link that opens the document at the
// section with the query highlighted, labels in the page's language, the snippet
// checked before it is trusted as HTML.
func (p page) hitView(h search.Hit, req search.Request) hitView {
	v := hitView{Hit: h, LangLabel: facetLabel(corpus.Lang, h.Lang, p.Lang), Snippet: snippetHTML(h.Snippet)}
	fragment := ""
	if i := strings.LastIndexByte(h.ID, '#'); i >= 0 {
		fragment = "s" + h.ID[i+1:]
	}
	// The document page takes the search's parameters: it highlights the query and its
	// "back to results" link returns to this very page of results.
	v.Link = p.link(docPath(h.DocID), searchValues(req), fragment)
	for _, f := range corpus.ContentFacets {
		for _, id := range h.Facets[f] {
			v.Badges = append(v.Badges, badge{Facet: f, Value: id, Label: facetLabel(f, id, p.Lang)})
		}
	}
	return v
}

// facetGroups builds the sidebar: every facet with the values that have hits or are
// selected, with their disjunctive counts.
func (p page) facetGroups(req search.Request, resp *search.Response) []facetGroup {
	var groups []facetGroup
	for _, f := range search.FacetOrder {
		g := facetGroup{Facet: f, Name: p.T(facetNames[f])}
		counts := map[string]int{}
		for _, fc := range resp.Facets[f] {
			counts[fc.Value] = fc.Count
		}
		selected := req.Filters[f]
		values := facetValues(f)
		// Values the engine counts but the vocabulary lacks still get a box.
		for _, fc := range resp.Facets[f] {
			if !slices.Contains(values, fc.Value) {
				values = append(values, fc.Value)
			}
		}
		var choices []facetChoice
		for _, id := range values {
			checked := slices.Contains(selected, id)
			if counts[id] == 0 && !checked {
				continue
			}
			choices = append(choices, facetChoice{Facet: f, Value: id, Label: facetLabel(f, id, p.Lang), Count: counts[id],
				Checked: checked, InputID: "f-" + string(f) + "-" + id})
		}
		// Values keep the vocabulary's order (phases stay in sequence) unless there are
		// more than maxFacetChoices: then the most frequent come first and the rest,
		// except the chosen ones, fold away.
		if len(choices) > maxFacetChoices {
			slices.SortStableFunc(choices, func(a, b facetChoice) int { return b.Count - a.Count })
		}
		for i, c := range choices {
			if i < maxFacetChoices || c.Checked {
				g.Values = append(g.Values, c)
			} else {
				g.More = append(g.More, c)
			}
		}
		groups = append(groups, g)
	}
	return groups
}

// chips lists the active filters, each with the address of the page without it, and
// the address of the page without any filter.
func (p page) chips(req search.Request) ([]chip, string) {
	var chips []chip
	for _, f := range search.FacetOrder {
		for _, id := range req.Filters[f] {
			without := withFilters(req, f, slices.DeleteFunc(slices.Clone(req.Filters[f]), func(v string) bool { return v == id }))
			chips = append(chips, chip{Facet: f, FacetName: p.T(facetNames[f]), Label: facetLabel(f, id, p.Lang),
				RemoveURL: p.searchLink(without), without: without})
		}
	}
	clear := req
	clear.Filters = nil
	clear.Page = 1
	return chips, p.searchLink(clear)
}

// withFilters returns req on its first page with facet f's filter set to values.
func withFilters(req search.Request, f corpus.Facet, values []string) search.Request {
	filters := make(map[corpus.Facet][]string, len(req.Filters)+1)
	for k, v := range req.Filters {
		filters[k] = v
	}
	if len(values) == 0 {
		delete(filters, f)
	} else {
		filters[f] = values
	}
	req.Filters = filters
	req.Page = 1
	return req
}

// searchLink returns the address of the search page for req.
func (p page) searchLink(req search.Request) string {
	return p.link("/search", searchValues(req), "")
}

// mapLink returns the address of the search page for req with the evidence map over
// axis.
func (p page) mapLink(req search.Request, axis corpus.Facet) string {
	p.MapAxis = axis
	return p.searchLink(req)
}

// relax runs the search once without each active filter (up to maxRelaxations), so
// that an empty page can say which filters to remove: those whose removal finds
// something.
func (s *Server) relax(ctx context.Context, chips []chip) ([]relaxation, error) {
	var out []relaxation
	for _, ch := range chips[:min(len(chips), maxRelaxations)] {
		r := ch.without
		r.Size = 0
		resp, err := s.search(ctx, r)
		if err != nil {
			return nil, err
		}
		if resp.Total > 0 {
			out = append(out, relaxation{chip: ch, Total: resp.Total})
		}
	}
	return out, nil
}

// pager builds the paging links around the current page.
func (p page) pager(req search.Request, total int) pager {
	pg := pager{Page: req.Page}
	if req.Size > 0 {
		pg.Pages = min((total+req.Size-1)/req.Size, maxPage)
	}
	at := func(n int) string {
		r := req
		r.Page = n
		return p.searchLink(r)
	}
	if req.Page > 1 && pg.Pages > 0 {
		pg.PrevURL = at(min(req.Page-1, pg.Pages))
	}
	if req.Page < pg.Pages {
		pg.NextURL = at(req.Page + 1)
	}
	last := 0
	for n := 1; n <= pg.Pages; n++ {
		if n != 1 && n != pg.Pages && (n < req.Page-pagerRadius || n > req.Page+pagerRadius) {
			continue
		}
		pg.Links = append(pg.Links, pageLink{Page: n, URL: at(n), Current: n == req.Page, Gap: last > 0 && n > last+1})
		last = n
	}
	return pg
}

// docPage is the data of a document page.
type docPage struct {
	page
	Doc      *corpus.Document
	Date     string
	LangName string
	Badges   []badge
	Sections []sectionView
	BackURL  string
	BackText string
}

// sectionView is one section of a document page.
type sectionView struct {
	Anchor  string
	Heading string
	// Opening is the start of the text, naming a section without a heading in the
	// table of contents.
	Opening    string
	Path       []string
	Lang       string
	Paragraphs []template.HTML
	Prev, Next string
}

// maxTOCHeading bounds the length of an entry of the table of contents.
const maxTOCHeading = 80

// TOCLabel is the section's entry in the table of contents.
func (v sectionView) TOCLabel() string {
	if v.Heading == "" {
		return v.Opening
	}
	return truncate(v.Heading, maxTOCHeading)
}

// handleDocumentPage answers GET /doc/{doc_id}. The search parameters the page was
// reached with (q, filters, paging) give the highlighted terms and the way back.
func (s *Server) handleDocumentPage(c echo.Context) error {
	p := s.newPage(c)
	req, err := parseSearch(c.QueryParams())
	if err != nil {
		return err
	}
	doc, err := s.document(c.Request().Context(), c.Param("doc_id"))
	if err != nil {
		return err
	}
	p.Query = req.Query
	p.Title = doc.Title
	data := docPage{page: p, Doc: doc, Date: doc.Date, LangName: facetLabel(corpus.Lang, doc.Lang, p.Lang)}
	data.BackURL = p.searchLink(req)
	data.BackText = p.T("Back to results")
	if req.Query == "" && len(req.Filters) == 0 {
		data.BackURL = p.Home
		data.BackText = p.T("Back to search")
	}
	facets := documentFacets(doc)
	for _, f := range corpus.ContentFacets {
		for _, id := range facets[f] {
			data.Badges = append(data.Badges, badge{Facet: f, Value: id, Label: facetLabel(f, id, p.Lang)})
		}
	}
	sr, err := s.engine()
	if err != nil {
		return err
	}
	for i, sec := range doc.Sections {
		v := sectionView{Anchor: sectionAnchor(sec.ID, i), Heading: sec.Heading, Path: sec.Path, Lang: sec.Lang,
			Opening: truncate(strings.Join(strings.Fields(sec.Text), " "), maxTOCHeading)}
		var marks []span
		if req.Query != "" {
			marks, _ = markedSpans(sr.Mark(req.Query, sec.Text), sec.Text)
		}
		for _, para := range paragraphs(sec.Text) {
			v.Paragraphs = append(v.Paragraphs, richText(para.text, within(marks, para.start, len(para.text)),
				findIdentifiers(para.text, sec.Identifiers)))
		}
		data.Sections = append(data.Sections, v)
	}
	for i := range data.Sections {
		if i > 0 {
			data.Sections[i].Prev = data.Sections[i-1].Anchor
		}
		if i+1 < len(data.Sections) {
			data.Sections[i].Next = data.Sections[i+1].Anchor
		}
	}
	return s.render(c, http.StatusOK, "document", data)
}

// docPath is the path of a document's page, unescaped: link escapes it once.
func docPath(id string) string { return "/doc/" + id }

// sectionAnchor is the anchor id of a section: "s{n}" with n its number in the
// section id "{doc_id}#{n}", or its position when the id has none.
func sectionAnchor(id string, i int) string {
	if j := strings.LastIndexByte(id, '#'); j >= 0 {
		if n, err := strconv.Atoi(id[j+1:]); err == nil {
			return "s" + strconv.Itoa(n)
		}
	}
	return fmt.Sprintf("s%d", i+1)
}
