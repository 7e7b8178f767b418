package pdf

import (
	"testing"

	"musesearch/corpus/article"
)

// TestResolve checks the hyphens PDFium marks at line ends: hyphenations go,
// compounds stay.
func TestResolve(t *testing.T) {
	doc := []line{
		{text: "Donor-derived cells were given. The placebo arm and the stem cells."},
		{text: "Treatment began at once; cell counts rose."},
	}
	words := wordStats(doc)
	tests := []struct{ in, want string }{
		{"support regen\u00aderation by", "support regeneration by"},          // a fragment
		{"received donor\u00adderived cells", "received donor-derived cells"}, // written so elsewhere
		{"a placebo\u00adcontrolled trial", "a placebo-controlled trial"},     // a word, then more than an ending
		{"the treat\u00adment arm", "the treatment arm"},                      // a word, then an ending
		{"the cell\u00adular response", "the cellular response"},
		{"HLA\u00adG", "HLA-G"}, // capitals
		{"twenty\u00ad", "twenty-"},
	}
	for _, tt := range tests {
		if got := resolve(tt.in, words); got != tt.want {
			t.Errorf("resolve(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestDropFurniture checks that lines at the top or bottom of the pages that repeat
// (page numbers aside) or look like furniture go, and the same text in the body stays.
func TestDropFurniture(t *testing.T) {
	page := func(n string, body ...string) []line {
		lines := []line{{text: "Journal of Examples 2024; 12: 1-9", y: 800}}
		for i, b := range body {
			lines = append(lines, line{text: b, y: float64(700 - 20*i)})
		}
		return append(lines, line{text: n, y: 30})
	}
	pages := [][]line{
		page("1", "Title of the paper", "Journal of Examples 2024; 12: 1-9", "First paragraph."),
		page("2", "Second page text.", "More text."),
		page("Page 3 of 3", "Third page text.", "Last text."),
	}
	var got []string
	for _, p := range dropFurniture(pages) {
		for _, l := range p {
			got = append(got, l.text)
		}
	}
	want := []string{"Title of the paper", "Journal of Examples 2024; 12: 1-9", "First paragraph.", "Second page text.", "More text.", "Third page text.", "Last text."}
	if len(got) != len(want) {
		t.Fatalf("kept %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("kept %q, want %q", got, want)
		}
	}
}

// TestPromoteHeadings checks the headings a uniform font hides: section numbers and
// bold lines, not sentences.
func TestPromoteHeadings(t *testing.T) {
	paras := []para{
		{kind: article.Paragraph, lines: []line{{text: "2.1 Patients", weight: 400}}},
		{kind: article.Paragraph, lines: []line{{text: "Adverse events", weight: 700}}},
		{kind: article.Paragraph, lines: []line{{text: "12 patients were treated.", weight: 400}}},
		{kind: article.Paragraph, lines: []line{{text: "Plain line", weight: 400}}},
	}
	promoteHeadings(paras, 1, 400)
	want := []struct {
		kind  article.Kind
		level int
	}{{article.Heading, 3}, {article.Heading, 2}, {article.Paragraph, 0}, {article.Paragraph, 0}}
	for i, w := range want {
		if paras[i].kind != w.kind || paras[i].level != w.level {
			t.Errorf("%q: kind %v level %d, want %v %d", paras[i].lines[0].text, paras[i].kind, paras[i].level, w.kind, w.level)
		}
	}
}
