package corpus

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

// TestMentionsMemo checks that the memo of scanned texts gives what a scan gives, that
// FindConcepts's sorting does not reorder what the memo holds, and that the memo stays
// within memoBytes.
func TestMentionsMemo(t *testing.T) {
	v := theVocabulary()
	// Out of order: the phase comes first in the text but is found after the scan of
	// terms, so FindConcepts sorts.
	text := "A phase 2 randomized trial of mesenchymal stem cells in ALS after HSCT; 脊髄損傷に対するMuse細胞。"
	want := v.scan(text, false)
	if len(want) < 3 {
		t.Fatalf("scan found %d mentions in %q, want several", len(want), text)
	}
	for range 3 {
		FindConcepts(text)
		if got := v.mentions(text); !slices.Equal(got, want) {
			t.Fatalf("mentions = %v, scan = %v", got, want)
		}
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 2000 {
				s := fmt.Sprintf("%d: mesenchymal stem cells for ALS, a randomized trial %d %s", g, i, string(make([]byte, 4096)))
				if got := v.mentions(s); !slices.Equal(got, v.scan(s, false)) {
					t.Errorf("mentions(%.40q) = %v, scan = %v", s, got, v.scan(s, false))
					return
				}
			}
		})
	}
	wg.Wait()
	m := &v.memo
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.bytes > memoBytes || len(m.order) != len(m.found) || len(m.found) == 0 {
		t.Errorf("memo holds %d texts listed %d times in %d bytes, want at most %d bytes", len(m.found), len(m.order), m.bytes, memoBytes)
	}
}
