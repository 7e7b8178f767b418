package corpus

import (
	"fmt"
	"os"
	"testing"
)

func TestZZBlocks(t *testing.T) {
	f := os.Getenv("BLOCKS")
	if f == "" {
		t.Skip()
	}
	data, _ := os.ReadFile("testdata/realworld/" + f)
	lines := cleanLines(string(data))
	logical, _ := unwrap(lines, newDebrisFinder(lines))
	for i, b := range classify(logical) {
		fmt.Printf("%d kind=%d style=%s rank=%d %q\n", i, b.kind, b.style, b.rank, b.text)
	}
}
