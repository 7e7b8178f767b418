package htmldoc

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"musesearch/corpus/article"
)

// blockElements end the text before them and start a block of their own.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.Header: true, atom.Footer: true, atom.Aside: true, atom.Blockquote: true,
	atom.Pre: true, atom.Figure: true, atom.Figcaption: true, atom.Ul: true, atom.Ol: true,
	atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Table: true, atom.Tr: true,
	atom.Caption: true, atom.Address: true, atom.Details: true, atom.Summary: true,
	atom.Hr: true, atom.Body: true, atom.Center: true, atom.Fieldset: true,
}

var headingLevels = map[atom.Atom]int{atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6}

// blocks turns the element tree under n into headings, paragraphs and list items.
func blocks(n *html.Node) []article.Block {
	var b builder
	b.walk(n)
	b.flush()
	return b.out
}

// builder collects the text of the block being read.
type builder struct {
	out   []article.Block
	text  strings.Builder
	kind  article.Kind // of the block being read
	level int
}

var spaces = regexp.MustCompile(`[ \t\f]+`)

// flush ends the block being read.
func (b *builder) flush() {
	var lines []string
	for _, l := range strings.Split(b.text.String(), "\n") {
		if l = strings.TrimSpace(spaces.ReplaceAllString(l, " ")); l != "" {
			lines = append(lines, l)
		}
	}
	b.text.Reset()
	if len(lines) > 0 {
		b.out = append(b.out, article.Block{Kind: b.kind, Level: b.level, Text: strings.Join(lines, "\n")})
	}
}

// within reads n's children as a block of the given kind.
func (b *builder) within(n *html.Node, kind article.Kind, level int) {
	b.flush()
	outerKind, outerLevel := b.kind, b.level
	b.kind, b.level = kind, level
	b.children(n)
	b.flush()
	b.kind, b.level = outerKind, outerLevel
}

func (b *builder) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.walk(c)
	}
}

func (b *builder) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		b.text.WriteString(n.Data)
		return
	case html.ElementNode:
	default:
		b.children(n)
		return
	}
	if clutterElement(n) {
		return
	}
	switch a := n.DataAtom; {
	case a == atom.Br:
		b.text.WriteByte('\n')
	case a == atom.Sup:
		// A power of ten keeps its exponent apart: 10<sup>7</sup> is 10^7.
		if t := b.text.String(); t != "" && t[len(t)-1] >= '0' && t[len(t)-1] <= '9' {
			b.text.WriteByte('^')
		}
		b.children(n)
	case headingLevels[a] > 0:
		b.within(n, article.Heading, headingLevels[a])
	case a == atom.Li:
		b.within(n, article.Item, 0)
	case a == atom.Td || a == atom.Th:
		if strings.TrimSpace(b.text.String()) != "" {
			b.text.WriteString(" | ")
		}
		b.children(n)
	case a == atom.Img:
		// Images carry no text; their alt text is a caption at most.
	case blockElements[a]:
		b.within(n, b.kind, b.level)
	default:
		b.children(n)
	}
}
