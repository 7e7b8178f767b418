package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserNavigation drives, in a real headless Chromium, what a person meets moving
// about the results: Back and Forward, the keyboard, what a screen reader is told, and
// the page's headings and landmarks.
func TestBrowserNavigation(t *testing.T) {
	b := startBrowser(t)
	// The language filter and the query in the address, and the number of results shown.
	const (
		langs = `new URLSearchParams(location.search).getAll("lang").join()`
		query = `new URLSearchParams(location.search).get("q")`
		total = `parseInt(document.querySelector(".total").textContent)`
	)

	t.Run("back and forward", func(t *testing.T) {
		b.t = t
		b.open("/search?q=cells&hl=en")
		all := b.num(total)
		// A ticked filter is a search of its own: Back returns to the one before it,
		// with the box unticked again, and the next tick does not bring it back.
		b.do(chromedp.Click(chromedp.CSS("#f-lang-ja")))
		b.settle(langs + ` === "ja" && document.getElementById("f-lang-ja").checked`)
		b.history(-1)
		b.settle(langs + ` === "" && !document.querySelector(".chip")`)
		if b.bool(`document.getElementById("f-lang-ja").checked`) {
			t.Error("after Back, the filter gone from the address is still ticked")
		}
		if got := b.num(total); got != all {
			t.Errorf("after Back: %d results, want the %d of the search before the filter", got, all)
		}
		b.do(chromedp.Click(chromedp.CSS("#f-lang-en")))
		b.settle(langs + ` !== ""`)
		if got := b.str(langs); got != "en" {
			t.Errorf("ticking English after Back searched lang=%s, want en alone", got)
		}
		// Typing is one search, however many keys it takes: one history entry, and the
		// page it started from is still there to go back to.
		before := b.num(`history.length`)
		eval[bool](b, `document.getElementById("q").value = "", true`)
		b.do(chromedp.SendKeys(chromedp.CSS("#q"), "stroke"))
		b.settle(query + ` === "stroke" && document.querySelectorAll(".hit").length > 0`)
		if n := b.num(`history.length`) - before; n != 1 {
			t.Errorf("typing a query made %d history entries, want 1", n)
		}
		b.history(-1)
		b.settle(query + ` === "cells" && document.querySelector("h1").textContent.includes("cells")`)
		if got := b.str(`document.getElementById("q").value + " " + ` + langs); got != "cells en" {
			t.Errorf("after Back, the box and filters say %q, want cells en", got)
		}
		if !b.bool(`document.getElementById("f-lang-en").checked`) {
			t.Error("after Back, the English filter of the address is not ticked")
		}
		b.history(1)
		b.settle(query + ` === "stroke" && document.querySelector("h1").textContent.includes("stroke")`)
		if got := b.str(`document.getElementById("q").value`); got != "stroke" {
			t.Errorf("after Forward the box holds %q, want stroke", got)
		}
		if got := b.str(`document.querySelector("h1").textContent`); !strings.Contains(got, "stroke") {
			t.Errorf("after Forward the results are %q, want those for stroke", got)
		}
		b.history(-2)
		b.settle(query + ` === "cells" && ` + langs + ` === "" && !document.querySelector(".chip")`)
		if got := b.num(total); got != all || b.bool(`!!document.querySelector(".facet input:checked")`) {
			t.Errorf("back at the first search: %d results, want %d, and no filter ticked", got, all)
		}

		// A page restored from the back-forward cache, or whose form the browser
		// restores, shows the controls of its address, not those last touched.
		b.open("/search?q=cells&hl=en&lang=en")
		eval[bool](b, `(() => {
			document.getElementById("q").value = "changed";
			document.getElementById("f-lang-en").checked = false;
			document.getElementById("f-lang-ja").checked = true;
			document.getElementById("sort").value = "date";
			document.getElementById("year-from").value = "1999";
			return true;
		})()`)
		b.navigate(chromedp.Click(chromedp.CSS(".hit-title a")))
		b.history(-1)
		b.settle(`location.pathname === "/search"`)
		got := b.str(`[document.getElementById("q").value,
			[...document.querySelectorAll(".facet input:checked")].map(c => c.id).join("+"),
			document.getElementById("sort").value, document.getElementById("year-from").value].join()`)
		if want := "cells,f-lang-en,relevance,"; got != want {
			t.Errorf("restored page's controls say %q, want %q as its address", got, want)
		}
	})

	t.Run("keyboard", func(t *testing.T) {
		b.t = t
		b.open("/search?q=cells&hl=en")
		// A filter ticked with the keyboard keeps the focus.
		b.do(chromedp.Focus(chromedp.CSS("#f-lang-ja")), chromedp.KeyEvent(" "))
		b.settle(langs + ` === "ja" && document.querySelectorAll(".chip").length === 1`)
		if got := b.str(`document.activeElement.id`); got != "f-lang-ja" {
			t.Errorf("after ticking a filter the focus is on %q, want the filter", got)
		}
		// So does the sort menu.
		b.do(chromedp.Focus(chromedp.CSS("#sort")))
		eval[bool](b, `(s => (s.value = "date", s.dispatchEvent(new Event("change", {bubbles: true}))))(document.getElementById("sort"))`)
		b.settle(`new URLSearchParams(location.search).get("sort") === "date"`)
		if got := b.str(`document.activeElement.id`); got != "sort" {
			t.Errorf("after sorting the focus is on %q, want the sort menu", got)
		}

		// The skip link leads to the first result: the next Tab is on it.
		b.open("/search?q=cells&hl=en")
		b.do(chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Tab))
		if got := b.str(`document.activeElement.textContent`); got != "Skip to results" {
			t.Fatalf("the second Tab stop is %q, want Skip to results", got)
		}
		b.do(chromedp.KeyEvent(kb.Enter), chromedp.KeyEvent(kb.Tab))
		if !b.bool(`document.activeElement === document.querySelector(".hit .hit-link")`) {
			t.Errorf("Tab after skipping to the results is on %q, want the first result", b.str(`document.activeElement.outerHTML.slice(0, 80)`))
		}

		// On a wide screen the filters do not fold: Enter on their title leaves them.
		eval[bool](b, `document.activeElement.blur(), document.querySelector("details.filters > summary").focus(), true`)
		b.do(chromedp.KeyEvent(kb.Enter))
		if !b.bool(`document.querySelector("details.filters").open && document.getElementById("f-lang-en").checkVisibility()`) {
			t.Error("Enter on the filters' title hid them on a wide screen")
		}
	})

	t.Run("keyboard without JavaScript", func(t *testing.T) {
		b.t = t
		noScript := func(disabled bool) chromedp.Action[chromedp.Void] {
			return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: disabled})
				return err
			})
		}
		b.do(noScript(true))
		defer b.do(noScript(false))
		b.open("/search?q=cells&hl=en")
		if b.bool(`document.documentElement.classList.contains("js")`) {
			t.Fatal("the page ran its script")
		}
		b.do(chromedp.Click(chromedp.CSS("#f-lang-ja")))
		b.navigate(chromedp.Click(chromedp.CSS(".sidebar .apply")))
		if got := b.str(langs); got != "ja" {
			t.Fatalf("Apply filters searched lang=%q, want ja", got)
		}
		// The page comes back with the focus on the button used, not at its top.
		if !b.bool(`document.activeElement === document.querySelector(".sidebar .apply")`) {
			t.Errorf("after applying the filters the focus is on %q, want the button used", b.str(`document.activeElement.outerHTML.slice(0, 80)`))
		}
		// The search box sends the form, the filters with it.
		eval[bool](b, `document.getElementById("q").value = "", true`)
		b.navigate(chromedp.SendKeys(chromedp.CSS("#q"), "stroke"+kb.Enter))
		if got := b.str(query + ` + " " + ` + langs); got != "stroke ja" {
			t.Errorf("Enter in the search box searched %q, want stroke ja", got)
		}
	})

	t.Run("live region", func(t *testing.T) {
		b.t = t
		for _, c := range []struct{ hl, word, unit string }{{"en", "cells", "documents"}, {"ja", "細胞", "件"}, {"zh", "细胞", "篇"}} {
			b.open("/search?hl=" + c.hl)
			live := `[...document.querySelectorAll("[aria-live], [role=status], [role=alert], output")]`
			if n := b.num(live + `.length`); n != 1 {
				t.Fatalf("%s: %d live regions, want 1", c.hl, n)
			}
			eval[bool](b, `window.liveRegion = `+live+`[0], true`)
			b.do(chromedp.SendKeys(chromedp.CSS("#q"), c.word))
			b.settle(fmt.Sprintf(`%s === %q && document.querySelectorAll(".hit").length > 0`, query, c.word))
			if !b.bool(live + `.length === 1 && ` + live + `[0] === window.liveRegion && window.liveRegion.isConnected`) {
				t.Errorf("%s: the results replaced the live region, so a screen reader is not told", c.hl)
			}
			b.settle(`window.liveRegion.textContent.trim() === document.querySelector(".total").textContent.trim()`)
			if got := b.str(`window.liveRegion.textContent`); !strings.Contains(got, c.unit) {
				t.Errorf("%s: the live region says %q, want the count in %s", c.hl, got, c.unit)
			}
			if got := b.str(`window.liveRegion.getAttribute("aria-live") || window.liveRegion.getAttribute("role")`); got != "polite" && got != "status" {
				t.Errorf("%s: the live region is %q, want polite", c.hl, got)
			}
		}
	})

	t.Run("headings and landmarks", func(t *testing.T) {
		b.t = t
		jaDoc := firstHit(t, "脊髄損傷").DocID
		for _, c := range []struct {
			path     string
			headings []string
		}{
			{"/search?q=cells&map=phase&hl=en", []string{"Filters", "Evidence map", "Search results"}},
			{"/search?q=cells&map=phase&hl=ja", []string{"絞り込み", "エビデンスマップ", "検索結果"}},
			{"/search?q=cells&map=phase&hl=zh", []string{"筛选", "证据地图", "搜索结果"}},
			{"/doc/" + url.PathEscape(jaDoc) + "?q=" + url.QueryEscape("脊髄損傷") + "&hl=ja", nil},
			{"/trials?hl=ja", []string{"絞り込み"}},
		} {
			b.open(c.path)
			headings := b.str(`[...document.querySelectorAll("h1, h2, h3")].map(h => h.textContent.trim()).join("\n")`)
			for _, want := range c.headings {
				if !strings.Contains("\n"+headings+"\n", "\n"+want+"\n") {
					t.Errorf("%s: no heading %q among %q", c.path, want, headings)
				}
			}
			b.uniqueLandmarks(c.path)
		}
		// A long document in parts has its parts' links above and below.
		srv, _ := newCorpusServer(t, map[string]string{"long report.md": longReport(5 * maxPartBytes / 2)})
		long := httptest.NewServer(srv)
		defer long.Close()
		for _, hl := range []string{"en", "ja", "zh"} {
			b.do(chromedp.Navigate(long.URL+"/doc/long%20report?hl="+hl), chromedp.WaitReady(chromedp.CSS("footer")))
			if n := b.num(`document.querySelectorAll("nav.parts").length`); n != 2 {
				t.Fatalf("%d navigations between parts, want 2", n)
			}
			b.uniqueLandmarks("a long document in " + hl)
		}
	})
}

// uniqueLandmarks checks that no two landmarks of the page shown have one role and one
// name, which a screen reader's list of them could not tell apart.
func (b *browser) uniqueLandmarks(page string) {
	b.t.Helper()
	for key, n := range b.landmarks() {
		if n > 1 {
			b.t.Errorf("%s: %d landmarks are %s", page, n, key)
		}
	}
}

// landmarks counts the landmarks of the page by role and accessible name, as the
// browser's accessibility tree has them.
func (b *browser) landmarks() map[string]int {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	tree, err := chromedp.Call(ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	if err != nil {
		b.t.Fatal(err)
	}
	out := map[string]int{}
	for _, n := range tree.Nodes {
		if n.Ignored || n.Role == nil {
			continue
		}
		role := axString(n.Role)
		switch role {
		case "banner", "complementary", "contentinfo", "form", "main", "navigation", "region", "search":
		default:
			continue
		}
		out[fmt.Sprintf("%s %q", role, axString(n.Name))]++
	}
	return out
}

// axString is the text of an accessibility property, "" when it has none.
func axString(v *accessibility.Value) string {
	var s string
	if v != nil {
		json.Unmarshal(v.Value, &s)
	}
	return s
}

// history goes delta steps back (negative) or forward in the tab's history, as the
// browser's buttons do; settle then waits for the page it leads to.
func (b *browser) history(delta int) {
	b.t.Helper()
	eval[bool](b, fmt.Sprintf(`history.go(%d), true`, delta))
}

// settle waits until a JavaScript expression is true, across the page loads of a step
// that may load a page, update the one shown, or bring one back from the back-forward
// cache (where chromedp's Poll loses its context).
func (b *browser) settle(expr string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !!(`+expr+`)`))
		if err == nil && ok {
			return
		}
		select {
		case <-ctx.Done():
			b.t.Fatalf("waiting for %s: %v", expr, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
