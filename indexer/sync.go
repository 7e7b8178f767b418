package indexer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/search/query"

	"musesearch/corpus"
)

// Summary is what a Sync or Rebuild did.
type Summary struct {
	// Files, Documents and Sections count what the index holds from the corpus
	// afterwards.
	Files, Documents, Sections int
	// Added, Updated, Removed and Unchanged count corpus files.
	Added, Updated, Removed, Unchanged int
	// Skipped are the files of the corpus directory that are not indexed, and why.
	Skipped []Skipped
	// Duration is how long it took.
	Duration time.Duration
}

// Skipped is a file left out of the index.
type Skipped struct {
	Name   string
	Reason string
}

// Progress reports one corpus file handled by Sync or Rebuild; the first report, with
// Done 0 and no Name, comes before the first file.
type Progress struct {
	Done, Total int
	Name        string
	Action      Action
}

// Action is what Sync did with a corpus file.
type Action string

// The actions of Sync on a corpus file.
const (
	FileUnchanged Action = "unchanged"
	FileAdded     Action = "added"
	FileUpdated   Action = "updated"
	FileSkipped   Action = "skipped"
)

// FileResult is what ReplaceFile indexed for one file.
type FileResult struct {
	// DocIDs are the ids of the file's documents, in order.
	DocIDs []string
	// Sections is the number of sections indexed.
	Sections int
}

// Batches group several files (each file is whole in one batch, so a file's old and
// new sections are never both or neither visible) up to these bounds. Fewer, larger
// batches make fewer segments for bleve to merge: at 10,000 sections, 3,000 per batch
// took about 7% less CPU than 1,000 (5,000 did not do clearly better).
const (
	maxBatchSections = 3000
	maxBatchBytes    = 8 << 20
)

// Sync brings the index in line with corpusDir: files that are new or whose content
// changed are indexed, sections of removed or no longer valid files are deleted,
// unchanged files (same size and modification time, or same content hash) are not
// touched. progress, when not nil, is called after each file. An index found holding
// other sections than its files' records list is rebuilt, with one log line.
func (ix *Index) Sync(ctx context.Context, corpusDir string, progress func(Progress)) (Summary, error) {
	ix.write.Lock()
	defer ix.write.Unlock()
	ix.mu.RLock()
	bi, closed := ix.bi, ix.closed
	ix.mu.RUnlock()
	if closed {
		return Summary{}, ErrClosed
	}
	sum, err := ix.syncInto(ctx, bi, corpusDir, progress)
	if err != nil {
		return sum, err
	}
	// After a sync the index holds exactly the sections of the corpus files' records.
	n, err := bi.DocCount()
	if err != nil {
		return sum, fmt.Errorf("read index: %w", err)
	}
	if n != uint64(sum.Sections) {
		ix.log.Warn("rebuilding the index from the corpus", "index", ix.cfg.Dir,
			"reason", fmt.Sprintf("it holds %d sections where the records of its files list %d", n, sum.Sections))
		return ix.rebuild(ctx, corpusDir, progress)
	}
	return sum, nil
}

// syncInto does Sync on bi; the caller holds ix.write.
func (ix *Index) syncInto(ctx context.Context, bi bleve.Index, corpusDir string, progress func(Progress)) (Summary, error) {
	start := time.Now()
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		return Summary{}, fmt.Errorf("read corpus directory: %w", err)
	}
	w, err := newWriter(bi, ix.cfg.Dir != "")
	if err != nil {
		return Summary{}, err
	}
	// Into an empty index (a rebuild, a first index), the records are written with
	// the last batch rather than with every one, which would have scorch persist them
	// all again with each. A sync that stops half-way then leaves sections without
	// records: the next sync indexes their files again, and rebuilds if some sections
	// are left that no record lists (see Sync).
	w.deferRecords = w.empty
	var sum Summary
	var files []os.DirEntry
	for _, e := range entries {
		switch {
		case e.IsDir() || strings.HasPrefix(e.Name(), "."):
			// Directories and hidden files (.git, .DS_Store) are not candidates.
		case ix.cfg.ValidName(e.Name()) != nil:
			sum.Skipped = append(sum.Skipped, Skipped{e.Name(), reason(ix.cfg.ValidName(e.Name()))})
		default:
			files = append(files, e)
		}
	}
	// Files gone from the corpus go first, so that their document ids are free for
	// the files that come after them.
	valid := make(map[string]bool, len(files))
	for _, e := range files {
		valid[e.Name()] = true
	}
	indexed, err := indexedFiles(bi)
	if err != nil {
		return sum, err
	}
	for _, name := range indexed {
		if !valid[name] {
			if _, err := w.remove(name); err != nil {
				return sum, err
			}
			sum.Removed++
		}
	}
	if err := w.flush(); err != nil {
		return sum, err
	}
	if progress != nil {
		progress(Progress{Total: len(files)})
	}
	changes, stop := ix.readAhead(w, corpusDir, files)
	defer stop()
	for i, e := range files {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		name := e.Name()
		rec, status, reason, err := ix.applyChange(w, name, changes(i))
		if err != nil {
			return sum, err
		}
		switch status {
		case FileSkipped:
			sum.Skipped = append(sum.Skipped, Skipped{name, reason})
			if rec != nil {
				sum.Removed++
			}
		case FileAdded:
			sum.Added++
		case FileUpdated:
			sum.Updated++
		case FileUnchanged:
			sum.Unchanged++
		}
		if status != FileSkipped {
			sum.Files++
			sum.Documents += len(rec.Docs)
			sum.Sections += len(rec.Secs)
		}
		if err := w.flushIfFull(); err != nil {
			return sum, err
		}
		if progress != nil {
			progress(Progress{Done: i + 1, Total: len(files), Name: name, Action: status})
		}
	}
	w.deferRecords = false
	if err := w.flush(); err != nil {
		return sum, err
	}
	// A sync returns with its work on disk and merged (a rebuild switches to the new
	// index next); single-file changes do not wait (see writer.flush).
	if err := w.settle(ctx); err != nil {
		return sum, err
	}
	sum.Duration = time.Since(start)
	return sum, nil
}

// Reading and parsing corpus files runs in a few goroutines ahead of the writer, which
// takes their results in the order of the files, so that the index does not depend on
// scheduling. These bound what is read but not yet written: enough files to keep the
// readers busy while the writer commits a batch, and not too much memory when the
// files are large (a file larger than readAheadBytes is read alone).
const (
	readAheadFiles = 256
	readAheadBytes = 32 << 20
)

// readWindow counts the files and bytes read ahead of the writer.
type readWindow struct {
	mu      sync.Mutex
	changed sync.Cond
	files   int
	bytes   int64
	stopped bool
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

// leave gives back the room of a file of size bytes.
func (rw *readWindow) leave(size int64) {
	rw.mu.Lock()
	rw.files--
	rw.bytes -= size
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
				results[i] <- ix.readChange(w, dir, files[i].Name())
			}
		})
	}
	changes = func(i int) fileChange {
		c := <-results[i]
		window.leave(sizes[i])
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

// applyChange queues c, the change of corpus file name, in w's batch. It returns the
// file's record (the old one when skipped), and an error only for faults of the index.
func (ix *Index) applyChange(w *writer, name string, c fileChange) (*fileRecord, Action, string, error) {
	switch {
	case c.err != nil:
		return nil, "", "", c.err
	case c.action == FileSkipped:
		return c.old, FileSkipped, ix.dropOnSkip(w, name, c.old, c.reason), nil
	case c.action == FileUnchanged && c.touched:
		return c.old, FileUnchanged, "", w.setRecord(name, c.old)
	case c.action == FileUnchanged:
		return c.old, FileUnchanged, "", nil
	}
	if err := w.checkIDs(name, c.sections.docs); err != nil {
		var dup *DuplicateIDError
		if !errors.As(err, &dup) {
			return nil, "", "", err
		}
		return c.old, FileSkipped, ix.dropOnSkip(w, name, c.old, err.Error()), nil
	}
	if err := w.replace(name, c.old, c.rec, c.sections); err != nil {
		return nil, "", "", err
	}
	return c.rec, c.action, "", nil
}

// racyWindow is how recent a modification time must be for a file to be hashed again
// at the next sync: a file written again within the file system's time granularity
// after it was read keeps its modification time (git's "racily clean" entries).
const racyWindow = 2 * time.Second

// trustedModTime is the modification time to record for a file read at started, or 0
// when it is too recent to prove the next change.
func trustedModTime(info os.FileInfo, started time.Time) int64 {
	if started.Sub(info.ModTime()) < racyWindow {
		return 0
	}
	return info.ModTime().UnixNano()
}

// dropOnSkip removes what a file that can no longer be indexed had in the index, and
// returns the reason it is skipped. A failure to queue the removal is reported in the
// reason too: the next sync retries.
func (ix *Index) dropOnSkip(w *writer, name string, old *fileRecord, reason string) string {
	if old != nil {
		if _, err := w.remove(name); err != nil {
			return reason + "; its old sections could not be removed: " + err.Error()
		}
	}
	return reason
}

// ReplaceFile indexes data as the content of corpus file name, replacing what the
// file had in the index, in one batch: a search sees either the old sections or the
// new ones. A file that does not parse, or whose ids another file has, leaves the index
// unchanged.
func (ix *Index) ReplaceFile(ctx context.Context, name string, data []byte) (FileResult, error) {
	if err := ix.cfg.ValidName(name); err != nil {
		return FileResult{}, err
	}
	docs, err := ix.cfg.Parse(name, data)
	if err != nil {
		return FileResult{}, err
	}
	res := FileResult{}
	for _, d := range docs {
		res.DocIDs = append(res.DocIDs, d.ID)
		res.Sections += len(d.Sections)
	}
	sections := newFileSections(name, docs)
	err = ix.writeOne(ctx, func(w *writer) error {
		old, err := w.record(name)
		if err != nil {
			return err
		}
		if err := w.checkIDs(name, docs); err != nil {
			return err
		}
		return w.replace(name, old, &fileRecord{Hash: contentHash(data), Size: int64(len(data))}, sections)
	})
	if err != nil {
		return FileResult{}, err
	}
	return res, nil
}

// IndexDocuments indexes docs as the documents of corpus file source, replacing what
// that file had, in one batch. It is ReplaceFile for documents already parsed.
func (ix *Index) IndexDocuments(ctx context.Context, source string, docs []corpus.Document) error {
	sections := newFileSections(source, docs)
	return ix.writeOne(ctx, func(w *writer) error {
		old, err := w.record(source)
		if err != nil {
			return err
		}
		if err := w.checkIDs(source, docs); err != nil {
			return err
		}
		return w.replace(source, old, &fileRecord{}, sections)
	})
}

// RemoveFile deletes every section corpus file name produced, and reports how many
// there were; a file the index does not hold is not an error.
func (ix *Index) RemoveFile(ctx context.Context, name string) (int, error) {
	var n int
	err := ix.writeOne(ctx, func(w *writer) error {
		var err error
		n, err = w.remove(name)
		return err
	})
	return n, err
}

// writeOne runs one write under the writer lock and commits it as one batch.
func (ix *Index) writeOne(ctx context.Context, fill func(*writer) error) error {
	ix.write.Lock()
	defer ix.write.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	ix.mu.RLock()
	bi, closed := ix.bi, ix.closed
	ix.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	w, err := newWriter(bi, ix.cfg.Dir != "")
	if err != nil {
		return err
	}
	if err := fill(w); err != nil {
		return err
	}
	if err := w.flush(); err != nil {
		return err
	}
	if w.persisted != nil {
		ix.persisted = w.persisted
	}
	return nil
}

// reason is why a file is skipped, without the file name a *corpus.FileError adds
// (the summary names the file).
func reason(err error) string {
	var fe *corpus.FileError
	if errors.As(err, &fe) {
		return fe.Err.Error()
	}
	return err.Error()
}

// Files returns the corpus files the index holds, sorted.
func (ix *Index) Files() ([]string, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	return indexedFiles(ix.bi)
}

// writer accumulates the changes of one or more files in one batch, each file once.
type writer struct {
	bi    bleve.Index
	batch *bleve.Batch
	bytes int
	// claims maps the document ids indexed by this writer to their file, for
	// checkIDs: the pending batch is not searchable yet.
	claims map[string]string
	// onDisk is set for an index in a directory; persisted is the last batch flushed
	// there, nil before the first.
	onDisk    bool
	persisted *persisted
	// empty is set when the index held no section when the writer started (a
	// rebuild): then claims alone tell checkIDs which ids are taken.
	empty bool
	// started is when the writer began, for trustedModTime.
	started time.Time
	// recs are the file records; a flush queues the changed ones in its batch unless
	// deferRecords is set.
	recs         *records
	deferRecords bool
}

// newWriter starts a batch of changes to bi.
func newWriter(bi bleve.Index, onDisk bool) (*writer, error) {
	n, err := bi.DocCount()
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	return &writer{bi: bi, onDisk: onDisk, batch: bi.NewBatch(), claims: map[string]string{}, empty: n == 0, started: time.Now(), recs: newRecords(bi)}, nil
}

func (w *writer) record(name string) (*fileRecord, error) { return w.recs.get(name) }

func (w *writer) setRecord(name string, rec *fileRecord) error { return w.recs.set(name, rec) }

// fileSections are the documents of a corpus file and the records of their sections,
// built where the file is read rather than by the writer.
type fileSections struct {
	docs    []corpus.Document
	records []map[string]interface{} // of every section of docs, in order
}

func newFileSections(name string, docs []corpus.Document) fileSections {
	f := fileSections{docs: docs}
	for _, d := range docs {
		d.Source = name
		for i, s := range d.Sections {
			f.records = append(f.records, sectionRecord(d, s, i+1))
		}
	}
	return f
}

// replace queues the deletion of old's sections and the indexing of f as file name's
// content, recorded as rec.
func (w *writer) replace(name string, old, rec *fileRecord, f fileSections) error {
	if old != nil {
		for _, id := range old.Secs {
			w.batch.Delete(id)
		}
	}
	rec.Docs, rec.Secs = nil, nil
	k := 0
	for _, d := range f.docs {
		w.claims[d.ID] = name
		rec.Docs = append(rec.Docs, d.ID)
		for _, s := range d.Sections {
			if err := w.batch.Index(s.ID, f.records[k]); err != nil {
				return fmt.Errorf("index section %s: %w", s.ID, err)
			}
			k++
			rec.Secs = append(rec.Secs, s.ID)
			w.bytes += len(s.Text)
		}
	}
	return w.setRecord(name, rec)
}

// checkIDs returns a *DuplicateIDError when another corpus file already has a
// document with one of docs' ids, or when a section id appears twice in docs.
func (w *writer) checkIDs(name string, docs []corpus.Document) error {
	sections := map[string]bool{}
	for _, d := range docs {
		for _, s := range d.Sections {
			if sections[s.ID] {
				return &DuplicateIDError{ID: s.ID}
			}
			sections[s.ID] = true
		}
		other := w.claims[d.ID]
		if other == "" && !w.empty {
			q := query.NewTermQuery(d.ID)
			q.SetField(FieldDocID)
			req := bleve.NewSearchRequestOptions(q, 1, 0, false)
			req.Fields = []string{FieldSource}
			res, err := w.bi.Search(req)
			if err != nil {
				return fmt.Errorf("read index: %w", err)
			}
			for _, h := range res.Hits {
				other, _ = h.Fields[FieldSource].(string)
			}
		}
		if other != "" && other != name {
			return &DuplicateIDError{ID: d.ID, File: other}
		}
	}
	return nil
}

// remove queues the deletion of everything file name produced.
func (w *writer) remove(name string) (int, error) {
	old, err := w.record(name)
	if err != nil || old == nil {
		return 0, err
	}
	for _, id := range old.Secs {
		w.batch.Delete(id)
	}
	return len(old.Secs), w.setRecord(name, nil)
}

func (w *writer) flushIfFull() error {
	if w.batch.Size() >= maxBatchSections || w.bytes >= maxBatchBytes {
		return w.flush()
	}
	return nil
}

// flush commits the pending batch, atomically. It returns once the batch is
// searchable, before it is on disk (scorch's unsafe_batch): the corpus is the source of
// truth, and a crash that loses the last batches loses their files' records with them,
// so the next sync indexes those files again. Meanwhile the next batch is analysed
// while this one is written. durable waits for the disk.
func (w *writer) flush() error {
	if !w.deferRecords {
		if err := w.recs.queue(w.batch); err != nil {
			return err
		}
	}
	if w.batch.Size() == 0 {
		return nil
	}
	var done *persisted
	if w.onDisk {
		done = &persisted{done: make(chan struct{})}
		w.batch.SetPersistedCallback(func(err error) {
			done.err = err
			close(done.done)
		})
	}
	if err := w.bi.Batch(w.batch); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	if done != nil {
		w.persisted = done
	}
	// A new batch, not Reset: scorch may still be reading the old one's map in a
	// goroutine after Batch returns.
	w.batch = w.bi.NewBatch()
	w.bytes = 0
	return nil
}

// persisted tells when a batch is on disk.
type persisted struct {
	done chan struct{} // closed then
	err  error         // set before done is closed
}

// durable waits until every batch the writer flushed is on disk.
func (w *writer) durable() error {
	if w.persisted == nil {
		return nil
	}
	<-w.persisted.done
	if err := w.persisted.err; err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	return nil
}

// settle waits until every batch the writer flushed is on disk, then merges the
// index's segments as far as scorch's merge policy goes and waits for the merged index
// to be on disk. Scorch merges in the background anyway; after a sync of many files
// that work would otherwise go on for minutes after the sync returns (or after the
// next start, if the program exits first), competing with searches for the CPU, with
// every search reading more segments than it will once merged.
func (w *writer) settle(ctx context.Context) error {
	if err := w.durable(); err != nil || w.persisted == nil {
		return err
	}
	adv, err := w.bi.Advanced()
	if err != nil {
		return fmt.Errorf("read index: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return fmt.Errorf("read index: a %T is not a scorch index", adv)
	}
	for before := -1; ; {
		snap, err := snapshot(w.bi)
		if err != nil {
			return err
		}
		n := len(snap.Segments())
		snap.Close()
		if n == before {
			break
		}
		before = n
		if err := s.ForceMerge(ctx, &mergeplan.DefaultMergePlanOptions); err != nil {
			return fmt.Errorf("merge index: %w", err)
		}
	}
	// The merged segments are in their files; scorch writes the list of them with the
	// next change.
	w.batch.SetInternal([]byte(keySchema), []byte(SchemaVersion))
	if err := w.flush(); err != nil {
		return err
	}
	return w.durable()
}

func contentHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
