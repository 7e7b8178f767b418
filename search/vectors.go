package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/indexer"
	"musesearch/internal/segments"
)

// pageQuery reads, as its searcher is made, what the snippets of a page's sections
// need: their stored fields, and where the highlighter's terms occur in their text
// and heading, from the term vectors of their text fields (the position and offsets
// of every token), so that marking the snippets does not analyse their texts again.
// Each section's id is looked up once, and both are read by its number. An analyser
// whose patterns are fuzzy (which match terms not known in advance) has no terms to
// read; its texts are analysed. Its searcher matches nothing.
type pageQuery struct {
	ids   []string
	terms map[string][]string // by analyser: every term of its patterns
	// fields holds the stored fields of each section, by id, as a search request for
	// indexer.StoredFields gives them (a field of several values as a []interface{});
	// a section deleted since the page was found has none.
	fields map[string]map[string]interface{}
	// found holds what was read: by text field and section id, the tokens of the
	// field's text whose terms are among terms, in the order of their positions.
	found map[indexer.TextField]map[string][]indexer.Token
}

// newPageQuery returns a pageQuery for the sections ids, reading the terms of hl.
func newPageQuery(ids []string, hl *highlighter) *pageQuery {
	return &pageQuery{ids: ids, terms: hl.vectorTerms()}
}

// markedParts are the parts of a section a snippet marks: its text, and its heading
// shown beside it.
var markedParts = []indexer.Part{indexer.PartBody, indexer.PartHeading}

func (q *pageQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	if err := q.read(r); err != nil {
		return nil, err
	}
	return searcher.NewMatchNoneSearcher(r)
}

// read reads the stored fields of the sections q.ids of r, and the occurrences of
// q.terms in them.
func (q *pageQuery) read(r index.IndexReader) error {
	q.fields = map[string]map[string]interface{}{}
	q.found = map[indexer.TextField]map[string][]indexer.Token{}
	snap, err := segments.Of(r)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	idOf := map[uint64]string{}
	var nums []uint64
	for _, id := range q.ids {
		if _, dup := q.fields[id]; dup {
			continue
		}
		iid, err := r.InternalID(id)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if iid == nil {
			continue // deleted since the page was found
		}
		fields := map[string]interface{}{}
		err = snap.StoredText(iid.Value(), func(name, value string) {
			switch have := fields[name].(type) {
			case nil:
				fields[name] = value
			case []interface{}:
				fields[name] = append(have, value)
			default:
				fields[name] = []interface{}{have, value}
			}
		})
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		q.fields[id] = fields
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
