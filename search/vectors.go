package search

import (
	"cmp"
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
// position and offsets of every token), so that marking the page's snippets does not
// analyse their texts again. An analyser whose patterns are fuzzy (which match terms
// not known in advance) has no terms to read; its texts are analysed. Reading in a
// searcher gets the index's protections of a search (Index.Search).
type pageQuery struct {
	ids    []string
	terms  map[string][]string // by analyser: every term of its patterns
	stored *storedCache
	memo   *segments.TermMemo
	// sections holds what was read of each section of ids that the index holds, by
	// id.
	sections map[string]*storedSection
	// found holds, by text field and section id, the tokens of the field's text
	// whose terms are among terms, in the order of their positions.
	found map[indexer.TextField]map[string][]indexer.Token
}

// newPageQuery returns a pageQuery for the sections ids, reading the terms of hl
// through e's memos.
func newPageQuery(ids []string, hl *highlighter, e *Engine) *pageQuery {
	return &pageQuery{ids: ids, terms: hl.vectorTerms(), stored: e.stored, memo: e.termMemo}
}

// occurrence is a token of a field's text in the document numbered doc.
type occurrence struct {
	doc uint64
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

// read reads the stored fields of the sections q.ids of r, and the occurrences of
// q.terms in them.
func (q *pageQuery) read(r index.IndexReader) error {
	q.sections = map[string]*storedSection{}
	q.found = map[indexer.TextField]map[string][]indexer.Token{}
	snap, err := segments.Of(r)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
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
	for _, tf := range indexer.TextFields {
		terms, ok := q.terms[tf.Analyzer]
		// A snippet marks the section's text, and its heading shown beside it: the
		// fields whose term vectors keep offsets.
		if !ok || !tf.Offsets {
			continue
		}
		occurrences = occurrences[:0]
		err := snap.Occurrences(tf.Name, nums, terms, q.memo, func(o segments.Occurrence) {
			occurrences = append(occurrences, occurrence{o.Doc, indexer.Token{Term: o.Term, Start: o.Start, End: o.End, Position: o.Pos}})
		})
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		slices.SortFunc(occurrences, func(a, b occurrence) int {
			return cmp.Or(cmp.Compare(a.doc, b.doc), a.Position-b.Position, a.Start-b.Start, a.End-b.End, strings.Compare(a.Term, b.Term))
		})
		// The tokens of every section, in one array.
		tokens := make([]indexer.Token, len(occurrences))
		byID := make(map[string][]indexer.Token, len(idOf))
		for n, id := range idOf {
			byID[id] = nil // read: a text without any of the terms has no tokens
			i, _ := slices.BinarySearchFunc(occurrences, n, func(o occurrence, n uint64) int { return cmp.Compare(o.doc, n) })
			j := i
			for ; j < len(occurrences) && occurrences[j].doc == n; j++ {
				tokens[j] = occurrences[j].Token
			}
			if j > i {
				byID[id] = tokens[i:j:j]
			}
		}
		q.found[tf] = byID
	}
	return nil
}
