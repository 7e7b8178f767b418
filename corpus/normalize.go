package corpus

import (
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

var folder = cases.Fold()

// Fold normalises s for matching, never for display: compatibility and width forms
// (NFKC: ＡＬＳ → ALS, （ → (, ｍｇ → mg, half-width katakana → full-width) and case.
func Fold(s string) string {
	return folder.String(norm.NFKC.String(s))
}
