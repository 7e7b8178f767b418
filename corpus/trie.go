package corpus

import "slices"

// trieNode is a node of a rune trie of terms. A ' ' edge matches any run of separators
// (spaces and dashes) in the text.
type trieNode struct {
	next  map[rune]*trieNode
	terms []int
}

// trie is a rune trie of terms with the set of runes a term can begin with, so that
// most places of a text are passed over without a map lookup.
type trie struct {
	root trieNode
	// starts has a bit for every rune of the Basic Multilingual Plane a term begins
	// with; wideStarts says whether some term begins beyond it.
	starts     [1 << 16 / 64]uint64
	wideStarts bool
}

func (tr *trie) insert(runes []rune, id int) {
	if r := runes[0]; r < 1<<16 {
		tr.starts[r/64] |= 1 << (r % 64)
	} else {
		tr.wideStarts = true
	}
	n := &tr.root
	for _, r := range runes {
		if n.next == nil {
			n.next = make(map[rune]*trieNode)
		}
		child := n.next[r]
		if child == nil {
			child = &trieNode{}
			n.next[r] = child
		}
		n = child
	}
	if !slices.Contains(n.terms, id) {
		n.terms = append(n.terms, id)
	}
}

// termMatch is a term that matches at some start, ending at end.
type termMatch struct {
	term, end int
	// cased says the term is an abbreviation matched in its case; queryWord that it
	// is one matched in lower case, which must then be a whole word of a query.
	cased, queryWord bool
}

// matchTrie appends to out every term of the trie matching text from start.
func matchTrie(tr *trie, text []rune, start int, out []termMatch) []termMatch {
	if r := text[start]; r < 1<<16 && tr.starts[r/64]&(1<<(r%64)) == 0 || r >= 1<<16 && !tr.wideStarts {
		return out
	}
	n := &tr.root
	for j := start; j < len(text) && n.next != nil; {
		r := text[j]
		if isTermSeparator(r) {
			child := n.next[' ']
			if child == nil {
				child = n.next[r]
				if child == nil {
					break
				}
				j++
			} else {
				for j < len(text) && isTermSeparator(text[j]) {
					j++
				}
			}
			n = child
		} else {
			child := n.next[r]
			if child == nil {
				break
			}
			n = child
			j++
		}
		for _, id := range n.terms {
			out = append(out, termMatch{term: id, end: j})
		}
	}
	return out
}
