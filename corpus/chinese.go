package corpus

import (
	"strings"
	"unicode/utf8"
)

//go:generate go run ./internal/t2sgen -opencc $OPENCC -o chinese_table.go

// FoldChinese folds traditional Chinese characters to simplified ones (臨床試驗 →
// 临床试验, 幹細胞 → 干细胞), character by character with OpenCC's default mapping,
// for matching, never for display. Every other character is kept, so the result has the
// same length in bytes as s and every byte offset into s stays valid; folding twice
// changes nothing more. A string with nothing to fold is returned as is, without
// allocating.
//
// It is meant for Chinese text only. Japanese writes many words with the traditional
// forms (幹細胞 is the Japanese for stem cells, 幹 alone a tree trunk), so Japanese text
// must not be folded; a query, whose language is unknown, should be matched both as
// typed and folded.
func FoldChinese(s string) string {
	for i, r := range s {
		if f, ok := simplified(r); ok {
			var b strings.Builder
			b.Grow(len(s))
			b.WriteString(s[:i])
			b.WriteRune(f)
			for _, r := range s[i+utf8.RuneLen(r):] {
				if f, ok := simplified(r); ok {
					r = f
				}
				b.WriteRune(r)
			}
			return b.String()
		}
	}
	return s
}

// folds has a bit for every character of the Basic Multilingual Plane that has a
// simplified form, so that most characters are passed over without a search.
var folds = func() (bits [1 << 16 / 64]uint64) {
	for _, p := range simplifiedOf {
		if p.t < 1<<16 {
			bits[p.t/64] |= 1 << (p.t % 64)
		}
	}
	return bits
}()

// simplified returns the simplified character FoldChinese writes for r, if r is a
// traditional character that differs from it.
func simplified(r rune) (rune, bool) {
	if r < simplifiedOf[0].t || r > simplifiedOf[len(simplifiedOf)-1].t || r < 1<<16 && folds[r/64]&(1<<(r%64)) == 0 {
		return r, false
	}
	lo, hi := 0, len(simplifiedOf)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if simplifiedOf[m].t < r {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(simplifiedOf) && simplifiedOf[lo].t == r {
		return simplifiedOf[lo].s, true
	}
	return r, false
}
