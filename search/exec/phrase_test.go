package exec

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"

	"musesearch/internal/segments"
)

// TestBoth checks both's ends: an error of a stops b, an error of b is returned, and
// a panic of b, which runs on a goroutine of its own, panics the caller (whose
// search turns it into an error) instead of taking the process down.
func TestBoth(t *testing.T) {
	ctx := context.Background()
	failed := errors.New("failed")
	ok := func(context.Context) error { return nil }
	fail := func(context.Context) error { return failed }
	waits := func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	}
	if err := both(ctx, fail, waits); !errors.Is(err, failed) {
		t.Errorf("a failed: error %v, want %v", err, failed)
	}
	if err := both(ctx, ok, fail); !errors.Is(err, failed) {
		t.Errorf("b failed: error %v, want %v", err, failed)
	}
	if err := both(ctx, ok, ok); err != nil {
		t.Errorf("neither failed: error %v", err)
	}
	func() {
		defer func() {
			if r := recover(); r != "damaged segment" {
				t.Errorf("b panicked: the caller recovered %v, want b's panic", r)
			}
		}()
		both(ctx, ok, func(context.Context) error { panic("damaged segment") })
		t.Error("both returned after b panicked")
	}()
}

// candidatesOf returns the candidates of the query's i-th phrase, as snapshot
// document numbers.
func (q *Query) candidatesOf(i int) *roaring.Bitmap {
	out := roaring.New()
	for _, s := range q.segs {
		out.Or(roaring.AddOffset64(s.phrases[i].candidates, int64(s.seg.Offset)))
	}
	return out
}

// TestPhrasesCheckedLazily checks that the positions of a phrase's candidates are
// read only where they decide something: not for the match set where a sibling term
// matches them (a Sum of the phrase and one of its terms), and, for ten hits, only
// for the few sections that could enter them; and that the matches and scores are
// those of the phrase checked eagerly (a plan of the phrase alone, whose every
// candidate is undecided) and of the term, summed, or the term's without the
// phrase's matches under a Not.
func TestPhrasesCheckedLazily(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 5))
	snap := newTestIndex(t, rng, 3000).after
	ctx := context.Background()
	prepare := func(plan Node) *Query {
		t.Helper()
		q, err := Prepare(ctx, snap, plan, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	scores := func(q *Query, docs *roaring.Bitmap) map[uint64]float64 {
		t.Helper()
		out := map[uint64]float64{}
		if err := q.Score(ctx, docs, func(num uint64, score float64) { out[num] = score }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, pattern := range [][][]string{{{"alpha"}, {"beta"}}, {{"alpha"}, {}, {"gamma", "beta"}}} {
		term := Term{Field: "a", Term: "alpha", Boost: 1}
		phrase := Phrase{Field: "a", Pattern: pattern, Boost: 1}
		eager := prepare(phrase)
		candidates := int(eager.checks.Load())
		matched := eager.Matches()
		if candidates < 500 || matched.GetCardinality() < 100 || int(matched.GetCardinality()) == candidates {
			t.Fatalf("%v: %d candidates, %d matches: the test shows too little", pattern, candidates, matched.GetCardinality())
		}
		alone := prepare(term)
		termScores, phraseScores := scores(alone, alone.Matches()), scores(eager, matched)

		sum := prepare(Sum{A: term, B: phrase})
		if n := sum.checks.Load(); n != 0 {
			t.Errorf("%v: %d of %d candidates checked for the match set of a Sum with a term of the phrase, want none", pattern, n, candidates)
		}
		if got := sum.Matches(); !got.Equals(alone.Matches()) {
			t.Errorf("%v: the Sum matches %d sections, want the term's %d", pattern, got.GetCardinality(), alone.Matches().GetCardinality())
		}
		top, _ := rank(t, sum, NewImpacts(), sum.Matches(), 10, true)
		t.Logf("%v: %d candidates, %d matches; %d checked for the best 10", pattern, candidates, matched.GetCardinality(), sum.checks.Load())
		if n := sum.checks.Load(); n == 0 || n > int64(candidates/10) {
			t.Errorf("%v: %d of %d candidates checked for the best 10, want some, at most a tenth", pattern, n, candidates)
		}
		got := scores(sum, sum.Matches())
		want := NewTop(10)
		for num, s := range termScores {
			if p, ok := phraseScores[num]; ok {
				s += p
			}
			want.Add(num, s)
			if got[num] != s {
				t.Fatalf("%v: section %d scores %v, want %v", pattern, num, got[num], s)
			}
		}
		if !slices.Equal(top.top, want.Hits()) {
			t.Errorf("%v: the best 10 are %v, want %v", pattern, top.top, want.Hits())
		}

		// Where the phrase is not checked, ScoreTop assumes what scores highest: that
		// a phrase under a Not's MustNot does not match, and that an Adjust's score
		// rises by its Most (its By falls with the score here, and lifts only the
		// candidates that do not hold the phrase).
		lift := 100.0
		for _, plan := range []Node{
			Or{Nodes: []Node{term, Not{Must: Term{Field: "a", Term: "gamma", Boost: 1}, MustNot: phrase}}},
			Adjust{Inner: Sum{A: term, B: phrase}, Docs: roaring.AndNot(eager.candidatesOf(0), matched), Most: func(b, _ float64) float64 { return b + lift },
				By: func(_ uint64, s float64) float64 { return s + lift/(1+s) }},
		} {
			q := prepare(plan)
			imp := NewImpacts()
			want, all := rank(t, q, imp, q.Matches(), 10, false)
			got, some := rank(t, q, imp, q.Matches(), 10, true)
			if !slices.Equal(got.top, want.top) || got.best != want.best {
				t.Errorf("%v, %#v: ScoreTop ranks\n%v, want\n%v", pattern, plan, got, want)
			}
			if some >= all {
				t.Errorf("%v, %#v: ScoreTop scored %d of %d matches, want fewer", pattern, plan, some, all)
			}
		}

		not := prepare(Not{Must: term, MustNot: phrase})
		if n := not.checks.Load(); n > int64(candidates) {
			t.Errorf("%v: %d checks for a Not of %d candidates, want at most one each", pattern, n, candidates)
		}
		if got, want := not.Matches(), roaring.AndNot(alone.Matches(), matched); !got.Equals(want) {
			t.Errorf("%v: the Not matches %d sections, want %d", pattern, got.GetCardinality(), want.GetCardinality())
		}
		for num, s := range scores(not, not.Matches()) {
			if want := termScores[num]; math.Abs(s-want) > 1e-12*want {
				t.Fatalf("%v: section %d scores %v under the Not, want %v", pattern, num, s, want)
			}
		}
	}
}

// TestPhraseHoldersRemembered checks that a query of a phrase whose every candidate
// an earlier query checked checks none, matches and scores as that one did, a page of
// ten included, and that a phrase of the same terms in another order, or of another
// field, is not taken for it.
func TestPhraseHoldersRemembered(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 7))
	snap := newTestIndex(t, rng, 3000).after
	ctx := context.Background()
	pos := NewPositions()
	var first [3]*Query
	for round := range 2 {
		for i, phrase := range []Phrase{
			{Field: "a", Pattern: [][]string{{"alpha"}, {"beta"}}, Boost: 1},
			{Field: "a", Pattern: [][]string{{"beta"}, {"alpha"}}, Boost: 1},
			{Field: "b", Pattern: [][]string{{"alpha"}, {"beta"}}, Boost: 1},
		} {
			q, err := Prepare(ctx, snap, phrase, 0, pos)
			if err != nil {
				t.Fatal(err)
			}
			if round == 0 {
				first[i] = q
				if q.checks.Load() == 0 || q.remembered.Load() != 0 {
					t.Fatalf("%v: the first query checked %d candidates, remembered %d phrases, want some, none", phrase, q.checks.Load(), q.remembered.Load())
				}
				continue
			}
			if q.checks.Load() != 0 || q.remembered.Load() == 0 {
				t.Errorf("%v: the second query checked %d candidates, remembered %d phrases, want none, some", phrase, q.checks.Load(), q.remembered.Load())
			}
			if !q.Matches().Equals(first[i].Matches()) {
				t.Errorf("%v: %d matches, want the first query's %d", phrase, q.Matches().GetCardinality(), first[i].Matches().GetCardinality())
			}
			for _, pruned := range []bool{false, true} {
				got, _ := rank(t, q, NewImpacts(), q.Matches(), 10, pruned)
				want, _ := rank(t, first[i], NewImpacts(), first[i].Matches(), 10, pruned)
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%v (pruned %v): best\n%v\nwant the first query's\n%v", phrase, pruned, got, want)
				}
			}
		}
	}
}

// TestPhraseChecksRemembered checks that what scoring checks of a phrase's candidates,
// where the query's match does not depend on them, is remembered: the same query
// again checks none of them, or a query of the phrase in another plan fewer, and
// both rank as a query that remembers nothing, a section at a time or pruned.
func TestPhraseChecksRemembered(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 9))
	snap := newTestIndex(t, rng, 3000).after
	ctx := context.Background()
	phrase := Phrase{Field: "a", Pattern: [][]string{{"alpha"}, {"beta"}}, Boost: 2}
	plans := []Node{
		Sum{A: Term{Field: "a", Term: "alpha", Boost: 1}, B: phrase},
		Or{Nodes: []Node{Term{Field: "a", Term: "beta", Boost: 1}, phrase, Term{Field: "a", Term: "gamma", Boost: 1}}},
	}
	for _, pruned := range []bool{false, true} {
		pos := NewPositions()
		var checks []int64
		for round := range 2 {
			for _, plan := range plans {
				q, err := Prepare(ctx, snap, plan, 0, pos)
				if err != nil {
					t.Fatal(err)
				}
				got, _ := rank(t, q, NewImpacts(), q.Matches(), 10, pruned)
				fresh, err := Prepare(ctx, snap, plan, 0, nil)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := rank(t, fresh, NewImpacts(), fresh.Matches(), 10, pruned)
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%#v (pruned %v, round %d): best\n%v\nwant\n%v", plan, pruned, round, got, want)
				}
				checks = append(checks, q.checks.Load())
			}
		}
		// The first plan, its phrase new, checks candidates; in the second round
		// neither plan checks any.
		if checks[0] == 0 || checks[2] != 0 || checks[3] != 0 {
			t.Errorf("pruned %v: the queries checked %v candidates, want some first, none in the second round", pruned, checks)
		}
	}
}

// TestPhraseMatchesMerge checks that merging sections of a phrase keeps them in order
// with their scores, those known unscored (nil scores) holdsUnscored.
func TestPhraseMatchesMerge(t *testing.T) {
	known := phraseMatches{nums: []uint32{2, 5, 9}}
	checked := phraseMatches{nums: []uint32{1, 6, 7, 12}, scores: []float64{0.1, 0.6, 0.7, 1.2}}
	got := known.merge(checked)
	wantNums := []uint32{1, 2, 5, 6, 7, 9, 12}
	wantScores := []float64{0.1, holdsUnscored, holdsUnscored, 0.6, 0.7, holdsUnscored, 1.2}
	if !slices.Equal(got.nums, wantNums) || !slices.Equal(got.scores, wantScores) {
		t.Errorf("merged %v %v, want %v %v", got.nums, got.scores, wantNums, wantScores)
	}
	if both := known.merge(phraseMatches{nums: []uint32{3}}); both.scores != nil || !slices.Equal(both.nums, []uint32{2, 3, 5, 9}) || both.score(1) != holdsUnscored {
		t.Errorf("two unscored merged into %v %v", both.nums, both.scores)
	}
	if one := known.merge(phraseMatches{}); !slices.Equal(one.nums, known.nums) {
		t.Errorf("merged with none: %v", one.nums)
	}
}

func TestPhraseHoldersTakeFrom(t *testing.T) {
	checked := roaring.BitmapOf(3, 5, 70, 130, 300, 5000)
	h := &phraseHolders{holds: roaring.BitmapOf(3, 70, 300), checked: checked, checkedBits: checked.ToDense()}
	sections := roaring.BitmapOf(3, 5, 6, 70, 200, 300).ToDense()
	got := h.takeFrom(sections)
	if !slices.Equal(got.nums, []uint32{3, 70, 300}) || got.scores != nil {
		t.Errorf("holders taken %v %v, want [3 70 300] unscored", got.nums, got.scores)
	}
	if left := roaring.FromDense(sections, false).ToArray(); !slices.Equal(left, []uint32{6, 200}) {
		t.Errorf("left %v, want [6 200]", left)
	}
}

func TestUncheckedOf(t *testing.T) {
	candidates := roaring.BitmapOf(1, 64, 65, 200, 500)
	// Fewer than half checked, half or more, all.
	for _, checked := range []*roaring.Bitmap{roaring.BitmapOf(64, 200), roaring.BitmapOf(1, 64, 65, 500), roaring.BitmapOf(1, 64, 65, 200, 500)} {
		want := roaring.AndNot(candidates, checked)
		got := uncheckedOf(candidates, checked)
		if !roaring.FromDense(got, false).Equals(want) {
			t.Errorf("%v checked: %v left, want %v", checked.ToArray(), roaring.FromDense(got, false).ToArray(), want.ToArray())
		}
	}
}

// TestPhraseCandidatesKept checks that a phrase's candidates in a segment are found
// once for every snapshot that shares it, and are each snapshot's own: those that
// hold its terms less the snapshot's deleted sections, as found without Positions.
func TestPhraseCandidatesKept(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 11))
	ix := newTestIndex(t, rng, 3000)
	ctx := context.Background()
	plan := Or{Nodes: []Node{
		Phrase{Field: "a", Pattern: [][]string{{"alpha"}, {"beta", "gamma"}}, Boost: 1},
		Phrase{Field: "b", Pattern: [][]string{{"beta"}, {"alpha"}}, Boost: 1},
	}}
	pos := NewPositions()
	kept := 0
	for round, snap := range []segments.Snapshot{ix.before, ix.after, ix.before} {
		q, err := Prepare(ctx, snap, plan, 0, pos)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := Prepare(ctx, snap, plan, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range q.segs {
			for p := range q.phrases {
				got, want := q.segs[i].phrases[p].candidates, fresh.segs[i].phrases[p].candidates
				if !got.Equals(want) {
					t.Errorf("round %d, segment %d, phrase %d: %d candidates, want %d", round, i, p, got.GetCardinality(), want.GetCardinality())
				}
			}
		}
		if !q.Matches().Equals(fresh.Matches()) {
			t.Errorf("round %d: %d matches, want %d", round, q.Matches().GetCardinality(), fresh.Matches().GetCardinality())
		}
		if round == 0 {
			kept = pos.candidates.Len()
		}
		if n := pos.candidates.Len(); n != kept || n != len(q.segs)*len(q.phrases) {
			t.Errorf("round %d: Positions keeps %d sets of candidates, want %d (%d segments, %d phrases)", round, n, kept, len(q.segs), len(q.phrases))
		}
	}
}
