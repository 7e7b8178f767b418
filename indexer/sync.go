package indexer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"

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
	if w.empty {
		defer bulkGC()()
	}
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
		done, err := ix.applyChange(w, name, changes(i))
		if err != nil {
			return sum, err
		}
		switch done.action {
		case FileSkipped:
			sum.Skipped = append(sum.Skipped, Skipped{name, done.reason})
			if done.rec != nil {
				sum.Removed++
			}
		case FileAdded:
			sum.Added++
		case FileUpdated:
			sum.Updated++
		case FileUnchanged:
			sum.Unchanged++
		}
		if done.action != FileSkipped {
			sum.Files++
			sum.Documents += len(done.rec.Docs)
			sum.Sections += len(done.rec.Secs)
		}
		if err := w.flushIfFull(); err != nil {
			return sum, err
		}
		if progress != nil {
			progress(Progress{Done: i + 1, Total: len(files), Name: name, Action: done.action})
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

// fileOutcome is what Sync did with one corpus file.
type fileOutcome struct {
	action Action
	// rec is the file's record: the new one, or the old one (nil when the file had
	// none) for a file unchanged or skipped.
	rec    *fileRecord
	reason string // why the file is skipped
}

// applyChange queues c, the change of corpus file name, in w's batch. It returns an
// error only for faults of the index.
func (ix *Index) applyChange(w *writer, name string, c fileChange) (fileOutcome, error) {
	switch {
	case c.err != nil:
		return fileOutcome{}, c.err
	case c.action == FileSkipped:
		return fileOutcome{action: FileSkipped, rec: c.old, reason: ix.dropOnSkip(w, name, c.old, c.reason)}, nil
	case c.action == FileUnchanged && c.touched:
		return fileOutcome{action: FileUnchanged, rec: c.old}, w.setRecord(name, c.old)
	case c.action == FileUnchanged:
		return fileOutcome{action: FileUnchanged, rec: c.old}, nil
	}
	if err := w.checkIDs(name, c.sections.docs); err != nil {
		var dup *DuplicateIDError
		if !errors.As(err, &dup) {
			return fileOutcome{}, err
		}
		return fileOutcome{action: FileSkipped, rec: c.old, reason: ix.dropOnSkip(w, name, c.old, err.Error())}, nil
	}
	if err := w.replace(name, c.old, c.rec, c.sections); err != nil {
		return fileOutcome{}, err
	}
	return fileOutcome{action: c.action, rec: c.rec}, nil
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

// reason is why a file is skipped, without the file name a *corpus.FileError adds
// (the summary names the file).
func reason(err error) string {
	var fe *corpus.FileError
	if errors.As(err, &fe) {
		return fe.Err.Error()
	}
	return err.Error()
}
