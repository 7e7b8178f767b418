package corpus

import (
	"sync"
	"testing"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"ＡＬＳ":     "als",
		"（ALS）":   "(als)",
		"ｍｇ":      "mg",
		"ﾐｭｰｽﾞ細胞": "ミューズ細胞",
		"Muse細胞":  "muse細胞",
		"Straße":  "strasse",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFoldConcurrent fails under -race if Fold shares a case folder between goroutines.
func TestFoldConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 200 {
				if got := Fold("ＭＵＳＥ Cells"); got != "muse cells" {
					t.Errorf("goroutine %d: Fold = %q", i, got)
					return
				}
			}
		})
	}
	wg.Wait()
}
