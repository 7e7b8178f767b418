package web

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"musesearch/search"
)

func TestSearchPage(t *testing.T) {
	ts, _ := newTestServer(t)
	res, body := get(t, ts, "/search?q=ALS&lang=en&lang=ja")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	doc := parseHTML(t, body)

	if got := attr(findOne(t, doc, sel("html"), "html"), "lang"); got != "en" {
		t.Errorf("html lang=%q, want en", got)
	}
	if got := textOf(findOne(t, doc, sel("title"), "title")); !strings.Contains(got, "ALS") {
		t.Errorf("title %q does not name the query", got)
	}
	box := findOne(t, doc, sel("input", "id=q", "name=q"), "search box")
	if attr(box, "value") != "ALS" {
		t.Errorf("search box keeps %q, want ALS", attr(box, "value"))
	}
	findOne(t, doc, sel("label", "for=q"), "label of the search box")
	findOne(t, doc, sel("form", "role=search", "method=get", "action=/search"), "search form")
	findOne(t, doc, sel("a", ".skip-link", "href=#main"), "skip link")
	findOne(t, doc, sel("a", ".skip-link", "href=#hits"), "skip link to the results")
	findOne(t, doc, sel("h2", "id=hits", "tabindex=-1"), "heading of the results, where the skip link leads")
	findOne(t, doc, sel("main", "id=main"), "main landmark")

	// Facet check boxes: every facet has a fieldset with a legend; boxes carry counts,
	// the chosen ones are checked, and every box belongs to the search form.
	for _, f := range []string{"indication", "cell_type", "design", "phase", "lang"} {
		findOne(t, doc, sel("fieldset", "data-facet="+f), "fieldset of "+f)
	}
	var boxes []*html.Node
	for _, fs := range findAll(doc, sel("fieldset", ".facet")) {
		boxes = append(boxes, findAll(fs, sel("input", "type=checkbox", "form=search-form"))...)
	}
	checked := map[string]bool{}
	for _, b := range boxes {
		if _, ok := attrOf(b, "checked"); ok {
			checked[attr(b, "name")+"="+attr(b, "value")] = true
		}
		label := findOne(t, doc, sel("label", "for="+attr(b, "id")), "label of "+attr(b, "id"))
		counts := findAll(label, sel("span", ".count"))
		if len(counts) != 1 {
			t.Errorf("check box %s has no count", attr(b, "id"))
			continue
		}
		if _, err := strconv.Atoi(textOf(counts[0])); err != nil {
			t.Errorf("check box %s has count %q", attr(b, "id"), textOf(counts[0]))
		}
	}
	if !checked["lang=en"] || !checked["lang=ja"] || len(checked) != 2 {
		t.Errorf("checked boxes %v, want lang=en and lang=ja", checked)
	}
	// Disjunctive: the unchosen language still shows what choosing it would give.
	if zh := findAll(doc, sel("input", "id=f-lang-zh")); len(zh) != 1 {
		t.Errorf("the Chinese box is missing while en and ja are chosen")
	}

	// Chips remove their own filter and keep the rest.
	chips := findAll(doc, sel("a", ".chip"))
	if len(chips) != 2 {
		t.Fatalf("%d chips, want 2", len(chips))
	}
	u, _ := url.Parse(attr(chips[0], "href"))
	if got := u.Query(); got.Get("q") != "ALS" || strings.Join(got["lang"], ",") != "ja" {
		t.Errorf("the first chip links to %s, want q=ALS and lang=ja only", u)
	}

	// Hits: title link to the document at its section, with the query; marked snippet;
	// language badge.
	hits := findAll(doc, sel("li", ".hit"))
	if len(hits) == 0 {
		t.Fatal("no hits")
	}
	for _, h := range hits {
		a := findAll(h, sel("a"))[0]
		hu, _ := url.Parse(attr(a, "href"))
		if !strings.HasPrefix(hu.Path, "/doc/") || !strings.HasPrefix(hu.Fragment, "s") || hu.Query().Get("q") != "ALS" {
			t.Errorf("hit link %q, want /doc/ID?q=ALS#sN", attr(a, "href"))
		}
		if len(findAll(h, sel("span", ".badge-lang"))) != 1 {
			t.Errorf("hit %q has no language badge", textOf(a))
		}
	}
	if len(findAll(doc, sel("mark"))) == 0 {
		t.Error("no <mark> in the snippets")
	}

	// Sort, views and export.
	findOne(t, doc, sel("select", "name=sort", "form=search-form"), "sort control")
	views := findAll(findOne(t, doc, sel("ul", ".views"), "views"), sel("a"))
	if len(views) != 2 || attr(views[0], "aria-current") != "page" || mustQuery(t, attr(views[1], "href")).Get("group") != "section" ||
		mustQuery(t, attr(views[0], "href")).Has("group") {
		t.Errorf("the views should be documents (current, the default) and passages (group=section)")
	}
	for _, format := range []string{"csv", "json", "ris"} {
		link := findOne(t, doc, sel("a", ".export-"+format, "download"), format+" export")
		u, _ := url.Parse(attr(link, "href"))
		if q := u.Query(); u.Path != "/export" || q.Get("format") != format || q.Get("q") != "ALS" || q.Get("group") != "doc" || q.Has("size") {
			t.Errorf("%s export link %q, want /export of every document of the search", format, attr(link, "href"))
		}
	}
}

func TestFacetFolding(t *testing.T) {
	ts, _ := newTestServer(t)
	// osteoporosis is rare: chosen, it stays in sight although it is not among the most
	// frequent values.
	doc := getHTML(t, ts, "/search?indication=osteoporosis")
	fs := findOne(t, doc, sel("fieldset", "data-facet=indication"), "indication facet")
	more := findAll(fs, sel("details", ".facet-more"))
	if len(more) != 1 {
		t.Fatal("the many indications of the whole corpus do not fold")
	}
	count := func(li *html.Node) int {
		n, _ := strconv.Atoi(textOf(findAll(li, sel("span", ".count"))[0]))
		return n
	}
	var shown []int
	for _, box := range findAll(fs, sel("input")) {
		li := box.Parent
		folded := hasAncestorClass(box, "facet-more")
		_, checked := attrOf(box, "checked")
		switch {
		case checked && folded:
			t.Errorf("the chosen %s is folded away", attr(box, "value"))
		case checked:
		case folded && len(shown) > 0 && count(li) > shown[len(shown)-1]:
			t.Errorf("folded %s counts %d, more than a shown value", attr(box, "value"), count(li))
		case !folded:
			if len(shown) > 0 && count(li) > shown[len(shown)-1] {
				t.Errorf("shown values are not in decreasing count at %s", attr(box, "value"))
			}
			shown = append(shown, count(li))
		}
	}
	if len(shown) != maxFacetChoices {
		t.Errorf("%d unchosen values shown, want %d", len(shown), maxFacetChoices)
	}
}

func TestSearchPageEscapesQuery(t *testing.T) {
	ts, _ := newTestServer(t)
	_, body := get(t, ts, "/search?q="+url.QueryEscape(`<script>alert(1)</script>`))
	if strings.Contains(body, "<script>alert(1)") {
		t.Error("the query is echoed unescaped")
	}
}

func TestSearchPagePaging(t *testing.T) {
	ts, _ := newTestServer(t)
	doc := getHTML(t, ts, "/search?size=5&page=2&sort=date")
	pager := findOne(t, doc, sel("nav", ".pager"), "pager")
	current := findOne(t, pager, sel("a", "aria-current=page"), "current page")
	if textOf(current) != "2" {
		t.Errorf("current page %q, want 2", textOf(current))
	}
	prev := findOne(t, pager, sel("a", "rel=prev"), "previous link")
	if pu, _ := url.Parse(attr(prev, "href")); pu.Query().Get("page") != "" || pu.Query().Get("sort") != "date" || pu.Query().Get("size") != "5" {
		t.Errorf("previous link %q, want page 1 (no page parameter) with sort and size kept", attr(prev, "href"))
	}
	if ol := findOne(t, doc, sel("ol", ".hits"), "hits"); attr(ol, "start") != "6" {
		t.Errorf("the second page of 5 starts at %q, want 6", attr(ol, "start"))
	}
}

// TestSearchPageDocuments checks the page's default view: documents, each once, with
// its best passage shown, the others folded, a link to the rest, and a citation; and
// the passages view one click away.
func TestSearchPageDocuments(t *testing.T) {
	ts, _ := newTestServer(t)
	doc := getHTML(t, ts, "/search?q=Muse&size=100")
	if total := textOf(findOne(t, doc, sel("strong", ".total"), "total")); !strings.HasSuffix(total, " documents") {
		t.Errorf("the total says %q, want documents", total)
	}
	seen := map[string]bool{}
	var folded, more int
	for _, h := range findAll(doc, sel("li", ".hit-doc")) {
		id := attr(h, "data-doc")
		if seen[id] {
			t.Errorf("document %s is listed twice", id)
		}
		seen[id] = true
		passages := findAll(h, sel("div", ".passage"))
		if len(passages) == 0 || len(passages) > search.MaxPassages {
			t.Errorf("%s shows %d passages", id, len(passages))
		}
		for _, p := range passages {
			u, _ := url.Parse(attr(findOne(t, p, sel("a", ".passage-section"), "passage heading"), "href"))
			if u.Path != "/doc/"+id || !strings.HasPrefix(u.Fragment, "s") || u.Query().Get("q") != "Muse" {
				t.Errorf("%s: passage link %s, want its section with the query", id, u)
			}
		}
		if d := findAll(h, sel("details", ".more-passages")); len(d) == 1 {
			folded++
			if len(findAll(d[0], sel("div", ".passage"))) != len(passages)-1 {
				t.Errorf("%s: the first passage is folded too", id)
			}
		}
		if m := findAll(h, sel("p", ".more-in-doc")); len(m) == 1 {
			more++
			if !strings.Contains(textOf(m[0]), "more passage") {
				t.Errorf("%s: %q", id, textOf(m[0]))
			}
		}
		cite := findOne(t, h, sel("details", ".cite"), "citation")
		if text := textOf(findOne(t, cite, sel("p", ".cite-text"), "citation text")); !strings.Contains(text, "Available from: http://localhost/doc/"+url.PathEscape(id)) {
			t.Errorf("%s: citation %q", id, text)
		}
		for _, format := range []string{"ris", "bibtex"} {
			if len(findAll(cite, sel("a", "href=/api/documents/"+url.PathEscape(id)+"/cite?format="+format))) != 1 {
				t.Errorf("%s: no %s link", id, format)
			}
		}
	}
	if len(seen) < 4 || folded == 0 || more == 0 {
		t.Errorf("%d documents, %d with folded passages, %d with more; want several of each", len(seen), folded, more)
	}

	sections := getHTML(t, ts, "/search?q=Muse&group=section")
	if len(findAll(sections, sel("li", ".hit-doc"))) != 0 || len(findAll(sections, sel("li", ".hit"))) == 0 {
		t.Error("group=section does not list passages")
	}
	if len(findAll(sections, sel("input", "type=hidden", "name=group", "value=section", "form=search-form"))) != 1 {
		t.Error("the search form does not keep the passages view")
	}
}

func TestSearchPageEmptyState(t *testing.T) {
	ts, _ := newTestServer(t)
	doc := getHTML(t, ts, "/search?q=ALS&indication=osteoporosis&lang=zh")
	empty := findAll(doc, sel("div", ".empty"))
	if len(empty) != 1 {
		t.Fatalf("no empty state for a search with no results")
	}
	text := textOf(empty[0])
	if !strings.Contains(text, "Nothing matched") || !strings.Contains(text, "ALS") {
		t.Errorf("empty state %q should say nothing matched and show the query", text)
	}
	// It offers to remove the filters whose removal finds something, with the count.
	relax := findAll(empty[0], sel("ul", ".relax"))
	if len(relax) != 1 {
		t.Fatal("the empty state offers no filter to remove")
	}
	links := findAll(relax[0], sel("a"))
	var removesOsteoporosis bool
	for _, a := range links {
		u, _ := url.Parse(attr(a, "href"))
		removesOsteoporosis = removesOsteoporosis || u.Query().Get("indication") == "" && u.Query().Get("lang") == "zh"
		if n, err := strconv.Atoi(strings.Fields(strings.SplitAfter(textOf(a), ": ")[1])[0]); err != nil || n == 0 {
			t.Errorf("offer %q should name a positive count", textOf(a))
		}
	}
	if !removesOsteoporosis {
		t.Error("the empty state does not offer to remove osteoporosis, which finds the Chinese ALS passages")
	}
}

func TestSearchPageFuzzy(t *testing.T) {
	ts, _ := newTestServer(t)
	doc := getHTML(t, ts, "/search?q=mesenchymall&hl=en")
	notice := findAll(doc, sel("p", ".notice"))
	if len(notice) != 1 || !strings.Contains(textOf(notice[0]), "“mesenchymal”") {
		t.Fatalf("a misspelt query should say which spelling its results are for")
	}
	if len(findAll(doc, sel("li", ".hit"))) == 0 {
		t.Error("no fuzzy results")
	}
}

func TestSearchPageExpanded(t *testing.T) {
	ts, _ := newTestServer(t)
	tests := []struct {
		hl, says, attribution string
	}{
		{"en", "Also searched:", "Translations from JMdict/EDICT (EDRDG)"},
		{"ja", "次の語でも検索しました:", "訳語: JMdict/EDICT（EDRDG）"},
		{"zh", "同时搜索了：", "译词来自 JMdict/EDICT（EDRDG）"},
	}
	for _, tt := range tests {
		t.Run(tt.hl, func(t *testing.T) {
			doc := getHTML(t, ts, "/search?q="+url.QueryEscape("臨床試験")+"&hl="+tt.hl)
			line := findOne(t, doc, sel("p", ".expanded"), "the expansion line")
			text := textOf(line)
			for _, want := range []string{tt.says, "clinical trial", "临床试验"} {
				if !strings.Contains(text, want) {
					t.Errorf("the expansion line %q lacks %q", text, want)
				}
			}
			for _, term := range findAll(line, sel("span", ".term")) {
				if attr(term, "lang") == "" {
					t.Errorf("term %q has no lang attribute", textOf(term))
				}
			}
			// A link searches only what was typed, and keeps it so.
			off := findOne(t, line, sel("a"), "the link that turns expansion off")
			if q := mustQuery(t, attr(off, "href")); q.Get("expand") != "false" || q.Get("q") != "臨床試験" || q.Get("hl") != tt.hl {
				t.Errorf("the link %q should search 臨床試験 with expand=false", attr(off, "href"))
			}
			if got := textOf(findOne(t, doc, sel("p", ".attribution"), "the dictionary attribution")); !strings.Contains(got, tt.attribution) {
				t.Errorf("the attribution says %q, want %q", got, tt.attribution)
			}
		})
	}
	t.Run("off", func(t *testing.T) {
		doc := getHTML(t, ts, "/search?q="+url.QueryEscape("臨床試験")+"&expand=false&hl=en")
		if n := len(findAll(doc, sel("p", ".expanded"))); n != 0 {
			t.Errorf("an unexpanded search shows %d expansion lines", n)
		}
		// The form keeps expansion off for the next search; a line turns it on again.
		findOne(t, doc, sel("input", "type=hidden", "name=expand", "value=false", "form=search-form"), "the hidden expand=false")
		on := findOne(t, doc, sel("p", ".literal"), "the line that says expansion is off")
		if q := mustQuery(t, attr(findOne(t, on, sel("a"), "its link"), "href")); q.Has("expand") || q.Get("q") != "臨床試験" {
			t.Errorf("the link %v should search 臨床試験 with expansion", q)
		}
	})
	t.Run("bad", func(t *testing.T) {
		res, _ := get(t, ts, "/search?q=ALS&expand=0")
		if res.StatusCode != 400 {
			t.Errorf("expand=0: status %d, want 400", res.StatusCode)
		}
	})
}

func TestSearchPageDidYouMean(t *testing.T) {
	ts, _ := newTestServer(t)
	doc := getHTML(t, ts, "/search?q="+url.QueryEscape("臨床試検")+"&hl=ja")
	p := findOne(t, doc, sel("p", ".suggest"), "the did-you-mean line")
	a := findOne(t, p, sel("a"), "its link")
	if textOf(a) != "臨床試験" || mustQuery(t, attr(a, "href")).Get("q") != "臨床試験" || !strings.Contains(textOf(p), "もしかして") {
		t.Errorf("did you mean %q (%s), want 臨床試験", textOf(p), attr(a, "href"))
	}
}

func TestEvidenceMap(t *testing.T) {
	ts, _ := newTestServer(t)
	doc := getHTML(t, ts, "/search?q=&lang=en")
	table := findOne(t, doc, sel("table", ".evidence-map"), "evidence map")
	cells := findAll(table, sel("a", "aria-label"))
	if len(cells) == 0 {
		t.Fatal("the evidence map has no linked cell")
	}
	for _, a := range cells {
		u, _ := url.Parse(attr(a, "href"))
		q := u.Query()
		if len(q["indication"]) != 1 || len(q["phase"]) != 1 || q.Get("lang") != "en" {
			t.Errorf("cell link %q should apply one indication and one phase and keep lang=en", attr(a, "href"))
		}
		if n, err := strconv.Atoi(textOf(a)); err != nil || n <= 0 {
			t.Errorf("cell %q shows %q, want a positive count", attr(a, "aria-label"), textOf(a))
		}
	}
	// A cell's count is the studies its link finds.
	a := cells[0]
	if n := studiesOf(t, ts, mustQuery(t, attr(a, "href"))); strconv.Itoa(n) != textOf(a) {
		t.Errorf("the cell says %s, its search finds %d studies", textOf(a), n)
	}
}

func TestEvidenceMapByDesign(t *testing.T) {
	ts, _ := newTestServer(t)
	doc := getHTML(t, ts, "/search?q=&map=design&hl=ja")
	table := findOne(t, doc, sel("table", ".evidence-map"), "evidence map")
	cells := findAll(table, sel("a", "aria-label"))
	if len(cells) == 0 {
		t.Fatal("the evidence map by design has no linked cell")
	}
	for _, a := range cells {
		q := mustQuery(t, attr(a, "href"))
		if len(q["indication"]) != 1 || len(q["design"]) != 1 || len(q["phase"]) != 0 || q.Get("map") != "design" || q.Get("hl") != "ja" {
			t.Errorf("cell link %q should apply one indication and one design and keep map and hl", attr(a, "href"))
		}
	}
	axes := findAll(findOne(t, doc, sel("ul", ".map-axes"), "axis switch"), sel("a"))
	if len(axes) != 2 || attr(axes[1], "aria-current") != "true" || mustQuery(t, attr(axes[0], "href")).Get("map") != "" {
		t.Errorf("the axis switch should offer phase (the default, without map) and design (current)")
	}
	if hidden := findAll(doc, sel("input", "type=hidden", "name=map", "value=design", "form=search-form")); len(hidden) != 1 {
		t.Error("the search form does not keep map=design")
	}
	// Unknown values of map, like hl, fall back to the default instead of failing.
	doc = getHTML(t, ts, "/search?map=nonsense")
	if th := findAll(doc, sel("th", "data-value=phase-1")); len(th) != 1 {
		t.Error("an unknown map value does not give the map by phase")
	}
}

// mustQuery parses the query of a link.
func mustQuery(t *testing.T, link string) url.Values {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

func TestLanguages(t *testing.T) {
	ts, _ := newTestServer(t)
	tests := []struct {
		path, accept string
		wantLang     string
		wantText     string
		wantHL       string
	}{
		{"/search?q=ALS", "ja-JP,ja;q=0.9,en;q=0.5", "ja", "検索", ""},
		{"/search?q=ALS", "zh-CN", "zh", "搜索", ""},
		{"/search?q=ALS&hl=zh", "ja", "zh", "搜索", "zh"},
		{"/search?q=ALS&hl=en", "ja", "en", "Search", "en"},
		{"/search?q=ALS&hl=ja", "", "ja", "絞り込み", "ja"},
	}
	for _, tt := range tests {
		doc := getHTML(t, ts, tt.path, "Accept-Language", tt.accept)
		if got := attr(findOne(t, doc, sel("html"), "html"), "lang"); got != tt.wantLang {
			t.Errorf("%s (Accept-Language %q): lang=%q, want %s", tt.path, tt.accept, got, tt.wantLang)
		}
		if !strings.Contains(textOf(doc), tt.wantText) {
			t.Errorf("%s (Accept-Language %q): page lacks %q", tt.path, tt.accept, tt.wantText)
		}
		// The language switcher links to this page in each language.
		switcher := findAll(findOne(t, doc, sel("nav", ".lang-switch"), "language switcher"), sel("a"))
		if len(switcher) != 3 {
			t.Errorf("%s: %d languages in the switcher, want 3", tt.path, len(switcher))
		}
		for _, a := range switcher {
			u, _ := url.Parse(attr(a, "href"))
			if u.Query().Get("hl") != attr(a, "lang") || u.Query().Get("q") != "ALS" {
				t.Errorf("%s: switcher link %q should keep q and set hl=%s", tt.path, attr(a, "href"), attr(a, "lang"))
			}
		}
		// An explicit hl is kept in every link of the page.
		if tt.wantHL == "" {
			continue
		}
		for _, a := range findAll(doc, sel("a", "href")) {
			u, _ := url.Parse(attr(a, "href"))
			if u.Host != "" || u.Path == "" || strings.HasPrefix(u.Path, "/api/") || strings.HasSuffix(u.Path, ".csv") || u.Path == "/export" || u.Path == "/metrics" || u.Fragment != "" && u.Path == "" {
				continue
			}
			if hasAncestorClass(a, "lang-switch") {
				continue
			}
			if got := u.Query().Get("hl"); got != tt.wantHL {
				t.Errorf("%s: link %q drops hl=%s", tt.path, attr(a, "href"), tt.wantHL)
			}
		}
		if hidden := findAll(doc, sel("input", "type=hidden", "name=hl")); len(hidden) != 1 || attr(hidden[0], "value") != tt.wantHL {
			t.Errorf("%s: the search form does not keep hl=%s", tt.path, tt.wantHL)
		}
	}
	// Facet labels come from the vocabulary in the page's language.
	_, body := get(t, ts, "/search?q=ALS&hl=ja")
	if !strings.Contains(body, "日本語") || !strings.Contains(body, "英語") {
		t.Error("the Japanese page does not label the languages in Japanese")
	}
}

// hasAncestorClass reports whether an ancestor of n has the class.
func hasAncestorClass(n *html.Node, class string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if hasClass(p, class) {
			return true
		}
	}
	return false
}

func TestDocumentPage(t *testing.T) {
	ts, _ := newTestServer(t)
	hit := firstHit(t, "ALS")
	res, body := get(t, ts, "/doc/"+hit.DocID+"?q=ALS&lang=en&hl=ja")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	doc := parseHTML(t, body)
	if got := textOf(findOne(t, doc, sel("h1"), "title")); got != hit.Title {
		t.Errorf("title %q, want %q", got, hit.Title)
	}
	want, err := testEngine(t).Document(t.Context(), hit.DocID)
	if err != nil {
		t.Fatal(err)
	}
	sections := findAll(doc, sel("section", ".doc-section"))
	if len(sections) != len(want.Sections) {
		t.Fatalf("%d sections shown, the document has %d", len(sections), len(want.Sections))
	}
	for i, s := range sections {
		if want := "s" + strconv.Itoa(i+1); attr(s, "id") != want {
			t.Errorf("section %d has id %q, want %s", i+1, attr(s, "id"), want)
		}
		h := findAll(s, sel("h2"))
		if heading := want.Sections[i].Heading; heading == "" && len(h) != 0 || heading != "" && (len(h) != 1 || !strings.HasPrefix(textOf(h[0]), heading)) {
			t.Errorf("section %s shows headings %d, want %q", attr(s, "id"), len(h), heading)
		}
	}
	if len(sections) > 1 {
		toc := findAll(findOne(t, doc, sel("nav", ".toc"), "table of contents"), sel("a"))
		if len(toc) != len(sections) || attr(toc[0], "href") != "#s1" {
			t.Errorf("table of contents has %d links starting %q; want %d starting #s1", len(toc), attr(toc[0], "href"), len(sections))
		}
	}
	if len(findAll(doc, sel("mark"))) == 0 {
		t.Error("the query is not highlighted")
	}
	back := findOne(t, doc, sel("p", ".back"), "back link")
	bu, _ := url.Parse(attr(findAll(back, sel("a"))[0], "href"))
	if bu.Path != "/search" || bu.Query().Get("q") != "ALS" || bu.Query().Get("lang") != "en" || bu.Query().Get("hl") != "ja" {
		t.Errorf("back link %s should return to the results (q, filters and hl)", bu)
	}
	if !strings.Contains(textOf(back), "検索結果に戻る") {
		t.Errorf("back link %q is not in Japanese", textOf(back))
	}
}

func TestDocumentPageLinksIdentifiers(t *testing.T) {
	ts, _ := newTestServer(t)
	engine := testEngine(t)
	resp, err := engine.Search(t.Context(), search.Request{Page: 1, Size: 100, Sort: search.SortRelevance, GroupByDoc: true})
	if err != nil {
		t.Fatal(err)
	}
	linked := 0
	for _, h := range resp.Hits {
		d, err := engine.Document(t.Context(), h.DocID)
		if err != nil {
			t.Fatal(err)
		}
		var page *html.Node
		for i, sec := range d.Sections {
			for _, id := range sec.Identifiers {
				if !strings.Contains(sec.Text, id.Value) {
					continue
				}
				if page == nil {
					page = getHTML(t, ts, "/doc/"+url.PathEscape(d.ID))
				}
				section := findOne(t, page, sel("section", "id="+sectionAnchor(sec.ID, i)), "section "+sec.ID)
				if len(findAll(section, sel("a", ".ext", "href="+identifierURL(id)))) == 0 {
					t.Errorf("%s: %s %s is not linked to %s", sec.ID, id.Kind, id.Value, identifierURL(id))
				}
				linked++
			}
		}
	}
	if linked == 0 {
		t.Fatal("no section of the bundled corpus names an identifier: the test checks nothing")
	}
}

func TestPagesHaveUniqueIDs(t *testing.T) {
	ts, _ := newTestServer(t)
	for _, path := range []string{"/", "/search?q=ALS&lang=ja&group=doc&map=design", "/search?q=zzzzqqq&lang=zh",
		"/doc/" + url.PathEscape(firstHit(t, "Muse").DocID) + "?q=Muse", "/no/such/page"} {
		res, body := get(t, ts, path)
		doc := parseHTML(t, body)
		seen := map[string]bool{}
		for _, n := range findAll(doc, sel("", "id")) {
			if id := attr(n, "id"); seen[id] {
				t.Errorf("%s (%d): id %q is used twice", path, res.StatusCode, id)
			} else {
				seen[id] = true
			}
		}
		// Every label names a control that exists.
		for _, l := range findAll(doc, sel("label", "for")) {
			if !seen[attr(l, "for")] {
				t.Errorf("%s: a label is for %q, which does not exist", path, attr(l, "for"))
			}
		}
	}
}

// TestSearchPageUndated checks that a page sorted by date says how many results have no
// date, in the view's unit, and lists them last.
func TestSearchPageUndated(t *testing.T) {
	ts, _ := newTestServer(t)
	undated := 0
	for _, h := range getSearch(t, ts, url.Values{"group": {"doc"}, "size": {"100"}}).Hits {
		if h.Date == "" {
			undated++
		}
	}
	if undated == 0 {
		t.Fatal("every document of the bundle has a date; the test needs one without")
	}
	doc := getHTML(t, ts, "/search?sort=date&size=100")
	if got, want := textOf(findOne(t, doc, sel("p", ".undated"), "undated notice")), fmt.Sprintf("%d documents have no date and are listed last.", undated); got != want {
		t.Errorf("notice %q, want %q", got, want)
	}
	hits := findAll(doc, sel("li", ".hit-doc"))
	for i, h := range hits {
		dated := len(findAll(h, sel("time"))) > 0
		if !dated && i < len(hits)-undated {
			t.Errorf("undated document %s is listed at %d of %d", attr(h, "data-doc"), i+1, len(hits))
		}
	}
	if len(findAll(getHTML(t, ts, "/search?size=100"), sel("p", ".undated"))) != 0 {
		t.Error("a page sorted by relevance speaks of undated results")
	}
}

// TestFooterHasNoMetricsLink checks that the pages do not offer readers the
// Prometheus metrics, which are for operators.
func TestFooterHasNoMetricsLink(t *testing.T) {
	ts, _ := newTestServer(t)
	for _, path := range []string{"/", "/search?q=ALS", "/doc/004_6bdb0a530be4535a"} {
		if _, body := get(t, ts, path); strings.Contains(body, `href="/metrics"`) {
			t.Errorf("%s links to /metrics", path)
		}
	}
}

// TestPagePastTheLast checks that a page past the last of the results says so and
// leads to the last page, rather than showing a count and nothing.
func TestPagePastTheLast(t *testing.T) {
	ts, _ := newTestServer(t)
	page := getHTML(t, ts, "/search?q=ALS&page=50&hl=en")
	empty := findOne(t, page, sel("div", ".empty"), "the past-the-last notice")
	if got := textOf(empty); !strings.Contains(got, "There is no page 50 of these results.") {
		t.Errorf("notice %q", got)
	}
	last := attr(findOne(t, empty, sel("a"), "the link to the last page"), "href")
	if strings.Contains(last, "page=50") {
		t.Errorf("link to the last page %q", last)
	}
	if _, body := get(t, ts, last); strings.Contains(body, "There is no page") {
		t.Errorf("the last page %s is past the last too", last)
	}
	if _, body := get(t, ts, "/search?q=ALS&page=50&hl=ja"); !strings.Contains(body, "この検索結果に 50 ページ目はありません。") {
		t.Error("the notice is not in Japanese on a Japanese page")
	}
}

// TestErrorPageKeepsTheQuery checks that a page refused for a bad parameter keeps the
// reader's query in the search box.
func TestErrorPageKeepsTheQuery(t *testing.T) {
	ts, _ := newTestServer(t)
	res, body := get(t, ts, "/search?q=stem+cells&indication=flu")
	if res.StatusCode != 400 {
		t.Fatalf("status %d, want 400", res.StatusCode)
	}
	box := findOne(t, parseHTML(t, body), sel("input", "id=q"), "the search box")
	if got := attr(box, "value"); got != "stem cells" {
		t.Errorf("the search box holds %q, want the query", got)
	}
}

// TestChipNameHoldsItsLabel checks that a filter chip's accessible name begins with the
// words it shows ("Indication ALS"), so that speech input can name it as seen.
func TestChipNameHoldsItsLabel(t *testing.T) {
	ts, _ := newTestServer(t)
	for _, hl := range []string{"en", "ja", "zh"} {
		page := getHTML(t, ts, "/search?q=cells&indication=als&hl="+hl)
		chip := findOne(t, page, sel("a", ".chip"), "the filter chip")
		shown := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(textOf(chip)), "×"))
		if name := attr(chip, "aria-label"); !strings.HasPrefix(name, shown) {
			t.Errorf("%s: the chip shows %q but is named %q", hl, shown, name)
		}
	}
}

// TestSnippetLinksIdentifiers checks that a registry id in a result's snippet links to
// the registry, as on the document page, with the query still marked.
func TestSnippetLinksIdentifiers(t *testing.T) {
	ts, _ := newTestServer(t)
	page := getHTML(t, ts, "/search?q=jRCT2063200047&group=section&hl=en")
	var linked bool
	for _, a := range findAll(page, sel("a", ".ext")) {
		if strings.Contains(attr(a, "href"), "jrct.niph.go.jp") && strings.Contains(textOf(a), "2063200047") {
			linked = true
		}
	}
	if !linked {
		t.Error("no snippet links jRCT2063200047 to the registry")
	}
	if len(findAll(page, sel("mark"))) == 0 {
		t.Error("the snippets mark nothing")
	}
}

// TestSyntaxHelp checks that the results page explains the query language, in the
// page's language.
func TestSyntaxHelp(t *testing.T) {
	ts, _ := newTestServer(t)
	for hl, want := range map[string]string{"en": "parentheses group words", "ja": "かっこで語をまとめます", "zh": "括号用于组合词语"} {
		page := getHTML(t, ts, "/search?q=ALS&hl="+hl)
		help := findOne(t, page, sel("details", ".syntax-help"), "the search tips")
		if got := len(findAll(help, sel("code"))); got != 4 {
			t.Errorf("%s: %d examples, want 4 (a phrase, an exclusion, OR, parentheses)", hl, got)
		}
		if !strings.Contains(textOf(help), want) {
			t.Errorf("%s: the tips do not say %q", hl, want)
		}
	}
}

// TestSearchPageHeadingMarked checks that a result found by a word of its section's
// heading only marks the word in the heading shown, in both views (#18).
func TestSearchPageHeadingMarked(t *testing.T) {
	ts, _ := newTestServer(t)
	for path, heading := range map[string]selector{
		"/search?q=Background":               sel("a", ".passage-section"),
		"/search?q=Background&group=section": sel("span", ".hit-section"),
	} {
		doc := getHTML(t, ts, path)
		var marked []string
		for _, h := range findAll(doc, heading) {
			for _, m := range findAll(h, sel("mark")) {
				marked = append(marked, textOf(m))
			}
		}
		if !slices.Contains(marked, "Background") {
			t.Errorf("%s: headings marked %q, want Background among them", path, marked)
		}
	}
}
