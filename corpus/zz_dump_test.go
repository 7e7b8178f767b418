package corpus

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestZZDump(t *testing.T) {
	pat := os.Getenv("DUMP")
	if pat == "" {
		t.Skip()
	}
	names, _ := filepath.Glob(filepath.Join("testdata", "realworld", pat))
	for _, n := range names {
		data, _ := os.ReadFile(n)
		docs, err := Parse(filepath.Base(n), data)
		if err != nil {
			fmt.Println(n, err)
			continue
		}
		for _, d := range docs {
			m, _ := json.Marshal(d.Meta)
			fmt.Printf("== %s | %q | %s | %s\n   facets %v\n", d.ID, d.Title, d.Date, m, d.Facets())
			if os.Getenv("SECTIONS") != "" {
				for _, s := range d.Sections {
					fmt.Printf("   -- %s %q %q %s %v\n      %s\n", s.ID, s.Path, s.Heading, s.Lang, s.Facets, strings.ReplaceAll(s.Text, "\n", "⏎"))
				}
			}
		}
	}
}
