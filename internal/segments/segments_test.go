package segments

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// upgrade prefixes what a failing check of TestScorchContract says: the bleve in
// go.mod no longer behaves as this package relies on.
const upgrade = "bleve no longer behaves as internal/segments relies on (was a bleve or zapx version changed in go.mod?): "

// TestScorchContract checks, on a real scorch index on disk, everything the package
// relies on: the reader and index types, segment offsets with deleted documents,
// postings as bitmaps, internal values, and merges.
func TestScorchContract(t *testing.T) {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = keyword.Name
	dir := filepath.Join(t.TempDir(), "index")
	bi, err := bleve.NewUsing(dir, m, IndexType, IndexType, unmerged)
	if err != nil {
		t.Fatalf(upgrade+"cannot create a %s index: %v", IndexType, err)
	}
	defer bi.Close()
	// Three batches: three segments, until merged.
	for b := range 3 {
		batch := bi.NewBatch()
		for d := range 4 {
			id := fmt.Sprintf("b%dd%d", b, d)
			if err := batch.Index(id, map[string]any{"f": []string{"all", id}}); err != nil {
				t.Fatal(err)
			}
		}
		if b == 2 {
			batch.SetInternal([]byte("key"), []byte("value"))
			batch.Delete("b0d1")
		}
		if err := bi.Batch(batch); err != nil {
			t.Fatal(err)
		}
	}

	snap, err := Current(bi)
	if err != nil {
		t.Fatalf(upgrade+"%v", err)
	}
	if got := string(snap.Internal()["key"]); got != "value" {
		t.Errorf(upgrade+"internal value %q, want %q", got, "value")
	}
	segs := snap.Segments()
	if len(segs) < 2 {
		t.Fatalf(upgrade+"three batches gave %d segments", len(segs))
	}
	var total uint64
	all := roaring.New()
	for i, seg := range segs {
		if seg.Offset != total {
			t.Errorf(upgrade+"segment %d starts at document %d, want %d (the counts of the segments before it)", i, seg.Offset, total)
		}
		total += seg.Count()
		err := seg.Postings("f", func(term string, docs *roaring.Bitmap) {
			if term == "all" {
				all.Or(roaring.AddOffset64(docs, int64(seg.Offset)))
			}
		})
		if err != nil {
			t.Fatalf(upgrade+"%v", err)
		}
	}
	// Numbers finds what the snapshot's InternalID finds, and not the deleted document.
	ids := []string{"b0d0", "b0d1", "b1d2", "b2d3", "absent"}
	nums, err := snap.Numbers(ids)
	if err != nil {
		t.Fatalf(upgrade+"%v", err)
	}
	for _, id := range ids {
		iid, err := snap.snap.InternalID(id)
		if err != nil {
			t.Fatal(err)
		}
		num, found := nums[id]
		if found != (iid != nil) || found && num != iid.Value() {
			t.Errorf(upgrade+"%s: number %d (found %v), InternalID %v", id, num, found, iid)
		}
	}
	if _, found := nums["b0d1"]; found || len(nums) != 3 {
		t.Errorf(upgrade+"numbers %v, want b0d0, b1d2 and b2d3 (b0d1 is deleted)", nums)
	}
	// Every numbered document holds "all": a deleted one keeps its number (12) until
	// the background merger drops it (11).
	if total < 11 || total > 12 || all.GetCardinality() != total {
		t.Errorf(upgrade+"%d documents numbered, %d hold \"all\"; want 11 or 12, all of them", total, all.GetCardinality())
	}
	// The same snapshot compares equal; a segment keeps its key in the next snapshot.
	again, err := Current(bi)
	if err != nil {
		t.Fatal(err)
	}
	if again != snap {
		t.Errorf(upgrade + "two readers of an unchanged index are different snapshots")
	}
	again.Close()
	keys := func(s Snapshot) []any {
		var out []any
		for _, seg := range s.Segments() {
			out = append(out, seg.Key())
		}
		return out
	}
	before := keys(snap)
	snap.Close()

	batch := bi.NewBatch()
	if err := batch.Index("late", map[string]any{"f": "all"}); err != nil {
		t.Fatal(err)
	}
	if err := bi.Batch(batch); err != nil {
		t.Fatal(err)
	}
	if err := Merge(context.Background(), bi); err != nil {
		t.Fatalf(upgrade+"%v", err)
	}
	merged, err := Current(bi)
	if err != nil {
		t.Fatal(err)
	}
	defer merged.Close()
	if n := len(merged.Segments()); n >= len(before)+1 {
		t.Errorf(upgrade+"%d segments after Merge, %d before it", n, len(before)+1)
	}
	if slices.Equal(keys(merged), before) {
		t.Errorf(upgrade + "merged segments kept the keys of the segments they replaced")
	}

	// Segment files end with their checksum: Check finds one byte changed.
	if err := Check(context.Background(), bi); err != nil {
		t.Fatalf(upgrade+"an undamaged index fails its check: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
	if len(files) == 0 {
		t.Fatalf(upgrade + "no segment files (*.zap) under store/")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue // a segment merged away, whose file scorch removed meanwhile
		}
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)/2] ^= 0xff
		if err := os.WriteFile(f, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := Check(context.Background(), bi); !errors.Is(err, ErrChecksum) {
		t.Errorf(upgrade+"a segment file with a byte changed: Check = %v, want ErrChecksum", err)
	}
}

// TestOccurrences checks Occurrences against term vectors of known texts, over two
// segments, with documents asked for that do not hold a term beside ones that do.
func TestOccurrences(t *testing.T) {
	m := textMapping()
	snap := batchedSnapshot(t, m, []map[string]map[string]any{
		{"a": {"t": "red fish blue fish"}, "b": {"t": "green"}},
		{"c": {"t": "green sea"}, "d": {"t": "blue sky"}, "e": {"t": "blue"}},
	})
	idOf := map[uint64]string{}
	var nums []uint64
	for _, id := range []string{"d", "a", "b", "c"} { // not e; not in order
		iid, err := snap.snap.InternalID(id)
		if err != nil || iid == nil {
			t.Fatalf("%s: %v", id, err)
		}
		idOf[iid.Value()] = id
		nums = append(nums, iid.Value())
	}
	// Without a memo, with one, and with it again once it holds the terms.
	memo := NewTermMemo()
	for _, s := range []Snapshot{snap, snap.Memoised(memo), snap.Memoised(memo)} {
		var got []string
		err := s.Occurrences("t", nums, []string{"fish", "blue", "absent"}, func(o Occurrence) {
			got = append(got, fmt.Sprintf("%s %s %d %d-%d", idOf[o.Doc], o.Term, o.Pos, o.Start, o.End))
		})
		if err != nil {
			t.Fatalf(upgrade+"%v", err)
		}
		slices.Sort(got)
		want := []string{"a blue 3 9-13", "a fish 2 4-8", "a fish 4 14-18", "d blue 1 0-4"}
		if !slices.Equal(got, want) {
			t.Errorf(upgrade+"occurrences %q, want %q", got, want)
		}
	}
	if n := memo.Len(); n != 3*len(snap.Segments()) {
		t.Errorf("the memo holds %d postings lists, want 3 terms in %d segments", n, len(snap.Segments()))
	}
}

// TestTermThroughMemo checks that a term's documents read through a memo are those
// read without one, in a snapshot before a deletion and after it, and that a search of
// the later snapshot leaves the memo's documents as they were for the earlier.
func TestTermThroughMemo(t *testing.T) {
	bi := batchedIndex(t, textMapping(), unmerged, []map[string]map[string]any{
		{"a": {"t": "red fish"}, "b": {"t": "blue fish"}, "c": {"t": "green"}},
		{"d": {"t": "fish fish"}, "e": {"t": "blue sea"}},
	})
	memo := NewTermMemo()
	before := snapshotOf(t, bi)
	if err := bi.Delete("b"); err != nil {
		t.Fatal(err)
	}
	after := snapshotOf(t, bi)
	docs := func(s Snapshot, term string) []uint64 {
		t.Helper()
		var out []uint64
		for _, seg := range s.Segments() {
			p, err := seg.Term("t", term)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range p.Docs().ToArray() {
				out = append(out, seg.Offset+uint64(n))
			}
		}
		return out
	}
	for _, term := range []string{"fish", "blue", "absent"} {
		wantBefore, wantAfter := docs(before, term), docs(after, term)
		if term == "fish" && len(wantAfter) != len(wantBefore)-1 {
			t.Fatalf("fish: %v before deleting b, %v after", wantBefore, wantAfter)
		}
		for round := range 2 {
			for _, c := range []struct {
				snap Snapshot
				want []uint64
			}{{after.Memoised(memo), wantAfter}, {before.Memoised(memo), wantBefore}} {
				if got := docs(c.snap, term); !slices.Equal(got, c.want) {
					t.Errorf("%s, round %d: through the memo %v, want %v", term, round, got, c.want)
				}
			}
		}
	}
	if memo.Len() == 0 {
		t.Error("the memo holds no postings")
	}
}

// TestPostingsReader checks a reader of postings against what bleve's term readers
// hand its scoring: each document's frequency and norm (and the field's length in
// tokens, of which the norm is made) and its positions, over two segments, with
// documents asked for that do not hold the term.
func TestPostingsReader(t *testing.T) {
	m := textMapping()
	docs := map[string]string{
		"a": "fish", "b": "red fish blue fish", "c": "green sea", "d": "one fish two fish red fish blue fish",
		"e": strings.Repeat("fish fried chips ", 300), "f": "blue fish", "gg": "fish",
	}
	batches := []map[string]map[string]any{{}, {}}
	for id, text := range docs {
		batches[len(id)%2][id] = map[string]any{"t": text}
	}
	snap := batchedSnapshot(t, m, batches)
	type posting struct {
		freq   uint64
		norm   float64
		length uint64
		pos    []uint64
	}
	// What bleve's scoring reads, by document number, from its term reader.
	want := map[uint64]posting{}
	bleveReads(t, snap, "t", "fish", func(d *index.TermFieldDoc) {
		p := posting{freq: d.Freq, norm: d.Norm}
		for _, v := range d.Vectors {
			p.pos = append(p.pos, v.Pos)
		}
		want[d.ID.Value()] = p
	})
	for id, text := range docs {
		iid, err := snap.snap.InternalID(id)
		if err != nil || iid == nil {
			t.Fatalf("%s: %v", id, err)
		}
		if p, ok := want[iid.Value()]; ok {
			p.length = uint64(len(strings.Fields(text)))
			want[iid.Value()] = p
		}
	}
	if len(want) != 6 {
		t.Fatalf("bleve reads %d postings of fish, want 6", len(want))
	}
	got := map[uint64]posting{}
	eachPosting(t, snap, "t", "fish", func(doc uint64, read *Posting) {
		got[doc] = posting{read.Freq, read.Norm(), read.Length, slices.Clone(read.Positions)}
	})
	if diff := fmt.Sprint(got); diff != fmt.Sprint(want) {
		t.Errorf(upgrade+"postings of fish (frequency, norm, length, positions) by document:\n%v\nwant bleve's\n%v", got, want)
	}
}

// TestStoredText checks that a document's stored text fields are read from its
// segment, found by its snapshot number, each value of a field of several in order,
// and that its id and other stored types are left out.
func TestStoredText(t *testing.T) {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = keyword.Name
	snap := batchedSnapshot(t, m, []map[string]map[string]any{
		{"a": {"title": "first", "n": 1}},
		{"b": {"title": "second", "path": []string{"outer", "inner"}, "n": 2}, "c": {"title": "third"}},
	})
	for id, want := range map[string][]string{
		"a": {"title=first"},
		"b": {"path=outer", "path=inner", "title=second"},
		"c": {"title=third"},
	} {
		iid, err := snap.snap.InternalID(id)
		if err != nil || iid == nil {
			t.Fatalf("%s: %v", id, err)
		}
		seg, num, ok := snap.Locate(iid.Value())
		if !ok {
			t.Fatalf("%s: document %d in no segment", id, iid.Value())
		}
		var got []string
		if err := seg.StoredText(num, func(field string, value []byte) {
			got = append(got, field+"="+string(value))
		}); err != nil {
			t.Fatalf(upgrade+"%s: %v", id, err)
		}
		// The fields' order is the segment's; a field's values keep theirs.
		slices.SortStableFunc(got, func(a, b string) int {
			return strings.Compare(a[:strings.Index(a, "=")], b[:strings.Index(b, "=")])
		})
		if !slices.Equal(got, want) {
			t.Errorf(upgrade+"%s: stored text %q, want %q", id, got, want)
		}
	}
	if _, _, ok := snap.Locate(100); ok {
		t.Error("document 100 of 3 located")
	}
}

// textMapping is the mapping of documents of one text field, t, analysed by the
// standard analyser and indexed with term vectors.
func textMapping() mapping.IndexMapping {
	m := bleve.NewIndexMapping()
	text := bleve.NewTextFieldMapping()
	text.Analyzer = standard.Name
	text.IncludeTermVectors = true
	m.DefaultMapping.AddFieldMappingsAt("t", text)
	return m
}

// unmerged is the configuration of a test index whose few small batches stay
// segments of their own: by default scorch's merge planner, whose first tier is 2,000
// documents, merges an index this small into one segment as soon as it runs, and
// whether it ran before a test read the index was a matter of timing (under -race it
// had, every time).
var unmerged = map[string]any{"scorchMergePlanOptions": map[string]any{"FloorSegmentSize": 1, "FloorSegmentFileSize": 1}}

// bleveReads calls each with every document bleve's term reader reads of term in
// field of snap, with its frequency, norm and term vectors.
func bleveReads(t *testing.T, snap Snapshot, field, term string, each func(d *index.TermFieldDoc)) {
	t.Helper()
	tfr, err := snap.snap.TermFieldReader(context.Background(), []byte(term), field, true, true, true)
	if err != nil {
		t.Fatal(err)
	}
	defer tfr.Close()
	for {
		d, err := tfr.Next(nil)
		if err != nil {
			t.Fatal(err)
		}
		if d == nil {
			return
		}
		each(d)
	}
}

// eachPosting calls each with every posting of term in field of snap, read with its
// positions, and its snapshot document number.
func eachPosting(t *testing.T, snap Snapshot, field, term string, each func(doc uint64, p *Posting)) {
	t.Helper()
	for _, seg := range snap.Segments() {
		p, err := seg.Term(field, term)
		if err != nil {
			t.Fatal(err)
		}
		r := p.Reader(true)
		for num := range uint32(seg.Count()) {
			read, err := r.Advance(num)
			if err != nil {
				t.Fatalf(upgrade+"%v", err)
			}
			if read != nil {
				each(seg.Offset+uint64(num), read)
			}
		}
	}
}

// batchedSnapshot indexes each of batches (documents by id) as a batch of its own in a
// new index on disk, and returns a snapshot of it, closed with the index when the test
// ends: a segment a batch, at least two.
func batchedSnapshot(t *testing.T, m mapping.IndexMapping, batches []map[string]map[string]any) Snapshot {
	t.Helper()
	return snapshotOf(t, batchedIndex(t, m, unmerged, batches))
}

// batchedIndex indexes each of batches as a batch of its own in a new index on disk
// opened with config, closed when the test ends.
func batchedIndex(t *testing.T, m mapping.IndexMapping, config map[string]any, batches []map[string]map[string]any) bleve.Index {
	t.Helper()
	bi, err := bleve.NewUsing(filepath.Join(t.TempDir(), "index"), m, IndexType, IndexType, config)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bi.Close() })
	indexBatches(t, bi, batches)
	return bi
}

// indexBatches indexes each of batches (documents by id) into bi as a batch of its own.
func indexBatches(t *testing.T, bi bleve.Index, batches []map[string]map[string]any) {
	t.Helper()
	for _, docs := range batches {
		batch := bi.NewBatch()
		for id, doc := range docs {
			if err := batch.Index(id, doc); err != nil {
				t.Fatal(err)
			}
		}
		if err := bi.Batch(batch); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshotOf returns the current snapshot of bi, closed when the test ends, and fails
// the test unless it has two segments or more.
func snapshotOf(t *testing.T, bi bleve.Index) Snapshot {
	t.Helper()
	snap, err := Current(bi)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close() })
	if len(snap.Segments()) < 2 {
		t.Fatalf(upgrade+"the batches gave %d segments", len(snap.Segments()))
	}
	return snap
}

// TestNewSegmentsInIDOrder checks that a batch's documents are numbered in the order of
// their ids, which scorch alone leaves to its analysers' timing: the sections of a
// document are neighbours; and, with a field to group by (GroupBy), in the order of
// its values first, a document's sections, which share their value, still neighbours.
func TestNewSegmentsInIDOrder(t *testing.T) {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = keyword.Name
	langs := []string{"zh", "en", "ja"}
	for _, groupBy := range []string{"", "lang"} {
		batches := make([]map[string]map[string]any, 2)
		ids := make([][]string, len(batches))
		lang := map[string]string{}
		for b := range batches {
			batches[b] = map[string]map[string]any{}
			for d := range 25 {
				for s := range 4 {
					id := fmt.Sprintf("b%d/doc%02d#%d", b, d, s+1)
					ids[b] = append(ids[b], id)
					lang[id] = langs[d%len(langs)]
					batches[b][id] = map[string]any{"f": "all", "lang": lang[id]}
				}
			}
		}
		// The order wanted: by id, or by language and then id.
		for _, batch := range ids {
			slices.SortFunc(batch, func(a, b string) int {
				if groupBy == "" {
					return strings.Compare(a, b)
				}
				return cmp.Or(strings.Compare(lang[a], lang[b]), strings.Compare(a, b))
			})
		}
		config := maps.Clone(unmerged)
		config["segmentConfig"] = map[string]any{GroupBy: groupBy}
		snap := snapshotOf(t, batchedIndex(t, m, config, batches))
		for _, batch := range ids {
			nums, err := snap.Numbers(batch)
			if err != nil {
				t.Fatal(err)
			}
			for i := 1; i < len(batch); i++ {
				if nums[batch[i-1]] >= nums[batch[i]] {
					t.Fatalf("grouped by %q: %s is document %d, %s document %d: want the order of their languages, then of their ids", groupBy, batch[i-1], nums[batch[i-1]], batch[i], nums[batch[i]])
				}
			}
		}
	}
}

// TestPositionsOnly checks that the fields a configuration names (PositionsOnly) keep
// their tokens' positions and not their offsets, in new segments and merged ones,
// and that everything else of them is what a field that keeps its offsets holds: the
// same text in field "p" (positions only) and "t" (both) has the same terms,
// frequencies, lengths and positions, and "t" keeps its offsets.
func TestPositionsOnly(t *testing.T) {
	m := textMapping()
	text := bleve.NewTextFieldMapping()
	text.Analyzer = standard.Name
	text.IncludeTermVectors = true
	m.(*mapping.IndexMappingImpl).DefaultMapping.AddFieldMappingsAt("p", text)
	texts := map[string]string{"a": "red fish blue fish", "b": "green", "c": "one fish two fish", "d": "blue sky"}
	batches := []map[string]map[string]any{{}, {}}
	for id, s := range texts {
		batches[int(id[0])%2][id] = map[string]any{"t": s, "p": s}
	}
	config := maps.Clone(unmerged)
	config["segmentConfig"] = map[string]any{PositionsOnly: []string{"p"}}
	bi := batchedIndex(t, m, config, batches)

	// Every occurrence of the terms, as "document term position start-end", and every
	// posting, as "document frequency length positions".
	read := func(snap Snapshot, field string) (occurrences, postings []string) {
		t.Helper()
		var nums []uint64
		for _, seg := range snap.Segments() {
			for n := range seg.Count() {
				nums = append(nums, seg.Offset+n)
			}
		}
		terms := []string{"fish", "blue", "green", "sky", "red", "one", "two"}
		err := snap.Occurrences(field, nums, terms, func(o Occurrence) {
			occurrences = append(occurrences, fmt.Sprintf("%d %s %d %d-%d", o.Doc, o.Term, o.Pos, o.Start, o.End))
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, term := range terms {
			eachPosting(t, snap, field, term, func(doc uint64, p *Posting) {
				postings = append(postings, fmt.Sprintf("%d %s %d %d %v", doc, term, p.Freq, p.Length, p.Positions))
			})
		}
		slices.Sort(occurrences)
		slices.Sort(postings)
		return occurrences, postings
	}
	beforeAndAfterMerge(t, bi, func(when string, snap Snapshot) {
		occT, postT := read(snap, "t")
		occP, postP := read(snap, "p")
		if len(occT) != 11 {
			t.Fatalf("%s: %d occurrences in t, want 11: %q", when, len(occT), occT)
		}
		var want []string // t's occurrences without their offsets
		for _, o := range occT {
			if strings.HasSuffix(o, " 0-0") {
				t.Errorf("%s: t, which keeps its offsets, has none at %q", when, o)
			}
			want = append(want, o[:strings.LastIndex(o, " ")]+" 0-0")
		}
		if !slices.Equal(occP, want) {
			t.Errorf("%s: p's occurrences\n%q\nwant t's without offsets\n%q", when, occP, want)
		}
		if !slices.Equal(postP, postT) {
			t.Errorf("%s: p's postings\n%q\nwant t's\n%q", when, postP, postT)
		}
	})
}

// beforeAndAfterMerge calls check with bi's snapshot, then merges bi into one segment
// and calls it again.
func beforeAndAfterMerge(t *testing.T, bi bleve.Index, check func(when string, snap Snapshot)) {
	t.Helper()
	for _, when := range []string{"new segments", "merged"} {
		if when == "merged" {
			if err := Merge(context.Background(), bi); err != nil {
				t.Fatal(err)
			}
		}
		snap, err := Current(bi)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(snap.Segments()); when == "merged" && n != 1 {
			t.Errorf("%d segments once merged, want 1", n)
		}
		check(when, snap)
		snap.Close()
	}
}

// TestEndsStoredAsLengths checks how a new segment and a merged one store a location's
// end: as the token's length (which zap writes in a byte where the end would take two
// past the 128th byte of a field), which Occurrences adds the start to.
func TestEndsStoredAsLengths(t *testing.T) {
	long := strings.Repeat("fish ", 40) + "blue whale"
	bi := batchedIndex(t, textMapping(), unmerged, []map[string]map[string]any{
		{"a": {"t": long}}, {"b": {"t": "blue fish"}},
	})
	beforeAndAfterMerge(t, bi, func(when string, snap Snapshot) {
		// As zap stores them: bleve's term readers hand them on unchanged.
		tfr, err := snap.snap.TermFieldReader(context.Background(), []byte("whale"), "t", false, false, true)
		if err != nil {
			t.Fatal(err)
		}
		defer tfr.Close()
		d, err := tfr.Next(nil)
		if err != nil || d == nil || len(d.Vectors) != 1 {
			t.Fatalf("%s: whale's posting %v, %v", when, d, err)
		}
		if v := d.Vectors[0]; v.Start != 205 || v.End != 5 {
			t.Errorf(upgrade+"%s: whale stored at %d-%d, want start 205 and length 5", when, v.Start, v.End)
		}
		var got []string
		err = snap.Occurrences("t", []uint64{d.ID.Value()}, []string{"whale", "blue"}, func(o Occurrence) {
			got = append(got, fmt.Sprintf("%s %d %d-%d", o.Term, o.Pos, o.Start, o.End))
		})
		slices.Sort(got)
		if want := []string{"blue 41 200-204", "whale 42 205-210"}; err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: occurrences %q (%v), want %q", when, got, err, want)
		}
	})
}
