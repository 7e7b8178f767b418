package exec

import (
	"math"
	"slices"

	"musesearch/internal/segments"
)

// Scoring a block at a time. Where every term's postings are in tables (segments.Table),
// ScoreTop scores the sections of a block of a table at once, node by node: a term
// scores the sections of the block that hold it, found from its table's mask, without
// looking at the others; a composite node combines its nodes' scores section by
// section, in the order scorer.score adds them, so that every score is the same to
// the bit. What one section at a time cost, at 1M generated sections, was the walk
// of the plan for each section and the look-up of every term in it, most of which it
// lacks (27 terms, 2 phrases for muse safety patients: 400 ns a section).
//
// The scores are those scorer.bound gives: a phrase not checked in a section is
// assumed to hold there (not to, under a Not's MustNot), and its score is computed from
// its terms' frequencies and lengths in the tables, without reading their positions;
// the sections whose score assumed so are marked, and visit.score checks those its
// caller wants one at a time, as before. Nothing this reads goes forward past what
// the sections scored one at a time read later: tables are read by block, and the
// phrases' known matches from where their cursors have got to, without moving them.

// blockScores are a node's scores in the sections of a block: those it matches
// (held), their scores by place in the block (valid where held), and those whose
// score assumed what a phrase not checked there holds.
type blockScores struct {
	held, assumed segments.Mask
	scores        [tableBlock]float64
}

// tableBlock is the number of sections of a block of a table.
const tableBlock = 1 << segments.TableBlockBits

// orParts are what a disjunction adds up in each section of a block, while it does.
type orParts struct {
	floors  [tableBlock]float64
	matched [tableBlock]int
	own     segments.Mask
}

// scoreBlock returns the scores of n in the sections want of block b of the
// segment sc scores (segment-local numbers from b<<TableBlockBits), m being n's
// matches there. They are sc's until n scores another block.
func (n *node) scoreBlock(m *match, b uint32, want segments.Mask, sc *scorer) *blockScores {
	out := &sc.scratch[n.id]
	out.held, out.assumed = segments.Mask{}, segments.Mask{}
	base := b << segments.TableBlockBits
	switch n.kind {
	case kindTerm:
		tb := sc.cursors[n.term].Block(b, want)
		out.held = tb.Held
		out.held.Each(func(bit uint32) {
			freq, length := tb.At(bit)
			out.scores[bit] = sc.bm25(n, freq, length)
		})
	case kindAll:
		out.held = want
		want.Each(func(bit uint32) { out.scores[bit] = n.factor })
	case kindDocs:
		want.Each(func(bit uint32) {
			if m.docs.Contains(base | bit) {
				out.held.Add(bit)
				out.scores[bit] = 0
			}
		})
	case kindPhrase:
		sc.phraseBlock(n, base, want, out)
	case kindAnd:
		held := want
		want.Each(func(bit uint32) { out.scores[bit] = 0 })
		for i, k := range n.kids {
			r := k.scoreBlock(m.kids[i], b, held, sc)
			out.assumed = out.assumed.Or(r.assumed)
			held = held.And(r.held)
			held.Each(func(bit uint32) { out.scores[bit] += k.times * r.scores[bit] })
		}
		out.held = held
	case kindOr, kindUnitOr, kindSum:
		for i, k := range n.kids {
			r := k.scoreBlock(m.kids[i], b, want, sc)
			out.assumed = out.assumed.Or(r.assumed)
			out.held = out.held.Or(r.held)
		}
		// The kids' scores stay theirs while their parent adds them up: only a
		// node's parent has it score.
		p := &sc.parts
		p.own = segments.Mask{}
		out.held.Each(func(bit uint32) { out.scores[bit], p.floors[bit], p.matched[bit] = 0, 0, 0 })
		for i, k := range n.kids {
			r := &sc.scratch[k.id]
			r.held.Each(func(bit uint32) {
				s := r.scores[bit]
				if n.kind == kindUnitOr && !(s >= 0 && s < n.floor/2) {
					f := math.Floor(s / n.floor)
					s -= f * n.floor
					p.floors[bit] += f
				}
				if i < n.own {
					p.own.Add(bit)
				}
				out.scores[bit] += s
				p.matched[bit]++
			})
		}
		out.held.Each(func(bit uint32) {
			sum := out.scores[bit]
			if n.kind != kindSum {
				sum *= n.coord[p.matched[bit]]
			}
			floors := p.floors[bit]
			if p.own.Has(bit) {
				floors++
			}
			out.scores[bit] = sum + floors*n.floor
		})
	case kindNot:
		r := n.kids[0].scoreBlock(m.kids[0], b, want, sc)
		out.held, out.assumed = r.held, r.assumed
		out.scores = r.scores
		not := n.kids[1].scoreBlock(m.kids[1], b, r.held, sc)
		out.held = out.held.AndNot(not.held)
		out.assumed = out.assumed.Or(not.assumed)
	case kindSquash:
		r := n.kids[0].scoreBlock(m.kids[0], b, want, sc)
		out.held, out.assumed = r.held, r.assumed
		r.held.Each(func(bit uint32) {
			s := r.scores[bit]
			out.scores[bit] = n.scale * s / (1 + s)
		})
	case kindAdjust:
		t := n.n.(Adjust)
		r := n.kids[0].scoreBlock(m.kids[0], b, want, sc)
		out.held, out.assumed = r.held, r.assumed
		off := sc.seg.seg.Offset
		in := sc.adjusted(n).in(t.Docs, off+uint64(base))
		r.held.Each(func(bit uint32) {
			s, num := r.scores[bit], off+uint64(base|bit)
			if in.Has(bit) {
				if r.assumed.Has(bit) {
					s = t.Most(s, s)
				} else {
					s = t.By(num, s)
				}
			}
			out.scores[bit] = s
		})
	}
	return out
}

// phraseBlock is scoreBlock for phrase node n, in the sections want of the block
// whose first section is base: those its known matches hold, with their scores
// (from their terms' tables where an earlier query found them, holdsUnscored), and,
// assumed to hold it, those not checked (see scorer.phrase).
func (sc *scorer) phraseBlock(n *node, base uint32, want segments.Mask, out *blockScores) {
	// The phrase's known sections in the block, found from where scoring one at a
	// time has got to, which reads on from there.
	known := &sc.known[n.phraseNum]
	first, _ := slices.BinarySearch(known.nums[known.at:], base)
	// Those scored from the terms' tables: not checked, or known to hold it unscored.
	var fromTables segments.Mask
	for i := known.at + first; i < len(known.nums) && known.nums[i]-base < tableBlock; i++ {
		bit := known.nums[i] - base
		switch s := known.phraseMatches.score(i); {
		case !want.Has(bit):
		case s == holdsUnscored:
			fromTables.Add(bit)
		default:
			out.held.Add(bit)
			out.scores[bit] = s
		}
	}
	// Those not checked are assumed to hold it, or, under a Not's MustNot, not to.
	unchecked := known.uncheckedIn(base).And(want)
	out.assumed = unchecked
	if !n.negated {
		fromTables = fromTables.Or(unchecked)
	}
	if fromTables == (segments.Mask{}) {
		return
	}
	// The score of a phrase in a section that holds it, as phraseScore computes it
	// from its terms' postings there, found from their postings joined for every
	// candidate of the segment (phraseScores).
	fromTables.Each(func(bit uint32) { out.scores[bit] = 0 })
	jb := sc.joints[n.phraseNum].Block(base>>segments.TableBlockBits, fromTables)
	rows := sc.phraseRows[n.phraseNum]
	jb.Held.Each(func(bit uint32) { out.scores[bit] = rows[jb.Row(bit)] })
	out.held = out.held.Or(fromTables)
}

// phraseAt returns the score of phrase node n in a section that holds it, whose field
// is length tokens long and holds its terms as often as row says: phraseRow's.
func (sc *scorer) phraseAt(n *node, length uint64, row segments.JointRow) float64 {
	if length >= maxMemoLength || !row.Ones() {
		return sc.phraseRow(n, length, row)
	}
	// Where every term is once in the section, the score follows from the length
	// alone (at 1M generated sections, most of a CJK query's phrases' rows: their
	// scores were a sixth of 間葉系幹細胞's CPU).
	one := byLength(&sc.phraseOnes[n.phraseNum], length)
	if *one == 0 {
		*one = sc.phraseRow(n, length, row)
	}
	return *one
}

// phraseRow returns the score of phrase node n in a section whose field is length
// tokens long and which holds its terms as often as row says, as phraseScore computes
// it from their postings there.
func (sc *scorer) phraseRow(n *node, length uint64, row segments.JointRow) float64 {
	var sum float64
	for set, k := range n.kids {
		ids := n.phrase.Sets[set]
		if len(ids) == 1 {
			sum += k.times * sc.bm25(k, row.Freq(ids[0]), length)
			continue
		}
		var score float64
		matched := 0
		for i, id := range ids {
			if freq := row.Freq(id); freq > 0 {
				score += sc.bm25(k.kids[i], freq, length)
				matched++
			}
		}
		score *= float64(matched) / float64(len(ids))
		sum += k.times * score
	}
	return sum
}
