package exec

import (
	"slices"
	"strings"
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
