package glossary

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func has(eqs []Equivalent, text, lang string) bool {
	return slices.Contains(eqs, Equivalent{Text: text, Lang: lang})
}

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		term string
		want []Equivalent
	}{
		{"臨床試験", []Equivalent{{"clinical trial", "en"}, {"临床试验", "zh"}}},
		{"臨床試驗", []Equivalent{{"clinical trial", "en"}, {"臨床試験", "ja"}}}, // traditional Chinese
		{"临床试验", []Equivalent{{"clinical trial", "en"}, {"臨床試験", "ja"}, {"治験", "ja"}}},
		{"clinical trial", []Equivalent{{"臨床試験", "ja"}, {"临床试验", "zh"}}},
		{"Clinical Trials", []Equivalent{{"臨床試験", "ja"}, {"临床试验", "zh"}}},
		{"bone marrow", []Equivalent{{"骨髄", "ja"}, {"骨髓", "zh"}}},
		{"bone-marrow", []Equivalent{{"骨髄", "ja"}, {"骨髓", "zh"}}},
		{"骨髄", []Equivalent{{"bone marrow", "en"}, {"骨髓", "zh"}}},
		{"干细胞", []Equivalent{{"stem cell", "en"}, {"幹細胞", "ja"}}},
		{"幹細胞", []Equivalent{{"stem cell", "en"}, {"干细胞", "zh"}}},
		{"stem cells", []Equivalent{{"幹細胞", "ja"}, {"干细胞", "zh"}}},
		{"haematopoietic stem cell", []Equivalent{{"造血幹細胞", "ja"}, {"造血干细胞", "zh"}}},
		{"間充質幹細胞", []Equivalent{{"mesenchymal stem cell", "en"}, {"間葉系幹細胞", "ja"}}},
		{"手術", []Equivalent{{"surgery", "en"}, {"手术", "zh"}}},
		{"placebo", []Equivalent{{"プラセボ", "ja"}, {"安慰剂", "zh"}}},
		{"有害事象", []Equivalent{{"adverse event", "en"}, {"不良事件", "zh"}}},
		{"脊髄損傷", []Equivalent{{"spinal cord injury", "en"}, {"脊髓损伤", "zh"}}},
		{"iPS細胞", []Equivalent{{"induced pluripotent stem cell", "en"}}},
		{"うつ病", []Equivalent{{"depression", "en"}, {"抑郁症", "zh"}}},
		{"培養", []Equivalent{{"culture", "en"}, {"培养", "zh"}}},
	} {
		got := lookup(tc.term)
		for _, w := range tc.want {
			if !has(got, w.Text, w.Lang) {
				t.Errorf("lookup(%q) = %v, want %v among them", tc.term, got, w)
			}
		}
		for _, eq := range got {
			if Key(eq.Text, "en") == Key(tc.term, "en") {
				t.Errorf("lookup(%q) returns the term itself: %v", tc.term, eq)
			}
		}
	}
	for _, term := range []string{"", "  ", "xylophone", "ｘｙｚ", "運動会"} {
		if got := lookup(term); got != nil {
			t.Errorf("lookup(%q) = %v, want nil", term, got)
		}
	}
}

// TestLookupNoise checks that an English term of the field does not bring the words
// of its other senses: the dictionaries translate them, the glossary must not.
func TestLookupNoise(t *testing.T) {
	for _, tc := range []struct {
		term   string
		others []Equivalent // words of another sense of term
	}{
		{"cell", []Equivalent{{"独居室", "ja"}, {"監房", "ja"}, {"電池", "ja"}, {"单元格", "zh"}, {"小区", "zh"}}},
		{"culture", []Equivalent{{"文化", "ja"}, {"カルチャー", "ja"}, {"文化", "zh"}, {"文明", "zh"}}},
		{"depression", []Equivalent{{"不況", "ja"}, {"凹み", "ja"}, {"萧条", "zh"}}},
		{"stroke", []Equivalent{{"劃", "ja"}, {"ストローク", "ja"}, {"冲程", "zh"}}},
		{"organ", []Equivalent{{"オルガン", "ja"}}},
		{"medium", []Equivalent{{"霊能者", "ja"}, {"五分熟", "zh"}}},
		{"host", []Equivalent{{"ホスト", "ja"}, {"东道", "zh"}}},
		{"differentiation", []Equivalent{{"差別化", "ja"}, {"微分法", "ja"}, {"差异化", "zh"}}},
		{"active", []Equivalent{{"活発", "ja"}, {"積極的", "ja"}, {"积极", "zh"}}},
		{"male pattern baldness", []Equivalent{{"地中海", "zh"}}},
		{"side effect", []Equivalent{{"副産物", "ja"}}},
		{"colony", []Equivalent{{"殖民地", "ja"}, {"殖民地", "zh"}, {"植民", "zh"}}},
		{"radius", []Equivalent{{"半径", "ja"}, {"半径", "zh"}}},
		{"probe", []Equivalent{{"探査機", "ja"}}},
	} {
		got := lookup(tc.term)
		for _, o := range tc.others {
			if has(got, o.Text, o.Lang) {
				t.Errorf("lookup(%q) has %v, a word of another sense: %v", tc.term, o, got)
			}
		}
	}
}

func TestFind(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string // the matched texts, in order
	}{
		{"臨床試験で骨髄由来の幹細胞を静脈投与した", []string{"臨床試験", "骨髄", "幹細胞", "静脈投与"}},
		{"A clinical trial of bone-marrow stem cells.", []string{"clinical trial", "bone-marrow", "stem cells"}},
		{"間充質幹細胞的臨床試驗", []string{"間充質幹細胞", "臨床試驗"}},
		{"mesenchymal stem cells", []string{"mesenchymal stem cells"}}, // the longest term
		{"cellular cells", []string{"cells"}},                          // whole words only
		{"two clinical studies", []string{"clinical studies"}},         // -ies plural of -y
		{"cell therapies", []string{"cell therapies"}},
		{"bone, marrow", nil}, // not across punctuation
		{"Muse 細胞", []string{"Muse 細胞"}},
		{"", nil},
	} {
		var got []string
		for _, m := range Find(tc.text) {
			got = append(got, tc.text[m.Start:m.End])
			if len(m.Entries) == 0 {
				t.Errorf("Find(%q): match %q has no entry", tc.text, tc.text[m.Start:m.End])
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Find(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestComplete(t *testing.T) {
	for _, tc := range []struct {
		prefix string
		limit  int
		want   []Completion // among the completions, Entry compared by English only
	}{
		{"臨床試", 10, []Completion{{Text: "臨床試験", Lang: "ja"}}},
		{"臨床試", 10, []Completion{{Text: "临床试验", Lang: "zh"}}},
		{"骨髓", 10, []Completion{{Text: "骨髓移植", Lang: "zh"}}},
		{"Bone Mar", 5, []Completion{{Text: "bone marrow", Lang: "en"}, {Text: "bone marrow transplantation", Lang: "en"}}},
		{"mesenchymal s", 5, []Completion{{Text: "mesenchymal stem cell", Lang: "en"}}},
	} {
		got := Complete(tc.prefix, tc.limit)
		if len(got) > tc.limit {
			t.Errorf("Complete(%q, %d) returned %d", tc.prefix, tc.limit, len(got))
		}
		for _, w := range tc.want {
			if !slices.ContainsFunc(got, func(c Completion) bool { return c.Text == w.Text && c.Lang == w.Lang && c.Entry != nil }) {
				t.Errorf("Complete(%q, %d) = %v, want %s (%s) among them", tc.prefix, tc.limit, got, w.Text, w.Lang)
			}
		}
		for i := 1; i < len(got); i++ {
			if len(got[i-1].Text) > len(got[i].Text) {
				t.Errorf("Complete(%q): %q before the shorter %q", tc.prefix, got[i-1].Text, got[i].Text)
			}
		}
	}
	if got := Complete("", 10); got != nil {
		t.Errorf("Complete(\"\") = %v, want nil", got)
	}
	if got := Complete("qqqzzz", 10); len(got) != 0 {
		t.Errorf("Complete(\"qqqzzz\") = %v, want nothing", got)
	}
}

func TestFindLangAndEquivalents(t *testing.T) {
	text := "临床试验 bone marrow"
	ms := Find(text)
	if len(ms) != 2 {
		t.Fatalf("Find(%q) = %v, want 2 matches", text, ms)
	}
	if ms[0].Lang != "zh" || ms[1].Lang != "en" {
		t.Errorf("Find(%q) langs = %s, %s; want zh, en", text, ms[0].Lang, ms[1].Lang)
	}
	if eqs := ms[1].Equivalents(text); !has(eqs, "骨髄", "ja") || !has(eqs, "骨髓", "zh") {
		t.Errorf("equivalents of %q = %v", text[ms[1].Start:ms[1].End], eqs)
	}
}

// TestGlossaryFile checks the committed data: it parses, is sorted by English key
// without two entries for one key, keeps every curated entry, and is large enough to
// be the generator's output rather than a stub.
func TestGlossaryFile(t *testing.T) {
	g, err := parseGlossary(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.entries) < 2500 {
		t.Errorf("glossary.tsv has %d entries; the generator writes about 3,000", len(g.entries))
	}
	for i := 1; i < len(g.entries); i++ {
		a, b := Key(g.entries[i-1].English, "en"), Key(g.entries[i].English, "en")
		if a >= b {
			t.Errorf("entries %q and %q are out of order or share a key", g.entries[i-1].English, g.entries[i].English)
		}
	}
	f, err := os.Open("curated.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	curated, err := Parse(f)
	if err != nil {
		t.Fatalf("curated.tsv: %v", err)
	}
	byKey := map[string]Entry{}
	for _, e := range g.entries {
		byKey[Key(e.English, "en")] = e
	}
	for _, c := range curated {
		e, ok := byKey[Key(c.English, "en")]
		if !ok {
			t.Errorf("curated %q is not in glossary.tsv: run the generator", c.English)
			continue
		}
		for _, f := range slices.Concat(c.Japanese, c.Chinese) {
			if !slices.Contains(e.Japanese, f) && !slices.Contains(e.Chinese, f) {
				t.Errorf("curated %q has %s, which glossary.tsv lacks: run the generator", c.English, f)
			}
		}
		if e.Ambiguous || !slices.Contains(e.Sources, SourceCurated) {
			t.Errorf("curated %q is %+v in glossary.tsv", c.English, e)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, text := range []string{
		"stem cell\t幹細胞\n",                    // two fields
		"\t幹細胞\t干细胞\n",                        // no English
		"stem cell\t\t\n",                     // no form
		"stem cell\t幹細胞\t干细胞\twikipedia\n",    // unknown source
		"stem cell\t幹細胞\t干细胞\tedict\tmaybe\n", // bad fifth field
		"a\tb\tc\td\te\tf\n",                  // six fields
	} {
		if _, err := Parse(strings.NewReader(text)); err == nil {
			t.Errorf("Parse(%q) accepted it", text)
		}
	}
	e := Entry{English: "culture", Japanese: []string{"培養"}, Chinese: []string{"培养"}, Sources: []string{SourceEDICT, SourceCEDICT}, Ambiguous: true}
	back, err := Parse(strings.NewReader("# comment\n\n" + e.Line() + "\n"))
	if err != nil || len(back) != 1 || back[0].Line() != e.Line() || !back[0].Ambiguous {
		t.Errorf("Parse(Line()) = %+v, %v; want %+v", back, err, e)
	}
}

func TestKey(t *testing.T) {
	for _, tc := range []struct{ a, b, lang string }{
		{"Bone-Marrow", "bone  marrow", "en"},
		{"haematopoietic", "hematopoietic", "en"},
		{"Randomised", "randomized", "en"},
		{"Muse 細胞", "muse細胞", "ja"},
		{"ＩＰＳ細胞", "iPS細胞", "ja"},
		{"臨床試驗", "临床试验", "zh"},
	} {
		if Key(tc.a, tc.lang) != Key(tc.b, tc.lang) {
			t.Errorf("Key(%q) = %q, Key(%q) = %q; want them equal", tc.a, Key(tc.a, tc.lang), tc.b, Key(tc.b, tc.lang))
		}
	}
	if Key("幹細胞", "ja") == Key("干细胞", "ja") {
		t.Error("Key folds Japanese to simplified Chinese")
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := parseGlossary(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFind(b *testing.B) {
	load()
	for _, q := range []string{
		"clinical trial of mesenchymal stem cells in bone marrow",
		"臨床試験で骨髄由来の幹細胞を静脈投与した",
		"間充質幹細胞治療肌萎縮側索硬化症的臨床試驗",
	} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				Find(q)
			}
		})
	}
}

func BenchmarkComplete(b *testing.B) {
	load()
	for _, prefix := range []string{"c", "stem", "臨床", "干"} {
		b.Run(prefix, func(b *testing.B) {
			for b.Loop() {
				Complete(prefix, 10)
			}
		})
	}
}

func BenchmarkLookup(b *testing.B) {
	load()
	for b.Loop() {
		lookup("臨床試験")
	}
}

// BenchmarkEquivalents finds the glossary terms of query words and lists their
// equivalents, as a search does for every word it expands.
func BenchmarkEquivalents(b *testing.B) {
	words := []string{"脊髄損傷", "safety", "patients", "間葉系幹細胞", "间充质干细胞", "clinical trial", "bone marrow", "臨床試驗"}
	load()
	b.ReportAllocs()
	for b.Loop() {
		for _, w := range words {
			for _, m := range Find(w) {
				m.Equivalents(w)
			}
		}
	}
}

// lookup returns the equivalents of term, a whole glossary term in any language, in
// the other languages and its synonyms in its own: English first, then Japanese, then
// Chinese, without duplicates. It returns nil when term is not in the glossary.
func lookup(term string) []Equivalent {
	g := load()
	v := newView(term)
	if len(v.units) == 0 {
		return nil
	}
	entries, lang := g.at(v, 0, len(v.units)-1)
	if len(entries) == 0 {
		return nil
	}
	return g.equivalents(entries, term, lang)
}
