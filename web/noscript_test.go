package web

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowserFiltersFirstPaint loads a results page with scripts off, as a browser
// first paints it before the deferred script runs: on a phone the filters must already
// be folded (or the results jump up by the height of the filters once the script folds
// them: a layout shift of 0.65 in Lighthouse), and on a desktop they must show.
func TestBrowserFiltersFirstPaint(t *testing.T) {
	b := startBrowser(t)
	b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	const shown = `document.getElementById("f-lang-ja").checkVisibility()`

	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.open("/search?q=ALS&hl=en")
	if b.bool(`document.documentElement.classList.contains("js")`) {
		t.Fatal("the page's script ran")
	}
	if b.bool(shown) {
		t.Errorf("on a phone the filters are open before the script runs; the first result is %dpx down",
			b.num(`Math.round(document.querySelector(".hit").getBoundingClientRect().top)`))
	}

	b.do(chromedp.EmulateViewport(1280, 1000))
	b.open("/search?q=ALS&hl=en")
	if !b.bool(shown) {
		t.Error("on a desktop the filters are folded before the script runs")
	}
}
