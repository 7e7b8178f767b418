package search

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/internal/glossary"
	"musesearch/internal/segments"
)

// Kinds of Suggestion.
const (
	// SuggestTerm is a glossary term the index holds.
	SuggestTerm = "term"
	// SuggestConcept is a value of a content facet (Suggestion.Concept).
	SuggestConcept = "concept"
	// SuggestTitle is the title of a document (Suggestion.DocID).
	SuggestTitle = "title"
)

// Suggestion is a completion of what a user is typing.
type Suggestion struct {
	// Text is the completion, in Lang ("en", "ja" or "zh").
	Text string
	Lang string
	// Kind is SuggestTerm, SuggestConcept or SuggestTitle.
	Kind string
	// Translations are the term's or concept's names in the other languages.
	Translations []Translation
	// Concept is the facet value a concept suggestion names.
	Concept corpus.ConceptKey
	// DocID is the document a title suggestion is the title of.
	DocID string
}

// Translation is a name in another language.
type Translation struct {
	Text string
	Lang string
}

// Limits of Suggest.
const (
	// MaxSuggestions bounds the suggestions of one prefix: a list to read at a glance.
	MaxSuggestions = 8
	// maxConceptSuggestions and maxTitleSuggestions bound the concepts and titles
	// among them; terms fill the rest.
	maxConceptSuggestions = 3
	maxTitleSuggestions   = 3
	// maxTermCandidates bounds the glossary completions looked up in the index: the
	// shortest, as glossary.Complete gives them.
	maxTermCandidates = 40
	// maxSuggestPrefix bounds the prefix, in characters: nothing longer completes.
	maxSuggestPrefix = 64
	// maxTitles bounds the documents whose titles are kept for suggestions, and those
	// read of one segment (see newView): about 300 bytes each, with their places.
	// 1M sections of the benchmark's corpus hold 250,000 documents.
	maxTitles = 500_000
)

// Suggest returns up to MaxSuggestions completions of prefix, what a user is typing:
// glossary terms that begin with it and that the index holds (the most frequent
// first, with their translations), values of the facet vocabulary whose label in any
// language has a word that begins with it, and titles of documents that hold it at
// the start of a word (anywhere for Chinese and Japanese). lang ("en", "ja", "zh" or
// "") is the reader's language: suggestions in it come first. Case, width and the
// Chinese script do not matter.
func (e *Engine) Suggest(ctx context.Context, prefix, lang string) ([]Suggestion, error) {
	prefix = strings.Join(strings.Fields(prefix), " ")
	if prefix == "" || utf8.RuneCountInString(prefix) > maxSuggestPrefix {
		return nil, nil
	}
	key := suggestKey(prefix)
	view, err := e.suggestions.get(ctx, e.ix)
	if err != nil {
		return nil, err
	}
	terms, err := e.suggestTerms(view, prefix, lang)
	if err != nil {
		return nil, err
	}
	concepts := suggestConcepts(key, lang)
	titles, _ := view.titles.find(key, lang)
	concepts = concepts[:min(len(concepts), maxConceptSuggestions)]
	titles = titles[:min(len(titles), maxTitleSuggestions)]
	terms = terms[:min(len(terms), MaxSuggestions-len(concepts)-len(titles))]
	out := slices.Concat(terms, concepts, titles)
	return out, nil
}

// suggestKey folds text for matching a prefix: case, width and Chinese script.
func suggestKey(text string) string {
	return corpus.FoldChinese(corpus.Fold(text))
}

// suggestTerms returns the glossary terms that complete prefix and that the index
// holds, in the reader's language first, then the most frequent.
func (e *Engine) suggestTerms(view *suggestView, prefix, lang string) ([]Suggestion, error) {
	type ranked struct {
		Suggestion
		sections uint64
	}
	var found []ranked
	for _, c := range glossary.Complete(prefix, maxTermCandidates) {
		if slices.ContainsFunc(found, func(r ranked) bool { return r.Text == c.Text && r.Lang == c.Lang }) {
			continue
		}
		n, err := e.sectionsWith(view, c.Text)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			continue
		}
		s := Suggestion{Text: c.Text, Lang: c.Lang, Kind: SuggestTerm, Translations: []Translation{}}
		for _, l := range corpus.Languages {
			if forms := c.Entry.Forms(l); l != c.Lang && len(forms) > 0 {
				s.Translations = append(s.Translations, Translation{Text: forms[0], Lang: l})
			}
		}
		found = append(found, ranked{s, n})
	}
	slices.SortStableFunc(found, func(a, b ranked) int {
		return cmp.Or(boolOrder(b.Lang == lang, a.Lang == lang), cmp.Compare(b.sections, a.sections))
	})
	out := make([]Suggestion, len(found))
	for i, r := range found {
		out[i] = r.Suggestion
	}
	return out, nil
}

// sectionsWith estimates how many sections hold text: the fewest that hold one of its
// terms, as the standard analyser makes them, in the headings or the text (0 when a
// term is in neither). It reads the term dictionaries, once per term and snapshot.
func (e *Engine) sectionsWith(view *suggestView, text string) (uint64, error) {
	fewest := uint64(0)
	tokens := e.analyze(indexer.AnalyzerStdQuery, text)
	for i, t := range tokens {
		n, err := view.sections(e.ix, t.Term)
		if err != nil {
			return 0, err
		}
		if i == 0 || n < fewest {
			fewest = n
		}
		if n == 0 {
			break
		}
	}
	return fewest, nil
}

// conceptLabel is a concept of a content facet with the keys of its labels
// (suggestKey), by language.
type conceptLabel struct {
	concept corpus.Concept
	keys    map[string]string
}

// conceptLabels are the concepts of the content facets, their label keys made once.
var conceptLabels = sync.OnceValue(func() []conceptLabel {
	var out []conceptLabel
	for _, f := range corpus.ContentFacets {
		for _, c := range corpus.Concepts(f) {
			keys := map[string]string{}
			for l, label := range c.Labels {
				keys[l] = suggestKey(label)
			}
			out = append(out, conceptLabel{c, keys})
		}
	}
	return out
})

// suggestConcepts returns the content-facet values with a label that has a word
// beginning with key (suggestKey of the prefix), labels that begin with it first,
// then those in the reader's language.
func suggestConcepts(key, lang string) []Suggestion {
	type ranked struct {
		Suggestion
		at int
	}
	var found []ranked
	for _, cl := range conceptLabels() {
		c := cl.concept
		best := ranked{at: -1}
		for _, l := range corpus.Languages {
			at := wordPrefixAt(cl.keys[l], key)
			if at < 0 {
				continue
			}
			if best.at < 0 || at < best.at || at == best.at && l == lang {
				best = ranked{Suggestion{Text: c.Labels[l], Lang: l, Kind: SuggestConcept, Concept: c.Key()}, at}
			}
		}
		if best.at < 0 {
			continue
		}
		best.Translations = []Translation{}
		for _, l := range corpus.Languages {
			if l != best.Lang && c.Labels[l] != "" {
				best.Translations = append(best.Translations, Translation{Text: c.Labels[l], Lang: l})
			}
		}
		found = append(found, best)
	}
	slices.SortStableFunc(found, func(a, b ranked) int {
		return cmp.Or(boolOrder(b.at == 0, a.at == 0), boolOrder(b.Lang == lang, a.Lang == lang))
	})
	out := make([]Suggestion, len(found))
	for i, r := range found {
		out[i] = r.Suggestion
	}
	return out
}

// wordPrefixAt returns the byte offset in text of the first place key begins at the
// start of a word, or -1: a Chinese or Japanese character starts a word wherever it
// is, a letter or digit only after a character that is neither.
func wordPrefixAt(text, key string) int {
	for from := 0; ; {
		i := strings.Index(text[from:], key)
		if i < 0 {
			return -1
		}
		at := from + i
		before, _ := utf8.DecodeLastRuneInString(text[:at])
		first, _ := utf8.DecodeRuneInString(key)
		if at == 0 || corpus.IsCJK(first) || !unicode.IsLetter(before) && !unicode.IsDigit(before) {
			return at
		}
		from = at + 1
	}
}

// titleIndex finds the titles of a snapshot's documents that hold a prefix at the
// start of a word without reading every title. The titles of each segment are indexed
// once (segmentTitles), and a snapshot's index is its segments', each with the titles
// the snapshot keeps of it: the runs of places a prefix begins, one a segment, are read
// one after the other or, when they hold more places than find reads, merged in the
// order one sorted run of every title would give.
type titleIndex struct {
	parts []titlePart
}

// titlePart is a segment's titles in a snapshot: keep holds the local numbers of the
// sections of those it keeps (nil for every one).
type titlePart struct {
	*segmentTitles
	keep *roaring.Bitmap
}

// keeps reports whether the snapshot keeps the title of place at.
func (p *titlePart) keeps(at titlePlace) bool {
	return p.keep == nil || p.keep.Contains(p.titles[at.title].num)
}

// segmentTitles are the titles of one segment's documents, and the places in their keys
// where a word starts (see wordPrefixAt), sorted by the key from there on (then by the
// document id), so that the places a prefix begins are one run, found by binary search.
// The places at the start of a title, which rank first, are a run of their own. They
// serve every snapshot that holds the segment: no one changes them.
type segmentTitles struct {
	titles []docTitle
	// sections holds the local numbers of the titles' sections.
	sections *roaring.Bitmap
	// heads are the starts of the titles, words the other starts of words.
	heads, words []titlePlace
}

// titlePlace is where a word starts in the key of the title-th title.
type titlePlace struct {
	title, at int32
}

// maxTitlePlaces bounds the places read in each run for one prefix: a prefix of a
// letter or two begins thousands of words in a large index, of which those read are
// the first in the order of the keys, and the best of them are suggested.
const maxTitlePlaces = 1000

// newSegmentTitles indexes the titles of a segment. Titles repeat (a generated corpus
// holds a few thousand among hundreds of thousands of documents, and real ones hold
// series of reports), so it finds and sorts the places of each distinct key once and
// then gives every place its titles in the order of their ids (see spreadPlaces).
func newSegmentTitles(titles []docTitle) *segmentTitles {
	x := &segmentTitles{titles: titles, sections: roaring.New()}
	keyOf := make([]int32, len(titles)) // the index in keys of each title's key
	seen := map[string]int32{}
	var keys []string
	for i, t := range titles {
		x.sections.Add(t.num)
		k, ok := seen[t.key]
		if !ok {
			k = int32(len(keys))
			seen[t.key] = k
			keys = append(keys, t.key)
		}
		keyOf[i] = k
	}
	// The places of the distinct keys, as places of titles whose number is the key's
	// (firstHead[k] and firstWord[k] are the first of key k's in heads and words).
	var heads, words []titlePlace
	firstHead, firstWord := make([]int32, len(keys)+1), make([]int32, len(keys)+1)
	for k, key := range keys {
		firstHead[k], firstWord[k] = int32(len(heads)), int32(len(words))
		var before rune
		for at, r := range key {
			if at == 0 {
				heads = append(heads, titlePlace{int32(k), 0})
			} else if corpus.IsCJK(r) || !unicode.IsLetter(before) && !unicode.IsDigit(before) {
				words = append(words, titlePlace{int32(k), int32(at)})
			}
			before = r
		}
	}
	firstHead[len(keys)], firstWord[len(keys)] = int32(len(heads)), int32(len(words))
	byID, _ := sortStrings(len(titles), func(i int32) string { return titles[i].id })
	x.heads = spreadPlaces(keys, heads, firstHead, keyOf, byID)
	x.words = spreadPlaces(keys, words, firstWord, keyOf, byID)
	return x
}

// spreadPlaces returns the places of titles in the order of comparePlaces, given the
// places of their distinct keys (place.title is the index in keys, and the places of
// key k are places[first[k]:first[k+1]]), the index in keys of each title's key
// (keyOf), and the titles in the order of their ids (byID). It sorts the keys' places
// and gives each run of them whose keys are the same from there on one slot in out,
// as long as the number of titles with those keys, then takes the titles by id,
// filling in the slots of their key's places: no two titles are compared.
func spreadPlaces(keys []string, places []titlePlace, first, keyOf, byID []int32) []titlePlace {
	order, same := sortStrings(len(places), func(i int32) string { p := places[i]; return keys[p.title][p.at:] })
	// The slot of each place, and where each slot starts in out.
	slot := make([]int32, len(places))
	var starts []int32
	titlesOf := make([]int32, len(keys))
	for _, k := range keyOf {
		titlesOf[k]++
	}
	n := int32(0)
	for i, pi := range order {
		p := places[pi]
		if !same[i] {
			starts = append(starts, n)
		}
		slot[pi] = int32(len(starts) - 1)
		n += titlesOf[p.title]
	}
	out := make([]titlePlace, n)
	for _, t := range byID {
		k := keyOf[t]
		for pi := first[k]; pi < first[k+1]; pi++ {
			s := slot[pi]
			out[starts[s]] = titlePlace{t, places[pi].at}
			starts[s]++
		}
	}
	return out
}

// sortStrings returns the numbers below n in the order of the strings text gives for
// them, those of equal strings in any order, and whether each in that order has the
// same string as the one before it. It sorts them by the first chunkBytes bytes of
// their strings, read as one number with the length of what is left (stringChunk),
// then each run of numbers whose strings begin the same by the next chunkBytes bytes,
// and so on: most comparisons are of two numbers in a slice rather than of two
// strings elsewhere in memory, and no string is compared from its start again past
// the bytes its run shares.
func sortStrings(n int, text func(int32) string) (order []int32, same []bool) {
	items := make([]chunkedItem, n)
	for i := range items {
		items[i] = chunkedItem{text: text(int32(i)), item: int32(i)}
	}
	sortChunks(items, 0)
	order, same = make([]int32, n), make([]bool, n)
	for i, it := range items {
		order[i], same[i] = it.item, it.same
	}
	return order, same
}

// chunkedItem is a number to sort by its string, with a chunk of the string
// (stringChunk), and whether it has the same string as the item before it once sorted.
type chunkedItem struct {
	chunk uint64
	text  string
	item  int32
	same  bool
}

// chunkBytes is how many bytes of a string stringChunk reads: those that fit in a
// number beside the byte that says how many are left.
const chunkBytes = 7

// sortChunks sorts items whose strings share their first depth bytes in the order of
// the strings.
func sortChunks(items []chunkedItem, depth int) {
	for i := range items {
		items[i].chunk = stringChunk(items[i].text, depth)
	}
	slices.SortFunc(items, func(a, b chunkedItem) int { return cmp.Compare(a.chunk, b.chunk) })
	for len(items) > 0 {
		n := 1
		for n < len(items) && items[n].chunk == items[0].chunk {
			n++
		}
		switch {
		case n == 1:
		case items[0].chunk&0xff > chunkBytes: // the strings go on
			sortChunks(items[:n], depth+chunkBytes)
		default:
			for i := 1; i < n; i++ {
				items[i].same = true
			}
		}
		items = items[n:]
	}
}

// stringChunk returns the chunkBytes bytes of s from depth on (zeros past its end) in
// the high bytes of a number, and in the low byte how many bytes s has from depth on,
// chunkBytes+1 for more than chunkBytes. Two strings that share their first depth
// bytes are in the order of their chunks, and when the chunks are equal the strings
// are too if the low byte is at most chunkBytes, or share chunkBytes more bytes.
func stringChunk(s string, depth int) uint64 {
	rest := s[depth:]
	var b [8]byte
	copy(b[:chunkBytes], rest)
	b[chunkBytes] = byte(min(len(rest), chunkBytes+1))
	return binary.BigEndian.Uint64(b[:])
}

// from returns the key of p's title from p on.
func (x *segmentTitles) from(p titlePlace) string { return x.titles[p.title].key[p.at:] }

// comparePlaces orders place a of x and place b of y by their keys from there on,
// then by their documents' ids.
func comparePlaces(x *segmentTitles, a titlePlace, y *segmentTitles, b titlePlace) int {
	if c := strings.Compare(x.from(a), y.from(b)); c != 0 {
		return c
	}
	return strings.Compare(x.titles[a.title].id, y.titles[b.title].id)
}

// find returns the titles that hold key (suggestKey of the prefix) at the start of a
// word: those that begin with it first, then those in the reader's language, then the
// shortest; and the number of places it read.
func (x *titleIndex) find(key, lang string) ([]Suggestion, int) {
	type ranked struct {
		*docTitle
		head bool
	}
	better := func(a, b ranked) bool {
		return cmp.Or(boolOrder(b.head, a.head), boolOrder(b.lang == lang, a.lang == lang), cmp.Compare(len(a.title), len(b.title)),
			strings.Compare(a.key, b.key), strings.Compare(a.id, b.id)) < 0
	}
	// The best few, kept in order as the places go by.
	var best []ranked
	read := 0
	for _, head := range []bool{true, false} {
		if len(best) == maxTitleSuggestions && best[len(best)-1].head {
			break // no title that only holds key further on ranks above these
		}
		x.places(key, head, func(t *docTitle) {
			read++
			r := ranked{t, head}
			if slices.ContainsFunc(best, func(b ranked) bool { return b.docTitle == r.docTitle }) ||
				len(best) == maxTitleSuggestions && !better(r, best[len(best)-1]) {
				return
			}
			k := len(best)
			for k > 0 && better(r, best[k-1]) {
				k--
			}
			best = slices.Insert(best, k, r)
			best = best[:min(len(best), maxTitleSuggestions)]
		})
	}
	var out []Suggestion
	for _, r := range best {
		out = append(out, Suggestion{Text: r.title, Lang: r.lang, Kind: SuggestTitle, Translations: []Translation{}, DocID: r.id})
	}
	return out, read
}

// places calls each with the title of every place where key begins in the heads (or
// the words) of the parts, in the order of comparePlaces, the titles the snapshot does
// not keep left out: the first maxTitlePlaces. When there are no more places than that,
// each is called with every one, in the order of the parts.
func (x *titleIndex) places(key string, heads bool, each func(*docTitle)) {
	// The places of each part where key begins.
	var open []placeCursor
	total := 0
	for i := range x.parts {
		p := &x.parts[i]
		run := p.words
		if heads {
			run = p.heads
		}
		first, _ := slices.BinarySearchFunc(run, key, func(pl titlePlace, key string) int { return strings.Compare(p.from(pl), key) })
		n, _ := slices.BinarySearchFunc(run[first:], key, func(pl titlePlace, key string) int {
			if strings.HasPrefix(p.from(pl), key) {
				return -1
			}
			return 1
		})
		if n > 0 {
			open = append(open, placeCursor{p, run[first : first+n]})
			total += n
		}
	}
	if total <= maxTitlePlaces {
		for _, c := range open {
			for _, pl := range c.run {
				if c.part.keeps(pl) {
					each(&c.part.titles[pl.title])
				}
			}
		}
		return
	}
	// More: the first in order, the parts' places merged.
	started := open[:0]
	for _, c := range open {
		if c.next() {
			started = append(started, c)
		}
	}
	open = started
	slices.SortFunc(open, comparePlaceCursors)
	for n := 0; n < maxTitlePlaces && len(open) > 0; n++ {
		c := &open[0]
		each(&c.part.titles[c.run[0].title])
		c.run = c.run[1:]
		if !c.next() {
			open = open[1:]
			continue
		}
		// Move the cursor past those whose next places come first: mostly none.
		k := 1
		for k < len(open) && comparePlaceCursors(open[k], *c) < 0 {
			k++
		}
		if k > 1 {
			moved := *c
			copy(open, open[1:k])
			open[k-1] = moved
		}
	}
}

// comparePlaceCursors orders two cursors by their next places (comparePlaces).
func comparePlaceCursors(a, b placeCursor) int {
	return comparePlaces(a.part.segmentTitles, a.run[0], b.part.segmentTitles, b.run[0])
}

// placeCursor reads a part's run of places.
type placeCursor struct {
	part *titlePart
	run  []titlePlace // the places not read yet
}

// next moves c past the places of titles the snapshot does not keep, and reports
// whether it has a place left.
func (c *placeCursor) next() bool {
	for ; len(c.run) > 0; c.run = c.run[1:] {
		if c.part.keeps(c.run[0]) {
			return true
		}
	}
	return false
}

// docTitle is one document's title, with its key for matching (suggestKey), and the
// local number of the document's first section in its segment.
type docTitle struct {
	id, title, lang, key string
	num                  uint32
}

// suggestCache keeps what suggestions read from one snapshot of the index: the
// titles of its documents, and the number of sections that hold each term looked up.
// When the index has changed, the next suggestion starts reading the new snapshot in
// the background and the suggestions go on from the last one meanwhile. A new snapshot
// mostly shares its segments with the last one (a write adds a small segment, a merge
// replaces a few by one), and only the titles of its new segments are read: about 8 µs
// a document of a generated corpus, half of it reading its stored fields (tens of
// milliseconds for a few thousand), which a user typing should not wait for after
// each change.
type suggestCache struct {
	mu         sync.Mutex
	view       *suggestView
	refreshing bool
}

// suggestView is what suggestions read from one snapshot of the index.
type suggestView struct {
	snapshot segments.Snapshot
	titles   titleIndex
	// segments holds the titles of each segment of the snapshot that were read, by
	// segments.Segment.Key, for the view of the next snapshot; read is the number of
	// titles read to make this view (those of segments the last view had not read).
	segments map[any]*segmentTitles
	read     int
	mu       sync.Mutex
	counts   map[string]uint64 // by term of the AnalyzerStd fields
}

// sections returns how many sections hold term in the AnalyzerStd fields (headings
// and text), from ix's term dictionaries the first time.
func (v *suggestView) sections(ix *indexer.Index, term string) (uint64, error) {
	v.mu.Lock()
	n, ok := v.counts[term]
	v.mu.Unlock()
	if ok {
		return n, nil
	}
	for _, tf := range indexer.TextFields {
		if tf.Analyzer != indexer.AnalyzerStd {
			continue
		}
		err := ix.Terms(tf.Name, term, func(t string, sections uint64) bool {
			if t == term {
				n += sections
			}
			return false
		})
		if err != nil {
			return 0, err
		}
	}
	v.mu.Lock()
	v.counts[term] = n
	v.mu.Unlock()
	return n, nil
}

// get returns the view of ix as it is now or, while that is being read, as it was.
func (c *suggestCache) get(ctx context.Context, ix *indexer.Index) (*suggestView, error) {
	// A search that matches nothing tells which snapshot is current.
	probe := &snapshotQuery{inner: query.NewMatchNoneQuery()}
	if _, err := ix.Search(ctx, bleve.NewSearchRequestOptions(probe, 0, 0, false)); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.view == nil:
		view, err := readView(ctx, ix, nil)
		if err != nil {
			return nil, err
		}
		c.view = view
	case probe.seen != c.view.snapshot && !c.refreshing:
		c.refreshing = true
		last := c.view
		go func() {
			// The index closing ends the search, and with it the refresh.
			view, err := readView(context.Background(), ix, last)
			c.mu.Lock()
			defer c.mu.Unlock()
			c.refreshing = false
			if err == nil {
				c.view = view
			}
		}()
	}
	return c.view, nil
}

// readView reads the titles of the documents of ix as it is now (see newView).
func readView(ctx context.Context, ix *indexer.Index, last *suggestView) (*suggestView, error) {
	var view *suggestView
	read := &snapshotQuery{inner: query.NewMatchNoneQuery(), read: func(ctx context.Context, snap segments.Snapshot) (err error) {
		view, err = newView(ctx, snap, last, maxTitles)
		return err
	}}
	if _, err := ix.Search(ctx, bleve.NewSearchRequestOptions(read, 0, 0, false)); err != nil {
		return nil, fmt.Errorf("read the titles: %w", err)
	}
	return view, nil
}

// newView reads the titles of the documents of snap, but for those of the segments
// last (the view of an earlier snapshot, or nil) read. It reads those of the first
// limit documents of a segment (deleted ones included) at most, and keeps those of the
// first limit live documents read, the last segments first (those of the files added
// last are there, until a merge) and the documents of each in order.
func newView(ctx context.Context, snap segments.Snapshot, last *suggestView, limit int) (*suggestView, error) {
	view := &suggestView{snapshot: snap, segments: map[any]*segmentTitles{}, counts: map[string]uint64{}}
	room := uint64(limit)
	segs := snap.Segments()
	for i := range segs {
		seg := segs[len(segs)-1-i]
		if room == 0 {
			break
		}
		var titles *segmentTitles
		if last != nil {
			titles = last.segments[seg.Key()]
		}
		if titles == nil {
			var err error
			if titles, err = readSegmentTitles(ctx, seg, limit); err != nil {
				return nil, err
			}
			view.read += len(titles.titles)
		}
		view.segments[seg.Key()] = titles
		keep := roaring.And(titles.sections, seg.Live())
		if keep.GetCardinality() > room {
			cut, err := keep.Select(uint32(room))
			if err != nil {
				return nil, err
			}
			keep.RemoveRange(uint64(cut), seg.Count())
		}
		kept := keep.GetCardinality()
		room -= kept
		switch {
		case kept == 0:
		case kept == titles.sections.GetCardinality():
			view.titles.parts = append(view.titles.parts, titlePart{titles, nil}) // none to look up
		default:
			view.titles.parts = append(view.titles.parts, titlePart{titles, keep})
		}
	}
	return view, nil
}

// readSegmentTitles reads the titles of the documents of seg, the deleted ones too
// (what is read of a segment serves every snapshot that holds it), from the terms of
// indexer.FieldTitleTerm: the language, id and title of each document's first
// section, of limit of those sections at most, by language and id. A title that
// repeats is kept, and made a key, once.
func readSegmentTitles(ctx context.Context, seg segments.Segment, limit int) (*segmentTitles, error) {
	var titles []docTitle
	type keyed struct{ title, key string }
	seen := map[string]keyed{} // by title
	langs := map[string]string{}
	err := seg.Whole().Postings(indexer.FieldTitleTerm, func(term string, docs *roaring.Bitmap) {
		lang, id, title, ok := indexer.SplitTitleTerm(term)
		if !ok || len(titles) >= limit || ctx.Err() != nil {
			return
		}
		k, ok := seen[title]
		if !ok {
			k = keyed{strings.Clone(title), suggestKey(title)}
			seen[k.title] = k
		}
		// The strings kept hold none of term, which holds all three.
		if _, ok := langs[lang]; !ok {
			langs[lang] = strings.Clone(lang)
		}
		id, lang = strings.Clone(id), langs[lang]
		for it := docs.Iterator(); it.HasNext() && len(titles) < limit; {
			titles = append(titles, docTitle{id: id, title: k.title, lang: lang, key: k.key, num: it.Next()})
		}
	})
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	return newSegmentTitles(titles), nil
}

// snapshotQuery is inner, and records the snapshot of the index it searches; read, when
// not nil, is called with it while the search holds it open.
type snapshotQuery struct {
	inner query.Query
	seen  segments.Snapshot
	read  func(context.Context, segments.Snapshot) error
}

func (q *snapshotQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	snap, err := segments.Of(r)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	q.seen = snap
	if q.read != nil {
		if err := q.read(ctx, snap); err != nil {
			return nil, err
		}
	}
	return q.inner.Searcher(ctx, r, m, opts)
}

// Bounds of did-you-mean.
const (
	// maxDidYouMean bounds the candidates searched (each a search for its count).
	maxDidYouMean = 4
	// maxDroppedRunes is how many characters at its end a query may have wrong: the
	// glossary terms that complete the rest are candidates.
	maxDroppedRunes = 2
)

// didYouMean returns, for a query of one Chinese or Japanese word that found nothing
// (a fuzzy retry serves Latin script), a glossary term close to it that finds
// something with the request's filters, or "": the terms that complete the word
// without its last character or two (臨床試検 → 臨床試験, プラセホ → プラセボ), then
// the terms the word holds, longest first (幹細胞療法学 → 幹細胞).
func (e *Engine) didYouMean(ctx context.Context, req Request, tree Node) (string, error) {
	w, ok := tree.(Word)
	if !ok || !strings.ContainsFunc(w.Text, corpus.IsCJK) {
		return "", nil
	}
	var candidates []string
	add := func(s string) {
		if s != w.Text && !slices.Contains(candidates, s) {
			candidates = append(candidates, s)
		}
	}
	runes := []rune(w.Text)
	for drop := 1; drop <= maxDroppedRunes && len(runes)-drop >= 2; drop++ {
		for _, c := range glossary.Complete(string(runes[:len(runes)-drop]), maxDidYouMean) {
			if utf8.RuneCountInString(c.Text) <= len(runes)+maxDroppedRunes {
				add(c.Text)
			}
		}
	}
	ms := glossary.Find(w.Text)
	slices.SortStableFunc(ms, func(a, b glossary.Match) int { return (b.End - b.Start) - (a.End - a.Start) })
	for _, m := range ms {
		add(w.Text[m.Start:m.End])
	}
	for _, cand := range candidates[:min(len(candidates), maxDidYouMean)] {
		r := req
		r.Query, r.Size, r.Page = cand, 0, 1
		c := e.compile(Parse(cand), compileOptions{verbatim: req.Literal})
		resp, _, _, err := e.run(ctx, r, c)
		if err != nil {
			return "", err
		}
		if resp.Total > 0 {
			return cand, nil
		}
	}
	return "", nil
}
