package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"musesearch/indexer"
	"musesearch/search"
)

// newCorpusServer is a server over an index of files alone, without the write API's
// limit on a file's size.
func newCorpusServer(t *testing.T, files map[string]string) (*Server, *search.Engine) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ix, err := indexer.Open(context.Background(), indexer.Config{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.Sync(context.Background(), dir, nil); err != nil {
		t.Fatal(err)
	}
	engine, err := search.New(search.Config{Index: ix, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Searcher: engine, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	return srv, engine
}

// longReport is a Markdown report of about size bytes: a heading every six
// paragraphs.
func longReport(size int) string {
	var b strings.Builder
	b.WriteString("# A long report\n\n")
	for i := 0; b.Len() < size; i++ {
		if i%6 == 0 {
			fmt.Fprintf(&b, "## Chapter %d of the report\n\n", i/6+1)
		}
		fmt.Fprintf(&b, "Paragraph %d: Muse cells were given to patients after stroke, and their safety and efficacy "+
			"were assessed over twelve months. Mesenchymal stem cells served for comparison, and the results "+
			"will shape the design of later trials.\n\n", i)
	}
	return b.String()
}

// servePage answers one GET and parses the page; it fails the test unless the status
// is 200.
func servePage(t *testing.T, srv *Server, target string) *html.Node {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: status %d", target, rec.Code)
	}
	return parseHTML(t, rec.Body.String())
}

// pageTarget is the path and query a link leads to from page (the document page at
// base), and its fragment.
func pageTarget(t *testing.T, base, href string) (target, fragment string) {
	t.Helper()
	b, _ := url.Parse(base)
	u, err := b.Parse(href)
	if err != nil {
		t.Fatalf("link %q: %v", href, err)
	}
	target = u.EscapedPath()
	if u.RawQuery != "" {
		target += "?" + u.RawQuery
	}
	return target, u.Fragment
}

func TestDocumentPageParts(t *testing.T) {
	srv, engine := newCorpusServer(t, map[string]string{"long report.md": longReport(5 * maxPartBytes / 2)})
	doc, err := engine.Document(t.Context(), "long report")
	if err != nil {
		t.Fatal(err)
	}
	total := len(doc.Sections)
	first := "/doc/long%20report?q=Muse&hl=ja&page=3"

	// Walk the parts by their "next" links: together they show every section once,
	// in order, each part within the limits.
	var shown []string
	parts := map[string]*html.Node{} // part address -> its page
	for target, n := first, 1; target != ""; n++ {
		if n > total {
			t.Fatal("the next links go round in circles")
		}
		page := servePage(t, srv, target)
		parts[target] = page
		sections := findAll(page, sel("section", ".doc-section"))
		if len(sections) == 0 || len(sections) > maxPartSections {
			t.Errorf("part %d shows %d sections, want 1 to %d", n, len(sections), maxPartSections)
		}
		textBytes := 0
		for _, s := range sections {
			shown = append(shown, attr(s, "id"))
			for _, p := range findAll(s, sel("p")) {
				if !hasClass(p, "section-nav") && !hasClass(p, "section-path") {
					textBytes += len(textOf(p))
				}
			}
		}
		if len(sections) > 1 && textBytes > maxPartBytes+len(sections)*2 {
			t.Errorf("part %d shows %d bytes of text, want at most %d", n, textBytes, maxPartBytes)
		}
		if len(findAll(page, sel("mark"))) == 0 {
			t.Errorf("part %d does not highlight the query", n)
		}
		nav := findAll(page, sel("nav", ".parts"))
		if len(nav) == 0 {
			t.Fatalf("part %d has no navigation between parts", n)
		}
		next := findAll(nav[0], sel("a", "rel=next"))
		target = ""
		if len(next) > 0 {
			target, _ = pageTarget(t, first, attr(next[0], "href"))
			if q, _ := url.ParseQuery(strings.SplitN(target, "?", 2)[1]); q.Get("part") != strconv.Itoa(n+1) ||
				q.Get("q") != "Muse" || q.Get("hl") != "ja" || q.Get("page") != "3" {
				t.Errorf("part %d: next link %q, want part %d keeping q, hl and the results page", n, target, n+1)
			}
		}
	}
	if len(parts) < 2 {
		t.Fatalf("a document of %d bytes of text is shown in %d part, want several", 5*maxPartBytes/2, len(parts))
	}
	want := make([]string, total)
	for i := range want {
		want[i] = "s" + strconv.Itoa(i+1)
	}
	if !slices.Equal(shown, want) {
		t.Errorf("the parts show sections %q…, want s1 to s%d once each, in order", shown[:min(len(shown), 5)], total)
	}

	// On every part, the contents list every section, each link leading to the part
	// that holds it; the links between sections lead to them too.
	holder := func(target, fragment string) bool {
		page, ok := parts[target]
		if !ok {
			page = servePage(t, srv, target)
			parts[target] = page
		}
		return len(findAll(page, sel("section", "id="+fragment))) == 1
	}
	for target, page := range parts {
		toc := findAll(findOne(t, page, sel("nav", ".toc"), "contents"), sel("a"))
		if len(toc) != total {
			t.Errorf("%s: the contents list %d sections, want %d", target, len(toc), total)
		}
		links := toc
		for _, nav := range findAll(page, sel("p", ".section-nav")) {
			links = append(links, findAll(nav, sel("a"))...)
		}
		for _, a := range links {
			to, fragment := pageTarget(t, target, attr(a, "href"))
			if fragment == "toc" {
				continue
			}
			if !holder(to, fragment) {
				t.Errorf("%s: link %q does not lead to the part holding #%s", target, attr(a, "href"), fragment)
			}
		}
	}

	for _, tt := range []struct {
		query string
		want  int
	}{
		{"part=0", http.StatusBadRequest},
		{"part=two", http.StatusBadRequest},
		{"part=1&part=2", http.StatusBadRequest},
		{fmt.Sprintf("part=%d", len(parts)+1), http.StatusNotFound},
	} {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/doc/long%20report?"+tt.query, nil))
		if rec.Code != tt.want {
			t.Errorf("?%s: status %d, want %d", tt.query, rec.Code, tt.want)
		}
	}
}
