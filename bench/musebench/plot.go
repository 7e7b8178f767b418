package musebench

import (
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strings"
)

// Plot geometry, in SVG user units.
const (
	panelW, panelH = 420, 300
	marginL        = 70
	marginR        = 20
	marginT        = 40
	marginB        = 50
)

// systemColours gives every system one colour in every panel.
var systemColours = map[string]string{musesearchName: "#d1495b", "lucene": "#00798c", "bluge": "#edae49"}

// panel is one chart: a value per system and corpus size, on log-log axes.
type panel struct {
	title, yLabel string
	series        []series
}

// series is one line per system in a panel: get gives its value, dashed lines are the
// second series of a panel.
type series struct {
	suffix string
	dashed bool
	get    func(SystemResult) float64
}

// writePlot draws query latency (p50 and p99 over the whole mix) and indexing
// throughput against corpus size, one line per system.
func writePlot(w io.Writer, r Report) error {
	latency := panel{title: "Query latency, whole mix", yLabel: "ms (p50 solid, p99 hollow and dashed)"}
	latency.series = []series{
		{" p50", false, func(s SystemResult) float64 { return s.Queries[mixName].P50MS }},
		{" p99", true, func(s SystemResult) float64 { return s.Queries[mixName].P99MS }},
	}
	throughput := panel{title: "Indexing throughput", yLabel: "sections per second"}
	throughput.series = []series{{"", false, func(s SystemResult) float64 { return s.SectionsPerS }}}

	var systems []string
	for _, size := range r.Sizes {
		for _, n := range systemOrder(size.Systems) {
			if !slices.Contains(systems, n) {
				systems = append(systems, n)
			}
		}
	}
	width := 2 * (panelW + marginL + marginR)
	height := panelH + marginT + marginB + 20*len(systems) + 20
	if _, err := fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", width, height); err != nil {
		return err
	}
	fmt.Fprintf(w, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	for i, p := range []panel{latency, throughput} {
		drawPanel(w, r, p, systems, float64(i*(panelW+marginL+marginR)+marginL))
	}
	for i, s := range systems {
		y := panelH + marginT + marginB + 20*i + 10
		fmt.Fprintf(w, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"/>`+"\n", marginL, y, marginL+30, y, colour(s))
		fmt.Fprintf(w, `<text x="%d" y="%d">%s</text>`+"\n", marginL+40, y+4, html.EscapeString(s))
	}
	_, err := fmt.Fprintln(w, "</svg>")
	return err
}

func colour(system string) string {
	if c, ok := systemColours[system]; ok {
		return c
	}
	return "#555555"
}

func drawPanel(w io.Writer, r Report, p panel, systems []string, x0 float64) {
	y0 := float64(marginT)
	// Axis ranges over every value drawn, widened to whole decades.
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, size := range r.Sizes {
		x := float64(size.Sections)
		for _, s := range systems {
			res, ok := size.Systems[s]
			if !ok {
				continue
			}
			for _, se := range p.series {
				if v := se.get(res); v > 0 && x > 0 {
					xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
					ymin, ymax = math.Min(ymin, v), math.Max(ymax, v)
				}
			}
		}
	}
	fmt.Fprintf(w, `<text x="%.0f" y="%.0f" font-size="14" font-weight="bold">%s</text>`+"\n", x0, y0-15, html.EscapeString(p.title))
	fmt.Fprintf(w, `<rect x="%.0f" y="%.0f" width="%d" height="%d" fill="none" stroke="#999"/>`+"\n", x0, y0, panelW, panelH)
	if math.IsInf(xmin, 1) {
		fmt.Fprintf(w, `<text x="%.0f" y="%.0f">no data</text>`+"\n", x0+10, y0+20)
		return
	}
	// A little room around the outermost points, so none sits on the frame.
	const pad = 0.3
	lx0, lx1 := math.Floor(math.Log10(xmin)-pad), math.Ceil(math.Log10(xmax)+pad)
	ly0, ly1 := math.Floor(math.Log10(ymin)-pad), math.Ceil(math.Log10(ymax)+pad)
	px := func(x float64) float64 { return x0 + (math.Log10(x)-lx0)/(lx1-lx0)*panelW }
	py := func(y float64) float64 { return y0 + panelH - (math.Log10(y)-ly0)/(ly1-ly0)*panelH }
	for d := lx0; d <= lx1; d++ {
		x := px(math.Pow(10, d))
		fmt.Fprintf(w, `<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#eee"/>`+"\n", x, y0, x, y0+panelH)
		fmt.Fprintf(w, `<text x="%.1f" y="%.0f" text-anchor="middle">%s</text>`+"\n", x, y0+panelH+16, decade(d))
	}
	for d := ly0; d <= ly1; d++ {
		y := py(math.Pow(10, d))
		fmt.Fprintf(w, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#eee"/>`+"\n", x0, y, x0+panelW, y)
		fmt.Fprintf(w, `<text x="%.0f" y="%.1f" text-anchor="end">%s</text>`+"\n", x0-6, y+4, decade(d))
	}
	fmt.Fprintf(w, `<text x="%.0f" y="%.0f" text-anchor="middle">sections in the corpus</text>`+"\n", x0+panelW/2, y0+panelH+36)
	fmt.Fprintf(w, `<text transform="translate(%.0f,%.0f) rotate(-90)" text-anchor="middle">%s</text>`+"\n", x0-50, y0+panelH/2, html.EscapeString(p.yLabel))
	for _, s := range systems {
		for _, se := range p.series {
			var pts []string
			for _, size := range r.Sizes {
				res, ok := size.Systems[s]
				if v := se.get(res); ok && v > 0 {
					x, y := px(float64(size.Sections)), py(v)
					pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
					fill := colour(s)
					if se.dashed {
						fill = "white" // hollow points for the dashed series
					}
					fmt.Fprintf(w, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s" stroke="%s" stroke-width="1.5"><title>%s%s: %s</title></circle>`+"\n",
						x, y, fill, colour(s), html.EscapeString(s), se.suffix, number(v))
				}
			}
			dash := ""
			if se.dashed {
				dash = ` stroke-dasharray="6,4"`
			}
			if len(pts) > 1 {
				fmt.Fprintf(w, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(pts, " "), colour(s), dash)
			}
		}
	}
}

// decade labels 10^d readably: 0.01, 1, 1k, 1M.
func decade(d float64) string {
	v := math.Pow(10, d)
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%gM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%gk", v/1e3)
	}
	return fmt.Sprintf("%g", v)
}
