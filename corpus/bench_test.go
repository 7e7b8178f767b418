package corpus

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
)

// BenchmarkParseBundle parses every bundled file; its MB/s is the corpus reading speed.
func BenchmarkParseBundle(b *testing.B) {
	names, _ := fs.Glob(Bundle, "*.txt")
	var files [][]byte
	size := 0
	for _, n := range names {
		data, _ := fs.ReadFile(Bundle, n)
		files = append(files, data)
		size += len(data)
	}
	b.SetBytes(int64(size))
	for b.Loop() {
		for i, data := range files {
			if _, err := Parse(names[i], data); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkParseLarge parses files near the size limit that stress the slow paths: one
// hard-wrapped paragraph, one line without sentence ends, many headings.
func BenchmarkParseLarge(b *testing.B) {
	const size = 4 << 20
	inputs := map[string]string{
		"wrapped":   "the trial was a randomised study of stem cells in patients with ALS and it\n",
		"one-line":  "word ",
		"headings":  "1) Part\n2) Part\n",
		"sentences": "Muse cells are nice. ",
		"japanese":  "脊髄に到達できるのかを確認するために、検出感度が高いナノランタンを用いた\n",
	}
	for name, unit := range inputs {
		data := []byte(strings.Repeat(unit, size/len(unit)))
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Parse(name+".txt", bytes.Clone(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
