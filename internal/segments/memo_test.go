package segments

import (
	"errors"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// TestMemo checks what a Memo keeps: values read once, only of the segments it
// follows, within its capacity by cost, the oldest dropped first, and no failed read.
func TestMemo(t *testing.T) {
	snap := batchedSnapshot(t, bleve.NewIndexMapping(), []map[string]map[string]any{
		{"a": {"t": "one"}}, {"b": {"t": "two"}},
	})
	segs := snap.Segments()
	reads := 0
	read := func(v int) func() (int, error) {
		return func() (int, error) { reads++; return v, nil }
	}
	m := NewMemo[string, int](10, func(v int) int { return v })
	m.Follow(segs[:1])
	get := func(seg Segment, key string, v int) int {
		t.Helper()
		got, err := m.Get(seg, key, read(v))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	get(segs[0], "x", 4)
	if got := get(segs[0], "x", 9); got != 4 || reads != 1 {
		t.Errorf("read again: %d after %d reads, want the kept 4 after 1", got, reads)
	}
	get(segs[1], "x", 1) // a segment not followed: returned, not kept
	get(segs[1], "x", 1)
	if reads != 3 || m.Len() != 1 {
		t.Errorf("%d reads, %d kept: a segment not followed was kept", reads, m.Len())
	}

	// Capacity 10: 4 + 5 fit; 3 more drops the oldest, the 4.
	get(segs[0], "y", 5)
	get(segs[0], "z", 3)
	reads = 0
	if get(segs[0], "y", 0); reads != 0 {
		t.Error("the newer value was dropped")
	}
	if get(segs[0], "x", 4); reads != 1 {
		t.Error("the oldest value was kept past the capacity")
	}
	if m.Cost() != 3+4 {
		t.Errorf("the values kept cost %d, want 7 (z and x)", m.Cost())
	}
	if get(segs[0], "big", 11); m.Len() == 0 || reads != 2 {
		t.Errorf("a value past the whole capacity emptied the memo (%d kept)", m.Len())
	}

	// Following other segments forgets the values of those left.
	m.Follow(segs)
	get(segs[1], "w", 2)
	m.Follow(segs[1:])
	reads = 0
	if get(segs[1], "w", 0); reads != 0 {
		t.Error("a value of a segment still followed was forgotten")
	}
	if v, ok := m.Peek(segs[1], "w"); !ok || v != 2 {
		t.Errorf("peeked at a value kept: %d, %v; want 2, true", v, ok)
	}
	if _, ok := m.Peek(segs[1], "v"); ok || reads != 0 {
		t.Errorf("peeked at a value not kept: found %v after %d reads, want none after 0", ok, reads)
	}
	if get(segs[0], "z", 3); reads != 1 {
		t.Error("a value of a segment no longer followed was kept")
	}

	failed := errors.New("damaged")
	if _, err := m.Get(segs[1], "bad", func() (int, error) { return 0, failed }); !errors.Is(err, failed) {
		t.Errorf("the read's error: %v", err)
	}
	reads = 0
	if get(segs[1], "bad", 1); reads != 1 {
		t.Error("a failed read was kept")
	}
}

// TestMemoUpdate checks that Update sets a value from the one held, or from none,
// with its new cost, the newest, only for a segment followed.
func TestMemoUpdate(t *testing.T) {
	snap := batchedSnapshot(t, bleve.NewIndexMapping(), []map[string]map[string]any{
		{"a": {"t": "one"}}, {"b": {"t": "two"}},
	})
	segs := snap.Segments()
	m := NewMemo[string, int](10, func(v int) int { return v })
	m.Follow(segs[:1])
	add := func(seg Segment, key string, n int) {
		m.Update(seg, key, func(v int, ok bool) int {
			if !ok {
				v = 0
			}
			return v + n
		})
	}
	add(segs[0], "x", 2)
	add(segs[0], "y", 3)
	add(segs[0], "x", 2) // x is 4 now, and newer than y
	if v, ok := m.Peek(segs[0], "x"); !ok || v != 4 || m.Cost() != 7 {
		t.Errorf("x is %d, %v, the memo costs %d; want 4, true, 7", v, ok, m.Cost())
	}
	add(segs[0], "z", 5) // past the capacity: drops y, the oldest
	if _, ok := m.Peek(segs[0], "y"); ok || m.Cost() != 9 {
		t.Errorf("y kept %v, the memo costs %d; want y dropped, 9", ok, m.Cost())
	}
	add(segs[1], "x", 1) // a segment not followed
	if _, ok := m.Peek(segs[1], "x"); ok {
		t.Error("a value of a segment not followed was kept")
	}
}
