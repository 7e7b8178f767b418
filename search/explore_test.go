package search

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestExplore(t *testing.T) {
	q := os.Getenv("Q")
	if q == "" {
		t.Skip()
	}
	e := bundleEngine(t)
	for _, q := range strings.Split(q, "|") {
		resp, err := e.Search(context.Background(), Request{Query: q, Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("== %q total=%d fuzzy=%v sugg=%q took=%.1fms\n", q, resp.Total, resp.Fuzzy, resp.Suggestion, resp.TookMS)
		for i, h := range resp.Hits {
			fmt.Printf("%2d %.3f %s [%s] %s | %s\n", i+1, h.Score, h.ID, h.Lang, h.Section, h.Snippet)
		}
		for _, f := range FacetOrder {
			fmt.Printf("   %s: %v\n", f, resp.Facets[f])
		}
	}
}

func TestDump(t *testing.T) {
	if os.Getenv("DUMP") == "" {
		t.Skip()
	}
	e := bundleEngine(t)
	for _, id := range strings.Split(os.Getenv("DUMP"), ",") {
		d, err := e.Document(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("### %s %q %s %s\n", d.ID, d.Title, d.Date, d.Lang)
		for _, s := range d.Sections {
			txt := []rune(strings.ReplaceAll(s.Text, "\n", " "))
			fmt.Printf("%s [%s] %q %v %v | %s\n", s.ID, s.Lang, s.Heading, s.Facets, s.Identifiers, string(txt[:min(len(txt), 160)]))
		}
	}
}
