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
