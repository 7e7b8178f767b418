package corpus

import (
	"sync"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// folders pools case folders: a cases.Caser keeps state and must not be shared between
// goroutines, and Fold runs for every token the indexer analyses.
var folders = sync.Pool{New: func() any { c := cases.Fold(); return &c }}

// Fold normalises s for matching, never for display: compatibility and width forms
// (NFKC: ＡＬＳ → ALS, （ → (, ｍｇ → mg, half-width katakana → full-width) and case.
func Fold(s string) string {
	c := folders.Get().(*cases.Caser)
	defer folders.Put(c)
	return c.String(norm.NFKC.String(s))
}
