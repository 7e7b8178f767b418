// Package glossary is musesearch's bilingual biomedical glossary: the English,
// Japanese and Chinese names of the field's terms (trial design, outcomes, anatomy,
// cell biology, pharmacology, diseases), so that a query in one language can also look
// for the words of the others: 臨床試験 for "clinical trial" and 临床试验, 骨髄 and 骨髓
// for "bone marrow".
//
// The data is glossary.tsv, generated from JMdict/EDICT and CC-CEDICT restricted to
// the field, the labels of the facet vocabulary and the hand-written curated.tsv by
// the program in internal/gen (see the go:generate line below and ATTRIBUTION.md for
// the sources and their licence, CC BY-SA 4.0). It is read once, when first used.
//
// Terms match ignoring case, width, British or American spelling (haematopoietic,
// hematopoietic), spaces and dashes, English plurals, and traditional or
// simplified Chinese characters (corpus.FoldChinese); Japanese forms match as written.
// The package owns the data and the matching, not what a search does with it.
package glossary

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
)

//go:generate go run ./internal/gen -cedict $CEDICT -subtlex $SUBTLEX -opencc $OPENCC

//go:embed glossary.tsv
var data string

// Entry is one English term of the glossary with its Japanese and Chinese forms.
type Entry struct {
	// English is the English term, American spelling, in lower case unless it is an
	// abbreviation or a name.
	English string
	// Japanese are the term's Japanese forms (kanji, kana), usual forms first.
	Japanese []string
	// Chinese are the term's Chinese forms in simplified characters, plus any
	// traditional form that does not fold to one of them.
	Chinese []string
	// Sources say where the entry comes from (SourceCurated, ...).
	Sources []string
	// Ambiguous says the English term also names things outside the field ("active"
	// for 活性, "culture" for 培養, "cell" for 細胞): a dictionary word not tagged for
	// the field translates it in another sense. Its Japanese and Chinese forms are the
	// field's; a search should not take the English term alone, out of context, as
	// the translation of them, nor them as the translation of it.
	Ambiguous bool
}

// Forms returns the entry's forms in one language ("en", "ja" or "zh").
func (e *Entry) Forms(lang string) []string {
	switch lang {
	case "en":
		return []string{e.English}
	case "ja":
		return e.Japanese
	case "zh":
		return e.Chinese
	}
	return nil
}

// Equivalent is a term in one language that translates another.
type Equivalent struct {
	Text string
	Lang string // "en", "ja" or "zh"
}

// Match is a glossary term found in a text.
type Match struct {
	// Start and End are the byte offsets of the term in the text.
	Start, End int
	// Lang is the language of the glossary form that matched; a form that both
	// languages write the same way (糖尿病) matches as Japanese.
	Lang string
	// Entries are the glossary entries that have the form: several when it
	// translates several English terms (臨床試験: clinical trial, clinical study).
	Entries []*Entry
}

// Equivalents returns the forms of m's entries in every language, but the one matched
// in text.
func (m Match) Equivalents(text string) []Equivalent {
	return load().equivalents(m.Entries, text[m.Start:m.End], m.Lang)
}

// Find returns the glossary terms in text, leftmost first, each the longest term that
// starts there; matches do not overlap. Latin-script terms match whole words only, in
// the singular or the plural ("cells", "studies").
func Find(text string) []Match {
	g := load()
	v := newView(text)
	var out []Match
	for i := 0; i < len(v.units); {
		best, bestLang := -1, ""
		var bestEntries []*Entry
		for j := i; j < len(v.units) && v.units[j].viewEnd-v.units[i].viewStart <= g.maxKey+len("ies"); j++ {
			if entries, lang := g.at(v, i, j); len(entries) > 0 {
				best, bestLang, bestEntries = j, lang, entries
			}
		}
		if best < 0 {
			i++
			continue
		}
		out = append(out, Match{Start: v.units[i].start, End: v.units[best].end, Lang: bestLang, Entries: bestEntries})
		i = best + 1
	}
	return out
}

// Completion is a glossary form that completes a prefix.
type Completion struct {
	Text  string // the form, as the glossary writes it
	Lang  string // its language: "en", "ja" or "zh"
	Entry *Entry // the entry it is a form of
}

// Complete returns up to limit glossary forms, in any language, that begin with prefix
// (matched like a term: 臨床 completes to 臨床試験, 臨床試驗 to 临床试验), shortest
// first, then in the order of their keys; a form of several entries is returned with
// each.
func Complete(prefix string, limit int) []Completion {
	g := load()
	v := newView(prefix)
	if len(v.units) == 0 || limit <= 0 {
		return nil
	}
	var out []Completion
	for _, ks := range []struct {
		sorted []formKey
		prefix string
	}{{g.plainKeys, v.text}, {g.chineseKeys, v.folded}} {
		i, _ := slices.BinarySearchFunc(ks.sorted, ks.prefix, func(f formKey, p string) int { return strings.Compare(f.key, p) })
		for ; i < len(ks.sorted) && strings.HasPrefix(ks.sorted[i].key, ks.prefix); i++ {
			f := ks.sorted[i]
			out = append(out, Completion{Text: f.form, Lang: f.ref.lang, Entry: &g.entries[f.ref.entry]})
		}
	}
	slices.SortStableFunc(out, func(a, b Completion) int { return len(a.Text) - len(b.Text) })
	return out[:min(limit, len(out))]
}

// glossary is the loaded data.
type glossary struct {
	entries []Entry
	// plainKeys and chineseKeys are the keys of plain and chinese, sorted, for Complete.
	plainKeys, chineseKeys []formKey
	// plain holds the English and Japanese forms by key, chinese the Chinese forms by
	// key folded to simplified characters.
	plain, chinese map[string][]formRef
	// keys and foldedKeys hold key(form, false) and key(form, true) of every form.
	keys, foldedKeys map[string]string
	maxKey           int // the longest key, in bytes
}

// formRef is one form of an entry.
type formRef struct {
	entry int32
	lang  string
}

// formKey is a form with its key.
type formKey struct {
	key, form string
	ref       formRef
}

var load = sync.OnceValue(func() *glossary {
	g, err := parseGlossary(data)
	if err != nil {
		// The file is embedded and checked by the tests: this cannot happen at run time.
		panic(fmt.Sprintf("glossary.tsv: %v", err))
	}
	return g
})

func parseGlossary(text string) (*glossary, error) {
	entries, err := Parse(strings.NewReader(text))
	if err != nil {
		return nil, err
	}
	g := &glossary{entries: entries, plain: map[string][]formRef{}, chinese: map[string][]formRef{},
		keys: map[string]string{}, foldedKeys: map[string]string{}}
	add := func(m map[string][]formRef, keys *[]formKey, form string, chinese bool, ref formRef) {
		v := newView(form)
		g.keys[form], g.foldedKeys[form] = v.text, v.folded
		k := g.key(form, chinese)
		if k == "" || slices.Contains(m[k], ref) {
			return
		}
		m[k] = append(m[k], ref)
		*keys = append(*keys, formKey{key: k, form: form, ref: ref})
		g.maxKey = max(g.maxKey, len(k))
	}
	for i := range entries {
		e := &entries[i]
		add(g.plain, &g.plainKeys, e.English, false, formRef{int32(i), "en"})
		for _, f := range e.Japanese {
			add(g.plain, &g.plainKeys, f, false, formRef{int32(i), "ja"})
		}
		for _, f := range e.Chinese {
			add(g.chinese, &g.chineseKeys, f, true, formRef{int32(i), "zh"})
		}
	}
	for _, keys := range [][]formKey{g.plainKeys, g.chineseKeys} {
		slices.SortStableFunc(keys, func(a, b formKey) int { return strings.Compare(a.key, b.key) })
	}
	return g, nil
}

// at returns the entries with a form whose key is units i..j of v, and the language
// of the first such form: English and Japanese forms as written (an English one also
// in the plural), then Chinese ones folded to simplified characters.
func (g *glossary) at(v view, i, j int) ([]*Entry, string) {
	vs, ve := v.units[i].viewStart, v.units[j].viewEnd
	k := v.text[vs:ve]
	refs := g.plain[k]
	if len(refs) == 0 && v.units[j].latin {
		for _, singular := range singulars(k) {
			for _, r := range g.plain[singular] {
				if r.lang == "en" {
					refs = append(refs, r)
				}
			}
		}
	}
	refs = append(slices.Clip(refs), g.chinese[v.folded[vs:ve]]...)
	if len(refs) == 0 {
		return nil, ""
	}
	var out []*Entry
	for _, r := range refs {
		if e := &g.entries[r.entry]; !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out, refs[0].lang
}

// minPluralKey is the shortest English key read as a plural: "cells", not "gas".
const minPluralKey = 4

// singulars returns the keys an English plural key k may be the plural of: "cells" of
// "cell", "studies" of "study".
func singulars(k string) []string {
	if len(k) < minPluralKey || k[len(k)-1] != 's' {
		return nil
	}
	out := []string{k[:len(k)-1]}
	if strings.HasSuffix(k, "ies") {
		out = append(out, k[:len(k)-3]+"y")
	}
	return out
}

// key is key(form, chinese), looked up for the glossary's own forms.
func (g *glossary) key(form string, chinese bool) string {
	m := g.keys
	if chinese {
		m = g.foldedKeys
	}
	if k, ok := m[form]; ok {
		return k
	}
	return key(form, chinese)
}

// equivalents lists the forms of entries in every language but term's own form; term
// matched as a form of lang. A Chinese term's other script (臨床試驗, 临床试验) is the
// same form: corpus.FoldChinese is how to match it.
func (g *glossary) equivalents(entries []*Entry, term, lang string) []Equivalent {
	v := newView(term)
	own, ownFolded := v.text, v.folded
	var out []Equivalent
	seen := map[Equivalent]bool{}
	for _, l := range []string{"en", "ja", "zh"} {
		for _, e := range entries {
			for _, f := range e.Forms(l) {
				k := g.key(f, l == "zh")
				if g.key(f, false) == own || l == "zh" && lang == "zh" && k == ownFolded {
					continue
				}
				if id := (Equivalent{Text: k, Lang: l}); !seen[id] {
					seen[id] = true
					out = append(out, Equivalent{Text: f, Lang: l})
				}
			}
		}
	}
	return out
}
