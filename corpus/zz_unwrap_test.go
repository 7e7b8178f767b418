package corpus

import (
	"fmt"
	"os"
	"testing"
)

func TestZZUnwrap(t *testing.T) {
	f := os.Getenv("UNWRAP")
	if f == "" {
		t.Skip()
	}
	data, _ := os.ReadFile("testdata/realworld/" + f)
	lines := cleanLines(string(data))
	var kept []rawLine
	for _, l := range lines {
		if !l.blank() {
			kept = append(kept, l)
		}
	}
	fmt.Println("cjkWidth", cjkWrapWidth(kept))
	for _, l := range unwrapText(string(data)) {
		fmt.Printf("%q\n", l)
	}
}
