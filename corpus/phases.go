package corpus

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Trial phases are a small grammar rather than vocabulary terms: a phase needs a
// number ("acute phase" is not one). Numbers are Arabic, Roman (NFKC turns Ⅱ into II)
// or, before 相 and 期, Chinese. Each pattern is tried only where its keyword occurs
// ("phase", "フェーズ", "第", "期"), which keeps the scan of a section cheap.
const (
	phaseNumber    = `(0|iv|i{1,3}|[1-4])[ab]?`
	phaseNumberCJK = `(0|iv|i{1,3}|[1-4]|[一二三四])[ab]?`
)

var (
	// After "phase" or "フェーズ": "1", "IIa", "I/II", "1-2", "2 and 3", "2a/IIa".
	phaseAfterKeyword = regexp.MustCompile(`^(?:phase|フェーズ)[ -]*` + phaseNumber +
		`\b(?:[ -]*(?:/|-|~|to|and|or|&)[ -]*(?:phase[ -]*)?` + phaseNumber + `\b)?`)
	// "第II相", "第1/2相", "第I-II相".
	phaseJapanese = regexp.MustCompile(`^第[ ]*` + phaseNumberCJK + `(?:[ ]*[/\-~・、][ ]*` + phaseNumberCJK + `)?[ ]*相`)
	// Before 期 or 相: "II ", "I/II", "一", not inside a word or a longer number.
	phaseBeforeQi = regexp.MustCompile(`(?:^|[^a-z0-9一二三四五六七八九十百千同])` + phaseNumberCJK +
		`(?:[ ]*[/\-~、至到][ ]*` + phaseNumberCJK + `)?[ ]*$`)
	// After 期 or 相, within its clause: a trial word ("II期临床试验", "III期随机双盲试验"),
	// without which 期 is a disease stage ("III期乳腺癌") or an issue number.
	// Or, before the number, a field label of a trial registry ("研究所处阶段：II期").
	phaseLabelBeforeQi = regexp.MustCompile(`(?:阶段|階段|段階|phase)[ ]*[:：]?[ ]*[^ ]{1,9}$`)
	phaseTrialAfterQi  = regexp.MustCompile(`^[^。.，,；;：:\n]{0,8}?(?:临床|臨床|试验|試驗|試験|治験|研究|trial|clinical)`)
)

// Phase keywords are found in the folded runes, and the patterns then run on a short
// window around each, so that a passage without a keyword costs one pass over it.
const (
	phaseWindowAfter  = 48 // runes after a keyword: its numbers and the word after them
	phaseWindowBefore = 13 // runes before 期 or 相: its number ("iii/iv ") and one more
)

// phaseMentions finds the trial phases named in t.
func (v *vocabulary) phaseMentions(t scanText) []conceptMention {
	text := t.folded
	var out []conceptMention
	add := func(start int, ids ...string) {
		for _, id := range ids {
			out = append(out, conceptMention{concept: v.phases[id], start: start, end: start + 1, term: -1})
		}
	}
	window := func(from, to int) string { return string(text[max(0, from):min(len(text), to)]) }
	var bare []conceptMention // "II 期" without a trial word: a phase if the text names one
	for i, r := range text {
		switch r {
		case 'p', 'フ':
			if r == 'p' && (t.wordAt(i-1) || !hasRunesAt(text, i, "phase")) || r == 'フ' && !hasRunesAt(text, i, "フェーズ") {
				continue
			}
			after := t.unglued(i, i+phaseWindowAfter)
			loc := phaseAfterKeyword.FindStringSubmatchIndex(after)
			if loc == nil || v.phaseNotTrial(after[loc[1]:]) {
				continue
			}
			if r == 'p' && t.earlyBefore(i) {
				add(i, "early-phase-1")
				continue
			}
			add(i, phaseRange(submatch(after, loc, 1), submatch(after, loc, 2))...)
		case '第':
			after := window(i, i+phaseWindowAfter)
			if loc := phaseJapanese.FindStringSubmatchIndex(after); loc != nil {
				add(i, phaseRange(submatch(after, loc, 1), submatch(after, loc, 2))...)
			}
		case '期', '相': // "II期临床试验", "II相試験" (第…相 is read above)
			trial := phaseTrialAfterQi.MatchString(window(i+1, i+1+phaseWindowAfter)) ||
				phaseLabelBeforeQi.MatchString(window(i-phaseWindowBefore-6, i))
			before := window(i-phaseWindowBefore, i)
			loc := phaseBeforeQi.FindStringSubmatchIndex(before)
			switch {
			case loc == nil:
			case trial:
				add(i-utf8.RuneCountInString(before[loc[0]:]), phaseRange(submatch(before, loc, 1), submatch(before, loc, 2))...)
			case r == '期' && romanPhase.MatchString(submatch(before, loc, 1)) && !strings.HasSuffix(before[:loc[2]], "第"):
				for _, id := range phaseRange(submatch(before, loc, 1), submatch(before, loc, 2)) {
					bare = append(bare, conceptMention{concept: v.phases[id], start: i, end: i + 1, term: -1})
				}
			}
		}
	}
	if len(out) > 0 {
		// "I 期研究由三个剂量递增队列组成 … II 期包括 9 名患者": in a text that names
		// trial phases, a Roman numeral before 期 is one too (elsewhere, a stage).
		out = append(out, bare...)
	}
	return out
}

// romanPhase is a phase number in Roman numerals (NFKC turns Ⅱ into II).
var romanPhase = regexp.MustCompile(`^(?:iv|i{1,3})$`)

// unglued returns the folded text from rune from to rune to, with a space where a
// page ran two words together ("PHASE1Completed", "Phase 2Recruiting"): a digit or
// a lower-case letter followed by an upper-case one.
func (t *scanText) unglued(from, to int) string {
	from, to = max(0, from), min(len(t.folded), to)
	var b strings.Builder
	for j := from; j < to; j++ {
		if j > from && unicode.IsUpper(t.cased[j]) && (unicode.IsDigit(t.cased[j-1]) || unicode.IsLower(t.cased[j-1])) {
			b.WriteByte(' ')
		}
		b.WriteRune(t.folded[j])
	}
	return b.String()
}

// earlyBefore reports whether the word "early" comes right before rune i, as in
// "early phase 1".
func (t *scanText) earlyBefore(i int) bool {
	j := i - 1
	for j >= 0 && isTermSeparator(t.folded[j]) {
		j--
	}
	start := j - len("early") + 1
	return j < i-1 && start >= 0 && hasRunesAt(t.folded, start, "early") && !t.wordAt(start-1)
}

// phaseNotTrial reports whether the words after "phase N" show a non-trial phase.
func (v *vocabulary) phaseNotTrial(rest string) bool {
	rest = strings.TrimLeft(rest, " -")
	for _, w := range v.phaseNotBefore {
		if strings.HasPrefix(rest, w) && (len(rest) == len(w) || !isLatinWordRune(rune(rest[len(w)]))) {
			return true
		}
	}
	return false
}

func submatch(s string, loc []int, n int) string {
	if loc[2*n] < 0 {
		return ""
	}
	return s[loc[2*n]:loc[2*n+1]]
}

// phaseRange returns the phase ids from the phase numbered first to the one numbered
// last (which may be empty): "1","2" gives phase-1 and phase-2; "0" is early phase 1.
func phaseRange(first, last string) []string {
	lo := phaseNumberValue(first)
	hi := phaseNumberValue(last)
	if hi < lo {
		hi = lo
	}
	var ids []string
	for n := lo; n <= hi; n++ {
		if n == 0 {
			ids = append(ids, "early-phase-1")
		} else {
			ids = append(ids, fmt.Sprintf("phase-%d", n))
		}
	}
	return ids
}

// phaseNumberValue reads an Arabic, Roman or Chinese phase number; -1 if there is none.
func phaseNumberValue(s string) int {
	switch s {
	case "0":
		return 0
	case "1", "i", "一":
		return 1
	case "2", "ii", "二":
		return 2
	case "3", "iii", "三":
		return 3
	case "4", "iv", "四":
		return 4
	}
	return -1
}
