package segments

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	"github.com/blevesearch/vellum"
	zap "github.com/blevesearch/zapx/v17"
)

// Letting go of what was read in bulk. zap reads a segment file through a mapping of
// the whole file, and each page of it that a search reads stays in the process's
// resident memory until the kernel wants the memory back, counted as the process's
// although the page cache holds it. Most of what searches read they read once and
// keep decoded: a term's postings in a table (Table, PositionsTable), which a memo
// keeps, and the postings of every value of a facet field or of the titles' terms
// (Postings), which a snapshot's sets and suggestions keep. At 1M sections the pages
// of the segment files mapped at the peak of musebench's serving workload were
// 435 MB of the process's 1,145 MB: 105 MB the body's term vectors, 67 MB the
// dictionaries and postings of the ordinal and title-term fields read when the index
// opened (docs/PERFORMANCE.md). Once such a read is done, release drops the mapping's
// pages of it (madvise MADV_DONTNEED, which for a mapping of a file leaves the page
// cache as it is): a later read maps the pages again from the cache, or reads them
// again if the kernel has evicted them.
//
// It relies on zap's layout as IndexSizes does (sizes.go, TestIndexSizes), and on
// zap mapping a segment's file read-only and shared, so that dropping its pages loses
// nothing (TestReleaseKeepsWhatWasRead reads a segment again after releasing it). A
// segment is released only while a snapshot that holds it is open, so its mapping
// cannot be gone.

// release drops from the mapping of s's file the pages that lie wholly within its
// bytes [lo, hi). A segment not yet written to a file, whose bytes are the heap's, is
// left alone. It is advice: nothing depends on the kernel taking it.
func (s Segment) release(lo, hi uint64) {
	z, ok := s.seg.(*zap.Segment)
	if !ok {
		return
	}
	mem := z.Data()
	page := uint64(os.Getpagesize())
	lo, hi = (lo+page-1)/page*page, min(hi, uint64(len(mem)))/page*page
	if lo < hi {
		dontneed(mem[lo:hi])
	}
}

// releaseTerm releases the pages that hold the postings of term in field of s: its
// frequencies, locations and bitmap. A term of one document has none (the dictionary
// holds its number).
func (s Segment) releaseTerm(field, term string) {
	z, dict, _, _, ok := s.fileDictionary(field)
	if !ok {
		return
	}
	postings, found, err := dict.Get([]byte(term))
	if err != nil || !found || postings&zap.FSTValEncodingMask == zap.FSTValEncoding1Hit {
		return
	}
	if freqs, _, end, err := postingsAt(z.Data(), postings); err == nil {
		s.release(freqs, end)
	}
}

// releaseField releases the pages that hold the dictionary of field in s and its
// terms' postings, which zap writes in the dictionary's order, before it: from those
// of first, the first term of the dictionary that several documents hold ("": none,
// the dictionary alone). A term of one document before it may have postings of its
// own, left mapped: a few bytes.
func (s Segment) releaseField(field, first string) {
	z, dict, lo, end, ok := s.fileDictionary(field)
	if !ok {
		return
	}
	if first != "" {
		postings, found, err := dict.Get([]byte(first))
		if err != nil || !found {
			return
		}
		if freqs, _, _, err := postingsAt(z.Data(), postings); err == nil {
			lo = freqs
		}
	}
	s.release(lo, end)
}

// fileDictionary returns the segment's file and the dictionary of field in it, with
// the bytes [addr, end) the dictionary takes (see dictionary); false for a segment
// not yet written to a file, a field without a dictionary or one not laid out as
// known.
func (s Segment) fileDictionary(field string) (z *zap.Segment, dict *vellum.FST, addr, end uint64, ok bool) {
	if z, ok = s.seg.(*zap.Segment); !ok {
		return nil, nil, 0, 0, false
	}
	dict, addr, end, err := dictionary(z, field)
	return z, dict, addr, end, err == nil && dict != nil
}

// errLayout is the error of a segment whose bytes are not laid out as zap's are
// known to be.
var errLayout = errors.New("an offset points outside the segment or out of order")

// dictionary returns the dictionary of field in seg's file, an FST whose values are
// the offsets of its terms' postings (see postingsAt) but for a term of one document,
// whose number the value holds (a value with its top bit set), and the bytes [addr,
// end) it takes, its length first; nil for a field without one (stored only).
func dictionary(seg *zap.Segment, field string) (fst *vellum.FST, addr, end uint64, err error) {
	addr, err = seg.DictAddr(field)
	if err != nil || addr == 0 {
		return nil, 0, 0, nil
	}
	mem := seg.Data()
	length, n := binary.Uvarint(mem[min(addr, uint64(len(mem))):])
	start := addr + uint64(n)
	if end = start + length; n <= 0 || end > uint64(len(mem)) {
		return nil, 0, 0, errLayout
	}
	if fst, err = vellum.Load(mem[start:end]); err != nil {
		return nil, 0, 0, fmt.Errorf("the dictionary of %s: %w", field, err)
	}
	return fst, addr, end, nil
}

// postingsAt reads where the parts of the postings at offset postings of a segment's
// bytes mem lie: at postings are the offsets of their frequencies and of their
// locations (0 for none), then the length of their bitmap and the bitmap, which ends
// at end; the frequencies and locations, in chunks, lie one after the other just
// before postings. A list without frequencies or locations has them start where the
// next part does.
func postingsAt(mem []byte, postings uint64) (freqs, locs, end uint64, err error) {
	at := postings
	uvarint := func() uint64 {
		if err != nil || at >= uint64(len(mem)) {
			err = errLayout
			return 0
		}
		v, n := binary.Uvarint(mem[at:])
		if n <= 0 {
			err = errLayout
		}
		at += uint64(n)
		return v
	}
	freqs, locs = uvarint(), uvarint()
	bitmap := uvarint()
	if err != nil {
		return 0, 0, 0, err
	}
	if locs == 0 {
		locs = postings
	}
	if freqs == 0 {
		freqs = locs
	}
	if end = at + bitmap; freqs > locs || locs > postings || end > uint64(len(mem)) {
		return 0, 0, 0, errLayout
	}
	return freqs, locs, end, nil
}
