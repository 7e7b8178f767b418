package exec

import (
	"container/heap"
	"slices"
)

// Hit is a scored section: its snapshot document number and score.
type Hit struct {
	Num   uint64
	Score float64
}

// better orders hits as bleve ranks them: by score, equal scores in the order of
// their numbers (the order its collector saw them in).
func better(a, b Hit) bool {
	return a.Score > b.Score || a.Score == b.Score && a.Num < b.Num
}

// Top keeps the best k hits it is given.
type Top struct {
	k    int
	hits worstFirst
}

// NewTop returns a Top of the best k hits.
func NewTop(k int) *Top { return &Top{k: k} }

// Add offers one hit.
func (t *Top) Add(num uint64, score float64) {
	h := Hit{num, score}
	switch {
	case t.k == 0:
	case len(t.hits) < t.k:
		heap.Push(&t.hits, h)
	case better(h, t.hits[0]):
		t.hits[0] = h
		heap.Fix(&t.hits, 0)
	}
}

// Wants reports whether a hit numbered num or later that scores score or less could
// be kept.
func (t *Top) Wants(num uint64, score float64) bool {
	return len(t.hits) < t.k || t.k > 0 && better(Hit{num, score}, t.hits[0])
}

// Merge offers the hits of o.
func (t *Top) Merge(o *Top) {
	for _, h := range o.hits {
		t.Add(h.Num, h.Score)
	}
}

// Hits returns the hits kept, best first.
func (t *Top) Hits() []Hit {
	out := slices.Clone(t.hits)
	slices.SortFunc(out, func(a, b Hit) int {
		if better(a, b) {
			return -1
		}
		return 1
	})
	return out
}

// worstFirst is a heap of hits whose root is the worst.
type worstFirst []Hit

func (h worstFirst) Len() int           { return len(h) }
func (h worstFirst) Less(i, j int) bool { return better(h[j], h[i]) }
func (h worstFirst) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *worstFirst) Push(x any)        { *h = append(*h, x.(Hit)) }
func (h *worstFirst) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
