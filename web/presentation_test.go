package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"musesearch/corpus"
)

// TestBrowserPresentation checks in a real Chromium how the pages present themselves:
// the glyph forms of Chinese and Japanese text, the canonical address of results shown
// while typing, a phone's first screen (the search box's placeholder, the results
// without JavaScript), the edge pages and snippets, print, and the dark palette.
func TestBrowserPresentation(t *testing.T) {
	ts, _ := newTestServer(t)
	b := newBrowser(t, ts.URL)

	// Han characters have other forms in Chinese and in Japanese (直, 骨, 写): the text
	// of each language is drawn with a font of that language's forms, whatever the
	// interface language. The test machine has Noto Sans CJK, whose SC and JP faces
	// differ exactly in these forms.
	t.Run("glyph forms", func(t *testing.T) {
		b.t = t
		zh := "/search?group=section&lang=zh&q=" + url.QueryEscape("干细胞")
		for _, tt := range []struct {
			path, part, face string
		}{
			{zh + "&hl=en", ".hit .snippet", "SC"},
			{zh + "&hl=ja", ".hit .snippet", "SC"},
			{"/search?lang=ja&hl=zh", ".hit-title a", "JP"},
			{"/search?lang=ja&hl=zh", ".hit .snippet", "JP"},
			// The Chinese section of a document in English, in the Japanese interface.
			{"/doc/004_6bdb0a530be4535a?hl=ja", `.doc-section[lang="zh"] p`, "SC"},
			{"/doc/004_6bdb0a530be4535a?hl=ja", `.toc li[lang="zh"] a`, "SC"},
		} {
			b.open(tt.path)
			if got := b.cjkFace(tt.part); got != tt.face {
				t.Errorf("%s: %s is drawn with the CJK %s face, want %s", tt.path, tt.part, got, tt.face)
			}
		}
	})

	t.Run("canonical address of instant results", func(t *testing.T) {
		b.t = t
		b.open("/search?hl=en")
		b.do(chromedp.SendKeys(chromedp.CSS("#q"), "stroke"))
		b.waitFor(`new URLSearchParams(location.search).get("q") === "stroke" && document.querySelectorAll(".hit").length > 0`)
		links := `[...document.querySelectorAll("link[rel=canonical], link[rel=alternate][hreflang]")]`
		if got := b.str(links + `.map(l => l.hreflang + " " + new URL(l.href).search).join(", ")`); got != " ?hl=en&q=stroke, en ?hl=en&q=stroke, ja ?hl=ja&q=stroke, zh ?hl=zh&q=stroke, x-default ?q=stroke" {
			t.Errorf("after typing a query the head links to %s", got)
		}
	})

	t.Run("placeholder on a phone", func(t *testing.T) {
		b.t = t
		b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		defer b.do(chromedp.EmulateViewport(1280, 1000))
		for _, hl := range []string{"en", "ja", "zh"} {
			b.open("/?hl=" + hl)
			got := b.str(`(() => {
				const q = document.getElementById("q"), s = getComputedStyle(q);
				const c = document.createElement("canvas").getContext("2d");
				c.font = s.fontWeight + " " + s.fontSize + " " + s.fontFamily;
				const text = Math.ceil(c.measureText(q.placeholder).width);
				const room = Math.floor(q.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight));
				return text <= room ? "" : q.placeholder + ": " + text + "px in " + room + "px";
			})()`)
			if got != "" {
				t.Errorf("%s: the placeholder is cut off on a 390px screen: %s", hl, got)
			}
		}
	})

	t.Run("first result on a phone without JavaScript", func(t *testing.T) {
		b.t = t
		b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), b.scripts(false))
		defer b.do(chromedp.EmulateViewport(1280, 1000), b.scripts(true))
		b.open("/search?q=stroke&hl=en")
		if b.bool(`document.documentElement.classList.contains("js")`) {
			t.Fatal("the page ran its script")
		}
		if bottom := b.num(`Math.round(document.querySelector(".hit-title").getBoundingClientRect().bottom)`); bottom > 844 {
			t.Errorf("the first result's title ends %dpx down, below the first screen of 844px", bottom)
		}
		// The filters are still there, after the results.
		if !b.bool(`document.querySelector(".sidebar").checkVisibility()`) {
			t.Error("the filters are gone")
		}
	})

	// The edge pages and snippets of the polish issue, as a reader sees them.
	t.Run("edge pages and snippets", func(t *testing.T) {
		b.t = t
		visible := func(sel string) bool {
			return b.bool(`[...document.querySelectorAll(` + jsString(sel) + `)].some(e => e.checkVisibility())`)
		}
		// Nothing found: the tips show, no sort, export or empty filter group.
		b.open("/search?hl=en&q=" + url.QueryEscape("zzqx nothing"))
		if !b.bool(`document.querySelector("details.syntax-help").open`) {
			t.Error("a search that finds nothing does not show the search tips")
		}
		for _, offered := range []string{"#sort", ".export", "fieldset.facet"} {
			if visible(offered) {
				t.Errorf("a search that finds nothing shows %s", offered)
			}
		}
		// A page past the last says so and leads to the last.
		b.open("/search?q=ALS&page=50&hl=en")
		if got := b.str(`document.querySelector(".empty").innerText`); !strings.Contains(got, "There is no page 50") {
			t.Errorf("a page past the last says %q", got)
		}
		b.navigate(chromedp.Click(chromedp.CSS(".empty a")))
		if n := b.num(`document.querySelectorAll(".hit").length`); n == 0 {
			t.Error("the link to the last page shows no results")
		}
		// A refused search keeps the query in the box, in the reader's words.
		b.open("/search?q=stem+cells&indication=flu&hl=en")
		if got := b.str(`document.getElementById("q").value`); got != "stem cells" {
			t.Errorf("the error page's search box holds %q", got)
		}
		// A section found by its heading shows the match there; a registry id links.
		b.open("/search?q=Background&hl=en")
		if !visible(".passage-section mark") {
			t.Error("a result found by its heading marks nothing in the heading")
		}
		b.open("/search?q=jRCT2063200047&group=section&hl=en")
		if !b.bool(`[...document.querySelectorAll(".snippet a.ext")].some(a => a.href.includes("jrct.niph.go.jp"))`) {
			t.Error("no snippet links the registry id")
		}
		if got := b.str(`[...document.querySelectorAll(".snippet")].map(e => e.innerText).join(" ")`); strings.Contains(got, ".…") {
			t.Errorf("a snippet ends in double punctuation: %q", got)
		}
		if visible(`footer a[href="/metrics"]`) {
			t.Error("the footer links the metrics")
		}
	})

	t.Run("print", func(t *testing.T) {
		b.t = t
		b.do(b.media("print", ""))
		defer b.do(b.media("", ""))
		b.open("/search?q=ALS&hl=en")
		for _, hidden := range []string{"#search-form", ".lang-switch", ".sidebar", ".toolbar", "details.evidence", ".syntax-help", "button"} {
			if b.bool(`[...document.querySelectorAll(` + jsString(hidden) + `)].some(e => e.checkVisibility())`) {
				t.Errorf("%s is printed", hidden)
			}
		}
		if !b.bool(`document.querySelector(".hit .snippet").checkVisibility()`) {
			t.Fatal("the results are not printed")
		}
		if got := b.str(`(s => s.color + " on " + s.backgroundColor)(getComputedStyle(document.body))`); got != "rgb(0, 0, 0) on rgb(255, 255, 255)" {
			t.Errorf("the page prints %s, want black on white", got)
		}
		// An external link prints its address.
		if got := b.str(`getComputedStyle(document.querySelector(".hit-cite a[href^='https:']"), "::after").content`); !strings.Contains(got, "https://") {
			t.Errorf("an external link prints %s after it, want its address", got)
		}
	})

	t.Run("dark", func(t *testing.T) {
		b.t = t
		b.do(b.media("", "dark"))
		defer b.do(b.media("", ""))
		b.open("/search?q=ALS&hl=en")
		if got := b.str(`getComputedStyle(document.documentElement).colorScheme`); got != "dark" {
			t.Errorf("color-scheme %q in a dark system, want dark", got)
		}
		// The contrast of each colour is TestTextContrast's; here, that the palette applies.
		text := b.str(`getComputedStyle(document.body).color`)
		back := b.str(`getComputedStyle(document.body).backgroundColor`)
		if contrast(cssHex(t, text), cssHex(t, back)) < 4.5 || luminance(cssHex(t, back)) > 0.05 {
			t.Errorf("a dark system shows %s on %s, want light text on a dark background", text, back)
		}
	})
}

// cjkFace returns the face of Noto Sans CJK ("SC", "JP", ...) Chromium draws the
// text of the first element sel matches with; the test is skipped when no Noto Sans
// CJK face is used at all (the machine lacks the fonts).
func (b *browser) cjkFace(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	doc, err := chromedp.Call(ctx, dom.GetDocument, dom.GetDocumentParams{})
	if err != nil {
		b.t.Fatal(err)
	}
	node, err := chromedp.Call(ctx, dom.QuerySelector, dom.QuerySelectorParams{NodeID: doc.Root.NodeID, Selector: sel})
	if err != nil || node.NodeID == 0 {
		b.t.Fatalf("%s: no such element (%v)", sel, err)
	}
	if _, err := chromedp.Call(ctx, css.Enable, cdp.Empty{}); err != nil {
		b.t.Fatal(err)
	}
	fonts, err := chromedp.Call(ctx, css.GetPlatformFontsForNode, css.GetPlatformFontsForNodeParams{NodeID: node.NodeID})
	if err != nil {
		b.t.Fatal(err)
	}
	var faces []string
	for _, f := range fonts.Fonts {
		if face, ok := strings.CutPrefix(f.FamilyName, "Noto Sans CJK "); ok {
			faces = append(faces, face)
		}
	}
	switch len(faces) {
	case 0:
		b.t.Skipf("%s is drawn without Noto Sans CJK (%d fonts): the fonts are missing", sel, len(fonts.Fonts))
	case 1:
		return faces[0]
	}
	return strings.Join(faces, "+")
}

// scripts turns the page's JavaScript on or off.
func (b *browser) scripts(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}

// media emulates a media type ("print", "" for the screen) and a colour scheme
// ("dark", "" for the system's).
func (b *browser) media(typ, scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: typ,
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		return err
	})
}

// jsString quotes s as a JavaScript string.
func jsString(s string) string { return "`" + strings.ReplaceAll(s, "`", "\\`") + "`" }

// cssHex turns a computed colour, rgb(r, g, b), into #rrggbb.
func cssHex(t *testing.T, rgb string) string {
	t.Helper()
	var r, g, b int
	if _, err := fmt.Sscanf(rgb, "rgb(%d, %d, %d)", &r, &g, &b); err != nil {
		t.Fatalf("colour %q: %v", rgb, err)
	}
	return fmt.Sprintf("#%02x%02x%02x", r, g, b)
}

// TestTextLanguages checks that the text of the documents on a page says its language
// (hit titles, snippets, section headings, entries of the contents), so that a browser
// draws it with that language's glyphs, and that the interface's own words (the
// language badge) are left in the interface language.
func TestTextLanguages(t *testing.T) {
	ts, _ := newTestServer(t)
	check := func(t *testing.T, page *html.Node, s selector, what string) []string {
		t.Helper()
		var langs []string
		for _, n := range findAll(page, s) {
			l := attr(n, "lang")
			if !slices.Contains(corpus.Languages, l) {
				t.Errorf("%s %q has lang=%q", what, textOf(n), l)
			}
			langs = append(langs, l)
		}
		if len(langs) == 0 {
			t.Errorf("no %s", what)
		}
		return langs
	}
	for _, path := range []string{"/search?lang=ja&hl=en", "/search?lang=ja&hl=en&group=section"} {
		page := getHTML(t, ts, path)
		if got := check(t, page, sel("a", ".hit-link"), "hit title"); got[0] != "ja" {
			t.Errorf("%s: the first title, Japanese, has lang=%s", path, got[0])
		}
		check(t, page, sel("p", ".snippet"), "snippet")
		for _, b := range findAll(page, sel("span", ".badge-lang")) {
			if l, ok := attrOf(b, "lang"); ok {
				t.Errorf("%s: the badge %q, a word of the English interface, has lang=%s", path, textOf(b), l)
			}
		}
	}
	// An English title over a Chinese passage: each in its language.
	page := getHTML(t, ts, "/search?lang=zh&group=section&hl=ja&q="+url.QueryEscape("干细胞"))
	if got := check(t, page, sel("a", ".hit-link"), "hit title"); got[0] != "en" {
		t.Errorf("the English title of a Chinese passage has lang=%s", got[0])
	}
	if got := check(t, page, sel("p", ".snippet"), "snippet"); got[0] != "zh" {
		t.Errorf("a Chinese snippet has lang=%s", got[0])
	}
	check(t, getHTML(t, ts, "/search?lang=zh&hl=en&q="+url.QueryEscape("干细胞")), sel("a", ".passage-section"), "passage heading")
	check(t, getHTML(t, ts, "/search?group=section&hl=zh"), sel("span", ".hit-section"), "section heading")
	// The contents of a document of English and Chinese sections.
	doc := getHTML(t, ts, "/doc/004_6bdb0a530be4535a?hl=ja")
	toc := findOne(t, doc, sel("nav", ".toc"), "the contents")
	if got := check(t, toc, sel("li"), "entry of the contents"); !slices.Contains(got, "zh") || !slices.Contains(got, "en") {
		t.Errorf("the contents' languages are %v, want English and Chinese", got)
	}
}

// TestEmptyResultsPage checks that a search that finds nothing offers what helps (the
// did-you-mean line, the search tips, open) and not what has nothing to act on: facet
// groups without a value, the sort order, the export.
func TestEmptyResultsPage(t *testing.T) {
	ts, _ := newTestServer(t)
	page := getHTML(t, ts, "/search?sort=date&hl=ja&q="+url.QueryEscape("臨床試検"))
	if got := textOf(findOne(t, page, sel("", ".total"), "the total")); !strings.HasPrefix(got, "0 ") {
		t.Fatalf("the page finds %s, want nothing", got)
	}
	findOne(t, page, sel("p", ".suggest"), "the did-you-mean line")
	if _, open := attrOf(findOne(t, page, sel("details", ".syntax-help"), "the search tips"), "open"); !open {
		t.Error("the search tips are folded on a page that found nothing")
	}
	for _, fs := range findAll(page, sel("fieldset", ".facet")) {
		if len(findAll(fs, sel("input"))) == 0 {
			t.Errorf("the empty facet group %q is shown", textOf(fs))
		}
	}
	for what, s := range map[string]selector{"sort menu": sel("select", "id=sort"), "export": sel("", ".export")} {
		if n := len(findAll(page, s)); n != 0 {
			t.Errorf("the %s is offered for no result", what)
		}
	}
	// The next search keeps the order asked for.
	findOne(t, page, sel("input", "type=hidden", "name=sort", "value=date", "form=search-form"), "the kept sort order")
	// A search that finds something still has them all.
	page = getHTML(t, ts, "/search?q=ALS&hl=ja")
	findOne(t, page, sel("select", "id=sort"), "the sort menu")
	if _, open := attrOf(findOne(t, page, sel("details", ".syntax-help"), "the search tips"), "open"); open {
		t.Error("the search tips are open over results")
	}
}

// TestCanonical checks the canonical address of the pages and their alternates in each
// interface language: absolute under the public URL when one is configured, the
// search's parameters in one order whatever order they came in, without what only
// changes the presentation (the evidence map's axis, the highlighted query of a
// document).
func TestCanonical(t *testing.T) {
	const public = "https://search.example.org/base"
	heads := func(t *testing.T, ts *httptest.Server, path string) (canonical string, alternates map[string]string) {
		t.Helper()
		page := getHTML(t, ts, path)
		canonical = attr(findOne(t, page, sel("link", "rel=canonical"), path+": the canonical link"), "href")
		alternates = map[string]string{}
		for _, l := range findAll(page, sel("link", "rel=alternate", "hreflang")) {
			alternates[attr(l, "hreflang")] = attr(l, "href")
		}
		return canonical, alternates
	}
	ts := newPublicServer(t, public)
	at := func(hl string) string { return public + "/search?" + hl + "indication=als&indication=stroke&q=ALS" }
	for _, path := range []string{
		"/search?q=ALS&indication=als&indication=stroke&map=design",
		"/search?indication=stroke&q=ALS&indication=als",
	} {
		canonical, alternates := heads(t, ts, path)
		if canonical != at("") {
			t.Errorf("%s: canonical %s, want %s", path, canonical, at(""))
		}
		want := map[string]string{"en": at("hl=en&"), "ja": at("hl=ja&"), "zh": at("hl=zh&"), "x-default": at("")}
		if diff := cmp.Diff(want, alternates); diff != "" {
			t.Errorf("%s: alternates (-want +got):\n%s", path, diff)
		}
	}
	// A page in the language asked for is the canonical page of that language.
	if canonical, _ := heads(t, ts, "/search?q=ALS&hl=ja"); canonical != public+"/search?hl=ja&q=ALS" {
		t.Errorf("canonical of a Japanese page %s", canonical)
	}
	for path, want := range map[string]string{
		"/":                                  public + "/",
		"/search":                            public + "/",
		"/search?q=ALS&page=2":               public + "/search?page=2&q=ALS",
		"/doc/004_6bdb0a530be4535a?q=ALS#s2": public + "/doc/004_6bdb0a530be4535a",
		"/trials?phase=phase-1&q=ALS":        public + "/trials?phase=phase-1&q=ALS",
	} {
		if canonical, _ := heads(t, ts, path); canonical != want {
			t.Errorf("%s: canonical %s, want %s", path, canonical, want)
		}
	}
	// Without a public URL the host is not known: the address is the path.
	ts, _ = newTestServer(t)
	if canonical, alternates := heads(t, ts, "/search?q=ALS"); canonical != "/search?q=ALS" || alternates["ja"] != "/search?hl=ja&q=ALS" {
		t.Errorf("without a public URL: canonical %s, alternates %v", canonical, alternates)
	}
}
