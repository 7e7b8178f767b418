package indexer

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
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

// TestServingGCFollowsTheLiveHeap checks that a serving process's target is set again
// after a collection finds the live heap grown, and no more once stopped.
func TestServingGCFollowsTheLiveHeap(t *testing.T) {
	if os.Getenv("GOGC") != "" {
		t.Skip("GOGC is set: serving leaves it alone")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	live := func() uint64 {
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	runtime.GC()
	stop := ServingGC()
	defer stop()
	before := servingPercent(live())
	grown := make([]byte, 64<<20)
	runtime.GC()
	after := servingPercent(live())
	if after == before {
		t.Fatalf("the live heap grown by 64 MB leaves the target at %d%%", before)
	}
	// The target is set on the finalizer goroutine, after the collection.
	for deadline := time.Now().Add(10 * time.Second); gcPercent() != servingPercent(live()); {
		if time.Now().After(deadline) {
			t.Fatalf("GOGC = %d after a collection found %d bytes live, want %d", gcPercent(), live(), servingPercent(live()))
		}
		time.Sleep(time.Millisecond)
	}
	runtime.KeepAlive(grown)
	stop()
	debug.SetGCPercent(123)
	for range 3 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := gcPercent(); got != 123 {
		t.Errorf("stopped, GOGC = %d after collections, want 123 as set", got)
	}
}

// TestServingPercent checks that a serving process's heap may grow to minServingHeap
// at least, and by servingGCPercent of a live heap large enough.
func TestServingPercent(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{128 << 20, 300},              // 384 MB more is 300%
		{384 << 20, servingGCPercent}, // 33% would do
		{minServingHeap, servingGCPercent},
		{1 << 30, servingGCPercent},
		{1 << 20, 700}, // as if 64 MB were live
	} {
		if got := servingPercent(c.live); got != c.want {
			t.Errorf("servingPercent(%d) = %d, want %d", c.live, got, c.want)
		}
	}
}
