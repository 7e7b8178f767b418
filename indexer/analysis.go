package indexer

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/registry"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"

	"musesearch/corpus"
)

// Analyser names, as registered with bleve and named by TextFields. Each has an index
// form and a query form: the index form also emits the parts of technical compounds
// (IL-6 → il-6, il, 6) and CJK unigrams, so that a query for a part or a single
// character finds them; the query form keeps a technical compound whole (IL-6 finds
// IL-6, not every "6") and emits CJK bigrams, a lone character as a unigram.
const (
	// AnalyzerStd is for every script: Latin-script words folded (corpus.Fold),
	// possessives removed and stemmed with the Snowball English stemmer; Han, kana and
	// Hangul as overlapping bigrams. It serves English, Chinese, and Japanese words the
	// dictionary does not know.
	AnalyzerStd      = "musesearch_std"
	AnalyzerStdQuery = "musesearch_std_query"
	// AnalyzerJa is for Japanese: Han and kana runs segmented by kagome (IPA
	// dictionary, search mode, base forms; particles, auxiliary verbs and symbols
	// dropped); Latin-script words folded but not stemmed.
	AnalyzerJa      = "musesearch_ja"
	AnalyzerJaQuery = "musesearch_ja_query"
)

// Token is one term an analyser produced, with its place in the analysed text.
type Token struct {
	// Term is the indexed form (folded, stemmed or base form).
	Term string
	// Start and End are byte offsets of the token's source in the analysed text, so
	// that a snippet can mark exactly what matched.
	Start, End int
	// Position is 1-based. Tokens that share a position are alternatives: a CJK
	// unigram and the bigram starting with it, a technical compound and its first
	// part (its other parts take the positions after it, beside the words that
	// follow the compound).
	Position int
}

// The bleve registry is global and bleve rebuilds an index's analysers by name when it
// opens it, so the analysers are registered once per process, here.
func init() {
	for _, a := range []struct {
		name string
		form analyzer
	}{
		{AnalyzerStd, analyzer{stem: true}},
		{AnalyzerStdQuery, analyzer{stem: true, query: true}},
		{AnalyzerJa, analyzer{japanese: true}},
		{AnalyzerJaQuery, analyzer{japanese: true, query: true}},
	} {
		form := a.form
		err := registry.RegisterAnalyzer(a.name, func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
			an := form
			if an.stem {
				an.stems = &stemCache{}
			}
			return &an, nil
		})
		if err != nil {
			panic(err)
		}
	}
}

// kagome loads kagome's IPA dictionary once per process (about a second), when
// Japanese text is first analysed or Warm is called, and reads the base forms of its
// entries out of their features. It is safe for concurrent use.
var kagome = sync.OnceValue(func() *japaneseDict {
	d := ipa.Dict()
	bases := readBaseForms(d)
	// The other features (inflection, reading, pronunciation: some nine strings an
	// entry, 3.5 million pointers) go: analysis reads none of them, and they were 56
	// MB of a server's heap and a third of the garbage collector's marking every cycle
	// (1M sections). d is ipa's one full dictionary, which nothing else here reads.
	d.Contents = nil
	t, err := tokenizer.New(d, tokenizer.OmitBosEos())
	if err != nil {
		// The dictionary is embedded in the binary: this cannot happen at run time.
		panic(fmt.Sprintf("load the Japanese dictionary: %v", err))
	}
	return &japaneseDict{Tokenizer: t, bases: bases}
})

// japaneseDict is kagome's tokenizer and the base forms of its dictionary's entries.
type japaneseDict struct {
	*tokenizer.Tokenizer
	bases baseForms
}

// baseForm returns the base form (基本形) of morpheme m, as m.BaseForm would with the
// dictionary's features: "" when it has none.
func (j *japaneseDict) baseForm(m tokenizer.Token) string {
	if m.Class == tokenizer.KNOWN {
		return j.bases.of(m.ID)
	}
	base, _ := m.BaseForm() // an unknown word's, from the features kept for those
	return base
}

// baseForms are the base forms of a dictionary's entries, by entry ID, in one string:
// no pointer an entry for the garbage collector to follow.
type baseForms struct {
	text string
	ends []uint32 // entry i's base form is text[ends[i-1]:ends[i]]
}

// readBaseForms reads the base form of every entry of d out of its features, as
// tokenizer.Token.FeatureAt finds the feature: the parts of speech first, then the
// entry's contents.
func readBaseForms(d *dict.Dict) baseForms {
	at, ok := d.ContentsMeta[dict.BaseFormIndex]
	var text strings.Builder
	ends := make([]uint32, len(d.Contents))
	for id, contents := range d.Contents {
		pos := d.POSTable.POSs[id]
		switch i := int(at); {
		case !ok || i < 0:
		case i < len(pos):
			text.WriteString(d.POSTable.NameList[pos[i]])
		case i-len(pos) < len(contents):
			text.WriteString(contents[i-len(pos)])
		}
		ends[id] = uint32(text.Len())
	}
	return baseForms{text: text.String(), ends: ends}
}

// of returns the base form of entry id, "" when it has none.
func (b baseForms) of(id int) string {
	if id < 0 || id >= len(b.ends) {
		return ""
	}
	start := uint32(0)
	if id > 0 {
		start = b.ends[id-1]
	}
	return b.text[start:b.ends[id]]
}

// Warm loads the Japanese dictionary now rather than when Japanese text is first
// analysed (it takes about a second). Open calls it in the background, so that the
// dictionary loads while the index opens. It is safe to call more than once, and from
// several goroutines: they wait for the one load.
func Warm() { kagome() }

// analyzer implements bleve's analysis.Analyzer for every form named above.
type analyzer struct {
	stem     bool // Snowball English stemming of ASCII words
	query    bool // query form (see the Analyzer constants)
	japanese bool // kagome for Han and kana runs instead of bigrams
	// stems are the stems of the words stemmed so far, up to maxStems: stemming
	// every English token was 4% of a rebuild's CPU, and a few thousand words make
	// most of any English text. Shared by the goroutines bleve analyses with.
	stems *stemCache
}

// maxStems bounds an analyser's stemCache (about 100 bytes a word).
const maxStems = 100_000

// stemCache maps a folded word to its stem. It is safe for concurrent use. Readers
// look words up in a map no one writes to once it is published, without a lock: a
// look-up in a sync.Map, which boxes its keys, was 3.6% of a rebuild's CPU (100k
// generated sections; 2.2% now). The stems of the words missed are gathered, and
// published with the others in a new map once they are a quarter as many as the
// published map holds (or minPublish), so that each word is copied a few times in
// all; until then a word missed again is stemmed again.
type stemCache struct {
	words   atomic.Pointer[map[string]string]
	mu      sync.Mutex
	pending map[string]string
}

// minPublish is the fewest stems a stemCache gathers before it publishes them.
const minPublish = 256

// stem returns the stem of the folded ASCII word w (see analyzer.word); a nil cache
// stems every time.
func (c *stemCache) stem(w string) string {
	if c == nil {
		return stem(w)
	}
	if words := c.words.Load(); words != nil {
		if s, ok := (*words)[w]; ok {
			return s
		}
	}
	s := stem(w)
	c.add(w, s)
	return s
}

// add gathers the stem s of word w, and publishes the stems gathered when they are
// enough, up to maxStems in all.
func (c *stemCache) add(w, s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var published map[string]string
	if words := c.words.Load(); words != nil {
		published = *words
	}
	if len(published)+len(c.pending) >= maxStems {
		return
	}
	if c.pending == nil {
		c.pending = map[string]string{}
	}
	c.pending[strings.Clone(w)] = s
	if len(c.pending) < max(minPublish, len(published)/4) && len(published)+len(c.pending) < maxStems {
		return
	}
	next := make(map[string]string, len(published)+len(c.pending))
	maps.Copy(next, published)
	maps.Copy(next, c.pending)
	c.words.Store(&next)
	c.pending = nil
}

// Tokens and their terms are allocated in blocks of these sizes rather than one by
// one: two allocations per token were most of the analysers' allocations, and the
// garbage collector's work when indexing.
const (
	tokenBlock = 256
	termBlock  = 4 << 10
)

// Analyze implements analysis.Analyzer.
func (a *analyzer) Analyze(input []byte) analysis.TokenStream {
	text := string(input)
	var out analysis.TokenStream
	var tokens []analysis.Token
	var terms termStore
	a.tokens(text, func(term string, start, end, position int, typ analysis.TokenType) {
		if len(tokens) == cap(tokens) {
			tokens = make([]analysis.Token, 0, min(tokenBlock, max(len(text)/4, 16)))
		}
		tokens = append(tokens, analysis.Token{Term: terms.add(term, len(text)), Start: start, End: end, Position: position, Type: typ})
		out = append(out, &tokens[len(tokens)-1])
	})
	return out
}

// frequencies analyses input as Analyze does and counts its tokens by term as bleve's
// analysis.TokenFrequency counts those of a field with arrayPositions and options;
// it returns them with the number of tokens. It makes no analysis.Token, and
// allocates what it returns at its size once it has it: Analyze then TokenFrequency
// allocated a token and a location for each, each term's locations an array at a time,
// and a map for as many terms as tokens, half of a rebuild's allocations.
//
// The locations are in the form the segment format stores (segments.StoredLocations):
// each end the token's length, and, unless offsets, each start and end 0.
func (a *analyzer) frequencies(input []byte, arrayPositions []uint64, options index.FieldIndexingOptions, offsets bool) (index.TokenFrequencies, int) {
	text := string(input)
	sc := scratchPool.Get().(*scratch)
	defer sc.put()
	vectors := options.IncludeTermVectors()
	a.tokens(text, func(term string, start, end, position int, _ analysis.TokenType) {
		i, ok := sc.numbers[term]
		if !ok {
			i = int32(len(sc.terms))
			sc.numbers[term] = i
			sc.terms = append(sc.terms, term)
			sc.counts = append(sc.counts, 0)
		}
		sc.counts[i]++
		sc.owners = append(sc.owners, i)
		if vectors {
			loc := index.TokenLocation{ArrayPositions: arrayPositions, Position: position}
			if offsets {
				loc.Start, loc.End = start, end-start
			}
			sc.locs = append(sc.locs, loc)
		}
	})
	size := 0
	for _, t := range sc.terms {
		size += len(t)
	}
	termBytes := make([]byte, 0, size)
	tfs := make([]index.TokenFreq, len(sc.terms))
	freqs := make(index.TokenFrequencies, len(sc.terms))
	for i, t := range sc.terms {
		n := len(termBytes)
		termBytes = append(termBytes, t...)
		tfs[i].Term = termBytes[n:len(termBytes):len(termBytes)]
		if !options.SkipFreqNorm() {
			tfs[i].SetFrequency(int(sc.counts[i]))
		}
		freqs[t] = &tfs[i]
	}
	if vectors {
		// Each term's locations are a window of one array of pointers, in order.
		locs := slices.Clone(sc.locs)
		ptrs := make([]*index.TokenLocation, len(locs))
		next := 0
		for i := range tfs {
			k := int(sc.counts[i])
			tfs[i].Locations = ptrs[next : next : next+k]
			next += k
		}
		for j, i := range sc.owners {
			tfs[i].Locations = append(tfs[i].Locations, &locs[j])
		}
	}
	return freqs, len(sc.owners)
}

// scratch is the working memory of frequencies, reused through scratchPool.
type scratch struct {
	numbers map[string]int32      // of the terms, in order of their first token
	terms   []string              // by number
	counts  []int32               // of each term's tokens, by number
	owners  []int32               // the term number of every token in turn
	locs    []index.TokenLocation // of every token in turn, with term vectors
}

var scratchPool = sync.Pool{New: func() any { return &scratch{numbers: map[string]int32{}} }}

// maxScratchTerms bounds the terms of a scratch kept for reuse: clearing its map
// takes time in proportion to the most it held.
const maxScratchTerms = 1 << 14

// put empties sc and gives it back to scratchPool.
func (sc *scratch) put() {
	if len(sc.terms) > maxScratchTerms {
		return
	}
	clear(sc.numbers)
	clear(sc.terms) // no references to the texts from the pool
	clear(sc.locs)
	sc.terms, sc.counts, sc.owners, sc.locs = sc.terms[:0], sc.counts[:0], sc.owners[:0], sc.locs[:0]
	scratchPool.Put(sc)
}

// tokens calls emit with every token of text in turn.
func (a *analyzer) tokens(text string, emit func(term string, start, end, position int, typ analysis.TokenType)) {
	pos := 1
	scan(text, func(s segment) {
		switch {
		case s.kind == segCJK && a.japanese:
			pos = a.morphemes(text[s.start:s.end], s.start, pos, emit)
		case s.kind == segCJK:
			pos = bigrams(text, s, pos, !a.query, emit)
		default:
			pos = a.words(text, s, pos, emit)
		}
	})
}

// termStore holds copies of terms in blocks.
type termStore []byte

// add copies term, a term of a text of textLen bytes, and returns the copy.
func (s *termStore) add(term string, textLen int) []byte {
	if cap(*s)-len(*s) < len(term) {
		*s = make([]byte, 0, max(min(termBlock, textLen), len(term)))
	}
	n := len(*s)
	*s = append(*s, term...)
	return (*s)[n:len(*s):len(*s)]
}

// analysedText is a text field whose analyser is one of the above: it is analysed by
// analyzer.frequencies rather than by bleve's TextField.Analyze, and indexed the same,
// its locations in the form the segment format stores; offsets says whether the field
// keeps its tokens' offsets (TextField.Offsets).
type analysedText struct {
	*document.TextField
	an      *analyzer
	offsets bool
	length  int
	freqs   index.TokenFrequencies
}

// Analyze implements document.Field.
func (f *analysedText) Analyze() {
	f.freqs, f.length = f.an.frequencies(f.Value(), f.ArrayPositions(), f.Options(), f.offsets)
}

// LocationsStored implements segments.StoredLocations.
func (f *analysedText) LocationsStored() bool { return true }

// AnalyzedLength implements document.Field.
func (f *analysedText) AnalyzedLength() int { return f.length }

// AnalyzedTokenFrequencies implements document.Field.
func (f *analysedText) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }

// words emits the tokens of a Latin-script (or other alphabetic) segment.
func (a *analyzer) words(text string, s segment, pos int, emit func(string, int, int, int, analysis.TokenType)) int {
	if len(s.atoms) == 1 && !s.technical {
		if term := a.word(text[s.start:s.end]); term != "" {
			emit(term, s.start, s.end, pos, analysis.AlphaNumeric)
			return pos + 1
		}
		return pos
	}
	if s.technical {
		// The compound takes one position, so that a phrase goes on after it ("IL-6
		// knockout"); at index time its parts start at the same position, for recall
		// (TNF finds TNF-α) and for a phrase of the parts ("IL 6").
		emit(foldCompound(text[s.start:s.end]), s.start, s.end, pos, analysis.AlphaNumeric)
		if !a.query {
			a.atoms(text, s.atoms, pos, emit)
		}
		return pos + 1
	}
	// A plain compound (open-label, mg/kg) is its words, in both forms, so that
	// "open label" and "open-label" find each other.
	return a.atoms(text, s.atoms, pos, emit)
}

// atoms emits the words of a compound at successive positions from pos.
func (a *analyzer) atoms(text string, atoms []span, pos int, emit func(string, int, int, int, analysis.TokenType)) int {
	for _, at := range atoms {
		if term := a.word(text[at.start:at.end]); term != "" {
			emit(term, at.start, at.end, pos, analysis.AlphaNumeric)
			pos++
		}
	}
	return pos
}

// word folds one word, removes an English possessive and stems it when asked.
func (a *analyzer) word(w string) string {
	t := fold(w)
	for _, suffix := range []string{"'s", "’s"} {
		if strings.HasSuffix(t, suffix) && len(t) > len(suffix) {
			t = t[:len(t)-len(suffix)]
			break
		}
	}
	// Words of three letters or fewer are mostly abbreviations, which the stemmer
	// mangles (ALS → al, the "al" of "et al.").
	if a.stem && len(t) >= minStemLength && isASCIILetters(t) {
		t = a.stems.stem(t)
	}
	return t
}

// britishSpellings rewrite British spellings of medical English as American ones
// before stemming, in index and query alike, so that either finds both: haematopoietic
// and hematopoietic, randomised and randomized. A rule that also rewrites an unrelated
// word does no harm: both sides of a match are rewritten the same way.
var britishSpellings = []struct {
	minLength   int
	british, us string
	at          spellingPlace
}{
	{7, "isation", "ization", anywhere}, // randomisation
	{7, "ise", "ize", suffix},           // characterise
	{7, "ised", "ized", suffix},         // randomised
	{7, "ises", "izes", suffix},
	{7, "ising", "izing", suffix},
	{7, "iser", "izer", suffix},
	{6, "our", "or", suffix}, // tumour, colour, behaviour
	{6, "ours", "ors", suffix},
	{5, "tre", "ter", suffix}, // centre, litre
	{5, "tres", "ters", suffix},
	{5, "bre", "ber", suffix}, // fibre
	{5, "bres", "bers", suffix},
	{4, "haem", "hem", anywhere},   // haematopoietic, haemorrhage
	{5, "aemi", "emi", anywhere},   // anaemia, leukaemia, ischaemia
	{5, "anaes", "anes", anywhere}, // anaesthesia
	{5, "paed", "ped", anywhere},   // paediatric, orthopaedic
	{5, "oedem", "edem", anywhere},
	{5, "oesoph", "esoph", anywhere},
	{5, "oestr", "estr", anywhere},
	{6, "rrhoea", "rrhea", anywhere}, // diarrhoea
	{5, "foet", "fet", prefix},       // foetal
}

type spellingPlace int

const (
	anywhere spellingPlace = iota
	prefix
	suffix
)

// americanSpelling applies britishSpellings to a folded ASCII word.
func americanSpelling(w string) string {
	for _, r := range britishSpellings {
		if len(w) < r.minLength {
			continue
		}
		switch {
		case r.at == suffix && strings.HasSuffix(w, r.british):
			w = w[:len(w)-len(r.british)] + r.us
		case r.at == prefix && strings.HasPrefix(w, r.british):
			w = r.us + w[len(r.british):]
		case r.at == anywhere:
			w = strings.Replace(w, r.british, r.us, 1)
		}
	}
	return w
}

// stem returns the Snowball English stem of the folded ASCII word w, spelled American.
func stem(w string) string {
	env := snowballstem.NewEnv(americanSpelling(w))
	english.Stem(env)
	return env.Current()
}

// minStemLength is the length of the shortest word that is stemmed.
const minStemLength = 4

// morphemes segments a run of Japanese text with kagome and emits its content words.
func (a *analyzer) morphemes(run string, offset, next int, emit func(string, int, int, int, analysis.TokenType)) int {
	ja := kagome()
	for _, m := range ja.Analyze(run, tokenizer.Search) {
		pos := m.POS()
		if len(pos) == 0 || skippedPOS[pos[0]] || len(pos) > 1 && pos[1] == "非自立" || strings.TrimSpace(m.Surface) == "" {
			continue
		}
		term := m.Surface
		if inflected[pos[0]] {
			if base := ja.baseForm(m); base != "*" && base != "" {
				term = base
			}
		}
		if lightVerbs[term] {
			continue
		}
		start := offset + m.Position
		emit(fold(term), start, start+len(m.Surface), next, analysis.Ideographic)
		next++
	}
	return next
}

// skippedPOS are the IPA parts of speech that carry no meaning for search: particles,
// auxiliary verbs, symbols and fillers; dependent words (非自立: こと, もの) go too.
var skippedPOS = map[string]bool{"助詞": true, "助動詞": true, "記号": true, "フィラー": true}

// lightVerbs carry no meaning of their own (投与する is found by 投与).
var lightVerbs = map[string]bool{"する": true, "ある": true, "いる": true, "なる": true, "おる": true, "できる": true}

// inflected are the parts of speech indexed by their base form (投与した → 投与 する).
var inflected = map[string]bool{"動詞": true, "形容詞": true}

// bigrams emits overlapping bigrams of a CJK run and, when unigrams is set (index
// form) or the run is one character, its unigrams at the same positions.
func bigrams(text string, s segment, pos int, unigrams bool, emit func(string, int, int, int, analysis.TokenType)) int {
	units := cjkUnits(text[s.start:s.end], s.start)
	folded := make([]string, len(units))
	for i, u := range units {
		folded[i] = fold(text[u.start:u.end])
	}
	for i, u := range units {
		if unigrams || len(units) == 1 {
			emit(folded[i], u.start, u.end, pos+i, analysis.Single)
		}
		if i+1 < len(units) {
			next := units[i+1]
			// The two characters as written when folding leaves them alone (most
			// CJK text), without building the string.
			term := text[u.start:next.end]
			if folded[i] != text[u.start:u.end] || folded[i+1] != text[next.start:next.end] {
				term = folded[i] + folded[i+1]
			}
			emit(term, u.start, next.end, pos+i, analysis.Double)
		}
	}
	return pos + max(len(units)-1, 1)
}

// fold is corpus.Fold, with shortcuts for the common strings it leaves alone or only
// lower-cases (ASCII, unified Han ideographs, full-width kana): folding every token is
// most of an analyser's time otherwise.
func fold(s string) string {
	ascii, plain := true, true
	for _, r := range s {
		if r >= utf8.RuneSelf {
			ascii = false
			if !foldsToItself(r) {
				plain = false
				break
			}
		}
	}
	switch {
	case ascii:
		return strings.ToLower(s)
	case plain:
		return s
	}
	return corpus.Fold(s)
}

// foldsToItself reports whether NFKC and case folding leave r unchanged, for the
// ranges that make up most CJK text (and no compatibility characters).
func foldsToItself(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || // CJK unified ideographs
		r >= 0x3400 && r <= 0x4DBF || // extension A
		r >= 0x3041 && r <= 0x3096 || // hiragana
		r >= 0x30A1 && r <= 0x30FA || // katakana
		r == 0x30FC // prolonged sound mark
}

// cjkUnits splits a CJK run into characters, keeping combining and half-width sound
// marks with the character they modify (ｶﾞ is one unit, folded to ガ).
func cjkUnits(run string, offset int) []span {
	var units []span
	for i, r := range run {
		size := utf8.RuneLen(r)
		if len(units) > 0 && isSoundMark(r) {
			units[len(units)-1].end = offset + i + size
			continue
		}
		units = append(units, span{offset + i, offset + i + size})
	}
	return units
}

// foldCompound folds a technical compound and writes every hyphen and dash as "-", so
// that C4–C7 and C4-C7 are one term.
func foldCompound(s string) string {
	return strings.Map(func(r rune) rune {
		if isHyphen(r) {
			return '-'
		}
		return r
	}, fold(s))
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}
