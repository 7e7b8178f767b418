package trials

import (
	"io/fs"
	"testing"

	"musesearch/corpus"
)

// BenchmarkExtractBundle extracts the trials of every bundled document; its MB/s
// is what extraction adds to indexing, to compare with corpus's BenchmarkParseBundle.
func BenchmarkExtractBundle(b *testing.B) {
	names, _ := fs.Glob(corpus.Bundle, "*.txt")
	var docs []corpus.Document
	size := 0
	for _, n := range names {
		data, _ := fs.ReadFile(corpus.Bundle, n)
		parsed, err := corpus.Parse(n, data)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, parsed...)
		size += len(data)
	}
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, d := range docs {
			Extract(d)
		}
	}
}

// BenchmarkMerge merges the mentions of the bundle copied n times over (the copies as
// documents of their own), as the search engine does after each change of the index.
func BenchmarkMerge(b *testing.B) {
	docs, errs := corpus.ReadDir("../bundle")
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	var one []Mention
	for _, d := range docs {
		one = append(one, Extract(d)...)
	}
	var mentions []Mention
	const copies = 100
	for i := range copies {
		for _, m := range one {
			m.Doc.ID += "-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
			m.Section.ID = m.Doc.ID + "#1"
			mentions = append(mentions, m)
		}
	}
	b.ReportMetric(float64(len(mentions)), "mentions")
	for b.Loop() {
		Merge(mentions)
	}
}
