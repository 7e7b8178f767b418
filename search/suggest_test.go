package search

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"musesearch/bench/scalegen"
	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/internal/cputime"
	"musesearch/internal/segments"
)

func TestSuggest(t *testing.T) {
	e := bundleEngine(t)
	type want struct {
		text, lang, kind string
		translation      string // one of its translations, "" for none to check
	}
	tests := []struct {
		prefix, lang string
		has          []want
		not          []string // texts that must not be suggested
	}{
		{"bone mar", "", []want{{"bone marrow", "en", SuggestTerm, "骨髄"}}, nil},
		{"BONE MAR", "", []want{{"bone marrow", "en", SuggestTerm, "骨髓"}}, nil},
		{"臨床", "ja", []want{{"臨床応用", "ja", SuggestTerm, "clinical application"}, {"临床试验", "zh", SuggestTerm, "臨床試験"}}, []string{"臨床試験"}}, // not in the corpus
		// Traditional characters complete to the simplified form.
		{"臨床試驗", "zh", []want{{"临床试验", "zh", SuggestTerm, "clinical trial"}}, nil},
		{"ALS", "en", []want{{"ALS", "en", SuggestConcept, "筋萎縮性側索硬化症（ALS）"}}, nil},
		{"infarct", "", []want{{"Myocardial infarction", "en", SuggestConcept, "心筋梗塞"}}, nil},
		{"筋萎縮", "ja", []want{
			{"筋萎縮性側索硬化症（ALS）", "ja", SuggestConcept, "ALS"},
			{"筋萎縮性側索硬化症（ALS）を新しい幹細胞で治療する！", "ja", SuggestTitle, ""},
		}, nil},
		{"future of", "", []want{{"Muse Cells vs. MSCs: The Future of Regenerative Medicine", "en", SuggestTitle, ""}}, nil},
		// Glossary terms the index does not hold are left out.
		{"anvi", "", nil, []string{"anvil"}},
		// A word is completed from its start only.
		{"arrow", "", nil, []string{"bone marrow"}},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			got, err := e.Suggest(context.Background(), tt.prefix, tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) > MaxSuggestions {
				t.Errorf("%d suggestions, want at most %d", len(got), MaxSuggestions)
			}
			for _, w := range tt.has {
				i := slices.IndexFunc(got, func(s Suggestion) bool { return s.Text == w.text && s.Lang == w.lang && s.Kind == w.kind })
				if i < 0 {
					t.Errorf("no %s %q (%s) among %v", w.kind, w.text, w.lang, got)
					continue
				}
				if w.translation != "" && !slices.ContainsFunc(got[i].Translations, func(tr Translation) bool { return tr.Text == w.translation }) {
					t.Errorf("%q translates to %v, want %q among them", w.text, got[i].Translations, w.translation)
				}
			}
			for _, s := range got {
				if slices.Contains(tt.not, s.Text) {
					t.Errorf("suggested %q", s.Text)
				}
				switch s.Kind {
				case SuggestConcept:
					if s.Concept.ID == "" {
						t.Errorf("concept %q names no facet value", s.Text)
					}
				case SuggestTitle:
					if s.DocID == "" {
						t.Errorf("title %q names no document", s.Text)
					}
				}
			}
		})
	}
	for _, prefix := range []string{"", "  ", strings.Repeat("a", maxSuggestPrefix+1)} {
		if got, err := e.Suggest(context.Background(), prefix, ""); err != nil || len(got) != 0 {
			t.Errorf("Suggest(%.10q) = %v, %v; want nothing", prefix, got, err)
		}
	}
}

// TestSuggestLanguageFirst checks that suggestions in the reader's language come
// first: 幹 completes to the Japanese 幹細胞 and the Chinese 干细胞.
func TestSuggestLanguageFirst(t *testing.T) {
	e := bundleEngine(t)
	for _, lang := range []string{"ja", "zh"} {
		got, err := e.Suggest(context.Background(), "幹細", lang)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || got[0].Lang != lang || got[0].Kind != SuggestTerm {
			t.Errorf("lang %s: suggestions %v, want a %s term first", lang, got, lang)
		}
	}
}

// TestSuggestTitlesFollowTheIndex checks that titles are suggested from the index as
// it is, within moments: a document added is suggested, one removed no longer.
func TestSuggestTitlesFollowTheIndex(t *testing.T) {
	ctx := context.Background()
	e := openEngine(t, indexer.Config{})
	ix := e.ix
	titles := func() []string {
		got, err := e.Suggest(ctx, "umbil", "")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range got {
			if s.Kind == SuggestTitle {
				out = append(out, s.Text)
			}
		}
		return out
	}
	// soon asks until the titles are want, for a while: a change is read in the
	// background.
	soon := func(want []string) []string {
		var got []string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if got = titles(); slices.Equal(got, want) {
				break
			}
		}
		return got
	}
	if got := titles(); len(got) != 0 {
		t.Fatalf("an empty index suggests %v", got)
	}
	doc := corpus.Document{ID: "u", Source: "u.txt", Title: "Umbilical cord cells", Lang: "en",
		Sections: []corpus.Section{{ID: "u#1", Lang: "en", Text: "Cells from the umbilical cord."}}}
	if _, err := ix.ReplaceFile(ctx, "u.txt", nil, []corpus.Document{doc}); err != nil {
		t.Fatal(err)
	}
	if got := soon([]string{"Umbilical cord cells"}); !slices.Equal(got, []string{"Umbilical cord cells"}) {
		t.Errorf("after adding a document: %v", got)
	}
	if _, err := ix.RemoveFile(ctx, "u.txt"); err != nil {
		t.Fatal(err)
	}
	if got := soon(nil); len(got) != 0 {
		t.Errorf("after removing it: %v", got)
	}
}

// TestDidYouMean checks that a Chinese or Japanese query that finds nothing gets a
// glossary term close to it that finds something: the completion of what it begins
// with (a wrong last character) or a term it holds.
func TestDidYouMean(t *testing.T) {
	e := bundleEngine(t)
	tests := []struct{ query, want string }{
		{"臨床試検", "臨床試験"},                // 検 for 験
		{"プラセホ", "プラセボ"},                // a sound mark left out
		{"骨髄移殖", "骨髄移植"},                // 殖 for 植
		{"幹細胞療法学", "幹細胞療法"},             // a character too many
		{"幹細胞の未知語", "幹細胞"},              // a term inside
		{"脊随損傷", ""},                    // nothing close in the glossary
		{"mesenchymall", "mesenchymal"}, // Latin script: the fuzzy retry's
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp := mustSearch(t, e, Request{Query: tt.query})
			if resp.Suggestion != tt.want {
				t.Errorf("suggestion %q, want %q", resp.Suggestion, tt.want)
			}
			if tt.want != "" && resp.Fuzzy == (resp.Total == 0) {
				t.Errorf("fuzzy %v with %d hits: only a fuzzy retry has hits", resp.Fuzzy, resp.Total)
			}
		})
	}
}

// TestSuggestTitlesBounded checks that suggesting titles reads a bounded number of
// them however many the index has, and that below that bound it finds the titles a
// reading of every title finds.
func TestSuggestTitlesBounded(t *testing.T) {
	words := []string{"cell", "cells", "cord", "cardiac", "stroke", "safety", "muse", "trial", "間葉系幹細胞", "脊髄損傷", "临床试验", "干细胞"}
	langs := []string{"en", "ja", "zh"}
	var titles []docTitle
	for i := range 20_000 {
		w := []string{words[i%len(words)], words[i/len(words)%len(words)], fmt.Sprint(i)}
		if i%7 == 0 {
			w = append([]string{"(" + words[i%5]}, w...)
		}
		title := strings.Join(w, " ")
		titles = append(titles, docTitle{id: fmt.Sprint(i), title: title, lang: langs[i%3], key: suggestKey(title)})
	}
	x := newTitleIndex(titles)
	for _, prefix := range []string{"c", "ce", "cell", "cells 1", "stroke", "(", "(c", "(muse card", "間", "幹細", "細胞 脊髄", "细胞", "试验 12", "12", "1234", "muse card", "CARDIAC MUSE 1", "zz"} {
		key := suggestKey(prefix)
		for _, lang := range langs {
			got, read := x.find(key, lang)
			if read > 2*maxTitlePlaces {
				t.Errorf("%q: read %d places, want at most %d", prefix, read, 2*maxTitlePlaces)
			}
			if read >= maxTitlePlaces {
				continue // bounded: the best of those read, not of every title
			}
			if want := scanTitles(titles, key, lang); !gocmp.Equal(got, want, cmpopts.EquateEmpty()) {
				t.Errorf("%q in %s: %v, want %v", prefix, lang, got, want)
			}
		}
	}
}

// scanTitles is what suggesting titles finds when it reads every title: the titles
// that hold key at the start of a word, those that begin with it first, then those
// in lang, then the shortest, then in the order of their keys and ids.
func scanTitles(titles []docTitle, key, lang string) []Suggestion {
	type ranked struct {
		docTitle
		at int
	}
	var found []ranked
	for _, t := range titles {
		if at := wordPrefixAt(t.key, key); at >= 0 {
			found = append(found, ranked{t, at})
		}
	}
	slices.SortStableFunc(found, func(a, b ranked) int {
		return cmp.Or(boolOrder(b.at == 0, a.at == 0), boolOrder(b.lang == lang, a.lang == lang), cmp.Compare(len(a.title), len(b.title)), strings.Compare(a.key, b.key), strings.Compare(a.id, b.id))
	})
	var out []Suggestion
	for _, r := range found[:min(len(found), maxTitleSuggestions)] {
		out = append(out, Suggestion{Text: r.title, Lang: r.lang, Kind: SuggestTitle, Translations: []Translation{}, DocID: r.id})
	}
	return out
}

// newTitleIndex indexes titles as the titles of one segment, every one kept.
func newTitleIndex(titles []docTitle) *titleIndex {
	return &titleIndex{parts: []titlePart{{segmentTitles: newSegmentTitles(titles)}}}
}

// keptTitles returns the titles x keeps, in the order of its parts and of the titles
// in each.
func keptTitles(x *titleIndex) []docTitle {
	var out []docTitle
	for _, p := range x.parts {
		for _, t := range p.titles {
			if p.keep == nil || p.keep.Contains(t.num) {
				out = append(out, t)
			}
		}
	}
	return out
}

// TestSuggestViewReadsNewSegments checks that the view of a snapshot reads the titles
// of its new segments only, the others' coming from the last view, and that a
// document replaced or removed has its title no longer suggested. The index is kept in
// memory, where scorch neither persists nor merges segments: each write adds one.
func TestSuggestViewReadsNewSegments(t *testing.T) {
	ctx := context.Background()
	ix := openEngine(t, indexer.Config{}).ix
	put := func(name, id, title string) {
		t.Helper()
		doc := corpus.Document{ID: id, Source: name, Title: title, Lang: "en",
			Sections: []corpus.Section{{ID: id + "#1", Lang: "en", Text: "Cells."}, {ID: id + "#2", Lang: "en", Text: "More cells."}}}
		if _, err := ix.ReplaceFile(ctx, name, nil, []corpus.Document{doc}); err != nil {
			t.Fatal(err)
		}
	}
	var view *suggestView
	step := func(what string, wantRead int, want map[string][]string) {
		t.Helper()
		var err error
		if view, err = readView(ctx, ix, view); err != nil {
			t.Fatal(err)
		}
		if view.read != wantRead {
			t.Errorf("%s: read %d titles, want %d", what, view.read, wantRead)
		}
		for prefix, titles := range want {
			found, _ := view.titles.find(suggestKey(prefix), "en")
			var got []string
			for _, s := range found {
				got = append(got, s.Text)
			}
			if !slices.Equal(got, titles) {
				t.Errorf("%s: %q suggests %q, want %q", what, prefix, got, titles)
			}
		}
	}
	put("a.txt", "a", "Umbilical cord cells")
	step("one document", 1, map[string][]string{"umbil": {"Umbilical cord cells"}, "cells": {"Umbilical cord cells"}})
	put("b.txt", "b", "Bone marrow cells")
	step("a document added", 1, map[string][]string{"umbil": {"Umbilical cord cells"}, "bone": {"Bone marrow cells"},
		"cells": {"Bone marrow cells", "Umbilical cord cells"}})
	step("nothing changed", 0, map[string][]string{"cells": {"Bone marrow cells", "Umbilical cord cells"}})
	put("a.txt", "a", "Placental cells")
	step("a document replaced", 1, map[string][]string{"umbil": nil, "placent": {"Placental cells"},
		"cells": {"Placental cells", "Bone marrow cells"}})
	if _, err := ix.RemoveFile(ctx, "b.txt"); err != nil {
		t.Fatal(err)
	}
	step("a document removed", 0, map[string][]string{"bone": nil, "cells": {"Placental cells"}})
}

// TestSuggestViewFollowsSnapshots changes an index written to disk file by file (new
// files, a file whose title changes, a removed file, and the merges and persisting
// scorch does meanwhile) and holds the view made from the last one to the titles the
// index holds and to what a view read afresh from the same snapshot finds.
func TestSuggestViewFollowsSnapshots(t *testing.T) {
	ctx := context.Background()
	ix, err := indexer.Open(ctx, indexer.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	titles := map[string]docTitle{} // by file
	langs := []string{"en", "ja", "zh"}
	put := func(i int, title string) {
		t.Helper()
		name, id := fmt.Sprintf("f%02d.txt", i), fmt.Sprintf("d%02d", i)
		lang := langs[i%len(langs)]
		doc := corpus.Document{ID: id, Source: name, Title: title, Lang: lang,
			Sections: []corpus.Section{{ID: id + "#1", Lang: lang, Text: title}, {ID: id + "#2", Lang: lang, Text: "Muse cells."}}}
		if _, err := ix.ReplaceFile(ctx, name, nil, []corpus.Document{doc}); err != nil {
			t.Fatal(err)
		}
		titles[name] = docTitle{id: id, title: title, lang: lang, key: suggestKey(title)}
	}
	var view *suggestView
	check := func(step string) {
		t.Helper()
		var kept, fresh *suggestView
		var kerr, ferr error
		probe := readerQuery{func(ctx context.Context, r index.IndexReader) {
			snap, err := segments.Of(r)
			if err != nil {
				kerr = err
				return
			}
			kept, kerr = newView(ctx, snap, view, maxTitles)
			fresh, ferr = newView(ctx, snap, nil, maxTitles)
		}}
		if _, err := ix.Search(ctx, bleve.NewSearchRequestOptions(probe, 0, 0, false)); err != nil {
			t.Fatal(err)
		}
		if kerr != nil || ferr != nil {
			t.Fatalf("%s: %v, %v", step, kerr, ferr)
		}
		view = kept
		var want []docTitle
		for _, d := range titles {
			want = append(want, d)
		}
		byID := func(a, b docTitle) int { return strings.Compare(a.id, b.id) }
		slices.SortFunc(want, byID)
		got := keptTitles(&kept.titles)
		slices.SortFunc(got, byID)
		if !gocmp.Equal(got, want, gocmp.AllowUnexported(docTitle{}), cmpopts.IgnoreFields(docTitle{}, "num"), cmpopts.EquateEmpty()) {
			t.Errorf("%s: the view keeps %v, want %v", step, got, want)
		}
		for _, prefix := range []string{"m", "muse", "cells", "trial 1", "幹細", "细胞", "z"} {
			for _, lang := range langs {
				key := suggestKey(prefix)
				g, _ := kept.titles.find(key, lang)
				f, _ := fresh.titles.find(key, lang)
				w := scanTitles(want, key, lang)
				if !gocmp.Equal(g, w, cmpopts.EquateEmpty()) || !gocmp.Equal(f, w, cmpopts.EquateEmpty()) {
					t.Errorf("%s: %q in %s: kept %v, fresh %v, want %v", step, prefix, lang, g, f, w)
				}
			}
		}
	}
	// Enough files, one segment each, for scorch to merge some in the background.
	for i := range 12 {
		put(i, fmt.Sprintf([]string{"Muse cells in trial %d", "幹細胞の試験 %d", "干细胞试验 %d"}[i%3], i))
		check(fmt.Sprintf("file %d added", i))
	}
	put(1, "Mesenchymal cells in trial 1")
	check("a file's title changed")
	if _, err := ix.RemoveFile(ctx, "f02.txt"); err != nil {
		t.Fatal(err)
	}
	delete(titles, "f02.txt")
	check("a file removed")
}

// TestSuggestViewBounded checks that a view reads the titles of no more than its
// limit of documents of a segment, and keeps those of the first live documents up to
// its limit, the last segment's first.
func TestSuggestViewBounded(t *testing.T) {
	ctx := context.Background()
	// One segment of three documents (the first sync's), of which one is removed,
	// then one of one.
	dir := t.TempDir()
	for _, name := range []string{"a1", "a2", "a3"} {
		if err := os.WriteFile(filepath.Join(dir, name+".md"), []byte("# Title "+name+"\n\nMuse cells.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ix := openEngine(t, indexer.Config{CorpusDir: dir}).ix
	if _, err := ix.RemoveFile(ctx, "a2.md"); err != nil {
		t.Fatal(err)
	}
	doc := corpus.Document{ID: "b1", Source: "b1.md", Title: "Title b1", Lang: "en",
		Sections: []corpus.Section{{ID: "b1#1", Lang: "en", Text: "Cells."}}}
	if _, err := ix.ReplaceFile(ctx, "b1.md", nil, []corpus.Document{doc}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		limit int
		want  []string
		read  int
	}{
		{1, []string{"Title b1"}, 1},
		// a2's title is read, but not kept, and a3's not read.
		{2, []string{"Title b1", "Title a1"}, 1 + 2},
		{3, []string{"Title b1", "Title a1", "Title a3"}, 1 + 3},
		{10, []string{"Title b1", "Title a1", "Title a3"}, 1 + 3},
	} {
		var view *suggestView
		var err error
		probe := readerQuery{func(ctx context.Context, r index.IndexReader) {
			snap, serr := segments.Of(r)
			if serr != nil {
				err = serr
				return
			}
			view, err = newView(ctx, snap, nil, tt.limit)
		}}
		if _, serr := ix.Search(ctx, bleve.NewSearchRequestOptions(probe, 0, 0, false)); serr != nil {
			t.Fatal(serr)
		}
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range keptTitles(&view.titles) {
			got = append(got, d.title)
		}
		if !slices.Equal(got, tt.want) || view.read != tt.read {
			t.Errorf("limit %d: kept %v, read %d; want %v, %d", tt.limit, got, view.read, tt.want, tt.read)
		}
	}
}

// TestSegmentTitlesSorted checks that a segment's places are in the order of
// comparePlaces, keys shorter than the chunkBytes bytes sorting reads at once, keys
// that share them, and keys with zero bytes included.
func TestSegmentTitlesSorted(t *testing.T) {
	texts := []string{"a", "ab", "ab\x00", "ab\x00c", "abcdefgh", "abcdefghi", "abcdefgh a", "abcdefgh", "幹細胞", "幹細胞の試験", "幹細", "b a", "a b", "", "\x00"}
	var titles []docTitle
	for i, text := range texts {
		for j := range 3 {
			titles = append(titles, docTitle{id: fmt.Sprint(j, i), title: text, lang: "en", key: suggestKey(text), num: uint32(len(titles))})
		}
	}
	x := newSegmentTitles(titles)
	for _, run := range [][]titlePlace{x.heads, x.words} {
		if len(run) == 0 {
			t.Fatal("no places")
		}
		if !slices.IsSortedFunc(run, func(a, b titlePlace) int { return comparePlaces(x, a, x, b) }) {
			var got []string
			for _, p := range run {
				got = append(got, fmt.Sprintf("%q/%s", x.from(p), x.titles[p.title].id))
			}
			t.Errorf("places out of order: %v", got)
		}
	}
}

// TestSortPlacesMatchesComparison checks that a segment's places are sorted exactly as
// a sort by comparePlaces sorts them, on random keys of a few letters (many equal, many
// sharing a prefix of the length sorting reads at once or one byte more or less), of
// Chinese and Japanese, with zero and 0xff bytes, and long keys that differ only at
// their end, with ids in another order than the titles.
func TestSortPlacesMatchesComparison(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 1))
	pieces := []string{"a", "b", "a ", " ", "\x00", "\xff", "ab", "abcdefg", "abcdefgh", "abcdefghijklmn", "幹細胞", "幹", "细胞", "の", "（", "-", "7", "12"}
	long := strings.Repeat("mesenchymal stem cells (mscs) for stroke: a ", 4)
	var keys []string
	for range 3000 {
		var b strings.Builder
		if rng.IntN(4) == 0 {
			b.WriteString(long[:rng.IntN(len(long))])
		}
		for range rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		keys = append(keys, b.String())
		if rng.IntN(3) == 0 { // the same key again, for another document
			keys = append(keys, b.String())
		}
	}
	var titles []docTitle
	for i, key := range keys {
		titles = append(titles, docTitle{id: fmt.Sprint(rng.IntN(1_000_000), "-", i), title: key, lang: "en", key: key, num: uint32(i)})
	}
	x := newSegmentTitles(titles)
	for name, run := range map[string][]titlePlace{"heads": x.heads, "words": x.words} {
		want := slices.Clone(run)
		rng.Shuffle(len(want), func(i, j int) { want[i], want[j] = want[j], want[i] })
		slices.SortFunc(want, func(a, b titlePlace) int { return comparePlaces(x, a, x, b) })
		if len(run) < len(keys)/2 {
			t.Fatalf("%s: %d places of %d keys", name, len(run), len(keys))
		}
		for i := range run {
			if run[i] != want[i] {
				t.Fatalf("%s: place %d is %q of %s, want %q of %s", name, i,
					x.from(run[i]), x.titles[run[i].title].id, x.from(want[i]), x.titles[want[i].title].id)
			}
		}
	}
}

// TestTitleIndexParts checks that titles indexed in several parts, some not kept, are
// found as they are when the kept ones are indexed in one: the same titles, and the
// same number of places read, the bound on them reached or not.
func TestTitleIndexParts(t *testing.T) {
	words := []string{"cell", "cells", "cord", "cardiac", "stroke", "muse", "trial", "間葉系幹細胞", "脊髄損傷", "临床试验", "干细胞"}
	langs := []string{"en", "ja", "zh"}
	const parts = 5
	var split [parts][]docTitle
	var kept []docTitle
	keep := [parts]*roaring.Bitmap{}
	for i := range keep {
		keep[i] = roaring.New()
	}
	for i := range 12_000 {
		title := fmt.Sprint(words[i%len(words)], " ", words[i/len(words)%len(words)], " ", i%500)
		p := i % parts
		d := docTitle{id: fmt.Sprint(i), title: title, lang: langs[i%3], key: suggestKey(title), num: uint32(len(split[p]))}
		split[p] = append(split[p], d)
		if i%3 != 0 || p == 0 { // part 0 keeps every title
			keep[p].Add(d.num)
			kept = append(kept, d)
		}
	}
	var x titleIndex
	for p := range parts {
		part := titlePart{segmentTitles: newSegmentTitles(split[p]), keep: keep[p]}
		if p == 0 {
			part.keep = nil
		}
		x.parts = append(x.parts, part)
	}
	one := newTitleIndex(kept)
	bounded := 0
	for _, prefix := range []string{"c", "ce", "cell", "cells 1", "stroke", "muse trial 4", "間", "幹細", "细胞", "试验 12", "1", "12", "zz"} {
		key := suggestKey(prefix)
		for _, lang := range langs {
			got, gotRead := x.find(key, lang)
			want, wantRead := one.find(key, lang)
			if !gocmp.Equal(got, want, cmpopts.EquateEmpty()) || gotRead != wantRead {
				t.Errorf("%q in %s: %v (%d places read), want %v (%d)", prefix, lang, got, gotRead, want, wantRead)
			}
			if wantRead >= maxTitlePlaces {
				bounded++
			}
		}
	}
	if bounded == 0 {
		t.Error("no prefix reached the bound on the places read")
	}
}

// Sizes of BenchmarkSegmentTitles.
const (
	// benchTitles is how many titles it indexes: those of a merged segment of a large
	// index (merges of the benchmark's 1M sections, 195,000 documents, make segments of
	// about 100,000).
	benchTitles = 100_000
	// benchTitleSections is how many sections of the generated corpus it takes the
	// titles of, to repeat: they hold about 1,000 distinct titles, each repeated about
	// 60 times in benchTitles, as in the 1M sections' 195,000 documents (3,135 titles).
	benchTitleSections = 30_000
)

// BenchmarkSegmentTitles indexes the titles of one large segment (newSegmentTitles),
// as a view does for every segment it has not read: in "scalegen" those of the
// benchmark's generated corpus, whose titles repeat a few thousand templates (each
// distinct title about 60 times, as at 1M sections), and in "numbered" the same
// titles each made distinct by a number at its end (long shared prefixes). It
// reports the CPU time per title.
func BenchmarkSegmentTitles(b *testing.B) {
	g, err := scalegen.New(scalegen.Config{Seed: 1, Sections: benchTitleSections, Bundle: corpus.Bundle})
	if err != nil {
		b.Fatal(err)
	}
	var generated []docTitle
	for f := range g.Files() {
		docs, err := corpus.Parse(f.Name, f.Data)
		if err != nil {
			b.Fatal(err)
		}
		for _, d := range docs {
			generated = append(generated, docTitle{title: d.Title, lang: d.Lang, key: suggestKey(d.Title)})
		}
	}
	for _, numbered := range []bool{false, true} {
		var titles []docTitle
		distinct := map[string]bool{}
		for i := range benchTitles {
			t := generated[i%len(generated)]
			t.id, t.num = fmt.Sprintf("scale_%07d", i), uint32(i)
			if numbered {
				t.title = fmt.Sprint(t.title, " ", i)
				t.key = suggestKey(t.title)
			}
			titles = append(titles, t)
			distinct[t.key] = true
		}
		name := "scalegen"
		if numbered {
			name = "numbered"
		}
		b.Run(name, func(b *testing.B) {
			began := cputime.Of(b)
			for b.Loop() {
				newSegmentTitles(titles)
			}
			b.ReportMetric(float64(cputime.Of(b)-began)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(cputime.Of(b)-began)/float64(b.N*len(titles)), "cpu-ns/title")
			b.ReportMetric(float64(len(distinct)), "distinct")
		})
	}
}
