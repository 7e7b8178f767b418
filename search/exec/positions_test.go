package exec

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"

	"musesearch/internal/segments"
)

// TestPositionTablesAgree checks on random plans over a random index that phrases
// read from tables of positions give the matches and scores, to the bit, of phrases
// read from zap's postings, with tables built on one snapshot and read on another
// that deleted less; that queries stop building tables by the fourth; and that
// tables were read at all.
func TestPositionTablesAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 6))
	ix := newTestIndex(t, rng, 3000)
	after := ix.after
	ctx := context.Background()
	pos := NewPositions()
	prepare := func(snap segments.Snapshot, plan Node, positions *Positions) *Query {
		t.Helper()
		q, err := Prepare(ctx, snap, plan, 0, positions)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	scores := func(q *Query) map[uint64]float64 {
		t.Helper()
		out := map[uint64]float64{}
		if err := q.Score(ctx, q.Matches(), func(num uint64, score float64) { out[num] = score }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	built, read, remembered := 0, 0, 0
	for p := range 200 {
		plan := randomPlan(rng, p%4, 3000)
		for _, snap := range []segments.Snapshot{after, ix.before} {
			zap := prepare(snap, plan, nil)
			want := scores(zap)
			// The first query reads the tables its rule builds, the next ones those
			// of every term a query read before, until there are none to build.
			for i := 0; ; i++ {
				q := prepare(snap, plan, pos)
				if !q.Matches().Equals(zap.Matches()) {
					t.Fatalf("plan %d %#v: %d matches from tables, want %d", p, plan, q.Matches().GetCardinality(), zap.Matches().GetCardinality())
				}
				if got := scores(q); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("plan %d %#v: scores from tables\n%v\nwant\n%v", p, plan, got, want)
				}
				n := int(q.tables.Load())
				built, read, remembered = built+n, read+tablesOf(q), remembered+int(q.remembered.Load())
				if n == 0 && i > 0 {
					break
				}
				if i == 3 {
					t.Fatalf("plan %d: query %d built %d tables, want none after the third", p, i+1, n)
				}
			}
		}
	}
	t.Logf("%d tables built, %d read, %d phrases' holders remembered", built, read, remembered)
	if built == 0 || read <= built || remembered == 0 {
		t.Errorf("%d tables built, %d read, %d phrases' holders remembered: the test shows nothing", built, read, remembered)
	}
}

// tablesOf counts the tables q's phrases read positions from.
func tablesOf(q *Query) int {
	n := 0
	for _, s := range q.segs {
		for _, p := range s.phrases {
			for _, t := range p.tables {
				if t != nil {
					n++
				}
			}
		}
	}
	return n
}

// TestPositionTablesRule checks when a query builds a table of a phrase's term: at
// once when the candidates it checks in the segment are at least 1/positionsShare of
// the term's postings, and not for one fewer; otherwise when a query read the term
// before; that a table built before is read whatever the candidates; and that
// where Prepare checked no candidate, scoring builds tables of the terms it reads
// only when a query read them before (the next query's scoring reads the positions
// of the candidates that hold the phrase for their scores, and checks none).
func TestPositionTablesRule(t *testing.T) {
	// Phrase "x y": its candidates are the sections of x, every other of y's.
	const pairs = 100
	snap := oneSegment(t, 2*pairs, func(d int) string {
		if d%2 == 0 {
			return "x y"
		}
		return "y " + strings.Repeat("filler ", d%5)
	})
	phrase := Phrase{Field: "a", Pattern: [][]string{{"x"}, {"y"}}, Boost: 1}
	candidates := roaring.New()
	for d := range pairs {
		candidates.Add(uint32(d * 2))
	}
	// tables returns whether a query that checks the first n candidates reads a
	// table of x and of y, and how many it built.
	tables := func(pos *Positions, n int) (x, y bool, built int64) {
		t.Helper()
		some := roaring.New()
		some.AddMany(candidates.ToArray()[:n])
		q, err := Prepare(context.Background(), snap, And{Nodes: []Node{Docs{Docs: some}, phrase}}, 0, pos)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.Matches().GetCardinality(); got != uint64(n) {
			t.Fatalf("%d candidates checked: %d matches, want %d", n, got, n)
		}
		tables := q.segs[0].phrases[0].tables
		return tables[0] != nil, tables[1] != nil, q.tables.Load()
	}
	// At the fewest candidates that build a table of x at once, or of y, and one
	// fewer.
	atOnce := func(n, postings int) bool { return n*positionsShare >= postings }
	cases := 0
	for _, postings := range []int{pairs, 2 * pairs} {
		fewest := (postings + positionsShare - 1) / positionsShare
		for _, n := range []int{fewest, fewest - 1} {
			if n < 1 || n > pairs {
				continue
			}
			cases++
			if x, y, built := tables(NewPositions(), n); x != atOnce(n, pairs) || y != atOnce(n, 2*pairs) {
				t.Errorf("%d candidates checked first: tables of x %v and y %v (%d built), want %v and %v", n, x, y, built, atOnce(n, pairs), atOnce(n, 2*pairs))
			}
		}
	}
	if cases < 2 {
		t.Errorf("%d cases of a first query: the test shows nothing", cases)
	}
	pos := NewPositions()
	for i, want := range []int64{0, 2, 0} {
		x, y, built := tables(pos, 1)
		if built != want || x != (i > 0) || y != (i > 0) {
			t.Errorf("query %d checking 1 candidate: tables of x %v and y %v, %d built; want %d built, and read from the second query on", i+1, x, y, built, want)
		}
	}

	// Where Prepare checks no candidate (x decides the match set), scoring reads
	// them, and the next query that does builds their tables.
	scoring := NewPositions()
	for i, want := range []int64{0, 2, 0} {
		checks := int64(pairs)
		if i > 0 {
			checks = 0 // the first query's checks remembered
		}
		sum, err := Prepare(context.Background(), snap, Sum{A: Term{Field: "a", Term: "x", Boost: 1}, B: phrase}, 0, scoring)
		if err != nil {
			t.Fatal(err)
		}
		if err := sum.Score(context.Background(), sum.Matches(), func(uint64, float64) {}); err != nil {
			t.Fatal(err)
		}
		if n := sum.checks.Load(); n != checks || sum.tables.Load() != want {
			t.Errorf("scoring %d checked %d candidates and built %d tables, want %d and %d", i+1, n, sum.tables.Load(), checks, want)
		}
	}
	if got := pos.Bytes(); got < 3*3*pairs {
		t.Errorf("the tables take %d bytes, want at least %d", got, 3*3*pairs)
	}
}
