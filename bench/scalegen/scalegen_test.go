package scalegen

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// bundle is the bundled corpus read from disk, so that these tests do not depend on the
// corpus package building.
var bundle = os.DirFS(filepath.Join("..", "..", "corpus", "bundle"))

func generate(t *testing.T, cfg Config) []File {
	t.Helper()
	cfg.Bundle = bundle
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var files []File
	for f := range g.Files() {
		files = append(files, f)
	}
	return files
}

func TestSameSeedSameBytes(t *testing.T) {
	a := generate(t, Config{Seed: 7, Sections: 300})
	b := generate(t, Config{Seed: 7, Sections: 300})
	c := generate(t, Config{Seed: 8, Sections: 300})
	if len(a) != len(b) {
		t.Fatalf("same seed gave %d and %d files", len(a), len(b))
	}
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Fatalf("same seed gave different file %d (%s, %s)", i, a[i].Name, b[i].Name)
		}
	}
	if bytes.Equal(a[0].Data, c[0].Data) {
		t.Errorf("seeds 7 and 8 gave the same first file")
	}
}

func TestSectionCountAndFormat(t *testing.T) {
	for _, n := range []int{0, 1, 5, 997} {
		files := generate(t, Config{Seed: 1, Sections: n})
		total := 0
		for _, f := range files {
			total += f.Sections
			switch filepath.Ext(f.Name) {
			case ".md":
				if got := bytes.Count(f.Data, []byte("\n## ")) + boolInt(bytes.HasPrefix(f.Data, []byte("## "))); got != f.Sections {
					t.Errorf("%s: %d headings for %d sections", f.Name, got, f.Sections)
				}
				if !bytes.HasPrefix(f.Data, []byte("# ")) {
					t.Errorf("%s does not start with a title", f.Name)
				}
			case ".txt":
				if !bytes.HasPrefix(f.Data, []byte("by admin | ")) {
					t.Errorf("%s: a blog export must start with a byline", f.Name)
				}
			default:
				t.Errorf("unexpected file name %s", f.Name)
			}
		}
		if total != n {
			t.Errorf("asked for %d sections, got %d", n, total)
		}
	}
}

func TestLanguageMix(t *testing.T) {
	files := generate(t, Config{Seed: 3, Sections: 6000})
	count := map[string]int{}
	for _, f := range files {
		count[f.Lang] += f.Sections
		if f.Lang != "en" && !regexp.MustCompile(`\p{Han}`).Match(f.Data) {
			t.Errorf("%s is %s but has no Han characters", f.Name, f.Lang)
		}
	}
	for _, m := range langMix {
		got := 100 * float64(count[m.lang]) / 6000
		if d := got - float64(m.share); d < -4 || d > 4 {
			t.Errorf("%s: %.1f%% of sections, want %d%% ± 4", m.lang, got, m.share)
		}
	}
}

// tokens splits text into Latin words and Han/kana bigrams, the way a search index
// would see its terms.
func tokens(data []byte) []string {
	var out []string
	for _, w := range regexp.MustCompile(`[A-Za-z0-9][A-Za-z0-9-]*|[\p{Han}\p{Hiragana}\p{Katakana}ー]+`).FindAllString(string(data), -1) {
		rs := []rune(w)
		if rs[0] < 0x80 {
			out = append(out, strings.ToLower(w))
			continue
		}
		for i := 0; i+1 < len(rs); i++ {
			out = append(out, string(rs[i:i+2]))
		}
	}
	return out
}

// TestVocabularyGrowth checks Heaps' law: the dictionary keeps growing with the corpus,
// but more slowly than the text.
func TestVocabularyGrowth(t *testing.T) {
	vocab := func(files []File) (distinct, total int) {
		seen := map[string]bool{}
		for _, f := range files {
			for _, tok := range tokens(f.Data) {
				seen[tok] = true
				total++
			}
		}
		return len(seen), total
	}
	files := generate(t, Config{Seed: 5, Sections: 4000})
	var small []File
	for n := 0; n < 400; n += files[len(small)].Sections {
		small = append(small, files[len(small)])
	}
	v1, n1 := vocab(small)
	v2, n2 := vocab(files)
	growth, textGrowth := float64(v2)/float64(v1), float64(n2)/float64(n1)
	t.Logf("400 sections: %d terms of %d tokens; 4000 sections: %d terms of %d tokens", v1, n1, v2, n2)
	if growth < 2.5 {
		t.Errorf("vocabulary grew %.2f times for %.2f times the text; want steady growth", growth, textGrowth)
	}
	if growth > 0.8*textGrowth {
		t.Errorf("vocabulary grew %.2f times for %.2f times the text; want sublinear growth", growth, textGrowth)
	}
}

func TestRareTermIsRare(t *testing.T) {
	cfg := Config{Seed: 11, Sections: 2000, Bundle: bundle}
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	st, err := g.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Sections != 2000 || st.Files == 0 || st.Bytes == 0 {
		t.Fatalf("stats %+v", st)
	}
	hits := 0
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		hits += bytes.Count(data, []byte(st.RareTerm))
	}
	if !regexp.MustCompile(`^(NCT0\d{7}|jRCT2\d{9}|UMIN\d{9}|ChiCTR2\d{9})$`).MatchString(st.RareTerm) || hits != 1 {
		t.Errorf("rare term %q occurs %d times, want a registry id occurring once", st.RareTerm, hits)
	}
}

func TestExtraTextIsOptional(t *testing.T) {
	missing := generate(t, Config{Seed: 2, Sections: 50, ExtraText: []string{filepath.Join(t.TempDir(), "none")}})
	plain := generate(t, Config{Seed: 2, Sections: 50})
	if !bytes.Equal(missing[0].Data, plain[0].Data) {
		t.Errorf("a missing extra-text path changed the output")
	}
	dir := t.TempDir()
	page := ".TH TEST 1\n.SH 説明\n\\fBtest\\fP はファイルの種類を調べて結果を表示するためのコマンドです。\n"
	if err := os.WriteFile(filepath.Join(dir, "test.1"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := loadSources(bundle, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	want := "test はファイルの種類を調べて結果を表示するためのコマンドです。"
	found := false
	for _, s := range src.sentences["ja"] {
		found = found || s == want
	}
	if !found {
		t.Errorf("the man page sentence %q is not among the Japanese sentences", want)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
