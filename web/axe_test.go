package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axePath is where `npm ci --prefix tools/audit` installs axe-core, the accessibility
// engine the audit runs in the page.
const axePath = "../tools/audit/node_modules/axe-core/axe.min.js"

// axeSource reads axe-core. Without it the audit is skipped on a developer's machine,
// but fails in CI (CI set), where .ci/run installs it.
func axeSource(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(axePath)
	if err == nil {
		return string(data)
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("axe-core is not installed (%v); the accessibility audit needs it in CI (npm ci --prefix tools/audit)", err)
	}
	t.Skipf("axe-core is not installed (%v); `npm ci --prefix tools/audit` installs it", err)
	return ""
}

// axePages are the pages the accessibility audit opens, each in every interface
// language. Their documents are the bundled corpus's. When typed is set, the audit
// types it into the search box and moves to the first suggestion before it runs.
var axePages = []struct{ name, path, typed string }{
	{"home", "/", ""},
	{"suggestions", "/", "bone mar"},
	{"results", "/search?q=ALS", ""},
	{"results filtered", "/search?q=ALS&indication=als&cell_type=muse", ""},
	{"results by document", "/search?q=stroke&group=doc&sort=date", ""},
	{"no results", "/search?q=zzyzx", ""},
	{"past the last page", "/search?q=ALS&page=50", ""},
	{"English document", "/doc/000_7296aed5b39c99c6?q=Muse", ""},
	{"Japanese document", "/doc/003_0b74e965ce623bb2?q=ALS", ""},
	{"document with a Chinese section", "/doc/004_6bdb0a530be4535a", ""},
	{"trials", "/trials", ""},
	{"trials found", "/trials?q=stroke&sort=phase", ""},
	{"trial document", "/doc/007_nct04261335", ""},
	{"not found", "/doc/no-such-document", ""},
	{"bad request", "/search?q=ALS&year_from=1066", ""},
}

// axeScreens are the screens the audit runs on, each with the interface languages it
// audits: what is hidden or laid out differently on a phone is audited too, and the
// colours of a dark scheme (the same in every language).
var axeScreens = []struct {
	name          string
	width, height int64
	mobile        bool
	scheme        string // prefers-color-scheme
	hls           []string
}{
	{"desktop", 1280, 1000, false, "light", []string{"en", "ja", "zh"}},
	{"phone", 390, 844, true, "light", []string{"en", "ja", "zh"}},
	{"desktop-dark", 1280, 1000, false, "dark", []string{"en"}},
}

// axeViolation is one rule an audited page breaks: the rule, how much it matters, a
// line on what it asks, and the elements that break it (CSS selectors), each with
// what axe-core found wrong with it.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// axeRun runs axe-core's rules on the page as it is shown, then opens the details
// elements that are closed and runs them again on what those held, and returns the
// violations of both as JSON. The rules are those axe-core runs by default (WCAG 2.0
// to 2.2 A and AA, and its best practices) and target-size, WCAG 2.2 AA's 24 px
// targets, which it leaves off by default and Lighthouse checks.
const axeRun = `(async () => {
	const options = {resultTypes: ["violations"], rules: {"target-size": {enabled: true}}};
	const report = (r, state) => r.violations.map(v => ({
		id: v.id, impact: v.impact, help: v.help + state,
		targets: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary.replace(/\s+/g, " ")),
	}));
	const shown = report(await axe.run(document, options), "");
	const closed = [...document.querySelectorAll("details:not([open])")];
	if (closed.length === 0) {
		return JSON.stringify(shown);
	}
	closed.forEach(d => d.open = true);
	return JSON.stringify(shown.concat(report(await axe.run({include: closed}, options), " (details opened)")));
})()`

// TestBrowserAxe audits the pages with axe-core in a real Chromium, in each interface
// language on a desktop and a phone screen, and in a dark colour scheme: every page
// must break no rule.
func TestBrowserAxe(t *testing.T) {
	axe := axeSource(t)
	b := startBrowser(t)
	for _, sc := range axeScreens {
		b.t = t
		if sc.mobile {
			b.do(chromedp.EmulateViewport(sc.width, sc.height, chromedp.EmulateMobile))
		} else {
			b.do(chromedp.EmulateViewport(sc.width, sc.height))
		}
		b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: sc.scheme}},
			})
			return err
		}))
		for _, hl := range sc.hls {
			for _, p := range axePages {
				t.Run(sc.name+"/"+hl+"/"+p.name, func(t *testing.T) {
					b.t = t
					sep := "?"
					if strings.Contains(p.path, "?") {
						sep = "&"
					}
					b.open(p.path + sep + "hl=" + hl)
					if !b.bool(`matchMedia("(prefers-color-scheme: ` + sc.scheme + `)").matches`) {
						t.Fatalf("the page is not shown in the %s colour scheme", sc.scheme)
					}
					if p.typed != "" {
						b.do(chromedp.SendKeys(chromedp.CSS("#q"), p.typed))
						// The results of what was typed come as well: audit the page they make.
						b.waitFor(fmt.Sprintf(`new URLSearchParams(location.search).get("q") === %q && document.querySelectorAll("#q-suggestions [role=option]").length > 0`, p.typed))
						b.do(chromedp.SendKeys(chromedp.CSS("#q"), kb.ArrowDown))
						b.waitFor(`!!document.getElementById("q").getAttribute("aria-activedescendant")`)
					}
					ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
					defer cancel()
					if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+";true")); err != nil {
						t.Fatalf("load axe-core into the page: %v", err)
					}
					var violations []axeViolation
					if err := json.Unmarshal([]byte(eval[string](b, axeRun, chromedp.EvalAwaitPromise)), &violations); err != nil {
						t.Fatalf("read axe-core's results: %v", err)
					}
					for _, v := range violations {
						t.Errorf("%s (%s): %s\n\t%s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, "\n\t"))
					}
				})
			}
		}
	}
}
