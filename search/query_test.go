package search

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		query string
		want  string // "" for a query that matches everything
	}{
		{"", ""},
		{"   ", ""},
		{"ALS", "ALS"},
		{"spinal cord injury", "(spinal cord injury)"},
		{`"spinal cord" injury`, `("spinal cord" injury)`},
		{`"  spinal   cord  "`, `"spinal cord"`},
		{"-mouse", "-mouse"},
		{`stroke -"in vitro"`, `(stroke -"in vitro")`},
		{"a b OR c", "(a (b OR c))"},
		{"a OR b c", "((a OR b) c)"},
		{"a OR b OR c", "(a OR b OR c)"},
		{"(stroke OR ALS) MSC", "((stroke OR ALS) MSC)"},
		{"-(mouse OR rat) Muse", "(-(mouse OR rat) Muse)"},
		{"NOT mouse", "-mouse"},
		{"stroke AND placebo", "(stroke placebo)"},
		{"stroke or placebo", "(stroke or placebo)"},
		{"IL-6 ALSFRS-R", "(IL-6 ALSFRS-R)"},
		{"HLA-G", "HLA-G"},
		{"10.1016/S0140-6736(20)30211-7", "10.1016/S0140-6736(20)30211-7"},
		{"IL(6) a(b c)", "(IL(6) a b c)"},
		// Lenient reading of malformed input.
		{`"unclosed phrase`, `"unclosed phrase"`},
		{`a "`, "a"},
		{`""`, ""},
		{"- a", "a"},
		{"-", ""},
		{"a -", "a"},
		{"--a", "-a"},
		{"a OR OR b", "(a OR b)"},
		{"OR a", "a"},
		{"a OR", "a"},
		{"OR", ""},
		{"a OR )", "a"},
		{"(a b", "(a b)"},
		{"a b)", "(a b)"},
		{")(", ""},
		{"()", ""},
		{"a ()", "a"},
		{"((a))", "a"},
		{"-(-a)", "a"},
		{"a a a", "a"},
		{"(a OR b) (b OR a)", "((a OR b) (b OR a))"},
		{"a (b c) d", "(a b c d)"},
		// Full-width input reads as ASCII; CJK words stay whole.
		{"ＡＬＳ　脊髄", "(ALS 脊髄)"},
		{"－ｍｏｕｓｅ", "-mouse"},
		{"脊髄損傷 Muse細胞", "(脊髄損傷 Muse細胞)"},
		{"“left ventricular”", `"left ventricular"`},
	}
	for _, tt := range tests {
		got := ""
		if n := Parse(tt.query); n != nil {
			got = n.String()
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.query, got, tt.want)
		}
	}
}

func TestParseDeepNesting(t *testing.T) {
	q := strings.Repeat("(", 100000) + "a" + strings.Repeat(")", 100000)
	if n := Parse(q); n == nil || n.String() != "a" {
		t.Errorf("Parse of deeply nested a = %v, want a", n)
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"", "a b OR c", `"spinal cord" -mouse`, "(a OR (b -c)", `"`, "-", "OR OR",
		"ＡＬＳ　脊髄", "NOT (a", ")(", "a\x00b", "\xff\xfe", "--\"x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		n := Parse(q)
		if n == nil {
			return
		}
		checkNode(t, q, n)
		// Rendering and reparsing a tree gives the same tree.
		if again := Parse(n.String()); again == nil || again.String() != n.String() {
			t.Errorf("Parse(%q) = %s, but reparsing that gives %v", q, n, again)
		}
	})
}

// checkNode asserts the invariants of a simplified tree.
func checkNode(t *testing.T, q string, n Node) {
	t.Helper()
	switch n := n.(type) {
	case Word:
		if n.Text == "" || strings.ContainsAny(n.Text, "\" \t\n") || strings.HasPrefix(n.Text, "-") {
			t.Errorf("Parse(%q): bad word %q", q, n.Text)
		}
		if n.Text == "OR" || n.Text == "AND" || n.Text == "NOT" {
			t.Errorf("Parse(%q): operator %q read as a word", q, n.Text)
		}
	case Phrase:
		if n.Text == "" || strings.ContainsRune(n.Text, '"') {
			t.Errorf("Parse(%q): bad phrase %q", q, n.Text)
		}
	case Not:
		if _, ok := n.Node.(Not); ok {
			t.Errorf("Parse(%q): double negation %s", q, n)
		}
		checkNode(t, q, n.Node)
	case And:
		checkGroup(t, q, n.Nodes, func(c Node) bool { _, ok := c.(And); return ok })
	case Or:
		checkGroup(t, q, n.Nodes, func(c Node) bool { _, ok := c.(Or); return ok })
	default:
		t.Errorf("Parse(%q): unknown node %T", q, n)
	}
}

func checkGroup(t *testing.T, q string, nodes []Node, same func(Node) bool) {
	t.Helper()
	if len(nodes) < 2 {
		t.Errorf("Parse(%q): group of %d nodes", q, len(nodes))
	}
	for _, c := range nodes {
		if same(c) {
			t.Errorf("Parse(%q): unflattened group %s", q, c)
		}
		checkNode(t, q, c)
	}
}
