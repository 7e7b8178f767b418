package indexer

import (
	"os"
	"runtime/debug"
	"sync"
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

// ServingGC sets the garbage collector's target of a process that serves searches,
// unless GOGC is set. A bulk load raises it further while it runs (bulkGC).
func ServingGC() {
	if os.Getenv("GOGC") != "" {
		return
	}
	gcTarget.Lock()
	defer gcTarget.Unlock()
	if gcTarget.loads == 0 {
		debug.SetGCPercent(servingGCPercent)
	} else {
		gcTarget.saved = servingGCPercent
	}
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
