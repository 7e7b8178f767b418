package web

import (
	"html"
	"html/template"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"musesearch/corpus"
	"musesearch/search"
)

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
func within(spans []search.Span, start, n int) []search.Span {
	var out []search.Span
	for _, s := range spans {
		a, b := max(s.Start, start), min(s.End, start+n)
		if a < b {
			out = append(out, search.Span{Start: a - start, End: b - start})
		}
	}
	return out
}

// link is a span of text that links to href.
type link struct {
	search.Span
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
			links = append(links, link{search.Span{Start: start, End: start + len(id.Value)}, href})
			from = start + len(id.Value)
		}
	}
	// Keep the earliest, then longest, of overlapping links.
	slices.SortFunc(links, func(a, b link) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
	out := links[:0]
	for _, l := range links {
		if len(out) > 0 && l.Start < out[len(out)-1].End {
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
func richText(text string, marks []search.Span, links []link) template.HTML {
	if len(marks) == 0 && len(links) == 0 {
		return template.HTML(html.EscapeString(text))
	}
	cuts := []int{0, len(text)}
	for _, m := range marks {
		cuts = append(cuts, m.Start, m.End)
	}
	for _, l := range links {
		cuts = append(cuts, l.Start, l.End)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	var b strings.Builder
	li, open := 0, -1 // the next link that may contain a segment; the open link
	for i := 0; i+1 < len(cuts); i++ {
		start, end := cuts[i], cuts[i+1]
		for li < len(links) && links[li].End <= start {
			li++
		}
		in := -1
		if li < len(links) && links[li].Start <= start {
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
		marked := slices.ContainsFunc(marks, func(m search.Span) bool { return m.Start <= start && end <= m.End })
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
