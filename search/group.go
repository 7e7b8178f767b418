package search

import (
	"cmp"
	"slices"
	"strings"

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
type docTop struct {
	matches int32
	n       int32
	nums    [MaxPassages]uint32
	scores  [MaxPassages]float64
}

func newDocGroups(sets *facetSets, spec groupSpec) *docGroups {
	var tops []docTop
	if p, ok := sets.tops.Get().(*[]docTop); ok {
		tops = *p
	}
	if len(tops) != len(sets.docIDs) {
		tops = make([]docTop, len(sets.docIDs))
	}
	return &docGroups{sets: sets, spec: spec, tops: tops}
}

// release hands the records back for another search of the snapshot, cleared.
func (g *docGroups) release() {
	for _, d := range g.touched {
		g.tops[d] = docTop{}
	}
	tops := g.tops
	g.sets.tops.Put(&tops)
	g.tops, g.touched = nil, nil
}

// add records the selected match of section num with score. Sections come in the
// order of their numbers.
func (g *docGroups) add(num uint64, score float64) {
	if num >= uint64(len(g.sets.docOf)) || g.sets.docOf[num] == noDoc {
		return
	}
	d := g.sets.docOf[num]
	t := &g.tops[d]
	if t.matches == 0 {
		g.touched = append(g.touched, d)
	}
	t.matches++
	i := int(t.n)
	for i > 0 && score > t.scores[i-1] {
		i--
	}
	if i == MaxPassages {
		return
	}
	last := min(int(t.n), MaxPassages-1)
	copy(t.nums[i+1:last+1], t.nums[i:last])
	copy(t.scores[i+1:last+1], t.scores[i:last])
	t.nums[i], t.scores[i] = uint32(num), score
	t.n = int32(min(int(t.n)+1, MaxPassages))
}

// merge adds the records of o, of sections after all of g's, to g's, and releases o.
func (g *docGroups) merge(o *docGroups) {
	for _, d := range o.touched {
		t, u := &g.tops[d], &o.tops[d]
		if t.matches == 0 {
			g.touched = append(g.touched, d)
			*t = *u
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

// order returns the first n documents with a selected match in the order of the
// results: by date when asked (undated last), then by the score of their best section.
// promoted are section numbers (each language's best match) whose documents go
// first, in that same order. Only the n documents are sorted: a query may match most
// of the index.
func (g *docGroups) order(promoted []uint64, n int) []uint32 {
	head := map[uint32]bool{}
	if len(promoted) > 1 {
		for _, num := range promoted {
			head[g.sets.docOf[num]] = true
		}
	}
	var first []uint32
	for d := range head {
		first = append(first, d)
	}
	slices.SortFunc(first, g.compare)
	// The best n-len(first) of the others, kept in a heap whose root is the worst.
	k := max(n-len(first), 0)
	best := make([]uint32, 0, k)
	worse := func(i, j int) bool { return g.compare(best[i], best[j]) > 0 }
	for _, d := range g.touched {
		switch {
		case head[d] || k == 0:
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
	docs := g.order(promoted, g.spec.from+g.spec.size)
	from := min(g.spec.from, len(docs))
	for _, d := range docs[from:min(from+g.spec.size, len(docs))] {
		t := &g.tops[d]
		h := pageHit{matches: int(t.matches)}
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
