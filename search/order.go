package search

import (
	"slices"
	"strings"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/numeric"
)

// sectionOrders are the orders of the results of a snapshot that are not by score,
// as tables of its document numbers, so that a search sorted by date or without a
// query finds its page without reading a sort key of every match: reading order (by
// document id, then the section's ordinal in its document: sortBy's keys), and by date
// (newest first, undated last; ties in reading order, or by score where a query
// scores). A key a section lacks sorts it after those that have it, as bleve sorts a
// missing value last.
type sectionOrders struct {
	// reading lists the document numbers in reading order; readPos holds the place of
	// each number in reading.
	reading, readPos []uint32
	// byDate lists the document numbers by date, ties in reading order; dateRank holds
	// the date of each number, 0 for the newest (the dates ranked as strings, as
	// bleve's sort compares them), one past the oldest for none.
	byDate, dateRank []uint32
}

// orders returns the snapshot's sectionOrders, made on the first call: searches that
// need none (ranked by relevance) never pay for them.
func (s *facetSets) orders() *sectionOrders {
	s.orderOnce.Do(func() { s.order = newSectionOrders(s) })
	return s.order
}

// noOrdinal is the ordinal of a number no section with an ordinal has: after all.
const noOrdinal = ^uint32(0)

// newSectionOrders makes the order tables of the snapshot whose sets are s.
func newSectionOrders(s *facetSets) *sectionOrders {
	n := len(s.docOf)
	o := &sectionOrders{readPos: make([]uint32, n), dateRank: make([]uint32, n)}
	// Reading order: the documents by id (the numbers of none last), each one's
	// sections by ordinal, then number: sorted by ordinal, then by document, each
	// stably.
	docs := s.byID.upTo(s.docIDs)
	rank := make([]uint32, len(s.docIDs))
	for r, d := range docs {
		rank[d] = uint32(r)
	}
	rankOf := func(num uint32) uint32 {
		if s.docOf[num] == noDoc {
			return uint32(len(docs))
		}
		return rank[s.docOf[num]]
	}
	last := uint32(0) // the largest ordinal; noOrdinal sorts after it
	for _, ord := range s.ordinals {
		if ord != noOrdinal {
			last = max(last, ord)
		}
	}
	byOrdinal := countingSort(n, int(last)+2, func(num int) uint32 { return min(s.ordinals[num], last+1) }, func(num int) int { return num })
	o.reading = countingSort(n, len(docs)+1, func(i int) uint32 { return rankOf(byOrdinal[i]) }, func(i int) int { return int(byOrdinal[i]) })
	for pos, num := range o.reading {
		o.readPos[num] = uint32(pos)
	}
	// By date: the dates newest first, none last.
	var dates []string
	for _, part := range s.dates {
		for d := range part.dates {
			dates = append(dates, d)
		}
	}
	slices.SortFunc(dates, func(a, b string) int { return strings.Compare(b, a) })
	dates = slices.Compact(dates)
	rankOfDate := make(map[string]uint32, len(dates))
	for r, d := range dates {
		rankOfDate[d] = uint32(r)
	}
	for i := range o.dateRank {
		o.dateRank[i] = uint32(len(dates))
	}
	for _, part := range s.dates {
		for d, b := range part.dates {
			b.Iterate(func(local uint32) bool {
				if num := part.offset + uint64(local); num < uint64(n) {
					o.dateRank[num] = rankOfDate[d]
				}
				return true
			})
		}
	}
	o.byDate = countingSort(n, len(dates)+1, func(pos int) uint32 { return o.dateRank[o.reading[pos]] },
		func(pos int) int { return int(o.reading[pos]) })
	return o
}

// idOrder keeps the documents a setCache has numbered sorted by id, for the reading
// order of every snapshot: the documents of a snapshot are the first numbers, and a
// new snapshot adds few (an added file's), which are sorted and merged in.
type idOrder struct {
	mu     sync.Mutex
	sorted []uint32 // the documents numbered 0 to len(sorted)-1, by id; never changed
}

// upTo returns the documents of ids, the ids of the first len(ids) numbers, by id.
func (o *idOrder) upTo(ids []string) []uint32 {
	o.mu.Lock()
	defer o.mu.Unlock()
	have := o.sorted
	if len(ids) <= len(have) {
		if len(ids) == len(have) {
			return have
		}
		// A snapshot older than the last one asked about.
		out := make([]uint32, 0, len(ids))
		for _, d := range have {
			if int(d) < len(ids) {
				out = append(out, d)
			}
		}
		return out
	}
	byID := func(a, b uint32) int { return strings.Compare(ids[a], ids[b]) }
	fresh := make([]uint32, 0, len(ids)-len(have))
	for d := len(have); d < len(ids); d++ {
		fresh = append(fresh, uint32(d))
	}
	slices.SortFunc(fresh, byID)
	merged := make([]uint32, 0, len(ids))
	for len(have) > 0 && len(fresh) > 0 {
		if byID(fresh[0], have[0]) < 0 {
			merged, fresh = append(merged, fresh[0]), fresh[1:]
		} else {
			merged, have = append(merged, have[0]), have[1:]
		}
	}
	o.sorted = append(append(merged, have...), fresh...)
	return o.sorted
}

// countingSort returns value(i) for i in [0, n) ordered by key(i) (less than keys),
// ties in the order of i.
func countingSort(n, keys int, key func(i int) uint32, value func(i int) int) []uint32 {
	start := make([]int, keys+1)
	for i := range n {
		start[key(i)+1]++
	}
	for k := 1; k <= keys; k++ {
		start[k] += start[k-1]
	}
	out := make([]uint32, n)
	for i := range n {
		k := key(i)
		out[start[k]] = uint32(value(i))
		start[k]++
	}
	return out
}

// leading returns the sections of set, the selected sections of a search sorted by
// date or without a query, that can be among its first n results (sections, or
// documents when it is grouped by document), in the order of the results but for
// ties of score: by date when the search is (then, where it has a query whose scores
// break ties of date, with every section of the date of the n-th result after them),
// else in reading order. A document's sections come together in either order.
func (c *collector) leading(set *roaring.Bitmap, n int) []uint32 {
	card := set.GetCardinality()
	if card == 0 || n <= 0 {
		return nil
	}
	s, byDate := c.sets, c.spec.byDate
	tied := byDate && !c.spec.inOrder
	o := s.orders()
	var out []uint32
	results, last, nth := 0, noDoc, uint32(0) // last: the document of the last section taken
	// take takes num, the next section of set in order, or reports false when the
	// results are complete without it.
	take := func(num uint32) bool {
		fresh := true // num begins a result
		if c.byDoc {
			if s.docOf[num] == noDoc {
				return true // in no document: never a result
			}
			fresh = s.docOf[num] != last
		}
		if fresh {
			if results == n && (!tied || o.dateRank[num] != nth) {
				return false
			}
			if results++; results == n {
				nth = o.dateRank[num]
			}
			last = s.docOf[num]
		}
		out = append(out, num)
		return true
	}
	order := o.reading
	if byDate {
		order = o.byDate
	}
	// Walking the order to the n-th of set takes about n × len(order) / card looks
	// into set; sorting set's places, about card × log card steps. Walk unless the
	// first is far more.
	if uint64(n)*uint64(len(order)) <= card*card {
		for _, num := range order {
			if set.Contains(num) && !take(num) {
				break
			}
		}
		return out
	}
	places := make([]uint64, 0, card)
	set.Iterate(func(num uint32) bool {
		if int(num) < len(o.readPos) {
			place := uint64(o.readPos[num])
			if byDate {
				place |= uint64(o.dateRank[num]) << 32
			}
			places = append(places, place)
		}
		return true
	})
	slices.Sort(places)
	for _, place := range places {
		if !take(o.reading[uint32(place)]) {
			break
		}
	}
	return out
}

// ordinalOf decodes a term of the numeric ordinal field: ok is false for a term of
// its coarser precisions, which hold ranges of values.
func ordinalOf(term string) (uint32, bool) {
	if valid, shift := numeric.ValidPrefixCodedTerm(term); !valid || shift != 0 {
		return 0, false
	}
	i, err := numeric.PrefixCoded(term).Int64()
	if err != nil {
		return 0, false
	}
	f := numeric.Int64ToFloat64(i)
	if f < 0 || f >= float64(noOrdinal) {
		return 0, false
	}
	return uint32(f), true
}
