package exec

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/simple"

	"musesearch/internal/segments"
)

// words is the vocabulary of the test indexes, the first words the most common.
var words = strings.Fields("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon")

// testIndex is a scorch index of docs random documents of fields a (long) and b
// (short), written in batches (segments), with some deleted; before and after are
// snapshots taken before and after the deletions, open until the test ends.
type testIndex struct {
	bi            bleve.Index
	before, after segments.Snapshot
}

func newTestIndex(t *testing.T, rng *rand.Rand, docs int) *testIndex {
	t.Helper()
	bi := newIndex(t)
	text := func(max int) string {
		var w []string
		for range 1 + rng.IntN(max) {
			// Zipf-like: word i about twice as common as word i+2.
			i := int(math.Floor(-2 * math.Log2(1-rng.Float64())))
			w = append(w, words[min(i, len(words)-1)])
		}
		return strings.Join(w, " ")
	}
	for b := 0; b < docs; b += docs / 3 {
		batch := bi.NewBatch()
		for d := b; d < min(b+docs/3, docs); d++ {
			if err := batch.Index(fmt.Sprintf("d%05d", d), map[string]any{"a": text(60), "b": text(6)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := bi.Batch(batch); err != nil {
			t.Fatal(err)
		}
	}
	ix := &testIndex{bi: bi}
	var err error
	if ix.before, err = segments.Current(bi); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.before.Close() })
	batch := bi.NewBatch()
	for d := 0; d < docs; d += 7 {
		batch.Delete(fmt.Sprintf("d%05d", d))
	}
	if err := bi.Batch(batch); err != nil {
		t.Fatal(err)
	}
	if ix.after, err = segments.Current(bi); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.after.Close() })
	return ix
}

// randomPlan returns a random plan of at most depth levels over the test index's
// fields, whose sections number count.
func randomPlan(rng *rand.Rand, depth int, count int) Node {
	term := func() Term {
		field := []string{"a", "b"}[rng.IntN(2)]
		return Term{Field: field, Term: words[rng.IntN(len(words))], Boost: []float64{1, 1, 0.5, 3}[rng.IntN(4)]}
	}
	phrase := func() Phrase {
		a, b := term(), term()
		if rng.IntN(2) == 0 { // a set of terms at two positions counts twice
			return Phrase{Field: "a", Pattern: [][]string{{a.Term}, {b.Term, words[0]}, {a.Term}}, Boost: a.Boost}
		}
		return Phrase{Field: "a", Pattern: [][]string{{a.Term}, {}, {b.Term, words[0]}}, Boost: a.Boost}
	}
	if depth == 0 {
		return term()
	}
	kids := func() []Node {
		out := make([]Node, 1+rng.IntN(4))
		for i := range out {
			out[i] = randomPlan(rng, depth-1, count)
		}
		return out
	}
	some := func() *roaring.Bitmap {
		b := roaring.New()
		for range count / 5 {
			b.Add(uint32(rng.IntN(count)))
		}
		return b
	}
	switch rng.IntN(12) {
	case 0:
		return And{Nodes: kids()}
	case 1, 2:
		return Or{Nodes: kids()}
	case 3:
		nodes := kids()
		return UnitOr{Nodes: nodes, Own: rng.IntN(len(nodes) + 1), Floor: []float64{0.5, 2, 1000}[rng.IntN(3)]}
	case 4:
		// A phrase under the MustNot scores more where it does not match.
		var mustNot Node = term()
		if rng.IntN(2) == 0 {
			mustNot = Or{Nodes: []Node{phrase(), term()}}
		}
		return Not{Must: randomPlan(rng, depth-1, count), MustNot: mustNot}
	case 5:
		return Squash{Inner: randomPlan(rng, depth-1, count), Scale: []float64{0, 1e-4, 1}[rng.IntN(3)]}
	case 6:
		return Sum{A: randomPlan(rng, depth-1, count), B: randomPlan(rng, depth-1, count)}
	case 7:
		lift := rng.Float64()
		// By lifts low scores only, as search's cover does: it does not grow with
		// the score.
		return Adjust{Inner: randomPlan(rng, depth-1, count), Docs: some(), Most: func(b, _ float64) float64 { return max(b, min(b, 1)+lift) },
			By: func(num uint64, s float64) float64 {
				if s < 1 {
					return s + lift*float64(num%3)/2
				}
				return s
			}}
	case 8:
		return Or{Nodes: []Node{Docs{Docs: some()}, term()}}
	case 9:
		return Not{Must: All{Boost: 1}, MustNot: term()}
	case 10:
		return phrase()
	case 11:
		// Most candidates of the phrase match through the term.
		p := phrase()
		return Or{Nodes: []Node{Term{Field: "a", Term: p.Pattern[0][0], Boost: 1}, p}}
	}
	return term()
}

// TestBoundsHold checks on random plans over a random index that the bound of every
// block of a segment is at least the score of each of the plan's matches in it, and
// its floorless bound at least the score of each that matches no own node of a unit
// (ownMatched), both present there, with impacts read on one snapshot and used on
// another that deleted less.
func TestBoundsHold(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 3))
	ix := newTestIndex(t, rng, 3000)
	after := ix.after
	imp, pos := NewImpacts(), NewPositions()
	ctx := context.Background()
	checked, tables, floorless := 0, 0, 0
	for p := range 300 {
		plan := randomPlan(rng, 1+p%4, 3000)
		// Impacts and positions read first on the snapshot after the deletions,
		// then used before them too.
		for _, snap := range []segments.Snapshot{after, ix.before} {
			q, err := Prepare(ctx, snap, plan, 0, pos)
			if err != nil {
				t.Fatal(err)
			}
			if !q.root.prunable() {
				t.Fatalf("plan %d: %#v is not prunable", p, plan)
			}
			for i := range q.segs {
				s := &q.segs[i]
				sc := q.newScorer()
				sc.start(s)
				b, err := q.bounds(imp, i, sc)
				if err != nil {
					t.Fatal(err)
				}
				for _, tb := range b.tables {
					if tb != nil {
						tables++
					}
				}
				var at [levels]block
				var bound, free [levels]float64
				var present, freePresent [levels]bool
				for level := range at {
					at[level].n = math.MaxUint32
				}
				for it := s.root.docs.Iterator(); it.HasNext(); {
					local := it.Next()
					num := s.seg.Offset + uint64(local)
					score, err := sc.score(num)
					if err != nil {
						t.Fatal(err)
					}
					checked++
					owned := ownMatched(q.root, s.root, num, local, sc)
					if !owned {
						floorless++
					}
					for level, bits := range levelBits {
						if local>>bits != at[level].n {
							at[level] = block{level, local >> bits}
							bound[level], present[level] = boundIn(q.root, s, b, at[level], false)
							free[level], freePresent[level] = boundIn(q.root, s, b, at[level], true)
						}
						if !present[level] || score > bound[level] {
							t.Fatalf("plan %d %#v: section %d scores %v, its block's bound at level %d is %v (present %v)", p, plan, num, score, level, bound[level], present[level])
						}
						if !owned && (!freePresent[level] || score > free[level]) {
							t.Fatalf("plan %d %#v: section %d, which matches no own node, scores %v, its block's floorless bound at level %d is %v (present %v)", p, plan, num, score, level, free[level], freePresent[level])
						}
					}
				}
			}
		}
	}
	if checked < 100_000 || tables == 0 || floorless < checked/4 || floorless == checked {
		t.Errorf("%d scores checked, %d of them matching no own node, %d impact tables read: the test checks too little", checked, floorless, tables)
	}
}

// TestHolding checks the blocks of each group that holding finds a bitmap to hold
// sections of, against a look at every block, for both levels, with the bitmap
// numbered from the segment's offset or not, each group asked twice in turn (a Docs
// node's bounds are found once, an Adjust's node's twice in a group): a block marked
// that holds none would lift or keep the blocks of a filter's or an adjustment's
// sections everywhere, which no result shows.
func TestHolding(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	const count = 40_000
	for _, off := range []uint64{0, 123_456} {
		docs := roaring.New()
		for range 300 {
			lo := off + rng.Uint64N(count)
			docs.AddRange(lo, lo+1+rng.Uint64N(40)) // runs, some across blocks
		}
		b := &bounds{}
		n := &node{}
		for level, bits := range levelBits {
			b.held[level] = map[*node]*heldIn{}
			blocks := uint32((count + 1<<bits - 1) >> bits)
			marked := 0
			for k := uint32(0); k < blocks; k += 1 << groupBits[level] {
				g := groupOf(block{level, k}, count)
				for range 2 {
					got := b.holding(n, docs, off, g)
					var want segments.Mask
					for j := range uint32(g.size) {
						lo := off + uint64(g.first()+j)<<bits
						if docs.IntersectsWithInterval(lo, lo+1<<bits) {
							want.Add(j)
						}
					}
					if got != want {
						t.Fatalf("offset %d, level %d, group %d: holding %v, want %v", off, level, g.n, got, want)
					}
					want.Each(func(uint32) { marked++ })
				}
			}
			if marked == 0 || marked == 2*int(blocks) {
				t.Errorf("offset %d, level %d: %d blocks marked of %d: the test checks too little", off, level, marked/2, blocks)
			}
		}
	}
}

// boundIn returns the bound of n, the root of segment s's plan, in block k, and
// whether n may match there, found for k's group (floorless: its floorless bound).
func boundIn(n *node, s *segment, b *bounds, k block, floorless bool) (float64, bool) {
	r := n.bounds(s.root, b, groupOf(k, s.seg.Count()), floorless)
	return r.bounds[place(k)], r.present.Has(place(k))
}

// ownMatched reports whether section num (local in its segment) matches an own node
// of a unit of n, other than under a Squash or an Adjust: what floorless leaves out.
func ownMatched(n *node, m *match, num uint64, local uint32, sc *scorer) bool {
	switch t := n.n.(type) {
	case Squash, Adjust:
		return false
	case Not:
		return ownMatched(n.kids[0], m.kids[0], num, local, sc)
	case UnitOr:
		for i, k := range n.kids[:t.Own] {
			if _, ok := k.score(m.kids[i], num, local, sc); ok {
				return true
			}
		}
	}
	for i, k := range n.kids {
		if ownMatched(k, m.kids[i], num, local, sc) {
			return true
		}
	}
	return false
}

// ranked is what scoring docs for a page gives, as search keeps it: the best k, and
// the best of each class of sections (a stand-in for their language: the number
// modulo classes), the earlier on equal scores.
type ranked struct {
	top  []Hit
	best [classes]Hit
}

// classes is the number of classes of sections of ranked.
const classes = 3

// rank returns what scoring docs for a page of k gives, every match scored (Score) or
// pruned (ScoreTop) as search prunes, and how many sections were scored.
func rank(t *testing.T, q *Query, imp *Impacts, docs *roaring.Bitmap, k int, pruned bool) (ranked, int) {
	t.Helper()
	top, scored := NewTop(k), 0
	var best [classes]Hit
	var found [classes]bool
	each := func(num uint64, score float64) {
		scored++
		top.Add(num, score)
		if c := num % classes; !found[c] || score > best[c].Score {
			best[c], found[c] = Hit{num, score}, true
		}
	}
	var err error
	if pruned {
		err = q.ScoreTop(context.Background(), docs, imp, func(block []uint32, bound float64) []uint32 {
			if top.Wants(uint64(block[0]), bound) {
				return block
			}
			kept := block[:0]
			for _, num := range block {
				if c := num % classes; !found[c] || bound > best[c].Score {
					kept = append(kept, num)
				}
			}
			return kept
		}, each)
	} else {
		err = q.Score(context.Background(), docs, each)
	}
	if err != nil {
		t.Fatal(err)
	}
	return ranked{top.Hits(), best}, scored
}

// TestScoreTopKeepsTheBest checks on random plans that ScoreTop, leaving out the
// sections its caller does not want, leaves it the same best hits and best of each
// class of sections as scoring every match, ties included (plans that score many
// sections alike): a block at a time where every term of the plan is in a table, and,
// in a segment holding a section too long for a table, one section at a time; with
// smaller blocks bounded, and with essential terms once ScoreTop has stopped bounding
// them after the first block.
func TestScoreTopKeepsTheBest(t *testing.T) {
	for _, c := range []struct{ long, essential bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
		long := c.long
		t.Run(fmt.Sprintf("long=%v,essential=%v", long, c.essential), func(t *testing.T) {
			if c.essential {
				defer func(judge, least int) { judgeSmaller, minLeftOut = judge, least }(judgeSmaller, minLeftOut)
				judgeSmaller, minLeftOut = 1, math.MaxInt32
			}
			rng := rand.New(rand.NewPCG(16, 4))
			ix := newTestIndex(t, rng, 3000)
			if long {
				// A segment of its own where "alpha" has no table.
				batch := ix.bi.NewBatch()
				if err := batch.Index("long", map[string]any{"a": strings.Repeat("alpha beta ", 1<<15)}); err != nil {
					t.Fatal(err)
				}
				for d := range 300 {
					if err := batch.Index(fmt.Sprintf("e%05d", d), map[string]any{"a": "alpha gamma", "b": "beta"}); err != nil {
						t.Fatal(err)
					}
				}
				if err := ix.bi.Batch(batch); err != nil {
					t.Fatal(err)
				}
			}
			snap, err := segments.Current(ix.bi)
			if err != nil {
				t.Fatal(err)
			}
			defer snap.Close()
			imp, pos := NewImpacts(), NewPositions()
			scored, matched, untabled := 0, 0, 0
			for p := range 300 {
				plan := randomPlan(rng, p%4, 3000)
				q, err := Prepare(context.Background(), snap, plan, 0, pos)
				if err != nil {
					t.Fatal(err)
				}
				k := []int{1, 10, 100}[p%3]
				want, all := rank(t, q, imp, q.Matches(), k, false)
				got, some := rank(t, q, imp, q.Matches(), k, true)
				if !slices.Equal(got.top, want.top) || got.best != want.best {
					t.Fatalf("plan %d %#v, top %d:\n got %v\nwant %v", p, plan, k, got, want)
				}
				scored, matched = scored+some, matched+all
				for i := range q.segs {
					sc := q.newScorer()
					sc.start(&q.segs[i])
					if _, err := q.bounds(imp, i, sc); err != nil {
						t.Fatal(err)
					}
					if !sc.tabled {
						untabled++
					}
				}
			}
			// Sections left out, or the test shows nothing (TestScoreTopSkipsWork
			// bounds how many).
			if scored >= matched {
				t.Errorf("ScoreTop scored %d of %d matches, want fewer", scored, matched)
			}
			if long != (untabled > 0) {
				t.Errorf("ScoreTop scored a segment one section at a time for %d plans", untabled)
			}
		})
	}
}

// TestScoreTopSkipsWork checks that ScoreTop scores few of the sections of a term
// common to all whose best postings are few: a tenth of them at most for ten hits.
func TestScoreTopSkipsWork(t *testing.T) {
	const docs = 20_000
	snap := oneSegment(t, docs, func(d int) string {
		if d%997 == 0 {
			return "common common common filler"
		}
		return "common " + strings.Repeat("filler ", 20)
	})
	scoresATenth(t, snap, docs,
		Term{Field: "a", Term: "common", Boost: 1},
		Or{Nodes: []Node{Term{Field: "a", Term: "common", Boost: 1}, Term{Field: "a", Term: "filler", Boost: 1}}})
}

// scoresATenth checks that ScoreTop, for ten hits of each of plans over snap, each
// matching every one of its docs sections, scores a tenth of them at most and leaves
// the same best as scoring them all.
func scoresATenth(t *testing.T, snap segments.Snapshot, docs int, plans ...Node) {
	t.Helper()
	for _, plan := range plans {
		if all, some := rankedTen(t, snap, plan); all != docs || some > docs/10 {
			t.Errorf("%#v: ScoreTop scored %d of %d matches, want at most a tenth", plan, some, all)
		}
	}
}

// rankedTen checks that ScoreTop, for ten hits of plan over snap, leaves the same
// best as scoring every match, and returns the number of matches and of those
// ScoreTop scored.
func rankedTen(t *testing.T, snap segments.Snapshot, plan Node) (all, some int) {
	t.Helper()
	q, err := Prepare(context.Background(), snap, plan, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	imp := NewImpacts()
	want, all := rank(t, q, imp, q.Matches(), 10, false)
	got, some := rank(t, q, imp, q.Matches(), 10, true)
	if !slices.Equal(got.top, want.top) || got.best != want.best {
		t.Errorf("%#v: top %v, want %v", plan, got, want)
	}
	return all, some
}

// TestScoreTopEssentialTerms checks that ScoreTop, once it has stopped bounding
// smaller blocks, leaves out the sections of a block that hold no essential term and
// cannot score enough without one, and still leaves the same best: two words, each a
// unit of a short field (a heading, boosted) and a long one (a body); every section
// holds both in its body, a fourth one of them in its heading, but none of class 2,
// whose best, the shortest body, is in a late block; every block holds headings of both
// words, so that its bound sums them. Without essential terms ScoreTop scores nearly
// every section.
func TestScoreTopEssentialTerms(t *testing.T) {
	const docs = 1 << 12
	snap := segmentOf(t, docs, func(d int) map[string]any {
		body := "x y" + strings.Repeat(" filler", d%7)
		switch {
		case d == docs-2: // of class 2, late: the best of its class, alone
			body = "x y"
		case d%classes == 2:
			body += " filler"
		}
		heading := "z"
		if d%classes != 2 {
			switch d % 8 {
			case 0:
				heading = "x"
			case 4:
				heading = "y"
			}
		}
		return map[string]any{"a": body, "b": heading}
	})
	unit := func(word string) Node {
		return UnitOr{Nodes: []Node{Term{Field: "b", Term: word, Boost: 2}, Term{Field: "a", Term: word, Boost: 1}}, Own: 2, Floor: 1000}
	}
	plan := And{Nodes: []Node{unit("x"), unit("y")}}
	defer func(judge, least int, share float64) {
		judgeSmaller, minLeftOut, essentialShare = judge, least, share
	}(judgeSmaller, minLeftOut, essentialShare)
	judgeSmaller, minLeftOut = 1, math.MaxInt32 // no smaller blocks after the first block
	var scored [2]int
	for i, share := range []float64{0, 4} {
		essentialShare = share
		all, some := rankedTen(t, snap, plan)
		if all != docs {
			t.Fatalf("%d matches, want %d", all, docs)
		}
		scored[i] = some
	}
	// With them, the sections of class 2 (a third), which may be its best, and those
	// of headings (a sixth).
	if scored[0] < docs*9/10 || scored[1] > docs*6/10 {
		t.Errorf("ScoreTop scored %d sections of %d without essential terms, %d with them: want nearly all, then 60%% at most", scored[0], docs, scored[1])
	}
}

// TestScoreTopLeavesOutTies checks that ScoreTop leaves out the blocks whose best
// section only ties the best found, through a squash of a term too (the concept of a
// query in the sections of other languages): every section scores the same but one
// in 64 that scores less.
func TestScoreTopLeavesOutTies(t *testing.T) {
	const docs = 1 << 14
	snap := oneSegment(t, docs, func(d int) string {
		if d%64 == 5 {
			return "same filler"
		}
		return "same"
	})
	scoresATenth(t, snap, docs,
		Term{Field: "a", Term: "same", Boost: 1},
		Squash{Inner: Term{Field: "a", Term: "same", Boost: 1}, Scale: 1e-4})
}

// TestScoreTopStopsSmallerBlocks checks that ScoreTop stops bounding blocks of 32
// that leave out nothing, after those of judgeSmaller blocks of 128, and goes on where
// they leave out sections: a caller keeps the sections that may score more than the
// plainest, and one block of 128 in four holds better sections, in each of its blocks
// of 32 or in one (whose others leave out 48 sections).
func TestScoreTopStopsSmallerBlocks(t *testing.T) {
	const docs = 1 << 16
	for _, everyBlock := range []bool{true, false} {
		snap := oneSegment(t, docs, func(d int) string {
			switch {
			case d%2 == 0:
				return "other filler"
			case d>>levelBits[0]%4 == 0 && (d%(1<<levelBits[0]) == 1 || everyBlock && d%(1<<levelBits[1]) == 1):
				return "common common"
			}
			return "common filler"
		})
		q, err := Prepare(context.Background(), snap, Term{Field: "a", Term: "common", Boost: 1}, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		least, most := math.Inf(1), 0.0
		if err := q.Score(context.Background(), q.Matches(), func(_ uint64, score float64) {
			least, most = min(least, score), max(most, score)
		}); err != nil {
			t.Fatal(err)
		}
		bounded := map[uint32]bool{} // the blocks of 128 whose blocks of 32 were bounded
		err = q.ScoreTop(context.Background(), q.Matches(), NewImpacts(), func(block []uint32, bound float64) []uint32 {
			if len(block) <= 1<<levelBits[1] {
				bounded[block[0]>>levelBits[0]] = true
			}
			if bound > (least+most)/2 {
				return block
			}
			return nil
		}, func(uint64, float64) {})
		if err != nil {
			t.Fatal(err)
		}
		kept := docs >> levelBits[0] / 4 // blocks of 128 with better sections
		if stops := len(bounded) < kept; stops != everyBlock || len(bounded) < judgeSmaller {
			t.Errorf("better sections in every block of 32 of a block of 128: %v: the blocks of 32 of %d blocks of 128 bounded, of %d kept", everyBlock, len(bounded), kept)
		}
	}
}

// oneSegment returns a snapshot of a new index of n sections, numbered in order, whose
// field "a" holds text(d) for section d, analysed by the simple analyser, in one
// segment; it and its index are closed when the test ends.
func oneSegment(t *testing.T, n int, text func(d int) string) segments.Snapshot {
	t.Helper()
	return segmentOf(t, n, func(d int) map[string]any { return map[string]any{"a": text(d)} })
}

// segmentOf is oneSegment for sections whose fields fields(d) gives.
func segmentOf(t *testing.T, n int, fields func(d int) map[string]any) segments.Snapshot {
	t.Helper()
	bi := newIndex(t)
	batch := bi.NewBatch()
	for d := range n {
		if err := batch.Index(fmt.Sprintf("d%05d", d), fields(d)); err != nil {
			t.Fatal(err)
		}
	}
	if err := bi.Batch(batch); err != nil {
		t.Fatal(err)
	}
	snap, err := segments.Current(bi)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close() })
	if k := len(snap.Segments()); k != 1 {
		t.Fatalf("%d segments, want 1", k)
	}
	return snap
}

// newIndex returns a new scorch index whose fields the simple analyser analyses,
// closed when the test ends.
func newIndex(t *testing.T) bleve.Index {
	t.Helper()
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = simple.Name
	bi, err := bleve.NewUsing(filepath.Join(t.TempDir(), "index"), m, segments.IndexType, segments.IndexType, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bi.Close() })
	return bi
}

// TestBlockBestsFollowAverageLength checks that a term's bound in each block is the
// score of its best impact there for the average field length of the snapshot asked
// about, not for the one the table's bests were first found for, and that a block
// whose impacts nearly tie is bounded from all of them; and that none of its impacts
// scores more than the one found best in the segment.
func TestBlockBestsFollowAverageLength(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	ix := newTestIndex(t, rng, 2000)
	q, err := Prepare(context.Background(), ix.after, Term{Field: "a", Term: "beta", Boost: 1}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	blocks, ties := 0, 0
	changed := false
	for _, seg := range q.segs {
		table, err := readTermTable(seg.seg, "a", "beta")
		if err != nil || table == nil {
			t.Fatalf("read the term's table: %v, %v", table, err)
		}
		var first [levels][]impact
		for k, avgdl := range []float64{q.terms[0].avgdl, 4 * q.terms[0].avgdl, q.terms[0].avgdl, 0} {
			n := *q.terms[0]
			n.avgdl = avgdl
			bb := table.bestsFor(&n)
			bests := &bb.best
			score := func(i impact) float64 { return n.bm25(uint64(i.freq), n.lengthPart(uint64(i.length))) }
			for _, im := range table.impacts[0].impacts {
				if score(im) > score(bb.top) {
					t.Fatalf("average length %v: the segment's best impact %v scores %v, %v scores %v", avgdl, bb.top, score(bb.top), im, score(im))
				}
			}
			for level, l := range table.impacts {
				if k == 0 {
					first[level] = slices.Clone(bests[level])
				}
				changed = changed || !slices.Equal(first[level], bests[level])
				for i := range l.blocks {
					blocks++
					best := bests[level][i]
					if best == noImpact {
						ties++
						continue
					}
					for _, im := range l.impacts[l.starts[i]:l.starts[i+1]] {
						if score(im) > score(best) {
							t.Fatalf("average length %v, level %d, block %d: best impact %v scores %v, %v scores %v", avgdl, level, l.blocks[i], best, score(best), im, score(im))
						}
					}
				}
			}
		}
	}
	if blocks < 100 || !changed {
		t.Errorf("%d blocks checked, best impacts changed with the average length: %v: the test checks too little", blocks, changed)
	}
	if ties == blocks {
		t.Errorf("every block of %d bounded from all its impacts", blocks)
	}
}

// TestScoreTopBoundsAgain checks that ScoreTop, having stopped bounding blocks where
// its first window of sections scored nearly all of them (each block better than the
// last, before the page fills), bounds them again later, leaving out the sections that
// cannot enter the page, and ranks as scoring every section does.
func TestScoreTopBoundsAgain(t *testing.T) {
	const first, n = judgeAfter, judgeAfter * (retryWindows + 2) // a window, and as many more
	snap := oneSegment(t, n, func(d int) string {
		if d < first {
			return "x" + strings.Repeat(" f", 40-d/128) // shorter and better block by block
		}
		return "x" + strings.Repeat(" f", 60)
	})
	q, err := Prepare(context.Background(), snap, Term{Field: "a", Term: "x", Boost: 1}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, all := rank(t, q, NewImpacts(), q.Matches(), 10, false)
	got, scored := rank(t, q, NewImpacts(), q.Matches(), 10, true)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ScoreTop ranks\n%v, want\n%v", got, want)
	}
	// The first window and the retryWindows after it scored whole; the last bounded.
	if all != n || scored > n-judgeAfter/2 {
		t.Errorf("ScoreTop scored %d of %d sections, want at most %d", scored, all, n-judgeAfter/2)
	}
}

// TestPhraseScores checks a phrase's scores in a segment (phraseScores) against its
// candidates' scores, each found from its terms' postings as phraseScore finds a
// holder's: each candidate's in order, deleted ones included, and the best of those
// of each block's candidates, -1 where it has none. They must be found whatever the snapshot, kept for the same
// weights (the two snapshots' differ), and bound the phrase tighter than its terms'
// bounds do in a quarter of the blocks at least.
func TestPhraseScores(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 5))
	ix := newTestIndex(t, rng, 3000)
	imp := NewImpacts()
	ctx := context.Background()
	blocks, tighter := 0, 0
	for p := range 40 {
		a, b := words[rng.IntN(8)], words[rng.IntN(len(words))]
		plan := Phrase{Field: "a", Pattern: [][]string{{a}, {b, words[0]}, {a}}, Boost: 1}
		if p%2 == 1 {
			plan = Phrase{Field: "a", Pattern: [][]string{{a}, {}, {b, words[0]}}, Boost: 2}
		}
		for _, snap := range []segments.Snapshot{ix.after, ix.before} {
			q, err := Prepare(ctx, snap, plan, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			n := q.phrases[0]
			for i := range q.segs {
				sc := q.newScorer()
				sc.start(&q.segs[i])
				bs, err := q.bounds(imp, i, sc)
				if err != nil {
					t.Fatal(err)
				}
				st, _ := q.impactsOf(imp, i)
				if st.joints[0] == nil {
					continue
				}
				got := bs.phrases[0]
				if got == nil {
					t.Fatalf("%v: no best scores where its postings are joined", plan.Pattern)
				}
				// Each candidate's postings of the phrase's terms, by term id.
				postings := map[uint32][]*segments.Posting{}
				for id, term := range n.termOf {
					st.terms[term].postings.Each(func(num uint32, freq, length uint64) {
						if postings[num] == nil {
							postings[num] = make([]*segments.Posting, len(n.termOf))
						}
						postings[num][id] = &segments.Posting{Freq: freq, Length: length}
					})
				}
				var candidates []uint32
				for num, ps := range postings {
					if !slices.ContainsFunc(n.phrase.Sets, func(set []int) bool {
						return !slices.ContainsFunc(set, func(id int) bool { return ps[id] != nil })
					}) {
						candidates = append(candidates, num)
					}
				}
				slices.Sort(candidates)
				var rows []float64
				for _, num := range candidates {
					rows = append(rows, n.phraseScore(postings[num]))
				}
				if !slices.Equal(got.rows, rows) {
					t.Fatalf("%v, segment %d: the candidates' scores\n%v, want\n%v", plan.Pattern, i, got.rows, rows)
				}
				count := q.segs[i].seg.Count()
				for level, bits := range levelBits {
					want := make([]float64, (count+1<<bits-1)>>bits)
					for j := range want {
						want[j] = -1
					}
					for r, num := range candidates {
						want[num>>bits] = max(want[num>>bits], rows[r])
					}
					if !slices.Equal(got.blocks[level], want) {
						t.Fatalf("%v, segment %d, level %d: best scores\n%v, want\n%v", plan.Pattern, i, level, got.blocks[level], want)
					}
				}
				// Against its terms' bounds, block by block.
				for k := range uint32(len(got.blocks[0])) {
					g := groupOf(block{0, k}, count)
					pb := q.root.bounds(q.segs[i].root, bs, g, false)
					bound, present := pb.bounds[place(block{0, k})], pb.present.Has(place(block{0, k}))
					terms := &groupBounds{}
					q.root.conjunctionBounds(q.segs[i].root, bs, g, false, terms)
					if present {
						blocks++
						if bound < terms.bounds[place(block{0, k})] {
							tighter++
						}
					}
				}
			}
		}
	}
	if blocks == 0 || tighter < blocks/4 {
		t.Errorf("%d of %d blocks bounded tighter than by the phrase's terms", tighter, blocks)
	}
}
