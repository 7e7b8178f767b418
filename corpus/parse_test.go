package corpus

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

// outline is a section reduced to what structure tests compare: "path > heading [lang]".
func outline(docs []Document) []string {
	var out []string
	for _, d := range docs {
		for _, s := range d.Sections {
			out = append(out, fmt.Sprintf("%s: %s [%s]", s.ID, strings.Join(append(append([]string{}, s.Path...), s.Heading), " > "), s.Lang))
		}
	}
	return out
}

// para returns a paragraph of about n characters of English prose.
func para(topic string, n int) string {
	s := topic + " is discussed in this paragraph with enough words to make it a passage."
	for len(s) < n {
		s += " Further sentences describe " + topic + " in more detail for the reader."
	}
	return s
}

func TestSections(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{{
		name: "markdown headings nest by level",
		text: "# Muse cells\n\n" + para("Intro", 300) + "\n\n## Biology\n\n" + para("Biology", 300) + "\n\n### Homing\n\n" + para("Homing", 300) +
			"\n\n## Trials\n\n" + para("Trials", 300) + "\n",
		want: []string{"doc#1:  [en]", "doc#2: Biology [en]", "doc#3: Biology > Homing [en]", "doc#4: Trials [en]"},
	}, {
		name: "plain headings: a heading directly over another is its parent",
		text: "Clinical Trials Overview\n" + para("Overview", 300) + "\nNeurotrauma: Cervical Spinal Cord Injury\nPhase 1 open-label multicenter (Japan, 2020)\n" + para("SCI", 300) +
			"\nObservational support\n" + para("Observation", 300) + "\nDermatology: Epidermolysis Bullosa\nPhase 1/2 open-label (Japan, 2018)\n" + para("EB", 300) + "\n",
		want: []string{
			"doc#1:  [en]",
			"doc#2: Neurotrauma: Cervical Spinal Cord Injury > Phase 1 open-label multicenter (Japan, 2020) [en]",
			"doc#3: Neurotrauma: Cervical Spinal Cord Injury > Observational support [en]",
			"doc#4: Dermatology: Epidermolysis Bullosa > Phase 1/2 open-label (Japan, 2018) [en]",
		},
	}, {
		name: "numbered parts and Roman part markers",
		text: "Muse Cells Today\n" + para("Intro", 300) + "\nI\nRecent Research\n" + para("Research", 300) + "\n1) Why Muse cells draw interest\n" + para("Interest", 300) +
			"\n2) Mechanisms\n" + para("Mechanism", 300) + "\nII\nClinical Trials\n" + para("Trials", 300) + "\n",
		want: []string{
			"doc#1:  [en]",
			"doc#2: I. Recent Research [en]",
			"doc#3: I. Recent Research > 1) Why Muse cells draw interest [en]",
			"doc#4: I. Recent Research > 2) Mechanisms [en]",
			"doc#5: II. Clinical Trials [en]",
		},
	}, {
		name: "press release markers",
		text: "PRESS RELEASE\n令和 2 年 10 月 29 日\n新しい幹細胞で ALS を治療する\n◆発表のポイント\n・Muse 細胞を静脈投与すると運動機能が改善しました。ALS モデルマウスで確認されました。新たな治療法として期待されます。\n" +
			"■発表内容\n＜背景＞\n筋萎縮性側索硬化症は運動ニューロンが選択的に変性脱落する神経難病です。根本的治療薬は存在しないのが現状です。そのため新たな治療法の開発が強く望まれています。\n" +
			"＜研究成果の内容＞\nMuse 細胞の投与経路を決めるために、ALS モデルマウスに静脈投与を行いました。その結果、脊髄に遊走・生着し、運動機能の低下を抑制しました。\n" +
			"■補足・用語説明\n１）Muse 細胞\n骨髄、血液、各臓器の結合組織内に幅広く存在する腫瘍性を持たない多能性幹細胞です。2010 年に発見されました。点滴投与で傷害部位に集積します。\n",
		want: []string{
			"doc#1: ◆発表のポイント [ja]",
			"doc#2: ■発表内容 > ＜背景＞ [ja]",
			"doc#3: ■発表内容 > ＜研究成果の内容＞ [ja]",
			"doc#4: ■補足・用語説明 > １）Muse 細胞 [ja]",
		},
	}, {
		name: "Chinese numbering: chapters, 一、 and （一）",
		text: "间充质干细胞治疗综述\n第一章 研究背景\n" + strings.Repeat("间充质干细胞在再生医学中得到了广泛的研究。", 4) + "\n一、临床试验\n" + strings.Repeat("多项临床试验评估了其安全性和有效性。", 4) +
			"\n（一）安全性\n" + strings.Repeat("未观察到严重不良事件，耐受性良好。", 4) + "\n（二）有效性\n" + strings.Repeat("部分患者的功能评分有所改善。", 4) +
			"\n二、展望\n" + strings.Repeat("需要更大规模的随机对照试验来证实疗效。", 4) + "\n",
		want: []string{
			"doc#1: 第一章 研究背景 [zh]",
			"doc#2: 第一章 研究背景 > 一、临床试验 [zh]",
			"doc#3: 第一章 研究背景 > 一、临床试验 > （一）安全性 [zh]",
			"doc#4: 第一章 研究背景 > 一、临床试验 > （二）有效性 [zh]",
			"doc#5: 第一章 研究背景 > 二、展望 [zh]",
		},
	}, {
		name: "a list after a colon is no heading",
		text: "Muse Cells Explained\nWhy This Matters\nFor patients and physicians, Muse cells offer something traditional MSCs cannot:\nSmarter navigation\nLonger-term integration\nStronger functional recovery\n" + para("Summary", 300) + "\n",
		want: []string{"doc#1: Why This Matters [en]"},
	}, {
		name: "a run of short numbered lines is a list, not headings",
		text: "Muse Cells Explained\nKey outcomes\n1. Improved LVEF\n2. Reduced infarct size\n3. No serious adverse events\n" + para("Outcome", 300) + "\n",
		want: []string{"doc#1: Key outcomes [en]"},
	}, {
		name: "an abstract and its Chinese translation are two sections",
		text: "Cell Transplant. 2023 Jan-Dec;32:9636897231214370.\n" + para("ALS", 600) + "\n" +
			strings.Repeat("肌萎缩侧索硬化症的特征是运动神经元进行性丧失。我们进行了一项单中心开放的临床试验。", 4) + "\n",
		want: []string{"doc#1:  [en]", "doc#2:  [zh]"},
	}, {
		name: "an abstract and its translation in one paragraph are two sections",
		text: "Muse Cells in ALS\n" + para("ALS", 600) + " " + strings.Repeat("肌萎缩侧索硬化症的特征是运动神经元进行性丧失。我们进行了一项单中心开放的临床试验。", 4) + "\n",
		want: []string{"doc#1:  [en]", "doc#2:  [zh]"},
	}, {
		name: "a long section splits at paragraph boundaries, tables stay whole",
		text: "Muse Cells Explained\nLong Section\n" + para("One", 900) + "\n\n" + para("Two", 900) + "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" + para("Three", 900) + "\n\n" + para("Four", 900) + "\n",
		want: []string{"doc#1: Long Section [en]", "doc#2: Long Section [en]"},
	}, {
		name: "a tiny section merges with its neighbour, keeping its heading as text",
		text: "Muse Cells Explained\nHeart\n" + para("Heart", 400) + "\nContact\nBoston, MA\n",
		want: []string{"doc#1: Heart [en]"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Parse("doc.txt", []byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, outline(docs)); diff != "" {
				t.Errorf("sections (-want +got):\n%s", diff)
			}
			if t.Failed() {
				for _, s := range docs[0].Sections {
					t.Logf("%s %q %q\n%s", s.ID, s.Path, s.Heading, s.Text)
				}
			}
		})
	}
}

func TestSectionSizesAndTables(t *testing.T) {
	text := "Long Section\n" + para("One", 900) + "\n\n" + para("Two", 900) + "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" + para("Three", 900) + "\n\n" + para("Four", 900) + "\n"
	docs, err := Parse("doc.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	tables := 0
	for _, s := range docs[0].Sections {
		if w := weight(s.Text); w > maxSectionWeight || w < minSectionWeight {
			t.Errorf("section %s weighs %d, want %d..%d", s.ID, w, minSectionWeight, maxSectionWeight)
		}
		if strings.Contains(s.Text, "| a | b |\n|---|---|\n| 1 | 2 |") {
			tables++
		}
	}
	if tables != 1 {
		t.Errorf("the table is whole in %d sections, want 1", tables)
	}
	tiny, err := Parse("doc.txt", []byte("Heart\n"+para("Heart", 400)+"\nContact\nBoston, MA\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := tiny[0].Sections[0].Text; !strings.HasSuffix(got, "Contact\n\nBoston, MA") {
		t.Errorf("merged section text ends %q, want the tiny section's heading and text", got[max(0, len(got)-40):])
	}
}

func TestDocuments(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		title string
		date  string
		tags  []string
		ids   []string
	}{{
		name:  "markdown title",
		text:  "# Muse Cells and Stroke\n\n" + para("Stroke", 300),
		title: "Muse Cells and Stroke", ids: []string{"f"},
	}, {
		name:  "leading title line, placeholder debris before it",
		text:  "A title\nImage Box text\nMuse Cells vs. MSCs: The Future of Regenerative Medicine\n" + para("MSCs", 300),
		title: "Muse Cells vs. MSCs: The Future of Regenerative Medicine", ids: []string{"f"},
	}, {
		name:  "press release: label, era date, title",
		text:  " PRESS RELEASE \n\n令和 2 年 10 月 29 日 \n\n筋萎縮性側索硬化症（ALS）を新しい幹細胞で治療する！ \n\n本研究成果は、進行する運動麻痺や呼吸筋麻痺に苦しむ ALS 患者を救う新たな治療法開発につながることが期待されます。\n",
		title: "筋萎縮性側索硬化症（ALS）を新しい幹細胞で治療する！", date: "2020-10-29", ids: []string{"f"},
	}, {
		name: "blog export: one document per byline, title from the cited paper",
		text: "by admin | Jun 19, 2025 | Lupus, Mesenchymal Stem Cells\n" + para("Lupus", 300) + "\nSource: Yuan X, Sun L. Stem Cell Therapy in Lupus. Rheumatol Immunol Res. 2022 Jul 6;3(2):61-68. doi: 10.2478/rir-2022-0011.\n" +
			"by admin | Apr 15, 2025 | Spinal Cord Injury\n" + para("SCI", 300) + "\nXia Y, Fu C. Mesenchymal stem cells in the treatment of spinal cord injury. Front Immunol. 2023 Feb 24;14:1141601. PMID: 36911700.\n",
		title: "Stem Cell Therapy in Lupus", date: "2025-06-19", tags: []string{"Lupus", "Mesenchymal Stem Cells"}, ids: []string{"f-1", "f-2"},
	}, {
		name:  "abstract without a title: the citation gives the date, the first sentence the title",
		text:  "Department of Neurology, Okayama University, Okayama, Japan.\nCell Transplant. 2023 Jan-Dec;32:9636897231214370.\nAmyotrophic lateral sclerosis (ALS) is characterized by progressive loss of motor neurons. " + para("ALS", 300) + "\n",
		title: "Amyotrophic lateral sclerosis (ALS) is characterized by progressive loss of motor neurons.", date: "2023", ids: []string{"f"},
	}, {
		name: "no title line: the heading that names the opening paragraph's subject",
		text: "Medellin, Colombia. +57 321 519 7850\n\nSpinal Cord Injury (SCI) is one of medicine’s most formidable challenges, often leading to devastating motor and sensory impairments that last for years.\n\n" +
			"What Makes Muse Cells Special?\n\n" + para("Muse", 300) + "\n\nA Breakthrough in Spinal Cord Injury: First Human Trial\n\n" + para("Trial", 300) + "\n",
		title: "A Breakthrough in Spinal Cord Injury: First Human Trial", ids: []string{"f"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Parse("f.txt", []byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, d := range docs {
				ids = append(ids, d.ID)
			}
			d := docs[0]
			if d.Title != tt.title || d.Date != tt.date || !cmp.Equal(d.Tags, tt.tags) || !cmp.Equal(ids, tt.ids) {
				t.Errorf("got title %q date %q tags %q ids %q\nwant title %q date %q tags %q ids %q", d.Title, d.Date, d.Tags, ids, tt.title, tt.date, tt.tags, tt.ids)
			}
		})
	}
}

// TestBundle checks what the issue asks of the bundled corpus, beyond the golden file:
// real titles, six dated blog documents, whole wrapped words, no debris.
func TestBundle(t *testing.T) {
	names, _ := fs.Glob(Bundle, "*.txt")
	var docs []Document
	for _, name := range names {
		data, _ := fs.ReadFile(Bundle, name)
		d, err := Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d...)
	}
	blog := 0
	var all strings.Builder
	for _, d := range docs {
		if d.Title == "" || isPlaceholder(d.Title) || len([]rune(d.Title)) > 160 {
			t.Errorf("%s: title %q is no real title", d.ID, d.Title)
		}
		if strings.HasPrefix(d.ID, "002_") {
			blog++
			if len(d.Date) != len("2025-06-19") || len(d.Tags) == 0 {
				t.Errorf("%s: blog document without date or tags: %q %q", d.ID, d.Date, d.Tags)
			}
		}
		for _, s := range d.Sections {
			all.WriteString(s.Text + "\n")
			for _, line := range strings.Split(s.Text, "\n") {
				if isPlaceholder(line) {
					t.Errorf("%s: debris line %q", s.ID, line)
				}
			}
			if !slices.Contains(Languages, s.Lang) {
				t.Errorf("%s: language %q", s.ID, s.Lang)
			}
		}
	}
	if blog != 6 {
		t.Errorf("the blog export gave %d documents, want 6", blog)
	}
	for _, whole := range []string{"脊髄に到達", "変性脱落", "予備検討", "Human evidence here", "simpler distribution", "repeated Muse cell infusions"} {
		if !strings.Contains(all.String(), whole) {
			t.Errorf("wrapped text %q is not whole in the sections", whole)
		}
	}
}

var letterRun = regexp.MustCompile(`\p{L}+`)

// FuzzParse checks that Parse never panics and never loses content: every run of
// letters of the input that is not on a debris line, a byline or a dateline appears in
// the output (title, tags, headings or section text).
func FuzzParse(f *testing.F) {
	f.Add("# Title\n\nSome text about Muse cells.\n\n## Part\n\nMore text.\n")
	f.Add("A title\nImage Box text\nMuse Cells vs. MSCs\nMSCs have long dominated.\nHeart Disease\nIn a 2022 study.\n")
	f.Add("by admin | Jun 19, 2025 | Lupus, MSC\nText about lupus.\nby admin | May 1, 2025 | Stroke\nText about stroke.\n")
	f.Add(" PRESS RELEASE \n\n令和 2 年 10 月 29 日 \n\n筋萎縮性側索硬化症を治療する！\n\n◆発表のポイント\n\n・Muse 細胞が脊\n\n髄に到達しました。\n")
	f.Add("Abstract in English.\n肌萎缩侧索硬化症的特征是运动神经元进行性丧失。\n")
	f.Add("| a | b |\n|---|---|\n| 1 | 2 |\nI\nII\n1) x\n2. y\n＜背景＞\n【注】\n")
	f.Add("Line ending with a hyphen multi-\ncenter and é\u0301 combining, ＡＬＳ, ｍｇ\r\nCR\rline")
	f.Fuzz(func(t *testing.T, input string) {
		docs, err := Parse("fuzz.txt", []byte(input))
		if err != nil || sniff("fuzz.txt", []byte(input)) != formatText {
			return // the structured formats have fuzz tests of their own
		}
		var out strings.Builder
		for _, d := range docs {
			out.WriteString(d.Title + "\n" + strings.Join(d.Tags, "\n") + "\n")
			for _, s := range d.Sections {
				if s.ID == "" || s.Text == "" {
					t.Fatalf("section %+v has no id or text", s)
				}
				out.WriteString(strings.Join(s.Path, "\n") + "\n" + s.Heading + "\n" + s.Text + "\n")
			}
		}
		got := out.String()
		text, _ := decode([]byte(input))
		lines := cleanLines(text)
		debris := newDebrisFinder(lines)
		for _, l := range lines {
			if debris.isDebris(l.text) || isLabel(l.text) {
				// Debris, and labels above a title ("PRESS RELEASE").
				continue
			}
			if _, _, ok := parseByline(l.text); ok {
				continue
			}
			if _, ok := dateLine(l.text); ok {
				continue
			}
			for _, run := range letterRun.FindAllString(norm.NFC.String(l.text), -1) {
				if !strings.Contains(got, run) && strings.IndexFunc(run, unicode.IsLetter) >= 0 {
					t.Fatalf("letters %q of line %q are lost\noutput:\n%s", run, l.text, got)
				}
			}
		}
	})
}

func TestMarkdown(t *testing.T) {
	text := "---\ntitle: \"Muse Cells After Stroke\"\ndate: 2024-03-05\ntags: [Stroke, Muse]\nlayout: post\n---\n\n" +
		"Background\n==========\n\n" + para("Background", 300) + "\n\nMethods\n-------\n\n" + para("Methods", 300) + "\n\n---\n\n" + para("Closing", 300) + "\n"
	docs, err := Parse("post.md", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	d := docs[0]
	if d.Title != "Muse Cells After Stroke" || d.Date != "2024-03-05" || !cmp.Equal(d.Tags, []string{"Stroke", "Muse"}) {
		t.Errorf("front matter: title %q date %q tags %q", d.Title, d.Date, d.Tags)
	}
	want := []string{"post#1: Background [en]", "post#2: Background > Methods [en]"}
	if diff := cmp.Diff(want, outline(docs)); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	if strings.Contains(d.Sections[0].Text, "layout") {
		t.Errorf("front matter left in the text: %q", d.Sections[0].Text)
	}
	// The same text in a .txt file has no front matter or Setext headings.
	plain, err := Parse("post.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if plain[0].Date == "2024-03-05" && plain[0].Title == "Muse Cells After Stroke" {
		t.Errorf("front matter read in a .txt file")
	}
}

func TestDocumentFacets(t *testing.T) {
	d := Document{Sections: []Section{
		{Facets: Facets{Indication: {"als", "stroke"}, CellType: {"muse"}}},
		{Facets: Facets{Indication: {"als"}, Phase: {"phase-2"}}},
		{Facets: Facets{}},
	}}
	want := Facets{Indication: {"als", "stroke"}, CellType: {"muse"}, Phase: {"phase-2"}}
	if diff := cmp.Diff(want, d.Facets()); diff != "" {
		t.Errorf("Document.Facets (-want +got):\n%s", diff)
	}
}
