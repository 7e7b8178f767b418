package exec

import (
	"context"
	"encoding/binary"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"

	"musesearch/internal/segments"
)

// Pruning: ScoreTop leaves out the blocks of sections (consecutive segment-local
// numbers) whose scores cannot matter to its caller, knowing of each block an upper
// bound of its sections' scores without scoring them. A term's bound in a block comes
// from the block's impacts: the pairs of frequency and field length of its postings
// there that no other pair of the block betters in both (BM25 grows with the
// frequency and falls with the length), read once
// per segment and term and kept in an Impacts. A composite node's bound follows from
// its parts' as its score does from theirs. Blocks come in two sizes (levels): a block
// of 128 sections that cannot be left out whole is looked at in blocks of 32, whose
// bounds are tighter. (For ten hits of cells on a generated corpus of 30,000
// sections, blocks of 128 alone left out 13% of its matches, blocks of 32 61%; the
// larger blocks cost a quarter of the look-ups where most are left out, as in a
// larger index.)

// minBoundDocs is how many sections a block must hold for ScoreTop to bound their
// scores: bounding a block costs about as much as scoring one of them.
const minBoundDocs = 4

// levels is the number of sizes of blocks.
const levels = 2

// ScoreTop judges its bounds a window of sections at a time, a share of the sections
// it scores, 1/judgeShare of them but no more than judgeAfter: once they have had it
// score more than giveUpPercent of the sections of a window, it scores those of the
// next retryWindows windows without bounding them, then bounds a window again.
// Bounding a block of a query of many terms costs about as much as scoring a few of
// its sections, and the bounds of some queries leave nearly nothing out: at 10,000
// generated sections, those of "muse safety patients" (three words, each of which
// scores a floor in a section that holds it) left out one section in a hundred and
// added a third to its scoring's CPU; "cells" left out 35-49% of its sections in each
// half, 间充质干细胞 12%. But a search's first window, before its first hits are
// found, scores most of its sections whatever the bounds: at 1M, cells among the
// sections of two facet values, which gave up bounding there for good, took a sixth
// less CPU bounding them all.
const (
	judgeShare    = 4
	judgeAfter    = 4096
	giveUpPercent = 80
	retryWindows  = 3
)

// ScoreTop bounds the smaller blocks (of the levels after the first) while that
// pays: once it has bounded those of judgeSmaller blocks, only while they leave out
// minLeftOut sections a block on average. Bounding the smaller blocks of a block
// walks the plan once, as does scoring the sections kept in a block of a table,
// whatever their number, so that they must leave out sections enough (or every
// section of the block) to make up for it. At 1M generated sections, in blocks of
// 128 bounded in blocks of 32, 脊髄損傷 left out 12.5 sections a block (every section
// of one block in 12) and scored in 4% less CPU without the smaller blocks;
// 間葉系幹細胞 left out 27 (one block in 10) and scored in 5-8% less with them,
// "cells" 83 (one in 7) and 20-26% less. (At 100k, counted by smaller block, "cells"
// left out 6 sections each and "spinal cord injury" 1-2.) Once it stops, it bounds by
// essential terms (essentialShare). Variables for the tests.
var judgeSmaller, minLeftOut = 64, 16

// manyAtOnce is how many sections ScoreTop reads of its bitmap at once: reading them
// one at a time was a fifth of scoring cells at 1M sections.
const manyAtOnce = 1024

// levelBits are the base-2 logarithms of the sizes of blocks, largest first.
var levelBits = [levels]uint{7, 5}

// block is a block of sections of a segment: the n-th of those of its level.
type block struct {
	level int
	n     uint32
}

// lo and hi are the segment-local numbers the block spans, [lo, hi).
func (k block) lo() uint64 { return uint64(k.n) << levelBits[k.level] }
func (k block) hi() uint64 { return k.lo() + 1<<levelBits[k.level] }

// maxTermTableBytes bounds the memory an Impacts keeps; past it, it forgets the
// tables it read first. A term's postings take about 3 bytes a posting, their impacts
// about as much again: at 1M generated sections the terms of the benchmark's whole mix
// of 28 queries took 82 MB; twice that leaves room for other queries.
const maxTermTableBytes = 192 << 20

// boundSlack is the relative margin a bound keeps where its arithmetic is not the
// score's own (the floors of a unit): enough for the rounding of a few dozen
// operations.
const boundSlack = 1e-12

// squashUlps is how far, in units of the last place, a squashed score may exceed
// the squashed bound of a higher score: Scale·s/(1+s) grows with s, but its three
// roundings need not.
const squashUlps = 4

// ulpsUp returns x raised by n units of the last place.
func ulpsUp(x float64, n int) float64 {
	for range n {
		x = math.Nextafter(x, math.Inf(1))
	}
	return x
}

// Impacts keeps what ScoreTop reads of its terms, by segment, for the segments of the
// last snapshot it searched: each term's postings decoded and their impacts, each
// phrase's terms' postings joined (segments.Joint, by phrase key), and its
// candidates' scores and their best by block (phraseScores, by phrase key and
// weights). A
// segment's hold in every snapshot that shares it (they are read with its deleted
// documents). It is safe for concurrent use.
type Impacts struct {
	terms  *segments.Memo[fieldTerm, *termTable]
	joints *segments.Memo[string, *segments.Joint]
	scores *segments.Memo[string, *phraseScores]
}

// maxJointBytes bounds the memory of the joined postings an Impacts keeps: a few
// bytes a candidate of a phrase. At 1M generated sections the phrases of the
// benchmark's whole mix of 28 queries took 8 MB.
const maxJointBytes = 32 << 20

// maxPhraseScoreBytes bounds the memory of the phrases' scores an Impacts keeps
// (phraseScores): 40 bytes a block of 128 sections a phrase (320 kB at 1M sections),
// and 8 a candidate. At 1M generated sections the phrases of the benchmark's whole
// mix of 28 queries took 17 MB.
const maxPhraseScoreBytes = 48 << 20

// NewImpacts returns an empty Impacts, which keeps up to maxTermTableBytes of terms'
// tables, maxJointBytes of phrases' and maxPhraseScoreBytes of their scores.
func NewImpacts() *Impacts {
	return &Impacts{
		terms:  segments.NewMemo[fieldTerm, *termTable](maxTermTableBytes, (*termTable).size),
		joints: segments.NewMemo[string, *segments.Joint](maxJointBytes, (*segments.Joint).Size),
		scores: segments.NewMemo[string, *phraseScores](maxPhraseScoreBytes, (*phraseScores).size),
	}
}

// segmentTables are what ScoreTop reads of a query's terms in one segment: by term
// number, their tables (nil: beyond what a table holds), and by phrase number, its
// terms' postings joined (nil where a term has no table).
type segmentTables struct {
	terms  []*termTable
	joints []*segments.Joint
	scores []*phraseScores
}

// fieldTerm names a term of a field.
type fieldTerm struct{ field, term string }

// termTable is what ScoreTop reads of a term in one segment: its postings, which
// scoring looks sections up in, and their impacts, which bound blocks' scores.
type termTable struct {
	postings *segments.Table
	impacts  impactTable
	// bests are the best of each block's impacts for the average field length the
	// bounds of the term asked for last (see blockBests).
	bests atomic.Pointer[blockBests]
}

// blockBests are, for one average field length, the impact of each block that
// scores best, by level and in the order of the level's blocks, or noImpact where
// another scores nearly as well (within rounding). A term's bound in a block is then
// one score, where taking the best of all the impacts there for each term, in every
// bound of a query of many terms, was a tenth of the CPU of the benchmark's Japanese
// query at 1M sections. The bound must be the score itself, not a product that
// rounds otherwise: on flat scores a bound above them by an ulp would never leave
// out a block whose best ties the page's last hit. The average field length of a
// snapshot is the ceiling of a ratio: it changes seldom.
type blockBests struct {
	avgdl float64
	best  [levels][]impact
	// top is the impact that scores best in the whole segment.
	top impact
}

// noImpact is no impact: no posting has a frequency of 0.
var noImpact impact

// impactTable holds a term's impacts in one segment, by level of blocks.
type impactTable [levels]impactLevel

// impactLevel holds a term's impacts in the blocks of one level: blocks lists those
// that hold postings of it, ascending; the impacts of blocks[i] are
// impacts[starts[i]:starts[i+1]].
type impactLevel struct {
	blocks  []uint32
	starts  []uint32
	impacts []impact
}

// impact is a posting's frequency and field length. A table's fit 16 bits: its
// fields' lengths do (segments.ReadTable), and a frequency is at most its field's
// length (readTermTable checks).
type impact struct {
	freq, length uint16
}

// size is roughly the memory t takes, in bytes (nil: see readTermTable).
func (t *termTable) size() int {
	size := 64
	if t == nil {
		return size
	}
	size += t.postings.Size()
	for _, l := range t.impacts {
		size += 12*len(l.blocks) + 4*len(l.impacts) // blocks, starts and bests
	}
	return size
}

// readTermTable reads the postings of term in field of seg, deleted documents
// included, and their impacts, or returns nil when a frequency or length is beyond
// what a segments.Table or an impact holds.
func readTermTable(seg segments.Segment, field, term string) (*termTable, error) {
	postings, err := segments.ReadTable(seg, field, term)
	if postings == nil || err != nil {
		return nil, err
	}
	t := &termTable{postings: postings}
	var at [levels]uint32      // the block of each level read
	var front [levels][]impact // its impacts so far
	flush := func(level int) {
		l := &t.impacts[level]
		if len(front[level]) > 0 {
			l.blocks = append(l.blocks, at[level])
			l.starts = append(l.starts, uint32(len(l.impacts)))
			l.impacts = append(l.impacts, front[level]...)
		}
		front[level] = front[level][:0]
	}
	fits := true
	postings.Each(func(num uint32, freq, length uint64) {
		fits = fits && freq <= math.MaxUint16
		for level, bits := range levelBits {
			if n := num >> bits; n != at[level] {
				flush(level)
				at[level] = n
			}
			front[level] = addImpact(front[level], impact{uint16(freq), uint16(length)})
		}
	})
	if !fits {
		return nil, nil
	}
	for level := range t.impacts {
		flush(level)
		t.impacts[level].starts = append(t.impacts[level].starts, uint32(len(t.impacts[level].impacts)))
	}
	return t, nil
}

// addImpact adds i to front, the impacts of a block none of which another exceeds
// in frequency and is shorter than in length, keeping it so.
func addImpact(front []impact, i impact) []impact {
	kept := front[:0]
	for _, f := range front {
		if f.freq >= i.freq && f.length <= i.length {
			return front // i scores no more than f
		}
		if !(i.freq >= f.freq && i.length <= f.length) {
			kept = append(kept, f)
		}
	}
	return append(kept, i)
}

// bestsFor returns the best impacts of term node n, whose term t holds (see
// blockBests), finding them when they were for another average field length.
func (t *termTable) bestsFor(n *node) *blockBests {
	if b := t.bests.Load(); b != nil && b.avgdl == n.avgdl {
		return b
	}
	b := &blockBests{avgdl: n.avgdl}
	var best float64
	for _, im := range t.impacts[0].impacts {
		if part := n.tfPart(uint64(im.freq), n.lengthPart(uint64(im.length))); part > best {
			b.top, best = im, part
		}
	}
	for level := range t.impacts {
		l := &t.impacts[level]
		best := make([]impact, len(l.blocks))
		for i := range l.blocks {
			// The scores of two impacts differ as their term-frequency parts do
			// (node.tfPart), times the same idf and weight, to rounding.
			var top, next float64
			for _, im := range l.impacts[l.starts[i]:l.starts[i+1]] {
				switch part := n.tfPart(uint64(im.freq), n.lengthPart(uint64(im.length))); {
				case part > top:
					best[i], top, next = im, part, top
				case part > next:
					next = part
				}
			}
			if next >= top*(1-nearTie) {
				best[i] = noImpact
			}
		}
		b.best[level] = best
	}
	t.bests.Store(b)
	return b
}

// nearTie is how close, relatively, two impacts' term-frequency parts must be for
// their scores' order to be left to computing them: far more than the rounding of the
// few operations between a part and a score.
const nearTie = 1e-9

// bounds are what bounding the scores of a query's blocks in one segment reads, for
// one ScoreTop: by term number, the term's impacts (nil: unbounded), the best of
// each of their blocks, and how far in them the groups bounded have gone.
type bounds struct {
	tables []*termTable
	bests  []*[levels][]impact
	// phrases are by phrase number the best scores of its candidates in each block
	// (nil: its bound is its terms').
	phrases []*phraseScores
	at      [levels][]int
	seg     *segment
	// sc is the scorer of the segment's sections, whose memos of lengths bounds share.
	sc *scorer
	// held are, by level and node, the blocks of a group that the bitmaps of Docs
	// and Adjust nodes hold sections of (see holding).
	held [levels]map[*node]*heldIn
	// essential says by term number which of the query's terms are essential in the
	// segment (see essentialIn; nil: none), once chosen (chosen: visit.essential);
	// while without is set, bounds are those of the sections that hold none of them.
	essential       []bool
	chosen, without bool
}

// Bounds are found a group of blocks at a time, node by node over arrays of the
// blocks' bounds, as block.go scores the sections of a block of a table: the first
// level's blocks in groups of groupSize, from a multiple of groupSize; a smaller
// block's with the others of the block of the level before that holds it, which
// ScoreTop bounds when it cannot leave that block out whole. A search visits most
// blocks of 128 sections of a segment when it matches a fair share of them (at 1M
// generated sections, 脊髄損傷 7,734 of some 7,800, leaving out 6,088 whole), and a
// walk of the plan for each cost as much again as the bounds' arithmetic: bounding
// took 间充质干细胞 0.60 s of CPU in 65 searches one block at a time, 0.33 s by groups.
const groupSize = 1 << segments.TableBlockBits // a Mask's bits

// groupBits are the base-2 logarithms of the number of blocks of a group, by level.
var groupBits = [levels]uint{segments.TableBlockBits, levelBits[0] - levelBits[1]}

// group is the n-th group of blocks of a level of a segment: its size blocks from
// the first.
type group struct {
	level int
	n     uint32
	size  int
}

// groupOf returns the group that holds block k of a segment of count sections.
func groupOf(k block, count uint64) group {
	g := group{level: k.level, n: k.n >> groupBits[k.level]}
	blocks := (count + 1<<levelBits[k.level] - 1) >> levelBits[k.level]
	g.size = int(min(1<<groupBits[k.level], blocks-uint64(g.first())))
	return g
}

// first is the number of the group's first block.
func (g group) first() uint32 { return g.n << groupBits[g.level] }

// place is the place of block k, of the group's level, among the group's blocks.
func place(k block) uint32 { return k.n & (1<<groupBits[k.level] - 1) }

// groupBounds are a node's bounds in the blocks of a group, by place in the group:
// the blocks where it may match (present), and its bounds in each block, present or
// not (a composite node adds up its nodes' bounds as they are, present or not), and,
// of a term node, the present blocks whose bound is isolated (see Squash's bound).
type groupBounds struct {
	present, isolated segments.Mask
	bounds            [groupSize]float64
}

// firstOf returns the mask of the first n places.
func firstOf(n int) segments.Mask {
	var m segments.Mask
	for w := range m {
		if rest := n - 64*w; rest >= 64 {
			m[w] = ^uint64(0)
		} else if rest > 0 {
			m[w] = 1<<rest - 1
		}
	}
	return m
}

// heldIn is where a bitmap of a node holds sections, for holding: the iterator
// reading it forward, the number of the group asked about last plus one (0: none
// yet), and the blocks of that group it holds sections of.
type heldIn struct {
	it   roaring.IntPeekable
	n    uint32
	mask segments.Mask
}

// holding returns the blocks of group g that docs, which node n reads, holds a section
// of, docs numbering the segment's sections from off. A level's groups must be asked
// about in order: an iterator reads docs forward.
func (b *bounds) holding(n *node, docs *roaring.Bitmap, off uint64, g group) segments.Mask {
	h := b.held[g.level][n]
	if h == nil {
		h = &heldIn{it: docs.Iterator()}
		b.held[g.level][n] = h
	}
	if h.n == g.n+1 {
		return h.mask
	}
	h.n, h.mask = g.n+1, segments.Mask{}
	bits := levelBits[g.level]
	first := off + uint64(g.first())<<bits
	end := first + uint64(g.size)<<bits
	for lo := first; lo < end && lo <= math.MaxUint32; {
		h.it.AdvanceIfNeeded(uint32(lo))
		if !h.it.HasNext() || uint64(h.it.PeekNext()) >= end {
			break
		}
		at := (uint64(h.it.PeekNext()) - first) >> bits
		h.mask.Add(uint32(at))
		lo = first + (at+1)<<bits
	}
	return h.mask
}

// bounds returns what bounding the scores of blocks of segment s, the i-th of q's,
// reads; sc scores the segment's sections, and reads the terms' postings from their
// tables from now on.
func (q *Query) bounds(imp *Impacts, i int, sc *scorer) (*bounds, error) {
	st, err := q.impactsOf(imp, i)
	if err != nil {
		return nil, err
	}
	b := &bounds{tables: st.terms, bests: make([]*[levels][]impact, len(q.terms)), phrases: st.scores, seg: &q.segs[i], sc: sc}
	sc.tabled = true
	for t, tt := range st.terms {
		if tt == nil {
			sc.tabled = false
			continue
		}
		sc.cursors[t] = tt.postings.Cursor(q.segs[i].seg)
		b.bests[t] = &tt.bestsFor(q.terms[t]).best
	}
	if sc.tabled {
		for p, j := range st.joints {
			sc.joints[p], sc.phraseRows[p] = j.Cursor(q.segs[i].seg), st.scores[p].rows
		}
		if sc.scratch == nil {
			sc.scratch = make([]blockScores, q.nodes)
		}
	}
	for level := range b.at {
		b.at[level] = make([]int, len(q.terms))
		b.held[level] = map[*node]*heldIn{}
	}
	return b, nil
}

// segmentImpacts are the tables of q's terms and phrases in one segment, read once.
type segmentImpacts struct {
	once sync.Once
	st   *segmentTables
	err  error
}

// impactsOf returns the tables of q's terms and phrases in its i-th segment, read once
// for all the ScoreTops of q. Those of two segments are read at once: q's ScoreTops
// run on two cores, and after a change of the index the first search of a CJK word
// finds its phrases' best scores anew in every segment (at 1M sections, 間葉系幹細胞's
// in 13 ms of CPU).
func (q *Query) impactsOf(imp *Impacts, i int) (*segmentTables, error) {
	q.followed.Do(func() {
		q.impacts = make([]segmentImpacts, len(q.segs))
		for _, n := range q.phrases {
			q.weights = append(q.weights, n.phraseWeights())
		}
		imp.terms.Follow(q.snap.Segments())
		imp.joints.Follow(q.snap.Segments())
		imp.scores.Follow(q.snap.Segments())
	})
	si := &q.impacts[i]
	si.once.Do(func() { si.st, si.err = q.readImpacts(imp, i) })
	return si.st, si.err
}

// readImpacts reads the tables of q's terms and phrases in its i-th segment, through
// imp.
func (q *Query) readImpacts(imp *Impacts, i int) (*segmentTables, error) {
	seg := q.segs[i].seg
	st := &segmentTables{terms: make([]*termTable, len(q.terms)), joints: make([]*segments.Joint, len(q.phrases)), scores: make([]*phraseScores, len(q.phrases))}
	var err error
	var walk func(n *node)
	walk = func(n *node) {
		if t, ok := n.n.(Term); ok && err == nil {
			st.terms[n.term], err = imp.terms.Get(seg, fieldTerm{t.Field, t.Term}, func() (*termTable, error) {
				return readTermTable(seg, t.Field, t.Term)
			})
		}
		for _, k := range n.kids {
			walk(k)
		}
	}
	walk(q.root)
	if err != nil {
		return nil, err
	}
	for p, n := range q.phrases {
		terms := make([]*segments.Table, len(n.termOf))
		for id, t := range n.termOf {
			if tt := st.terms[t]; tt != nil {
				terms[id] = tt.postings
			}
		}
		if slices.Contains(terms, nil) {
			continue
		}
		j, _ := imp.joints.Get(seg, n.phraseKey, func() (*segments.Joint, error) {
			return segments.Join(terms, n.phrase.Sets), nil
		})
		st.joints[p] = j
		st.scores[p], _ = imp.scores.Get(seg, q.weights[p], func() (*phraseScores, error) {
			return findPhraseScores(q.newScorer(), n, j, seg.Count()), nil
		})
	}
	return st, nil
}

// prunable reports whether ScoreTop's bounds hold for n: they assume that no score
// is below zero, which a negative boost or scale could make one, and that a unit's
// floor is above zero.
func (n *node) prunable() bool {
	ok := true
	switch t := n.n.(type) {
	case Term:
		ok = t.Boost >= 0 && n.idf >= 0
	case Phrase:
		ok = t.Boost >= 0
	case All:
		ok = t.Boost >= 0
	case UnitOr:
		ok = t.Floor > 0
	case Squash:
		ok = t.Scale >= 0
	}
	return ok && !slices.ContainsFunc(n.kids, func(k *node) bool { return !k.prunable() })
}

// bounds returns upper bounds of the scores of n in the blocks of group g (of the
// segment of b), for the sections in each that m, n's matches in the segment,
// holds, and which blocks it may match in: none of those of the others. They are
// b.sc's until n is bounded in another group.
//
// With floorless set, they are the bounds of the sections that match no own node of
// n's units (see Adjust): a unit leaves out its own nodes and their floor. A Squash
// or an Adjust bounds as without it: the floors under it do not add up to the score.
// At 100k generated sections, 脊髄損傷's cover (search's coverQuery: a floor for each
// word) had 2,306 sections scored for a page instead of 4,779, since a block that
// holds the word as written no longer bounds its other sections as if they were
// lifted above it.
func (n *node) bounds(m *match, b *bounds, g group, floorless bool) *groupBounds {
	out := b.sc.groupScratch(floorless, n.id)
	out.present, out.isolated = segments.Mask{}, segments.Mask{}
	size := g.size
	switch t := n.n.(type) {
	case Term:
		n.termBounds(b, g, out)
	case All:
		out.present = firstOf(size)
		for i := range size {
			out.bounds[i] = n.factor
		}
	case Docs:
		out.present = b.holding(n, m.docs, 0, g)
		clear(out.bounds[:size])
	case Phrase:
		pb := b.phrases[n.phraseNum]
		if pb == nil {
			n.conjunctionBounds(m, b, g, floorless, out)
			break
		}
		for j, s := range pb.blocks[g.level][g.first():][:size] {
			if s >= 0 {
				out.present.Add(uint32(j))
			}
			out.bounds[j] = max(s, 0)
		}
	case And:
		n.conjunctionBounds(m, b, g, floorless, out)
	case Or, UnitOr, Sum:
		unit, isUnit := t.(UnitOr)
		_, isSum := t.(Sum)
		skip := 0 // the own nodes a floorless unit leaves out
		if floorless && isUnit {
			skip = unit.Own
		}
		for i, k := range n.kids[skip:] {
			k.bounds(m.kids[skip+i], b, g, floorless)
		}
		for j := range size {
			// sum bounds what the share of the nodes that match scales, whole what
			// adds up unscaled.
			var sum, whole float64
			matched, own, floors := 0, false, false
			for i, k := range n.kids[skip:] {
				r := b.sc.groupScratch(floorless, k.id)
				if !r.present.Has(uint32(j)) {
					continue
				}
				matched++
				// In a unit, a node that may score a floor or more adds its
				// remainder scaled and its whole floors unscaled: at most its score.
				if s := max(r.bounds[j], 0); isUnit && s >= unit.Floor*(1-boundSlack) {
					whole, floors = whole+s, true
				} else {
					sum += s
				}
				own = own || isUnit && skip+i < unit.Own
			}
			if matched > 0 {
				out.present.Add(uint32(j))
			}
			if !isSum {
				sum *= float64(matched) / float64(len(n.kids))
			}
			switch {
			case !isUnit:
				out.bounds[j] = sum
			case floors:
				// The unit adds up the parts of these nodes' scores otherwise.
				if own {
					whole += unit.Floor
				}
				out.bounds[j] = (sum + whole) * (1 + boundSlack)
			default:
				// Below a floor, a node's score adds to the unit's as to its
				// bound, in the same order: the bound is exact, ties included.
				if own {
					whole += unit.Floor
				}
				out.bounds[j] = sum + whole
			}
		}
	case Not:
		r := n.kids[0].bounds(m.kids[0], b, g, floorless)
		out.present = r.present
		copy(out.bounds[:size], r.bounds[:size])
	case Squash:
		k := n.kids[0]
		r := k.bounds(m.kids[0], b, g, false)
		out.present = r.present
		for j := range size {
			s := r.bounds[j]
			if math.IsInf(s, 1) {
				out.bounds[j] = t.Scale
				continue
			}
			squashed := t.Scale * s / (1 + s)
			if r.isolated.Has(uint32(j)) && s < maxIsolatedSquash {
				// The score of the sections that hold the term's best impact,
				// squashed as scoring squashes it; every other section scores less
				// than they do, by more than squashing rounds. Exact, the bound
				// leaves out the blocks that only tie a score already found: the
				// concept's sections of the other languages score alike (at 100k
				// generated sections, 46,000 English sections matched by 間葉系幹細胞
				// score 11 values).
				out.bounds[j] = squashed
			} else {
				out.bounds[j] = ulpsUp(squashed, squashUlps)
			}
		}
	case Adjust:
		r := n.kids[0].bounds(m.kids[0], b, g, false)
		out.present = r.present
		copy(out.bounds[:size], r.bounds[:size])
		n.adjust(m, b, g, out)
	default:
		out.present = firstOf(size)
		for j := range size {
			out.bounds[j] = math.Inf(1)
		}
	}
	return out
}

// conjunctionBounds sets out to the bounds of And or Phrase node n in group g: the
// sum of its nodes', where all of them may match.
func (n *node) conjunctionBounds(m *match, b *bounds, g group, floorless bool, out *groupBounds) {
	out.present = firstOf(g.size)
	clear(out.bounds[:g.size])
	for i, k := range n.kids {
		r := k.bounds(m.kids[i], b, g, floorless)
		out.present = out.present.And(r.present)
		for j := range g.size {
			out.bounds[j] += k.times * r.bounds[j]
		}
	}
}

// adjust makes out, the bounds of Adjust node n's node in group g, n's: raised
// where its Docs hold sections, in the blocks where its node is present.
func (n *node) adjust(m *match, b *bounds, g group, out *groupBounds) {
	t := n.n.(Adjust)
	in := b.holding(n, t.Docs, b.seg.seg.Offset, g).And(out.present)
	if in == (segments.Mask{}) {
		return
	}
	free := out
	if t.Floorless {
		free = n.kids[0].bounds(m.kids[0], b, g, true)
	}
	in.Each(func(j uint32) { out.bounds[j] = t.Most(out.bounds[j], free.bounds[j]) })
}

// rootBounds returns the bounds of n, m being its matches, in group g, and sets
// plain to the bounds of the sections that none of the Adjusts at n (n, if one, and
// the Adjusts at its node) changes: those outside their Docs, which are lower where
// a block holds sections they lift.
func (n *node) rootBounds(m *match, b *bounds, g group, plain *[groupSize]float64) *groupBounds {
	if n.kind != kindAdjust {
		out := n.bounds(m, b, g, false)
		*plain = out.bounds
		return out
	}
	r := n.kids[0].rootBounds(m.kids[0], b, g, plain)
	out := b.sc.groupScratch(false, n.id)
	out.present, out.isolated = r.present, segments.Mask{}
	copy(out.bounds[:g.size], r.bounds[:g.size])
	n.adjust(m, b, g, out)
	return out
}

// rootBound returns the bound of the root's score in block k, and that of the
// sections no adjustment at the root lifts (rootBounds), found for k's group when
// the group bounded last at k's level is another.
func (v *visit) rootBound(k block) (bound, plain float64) {
	r := &v.roots[k.level]
	if g := k.n >> groupBits[k.level]; !r.found || r.n != g {
		out := v.q.root.rootBounds(v.s.root, v.b, groupOf(k, v.s.seg.Count()), &r.plain)
		r.bound, r.n, r.found, r.withoutFound = out.bounds, g, true, false
	}
	return r.bound[place(k)], r.plain[place(k)]
}

// rootGroup is the root's bounds in the group of a level bounded last, by place,
// and, at the first level, those of the sections that hold no essential term, once
// found (without).
type rootGroup struct {
	found, withoutFound bool
	n                   uint32
	bound, plain        [groupSize]float64
	without             [groupSize]float64
}

// withoutEssential returns the bound of the sections of block k of the first level
// that hold none of the essential terms, found for k's group once.
func (v *visit) withoutEssential(k block) float64 {
	r := &v.roots[k.level]
	if !r.withoutFound {
		var plain [groupSize]float64
		v.b.without = true
		out := v.q.root.rootBounds(v.s.root, v.b, groupOf(k, v.s.seg.Count()), &plain)
		v.b.without = false
		r.without, r.withoutFound = out.bounds, true
	}
	return r.without[place(k)]
}

// essentialIn is keepIn for the sections docs of block k of the first level, none of
// which an adjustment at the root lifts, where bound is the block's bound and without
// that of its sections that hold none of the essential terms: those that hold one of
// them are asked about with bound, the others with without.
func (v *visit) essentialIn(k block, docs []uint32, bound, without float64) []uint32 {
	// The block of the first level is a block of the terms' tables.
	off := v.s.seg.Offset
	tb := uint32((uint64(docs[0]) - off) >> segments.TableBlockBits)
	var want, held segments.Mask
	for _, num := range docs {
		want.Add(uint32(uint64(num)-off) % tableBlock)
	}
	for t, essential := range v.b.essential {
		if essential {
			held = held.Or(v.sc.cursors[t].Block(tb, want).Held)
		}
	}
	return v.keepApart(docs, held, bound, without)
}

// keepApart is keep for the sections docs of a block of a table: those that in marks
// (by their place in the block) asked about with bound, the others with rest.
func (v *visit) keepApart(docs []uint32, in segments.Mask, bound, rest float64) []uint32 {
	off := v.s.seg.Offset
	marked, others := v.marked[:0], v.others[:0]
	for _, num := range docs {
		if in.Has(uint32(uint64(num)-off) % tableBlock) {
			marked = append(marked, num)
		} else {
			others = append(others, num)
		}
	}
	v.marked, v.others = marked, others
	if len(marked) > 0 {
		marked = v.keep(marked, bound)
	}
	if len(others) > 0 {
		others = v.keep(others, rest)
	}
	// Both in order, into docs, in order.
	out := docs[:0]
	for len(marked) > 0 || len(others) > 0 {
		if len(others) == 0 || len(marked) > 0 && marked[0] < others[0] {
			out, marked = append(out, marked[0]), marked[1:]
		} else {
			out, others = append(out, others[0]), others[1:]
		}
	}
	return out
}

// keepIn is keep for the sections docs of block k: the sections that the
// adjustments at the root lift (Query.lifted) with the block's bound, the others
// with the bound of their scores as they are, when that is lower. Search's evidence
// lifts a tenth of the passages of spinal cord injury by 0.15, where the scores of
// its first ten hits differ by less.
func (v *visit) keepIn(k block, docs []uint32) []uint32 {
	bound, plain := v.rootBound(k)
	if plain >= bound {
		if k.level == 0 && v.small.stopped && v.essential() != nil {
			if without := v.withoutEssential(k); without < bound {
				return v.essentialIn(k, docs, bound, without)
			}
		}
		return v.keep(docs, bound)
	}
	in := v.liftedIn(uint32((uint64(docs[0]) - v.s.seg.Offset) >> segments.TableBlockBits))
	return v.keepApart(docs, in, bound, plain)
}

// liftedIn returns the sections of Query.lifted in block tb of a table of the
// segment, which must not go back (a look-up in the bitmap a section was a sixth of
// 脊髄損傷's ScoreTop at 1M).
func (v *visit) liftedIn(tb uint32) segments.Mask {
	return v.liftedAt.in(v.q.lifted, v.s.seg.Offset+uint64(tb)<<segments.TableBlockBits)
}

// blockReader reads a bitmap of snapshot document numbers forward, a block of a
// table at a time, once for the block and its smaller blocks.
type blockReader struct {
	it   roaring.IntPeekable
	base uint64
	mask segments.Mask
}

// in returns the sections of set, which r reads, in the block of a table whose first
// section is base; the blocks asked about must not go back.
func (r *blockReader) in(set *roaring.Bitmap, base uint64) segments.Mask {
	if r.it != nil && r.base == base {
		return r.mask
	}
	if r.it == nil {
		r.it = set.Iterator()
	}
	it, m := r.it, segments.Mask{}
	it.AdvanceIfNeeded(uint32(base))
	for ; it.HasNext() && uint64(it.PeekNext()) < base+tableBlock; it.Next() {
		m.Add(uint32(uint64(it.PeekNext()) - base))
	}
	r.base, r.mask = base, m
	return m
}

// maxIsolatedSquash is the highest score of a term that a squash of it bounds
// exactly where the term's bound is isolated: Scale·s/(1+s) of two scores of a share
// nearTie apart differ by a share nearTie/(1+s), which must exceed the roundings of
// squashing (a few units of the last place) by far.
const maxIsolatedSquash = 1e4

// phraseScores are the scores of a phrase's candidates in a segment (the sections its
// joined postings hold, all assumed to hold it, deleted ones too), for the weights
// its terms score with in a query (phraseWeights): each candidate's, by its row in
// the Joint, and the best of them in each block, by level and block, -1 where it has
// none. A phrase's bound in a block was the sum of its terms' best scores there,
// each perhaps another section's: at 1M generated sections, 85% of the sections
// 間葉系幹細胞 scored were in blocks whose best score could not enter the page, most
// of them blocks whose Japanese sections hold the word with scores just below the
// page's last. Found for every candidate at once, and kept (Impacts), as finding
// the bests a group at a time in every search cost more than it saved (the quoted
// phrase 1.22 of its CPU, 脊髄損傷 1.19); scoring a block reads its candidates'
// scores, one look-up each where computing one read its field's length and its
// terms' frequencies (a sixth of 間葉系幹細胞's CPU at 1M).
type phraseScores struct {
	blocks [levels][]float64
	rows   []float64
	best   float64 // the best of rows
}

// size is roughly the memory pb takes, in bytes.
func (pb *phraseScores) size() int {
	return 64 + 8*(len(pb.blocks[0])+len(pb.blocks[1])+len(pb.rows))
}

// findPhraseScores returns the scores of phrase node n's candidates in a segment of
// count sections, whose postings of its terms joined are j.
func findPhraseScores(sc *scorer, n *node, j *segments.Joint, count uint64) *phraseScores {
	pb := &phraseScores{rows: make([]float64, 0, j.Rows())}
	for level, bits := range levelBits {
		pb.blocks[level] = make([]float64, (count+1<<bits-1)>>bits)
		for i := range pb.blocks[level] {
			pb.blocks[level][i] = -1
		}
	}
	j.Each(func(num uint32, length uint64, row segments.JointRow) {
		s := sc.phraseAt(n, length, row)
		pb.rows, pb.best = append(pb.rows, s), max(pb.best, s)
		for level, bits := range levelBits {
			b := &pb.blocks[level][num>>bits]
			*b = max(*b, s)
		}
	})
	return pb
}

// phraseWeights returns the key of phrase node n's scores (phraseScores): the phrase
// and the weights and average field lengths its terms score with.
func (n *node) phraseWeights() string {
	key := []byte(n.phraseKey)
	var add func(k *node)
	add = func(k *node) {
		for _, x := range []float64{k.times, k.idf, k.factor, k.avgdl} {
			key = binary.LittleEndian.AppendUint64(key, math.Float64bits(x))
		}
		for _, kk := range k.kids {
			add(kk)
		}
	}
	for _, k := range n.kids {
		add(k)
	}
	return string(key)
}

// essentialShare says which terms of a query are essential in a segment: those
// whose best score there, as it adds to the query's (squashed where a Squash above
// it squashes), is at least 1/essentialShare of the best score of a term or phrase
// of the query; 0 makes none essential. Once ScoreTop has stopped bounding smaller
// blocks (they did not pay), it asks about the sections of a block that hold no
// essential term with the bound of such sections (found with those terms absent:
// essentialIn), far lower where the best sections hold one of a few terms that
// score far more than the others. At 1M generated sections, "muse safety patients"
// (each word a unit of the fields of headings, bodies and context) scored 162,000 of
// its 184,000 sections a search: its page's sections hold one of its words in their
// heading (0.06 above the floors of its words, where the words of a body add some
// thousandths), and every block holds such sections of each word, so that a block's
// bound summed three headings. With the terms of the headings essential it left out
// 113,000 more and took 0.84 of its CPU (grouped by document 0.80, with filters or
// facets 0.89-0.91; "cells" with filters 0.86-0.89), the other queries level. A
// variable for the tests.
var essentialShare = 4.0

// essential returns which of the query's terms are essential in the segment v visits,
// by term number, or nil for none (see essentialShare), chosen once a segment, when
// first asked: only where ScoreTop has stopped bounding smaller blocks. The terms of
// phrases, which bound a phrase through its own scores, and those of the nodes a Not
// excludes are not; a phrase's best score counts among the best of them.
func (v *visit) essential() []bool {
	b, q := v.b, v.q
	if b.chosen {
		return b.essential
	}
	b.chosen = true
	// Each term's best score is its best impact's, in its table: where a term has
	// none (!tabled), none is essential.
	if essentialShare == 0 || len(q.terms) == 0 || !v.sc.tabled {
		return nil
	}
	adds := make([]float64, len(q.terms)) // 0: not essential
	most := 0.0
	var walk func(n *node, squash func(float64) float64)
	walk = func(n *node, squash func(float64) float64) {
		switch n.kind {
		case kindTerm:
			if top := b.tables[n.term].bestsFor(n).top; top != noImpact {
				adds[n.term] = squash(v.sc.bm25(n, uint64(top.freq), uint64(top.length)))
				most = max(most, adds[n.term])
			}
			return
		case kindPhrase:
			most = max(most, squash(b.phrases[n.phraseNum].best))
			return
		case kindNot:
			walk(n.kids[0], squash)
			return
		case kindSquash:
			outer, scale := squash, n.scale
			squash = func(s float64) float64 { return outer(scale * s / (1 + s)) }
		}
		for _, k := range n.kids {
			walk(k, squash)
		}
	}
	walk(q.root, func(s float64) float64 { return s })
	for t, a := range adds {
		if a > 0 && a >= most/essentialShare {
			if b.essential == nil {
				b.essential = make([]bool, len(q.terms))
			}
			b.essential[t] = true
		}
	}
	return b.essential
}

// termBounds sets out to the bounds of term node n in group g.
func (n *node) termBounds(b *bounds, g group, out *groupBounds) {
	if b.without && b.essential[n.term] {
		clear(out.bounds[:g.size])
		return
	}
	tt := b.tables[n.term]
	if tt == nil { // a frequency beyond what impacts hold
		out.present = firstOf(g.size)
		for j := range g.size {
			out.bounds[j] = math.Inf(1)
		}
		return
	}
	clear(out.bounds[:g.size])
	t := &tt.impacts[g.level]
	bests := b.bests[n.term][g.level]
	first := g.first()
	i := b.at[g.level][n.term]
	for i < len(t.blocks) && t.blocks[i] < first {
		i++
	}
	b.at[g.level][n.term] = i
	for ; i < len(t.blocks) && t.blocks[i]-first < uint32(g.size); i++ {
		j := t.blocks[i] - first
		out.present.Add(j)
		// BM25 grows with the frequency and falls with the length, so the block's
		// best is one of its impacts; two impacts one of which betters the other in
		// both differ in score by far more than rounding, so the impact a block
		// keeps scores at least as high as the ones it dropped, as computed.
		if best := bests[i]; best != noImpact {
			out.bounds[j] = b.sc.bm25(n, uint64(best.freq), uint64(best.length))
			out.isolated.Add(j)
			continue
		}
		var best float64
		for _, im := range t.impacts[t.starts[i]:t.starts[i+1]] {
			best = max(best, b.sc.bm25(n, uint64(im.freq), uint64(im.length)))
		}
		out.bounds[j] = best
	}
}

// ScoreTop is Score for a caller that wants only some of the best sections: for each
// block of sections in turn it calls keep with the block's sections of docs, in
// order, and an upper bound of their scores, and scores only those keep returns: the
// sections still wanted should they score no more than bound, in order (keep may
// reuse block's storage). Impacts keeps what the bounds read of the segments.
func (q *Query) ScoreTop(ctx context.Context, docs *roaring.Bitmap, imp *Impacts, keep func(block []uint32, bound float64) []uint32, each func(num uint64, score float64)) error {
	if !q.root.prunable() {
		return q.Score(ctx, docs, each)
	}
	buf := make([]uint32, 0, 1<<levelBits[0])
	many := make([]uint32, manyAtOnce)
	blocks := 0
	window := min(int(docs.GetCardinality()/judgeShare), judgeAfter)
	seen, scored := 0, 0 // sections visited, and of those scored
	// Whether it bounds blocks, since it visited from sections, of which it had scored
	// scoredFrom.
	bounding, from, scoredFrom := true, 0, 0
	var small smallerBlocks
	sc := q.newScorer()
	defer sc.remember()
	// The sections are read many at a time, in order, and visited a block at a time,
	// those of a segment with its visit, begun at the first of them (a copy of the
	// sections of docs in each segment was a fifth of what a search of a CJK word
	// allocated at 1M).
	var v visit
	var off uint64 // the offset of v's segment
	visitBlock := func() error {
		if blocks++; blocks%(checkEvery>>levelBits[0]) == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		k := block{0, uint32((uint64(buf[0]) - off) >> levelBits[0])}
		switch seen += len(buf); {
		case bounding && seen-from >= window:
			bounding = (scored-scoredFrom)*100 <= (seen-from)*giveUpPercent
			from, scoredFrom = seen, scored
		case !bounding && seen-from >= retryWindows*window:
			bounding, from, scoredFrom = true, seen, scored
		}
		if bounding {
			return v.block(k, buf)
		}
		return v.score(buf)
	}
	segs := segmentCursor{segs: q.segs, i: -1}
	it := docs.ManyIterator()
	for n := it.NextMany(many); n > 0; n = it.NextMany(many) {
		for _, num := range many[:n] {
			switch {
			case uint64(num) >= segs.end:
				i := segs.next(num)
				if len(buf) > 0 {
					if err := visitBlock(); err != nil {
						return err
					}
					buf = buf[:0]
				}
				s := &q.segs[i]
				sc.start(s)
				b, err := q.bounds(imp, i, sc)
				if err != nil {
					return err
				}
				v = visit{q: q, s: s, b: b, sc: sc, keep: keep, each: each, scored: &scored, small: &small}
				off = s.seg.Offset
			case len(buf) > 0 && (uint64(num)-off)>>levelBits[0] != (uint64(buf[0])-off)>>levelBits[0]:
				if err := visitBlock(); err != nil {
					return err
				}
				buf = buf[:0]
			}
			buf = append(buf, num)
		}
	}
	if len(buf) > 0 {
		if err := visitBlock(); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// visit is one ScoreTop's visit of the blocks of a segment.
type visit struct {
	q    *Query
	s    *segment
	b    *bounds
	sc   *scorer
	keep func(block []uint32, bound float64) []uint32
	each func(num uint64, score float64)
	// scored counts the sections scored, and small the blocks whose smaller blocks
	// it bounded, for ScoreTop's judging its bounds.
	scored *int
	small  *smallerBlocks
	// one holds the section keep is asked about alone; marked and others the
	// sections of a block keepApart divides; kept those of a block to score.
	one                  [1]uint32
	marked, others, kept []uint32
	// roots are the root's bounds in the group of each level bounded last.
	roots [levels]rootGroup
	// liftedAt reads Query.lifted for keepIn: its sections in a block of a table.
	liftedAt blockReader
}

// smallerBlocks counts the blocks whose smaller blocks a ScoreTop bounded and the
// sections those left out, and says whether it has stopped bounding them (see
// judgeSmaller).
type smallerBlocks struct {
	bounded, leftOut int
	stopped          bool
}

// block scores those of docs, the sections of block k to score, that keep keeps in
// k or in the blocks of the next levels that hold them, all at once: scoring the
// sections of a block of a table walks the plan once, whatever their number. (Scored
// a smaller block at a time, spinal cord injury walked it for 2.3 sections on
// average at 100k.) keep's answers stay right while the scores wait: what it wants
// only narrows as scores come.
func (v *visit) block(k block, docs []uint32) error {
	v.kept = v.bounded(k, docs, v.kept[:0])
	return v.score(v.kept)
}

// bounded appends to out those of docs, the sections of block k to score, that keep
// keeps, asked about k and the blocks of the next levels that hold them. It reuses
// docs' storage.
func (v *visit) bounded(k block, docs []uint32, out []uint32) []uint32 {
	if len(docs) < minBoundDocs {
		return append(out, docs...)
	}
	n := len(docs)
	docs = v.keepIn(k, docs)
	small := v.small
	if k.level > 0 {
		small.leftOut += n - len(docs)
	}
	off := v.s.seg.Offset
	if next := k.level + 1; next < levels && !small.stopped && len(docs) > 0 {
		for len(docs) > 0 {
			in := block{next, uint32((uint64(docs[0]) - off) >> levelBits[next])}
			n := 1
			for n < len(docs) && uint64(docs[n]) < off+in.hi() {
				n++
			}
			out = v.bounded(in, docs[:n], out)
			docs = docs[n:]
		}
		small.bounded++
		small.stopped = small.bounded >= judgeSmaller && small.leftOut < minLeftOut*small.bounded
		return out
	}
	return append(out, docs...)
}

// score scores those of docs, sections of the segment, that keep keeps: a section
// whose score takes checking a phrase's positions there is checked only when keep
// keeps it, asked about it alone with the bound of its score that assumes what suits
// it best (scorer.bound).
func (v *visit) score(docs []uint32) error {
	*v.scored += len(docs)
	if v.sc.tabled {
		return v.scoreBlocks(docs)
	}
	for _, num := range docs {
		score, exact, err := v.sc.bound(uint64(num))
		if err == nil && !exact {
			v.one[0] = num
			if len(v.keep(v.one[:], score)) == 0 {
				continue
			}
			score, err = v.sc.score(uint64(num))
		}
		if err != nil {
			return err
		}
		v.each(uint64(num), score)
	}
	return nil
}

// scoreBlocks is score where every term's postings are in tables: it scores the
// sections of each block of a table at once (node.scoreBlock).
func (v *visit) scoreBlocks(docs []uint32) error {
	off := v.s.seg.Offset
	blockOf := func(num uint32) uint32 { return uint32((uint64(num) - off) >> segments.TableBlockBits) }
	for len(docs) > 0 {
		b := blockOf(docs[0])
		var want segments.Mask
		n := 0
		for ; n < len(docs) && blockOf(docs[n]) == b; n++ {
			want.Add(uint32(uint64(docs[n])-off) % tableBlock)
		}
		r := v.q.root.scoreBlock(v.s.root, b, want, v.sc)
		for _, num := range docs[:n] {
			bit := uint32(uint64(num)-off) % tableBlock
			var score float64
			if r.held.Has(bit) {
				score = r.scores[bit]
			}
			if r.assumed.Has(bit) {
				v.one[0] = num
				if len(v.keep(v.one[:], score*(1+boundSlack))) == 0 {
					continue
				}
				var err error
				if score, err = v.sc.score(uint64(num)); err != nil {
					return err
				}
			}
			v.each(uint64(num), score)
		}
		docs = docs[n:]
	}
	return nil
}
