package indexer

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// bulkGCPercent is the garbage collector's target (GOGC) while a sync fills an empty
// index (a rebuild, a first index): the heap may grow to three times what is live
// between collections instead of twice. Indexing allocates fast (analysis, segments),
// and at 10,000 sections this took about 10% less CPU for 20-70% more peak RSS
// (docs/PERFORMANCE.md). GOGC set in the environment is left alone, and GOMEMLIMIT
// still bounds the heap.
const bulkGCPercent = 200

// servingGCPercent is the garbage collector's target (GOGC) of a process that serves
// searches over a large index: the heap may grow to 1.5 times what is live between
// collections. At 1M sections the live heap is some 0.36 GB, most of it tables of
// postings and positions, which hold no pointers to mark: on musebench's whole
// workload, in three pairs alternated in both orders, GOGC 50 peaked at 0.52-0.53 GB
// of own memory against 0.61-0.64 at 75, with the CPU of the searches level
// (798-823 ms for the sum of the 28 medians against 825-947). Session 13 had gone
// from 150 to 75 (0.65 GB against 1.01-1.06, the p95 and p99 level), when GOGC 50 took
// 2-5% more CPU: kagome's features, since dropped (kagome), were then a third of each
// collection's marking (docs/PERFORMANCE.md). GOGC set in the environment is left
// alone.
const servingGCPercent = 50

// minServingHeap is how large the heap of a process that serves searches may grow
// between collections at least, whatever servingGCPercent gives. A small index's live
// heap is small (the bundle's some 60 MB, most of it kagome's dictionary), and marking
// it again every few tens of MB that searches allocate cost: on the bundle's load mix
// (BenchmarkAPISearch/mix), with a live heap of 110-125 MB, GOGC 300 took 15-25% less
// CPU a search than 150. A large index's live heap makes headroom enough at
// servingGCPercent.
const minServingHeap = 512 << 20

// minServingLive is the live heap servingPercent assumes at least. The target is a
// percentage of what the last collection found live, and of the goroutines' stacks and
// the program's globals, which it leaves out: at a process's start, with a megabyte
// live, minServingHeap would have been 51,100% of it, which the stacks and globals
// made a heap of 1.2 GB (and 2.8 GB in other runs) before the next collection.
const minServingLive = 64 << 20

// servingPercent returns the collector's target of a serving process whose live heap
// is live bytes: servingGCPercent, or more for the heap to reach minServingHeap.
func servingPercent(live uint64) int {
	live = max(live, minServingLive)
	if live >= minServingHeap {
		return servingGCPercent
	}
	return max(servingGCPercent, int(100*(minServingHeap-live)/live))
}

// ServingGC sets the garbage collector's target of a process that serves searches,
// unless GOGC is set, and keeps it at servingPercent of the live heap, set again after
// every collection, until stop is called. A target set by a live heap read once a
// second let the heap overshoot: a collection that found the live heap three times
// larger (the first searches of a 1M index fill its tables) set the next at the old
// percentage of it, and the heap grew to 1.4 GB before the target came down. A bulk
// load raises the target further while it runs (bulkGC).
func ServingGC() (stop func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var stopped atomic.Bool
	tune := func() bool {
		if stopped.Load() {
			return false
		}
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
		return true
	}
	tune()
	afterEachGC(tune)
	return func() { stopped.Store(true) }
}

// afterEachGC calls f on the runtime's finalizer goroutine after every garbage
// collection, until f returns false. f must be quick: it holds up the finalizers of
// the rest of the program.
func afterEachGC(f func() bool) {
	runtime.SetFinalizer(&gcSentinel{f: f}, (*gcSentinel).collected)
}

// gcSentinel is an object nothing refers to, which every collection finds unreachable:
// its finalizer runs after each and sets itself again.
type gcSentinel struct{ f func() bool }

func (s *gcSentinel) collected() {
	if s.f() {
		runtime.SetFinalizer(s, (*gcSentinel).collected)
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
