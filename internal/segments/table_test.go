package segments

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestTable checks a Table against zap's postings read through PostingsReader: for
// every document of every segment, the same frequency and length where the document
// holds the term, none where it does not or the snapshot deleted it, found one at a
// time or a block at a time; and its Each against the whole segment's postings,
// deleted documents included.
func TestTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	snap, words, deleted := tableSnapshot(t, rng)
	found := 0
	for _, seg := range snap.Segments() {
		for _, term := range words {
			table, err := ReadTable(seg, "t", term)
			if err != nil || table == nil {
				t.Fatalf("%s: table %v, error %v", term, table, err)
			}
			// Each and Len hold the whole segment's postings.
			whole, err := seg.Whole().Term("t", term)
			if err != nil {
				t.Fatal(err)
			}
			r := whole.Reader(false)
			n := 0
			table.Each(func(num uint32, freq, length uint64) {
				n++
				p, err := r.Advance(num)
				if err != nil || p == nil || p.Freq != freq || p.Length != length {
					t.Fatalf("%s: Each gives document %d frequency %d length %d; zap has %+v (error %v)", term, num, freq, length, p, err)
				}
			})
			if want := int(whole.Docs().GetCardinality()); n != want {
				t.Fatalf("%s: Each gives %d postings, the segment holds %d", term, n, want)
			}
			// A cursor finds the snapshot's postings, step by step or skipping ahead.
			for _, step := range []uint32{1, 3, 200} {
				p, err := seg.Term("t", term)
				if err != nil {
					t.Fatal(err)
				}
				r, c := p.Reader(false), table.Cursor(seg)
				for num := uint32(0); num < uint32(seg.Count()); num += 1 + uint32(rng.IntN(int(step))) {
					want, err := r.Advance(num)
					if err != nil {
						t.Fatal(err)
					}
					freq, length, ok := c.Find(num)
					if ok != (want != nil) || ok && (freq != want.Freq || length != want.Length) {
						t.Fatalf("%s, steps up to %d: document %d: found %v, frequency %d, length %d; zap has %+v", term, step, num, ok, freq, length, want)
					}
					if ok {
						found++
					}
				}
			}
			// Block gives the same of the documents asked about, a block at a time.
			p, err := seg.Term("t", term)
			if err != nil {
				t.Fatal(err)
			}
			r, c := p.Reader(false), table.Cursor(seg)
			for b := uint32(0); b<<TableBlockBits < uint32(seg.Count()); b += 1 + uint32(rng.IntN(3)) {
				want := Mask{rng.Uint64(), rng.Uint64()}
				got := c.Block(b, want)
				for bit := range uint32(tableBlock) {
					num := b<<TableBlockBits | bit
					if !want.Has(bit) || uint64(num) >= seg.Count() {
						if got.Held.Has(bit) {
							t.Fatalf("%s: block %d holds document %d, not asked about", term, b, num)
						}
						continue
					}
					p, err := r.Advance(num)
					if err != nil {
						t.Fatal(err)
					}
					if got.Held.Has(bit) != (p != nil) {
						t.Fatalf("%s: block %d holds document %d: %v; zap has %+v", term, b, num, got.Held.Has(bit), p)
					}
					if p == nil {
						continue
					}
					if freq, length := got.At(bit); freq != p.Freq || length != p.Length {
						t.Fatalf("%s: document %d: frequency %d, length %d; zap has %+v", term, num, freq, length, p)
					}
					found++
				}
			}
		}
	}
	if deleted == 0 || found < 1000 {
		t.Errorf("%d documents deleted, %d postings found: the test checks too little", deleted, found)
	}
}

// tableSnapshot indexes documents of the words it returns, in three segments, some of
// them long enough that a word's frequency is beyond a byte, and deletes a fifth of
// them: it returns the snapshot and how many it deleted.
func tableSnapshot(t *testing.T, rng *rand.Rand) (Snapshot, []string, int) {
	words := []string{"fish", "red", "blue", "sea", "rare"}
	var batches []map[string]map[string]any
	var ids []string
	for b := range 3 {
		batch := map[string]map[string]any{}
		for i := range 700 {
			var text []string
			for range 1 + rng.IntN(40) {
				// Skewed, so that terms fill their blocks from sparse to full.
				text = append(text, words[min(rng.IntN(6), rng.IntN(6), len(words)-1)])
			}
			switch {
			case i%100 == 0:
				text = append(text, strings.Repeat("sea ", 250+i/10)) // beyond a byte
			case i%50 == 7:
				text = words[:4] // each once
			}
			id := fmt.Sprintf("%d-%04d", b, i)
			batch[id] = map[string]any{"t": strings.Join(text, " ")}
			ids = append(ids, id)
		}
		batches = append(batches, batch)
	}
	bi := batchedIndex(t, textMapping(), unmerged, batches)
	deleted := 0
	for _, id := range ids {
		if rng.IntN(5) == 0 {
			if err := bi.Delete(id); err != nil {
				t.Fatal(err)
			}
			deleted++
		}
	}
	return snapshotOf(t, bi), words, deleted
}

// TestTableTooLarge checks that a term in a field longer than a Table holds has none,
// and one beside it, in another segment, has one.
func TestTableTooLarge(t *testing.T) {
	snap := batchedSnapshot(t, textMapping(), []map[string]map[string]any{
		{"a": {"t": strings.Repeat("fish ", 1<<16)}},
		{"b": {"t": "fish"}},
	})
	var tables []bool
	for _, seg := range snap.Segments() {
		table, err := ReadTable(seg, "t", "fish")
		if err != nil {
			t.Fatal(err)
		}
		p, err := seg.Term("t", "fish")
		if err != nil {
			t.Fatal(err)
		}
		posting, err := p.Reader(false).Advance(0)
		if err != nil || posting == nil {
			t.Fatalf("no posting of fish: %v", err)
		}
		if big := posting.Length > 1<<16-1; big != (table == nil) {
			t.Errorf("length %d: table %v", posting.Length, table)
		}
		tables = append(tables, table != nil)
	}
	if len(tables) != 2 || tables[0] == tables[1] {
		t.Errorf("tables read of the two segments: %v, want one of each", tables)
	}
}

// TestJoint checks a Joint against its terms' Tables (which TestTable checks against
// zap): a block at a time, it holds the documents asked about that the snapshot has
// and that hold a term of each set, each at the row of Each's calls that has each
// term's frequency there (0 where the document lacks it) and the field's length; and
// its Each against the Tables' Each, deleted documents included.
func TestJoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 7))
	snap, words, _ := tableSnapshot(t, rng)
	sets := [][]int{{3}, {1, 2}, {0}} // sea, red or blue, fish: the Joint's terms are words[:4]
	held, partly, many, ones := 0, 0, 0, 0
	for _, seg := range snap.Segments() {
		tables := make([]*Table, 4)
		for i := range tables {
			table, err := ReadTable(seg, "t", words[i])
			if err != nil || table == nil {
				t.Fatalf("%s: table %v, error %v", words[i], table, err)
			}
			tables[i] = table
		}
		j := Join(tables, sets)
		// Each's documents, by row (Row).
		type row struct {
			num    uint32
			length uint64
			row    JointRow
		}
		var rows []row
		j.Each(func(num uint32, length uint64, r JointRow) { rows = append(rows, row{num, length, r}) })
		if len(rows) != j.Rows() {
			t.Fatalf("Each visits %d documents, Rows says %d", len(rows), j.Rows())
		}
		c := j.Cursor(seg)
		cursors := make([]*TableCursor, len(tables))
		for b := uint32(0); b<<TableBlockBits < uint32(seg.Count()); b += 1 + uint32(rng.IntN(2)) {
			for i, table := range tables {
				cursors[i] = table.Cursor(seg) // Find must not go back: one for each block
			}
			want := Mask{rng.Uint64() | rng.Uint64(), rng.Uint64() | rng.Uint64()}
			got := c.Block(b, want)
			for bit := range uint32(tableBlock) {
				num := b<<TableBlockBits | bit
				var freqs [4]uint64
				var length uint64
				for i, c := range cursors {
					if f, l, ok := c.Find(num); ok {
						freqs[i], length = f, l
					}
				}
				holds := want.Has(bit) && freqs[3] > 0 && freqs[1]+freqs[2] > 0 && freqs[0] > 0
				if got.Held.Has(bit) != holds {
					t.Fatalf("block %d holds document %d: %v; asked about %v, its terms' frequencies %v", b, num, got.Held.Has(bit), want.Has(bit), freqs)
				}
				if !holds {
					continue
				}
				r := rows[got.Row(bit)]
				if r.num != num {
					t.Fatalf("document %d: row %d, Each's document %d", num, got.Row(bit), r.num)
				}
				l, row := r.length, r.row
				for i, f := range freqs {
					if row.Freq(i) != f {
						t.Fatalf("document %d: frequency of %s %d, its table has %d", num, words[i], row.Freq(i), f)
					}
				}
				if l != length {
					t.Fatalf("document %d: length %d, the tables have %d", num, l, length)
				}
				if want := freqs == [4]uint64{1, 1, 1, 1}; row.Ones() != want {
					t.Fatalf("document %d: frequencies %v, each term once: %v", num, freqs, row.Ones())
				}
				if row.Ones() {
					ones++
				}
				held++
				if freqs[1] == 0 || freqs[2] == 0 {
					partly++
				}
				if freqs[3] >= manyTimes {
					many++
				}
			}
		}
		// Each: every document that holds a term of each set, deleted ones too, in
		// order, with its row.
		freqs, lengths := map[uint32]*[4]uint64{}, map[uint32]uint64{}
		for i, table := range tables {
			table.Each(func(num uint32, freq, length uint64) {
				if freqs[num] == nil {
					freqs[num] = &[4]uint64{}
				}
				freqs[num][i], lengths[num] = freq, length
			})
		}
		var nums, each []uint32
		for num, f := range freqs {
			if f[3] > 0 && f[1]+f[2] > 0 && f[0] > 0 {
				nums = append(nums, num)
			}
		}
		slices.Sort(nums)
		j.Each(func(num uint32, length uint64, row JointRow) {
			each = append(each, num)
			for i, f := range freqs[num] {
				if row.Freq(i) != f {
					t.Fatalf("Each, document %d: frequency of %s %d, its table has %d", num, words[i], row.Freq(i), f)
				}
			}
			if length != lengths[num] {
				t.Fatalf("Each, document %d: length %d, the tables have %d", num, length, lengths[num])
			}
		})
		if !slices.Equal(each, nums) {
			t.Fatalf("Each visits %d documents, %d hold a term of each set", len(each), len(nums))
		}
	}
	if held < 300 || partly == 0 || many == 0 || ones == 0 {
		t.Errorf("%d documents held, %d with one term of a set of two, %d with a frequency beyond a byte, %d with each term once: the test checks too little", held, partly, many, ones)
	}
}
