package library

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"musesearch/corpus"
)

// The shapes of large file BenchmarkAddLarge indexes.
const (
	// shapeJa is the bundled Japanese file repeated, each copy under a heading of
	// its own, its digits shifted and its lines numbered (the parser drops short
	// lines that recur, as page furniture).
	shapeJa = "ja"
	// shapeJaOneLine is shapeJa without line breaks: one paragraph of 10 MB.
	shapeJaOneLine = "ja-oneline"
	// shapeJaShuffled is paragraphs of the Japanese file's characters in a random
	// order: as many distinct words as Japanese text can have, the most an index
	// has to hold for one file.
	shapeJaShuffled = "ja-shuffled"
	// shapeEn is the bundled English files repeated, as shapeJa.
	shapeEn = "en"
)

// largeFile returns a corpus file of the given shape of at most size bytes.
func largeFile(t testing.TB, shape string, size int) []byte {
	t.Helper()
	sources := []string{"003_0b74e965ce623bb2.txt"}
	if shape == shapeEn {
		sources = []string{"000_7296aed5b39c99c6.txt", "002_8645ad6cd1964929.txt", "004_6bdb0a530be4535a.txt"}
	}
	var texts []string
	for _, name := range sources {
		data, err := os.ReadFile(filepath.Join("..", "..", "corpus", "bundle", name))
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(data))
	}
	var b bytes.Buffer
	switch shape {
	case shapeJaShuffled:
		var chars []rune
		for _, r := range texts[0] {
			if r > 0x3000 && !slices.Contains(chars, r) {
				chars = append(chars, r)
			}
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for b.Len() < size {
			for range 50 + rng.IntN(350) {
				b.WriteRune(chars[rng.IntN(len(chars))])
			}
			b.WriteString("。\n\n")
		}
	default:
		for i := 0; b.Len() < size; i++ {
			shift := func(r rune) rune {
				if r >= '0' && r <= '9' {
					return '0' + (r-'0'+rune(i))%10
				}
				return r
			}
			if shape == shapeEn {
				fmt.Fprintf(&b, "\nPart %d: a reprint\n\n", i+1)
			} else {
				fmt.Fprintf(&b, "\n■第%d部 再掲\n\n", i+1)
			}
			for line := range strings.Lines(strings.Map(shift, texts[i%len(texts)])) {
				if strings.TrimSpace(line) != "" {
					line = fmt.Sprintf("%s〔%d〕\n", strings.TrimRight(line, "\n"), i+1)
				}
				b.WriteString(line)
			}
		}
	}
	data := b.Bytes()
	if shape == shapeJaOneLine {
		data = bytes.ReplaceAll(data, []byte("\n"), nil)
	}
	data = data[:min(size, len(data))]
	for !utf8.Valid(data) { // not in the middle of a character
		data = data[:len(data)-1]
	}
	return data
}

// peakMemory samples the Go heap in use until stopped, and reports its peak and the
// process's peak resident size (VmHWM) then.
type peakMemory struct {
	stop chan struct{}
	done sync.WaitGroup
	heap uint64
}

func startPeakMemory() *peakMemory {
	p := &peakMemory{stop: make(chan struct{})}
	p.done.Go(func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			p.heap = max(p.heap, ms.HeapInuse)
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
		}
	})
	return p
}

// end stops sampling and returns the peak heap in use and VmHWM, in MB.
func (p *peakMemory) end() (heapMB, hwmMB float64) {
	close(p.stop)
	p.done.Wait()
	return float64(p.heap) / (1 << 20), float64(vmHWM()) / (1 << 20)
}

// vmHWM is the peak resident size of this process, in bytes (0 where /proc is not).
func vmHWM() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkAddLarge adds a file of the upload limit (10 MB) to an on-disk index and
// reports the peak Go heap in use, the process's peak resident size and the text the
// file's sections hold. Run one shape per process, since VmHWM is the process's peak:
//
//	go test ./internal/library -run '^$' -bench 'AddLarge/ja-shuffled$' -benchtime 1x
func BenchmarkAddLarge(b *testing.B) {
	for _, shape := range []string{shapeJa, shapeJaOneLine, shapeJaShuffled, shapeEn} {
		b.Run(shape, func(b *testing.B) {
			data := largeFile(b, shape, 10<<20)
			docs, err := corpus.Parse("large.txt", data)
			if err != nil {
				b.Fatal(err)
			}
			text := 0
			for _, d := range docs {
				for _, s := range d.Sections {
					text += len(s.Text)
				}
			}
			lib, _ := open(b, newCorpus(b, nil), "", 0)
			runtime.GC()
			b.ResetTimer()
			mem := startPeakMemory()
			for range b.N {
				res, err := lib.Add(context.Background(), "large.txt", bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(res.Sections), "sections")
			}
			b.StopTimer()
			heap, hwm := mem.end()
			b.ReportMetric(heap, "peak-heap-MB")
			b.ReportMetric(hwm, "VmHWM-MB")
			b.ReportMetric(float64(text)/(1<<20), "text-MB")
		})
	}
}
