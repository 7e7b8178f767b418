package exec

import (
	"slices"
	"testing"
)

// TestTop checks that Top keeps the best k hits in bleve's order, equal scores by
// number, however they come and however they are split.
func TestTop(t *testing.T) {
	hits := []Hit{{9, 1}, {3, 2}, {5, 2}, {1, 0.5}, {7, 3}, {2, 2}, {8, 1}}
	want := []Hit{{7, 3}, {2, 2}, {3, 2}, {5, 2}}
	whole := NewTop(4)
	first, second := NewTop(4), NewTop(4)
	for i, h := range hits {
		whole.Add(h.Num, h.Score)
		if i%2 == 0 {
			first.Add(h.Num, h.Score)
		} else {
			second.Add(h.Num, h.Score)
		}
	}
	first.Merge(second)
	for name, top := range map[string]*Top{"one": whole, "merged": first} {
		if got := top.Hits(); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	if got := NewTop(0); len(got.Hits()) != 0 {
		t.Errorf("a top of 0 kept %v", got.Hits())
	}
}
