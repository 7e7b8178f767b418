package cputime

import "testing"

// TestProcessGrows checks that work shows in the process's CPU time.
func TestProcessGrows(t *testing.T) {
	before := Of(t)
	x := 0
	for i := range 50_000_000 {
		x ^= i * i
	}
	if after := Of(t); after <= before {
		t.Errorf("CPU time %v after work, %v before (x %d)", after, before, x)
	}
}
