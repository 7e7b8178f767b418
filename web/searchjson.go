package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

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

// encodeJSON writes v as encoding/json encodes it, with <, > and & left as they are and
// a newline after it; a SearchJSON by its own encoder (appendJSON).
func encodeJSON(w io.Writer, v any) error {
	b := buffer()
	defer recycle(b)
	if j, ok := v.(SearchJSON); ok {
		a := jsonAppender{b: b.AvailableBuffer()}
		j.appendJSON(&a)
		if a.err != nil {
			return fmt.Errorf("encode JSON: %w", a.err)
		}
		a.b = append(a.b, '\n')
		*b = *bytes.NewBuffer(a.b[:0]) // the buffer as grown, back to the pool
		_, err := w.Write(a.b)
		return err
	}
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
	b.Grow(len(p.Text) + len(p.Marks)*len("<mark></mark>"))
	at := 0
	for _, m := range p.Marks {
		if m.Start < at || m.End > len(p.Text) {
			continue
		}
		htmlEscaper.WriteString(&b, p.Text[at:m.Start])
		b.WriteString("<mark>")
		htmlEscaper.WriteString(&b, p.Text[m.Start:m.End])
		b.WriteString("</mark>")
		at = m.End
	}
	htmlEscaper.WriteString(&b, p.Text[at:])
	return template.HTML(b.String())
}

// htmlEscaper escapes text as html.EscapeString does, into a writer.
var htmlEscaper = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")

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

// appendJSON appends j to a as encoding/json encodes it (see encodeJSON), without
// reflection: for the answer of every search, where encoding/json took about 50 µs
// of CPU and 150 allocations (BenchmarkEncodeSearch). TestEncodeSearchJSON holds the
// two to the same bytes, for every field of SearchJSON.
func (j *SearchJSON) appendJSON(a *jsonAppender) {
	a.raw(`{"query":`)
	a.string(j.Query)
	a.raw(`,"total":`)
	a.int(j.Total)
	a.raw(`,"page":`)
	a.int(j.Page)
	a.raw(`,"size":`)
	a.int(j.Size)
	a.raw(`,"took_ms":`)
	a.float(j.TookMS)
	if j.Fuzzy {
		a.raw(`,"fuzzy":true`)
	}
	if j.Suggestion != "" {
		a.raw(`,"suggestion":`)
		a.string(j.Suggestion)
	}
	a.raw(`,"expanded":`)
	appendArray(a, j.Expanded, func(x ExpansionJSON) {
		a.raw(`{"term":`)
		a.string(x.Term)
		a.raw(`,"lang":`)
		a.string(x.Lang)
		a.raw(`,"from":`)
		a.string(x.From)
		a.raw(`}`)
	})
	a.raw(`,"hits":`)
	appendArray(a, j.Hits, func(h HitJSON) { h.appendJSON(a) })
	a.raw(`,"facets":`)
	appendMap(a, j.Facets, func(counts []search.FacetCount) {
		appendArray(a, counts, func(fc search.FacetCount) {
			a.raw(`{"value":`)
			a.string(fc.Value)
			a.raw(`,"label":`)
			a.string(fc.Label)
			a.raw(`,"count":`)
			a.int(fc.Count)
			a.raw(`}`)
		})
	})
	a.raw(`}`)
}

// appendJSON appends h to a as encoding/json encodes it.
func (h *HitJSON) appendJSON(a *jsonAppender) {
	a.raw(`{"id":`)
	a.string(h.ID)
	a.raw(`,"doc_id":`)
	a.string(h.DocID)
	a.raw(`,"source":`)
	a.string(h.Source)
	a.raw(`,"title":`)
	a.string(h.Title)
	a.raw(`,"section":`)
	a.string(h.Section)
	a.raw(`,"lang":`)
	a.string(h.Lang)
	if h.Date != "" {
		a.raw(`,"date":`)
		a.string(h.Date)
	}
	a.raw(`,"score":`)
	a.float(h.Score)
	a.raw(`,"snippet":`)
	a.string(h.Snippet)
	a.raw(`,"url":`)
	a.string(h.URL)
	a.raw(`,"facets":`)
	appendMap(a, h.Facets, a.strings)
	if h.Matches != 0 {
		a.raw(`,"matches":`)
		a.int(h.Matches)
	}
	a.raw(`,"meta":`)
	appendMeta(a, &h.Meta)
	if len(h.Passages) > 0 {
		a.raw(`,"passages":`)
		appendArray(a, h.Passages, func(p PassageJSON) {
			a.raw(`{"id":`)
			a.string(p.ID)
			a.raw(`,"section":`)
			a.string(p.Section)
			a.raw(`,"snippet":`)
			a.string(p.Snippet)
			a.raw(`,"url":`)
			a.string(p.URL)
			a.raw(`}`)
		})
	}
	if h.MorePassages != nil {
		a.raw(`,"more_passages":`)
		a.int(*h.MorePassages)
	}
	a.raw(`}`)
}

// appendMeta appends m to a as encoding/json encodes it: its empty fields left out.
func appendMeta(a *jsonAppender, m *corpus.Meta) {
	a.raw(`{`)
	sep := ""
	field := func(name string) {
		a.raw(sep)
		a.string(name)
		a.raw(`:`)
		sep = ","
	}
	for _, f := range [...]struct {
		name   string
		values []string
	}{{"authors", m.Authors}, {"affiliations", m.Affiliations}} {
		if len(f.values) > 0 {
			field(f.name)
			a.strings(f.values)
		}
	}
	if m.Journal != "" {
		field("journal")
		a.string(m.Journal)
	}
	if m.Year != 0 {
		field("year")
		a.int(m.Year)
	}
	for _, f := range [...]struct{ name, value string }{{"date", m.Date}, {"doi", m.DOI}, {"pmid", m.PMID}} {
		if f.value != "" {
			field(f.name)
			a.string(f.value)
		}
	}
	if len(m.RegistryIDs) > 0 {
		field("registry_ids")
		a.strings(m.RegistryIDs)
	}
	if m.TitleDerived {
		field("title_derived")
		a.raw(`true`)
	}
	if m.Issuer != "" {
		field("issuer")
		a.string(m.Issuer)
	}
	a.raw(`}`)
}

// jsonAppender appends JSON values to b as encoding/json writes them with HTML left
// unescaped, keeping the first error.
type jsonAppender struct {
	b   []byte
	err error
}

func (a *jsonAppender) raw(s string) { a.b = append(a.b, s...) }

func (a *jsonAppender) int(n int) { a.b = strconv.AppendInt(a.b, int64(n), 10) }

// float appends f as encoding/json does: like %g as ECMAScript prints numbers, with
// exponents from 1e21 and below 1e-6, unpadded.
func (a *jsonAppender) float(f float64) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		if a.err == nil {
			a.err = fmt.Errorf("json: unsupported value: %v", f)
		}
		return
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	a.b = strconv.AppendFloat(a.b, f, format, -1, 64)
	if n := len(a.b); format == 'e' && n >= 4 && a.b[n-4] == 'e' && a.b[n-3] == '-' && a.b[n-2] == '0' {
		a.b[n-2] = a.b[n-1] // e-09 -> e-9
		a.b = a.b[:n-1]
	}
}

// string appends s quoted as encoding/json quotes it without escaping HTML: quotes,
// backslashes and control characters escaped, invalid UTF-8 as U+FFFD, and U+2028
// and U+2029 escaped.
func (a *jsonAppender) string(s string) {
	const hex = "0123456789abcdef"
	b := append(a.b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	a.b = append(b, '"')
}

// strings appends ss as an array, or null when nil.
func (a *jsonAppender) strings(ss []string) { appendArray(a, ss, a.string) }

// appendArray appends xs as an array of what each appends, or null when nil.
func appendArray[T any](a *jsonAppender, xs []T, each func(T)) {
	if xs == nil {
		a.raw(`null`)
		return
	}
	a.raw(`[`)
	for i, x := range xs {
		if i > 0 {
			a.raw(`,`)
		}
		each(x)
	}
	a.raw(`]`)
}

// appendMap appends m as an object, its keys in order, each value as each appends it;
// null when m is nil.
func appendMap[V any](a *jsonAppender, m map[corpus.Facet]V, each func(V)) {
	if m == nil {
		a.raw(`null`)
		return
	}
	keys := make([]corpus.Facet, 0, 8)
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	a.raw(`{`)
	for i, k := range keys {
		if i > 0 {
			a.raw(`,`)
		}
		a.string(string(k))
		a.raw(`:`)
		each(m[k])
	}
	a.raw(`}`)
}
