package search

import (
	"math/bits"

	"github.com/RoaringBitmap/roaring/v2"

	"musesearch/corpus"
)

// denseSets are what counting the documents of sets of sections takes, as dense bits
// by document number: a search grouped by document counts them for its total and for
// every facet value (docTally), as many sets as values, each of hundreds of thousands
// of sections at 1M. A document's sections are neighbours (internal/segments numbers
// a segment's documents in the order of their ids), so the documents a set holds a
// section of are its runs' ends that it reaches: counted a word at a time, with no
// lookup of a section's document.
type denseSets struct {
	// ends holds the last section of each run of one document's sections; stops the
	// same and every number of no document (noDoc), which thus make runs of their own
	// that count for none.
	ends, stops []uint64
	// split holds, by document, the runs of every document whose sections are in more
	// than one: a file indexed in parts, a document's deleted versions. A set
	// reaching several runs of one document counts it once.
	split map[uint32][]docRun
	// values holds the sections of every facet value.
	values map[corpus.Facet]map[string][]uint64
}

// docRun is a run of a document's sections, first and last included.
type docRun struct{ first, last uint32 }

// newDenseSets returns the dense sets of s.
func newDenseSets(s *facetSets) *denseSets {
	words := (len(s.docOf) + 63) / 64
	d := &denseSets{ends: make([]uint64, words), stops: make([]uint64, words), values: map[corpus.Facet]map[string][]uint64{}}
	runs := make([]uint8, len(s.docIDs)) // each document's runs, up to 2
	for n, doc := range s.docOf {
		bit := uint64(1) << (n % 64)
		switch {
		case doc == noDoc:
			d.stops[n/64] |= bit
		case n+1 == len(s.docOf) || s.docOf[n+1] != doc:
			d.ends[n/64] |= bit
			d.stops[n/64] |= bit
			runs[doc] = min(runs[doc]+1, 2)
		}
	}
	d.split = map[uint32][]docRun{}
	first := 0
	for n, doc := range s.docOf {
		if n > 0 && s.docOf[n-1] != doc {
			first = n
		}
		if doc == noDoc || runs[doc] < 2 || d.ends[n/64]&(1<<(n%64)) == 0 {
			continue
		}
		d.split[doc] = append(d.split[doc], docRun{uint32(first), uint32(n)})
	}
	for f, byValue := range s.values {
		d.values[f] = map[string][]uint64{}
		for v, set := range byValue {
			d.values[f][v] = d.dense(set)
		}
	}
	return d
}

// runsOf returns the runs of document d's sections, near being one of them.
func (s *facetSets) runsOf(d, near uint32) []docRun {
	if runs, ok := s.dense().split[d]; ok {
		return runs
	}
	first, last := near, near
	for first > 0 && s.docOf[first-1] == d {
		first--
	}
	for int(last)+1 < len(s.docOf) && s.docOf[last+1] == d {
		last++
	}
	return []docRun{{first, last}}
}

// dense returns set as dense bits, as many words as d's.
func (d *denseSets) dense(set *roaring.Bitmap) []uint64 {
	out := make([]uint64, max(uint64(len(d.ends)), set.DenseSize()))
	set.WriteDenseTo(out)
	return out[:len(d.ends)]
}

// count returns how many documents hold a section of the sections both a and b hold
// (a alone when b is nil); active lists the words of a that are not 0, in order
// (nonzero). A run's sections subtracted from its end borrow up to the end when one
// of them is there, so that the end is cleared.
func (d *denseSets) count(a, b []uint64, active []int32) int {
	n, next := 0, 0 // next: the first word not counted
	for _, at := range active {
		var borrow uint64
		for i := max(int(at), next); i < len(d.stops); i++ {
			w := a[i]
			if b != nil {
				w &= b[i]
			}
			var diff uint64
			diff, borrow = bits.Sub64(d.stops[i], w&^d.stops[i], borrow)
			n += bits.OnesCount64(d.ends[i] & (w | ^diff))
			next = i + 1
			if borrow == 0 {
				break
			}
		}
	}
	for _, runs := range d.split {
		reached := 0
		for _, r := range runs {
			if anyBetween(a, b, r.first, r.last) {
				reached++
			}
		}
		n -= max(0, reached-1)
	}
	return n
}

// nonzero returns the places of the words of a that are not 0, in order.
func nonzero(a []uint64) []int32 {
	var out []int32
	for i, w := range a {
		if w != 0 {
			out = append(out, int32(i))
		}
	}
	return out
}

// anyBetween reports whether a section from first to last, both included, is in
// both a and b (a alone when b is nil).
func anyBetween(a, b []uint64, first, last uint32) bool {
	for i := first / 64; i <= last/64; i++ {
		w := a[i]
		if b != nil {
			w &= b[i]
		}
		if i == first/64 {
			w &= ^uint64(0) << (first % 64)
		}
		if i == last/64 {
			w &= ^uint64(0) >> (63 - last%64)
		}
		if w != 0 {
			return true
		}
	}
	return false
}

// and returns the sections in both a and b, in a new slice.
func and(a, b []uint64) []uint64 {
	out := make([]uint64, len(a))
	for i := range out {
		out[i] = a[i] & b[i]
	}
	return out
}
