package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// awkwardIDs is a corpus whose document ids (the file names without extension) hold
// characters that must be escaped in a path: CJK, space, #, ?, %, and the =, + that
// encodeURIComponent escapes but a path need not.
var awkwardIDs = map[string]string{
	"幹細胞 #1?%.txt": "Muse cells in stroke\n\nA report on gammaseed and Muse cells after stroke.\n",
	"a=b+c.txt":    "MSC in ALS\n\nA note on gammaseed and mesenchymal stem cells in ALS.\n",
	"plain.txt":    "Muse cells\n\nA plain document about gammaseed.\n",
}

func TestResultLinksOpenTheirDocument(t *testing.T) {
	f := newAdminServer(t, "", awkwardIDs)
	rec := f.serve(httptest.NewRequest(http.MethodGet, "/search?q=gammaseed", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("search page: status %d", rec.Code)
	}
	links := findAll(parseHTML(t, rec.Body.String()), sel("a", ".hit-link"))
	if len(links) != len(awkwardIDs) {
		t.Fatalf("%d hit links, want %d", len(links), len(awkwardIDs))
	}
	for _, a := range links {
		href := attr(a, "href")
		u, err := url.Parse(href)
		if err != nil {
			t.Errorf("hit link %q: %v", href, err)
			continue
		}
		// Follow the link as a browser does: path and query, not the fragment.
		target := u.EscapedPath() + "?" + u.RawQuery
		res := f.serve(httptest.NewRequest(http.MethodGet, target, nil))
		if res.Code != http.StatusOK {
			t.Errorf("hit link %q (%s): status %d, want 200", href, textOf(a), res.Code)
			continue
		}
		if got := textOf(findOne(t, parseHTML(t, res.Body.String()), sel("h1"), "title")); got != textOf(a) {
			t.Errorf("hit link %q opens %q, want %q", href, got, textOf(a))
		}
	}
}

func TestDocumentIDsDecoded(t *testing.T) {
	f := newAdminServer(t, "", awkwardIDs)
	tests := []struct {
		path string
		want int
	}{
		// As encodeURIComponent writes them.
		{"/doc/a%3Db%2Bc", http.StatusOK},
		{"/api/documents/a%3Db%2Bc", http.StatusOK},
		{"/doc/" + url.PathEscape("幹細胞 #1?%"), http.StatusOK},
		{"/api/documents/" + url.PathEscape("幹細胞 #1?%"), http.StatusOK},
		{"/doc/%E5%B9%B9%E7%B4%B0%E8%83%9E%20%231%3F%25", http.StatusOK},
		// Unescaped where a path allows it.
		{"/doc/a=b+c", http.StatusOK},
		{"/api/documents/a=b+c", http.StatusOK},
		// An escaped slash is part of the id (no id has one), not a path separator.
		{"/doc/plain%2F..", http.StatusNotFound},
		{"/api/documents/a%2Fb", http.StatusNotFound},
	}
	for _, tt := range tests {
		rec := f.serve(httptest.NewRequest(http.MethodGet, tt.path, nil))
		if rec.Code != tt.want {
			t.Errorf("GET %s: status %d, want %d: %.200s", tt.path, rec.Code, tt.want, rec.Body)
		}
		if tt.want == http.StatusOK && strings.HasPrefix(tt.path, "/api/") && !strings.Contains(rec.Body.String(), `"sections"`) {
			t.Errorf("GET %s: %.200s, want the document", tt.path, rec.Body)
		}
	}
}

func TestDeleteDecodesID(t *testing.T) {
	f := newAdminServer(t, testToken, awkwardIDs)
	rec := f.serve(request(http.MethodDelete, "/api/documents/a%3Db%2Bc", nil, testToken))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"a=b+c.txt"`) {
		t.Fatalf("DELETE /api/documents/a%%3Db%%2Bc: status %d %s, want the file a=b+c.txt removed", rec.Code, rec.Body)
	}
}
