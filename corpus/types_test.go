package corpus

import "testing"

func TestSplitSectionID(t *testing.T) {
	tests := []struct {
		id    string
		doc   string
		n     int
		valid bool
	}{
		{SectionID("muse-als", 3), "muse-als", 3, true},
		{"a#b#12", "a#b", 12, true}, // a file named a#b.txt
		{"muse-als", "", 0, false},
		{"muse-als#", "", 0, false},
		{"muse-als#0", "", 0, false},
		{"muse-als#01", "", 0, false},
		{"muse-als#+1", "", 0, false},
		{"muse-als#s1", "", 0, false},
	}
	for _, tt := range tests {
		doc, n, ok := SplitSectionID(tt.id)
		if doc != tt.doc || n != tt.n || ok != tt.valid {
			t.Errorf("SplitSectionID(%q) = %q, %d, %v; want %q, %d, %v", tt.id, doc, n, ok, tt.doc, tt.n, tt.valid)
		}
	}
}
