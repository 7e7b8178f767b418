package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/indexer"
	"musesearch/internal/segments"
)

// pageQuery reads the sections of a page, as its searcher is made, and matches
// nothing: their stored fields (from a storedCache), and where the highlighter's terms
// occur in their text and heading: from the term vectors of their text fields (the
// position and offsets of every token), which it gives the highlighter (know), so that
// marking the page's snippets does not analyse their texts again. An analyser whose
// patterns are fuzzy (which match terms not known in advance) has no terms to read;
// its texts are analysed. Reading in a searcher gets the index's protections of a
// search (Index.Search).
type pageQuery struct {
	ids    []string
	hl     *highlighter
	stored *storedCache
	memo   *segments.TermMemo
	// sections holds what was read of each section of ids that the index holds, by
	// id.
	sections map[string]*storedSection
}

// newPageQuery returns a pageQuery for the sections ids, reading the terms of hl
// through e's memos.
func newPageQuery(ids []string, hl *highlighter, e *Engine) *pageQuery {
	return &pageQuery{ids: ids, hl: hl, stored: e.stored, memo: e.sets.postings}
}

// readFields returns the text fields whose tokens read gives the highlighter: a
// snippet marks the section's text, and its heading shown beside it, the fields whose
// term vectors keep offsets, under the analysers that have terms to read (terms).
func readFields(terms map[string][]string) []indexer.TextField {
	var out []indexer.TextField
	for _, tf := range indexer.TextFields {
		if _, ok := terms[tf.Analyzer]; ok && tf.Offsets {
			out = append(out, tf)
		}
	}
	return out
}

// occurrence is a token of a field's text in a section of the page: the section whose
// number is docs[doc], docs the page's numbers in order.
type occurrence struct {
	doc int
	indexer.Token
}

// occurrenceBuffers holds the buffers pageQuery.read gathers the occurrences of a field
// in (some hundred for a page of ten), of at most maxPooledOccurrences (200 kB): the
// pages of an export may have many more.
var occurrenceBuffers = sync.Pool{New: func() any { return new([]occurrence) }}

const maxPooledOccurrences = 4096

func (q *pageQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	if err := q.read(r); err != nil {
		return nil, err
	}
	return searcher.NewMatchNoneSearcher(r)
}

// read reads the stored fields of the sections q.ids of r, and gives q.hl the
// occurrences of its terms in their texts and headings, in the order of their
// positions.
func (q *pageQuery) read(r index.IndexReader) error {
	q.sections = map[string]*storedSection{}
	snap, err := segments.Of(r)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	snap = snap.Memoised(q.memo)
	q.stored.Follow(snap.Segments())
	numOf, err := snap.Numbers(q.ids)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	idOf := map[uint64]string{}
	var nums []uint64
	for _, id := range q.ids {
		n, ok := numOf[id]
		if !ok {
			continue // deleted since the page was found
		}
		seg, num, ok := snap.Locate(n)
		if !ok {
			return fmt.Errorf("search: section %s has document number %d, past the index's last", id, n)
		}
		if q.sections[id], err = storedSectionOf(q.stored, seg, num, id); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		idOf[n] = id
		nums = append(nums, n)
	}
	buf := occurrenceBuffers.Get().(*[]occurrence)
	occurrences := *buf
	defer func() {
		if cap(occurrences) <= maxPooledOccurrences {
			clear(occurrences[:cap(occurrences)]) // no terms kept alive
			*buf = occurrences[:0]
			occurrenceBuffers.Put(buf)
		}
	}()
	terms := q.hl.vectorTerms()
	fields := readFields(terms)
	q.hl.reserve(len(q.sections) * len(fields))
	docs := slices.Compact(slices.Sorted(slices.Values(nums)))
	// The tokens of docs[d] go to tokens[from[d]:from[d+1]]: the occurrences come by
	// term, and are put in order by section (counted) and, within a section, by
	// position (sorted), which costs a few sorts of a section's tokens, not one of the
	// page's.
	from := make([]int, len(docs)+1)
	for _, tf := range fields {
		occurrences = occurrences[:0]
		clear(from)
		last, d := uint64(0), -1
		err := snap.Occurrences(tf.Name, nums, terms[tf.Analyzer], func(o segments.Occurrence) {
			if d < 0 || o.Doc != last {
				last = o.Doc
				d, _ = slices.BinarySearch(docs, o.Doc) // one of nums: in docs
			}
			from[d+1]++
			occurrences = append(occurrences, occurrence{d, indexer.Token{Term: o.Term, Start: o.Start, End: o.End, Position: o.Pos}})
		})
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		for d := range docs {
			from[d+1] += from[d]
		}
		// The tokens of every section, in one array.
		tokens := make([]indexer.Token, len(occurrences))
		next := slices.Clone(from[:len(docs)])
		for _, o := range occurrences {
			tokens[next[o.doc]] = o.Token
			next[o.doc]++
		}
		for d, n := range docs {
			s := q.sections[idOf[n]]
			written, text := s.sec.Text, s.text
			if tf.Part == indexer.PartHeading {
				written, text = s.sec.Heading, s.heading
			}
			// A Japanese field holds Chinese text unfolded (see indexer.TextFields).
			if tf.Analyzer == indexer.AnalyzerJa && text != written {
				continue
			}
			own := tokens[from[d]:from[d+1]:from[d+1]]
			slices.SortFunc(own, compareTokens)
			// Known: a text without any of the terms has no tokens.
			q.hl.know(tf.Analyzer, text, own)
		}
	}
	return nil
}

// compareTokens orders the tokens of a text by position, then offsets and term. It
// compares no further than it must (cmp.Or would compare every key of each pair, the
// terms too).
func compareTokens(a, b indexer.Token) int {
	switch {
	case a.Position != b.Position:
		return a.Position - b.Position
	case a.Start != b.Start:
		return a.Start - b.Start
	case a.End != b.End:
		return a.End - b.End
	}
	return strings.Compare(a.Term, b.Term)
}
