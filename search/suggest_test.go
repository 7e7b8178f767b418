package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"musesearch/corpus"
	"musesearch/indexer"
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
