package segments

import (
	"math"

	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// PositionsTable is a term's postings in one field of a segment, positions included,
// decoded once into memory: reading a document's posting from it is a look at a
// block's bit mask and a popcount, where zap's postings iterator, which keeps no skip
// data inside a chunk, decodes every posting it passes. It holds every document of the
// segment, deleted ones included, so one table serves every snapshot that shares the
// segment. It finds a document's posting as a Table does. It never changes once read:
// it is safe for concurrent use.
type PositionsTable struct {
	blockIndex
	// postings are in the order of the documents; the positions of posting i are
	// positions[postings[i].start:postings[i+1].start] (the last's run to the end).
	postings  []positionsPosting
	positions []uint16
}

// positionsPosting is one posting of a PositionsTable: where its positions start, its
// frequency and field length, in 8 bytes, which reading a posting loads together.
type positionsPosting struct {
	start        uint32
	freq, length uint16
}

// ReadPositions reads the postings of term in field of seg, positions included, into
// a table, the documents seg's snapshot deleted included. It returns nil, and no
// error, when a frequency, field length or position exceeds what the table keeps (a
// uint16: sections run to some hundreds of tokens), for the caller to read zap's
// postings instead.
func ReadPositions(seg Segment, field, term string) (*PositionsTable, error) {
	t := &PositionsTable{}
	fits, err := readPostings(seg, field, term, true, func(n int) {
		t.postings = make([]positionsPosting, 0, n)
	}, func(p segment.Posting) (bool, error) { return t.add(p), nil })
	if !fits || err != nil {
		return nil, err
	}
	return t, nil
}

// add adds posting, after those added, and reports whether its values fit.
func (t *PositionsTable) add(p segment.Posting) bool {
	lp, ok := p.(lengthPosting)
	if !ok || p.Frequency() > math.MaxUint16 || lp.NormUint64() > math.MaxUint16 || p.Number() > math.MaxUint32 {
		return false
	}
	t.blockIndex.add(uint32(p.Number()), len(t.postings))
	t.postings = append(t.postings, positionsPosting{start: uint32(len(t.positions)), freq: uint16(p.Frequency()), length: uint16(lp.NormUint64())})
	for _, l := range p.Locations() {
		if l.Pos() > math.MaxUint16 {
			return false
		}
		t.positions = append(t.positions, uint16(l.Pos()))
	}
	return true
}

// Size is roughly the memory t takes, in bytes; a nil table (see ReadPositions) costs
// its memo entry's.
func (t *PositionsTable) Size() int {
	const entry = 64 // the memo's keys and the table's header
	if t == nil {
		return entry
	}
	return entry + t.blockIndex.size() + 8*cap(t.postings) + 2*cap(t.positions)
}

// Postings is the number of postings t holds.
func (t *PositionsTable) Postings() int { return len(t.postings) }

// Reader returns a reader of t, which reads documents forward as a PostingsReader
// does.
func (t *PositionsTable) Reader() *PositionsReader { return &PositionsReader{t: t} }

// PositionsReader reads a PositionsTable in the order of document numbers.
type PositionsReader struct {
	t    *PositionsTable
	at   int // the first block not before the last document read
	last Posting
}

// Advance reads the posting of document num, with its positions, which must not be
// before the last read, or returns nil when the document does not hold the term: as
// PostingsReader.Advance does. The posting is valid until the next call.
func (r *PositionsReader) Advance(num uint32) (*Posting, error) {
	t := r.t
	b, ok := t.seek(r.at, num>>TableBlockBits)
	r.at = b
	bit := num % tableBlock
	if !ok || !t.masks[b].Has(bit) {
		return nil, nil
	}
	i := int(t.rank(b, bit))
	p, end := &t.postings[i], len(t.positions)
	if i+1 < len(t.postings) {
		end = int(t.postings[i+1].start)
	}
	r.last.Freq, r.last.Length, r.last.Positions = uint64(p.freq), uint64(p.length), r.last.Positions[:0]
	for _, p := range t.positions[p.start:end] {
		r.last.Positions = append(r.last.Positions, uint64(p))
	}
	return &r.last, nil
}
