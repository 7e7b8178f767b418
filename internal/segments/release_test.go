package segments

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	zap "github.com/blevesearch/zapx/v17"
)

// TestReleaseKeepsWhatWasRead checks, on an index read from its files, that reading a
// term's postings into a table, or a field's postings whole (one with postings lists,
// one of terms of one document each), leaves none of the pages that hold them in the
// process's mapping of the segment file, where a read through zap's iterators or its
// dictionary leaves them there; and that they read the same again after.
func TestReleaseKeepsWhatWasRead(t *testing.T) {
	pagemap, err := os.Open("/proc/self/pagemap")
	if err != nil {
		t.Skipf("no page map to tell the mapped pages by: %v", err)
	}
	defer pagemap.Close()
	rng := rand.New(rand.NewPCG(5, 5))
	batches := make([]map[string]map[string]any, 12) // more than a tier of the merge plan
	for i := range batches {
		batches[i] = map[string]map[string]any{}
	}
	for i := range 3000 {
		text := strings.Repeat(fmt.Sprintf("sea word%d ", i%50), 8)
		// u: a term of one document, which its dictionary holds, no postings.
		u := strconv.FormatUint(rng.Uint64(), 36)
		batches[i%len(batches)][fmt.Sprintf("%04d", i)] = map[string]any{"t": text, "u": u}
	}
	path := filepath.Join(t.TempDir(), "index")
	m := textMapping()
	u := bleve.NewTextFieldMapping()
	u.Analyzer, u.IncludeTermVectors = keyword.Name, false
	m.(*mapping.IndexMappingImpl).DefaultMapping.AddFieldMappingsAt("u", u)
	bi, err := bleve.NewUsing(path, m, IndexType, IndexType, nil)
	if err != nil {
		t.Fatal(err)
	}
	indexBatches(t, bi, batches)
	if err := bi.Close(); err != nil {
		t.Fatal(err)
	}
	// Opened again, its segments are read from their files (*zap.Segment).
	if bi, err = bleve.Open(path); err != nil {
		t.Fatal(err)
	}
	defer bi.Close()
	// Merged, its largest segment: zap keeps a term of one document in its dictionary
	// alone only in a merge.
	if err := Merge(context.Background(), bi); err != nil {
		t.Fatal(err)
	}
	snap, err := Current(bi)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	seg := slices.MaxFunc(snap.Segments(), func(a, b Segment) int { return cmp.Compare(a.Count(), b.Count()) })
	z, ok := seg.seg.(*zap.Segment)
	if !ok {
		t.Fatalf(upgrade+"a segment read from its file is a %T", seg.seg)
	}
	// mapped counts the pages of the file's bytes [lo, hi) in the mapping.
	page := uint64(os.Getpagesize())
	mapped := func(lo, hi uint64) (n int) {
		mem := z.Data()
		base := uint64(uintptr(unsafe.Pointer(&mem[0])))
		for at := lo / page * page; at < hi; at += page {
			var entry [8]byte
			if _, err := pagemap.ReadAt(entry[:], int64((base+at)/page*8)); err != nil {
				t.Fatal(err)
			}
			if binary.LittleEndian.Uint64(entry[:])>>63 == 1 {
				n++
			}
		}
		return n
	}
	dict, _, dictEnd, err := dictionary(z, "t")
	if err != nil || dict == nil {
		t.Fatalf("the dictionary of t: %v", err)
	}
	offset, _, err := dict.Get([]byte("sea"))
	if err != nil {
		t.Fatal(err)
	}
	lo, _, hi, err := postingsAt(z.Data(), offset)
	if err != nil {
		t.Fatal(err)
	}
	// whole are the bytes of the pages wholly within [lo, hi).
	whole := func(lo, hi uint64) (uint64, uint64) { return (lo + page - 1) / page * page, hi / page * page }
	if a, b := whole(lo, hi); b <= a+page {
		t.Fatalf("the postings of sea take bytes %d to %d: too few pages for the test", lo, hi)
	}

	eachPosting(t, snap, "t", "sea", func(uint64, *Posting) {})
	if n := mapped(whole(lo, hi)); n == 0 {
		t.Fatal("no page of the postings of sea is mapped after reading them: the test cannot tell a release")
	}
	want, err := ReadPositions(seg.Whole(), "t", "sea")
	if err != nil || want == nil {
		t.Fatalf("ReadPositions: %v, %v", want, err)
	}
	if n := mapped(whole(lo, hi)); n > 0 {
		t.Errorf("%d pages of the postings of sea are still mapped after reading them into a table", n)
	}
	again, err := ReadPositions(seg.Whole(), "t", "sea")
	if err != nil || !reflect.DeepEqual(again, want) {
		t.Errorf("read again after the release: a different table (error %v)", err)
	}

	// The whole field, its dictionary included.
	postings := func() map[string]uint64 {
		out := map[string]uint64{}
		if err := seg.Postings("t", func(term string, docs *roaring.Bitmap) { out[term] = docs.GetCardinality() }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	eachPosting(t, snap, "t", "sea", func(uint64, *Posting) {})
	terms := postings()
	if n := mapped(whole(lo, hi)) + mapped(whole(offset, dictEnd)); n > 0 {
		t.Errorf("%d pages of the postings and dictionary of t are still mapped after reading them whole", n)
	}
	if again := postings(); terms["sea"] != seg.Count() || !reflect.DeepEqual(again, terms) {
		t.Errorf("the terms of t and their documents: %v, then %v after the release; want sea in all %d", terms, again, seg.Count())
	}

	// A field of terms of one document each: its dictionary is all there is.
	udict, addr, end, err := dictionary(z, "u")
	if err != nil || udict == nil {
		t.Fatalf("the dictionary of u: %v", err)
	}
	if a, b := whole(addr, end); b <= a+page {
		t.Fatalf("the dictionary of u takes bytes %d to %d: too few pages for the test", addr, end)
	}
	it, err := udict.Iterator(nil, nil)
	for err == nil {
		if _, postings := it.Current(); postings&zap.FSTValEncodingMask != zap.FSTValEncoding1Hit {
			t.Fatalf(upgrade + "a term of one document and no term vectors has postings of its own")
		}
		err = it.Next()
	}
	if n := mapped(whole(addr, end)); n == 0 {
		t.Fatal("no page of the dictionary of u is mapped after reading it: the test cannot tell a release")
	}
	if err := seg.Postings("u", func(string, *roaring.Bitmap) {}); err != nil {
		t.Fatal(err)
	}
	if n := mapped(whole(addr, end)); n > 0 {
		t.Errorf("%d pages of the dictionary of u are still mapped after reading it whole", n)
	}
}
