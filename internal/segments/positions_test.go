package segments

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// TestPositionsTable checks that a PositionsTable reads what a PostingsReader reads
// of the whole segment (deleted documents included), document by document, for terms
// from one held by nearly every document to one held by none, in segments of
// several blocks of documents, some positions far apart: the same postings,
// frequencies, lengths and positions, for every document and for ascending subsets
// of them, which skip.
func TestPositionsTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 16))
	words := []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}
	var batches []map[string]map[string]any
	for b := range 3 {
		docs := map[string]map[string]any{}
		for d := range 300 + 100*b {
			var text []string
			for range 1 + rng.IntN(40) {
				// Word i is about twice as rare as word i-1.
				i := min(int(rng.ExpFloat64()/0.7), len(words)-1)
				text = append(text, words[i])
			}
			docs[fmt.Sprintf("%d-%03d", b, d)] = map[string]any{"t": strings.Join(text, " ")}
		}
		// Positions far apart, one past 27,000.
		docs[fmt.Sprintf("%d-far", b)] = map[string]any{"t": "alpha " + strings.Repeat("filler ", 62+100*b) + "beta alpha " + strings.Repeat("filler ", 9000*(b+1)) + "alpha"}
		batches = append(batches, docs)
	}
	bi := batchedIndex(t, textMapping(), unmerged, batches)
	// Deleted and updated documents stay in their segments.
	batch := bi.NewBatch()
	for d := 0; d < 300; d += 7 {
		batch.Delete(fmt.Sprintf("0-%03d", d))
		if err := batch.Index(fmt.Sprintf("1-%03d", d), map[string]any{"t": "alpha beta"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := bi.Batch(batch); err != nil {
		t.Fatal(err)
	}
	snap := snapshotOf(t, bi)
	read := 0
	for _, seg := range snap.Segments() {
		for _, term := range append(words, "absent") {
			table, err := ReadPositions(seg, "t", term)
			if err != nil || table == nil {
				t.Fatalf("%s: table %v, error %v", term, table, err)
			}
			p, err := seg.Whole().Term("t", term)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := table.Postings(), int(p.Docs().GetCardinality()); got != want {
				t.Errorf("%s: %d postings, want %d", term, got, want)
			}
			all := make([]uint32, seg.Count()+3) // and some past the last
			for i := range all {
				all[i] = uint32(i)
			}
			for _, nums := range [][]uint32{all, sparse(rng, all, 2), sparse(rng, all, 9), sparse(rng, all, 60)} {
				zap, tr := p.Reader(true), table.Reader()
				for _, num := range nums {
					want, err := zap.Advance(num)
					if err != nil {
						t.Fatal(err)
					}
					got, err := tr.Advance(num)
					if err != nil {
						t.Fatal(err)
					}
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Fatalf("%s, document %d: read %v, want %v", term, num, got, want)
					}
					if got != nil {
						read++
					}
				}
			}
		}
	}
	if read < 1000 {
		t.Errorf("read %d postings, want a test of 1000 or more", read)
	}
}

// sparse returns about one in every of nums, in order.
func sparse(rng *rand.Rand, nums []uint32, every int) []uint32 {
	return slices.DeleteFunc(slices.Clone(nums), func(uint32) bool { return rng.IntN(every) != 0 })
}

// TestPositionsTableLimits checks that a term of a field longer than a table keeps
// has no table, and a term of the same segment within them has one.
func TestPositionsTableLimits(t *testing.T) {
	snap := batchedSnapshot(t, textMapping(), []map[string]map[string]any{
		{"a": {"t": strings.Repeat("word ", 1<<16) + "far"}, "b": {"t": "near"}}, {"c": {"t": "other"}},
	})
	seg := snap.Segments()[0]
	if table, err := ReadPositions(seg, "t", "far"); err != nil || table != nil {
		t.Errorf("far, in a field of %d tokens: table %v, error %v; want none", 1<<16+1, table, err)
	}
	if table, err := ReadPositions(seg, "t", "near"); err != nil || table == nil || table.Postings() != 1 {
		t.Errorf("near, in a field of 1 token: table %v, error %v; want one of 1 posting", table, err)
	}
}

// BenchmarkPositions measures what positionsShare in package exec weighs: reading a
// term's table (ReadPositions) against checking candidates on zap's postings, one
// posting in every, in a segment of 20,000 documents of 100 tokens, each holding
// the term 3 times; and reading them from the table.
func BenchmarkPositions(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	bi, err := bleve.NewUsing(filepath.Join(b.TempDir(), "index"), textMapping(), IndexType, IndexType, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer bi.Close()
	const docs = 20_000
	batch := bi.NewBatch()
	for d := range docs {
		text := make([]string, 100)
		for i := range text {
			text[i] = fmt.Sprintf("w%d", rng.IntN(2000))
		}
		for range 3 {
			text[rng.IntN(len(text))] = "term"
		}
		if err := batch.Index(fmt.Sprintf("d%05d", d), map[string]any{"t": strings.Join(text, " ")}); err != nil {
			b.Fatal(err)
		}
	}
	if err := bi.Batch(batch); err != nil {
		b.Fatal(err)
	}
	snap, err := Current(bi)
	if err != nil {
		b.Fatal(err)
	}
	defer snap.Close()
	seg := snap.Segments()[0]
	p, err := seg.Term("t", "term")
	if err != nil {
		b.Fatal(err)
	}
	nums := p.Docs().ToArray()
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			if _, err := ReadPositions(seg, "t", "term"); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(nums)), "ns/posting")
	})
	table, err := ReadPositions(seg, "t", "term")
	if err != nil {
		b.Fatal(err)
	}
	for _, every := range []int{1, 2, 4, 16, 64, 256, 1024} {
		var candidates []uint32
		for i := rng.IntN(every); i < len(nums); i += every {
			candidates = append(candidates, nums[i])
		}
		for _, source := range []string{"zap", "table"} {
			b.Run(fmt.Sprintf("%s/1-in-%d", source, every), func(b *testing.B) {
				for b.Loop() {
					var r interface {
						Advance(uint32) (*Posting, error)
					} = table.Reader()
					if source == "zap" {
						r = p.Reader(true)
					}
					for _, num := range candidates {
						if _, err := r.Advance(num); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(nums)), "ns/posting")
			})
		}
	}
}
