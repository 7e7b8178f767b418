package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/indexer"
	"musesearch/internal/segments"
)

// vectorQuery is inner, a query for the sections of a page, that also reads, as its
// searcher is made, where the highlighter's terms occur in those sections' text and
// heading: from the term vectors of their text fields (the position and offsets of
// every token), so that marking the page's snippets does not analyse their texts
// again. An analyser whose patterns are fuzzy (which match terms not known in
// advance) has no terms to read; its texts are analysed.
type vectorQuery struct {
	inner query.Query
	ids   []string
	terms map[string][]string // by analyser: every term of its patterns
	// found holds what was read: by text field and section id, the tokens of the
	// field's text whose terms are among terms, in the order of their positions.
	found map[indexer.TextField]map[string][]indexer.Token
}

// newVectorQuery returns a vectorQuery for the sections ids, reading the terms of hl.
func newVectorQuery(inner query.Query, ids []string, hl *highlighter) *vectorQuery {
	return &vectorQuery{inner: inner, ids: ids, terms: hl.vectorTerms()}
}

// markedParts are the parts of a section a snippet marks: its text, and its heading
// shown beside it.
var markedParts = []indexer.Part{indexer.PartBody, indexer.PartHeading}

func (q *vectorQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	if err := q.read(r); err != nil {
		return nil, err
	}
	return q.inner.Searcher(ctx, r, m, opts)
}

// read reads the occurrences of q.terms in the sections q.ids of r.
func (q *vectorQuery) read(r index.IndexReader) error {
	q.found = map[indexer.TextField]map[string][]indexer.Token{}
	if len(q.terms) == 0 {
		return nil
	}
	snap, err := segments.Of(r)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	idOf := map[uint64]string{}
	var nums []uint64
	for _, id := range q.ids {
		iid, err := r.InternalID(id)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if iid == nil {
			continue // deleted since the page was found
		}
		idOf[iid.Value()] = id
		nums = append(nums, iid.Value())
	}
	for _, tf := range indexer.TextFields {
		terms, ok := q.terms[tf.Analyzer]
		if !ok || !slices.Contains(markedParts, tf.Part) {
			continue
		}
		byID := map[string][]indexer.Token{}
		for _, id := range idOf {
			byID[id] = nil // read: a text without any of the terms has no tokens
		}
		err := snap.Occurrences(tf.Name, nums, terms, func(o segments.Occurrence) {
			id := idOf[o.Doc]
			byID[id] = append(byID[id], indexer.Token{Term: o.Term, Start: o.Start, End: o.End, Position: o.Pos})
		})
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		for _, tokens := range byID {
			slices.SortFunc(tokens, func(a, b indexer.Token) int {
				return cmp.Or(a.Position-b.Position, a.Start-b.Start, a.End-b.End)
			})
		}
		q.found[tf] = byID
	}
	return nil
}
