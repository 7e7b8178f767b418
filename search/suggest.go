package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

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
	// maxTitles bounds the documents whose titles are kept for suggestions.
	maxTitles = 200_000
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

// titleIndex finds the titles that hold a prefix at the start of a word without
// reading every title: the places in the titles' keys where a word starts (see
// wordPrefixAt), sorted by the key from there on, so that the places a prefix begins
// are one run, found by binary search. The places at the start of a title, which rank
// first, are a run of their own.
type titleIndex struct {
	titles []docTitle
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

// newTitleIndex indexes titles.
func newTitleIndex(titles []docTitle) *titleIndex {
	x := &titleIndex{titles: titles}
	for i, t := range titles {
		var before rune
		for at, r := range t.key {
			if at == 0 {
				x.heads = append(x.heads, titlePlace{int32(i), 0})
			} else if corpus.IsCJK(r) || !unicode.IsLetter(before) && !unicode.IsDigit(before) {
				x.words = append(x.words, titlePlace{int32(i), int32(at)})
			}
			before = r
		}
	}
	for _, places := range [][]titlePlace{x.heads, x.words} {
		slices.SortFunc(places, func(a, b titlePlace) int { return strings.Compare(x.from(a), x.from(b)) })
	}
	return x
}

// from returns the key of p's title from p on.
func (x *titleIndex) from(p titlePlace) string { return x.titles[p.title].key[p.at:] }

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
	for _, run := range []struct {
		places []titlePlace
		head   bool
	}{{x.heads, true}, {x.words, false}} {
		if len(best) == maxTitleSuggestions && best[len(best)-1].head {
			break // no title that only holds key further on ranks above these
		}
		i, _ := slices.BinarySearchFunc(run.places, key, func(p titlePlace, key string) int {
			return strings.Compare(x.from(p), key)
		})
		for n := 0; i < len(run.places) && n < maxTitlePlaces && strings.HasPrefix(x.from(run.places[i]), key); i, n = i+1, n+1 {
			read++
			r := ranked{&x.titles[run.places[i].title], run.head}
			if slices.ContainsFunc(best, func(b ranked) bool { return b.docTitle == r.docTitle }) ||
				len(best) == maxTitleSuggestions && !better(r, best[len(best)-1]) {
				continue
			}
			k := len(best)
			for k > 0 && better(r, best[k-1]) {
				k--
			}
			best = slices.Insert(best, k, r)
			best = best[:min(len(best), maxTitleSuggestions)]
		}
	}
	var out []Suggestion
	for _, r := range best {
		out = append(out, Suggestion{Text: r.title, Lang: r.lang, Kind: SuggestTitle, Translations: []Translation{}, DocID: r.id})
	}
	return out, read
}

// docTitle is one document's title, with its key for matching (suggestKey).
type docTitle struct {
	id, title, lang, key string
}

// suggestCache keeps what suggestions read from one snapshot of the index: the
// titles of its documents, and the number of sections that hold each term looked up.
// When the index has changed, the next suggestion starts reading the new snapshot in
// the background and the suggestions go on from the last one meanwhile: reading every
// title takes about 30 µs a document (a tenth of a second for a few thousand), which
// a user typing should not wait for after each change.
type suggestCache struct {
	mu         sync.Mutex
	view       *suggestView
	refreshing bool
}

// suggestView is what suggestions read from one snapshot of the index.
type suggestView struct {
	snapshot segments.Snapshot
	titles   *titleIndex
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
		view, err := readView(ctx, ix)
		if err != nil {
			return nil, err
		}
		c.view = view
	case probe.seen != c.view.snapshot && !c.refreshing:
		c.refreshing = true
		go func() {
			// The index closing ends the search, and with it the refresh.
			view, err := readView(context.Background(), ix)
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

// readView reads the titles of the documents of ix as it is now.
func readView(ctx context.Context, ix *indexer.Index) (*suggestView, error) {
	// The first section of each document carries its title.
	first, inclusive := 1.0, true
	q := query.NewNumericRangeInclusiveQuery(&first, &first, &inclusive, &inclusive)
	q.SetField(indexer.FieldOrdinal)
	read := &snapshotQuery{inner: q}
	req := bleve.NewSearchRequestOptions(read, maxTitles, 0, false)
	req.Score = "none"
	req.Fields = []string{indexer.FieldTitle, indexer.FieldDocID, indexer.FieldDocLang}
	res, err := ix.Search(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("read the titles: %w", err)
	}
	var titles []docTitle
	for _, h := range res.Hits {
		doc, _ := indexer.DecodeFields(h.ID, h.Fields)
		if doc.Title != "" {
			titles = append(titles, docTitle{id: doc.ID, title: doc.Title, lang: doc.Lang, key: suggestKey(doc.Title)})
		}
	}
	return &suggestView{snapshot: read.seen, titles: newTitleIndex(titles), counts: map[string]uint64{}}, nil
}

// snapshotQuery is inner, and records the snapshot of the index it searches.
type snapshotQuery struct {
	inner query.Query
	seen  segments.Snapshot
}

func (q *snapshotQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	snap, err := segments.Of(r)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	q.seen = snap
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
