package segments

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	index "github.com/blevesearch/bleve_index_api"
)

// TestSkips checks what is read of documents far apart in a segment written to a
// file, whose common term's postings span several of zap's chunks, skipping to their
// chunks, against bleve's own term reader: the occurrences Occurrences reads, and
// the frequencies and positions a PostingsReader reads, which has none of a deleted
// document.
func TestSkips(t *testing.T) {
	const docs = 6000
	batch := map[string]map[string]any{}
	for i := range docs {
		text := strings.Repeat("sea ", i%5) + "fish blue"
		if i%7 != 0 {
			text += " fish"
		}
		batch[fmt.Sprintf("%05d", i)] = map[string]any{"t": text}
	}
	bi := batchedIndex(t, textMapping(), nil, []map[string]map[string]any{batch})
	if err := Merge(context.Background(), bi); err != nil {
		t.Fatal(err)
	}
	for i := 5; i < docs; i += 11 {
		if err := bi.Delete(fmt.Sprintf("%05d", i)); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := Current(bi)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	segs := snap.Segments()
	if len(segs) != 1 {
		t.Fatalf("%d segments, want 1", len(segs))
	}
	seg := segs[0]
	p, err := seg.Term("t", "fish")
	if err != nil {
		t.Fatal(err)
	}
	if p.chunk != 1024 || p.chunk >= seg.Count()/4 {
		t.Fatalf(upgrade+"the postings of fish come in chunks of %d of %d documents, want several chunks of 1,024", p.chunk, seg.Count())
	}
	// What bleve reads, by document number: "pos start-end" of each occurrence.
	want := map[uint64][]string{}
	bleveReads(t, snap, "t", "fish", func(d *index.TermFieldDoc) {
		for _, v := range d.Vectors {
			want[d.ID.Value()] = append(want[d.ID.Value()], fmt.Sprintf("%d %d-%d", v.Pos, v.Start, v.Start+v.End))
		}
	})
	// Documents far apart, some in one chunk, the first and last.
	var nums []uint64
	for num := uint64(0); num < docs; num += 997 {
		nums = append(nums, num, num+1, num+2*p.chunk/3)
	}
	nums = append(nums, docs-1)
	nums = slices.Compact(slices.Sorted(slices.Values(nums)))
	got := map[uint64][]string{}
	err = snap.Occurrences("t", nums, []string{"fish"}, func(o Occurrence) {
		got[o.Doc] = append(got[o.Doc], fmt.Sprintf("%d %d-%d", o.Pos, o.Start, o.End))
	})
	if err != nil {
		t.Fatal(err)
	}
	r := p.Reader(true)
	for _, num := range nums {
		if num >= docs {
			continue
		}
		if deleted := num%11 == 5; !deleted && !slices.Equal(got[num], want[num]) {
			t.Errorf(upgrade+"occurrences of fish in %d: %q, want %q", num, got[num], want[num])
		}
		read, err := r.Advance(uint32(num))
		if err != nil {
			t.Fatal(err)
		}
		if deleted := num%11 == 5; deleted || read == nil {
			if deleted != (read == nil) {
				t.Errorf("posting of fish in %d (deleted: %v): %v", num, deleted, read)
			}
			continue
		}
		var pos []string
		for _, w := range want[num] {
			pos = append(pos, strings.Fields(w)[0])
		}
		if fmt.Sprint(read.Freq, read.Positions) != fmt.Sprint(len(pos), pos) {
			t.Errorf(upgrade+"posting of fish in %d: frequency %d, positions %v, want %v", num, read.Freq, read.Positions, pos)
		}
	}
}
