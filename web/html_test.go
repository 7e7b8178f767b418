package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// This file holds small selector helpers for checking rendered pages.

// parseHTML parses a page.
func parseHTML(t *testing.T, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	return doc
}

// getHTML requests a page and parses it.
func getHTML(t *testing.T, ts *httptest.Server, path string, header ...string) *html.Node {
	t.Helper()
	res, body := get(t, ts, path, header...)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", path, res.StatusCode)
	}
	return parseHTML(t, body)
}

// selector matches elements.
type selector func(*html.Node) bool

// sel matches elements by tag ("" for any) and attributes given as "key=value" (the
// attribute has that value), "key" (it is present) or ".class" (it has the class).
func sel(tag string, conds ...string) selector {
	return func(n *html.Node) bool {
		if n.Type != html.ElementNode || (tag != "" && n.Data != tag) {
			return false
		}
		for _, c := range conds {
			switch {
			case strings.HasPrefix(c, "."):
				if !hasClass(n, c[1:]) {
					return false
				}
			case strings.Contains(c, "="):
				k, v, _ := strings.Cut(c, "=")
				if got, ok := attrOf(n, k); !ok || got != v {
					return false
				}
			default:
				if _, ok := attrOf(n, c); !ok {
					return false
				}
			}
		}
		return true
	}
}

// findAll returns the elements under n that s matches, in document order.
func findAll(n *html.Node, s selector) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if s(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// findOne returns the only element under n that s matches, failing the test otherwise.
func findOne(t *testing.T, n *html.Node, s selector, what string) *html.Node {
	t.Helper()
	all := findAll(n, s)
	if len(all) != 1 {
		t.Fatalf("%s: found %d elements, want 1", what, len(all))
	}
	return all[0]
}

// attrOf returns an attribute of n.
func attrOf(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// attr returns an attribute of n, "" when absent.
func attr(n *html.Node, key string) string {
	v, _ := attrOf(n, key)
	return v
}

// hasClass reports whether n has the class.
func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// textOf returns the text under n, spaces collapsed.
func textOf(n *html.Node) string {
	var b strings.Builder
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
	return strings.Join(strings.Fields(b.String()), " ")
}
