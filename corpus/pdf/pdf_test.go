package pdf

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"musesearch/corpus/article"
	"musesearch/corpus/article/articletest"
)

// TestMain starts the engine once for the whole test binary, before any test, so
// that a fuzzing worker's first input does not take the start's seconds (the fuzzer
// takes a worker silent for 10 s as hung). The compiled module is cached in a
// directory of the tests' own, not the user's.
func TestMain(m *testing.M) {
	SetCacheDir(articletest.PDFCacheDir())
	inst, err := instance(context.Background())
	if err != nil {
		panic(err)
	}
	inst.Close()
	os.Exit(m.Run())
}

func parseFixture(t testing.TB, name string) (article.Article, error) {
	t.Helper()
	return Parse(context.Background(), articletest.Fixture(t, name))
}

// text is all the article's blocks, one a line.
func text(a article.Article) string {
	var b strings.Builder
	for _, bl := range a.Blocks {
		b.WriteString(bl.Text + "\n")
	}
	return b.String()
}

// flat joins the lines of s as the corpus does: no space between CJK characters.
func flat(s string) string {
	var b strings.Builder
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		if i > 0 && !(cjk(lastRune(lines[i-1])) && cjk([]rune(l + " ")[0])) {
			b.WriteByte(' ')
		}
		b.WriteString(l)
	}
	return b.String()
}

func cjk(r rune) bool { return r >= 0x2e80 }

func lastRune(s string) rune {
	r := []rune(" " + s)
	return r[len(r)-1]
}

// headings are the article's headings with their lines joined.
func headings(a article.Article) []string {
	out := articletest.Headings(a)
	for i, h := range out {
		out[i] = flat(h)
	}
	return out
}

// TestParse reads PDFs printed by Chromium and checks what the layout gives: the
// title from the largest font, headings from font size or section numbers, words
// hyphenated at line ends joined (and compounds kept), CJK words wrapped at a line end
// whole, running headers and footers gone, both columns in reading order.
func TestParse(t *testing.T) {
	tests := []struct {
		file     string
		title    string
		headings []string
		has      []string // in the text
		hasNot   []string
		order    []string // in this order in the text
	}{
		{
			file:     "paper_en.pdf",
			title:    "Intravenous Muse cells after subacute ischemic stroke: a summary of a randomized, placebo-controlled trial",
			headings: []string{"1. Background", "2. Methods", "3. Results", "4. Discussion"},
			has:      []string{"support regeneration by", "Donor-derived Muse cells", "received donor-derived cells", "placebo-controlled trial (JapicCTI-184103)", "HLA-G"},
			// Chromium's running header (print date, title) and footer (URL, page n/N).
			hasNot: []string{"file://", "AM Muse cells", "PM Muse cells", "/3", "regen-", "placebocontrolled", "donorderived"},
		},
		{
			file:     "press_ja.pdf",
			title:    "Muse細胞製品の脳梗塞を対象とした臨床試験の結果について",
			headings: []string{"概要", "試験の結果", "今後の予定"},
			has:      []string{"2023年9月27日", "緑色蛍光タンパク質", "第II相のランダム化二重盲検プラセボ対照試験"},
		},
		{
			file:     "news_zh.pdf",
			title:    "脐带间充质干细胞治疗膝骨关节炎的II期临床试验结果公布",
			headings: []string{"研究概况", "主要结果"},
			has:      []string{"随机、双盲、安慰剂对照的II期临床试验", "人脐带间充质干细胞"},
		},
		{
			file:     "twocol_en.pdf",
			title:    "Mesenchymal stromal cells for graft-versus-host disease: a systematic review",
			headings: []string{"Abstract", "Introduction", "Methods", "Results", "Discussion"},
			order:    []string{"COLUMNSTART", "Introduction", "Methods", "Results", "Discussion", "COLUMNEND"},
		},
		{
			// One font size throughout: the section numbers show the headings.
			file:     "numbered_en.pdf",
			title:    "Exosomes from mesenchymal stem cells",
			headings: []string{"1. Introduction", "2. Isolation", "2.1 Characterisation", "3. Conclusion"},
			has:      []string{"size-exclusion chromatography"},
		},
		{
			// A page tree that claims 100,000,000 pages and holds one.
			file: "manypages.pdf",
			has:  []string{"Mesenchymal stem cells for knee osteoarthritis"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a, err := parseFixture(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if tt.title != "" && flat(a.Title) != tt.title {
				t.Errorf("title %q, want %q", a.Title, tt.title)
			}
			if tt.headings != nil && !slices.Equal(headings(a), tt.headings) {
				t.Errorf("headings %q, want %q", headings(a), tt.headings)
			}
			all := flat(text(a))
			for _, s := range tt.has {
				if !strings.Contains(all, s) {
					t.Errorf("text lacks %q:\n%s", s, text(a))
				}
			}
			for _, s := range tt.hasNot {
				if strings.Contains(all, s) {
					t.Errorf("text has %q:\n%s", s, text(a))
				}
			}
			at := -1
			for _, s := range tt.order {
				i := strings.Index(all, s)
				if i <= at {
					t.Errorf("%q is not after the text before it in:\n%s", s, all)
				}
				at = i
			}
		})
	}
}

// TestParseMeta reads the PDF's metadata: the creation date.
func TestParseMeta(t *testing.T) {
	a, err := parseFixture(t, "paper_en.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.FileDate) != len("2026-01-02") || a.FileDate < "2020" {
		t.Errorf("file date %q: want the creation date", a.FileDate)
	}
}

// TestRefused checks that each kind of PDF that cannot be read is refused with the
// error that says why, in bounded time, and that the engine reads the next PDF.
func TestRefused(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"encrypted", articletest.Fixture(t, "encrypted.pdf"), ErrEncrypted},
		{"scan", articletest.Fixture(t, "scan.pdf"), ErrNoText},
		{"truncated", articletest.Fixture(t, "truncated.pdf"), ErrDamaged},
		{"not a PDF", png, ErrDamaged},
		{"empty", nil, ErrDamaged},
		{"header only", []byte("%PDF-1.7\n"), ErrDamaged},
		// One content stream that inflates to 1 GiB: refused at the memory limit.
		{"zip bomb", articletest.Fixture(t, "bomb.pdf"), ErrDamaged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(context.Background(), tt.data)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if _, err := parseFixture(t, "numbered_en.pdf"); err != nil {
				t.Fatalf("the next PDF: %v", err)
			}
		})
	}
}

// TestTimeout checks that a read past its deadline is stopped: the engine's call is
// interrupted, the error says so, and the next PDF is read.
func TestTimeout(t *testing.T) {
	if _, err := parseFixture(t, "numbered_en.pdf"); err != nil { // the engine started
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Parse(ctx, articletest.Fixture(t, "bomb.pdf"))
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 10*time.Second { // inflating the stream takes longer
		t.Errorf("the read stopped after %v", d)
	}
	if _, err := parseFixture(t, "numbered_en.pdf"); err != nil {
		t.Fatalf("the next PDF: %v", err)
	}
}

// FuzzParse feeds damaged PDFs to the engine: each is read or refused with one of
// the errors above, never a panic or a hang.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"numbered_en.pdf", "manypages.pdf", "truncated.pdf"} {
		f.Add(articletest.Fixture(f, name))
	}
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse(context.Background(), data)
		if err != nil {
			if !errors.Is(err, ErrDamaged) && !errors.Is(err, ErrNoText) && !errors.Is(err, ErrEncrypted) && !errors.Is(err, ErrTimeout) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if len(a.Blocks) == 0 && a.Title == "" {
			t.Fatal("read with neither title nor text")
		}
	})
}

// BenchmarkStart starts the engine: cold (compiling the module into an empty cache)
// and cached (loading the compiled module from the cache).
func BenchmarkStart(b *testing.B) {
	warm := b.TempDir()
	pool, err := start(warm)
	if err != nil {
		b.Fatal(err)
	}
	pool.Close()
	for _, bc := range []struct {
		name string
		dir  func() string
	}{
		{"cold", func() string { return b.TempDir() }},
		{"cached", func() string { return warm }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				pool, err := start(bc.dir())
				if err != nil {
					b.Fatal(err)
				}
				inst, err := pool.GetInstance(Timeout) // the first instance too
				if err != nil {
					b.Fatal(err)
				}
				inst.Close()
				pool.Close()
			}
		})
	}
}
