// Package exec runs queries over the segments of an index snapshot with bitmaps:
// the set of sections a query matches is set algebra on the postings of its terms,
// segment by segment, with no per-match work, and only the sections a caller asks
// for (those the filters select) are scored, each as bleve scores it. A phrase is the
// exception: whether a candidate (a section with all its terms) holds it takes
// reading its terms' positions there. They are read lazily: for the match set, only
// where the phrase decides whether the query matches (match sets in three-valued
// logic, see segment.match), on two cores when asked; for scores, only where the
// section could matter to the caller with the phrase assumed to hold or not as suits
// the section best (ScoreTop), a phrase's score not depending on its positions. The
// positions come from zap's postings, whose iterator decodes every posting it passes,
// or, for a term that queries read again, from a table of them decoded once and kept
// across queries (Positions).
//
// A plan is a tree of Nodes that mirrors the bleve query the engine would run, node
// for node: the scores agree with bleve's to rounding (BM25 as bleve computes it,
// with its average field length a ceiling over the snapshot's summed field
// cardinalities; boosts; each composite query's norm, the root of the summed squared
// weights of its terms, passed down to them; the coordination factor of a
// disjunction). search's differential test holds the two to the same totals, hits,
// scores and facet counts.
package exec

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"

	"musesearch/internal/segments"
)

// Node is one part of a plan.
type Node interface{ isNode() }

// Term matches the sections whose Field holds Term, scored by BM25 times Boost (a
// bleve term query).
type Term struct {
	Field, Term string
	Boost       float64
}

// Phrase matches the sections whose Field holds the terms of Pattern at consecutive
// positions: one of Pattern[i] at the phrase's start plus i, an empty position
// matching any token. It scores as the conjunction of its distinct sets of terms
// (PhraseShape), each a term or a disjunction of terms, Boost each, weighed and scored
// as many times as positions accept it (search's phrase query).
type Phrase struct {
	Field   string
	Pattern [][]string
	Boost   float64
}

// And matches what all of Nodes match, scored by the sum of their scores (a bleve
// conjunction query).
type And struct{ Nodes []Node }

// Or matches what any of Nodes matches, scored by the sum of the scores of those
// that match times the share of Nodes that match (a bleve disjunction query with no
// minimum).
type Or struct{ Nodes []Node }

// UnitOr matches what any of Nodes matches, scored as Or but for the whole multiples
// of Floor its nodes' scores hold, which add up unscaled, and one more Floor when one
// of the first Own of Nodes matches (search's unitOr: a unit of the query held as
// typed).
type UnitOr struct {
	Nodes []Node
	Own   int
	Floor float64
}

// Not matches what Must matches and MustNot does not, scored as Must (a bleve
// boolean query without should clauses).
type Not struct{ Must, MustNot Node }

// All matches every section, scored Boost times the query norm (bleve's match-all
// query).
type All struct{ Boost float64 }

// Squash matches what Inner matches, scored Scale·s/(1+s) for Inner's score s. It
// weighs nothing in the norm of the query around it and keeps the norm Inner
// computes of its own terms.
type Squash struct {
	Inner Node
	Scale float64
}

// Docs matches the sections of Docs (snapshot document numbers), scored 0 and
// weighing nothing: a selection found otherwise.
type Docs struct{ Docs *roaring.Bitmap }

// Sum matches what A or B matches, scored by the sum of their scores, without a
// coordination factor. It computes no norm of its own.
type Sum struct{ A, B Node }

// Adjust matches what Inner matches; the score s of a match of section num (a
// snapshot document number) in Docs becomes By(num, s), which lies between s and
// Most(b, f) for every b at least s, and every f at least s where the section
// matches none of the own nodes of Inner's units (UnitOr.Own; not counting the units
// under a Squash or an Adjust, whose floors do not add up): Most bounds what By makes
// of the scores up to b, for every section of Docs (b+c, for By adding at most c),
// and f bounds the scores of the sections without a floor of their own (search's
// cover lifts only those). Floorless says that Most reads f, which costs ScoreTop a
// second walk of Inner's bounds; otherwise f is b.
type Adjust struct {
	Inner     Node
	Docs      *roaring.Bitmap
	By        func(num uint64, score float64) float64
	Most      func(bound, floorless float64) float64
	Floorless bool
}

func (Term) isNode()   {}
func (Phrase) isNode() {}
func (And) isNode()    {}
func (Or) isNode()     {}
func (UnitOr) isNode() {}
func (Not) isNode()    {}
func (All) isNode()    {}
func (Squash) isNode() {}
func (Sum) isNode()    {}
func (Docs) isNode()   {}
func (Adjust) isNode() {}

// Query is a plan prepared for one snapshot: its terms' postings read in every
// segment, its weights and norms computed, its phrases' candidates checked where its
// matches depend on them. It is safe for concurrent use once prepared.
type Query struct {
	snap segments.Snapshot
	root *node
	segs []segment
	// terms are the plan's term nodes, by node.term; nodes is the number of its
	// nodes, numbered by node.id.
	terms []*node
	nodes int
	// phrases are the plan's phrase nodes.
	phrases []*node
	// lifted are the sections whose scores the Adjusts at the root may change (see
	// visit.keepIn).
	lifted *roaring.Bitmap
	// impacts are the tables of the terms (their postings and impacts) and of the
	// phrases in each segment, read once a segment for all of q's ScoreTops (see
	// prune.go), after the Impacts they come from follows q's snapshot and each
	// phrase's key of its weights is found (followed, weights: phraseWeights).
	followed sync.Once
	impacts  []segmentImpacts
	weights  []string
	// checks counts the phrase candidates whose positions were checked, remembered
	// the phrases of segments some of whose candidates to check Positions knew.
	checks, remembered atomic.Int64
	// positions keeps the tables of positions its phrases read (nil: none kept, every
	// position read from zap's postings); tables counts those it built.
	positions *Positions
	tables    atomic.Int64
}

// segment is a segment of the snapshot and the plan's matches in it.
type segment struct {
	seg     segments.Segment
	root    *match
	terms   []*segments.Postings // by term number
	phrases []phraseSets         // by phrase number
}

// phraseSets are a phrase's sections in one segment, segment-local: its candidates
// (those that hold all its terms), of which Prepare checks those where the query's
// match depends on them, leaving the others to scoring to check when it needs to; and,
// for scoring, known: the candidates found to hold the phrase, with its score in
// each, and unchecked: those not checked, as dense bits by segment-local number (a
// phraseCursor scores them notChecked). The other candidates do not hold it.
type phraseSets struct {
	candidates *roaring.Bitmap
	known      phraseMatches
	unchecked  []uint64
	// decides are the candidates among the sections whose match is undecided, which
	// Prepare checks; tables are, by the phrase's term number, the table its term's
	// positions are read from in Prepare's checks, nil where they are read from zap's
	// postings (see positionTables).
	decides *roaring.Bitmap
	tables  []*segments.PositionsTable
	// scoring are the tables scoring reads where Prepare checked none.
	scoring *scoringTables
}

// scoringTables are the tables scoring reads a phrase's positions from in a segment,
// by term number, looked up once for all of a query's scorers, which run at once on
// two cores (and would otherwise build a table twice).
type scoringTables struct {
	once   sync.Once
	tables []*segments.PositionsTable
	err    error
}

// phraseMatches are sections of a phrase, segment-local, in order, and the phrase's
// score in each; nil scores are holdsUnscored's (sections known from an earlier
// query: at 1M, a search of a phrase all of whose candidates were remembered had
// 90,000 such scores to allocate).
type phraseMatches struct {
	nums   []uint32
	scores []float64
}

// score returns the score of m's i-th section.
func (m *phraseMatches) score(i int) float64 {
	if m.scores == nil {
		return holdsUnscored
	}
	return m.scores[i]
}

// notChecked is the score phraseCursor gives a candidate not checked: NaN, which
// no score is. holdsUnscored is the score it gives a section known to hold the
// phrase (from an earlier query, see Positions) whose score is to be read from its
// terms' postings: +Inf, which no score is either.
var (
	notChecked    = math.NaN()
	holdsUnscored = math.Inf(1)
)

// node is a Node with what scoring it needs.
type node struct {
	n    Node
	kind kind
	kids []*node
	// Term and All: the weight in the query norm and the factor of the score (bleve's
	// query weight: 1 until a composite query sets the norm).
	weight, factor float64
	// id numbers the node among the query's.
	id int
	// Term only: its number, idf and field's average length.
	term       int
	idf, avgdl float64
	// times is how many times the node counts in the phrase around it (1 elsewhere).
	times float64
	// Or and UnitOr: by the number of kids that match, the share of them that do (the
	// coordination factor).
	coord []float64
	// UnitOr only: its floor, and its first own kids. Squash only: its scale.
	floor float64
	own   int
	scale float64
	// Phrase only: its number among the plan's phrases, its shape, the number of a
	// term node of each of its terms, and whether it lies under an odd number of
	// Nots' MustNot (where holding it makes the query's score no higher).
	phraseNum int
	phrase    *PhraseShape
	termOf    []int
	negated   bool
	// phraseKey names the phrase (its field and pattern) among all, for Positions.
	phraseKey string
	// phrases says whether the node is or holds a phrase.
	phrases bool
}

// kind is the kind of a node's Node, which scoring switches on for every section.
type kind uint8

const (
	kindTerm kind = iota
	kindPhrase
	kindAnd
	kindOr
	kindUnitOr
	kindSum
	kindNot
	kindAll
	kindSquash
	kindDocs
	kindAdjust
)

// match is a node's matches in one segment, as segment-local numbers: those it
// surely matches, whatever its phrases' positions hold (segment.match); the root's,
// once prepared, are all its matches.
type match struct {
	docs *roaring.Bitmap
	kids []*match
}

// Prepare prepares plan for snap. It stops with ctx's error when ctx is done.
//
// It checks the positions of a phrase's candidates only in the sections whose match
// they decide: those the plan may match and is not sure to, the phrases' candidates
// not checked (see segment.match). A candidate that matches anyway, through another
// part of the plan (a term beside the phrase in a disjunction), or cannot, is left to
// scoring to check if it needs to.
//
// positions, when not nil, keeps the positions of phrases' terms decoded in tables
// for later queries (see positionTables).
//
// split, when not 0, has it work on two cores: the segments shared out between them
// to read the terms, match and decide (perSegment), and the candidates of its phrases
// checked, those of a phrase in a segment in two halves at once when they are at least
// split, fewer whole by the core with less work (splitting them would cost a second
// set of readers, each walking the first half's postings to its start, for little). 0
// does it all on the calling goroutine.
func Prepare(ctx context.Context, snap segments.Snapshot, plan Node, split uint64, positions *Positions) (*Query, error) {
	q := &Query{snap: snap, positions: positions}
	var err error
	if q.root, err = q.build(plan, false); err != nil {
		return nil, err
	}
	q.lifted = roaring.New()
	for n := q.root; n.kind == kindAdjust; n = n.kids[0] {
		q.lifted.Or(n.n.(Adjust).Docs)
	}
	for _, seg := range snap.Segments() {
		q.segs = append(q.segs, segment{seg: seg, terms: make([]*segments.Postings, len(q.terms))})
	}
	if q.positions != nil {
		q.positions.tables.Follow(snap.Segments())
		q.positions.walked.Follow(snap.Segments())
		q.positions.holders.Follow(snap.Segments())
		q.positions.candidates.Follow(snap.Segments())
	}
	// Each segment's terms read, its matches found and its phrases' checks made ready
	// in one pass: none of it needs the scores' weights, and a pass on two cores
	// waits a tenth of a millisecond for its second goroutine to start on this
	// machine, then for the slower of the two.
	undecided := make([]*roaring.Bitmap, len(q.segs))
	checks := make([][]*phraseCheck, len(q.segs))
	err = q.perSegment(ctx, split != 0, func(i int) error {
		s := &q.segs[i]
		if err := s.read(q.root); err != nil {
			return err
		}
		s.phrases = make([]phraseSets, len(q.phrases))
		var maybe *roaring.Bitmap
		s.root, maybe = s.match(q.root, q.positions)
		undecided[i] = roaring.AndNot(maybe, s.root.docs)
		if err := q.positionTables(s, undecided[i]); err != nil {
			return err
		}
		checks[i] = q.phraseChecks(i)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := q.stats(snap, q.root); err != nil {
		return nil, err
	}
	q.root.init()
	if len(q.phrases) == 0 {
		return q, nil
	}
	found, holders, err := q.matchPhrases(ctx, checks, split)
	if err != nil {
		return nil, err
	}
	err = q.perSegment(ctx, split != 0, func(i int) error {
		s := &q.segs[i]
		for p, n := range q.phrases {
			sets, checked := &s.phrases[p], found[i][p]
			// The candidates Prepare did not check are left to scoring, but for
			// those an earlier query checked, taken from them as dense bits.
			if sets.unchecked = uncheckedOf(sets.candidates, sets.decides); sets.unchecked != nil {
				if h, ok := q.holdersOf(s, n); ok {
					checked = h.takeFrom(sets.unchecked).merge(checked)
				}
			}
			sets.known = checked
		}
		// The query's matches: those it was sure of, and those of the undecided
		// sections, where every phrase is decided now.
		if !undecided[i].IsEmpty() {
			s.root.docs = roaring.Or(s.root.docs, s.decided(q.root, s.root, undecided[i], holders[i]))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// perSegment calls f with the place of every segment of q, on two cores at once when
// split: the segments shared out by size, the largest first to the core with fewer
// sections. f may read and write the segment's state alone.
func (q *Query) perSegment(ctx context.Context, split bool, f func(i int) error) error {
	each := func(segs []int) func(context.Context) error {
		return func(ctx context.Context) error {
			for _, i := range segs {
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := f(i); err != nil {
					return err
				}
			}
			return nil
		}
	}
	all := make([]int, len(q.segs))
	for i := range all {
		all[i] = i
	}
	if !split || len(all) < 2 {
		return each(all)(ctx)
	}
	slices.SortStableFunc(all, func(a, b int) int { return cmp.Compare(q.segs[b].seg.Count(), q.segs[a].seg.Count()) })
	var halves [2][]int
	var sizes [2]uint64
	for _, i := range all {
		h := 0
		if sizes[1] < sizes[0] {
			h = 1
		}
		halves[h], sizes[h] = append(halves[h], i), sizes[h]+q.segs[i].seg.Count()
	}
	return both(ctx, each(halves[0]), each(halves[1]))
}

// build turns a plan into nodes, numbering its terms; negated says whether the plan
// lies under an odd number of Nots' MustNot.
func (q *Query) build(n Node, negated bool) (*node, error) {
	out := &node{n: n, id: q.nodes, factor: 1, times: 1}
	q.nodes++
	var kids []Node
	switch n := n.(type) {
	case Term:
		out.kind, out.term = kindTerm, len(q.terms)
		q.terms = append(q.terms, out)
	case Docs:
		out.kind = kindDocs
	case Phrase:
		out.kind, out.phraseNum, out.negated, out.phrases = kindPhrase, len(q.phrases), negated, true
		q.phrases = append(q.phrases, out)
		return q.buildPhrase(out, n)
	case All:
		out.kind = kindAll
	case And:
		if out.kind, kids = kindAnd, n.Nodes; len(kids) == 0 {
			return nil, fmt.Errorf("exec: an empty conjunction")
		}
	case Or:
		if out.kind, kids = kindOr, n.Nodes; len(kids) == 0 {
			return nil, fmt.Errorf("exec: an empty disjunction")
		}
		out.coord = coordination(len(kids))
	case UnitOr:
		if out.kind, kids = kindUnitOr, n.Nodes; len(kids) == 0 {
			return nil, fmt.Errorf("exec: an empty disjunction")
		}
		out.coord, out.floor, out.own = coordination(len(kids)), n.Floor, n.Own
	case Not:
		out.kind, kids = kindNot, []Node{n.Must, n.MustNot}
	case Squash:
		out.kind, out.scale, kids = kindSquash, n.Scale, []Node{n.Inner}
	case Sum:
		out.kind, kids = kindSum, []Node{n.A, n.B}
	case Adjust:
		out.kind, kids = kindAdjust, []Node{n.Inner}
	default:
		return nil, fmt.Errorf("exec: no plan node %T", n)
	}
	for i, k := range kids {
		kn, err := q.build(k, negated != (out.kind == kindNot && i == 1))
		if err != nil {
			return nil, err
		}
		out.phrases = out.phrases || kn.phrases
		out.kids = append(out.kids, kn)
	}
	return out, nil
}

// coordination returns a disjunction of n nodes' coordination factors: by the
// number of nodes that match, the share of them that do.
func coordination(n int) []float64 {
	out := make([]float64, n+1)
	for i := range out {
		out[i] = float64(i) / float64(n)
	}
	return out
}

// buildPhrase builds the nodes of phrase p into out.
func (q *Query) buildPhrase(out *node, p Phrase) (*node, error) {
	shape := NewPhraseShape(p.Pattern)
	if len(shape.Sets) == 0 {
		return nil, fmt.Errorf("exec: a phrase of no terms")
	}
	out.phrase, out.termOf = shape, make([]int, len(shape.Terms))
	out.phraseKey = fmt.Sprintf("%q %q", p.Field, p.Pattern)
	for set, ids := range shape.Sets {
		var alts []Node
		for _, id := range ids {
			alts = append(alts, Term{Field: p.Field, Term: shape.Terms[id], Boost: p.Boost})
		}
		var kid Node = alts[0]
		if len(alts) > 1 {
			kid = Or{Nodes: alts}
		}
		first := len(q.terms)
		kn, err := q.build(kid, false)
		if err != nil {
			return nil, err
		}
		// The terms are numbered in the order of ids.
		for k, id := range ids {
			out.termOf[id] = first + k
		}
		kn.times = float64(shape.Uses[set])
		out.kids = append(out.kids, kn)
	}
	return out, nil
}

// read reads the postings of the terms of n in the segment.
func (s *segment) read(n *node) error {
	for _, k := range n.kids {
		if err := s.read(k); err != nil {
			return err
		}
	}
	if t, ok := n.n.(Term); ok {
		p, err := s.seg.Term(t.Field, t.Term)
		if err != nil {
			return err
		}
		s.terms[n.term] = p
	}
	return nil
}

// match returns the sections n surely matches in the segment, whatever its phrases'
// positions hold, and those it may match: in three-valued logic, each phrase's
// candidates undecided. A Term, All or Docs node is decided everywhere (its sure and
// maybe sets are one bitmap), a phrase sure of none and maybe holding its candidates
// (which match keeps in the segment's phraseSets); And, Or, UnitOr and Sum take the
// intersection or union of their nodes' sure sets and of their maybe sets; a Not is
// sure where Must is sure and MustNot may not match, and may match where Must may and
// MustNot is not sure; Squash and Adjust are their node's.
//
// The sets are sound: sure ⊆ the node's matches ⊆ maybe, whatever the positions
// hold. By induction: a leaf's are; each rule keeps it, as intersection and union are
// monotone, and a Not's takes MustNot's maybe set where its sure set needs a subset of
// MustNot's matches' complement, and MustNot's sure set for its maybe set. So the
// query matches its sure sections, and none outside its maybe sections; between the
// two, its undecided sections, Prepare checks the phrases' candidates and decides.
func (s *segment) match(n *node, p *Positions) (*match, *roaring.Bitmap) {
	m := &match{}
	var maybes []*roaring.Bitmap
	decided := true // every kid's sure set is its maybe set
	for _, k := range n.kids {
		km, maybe := s.match(k, p)
		m.kids, maybes = append(m.kids, km), append(maybes, maybe)
		decided = decided && maybe == km.docs
	}
	switch t := n.n.(type) {
	case Term:
		m.docs = s.terms[n.term].Docs()
		return m, m.docs
	case All:
		m.docs = s.seg.Live()
		return m, m.docs
	case Docs:
		in := s.within(t.Docs)
		m.docs = roaring.AddOffset64(in, -int64(s.seg.Offset))
		return m, m.docs
	case Phrase:
		candidates := s.candidates(n, p)
		s.phrases[n.phraseNum].candidates = candidates
		m.docs = roaring.New()
		return m, candidates
	case Squash, Adjust:
		m.docs = m.kids[0].docs
		return m, maybes[0]
	}
	sures := make([]*roaring.Bitmap, len(m.kids))
	for i, k := range m.kids {
		sures[i] = k.docs
	}
	m.docs = combine(n, sures, maybes)
	if decided {
		return m, m.docs
	}
	return m, combine(n, maybes, sures)
}

// candidates returns the candidates of phrase node n in the segment: the sections
// that hold every term of it (a term or a disjunction of terms each). They are found
// in the whole segment once for the Positions p, not nil, keeps them: intersecting
// the postings of a CJK word's bigrams was a tenth of the CPU of a search of
// 間葉系幹細胞 at 1M sections, the same sets every time.
func (s *segment) candidates(n *node, p *Positions) *roaring.Bitmap {
	find := func(docs func(*segments.Postings) *roaring.Bitmap) *roaring.Bitmap {
		sets := make([]*roaring.Bitmap, len(n.phrase.Sets))
		for i, ids := range n.phrase.Sets {
			alts := make([]*roaring.Bitmap, len(ids))
			for j, id := range ids {
				alts[j] = docs(s.terms[n.termOf[id]])
			}
			sets[i] = alts[0]
			if len(alts) > 1 {
				sets[i] = roaring.FastOr(alts...)
			}
		}
		return roaring.FastAnd(sets...)
	}
	if p == nil {
		return find((*segments.Postings).Docs)
	}
	whole, _ := p.candidates.Get(s.seg, n.phraseKey, func() (*roaring.Bitmap, error) {
		return find((*segments.Postings).Whole), nil
	})
	return s.seg.LiveOf(whole)
}

// decided returns the matches of n, whose sure matches are m, among the sections of
// in, where every candidate of a phrase is checked: holders are, by phrase number,
// those that hold it. As a section's match of a node follows from its nodes' in that
// section, the rules of match, on these sets, decided everywhere, are exact.
func (s *segment) decided(n *node, m *match, in *roaring.Bitmap, holders []*roaring.Bitmap) *roaring.Bitmap {
	if !n.phrases {
		return roaring.And(m.docs, in) // decided everywhere
	}
	switch n.kind {
	case kindPhrase:
		return roaring.And(holders[n.phraseNum], in)
	case kindSquash, kindAdjust:
		return s.decided(n.kids[0], m.kids[0], in, holders)
	}
	sets := make([]*roaring.Bitmap, len(n.kids))
	for i, k := range n.kids {
		sets[i] = s.decided(k, m.kids[i], in, holders)
	}
	return combine(n, sets, sets)
}

// combine returns the sure set of composite node n from its nodes' sure sets and
// their maybe sets (which a Not's MustNot takes), or, the two swapped, its maybe set.
func combine(n *node, sets, negated []*roaring.Bitmap) *roaring.Bitmap {
	switch n.kind {
	case kindAnd:
		out := sets[0].Clone()
		for _, s := range sets[1:] {
			out.And(s)
		}
		return out
	case kindNot:
		return roaring.AndNot(sets[0], negated[1])
	}
	// Or, UnitOr, Sum: the union of those not empty (a phrase is sure of none), a set
	// alone as it is (sets are never changed once made).
	some := make([]*roaring.Bitmap, 0, len(sets))
	for _, s := range sets {
		if !s.IsEmpty() {
			some = append(some, s)
		}
	}
	if len(some) == 1 {
		return some[0]
	}
	return roaring.FastOr(some...)
}

// stats computes the idf and average field length of every term of n, as bleve's
// term searcher does over the whole snapshot.
func (q *Query) stats(snap segments.Snapshot, n *node) error {
	for _, k := range n.kids {
		if err := q.stats(snap, k); err != nil {
			return err
		}
	}
	switch t := n.n.(type) {
	case Term:
		total, err := snap.DocCount()
		if err != nil {
			return fmt.Errorf("exec: %w", err)
		}
		card, err := snap.FieldCardinality(t.Field)
		if err != nil {
			return fmt.Errorf("exec: %w", err)
		}
		if total != 0 || card != 0 {
			n.avgdl = math.Ceil(float64(card) / float64(total))
		}
		var docs uint64
		for _, s := range q.segs {
			docs += s.terms[n.term].Docs().GetCardinality()
		}
		if n.avgdl > 0 {
			n.idf = math.Log(1 + (float64(total)-float64(docs)+0.5)/(float64(docs)+0.5))
		} else {
			n.idf = 1 + math.Log(float64(total)/float64(docs+1))
		}
		n.weight = t.Boost * n.idf * t.Boost * n.idf
	case All:
		n.weight = t.Boost * t.Boost
	}
	return nil
}

// squaredWeights is the sum of the squared weights of n's terms, as bleve's
// searchers report them for the query norm.
func (n *node) squaredWeights() float64 {
	switch n.n.(type) {
	case Term, All:
		return n.weight
	case Squash:
		return 0
	case Not:
		return n.kids[0].squaredWeights()
	}
	var sum float64
	for _, k := range n.kids {
		sum += k.times * k.squaredWeights()
	}
	return sum
}

// init sets the query norms as bleve's searchers do when they are built, bottom
// up: every conjunction, disjunction and boolean query sets the norm of its own
// terms on them, which the query around it then overrides.
func (n *node) init() {
	for _, k := range n.kids {
		k.init()
	}
	switch n.n.(type) {
	case And, Or, UnitOr, Not, Phrase:
		n.setNorm(1 / math.Sqrt(n.squaredWeights()))
	}
}

// setNorm passes a query norm down to the terms of n.
func (n *node) setNorm(norm float64) {
	switch t := n.n.(type) {
	case Term:
		n.factor = t.Boost * n.idf * norm
	case All:
		n.factor = t.Boost * norm
	case Squash:
	case Not:
		n.kids[0].setNorm(norm)
	default:
		for _, k := range n.kids {
			k.setNorm(norm)
		}
	}
}

// Matches returns the sections the query matches, as snapshot document numbers.
func (q *Query) Matches() *roaring.Bitmap {
	out := roaring.New()
	for _, s := range q.segs {
		out.Or(roaring.AddOffset64(s.root.docs, int64(s.seg.Offset)))
	}
	return out
}

// checkEvery is how many sections Score scores, or a phrase's match set checks,
// between two looks at the context.
const checkEvery = 4096

// Score calls each with every section of docs, which must be matches of the query,
// and its score, in the order of their numbers. It stops with ctx's error when ctx is
// done. Calls may run at once on different docs.
func (q *Query) Score(ctx context.Context, docs *roaring.Bitmap, each func(num uint64, score float64)) error {
	buf := make([]uint32, 256)
	scored := 0
	sc := q.newScorer()
	defer sc.remember()
	segs := segmentCursor{segs: q.segs, i: -1}
	it := docs.ManyIterator()
	for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
		for _, num := range buf[:k] {
			if uint64(num) >= segs.end {
				sc.start(&q.segs[segs.next(num)])
			}
			score, err := sc.score(uint64(num))
			if err != nil {
				return err
			}
			each(uint64(num), score)
		}
		if scored += k; scored >= checkEvery {
			scored = 0
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// segmentCursor follows sections read in order to the segments that hold them: a
// section from end on is another segment's (next).
type segmentCursor struct {
	segs []segment
	i    int    // the segment of the last section, -1 before the first
	end  uint64 // where it ends
}

// next returns the place of the segment that holds section num, a snapshot document
// number from the end of the last segment's on.
func (c *segmentCursor) next(num uint32) int {
	for c.i+1 < len(c.segs) && c.segs[c.i+1].seg.Offset <= uint64(num) {
		c.i++
	}
	s := c.segs[c.i].seg
	c.end = s.Offset + s.Count()
	return c.i
}

// within returns the sections of docs, numbered in the snapshot, that are s's.
func (s *segment) within(docs *roaring.Bitmap) *roaring.Bitmap {
	r := roaring.New()
	r.AddRange(s.seg.Offset, s.seg.Offset+s.seg.Count())
	r.And(docs)
	return r
}

// scorer scores sections of one segment at a time, in the order of their numbers,
// on one goroutine: it holds a reader of each term's postings in the segment, once
// one is needed, where each phrase's checked matches have got to, a checker of each
// phrase's positions there, once one is needed, and the part of BM25 each term
// computes of a field's length and its score at a frequency of 1, by length (a
// search's fields take few distinct lengths).
type scorer struct {
	q   *Query
	seg *segment
	// readers are by term number, nil until read in the segment; cursors likewise,
	// those of the terms whose postings ScoreTop read into tables (nil: not read,
	// or beyond what a table holds), which term reads instead.
	readers []*segments.PostingsReader
	cursors []*segments.TableCursor
	// joints are the cursors of the phrases' joined postings, by phrase number, set
	// with the cursors when tabled, and phraseRows the scores of their rows
	// (phraseScores).
	joints     []*segments.JointCursor
	phraseRows [][]float64
	// tabled says that every term's postings are read from tables: ScoreTop then
	// scores sections a block at a time (block.go), into scratch, by node number.
	tabled  bool
	scratch []blockScores
	// groups are ScoreTop's bounds of a group of blocks by node number, as found
	// without and with floorless (node.bounds).
	groups [2][]groupBounds
	parts  orParts
	// adjusts read the Docs of each Adjust node in the segment, by node number, for
	// scoreBlock.
	adjusts []blockReader
	// checked are, by phrase number, the candidates scoring checked in the segment,
	// in order, and of them those that hold the phrase: kept in the Positions for
	// later queries once the segment is scored (remember).
	checked []phraseChecked
	// known and checkers are by phrase number: the phrase's sections known and not
	// checked in the segment (phraseSets), and where in them the sections scored
	// have got to; and a checker of its candidates not checked (nil until one is
	// read).
	known    []phraseCursor
	checkers []*checker
	// lengths are, by term number, its scores by length (zero where not computed
	// yet); phraseOnes, by phrase number, its score by length in a section that holds
	// each of its terms once (likewise).
	lengths    [][]lengthScores
	phraseOnes [][]float64
	// optimistic has a score assume, of each phrase not checked in the section,
	// whichever of holding it or not scores no lower, instead of checking it;
	// assumed says that the score did.
	optimistic, assumed bool
	// err is the first error reading postings.
	err error
}

// groupScratch returns where node number id's bounds in a group are found, without
// floorless or with it.
func (sc *scorer) groupScratch(floorless bool, id int) *groupBounds {
	f := 0
	if floorless {
		f = 1
	}
	if sc.groups[f] == nil {
		sc.groups[f] = make([]groupBounds, sc.q.nodes)
	}
	return &sc.groups[f][id]
}

// maxMemoLength is the longest field whose lengthScores a scorer keeps: a longer one
// computes them every time (sections run to some hundreds of tokens).
const maxMemoLength = 4096

// adjusted returns the reader of the Docs of Adjust node n.
func (sc *scorer) adjusted(n *node) *blockReader {
	if sc.adjusts == nil {
		sc.adjusts = make([]blockReader, sc.q.nodes)
	}
	return &sc.adjusts[n.id]
}

// newScorer returns a scorer for q's segments.
func (q *Query) newScorer() *scorer {
	return &scorer{q: q, readers: make([]*segments.PostingsReader, len(q.terms)), cursors: make([]*segments.TableCursor, len(q.terms)), joints: make([]*segments.JointCursor, len(q.phrases)), phraseRows: make([][]float64, len(q.phrases)), known: make([]phraseCursor, len(q.phrases)), checked: make([]phraseChecked, len(q.phrases)), checkers: make([]*checker, len(q.phrases)), lengths: make([][]lengthScores, len(q.terms)), phraseOnes: make([][]float64, len(q.phrases))}
}

// phraseChecked are candidates of a phrase a scorer checked, and those that hold it.
type phraseChecked struct{ checked, holds []uint32 }

// start readies sc for the sections of segment s, once it has remembered what it
// checked in the segment before.
func (sc *scorer) start(s *segment) {
	sc.remember()
	sc.seg = s
	sc.tabled = false
	clear(sc.readers)
	clear(sc.cursors)
	clear(sc.joints)
	clear(sc.phraseRows)
	clear(sc.checkers)
	clear(sc.adjusts)
	for i := range s.phrases {
		sc.known[i] = phraseCursor{phraseMatches: &s.phrases[i].known, unchecked: s.phrases[i].unchecked}
	}
}

// remember keeps in the query's Positions what sc checked of the phrases' candidates
// in its segment, and forgets it.
func (sc *scorer) remember() {
	for p, c := range sc.checked {
		if len(c.checked) > 0 {
			sc.q.positions.remember(sc.seg.seg, sc.q.phrases[p].phraseKey, c.holds, roaring.BitmapOf(c.checked...))
			sc.checked[p] = phraseChecked{}
		}
	}
}

// reader returns the reader of term number t's postings in the segment.
func (sc *scorer) reader(t int) *segments.PostingsReader {
	r := sc.readers[t]
	if r == nil {
		r = sc.seg.terms[t].Reader(false)
		sc.readers[t] = r
	}
	return r
}

// score returns the score of the query for section num (a snapshot document number),
// which must be a match of it in the segment, after those scored before.
func (sc *scorer) score(num uint64) (float64, error) {
	s, _ := sc.q.root.score(sc.seg.root, num, uint32(num-sc.seg.seg.Offset), sc)
	return s, sc.err
}

// bound returns score's score of section num or, where that takes checking the
// positions of a phrase, an upper bound of it, and whether it is the score. The
// bound assumes each phrase not checked in the section to hold it, or, under a Not's
// MustNot, not to; and that the score of an Adjust's node that assumed so rises by as
// much as it may. Every node's score grows with its nodes' scores (a Squash's,
// Scale·s/(1+s), too, with Scale ≥ 0) and with which of them match: a disjunction's
// coordination factor grows with them, and in a unit, a node whose score reaches a
// floor more gives up a remainder scaled by a factor of at most 1 for a whole floor
// unscaled; no score is below 0 (ScoreTop bounds only plans where none is, see
// prunable); and a Not matches where its MustNot does not. So the bound is at least
// the score, but for rounding, which boundSlack covers.
func (sc *scorer) bound(num uint64) (float64, bool, error) {
	sc.optimistic, sc.assumed = true, false
	s, err := sc.score(num)
	sc.optimistic = false
	if !sc.assumed {
		return s, true, err
	}
	return s * (1 + boundSlack), false, err
}

// score returns the score of n for section num, local in its segment, and whether
// m, n's matches in the segment, holds it.
func (n *node) score(m *match, num uint64, local uint32, sc *scorer) (float64, bool) {
	switch n.kind {
	case kindTerm:
		return sc.term(n, local)
	case kindAll:
		return n.factor, true
	case kindDocs:
		return 0, m.docs.Contains(local)
	case kindPhrase:
		return sc.phrase(n, local)
	case kindAnd:
		var sum float64
		for i, k := range n.kids {
			s, ok := k.score(m.kids[i], num, local, sc)
			if !ok {
				return 0, false
			}
			sum += k.times * s
		}
		return sum, true
	case kindOr, kindUnitOr, kindSum:
		var sum, floors float64
		matched, own := 0, false
		for i, k := range n.kids {
			var s float64
			var ok bool
			// Most kids are terms.
			if k.kind == kindTerm {
				s, ok = sc.term(k, local)
			} else {
				s, ok = k.score(m.kids[i], num, local, sc)
			}
			if !ok {
				continue
			}
			// A unit takes the whole floors out of a score, which most are below: their
			// share of a floor rounds below 1/2, to no whole floor.
			if n.kind == kindUnitOr && !(s >= 0 && s < n.floor/2) {
				f := math.Floor(s / n.floor)
				s -= f * n.floor
				floors += f
			}
			own = own || i < n.own
			sum += s
			matched++
		}
		if matched == 0 {
			return 0, false
		}
		if n.kind != kindSum {
			sum *= n.coord[matched]
		}
		if own {
			floors++
		}
		return sum + floors*n.floor, true
	case kindNot:
		s, ok := n.kids[0].score(m.kids[0], num, local, sc)
		if !ok {
			return 0, false
		}
		_, out := n.kids[1].score(m.kids[1], num, local, sc)
		return s, !out
	case kindSquash:
		s, ok := n.kids[0].score(m.kids[0], num, local, sc)
		if !ok {
			return 0, false
		}
		return n.scale * s / (1 + s), true
	case kindAdjust:
		assumed := sc.assumed
		sc.assumed = false
		s, ok := n.kids[0].score(m.kids[0], num, local, sc)
		if t := n.n.(Adjust); ok && t.Docs.Contains(uint32(num)) {
			if sc.assumed {
				s = t.Most(s, s) // By need not grow with the score
			} else {
				s = t.By(num, s)
			}
		}
		sc.assumed = sc.assumed || assumed
		return s, ok
	}
	panic(fmt.Sprintf("exec: no plan node %T", n.n))
}

// term returns the score of term node n for section local, and whether the section
// holds the term.
func (sc *scorer) term(n *node, local uint32) (float64, bool) {
	if c := sc.cursors[n.term]; c != nil {
		freq, length, ok := c.Find(local)
		if !ok {
			return 0, false
		}
		return sc.bm25(n, freq, length), true
	}
	p, err := sc.reader(n.term).Advance(local)
	if p == nil {
		if err != nil && sc.err == nil {
			sc.err = err
		}
		return 0, false
	}
	return sc.bm25(n, p.Freq, p.Length), true
}

// bm25 is n.bm25(freq, n.lengthPart(length)), its length's part computed once a
// length, and so its score at a frequency of 1, most postings' (at 1M generated
// sections, computing BM25 was a twentieth of the benchmark's CPU).
func (sc *scorer) bm25(n *node, freq, length uint64) float64 {
	if length >= maxMemoLength {
		return n.bm25(freq, n.lengthPart(length))
	}
	m := byLength(&sc.lengths[n.term], length)
	if m.part == 0 { // a part is never 0
		m.part = n.lengthPart(length)
		m.one = n.bm25(1, m.part)
	}
	if freq == 1 {
		return m.one
	}
	return n.bm25(freq, m.part)
}

// byLength returns the place of length, below maxMemoLength, in memo, one of a
// scorer's memos by field length, grown to hold it.
func byLength[T any](memo *[]T, length uint64) *T {
	if length >= uint64(len(*memo)) {
		grown := make([]T, min(max(2*len(*memo), int(length)+1, 64), maxMemoLength))
		copy(grown, *memo)
		*memo = grown
	}
	return &(*memo)[length]
}

// lengthScores are what a scorer keeps of a term's score for a field's length:
// lengthPart, and the score at a frequency of 1.
type lengthScores struct{ part, one float64 }

// phrase returns the score of phrase node n for section local, and whether the
// section holds the phrase: as checked, or, not checked there, as the scorer
// assumes or checks it now.
func (sc *scorer) phrase(n *node, local uint32) (float64, bool) {
	s, ok := sc.known[n.phraseNum].score(local)
	unscored := s == holdsUnscored
	if !ok || !math.IsNaN(s) && !unscored {
		return s, ok // checked, or not a candidate
	}
	if !unscored && sc.optimistic && n.negated {
		sc.assumed = true
		return 0, false
	}
	// The same readers of positions read a section for its bound and then, should
	// the caller want it, check it: one pass over the terms' postings, and a check
	// that reads nothing more.
	c := sc.checkers[n.phraseNum]
	if c == nil {
		tables, err := sc.q.scoringTables(n, sc.seg)
		if err != nil {
			if sc.err == nil {
				sc.err = err
			}
			return 0, false
		}
		c = sc.q.newChecker(n, sc.seg, tables)
		sc.checkers[n.phraseNum] = c
	}
	var postings []*segments.Posting
	var err error
	switch {
	case unscored:
		postings, err = c.read(local)
	case sc.optimistic:
		sc.assumed = true
		postings, err = c.read(local)
	default:
		postings, err = c.holds(local)
		if sc.q.positions != nil && err == nil {
			k := &sc.checked[n.phraseNum]
			k.checked = append(k.checked, local)
			if postings != nil {
				k.holds = append(k.holds, local)
			}
		}
	}
	if err != nil && sc.err == nil {
		sc.err = err
	}
	if postings == nil || sc.err != nil {
		return 0, false
	}
	return n.phraseScore(postings), true
}

// phraseCursor is a phrase's sections in a segment: those known to hold it, with
// the index of the first not before the section scored last, and those not checked
// (phraseSets.unchecked).
type phraseCursor struct {
	*phraseMatches
	at        int
	unchecked []uint64
}

// score returns the score of section local, and whether it is one of the sections;
// the sections asked about must not go back.
func (c *phraseCursor) score(local uint32) (float64, bool) {
	nums, i := c.nums, c.at
	if i < len(nums) && nums[i] < local {
		// Most sections asked about come next, or soon after.
		j, _ := slices.BinarySearch(nums[i+1:min(i+1+phraseSeekAhead, len(nums))], local)
		if i += 1 + j; i < len(nums) && nums[i] < local {
			j, _ = slices.BinarySearch(nums[i:], local)
			i += j
		}
		c.at = i
	}
	if i == len(nums) || nums[i] != local {
		if has(c.unchecked, local) {
			return notChecked, true
		}
		return 0, false
	}
	return c.phraseMatches.score(i), true
}

// uncheckedIn returns the sections not checked of the block of a table whose first
// section is base (segment-local).
func (c *phraseCursor) uncheckedIn(base uint32) segments.Mask {
	var m segments.Mask
	for i, w := 0, int(base/64); i < len(m) && w+i < len(c.unchecked); i++ {
		m[i] = c.unchecked[w+i]
	}
	return m
}

// phraseSeekAhead is how many of a phrase's matches phraseCursor.score looks among
// before it looks among all the rest.
const phraseSeekAhead = 8

// lengthPart is what BM25 computes of the length of a field, in tokens, for term
// node n, as bleve computes it from the field's norm.
func (n *node) lengthPart(length uint64) float64 {
	norm := segments.Norm(length)
	if n.avgdl > 0 {
		length := 1 / (norm * norm)
		return bsearch.BM25_k1 * (1 - bsearch.BM25_b + (bsearch.BM25_b * length / n.avgdl))
	}
	return norm
}

// bm25 is bleve's BM25 score of a term found freq times in a field whose length gives
// part (lengthPart), times the term's query weight.
func (n *node) bm25(freq uint64, part float64) float64 {
	tf := math.Sqrt(float64(freq))
	var score float64
	if n.avgdl > 0 {
		score = n.idf * (tf * bsearch.BM25_k1) / (tf + part)
	} else {
		score = tf * part * n.idf
	}
	return score * n.factor // exact when the factor is 1
}

// tfPart is bm25's score before the idf and the query weight multiply it (in
// another order: its roundings may differ).
func (n *node) tfPart(freq uint64, part float64) float64 {
	tf := math.Sqrt(float64(freq))
	if n.avgdl > 0 {
		return tf * bsearch.BM25_k1 / (tf + part)
	}
	return tf * part
}
