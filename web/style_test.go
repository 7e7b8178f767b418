package web

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// darkMedia is the media query of the stylesheet's dark palette.
const darkMedia = "screen and (prefers-color-scheme: dark)"

// TestTextContrast checks that every text colour the stylesheet writes out keeps a
// contrast of at least 4.5:1 (WCAG AA), in the light palette and in the dark one (the
// light rules with the dark block's rules of the same selector over them): against the
// background its rule sets, or else against the page's backgrounds (--bg, --surface and
// the evidence-map cells', the greyest). A rule that sets only a background is read with
// the text colour, --text; white text without a background of its own is on a
// background its container's rule sets, checked there.
func TestTextContrast(t *testing.T) {
	css, err := os.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	rules := parseCSS(string(css))
	var light, dark []cssRule
	for _, r := range rules {
		switch {
		case r.media == darkMedia:
			dark = append(dark, r)
		case !strings.Contains(r.media, "print"):
			light = append(light, r)
		}
	}
	t.Run("light", func(t *testing.T) { checkContrast(t, light) })
	t.Run("dark", func(t *testing.T) {
		if len(dark) == 0 {
			t.Fatalf("the stylesheet has no dark palette (@media %s)", darkMedia)
		}
		checkContrast(t, overlay(light, dark))
	})
}

// checkContrast checks the text colours of a palette's rules (see TestTextContrast).
func checkContrast(t *testing.T, rules []cssRule) {
	vars := map[string]string{}
	for _, r := range rules {
		if r.selector == ":root" {
			for k, v := range r.decls {
				if strings.HasPrefix(k, "--") {
					vars[k] = v
				}
			}
		}
	}
	// resolve gives the colour a value names: #rgb or #rrggbb, or a variable of one.
	resolve := func(v string) string {
		if name, ok := strings.CutPrefix(v, "var("); ok {
			v = vars[strings.TrimSuffix(name, ")")]
		}
		if regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}){1,2}$`).MatchString(v) {
			return v
		}
		return ""
	}
	page := []string{resolve("var(--bg)"), resolve("var(--surface)")}
	text := resolve("var(--text)")
	if page[0] == "" || page[1] == "" || text == "" {
		t.Fatalf("the palette lacks --bg, --surface or --text: %v", vars)
	}
	checked := 0
	for _, r := range rules {
		if r.selector == ".evidence-map td" {
			page = append(page, resolve(r.decls["background"]))
		}
	}
	pairs := []struct{ what, fg, bg string }{{"--text", text, ""}, {"--muted", resolve("var(--muted)"), ""}}
	for _, r := range rules {
		fg, bg := resolve(r.decls["color"]), resolve(r.decls["background"]+r.decls["background-color"])
		switch {
		case bg != "" && (r.decls["color"] == "" || r.decls["color"] == "inherit"):
			pairs = append(pairs, struct{ what, fg, bg string }{r.selector, text, bg})
		case fg == "", bg == "" && (fg == "#fff" || fg == "#ffffff"):
		default:
			pairs = append(pairs, struct{ what, fg, bg string }{r.selector, fg, bg})
		}
	}
	for _, p := range pairs {
		backgrounds := page
		if p.bg != "" {
			backgrounds = []string{p.bg}
		}
		for _, b := range backgrounds {
			checked++
			if c := contrast(p.fg, b); c < 4.5 {
				t.Errorf("%s: text %s on %s: contrast %.2f:1, want at least 4.5:1", p.what, p.fg, b, c)
			}
		}
	}
	if checked < 20 {
		t.Fatalf("checked %d pairs of colours: the test reads the stylesheet wrong", checked)
	}
}

// cssRule is one rule of a stylesheet: its selector, the media query it is under (""
// for none) and its declarations.
type cssRule struct {
	media, selector string
	decls           map[string]string
}

// parseCSS reads the rules of a stylesheet written as ours is: rules at the top level
// and in @media blocks, no other at-rules, no braces or semicolons in values.
func parseCSS(css string) []cssRule {
	css = regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(css, "")
	var rules []cssRule
	media := ""
	for rest := strings.TrimSpace(css); rest != ""; rest = strings.TrimSpace(rest) {
		if rest[0] == '}' { // the end of an @media block
			media, rest = "", rest[1:]
			continue
		}
		prelude, body, ok := strings.Cut(rest, "{")
		if !ok {
			break
		}
		prelude = strings.Join(strings.Fields(prelude), " ")
		if m, ok := strings.CutPrefix(prelude, "@media "); ok {
			media, rest = m, body
			continue
		}
		decls, after, _ := strings.Cut(body, "}")
		r := cssRule{media: media, selector: prelude, decls: map[string]string{}}
		for _, d := range strings.Split(decls, ";") {
			if k, v, ok := strings.Cut(d, ":"); ok {
				r.decls[strings.TrimSpace(k)] = strings.Join(strings.Fields(v), " ")
			}
		}
		rules = append(rules, r)
		rest = after
	}
	return rules
}

// overlay returns base with the declarations of over set on the rules of the same
// selector, and over's other rules added.
func overlay(base, over []cssRule) []cssRule {
	out := make([]cssRule, 0, len(base)+len(over))
	used := map[int]bool{}
	for _, b := range base {
		r := cssRule{media: b.media, selector: b.selector, decls: map[string]string{}}
		for k, v := range b.decls {
			r.decls[k] = v
		}
		for i, o := range over {
			if o.selector == b.selector {
				used[i] = true
				for k, v := range o.decls {
					r.decls[k] = v
				}
			}
		}
		out = append(out, r)
	}
	for i, o := range over {
		if !used[i] {
			out = append(out, o)
		}
	}
	return out
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
