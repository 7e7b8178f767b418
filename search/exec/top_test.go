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

// TestTopWants checks what a full Top still wants: a better score, or an equal one
// of an earlier number.
func TestTopWants(t *testing.T) {
	top := NewTop(2)
	if !top.Wants(100, 0) {
		t.Errorf("a top not full does not want a hit")
	}
	top.Add(5, 2)
	top.Add(9, 1) // the worst kept
	for _, tt := range []struct {
		num   uint64
		score float64
		want  bool
	}{{10, 1, false}, {8, 1, true}, {9, 1, false}, {100, 1.5, true}, {0, 0.5, false}} {
		if got := top.Wants(tt.num, tt.score); got != tt.want {
			t.Errorf("Wants(%d, %v) = %v, want %v", tt.num, tt.score, got, tt.want)
		}
	}
	if NewTop(0).Wants(0, 1) {
		t.Errorf("a top of 0 wants a hit")
	}
}
