package htmldoc

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"musesearch/corpus/article"
	"musesearch/corpus/article/articletest"
)

func parseFixture(t testing.TB, name string) article.Article {
	t.Helper()
	a, err := Parse(articletest.Fixture(t, name), "")
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return a
}

func text(a article.Article) string {
	var b strings.Builder
	for _, bl := range a.Blocks {
		b.WriteString(strings.ReplaceAll(bl.Text, "\n", "") + "\n")
	}
	return b.String()
}

// TestEncodings reads the same kind of page in five encodings, declared by <meta
// charset>, by <meta http-equiv>, or not at all: titles and text read right.
func TestEncodings(t *testing.T) {
	tests := []struct{ file, title, has string }{
		{"press_ja_sjis.html", "Muse細胞製品のALS患者を対象とした臨床試験の結果について", "筋萎縮性側索硬化症（ALS）の患者さん"},
		{"press_ja_eucjp.html", "Muse細胞製品のALS患者を対象とした臨床試験の結果について", "筋萎縮性側索硬化症（ALS）の患者さん"},
		{"press_ja_nodecl.html", "Muse細胞製品のALS患者を対象とした臨床試験の結果について", "筋萎縮性側索硬化症（ALS）の患者さん"},
		{"news_zh_gb18030.html", "间充质干细胞治疗膝骨关节炎的II期临床试验完成入组", "人脐带间充质干细胞治疗膝骨关节炎"},
		{"news_tw_big5.html", "幹細胞治療脊髓損傷臨床試驗 啟動收案", "自體骨髓間充質幹細胞治療慢性脊髓損傷"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a := parseFixture(t, tt.file)
			if a.Title != tt.title {
				t.Errorf("title %q, want %q", a.Title, tt.title)
			}
			if !strings.Contains(text(a), tt.has) {
				t.Errorf("text lacks %q:\n%s", tt.has, text(a))
			}
		})
	}
	// The charset of the HTTP header wins over the page's own declaration.
	data, _ := os.ReadFile(filepath.Join("testdata", "press_ja_sjis.html"))
	if a, err := Parse(data, "text/html; charset=utf-8"); err != nil || strings.Contains(text(a), "筋萎縮性") {
		t.Errorf("with a UTF-8 header the Shift_JIS page read as Shift_JIS: %v", err)
	}
}

// TestArticleOnly checks that the page's furniture is gone: navigation, cookie
// banners, scripts, styles, share buttons, related links, footers.
func TestArticleOnly(t *testing.T) {
	for _, file := range []string{"paper_en.html", "press_ja_sjis.html", "news_zh_gb18030.html", "news_tw_big5.html"} {
		all := text(parseFixture(t, file))
		for _, junk := range []string{"cookie", "クッキー", "tracking code", "font-family", "Submit a manuscript", "Share on social", "Related articles", "All rights reserved", "Copyright", "プライバシーポリシー", "首页", "版權所有", "版权所有", "ホーム ＞"} {
			if strings.Contains(strings.ToLower(all), strings.ToLower(junk)) {
				t.Errorf("%s: %q is in the text:\n%s", file, junk, all)
			}
		}
	}
}

// TestParseMeta reads a journal page's citation_* tags and its structure.
func TestParseMeta(t *testing.T) {
	a := parseFixture(t, "paper_en.html")
	if a.Title != "Intravenous Muse cells after acute myocardial infarction: a first-in-human study" {
		t.Errorf("title %q", a.Title)
	}
	want := article.Meta{
		Authors:      []string{"Yamada, Taro", "Ito, Hanako"},
		Affiliations: []string{"Department of Cardiology, Example University, Gifu, Japan"},
		Journal:      "Example Journal of Cell Therapy", Year: 2020, Date: "2020-06-25",
		DOI: "10.5555/ejct.2020.0307", PMID: "39000021",
	}
	if diff := cmp.Diff(want, a.Meta); diff != "" {
		t.Errorf("meta (-want +got):\n%s", diff)
	}
	// The corpus drops the first heading when it repeats the title.
	if got, want := articletest.Headings(a), []string{a.Title, "Abstract", "Methods", "Patients", "Intervention", "Results"}; !slices.Equal(got, want) {
		t.Errorf("headings %q, want %q", got, want)
	}
	all := text(a)
	for _, s := range []string{"1.5 × 10^7 cells", "Cohort | Cells | Follow-up", "Ejection fraction rose in all three patients."} {
		if !strings.Contains(all, s) {
			t.Errorf("text lacks %q:\n%s", s, all)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"paper_en.html", "press_ja_sjis.html"} {
		data, _ := os.ReadFile(filepath.Join("testdata", name))
		f.Add(data)
	}
	f.Add([]byte(`<html><head><meta charset="big5"><title>x</title></head><body><h2>a</h2><ul><li>b<ul><li>c</li></ul></li></ul><table><tr><td>1</td></tr></table></body></html>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse(data, "")
		if err == nil && a.Title == "" && len(a.Blocks) == 0 {
			t.Fatal("no title, no text, no error")
		}
	})
}
