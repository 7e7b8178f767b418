package corpus

import "unicode"

// scriptCounts counts the letters of s by script.
type scriptCounts struct{ kana, han, latin int }

func countScripts(s string) scriptCounts {
	var c scriptCounts
	for _, r := range s {
		switch {
		case isKana(r):
			c.kana++
		case isHan(r):
			c.han++
		case r < 0x80:
			if 'a' <= r|0x20 && r|0x20 <= 'z' {
				c.latin++
			}
		case unicode.IsLetter(r) && r <= unicode.MaxLatin1 || unicode.In(r, unicode.Latin):
			c.latin++
		}
	}
	return c
}

// cjk reports whether Chinese characters and kana carry more of the text than Latin
// letters (one character weighs about a three-letter word part).
func (c scriptCounts) cjk() bool {
	n := c.kana + c.han
	return n > 0 && n*3 >= c.latin
}

// japanese reports whether a document is written in Japanese: kana make up a
// noticeable share of its CJK characters. In a Japanese document a line of kanji
// only ("脊髄損傷、心筋梗塞") is Japanese, not Chinese.
func japanese(blocks []block) bool {
	var total scriptCounts
	for _, b := range blocks {
		c := countScripts(b.text)
		total.kana += c.kana
		total.han += c.han
	}
	return total.kana >= 5 && total.kana*20 >= total.kana+total.han
}

// langOf returns the language of a passage: "ja" when it has kana, "zh" for Chinese
// characters without kana (unless the document is Japanese), else "en". A passage
// mostly in Latin letters is English, unless it is part of a Japanese document and
// still has some kana (a reference block with Japanese labels).
func langOf(s string, docJapanese bool) string {
	c := countScripts(s)
	switch {
	case docJapanese && c.kana >= 3:
		return "ja"
	case !c.cjk():
		return "en"
	case c.kana >= 3 || c.kana*20 >= c.kana+c.han || docJapanese:
		return "ja"
	default:
		return "zh"
	}
}

// documentLang is the language most of a document's text is in.
func documentLang(sections []Section) string {
	w := map[string]int{}
	for _, s := range sections {
		w[s.Lang] += weight(s.Text)
	}
	best := "en"
	for _, l := range Languages {
		if w[l] > w[best] {
			best = l
		}
	}
	return best
}
