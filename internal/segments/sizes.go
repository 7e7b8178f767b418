package segments

import (
	"context"
	"errors"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/vellum"
	zap "github.com/blevesearch/zapx/v17"
)

// Sizes says where the bytes of an index's segment files go: what a format of our
// own would have to make smaller (docs/PERFORMANCE.md). Parts are in bytes.
type Sizes struct {
	// Files is the size of the segment files; Stored that of their stored fields
	// (as zap compresses them), Other what neither Stored nor Fields count (doc
	// values, the stored fields' index, field tables, footers).
	Files, Stored, Other int64
	// Fields holds the parts of each field that has a dictionary, by name.
	Fields map[string]FieldSizes
}

// FieldSizes are the parts of one field's postings: its dictionary, and of its terms'
// postings the frequencies and norms, the locations (term vectors: positions and
// offsets) and the bitmaps of their documents.
type FieldSizes struct {
	Dictionary, Frequencies, Locations, Bitmaps int64
}

// IndexSizes measures the segment files of bi's current snapshot. Segments still only
// in memory are not counted.
//
// This knows zap's file layout (TestIndexSizes checks it adds up): a segment's stored
// fields come first and end where its stored fields' index starts; a field's
// dictionary is an FST, its length before it, whose values are the offsets of its
// terms' postings, but for a term with one posting, which the value itself holds (a
// value with its top bit set); at a term's postings offset are the offsets of its
// frequencies and of its locations (0 for none), then its bitmap's length and the
// bitmap; the frequencies and locations, in chunks, lie one after the other just
// before it.
func IndexSizes(ctx context.Context, bi bleve.Index) (Sizes, error) {
	snap, err := Current(bi)
	if err != nil {
		return Sizes{}, err
	}
	defer snap.Close()
	sizes := Sizes{Fields: map[string]FieldSizes{}}
	for _, ss := range snap.snap.Segments() {
		seg, ok := ss.Segment().(*zap.Segment)
		if !ok {
			continue
		}
		if err := ctx.Err(); err != nil {
			return Sizes{}, err
		}
		if err := sizes.add(seg); err != nil {
			return Sizes{}, fmt.Errorf("measure segment %s: %w", seg.Path(), err)
		}
	}
	sizes.Other = sizes.Files - sizes.Stored
	for _, f := range sizes.Fields {
		sizes.Other -= f.Dictionary + f.Frequencies + f.Locations + f.Bitmaps
	}
	return sizes, nil
}

// add adds the parts of seg to s.
func (s *Sizes) add(seg *zap.Segment) error {
	mem := seg.Data()
	s.Files += int64(len(mem))
	s.Stored += int64(seg.StoredIndexOffset())
	for _, field := range seg.Fields() {
		fst, addr, end, err := dictionary(seg, field)
		if err != nil {
			return err
		}
		if fst == nil {
			continue // a stored-only field
		}
		fs := s.Fields[field]
		fs.Dictionary += int64(end - addr)
		it, err := fst.Iterator(nil, nil)
		for err == nil {
			_, postings := it.Current()
			if postings&zap.FSTValEncodingMask != zap.FSTValEncoding1Hit {
				if err := fs.addPostings(mem, postings); err != nil {
					return err
				}
			}
			err = it.Next()
		}
		if !errors.Is(err, vellum.ErrIteratorDone) {
			return fmt.Errorf("the dictionary of %s: %w", field, err)
		}
		s.Fields[field] = fs
	}
	return nil
}

// addPostings adds the parts of the postings at offset postings of mem to fs.
func (fs *FieldSizes) addPostings(mem []byte, postings uint64) error {
	freqs, locs, end, err := postingsAt(mem, postings)
	if err != nil {
		return err
	}
	fs.Bitmaps += int64(end - postings)
	fs.Locations += int64(postings - locs)
	fs.Frequencies += int64(locs - freqs)
	return nil
}
