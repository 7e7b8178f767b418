package search

import (
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/search/query"

	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/internal/glossary"
)

// Expansion through the glossary: a query word, a run of words or a quoted phrase that
// is a glossary term also matches the term's forms in the other languages, each as a
// phrase, ranked below literal matches (as a concept's sections are: see
// conceptScore). A word is then (the word OR its equivalents), so that an AND of words
// stays an AND. The English side of an ambiguous entry ("cell", "culture") is no
// source of expansion and no translation: it would find every passage that uses the
// everyday word.

// maxExpansions bounds the glossary terms one query word, run or phrase expands to:
// each is a phrase matched in every field that holds its language, and a term may
// have a dozen forms (diaphragm: 隔膜, 横隔膜, 横膈膜, ダイアフラム, ...). The
// commonest forms of each language come first.
const maxExpansions = 6

// Expansion is a term a query was also searched as.
type Expansion struct {
	// Term is the glossary's form, in Lang ("en", "ja" or "zh").
	Term string
	Lang string
	// From is the text of the query (a word, words or a phrase) that it translates.
	From string
}

// expansion is an Expansion of the unit-th query unit.
type expansion struct {
	Expansion
	unit int
}

// expansions lists the expansions of a compiled query in the order of the query's
// units.
func (c *compiled) expansions() []Expansion {
	xs := slices.Clone(c.expanded)
	slices.SortStableFunc(xs, func(a, b expansion) int { return a.unit - b.unit })
	out := make([]Expansion, len(xs))
	for i, x := range xs {
		out[i] = x.Expansion
	}
	return out
}

// equivalents returns the glossary terms a match in text translates to in the other
// languages, at most maxExpansions of them: the first form of each language, then the
// second, and so on, listed by language.
func equivalents(m glossary.Match, text string) []glossary.Equivalent {
	// The English side of an ambiguous entry is out both ways: an English match
	// expands through the unambiguous entries only, a Japanese or Chinese match to the
	// English of those only and to the Japanese and Chinese of every entry.
	var unambiguous []*glossary.Entry
	for _, e := range m.Entries {
		if !e.Ambiguous {
			unambiguous = append(unambiguous, e)
		}
	}
	var english, others []glossary.Equivalent
	if len(unambiguous) > 0 {
		english = glossary.Match{Start: m.Start, End: m.End, Lang: m.Lang, Entries: unambiguous}.Equivalents(text)
	}
	if m.Lang != "en" {
		others = m.Equivalents(text)
	} else {
		others = english
	}
	byLang := map[string][]glossary.Equivalent{}
	for _, eq := range english {
		if eq.Lang == "en" && m.Lang != "en" {
			byLang["en"] = append(byLang["en"], eq)
		}
	}
	for _, eq := range others {
		if eq.Lang != "en" && eq.Lang != m.Lang {
			byLang[eq.Lang] = append(byLang[eq.Lang], eq)
		}
	}
	// Round-robin over the languages up to the cap, then in language order.
	langs := []string{"en", "ja", "zh"}
	for _, l := range langs {
		byLang[l] = unsubsumed(byLang[l])
	}
	taken := map[string]int{}
	for n := 0; n < maxExpansions; {
		more := false
		for _, l := range langs {
			if taken[l] < len(byLang[l]) && n < maxExpansions {
				taken[l]++
				n++
				more = true
			}
		}
		if !more {
			break
		}
	}
	var out []glossary.Equivalent
	for _, l := range langs {
		out = append(out, byLang[l][:taken[l]]...)
	}
	return out
}

// unsubsumed returns the terms of eqs (of one language) that hold none of the others:
// a section that names "mesenchymal stem cell MSC" names "mesenchymal stem cell", so
// searching the longer finds nothing more.
func unsubsumed(eqs []glossary.Equivalent) []glossary.Equivalent {
	keys := make([]string, len(eqs))
	for i, eq := range eqs {
		keys[i] = " " + strings.Join(strings.Fields(corpus.Fold(eq.Text)), " ") + " "
	}
	var out []glossary.Equivalent
	for i, eq := range eqs {
		if !slices.ContainsFunc(keys, func(k string) bool {
			return k != keys[i] && strings.Contains(keys[i], strings.TrimSpace(k)) && (eq.Lang != "en" || strings.Contains(keys[i], k))
		}) {
			out = append(out, eq)
		}
	}
	return out
}

// wholeTerm returns the equivalents of text when the whole of it is one glossary term.
func wholeTerm(text string) ([]glossary.Equivalent, bool) {
	ms := glossary.Find(text)
	if len(ms) != 1 || strings.TrimSpace(text[:ms[0].Start]) != "" || strings.TrimSpace(text[ms[0].End:]) != "" {
		return nil, false
	}
	return equivalents(ms[0], text), true
}

// glossaryWord returns what word (the unit-th query unit) also matches through the
// glossary, or nil: the equivalents of the word when it is a glossary term (but for
// those that name one of concepts, the concepts the word is expanded to besides:
// see terms); for a word that holds several terms (a CJK compound, 幹細胞臨床試験),
// the conjunction of the equivalents of each, with what lies between them matched as
// written.
func (c *compiler) glossaryWord(word string, concepts []conceptRef, unit int) query.Query {
	if c.negate || c.verbatim || c.fuzzy {
		return nil
	}
	if eqs, ok := wholeTerm(word); ok {
		return c.terms(eqs, word, concepts, unit)
	}
	ms := glossary.Find(word)
	if len(ms) == 0 {
		return nil
	}
	if !slices.ContainsFunc(ms, func(m glossary.Match) bool { return len(equivalents(m, word)) > 0 }) {
		// Its parts as written, apart, would only loosen the word.
		return nil
	}
	var parts []query.Query
	at := 0
	for _, m := range ms {
		parts = append(parts, c.between(word[at:m.Start], unit))
		eqs := equivalents(m, word)
		if len(eqs) == 0 {
			// A term without equivalents stays as written.
			parts = append(parts, c.phrase(word[m.Start:m.End], "", unit))
		} else {
			parts = append(parts, c.terms(eqs, word[m.Start:m.End], nil, unit))
		}
		at = m.End
	}
	parts = append(parts, c.between(word[at:], unit))
	return conjunction(nonNil(parts))
}

// between matches the text of a word between two glossary terms as written; nothing
// when it holds no letter or only kana (particles: 幹細胞の臨床試験).
func (c *compiler) between(text string, unit int) query.Query {
	if !strings.ContainsFunc(text, func(r rune) bool {
		return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !unicode.In(r, unicode.Hiragana)
	}) {
		return nil
	}
	return c.phrase(text, "", unit)
}

// glossaryPhrase returns what a quoted phrase (the unit-th query unit) also matches
// through the glossary: the equivalents of the phrase when it is one glossary term,
// and phrases are expanded (compileOptions.phrases).
func (c *compiler) glossaryPhrase(phrase string, unit int) query.Query {
	if c.negate || c.verbatim || c.fuzzy {
		return nil
	}
	eqs, ok := wholeTerm(phrase)
	if !ok || len(eqs) == 0 {
		return nil
	}
	if !c.phrases {
		c.out.translatable = true
		return nil
	}
	return c.terms(eqs, phrase, nil, unit)
}

// glossaryRun is a run of query words, ws[i..j], that is one glossary term.
type glossaryRun struct {
	i, j int
	eqs  []glossary.Equivalent
	from string
}

// glossaryRuns finds the glossary terms of two or more consecutive words ("bone
// marrow", "幹 細胞"): the terms of the words joined by spaces that begin and end at
// word boundaries.
func glossaryRuns(ws []Word) []glossaryRun {
	starts := make([]int, len(ws))
	ends := make([]int, len(ws))
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
		}
		starts[i] = b.Len()
		b.WriteString(w.Text)
		ends[i] = b.Len()
	}
	text := b.String()
	var out []glossaryRun
	for _, m := range glossary.Find(text) {
		i, j := slices.Index(starts, m.Start), slices.Index(ends, m.End)
		if i < 0 || j <= i {
			continue
		}
		out = append(out, glossaryRun{i: i, j: j, eqs: equivalents(m, text), from: text[m.Start:m.End]})
	}
	return out
}

// terms matches any of the glossary terms eqs, which translate from, the text of the
// unit-th query unit; it records them as expansions. Some are recorded but not
// searched, as what they find is found already: a term that names one of covered, the
// concepts the unit is also expanded to (the sections whose own words name it are
// among the concept's, indexer.FieldMentions, and its phrase in every field would cost
// the search more than the rest of it: 间充质干细胞 to mesenchymal stem cell, a phrase
// of three common words), and a Japanese term written as one of the Chinese terms
// (患者, 安全性; see writtenAsChinese).
func (c *compiler) terms(eqs []glossary.Equivalent, from string, covered []conceptRef, unit int) query.Query {
	var alts []query.Query
	for _, eq := range eqs {
		var q query.Query
		if !namesAny(eq.Text, covered) && !writtenAsChinese(eq, eqs) {
			q = c.phrase(eq.Text, eq.Lang, unit)
		}
		if q != nil {
			alts = append(alts, q)
		}
		x := Expansion{Term: eq.Text, Lang: eq.Lang, From: from}
		if !slices.ContainsFunc(c.out.expanded, func(y expansion) bool { return y.Term == x.Term && y.Lang == x.Lang }) {
			c.out.expanded = append(c.out.expanded, expansion{x, unit})
		}
	}
	return disjunction(alts)
}

// writtenAsChinese reports whether eq is a Japanese term that eqs has as a Chinese
// term too, written alike (患者, 安全性: Han characters that both languages write the
// same way). The Chinese term's phrase is matched in the AnalyzerStd fields, which
// hold every section, Japanese text as written, and index every Han character and
// bigram of it: it finds every Japanese section that holds the term, which its phrase
// in the Japanese fields would only find again.
func writtenAsChinese(eq glossary.Equivalent, eqs []glossary.Equivalent) bool {
	return eq.Lang == "ja" && slices.ContainsFunc(eqs, func(zh glossary.Equivalent) bool {
		return zh.Lang == "zh" && zh.Text == eq.Text
	})
}

// namesAny reports whether text names one of concepts, other than a design: a
// section that names a design as future or negated ("a placebo-controlled trial is
// planned") does not count as naming it, so the design's sections are not all those
// whose words name it.
func namesAny(text string, concepts []conceptRef) bool {
	if len(concepts) == 0 {
		return false
	}
	return slices.ContainsFunc(corpus.ConceptsIn(text), func(k corpus.Concept) bool {
		return k.Facet != corpus.Design && slices.Contains(concepts, conceptRef{k.Facet, k.ID})
	})
}

// phrase matches text, a term in lang ("" for text of the query, in any language), as
// a phrase in the fields that hold that language: a Japanese term in the AnalyzerJa
// fields, which hold Japanese text word by word; others in the AnalyzerStd fields,
// which hold every section (Chinese folded to simplified characters, as the glossary
// writes Chinese); text of the query in both, also folded (foldQuery). A translation
// matches a section's own heading and text, not its context (its document's title and
// parent headings), which would loosen it beyond what the user typed. Its matches are
// highlighted as the unit-th unit's matches through a translation, which show only
// where the unit itself is absent.
func (c *compiler) phrase(text, lang string, unit int) query.Query {
	var alts []query.Query
	for _, tf := range indexer.TextFields {
		if tf.Part == indexer.PartContext ||
			tf.Analyzer == indexer.AnalyzerJa && lang != "" && lang != "ja" || tf.Analyzer == indexer.AnalyzerStd && lang == "ja" {
			continue
		}
		forms := []string{text}
		if f := foldQuery(text); tf.Analyzer == indexer.AnalyzerStd && lang == "" && f != text {
			forms = append(forms, f)
		}
		for _, form := range forms {
			p := patternOf(c.e.analyze(tf.QueryAnalyzer, form))
			if p == nil || len(p) > maxPhraseTerms {
				continue
			}
			q := fieldQuery(tf.Name, p, 0)
			q.SetBoost(tf.Boost)
			alts = append(alts, q)
			if tf.Part == indexer.PartBody {
				c.out.hl.add(tf.Analyzer, unitPattern{unit: unit, pattern: p, concept: true})
			}
		}
	}
	return disjunction(alts)
}

// foldQuery returns query text folded as Chinese text is indexed (corpus.FoldChinese),
// or text itself when it is Japanese, which is not folded: text with kana, or a
// Japanese term of the glossary whose folded form is none of its Chinese forms
// (脊髄損傷 folds to 脊髄损伤, which no Chinese text holds, while 幹細胞 folds to the
// Chinese 干细胞). Folding those would only cost a search.
func foldQuery(text string) string {
	folded := corpus.FoldChinese(text)
	if folded == text || corpus.HasKana(text) {
		return text
	}
	ms := glossary.Find(text)
	if len(ms) != 1 || ms[0].Start != 0 || ms[0].End != len(text) || ms[0].Lang != "ja" {
		return folded
	}
	for _, e := range ms[0].Entries {
		if slices.Contains(e.Chinese, folded) {
			return folded
		}
	}
	return text
}
