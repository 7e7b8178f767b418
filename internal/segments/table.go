package segments

import (
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Table is a term's postings in one segment decoded for scoring: the documents that
// hold the term and, of each, how often its field holds the term and how many tokens
// the field holds. zap keeps these as varints in chunks without skip data, so that its
// Advance reads every posting it passes; a Table is read once, and finding a
// document's posting in it is a look-up (TableCursor). It holds the postings of the
// whole segment, deleted documents included, so that one Table serves every snapshot
// that shares the segment. It never changes once read: it is safe for concurrent use.
type Table struct {
	blockIndex
	// freqs and lengths are the postings' frequencies and field lengths, by rank; a
	// frequency of manyTimes or more is manyTimes in freqs and kept in many, by rank.
	freqs   []uint8
	lengths []uint16
	many    map[uint32]uint64
}

// manyTimes is the frequency from which a Table keeps a posting's frequency aside:
// nearly all are lower, and a byte each is a fifth of a Table.
const manyTimes = math.MaxUint8

// ReadTable reads the postings of term in field of seg, deleted documents included,
// into a Table; it returns nil when a field's length is beyond what a Table holds
// (math.MaxUint16 tokens: a section of tens of thousands).
func ReadTable(seg Segment, field, term string) (*Table, error) {
	t := &Table{}
	fits, err := readPostings(seg, field, term, false, func(n int) {
		t.freqs, t.lengths = make([]uint8, 0, n), make([]uint16, 0, n)
	}, func(p segment.Posting) (bool, error) {
		lp, ok := p.(lengthPosting)
		if !ok {
			return false, fmt.Errorf("read postings: a %T keeps no field length (a segment of a format before zap v15); rebuild the index", p)
		}
		freq, length := p.Frequency(), lp.NormUint64()
		if length > math.MaxUint16 || p.Number() > math.MaxUint32 {
			return false, nil
		}
		t.add(uint32(p.Number()), len(t.freqs))
		if freq >= manyTimes {
			if t.many == nil {
				t.many = map[uint32]uint64{}
			}
			t.many[uint32(len(t.freqs))] = freq
		}
		t.freqs, t.lengths = append(t.freqs, uint8(min(freq, manyTimes))), append(t.lengths, uint16(length))
		return true, nil
	})
	if !fits || err != nil {
		return nil, err
	}
	return t, nil
}

// readPostings reads every posting of term in field of seg, deleted documents
// included, in order, with their locations where locations says: it calls start
// with their number, then add with each, until add says it does not fit it (the
// posting's values beyond what the caller keeps) or fails; it reports whether every
// posting fit. The caller keeps what it read: the pages read are released.
func readPostings(seg Segment, field, term string, locations bool, start func(n int), add func(segment.Posting) (bool, error)) (bool, error) {
	pl, err := wholePostings(seg, field, term)
	if err != nil || pl == nil {
		return err == nil, err
	}
	defer seg.releaseTerm(field, term)
	start(int(pl.Count()))
	it := pl.Iterator(true, true, locations, nil)
	for {
		p, err := it.Next()
		if err != nil {
			return false, fmt.Errorf("read the postings of %s: %w", field, err)
		}
		if p == nil {
			return true, nil
		}
		if fits, err := add(p); !fits || err != nil {
			return false, err
		}
	}
}

// wholePostings returns the postings list of term in field of seg, deleted documents
// included, nil when the segment has none.
func wholePostings(seg Segment, field, term string) (segment.PostingsList, error) {
	dict, err := seg.seg.Dictionary(field)
	if err != nil {
		return nil, fmt.Errorf("read the terms of %s: %w", field, err)
	}
	pl, err := dict.PostingsList([]byte(term), nil, nil)
	if err != nil {
		return nil, fmt.Errorf("read the postings of %s: %w", field, err)
	}
	return pl, nil
}

// Size is roughly the memory t takes, in bytes.
func (t *Table) Size() int {
	return 64 + t.blockIndex.size() + 3*len(t.freqs) + 32*len(t.many)
}

// freq is the frequency of the posting of rank i.
func (t *Table) freq(i uint32) uint64 {
	if f := t.freqs[i]; f < manyTimes {
		return uint64(f)
	}
	return t.many[i]
}

// Each calls each with every posting of t, in the order of the documents' numbers:
// the document's segment-local number, the term's frequency, the field's length.
func (t *Table) Each(each func(num uint32, freq, length uint64)) {
	for i, b := range t.blocks {
		rank := t.firsts[i]
		t.masks[i].Each(func(bit uint32) {
			each(b<<TableBlockBits|bit, t.freq(rank), uint64(t.lengths[rank]))
			rank++
		})
	}
}

// Cursor returns a cursor at t's first posting, which finds the postings of seg's
// documents, t's segment as a snapshot has it: none of those it deleted.
func (t *Table) Cursor(seg Segment) *TableCursor { return &TableCursor{t: t, deleted: seg.deleted} }

// TableCursor finds documents' postings in a Table, one at a time (Find) or a block
// of them at once (Block), in the order of their numbers.
type TableCursor struct {
	t       *Table
	deleted *roaring.Bitmap // the documents the snapshot deleted, or nil
	i       int             // the first of t.blocks not before the block asked about last
}

// cursorSeekAhead is how many blocks a cursor steps through before it searches the
// rest: most documents asked about are in the block of the last, or soon after.
const cursorSeekAhead = 8

// blockIndex finds the postings of documents in a table by their rank: blocks are
// the numbers of the blocks of tableBlock documents (their first document's number /
// tableBlock) that hold postings, ascending; of blocks[i], masks[i] marks the
// documents that hold them, and firsts[i] is the rank of its first.
type blockIndex struct {
	blocks []uint32
	masks  []Mask
	firsts []uint32
}

// add adds document num, after those added, whose posting has rank rank.
func (x *blockIndex) add(num uint32, rank int) {
	if b := num >> TableBlockBits; len(x.blocks) == 0 || x.blocks[len(x.blocks)-1] != b {
		x.blocks = append(x.blocks, b)
		x.masks = append(x.masks, Mask{})
		x.firsts = append(x.firsts, uint32(rank))
	}
	x.masks[len(x.masks)-1].Add(num % tableBlock)
}

// seek returns the index in x.blocks of block b, or ok false when b holds no
// posting, looking from index from on; i is where to look from for a later block.
func (x *blockIndex) seek(from int, b uint32) (i int, ok bool) {
	blocks := x.blocks
	i = from
	for end := min(i+cursorSeekAhead, len(blocks)); i < end && blocks[i] < b; {
		i++
	}
	if i < len(blocks) && blocks[i] < b {
		j, _ := slices.BinarySearch(blocks[i:], b)
		i += j
	}
	return i, i < len(blocks) && blocks[i] == b
}

// rank returns the rank of the posting of document bit of block x.blocks[i], which
// holds one.
func (x *blockIndex) rank(i int, bit uint32) uint32 {
	mask := &x.masks[i]
	rank := x.firsts[i] + uint32(bits.OnesCount64(mask[bit/64]&(1<<(bit%64)-1)))
	for _, before := range mask[:bit/64] {
		rank += uint32(bits.OnesCount64(before))
	}
	return rank
}

// size is roughly the memory x takes, in bytes.
func (x *blockIndex) size() int { return 24 * len(x.blocks) }

// Find returns the frequency of the term in document num (segment-local) and the
// length of its field, or ok false when the document does not hold the term. The
// documents asked about must not go back.
func (c *TableCursor) Find(num uint32) (freq, length uint64, ok bool) {
	i, ok := c.t.seek(c.i, num>>TableBlockBits)
	c.i = i
	bit := num % tableBlock
	if !ok || !Mask(c.t.masks[i]).Has(bit) || c.deleted != nil && c.deleted.Contains(num) {
		return 0, 0, false
	}
	rank := c.t.rank(i, bit)
	return c.t.freq(rank), uint64(c.t.lengths[rank]), true
}

// TableBlockBits is the base-2 logarithm of the number of documents of a block of a
// Table, which Block reads at once: 128, two words of a Mask.
const TableBlockBits = 7

// tableBlock is the number of documents of a block of a Table.
const tableBlock = 1 << TableBlockBits

// Mask marks documents of one block of a Table: the block's document i is bit i%64
// of word i/64.
type Mask [tableBlock / 64]uint64

// Has reports whether m marks the block's document i.
func (m Mask) Has(i uint32) bool { return m[i/64]&(1<<(i%64)) != 0 }

// Add marks the block's document i.
func (m *Mask) Add(i uint32) { m[i/64] |= 1 << (i % 64) }

// And returns the documents both m and o mark.
func (m Mask) And(o Mask) Mask {
	for w := range m {
		m[w] &= o[w]
	}
	return m
}

// Or returns the documents m or o marks.
func (m Mask) Or(o Mask) Mask {
	for w := range m {
		m[w] |= o[w]
	}
	return m
}

// AndNot returns the documents m marks and o does not.
func (m Mask) AndNot(o Mask) Mask {
	for w := range m {
		m[w] &^= o[w]
	}
	return m
}

// Each calls f with every document m marks, in order.
func (m Mask) Each(f func(i uint32)) {
	for w, word := range m {
		for ; word != 0; word &= word - 1 {
			f(uint32(w*64 + bits.TrailingZeros64(word)))
		}
	}
}

// TableBlock is which documents of a block, of those asked about, hold a Table's
// term, and their postings.
type TableBlock struct {
	// Held marks the documents that hold the term.
	Held Mask
	t    *Table
	i    int // the index of the block in t.blocks
}

// Block returns which of want, documents of block b (those numbered from
// b<<TableBlockBits), hold the term. The blocks asked about, and Find's documents,
// must not go back.
func (c *TableCursor) Block(b uint32, want Mask) TableBlock {
	var held Mask
	c.i, held = c.t.block(c.i, b, want, c.deleted)
	return TableBlock{Held: held, t: c.t, i: c.i}
}

// block returns the index in x.blocks of block b, looking from index from on (see
// seek), and which of want, documents of the block, x holds, less those of deleted.
func (x *blockIndex) block(from int, b uint32, want Mask, deleted *roaring.Bitmap) (int, Mask) {
	i, ok := x.seek(from, b)
	if !ok {
		return i, Mask{}
	}
	held := want.And(x.masks[i])
	if deleted != nil {
		held.Each(func(bit uint32) {
			if deleted.Contains(b<<TableBlockBits | bit) {
				held[bit/64] &^= 1 << (bit % 64)
			}
		})
	}
	return i, held
}

// At returns the frequency of the term in the block's document bit, which Held
// marks, and the length of its field.
func (tb *TableBlock) At(bit uint32) (freq, length uint64) {
	rank := tb.t.rank(tb.i, bit)
	return tb.t.freq(rank), uint64(tb.t.lengths[rank])
}

// Joint is the postings of several terms of one field in one segment joined by
// document, for scoring the terms together: the documents that hold a term of each of
// its sets (a phrase's candidates, sets being the terms each of its positions
// accepts), deleted documents included, and of each the field's length and every
// term's frequency (0 where it does not hold the term), side by side. Scoring a phrase
// from its terms' Tables looked each term up in its own Table, section by section:
// a block of each term's postings, a rank and a length each (at 1M generated sections,
// a third of the CPU of a Japanese search, mostly waiting on memory). A Joint never
// changes once made: it is safe for concurrent use.
type Joint struct {
	blockIndex
	terms int
	// lengths are by rank, freqs by rank·terms + term; a frequency of manyTimes or
	// more is manyTimes in freqs and kept in many, by its index in freqs.
	lengths []uint16
	freqs   []uint8
	many    map[uint32]uint64
}

// Join joins the Tables of terms, by term number, over the documents that hold a
// term of each of sets (lists of term numbers, which name every term).
func Join(terms []*Table, sets [][]int) *Joint {
	j := &Joint{terms: len(terms)}
	at := make([]int, len(terms)) // where each term's blocks have got to
	// The blocks of the documents of the first set, in order: only they can hold
	// documents of every set.
	var blocks []uint32
	for _, t := range sets[0] {
		blocks = append(blocks, terms[t].blocks...)
	}
	slices.Sort(blocks)
	blocks = slices.Compact(blocks)
	found := make([]int, len(terms)) // the index of the block in each term's blocks, -1: none
	for _, b := range blocks {
		var all Mask // the block's documents that hold a term of each set
		for k, set := range sets {
			var some Mask
			for _, t := range set {
				i, ok := terms[t].seek(at[t], b)
				at[t], found[t] = i, -1
				if ok {
					found[t] = i
					some = some.Or(terms[t].masks[i])
				}
			}
			if k == 0 {
				all = some
			} else {
				all = all.And(some)
			}
		}
		if all == (Mask{}) {
			continue
		}
		all.Each(func(bit uint32) {
			j.add(b<<TableBlockBits|bit, len(j.lengths))
			var length uint16
			for t, table := range terms {
				var freq uint64
				if i := found[t]; i >= 0 && table.masks[i].Has(bit) {
					rank := table.rank(i, bit)
					freq, length = table.freq(rank), table.lengths[rank]
				}
				if freq >= manyTimes {
					if j.many == nil {
						j.many = map[uint32]uint64{}
					}
					j.many[uint32(len(j.freqs))] = freq
				}
				j.freqs = append(j.freqs, uint8(min(freq, manyTimes)))
			}
			j.lengths = append(j.lengths, length)
		})
	}
	return j
}

// Each calls each with every document j holds, deleted ones included, in order: its
// number, its field's length and its row.
func (j *Joint) Each(each func(num uint32, length uint64, row JointRow)) {
	for i, b := range j.blocks {
		rank := j.firsts[i]
		j.masks[i].Each(func(bit uint32) {
			each(b<<TableBlockBits|bit, uint64(j.lengths[rank]), JointRow{j, rank * uint32(j.terms)})
			rank++
		})
	}
}

// Rows returns the number of documents j holds, deleted ones included.
func (j *Joint) Rows() int { return len(j.lengths) }

// Size is roughly the memory j takes, in bytes.
func (j *Joint) Size() int {
	return 64 + j.blockIndex.size() + len(j.freqs) + 2*len(j.lengths) + 32*len(j.many)
}

// Cursor returns a cursor at j's first document, which finds the documents of seg,
// j's segment as a snapshot has it: none of those it deleted.
func (j *Joint) Cursor(seg Segment) *JointCursor {
	return &JointCursor{j: j, deleted: seg.deleted}
}

// JointCursor finds documents in a Joint a block at a time, in the order of their
// numbers.
type JointCursor struct {
	j       *Joint
	deleted *roaring.Bitmap // the documents the snapshot deleted, or nil
	i       int             // the first of j.blocks not before the block asked about last
}

// JointBlock is which documents of a block, of those asked about, a Joint holds.
type JointBlock struct {
	// Held marks the documents the Joint holds.
	Held Mask
	j    *Joint
	i    int // the index of the block in j.blocks
}

// Block returns which of want, documents of block b (those numbered from
// b<<TableBlockBits), the Joint holds. The blocks asked about must not go back.
func (c *JointCursor) Block(b uint32, want Mask) JointBlock {
	var held Mask
	c.i, held = c.j.block(c.i, b, want, c.deleted)
	return JointBlock{Held: held, j: c.j, i: c.i}
}

// Row returns the place of the block's document bit, which Held marks, among the
// Joint's documents in order (Each's calls), from 0.
func (jb *JointBlock) Row(bit uint32) int { return int(jb.j.rank(jb.i, bit)) }

// JointRow is a document's frequencies of a Joint's terms.
type JointRow struct {
	j     *Joint
	first uint32 // the index of its first in j.freqs
}

// Ones reports whether the document holds every term of the Joint once.
func (r JointRow) Ones() bool {
	for _, f := range r.j.freqs[r.first : r.first+uint32(r.j.terms)] {
		if f != 1 {
			return false
		}
	}
	return true
}

// Freq returns the frequency of term number t in the document, 0 where it does not
// hold the term.
func (r JointRow) Freq(t int) uint64 {
	i := r.first + uint32(t)
	if f := r.j.freqs[i]; f < manyTimes {
		return uint64(f)
	}
	return r.j.many[i]
}
