package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Node is one node of a parsed query: a Word, a Phrase, an And, an Or or a Not.
type Node interface {
	// String renders the node in the query language, fully parenthesised.
	String() string
}

// Word is one bare word of the query. It matches sections that contain it in any
// language; a word the analysers split into several tokens must match them adjacent.
type Word struct {
	Text string
}

// Phrase is a quoted phrase: its words must appear adjacent and in order. Unlike a
// Word it is taken literally, without cross-language expansion, unless the query
// finds nothing so: then a phrase that is a glossary term is searched in translation.
type Phrase struct {
	Text string
}

// And matches sections that match every one of its nodes (a Not among them excludes).
type And struct {
	Nodes []Node
}

// Or matches sections that match any one of its nodes.
type Or struct {
	Nodes []Node
}

// Not matches the sections its node does not match.
type Not struct {
	Node Node
}

func (w Word) String() string   { return w.Text }
func (p Phrase) String() string { return `"` + p.Text + `"` }
func (n Not) String() string    { return "-" + n.Node.String() }
func (a And) String() string    { return joinNodes(" ", a.Nodes) }
func (o Or) String() string     { return joinNodes(" OR ", o.Nodes) }

// joinNodes renders a group in the query language itself, so that parsing the
// rendering of a tree gives the same tree.
func joinNodes(sep string, nodes []Node) string {
	parts := make([]string, len(nodes))
	for i, n := range nodes {
		parts[i] = n.String()
	}
	return "(" + strings.Join(parts, sep) + ")"
}

// maxDepth bounds the nesting of parentheses the parser follows; deeper parentheses
// are read as plain separators, so a hostile query cannot exhaust the stack.
const maxDepth = 20

// Parse reads a query in the query language:
//
//	spinal cord          words are AND-ed: both must match
//	"spinal cord"        a phrase: adjacent, in this order
//	-mouse  -"in vitro"  exclusion (NOT before an operand works too)
//	stroke OR ischemia   OR binds tighter than the implicit AND: a b OR c = a AND (b OR c)
//	(stroke OR ALS) MSC  parentheses group
//
// Parse never fails: malformed input is read leniently (an unclosed quote or
// parenthesis closes at the end, a lone "-" and a stray ")" are ignored, repeated,
// leading and trailing ORs are dropped). Full-width forms are read as their ASCII
// equivalents. Parse returns nil when the query has no positive or negative term: such
// a query matches every section.
func Parse(query string) Node {
	p := &parser{toks: lex(norm.NFKC.String(query))}
	return simplify(And{Nodes: p.sequence(0)})
}

type tokenKind int

const (
	tokWord tokenKind = iota
	tokPhrase
	tokOpen
	tokClose
	tokOr
	tokNot // "-" glued to an operand, or the NOT keyword
)

type token struct {
	kind tokenKind
	text string
}

// isQuote reports whether r opens or closes a phrase: the ASCII quote and the typographic
// double quotes a word processor or phone keyboard substitutes for it.
func isQuote(r rune) bool {
	return r == '"' || r == '“' || r == '”' || r == '„'
}

func isBreak(r rune) bool {
	return unicode.IsSpace(r) || isQuote(r) || r == '(' || r == ')'
}

// lex splits q into tokens. AND is dropped (conjunction is implicit); OR and NOT are
// operators only when written in capitals, as in PubMed.
func lex(q string) []token {
	var toks []token
	for i := 0; i < len(q); {
		r, size := utf8.DecodeRuneInString(q[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case r == '(':
			toks = append(toks, token{kind: tokOpen})
			i += size
		case r == ')':
			toks = append(toks, token{kind: tokClose})
			i += size
		case isQuote(r):
			i += size
			end := strings.IndexFunc(q[i:], isQuote)
			if end < 0 {
				end = len(q) - i
			}
			if text := strings.Join(strings.Fields(q[i:i+end]), " "); text != "" {
				toks = append(toks, token{kind: tokPhrase, text: text})
			}
			i += end
			if i < len(q) {
				_, size = utf8.DecodeRuneInString(q[i:])
				i += size
			}
		case r == '-':
			// A minus glued to what follows excludes it; a lone one is ignored.
			for i < len(q) && q[i] == '-' {
				i++
			}
			if i < len(q) {
				if next, _ := utf8.DecodeRuneInString(q[i:]); !unicode.IsSpace(next) && next != ')' {
					toks = append(toks, token{kind: tokNot})
				}
			}
		default:
			word := wordAt(q[i:])
			i += len(word)
			switch word {
			case "AND":
			case "OR":
				toks = append(toks, token{kind: tokOr})
			case "NOT":
				toks = append(toks, token{kind: tokNot})
			default:
				toks = append(toks, token{kind: tokWord, text: word})
			}
		}
	}
	return toks
}

// wordAt returns the word s starts with. A parenthesis glued inside a word and closed
// before the word ends belongs to it, as in the DOI 10.1016/S0140-6736(20)30211-7.
func wordAt(s string) string {
	end := 0
	for end < len(s) {
		n := strings.IndexFunc(s[end:], isBreak)
		if n < 0 {
			return s
		}
		end += n
		if s[end] != '(' || end == 0 {
			break
		}
		closing := strings.IndexFunc(s[end+1:], isBreak)
		if closing < 0 || s[end+1+closing] != ')' || closing == 0 {
			break
		}
		end += closing + 2
	}
	return s[:end]
}

type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() (token, bool) {
	if p.pos >= len(p.toks) {
		return token{}, false
	}
	return p.toks[p.pos], true
}

// sequence reads implicitly AND-ed operands up to the end or, inside parentheses, up
// to the closing one (consumed). A stray ")" at the top level is skipped.
func (p *parser) sequence(depth int) []Node {
	var nodes []Node
	for {
		t, ok := p.peek()
		if !ok {
			return nodes
		}
		if t.kind == tokClose {
			p.pos++
			if depth > 0 {
				return nodes
			}
			continue
		}
		if t.kind == tokOr { // leading or repeated OR: nothing to join
			p.pos++
			continue
		}
		if n := p.disjunction(depth); n != nil {
			nodes = append(nodes, n)
		}
	}
}

// disjunction reads operand (OR operand)*. A trailing OR is dropped.
func (p *parser) disjunction(depth int) Node {
	first := p.unary(depth)
	nodes := []Node{}
	if first != nil {
		nodes = append(nodes, first)
	}
	for {
		t, ok := p.peek()
		if !ok || t.kind != tokOr {
			break
		}
		for ok && t.kind == tokOr {
			p.pos++
			t, ok = p.peek()
		}
		if !ok || t.kind == tokClose {
			break
		}
		if n := p.unary(depth); n != nil {
			nodes = append(nodes, n)
		}
	}
	switch len(nodes) {
	case 0:
		return nil
	case 1:
		return nodes[0]
	}
	return Or{Nodes: nodes}
}

// unary reads an optionally negated operand; it returns nil for an empty group or a
// negation with nothing to negate.
func (p *parser) unary(depth int) Node {
	negated := false
	for {
		t, ok := p.peek()
		if !ok || t.kind != tokNot {
			break
		}
		negated = true
		p.pos++
	}
	n := p.primary(depth)
	if n == nil || !negated {
		return n
	}
	return Not{Node: n}
}

func (p *parser) primary(depth int) Node {
	t, ok := p.peek()
	if !ok {
		return nil
	}
	switch t.kind {
	case tokWord:
		p.pos++
		return Word{Text: t.text}
	case tokPhrase:
		p.pos++
		return Phrase{Text: t.text}
	case tokOpen:
		p.pos++
		if depth >= maxDepth {
			return nil
		}
		nodes := p.sequence(depth + 1)
		if len(nodes) == 0 {
			return nil
		}
		return And{Nodes: nodes}
	}
	// An OR or ")" where an operand should be: leave it to the caller.
	return nil
}

// simplify flattens nested And and Or nodes, drops duplicates and double negations,
// and unwraps single-element groups. It returns nil for a query that matches all.
func simplify(n Node) Node {
	switch n := n.(type) {
	case And:
		nodes := flatten(n.Nodes, func(c Node) ([]Node, bool) {
			a, ok := c.(And)
			return a.Nodes, ok
		})
		return group(nodes, func(ns []Node) Node { return And{Nodes: ns} })
	case Or:
		nodes := flatten(n.Nodes, func(c Node) ([]Node, bool) {
			o, ok := c.(Or)
			return o.Nodes, ok
		})
		return group(nodes, func(ns []Node) Node { return Or{Nodes: ns} })
	case Not:
		inner := simplify(n.Node)
		if inner == nil {
			return nil
		}
		if nn, ok := inner.(Not); ok {
			return nn.Node
		}
		return Not{Node: inner}
	}
	return n
}

// flatten simplifies nodes and splices in the children of nodes of the same kind.
func flatten(nodes []Node, same func(Node) ([]Node, bool)) []Node {
	var out []Node
	for _, c := range nodes {
		c = simplify(c)
		if c == nil {
			continue
		}
		if inner, ok := same(c); ok {
			out = append(out, inner...)
			continue
		}
		out = append(out, c)
	}
	return out
}

// group drops duplicate nodes and wraps what is left, unwrapping a single node.
func group(nodes []Node, wrap func([]Node) Node) Node {
	seen := map[string]bool{}
	var out []Node
	for _, c := range nodes {
		key := c.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, c)
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return wrap(out)
}
