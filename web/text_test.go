package web

import (
	"html/template"
	"slices"
	"testing"

	"musesearch/corpus"
	"musesearch/search"
)

func TestPassageHTML(t *testing.T) {
	tests := []struct {
		p    search.Passage
		want template.HTML
	}{
		{search.Passage{Text: "plain & simple"}, "plain &amp; simple"},
		{search.Passage{Text: "…treated ALS with Muse cells…", Marks: []search.Span{sp(11, 14), sp(20, 24)}},
			"…treated <mark>ALS</mark> with <mark>Muse</mark> cells…"},
		{search.Passage{Text: "脊髄損傷", Marks: []search.Span{sp(0, 6)}}, "<mark>脊髄</mark>損傷"},
		// The text is text: markup in it is escaped, never trusted.
		{search.Passage{Text: `<script>alert(1)</script> a<b`, Marks: []search.Span{sp(8, 16)}},
			"&lt;script&gt;<mark>alert(1)</mark>&lt;/script&gt; a&lt;b"},
		{search.Passage{Text: `it's "Muse" & <MSC>`, Marks: []search.Span{sp(5, 11), sp(14, 19)}},
			"it&#39;s <mark>&#34;Muse&#34;</mark> &amp; <mark>&lt;MSC&gt;</mark>"},
	}
	for _, tt := range tests {
		got := passageHTML(tt.p)
		if got != tt.want {
			t.Errorf("passageHTML(%+v) = %q, want %q", tt.p, got, tt.want)
		}
		// parsePassage reads it back.
		back, err := parsePassage(string(got))
		if err != nil || back.Text != tt.p.Text || !slices.Equal(back.Marks, tt.p.Marks) {
			t.Errorf("parsePassage(%q) = %+v, %v; want %+v", got, back, err, tt.p)
		}
	}
	for _, bad := range []string{"<b>ALS</b>", "<mark>ALS", "stray </mark>", "<mark><mark>x</mark></mark>", "<!-- c -->"} {
		if p, err := parsePassage(bad); err == nil {
			t.Errorf("parsePassage(%q) = %+v, want an error", bad, p)
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
	if got := within([]search.Span{sp(0, 5), sp(14, 22), sp(30, 40)}, 18, 13); !slices.Equal(got, []search.Span{sp(0, 4), sp(12, 13)}) {
		t.Errorf("within = %v", got)
	}
}

func TestRichText(t *testing.T) {
	text := "See NCT01234567 & doi 10.1000/x<y> for ALS."
	ids := []corpus.Identifier{{Kind: corpus.KindNCT, Value: "NCT01234567"}, {Kind: corpus.KindDOI, Value: "10.1000/x<y>"}}
	marks := []search.Span{sp(4, 15), sp(39, 42)}
	got := richText(text, marks, findIdentifiers(text, ids))
	want := template.HTML(`See <a class="ext" rel="noopener" href="https://clinicaltrials.gov/study/NCT01234567"><mark>NCT01234567</mark></a> &amp; doi ` +
		`<a class="ext" rel="noopener" href="https://doi.org/10.1000/x%3Cy%3E">10.1000/x&lt;y&gt;</a> for <mark>ALS</mark>.`)
	if got != want {
		t.Errorf("richText:\n got %s\nwant %s", got, want)
	}
	// A mark that straddles a link's edge is split so that elements nest.
	text = "trial jRCT2063200047 done"
	got = richText(text, []search.Span{sp(0, 10)}, findIdentifiers(text, []corpus.Identifier{{Kind: corpus.KindJRCT, Value: "jRCT2063200047"}}))
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

// sp is the span [start, end).
func sp(start, end int) search.Span { return search.Span{Start: start, End: end} }
