package search

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/corpus"
)

// docGroups gathers, in a search grouped by document, the best selected sections of
// each document as the collector sees them go by, and once the search is done orders
// the documents and names the sections of the requested page. Its memory is one small
// record per document of the index, so that no match needs a lookup of its id, and no
// document is left out however many sections match (bleve's collector would keep
// every match to group them).
type docGroups struct {
	sets *facetSets
	spec groupSpec
	tops []docTop // by document ordinal (facetSets.docIDs)
	// touched lists the documents with a selected match, in the order of their first.
	touched []uint32
	// page is the requested page of documents, set by name.
	page []pageHit

	// While a search leaves out sections that cannot bring their document onto the
	// page (execQuery.scorePart), leading keeps the k documents of the best sections
	// so far (those of the page and before it), as a heap whose root is the worst,
	// and isLeading has their bits, by document ordinal. k is 0 when the search does
	// not leave sections out.
	k         int
	leading   []uint32
	isLeading []uint64
	// left are the selected sections the search left out unscored, as ranges in the
	// order of their numbers, each with a bound of the scores of those it left out
	// there (see leave).
	left []leftRange
	// rescore, when sections were left out, scores the given selected sections again:
	// those of the documents of the page whose passages may be among them.
	rescore func(sections *roaring.Bitmap, each func(num uint64, score float64)) error
	// selected are the search's selected matches, for rescore.
	selected *roaring.Bitmap
}

// groupSpec is what ordering the documents of a grouped search needs to know.
type groupSpec struct {
	from, size int
	byDate     bool
	// inOrder lists the documents without promoting the best of each language: the
	// query matches everything.
	inOrder bool
}

// docTop is one document's selected matches: how many, and the best MaxPassages,
// best first (on equal scores the one with the lower document number first; name
// puts them in reading order).
//
// Sections a search left out unscored count in leftOut, not in matches; leftBound is
// a bound of their scores (both set once the search is done, see settle). at is 1 +
// the document's place in docGroups.leading, 0 when not there.
type docTop struct {
	matches, leftOut int32
	n                int32
	at               int32
	nums             [MaxPassages]uint32
	scores           [MaxPassages]float64
	leftBound        float64
}

func newDocGroups(sets *facetSets, spec groupSpec) *docGroups {
	r, _ := sets.records.Get().(*groupRecords)
	if r == nil || len(r.tops) != len(sets.docIDs) {
		r = &groupRecords{tops: make([]docTop, len(sets.docIDs))}
	}
	return &docGroups{sets: sets, spec: spec, tops: r.tops, touched: r.touched[:0], left: r.left[:0]}
}

// groupRecords are what a docGroups hands back for another search of its snapshot
// (facetSets.records): its records, cleared, and its lists, emptied. At 1M sections a
// grouped search of many matches touches some 100,000 documents and leaves out as many
// ranges of sections: growing those lists again was a quarter of what musebench's
// grouped searches allocated.
type groupRecords struct {
	tops    []docTop
	touched []uint32
	left    []leftRange
}

// release hands the records back for another search of the snapshot, cleared.
func (g *docGroups) release() {
	for _, d := range g.touched {
		g.tops[d] = docTop{}
	}
	g.sets.records.Put(&groupRecords{tops: g.tops, touched: g.touched[:0], left: g.left[:0]})
	g.tops, g.touched, g.left = nil, nil, nil
}

// add records the selected match of section num with score. Sections come in the
// order of their numbers.
func (g *docGroups) add(num uint64, score float64) {
	d, t := g.top(num)
	if t == nil {
		return
	}
	t.matches++
	if t.insert(uint32(num), score) && g.k > 0 {
		g.raise(d)
	}
}

// top returns the document of section num and its record, nil for a section of no
// document, listing the document among the touched on its first section.
func (g *docGroups) top(num uint64) (uint32, *docTop) {
	if num >= uint64(len(g.sets.docOf)) || g.sets.docOf[num] == noDoc {
		return 0, nil
	}
	d := g.sets.docOf[num]
	t := &g.tops[d]
	if t.matches == 0 {
		g.touched = append(g.touched, d)
	}
	return d, t
}

// insert puts section num with score among the best of t, and reports whether it is
// the best.
func (t *docTop) insert(num uint32, score float64) bool {
	i := int(t.n)
	for i > 0 && score > t.scores[i-1] {
		i--
	}
	if i == MaxPassages {
		return false
	}
	last := min(int(t.n), MaxPassages-1)
	copy(t.nums[i+1:last+1], t.nums[i:last])
	copy(t.scores[i+1:last+1], t.scores[i:last])
	t.nums[i], t.scores[i] = num, score
	t.n = int32(min(int(t.n)+1, MaxPassages))
	return i == 0
}

// wants reports whether a section of num's document that scores at most bound, below
// the floor, could be among its passages, the document being among the leading so
// far. Most sections' documents are not: their records are not read (at 1M sections
// that was 4.5 ms of CPU for 脊髄損傷 grouped, whose blocks below the floor hold 170,000
// sections).
func (g *docGroups) wants(num uint64, bound float64) bool {
	if num >= uint64(len(g.sets.docOf)) {
		return false
	}
	d := g.sets.docOf[num]
	if d == noDoc || g.isLeading[d/64]&(1<<(d%64)) == 0 {
		return false
	}
	t := &g.tops[d]
	return t.n < MaxPassages || bound >= t.scores[MaxPassages-1]
}

// leftRange is a range of section numbers in which a search left out selected
// sections that score at most bound.
type leftRange struct {
	first, last uint32
	bound       float64
}

// leave records that a search left the selected match of section num out unscored,
// knowing that it scores at most bound. The ranges stay in order and apart: a section
// after the last range starts one, or joins it under the same bound (a block's); one
// before its end (keepIn asks about the sections of a block an adjustment lifts,
// then about the others) joins it and those it reaches, under the highest of their
// bounds. A bound too high for some sections of a range only has their document
// rescored (settle, rescoreDocs).
func (g *docGroups) leave(num uint64, bound float64) {
	s, n := uint32(num), len(g.left)
	switch {
	case n == 0 || g.left[n-1].last < s && g.left[n-1].bound != bound:
		g.left = append(g.left, leftRange{s, s, bound})
		return
	case g.left[n-1].last < s:
		g.left[n-1].last = s
		return
	}
	l := &g.left[n-1]
	l.first, l.bound = min(l.first, s), max(l.bound, bound)
	for ; n > 1 && g.left[n-2].last >= g.left[n-1].first; n-- {
		p, l := &g.left[n-2], g.left[n-1]
		p.first, p.last, p.bound = min(p.first, l.first), max(p.last, l.last), max(p.bound, l.bound)
		g.left = g.left[:n-1]
	}
}

// settle sets the leftOut and leftBound of document d, whose record holds a section,
// once the search is done: its selected sections not scored, and the highest bound of
// the ranges left out that hold its sections.
func (g *docGroups) settle(d uint32) {
	t := &g.tops[d]
	if len(g.left) == 0 || t.n == 0 {
		return
	}
	var selected int32
	for _, r := range g.sets.runsOf(d, t.nums[0]) {
		selected += int32(g.selected.Rank(r.last))
		if r.first > 0 {
			selected -= int32(g.selected.Rank(r.first - 1))
		}
		i, _ := slices.BinarySearchFunc(g.left, r.first, func(l leftRange, first uint32) int { return cmp.Compare(l.last, first) })
		for ; i < len(g.left) && g.left[i].first <= r.last; i++ {
			t.leftBound = max(t.leftBound, g.left[i].bound)
		}
	}
	t.leftOut = selected - t.matches
}

// prune readies g for a search that leaves out sections that score below floor.
func (g *docGroups) prune() {
	g.k = g.spec.from + g.spec.size
	g.isLeading = make([]uint64, (len(g.tops)+63)/64)
}

// floor returns what a section must score, at the least, to bring its document onto
// the page: the best score of the k-th best document so far, -Inf until there are k.
// Documents of equal scores go in the order of their ids, not numbers: a section
// that scores as much as the floor may bring its document in.
func (g *docGroups) floor() float64 {
	if g.k == 0 || len(g.leading) < g.k {
		return math.Inf(-1)
	}
	return g.tops[g.leading[0]].scores[0]
}

// raise puts document d, whose best score has just grown, in its place among leading.
func (g *docGroups) raise(d uint32) {
	t := &g.tops[d]
	switch {
	case t.at > 0:
		g.down(int(t.at) - 1)
	case len(g.leading) < g.k:
		g.leading = append(g.leading, d)
		t.at = int32(len(g.leading))
		g.isLeading[d/64] |= 1 << (d % 64)
		for i := len(g.leading) - 1; i > 0 && g.worse(i, (i-1)/2); i = (i - 1) / 2 {
			g.swap(i, (i-1)/2)
		}
	case t.scores[0] > g.tops[g.leading[0]].scores[0]:
		out := g.leading[0]
		g.tops[out].at = 0
		g.isLeading[out/64] &^= 1 << (out % 64)
		g.leading[0], t.at = d, 1
		g.isLeading[d/64] |= 1 << (d % 64)
		g.down(0)
	}
}

// down moves the document at place i of leading down to its place.
func (g *docGroups) down(i int) {
	for {
		w, l, r := i, 2*i+1, 2*i+2
		if l < len(g.leading) && g.worse(l, w) {
			w = l
		}
		if r < len(g.leading) && g.worse(r, w) {
			w = r
		}
		if w == i {
			return
		}
		g.swap(i, w)
		i = w
	}
}

// worse reports whether the document at place i of leading has a worse best
// section than the one at place j.
func (g *docGroups) worse(i, j int) bool {
	return g.tops[g.leading[i]].scores[0] < g.tops[g.leading[j]].scores[0]
}

// swap swaps the documents at places i and j of leading.
func (g *docGroups) swap(i, j int) {
	g.leading[i], g.leading[j] = g.leading[j], g.leading[i]
	g.tops[g.leading[i]].at, g.tops[g.leading[j]].at = int32(i+1), int32(j+1)
}

// merge adds the records of o, of sections after all of g's, to g's, and releases o.
func (g *docGroups) merge(o *docGroups) {
	g.k, g.leading, g.isLeading = 0, nil, nil // the search is done
	g.left = append(g.left, o.left...)
	for _, d := range o.touched {
		t, u := &g.tops[d], &o.tops[d]
		if t.matches == 0 {
			g.touched = append(g.touched, d)
			*t = *u
			t.at = 0
			continue
		}
		// Both best first; on equal scores g's sections, the earlier, go first, as
		// they would have with every section added to g.
		both := docTop{matches: t.matches + u.matches}
		for i, j := 0, 0; both.n < MaxPassages && (i < int(t.n) || j < int(u.n)); both.n++ {
			if j == int(u.n) || i < int(t.n) && t.scores[i] >= u.scores[j] {
				both.nums[both.n], both.scores[both.n] = t.nums[i], t.scores[i]
				i++
			} else {
				both.nums[both.n], both.scores[both.n] = u.nums[j], u.scores[j]
				j++
			}
		}
		*t = both
	}
	o.release()
}

// order returns the first n documents of among (documents the search touched) with a
// selected match in the order of the results: by date when asked (undated last), then
// by the score of their best section. promoted are section numbers (each language's
// best match) whose documents go first, in that same order. Only the n documents are
// sorted: a query may match most of the index.
func (g *docGroups) order(promoted []uint64, n int, among []uint32) []uint32 {
	// The promoted documents, a few: looked for among the others in a slice, not a
	// map (at 1M sections, cells grouped by document orders 100,000 documents).
	var first []uint32
	if len(promoted) > 1 {
		for _, num := range promoted {
			if d := g.sets.docOf[num]; !slices.Contains(first, d) {
				first = append(first, d)
			}
		}
	}
	slices.SortFunc(first, g.compare)
	// The best n-len(first) of the others, kept in a heap whose root is the worst.
	k := max(n-len(first), 0)
	best := make([]uint32, 0, k)
	worse := func(i, j int) bool { return g.compare(best[i], best[j]) > 0 }
	for _, d := range among {
		switch {
		case k == 0 || g.tops[d].n == 0 || slices.Contains(first, d): // n == 0: every match left out
		case len(best) < k:
			best = append(best, d)
			for i := len(best) - 1; i > 0 && worse(i, (i-1)/2); i = (i - 1) / 2 {
				best[i], best[(i-1)/2] = best[(i-1)/2], best[i]
			}
		case g.compare(d, best[0]) < 0:
			best[0] = d
			for i := 0; ; {
				w, l, r := i, 2*i+1, 2*i+2
				if l < len(best) && worse(l, w) {
					w = l
				}
				if r < len(best) && worse(r, w) {
					w = r
				}
				if w == i {
					break
				}
				best[i], best[w] = best[w], best[i]
				i = w
			}
		}
	}
	slices.SortFunc(best, g.compare)
	return append(first, best...)[:min(n, len(first)+len(best))]
}

// rescoreDocs scores again every selected section of those of docs, the documents
// up to the end of the page, which starts at from, whose sections left out may score
// as much as their best or, on the page, as one of their passages (as the bound of
// those says), and reports whether there were any. A section is left out below the
// floor (docGroups.floor), which the best section of every document up to the end
// of the page reaches but for those promoted.
func (g *docGroups) rescoreDocs(docs []uint32, from int) (bool, error) {
	var again []uint32
	for i, d := range docs {
		g.settle(d)
		t := &g.tops[d]
		passages := i >= from && (t.n < MaxPassages || t.scores[MaxPassages-1] <= t.leftBound)
		if t.leftOut > 0 && (passages || t.scores[0] <= t.leftBound) {
			again = append(again, d)
		}
	}
	if len(again) == 0 {
		return false, nil
	}
	// A document's sections are runs of numbers (see denseSets), found from the best
	// of them.
	sections := roaring.New()
	for _, d := range again {
		for _, r := range g.sets.runsOf(d, g.tops[d].nums[0]) {
			sections.AddRange(uint64(r.first), uint64(r.last)+1)
		}
		g.tops[d] = docTop{} // listed among the touched already
	}
	sections.And(g.selected)
	return true, g.rescore(sections, func(num uint64, score float64) {
		t := &g.tops[g.sets.docOf[num]]
		t.matches++
		t.insert(uint32(num), score)
	})
}

// compare orders two documents as the results list them.
func (g *docGroups) compare(a, b uint32) int {
	ta, tb := &g.tops[a], &g.tops[b]
	if g.spec.byDate {
		da, db := g.sets.docDates[a], g.sets.docDates[b]
		if (da == "") != (db == "") {
			return boolOrder(da == "", db == "")
		}
		if c := strings.Compare(db, da); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(tb.scores[0], ta.scores[0]); c != 0 {
		return c
	}
	// Ties in the order of the documents' ids: document numbers differ from one build
	// of the index to the next.
	return strings.Compare(g.sets.docIDs[a], g.sets.docIDs[b])
}

// boolOrder orders false before true.
func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// name sets the page of documents, naming their sections through r while the
// snapshot is open; promoted are as for order.
func (g *docGroups) name(r index.IndexReader, promoted []uint64) error {
	docs := g.order(promoted, g.spec.from+g.spec.size, g.touched)
	from := min(g.spec.from, len(docs))
	if rescored, err := g.rescoreDocs(docs, from); err != nil {
		return err
	} else if rescored {
		// Rescoring raised the best sections of some of docs, if any: no other
		// document comes before the last of docs now, but their order may change.
		docs = g.order(promoted, g.spec.from+g.spec.size, docs)
	}
	for _, d := range docs[from:min(from+g.spec.size, len(docs))] {
		t := &g.tops[d]
		h := pageHit{matches: int(t.matches + t.leftOut)}
		for i := range int(t.n) {
			id, err := r.ExternalID(index.NewIndexInternalID(nil, uint64(t.nums[i])))
			if err != nil {
				return err
			}
			h.passages = append(h.passages, scoredID{id: id, score: t.scores[i]})
		}
		// Passages of equal scores in reading order, whatever their document numbers.
		slices.SortStableFunc(h.passages, func(a, b scoredID) int {
			_, na, _ := corpus.SplitSectionID(a.id)
			_, nb, _ := corpus.SplitSectionID(b.id)
			return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(na, nb))
		})
		h.id, h.score = h.passages[0].id, h.passages[0].score
		g.page = append(g.page, h)
	}
	return nil
}
