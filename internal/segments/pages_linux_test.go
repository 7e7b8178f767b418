package segments

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unsafe"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	zap "github.com/blevesearch/zapx/v17"
	"golang.org/x/sys/unix"
)

// TestOpenDropsCachedPages checks that opening an index drops the pages of the
// segment files this process wrote from the page cache, and leaves those of older
// files unless the segment configuration says Serving: with a file just read whole
// (so cached), the front of its stored fields, which opening a segment does not read,
// is then out of the cache, or still in it. And that a Serving process reads its
// segments without read-ahead: reading a document's stored fields then caches the
// few pages that hold them, not the pages around them.
func TestOpenDropsCachedPages(t *testing.T) {
	dir := t.TempDir()
	var fs unix.Statfs_t
	if err := unix.Statfs(dir, &fs); err != nil || fs.Type == unix.TMPFS_MAGIC {
		t.Skipf("%s is in memory (or unknown: %v): its files' pages are the files", dir, err)
	}
	path := filepath.Join(dir, "index")
	m := textMapping()
	s := bleve.NewTextFieldMapping()
	s.Index = false // stored only: stored fields of some tens of MB, little else
	m.(*mapping.IndexMappingImpl).DefaultMapping.AddFieldMappingsAt("s", s)
	bi, err := bleve.NewUsing(path, m, IndexType, IndexType, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	docs := map[string]map[string]any{}
	text := make([]byte, 6000)
	for i := range 4000 {
		for j := range text {
			text[j] = 'a' + byte(rng.IntN(26))
		}
		docs[fmt.Sprintf("%04d", i)] = map[string]any{"t": fmt.Sprintf("word%d", i%10), "s": string(text)}
	}
	indexBatches(t, bi, []map[string]map[string]any{docs})
	if err := bi.Close(); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(path, "store", "*.zap"))
	if err != nil || len(files) != 1 {
		t.Fatalf(upgrade+"the index's segment files: %v (%v)", files, err)
	}
	file := files[0]
	seg, err := (&zap.ZapPlugin{}).Open(file) // zap's own: no eviction
	if err != nil {
		t.Fatal(err)
	}
	stored := seg.(*zap.Segment).StoredIndexOffset()
	if err := seg.Close(); err != nil {
		t.Fatal(err)
	}
	// Opening a segment reads what follows its stored fields, and the kernel reads the
	// pages around a read fault with it (8 MB in all here), so the test looks at the
	// stored fields' first 4 MB, 20 MB before the end of them.
	const front = 4 << 20
	if stored < 4*front {
		t.Fatalf("the stored fields take %d bytes: too few for the test", stored)
	}

	// readAndOpen reads the file whole, opens the index and returns how many pages of the
	// front are still cached, and how many are once a document's stored text in the
	// front is read, having checked that it reads as it was written.
	readAndOpen := func(config map[string]any) (opened, read int) {
		t.Helper()
		if _, err := os.ReadFile(file); err != nil {
			t.Fatal(err)
		}
		if n := cachedPages(t, file, front); n == 0 {
			t.Skip("the file's pages are not in the page cache after reading it: the test cannot tell an eviction")
		}
		if bi, err = bleve.OpenUsing(path, map[string]any{"segmentConfig": config}); err != nil {
			t.Fatal(err)
		}
		defer bi.Close()
		opened = cachedPages(t, file, front)
		doc, err := bi.Document("0000") // the segment's first document
		if err != nil || doc == nil {
			t.Fatalf("document 0000: %v, %v", doc, err)
		}
		var got string
		doc.VisitFields(func(f index.Field) {
			if f.Name() == "s" {
				got = string(f.Value())
			}
		})
		if got != docs["0000"]["s"] {
			t.Errorf("the stored text of document 0000 reads %.20q…, want %.20q…", got, docs["0000"]["s"])
		}
		return opened, cachedPages(t, file, front)
	}
	if n, _ := readAndOpen(map[string]any{}); n > 0 {
		t.Errorf("%d pages of the stored fields' first 4 MB of a file this process wrote are in the page cache after the index opened", n)
	}
	// A file written before this process started.
	if err := os.Chtimes(file, started.Add(-time.Hour), started.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, config := range []map[string]any{{}, {Serving: false}} {
		if n, _ := readAndOpen(config); n < front/os.Getpagesize() {
			t.Errorf("%d of the %d pages of the stored fields' first 4 MB of an older file are in the page cache after the index opened with %v, want all", n, front/os.Getpagesize(), config)
		}
	}
	// Document 0000's stored fields, some 6 kB, lie in the first three pages of the
	// file; the kernel reads ahead 128 kB or more unless told not to.
	opened, read := readAndOpen(map[string]any{Serving: true})
	if opened > 0 {
		t.Errorf("%d pages of the stored fields' first 4 MB of an older file are in the page cache after the index opened with %s, want none", opened, Serving)
	}
	if read == 0 || read > 3 {
		t.Errorf("%d pages of the stored fields' first 4 MB are in the page cache after a serving process read a document there, want 1 to 3", read)
	}
}

// cachedPages returns how many pages of the first n bytes of the file at path are in
// the page cache.
func cachedPages(t *testing.T, path string, n uint64) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem, err := unix.Mmap(int(f.Fd()), 0, int(n), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(mem)
	page := os.Getpagesize()
	vec := make([]byte, (len(mem)+page-1)/page)
	if _, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&mem[0])), uintptr(len(mem)), uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
		t.Fatal(errno)
	}
	cached := 0
	for _, v := range vec {
		cached += int(v & 1)
	}
	return cached
}
