package web

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// TestTextContrast checks that every text colour the stylesheet writes out, but white
// (text on the accent colour), keeps a contrast of at least 4.5:1 (WCAG AA) against the
// page background and the background of evidence-map cells, the greyest the page has.
func TestTextContrast(t *testing.T) {
	css, err := os.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	bg := regexp.MustCompile(`--bg:\s*(#[0-9a-fA-F]{6})`).FindSubmatch(css)
	if bg == nil {
		t.Fatal("the stylesheet has no --bg colour")
	}
	backgrounds := []string{string(bg[1]), "#f1f3f4"}
	texts := regexp.MustCompile(`(?m)(?:^|[;{\s])(?:color|--muted|--text):\s*(#[0-9a-fA-F]{3,6})\b`).FindAllSubmatch(css, -1)
	if len(texts) < 3 {
		t.Fatalf("found %d text colours: the test reads the stylesheet wrong", len(texts))
	}
	for _, m := range texts {
		fg := string(m[1])
		if fg == "#fff" || fg == "#ffffff" {
			continue
		}
		for _, b := range backgrounds {
			if c := contrast(fg, b); c < 4.5 {
				t.Errorf("text colour %s on %s: contrast %.2f:1, want at least 4.5:1", fg, b, c)
			}
		}
	}
}

// contrast is the WCAG contrast ratio of two colours written #rrggbb or #rgb.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	h := hex[1:]
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}
