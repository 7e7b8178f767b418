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

// TestSameSentence checks which runes end a sentence between two places of a text:
// those from the first place up to the one before the second.
func TestSameSentence(t *testing.T) {
	text := prepareScan("Muse cells. They home。損傷\nof the cord")
	for _, tt := range []struct {
		a, b int
		want bool
	}{
		{0, 10, true},   // "Muse cells", the full stop at 10 not yet
		{0, 11, false},  // the full stop
		{12, 21, true},  // "They home", 。 at 21 not yet
		{12, 22, false}, // 。
		{22, 24, true},
		{22, 25, false}, // the line break at 24
		{20, 20, true},
		{5, 2, true},
	} {
		if got := text.sameSentence(tt.a, tt.b); got != tt.want {
			t.Errorf("sameSentence(%d, %d) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
