package search

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

// marker returns the highlighter of query, as the engine compiles it over the index
// of the bundled corpus (its analysers).
func marker(tb testing.TB, query string) *highlighter {
	tb.Helper()
	return bundleEngine(tb).compile(Parse(query), compileOptions{}).hl
}

func TestHighlightMarks(t *testing.T) {
	tests := []struct {
		name  string
		query string
		text  string
		want  string
	}{
		{"stemmed word marked whole", "infused", "Cells were given by infusion.", "Cells were given by <mark>infusion</mark>."},
		{"bigram word whole", "脊髄", "ALSマウスの脊髄に遊走した", "ALSマウスの<mark>脊髄</mark>に遊走した"},
		{"bigram run merged", "脊髄損傷", "脊髄損傷の患者", "<mark>脊髄損傷</mark>の患者"},
		{"single character", "髄", "脊髄", "脊<mark>髄</mark>"},
		{"hyphenated token", "IL-6", "IL-6 and IL-10 fell.", "<mark>IL-6</mark> and IL-10 fell."},
		{"phrase with stop word", `"injury of the spinal cord"`, "An injury of the spinal cord heals.", "An <mark>injury of the spinal cord</mark> heals."},
		{"full width text", "ALS", "ＡＬＳ患者", "<mark>ＡＬＳ</mark>患者"},
		{"plain text, not HTML", "S1P", "<b>S1P</b> & more", "<b><mark>S1P</mark></b> & more"},
		{"two units", "stroke placebo", "Stroke patients got placebo.", "<mark>Stroke</mark> patients got <mark>placebo</mark>."},
		{"no match", "heart", "Nothing here.", "Nothing here."},
		{"concept named in another language", "多发性硬化", "Multiple sclerosis (MS) again.", "<mark>Multiple sclerosis</mark> (<mark>MS</mark>) again."},
		{"abbreviation only in its case", "多发性硬化", "MS patients had 5 ms delays.", "<mark>MS</mark> patients had 5 ms delays."},
		{"white space folded, Latin and not", "stroke", "Stroke\r\n\n\tpatients\u00a0 \vgot\u3000\u3000it", "<mark>Stroke</mark> patients got it"},
		{"concept terms only where the word is absent", "stroke", "Stroke, or ischemic stroke.", "<mark>Stroke</mark>, or ischemic <mark>stroke</mark>."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := marked(foldSpace(tt.text, marker(t, tt.query).spans(tt.text)))
			if got != tt.want {
				t.Errorf("marked %q\n got %s\nwant %s", tt.text, got, tt.want)
			}
		})
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("Filler sentence about nothing much at all. ", 20)
	tests := []struct {
		name  string
		query string
		text  string
		check func(t *testing.T, got string)
	}{
		{"match deep in text", "placebo", long + "The placebo group did worse. " + long, func(t *testing.T, got string) {
			if !strings.HasPrefix(got, "…The <mark>placebo</mark> group") {
				t.Errorf("snippet does not start at the sentence of the match: %s", got)
			}
			if !strings.HasSuffix(got, "…") {
				t.Errorf("snippet of a longer text does not end with an ellipsis: %s", got)
			}
		}},
		{"no match starts at the beginning", "", long, func(t *testing.T, got string) {
			if !strings.HasPrefix(got, "Filler sentence") || strings.Contains(got, "<mark>") {
				t.Errorf("snippet without matches: %s", got)
			}
		}},
		{"window with both words wins", "stroke placebo", "Stroke is common. " + long + "Stroke patients had placebo. " + long, func(t *testing.T, got string) {
			if !strings.Contains(got, "<mark>Stroke</mark> patients had <mark>placebo</mark>") {
				t.Errorf("snippet misses the passage with both words: %s", got)
			}
		}},
		{"CJK cut at characters", "脊髄", strings.Repeat("細胞治療の研究が進む", 40) + "脊髄" + strings.Repeat("細胞治療の研究が進む", 40), func(t *testing.T, got string) {
			if !strings.Contains(got, "<mark>脊髄</mark>") {
				t.Errorf("snippet misses the match: %s", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := marked(snippet(tt.text, marker(t, tt.query).spans(tt.text)))
			if !utf8.ValidString(got) {
				t.Fatalf("snippet is not valid UTF-8: %q", got)
			}
			plain := strings.NewReplacer("<mark>", "", "</mark>", "", "…", "").Replace(got)
			if n := utf8.RuneCountInString(plain); n > snippetRunes+10 || n < snippetRunes/2 {
				t.Errorf("snippet has %d characters, want about %d: %s", n, snippetRunes, got)
			}
			tt.check(t, got)
		})
	}
}

func FuzzSnippet(f *testing.F) {
	f.Add("Stroke patients had placebo.", "stroke")
	f.Add("ＡＬＳ患者の脊髄", "脊髄")
	f.Add("a\u0301\u0301b ﾊﾟ ﬃ", "ffi")
	f.Fuzz(func(t *testing.T, text, query string) {
		if !utf8.ValidString(text) {
			return
		}
		got := snippet(text, marker(t, query).spans(text))
		if !utf8.ValidString(got.Text) {
			t.Errorf("snippet(%q, %q) = %q: not valid UTF-8", text, query, got.Text)
		}
		checkMarks(t, got)
	})
}

// marked returns p's text with its marks in <mark> elements, for comparing.
func marked(p Passage) string {
	var b strings.Builder
	at := 0
	for _, m := range p.Marks {
		b.WriteString(p.Text[at:m.Start] + "<mark>" + p.Text[m.Start:m.End] + "</mark>")
		at = m.End
	}
	b.WriteString(p.Text[at:])
	return b.String()
}

// checkMarks checks that p's marks are what Passage promises: sorted, apart, non-empty,
// within the text and on character boundaries.
func checkMarks(t *testing.T, p Passage) {
	t.Helper()
	at := -1
	for _, m := range p.Marks {
		if m.Start <= at || m.End <= m.Start || m.End > len(p.Text) ||
			!utf8.RuneStart(p.Text[m.Start]) || m.End < len(p.Text) && !utf8.RuneStart(p.Text[m.End]) {
			t.Fatalf("marks %v of %q: out of order, empty, touching or not on characters", p.Marks, p.Text)
		}
		at = m.End
	}
}

// TestHighlightCostIsLinear marks a passage for a query that names many concepts,
// each with many names in three languages, and checks that the patterns tried at each
// token are those that start with its term, not every pattern of the query: a page of
// 100 hits took seconds to mark for 64 such names.
func TestHighlightCostIsLinear(t *testing.T) {
	e := bundleEngine(t)
	names := vocabularyNames(false, "ja")
	h := e.compile(Parse(strings.Join(names[:min(64, len(names))], " OR ")), compileOptions{}).hl
	patterns := 0
	for _, r := range h.rules {
		patterns += len(r.patterns)
	}
	text := strings.Repeat("Muse細胞は骨髄、末梢血、あらゆる臓器の結合組織に存在する多能性幹細胞です。Muse cells are found in the bone marrow and the blood. ", 20)
	if spans := h.spans(text); len(spans) == 0 {
		t.Fatal("the passage has no match: the test means nothing")
	}
	tokens := 0
	for _, r := range h.rules {
		tokens += len(h.tokensOf(r.analyzer, text))
	}
	if h.tries > 4*tokens {
		t.Errorf("%d patterns tried over %d tokens (the query has %d patterns): want at most 4 per token", h.tries, tokens, patterns)
	}
}

// TestSnippetEllipsis checks that a snippet cut before the end of its text ends with an
// ellipsis, but not after a full stop (no "damage.…").
func TestSnippetEllipsis(t *testing.T) {
	for _, tt := range []struct {
		text, want string
	}{
		{strings.Repeat("The placebo group did worse. ", 30), "worse."},
		{strings.Repeat("プラセボ群は悪化した。", 40), "した。"},
		{"The placebo group did worse " + strings.Repeat("and filler words go on ", 30), "…"},
	} {
		got := snippet(tt.text, marker(t, "placebo プラセボ").spans(tt.text)).Text
		if !strings.HasSuffix(got, tt.want) {
			t.Errorf("snippet of %.40q… ends %q, want %q", tt.text, got[max(0, len(got)-12):], tt.want)
		}
	}
}

// TestHeadingMatchMarked checks that a section found by a word of its heading only
// shows where: the heading shown with its snippet is marked, in both views.
func TestHeadingMatchMarked(t *testing.T) {
	tests := []struct{ query, section, want string }{
		{"Background", "005_cl2020_stroke_trial_summary#2", "1. <mark>Background</mark>"},
		{"背景", "003_0b74e965ce623bb2#4", "＜<mark>背景</mark>＞"},
	}
	for _, tt := range tests {
		for _, group := range []bool{false, true} {
			resp, err := bundleEngine(t).Search(context.Background(), Request{Query: tt.query, Page: 1, Size: 50, GroupByDoc: group})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, h := range resp.Hits {
				passages := h.Passages
				if !group {
					passages = []SectionHit{{ID: h.ID, Section: h.Section, SectionMarks: h.SectionMarks, Snippet: h.Snippet}}
				}
				for _, p := range passages {
					if p.ID != tt.section {
						continue
					}
					found = true
					if len(p.Snippet.Marks) > 0 {
						t.Errorf("%q: the text of %s holds a match: %s", tt.query, p.ID, marked(p.Snippet))
					}
					if got := marked(Passage{Text: p.Section, Marks: p.SectionMarks}); got != tt.want {
						t.Errorf("%q (by document: %v): heading of %s marked %s, want %s", tt.query, group, p.ID, got, tt.want)
					}
				}
			}
			if !found {
				t.Errorf("%q (by document: %v): %s not among the hits", tt.query, group, tt.section)
			}
		}
	}
}

// foldSpace is appendFolded into a text of its own.
func foldSpace(text string, spans []span) Passage {
	var b strings.Builder
	marks := appendFolded(&b, text, spans)
	return Passage{Text: b.String(), Marks: marks}
}
