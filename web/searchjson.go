package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io"
	"strings"

	xhtml "golang.org/x/net/html"

	"musesearch/corpus"
	"musesearch/search"
)

// SearchJSON is the answer of GET /api/search, which `musesearch search --json`
// prints too.
type SearchJSON struct {
	Query      string  `json:"query"`
	Total      int     `json:"total"`
	Page       int     `json:"page"`
	Size       int     `json:"size"`
	TookMS     float64 `json:"took_ms"`
	Fuzzy      bool    `json:"fuzzy,omitempty"`
	Suggestion string  `json:"suggestion,omitempty"`
	// Expanded lists what the query was also searched as: glossary terms in other
	// languages, each with the words of the query it translates.
	Expanded []ExpansionJSON                      `json:"expanded"`
	Hits     []HitJSON                            `json:"hits"`
	Facets   map[corpus.Facet][]search.FacetCount `json:"facets"`
}

// ExpansionJSON is one term a query was also searched as.
type ExpansionJSON struct {
	Term string `json:"term"`
	Lang string `json:"lang"`
	From string `json:"from"`
}

// HitJSON is one hit of SearchJSON.
type HitJSON struct {
	ID      string  `json:"id"`
	DocID   string  `json:"doc_id"`
	Source  string  `json:"source"`
	Title   string  `json:"title"`
	Section string  `json:"section"`
	Lang    string  `json:"lang"`
	Date    string  `json:"date,omitempty"`
	Score   float64 `json:"score"`
	// Snippet is HTML: the passage's text escaped, its matches in <mark>, nothing else.
	Snippet string `json:"snippet"`
	// URL opens the document at the section.
	URL     string        `json:"url"`
	Facets  corpus.Facets `json:"facets"`
	Matches int           `json:"matches,omitempty"`
	// Meta is the document's bibliographic metadata; its empty fields are left out.
	Meta corpus.Meta `json:"meta"`
	// With group=doc a hit is a document: Passages are its best matching sections, best
	// first (the first is the hit's own), and MorePassages counts its other matching
	// sections.
	Passages     []PassageJSON `json:"passages,omitempty"`
	MorePassages *int          `json:"more_passages,omitempty"`
}

// PassageJSON is one passage of a document hit.
type PassageJSON struct {
	ID      string `json:"id"`
	Section string `json:"section"`
	// Snippet is HTML, as HitJSON's.
	Snippet string `json:"snippet"`
	URL     string `json:"url"`
}

// NewSearchJSON shapes resp as GET /api/search answers it.
func NewSearchJSON(resp *search.Response) SearchJSON {
	out := SearchJSON{Query: resp.Query, Total: resp.Total, Page: resp.Page, Size: resp.Size, TookMS: resp.TookMS,
		Fuzzy: resp.Fuzzy, Suggestion: resp.Suggestion, Expanded: make([]ExpansionJSON, len(resp.Expanded)),
		Hits: make([]HitJSON, len(resp.Hits)), Facets: resp.Facets}
	for i, x := range resp.Expanded {
		out.Expanded[i] = ExpansionJSON(x)
	}
	for i, h := range resp.Hits {
		out.Hits[i] = HitJSON{ID: h.ID, DocID: h.DocID, Source: h.Source, Title: h.Title, Section: h.Section,
			Lang: h.Lang, Date: h.Date, Score: h.Score, Snippet: string(passageHTML(h.Snippet)),
			URL: sectionURL(h.DocID, h.ID), Facets: h.Facets, Matches: h.Matches, Meta: h.Meta}
		if len(h.Passages) > 0 {
			more := h.Matches - len(h.Passages)
			out.Hits[i].MorePassages = &more
			for _, p := range h.Passages {
				out.Hits[i].Passages = append(out.Hits[i].Passages, PassageJSON{ID: p.ID, Section: p.Section,
					Snippet: string(passageHTML(p.Snippet)), URL: sectionURL(h.DocID, p.ID)})
			}
		}
	}
	return out
}

// EncodeSearch writes resp as the JSON GET /api/search answers. Unlike echo's c.JSON
// it leaves <, > and & as they are, so that snippets read "<mark>ALS</mark>"; the
// answer's Content-Type and nosniff keep a browser from taking the JSON for HTML.
func EncodeSearch(w io.Writer, resp *search.Response) error {
	return encodeJSON(w, NewSearchJSON(resp))
}

func encodeJSON(w io.Writer, v any) error {
	b := buffer()
	defer recycle(b)
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Response turns the answer back into the engine's terms, snippets back into
// passages: for a client of the API that presents results itself.
func (j *SearchJSON) Response() (*search.Response, error) {
	out := &search.Response{Query: j.Query, Total: j.Total, Page: j.Page, Size: j.Size, TookMS: j.TookMS,
		Fuzzy: j.Fuzzy, Suggestion: j.Suggestion, Hits: make([]search.Hit, len(j.Hits)), Facets: j.Facets}
	for _, x := range j.Expanded {
		out.Expanded = append(out.Expanded, search.Expansion(x))
	}
	for i, h := range j.Hits {
		p, err := parsePassage(h.Snippet)
		if err != nil {
			return nil, fmt.Errorf("hit %s: %w", h.ID, err)
		}
		out.Hits[i] = search.Hit{ID: h.ID, DocID: h.DocID, Source: h.Source, Title: h.Title, Section: h.Section,
			Lang: h.Lang, Date: h.Date, Score: h.Score, Snippet: p, Facets: h.Facets, Matches: h.Matches, Meta: h.Meta}
		for _, pj := range h.Passages {
			sp, err := parsePassage(pj.Snippet)
			if err != nil {
				return nil, fmt.Errorf("passage %s: %w", pj.ID, err)
			}
			out.Hits[i].Passages = append(out.Hits[i].Passages, search.SectionHit{ID: pj.ID, Section: pj.Section, Snippet: sp})
		}
	}
	return out, nil
}

// sectionURL is the path that opens document docID at the section sectionID.
func sectionURL(docID, sectionID string) string {
	return docURL(docID) + "#" + sectionAnchor(sectionID, 0)
}

// passageHTML renders a passage as HTML: its text escaped, its marks in <mark>.
func passageHTML(p search.Passage) template.HTML {
	var b strings.Builder
	at := 0
	for _, m := range p.Marks {
		if m.Start < at || m.End > len(p.Text) {
			continue
		}
		b.WriteString(html.EscapeString(p.Text[at:m.Start]))
		b.WriteString("<mark>" + html.EscapeString(p.Text[m.Start:m.End]) + "</mark>")
		at = m.End
	}
	b.WriteString(html.EscapeString(p.Text[at:]))
	return template.HTML(b.String())
}

// errNotPassage is the error for a snippet that is not escaped text with <mark>
// elements.
var errNotPassage = errors.New("the snippet is not text with <mark> elements")

// parsePassage reads HTML that passageHTML made back into the passage.
func parsePassage(s string) (search.Passage, error) {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var p search.Passage
	var b strings.Builder
	open := -1
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			if !errors.Is(z.Err(), io.EOF) || open >= 0 {
				return search.Passage{}, errNotPassage
			}
			p.Text = b.String()
			return p, nil
		case xhtml.TextToken:
			b.Write(z.Text())
		case xhtml.StartTagToken:
			if name, _ := z.TagName(); string(name) != "mark" || open >= 0 {
				return search.Passage{}, errNotPassage
			}
			open = b.Len()
		case xhtml.EndTagToken:
			if name, _ := z.TagName(); string(name) != "mark" || open < 0 {
				return search.Passage{}, errNotPassage
			}
			p.Marks = append(p.Marks, search.Span{Start: open, End: b.Len()})
			open = -1
		default:
			return search.Passage{}, errNotPassage
		}
	}
}
