// Package exec runs queries over the segments of an index snapshot with bitmaps:
// the set of sections a query matches is set algebra on the postings of its terms,
// segment by segment, with no per-match work, and only the sections a caller asks
// for (those the filters select) are scored, each as bleve scores it. A phrase is the
// exception: its positions are read for every candidate (a section with all its
// terms), in one pass that also scores each match from the same postings, on two
// cores when asked, so that scoring reads nothing of it again.
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
	"context"
	"fmt"
	"math"
	"sync"

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
// s+Most.
type Adjust struct {
	Inner Node
	Docs  *roaring.Bitmap
	By    func(num uint64, score float64) float64
	Most  float64
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
// segment, its weights and norms computed, its phrases matched and scored. It is safe
// for concurrent use once prepared.
type Query struct {
	snap segments.Snapshot
	root *node
	segs []segment
	// terms are the plan's term nodes, numbered by node.term; inPhrase says which
	// are a phrase's (scored with it, when it is matched).
	terms    int
	inPhrase []bool
	// phrases are the plan's phrase nodes.
	phrases []*node
	// impacts are the impacts of the terms in each segment, once ScoreTop read
	// them (see prune.go).
	mu      sync.Mutex
	impacts [][]*impactTable
}

// segment is a segment of the snapshot and the plan's matches in it.
type segment struct {
	seg   segments.Segment
	root  *match
	terms []*segments.Postings // by term number
}

// node is a Node with what scoring it needs.
type node struct {
	n    Node
	kids []*node
	// Term and All: the weight in the query norm and the factor of the score (bleve's
	// query weight: 1 until a composite query sets the norm).
	weight, factor float64
	// Term only: its number, idf and field's average length.
	term       int
	idf, avgdl float64
	// times is how many times the node counts in the phrase around it (1 elsewhere).
	times float64
	// Phrase only: its shape, and the number of a term node of each of its terms.
	phrase *PhraseShape
	termOf []int
}

// match is a node's matches in one segment, as segment-local numbers.
type match struct {
	docs *roaring.Bitmap
	kids []*match
	// Phrase only: its matches, in order, and its score in each.
	phrase *phraseMatches
}

// Prepare prepares plan for snap. It stops with ctx's error when ctx is done.
//
// split, when not 0, has the candidates of its phrases checked on two cores: those
// of a phrase in a segment in two halves at once when they are at least split, fewer
// whole by the core with less work (splitting them would cost a second set of
// readers, each walking the first half's postings to its start, for little). 0 checks
// them all on the calling goroutine.
func Prepare(ctx context.Context, snap segments.Snapshot, plan Node, split uint64) (*Query, error) {
	q := &Query{snap: snap}
	var err error
	if q.root, err = q.build(plan); err != nil {
		return nil, err
	}
	for _, seg := range snap.Segments() {
		s := segment{seg: seg, terms: make([]*segments.Postings, q.terms)}
		if err := s.read(q.root); err != nil {
			return nil, err
		}
		q.segs = append(q.segs, s)
	}
	if err := q.stats(snap, q.root); err != nil {
		return nil, err
	}
	q.root.init()
	// A phrase is scored as its positions are checked, with the weights just set.
	found, err := q.matchPhrases(ctx, split)
	if err != nil {
		return nil, err
	}
	for i := range q.segs {
		q.segs[i].root = q.segs[i].match(q.root, found[i])
	}
	return q, nil
}

// build turns a plan into nodes, numbering its terms.
func (q *Query) build(n Node) (*node, error) {
	out := &node{n: n, factor: 1, times: 1}
	var kids []Node
	switch n := n.(type) {
	case Term:
		out.term = q.terms
		q.terms++
		q.inPhrase = append(q.inPhrase, false)
	case Docs:
	case Phrase:
		q.phrases = append(q.phrases, out)
		return q.buildPhrase(out, n)
	case All:
	case And:
		if kids = n.Nodes; len(kids) == 0 {
			return nil, fmt.Errorf("exec: an empty conjunction")
		}
	case Or:
		if kids = n.Nodes; len(kids) == 0 {
			return nil, fmt.Errorf("exec: an empty disjunction")
		}
	case UnitOr:
		if kids = n.Nodes; len(kids) == 0 {
			return nil, fmt.Errorf("exec: an empty disjunction")
		}
	case Not:
		kids = []Node{n.Must, n.MustNot}
	case Squash:
		kids = []Node{n.Inner}
	case Sum:
		kids = []Node{n.A, n.B}
	case Adjust:
		kids = []Node{n.Inner}
	default:
		return nil, fmt.Errorf("exec: no plan node %T", n)
	}
	for _, k := range kids {
		kn, err := q.build(k)
		if err != nil {
			return nil, err
		}
		out.kids = append(out.kids, kn)
	}
	return out, nil
}

// buildPhrase builds the nodes of phrase p into out.
func (q *Query) buildPhrase(out *node, p Phrase) (*node, error) {
	shape := NewPhraseShape(p.Pattern)
	if len(shape.Sets) == 0 {
		return nil, fmt.Errorf("exec: a phrase of no terms")
	}
	out.phrase, out.termOf = shape, make([]int, len(shape.Terms))
	for set, ids := range shape.Sets {
		var alts []Node
		for _, id := range ids {
			alts = append(alts, Term{Field: p.Field, Term: shape.Terms[id], Boost: p.Boost})
		}
		var kid Node = alts[0]
		if len(alts) > 1 {
			kid = Or{Nodes: alts}
		}
		first := q.terms
		kn, err := q.build(kid)
		if err != nil {
			return nil, err
		}
		// The terms are numbered in the order of ids.
		for k, id := range ids {
			out.termOf[id] = first + k
			q.inPhrase[first+k] = true
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

// match returns the matches of n in the segment, whose phrases' matches are in
// phrases (by node).
func (s *segment) match(n *node, phrases map[*node]*phraseMatches) *match {
	m := &match{}
	for _, k := range n.kids {
		m.kids = append(m.kids, s.match(k, phrases))
	}
	switch t := n.n.(type) {
	case Term:
		m.docs = s.terms[n.term].Docs()
	case All:
		m.docs = s.seg.Live()
	case Docs:
		in := roaring.And(t.Docs, rangeOf(s.seg.Offset, s.seg.Offset+s.seg.Count()))
		m.docs = roaring.AddOffset64(in, -int64(s.seg.Offset))
	case And:
		m.docs = m.kids[0].docs.Clone()
		for _, k := range m.kids[1:] {
			m.docs.And(k.docs)
		}
	case Or, UnitOr, Sum:
		m.docs = roaring.New()
		for _, k := range m.kids {
			m.docs.Or(k.docs)
		}
	case Not:
		m.docs = roaring.AndNot(m.kids[0].docs, m.kids[1].docs)
	case Phrase:
		m.phrase = phrases[n]
		m.docs = roaring.New()
		m.docs.AddMany(m.phrase.nums)
	case Squash, Adjust:
		m.docs = m.kids[0].docs
	}
	return m
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
	for _, s := range q.segs {
		in := roaring.And(docs, rangeOf(s.seg.Offset, s.seg.Offset+s.seg.Count()))
		if in.IsEmpty() {
			continue
		}
		readers := make([]*segments.PostingsReader, q.terms)
		for i, p := range s.terms {
			if !q.inPhrase[i] {
				readers[i] = p.Reader(false)
			}
		}
		it := in.ManyIterator()
		for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
			for _, num := range buf[:k] {
				score, err := q.root.score(s.root, uint64(num), uint32(uint64(num)-s.seg.Offset), readers)
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
	}
	return ctx.Err()
}

// rangeOf returns the numbers [from, to) as a bitmap.
func rangeOf(from, to uint64) *roaring.Bitmap {
	b := roaring.New()
	b.AddRange(from, to)
	return b
}

// score returns the score of n for section num, local in its segment, which m, n's
// matches in the segment, holds.
func (n *node) score(m *match, num uint64, local uint32, readers []*segments.PostingsReader) (float64, error) {
	switch t := n.n.(type) {
	case Term:
		p, err := readers[n.term].Advance(local)
		if err != nil || p == nil {
			return 0, err
		}
		return n.bm25(p.Freq, p.Norm), nil
	case All:
		return n.factor, nil
	case Docs:
		return 0, nil
	case Phrase:
		s, _ := m.phrase.score(local)
		return s, nil
	case And:
		var sum float64
		for i, k := range n.kids {
			s, err := k.score(m.kids[i], num, local, readers)
			if err != nil {
				return 0, err
			}
			sum += k.times * s
		}
		return sum, nil
	case Or, UnitOr, Sum:
		var sum, floors float64
		matched, own := 0, false
		unit, isUnit := t.(UnitOr)
		for i, k := range n.kids {
			var s float64
			switch k.n.(type) {
			case Term:
				// A term's reader says whether the section holds it, and a phrase's
				// matches: no lookup in their bitmaps.
				p, err := readers[k.term].Advance(local)
				if err != nil {
					return 0, err
				}
				if p == nil {
					continue
				}
				s = k.bm25(p.Freq, p.Norm)
			case Phrase:
				var ok bool
				if s, ok = m.kids[i].phrase.score(local); !ok {
					continue
				}
			default:
				if !m.kids[i].docs.Contains(local) {
					continue
				}
				var err error
				if s, err = k.score(m.kids[i], num, local, readers); err != nil {
					return 0, err
				}
			}
			if isUnit {
				f := math.Floor(s / unit.Floor)
				s -= f * unit.Floor
				floors += f
				own = own || i < unit.Own
			}
			sum += s
			matched++
		}
		if _, or := t.(Sum); !or {
			sum *= float64(matched) / float64(len(n.kids))
		}
		if own {
			floors++
		}
		return sum + floors*unit.Floor, nil
	case Not:
		return n.kids[0].score(m.kids[0], num, local, readers)
	case Squash:
		s, err := n.kids[0].score(m.kids[0], num, local, readers)
		return t.Scale * s / (1 + s), err
	case Adjust:
		s, err := n.kids[0].score(m.kids[0], num, local, readers)
		if err == nil && t.Docs.Contains(uint32(num)) {
			s = t.By(num, s)
		}
		return s, err
	}
	return 0, fmt.Errorf("exec: no plan node %T", n.n)
}

// bm25 is bleve's BM25 score of a term found freq times in a field of norm
// 1/sqrt(length), times the term's query weight.
func (n *node) bm25(freq uint64, norm float64) float64 {
	tf := math.Sqrt(float64(freq))
	var score float64
	if n.avgdl > 0 {
		length := 1 / (norm * norm)
		score = n.idf * (tf * bsearch.BM25_k1) / (tf + bsearch.BM25_k1*(1-bsearch.BM25_b+(bsearch.BM25_b*length/n.avgdl)))
	} else {
		score = tf * norm * n.idf
	}
	return score * n.factor // exact when the factor is 1
}
