// Package segments is musesearch's one door into the internals of bleve's scorch
// index: its snapshots, their segments, the postings of a segment as bitmaps and
// decoded into tables, with their positions or without (table.go, positions.go), the
// occurrences of terms in given documents (term vectors), a document's stored text
// fields, the internal values a snapshot keeps, forced merges, where a segment file's
// bytes go (sizes.go), letting go of the mapped pages of what was read whole
// (release.go), and what a new segment holds: its documents in the order of their
// ids, and fields whose term vectors keep positions only (plugin.go). Everything else
// reads and writes the index through bleve's public API.
//
// What it relies on, and what TestScorchContract, TestOccurrences, TestStoredText,
// TestPostingsReader, TestSkips, TestTable, TestPositionsTable,
// TestNewSegmentsInIDOrder, TestPositionsOnly, TestIndexSizes and
// TestReleaseKeepsWhatWasRead check so that a bleve upgrade that changes it fails
// loudly: scorch makes a batch's segment with its default segment plugin, the one
// registered last as default, handing it the analysed documents and its
// "segmentConfig", and merges copy locations as they are; an index opened with
// IndexType hands out *scorch.IndexSnapshot readers and is a *scorch.Scorch underneath;
// a snapshot's document numbers run on from segment to segment, deleted documents
// included; zap postings iterators are segment.OptimizablePostingsIterator, whose
// bitmaps may live in the segment's read-only file mapping (so they are cloned before
// use, or only read), and they read a list's data in chunks that an iterator may skip
// to (skip.go); a postings list hands out iterators without changing itself, so that
// several goroutines may read one (TermMemo shares them); a zap posting's NormUint64 is
// its field's length in tokens, of which its Norm, what bleve's scoring reads, is
// 1/sqrt rounded to a float32; a posting read with locations gives the position and
// byte offsets of each occurrence of its term (the term vectors of a field indexed with
// them); a segment's stored fields hold a document's id as the field _id and its text
// fields with type 't'; a segment file is laid out as IndexSizes reads it (sizes.go),
// and mapped read-only and shared, so that its pages may be dropped from the mapping
// (release.go); and ForceMerge merges as far as a merge plan goes. The versions this
// was built against are pinned in go.mod.
package segments

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// IndexType names the index type of every musesearch index, for bleve.NewUsing.
const IndexType = scorch.Name

// Snapshot is one point-in-time view of an index. Two Snapshots are == when they are
// the same view through the same memo.
type Snapshot struct {
	snap *scorch.IndexSnapshot
	memo *TermMemo // nil: terms' postings are looked up each time
}

// Current returns the current snapshot of bi; Close it after use.
func Current(bi bleve.Index) (Snapshot, error) {
	adv, err := bi.Advanced()
	if err != nil {
		return Snapshot{}, fmt.Errorf("read index: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return Snapshot{}, fmt.Errorf("read index: %w", err)
	}
	s, err := Of(r)
	if err != nil {
		r.Close()
	}
	return s, err
}

// Of returns the snapshot behind r, a reader bleve handed to a query's searcher; it
// stays r's to close.
func Of(r index.IndexReader) (Snapshot, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return Snapshot{}, fmt.Errorf("read index: the reader is a %T, not a scorch snapshot", r)
	}
	return Snapshot{snap: snap}, nil
}

// Memoised returns s reading the postings of terms (Segment.Term, Occurrences) through
// memo, which then keeps those of s's segments.
func (s Snapshot) Memoised(memo *TermMemo) Snapshot {
	memo.Follow(s.Segments())
	s.memo = memo
	return s
}

// Close releases a snapshot Current returned.
func (s Snapshot) Close() error { return s.snap.Close() }

// Internal returns the internal values the snapshot holds, by key.
func (s Snapshot) Internal() map[string][]byte { return s.snap.Internal() }

// Segments returns the snapshot's segments, in the order of its document numbers.
func (s Snapshot) Segments() []Segment {
	out := make([]Segment, 0, len(s.snap.Segments()))
	var offset uint64
	for _, ss := range s.snap.Segments() {
		out = append(out, Segment{seg: ss.Segment(), deleted: ss.Deleted(), memo: s.memo, Offset: offset})
		offset += ss.Segment().Count()
	}
	return out
}

// DocCount is the number of documents the snapshot holds, deleted ones left out, as
// bleve's BM25 reads it.
func (s Snapshot) DocCount() (uint64, error) { return s.snap.DocCount() }

// FieldCardinality is the number of tokens field holds over the snapshot's segments,
// as bleve's BM25 reads it (deleted documents' tokens included).
func (s Snapshot) FieldCardinality(field string) (int, error) {
	return s.snap.FieldCardinality(field)
}

// Segment is one immutable segment of a snapshot. Its Key is the same in every
// snapshot that shares the segment.
type Segment struct {
	seg     segment.Segment
	deleted *roaring.Bitmap // the segment's deleted documents in this snapshot, or nil
	memo    *TermMemo       // the snapshot's, or nil
	// Offset is the snapshot's document number of the segment's first document:
	// numbers run on from segment to segment, deleted documents included.
	Offset uint64
}

// Numbers returns the snapshot document numbers of those of ids the snapshot holds
// (deleted documents left out), by id: what index.IndexReader.InternalID gives, with
// each segment's dictionary of ids opened once for all of them, not once an id.
func (s Snapshot) Numbers(ids []string) (map[string]uint64, error) {
	out := make(map[string]uint64, len(ids))
	for _, seg := range s.Segments() {
		dict, err := seg.seg.Dictionary(idField)
		if err != nil {
			return nil, fmt.Errorf("read the ids: %w", err)
		}
		var pl segment.PostingsList
		var it segment.PostingsIterator
		for _, id := range ids {
			if _, found := out[id]; found {
				continue
			}
			if pl, err = dict.PostingsList([]byte(id), seg.deleted, pl); err != nil {
				return nil, fmt.Errorf("read the ids: %w", err)
			}
			if pl == nil || pl.Count() == 0 {
				continue
			}
			it = pl.Iterator(false, false, false, it)
			p, err := it.Next()
			if err != nil {
				return nil, fmt.Errorf("read the ids: %w", err)
			}
			if p != nil {
				out[id] = seg.Offset + p.Number()
			}
		}
	}
	return out, nil
}

// Locate returns the segment that holds document doc (a snapshot document number) and
// the document's segment-local number; ok is false for a number past the last.
func (s Snapshot) Locate(doc uint64) (seg Segment, num uint64, ok bool) {
	for _, seg := range s.Segments() {
		if doc < seg.Offset+seg.Count() {
			return seg, doc - seg.Offset, true
		}
	}
	return Segment{}, 0, false
}

// StoredText calls each with the name and value of every stored text field of the
// segment's document num (segment-local), in the order they were stored; a field of
// several values comes once per value. The document's id is left out, as bleve's
// documents leave it out. value is each's only during the call.
func (s Segment) StoredText(num uint64, each func(field string, value []byte)) error {
	err := s.seg.VisitStoredFields(num, func(field string, typ byte, value []byte, _ []uint64) bool {
		if typ == 't' && field != idField {
			each(field, value)
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("read the stored fields of document %d: %w", num, err)
	}
	return nil
}

// idField is the stored field in which scorch keeps a document's id.
const idField = "_id"

// Key identifies the segment across snapshots, for caches of what was read from it.
func (s Segment) Key() any { return s.seg }

// Whole returns the segment as written, none of its documents deleted: what is read
// of it holds for every snapshot that shares it, whatever each deleted.
func (s Segment) Whole() Segment {
	s.deleted = nil
	return s
}

// Count is the number of documents the segment holds, deleted ones included.
func (s Segment) Count() uint64 { return s.seg.Count() }

// Postings calls each with every term of field in the segment and the segment-local
// numbers of the documents that hold it (deleted ones included). The bitmap is each's
// to keep. The caller keeps what it read: the pages read are released.
func (s Segment) Postings(field string, each func(term string, docs *roaring.Bitmap)) error {
	dict, err := s.seg.Dictionary(field)
	if err != nil {
		return fmt.Errorf("read the terms of %s: %w", field, err)
	}
	var first string // the first term of several documents
	defer func() { s.releaseField(field, first) }()
	terms := dict.AutomatonIterator(nil, nil, nil)
	for {
		entry, err := terms.Next()
		if err != nil {
			return fmt.Errorf("read the terms of %s: %w", field, err)
		}
		if entry == nil {
			return nil
		}
		pl, err := dict.PostingsList([]byte(entry.Term), nil, nil)
		if err != nil {
			return fmt.Errorf("read the postings of %s: %w", field, err)
		}
		if first == "" && pl.Count() > 1 {
			first = entry.Term
		}
		docs, err := bitmapOf(pl)
		if err != nil {
			return err
		}
		each(entry.Term, docs)
	}
}

// Occurrence is where a term occurs in a document's field, as its term vector records
// it: the token's position (1-based) and the byte offsets of its source in the text the
// field indexed.
type Occurrence struct {
	Doc        uint64 // the snapshot's document number
	Term       string
	Pos        int
	Start, End int
}

// Occurrences calls each with every occurrence in field of each of terms in each of
// docs (snapshot document numbers, as index.IndexInternalID.Value gives them), read
// from the term vectors of the segments that hold docs: what re-analysing the field's
// text would find of those terms, without analysing it. A field indexed without term
// vectors has no occurrences. The order of the calls is unspecified.
func (s Snapshot) Occurrences(field string, docs []uint64, terms []string, each func(Occurrence)) error {
	docs = slices.Sorted(slices.Values(docs))
	for _, seg := range s.Segments() {
		end := seg.Offset + seg.Count()
		var local []uint64
		for _, d := range docs {
			if d >= seg.Offset && d < end {
				local = append(local, d-seg.Offset)
			}
		}
		if len(local) == 0 {
			continue
		}
		var it segment.PostingsIterator
		for _, term := range terms {
			tp, err := seg.postings(field, term)
			if err != nil {
				return err
			}
			holding := tp.holders(local)
			if len(holding) == 0 {
				continue
			}
			it = tp.pl.Iterator(false, false, true, it)
			chunk := chunkSize(seg.seg, tp.pl)
			var p segment.Posting // the posting at or after d, once read
			for _, d := range holding {
				if p == nil || p.Number() < d {
					if p, err = advance(it, chunk, d); err != nil {
						return fmt.Errorf("read the postings of %s: %w", field, err)
					}
				}
				if p == nil {
					break
				}
				if p.Number() != d {
					continue
				}
				for _, loc := range p.Locations() {
					// The format stores the token's length for its end.
					start := int(loc.Start())
					each(Occurrence{Doc: d + seg.Offset, Term: term, Pos: int(loc.Pos()), Start: start, End: start + int(loc.End())})
				}
			}
		}
	}
	return nil
}

// termPostings is a term's postings list in one segment's field, with the documents
// that hold it (deleted ones included), copied out of the segment's file mapping.
// Reading it changes nothing: it is safe for concurrent use, and its bitmap is never
// to be changed.
type termPostings struct {
	pl   segment.PostingsList
	docs *roaring.Bitmap
}

// lookUp returns the postings of term in field of seg, which may hold no documents.
func lookUp(seg Segment, field, term string) (*termPostings, error) {
	pl, err := wholePostings(seg, field, term)
	if err != nil {
		return nil, err
	}
	if pl == nil {
		return nil, fmt.Errorf("read the postings of %s: the segment has no list of %q", field, term)
	}
	docs, err := bitmapOf(pl)
	if err != nil {
		return nil, err
	}
	return &termPostings{pl: pl, docs: docs}, nil
}

// size is roughly the memory tp takes.
func (tp *termPostings) size() int { return int(tp.docs.GetSizeInBytes()) + 256 }

// holders returns those of docs (sorted segment-local numbers) that hold the term, from
// its bitmap: reading locations walks the postings up to each document asked for,
// which is worth it only for those that hold the term.
func (tp *termPostings) holders(docs []uint64) []uint64 {
	var out []uint64
	for _, d := range docs {
		if tp.docs.Contains(uint32(d)) {
			out = append(out, d)
		}
	}
	return out
}

// maxMemoBytes bounds the memory of the postings a TermMemo holds: at 1M sections the
// benchmark's 28 queries keep 10-15 MB of them (heap profiles of musebench's worker).
const maxMemoBytes = 64 << 20

// TermMemo memoises the postings of the terms a snapshot looks up (see
// Snapshot.Memoised), by segment and field and term: a query naming a concept reads
// every name of it, some hundred terms, in every text field, looking each up in the
// segment's dictionary was most of reading a page's occurrences, and copying a
// term's documents out of the file mapping a tenth of a search's allocations.
type TermMemo = Memo[fieldTerm, *termPostings]

// NewTermMemo returns an empty TermMemo.
func NewTermMemo() *TermMemo {
	return NewMemo[fieldTerm, *termPostings](maxMemoBytes, (*termPostings).size)
}

// fieldTerm names a term of a field.
type fieldTerm struct{ field, term string }

// postings returns the postings of term in field of the segment, through its
// snapshot's memo when it has one.
func (s Segment) postings(field, term string) (*termPostings, error) {
	if s.memo == nil {
		return lookUp(s, field, term)
	}
	return s.memo.Get(s, fieldTerm{field, term}, func() (*termPostings, error) { return lookUp(s, field, term) })
}

// bitmapOf returns the documents of a postings list. zap, scorch's segment format,
// keeps them as a bitmap (or, for a term of one document, its number).
func bitmapOf(pl segment.PostingsList) (*roaring.Bitmap, error) {
	it, ok := pl.Iterator(false, false, false, nil).(segment.OptimizablePostingsIterator)
	if !ok {
		return nil, fmt.Errorf("read index: the postings of %T are not bitmaps", pl)
	}
	if n, one := it.DocNum1Hit(); one {
		return roaring.BitmapOf(uint32(n)), nil
	}
	if b := it.ActualBitmap(); b != nil {
		return b.Clone(), nil // b may live in the segment's read-only file mapping
	}
	return roaring.New(), nil
}

// Merge merges bi's segments as far as scorch's default merge plan goes, again until
// the number of segments stops changing, so that searches read as few segments as
// they will once the background merger is done.
func Merge(ctx context.Context, bi bleve.Index) error {
	adv, err := bi.Advanced()
	if err != nil {
		return fmt.Errorf("read index: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return fmt.Errorf("read index: a %T is not a scorch index", adv)
	}
	for before := -1; ; {
		snap, err := Current(bi)
		if err != nil {
			return err
		}
		n := len(snap.snap.Segments())
		snap.Close()
		if n == before {
			return nil
		}
		before = n
		if err := s.ForceMerge(ctx, &mergeplan.DefaultMergePlanOptions); err != nil {
			return fmt.Errorf("merge index: %w", err)
		}
	}
}

// Live returns the segment-local numbers of the documents of the segment that this
// snapshot has not deleted.
func (s Segment) Live() *roaring.Bitmap {
	out := roaring.New()
	out.AddRange(0, s.seg.Count())
	if s.deleted != nil {
		out.AndNot(s.deleted)
	}
	return out
}

// Term returns the postings of one term of field in the segment, without the
// documents the snapshot deleted.
func (s Segment) Term(field, term string) (*Postings, error) {
	// The list holds the deleted documents too, which its readers leave out
	// themselves, so that they may skip (see advance).
	tp, err := s.postings(field, term)
	if err != nil {
		return nil, err
	}
	return &Postings{pl: tp.pl, docs: s.LiveOf(tp.docs), whole: tp.docs, deleted: s.deleted, chunk: chunkSize(s.seg, tp.pl)}, nil
}

// LiveOf returns those of docs, segment-local numbers, that the snapshot has not
// deleted: docs itself where it deleted none of the segment's.
func (s Segment) LiveOf(docs *roaring.Bitmap) *roaring.Bitmap {
	if s.deleted == nil {
		return docs
	}
	return roaring.AndNot(docs, s.deleted)
}

// Postings are the documents of one term in one segment, with their term frequencies
// and field-length norms.
type Postings struct {
	pl segment.PostingsList
	// docs are the documents that hold the term less those the snapshot deleted;
	// whole, all that hold it.
	docs, whole *roaring.Bitmap
	// deleted are the documents of pl the snapshot deleted, or nil; chunk is the
	// size of a chunk of pl, for its readers' skips (0: unknown).
	deleted *roaring.Bitmap
	chunk   uint64
}

// Docs returns the segment-local numbers of the documents that hold the term; the
// bitmap may be shared with other searches (through a memo): it is only to be read.
func (p *Postings) Docs() *roaring.Bitmap { return p.docs }

// Whole returns the segment-local numbers of the documents that hold the term, the
// deleted ones included: the same in every snapshot that shares the segment. It is
// only to be read.
func (p *Postings) Whole() *roaring.Bitmap { return p.whole }

// Reader returns a reader of the postings' frequencies and norms, and with positions
// of the term's positions in each document, which reads them forward.
func (p *Postings) Reader(positions bool) *PostingsReader {
	return &PostingsReader{it: p.pl.Iterator(true, true, positions, nil), deleted: p.deleted, chunk: p.chunk, positions: positions}
}

// PostingsReader reads postings in the order of their document numbers.
type PostingsReader struct {
	it        segment.PostingsIterator
	deleted   *roaring.Bitmap // see Postings
	chunk     uint64          // see Postings
	positions bool
	// past is 1 + the document number of the posting read last (copied out of
	// zap's, which it reuses: zap's iterator may not be asked for it again), 0
	// before the first, math.MaxUint64 past the last.
	past uint64
	last Posting
}

// Posting is a term's entry for one document.
type Posting struct {
	// Freq is how often the document's field holds the term, Length how many tokens
	// the field holds.
	Freq, Length uint64
	// Positions are the term's token positions in the field, when the reader reads
	// them.
	Positions []uint64
}

// Norm is the norm of the posting's field, as bleve's scoring reads it.
func (p *Posting) Norm() float64 { return Norm(p.Length) }

// Norm is the norm of a field of length tokens as zap hands it to bleve's scoring:
// 1/sqrt(length), rounded to a float32.
func Norm(length uint64) float64 {
	return float64(float32(1 / math.Sqrt(float64(length))))
}

// lengthPosting is a zap posting (v15 and later), whose norm is kept as the field's
// length: reading the length saves a square root and a division a posting.
type lengthPosting interface{ NormUint64() uint64 }

// Advance reads the posting of document num, which must not be before the last read,
// or returns nil when the document does not hold the term (a deleted one holds none).
// The posting is valid until the next call.
func (r *PostingsReader) Advance(num uint32) (*Posting, error) {
	if r.deleted != nil && r.deleted.Contains(num) {
		return nil, nil // the snapshot deleted num
	}
	if r.past <= uint64(num) {
		return r.read(num)
	}
	if r.past-1 != uint64(num) {
		return nil, nil // num holds no posting
	}
	return &r.last, nil
}

// read is Advance for a document after the posting read last.
func (r *PostingsReader) read(num uint32) (*Posting, error) {
	p, err := advance(r.it, r.chunk, uint64(num))
	if err != nil {
		return nil, fmt.Errorf("read postings: %w", err)
	}
	if p == nil {
		r.past = math.MaxUint64
		return nil, nil
	}
	lp, ok := p.(lengthPosting)
	if !ok {
		return nil, fmt.Errorf("read postings: a %T keeps no field length (a segment of a format before zap v15); rebuild the index", p)
	}
	r.past = p.Number() + 1
	r.last.Freq, r.last.Length, r.last.Positions = p.Frequency(), lp.NormUint64(), r.last.Positions[:0]
	if r.positions {
		for _, l := range p.Locations() {
			r.last.Positions = append(r.last.Positions, l.Pos())
		}
	}
	if r.past != uint64(num)+1 {
		return nil, nil
	}
	return &r.last, nil
}
