package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRunsOf checks the runs of a document's sections (facetSets.runsOf), found from
// any one of them, against those of every number of the document: random documents,
// most in one run, some in several, with numbers of no document between.
func TestRunsOf(t *testing.T) {
	s := &facetSets{}
	randomDocuments(rand.New(rand.NewPCG(7, 11)), s, 2000, 300)
	// want holds every document's runs, in order.
	want := map[uint32][]docRun{}
	for n, d := range s.docOf {
		if d == noDoc {
			continue
		}
		runs := want[d]
		if last := len(runs) - 1; last >= 0 && runs[last].last == uint32(n)-1 {
			runs[last].last = uint32(n)
		} else {
			runs = append(runs, docRun{uint32(n), uint32(n)})
		}
		want[d] = runs
	}
	several := 0
	for n, d := range s.docOf {
		if d == noDoc {
			continue
		}
		got := slices.Clone(s.runsOf(d, uint32(n)))
		slices.SortFunc(got, func(a, b docRun) int { return int(a.first) - int(b.first) })
		if !slices.Equal(got, want[d]) {
			t.Fatalf("document %d from section %d: runs %v, want %v", d, n, got, want[d])
		}
		if len(got) > 1 {
			several++
		}
	}
	if several == 0 {
		t.Fatal("no document in several runs: the test checks too little")
	}
}

// randomDocuments gives s docs documents and the document of each of sections
// sections: in runs of one document, as a segment numbers them, some apart from their
// document's run (a document met again after others), and one in fifty of no
// document.
func randomDocuments(rng *rand.Rand, s *facetSets, sections, docs int) {
	for d := range docs {
		s.docIDs = append(s.docIDs, fmt.Sprintf("d%d", d))
	}
	s.docOf = make([]uint32, sections)
	for i := range s.docOf {
		switch {
		case rng.IntN(50) == 0:
			s.docOf[i] = noDoc
		case i > 0 && s.docOf[i-1] != noDoc && rng.IntN(4) > 0:
			s.docOf[i] = s.docOf[i-1]
		default:
			s.docOf[i] = uint32(rng.IntN(docs))
		}
	}
}
