package web

import (
	"context"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

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
	// Expansion says what the query was also searched as, with the address of the
	// search without it; or, for a search without it, the address with it.
	Expansion expansionLine
	Map       *evidenceMap
	Pager     pager
	// Views link to the results as documents and as passages (sections).
	Views []viewLink
	// Exports link to every result of the search (up to ExportLimit) in each format.
	Exports     []exportLink
	ExportLimit int
	// SizeParam, MapParam and GroupParam keep a size, a map axis and a view that are
	// not the default when the form is sent.
	SizeParam  string
	MapParam   string
	GroupParam string
	// First is the rank of the page's first hit.
	First int
}

// viewLink is a link to one view of the results.
type viewLink struct {
	Name    string
	URL     string
	Current bool
}

// hitView is one hit as the page shows it.
type hitView struct {
	search.Hit
	Link      string
	LangLabel string
	// SectionHTML is Section with its matches marked.
	SectionHTML template.HTML
	Snippet     template.HTML
	Badges      []badge
	Byline      bylineView
	// A document hit shows its best passage, Passages[0], and folds the others; More
	// counts its other matching sections, which its page (MoreURL) shows highlighted.
	Passages []passageView
	More     int
	MoreURL  string
	Cite     citeView
}

// passageView is one passage of a document hit.
type passageView struct {
	Section template.HTML // the heading, its matches marked
	// SectionLang is the language of Section: the section's, or the page's for the
	// "Section 2" that stands for a section without a heading.
	SectionLang string
	Link        string
	Lang        string
	LangLabel   string
	Snippet     template.HTML
}

// citeView is the citation of a document hit: the text, and links to its RIS and
// BibTeX.
type citeView struct {
	Text, RIS, BibTeX string
}

// bylineView is a document's bibliographic metadata as a page shows it: the authors
// shortened on a result ("Dezawa M, et al."), all of them on the document page.
type bylineView struct {
	Authors, AllAuthors string
	Journal             string
	Year                int
	DOI, DOIURL         string
	PMID, PMIDURL       string
	Issuer              string
	RegistryIDs         []string
	Derived             bool
}

// Any reports whether there is a citation to show: a year alone is not one, the
// hit's date says it.
func (c bylineView) Any() bool {
	return c.Authors != "" || c.Journal != "" || c.DOI != "" || c.PMID != "" || c.Issuer != ""
}

// byline prepares a document's metadata for the page.
func (p page) byline(m corpus.Meta) bylineView {
	c := bylineView{Journal: m.Journal, Year: m.Year, Issuer: m.Issuer, RegistryIDs: m.RegistryIDs, Derived: m.TitleDerived,
		DOI: m.DOI, PMID: m.PMID, AllAuthors: strings.Join(m.Authors, ", ")}
	switch len(m.Authors) {
	case 0:
	case 1:
		c.Authors = m.Authors[0]
	default:
		c.Authors = p.T("%s, et al.", m.Authors[0])
	}
	if c.DOI != "" {
		c.DOIURL = "https://doi.org/" + c.DOI
	}
	if c.PMID != "" {
		c.PMIDURL = "https://pubmed.ncbi.nlm.nih.gov/" + c.PMID + "/"
	}
	return c
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

// expansionLine is the line that tells what a query was also searched as (Terms,
// with the address of the same search as typed, LiteralURL), or that it was searched
// as typed only (ExpandURL, the address of the same search with expansion).
type expansionLine struct {
	Terms      []search.Expansion
	LiteralURL string
	ExpandURL  string
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
	// LastURL, set only for a page past the last, leads to the last.
	LastURL string
	Links   []pageLink
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
	req, err := parseSearch(c.QueryParams(), documentsByDefault)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	resp, err := s.search(ctx, req)
	if err != nil {
		return err
	}
	p.Query = req.Query
	canonical := searchValues(req, documentsByDefault)
	if len(canonical) == 0 {
		p.canonicalize(s.canonicalBase, "/", nil) // the home page
	} else {
		p.canonicalize(s.canonicalBase, "/search", canonical)
	}
	p.Title = p.T("All sections")
	if req.GroupByDoc {
		p.Title = p.T("All documents")
	}
	if req.Query != "" {
		p.Title = p.T("Results for “%s”", req.Query)
	}
	data := searchPage{page: p, Req: req, Resp: resp, First: (req.Page-1)*req.Size + 1}
	for _, h := range resp.Hits {
		data.Hits = append(data.Hits, p.hitView(h, req, s.publicURL))
	}
	for _, byDoc := range []bool{true, false} {
		r := req
		r.GroupByDoc, r.Page = byDoc, 1
		name := p.T("Passages")
		if byDoc {
			name = p.T("Documents")
		}
		data.Views = append(data.Views, viewLink{Name: name, URL: p.searchLink(r), Current: byDoc == req.GroupByDoc})
	}
	if !req.GroupByDoc {
		data.GroupParam = groupBySection
	}
	data.Facets = p.facetGroups(req.Filters, resp.Facets)
	data.Chips, data.ClearURL = p.chips(req)
	data.Pager = p.pager(req, resp.Total)
	if req.Size != defaultSize {
		data.SizeParam = strconv.Itoa(req.Size)
	}
	if p.MapAxis != mapAxes[0] {
		data.MapParam = string(p.MapAxis)
	}
	// Exports carry the search, not the interface language.
	data.Exports, data.ExportLimit = exportLinks(req), search.MaxExport
	alt := req
	alt.Page, alt.Literal = 1, !req.Literal
	switch {
	case len(resp.Expanded) > 0:
		data.Expansion = expansionLine{Terms: resp.Expanded, LiteralURL: p.searchLink(alt)}
	case req.Literal && req.Query != "":
		data.Expansion = expansionLine{ExpandURL: p.searchLink(alt)}
	}
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
		if data.Map, err = s.evidenceMap(ctx, p, req, p.MapAxis, c.QueryParams().Has("map")); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, "search", data)
}

// snippetHTML renders a snippet for the page: its matches marked, and the registry
// ids, DOIs and PubMed ids in it linked to their public pages as on a document page.
func snippetHTML(p search.Passage) template.HTML {
	return richText(p.Text, p.Marks, findIdentifiers(p.Text, corpus.FindIdentifiers(p.Text)))
}

// hitView prepares one hit for the page: a link that opens the document at the
// section with the query highlighted, labels in the page's language, the snippet
// checked before it is trusted as HTML; for a document, its passages and citation
// (the document's address under publicURL).
func (p page) hitView(h search.Hit, req search.Request, publicURL string) hitView {
	v := hitView{Hit: h, LangLabel: corpus.Label(corpus.Lang, h.Lang, p.Lang), Snippet: snippetHTML(h.Snippet), Byline: p.byline(h.Meta),
		SectionHTML: passageHTML(search.Passage{Text: h.Section, Marks: h.SectionMarks})}
	// The document page takes the search's parameters: it highlights the query and its
	// "back to results" link returns to this very page of results.
	carried := searchValues(req, documentsByDefault)
	v.Link = p.link(docPath(h.DocID), carried, sectionAnchor(h.ID, 0))
	for _, f := range corpus.ContentFacets {
		for _, id := range h.Facets[f] {
			v.Badges = append(v.Badges, badge{Facet: f, Value: id, Label: corpus.Label(f, id, p.Lang)})
		}
	}
	if len(h.Passages) == 0 {
		return v
	}
	for _, ps := range h.Passages {
		section, sectionLang := passageHTML(search.Passage{Text: ps.Section, Marks: ps.SectionMarks}), ps.Lang
		if section == "" {
			_, n, _ := corpus.SplitSectionID(ps.ID)
			section, sectionLang = template.HTML(html.EscapeString(p.T("Section %d", n))), p.Lang
		}
		v.Passages = append(v.Passages, passageView{Section: section, SectionLang: sectionLang, Link: p.link(docPath(h.DocID), carried, sectionAnchor(ps.ID, 0)),
			Lang: ps.Lang, LangLabel: corpus.Label(corpus.Lang, ps.Lang, p.Lang), Snippet: snippetHTML(ps.Snippet)})
	}
	v.More = h.Matches - len(h.Passages)
	v.MoreURL = p.link(docPath(h.DocID), carried, "")
	cite := citationOfHit(h, publicURL)
	v.Cite = citeView{Text: cite.text(), RIS: citeLink(h.DocID, citeRIS), BibTeX: citeLink(h.DocID, citeBibTeX)}
	return v
}

// citeLink is the address of a document's citation in a format.
func citeLink(docID, format string) string {
	return "/api/documents/" + url.PathEscape(docID) + "/cite?format=" + format
}

// facetGroups builds the sidebar: every facet that has values with hits or selected
// (filters), with their disjunctive counts (of hits or trials). A facet without such a
// value is left out: it offers nothing to choose.
func (p page) facetGroups(filters map[corpus.Facet][]string, facets map[corpus.Facet][]search.FacetCount) []facetGroup {
	var groups []facetGroup
	for _, f := range search.FacetOrder {
		g := facetGroup{Facet: f, Name: p.T(facetNames[f])}
		counts := map[string]int{}
		for _, fc := range facets[f] {
			counts[fc.Value] = fc.Count
		}
		selected := filters[f]
		values := facetValues(f)
		// Values the engine counts but the vocabulary lacks still get a box.
		for _, fc := range facets[f] {
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
			choices = append(choices, facetChoice{Facet: f, Value: id, Label: corpus.Label(f, id, p.Lang), Count: counts[id],
				Checked: checked, InputID: "f-" + string(f) + "-" + id})
		}
		// Values keep the vocabulary's order (phases stay in sequence) unless there are
		// more than maxFacetChoices: then the most frequent come first and the rest,
		// except the chosen ones, fold away.
		if len(choices) > maxFacetChoices {
			slices.SortStableFunc(choices, func(a, b facetChoice) int { return b.Count - a.Count })
		}
		if len(choices) == 0 {
			continue
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
			chips = append(chips, chip{Facet: f, FacetName: p.T(facetNames[f]), Label: corpus.Label(f, id, p.Lang),
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
	return p.link("/search", searchValues(req, documentsByDefault), "")
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

// pager builds the paging links of the search results around the current page.
func (p page) pager(req search.Request, total int) pager {
	pages := 0
	if req.Size > 0 {
		pages = min((total+req.Size-1)/req.Size, maxPage)
	}
	return newPager(req.Page, pages, func(n int) string {
		r := req
		r.Page = n
		return p.searchLink(r)
	})
}

// newPager builds the paging links around page current of pages, each page's
// address given by at: the first, the last and pagerRadius each side of the current.
func newPager(current, pages int, at func(n int) string) pager {
	pg := pager{Page: current, Pages: pages}
	if current > 1 && pages > 0 {
		pg.PrevURL = at(min(current-1, pages))
	}
	if current < pages {
		pg.NextURL = at(current + 1)
	}
	if current > pages && pages > 0 {
		pg.LastURL = at(pages)
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < current-pagerRadius || n > current+pagerRadius) {
			continue
		}
		pg.Links = append(pg.Links, pageLink{Page: n, URL: at(n), Current: n == current, Gap: last > 0 && n > last+1})
		last = n
	}
	return pg
}

// docPage is the data of a document page: one part of the document, with the
// contents of all of it.
type docPage struct {
	page
	Doc      *corpus.Document
	Date     string
	LangName string
	Byline   bylineView
	Badges   []badge
	// TOC lists every section of the document, each linked in the part that holds it.
	TOC []tocEntry
	// Sections are the sections of this part.
	Sections []sectionView
	// Trials are the clinical trials the document reports or mentions.
	Trials []trialMention
	// Parts links to the other parts; a document of one part has none.
	Parts    pager
	BackURL  string
	BackText string
}

// tocEntry is one entry of the table of contents.
type tocEntry struct {
	Label string
	// Lang is the language of the section, and so of its label.
	Lang string
	URL  string
	// Continued marks the second half of a long section: hidden.
	Continued bool
}

// sectionView is one section of a document page.
type sectionView struct {
	Anchor     string
	Heading    string
	Path       []string
	Lang       string
	Paragraphs []template.HTML
	// PrevURL and NextURL link to the sections before and after it, in this part or
	// another.
	PrevURL, NextURL string
}

// Limits of a document page. A long document (a book, a 10 MB upload) is shown in
// parts, so that a page stays quick to send, to highlight and to render; a long
// review article fits in one part.
const (
	// maxPartBytes bounds the section text of one part: about 40,000 English words
	// (a section longer than that alone makes a part).
	maxPartBytes = 256 << 10
	// maxPartSections bounds the sections of one part, however short they are.
	maxPartSections = 200
	// maxTOCHeading bounds the length of an entry of the table of contents.
	maxTOCHeading = 80
)

// documentParts splits the sections of a document into parts, runs of sections in
// reading order within maxPartBytes and maxPartSections, and returns the index of
// the first section of each part. A document without sections has one empty part.
func documentParts(sections []corpus.Section) []int {
	starts := []int{0}
	size, count := 0, 0
	for i, sec := range sections {
		if count > 0 && (size+len(sec.Text) > maxPartBytes || count == maxPartSections) {
			starts = append(starts, i)
			size, count = 0, 0
		}
		size += len(sec.Text)
		count++
	}
	return starts
}

// tocLabel is a section's entry in the table of contents: its heading, or for a
// section without one, the start of its text.
func tocLabel(sec corpus.Section) string {
	if sec.Heading != "" {
		return truncate(sec.Heading, maxTOCHeading)
	}
	// Only the start of the text can show: a long section is not split into words.
	text := sec.Text
	if n := 8 * maxTOCHeading; len(text) > n {
		for !utf8.RuneStart(text[n]) {
			n--
		}
		text = text[:n]
	}
	return truncate(strings.Join(strings.Fields(text), " "), maxTOCHeading)
}

// continues reports whether sec is the continuation of prev: a long section the
// corpus split at a paragraph boundary, under the same heading and path.
func continues(prev, sec corpus.Section) bool {
	return sec.Heading != "" && sec.Heading == prev.Heading && slices.Equal(sec.Path, prev.Path)
}

// handleDocumentPage answers GET /doc/{doc_id}: one part of the document (part, from
// 1). The search parameters the page was reached with (q, filters, paging) give the
// highlighted terms and the way back; every link of the page keeps them.
//
// A link to a section (#s57) of a part it does not name lands on the first part; the
// table of contents links every section in its part, and the page's script follows
// it there.
func (s *Server) handleDocumentPage(c echo.Context) error {
	p := s.newPage(c)
	req, err := parseSearch(c.QueryParams(), documentsByDefault)
	if err != nil {
		return err
	}
	part, err := parsePart(c.QueryParams())
	if err != nil {
		return err
	}
	doc, err := s.document(c.Request().Context(), c.Param("doc_id"))
	if err != nil {
		return err
	}
	starts := documentParts(doc.Sections)
	if part > len(starts) {
		return notFound(msgNoPart, part, len(starts))
	}
	p.Query = req.Query
	// The search a document page was reached from only marks its words.
	canonical := url.Values{}
	if part > 1 {
		canonical.Set(partParam, strconv.Itoa(part))
	}
	p.canonicalize(s.canonicalBase, docPath(doc.ID), canonical)
	p.Title = doc.Title
	data := docPage{page: p, Doc: doc, Date: doc.Date, LangName: corpus.Label(corpus.Lang, doc.Lang, p.Lang), Byline: p.byline(doc.Meta)}
	data.BackURL = p.searchLink(req)
	data.BackText = p.T("Back to results")
	if req.Query == "" && len(req.Filters) == 0 {
		data.BackURL = p.Home
		data.BackText = p.T("Back to search")
	}
	facets := documentFacets(doc)
	for _, f := range corpus.ContentFacets {
		for _, id := range facets[f] {
			data.Badges = append(data.Badges, badge{Facet: f, Value: id, Label: corpus.Label(f, id, p.Lang)})
		}
	}
	if data.Trials, err = s.documentTrials(c.Request().Context(), p, doc.ID); err != nil {
		return err
	}
	sr, err := s.engine()
	if err != nil {
		return err
	}

	partURL := func(n int, fragment string) string {
		v := searchValues(req, documentsByDefault)
		if n > 1 {
			v.Set(partParam, strconv.Itoa(n))
		}
		return p.link(docPath(doc.ID), v, fragment)
	}
	if len(starts) > 1 {
		data.Parts = newPager(part, len(starts), func(n int) string { return partURL(n, "") })
	}
	first, end := starts[part-1], len(doc.Sections)
	if part < len(starts) {
		end = starts[part]
	}
	// linkTo links to section i: its anchor in this part, or in the part that
	// holds it.
	linkTo := func(i int) string {
		anchor := sectionAnchor(doc.Sections[i].ID, i)
		if i >= first && i < end {
			return "#" + anchor
		}
		n, _ := slices.BinarySearch(starts, i+1)
		return partURL(n, anchor)
	}
	for i, sec := range doc.Sections {
		// The contents show a long section, split in two, once; the entry of its
		// second half stays, hidden, for the script that finds a section's part.
		continued := i > 0 && continues(doc.Sections[i-1], sec)
		data.TOC = append(data.TOC, tocEntry{Label: tocLabel(sec), Lang: sec.Lang, URL: linkTo(i), Continued: continued})
	}
	for i := first; i < end; i++ {
		sec := doc.Sections[i]
		v := sectionView{Anchor: sectionAnchor(sec.ID, i), Heading: sec.Heading, Path: sec.Path, Lang: sec.Lang}
		if i > 0 {
			v.PrevURL = linkTo(i - 1)
		}
		if i+1 < len(doc.Sections) {
			v.NextURL = linkTo(i + 1)
		}
		var marks []search.Span
		if req.Query != "" {
			marks = sr.Matches(req.Query, sec.Text)
		}
		for _, para := range paragraphs(sec.Text) {
			v.Paragraphs = append(v.Paragraphs, richText(para.text, within(marks, para.start, len(para.text)),
				findIdentifiers(para.text, sec.Identifiers)))
		}
		data.Sections = append(data.Sections, v)
	}
	return s.render(c, http.StatusOK, "document", data)
}

// docPath is the path of a document's page, unescaped: link escapes it once.
func docPath(id string) string { return "/doc/" + id }

// sectionAnchor is the anchor id of a section: "s{n}" with n its number in the
// section id "{doc_id}#{n}", or its position when the id has none.
func sectionAnchor(id string, i int) string {
	if _, n, ok := corpus.SplitSectionID(id); ok {
		return "s" + strconv.Itoa(n)
	}
	return "s" + strconv.Itoa(i+1)
}
