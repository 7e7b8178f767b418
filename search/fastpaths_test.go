package search

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// foldSpaceRune is foldSpace written a character at a time, as it was before it
// wrote runs of ASCII at once: the reference the fast one must agree with.
func foldSpaceRune(text string, spans []span) Passage {
	var b strings.Builder
	marks := []Span{}
	next := 0
	var open *Span
	space := false
	for i, r := range text {
		for next < len(spans) || open != nil {
			if open != nil && spans[next-1].end == i {
				open.End = b.Len()
				open = nil
				continue
			}
			if open == nil && next < len(spans) && spans[next].start == i {
				marks = append(marks, Span{Start: b.Len() + boolInt(space)})
				open = &marks[len(marks)-1]
				next++
				continue
			}
			break
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	if open != nil {
		open.End = b.Len()
	}
	if len(marks) == 0 {
		marks = nil
	}
	return Passage{Text: b.String(), Marks: marks}
}

// runeOffsetRune is runeOffset decoding every character.
func runeOffsetRune(text string, at, n int) int {
	for ; n > 0 && at < len(text); n-- {
		_, size := utf8.DecodeRuneInString(text[at:])
		at += size
	}
	for ; n < 0 && at > 0; n++ {
		_, size := utf8.DecodeLastRuneInString(text[:at])
		at -= size
	}
	return at
}

// randomText returns a text of n pieces: ASCII words and punctuation, white space of
// every kind, CJK, and now and then a byte that is not UTF-8.
func randomText(rng *rand.Rand, n int) string {
	pieces := []string{"stem", "cells", "ALS", "IL-6", ".", ",", " ", "  ", "\n\n", "\t", "\r\n", "\u00a0", "\u3000", "脊髄", "損傷", "プラセボ", "。", "é", "\xff", "\xe3\x81"}
	var b strings.Builder
	for range n {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

// randomSpans returns sorted, disjoint spans of text starting and ending on character
// boundaries (and a stray one that does not, now and then).
func randomSpans(rng *rand.Rand, text string) []span {
	var starts []int
	for i := range text {
		starts = append(starts, i)
	}
	starts = append(starts, len(text))
	var out []span
	for k := 0; k+1 < len(starts); {
		k += rng.IntN(6)
		if k+1 >= len(starts) {
			break
		}
		end := min(len(starts)-1, k+1+rng.IntN(3))
		s := span{start: starts[k], end: starts[end], unit: rng.IntN(3)}
		if rng.IntN(20) == 0 && s.end < len(text) {
			s.end++ // possibly inside a character
		}
		out = append(out, s)
		k = end + 1
	}
	return out
}

func TestFoldSpaceAgreesWithRuneAtATime(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		text := randomText(rng, rng.IntN(40))
		spans := randomSpans(rng, text)
		got, want := foldSpace(text, spans), foldSpaceRune(text, spans)
		if got.Text != want.Text || !slices.Equal(got.Marks, want.Marks) {
			t.Fatalf("foldSpace(%q, %v)\n = %q %v\nwant %q %v", text, spans, got.Text, got.Marks, want.Text, want.Marks)
		}
	}
}

func TestRuneOffsetAgreesWithDecoding(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		text := randomText(rng, rng.IntN(30))
		at := 0
		if len(text) > 0 {
			at = rng.IntN(len(text) + 1)
		}
		n := rng.IntN(41) - 20
		if got, want := runeOffset(text, at, n), runeOffsetRune(text, at, n); got != want {
			t.Fatalf("runeOffset(%q, %d, %d) = %d, want %d", text, at, n, got, want)
		}
	}
}

// bestWindowEach is bestWindow counting the characters of every match's window anew.
func bestWindowEach(text string, spans []span) int {
	best, bestUnits, bestCount := spans[0].start, -1, -1
	for i, s := range spans {
		limit := runeOffset(text, s.start, snippetRunes*3/4)
		units := map[int]bool{}
		count := 0
		for _, t := range spans[i:] {
			if t.end > limit {
				break
			}
			units[t.unit] = true
			count++
		}
		if len(units) > bestUnits || len(units) == bestUnits && count > bestCount {
			best, bestUnits, bestCount = s.start, len(units), count
		}
	}
	return best
}

func TestBestWindowAgreesWithCountingEach(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 3000 {
		text := randomText(rng, rng.IntN(200))
		spans := randomSpans(rng, text)
		for i := range spans {
			spans[i].unit = rng.IntN(1 + i%8) // up to eight units, the first most often
		}
		if rng.IntN(10) == 0 && len(text) > 0 {
			// A match starting inside a character, or out of order.
			spans = append(spans, span{start: rng.IntN(len(text)), end: len(text)})
		}
		if len(spans) == 0 {
			continue
		}
		if got, want := bestWindow(text, spans), bestWindowEach(text, spans); got != want {
			t.Fatalf("bestWindow(%q, %v) = %d, want %d", text, spans, got, want)
		}
	}
}

// lastSentenceStartWhole is lastSentenceStart reading s back to its start.
func lastSentenceStartWhole(s string) int {
	for i := len(s); i > 0; {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
		switch r {
		case '。', '！', '？', '\n', '．':
			return i + size
		case '.', '!', '?', ';':
			if i+size < len(s) && s[i+size] == ' ' {
				return i + size
			}
		}
	}
	return 0
}

func TestLastSentenceStartAgreesWithReadingBackWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 3000 {
		text := randomText(rng, rng.IntN(300))
		for _, at := range []int{len(text), rng.IntN(len(text) + 1)} {
			s := text[:at]
			whole := lastSentenceStartWhole(s)
			from := rng.IntN(len(s) + 2)
			if got, want := lastSentenceStart(s, from) >= from, whole >= from; got != want || got && lastSentenceStart(s, from) != whole {
				t.Fatalf("lastSentenceStart(%q, %d) = %d, reading back whole: %d", s, from, lastSentenceStart(s, from), whole)
			}
		}
	}
}
