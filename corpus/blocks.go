package corpus

import (
	"regexp"
	"strings"
	"unicode"
)

// blockKind is what a logical line is in the structure of a document.
type blockKind int

const (
	paraBlock    blockKind = iota // a paragraph
	itemBlock                     // a list item, or a line of a list introduced by a colon
	rowBlock                      // a table row
	headingBlock                  // a heading
)

// headingStyle tells heading kinds apart: headings of one style are siblings.
type headingStyle string

const (
	plainStyle    headingStyle = "plain"    // a short line without closing punctuation
	romanStyle    headingStyle = "roman"    // a part marker: "I", "II", "Part 2"
	pressStyle    headingStyle = "press"    // ◆… ■… (each marker its own style)
	bracketStyle  headingStyle = "bracket"  // ＜…＞ 【…】 (each bracket its own style)
	numberedStyle headingStyle = "numbered" // "1) …", "2. …", "１）…"
	cjkNumStyle   headingStyle = "cjknum"   // "一、…" (Chinese and Japanese section numbers)
	cjkParenStyle headingStyle = "cjkparen" // "（一）…"
	chapterStyle  headingStyle = "chapter"  // "第1章…", "第二节…"
	markdownStyle headingStyle = "md"       // "## …" (the level is part of the style)
)

// block is one unit of a document's structure.
type block struct {
	kind blockKind
	text string
	// style and rank describe a heading: rank orders structural styles (1 outermost);
	// plain headings have rank 0 and nest by position instead.
	style headingStyle
	rank  int
	// breakBefore is set when a paragraph break precedes the block.
	breakBefore bool
}

var (
	markdownHeading = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*$`)
	pressMarker     = regexp.MustCompile(`^([◆◇■□▼▽▲△▶►◎●])\s*(\S.*)$`)
	bracketHeading  = regexp.MustCompile(`^(?:＜[^＞]{1,40}＞|<[^>]{1,40}>|【[^】]{1,40}】|〈[^〉]{1,40}〉|《[^》]{1,40}》|\[[^\]]{1,40}\])$`)
	numberedHeading = regexp.MustCompile(`^(?:(?:\d{1,2}|[０-９]{1,2})[.)．）]\s*\S|[①-⑳]\s*\S)`)
	partHeading     = regexp.MustCompile(`(?i)^(?:part|chapter)\s+(?:[ivx]+|\d{1,2})\b`)
	romanTitled     = regexp.MustCompile(`^(?:I|II|III|IV|V|VI|VII|VIII|IX|X)\.\s+\S`)
	cjkNumbered     = regexp.MustCompile(`^[一二三四五六七八九十]{1,3}[、．]\s*\S`)
	cjkParenNumber  = regexp.MustCompile(`^(?:（[一二三四五六七八九十]{1,3}）|\([一二三四五六七八九十]{1,3}\))\s*\S`)
	chapterHeading  = regexp.MustCompile(`^第[0-9０-９一二三四五六七八九十百]{1,4}([章節节部篇])`)
	abbreviations   = regexp.MustCompile(`(?i)\b(?:vs|dr|mr|ms|mrs|st|no|fig|figs|e\.g|i\.e|et al|approx|inc|ltd|co)\.`)
	sentenceInside  = regexp.MustCompile(`[.!?。！？]\s*\S`)
)

// isMarkdownHeading reports whether s is a Markdown heading: the look at its first
// byte spares the regexp most lines, each a fresh start of its matcher.
func isMarkdownHeading(s string) bool {
	return strings.HasPrefix(s, "#") && markdownHeading.MatchString(s)
}

// headingMarker reports whether s starts like a structural heading.
func headingMarker(s string) bool {
	return isMarkdownHeading(s) || pressMarker.MatchString(s) || bracketHeading.MatchString(s) ||
		numberedHeading.MatchString(s) || isRoman(s) || partHeading.MatchString(s) || romanTitled.MatchString(s) ||
		cjkNumbered.MatchString(s) || cjkParenNumber.MatchString(s) || chapterHeading.MatchString(s)
}

// isHeadingLike reports whether s could be a heading: short, with letters, not ending
// in sentence punctuation, one phrase rather than sentences.
func isHeadingLike(s string) bool {
	if len(s) > 4*120 {
		return false
	}
	runes := []rune(s)
	if len(runes) == 0 || len(runes) > 120 || len(strings.Fields(s)) > 16 || !hasLetter(s) {
		return false
	}
	cjk, letters, nonSpace := 0, 0, 0
	for _, r := range runes {
		if unicode.IsSpace(r) {
			continue
		}
		nonSpace++
		if unicode.IsLetter(r) {
			letters++
		}
		if IsCJK(r) {
			cjk++
		}
	}
	if cjk*2 > nonSpace && len(runes) > 50 {
		return false
	}
	if letters*2 < nonSpace {
		return false
	}
	if strings.ContainsRune(".,;:、。，；：", lastRune(s)) {
		return false
	}
	if lowerWord(s) {
		return false
	}
	body := abbreviations.ReplaceAllString(partNumber.ReplaceAllString(s, ""), "")
	body = strings.TrimRight(body, "?!？！ ")
	return !sentenceInside.MatchString(body)
}

// partNumber numbers a part: "1. ", "2.3 " (its full stop ends no sentence).
var partNumber = regexp.MustCompile(`^\d{1,2}(?:\.\d{1,2})*\.?\s+`)

// titleCase reports whether most words of s start with a capital letter, as English
// titles do ("Muse Cells in Regenerative Medicine:").
func titleCase(s string) bool {
	long, upper := 0, 0
	for _, w := range strings.Fields(s) {
		if len([]rune(w)) < 4 {
			continue
		}
		long++
		if unicode.IsUpper(firstRune(w)) {
			upper++
		}
	}
	return long > 0 && upper*10 >= long*7
}

// classify turns logical lines into blocks: headings, paragraphs, list items and
// table rows. Plain headings are recognised only where they head body text, and not in
// a list introduced by a colon or a long run of short lines (a list without bullets).
func classify(lines []logicalLine) []block {
	blocks := make([]block, len(lines))
	markdown := false
	for _, l := range lines {
		if isMarkdownHeading(l.text) {
			markdown = true
		}
	}
	for i, l := range lines {
		b := block{kind: paraBlock, text: l.text, breakBefore: l.breakBefore}
		switch {
		case strings.HasPrefix(l.text, "|"):
			b.kind = rowBlock
		case isMarkdownHeading(l.text):
			m := markdownHeading.FindStringSubmatch(l.text)
			b.kind, b.text, b.rank = headingBlock, m[2], len(m[1])
			b.style = markdownStyle + headingStyle(m[1])
		case isRoman(l.text) || partHeading.MatchString(l.text) || (romanTitled.MatchString(l.text) && isHeadingLike(l.text)):
			b.kind, b.style, b.rank = headingBlock, romanStyle, 1
		case pressMarker.MatchString(l.text) && isHeadingLike(l.text) && !terminal(l.text):
			m := pressMarker.FindStringSubmatch(l.text)
			b.kind, b.style, b.rank = headingBlock, pressStyle+headingStyle(m[1]), 2
		case bracketHeading.MatchString(l.text):
			b.kind, b.style, b.rank = headingBlock, bracketStyle+headingStyle(firstRune(l.text)), 3
		case chapterHeading.MatchString(l.text) && isHeadingLike(l.text):
			b.kind, b.style, b.rank = headingBlock, chapterStyle, 1
			if m := chapterHeading.FindStringSubmatch(l.text); m[1] == "節" || m[1] == "节" {
				b.style, b.rank = chapterStyle+"section", 2
			}
		case cjkNumbered.MatchString(l.text) && isHeadingLike(l.text):
			b.kind, b.style, b.rank = headingBlock, cjkNumStyle, 3
		case cjkParenNumber.MatchString(l.text) && isHeadingLike(l.text):
			b.kind, b.style, b.rank = headingBlock, cjkParenStyle, 4
		case numberedHeading.MatchString(l.text) && isHeadingLike(l.text):
			b.kind, b.style, b.rank = headingBlock, numberedStyle, 4
		case bulletLine.MatchString(l.text):
			b.kind = itemBlock
		case !markdown && isHeadingLike(l.text):
			b.kind, b.style = headingBlock, plainStyle
		}
		blocks[i] = b
	}
	mergeRomanTitles(blocks)
	demotePlainAboveStructure(blocks)
	demoteLists(blocks)
	demoteTrailingHeadings(blocks)
	return removeEmpty(blocks)
}

// mergeRomanTitles joins a bare part marker ("II") with the heading-like line after it
// ("Clinical Trials of Muse Cells") into one heading ("II. Clinical Trials …").
func mergeRomanTitles(blocks []block) {
	for i := 0; i+1 < len(blocks); i++ {
		b, next := &blocks[i], &blocks[i+1]
		if b.style != romanStyle || !isRoman(b.text) || !isHeadingLike(next.text) || next.kind == rowBlock {
			continue
		}
		b.text = strings.TrimSuffix(b.text, ".") + ". " + next.text
		next.text = ""
	}
}

// demoteLists turns plain "headings" back into list items where they are lines of a
// list: after a line ending with a colon, or in a run of four or more short lines.
func demoteLists(blocks []block) {
	for i := 0; i < len(blocks); i++ {
		b := blocks[i]
		if b.kind != paraBlock || !strings.ContainsRune(":：", lastRune(b.text)) {
			continue
		}
		// A title-case phrase ending with a colon followed by a heading is the first
		// half of a two-line heading ("Muse Cells in Regenerative Medicine:" +
		// "What the Evidence Supports").
		if i+1 < len(blocks) && blocks[i+1].kind == headingBlock && blocks[i+1].style == plainStyle &&
			!blocks[i+1].breakBefore && isHeadingLike(strings.TrimRight(b.text, ":：")) && titleCase(b.text) {
			blocks[i+1].text = b.text + " " + blocks[i+1].text
			blocks[i].text = ""
			continue
		}
		for j := i + 1; j < len(blocks) && !blocks[j].breakBefore; j++ {
			if blocks[j].kind == itemBlock {
				continue
			}
			if blocks[j].kind != headingBlock || blocks[j].style != plainStyle {
				break
			}
			blocks[j].kind, blocks[j].style = itemBlock, ""
		}
	}
	// Runs of short lines without text between them are lists: four plain lines
	// (but not the lead of a document: label, dateline, title, subtitle), or three
	// numbered lines ("1. Improved LVEF", "2. …").
	for i := 0; i < len(blocks); {
		j := i
		for j < len(blocks) && blocks[j].kind == headingBlock && blocks[j].style == blocks[i].style &&
			(blocks[i].style == plainStyle || blocks[i].style == numberedStyle) {
			j++
		}
		if (blocks[i].style == plainStyle && j-i >= 4 && i > 0) || (blocks[i].style == numberedStyle && j-i >= 3) {
			for k := i; k < j; k++ {
				blocks[k].kind, blocks[k].style, blocks[k].rank = itemBlock, "", 0
			}
		}
		i = max(j, i+1)
	}
}

// demotePlainAboveStructure turns a plain "heading" directly above a press marker,
// bracket, part or Markdown heading back into a paragraph: those never nest under a
// plain heading, so the line is the body of the heading before it.
func demotePlainAboveStructure(blocks []block) {
	for i := 0; i+1 < len(blocks); i++ {
		next := blocks[i+1]
		if blocks[i].kind == headingBlock && blocks[i].style == plainStyle && i > 0 &&
			next.kind == headingBlock && next.style != plainStyle && next.style != numberedStyle {
			blocks[i].kind, blocks[i].style = paraBlock, ""
		}
	}
}

// demoteTrailingHeadings turns headings that head no body text (at the end of the
// document) back into paragraphs, so that their words stay in the text.
func demoteTrailingHeadings(blocks []block) {
	for i := len(blocks) - 1; i >= 0; i-- {
		if blocks[i].text == "" {
			continue
		}
		if blocks[i].kind != headingBlock {
			return
		}
		blocks[i].kind, blocks[i].style, blocks[i].rank = paraBlock, "", 0
	}
}

func removeEmpty(blocks []block) []block {
	out := blocks[:0]
	for _, b := range blocks {
		if strings.TrimSpace(b.text) != "" {
			out = append(out, b)
		}
	}
	return out
}
