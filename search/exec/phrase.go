package exec

import (
	"context"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"musesearch/internal/segments"
)

// PhraseShape is a phrase of terms at consecutive positions, arranged for matching:
// its distinct terms, numbered, and the distinct sets of them its positions accept.
type PhraseShape struct {
	// Terms are the distinct terms, by number.
	Terms []string
	// Sets are the distinct sets of terms the positions accept, as term numbers;
	// Uses[s] is how many positions accept set s.
	Sets [][]int
	Uses []int
	// Slots holds the set of each phrase position, -1 for a gap (any token); Filled
	// lists the positions with a set, in order.
	Slots  []int
	Filled []int
	ids    map[string]int
}

// NewPhraseShape arranges pattern, the terms each position accepts (none: any
// token).
func NewPhraseShape(pattern [][]string) *PhraseShape {
	s := &PhraseShape{ids: map[string]int{}, Slots: make([]int, len(pattern))}
	bySet := map[string]int{}
	for i, accepted := range pattern {
		if len(accepted) == 0 {
			s.Slots[i] = -1
			continue
		}
		key := strings.Join(accepted, "\x00")
		set, ok := bySet[key]
		if !ok {
			set = len(s.Sets)
			bySet[key] = set
			ids := make([]int, len(accepted))
			for k, term := range accepted {
				id, ok := s.ids[term]
				if !ok {
					id = len(s.Terms)
					s.ids[term] = id
					s.Terms = append(s.Terms, term)
				}
				ids[k] = id
			}
			s.Sets = append(s.Sets, ids)
			s.Uses = append(s.Uses, 0)
		}
		s.Uses[set]++
		s.Slots[i] = set
		s.Filled = append(s.Filled, i)
	}
	return s
}

// ID returns the number of term, or -1 for a term not in the phrase.
func (s *PhraseShape) ID(term string) int {
	if id, ok := s.ids[term]; ok {
		return id
	}
	return -1
}

// PhraseMatcher checks sections for a phrase, one at a time: TermPos holds, by term
// number, the positions in the section's field of each term, which Match reads.
type PhraseMatcher struct {
	shape   *PhraseShape
	TermPos [][]uint64
	setPos  [][]uint64
	cursor  []int
}

// NewMatcher returns a matcher of the phrase; it is for one goroutine.
func (s *PhraseShape) NewMatcher() *PhraseMatcher {
	return &PhraseMatcher{shape: s, TermPos: make([][]uint64, len(s.Terms)), setPos: make([][]uint64, len(s.Sets)), cursor: make([]int, len(s.Slots))}
}

// Reset empties TermPos for the next section.
func (m *PhraseMatcher) Reset() {
	for i := range m.TermPos {
		m.TermPos[i] = m.TermPos[i][:0]
	}
}

// Match reports whether the positions in TermPos hold the phrase, and how many
// positions it compared. Its cost is the terms' positions plus, for each position of
// the rarest set, at most the phrase's length: the candidate starts are those the
// rarest set gives, and every other position reads its set's positions once, forward,
// as the starts increase.
func (m *PhraseMatcher) Match() (bool, int64) {
	// A term read twice (of two sets, {cell} and {cell, cells}) counts once.
	for i, p := range m.TermPos {
		slices.Sort(p)
		m.TermPos[i] = slices.Compact(p)
	}
	for set, ids := range m.shape.Sets {
		if len(ids) == 1 {
			m.setPos[set] = m.TermPos[ids[0]]
			continue
		}
		merged := m.setPos[set][:0]
		for _, id := range ids {
			merged = append(merged, m.TermPos[id]...)
		}
		slices.Sort(merged)
		m.setPos[set] = slices.Compact(merged)
	}
	slots, filled, setPos := m.shape.Slots, m.shape.Filled, m.setPos
	anchor := filled[0]
	for _, i := range filled {
		if len(setPos[slots[i]]) < len(setPos[slots[anchor]]) {
			anchor = i
		}
		m.cursor[i] = 0
	}
	var compared int64
starts:
	for _, p := range setPos[slots[anchor]] {
		if p < uint64(anchor) {
			continue
		}
		start := p - uint64(anchor)
		for _, i := range filled {
			if i == anchor {
				continue
			}
			at, want := setPos[slots[i]], start+uint64(i)
			c := m.cursor[i]
			for c < len(at) && at[c] < want {
				c++
				compared++
			}
			m.cursor[i] = c
			compared++
			if c == len(at) {
				return false, compared // no later start has a term here either
			}
			if at[c] != want {
				continue starts
			}
		}
		return true, compared
	}
	return false, compared
}

// phraseCheck is the check of candidates of phrase n in segment seg (of the query's
// segments): those that hold it, and its score in each, go to out. kept, when not
// nil, are the candidates to check, for later queries: which of them hold the phrase
// is kept (Positions); remembered are those of the candidates an earlier query
// checked that hold it, not checked again.
type phraseCheck struct {
	n          *node
	seg        int
	candidates *roaring.Bitmap
	out        phraseMatches
	kept       *roaring.Bitmap
	remembered phraseMatches
	// held are the remembered as a bitmap (nil: none): both are needed, made on
	// phraseChecks' two cores.
	held *roaring.Bitmap
}

// phraseChecks returns the checks of the candidates of each phrase of the plan in
// its i-th segment that Prepare checks (phraseSets.decides), less those checked
// before, whose holders it takes from q.positions.
func (q *Query) phraseChecks(i int) []*phraseCheck {
	var out []*phraseCheck
	for p, n := range q.phrases {
		c := &phraseCheck{n: n, seg: i, candidates: q.segs[i].phrases[p].decides}
		out = append(out, c)
		if q.positions == nil || c.candidates.IsEmpty() {
			continue
		}
		if h, ok := q.holdersOf(&q.segs[i], n); ok {
			var rest *roaring.Bitmap
			if c.held, rest = h.split(c.candidates); rest != c.candidates {
				c.remembered = phraseMatches{nums: c.held.ToArray()}
				q.remembered.Add(1)
			}
			c.candidates = rest
		}
		if !c.candidates.IsEmpty() {
			c.kept = c.candidates.Clone()
		}
	}
	return out
}

// matchPhrases makes checks, those of each segment (phraseChecks): it checks their
// candidates for whether they hold the phrase (its terms at consecutive positions),
// on two cores as split says (see Prepare), scoring each from the postings read to
// check it. It returns, by segment and phrase number, those that do, and the same as
// bitmaps.
func (q *Query) matchPhrases(ctx context.Context, checks [][]*phraseCheck, split uint64) ([][]phraseMatches, [][]*roaring.Bitmap, error) {
	heads, tails := slices.Concat(checks...), []*phraseCheck(nil)
	checkAll := func(checks []*phraseCheck) func(context.Context) error {
		return func(ctx context.Context) error {
			for _, c := range checks {
				if err := q.check(ctx, c); err != nil {
					return err
				}
			}
			return nil
		}
	}
	if split == 0 || len(heads) == 0 {
		if err := checkAll(heads)(ctx); err != nil {
			return nil, nil, err
		}
	} else {
		var work [2]uint64 // the candidates given to the heads and to the tails
		for _, c := range heads {
			tail := &phraseCheck{n: c.n, seg: c.seg, candidates: roaring.New()}
			switch n := c.candidates.GetCardinality(); {
			case n >= split:
				mid, err := c.candidates.Select(uint32(n / 2))
				if err != nil {
					return nil, nil, err
				}
				// Halves of copies: the candidates may be the phrase's decides.
				tail.candidates = c.candidates.Clone()
				tail.candidates.RemoveRange(0, uint64(mid))
				c.candidates = c.candidates.Clone()
				c.candidates.RemoveRange(uint64(mid), uint64(q.segs[c.seg].seg.Count()))
				work[0], work[1] = work[0]+n/2, work[1]+n-n/2
			case work[1] < work[0]:
				tail.candidates, c.candidates = c.candidates, tail.candidates
				work[1] += n
			default:
				work[0] += n
			}
			tails = append(tails, tail)
		}
		if err := both(ctx, checkAll(heads), checkAll(tails)); err != nil {
			return nil, nil, err
		}
		for i, c := range heads {
			c.out.nums = append(c.out.nums, tails[i].out.nums...)
			c.out.scores = append(c.out.scores, tails[i].out.scores...)
		}
	}
	found, holders := make([][]phraseMatches, len(q.segs)), make([][]*roaring.Bitmap, len(q.segs))
	for _, c := range heads {
		if c.kept != nil {
			q.positions.remember(q.segs[c.seg].seg, c.n.phraseKey, c.out.nums, c.kept)
		}
		found[c.seg] = append(found[c.seg], c.remembered.merge(c.out))
		held := c.held
		switch {
		case held == nil:
			held = roaring.BitmapOf(c.out.nums...)
		case len(c.out.nums) > 0:
			held = roaring.Or(held, roaring.BitmapOf(c.out.nums...))
		}
		holders[c.seg] = append(holders[c.seg], held)
	}
	return found, holders, nil
}

// phraseHolders are the sections of a segment that hold a phrase, segment-local,
// of checked, the candidates queries checked (those that held all its terms, less
// those the snapshot of the check had deleted): where a query's match depended on the
// phrase (Prepare), or its score (scoring). A value never changes once kept: more
// checks make a new one.
type phraseHolders struct {
	holds, checked *roaring.Bitmap
	// checkedBits are checked as dense bits by segment-local number, which Prepare
	// takes from a phrase's candidates word by word.
	checkedBits []uint64
}

// remember adds to what p keeps of a phrase in seg that the candidates checked were
// checked, and of them those of holds hold it.
func (p *Positions) remember(seg segments.Segment, phraseKey string, holds []uint32, checked *roaring.Bitmap) {
	p.holders.Update(seg, phraseKey, func(h *phraseHolders, ok bool) *phraseHolders {
		out := &phraseHolders{holds: roaring.BitmapOf(holds...), checked: checked.Clone()}
		if ok {
			out.holds.Or(h.holds)
			out.checked.Or(h.checked)
		}
		out.checkedBits = out.checked.ToDense()
		return out
	})
}

// split returns those of candidates that were checked and hold the phrase, and
// those not checked (candidates itself, and no holders, when none were). The
// sections that hold it were all checked: those of candidates that hold it are those
// of the checked candidates.
func (h *phraseHolders) split(candidates *roaring.Bitmap) (holders, rest *roaring.Bitmap) {
	rest = roaring.AndNot(candidates, h.checked)
	if rest.GetCardinality() == candidates.GetCardinality() {
		return nil, candidates
	}
	return roaring.And(h.holds, candidates), rest
}

// takeFrom returns those of sections, dense bits by segment-local number, that the
// checks h keeps found to hold the phrase, scored holdsUnscored, and clears from
// sections every one they checked.
func (h *phraseHolders) takeFrom(sections []uint64) phraseMatches {
	var out phraseMatches
	h.holds.Iterate(func(x uint32) bool {
		if has(sections, x) {
			out.nums = append(out.nums, x)
		}
		return true
	})
	andNotWords(sections, h.checkedBits)
	return out
}

// andNotWords clears from dense bits those of dense bits o.
func andNotWords(bits, o []uint64) {
	for w, x := range o[:min(len(o), len(bits))] {
		bits[w] &^= x
	}
}

// has reports whether dense bits hold x.
func has(bits []uint64, x uint32) bool {
	w := int(x / 64)
	return w < len(bits) && bits[w]&(1<<(x%64)) != 0
}

// uncheckedOf returns those of a phrase's candidates that are not among checked,
// some of the candidates, as dense bits by segment-local number (nil, or none set,
// for none). Where checked are all of them (a phrase alone, whose every candidate
// Prepare checks), none; at least half of them, roaring's difference finds few or
// none left; fewer (at 1M, a CJK query's phrases have some 150,000 candidates a
// search, a sixth of them checked), those checked are cleared one at a time from the
// candidates' bits, with no difference made and copied.
func uncheckedOf(candidates, checked *roaring.Bitmap) []uint64 {
	switch n, all := checked.GetCardinality(), candidates.GetCardinality(); {
	case n == all:
		return nil
	case 2*n >= all:
		if rest := roaring.AndNot(candidates, checked); !rest.IsEmpty() {
			return rest.ToDense()
		}
		return nil
	}
	bits := candidates.ToDense()
	checked.Iterate(func(x uint32) bool {
		if w := int(x / 64); w < len(bits) {
			bits[w] &^= 1 << (x % 64)
			return true
		}
		return false
	})
	return bits
}

// holdersOf returns what q's Positions keeps of the candidates of phrase n checked
// in segment s, ok false for none.
func (q *Query) holdersOf(s *segment, n *node) (h *phraseHolders, ok bool) {
	if q.positions == nil {
		return nil, false
	}
	return q.positions.holders.Peek(s.seg, n.phraseKey)
}

// merge returns the sections of m and o, which have none in common, in order, with
// their scores.
func (m phraseMatches) merge(o phraseMatches) phraseMatches {
	switch {
	case len(m.nums) == 0:
		return o
	case len(o.nums) == 0:
		return m
	}
	out := phraseMatches{nums: make([]uint32, 0, len(m.nums)+len(o.nums))}
	if m.scores != nil || o.scores != nil {
		out.scores = make([]float64, 0, len(m.nums)+len(o.nums))
	}
	i, j := 0, 0
	for i < len(m.nums) || j < len(o.nums) {
		from, k := &m, i
		if j < len(o.nums) && (i == len(m.nums) || o.nums[j] < m.nums[i]) {
			from, k = &o, j
			j++
		} else {
			i++
		}
		out.nums = append(out.nums, from.nums[k])
		if out.scores != nil {
			out.scores = append(out.scores, from.score(k))
		}
	}
	return out
}

// size is roughly the memory h takes, in bytes.
func (h *phraseHolders) size() int {
	return 88 + int(h.holds.GetSizeInBytes()+h.checked.GetSizeInBytes()) + 8*len(h.checkedBits)
}

// check checks the candidates of c.
func (q *Query) check(ctx context.Context, c *phraseCheck) error {
	if c.candidates.IsEmpty() {
		return nil
	}
	s := &q.segs[c.seg]
	checker := q.newChecker(c.n, s, s.phrases[c.n.phraseNum].tables)
	buf := make([]uint32, 256)
	it := c.candidates.ManyIterator()
	checked := 0
	for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
		if checked += k; checked >= checkEvery {
			checked = 0
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for _, num := range buf[:k] {
			postings, err := checker.holds(num)
			if err != nil {
				return err
			}
			if postings != nil {
				c.out.nums = append(c.out.nums, num)
				c.out.scores = append(c.out.scores, c.n.phraseScore(postings))
			}
		}
	}
	return ctx.Err()
}

// checker checks candidates of a phrase in a segment for whether they hold it, in
// the order of their numbers, on one goroutine: it holds a reader of the positions
// of each of the phrase's terms.
type checker struct {
	q        *Query
	readers  []postingsReader    // by the phrase's term number
	postings []*segments.Posting // the last candidate's, likewise
	matcher  *PhraseMatcher
}

// postingsReader reads a term's postings with their positions, forward: a
// segments.PostingsReader of zap's postings, or a segments.PositionsReader of a
// table of them.
type postingsReader interface {
	Advance(num uint32) (*segments.Posting, error)
}

// newChecker returns a checker of phrase n's candidates in segment s, which reads
// the positions of its terms from tables, by term number, where not nil.
func (q *Query) newChecker(n *node, s *segment, tables []*segments.PositionsTable) *checker {
	c := &checker{q: q, readers: make([]postingsReader, len(n.termOf)), postings: make([]*segments.Posting, len(n.termOf)), matcher: n.phrase.NewMatcher()}
	for id, t := range n.termOf {
		if tables[id] != nil {
			c.readers[id] = tables[id].Reader()
		} else {
			c.readers[id] = s.terms[t].Reader(true)
		}
	}
	return c
}

// Positions keeps tables of the positions of phrases' terms, by segment, field and
// term, for the segments of the last snapshot searched: a table holds in every
// snapshot that shares its segment (it is read with its deleted documents). It also
// keeps which terms queries read from zap's postings, for positionTables' rule, and,
// by segment and phrase, which of the candidates queries checked there hold it,
// where their matches or scores depended on it: a later query (the same search
// again, its next page, a filter or facet chosen, another search of the phrase)
// checks none of them again; and the phrase's candidates in the whole segment. It is
// safe for concurrent use.
type Positions struct {
	tables     *segments.Memo[fieldTerm, *segments.PositionsTable]
	walked     *segments.Memo[fieldTerm, struct{}]
	holders    *segments.Memo[string, *phraseHolders]
	candidates *segments.Memo[string, *roaring.Bitmap]
}

// maxPositionBytes bounds the memory of the tables a Positions keeps; past it, it
// forgets the tables it read first. A table takes 8 bytes a posting and 2 a
// position; the serving process aims at 1 GB and took 0.85 GB at 1M sections
// without them. The phrases of the benchmark's whole mix took 87 MB there.
const maxPositionBytes = 96 << 20

// maxHolderBytes bounds the memory of the sections that hold phrases a Positions
// keeps: two bitmaps of a phrase in a segment, some kilobytes to a hundred.
const maxHolderBytes = 16 << 20

// maxCandidateBytes bounds the memory of the phrases' candidates a Positions keeps
// (segment.candidates): at 1M generated sections, those of the benchmark's whole mix
// took 2 MB.
const maxCandidateBytes = 16 << 20

// maxWalkedTerms bounds the terms a Positions remembers having read from zap's
// postings (a hundred bytes each): the terms of the phrases of a thousand or so
// queries in a few segments.
const maxWalkedTerms = 16384

// NewPositions returns an empty Positions.
func NewPositions() *Positions {
	return &Positions{
		tables:  segments.NewMemo[fieldTerm, *segments.PositionsTable](maxPositionBytes, (*segments.PositionsTable).Size),
		walked:  segments.NewMemo[fieldTerm, struct{}](maxWalkedTerms, nil),
		holders: segments.NewMemo[string, *phraseHolders](maxHolderBytes, (*phraseHolders).size),
		candidates: segments.NewMemo[string, *roaring.Bitmap](maxCandidateBytes, func(b *roaring.Bitmap) int {
			return int(b.GetSizeInBytes())
		}),
	}
}

// Bytes is roughly the memory of the tables p keeps.
func (p *Positions) Bytes() int { return p.tables.Cost() }

// positionsShare says when a query builds a table of a phrase's term in a segment
// the first time it reads it: when the candidates it checks there are at least
// 1/positionsShare of the term's postings. Building a table reads every posting of
// the term, and on a segment of 20,000 documents (segments' BenchmarkPositions) cost
// 230 ns a posting, where checking candidates on zap's postings cost, a posting of
// the term, 195-210 ns for every posting, 120-132 for one in 2, 51-74 for one in 4,
// and still 15-36 for one in 64 to 1024 (zap decodes the postings of every chunk of
// some 1,024 that holds a candidate up to it). Reading a table costs 12-18 ns a
// posting for every posting, less than 1 for one in 16. A table built at once
// spares a repeated query one read of zap's postings, and costs a query never
// repeated the difference: so a query builds at once only where it checks every
// posting, for about a tenth more than zap's (at one in 2, the 100k index's Chinese
// query took 47% more CPU); otherwise it reads zap's, and the next query that reads
// the term there builds its table.
const positionsShare = 1

// positionTables sets, for each phrase in segment s, its candidates that Prepare
// checks (those among the undecided sections), and the tables its terms' positions
// are read from: those q.positions holds, and those it builds, by positionsShare's
// rule, for those candidates. Without q.positions, every position is read from zap's
// postings.
func (q *Query) positionTables(s *segment, undecided *roaring.Bitmap) error {
	for p, n := range q.phrases {
		sets := &s.phrases[p]
		sets.tables, sets.scoring = make([]*segments.PositionsTable, len(n.termOf)), &scoringTables{}
		sets.decides = roaring.And(sets.candidates, undecided)
		if q.positions == nil {
			continue
		}
		checked := sets.decides.GetCardinality()
		for id, t := range n.termOf {
			var err error
			if sets.tables[id], err = q.positionTable(s, n, id, t, checked); err != nil {
				return err
			}
		}
	}
	return nil
}

// scoringTables returns the tables that scoring reads the positions of phrase n's
// terms from in segment s, by term number: where Prepare checked candidates there,
// those it read; otherwise those positionTable gives for one candidate: scoring
// reads some of them, often few (those of the blocks that may hold the best
// sections), so it builds tables only for the next query that reads the terms.
func (q *Query) scoringTables(n *node, s *segment) ([]*segments.PositionsTable, error) {
	sets := &s.phrases[n.phraseNum]
	if q.positions == nil || !sets.decides.IsEmpty() {
		return sets.tables, nil
	}
	st := sets.scoring
	st.once.Do(func() {
		st.tables = make([]*segments.PositionsTable, len(n.termOf))
		for id, t := range n.termOf {
			if st.tables[id], st.err = q.positionTable(s, n, id, t, 1); st.err != nil {
				return
			}
		}
	})
	return st.tables, st.err
}

// positionTable returns the table of the positions of term id of phrase n, term
// node t, in segment s, for a query that checks checked candidates there, nil to
// read zap's postings.
func (q *Query) positionTable(s *segment, n *node, id, t int, checked uint64) (*segments.PositionsTable, error) {
	pos, seg := q.positions, s.seg
	key, postings := fieldTerm{n.n.(Phrase).Field, n.phrase.Terms[id]}, s.terms[t].Docs().GetCardinality()
	if table, ok := pos.tables.Peek(seg, key); ok || checked == 0 {
		return table, nil
	}
	if checked*positionsShare < postings {
		if _, ok := pos.walked.Peek(seg, key); !ok {
			_, err := pos.walked.Get(seg, key, func() (struct{}, error) { return struct{}{}, nil })
			return nil, err
		}
	}
	return pos.tables.Get(seg, key, func() (*segments.PositionsTable, error) {
		q.tables.Add(1)
		return segments.ReadPositions(seg, key.field, key.term)
	})
}

// read returns the postings of the phrase's terms in candidate num (segment-local),
// not before the last read, nil for a term it lacks, valid until the next read of
// another candidate (reading one again reads nothing).
func (c *checker) read(num uint32) ([]*segments.Posting, error) {
	for id, r := range c.readers {
		p, err := r.Advance(num)
		if err != nil {
			return nil, err
		}
		c.postings[id] = p
	}
	return c.postings, nil
}

// holds returns, when candidate num (segment-local), not before the last read,
// holds the phrase, the postings of its terms there as read returns them; nil when
// it does not.
func (c *checker) holds(num uint32) ([]*segments.Posting, error) {
	c.q.checks.Add(1)
	postings, err := c.read(num)
	if err != nil {
		return nil, err
	}
	c.matcher.Reset()
	for id, p := range postings {
		if p != nil {
			c.matcher.TermPos[id] = append(c.matcher.TermPos[id], p.Positions...)
		}
	}
	if ok, _ := c.matcher.Match(); !ok {
		return nil, nil
	}
	return postings, nil
}

// phraseScore is the score of phrase n in a section that holds it, whose postings of
// the phrase's terms (by term number, nil for a term it lacks) are postings: the
// score of each of its sets of terms as node.score gives it, times the positions
// that accept the set.
func (n *node) phraseScore(postings []*segments.Posting) float64 {
	var sum float64
	for set, k := range n.kids {
		var score float64
		if ids := n.phrase.Sets[set]; len(ids) == 1 {
			p := postings[ids[0]]
			score = k.bm25(p.Freq, k.lengthPart(p.Length))
		} else {
			matched := 0
			for i, id := range ids {
				if p := postings[id]; p != nil {
					score += k.kids[i].bm25(p.Freq, k.kids[i].lengthPart(p.Length))
					matched++
				}
			}
			score *= float64(matched) / float64(len(ids))
		}
		sum += k.times * score
	}
	return sum
}

// both runs a and b at once, b on a goroutine of its own, and returns the first error
// of a and b. However a ends, b is stopped and waited for before both returns: both
// read a snapshot their caller closes. A panic of b (scorch panics reading some
// damaged segments) panics the caller, as a panic of a does.
func both(ctx context.Context, a, b func(context.Context) error) error {
	bctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	var bErr error
	var bPanic any
	go func() {
		defer close(done)
		defer func() { bPanic = recover() }()
		bErr = b(bctx)
	}()
	defer func() {
		stop()
		<-done
	}()
	err := a(ctx)
	if err != nil {
		stop()
	}
	<-done
	if bPanic != nil {
		panic(bPanic)
	}
	if err == nil {
		err = bErr
	}
	return err
}
