package search

import (
	"fmt"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"musesearch/corpus"
)

// facetSets holds, for one snapshot of the index, the sections that carry each facet
// value, as bitmaps of the snapshot's document numbers (the numbers its searchers
// report). Facet counts, filters and the language of a hit are then set operations on
// the matches of a query, with no per-hit lookup: the values are few (tens), the
// sections many.
type facetSets struct {
	values map[corpus.Facet]map[string]*roaring.Bitmap
	// langs holds the language of every section, as an index into langNames + 1 (0:
	// none), by document number: a search looks it up for each match.
	langs     []uint8
	langNames []string
}

// langOf returns the language of section n as an index into langNames, or -1.
func (s *facetSets) langOf(n uint64) int {
	if n >= uint64(len(s.langs)) {
		return -1
	}
	return int(s.langs[n]) - 1
}

// of returns the sections carrying any of the values of facet f.
func (s *facetSets) of(f corpus.Facet, values []string) *roaring.Bitmap {
	sets := make([]*roaring.Bitmap, 0, len(values))
	for _, v := range values {
		if b := s.values[f][v]; b != nil {
			sets = append(sets, b)
		}
	}
	return roaring.FastOr(sets...)
}

// setCache builds the facetSets of each snapshot it is asked for. A snapshot is a list
// of immutable segments, and a new one (after a batch or a merge) mostly shares them
// with the last: the sets of each segment are kept and only a new segment's are read.
type setCache struct {
	mu       sync.Mutex
	snapshot *scorch.IndexSnapshot // the snapshot of sets
	sets     *facetSets
	segments map[segment.Segment]*segmentSets
}

// segmentSets are one segment's postings of every facet value, as bitmaps of its
// local document numbers.
type segmentSets map[corpus.Facet]map[string]*roaring.Bitmap

func newSetCache() *setCache {
	return &setCache{segments: map[segment.Segment]*segmentSets{}}
}

// get returns the facet sets of the snapshot r.
func (c *setCache) get(r index.IndexReader) (*facetSets, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("search: the index reader is a %T, not a scorch snapshot", r)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if snap == c.snapshot {
		return c.sets, nil
	}
	sets := &facetSets{values: map[corpus.Facet]map[string]*roaring.Bitmap{}}
	for _, f := range FacetOrder {
		sets.values[f] = map[string]*roaring.Bitmap{}
	}
	used := map[segment.Segment]*segmentSets{}
	var offset uint64
	for _, ss := range snap.Segments() {
		seg := ss.Segment()
		local := c.segments[seg]
		if local == nil {
			var err error
			if local, err = readSegmentSets(seg); err != nil {
				return nil, err
			}
		}
		used[seg] = local
		// Deleted sections stay in the sets: searchers never report them, and the
		// sets are only ever intersected with what a searcher reported.
		for f, values := range *local {
			for v, b := range values {
				global := roaring.AddOffset64(b, int64(offset))
				if have := sets.values[f][v]; have != nil {
					have.Or(global)
				} else {
					sets.values[f][v] = global
				}
			}
		}
		// Document numbers of a snapshot run on from segment to segment, deleted
		// documents included (scorch's offsets).
		offset += seg.Count()
	}
	sets.langs = make([]uint8, offset)
	for lang, set := range sets.values[corpus.Lang] {
		if len(sets.langNames) == 255 {
			return nil, fmt.Errorf("search: the index has more than 255 languages")
		}
		sets.langNames = append(sets.langNames, lang)
		mark := uint8(len(sets.langNames))
		set.Iterate(func(n uint32) bool {
			sets.langs[n] = mark
			return true
		})
	}
	c.snapshot, c.sets, c.segments = snap, sets, used
	return sets, nil
}

// readSegmentSets reads the postings of every facet value of one segment.
func readSegmentSets(seg segment.Segment) (*segmentSets, error) {
	out := segmentSets{}
	for _, f := range FacetOrder {
		dict, err := seg.Dictionary(string(f))
		if err != nil {
			return nil, fmt.Errorf("search: read the %s values: %w", f, err)
		}
		values := map[string]*roaring.Bitmap{}
		terms := dict.AutomatonIterator(nil, nil, nil)
		for {
			entry, err := terms.Next()
			if err != nil {
				return nil, fmt.Errorf("search: read the %s values: %w", f, err)
			}
			if entry == nil {
				break
			}
			postings, err := dict.PostingsList([]byte(entry.Term), nil, nil)
			if err != nil {
				return nil, fmt.Errorf("search: read the %s postings: %w", f, err)
			}
			b, err := postingsBitmap(postings)
			if err != nil {
				return nil, err
			}
			values[entry.Term] = b
		}
		out[f] = values
	}
	return &out, nil
}

// postingsBitmap returns the documents of a postings list. zap, scorch's segment
// format, keeps them as a bitmap (or, for a term of one document, its number).
func postingsBitmap(pl segment.PostingsList) (*roaring.Bitmap, error) {
	it, ok := pl.Iterator(false, false, false, nil).(segment.OptimizablePostingsIterator)
	if !ok {
		return nil, fmt.Errorf("search: the postings of %T are not bitmaps", pl)
	}
	if n, one := it.DocNum1Hit(); one {
		return roaring.BitmapOf(uint32(n)), nil
	}
	if b := it.ActualBitmap(); b != nil {
		return b.Clone(), nil // b may live in the segment's file mapping
	}
	return roaring.New(), nil
}
