// Package htmldoc reads a saved web page (a press release, a registry page, a paper's
// full text) as one article: it detects the page's character encoding (byte order
// mark, the HTTP header, <meta charset>, else from the bytes), keeps the article and
// drops navigation, scripts, styles, cookie banners and footers (with a readability
// library), turns h1 to h6 into headings, and reads the title and bibliographic
// metadata from <title>, Open Graph and the citation_* meta tags that journals and
// PubMed Central publish for citation managers.
package htmldoc

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"codeberg.org/readeck/go-readability/v2"
	"github.com/gogs/chardet"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"musesearch/corpus/article"
)

// maxElements bounds the elements of a page the readability pass looks at: a real
// article has a few thousand; a page with more is read whole instead.
const maxElements = 200_000

// ErrNoText: the page holds no text.
var ErrNoText = errors.New("the page holds no text")

// Parse reads the HTML page data. contentType is the Content-Type it was served
// with, if known: its charset parameter then wins over the page's own declaration.
func Parse(data []byte, contentType string) (article.Article, error) {
	text, err := decode(data, contentType)
	if err != nil {
		return article.Article{}, err
	}
	doc, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return article.Article{}, fmt.Errorf("invalid HTML: %w", err)
	}
	head := readHead(doc)
	removeClutter(doc)
	a := article.Article{Meta: head.meta()}
	body := doc
	p := readability.NewParser()
	p.MaxElemsToParse = maxElements
	if ra, err := p.ParseDocument(doc, nil); err == nil && ra.Node != nil {
		body = ra.Node
		head.readability = ra.Title()
		if a.Meta.Date == "" {
			if t, err := ra.PublishedTime(); err == nil {
				a.Meta.Date = t.Format("2006-01-02")
			}
		}
	}
	a.Blocks = blocks(body)
	if len(a.Blocks) == 0 || !hasText(a.Blocks) {
		// Readability may find no article in a short page: read the page whole.
		a.Blocks = blocks(doc)
	}
	a.Title = head.title(a.Blocks)
	if y, err := strconv.Atoi(firstN(a.Meta.Date, 4)); err == nil {
		a.Meta.Year = y
	}
	if a.Title == "" && !hasText(a.Blocks) {
		return article.Article{}, ErrNoText
	}
	return a, nil
}

// decode returns data as UTF-8 text. The encoding is the byte order mark's, the
// header's, the <meta> declaration's, else UTF-8 if the bytes are valid UTF-8, else
// the one a statistical detector finds (a Japanese or Chinese page saved without a
// declaration).
func decode(data []byte, contentType string) (string, error) {
	enc, name, certain := charset.DetermineEncoding(data, contentType)
	if !certain && !utf8.Valid(data) {
		if r, err := chardet.NewHtmlDetector().DetectBest(data); err == nil {
			if e, n := charset.Lookup(r.Charset); e != nil {
				enc, name = e, n
			}
		}
	}
	if name == "utf-8" {
		return strings.ToValidUTF8(strings.TrimPrefix(string(data), "\uFEFF"), "\uFFFD"), nil
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", fmt.Errorf("cannot decode the page as %s: %w", name, err)
	}
	return strings.TrimPrefix(string(out), "\uFEFF"), nil
}

// head is what a page's <head> says about it.
type head struct {
	titleTag    string
	h1          string // the text of the page's first h1
	readability string
	metas       map[string][]string // by lower-case name or property
}

// readHead collects <title>, the <meta name|property content> pairs and the first
// h1 of doc.
func readHead(doc *html.Node) head {
	h := head{metas: map[string][]string{}}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Title:
				if h.titleTag == "" {
					h.titleTag = squash(textOf(n))
				}
			case atom.Meta:
				key := strings.ToLower(attr(n, "name") + attr(n, "property"))
				if v := squash(attr(n, "content")); key != "" && v != "" {
					h.metas[key] = append(h.metas[key], v)
				}
			case atom.H1:
				if h.h1 == "" {
					h.h1 = squash(textOf(n))
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return h
}

func (h head) first(keys ...string) string {
	for _, k := range keys {
		if v := h.metas[k]; len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// meta reads the bibliographic meta tags.
func (h head) meta() article.Meta {
	m := article.Meta{
		Authors:      h.metas["citation_author"],
		Affiliations: unique(h.metas["citation_author_institution"]),
		Journal:      h.first("citation_journal_title", "citation_conference_title", "citation_publisher"),
		Date:         pageDate(h.first("citation_publication_date", "citation_date", "citation_online_date", "article:published_time", "dc.date", "date")),
		DOI:          doi(h.first("citation_doi", "dc.identifier")),
		PMID:         h.first("citation_pmid"),
	}
	if len(m.Authors) == 0 {
		m.Authors = h.metas["dc.creator"]
	}
	return m
}

// title is the page's title: the citation title, else the Open Graph title, else the
// title readability finds (<title> without the site name), else <title>, else the
// first heading; a title that is the page's first heading followed by the site's
// name is that heading.
func (h head) title(blocks []article.Block) string {
	first := h.h1
	if first == "" {
		for _, b := range blocks {
			if b.Kind == article.Heading {
				first = squash(b.Text)
				break
			}
		}
	}
	for _, t := range []string{h.first("citation_title", "og:title", "dc.title"), h.readability, h.titleTag} {
		if t == "" {
			continue
		}
		// "Title - Site name" where the page's first heading is "Title".
		if rest, ok := strings.CutPrefix(t, first); ok && first != "" && siteSuffix.MatchString(rest) {
			return first
		}
		return t
	}
	return first
}

// siteSuffix is what follows a page's title in its <title>: a separator and the site.
var siteSuffix = regexp.MustCompile(`^\s*[-|｜–—:：・]\s*\S`)

var (
	// clutter matches the class or id of page furniture readability may keep:
	// cookie and consent banners, share buttons, breadcrumbs, skip links.
	clutter   = regexp.MustCompile(`(?i)cookie|consent|gdpr|share|breadcrumb|skip-link|newsletter|banner`)
	dateParts = regexp.MustCompile(`^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?`)
	doiPrefix = regexp.MustCompile(`(?i)^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)`)
)

// removeClutter removes what is never part of an article: scripts, styles, forms,
// navigation, and cookie banners and the like.
func removeClutter(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && clutterElement(c) {
			n.RemoveChild(c)
		} else {
			removeClutter(c)
		}
		c = next
	}
}

func clutterElement(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Nav, atom.Form, atom.Button,
		atom.Iframe, atom.Svg, atom.Select, atom.Dialog:
		return true
	case atom.Body, atom.Html, atom.Main, atom.Article:
		return false
	}
	return clutter.MatchString(attr(n, "class")+" "+attr(n, "id")) || attr(n, "role") == "navigation" ||
		strings.EqualFold(attr(n, "aria-hidden"), "true")
}

// pageDate writes a meta tag's date ("2024/01/15", "2024-01-15T09:00:00+09:00") as
// YYYY, YYYY-MM or YYYY-MM-DD.
func pageDate(s string) string {
	m := dateParts.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return ""
	}
	out := m[1]
	if mo, err := strconv.Atoi(m[2]); err == nil && mo >= 1 && mo <= 12 {
		out += fmt.Sprintf("-%02d", mo)
		if d, err := strconv.Atoi(m[3]); err == nil && d >= 1 && d <= 31 {
			out += fmt.Sprintf("-%02d", d)
		}
	}
	return out
}

// doi returns a DOI without its "doi:" or resolver prefix; "" for a value that is not
// a DOI.
func doi(s string) string {
	s = doiPrefix.ReplaceAllString(strings.TrimSpace(s), "")
	if !strings.HasPrefix(s, "10.") {
		return ""
	}
	return s
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textOf is the text of n and its descendants.
func textOf(n *html.Node) string {
	var b bytes.Buffer
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func unique(values []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range values {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func hasText(blocks []article.Block) bool {
	for _, b := range blocks {
		if b.Kind != article.Heading {
			return true
		}
	}
	return false
}

func firstN(s string, n int) string {
	if len(s) < n {
		return s
	}
	return s[:n]
}
