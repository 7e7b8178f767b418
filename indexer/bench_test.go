package indexer

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"musesearch/corpus"
	"musesearch/internal/cputime"
)

// BenchmarkIndexBundle builds an on-disk index of the bundled corpus from scratch:
// parsing, analysis in every field, and bleve's persistence. It reports the index's
// size on disk.
func BenchmarkIndexBundle(b *testing.B) {
	ctx := context.Background()
	corpusDir := b.TempDir()
	if err := os.CopyFS(corpusDir, corpus.Bundle); err != nil {
		b.Fatal(err)
	}
	kagome() // loaded once per process, not per index
	var size int64
	var sections int
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "index")
		ix, err := Open(ctx, Config{Dir: dir})
		if err != nil {
			b.Fatal(err)
		}
		sum, err := ix.Sync(ctx, corpusDir, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		sections = sum.Sections
		size = dirSize(b, dir)
	}
	b.ReportMetric(float64(sections), "sections")
	b.ReportMetric(float64(size)/1024, "index-KiB")
}

// BenchmarkSyncUnchanged is a restart over an unchanged corpus: stat every file.
func BenchmarkSyncUnchanged(b *testing.B) {
	ctx := context.Background()
	corpusDir := b.TempDir()
	if err := os.CopyFS(corpusDir, corpus.Bundle); err != nil {
		b.Fatal(err)
	}
	// Files written long ago, as in a real corpus, so the sync trusts their stat.
	past := time.Now().Add(-time.Hour)
	entries, _ := os.ReadDir(corpusDir)
	for _, e := range entries {
		os.Chtimes(filepath.Join(corpusDir, e.Name()), past, past)
	}
	ix, err := Open(ctx, Config{Dir: filepath.Join(b.TempDir(), "index")})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Sync(ctx, corpusDir, nil); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		sum, err := ix.Sync(ctx, corpusDir, nil)
		if err != nil || sum.Unchanged != sum.Files {
			b.Fatalf("Sync = %+v, %v", sum, err)
		}
	}
}

// japaneseSample is the Japanese text of the bundled corpus.
func japaneseSample(b *testing.B) string {
	var text strings.Builder
	fs.WalkDir(corpus.Bundle, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(corpus.Bundle, path)
		if err != nil {
			return err
		}
		docs, err := corpus.Parse(path, data)
		if err != nil {
			return nil
		}
		for _, d := range docs {
			for _, s := range d.Sections {
				if s.Lang == "ja" {
					text.WriteString(s.Text)
					text.WriteString("\n")
				}
			}
		}
		return nil
	})
	if text.Len() == 0 {
		b.Fatal("no Japanese section in the bundled corpus")
	}
	return text.String()
}

// BenchmarkAnalyzeJapanese measures kagome tokenisation (the ja analyser) of the
// bundled corpus's Japanese text; BenchmarkAnalyzeStd the bigram and English analyser
// on the same text.
func BenchmarkAnalyzeJapanese(b *testing.B) { benchmarkAnalyzer(b, analyzer{japanese: true}) }

// BenchmarkAnalyzeStd: see BenchmarkAnalyzeJapanese.
func BenchmarkAnalyzeStd(b *testing.B) { benchmarkAnalyzer(b, analyzer{stem: true}) }

func benchmarkAnalyzer(b *testing.B, a analyzer) {
	text := []byte(japaneseSample(b))
	kagome()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		a.Analyze(text)
	}
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// BenchmarkIndexCorpus builds an on-disk index, from scratch, of the corpus directory
// named by MUSESEARCH_BENCH_CORPUS (a generated corpus of thousands of files); it is
// skipped when the variable is not set. It reports sections indexed per second, the
// process's CPU time per build (less sensitive than the wall time to other load on the
// machine; it includes bleve's merges still running at the end) and the index's size
// on disk, which depends on how far those merges got.
func BenchmarkIndexCorpus(b *testing.B) {
	corpusDir := os.Getenv("MUSESEARCH_BENCH_CORPUS")
	if corpusDir == "" {
		b.Skip("set MUSESEARCH_BENCH_CORPUS to a corpus directory")
	}
	ctx := context.Background()
	kagome()
	var size int64
	var sections int
	var elapsed time.Duration
	cpu := -cputime.Of(b)
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "index")
		ix, err := Open(ctx, Config{Dir: dir})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		sum, err := ix.Rebuild(ctx, corpusDir, nil)
		if err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		sections = sum.Sections
		size = dirSize(b, dir)
	}
	cpu += cputime.Of(b)
	b.ReportMetric(float64(sections)*float64(b.N)/elapsed.Seconds(), "sections/s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(size)/(1<<20), "index-MiB")
}

// BenchmarkReadCorpus reads and parses the files of the corpus directory named by
// MUSESEARCH_BENCH_CORPUS and builds their sections' records, on one goroutine: the
// work of indexing that runs ahead of the writer (readChange). It reports the process's
// CPU time per pass, steadier than the wall time on a loaded machine.
func BenchmarkReadCorpus(b *testing.B) {
	corpusDir := os.Getenv("MUSESEARCH_BENCH_CORPUS")
	if corpusDir == "" {
		b.Skip("set MUSESEARCH_BENCH_CORPUS to a corpus directory")
	}
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		b.Fatal(err)
	}
	sections := 0
	cpu := -cputime.Of(b)
	for b.Loop() {
		sections = 0
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(corpusDir, e.Name()))
			if err != nil {
				b.Fatal(err)
			}
			docs, err := corpus.Parse(e.Name(), data)
			if err != nil {
				continue // a file the index skips
			}
			sections += len(newFileSections(e.Name(), docs).records)
		}
	}
	cpu += cputime.Of(b)
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(sections), "sections")
}
