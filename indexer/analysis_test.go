package indexer

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/ikawaha/kagome-dict/ipa"

	"musesearch/corpus"
)

// terms analyses text and returns the terms, in order.
func terms(t *testing.T, ix *Index, analyzer, text string) []string {
	t.Helper()
	tokens, err := ix.Analyze(analyzer, text)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(tokens))
	for _, tok := range tokens {
		if text[tok.Start:tok.End] == "" {
			t.Errorf("%s(%q): token %q has an empty source span", analyzer, text, tok.Term)
		}
		out = append(out, tok.Term)
	}
	return out
}

func TestAnalyzers(t *testing.T) {
	ix := openMem(t)
	tests := []struct {
		analyzer, text string
		want           []string
	}{
		// English: folding, possessives, stemming.
		{AnalyzerStd, "Cells were infused", []string{"cell", "were", "infus"}},
		{AnalyzerStd, "the infusion", []string{"the", "infus"}},
		{AnalyzerStd, "the patient's recovery", []string{"the", "patient", "recoveri"}},
		{AnalyzerStd, "ＡＬＳ patients", []string{"als", "patient"}},
		// Technical tokens: whole, with their parts beside them at index time.
		{AnalyzerStd, "IL-6 levels", []string{"il-6", "il", "6", "level"}},
		{AnalyzerStdQuery, "IL-6", []string{"il-6"}},
		{AnalyzerStd, "S1P", []string{"s1p"}},
		{AnalyzerStdQuery, "HLA-G", []string{"hla-g"}},
		{AnalyzerStdQuery, "C4–C7", []string{"c4-c7"}},
		{AnalyzerStdQuery, "C4-C7", []string{"c4-c7"}},
		{AnalyzerStdQuery, "1.5×10^7 cells", []string{"1.5×10^7", "cell"}},
		{AnalyzerStd, "1.5×10^7", []string{"1.5×10^7", "1.5", "10", "7"}},
		{AnalyzerStdQuery, "TNF-α", []string{"tnf-α"}},
		{AnalyzerStd, "TNF-α", []string{"tnf-α", "tnf", "α"}},
		{AnalyzerStdQuery, "CD105^+ cells", []string{"cd105^+", "cell"}},
		{AnalyzerStd, "CD34+", []string{"cd34+", "cd34"}},
		{AnalyzerStdQuery, "ＩＬ－６", []string{"il-6"}},
		// Plain hyphenated words are their words, so "open label" finds them.
		{AnalyzerStd, "open-label", []string{"open", "label"}},
		{AnalyzerStdQuery, "open-label", []string{"open", "label"}},
		{AnalyzerStd, "NCT01234567.", []string{"nct01234567"}},
		// CJK bigrams; unigrams only at index time or for a lone character.
		{AnalyzerStd, "脊髄損傷", []string{"脊", "脊髄", "髄", "髄損", "損", "損傷", "傷"}},
		{AnalyzerStdQuery, "脊髄損傷", []string{"脊髄", "髄損", "損傷"}},
		{AnalyzerStdQuery, "肺", []string{"肺"}},
		{AnalyzerStdQuery, "Muse細胞", []string{"muse", "細胞"}},
		{AnalyzerStdQuery, "间充质干细胞", []string{"间充", "充质", "质干", "干细", "细胞"}},
		{AnalyzerStdQuery, "ﾐｭｰｽﾞ", []string{"ミュ", "ュー", "ーズ"}},
		// Japanese: kagome morphemes, base forms, no particles; Latin words folded.
		{AnalyzerJaQuery, "Muse細胞", []string{"muse", "細胞"}},
		{AnalyzerJa, "脊髄損傷の患者に投与した", []string{"脊髄", "損傷", "患者", "投与"}},
		{AnalyzerJa, "ＡＬＳモデルマウス", []string{"als", "モデル", "マウス"}},
		// Inflected verbs and adjectives by their base forms (read out of kagome's
		// features once: readBaseForms).
		{AnalyzerJa, "美しくない結果が得られた", []string{"美しい", "結果", "得る", "られる"}},
		{AnalyzerJa, "効果は高く、副作用は少なかった", []string{"効果", "高い", "副作用", "少ない"}},
		{AnalyzerJa, "幹細胞は損傷した組織に集まり、修復を助ける", []string{"幹", "細胞", "損傷", "組織", "集まる", "修復", "助ける"}},
		{AnalyzerJaQuery, "IL-6", []string{"il-6"}},
	}
	for _, tt := range tests {
		got := terms(t, ix, tt.analyzer, tt.text)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s(%q) (-want +got):\n%s", tt.analyzer, tt.text, diff)
		}
	}
}

// TestKagomeKeepsNoFeatures checks that the loaded dictionary keeps none of its
// entries' feature strings (3.5 million pointers for the garbage collector), the base
// forms aside.
func TestKagomeKeepsNoFeatures(t *testing.T) {
	ja := kagome()
	if d := ipa.Dict(); d.Contents != nil {
		t.Errorf("the dictionary keeps the features of %d entries", len(d.Contents))
	}
	if n := len(ja.bases.ends); n < 300_000 {
		t.Errorf("base forms of %d entries, want IPA's some 390,000", n)
	}
}

func openMem(t testing.TB) *Index {
	t.Helper()
	ix, err := Open(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// TestFoldIsCorpusFold checks fold's shortcuts against corpus.Fold.
func TestFoldIsCorpusFold(t *testing.T) {
	for _, s := range []string{
		"ALS", "als", "Muse", "IL-6", "脊髄損傷", "间充质干细胞", "ひらがな", "カタカナー", "ﾐｭｰｽﾞ",
		"ＡＬＳ", "ヿ", "゛", "ゟ", "豈", "TNF-α", "Σίσυφος", "straße", "ǅ", "①", "㍻", "ﬁ",
	} {
		if got, want := fold(s), corpus.Fold(s); got != want {
			t.Errorf("fold(%q) = %q, corpus.Fold gives %q", s, got, want)
		}
	}
}

// TestBritishSpellings checks that British and American spellings of medical English
// give the same terms.
func TestBritishSpellings(t *testing.T) {
	ix := openMem(t)
	for _, pair := range [][2]string{
		{"haematopoietic", "hematopoietic"}, {"haemorrhage", "hemorrhage"}, {"anaemia", "anemia"},
		{"leukaemia", "leukemia"}, {"ischaemic", "ischemic"}, {"paediatric", "pediatric"},
		{"oedema", "edema"}, {"oesophageal", "esophageal"}, {"foetal", "fetal"},
		{"diarrhoea", "diarrhea"}, {"anaesthesia", "anesthesia"}, {"oestrogen", "estrogen"},
		{"tumour", "tumor"}, {"tumours", "tumors"}, {"behaviour", "behavior"}, {"centre", "center"},
		{"fibres", "fibers"}, {"randomised", "randomized"}, {"randomisation", "randomization"},
		{"characterise", "characterize"}, {"labelled", "labeled"}, {"modelling", "modeling"},
	} {
		british, us := terms(t, ix, AnalyzerStd, pair[0]), terms(t, ix, AnalyzerStdQuery, pair[1])
		if !cmp.Equal(british, us) {
			t.Errorf("%s gives %v, %s gives %v", pair[0], british, pair[1], us)
		}
	}
	// Words that only look British keep their meaning apart.
	for _, pair := range [][2]string{{"rise", "rize"}, {"four", "for"}, {"hour", "hor"}} {
		if a, b := terms(t, ix, AnalyzerStd, pair[0]), terms(t, ix, AnalyzerStd, pair[1]); cmp.Equal(a, b) {
			t.Errorf("%s and %s both give %v", pair[0], pair[1], a)
		}
	}
}

// FuzzAnalyzers checks, for any text, that every analyser's tokens point into the text
// (at rune boundaries when it is valid UTF-8), are not empty, and have positions from 1 to the number of tokens.
func FuzzAnalyzers(f *testing.F) {
	for _, s := range []string{
		"IL-6 and TNF-α, 1.5×10^7 cells", "CD105^+ CD34+", "ＡＬＳ患者にMuse細胞を投与した。",
		"ﾐｭｰｽﾞ細胞", "间充质干细胞", "patient's e.g. x-", "a-b-c-", "^+", "1.,2", "'s", "ｶﾞ゙",
	} {
		f.Add(s)
	}
	an := []analyzer{{stem: true}, {stem: true, query: true}, {japanese: true}, {japanese: true, query: true}}
	f.Fuzz(func(t *testing.T, text string) {
		for _, a := range an {
			tokens := a.Analyze([]byte(text))
			for _, tok := range tokens {
				if tok.Start < 0 || tok.End > len(text) || tok.Start >= tok.End || utf8.ValidString(text) &&
					(!utf8.RuneStart(text[tok.Start]) || tok.End < len(text) && !utf8.RuneStart(text[tok.End])) {
					t.Fatalf("%+v: token %q has span [%d,%d) in %q", a, tok.Term, tok.Start, tok.End, text)
				}
				if len(tok.Term) == 0 || tok.Position < 1 || tok.Position > len(tokens) {
					t.Fatalf("%+v: token %q at position %d of %d in %q", a, tok.Term, tok.Position, len(tokens), text)
				}
			}
		}
	})
}

// TestStemCache checks that cached stems are the stems, from the published map once
// enough words were stemmed, that a full cache still stems, and that the cache stays
// within maxStems.
func TestStemCache(t *testing.T) {
	c := &stemCache{}
	words := []string{"randomised", "haematopoietic", "cells", "patients", "studies", "tumours", "running"}
	for range 2 {
		for _, w := range words {
			if got, want := c.stem(w), stem(w); got != want {
				t.Errorf("stem(%q) = %q from the cache, %q", w, got, want)
			}
		}
	}
	if got := c.stem("randomised"); got != "random" {
		t.Errorf("stem(randomised) = %q, want random", got)
	}
	if c.words.Load() != nil {
		t.Errorf("%d words published, want none before %d are gathered", len(*c.words.Load()), minPublish)
	}
	for i := range maxStems + 10 {
		c.stem(fmt.Sprintf("word%dx", i))
	}
	published := c.words.Load()
	if published == nil {
		t.Fatal("the cache published nothing")
	}
	if len(*published) != maxStems || len(c.pending) != 0 {
		t.Errorf("the cache publishes %d stems and gathers %d, want %d and none", len(*published), len(c.pending), maxStems)
	}
	if got := (*published)["randomised"]; got != "random" {
		t.Errorf("the published stem of randomised is %q, want random", got)
	}
	if got, want := c.stem("transplantation"), stem("transplantation"); got != want {
		t.Errorf("a full cache stems transplantation as %q, want %q", got, want)
	}
}

// TestStemCacheConcurrent stems words from several goroutines at once (run with
// -race): every stem is the word's.
func TestStemCacheConcurrent(t *testing.T) {
	c := &stemCache{}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 3000 {
				w := fmt.Sprintf("treating%dly", (i*7+g)%2000)
				if got, want := c.stem(w), stem(w); got != want {
					t.Errorf("stem(%q) = %q, want %q", w, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	if words := c.words.Load(); words == nil || len(*words) < 1000 {
		t.Errorf("the cache published too few of 2,000 words")
	}
}
