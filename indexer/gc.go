package indexer

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// bulkGCPercent is the garbage collector's target (GOGC) while a sync fills an empty
// index (a rebuild, a first index): the heap may grow to three times what is live
// between collections instead of twice. Indexing allocates fast (analysis, segments),
// and at 10,000 sections this took about 10% less CPU for 20-70% more peak RSS
// (docs/PERFORMANCE.md). GOGC set in the environment is left alone, and GOMEMLIMIT
// still bounds the heap.
const bulkGCPercent = 200

// servingGCPercent is the garbage collector's target (GOGC) of a process that serves
// searches: the heap may grow to two and a half times what is live between
// collections. Searches allocate in proportion to their matches, and the collector ran
// often enough to cost: at 1M sections, on the benchmark's mix, GOGC 150 took the
// queries in its middle from 15-58% slower than at session 8's start to within 4 of
// it (the session's changes had made the live heap 0.3 GB smaller, and collections
// more frequent), and on the bundle 20 clients got 7-16% more searches a second
// (docs/PERFORMANCE.md). GOGC set in the environment is left alone.
const servingGCPercent = 150

// minServingHeadroom is how much the heap of a process that serves searches may grow
// between collections at least, whatever servingGCPercent gives. A small index's live
// heap is mostly kagome's dictionary (the bundle's, 110-125 MB in all), which GOGC 150
// had the collector mark again every 180 MB that searches allocated: on the bundle's
// load mix (BenchmarkAPISearch/mix), GOGC 300 took 15-25% less CPU a search than 150.
// A large index's live heap makes headroom enough at servingGCPercent (0.45 GB at 1M
// sections).
const minServingHeadroom = 384 << 20

// servingTuneEvery is how often a serving process reads its live heap to set the
// collector's target by it.
const servingTuneEvery = time.Second

// servingPercent returns the collector's target of a serving process whose live heap
// is live bytes: servingGCPercent, or more for the heap to grow by
// minServingHeadroom.
func servingPercent(live uint64) int {
	return max(servingGCPercent, int(100*minServingHeadroom/max(live, 1)))
}

// ServingGC sets the garbage collector's target of a process that serves searches,
// unless GOGC is set, and keeps it at servingPercent of the live heap until stop is
// called. A bulk load raises it further while it runs (bulkGC).
func ServingGC() (stop func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	tune := func() {
		metrics.Read(live)
		percent := servingGCPercent
		if live[0].Value.Kind() == metrics.KindUint64 {
			percent = servingPercent(live[0].Value.Uint64())
		}
		gcTarget.Lock()
		defer gcTarget.Unlock()
		if gcTarget.loads == 0 {
			debug.SetGCPercent(percent)
		} else {
			gcTarget.saved = percent
		}
	}
	tune()
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(servingTuneEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				tune()
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done) }) }
}

// gcTarget counts the bulk loads that run, so that the first raises the target and
// the last puts back the one before.
var gcTarget struct {
	sync.Mutex
	loads int
	saved int
}

// bulkGC raises the garbage collector's target for a bulk load, unless GOGC is set,
// and returns the function that ends it.
func bulkGC() (done func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	gcTarget.Lock()
	defer gcTarget.Unlock()
	if gcTarget.loads == 0 {
		gcTarget.saved = debug.SetGCPercent(bulkGCPercent)
	}
	gcTarget.loads++
	return func() {
		gcTarget.Lock()
		defer gcTarget.Unlock()
		if gcTarget.loads--; gcTarget.loads == 0 {
			debug.SetGCPercent(gcTarget.saved)
		}
	}
}
