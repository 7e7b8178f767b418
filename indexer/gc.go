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
