package search

import (
	"slices"
	"sync"

	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/internal/segments"
)

// storedSection is a section and its document's metadata as a page shows them,
// decoded from the section's stored fields. It is shared by every search that reads
// the section: no one may change it.
type storedSection struct {
	doc corpus.Document
	sec corpus.Section
}

// maxStoredSections bounds the sections a storedCache holds: some four hundred pages of
// ten hits, a few megabytes of text.
const maxStoredSections = 4096

// storedCache memoises the stored fields of sections, decoded, by segment and the
// section's number in it: a segment never changes, so what was read from it holds
// for as long as a snapshot has the segment. Loading a page's stored fields through
// bleve (a lookup of each id, a document of field objects, then the JSON of the
// metadata) was a fifth of the CPU of a search on a small index. It is safe for
// concurrent use; it forgets the segments of older snapshots, and when full it
// starts again empty.
type storedCache struct {
	mu       sync.Mutex
	segments []any // the keys of the segments of the snapshot read last
	bySeg    map[any]map[uint64]*storedSection
	n        int
}

// forget drops what the cache holds of segments not among segs, a snapshot's.
func (c *storedCache) forget(segs []segments.Segment) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(segs) == len(c.segments) && !slices.ContainsFunc(segs, func(s segments.Segment) bool {
		return !slices.Contains(c.segments, s.Key())
	}) {
		return
	}
	c.segments = c.segments[:0]
	for _, s := range segs {
		c.segments = append(c.segments, s.Key())
	}
	for key, secs := range c.bySeg {
		if !slices.Contains(c.segments, key) {
			c.n -= len(secs)
			delete(c.bySeg, key)
		}
	}
}

// section returns section id, the document num of seg.
func (c *storedCache) section(seg segments.Segment, num uint64, id string) (*storedSection, error) {
	key := seg.Key()
	c.mu.Lock()
	s, ok := c.bySeg[key][num]
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	// The fields as a bleve hit holds them (DecodeFields reads those): one value as
	// a string, several as a []interface{}.
	fields := map[string]interface{}{}
	err := seg.StoredText(num, func(name string, value []byte) {
		v := string(value)
		switch old := fields[name].(type) {
		case nil:
			fields[name] = v
		case []interface{}:
			fields[name] = append(old, v)
		default:
			fields[name] = []interface{}{old, v}
		}
	})
	if err != nil {
		return nil, err
	}
	s = &storedSection{}
	s.doc, s.sec = indexer.DecodeFields(id, fields)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n >= maxStoredSections || c.bySeg == nil {
		c.bySeg, c.n = map[any]map[uint64]*storedSection{}, 0
	}
	secs := c.bySeg[key]
	if secs == nil {
		secs = map[uint64]*storedSection{}
		c.bySeg[key] = secs
	}
	if _, dup := secs[num]; !dup {
		c.n++
	}
	secs[num] = s
	return s, nil
}
