package indexer

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"musesearch/corpus"
)

// Reading and parsing corpus files runs in a few goroutines ahead of the writer, which
// takes their results in the order of the files, so that the index does not depend on
// scheduling. These bound what is read but not yet written: enough files to keep the
// readers busy while the writer commits a batch, and not too much memory when the
// files are large (a file larger than readAheadBytes is read alone). 512 files with
// 2 MB analysed ahead (below) peaked 0.4 to 0.8 GB higher on the 10k scale corpus, and
// more time in the kernel, for no CPU or wall time saved that a loaded machine showed.
const (
	readAheadFiles = 256
	readAheadBytes = 32 << 20
)

// readAheadAnalysed bounds the text of the files analysed ahead of the writer (see
// fileSections.analyse), whose analysis takes about 150 bytes a token, a token for
// every one or two characters of CJK text (about 80 bytes a byte of text, all fields
// together): about what the readers analyse while the writer's batch builds its
// segment (a third of a batch of the scale corpus). Files beyond it are analysed in
// the batch, as are files of more than maxPartBytes of text, which are indexed in
// parts.
const readAheadAnalysed = 1 << 20

// readWindow counts the files and bytes read ahead of the writer, and the bytes of
// text analysed ahead.
type readWindow struct {
	mu       sync.Mutex
	changed  sync.Cond
	files    int
	bytes    int64
	analysed int
	stopped  bool
}

// analyse reports whether there is room to analyse n bytes of text ahead, and takes
// it if so; the caller gives it back with leave.
func (rw *readWindow) analyse(n int) bool {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if n > maxPartBytes || rw.analysed+n > readAheadAnalysed {
		return false
	}
	rw.analysed += n
	return true
}

// enter waits for room for a file of size bytes, and reports false once stopped.
func (rw *readWindow) enter(size int64) bool {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	for !rw.stopped && rw.files > 0 && (rw.files >= readAheadFiles || rw.bytes+size > readAheadBytes) {
		rw.changed.Wait()
	}
	rw.files++
	rw.bytes += size
	return !rw.stopped
}

// leave gives back the room of a file of size bytes, of which analysed bytes of text
// were analysed ahead.
func (rw *readWindow) leave(size int64, analysed int) {
	rw.mu.Lock()
	rw.files--
	rw.bytes -= size
	rw.analysed -= analysed
	rw.mu.Unlock()
	rw.changed.Broadcast()
}

func (rw *readWindow) stop() {
	rw.mu.Lock()
	rw.stopped = true
	rw.mu.Unlock()
	rw.changed.Broadcast()
}

// fileChange is what a corpus file needs, found by readChange ahead of the writer.
type fileChange struct {
	// old is the file's record in the index, nil when it has none.
	old *fileRecord
	// action is FileSkipped (for reason), FileUnchanged, or FileAdded or FileUpdated
	// to index sections recorded as rec.
	action   Action
	reason   string
	rec      *fileRecord
	sections fileSections
	// touched is set for an unchanged file whose new stat is to be recorded (old holds
	// it), so that the next sync need not read it.
	touched bool
	// analysed is the room the file takes in the window's budget of text analysed
	// ahead (readAheadAnalysed).
	analysed int
	// err is a fault of the index.
	err error
}

// readAhead starts reading and parsing files in the background. changes(i) waits for
// the change of files[i]; call it for each file in order. stop ends the background work
// and waits for it: call it before the index may be closed.
func (ix *Index) readAhead(w *writer, dir string, files []os.DirEntry) (changes func(int) fileChange, stop func()) {
	results := make([]chan fileChange, len(files))
	sizes := make([]int64, len(files))
	for i := range results {
		results[i] = make(chan fileChange, 1)
	}
	window := &readWindow{}
	window.changed.L = &window.mu
	jobs := make(chan int)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(jobs)
		for i, e := range files {
			if info, err := e.Info(); err == nil {
				sizes[i] = info.Size()
			}
			if !window.enter(sizes[i]) {
				return
			}
			jobs <- i
		}
	})
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range jobs {
				c := ix.readChange(w, dir, files[i].Name())
				if c.rec != nil && window.analyse(c.sections.bytes) {
					c.analysed = c.sections.bytes
					c.sections.analyse(w.bi.Mapping())
				}
				results[i] <- c
			}
		})
	}
	changes = func(i int) fileChange {
		c := <-results[i]
		window.leave(sizes[i], c.analysed)
		return c
	}
	stop = func() {
		window.stop()
		wg.Wait()
	}
	return changes, stop
}

// readChange finds what corpus file name needs: it reads the file's record, stats it,
// and reads and parses it unless the record shows it unchanged. It only reads the
// index, so it can run beside the writer; the record it reads is the one the writer
// would, since only the writer's handling of this file changes it (files gone from the
// corpus are removed before).
func (ix *Index) readChange(w *writer, dir, name string) fileChange {
	old, err := w.record(name)
	if err != nil {
		return fileChange{err: err}
	}
	skip := func(reason string) fileChange { return fileChange{old: old, action: FileSkipped, reason: reason} }
	path := filepath.Join(dir, name)
	info, err := os.Stat(path)
	switch {
	case err != nil:
		return skip(reason(err))
	case !info.Mode().IsRegular():
		return skip("not a regular file")
	case info.Size() > corpus.SizeLimit(name):
		return skip(corpus.ErrTooLarge.Error())
	}
	if old != nil && old.ModTime != 0 && old.Size == info.Size() && old.ModTime == info.ModTime().UnixNano() {
		return fileChange{old: old, action: FileUnchanged}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return skip(reason(err))
	}
	hash := contentHash(data)
	mtime := trustedModTime(info, w.started)
	if old != nil && old.Hash == hash {
		touched := old.Size != info.Size() || old.ModTime != mtime
		old.Size, old.ModTime = info.Size(), mtime
		return fileChange{old: old, action: FileUnchanged, touched: touched}
	}
	docs, err := ix.cfg.Parse(name, data)
	if err != nil {
		return skip(reason(err))
	}
	action := FileUpdated
	if old == nil {
		action = FileAdded
	}
	return fileChange{old: old, action: action, sections: newFileSections(name, docs), rec: &fileRecord{Hash: hash, Size: info.Size(), ModTime: mtime}}
}
