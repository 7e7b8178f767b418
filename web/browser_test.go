package web

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// updateScreenshots makes the browser tests refresh the screenshots the README shows;
// otherwise they save them in the test's temporary directory, so that a test run leaves
// the tracked images alone.
var updateScreenshots = flag.Bool("screenshots", false, "save the browser tests' screenshots to docs/screenshots")

// browserTimeout bounds one step of a browser test.
const browserTimeout = 30 * time.Second

// chromiumPath finds Chromium. Without it the browser tests are skipped on a
// developer's machine, but fail in CI (CI set), where .ci/run installs it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("MUSESEARCH_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("Chromium is not installed; the browser tests need it in CI (apt-get install chromium)")
	}
	t.Skip("Chromium is not installed; skipping the browser tests")
	return ""
}

// browser drives one headless Chromium tab for all the browser tests.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string // the directory screenshots are saved in
}

// startBrowser starts a headless Chromium on a test server over the bundled corpus,
// for the life of the test t.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	ts, _ := newTestServer(t)
	b := newBrowser(t, ts.URL)
	if *updateScreenshots {
		b.shots = "../docs/screenshots"
	}
	return b
}

// TestBrowser drives the site in a real headless Chromium: searching in each
// language, facets, documents, the language switch, the evidence map, the keyboard.
func TestBrowser(t *testing.T) {
	b := startBrowser(t)

	t.Run("search in English", func(t *testing.T) {
		b.t = t
		b.open("/?hl=en")
		b.navigate(chromedp.SendKeys(chromedp.CSS("#q"), "Muse cells"+kb.Enter))
		if q := b.str(`new URLSearchParams(location.search).get("q")`); q != "Muse cells" {
			t.Errorf("the address has q=%q, want the query", q)
		}
		if got := b.str(`document.title`); !strings.Contains(got, "Muse cells") {
			t.Errorf("title %q does not name the query", got)
		}
		if n := b.num(`document.querySelectorAll(".hit").length`); n == 0 {
			t.Fatal("no hits")
		}
		if n := b.num(`document.querySelectorAll(".hit .snippet mark").length`); n == 0 {
			t.Error("no highlighted snippet")
		}
		if got := b.str(`document.getElementById("q").value`); got != "Muse cells" {
			t.Errorf("the search box holds %q after the search", got)
		}
		b.screenshot("results.png")
	})

	t.Run("search in Japanese while typing", func(t *testing.T) {
		b.t = t
		b.open("/?hl=ja")
		// Typing alone updates the results and the address, without a page load.
		b.do(chromedp.SendKeys(chromedp.CSS("#q"), "脊髄損傷"))
		b.waitFor(`new URLSearchParams(location.search).get("q") === "脊髄損傷" && document.querySelectorAll(".hit").length > 0`)
		if got := b.str(`document.documentElement.lang`); got != "ja" {
			t.Errorf("lang=%q, want ja", got)
		}
		if got := b.str(`document.querySelector(".search-form button").textContent`); got != "検索" {
			t.Errorf("the search button says %q, want 検索", got)
		}
		if n := b.num(`document.querySelectorAll(".hit .snippet mark").length`); n == 0 {
			t.Error("no highlighted snippet")
		}
		if got := b.str(`document.activeElement.id`); got != "q" {
			t.Errorf("typing lost the focus of the search box to %q", got)
		}
		b.screenshot("results-ja.png")
	})

	t.Run("search in Chinese", func(t *testing.T) {
		b.t = t
		b.open("/?hl=zh")
		b.navigate(chromedp.SendKeys(chromedp.CSS("#q"), "干细胞"+kb.Enter))
		if n := b.num(`document.querySelectorAll(".hit").length`); n == 0 {
			t.Fatal("no hits for 干细胞")
		}
		if got := b.str(`document.querySelector(".filters summary").textContent`); got != "筛选" {
			t.Errorf("the filters are titled %q, want 筛选", got)
		}
		if n := b.num(`[...document.querySelectorAll(".hit .snippet mark")].filter(m => m.textContent.includes("干细胞")).length`); n == 0 {
			t.Error("no snippet marks 干细胞")
		}
	})

	t.Run("tick and untick a facet", func(t *testing.T) {
		b.t = t
		b.open("/search?q=ALS&hl=en")
		before := b.num(`parseInt(document.querySelector(".total").textContent)`)
		jaCount := b.num(`parseInt(document.querySelector("label[for=f-lang-ja] .count").textContent)`)
		enCount := b.num(`parseInt(document.querySelector("label[for=f-lang-en] .count").textContent)`)
		if jaCount == 0 || jaCount >= before {
			t.Fatalf("ALS: %d results, %d in Japanese; want some but not all in Japanese", before, jaCount)
		}
		// The filter applies at once, in place.
		b.do(chromedp.Click(chromedp.CSS("#f-lang-ja")))
		b.settle(`new URLSearchParams(location.search).get("lang") === "ja" && document.querySelectorAll(".chip").length === 1`)
		if got := b.num(`parseInt(document.querySelector(".total").textContent)`); got != jaCount {
			t.Errorf("after ticking Japanese: %d results, the box said %d", got, jaCount)
		}
		if got := b.str(`[...document.querySelectorAll(".hit .snippet")].map(e => e.getAttribute("lang")).filter(l => l !== "ja").join()`); got != "" {
			t.Errorf("after ticking Japanese, hits in %s", got)
		}
		if !b.bool(`document.getElementById("f-lang-ja").checked`) || b.num(`document.querySelectorAll(".chip").length`) != 1 {
			t.Error("the Japanese box is not checked, or there is no chip for it")
		}
		// Counts are disjunctive: English still shows what adding it would give.
		if got := b.num(`parseInt(document.querySelector("label[for=f-lang-en] .count").textContent)`); got != enCount {
			t.Errorf("with Japanese ticked, English counts %d, want %d", got, enCount)
		}
		b.do(chromedp.Click(chromedp.CSS("#f-lang-ja")))
		b.settle(`!location.search.includes("lang=") && !document.querySelector(".chip")`)
		if got := b.num(`parseInt(document.querySelector(".total").textContent)`); got != before {
			t.Errorf("after unticking: %d results, want %d again", got, before)
		}
		if n := b.num(`document.querySelectorAll(".chip").length`); n != 0 {
			t.Errorf("after unticking, %d chips remain", n)
		}
		// A chip removes its filter.
		b.open("/search?q=ALS&hl=en&lang=en")
		b.navigate(chromedp.Click(chromedp.CSS(".chip")))
		if got := b.num(`parseInt(document.querySelector(".total").textContent)`); got != before {
			t.Errorf("after removing the chip: %d results, want %d", got, before)
		}
	})

	t.Run("year range", func(t *testing.T) {
		b.t = t
		b.open("/search?q=ALS&hl=en")
		before := b.num(`parseInt(document.querySelector(".total").textContent)`)
		// Typing a year and leaving the box applies it, as ticking a filter does.
		b.do(chromedp.SendKeys(chromedp.CSS("#year-from"), "2021"+kb.Tab))
		b.settle(fmt.Sprintf(`new URLSearchParams(location.search).has("year_from") && parseInt(document.querySelector(".total").textContent) !== %d`, before))
		if got := b.str(`new URLSearchParams(location.search).get("year_from")`); got != "2021" {
			t.Fatalf("the address has year_from=%q, want 2021", got)
		}
		if got := b.num(`parseInt(document.querySelector(".total").textContent)`); got == 0 || got >= before {
			t.Errorf("ALS from 2021: %d results of %d, want some but not all", got, before)
		}
		if got := b.str(`[...document.querySelectorAll(".hit .cite-year")].map(e => e.textContent).filter(y => +y < 2021).join()`); got != "" {
			t.Errorf("hits from before 2021: %s", got)
		}
		if got := b.str(`document.getElementById("year-from").value`); got != "2021" {
			t.Errorf("the box holds %q after the search", got)
		}
	})

	t.Run("open a document", func(t *testing.T) {
		b.t = t
		b.open("/search?q=ALS&hl=en")
		title := b.str(`document.querySelector(".hit-title a").textContent`)
		b.navigate(chromedp.Click(chromedp.CSS(".hit-title a")))
		if got := b.str(`document.querySelector("h1").textContent`); got != title {
			t.Errorf("the document is titled %q, the hit %q", got, title)
		}
		anchor := b.str(`location.hash.slice(1)`)
		if !strings.HasPrefix(anchor, "s") || !b.bool(fmt.Sprintf(`!!document.getElementById(%q)`, anchor)) {
			t.Errorf("the document opens at #%s, which is not a section", anchor)
		}
		if n := b.num(`document.querySelectorAll(".doc-section mark").length`); n == 0 {
			t.Error("the query is not highlighted in the document")
		}
		b.screenshotAt("document-section.png", anchor)
		b.screenshotAt("document.png", "")
		b.navigate(chromedp.Click(chromedp.CSS(".back a")))
		if got := b.str(`new URLSearchParams(location.search).get("q")`); got != "ALS" {
			t.Errorf("the way back leads to q=%q", got)
		}
	})

	t.Run("open a section of a long document", func(t *testing.T) {
		b.t = t
		srv, _ := newCorpusServer(t, map[string]string{"long report.md": longReport(5 * maxPartBytes / 2)})
		long := httptest.NewServer(srv)
		defer long.Close()
		// The API's url names the section, not the part that holds it.
		b.do(chromedp.Navigate(long.URL+"/doc/long%20report?q=Muse#s300"), chromedp.WaitReady(chromedp.CSS("footer")))
		b.waitFor(`new URLSearchParams(location.search).get("part") !== null && !!document.getElementById("s300")`)
		if got := b.str(`new URLSearchParams(location.search).get("q") + location.hash`); got != "Muse#s300" {
			t.Errorf("the part holding the section is opened as %q, want q and the anchor kept", got)
		}
	})

	t.Run("switch the interface language", func(t *testing.T) {
		b.t = t
		b.open("/search?q=ALS&hl=en")
		b.navigate(chromedp.Click(chromedp.CSS(`.lang-switch a[lang="zh"]`)))
		if got := b.str(`document.documentElement.lang`); got != "zh" {
			t.Errorf("lang=%q after switching to Chinese", got)
		}
		if got := b.str(`document.getElementById("q").value`); got != "ALS" {
			t.Errorf("switching language lost the query: %q", got)
		}
		// The choice sticks: the next search is in Chinese too.
		b.navigate(chromedp.Click(chromedp.CSS(".hit-title a")))
		if got := b.str(`document.querySelector(".back a").textContent`); !strings.Contains(got, "返回搜索结果") {
			t.Errorf("the document's way back says %q, want Chinese", got)
		}
	})

	t.Run("evidence map", func(t *testing.T) {
		b.t = t
		b.open("/search?hl=en&lang=en")
		if b.bool(`document.querySelector("details.evidence").open`) {
			t.Error("the evidence map is open by default")
		}
		before := b.num(`parseInt(document.querySelector(".total").textContent)`)
		b.do(chromedp.Click(chromedp.CSS("details.evidence > summary")))
		cell := `document.querySelector(".evidence-map td a")`
		want := b.num(`parseInt(` + cell + `.textContent)`)
		b.navigate(chromedp.Click(chromedp.CSS(".evidence-map td a")))
		q, err := url.ParseQuery(strings.TrimPrefix(b.str(`location.search`), "?"))
		if err != nil || len(q["indication"]) != 1 || len(q["phase"]) != 1 || q.Get("lang") != "en" {
			t.Fatalf("the cell led to %v, want one indication and one phase, and lang=en kept", q)
		}
		if got := b.num(`parseInt(document.querySelector(".total").textContent)`); got == 0 {
			t.Errorf("the cell said %d studies, its page has no result", want)
		}
		if n := b.num(`document.querySelectorAll(".chip").length`); n != 3 {
			t.Errorf("%d chips, want the language, the indication and the phase", n)
		}
		// The map stays open on the page its cell led to, the cell marked.
		if !b.bool(`document.querySelector("details.evidence").open`) {
			t.Error("the map folded on the page of its cell")
		}
		if n := b.num(`document.querySelectorAll(".evidence-map td.selected a[aria-current=true]").length`); n != 1 {
			t.Fatalf("%d selected cells, want 1", n)
		}
		if got := b.num(`parseInt(document.querySelector(".evidence-map td.selected a").textContent)`); got != want {
			t.Errorf("the selected cell says %d, want %d", got, want)
		}
		// Choosing it again removes its filters, and keeps the others.
		b.navigate(chromedp.Click(chromedp.CSS(".evidence-map td.selected a")))
		if got := b.num(`parseInt(document.querySelector(".total").textContent)`); got != before {
			t.Errorf("after unselecting the cell: %d results, want %d", got, before)
		}
		if n := b.num(`document.querySelectorAll(".chip").length`); n != 1 {
			t.Errorf("after unselecting the cell, %d chips; want the language only", n)
		}
	})

	t.Run("document results", func(t *testing.T) {
		b.t = t
		b.do(chromedp.EmulateViewport(1366, 768))
		defer b.do(chromedp.EmulateViewport(1280, 1000))
		b.open("/search?q=Muse+cells&hl=en")
		total := b.num(`parseInt(document.querySelector(".total").textContent)`)
		docs := strings.Fields(b.str(`[...document.querySelectorAll(".hit")].slice(0, 10).map(h => h.dataset.doc || "?").join(" ")`))
		if len(docs) != min(10, total) {
			t.Fatalf("%d results for %d documents: %v", len(docs), total, docs)
		}
		seen := map[string]bool{}
		for _, d := range docs {
			if seen[d] || d == "?" {
				t.Errorf("the first results are not different documents: %v", docs)
				break
			}
			seen[d] = true
		}
		// On a 1366×768 screen the first result is in sight, the folded map above it.
		if bottom := b.num(`Math.ceil(document.querySelector(".hit .snippet").getBoundingClientRect().bottom)`); bottom > 768 {
			t.Errorf("the first result's passage ends at %dpx, below the fold of a 768px screen", bottom)
		}
		if got := b.str(`document.querySelector("details.evidence .map-total").textContent`); !strings.Contains(got, "stud") {
			t.Errorf("the folded map says %q, want its total", got)
		}
		// Passages are one click away.
		b.navigate(chromedp.Click(chromedp.CSS(`.views a:not([aria-current])`)))
		if got := b.str(`new URLSearchParams(location.search).get("group")`); got != "section" || b.num(`document.querySelectorAll(".hit-doc").length`) != 0 {
			t.Errorf("the passages view: group=%q, %d document hits", got, b.num(`document.querySelectorAll(".hit-doc").length`))
		}
	})

	t.Run("expand passages", func(t *testing.T) {
		b.t = t
		b.open("/search?q=Muse+cells&hl=en")
		folded := `document.querySelector(".more-passages")`
		visible := `[...` + folded + `.querySelectorAll(".passage")].filter(p => p.checkVisibility()).length`
		if n := b.num(visible); n != 0 {
			t.Errorf("%d folded passages visible before expanding", n)
		}
		b.do(chromedp.Click(chromedp.CSS(".more-passages > summary")))
		if n, all := b.num(visible), b.num(folded+`.querySelectorAll(".passage").length`); n == 0 || n != all {
			t.Errorf("%d of %d folded passages visible after expanding", n, all)
		}
		if n := b.num(folded + `.querySelectorAll(".snippet mark").length`); n == 0 {
			t.Error("the expanded passages mark no match")
		}
		// The rest of the document's matches are on its page, highlighted.
		b.navigate(chromedp.Click(chromedp.CSS(".more-in-doc a")))
		if got := b.str(`new URLSearchParams(location.search).get("q")`); got != "Muse cells" {
			t.Errorf("the document page has q=%q", got)
		}
		if n := b.num(`document.querySelectorAll(".doc-section mark").length`); n < 4 {
			t.Errorf("the document page marks %d matches", n)
		}
	})

	t.Run("export downloads", func(t *testing.T) {
		b.t = t
		dir := t.TempDir()
		b.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
			return err
		}))
		b.open("/search?q=Muse&hl=en")
		total := b.num(`parseInt(document.querySelector(".total").textContent)`)
		b.do(chromedp.Click(chromedp.CSS("a.export-csv")))
		data := b.downloaded(dir, "musesearch-export.csv")
		if !strings.HasPrefix(data, utf8BOM) {
			t.Error("the CSV has no byte order mark")
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(data, utf8BOM))).ReadAll()
		if err != nil || len(rows) != total+1 || !strings.HasPrefix(rows[1][slices.Index(rows[0], "url")], defaultPublicURL+"/doc/") {
			t.Errorf("the CSV has %d rows (%v) for %d documents", len(rows), err, total)
		}
		id := b.str(`document.querySelector(".hit-doc").dataset.doc`)
		b.do(chromedp.Click(chromedp.CSS(".hit-doc .cite > summary")), chromedp.Click(chromedp.CSS(`.hit-doc .cite a[href$="format=ris"]`)))
		if ris := b.downloaded(dir, id+".ris"); !strings.HasPrefix(ris, "TY  - ") || !strings.Contains(ris, "ER  - ") {
			t.Errorf("the citation downloaded as %q", ris)
		}
	})

	t.Run("evidence map on a phone", func(t *testing.T) {
		b.t = t
		b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		defer b.do(chromedp.EmulateViewport(1280, 1000))
		b.open("/search?q=cells&map=phase&hl=en")
		if !b.bool(`document.querySelector("details.evidence").open`) {
			t.Fatal("the map asked for is folded")
		}
		if w := b.num(`document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("the page is %dpx wide on a 390px screen", w)
		}
		if !b.bool(`(s => s.scrollWidth > s.clientWidth)(document.querySelector(".table-scroll"))`) {
			t.Skip("the map fits the phone: nothing to scroll")
		}
		if !b.bool(`document.querySelector(".scroll-hint").offsetParent !== null`) {
			t.Error("the map scrolls sideways with no visible cue")
		}
		// The indications stay in sight while the phases scroll.
		b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`document.querySelector(".table-scroll").scrollLeft = 200, true`)(ctx, t)
			return err
		}))
		if left := b.num(`Math.round(document.querySelector(".evidence-map tbody th").getBoundingClientRect().left - document.querySelector(".table-scroll").getBoundingClientRect().left)`); left != 0 {
			t.Errorf("the indication column scrolled %dpx away", left)
		}
		eval[bool](b, `document.querySelector(".table-scroll").scrollLeft = 0, true`)
		b.screenshotAt("evidence-map-phone.png", "evidence-map")
	})

	t.Run("trials table", func(t *testing.T) {
		b.t = t
		b.open("/trials?hl=en")
		rows := `[...document.querySelectorAll("tr[data-trial]")].map(r => r.dataset.trial)`
		if n := b.num(rows + `.length`); n != 7 {
			t.Fatalf("%d trials, want the bundle's 7", n)
		}
		// The table sorts by a column when its header is clicked.
		b.navigate(chromedp.Click(chromedp.CSS(`th a[href*="sort=enrollment"]`)))
		if got := b.str(`document.querySelector("th[aria-sort]").textContent`); got != "Enrolment" {
			t.Errorf("sorted by %q, want Enrolment", got)
		}
		enrolled := b.str(`[...document.querySelectorAll(".trial-enrollment")].map(c => c.textContent).join()`)
		if !strings.HasPrefix(enrolled, "35,10,9,5,5,3,") {
			t.Errorf("enrolment column %q, want largest first", enrolled)
		}
		b.screenshot("trials.png")
		// Typing a query updates the table, as on the search page, and keeps the order.
		b.do(chromedp.SendKeys(chromedp.CSS("#q"), "ALS"))
		b.waitFor(`location.pathname === "/trials" && new URLSearchParams(location.search).get("q") === "ALS" && document.querySelectorAll("tr[data-trial]").length === 1`)
		if got := b.str(rows + `.join()`); got != "jRCT2063200047" {
			t.Errorf("q=ALS lists %s", got)
		}
		if got := b.str(`new URLSearchParams(location.search).get("sort")`); got != "enrollment" {
			t.Errorf("the query lost the order: sort=%q", got)
		}
		// A filter applies at once.
		b.open("/trials?hl=en")
		b.do(chromedp.Click(chromedp.CSS("#f-phase-phase-1")))
		b.settle(`new URLSearchParams(location.search).get("phase") === "phase-1" && document.querySelectorAll("tr[data-trial]").length !== 7`)
		if got := b.str(rows + `.join()`); got != "NCT04261335,CL2020/epidermolysis-bullosa/phase-1+phase-2,JRCT1080224764" {
			t.Errorf("phase 1 lists %s", got)
		}
	})

	t.Run("keyboard", func(t *testing.T) {
		b.t = t
		b.open("/doc/" + url.PathEscape(firstHit(t, "Muse").DocID) + "?hl=en")
		b.do(chromedp.KeyEvent("/"))
		if got := b.str(`document.activeElement.id`); got != "q" {
			t.Errorf("/ focused %q, want the search box", got)
		}
		b.do(chromedp.KeyEvent(kb.Escape))
		if got := b.str(`document.activeElement.id`); got == "q" {
			t.Error("Escape left the focus in the search box")
		}
		// On the results, Escape leaves the query in the box: the box and the results
		// shown stay one search.
		b.open("/search?q=ALS&hl=en")
		b.do(chromedp.Focus(chromedp.CSS("#q")), chromedp.KeyEvent(kb.Escape))
		if got := b.str(`document.getElementById("q").value`); got != "ALS" {
			t.Errorf("after Escape the search box holds %q, want the query shown, ALS", got)
		}
		// "/" reaches the box from a filter's checkbox and from the sort menu.
		for _, from := range []string{`input[type=checkbox]`, `select`} {
			b.do(chromedp.Focus(chromedp.CSS(from)), chromedp.KeyEvent("/"))
			if got := b.str(`document.activeElement.id`); got != "q" {
				t.Errorf("/ from %s focused %q, want the search box", from, got)
			}
		}
	})

	t.Run("expansion line", func(t *testing.T) {
		b.t = t
		b.open("/search?q=" + url.QueryEscape("臨床試験") + "&hl=en")
		line := b.str(`document.querySelector(".expanded").textContent`)
		for _, want := range []string{"Also searched:", "clinical trial", "临床试验"} {
			if !strings.Contains(line, want) {
				t.Errorf("the expansion line %q lacks %q", line, want)
			}
		}
		b.navigate(chromedp.Click(chromedp.CSS(".expanded a")))
		if got := b.str(`new URLSearchParams(location.search).get("expand")`); got != "false" {
			t.Errorf("the link led to expand=%q, want false", got)
		}
		if !b.bool(`!!document.querySelector(".literal a") && !document.querySelector(".expanded")`) {
			t.Error("with expansion off, the page should say so and offer it back")
		}
	})

	t.Run("suggestions by keyboard", func(t *testing.T) {
		b.t = t
		b.open("/?hl=en")
		if got := b.str(`document.getElementById("q").getAttribute("role") + " " + document.getElementById("q").autocomplete`); got != "combobox on" {
			t.Errorf("the search box is %q, want a combobox that keeps the browser's history", got)
		}
		b.do(chromedp.SendKeys(chromedp.CSS("#q"), "bone mar"))
		b.waitFor(`document.getElementById("q").getAttribute("aria-expanded") === "true" && document.querySelectorAll("#q-suggestions [role=option]").length > 0`)
		if got := b.str(`document.getElementById("q").autocomplete + " " + document.getElementById("q").getAttribute("aria-controls")`); got != "off q-suggestions" {
			t.Errorf("with suggestions shown the box is %q, want autocomplete off and the list controlled", got)
		}
		b.do(chromedp.KeyEvent(kb.ArrowDown))
		active := b.str(`document.getElementById("q").getAttribute("aria-activedescendant") || ""`)
		if active == "" || !b.bool(fmt.Sprintf(`document.getElementById(%q).getAttribute("aria-selected") === "true"`, active)) {
			t.Fatalf("ArrowDown made %q active, want the first option, selected", active)
		}
		if got := b.str(fmt.Sprintf(`document.getElementById(%q).textContent`, active)); !strings.HasPrefix(got, "bone marrow") {
			t.Errorf("the first suggestion for bone mar is %q", got)
		}
		b.do(chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowUp))
		if got := b.str(`document.getElementById("q").getAttribute("aria-activedescendant")`); got != active {
			t.Errorf("Down then Up made %q active, want %q again", got, active)
		}
		// Escape closes the list and keeps the focus; the browser's history is back.
		b.do(chromedp.KeyEvent(kb.Escape))
		if got := b.str(`document.getElementById("q").getAttribute("aria-expanded") + " " + document.activeElement.id + " " + document.getElementById("q").autocomplete`); got != "false q on" {
			t.Errorf("after Escape: %q, want the list closed, the focus kept, the history back", got)
		}
		b.do(chromedp.KeyEvent(kb.ArrowDown))
		b.waitFor(`document.getElementById("q").getAttribute("aria-expanded") === "true"`)
		b.navigate(pressEnter)
		if got := b.str(`new URLSearchParams(location.search).get("q")`); got != "bone marrow" {
			t.Errorf("Enter on the suggestion searched q=%q, want bone marrow", got)
		}
		if n := b.num(`document.querySelectorAll(".hit").length`); n == 0 {
			t.Error("no hits for the suggestion")
		}
	})

	t.Run("suggestions by mouse", func(t *testing.T) {
		b.t = t
		b.open("/?hl=ja")
		b.do(chromedp.SendKeys(chromedp.CSS("#q"), "筋萎縮"))
		b.waitFor(`!!document.querySelector('#q-suggestions [role=option][data-kind="concept"]')`)
		if got := b.str(`document.querySelector('#q-suggestions [data-kind="concept"]').textContent`); !strings.Contains(got, "筋萎縮性側索硬化症") || !strings.Contains(got, "ALS") {
			t.Errorf("the concept suggestion says %q, want the label and its translations", got)
		}
		b.navigate(chromedp.Click(chromedp.CSS(`#q-suggestions [data-kind="concept"]`)))
		q, err := url.ParseQuery(strings.TrimPrefix(b.str(`location.search`), "?"))
		if err != nil || q.Get("indication") != "als" || q.Get("hl") != "ja" {
			t.Errorf("choosing the concept led to %v, want the ALS filter in Japanese", q)
		}
	})

	t.Run("IME composition", func(t *testing.T) {
		b.t = t
		b.open("/search?hl=ja")
		// Count the requests the page makes from now on.
		eval[bool](b, `window.requests = 0; const f = window.fetch; window.fetch = (...a) => (window.requests++, f(...a)); true`)
		compose := func(event, value string) {
			b.t.Helper()
			eval[bool](b, fmt.Sprintf(`(() => {
				const q = document.getElementById("q");
				q.focus();
				if (%[1]q === "compositionstart") q.dispatchEvent(new CompositionEvent("compositionstart", {data: ""}));
				q.value = %[2]q;
				q.dispatchEvent(new InputEvent("input", {data: %[2]q, inputType: "insertCompositionText", isComposing: %[1]q !== "compositionend"}));
				q.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", keyCode: 229, isComposing: true, bubbles: true}));
				if (%[1]q === "compositionend") q.dispatchEvent(new CompositionEvent("compositionend", {data: %[2]q}));
				return true;
			})()`, event, value))
		}
		compose("compositionstart", "かんさいぼう")
		compose("compositionupdate", "幹細胞")
		time.Sleep(time.Second) // four times the delay of results while typing
		if n := b.num(`window.requests`); n != 0 {
			t.Errorf("%d requests during the composition, want none", n)
		}
		if got := b.str(`location.search`); got != "?hl=ja" {
			t.Errorf("the address changed to %q during the composition", got)
		}
		compose("compositionend", "幹細胞")
		b.waitFor(`new URLSearchParams(location.search).get("q") === "幹細胞" && document.querySelectorAll(".hit").length > 0`)
		b.waitFor(`document.getElementById("q").getAttribute("aria-expanded") === "true"`)
		if got := b.str(`document.querySelector("#q-suggestions [role=option]").textContent`); !strings.Contains(got, "幹細胞") {
			t.Errorf("the first suggestion after the composition is %q", got)
		}
	})

	t.Run("phone", func(t *testing.T) {
		b.t = t
		b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		defer b.do(chromedp.EmulateViewport(1280, 1000))
		b.open("/search?q=stroke&hl=en")
		if b.bool(`document.querySelector("details.filters").open`) {
			t.Error("the filters are open on a phone")
		}
		if w := b.num(`document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("the page is %dpx wide on a 390px screen", w)
		}
		b.screenshot("results-phone.png")
	})
}

// newBrowser starts a headless Chromium with one tab at 1280×1000 on the site at base;
// it stops when the test ends.
func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	path := chromiumPath(t)
	alloc, cancel := chromedp.NewExecAllocator(t.Context(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	// The first action starts the browser, which lives as long as the context it ran
	// on: ctx, not one of the timeouts of later steps.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 1000)); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return &browser{t: t, ctx: ctx, base: base, shots: t.TempDir()}
}

// downloaded waits for the browser to save the file name in dir, and returns it.
func (b *browser) downloaded(dir, name string) string {
	b.t.Helper()
	deadline := time.Now().Add(browserTimeout)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil && len(data) > 0 {
			return string(data)
		}
		time.Sleep(50 * time.Millisecond)
	}
	entries, _ := os.ReadDir(dir)
	b.t.Fatalf("%s was not downloaded to %s (it holds %v)", name, dir, entries)
	return ""
}

// do runs actions, failing the test on error.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatal(err)
	}
}

// open loads a page of the test server.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("footer")))
}

// navigate runs an action that loads another page and waits for it.
func (b *browser) navigate(action chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, action)
	if err != nil {
		b.t.Fatal(err)
	}
	if res.Status != 200 {
		b.t.Fatalf("%s: status %d", res.URL, res.Status)
	}
	b.do(chromedp.WaitReady(chromedp.CSS("footer")))
}

// pressEnter presses Enter as a keyboard does: one key-down event carries the
// character, so a page that cancels the keydown gets no keypress. chromedp.KeyEvent
// sends the character as an event of its own, which Chromium at times delivered
// after a cancelled keydown: a suggestion chosen by Enter was then submitted a second
// time by the form, and the first page load aborted.
var pressEnter = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	down := input.DispatchKeyEventParams{
		Type: input.DispatchKeyEventTypeKeyDown, Key: "Enter", Code: "Enter",
		Text: "\r", UnmodifiedText: "\r", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13,
	}
	up := down
	up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
	for _, e := range []input.DispatchKeyEventParams{down, up} {
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, e); err != nil {
			return err
		}
	}
	return nil
})

// waitFor waits until a JavaScript expression is true.
func (b *browser) waitFor(expr string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		b.t.Fatalf("waiting for %s: %v", expr, err)
	}
}

// eval evaluates a JavaScript expression.
func eval[T any](b *browser, expr string, opts ...chromedp.EvaluateOption) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		b.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func (b *browser) str(expr string) string { b.t.Helper(); return eval[string](b, expr) }
func (b *browser) num(expr string) int    { b.t.Helper(); return eval[int](b, expr) }
func (b *browser) bool(expr string) bool  { b.t.Helper(); return eval[bool](b, expr) }

// screenshot saves the whole page as a PNG in b.shots.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	b.save(name, chromedp.FullScreenshot(100))
}

// screenshotAt saves the viewport scrolled to the element with the id, or to the top,
// as a PNG in b.shots: for pages too long to show whole.
func (b *browser) screenshotAt(name, id string) {
	b.t.Helper()
	if id == "" {
		eval[bool](b, `window.scrollTo({top: 0, behavior: "instant"}), true`)
	} else {
		eval[bool](b, fmt.Sprintf(`document.getElementById(%q).scrollIntoView({block: "start", behavior: "instant"}), true`, id))
	}
	b.save(name, chromedp.CaptureScreenshot())
}

// save writes the image a screenshot action takes.
func (b *browser) save(name string, shot chromedp.Action[[]byte]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		b.t.Fatal(err)
	}
	path := filepath.Join(b.shots, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("saved %s (%s bytes)", path, strconv.Itoa(len(png)))
}
