package pdf

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"musesearch/corpus/article"
)

// Layout thresholds.
const (
	// headingRatio: a line whose font is this much larger than the body text's is a
	// heading.
	headingRatio = 1.15
	// paragraphGap: lines further apart than this many times the usual line spacing
	// are in different paragraphs.
	paragraphGap = 1.4
	// marginLines: the lines at the top and at the bottom of a page that may be
	// running headers and footers.
	marginLines = 2
	// maxHeadingRunes: a longer line is text, whatever its font.
	maxHeadingRunes = 200
	// boldWeight: a font this heavy is bold.
	boldWeight = 600
)

var (
	// furniture matches page furniture wherever it repeats or not: page numbers
	// ("3", "3/10", "Page 3 of 10", "- 3 -"), a URL alone or with a page counter, and
	// the date and time a browser prints a page at ("11/30/26, 5:52 AM Title").
	furniture = regexp.MustCompile(`(?i)^(?:(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—]|(?:https?|file)://\S+(?:\s+\d{1,4}\s*/\s*\d{1,4})?|\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}(?:\s*[AP]M)?(?:\s.*)?)$`)
	// numbered matches a numbered section heading ("2. Methods", "3.1 Patients", "IV.
	// Discussion"); the number's parts give its depth.
	numbered = regexp.MustCompile(`^((?:\d{1,2})(?:\.\d{1,2})*\.?|[IVX]{1,4}\.)\s+\p{L}`)
	bullet   = regexp.MustCompile(`^[•◦▪■●○·\-–]\s+\S`)
	digits   = regexp.MustCompile(`\d+`)
)

// para is one block being built from lines.
type para struct {
	kind  article.Kind
	level int
	lines []line
}

// layout turns the lines of a document's pages into its title (empty when the
// layout shows none) and blocks.
func layout(pages [][]line) (string, []article.Block) {
	var lines []line
	for _, p := range dropFurniture(pages) {
		lines = append(lines, p...)
	}
	body := bodySize(lines)
	levels := headingSizes(lines, body)
	paras := paragraphs(lines, body, levels, lineSpacing(lines, body))
	promoteHeadings(paras, len(levels), bodyWeight(lines))
	words := wordStats(lines)

	title := ""
	for i, p := range paras {
		if p.kind == article.Paragraph || p.kind == article.Item || p.lines[0].page > 0 {
			break
		}
		if p.level == 1 {
			title = joinLines(p.lines, words)
			paras = slices.Delete(paras, i, i+1)
			break
		}
	}
	var blocks []article.Block
	for _, p := range paras {
		blocks = append(blocks, article.Block{Kind: p.kind, Level: p.level, Text: joinLines(p.lines, words)})
	}
	return title, blocks
}

// dropFurniture removes the running headers, footers and page numbers: lines at the
// top or bottom of a page that repeat on at least half the pages (digits aside, so
// "Page 3" repeats "Page 2"), and lines there that look like furniture anywhere.
func dropFurniture(pages [][]line) [][]line {
	key := func(s string) string { return digits.ReplaceAllString(strings.Join(strings.Fields(s), " "), "#") }
	margins := make([]map[int]bool, len(pages))
	seen := map[string]int{} // margin line key -> pages
	for i, p := range pages {
		margins[i] = marginIndexes(p)
		keys := map[string]bool{}
		for k := range margins[i] {
			keys[key(p[k].text)] = true
		}
		for k := range keys {
			seen[k]++
		}
	}
	repeats := max(2, (len(pages)+1)/2)
	out := make([][]line, len(pages))
	for i, p := range pages {
		for k, l := range p {
			text := strings.TrimSpace(l.text)
			if margins[i][k] && (furniture.MatchString(text) || seen[key(l.text)] >= repeats) {
				continue
			}
			out[i] = append(out[i], l)
		}
	}
	return out
}

// marginIndexes returns the indexes of a page's highest and lowest lines.
func marginIndexes(p []line) map[int]bool {
	order := make([]int, len(p))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(p[b].y, p[a].y) })
	out := map[int]bool{}
	for i, k := range order {
		if i < marginLines || i >= len(order)-marginLines {
			out[k] = true
		}
	}
	return out
}

// roundSize rounds a font size to half a point, so that sizes compare.
func roundSize(s float64) float64 { return math.Round(s*2) / 2 }

// bodySize is the font size most of the text is in.
func bodySize(lines []line) float64 {
	chars := map[float64]int{}
	for _, l := range lines {
		chars[roundSize(l.size)] += len([]rune(l.text))
	}
	best, most := 0.0, -1
	for s, n := range chars {
		if n > most || (n == most && s < best) {
			best, most = s, n
		}
	}
	return best
}

// bodyWeight is the font weight most of the text is in.
func bodyWeight(lines []line) int {
	chars := map[int]int{}
	for _, l := range lines {
		chars[l.weight] += len([]rune(l.text))
	}
	best, most := 0, -1
	for w, n := range chars {
		if n > most || (n == most && w < best) {
			best, most = w, n
		}
	}
	return best
}

// headingSizes maps the font sizes larger than the body's to heading levels, the
// largest 1.
func headingSizes(lines []line, body float64) map[float64]int {
	var sizes []float64
	for _, l := range lines {
		s := roundSize(l.size)
		if body > 0 && s >= body*headingRatio && len([]rune(l.text)) <= maxHeadingRunes && hasLetter(l.text) && !slices.Contains(sizes, s) {
			sizes = append(sizes, s)
		}
	}
	slices.SortFunc(sizes, func(a, b float64) int { return cmp.Compare(b, a) })
	levels := map[float64]int{}
	for i, s := range sizes {
		levels[s] = min(i+1, 6)
	}
	return levels
}

// lineSpacing is the usual distance between the baselines of two lines of body text.
func lineSpacing(lines []line, body float64) float64 {
	var gaps []float64
	for i := 1; i < len(lines); i++ {
		a, b := lines[i-1], lines[i]
		if a.page == b.page && roundSize(a.size) == body && roundSize(b.size) == body {
			if d := a.yEnd - b.y; d > 0 {
				gaps = append(gaps, d)
			}
		}
	}
	if len(gaps) == 0 {
		return body * 1.2
	}
	// Most gaps are between the lines of a paragraph, but in a document of short
	// paragraphs many are between paragraphs: take a low percentile.
	slices.Sort(gaps)
	return gaps[len(gaps)/5]
}

// paragraphs groups lines into headings, paragraphs and list items: a paragraph ends
// where the gap to the next line is wider than the usual spacing, where the font size
// changes, or at a page or column break after a line that ends a sentence.
func paragraphs(lines []line, body float64, levels map[float64]int, spacing float64) []para {
	var out []para
	for i, l := range lines {
		level := levels[roundSize(l.size)]
		if level > 0 && len([]rune(l.text)) > maxHeadingRunes {
			level = 0
		}
		n := len(out)
		switch {
		case level > 0:
			if n > 0 && out[n-1].kind == article.Heading && out[n-1].level == level && nextLine(lines[i-1], l, spacing*l.size/max(body, 1)) {
				out[n-1].lines = append(out[n-1].lines, l)
				continue
			}
			out = append(out, para{kind: article.Heading, level: level, lines: []line{l}})
		case bullet.MatchString(strings.TrimSpace(l.text)):
			out = append(out, para{kind: article.Item, lines: []line{l}})
		case n > 0 && out[n-1].kind != article.Heading && continues(lines[i-1], l, spacing):
			out[n-1].lines = append(out[n-1].lines, l)
		default:
			out = append(out, para{kind: article.Paragraph, lines: []line{l}})
		}
	}
	return out
}

// nextLine reports whether b follows a on the next line of the same block.
func nextLine(a, b line, spacing float64) bool {
	d := a.yEnd - b.y
	return a.page == b.page && d > 0 && d <= spacing*paragraphGap
}

// continues reports whether line b continues the paragraph that line a ends.
func continues(a, b line, spacing float64) bool {
	if a.size > 0 && math.Abs(a.size-b.size) > a.size*(headingRatio-1) {
		return false
	}
	if nextLine(a, b, spacing) {
		return true
	}
	// A page or column break: the paragraph goes on unless the line ends a sentence.
	return (a.page != b.page || a.yEnd-b.y <= 0) && !terminal(a.text)
}

// promoteHeadings makes headings of the one-line paragraphs that the font size does
// not show as headings but a section number or a bold font does ("2. Methods").
func promoteHeadings(paras []para, sizeLevels int, bodyWeight int) {
	for i := range paras {
		p := &paras[i]
		if p.kind != article.Paragraph || len(p.lines) != 1 {
			continue
		}
		text := strings.TrimSpace(p.lines[0].text)
		if len([]rune(text)) > 80 || len(strings.Fields(text)) > 12 || terminal(text) || !hasLetter(text) {
			continue
		}
		switch m := numbered.FindStringSubmatch(text); {
		case m != nil:
			depth := strings.Count(strings.TrimSuffix(m[1], "."), ".") + 1
			p.kind, p.level = article.Heading, min(sizeLevels+depth, 6)
		case p.lines[0].weight >= boldWeight && bodyWeight < boldWeight:
			p.kind, p.level = article.Heading, min(sizeLevels+1, 6)
		}
	}
}

// wordStats counts the words of the document, hyphenated compounds as written, all
// in lower case: resolve asks it whether a hyphen at a line end is the word's own.
func wordStats(lines []line) map[string]bool {
	words := map[string]bool{}
	for _, l := range lines {
		for _, w := range strings.FieldsFunc(strings.ToLower(l.text), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != softHyphen
		}) {
			if strings.ContainsRune(w, softHyphen) {
				continue // the word in question, not evidence
			}
			w = strings.Trim(w, "-")
			words[w] = true
			for _, part := range strings.Split(w, "-") {
				words[part] = true
			}
		}
	}
	return words
}

// hyphenationTails are the word endings a hyphenation leaves on the next line
// ("treat-ment", "cell-ular"): after one of them the hyphen goes whatever the part
// before it.
var hyphenationTails = regexp.MustCompile(`^(?:ment|ments|tion|tions|ation|ations|sion|sions|ing|ings|ness|ular|ity|ities|ive|ives|ous|ence|ences|ance|ances|ent|ents|ant|ants|able|ible|ally|ical|ism|ist|ists|ize|ized|ise|ised|ology|ed|er|ers|es|ly|al|ic|ics|ial|ian)$`)

// resolve decides each hyphen PDFium marked at a line end. The word's own stays: a
// compound written with a hyphen elsewhere in the document ("donor-derived"), a part
// in capitals ("HLA-G"), or a word of the document followed by more than a word
// ending ("placebo-controlled"). A hyphenation goes ("regen-eration", "treat-ment").
func resolve(s string, words map[string]bool) string {
	if !strings.ContainsRune(s, softHyphen) {
		return s
	}
	runes := []rune(s)
	var b strings.Builder
	for i, r := range runes {
		if r != softHyphen {
			b.WriteRune(r)
			continue
		}
		left, right := wordAround(runes, i)
		lower := strings.ToLower(left + "-" + right)
		joined := strings.ToLower(left + right)
		tail := hyphenationTails.MatchString(strings.ToLower(right))
		keep := left != "" && right != "" &&
			(unicode.IsUpper(runes[min(i+1, len(runes)-1)]) || words[lower] ||
				(!words[joined] && !tail && len([]rune(left)) > 2 && len([]rune(right)) > 2 && words[strings.ToLower(left)]))
		if keep || left == "" || right == "" {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// wordAround returns the letters before and after position i of runes.
func wordAround(runes []rune, i int) (string, string) {
	s := i
	for s > 0 && unicode.IsLetter(runes[s-1]) {
		s--
	}
	e := i + 1
	for e < len(runes) && unicode.IsLetter(runes[e]) {
		e++
	}
	return string(runes[s:i]), string(runes[i+1 : e])
}

// joinLines writes a block's lines one a line, hyphenation undone; the corpus joins
// them as it joins wrapped lines (no space between CJK characters).
func joinLines(lines []line, words map[string]bool) string {
	texts := make([]string, len(lines))
	for i, l := range lines {
		texts[i] = resolve(strings.TrimSpace(l.text), words)
	}
	return strings.Join(texts, "\n")
}

func hasLetter(s string) bool { return strings.IndexFunc(s, unicode.IsLetter) >= 0 }

// terminal reports whether s ends a sentence.
func terminal(s string) bool {
	s = strings.TrimRightFunc(strings.TrimSpace(s), func(r rune) bool { return strings.ContainsRune(`"'”’」』）)]`, r) })
	r := []rune(s)
	return len(r) > 0 && strings.ContainsRune(".!?。！？:：", r[len(r)-1])
}
