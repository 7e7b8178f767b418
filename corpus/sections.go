package corpus

import (
	"regexp"
	"slices"
	"strings"
)

// Section sizes, in weight units (about one per Latin character, three per Han or kana
// character). A hit is a section, so a section should be one readable passage: a
// few paragraphs, 250 to 400 English words, long enough to give a snippet context and
// short enough that its facets describe all of it.
const (
	// maxSectionWeight: longer sections are split at paragraph boundaries into
	// pieces of about equal size (a 3000-character section gives two of 1500).
	maxSectionWeight = 2400
	// minSectionWeight: shorter sections (a heading over a line of contact details)
	// are merged into a neighbour.
	minSectionWeight = 120
	// minLangRun: a run of paragraphs in another language shorter than this stays in
	// its section (a translated term), a longer one becomes its own section.
	minLangRun = 200
)

// rawSection is a section before its text is rendered.
type rawSection struct {
	path    []string
	heading string
	// style is the style of the heading.
	style headingStyle
	// before holds the text of merged sections that precede the heading: it renders
	// before blocks.
	before []block
	blocks []block
	// tail is the heading path of the last section merged into this one, whose text
	// ends it (nil: none merged).
	tail []string
}

// body is everything the section's text is made of.
func (s rawSection) body() []block { return append(slices.Clone(s.before), s.blocks...) }

func (s rawSection) weight() int {
	w := 0
	for _, b := range s.body() {
		w += weight(b.text)
	}
	return w
}

// headingEntry is one open heading of the heading stack.
type headingEntry struct {
	text  string
	style headingStyle
	rank  int
	id    int // unique within a document
}

// sectionize splits blocks into sections: at headings, then where the language
// changes, then long sections at paragraph boundaries; tiny sections merge with a
// neighbour.
//
// context are the document's title and labels: the root of every section's heading
// path for its facets. A trial phase the title names is the phase of every section:
// a study's own phase, not the one it completed before or plans next.
func sectionize(blocks []block, docJapanese bool, context []string) []Section {
	var raw []rawSection
	for _, s := range splitAtHeadings(blocks) {
		raw = append(raw, splitByLanguage(s, docJapanese)...)
	}
	var sized []rawSection
	for _, s := range raw {
		sized = append(sized, splitLong(s)...)
	}
	merged := mergeTiny(sized, docJapanese)
	out := make([]Section, 0, len(merged))
	for _, s := range merged {
		sec := Section{Heading: s.heading, Path: s.path, Text: render(s.body())}
		if sec.Text == "" { // a heading over nothing: its words are the text
			sec.Heading, sec.Text = "", sec.Heading
		}
		if sec.Text == "" {
			continue
		}
		sec.Lang = langOf(sec.Heading+"\n"+sec.Text, docJapanese)
		finishSectionIn(&sec, context)
		out = append(out, sec)
	}
	if phases := ExtractFacets(context, "")[Phase]; len(phases) > 0 {
		for i := range out {
			out[i].Facets[Phase] = slices.Clone(phases)
		}
	}
	return out
}

// documentContext returns the context of a document's sections: its title, unless
// it was made from the text, and its labels ("Case Report").
func documentContext(title string, derived bool, labels []string) []string {
	var out []string
	if title != "" && !derived {
		out = append(out, title)
	}
	return append(out, labels...)
}

// finishSection fills the fields derived from a section's text.
func finishSection(s *Section) { finishSectionIn(s, nil) }

// finishSectionIn fills the fields derived from a section's text, in the context of
// its document. Exclusion criteria name diseases a study does not treat: they give no
// facet. Introductions name the designs and phases of other studies: only their
// indications and cell types count.
func finishSectionIn(s *Section, context []string) {
	headings := append(slices.Clone(context), s.Path...)
	if s.Heading != "" {
		headings = append(headings, s.Heading)
	}
	text := s.Text
	if slices.ContainsFunc(headings[len(context):], exclusionLabel.MatchString) {
		text = ""
	} else if strings.Contains(text, "\n") || exclusionLabel.MatchString(text) {
		text = withoutExclusions(text)
	}
	s.Facets, s.Inherited = extractFacets(append(headings, text), len(context))
	if slices.ContainsFunc(headings[len(context):], isBackground) {
		own := ExtractFacets(headings, "")
		for _, f := range []Facet{Design, Phase} {
			if len(own[f]) > 0 {
				s.Facets[f] = own[f]
			} else {
				delete(s.Facets, f)
			}
		}
	}
	if s.Facets == nil {
		s.Facets = Facets{}
	}
	for f, ids := range s.Inherited {
		if ids = slices.DeleteFunc(ids, func(id string) bool { return !slices.Contains(s.Facets[f], id) }); len(ids) > 0 {
			s.Inherited[f] = ids
		} else {
			delete(s.Inherited, f)
		}
	}
	if len(s.Inherited) == 0 {
		s.Inherited = nil
	}
	s.Identifiers = FindIdentifiers(s.Heading + "\n" + s.Text)
}

var (
	// exclusionLabel opens a trial's exclusion criteria.
	exclusionLabel = regexp.MustCompile(`(?i)^\s*(?:exclusion criteria|key exclusion criteria|除外基準|除外規準|除外条件|排除标准|排除標準)\s*[:：]?`)
	// otherLabel opens the next field of a record after the exclusion criteria.
	otherLabel = regexp.MustCompile(`^\s*[\p{L} ]{2,40}[:：]\s*$|(?i)^\s*(?:inclusion criteria|選択基準|纳入标准|入选标准|納入標準|入選標準)`)
	// backgroundHeading names a background section.
	// An abstract's "Background" often states the study's own design: only an
	// article's introduction is background.
	backgroundHeading = regexp.MustCompile(`(?i)^(?:\d+\.?\s*)?(?:introduction|はじめに|序論|序言|引言|前言|编者按|編者按)$`)
)

// isBackground reports whether heading h names a background section ("1.
// Introduction", "はじめに").
func isBackground(h string) bool {
	return backgroundHeading.MatchString(strings.Trim(strings.TrimSpace(h), "＜＞<>【】[]（）():： "))
}

// withoutExclusions returns text without its exclusion criteria: the lines from an
// "Exclusion criteria" label to the next label.
func withoutExclusions(text string) string {
	var b strings.Builder
	excluded := false
	for _, line := range strings.SplitAfter(text, "\n") {
		switch {
		case exclusionLabel.MatchString(line):
			excluded = true
		case excluded && otherLabel.MatchString(line):
			excluded = false
		}
		if !excluded {
			b.WriteString(line)
		}
	}
	return b.String()
}

// splitAtHeadings cuts blocks into sections at headings, keeping each heading's path.
//
// Headings nest by style: a structural heading (numbered, press marker, bracket,
// Markdown, part) closes the open headings of its own style or of lower rank; a
// heading directly under another heading (no text between) is its child. Plain
// headings have no style to compare, so a group of k headings after body text takes
// the place of the last k open plain headings.
func splitAtHeadings(blocks []block) []rawSection {
	var (
		out   []rawSection
		stack []headingEntry
		cur   rawSection
		curID = -1 // the id of cur's heading entry
		seq   = 0
	)
	emit := func() {
		if len(cur.blocks) > 0 {
			out = append(out, cur)
		}
	}
	for i := 0; i < len(blocks); {
		if blocks[i].kind != headingBlock {
			cur.blocks = append(cur.blocks, blocks[i])
			i++
			continue
		}
		j := i
		for j < len(blocks) && blocks[j].kind == headingBlock {
			j++
		}
		group := blocks[i:j]
		for g, h := range group {
			emptyBefore := len(cur.blocks) == 0 && cur.heading != ""
			emit()
			seq++
			stack = openHeading(stack, h, seq, g == 0, len(group))
			if emptyBefore && !slices.ContainsFunc(stack, func(e headingEntry) bool { return e.id == curID }) {
				// A heading with no text of its own and no children: keep its words
				// as the first line of what follows.
				out = append(out, rawSection{path: cur.path, heading: cur.heading})
			}
			top := stack[len(stack)-1]
			cur = rawSection{path: texts(stack[:len(stack)-1]), heading: top.text, style: top.style}
			curID = top.id
		}
		i = j
	}
	emit()
	return out
}

func texts(stack []headingEntry) []string {
	if len(stack) == 0 {
		return nil
	}
	out := make([]string, len(stack))
	for i, e := range stack {
		out[i] = e.text
	}
	return out
}

// openHeading updates the stack of open headings for heading h; first is set for the
// first heading of a group of size k that follows body text.
func openHeading(stack []headingEntry, h block, id int, first bool, k int) []headingEntry {
	stack = slices.Clone(stack)
	if h.style != plainStyle {
		if idx := slices.IndexFunc(stack, func(e headingEntry) bool { return e.style == h.style }); idx >= 0 {
			stack = stack[:idx]
		} else if first {
			for len(stack) > 0 && (stack[len(stack)-1].style == plainStyle || stack[len(stack)-1].rank >= h.rank) {
				stack = stack[:len(stack)-1]
			}
		}
	} else if first {
		seen, cut := 0, -1
		for idx := len(stack) - 1; idx >= 0; idx-- {
			if stack[idx].style == plainStyle {
				seen++
				cut = idx
				if seen == k {
					break
				}
			}
		}
		if cut >= 0 {
			stack = stack[:cut]
		}
	}
	return append(stack, headingEntry{text: h.text, style: h.style, rank: h.rank, id: id})
}

// splitByLanguage splits a section where the language changes between paragraphs
// (an abstract followed by its translation); short runs stay with their neighbours.
func splitByLanguage(s rawSection, docJapanese bool) []rawSection {
	type run struct {
		lang   string
		blocks []block
		weight int
	}
	var runs []run
	var blocks []block
	for _, b := range s.blocks {
		blocks = append(blocks, splitMixedParagraph(b, docJapanese)...)
	}
	for _, b := range blocks {
		l := langOf(b.text, docJapanese)
		if n := len(runs); n > 0 && runs[n-1].lang == l {
			runs[n-1].blocks = append(runs[n-1].blocks, b)
			runs[n-1].weight += weight(b.text)
			continue
		}
		runs = append(runs, run{lang: l, blocks: []block{b}, weight: weight(b.text)})
	}
	// Fold short runs into the run before them (or after, for the first).
	var kept []run
	for i, r := range runs {
		switch {
		case r.weight >= minLangRun || len(runs) == 1:
			if n := len(kept); n > 0 && kept[n-1].lang == r.lang {
				kept[n-1].blocks = append(kept[n-1].blocks, r.blocks...)
				kept[n-1].weight += r.weight
				continue
			}
			kept = append(kept, r)
		case len(kept) > 0:
			kept[len(kept)-1].blocks = append(kept[len(kept)-1].blocks, r.blocks...)
			kept[len(kept)-1].weight += r.weight
		case i+1 < len(runs):
			runs[i+1].blocks = append(r.blocks, runs[i+1].blocks...)
			runs[i+1].weight += r.weight
		default:
			kept = append(kept, r)
		}
	}
	if len(kept) <= 1 {
		return []rawSection{s}
	}
	out := make([]rawSection, len(kept))
	for i, r := range kept {
		out[i] = rawSection{path: s.path, heading: s.heading, blocks: r.blocks}
	}
	return out
}

// splitMixedParagraph splits a paragraph that holds two languages one after the other
// (an abstract and its translation run together) at the sentence where the language
// changes, when each part is long enough to stand alone.
func splitMixedParagraph(b block, docJapanese bool) []block {
	if b.kind != paraBlock || weight(b.text) < 2*minLangRun || !strings.ContainsFunc(b.text, isCJKText) {
		return []block{b}
	}
	type part struct {
		lang string
		end  int
		w    int
	}
	var parts []part
	start := 0
	for _, loc := range append(sentenceBreak.FindAllStringIndex(b.text, -1), []int{len(b.text), len(b.text)}) {
		sentence := b.text[start:loc[1]]
		if strings.TrimSpace(sentence) == "" {
			continue
		}
		l := langOf(sentence, docJapanese)
		if n := len(parts); n > 0 && parts[n-1].lang == l {
			parts[n-1].end, parts[n-1].w = loc[1], parts[n-1].w+weight(sentence)
		} else {
			parts = append(parts, part{l, loc[1], weight(sentence)})
		}
		start = loc[1]
	}
	if len(parts) < 2 {
		return []block{b}
	}
	for _, p := range parts {
		if p.w < minLangRun {
			return []block{b}
		}
	}
	var out []block
	start = 0
	for _, p := range parts {
		out = append(out, block{kind: paraBlock, text: strings.TrimSpace(b.text[start:p.end]), breakBefore: true})
		start = p.end
	}
	out[0].breakBefore = b.breakBefore
	return out
}

// units groups blocks into the pieces a section may be split between: a paragraph, a
// list with the line introducing it, a table.
func units(blocks []block) [][]block {
	var out [][]block
	for i, b := range blocks {
		if i > 0 && joinedToPrevious(blocks[i-1], b) {
			out[len(out)-1] = append(out[len(out)-1], b)
			continue
		}
		out = append(out, []block{b})
	}
	return out
}

// joinedToPrevious reports whether b continues the block before it on the next line
// (list items, table rows) rather than after a blank line.
func joinedToPrevious(prev, b block) bool {
	if b.breakBefore {
		return false
	}
	switch b.kind {
	case rowBlock:
		return prev.kind == rowBlock || strings.ContainsRune(":：", lastRune(prev.text))
	case itemBlock:
		return prev.kind == itemBlock || strings.ContainsRune(":：", lastRune(prev.text))
	}
	return false
}

// render writes blocks as display text: paragraphs separated by a blank line, list
// items and table rows on consecutive lines.
func render(blocks []block) string {
	var b strings.Builder
	for i, u := range units(blocks) {
		if i > 0 {
			b.WriteString("\n\n")
		}
		for j, bl := range u {
			if j > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(bl.text)
		}
	}
	return b.String()
}

// splitLong splits a section heavier than maxSectionWeight at paragraph boundaries
// into pieces of about equal weight. A single paragraph heavier than the limit is cut
// at sentence ends first.
func splitLong(s rawSection) []rawSection {
	total := s.weight()
	if total <= maxSectionWeight {
		return []rawSection{s}
	}
	var us [][]block
	for _, u := range units(s.blocks) {
		if len(u) == 1 && u[0].kind == paraBlock && weight(u[0].text) > maxSectionWeight {
			for _, piece := range splitSentences(u[0].text, maxSectionWeight*2/3) {
				us = append(us, []block{{kind: paraBlock, text: piece, breakBefore: true}})
			}
			continue
		}
		us = append(us, u)
	}
	n := (total + maxSectionWeight - 1) / maxSectionWeight
	target := total / n
	var out []rawSection
	cur := rawSection{path: s.path, heading: s.heading}
	acc := 0
	for i, u := range us {
		w := 0
		for _, b := range u {
			w += weight(b.text)
		}
		if acc > 0 && acc+w/2 > target && len(out) < n-1 && i < len(us) {
			out = append(out, cur)
			cur = rawSection{path: s.path, heading: s.heading}
			acc = 0
		}
		cur.blocks = append(cur.blocks, u...)
		acc += w
	}
	return append(out, cur)
}

var sentenceBreak = regexp.MustCompile(`[.!?]["”’)]?\s+|[。！？]`)

// splitSentences cuts a long paragraph into pieces of at most about limit weight: at
// sentence ends, or at spaces (or anywhere, for CJK) in a sentence longer than limit.
func splitSentences(s string, limit int) []string {
	var pieces []string
	start, acc := 0, 0
	cut := func(end int) {
		if p := strings.TrimSpace(s[start:end]); p != "" {
			pieces = append(pieces, p)
		}
		start, acc = end, 0
	}
	prev := 0
	for _, loc := range append(sentenceBreak.FindAllStringIndex(s, -1), []int{len(s), len(s)}) {
		end := loc[1]
		w := weight(s[prev:end])
		if acc > 0 && acc+w > limit {
			cut(prev)
		}
		if w > limit { // one sentence longer than the limit
			pieces = append(pieces, splitRunes(s[prev:end], limit)...)
			start, acc, prev = end, 0, end
			continue
		}
		acc += w
		prev = end
	}
	cut(len(s))
	return pieces
}

// splitRunes cuts s into pieces of about limit weight, at a space when there is one
// in the second half of the piece.
func splitRunes(s string, limit int) []string {
	var pieces []string
	for s != "" {
		w, end, space := 0, len(s), -1
		for i, r := range s {
			if w >= limit {
				end = i
				break
			}
			if r == ' ' && w >= limit/2 {
				space = i
			}
			w += weight(string(r))
		}
		if end < len(s) && space > 0 {
			end = space
		}
		if p := strings.TrimSpace(s[:end]); p != "" {
			pieces = append(pieces, p)
		}
		s = s[end:]
	}
	return pieces
}

// mergeTiny merges sections lighter than minSectionWeight into a neighbour of the same
// language: into the previous section when it has text of its own, else (a heading
// with little or nothing under it) into the next one, as a heading belongs with what
// follows. The merged section's headings that the receiving section does not show
// become lines of text, so no word is lost.
func mergeTiny(sections []rawSection, docJapanese bool) []rawSection {
	type merged struct {
		rawSection
		weight int
		lang   string
	}
	var (
		out          []merged
		carried      []rawSection // tiny sections waiting to open the next section
		carriedW     int
		carriedLang  string
		appendToLast = func(blocks []block, w int, tail []string) {
			last := &out[len(out)-1]
			last.blocks = append(last.blocks, blocks...)
			last.weight += w
			last.tail = tail
		}
	)
	flush := func() {
		if len(carried) == 0 {
			return
		}
		if n := len(out); n > 0 && out[n-1].lang == carriedLang {
			blocks, tail := asText(carried, out[n-1].shown())
			appendToLast(blocks, carriedW, tail)
		} else {
			first := carried[0]
			blocks, tail := asText(carried[1:], append(slices.Clone(first.path), first.heading))
			first.blocks = append(first.body(), blocks...)
			first.before, first.tail = nil, tail
			if len(first.blocks) == 0 {
				first.blocks = []block{{kind: paraBlock, text: first.heading}}
				first.heading = ""
			}
			out = append(out, merged{first, carriedW, carriedLang})
		}
		carried, carriedW = nil, 0
	}
	for _, s := range sections {
		w := s.weight()
		l := langOf(s.heading+"\n"+render(s.body()), docJapanese)
		if len(carried) > 0 && carriedLang != l {
			flush()
		}
		if w+carriedW >= minSectionWeight || len(sections) == 1 || listEntry(s) {
			blocks, _ := asText(carried, append(slices.Clone(s.path), s.heading))
			s.before = append(blocks, s.before...)
			out = append(out, merged{s, w + carriedW, l})
			carried, carriedW = nil, 0
			continue
		}
		if n := len(out); len(carried) == 0 && len(s.body()) > 0 && n > 0 && out[n-1].lang == l && out[n-1].weight+w <= maxSectionWeight {
			blocks, tail := asText([]rawSection{s}, out[n-1].shown())
			appendToLast(blocks, w, tail)
			continue
		}
		carried = append(carried, s)
		carriedW += w
		carriedLang = l
	}
	flush()
	result := make([]rawSection, len(out))
	for i, m := range out {
		result[i] = m.rawSection
	}
	return result
}

// listEntry reports whether s is an entry of a numbered list of its own sections (a
// glossary: "３）ロータロッド試験" and its definition), which stays a section however
// short.
func listEntry(s rawSection) bool {
	return len(s.blocks) > 0 && (s.style == numberedStyle || s.style == cjkNumStyle || s.style == cjkParenStyle)
}

// shown is the heading path a reader of the section has last seen: its own, or that
// of the last section merged into it.
func (s rawSection) shown() []string {
	if s.tail != nil {
		return s.tail
	}
	return append(slices.Clone(s.path), s.heading)
}

// asText turns sections into blocks of text for a section whose reader has last seen
// the heading path shown: headings not on that path become lines of text. It returns
// the blocks and the heading path last seen after them.
func asText(sections []rawSection, shown []string) ([]block, []string) {
	var out []block
	for _, s := range sections {
		out = append(out, s.before...)
		full := append(slices.Clone(s.path), s.heading)
		for i, h := range full {
			if h != "" && (i >= len(shown) || shown[i] != h) {
				out = append(out, block{kind: paraBlock, text: h, breakBefore: true})
			}
		}
		out = append(out, s.blocks...)
		shown = full
	}
	return out, shown
}
