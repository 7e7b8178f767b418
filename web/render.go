package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"musesearch/corpus"
)

//go:embed templates static
var content embed.FS

// pageNames are the pages; each is parsed with the base layout into a set of its own.
var pageNames = []string{"search", "document", "trials", "error"}

// pages holds one parsed template set per page.
type pages map[string]*template.Template

// templateFuncs are the functions templates may call.
var templateFuncs = template.FuncMap{
	"join": strings.Join,
}

// parsePages parses the base layout and the shared parts (shared.tmpl) with each
// page's template.
func parsePages() (pages, error) {
	out := make(pages, len(pageNames))
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(templateFuncs).ParseFS(content, "templates/base.tmpl", "templates/shared.tmpl", "templates/"+name+".tmpl")
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// render executes a page's template into a buffer and writes it only when it
// succeeded, so a failing template never sends half a page.
func (s *Server) render(c echo.Context, status int, name string, data any) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// staticFiles are the files under static/, with a content hash each for cache busting.
type staticFiles struct {
	fsys   fs.FS
	hashes map[string]string
}

// loadStatic reads the static files and hashes them.
func loadStatic() (staticFiles, error) {
	sub, err := fs.Sub(content, "static")
	if err != nil {
		return staticFiles{}, err
	}
	st := staticFiles{fsys: sub, hashes: map[string]string{}}
	entries, err := fs.ReadDir(sub, ".")
	if err != nil {
		return staticFiles{}, err
	}
	for _, e := range entries {
		b, err := fs.ReadFile(sub, e.Name())
		if err != nil {
			return staticFiles{}, err
		}
		sum := sha256.Sum256(b)
		st.hashes[e.Name()] = hex.EncodeToString(sum[:6])
	}
	return st, nil
}

// url returns the address of a static file, versioned by its content so that it can be
// cached for long.
func (st staticFiles) url(name string) string {
	return "/static/" + name + "?v=" + st.hashes[name]
}

// handleStatic serves one static file.
func (s *Server) handleStatic(c echo.Context) error {
	name := c.Param("file")
	if _, ok := s.static.hashes[name]; !ok {
		return notFound(msgNoPage)
	}
	b, err := fs.ReadFile(s.static.fsys, name)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	if c.QueryParam("v") == s.static.hashes[name] {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	return c.Blob(http.StatusOK, ctype, b)
}

// page is what every page's template data holds: the interface language, the title,
// the search box's content and the links of the layout.
type page struct {
	*locale
	// Lang is the interface language, the lang attribute of the page.
	Lang string
	// Title is the document title without the site name.
	Title string
	// Query fills the search box.
	Query string
	// Action is where the search box sends its query: the search page, or the page of
	// trials on that page.
	Action string
	// HL is the hl parameter when the request gave one; links keep it.
	HL string
	// Home is the address of the empty search page in this language.
	Home string
	// TrialsURL is the address of the trials page in this language.
	TrialsURL string
	// Switch links to this page in each interface language.
	Switch []languageLink
	// MaxQuery is the longest query the search box takes, in characters.
	MaxQuery int
	// MapAxis is the facet of the evidence map's columns (the map parameter); links
	// keep it when it is not the default.
	MapAxis corpus.Facet
	// Canonical is the page's canonical address (see canonicalize); Alternates are the
	// same page in each interface language, and without hl (x-default). Both are empty
	// on a page not to be indexed (an error).
	Canonical  string
	Alternates []alternateLink
	static     staticFiles
}

// alternateLink is the address of a page in one interface language (Lang, an
// hreflang), or "x-default" for the page that chooses by Accept-Language.
type alternateLink struct {
	Lang, URL string
}

// languageLink is one entry of the language switcher.
type languageLink struct {
	Code, Name, URL string
	Current         bool
}

// Static returns the versioned address of a static file.
func (p page) Static(name string) string { return p.static.url(name) }

// newPage starts the data of a page: the language is chosen from hl and
// Accept-Language, and the switcher links to the same address in each language.
func (s *Server) newPage(c echo.Context) page {
	req := c.Request()
	hl := req.URL.Query().Get("hl")
	loc, explicit := negotiate(hl, req.Header.Get("Accept-Language"))
	// The same address gives another language to another Accept-Language.
	c.Response().Header().Add("Vary", "Accept-Language")
	p := page{locale: loc, Lang: loc.Code, static: s.static, Home: "/", Action: "/search", MaxQuery: maxQueryChars,
		MapAxis: mapAxisOf(req.URL.Query().Get("map"))}
	if explicit {
		p.HL = loc.Code
		p.Home = "/?hl=" + loc.Code
	}
	p.TrialsURL = p.link("/trials", nil, "")
	for _, tag := range uiLanguages {
		code := localeFor(tag).Code
		q := req.URL.Query()
		q.Set("hl", code)
		u := url.URL{Path: req.URL.Path, RawQuery: q.Encode()}
		p.Switch = append(p.Switch, languageLink{Code: code, Name: corpus.Label(corpus.Lang, code, code), URL: u.String(), Current: code == loc.Code})
	}
	return p
}

// canonicalize sets the page's canonical address, base+pathname?v, and its
// alternates. The parameters go in one order, each one's values sorted, so that a search
// has one canonical address however its filters were ticked; hl is kept when the page
// was asked in a language. base is the public URL, or "" when none is configured (the
// addresses are then relative: the Host header is the client's to choose).
func (p *page) canonicalize(base, pathname string, v url.Values) {
	sorted := make(url.Values, len(v)+1)
	for k, values := range v {
		sorted[k] = slices.Sorted(slices.Values(values))
	}
	at := func(hl string) string {
		if hl == "" {
			sorted.Del("hl")
		} else {
			sorted.Set("hl", hl)
		}
		u := url.URL{Path: pathname, RawQuery: sorted.Encode()}
		return base + u.String()
	}
	p.Canonical = at(p.HL)
	for _, tag := range uiLanguages {
		code := localeFor(tag).Code
		p.Alternates = append(p.Alternates, alternateLink{Lang: code, URL: at(code)})
	}
	p.Alternates = append(p.Alternates, alternateLink{Lang: "x-default", URL: at("")})
}

// link returns pathname?values#fragment with the page's presentation state added: hl
// when the page keeps one, map when it is not the default. The pathname is unescaped;
// link escapes it.
func (p page) link(pathname string, v url.Values, fragment string) string {
	v = maps.Clone(v) // the slices are shared, but only new keys are set
	if v == nil {
		v = url.Values{}
	}
	if p.HL != "" {
		v.Set("hl", p.HL)
	}
	if p.MapAxis != "" && p.MapAxis != mapAxes[0] {
		v.Set("map", string(p.MapAxis))
	}
	u := url.URL{Path: pathname, RawQuery: v.Encode(), Fragment: fragment}
	return u.String()
}
