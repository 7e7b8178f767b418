package search

import (
	"fmt"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/corpus"
	"musesearch/internal/segments"
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
	snapshot segments.Snapshot // the snapshot of sets
	sets     *facetSets
	segments map[any]*segmentSets // by segments.Segment.Key
}

// segmentSets are one segment's postings of every facet value, as bitmaps of its
// local document numbers.
type segmentSets map[corpus.Facet]map[string]*roaring.Bitmap

func newSetCache() *setCache {
	return &setCache{segments: map[any]*segmentSets{}}
}

// get returns the facet sets of the snapshot r.
func (c *setCache) get(r index.IndexReader) (*facetSets, error) {
	snap, err := segments.Of(r)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
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
	used := map[any]*segmentSets{}
	var offset uint64
	for _, seg := range snap.Segments() {
		local := c.segments[seg.Key()]
		if local == nil {
			var err error
			if local, err = readSegmentSets(seg); err != nil {
				return nil, err
			}
		}
		used[seg.Key()] = local
		// Deleted sections stay in the sets: searchers never report them, and the
		// sets are only ever intersected with what a searcher reported.
		for f, values := range *local {
			for v, b := range values {
				global := roaring.AddOffset64(b, int64(seg.Offset))
				if have := sets.values[f][v]; have != nil {
					have.Or(global)
				} else {
					sets.values[f][v] = global
				}
			}
		}
		offset = seg.Offset + seg.Count()
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
func readSegmentSets(seg segments.Segment) (*segmentSets, error) {
	out := segmentSets{}
	for _, f := range FacetOrder {
		values := map[string]*roaring.Bitmap{}
		if err := seg.Postings(string(f), func(term string, docs *roaring.Bitmap) { values[term] = docs }); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		out[f] = values
	}
	return &out, nil
}
