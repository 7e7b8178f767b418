package glossary

import (
	"encoding/json"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"musesearch/corpus"
)

// The cross-language evaluation set, testdata/crosslang.json (its "about" field
// describes it), is data for the search's integration test. The tests here check the
// data itself against the corpus it names, and that the glossary gives every query an
// equivalent that each expected passage names.

type evalSet struct {
	About   string      `json:"about"`
	Queries []evalQuery `json:"queries"`
}

type evalQuery struct {
	Name     string            `json:"name"`
	Params   map[string]string `json:"params"`
	FromLang string            `json:"from_lang"`
	Why      string            `json:"why"`
	Has      [][]string        `json:"has"`
	Expect   []struct {
		Section string `json:"section"`
		Why     string `json:"why"`
	} `json:"expect"`
}

// minEvalQueries is the size the set must keep.
const minEvalQueries = 80

func loadEvalSet(t *testing.T) (evalSet, map[string]corpus.Section) {
	t.Helper()
	data, err := os.ReadFile("testdata/crosslang.json")
	if err != nil {
		t.Fatal(err)
	}
	var set evalSet
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&set); err != nil {
		t.Fatalf("testdata/crosslang.json: %v", err)
	}
	sections := map[string]corpus.Section{}
	add := func(fsys fs.FS) {
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".txt") {
				continue
			}
			b, err := fs.ReadFile(fsys, e.Name())
			if err != nil {
				t.Fatal(err)
			}
			docs, err := corpus.Parse(e.Name(), b)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range docs {
				for _, s := range d.Sections {
					sections[s.ID] = s
				}
			}
		}
	}
	add(corpus.Bundle)
	add(os.DirFS("testdata/crosslang"))
	return set, sections
}

// names reports whether passage s names term: its key holds the term's key (Chinese
// folded to simplified characters), an English one at the start of a word and in the
// singular or plural ("clinical study" in "preclinical studies" does not count).
func names(s corpus.Section, term string) bool {
	zh := s.Lang == "zh"
	text, k := key(s.Heading+"\n"+s.Text, zh), key(term, zh)
	forms := []string{k}
	if s.Lang == "en" && strings.HasSuffix(k, "y") {
		forms = append(forms, k[:len(k)-1]+"ies")
	}
	for _, f := range forms {
		for i := 0; ; {
			j := strings.Index(text[i:], f)
			if j < 0 {
				break
			}
			at := i + j
			r, _ := utf8.DecodeLastRuneInString(text[:at])
			if s.Lang != "en" || at == 0 || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return true
			}
			i = at + 1
		}
	}
	return false
}

// TestEvalSetData checks the evaluation set against the corpus: enough queries in
// every direction, every expected passage in the target language and naming what the
// query asks for, and no passage that does left out.
func TestEvalSetData(t *testing.T) {
	set, sections := loadEvalSet(t)
	if len(set.Queries) < minEvalQueries {
		t.Errorf("the set has %d queries, want at least %d", len(set.Queries), minEvalQueries)
	}
	directions := map[string]int{}
	names_ := map[string]bool{}
	for _, q := range set.Queries {
		directions[q.FromLang+">"+q.Params["lang"]]++
		if names_[q.Name] {
			t.Errorf("query name %q is used twice", q.Name)
		}
		names_[q.Name] = true
		if q.Params["q"] == "" || len(q.Has) == 0 || len(q.Expect) == 0 || q.Why == "" {
			t.Errorf("query %s lacks q, has, expect or why", q.Name)
			continue
		}
		matches := func(s corpus.Section) bool {
			return !slices.ContainsFunc(q.Has, func(group []string) bool {
				return !slices.ContainsFunc(group, func(term string) bool { return names(s, term) })
			})
		}
		var expected []string
		for _, e := range q.Expect {
			expected = append(expected, e.Section)
			s, ok := sections[e.Section]
			switch {
			case !ok:
				t.Errorf("query %s expects section %s, which is not in the corpus", q.Name, e.Section)
			case s.Lang != q.Params["lang"]:
				t.Errorf("query %s expects section %s, which is %s, not %s", q.Name, e.Section, s.Lang, q.Params["lang"])
			case !matches(s):
				t.Errorf("query %s expects section %s, which does not name %v", q.Name, e.Section, q.Has)
			}
		}
		for id, s := range sections {
			if s.Lang == q.Params["lang"] && matches(s) && !slices.Contains(expected, id) {
				t.Errorf("query %s leaves out section %s, which names %v", q.Name, id, q.Has)
			}
		}
	}
	for _, d := range []string{"en>ja", "en>zh", "ja>en", "zh>en", "ja>zh", "zh>ja", "zh-Hant>zh", "zh-Hans>zh"} {
		if directions[d] < 5 {
			t.Errorf("the set has %d queries %s, want at least 5", directions[d], d)
		}
	}
}

// TestEvalSetCoverage checks that the glossary links every query to every passage it
// expects: for each glossary term of the query, the passage names one of the term's
// forms in the passage's language (or, for a Chinese query, the term as written).
func TestEvalSetCoverage(t *testing.T) {
	set, sections := loadEvalSet(t)
	for _, q := range set.Queries {
		text := q.Params["q"]
		lang := q.Params["lang"]
		ms := Find(text)
		if len(ms) == 0 {
			t.Errorf("query %s (%s): the glossary has no term of it", q.Name, text)
			continue
		}
		for _, e := range q.Expect {
			s := sections[e.Section]
			for _, m := range ms {
				forms := []string{text[m.Start:m.End]}
				for _, entry := range m.Entries {
					forms = append(forms, entry.Forms(lang)...)
				}
				if !slices.ContainsFunc(forms, func(f string) bool { return names(s, f) }) {
					t.Errorf("query %s: %s names none of %q, the %s forms of %q", q.Name, e.Section, forms, lang, text[m.Start:m.End])
				}
			}
		}
	}
}
