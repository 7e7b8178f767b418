package scalegen

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// studySentence states what a document reports: its design, phase, facets and registry
// id. It is the only sentence that names the registry id, which keeps ids rare.
func (g *Generator) studySentence(d *document) string {
	n := 5 + g.rng.IntN(400)
	phase := ""
	if d.phase != nil {
		phase = d.phase.pick(d.lang)
	}
	switch d.lang {
	case "ja":
		if phase != "" {
			phase += "の"
		}
		return fmt.Sprintf("%s患者%d例を対象に、%s%sを投与する%s%sを実施した（%s）。",
			d.indication.ja, n, d.cellType.ja, g.dose("ja"), phase, d.design.ja, d.registry)
	case "zh":
		return fmt.Sprintf("本项%s%s纳入%d例%s患者，接受%s%s治疗（%s）。",
			phase, d.design.zh, n, d.indication.zh, d.cellType.zh, g.dose("zh"), d.registry)
	}
	if phase != "" {
		phase += " "
	}
	return fmt.Sprintf("In this %s%s (%s), %d patients with %s received %s of %s.",
		phase, d.design.en, d.registry, n, d.indication.en, g.dose("en"), d.cellType.en)
}

// factSentence is a templated sentence about the document's subject with new numbers,
// names and words in it.
func (g *Generator) factSentence(d *document) string {
	w1, w2 := g.word(d.lang), g.word(d.lang)
	pct, months := 5+g.rng.IntN(80), 1+g.rng.IntN(36)
	switch d.lang {
	case "ja":
		switch g.rng.IntN(4) {
		case 0:
			return fmt.Sprintf("%sらは、%sが%sモデルにおいて%sを改善したと報告した。", g.name("ja"), d.cellType.ja, d.indication.ja, w1)
		case 1:
			return fmt.Sprintf("%d か月後の%sと%sに有意な改善が認められた（p = 0.0%d）。", months, w1, w2, 1+g.rng.IntN(49))
		case 2:
			return fmt.Sprintf("%s投与後、血清中の%sは%d％低下した。", d.cellType.ja, w1, pct)
		}
		return fmt.Sprintf("%s患者において、%sは%sの%sを抑制した。", d.indication.ja, d.cellType.ja, w1, w2)
	case "zh":
		switch g.rng.IntN(4) {
		case 0:
			return fmt.Sprintf("%s等报道，%s在%s模型中改善了%s。", g.name("zh"), d.cellType.zh, d.indication.zh, w1)
		case 1:
			return fmt.Sprintf("%d个月后%s和%s显著改善（p = 0.0%d）。", months, w1, w2, 1+g.rng.IntN(49))
		case 2:
			return fmt.Sprintf("%s治疗后，血清%s水平下降了%d%%。", d.cellType.zh, w1, pct)
		}
		return fmt.Sprintf("在%s患者中，%s抑制了%s%s。", d.indication.zh, d.cellType.zh, w1, w2)
	}
	switch g.rng.IntN(4) {
	case 0:
		return fmt.Sprintf("%s et al. reported that %s improved %s %s in %s at %d months.", g.name("en"), d.cellType.en, w1, w2, d.indication.en, months)
	case 1:
		return fmt.Sprintf("Serum %s levels fell by %d%% after %s of %s (p = 0.0%d).", w1, pct, g.dose("en"), d.cellType.en, 1+g.rng.IntN(49))
	case 2:
		return fmt.Sprintf("The trial enrolled %d participants with %s across %d centres, and %s was the primary endpoint.", 10+g.rng.IntN(900), d.indication.en, 1+g.rng.IntN(40), w1)
	}
	return fmt.Sprintf("Compared with controls, %s reduced %s and %s in patients with %s.", d.cellType.en, w1, w2, d.indication.en)
}

// realSentence is a real sentence of the language, with some of its words replaced by
// (English) or extended with (Japanese, Chinese) words of the open vocabulary.
func (g *Generator) realSentence(lang string) string {
	pool := g.src.sentences[lang]
	s := pool[g.rng.IntN(len(pool))]
	if lang == "en" {
		fields := strings.Fields(s)
		for i, f := range fields {
			if i > 0 && g.rng.IntN(8) == 0 && isPlainWord(f) {
				fields[i] = g.word("en")
			}
		}
		return strings.Join(fields, " ")
	}
	// Insert a word after a comma, or in front.
	joiner := map[string]string{"ja": "の", "zh": "的"}[lang]
	for _, comma := range []string{"、", "，", ","} {
		if i := strings.Index(s, comma); i >= 0 {
			i += len(comma)
			return s[:i] + g.word(lang) + joiner + s[i:]
		}
	}
	return g.word(lang) + joiner + s
}

// zipfSentence strings words of the open vocabulary together.
func (g *Generator) zipfSentence(lang string) string {
	n := 6 + g.rng.IntN(10)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.word(lang)
	}
	switch lang {
	case "ja":
		particles := []string{"の", "を", "に", "は", "が", "と", "で"}
		var b strings.Builder
		for i, w := range ws {
			b.WriteString(w)
			if i < n-1 {
				b.WriteString(particles[g.rng.IntN(len(particles))])
			}
		}
		return b.String() + "である。"
	case "zh":
		joiners := []string{"", "", "的", "和", "在", "对"}
		var b strings.Builder
		for i, w := range ws {
			b.WriteString(w)
			if i < n-1 {
				b.WriteString(joiners[g.rng.IntN(len(joiners))])
			}
		}
		return b.String() + "。"
	}
	return titleCase(strings.Join(ws, " ")) + "."
}

// word draws one word of the open vocabulary of lang: a real word by its frequency
// rank, or past the real words a coined one.
func (g *Generator) word(lang string) string {
	rank := int(g.zipf.Uint64())
	lex := g.src.lexicon[lang]
	if rank < len(lex) {
		return lex[rank]
	}
	return g.coin(lang, rank-len(lex))
}

// Pieces of coined words.
var (
	onsets   = []string{"b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cl", "dr", "gr", "pr", "st", "tr", "ph", "th", "ch"}
	vowels   = []string{"a", "e", "i", "o", "u", "ae", "io", "y"}
	suffixes = []string{"ase", "in", "ine", "osis", "itis", "ide", "ate", "ol", "an", "ome", "ism", "ogen", "cyte", "ular", "ic"}
	katakana = []rune("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモラリルレロンガギグゲゴジズゾダデドバビブベボパピプペポ")
)

// coin makes the n-th coined word of lang; different n give different words.
func (g *Generator) coin(lang string, n int) string {
	var b strings.Builder
	switch lang {
	case "ja":
		if n%2 == 0 { // a katakana coinage, such as a product or gene name
			n /= 2
			for {
				b.WriteRune(katakana[n%len(katakana)])
				n /= len(katakana)
				if n == 0 {
					break
				}
			}
			if utf8.RuneCountInString(b.String()) < 3 {
				b.WriteString("ン")
			}
			return b.String()
		}
		return hanWord(g.src.hanJA, n/2)
	case "zh":
		return hanWord(g.src.hanZH, n)
	}
	suffix := suffixes[(n/3)%len(suffixes)]
	b.WriteString(onsets[n%len(onsets)])
	n /= len(onsets)
	for {
		b.WriteString(vowels[n%len(vowels)])
		n /= len(vowels)
		if n == 0 {
			break
		}
		b.WriteString(onsets[n%len(onsets)])
		n /= len(onsets)
	}
	b.WriteString(suffix)
	return b.String()
}

// hanWord writes n in base len(pool), at least two characters long.
func hanWord(pool []rune, n int) string {
	var b strings.Builder
	for i := 0; i < 2 || n > 0; i++ {
		b.WriteRune(pool[n%len(pool)])
		n /= len(pool)
	}
	return b.String()
}

// registryID is a new trial registry id of the kind used where lang is spoken.
func (g *Generator) registryID(lang string) string {
	switch x := g.rng.IntN(2); {
	case lang == "ja" && x == 0:
		return fmt.Sprintf("jRCT2%09d", g.rng.IntN(1e9))
	case lang == "ja":
		return fmt.Sprintf("UMIN%09d", g.rng.IntN(1e9))
	case lang == "zh":
		return fmt.Sprintf("ChiCTR2%09d", g.rng.IntN(1e9))
	}
	return fmt.Sprintf("NCT0%07d", g.rng.IntN(1e7))
}

// dose is a dose as trial reports write it.
func (g *Generator) dose(lang string) string {
	unit := map[string]string{"en": "cells/kg", "ja": "個/kg", "zh": "个/kg"}[lang]
	if g.rng.IntN(3) == 0 {
		return fmt.Sprintf("%d.%d mg/kg", 1+g.rng.IntN(20), g.rng.IntN(10))
	}
	return fmt.Sprintf("%d.%d×10^%d %s", 1+g.rng.IntN(9), g.rng.IntN(10), 5+g.rng.IntN(4), unit)
}

// Names: family names are drawn from the lists and coined past them.
var (
	jaFamily = []string{"田中", "佐藤", "鈴木", "高橋", "山本", "渡辺", "伊藤", "中村", "小林", "加藤", "吉田", "山田", "松本", "井上", "木村", "清水"}
	zhFamily = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
	zhGiven  = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红")
)

// name is a new author name.
func (g *Generator) name(lang string) string {
	switch lang {
	case "ja":
		if g.rng.IntN(2) == 0 {
			return jaFamily[g.rng.IntN(len(jaFamily))]
		}
		return hanWord(g.src.hanJA, g.rng.IntN(len(g.src.hanJA)*len(g.src.hanJA)))
	case "zh":
		return string(zhFamily[g.rng.IntN(len(zhFamily))]) + string(zhGiven[g.rng.IntN(len(zhGiven))]) + string(zhGiven[g.rng.IntN(len(zhGiven))])
	}
	return titleCase(g.coin("en", g.rng.IntN(1<<20))) + strings.Repeat("i", g.rng.IntN(2))
}

// isPlainWord reports whether a whitespace-separated field is a lower-case word with
// no punctuation, safe to replace without breaking the sentence.
func isPlainWord(f string) bool {
	for _, r := range f {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return f != ""
}
