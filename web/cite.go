package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"musesearch/corpus"
	"musesearch/search"
)

// citation is what a reference to one document says. Empty fields are unknown: a
// document gives its title, date, language and address, and its bibliographic
// metadata (corpus.Document.Meta) the rest, as far as its file states it.
type citation struct {
	ID          string
	Title       string
	Authors     []string
	Journal     string
	Date        string // YYYY, YYYY-MM or YYYY-MM-DD
	DOI         string
	PMID        string
	RegistryIDs []string
	Lang        string
	// URL is the document's page, absolute.
	URL string
}

// citationOf returns the citation of doc, whose page is under publicURL.
func citationOf(doc *corpus.Document, publicURL string) citation {
	m := doc.Meta
	c := citation{ID: doc.ID, Title: doc.Title, Authors: m.Authors, Journal: m.Journal, Date: doc.Date, DOI: m.DOI,
		PMID: m.PMID, RegistryIDs: m.RegistryIDs, Lang: doc.Lang, URL: publicURL + docURL(doc.ID)}
	if m.Date != "" {
		c.Date = m.Date
	} else if c.Date == "" && m.Year > 0 {
		c.Date = strconv.Itoa(m.Year)
	}
	return c
}

// citationOfHit returns the citation of a hit's document, whose page is under
// publicURL. A hit carries its document's title, date and language only (its
// metadata, once hits carry it, goes through citationOf): for the Cite box of the
// results, which links to the document's full citation.
func citationOfHit(h search.Hit, publicURL string) citation {
	return citationOf(&corpus.Document{ID: h.DocID, Title: h.Title, Date: h.Date, Lang: h.Lang}, publicURL)
}

// docURL is the path of a document's page, escaped.
func docURL(id string) string { return "/doc/" + url.PathEscape(id) }

// year is the citation's year, or "".
func (c citation) year() string {
	if len(c.Date) >= 4 {
		return c.Date[:4]
	}
	return ""
}

// Citation formats, the values of format on GET /api/documents/{doc_id}/cite.
const (
	citeText   = "text"
	citeRIS    = "ris"
	citeBibTeX = "bibtex"
)

// msgBadCiteFormat is the error for an unknown citation format.
const msgBadCiteFormat = "The format must be text, ris or bibtex."

// text is the citation as one line in the Vancouver style (as the AMA's, which differs
// in punctuation only): authors, title, journal, year, DOI, PMID, the address.
func (c citation) text() string {
	var parts []string
	if len(c.Authors) > 0 {
		authors := c.Authors
		// Vancouver lists six authors, then "et al."
		if len(authors) > 6 {
			authors = append(authors[:6:6], "et al")
		}
		parts = append(parts, strings.Join(authors, ", ")+".")
	}
	parts = append(parts, sentence(c.Title))
	if c.Journal != "" {
		parts = append(parts, sentence(c.Journal))
	}
	if y := c.year(); y != "" {
		parts = append(parts, y+".")
	}
	if c.DOI != "" {
		parts = append(parts, "doi:"+c.DOI+".")
	}
	if c.PMID != "" {
		parts = append(parts, "PMID: "+c.PMID+".")
	}
	parts = append(parts, "Available from: "+c.URL)
	return strings.Join(parts, " ")
}

// sentence ends s with a full stop unless it ends with punctuation of its own.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	if r := []rune(s)[len([]rune(s))-1]; unicode.IsPunct(r) && r != ')' && r != '"' && r != '”' {
		return s
	}
	return s + "."
}

// ris is the citation as an RIS record (https://en.wikipedia.org/wiki/RIS_(file_format)).
func (c citation) ris() string {
	var b strings.Builder
	tag := func(name, value string) {
		if value = strings.TrimSpace(strings.ReplaceAll(value, "\n", " ")); value != "" {
			fmt.Fprintf(&b, "%s  - %s\r\n", name, value)
		}
	}
	kind := "ELEC"
	if c.Journal != "" {
		kind = "JOUR"
	}
	tag("TY", kind)
	tag("ID", c.ID)
	tag("TI", c.Title)
	for _, a := range c.Authors {
		tag("AU", a)
	}
	tag("JO", c.Journal)
	tag("PY", c.year())
	if c.Date != "" {
		parts := strings.Split(c.Date, "-")
		for len(parts) < 3 {
			parts = append(parts, "")
		}
		tag("DA", strings.Join(parts, "/")+"/")
	}
	tag("DO", c.DOI)
	if c.PMID != "" {
		tag("AN", "PMID:"+c.PMID)
	}
	for _, id := range c.RegistryIDs {
		tag("N1", "Trial registration: "+id)
	}
	tag("LA", c.Lang)
	tag("UR", c.URL)
	b.WriteString("ER  - \r\n")
	return b.String()
}

// bibtex is the citation as a BibTeX entry: @article with a journal, @misc without.
func (c citation) bibtex() string {
	kind := "misc"
	if c.Journal != "" {
		kind = "article"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "@%s{%s,\n", kind, bibKey(c.ID))
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(&b, "  %s = {%s},\n", name, bibEscape(value))
		}
	}
	field("title", c.Title)
	field("author", strings.Join(c.Authors, " and "))
	field("journal", c.Journal)
	field("year", c.year())
	field("doi", c.DOI)
	field("pmid", c.PMID)
	field("language", c.Lang)
	field("url", c.URL)
	if len(c.RegistryIDs) > 0 {
		field("note", "Trial registration: "+strings.Join(c.RegistryIDs, ", "))
	}
	b.WriteString("}\n")
	return b.String()
}

// bibKey makes a document id a BibTeX key: letters, digits and a few marks only.
func bibKey(id string) string {
	key := strings.Map(func(r rune) rune {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_:.", r)) {
			return r
		}
		return '_'
	}, id)
	if key == "" {
		return "document"
	}
	return key
}

// bibEscape keeps a value from closing its braces or starting a command: braces and
// backslashes are escaped, and the characters TeX reads specially.
func bibEscape(s string) string {
	return strings.NewReplacer(`\`, `\textbackslash{}`, "{", `\{`, "}", `\}`, "%", `\%`, "&", `\&`, "#", `\#`,
		"$", `\$`, "_", `\_`, "\n", " ").Replace(s)
}

// handleAPICite answers GET /api/documents/{doc_id}/cite: the document's citation as
// plain text (format=text, the default), RIS or BibTeX.
func (s *Server) handleAPICite(c echo.Context) error {
	format := c.QueryParam("format")
	if format == "" {
		format = citeText
	}
	if format != citeText && format != citeRIS && format != citeBibTeX {
		return badRequest(msgBadCiteFormat)
	}
	doc, err := s.document(c.Request().Context(), c.Param("doc_id"))
	if err != nil {
		return err
	}
	cit := citationOf(doc, s.publicURL)
	switch format {
	case citeRIS:
		return download(c, "application/x-research-info-systems", fileName(doc.ID, ".ris"), cit.ris())
	case citeBibTeX:
		return download(c, "application/x-bibtex; charset=utf-8", fileName(doc.ID, ".bib"), cit.bibtex())
	}
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", []byte(cit.text()+"\n"))
}

// download answers with body as a file to save under name.
func download(c echo.Context, contentType, name, body string) error {
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`,
		asciiName(name), url.PathEscape(name)))
	return c.Blob(http.StatusOK, contentType, []byte(body))
}

// fileName is the name of a file saved for a document: its id with ext.
func fileName(id, ext string) string { return id + ext }

// asciiName is name with every character a Content-Disposition filename may not
// hold replaced, for clients that do not read filename*.
func asciiName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
}
