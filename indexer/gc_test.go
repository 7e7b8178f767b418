package indexer

import (
	"os"
	"runtime/debug"
	"testing"
)

// gcPercent reads the garbage collector's target.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestBulkGCOverlapping checks that overlapping bulk loads raise the collector's
// target while any runs, and that the last to end puts back the one before.
func TestBulkGCOverlapping(t *testing.T) {
	if os.Getenv("GOGC") != "" {
		t.Skip("GOGC is set: bulk loads leave it alone")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(90))
	first := bulkGC()
	second := bulkGC()
	if got := gcPercent(); got != bulkGCPercent {
		t.Fatalf("during two bulk loads GOGC = %d, want %d", got, bulkGCPercent)
	}
	first()
	if got := gcPercent(); got != bulkGCPercent {
		t.Errorf("with one bulk load left GOGC = %d, want %d", got, bulkGCPercent)
	}
	second()
	if got := gcPercent(); got != 90 {
		t.Errorf("after the bulk loads GOGC = %d, want 90 as before", got)
	}
}

// TestServingGC checks that a serving process's collector target is set, at least
// servingGCPercent, and that a bulk load during it puts it back when it ends.
func TestServingGC(t *testing.T) {
	if os.Getenv("GOGC") != "" {
		t.Skip("GOGC is set: serving leaves it alone")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	stop := ServingGC()
	defer stop()
	serving := gcPercent()
	if serving < servingGCPercent {
		t.Fatalf("serving: GOGC = %d, want %d or more", serving, servingGCPercent)
	}
	done := bulkGC()
	if got := gcPercent(); got != bulkGCPercent {
		t.Errorf("during a bulk load GOGC = %d, want %d", got, bulkGCPercent)
	}
	done()
	if got := gcPercent(); got < servingGCPercent {
		t.Errorf("after the bulk load GOGC = %d, want %d or more again", got, servingGCPercent)
	}
}

// TestServingPercent checks that a serving process's heap may grow by
// minServingHeadroom at least, and by servingGCPercent of a live heap large enough.
func TestServingPercent(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{120 << 20, 320},            // 384 MB more is 320%
		{minServingHeadroom, 150},   // 100% would do; servingGCPercent
		{1 << 30, servingGCPercent}, // likewise
	} {
		if got := servingPercent(c.live); got != c.want {
			t.Errorf("servingPercent(%d) = %d, want %d", c.live, got, c.want)
		}
	}
}
