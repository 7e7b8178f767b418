package web

import (
	"html/template"
	"slices"
	"testing"

	"musesearch/corpus"
)

func TestSnippetHTML(t *testing.T) {
	tests := []struct {
		snippet string
		want    template.HTML
	}{
		{"plain &amp; simple", "plain &amp; simple"},
		{"…treated <mark>ALS</mark> with <mark>Muse</mark> cells…", "…treated <mark>ALS</mark> with <mark>Muse</mark> cells…"},
		{"<mark>脊髄</mark>損傷", "<mark>脊髄</mark>損傷"},
		// Anything but bare <mark> is shown as text, never trusted.
		{`<mark class="x">a</mark>`, "a"},
		{`<script>alert(1)</script>`, "alert(1)"},
		{`<b>bold</b> <mark>m</mark>`, "bold m"},
		{`<img src=x onerror=alert(1)>`, ""},
		{"<mark>unclosed", "unclosed"},
		{"<mark><mark>nested</mark></mark>", "nested"},
		{"stray </mark>", "stray "},
		{"a < b", "a &lt; b"},
		{"<!-- comment -->x", "x"},
	}
	for _, tt := range tests {
		if got := snippetHTML(tt.snippet); got != tt.want {
			t.Errorf("snippetHTML(%q) = %q, want %q", tt.snippet, got, tt.want)
		}
	}
}

func TestMarkedSpans(t *testing.T) {
	tests := []struct {
		marked, text string
		want         []string
		ok           bool
	}{
		{"<mark>ALS</mark> &amp; <mark>als</mark>", "ALS & als", []string{"ALS", "als"}, true},
		{"筋萎縮性側索硬化症（<mark>ALS</mark>）", "筋萎縮性側索硬化症（ALS）", []string{"ALS"}, true},
		{"no marks", "no marks", nil, true},
		// Marked HTML that does not spell the text, or has other markup, marks nothing.
		{"<mark>other</mark>", "text", nil, false},
		{"<b>ALS</b>", "ALS", nil, false},
		{"<mark>ALS", "ALS", nil, false},
	}
	for _, tt := range tests {
		spans, ok := markedSpans(tt.marked, tt.text)
		var got []string
		for _, s := range spans {
			got = append(got, tt.text[s.start:s.end])
		}
		if ok != tt.ok || (ok && !slices.Equal(got, tt.want)) {
			t.Errorf("markedSpans(%q) = %q, %v; want %q, %v", tt.marked, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParagraphs(t *testing.T) {
	text := "First paragraph.\n\n  Second one. \n\n\n\nThird"
	var got []string
	for _, p := range paragraphs(text) {
		if text[p.start:p.start+len(p.text)] != p.text {
			t.Errorf("paragraph %q is not at offset %d", p.text, p.start)
		}
		got = append(got, p.text)
	}
	if want := []string{"First paragraph.", "Second one.", "Third"}; !slices.Equal(got, want) {
		t.Errorf("paragraphs = %q, want %q", got, want)
	}
	if got := within([]span{{0, 5}, {14, 22}, {30, 40}}, 18, 13); !slices.Equal(got, []span{{0, 4}, {12, 13}}) {
		t.Errorf("within = %v", got)
	}
}

func TestRichText(t *testing.T) {
	text := "See NCT01234567 & doi 10.1000/x<y> for ALS."
	ids := []corpus.Identifier{{Kind: corpus.KindNCT, Value: "NCT01234567"}, {Kind: corpus.KindDOI, Value: "10.1000/x<y>"}}
	marks := []span{{4, 15}, {39, 42}}
	got := richText(text, marks, findIdentifiers(text, ids))
	want := template.HTML(`See <a class="ext" rel="noopener" href="https://clinicaltrials.gov/study/NCT01234567"><mark>NCT01234567</mark></a> &amp; doi ` +
		`<a class="ext" rel="noopener" href="https://doi.org/10.1000/x%3Cy%3E">10.1000/x&lt;y&gt;</a> for <mark>ALS</mark>.`)
	if got != want {
		t.Errorf("richText:\n got %s\nwant %s", got, want)
	}
	// A mark that straddles a link's edge is split so that elements nest.
	text = "trial jRCT2063200047 done"
	got = richText(text, []span{{0, 10}}, findIdentifiers(text, []corpus.Identifier{{Kind: corpus.KindJRCT, Value: "jRCT2063200047"}}))
	want = `<mark>trial </mark><a class="ext" rel="noopener" href="https://jrct.niph.go.jp/latest-detail/jRCT2063200047"><mark>jRCT</mark>2063200047</a> done`
	if got != want {
		t.Errorf("richText with a straddling mark:\n got %s\nwant %s", got, want)
	}
}

func TestIdentifierURL(t *testing.T) {
	tests := []struct {
		id   corpus.Identifier
		want string
	}{
		{corpus.Identifier{Kind: corpus.KindNCT, Value: "NCT04752046"}, "https://clinicaltrials.gov/study/NCT04752046"},
		{corpus.Identifier{Kind: corpus.KindJRCT, Value: "jRCTs031180230"}, "https://jrct.niph.go.jp/latest-detail/jRCTs031180230"},
		{corpus.Identifier{Kind: corpus.KindChiCTR, Value: "ChiCTR2000029990"}, "https://www.chictr.org.cn/searchprojEN.html?regno=ChiCTR2000029990"},
		{corpus.Identifier{Kind: corpus.KindUMIN, Value: "UMIN000012345"}, "https://trialsearch.who.int/Trial2.aspx?TrialID=UMIN000012345"},
		{corpus.Identifier{Kind: corpus.KindJapic, Value: "JapicCTI-184103"}, "https://trialsearch.who.int/Trial2.aspx?TrialID=JapicCTI-184103"},
		{corpus.Identifier{Kind: corpus.KindDOI, Value: "10.1177/09636897231214370"}, "https://doi.org/10.1177/09636897231214370"},
		{corpus.Identifier{Kind: corpus.KindPMID, Value: "40353645"}, "https://pubmed.ncbi.nlm.nih.gov/40353645/"},
		{corpus.Identifier{Kind: corpus.KindPMCID, Value: "PMC12067559"}, "https://pmc.ncbi.nlm.nih.gov/articles/PMC12067559/"},
		{corpus.Identifier{Kind: "unknown", Value: "X1"}, ""},
	}
	for _, tt := range tests {
		if got := identifierURL(tt.id); got != tt.want {
			t.Errorf("identifierURL(%+v) = %q, want %q", tt.id, got, tt.want)
		}
	}
	// Every kind the corpus finds has a public page.
	for _, kind := range corpus.IdentifierKinds {
		if identifierURL(corpus.Identifier{Kind: kind, Value: "X"}) == "" {
			t.Errorf("identifier kind %q has no link", kind)
		}
	}
}

func TestSectionAnchor(t *testing.T) {
	for _, tt := range []struct {
		id   string
		i    int
		want string
	}{{"004_x#2", 0, "s2"}, {"004_x-1#10", 3, "s10"}, {"odd", 3, "s4"}} {
		if got := sectionAnchor(tt.id, tt.i); got != tt.want {
			t.Errorf("sectionAnchor(%q, %d) = %q, want %q", tt.id, tt.i, got, tt.want)
		}
	}
}
