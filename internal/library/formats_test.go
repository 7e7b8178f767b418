package library

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"musesearch/corpus/pdf"
)

// TestWatchPicksUpEveryFormat drops a file of each format the corpus reads into the
// watched directory: each is searchable within a second (a PDF within its reading
// time, bounded by pdf.Timeout), and an encrypted PDF is skipped without holding up
// the others.
func TestWatchPicksUpEveryFormat(t *testing.T) {
	dir := newCorpus(t, seedCorpus)
	lib, _ := open(t, dir, "", 0)
	startWatch(t, lib)
	copyFixture := func(from, to string) {
		t.Helper()
		data, err := os.ReadFile(filepath.Join("..", "..", "corpus", from))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, to, string(data))
	}
	copyFixture("pdf/testdata/encrypted.pdf", "secret.pdf")
	tests := []struct {
		from, to, word string
		ids            []string
		within         time.Duration
	}{
		{"htmldoc/testdata/news_zh_gb18030.html", "news.html", "软骨厚度", []string{"news"}, soon},
		{"pubmed/testdata/msc.nbib", "pubmed.nbib", "escalation", []string{"pubmed-1"}, soon},
		{"pubmed/testdata/trials.xml", "trials.xml", "Rankin", []string{"trials-1"}, soon},
		{"ctgov/testdata/observational.json", "registry.json", "registry", []string{"registry"}, soon},
		{"ctgov/testdata/studies.csv", "studies.csv", "Nagoya", []string{"studies-1"}, soon},
		{"pdf/testdata/numbered_en.pdf", "report.pdf", "chromatography", []string{"report"}, soon + pdf.Timeout},
	}
	for _, tt := range tests {
		copyFixture(tt.from, tt.to)
		start := time.Now()
		eventually(t, lib, tt.word, tt.ids, tt.within)
		t.Logf("%s searchable after %v", tt.to, time.Since(start).Round(time.Millisecond))
	}
	if n := lib.Stats().Rejected[RejectUnreadable]; n != 1 {
		t.Errorf("Stats.Rejected[unreadable] = %d, want 1 (the encrypted PDF)", n)
	}
}
