package web

import (
	"errors"
	"html"
	"html/template"
	"io"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"

	"musesearch/corpus"
)

// snippetHTML returns a hit's snippet as HTML for the page. The engine promises escaped
// text with <mark> elements and nothing else; the snippet is trusted only after that
// is checked, and shown as plain text otherwise.
func snippetHTML(snippet string) template.HTML {
	if onlyMarks(snippet) {
		return template.HTML(snippet)
	}
	return template.HTML(html.EscapeString(snippetText(snippet)))
}

// onlyMarks reports whether s is escaped text with balanced, attribute-free <mark>
// elements and no other markup.
func onlyMarks(s string) bool {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	open := false
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return errors.Is(z.Err(), io.EOF) && !open
		case xhtml.TextToken:
			if strings.ContainsAny(string(z.Raw()), "<>") {
				return false
			}
		case xhtml.StartTagToken:
			name, hasAttr := z.TagName()
			if string(name) != "mark" || hasAttr || open || !strings.EqualFold(string(z.Raw()), "<mark>") {
				return false
			}
			open = true
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			if string(name) != "mark" || !open || !strings.EqualFold(string(z.Raw()), "</mark>") {
				return false
			}
			open = false
		default:
			return false
		}
	}
}

// snippetText returns the text of a snippet without its markup, unescaped.
func snippetText(snippet string) string {
	z := xhtml.NewTokenizer(strings.NewReader(snippet))
	var b strings.Builder
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return b.String()
		case xhtml.TextToken:
			b.Write(z.Text())
		}
	}
}

// span is a byte range [start, end) of a text.
type span struct{ start, end int }

// markedSpans reads the engine's highlighting of text (text HTML-escaped with matches
// in <mark>) back into the spans of text it marks. It reports false when the marked
// HTML is not text with marks or does not spell text, so that nothing is marked wrongly.
func markedSpans(marked, text string) ([]span, bool) {
	z := xhtml.NewTokenizer(strings.NewReader(marked))
	var spans []span
	at, open := 0, -1
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return spans, errors.Is(z.Err(), io.EOF) && open < 0 && at == len(text)
		case xhtml.TextToken:
			t := string(z.Text())
			if !strings.HasPrefix(text[at:], t) {
				return nil, false
			}
			at += len(t)
		case xhtml.StartTagToken:
			if name, _ := z.TagName(); string(name) != "mark" || open >= 0 {
				return nil, false
			}
			open = at
		case xhtml.EndTagToken:
			if name, _ := z.TagName(); string(name) != "mark" || open < 0 {
				return nil, false
			}
			spans = append(spans, span{open, at})
			open = -1
		default:
			return nil, false
		}
	}
}

// paragraph is one paragraph of a section's text, at its byte offset in the text.
type paragraph struct {
	text  string
	start int
}

// paragraphs splits a section's text at blank lines.
func paragraphs(text string) []paragraph {
	var out []paragraph
	at := 0
	for _, p := range strings.Split(text, "\n\n") {
		trimmed := strings.TrimSpace(p)
		if trimmed != "" {
			out = append(out, paragraph{text: trimmed, start: at + strings.Index(p, trimmed)})
		}
		at += len(p) + 2
	}
	return out
}

// within returns the parts of spans inside [start, start+n), shifted to start at 0.
func within(spans []span, start, n int) []span {
	var out []span
	for _, s := range spans {
		a, b := max(s.start, start), min(s.end, start+n)
		if a < b {
			out = append(out, span{a - start, b - start})
		}
	}
	return out
}

// link is a span of text that links to href.
type link struct {
	span
	href string
}

// findIdentifiers returns the spans of text that name the identifiers, each linked to
// its public page; an identifier of a kind without a public page is not linked.
func findIdentifiers(text string, ids []corpus.Identifier) []link {
	var links []link
	for _, id := range ids {
		href := identifierURL(id)
		if href == "" || id.Value == "" {
			continue
		}
		for from := 0; ; {
			i := strings.Index(text[from:], id.Value)
			if i < 0 {
				break
			}
			start := from + i
			links = append(links, link{span{start, start + len(id.Value)}, href})
			from = start + len(id.Value)
		}
	}
	// Keep the earliest, then longest, of overlapping links.
	slices.SortFunc(links, func(a, b link) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	out := links[:0]
	for _, l := range links {
		if len(out) > 0 && l.start < out[len(out)-1].end {
			continue
		}
		out = append(out, l)
	}
	return out
}

// identifierURL returns the public page of a trial registry id, DOI or PubMed id, or
// "" for a kind without one.
func identifierURL(id corpus.Identifier) string {
	v := id.Value
	switch strings.ToLower(id.Kind) {
	case corpus.KindNCT:
		return "https://clinicaltrials.gov/study/" + url.PathEscape(strings.ToUpper(v))
	case corpus.KindJRCT:
		return "https://jrct.niph.go.jp/latest-detail/" + url.PathEscape(v)
	case corpus.KindChiCTR:
		return "https://www.chictr.org.cn/searchprojEN.html?regno=" + url.QueryEscape(v)
	case corpus.KindUMIN, corpus.KindJapic, corpus.KindISRCTN:
		// The WHO registry platform has a page for the trials of every primary registry.
		return "https://trialsearch.who.int/Trial2.aspx?TrialID=" + url.QueryEscape(v)
	case corpus.KindEudraCT:
		return "https://www.clinicaltrialsregister.eu/ctr-search/search?query=" + url.QueryEscape(v)
	case corpus.KindDOI:
		return "https://doi.org/" + (&url.URL{Path: v}).EscapedPath()
	case corpus.KindPMID:
		return "https://pubmed.ncbi.nlm.nih.gov/" + url.PathEscape(v) + "/"
	case corpus.KindPMCID:
		return "https://pmc.ncbi.nlm.nih.gov/articles/" + url.PathEscape(strings.ToUpper(v)) + "/"
	}
	return ""
}

// richText renders plain text as HTML: escaped, with the marks spans in <mark> and the
// links as <a> elements. Links do not overlap one another; marks may overlap anything,
// and are split where a link begins or ends so that elements nest.
func richText(text string, marks []span, links []link) template.HTML {
	if len(marks) == 0 && len(links) == 0 {
		return template.HTML(html.EscapeString(text))
	}
	cuts := []int{0, len(text)}
	for _, m := range marks {
		cuts = append(cuts, m.start, m.end)
	}
	for _, l := range links {
		cuts = append(cuts, l.start, l.end)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	var b strings.Builder
	li, open := 0, -1 // the next link that may contain a segment; the open link
	for i := 0; i+1 < len(cuts); i++ {
		start, end := cuts[i], cuts[i+1]
		for li < len(links) && links[li].end <= start {
			li++
		}
		in := -1
		if li < len(links) && links[li].start <= start {
			in = li
		}
		if in != open {
			if open >= 0 {
				b.WriteString("</a>")
			}
			if in >= 0 {
				b.WriteString(`<a class="ext" rel="noopener" href="` + html.EscapeString(links[in].href) + `">`)
			}
			open = in
		}
		marked := slices.ContainsFunc(marks, func(m span) bool { return m.start <= start && end <= m.end })
		if marked {
			b.WriteString("<mark>")
		}
		b.WriteString(html.EscapeString(text[start:end]))
		if marked {
			b.WriteString("</mark>")
		}
	}
	if open >= 0 {
		b.WriteString("</a>")
	}
	return template.HTML(b.String())
}

// truncate shortens s to at most n characters, ending with an ellipsis when cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
