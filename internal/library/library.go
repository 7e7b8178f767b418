// Package library keeps one corpus directory and its index in agreement while
// documents are added, replaced and removed: by uploads (Add, Delete), by any other
// program writing the directory (Watch), and across crashes and restarts (Open).
//
// The corpus directory is the source of truth. A file is made durable in it (written
// to a hidden temporary name, synced, renamed into place, the directory synced) before
// it is indexed, and the index is brought in line with the directory at every start,
// so a crash at any moment loses nothing that was acknowledged.
//
// It does not parse files (package corpus does) or write bleve (package indexer does),
// and it knows nothing of HTTP (package web maps its errors to statuses).
package library

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/internal/durable"
	"musesearch/internal/watch"
)

// Config says which corpus directory and index a Library keeps in agreement.
type Config struct {
	// CorpusDir is the corpus directory, the source of truth. It must exist.
	CorpusDir string
	// IndexDir is the index directory; empty keeps the index in memory (tests).
	IndexDir string
	// MaxFileSize is the largest file Add accepts, in bytes, within the corpus's own
	// limits (corpus.SizeLimit: a PDF may be larger than a text); zero means those.
	MaxFileSize int64
	// Owner and LockedHint word the error another process gets when it opens the
	// index while this library has it (see indexer.Config).
	Owner, LockedHint string
	// OwnerURL is where this process answers searches, for a search command that
	// finds the index locked (see indexer.Config).
	OwnerURL string
	// Watch configures Watch; its Dir is always CorpusDir.
	Watch watch.Config
	// Logger receives the rare events worth a line; nil means slog.Default().
	Logger *slog.Logger
}

// Result is what Add indexed, or what Delete removed.
type Result struct {
	// Source is the corpus file.
	Source string
	// DocIDs are the ids of the file's documents.
	DocIDs []string
	// Sections is how many sections were indexed (Add) or removed (Delete).
	Sections int
}

// Library is one corpus directory and its open index. It is safe for concurrent use:
// writes (Add, Delete, Reindex, the watcher's updates) run one at a time, and
// searches, which go to Index directly, are never held up by them.
type Library struct {
	cfg   Config
	log   *slog.Logger
	ix    *indexer.Index
	stats *stats

	// write serialises the changes to the corpus directory and their indexing, so
	// that the directory and the index change together.
	write sync.Mutex
	// indexed maps the files this library indexed itself to their content hash, so
	// that the watcher's report of that very write does not index it twice. Guarded
	// by write.
	indexed map[string][sha256.Size]byte

	// repairs is the context of the checks a failed search starts (see repair),
	// cancelled by Close; lastRepair is when the last one started.
	repairs    context.Context
	stop       context.CancelFunc
	repairMu   sync.Mutex
	lastRepair time.Time
}

// tempPrefix starts the names of the temporary files of uploads: hidden, so the
// corpus, the indexer and the watcher all ignore them.
const tempPrefix = ".musesearch-upload-"

// Open opens the index of cfg.CorpusDir and brings it in line with the directory:
// only files whose content changed since the index last saw them are indexed. It
// removes the temporary files an interrupted upload left behind. An index that
// cannot be opened, or is found inconsistent, is rebuilt from the corpus, with one
// log line saying why.
func Open(ctx context.Context, cfg Config) (*Library, indexer.Summary, error) {
	if cfg.MaxFileSize <= 0 || cfg.MaxFileSize > corpus.MaxPDFSize {
		cfg.MaxFileSize = corpus.MaxPDFSize
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.Watch.Dir = cfg.CorpusDir
	if cfg.Watch.Logger == nil {
		cfg.Watch.Logger = cfg.Logger
	}
	l := &Library{cfg: cfg, log: cfg.Logger, stats: newStats(), indexed: map[string][sha256.Size]byte{}}
	l.repairs, l.stop = context.WithCancel(context.WithoutCancel(ctx))
	// The index's lock comes first: the temporary files of a library that still runs
	// (its second opener then fails) are not leftovers.
	ix, err := indexer.Open(ctx, l.indexConfig())
	if err != nil {
		l.stop()
		return nil, indexer.Summary{}, err
	}
	l.ix = ix
	if err := l.removeTemporaryFiles(); err != nil {
		l.Close()
		return nil, indexer.Summary{}, err
	}
	sum, err := ix.Sync(ctx, cfg.CorpusDir, nil)
	if err != nil && ctx.Err() == nil {
		l.log.Warn("rebuilding the index from the corpus", "index", cfg.IndexDir, "reason", err.Error())
		sum, err = ix.Rebuild(ctx, cfg.CorpusDir, nil)
	}
	if err != nil {
		l.Close()
		return nil, sum, err
	}
	l.stats.synced(time.Now())
	return l, sum, nil
}

// indexConfig is how a library opens its index: as a server does
// (indexer.Config.Serving), since it searches the index for as long as it runs.
func (l *Library) indexConfig() indexer.Config {
	return indexer.Config{
		Dir:        l.cfg.IndexDir,
		CorpusDir:  l.cfg.CorpusDir,
		Owner:      l.cfg.Owner,
		LockedHint: l.cfg.LockedHint,
		OwnerURL:   l.cfg.OwnerURL,
		Logger:     l.cfg.Logger,
		Suspect:    l.repair,
		Serving:    true,
	}
}

// removeTemporaryFiles deletes the temporary files of uploads a crash interrupted:
// never acknowledged, so nothing is lost.
func (l *Library) removeTemporaryFiles() error {
	entries, err := os.ReadDir(l.cfg.CorpusDir)
	if err != nil {
		return fmt.Errorf("read corpus directory: %w", err)
	}
	removed := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) && !e.IsDir() {
			if err := os.Remove(filepath.Join(l.cfg.CorpusDir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("remove an interrupted upload: %w", err)
			}
			removed++
		}
	}
	if removed > 0 {
		l.log.Info("removed the temporary files of interrupted uploads", "corpus", l.cfg.CorpusDir, "files", removed)
		return durable.SyncDir(l.cfg.CorpusDir)
	}
	return nil
}

// Index is the library's index, for searching. The library closes it.
func (l *Library) Index() *indexer.Index { return l.ix }

// CorpusDir is the corpus directory the library keeps.
func (l *Library) CorpusDir() string { return l.cfg.CorpusDir }

// MaxFileSize is the largest file Add accepts, in bytes.
func (l *Library) MaxFileSize() int64 { return l.cfg.MaxFileSize }

// limit is the largest corpus file name the library reads, in bytes.
func (l *Library) limit(name string) int64 { return min(l.cfg.MaxFileSize, corpus.SizeLimit(name)) }

// tooLarge is why an upload larger than the limit of file name is refused: the
// corpus's own limit, or this library's lower one.
func (l *Library) tooLarge(name string) error {
	if l.cfg.MaxFileSize < corpus.SizeLimit(name) {
		return uploadLimitError(l.cfg.MaxFileSize)
	}
	return corpus.ErrTooLarge
}

// uploadLimitError is corpus.ErrTooLarge for an upload over a library's own limit,
// in bytes, lower than the corpus's.
type uploadLimitError int64

func (e uploadLimitError) Error() string {
	return fmt.Sprintf("larger than this server's upload limit of %s; split it into smaller files", megabytes(int64(e)))
}

func (e uploadLimitError) Is(target error) bool { return target == corpus.ErrTooLarge }

// megabytes writes n bytes in MB, with one decimal below 10 MB.
func megabytes(n int64) string {
	if n < 10<<20 {
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	}
	return strconv.FormatInt(n>>20, 10) + " MB"
}

// Close closes the index, stopping a repair under way.
func (l *Library) Close() error {
	l.stop()
	l.write.Lock()
	defer l.write.Unlock()
	return l.ix.Close()
}

// Add stores body as corpus file name, replacing a file of that name, and indexes it;
// when it returns, the new content is searchable and the old content is not. The
// file is durable in the corpus directory before it is indexed. A name that is not a
// corpus file name, a body larger than MaxFileSize (no more than one byte past it is
// read) or one that is not UTF-8 text gives a *corpus.FileError, and another file
// having one of its document ids a *indexer.DuplicateIDError; then neither the
// directory nor the index changes.
func (l *Library) Add(ctx context.Context, name string, body io.Reader) (Result, error) {
	if err := corpus.ValidName(name); err != nil {
		l.stats.reject(err)
		return Result{}, err
	}
	data, err := io.ReadAll(io.LimitReader(body, l.limit(name)+1))
	if err != nil {
		return Result{}, fmt.Errorf("read the upload: %w", err)
	}
	if int64(len(data)) > l.limit(name) {
		err := &corpus.FileError{Name: name, Err: l.tooLarge(name)}
		l.stats.reject(err)
		return Result{}, err
	}
	docs, err := corpus.Parse(name, data)
	if err != nil {
		l.stats.reject(err)
		return Result{}, err
	}

	l.write.Lock()
	defer l.write.Unlock()
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if err := l.checkIDs(ctx, name, docs); err != nil {
		l.stats.reject(err)
		return Result{}, err
	}
	path := filepath.Join(l.cfg.CorpusDir, name)
	old, err := os.ReadFile(path)
	existed := err == nil
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return Result{}, fmt.Errorf("read the current %s: %w", name, err)
	}
	if err := durable.WriteFile(l.cfg.CorpusDir, name, tempPrefix, data); err != nil {
		return Result{}, err
	}
	res, err := l.ix.ReplaceFile(ctx, name, data, docs)
	if err != nil {
		// Not acknowledged: put the directory back as it was, so that it still agrees
		// with the index.
		l.restore(name, old, existed)
		return Result{}, err
	}
	l.indexed[name] = sha256.Sum256(data)
	if existed {
		l.stats.updated.Add(1)
	} else {
		l.stats.added.Add(1)
	}
	l.stats.synced(time.Now())
	return Result{Source: name, DocIDs: res.DocIDs, Sections: res.Sections}, nil
}

// checkIDs returns a *indexer.DuplicateIDError when a file other than name already
// has one of docs' ids, so that such an upload is refused before it is written.
func (l *Library) checkIDs(ctx context.Context, name string, docs []corpus.Document) error {
	for _, d := range docs {
		other, err := l.ix.SourceOf(ctx, d.ID)
		if errors.Is(err, corpus.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if other != name {
			return &indexer.DuplicateIDError{ID: d.ID, File: other}
		}
	}
	return nil
}

// restore puts back the previous content of file name after a failed indexing, or
// removes the file when there was none. A failure is logged: the next Sync brings
// the index in line with whatever the directory then holds.
func (l *Library) restore(name string, old []byte, existed bool) {
	var err error
	if existed {
		err = durable.WriteFile(l.cfg.CorpusDir, name, tempPrefix, old)
	} else if err = os.Remove(filepath.Join(l.cfg.CorpusDir, name)); err == nil {
		err = durable.SyncDir(l.cfg.CorpusDir)
	}
	if err != nil {
		l.log.Error("could not undo a failed upload; the next reindex will take the file as it is", "file", name, "err", err)
		l.stats.diverged()
	}
}

// Delete removes the corpus file that document docID came from, and every document
// of that file from the index. It returns what was removed, or an error wrapping
// corpus.ErrNotFound.
func (l *Library) Delete(ctx context.Context, docID string) (Result, error) {
	l.write.Lock()
	defer l.write.Unlock()
	source, err := l.ix.SourceOf(ctx, docID)
	if err != nil {
		return Result{}, err
	}
	res := Result{Source: source}
	if res.DocIDs, err = l.ix.DocIDsOf(source); err != nil {
		return Result{}, err
	}
	if err := os.Remove(filepath.Join(l.cfg.CorpusDir, source)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return Result{}, fmt.Errorf("remove %s: %w", source, err)
	}
	if err := durable.SyncDir(l.cfg.CorpusDir); err != nil {
		return Result{}, fmt.Errorf("remove %s: %w", source, err)
	}
	delete(l.indexed, source)
	if res.Sections, err = l.ix.RemoveFile(ctx, source); err != nil {
		// The file is gone: the next Sync (at the latest at the next start) removes
		// its sections.
		l.stats.diverged()
		return Result{}, err
	}
	l.stats.removed.Add(1)
	l.stats.synced(time.Now())
	return res, nil
}

// Reindex brings the index in line with the corpus directory, as at start-up, and
// first checks its files: a damaged index is rebuilt from the corpus.
func (l *Library) Reindex(ctx context.Context) (indexer.Summary, error) {
	l.write.Lock()
	defer l.write.Unlock()
	sum, err := l.ix.SyncChecked(ctx, l.cfg.CorpusDir, nil)
	if err != nil {
		l.stats.diverged()
		return sum, err
	}
	clear(l.indexed)
	l.stats.synced(time.Now())
	return sum, nil
}

// minRepairInterval is how long after one check of the whole index a failed search
// may start another: a search that fails for another reason than damage (a bug) must
// not have the index read again and again.
const minRepairInterval = time.Minute

// repair checks the whole index after a search failed on it (cause), and rebuilds it
// from the corpus if it is damaged.
func (l *Library) repair(cause error) {
	l.repairMu.Lock()
	if !l.lastRepair.IsZero() && time.Since(l.lastRepair) < minRepairInterval {
		l.repairMu.Unlock()
		return
	}
	l.lastRepair = time.Now()
	l.repairMu.Unlock()

	l.log.Warn("a search failed on the index; checking its files", "err", cause.Error())
	l.write.Lock()
	defer l.write.Unlock()
	if l.repairs.Err() != nil {
		return // closed
	}
	if _, err := l.ix.SyncChecked(l.repairs, l.cfg.CorpusDir, nil); err != nil {
		if l.repairs.Err() == nil {
			l.log.Error("check the index", "err", err)
		}
		l.stats.diverged()
		return
	}
	clear(l.indexed)
	l.stats.synced(time.Now())
}

// Watch watches the corpus directory until ctx is done and brings the index in line
// after every change another program makes to it: a created or changed file is
// indexed, a removed one taken out. Uploads' own temporary files, hidden files and
// editors' temporary files are ignored. Once the watch is installed, the whole
// directory is compared with the index, for the changes made before.
func (l *Library) Watch(ctx context.Context) error {
	cfg := l.cfg.Watch
	changed, ready := cfg.Changed, cfg.Ready
	cfg.Changed = func() {
		l.stats.pending()
		if changed != nil {
			changed()
		}
	}
	cfg.Ready = func() {
		l.apply(ctx, watch.Batch{All: true})
		if ready != nil {
			ready()
		}
	}
	return watch.Run(ctx, cfg, l.apply)
}

// apply brings the index in line with one batch of changes the watcher reported.
func (l *Library) apply(ctx context.Context, b watch.Batch) {
	l.write.Lock()
	defer l.write.Unlock()
	if b.All {
		if _, err := l.ix.Sync(ctx, l.cfg.CorpusDir, nil); err != nil {
			if ctx.Err() == nil {
				l.log.Error("bring the index in line with the corpus", "err", err)
			}
			l.stats.diverged()
			return
		}
		clear(l.indexed)
		l.stats.synced(time.Now())
		return
	}
	ok := true
	for _, name := range b.Names {
		if err := l.applyFile(ctx, name); err != nil {
			if ctx.Err() == nil {
				l.log.Error("index a changed corpus file", "file", name, "err", err)
			}
			ok = false
		}
	}
	if ok {
		l.stats.synced(time.Now())
	} else {
		l.stats.diverged()
	}
}

// applyFile brings the index in line with corpus file name as it is now on disk. A
// file that cannot be indexed (not text, too large, another file's document ids) is
// taken out of the index, as Sync does, with a log line; the error is for faults.
func (l *Library) applyFile(ctx context.Context, name string) error {
	data, err := readCorpusFile(filepath.Join(l.cfg.CorpusDir, name), corpus.SizeLimit(name))
	if errors.Is(err, os.ErrNotExist) {
		return l.takeOut(ctx, name)
	}
	if err != nil && !errors.Is(err, corpus.ErrTooLarge) {
		return err
	}
	if err == nil {
		hash := sha256.Sum256(data)
		if h, ok := l.indexed[name]; ok && h == hash {
			return nil // this library's own write, already indexed
		}
		existed, ferr := l.ix.HasFile(name)
		if ferr != nil {
			return ferr
		}
		var docs []corpus.Document
		if docs, err = corpus.Parse(name, data); err == nil {
			_, err = l.ix.ReplaceFile(ctx, name, data, docs)
		}
		if err == nil {
			l.indexed[name] = hash
			if existed {
				l.stats.updated.Add(1)
			} else {
				l.stats.added.Add(1)
			}
			return nil
		}
	}
	var fe *corpus.FileError
	var dup *indexer.DuplicateIDError
	if !errors.As(err, &fe) && !errors.As(err, &dup) {
		return err
	}
	l.stats.reject(err)
	l.log.Warn("skipped a corpus file", "file", name, "reason", err.Error())
	return l.takeOut(ctx, name)
}

// takeOut removes what corpus file name has in the index, if anything.
func (l *Library) takeOut(ctx context.Context, name string) error {
	delete(l.indexed, name)
	n, err := l.ix.RemoveFile(ctx, name)
	if err == nil && n > 0 {
		l.stats.removed.Add(1)
	}
	return err
}

// readCorpusFile reads a corpus file of at most limit bytes; a larger one gives a
// *corpus.FileError wrapping corpus.ErrTooLarge without being read whole.
func readCorpusFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &corpus.FileError{Name: filepath.Base(path), Err: corpus.ErrTooLarge}
	}
	return data, nil
}
