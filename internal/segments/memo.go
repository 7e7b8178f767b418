package segments

import (
	"slices"
	"sync"
)

// Memo memoises values read from segments, by segment and key. A segment never
// changes, so what was read of it holds for as long as a snapshot has the segment:
// a Memo keeps the values of the segments of the snapshot it follows (Follow), and
// past its capacity drops the oldest first. It is safe for concurrent use.
type Memo[K comparable, V any] struct {
	capacity int
	cost     func(V) int // nil: each value costs 1

	mu    sync.Mutex
	live  []any // the keys of the segments followed
	vals  map[memoKey[K]]memoVal[V]
	order []memoKey[K] // the keys of vals, oldest first
	used  int          // the cost of vals
}

type memoKey[K comparable] struct {
	seg any // Segment.Key
	key K
}

type memoVal[V any] struct {
	v    V
	cost int
}

// NewMemo returns an empty Memo that holds values of a total cost of at most
// capacity, a value costing cost(v), or 1 when cost is nil.
func NewMemo[K comparable, V any](capacity int, cost func(V) int) *Memo[K, V] {
	return &Memo[K, V]{capacity: capacity, cost: cost, vals: map[memoKey[K]]memoVal[V]{}}
}

// Follow makes segs, the segments of a snapshot, those whose values m keeps,
// forgetting the others'.
func (m *Memo[K, V]) Follow(segs []Segment) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(segs) == len(m.live) && !slices.ContainsFunc(segs, func(s Segment) bool {
		return !slices.Contains(m.live, s.Key())
	}) {
		return
	}
	m.live = m.live[:0]
	for _, s := range segs {
		m.live = append(m.live, s.Key())
	}
	kept := m.order[:0]
	for _, k := range m.order {
		if slices.Contains(m.live, k.seg) {
			kept = append(kept, k)
		} else {
			m.used -= m.vals[k].cost
			delete(m.vals, k)
		}
	}
	m.order = kept
}

// Get returns the value of key in seg, calling read for it when m does not hold it.
// It keeps what read returns only for a segment it follows.
func (m *Memo[K, V]) Get(seg Segment, key K, read func() (V, error)) (V, error) {
	k := memoKey[K]{seg.Key(), key}
	m.mu.Lock()
	mv, ok := m.vals[k]
	m.mu.Unlock()
	if ok {
		return mv.v, nil
	}
	v, err := read()
	if err != nil {
		return v, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.vals[k]; !ok {
		m.put(k, v)
	}
	return v, nil
}

// Update sets the value of key in seg to what f returns, given the value m holds
// (ok false: none), when m follows seg. f is called with m locked: it must be quick.
func (m *Memo[K, V]) Update(seg Segment, key K, f func(v V, ok bool) V) {
	k := memoKey[K]{seg.Key(), key}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !slices.Contains(m.live, k.seg) {
		return
	}
	old, ok := m.vals[k]
	v := f(old.v, ok)
	if ok {
		m.used -= old.cost
		delete(m.vals, k)
		m.order = slices.DeleteFunc(m.order, func(o memoKey[K]) bool { return o == k })
	}
	m.put(k, v)
}

// put keeps v as the value of k, not held, when its segment is followed and it fits
// m's capacity, dropping the oldest values to make room. m must be locked.
func (m *Memo[K, V]) put(k memoKey[K], v V) {
	cost := 1
	if m.cost != nil {
		cost = m.cost(v)
	}
	if cost > m.capacity || !slices.Contains(m.live, k.seg) {
		return
	}
	for m.used+cost > m.capacity {
		m.used -= m.vals[m.order[0]].cost
		delete(m.vals, m.order[0])
		m.order = m.order[1:]
	}
	m.vals[k] = memoVal[V]{v, cost}
	m.order = append(m.order, k)
	m.used += cost
}

// Len returns how many values m holds.
func (m *Memo[K, V]) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.vals)
}

// Peek returns the value of key in seg and true when m holds it, reading nothing.
func (m *Memo[K, V]) Peek(seg Segment, key K) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mv, ok := m.vals[memoKey[K]{seg.Key(), key}]
	return mv.v, ok
}

// Cost returns the total cost of the values m holds.
func (m *Memo[K, V]) Cost() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.used
}
