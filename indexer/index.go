package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"musesearch/corpus"
	"musesearch/corpus/trials"
	"musesearch/internal/durable"
	"musesearch/internal/segments"
)

// Errors a caller can meet.
var (
	// ErrClosed is returned by every method after Close.
	ErrClosed = errors.New("index is closed")
)

// DuplicateIDError is the error for a corpus file whose documents or sections have an
// id that is taken: a document id that another file already has (a.txt and a.md both
// give document a), or a section id that appears twice in the file itself.
type DuplicateIDError struct {
	ID string
	// File is the other file that has the document id; empty for a section id that
	// appears twice in the file.
	File string
}

func (e *DuplicateIDError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("section id %q appears twice in the file", e.ID)
	}
	return fmt.Sprintf("document id %q is already used by %s; rename one of the files", e.ID, e.File)
}

// Config says where an index lives and how to fill it.
type Config struct {
	// Dir is the index directory, created when missing; empty keeps the index in
	// memory (tests).
	Dir string
	// CorpusDir, when set, is synced into an index Open has to create or rebuild
	// (missing, of another schema version, or unreadable) before Open returns.
	// Otherwise such an index starts empty and the caller's Sync fills it.
	CorpusDir string
	// Owner names this process in the message a second opener gets ("a running
	// server", "musesearch index").
	Owner string
	// LockedHint tells that second opener what to do instead ("stop it or use POST
	// /api/reindex").
	LockedHint string
	// OwnerURL, when set, is where this process answers searches over HTTP
	// ("http://127.0.0.1:8080"): a second opener that only searches asks it there
	// instead of failing on the lock.
	OwnerURL string
	// Parse turns the content of one corpus file into its documents; default
	// corpus.Parse. Sync calls it for several files at once.
	Parse func(name string, data []byte) ([]corpus.Document, error)
	// ValidName says why a file name in the corpus directory is not that of a corpus
	// file, or returns nil; default corpus.ValidName.
	ValidName func(name string) error
	// Logger receives the rare events worth a line (an index rebuilt); default
	// slog.Default().
	Logger *slog.Logger
	// Suspect, when not nil, is called (in a goroutine of its own) with the error of a
	// search that failed as it would on a damaged index: it panicked (the error then
	// wraps ErrDamaged), or bleve gave an error that is not the context's.
	// SyncChecked tells whether the index is damaged, and repairs it.
	Suspect func(error)
	// Serving says the process searches the index for long (a server): the segment
	// files it opens are dropped from the page cache first, whoever wrote them, and
	// read without read-ahead (segments.Serving), so that its searches map the pages
	// they read and not the large folios a copy or a whole read of the files, or the
	// disk's read-ahead, left cached.
	Serving bool
}

// Index is an open index: safe for concurrent use; searches run in parallel, writes
// (Sync, ReplaceFile, RemoveFile, Rebuild) one at a time.
type Index struct {
	cfg  Config
	log  *slog.Logger
	lock *dirLock

	write sync.Mutex // serialises writers

	mu     sync.RWMutex // guards the fields below against Rebuild's swap and Close
	bi     bleve.Index
	gen    int // the bleve-N directory in use
	closed bool
	// persisted is the last single-file change written, guarded by write.
	persisted *persisted

	// closing is done once Close is called: every search stops then (see Search).
	closing      context.Context
	stopSearches context.CancelFunc
}

// scorchConfig is how every index is opened: bolt_timeout bounds how long opening
// waits for bleve's own file lock, so that an opener that got past LOCK (an older
// binary, another tool) fails instead of hanging; unsafe_batch returns from a batch
// once it is searchable, without waiting for the disk (see writer.flush); the segment
// configuration names the text fields whose term vectors keep no offsets and groups
// new segments' sections by their document's language (segmentConfig), and says
// whether the process serves the index (Config.Serving).
func scorchConfig(serving bool) map[string]interface{} {
	seg := segmentConfig()
	seg[segments.Serving] = serving
	return map[string]interface{}{"bolt_timeout": boltTimeout, "unsafe_batch": true, "segmentConfig": seg}
}

// boltTimeout is how long opening an index waits for bleve's own file lock (see
// scorchConfig).
const boltTimeout = "2s"

// segmentConfig is the configuration of the index's new segments: the text fields
// without TextField.Offsets keep their tokens' positions only, and the sections are
// numbered by their document's language first, then by id (see segments.GroupBy): a
// document's sections stay neighbours, and a search's blocks of sections hold one
// language each.
func segmentConfig() map[string]interface{} {
	var positionsOnly []string
	for _, tf := range TextFields {
		if !keepsOffsets(tf.Name) {
			positionsOnly = append(positionsOnly, tf.Name)
		}
	}
	return map[string]interface{}{segments.PositionsOnly: positionsOnly, segments.GroupBy: FieldDocLang}
}

// closeWait bounds how long Close waits for the last change to reach the disk.
const closeWait = 30 * time.Second

// keySchema is the internal key of the index's SchemaVersion; the file records are
// under keyFiles (records.go).
const keySchema = "schema"

// Open opens the index in cfg.Dir, creating it when missing. Only one process can
// have an index open: another gets a *LockedError naming it. An index of another
// SchemaVersion, or one that cannot be opened, is rebuilt (see Config.CorpusDir) with
// one log line saying why. The Japanese dictionary, which indexing and searching
// need, loads in the background meanwhile (see Warm).
func Open(ctx context.Context, cfg Config) (*Index, error) {
	go Warm()
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Parse == nil {
		cfg.Parse = corpus.Parse
	}
	if cfg.ValidName == nil {
		cfg.ValidName = corpus.ValidName
	}
	ix := &Index{cfg: cfg, log: cfg.Logger}
	ix.closing, ix.stopSearches = context.WithCancel(context.Background())
	if cfg.Dir == "" {
		if _, err := ix.rebuild(ctx, cfg.CorpusDir, nil); err != nil {
			return nil, err
		}
		return ix, nil
	}
	lock, err := lockDir(cfg.Dir, lockOwner{PID: os.Getpid(), Name: cfg.Owner, Hint: cfg.LockedHint, URL: cfg.OwnerURL})
	if err != nil {
		return nil, err
	}
	ix.lock = lock
	gen, err := readCurrent(cfg.Dir)
	if err != nil {
		lock.unlock()
		return nil, err
	}
	if gen > 0 {
		bi, reason := openGeneration(ix.genDir(gen), cfg.Serving)
		if reason == "" {
			ix.bi, ix.gen = bi, gen
			ix.removeStale()
			return ix, nil
		}
		ix.gen = gen
		ix.log.Warn("rebuilding the index from the corpus", "index", cfg.Dir, "reason", reason)
	}
	if _, err := ix.rebuild(ctx, cfg.CorpusDir, nil); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

// openGeneration opens one bleve index directory and checks its schema; reason says
// why it cannot be used. serving is Config.Serving.
func openGeneration(path string, serving bool) (bi bleve.Index, reason string) {
	defer func() {
		// Scorch panics on some damaged segments as it opens them.
		if r := recover(); r != nil {
			bi, reason = nil, fmt.Sprintf("it cannot be opened: %v", r)
		}
	}()
	bi, err := bleve.OpenUsing(path, scorchConfig(serving))
	if err != nil {
		return nil, fmt.Sprintf("it cannot be opened: %v", err)
	}
	v, err := bi.GetInternal([]byte(keySchema))
	if err != nil || string(v) != SchemaVersion {
		bi.Close()
		return nil, fmt.Sprintf("its schema is %q, this program writes %q", v, SchemaVersion)
	}
	return bi, ""
}

// create makes an empty index at path (in memory when path is empty).
func (ix *Index) create(path string) (bleve.Index, error) {
	m := newMapping()
	if path == "" {
		// scorch in memory, as on disk: search reads scorch's segments.
		bi, err := bleve.NewUsing("", m, segments.IndexType, segments.IndexType, map[string]interface{}{"segmentConfig": segmentConfig()})
		if err != nil {
			return nil, fmt.Errorf("create index: %w", err)
		}
		return bi, setSchema(bi)
	}
	if err := os.RemoveAll(path); err != nil {
		return nil, err
	}
	// The configuration stored with the index is bleve's default, for any program
	// that opens it; this one reopens it with scorchConfig.
	bi, err := bleve.NewUsing(path, m, segments.IndexType, segments.IndexType, map[string]interface{}{"bolt_timeout": boltTimeout})
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	if err := setSchema(bi); err != nil {
		return nil, err
	}
	if err := bi.Close(); err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	bi, reason := openGeneration(path, ix.cfg.Serving)
	if bi == nil {
		return nil, fmt.Errorf("create index: %s", reason)
	}
	return bi, nil
}

// setSchema records SchemaVersion in a new index; it closes the index on failure.
func setSchema(bi bleve.Index) error {
	if err := bi.SetInternal([]byte(keySchema), []byte(SchemaVersion)); err != nil {
		bi.Close()
		return fmt.Errorf("create index: %w", err)
	}
	return nil
}

// Rebuild builds a new index from the corpus directory and then switches to it;
// searches keep using the old one until the new one is complete.
func (ix *Index) Rebuild(ctx context.Context, corpusDir string, progress func(Progress)) (Summary, error) {
	ix.write.Lock()
	defer ix.write.Unlock()
	if err := ix.checkOpen(); err != nil {
		return Summary{}, err
	}
	return ix.rebuild(ctx, corpusDir, progress)
}

// rebuild does Rebuild; the caller holds ix.write (or is Open).
func (ix *Index) rebuild(ctx context.Context, corpusDir string, progress func(Progress)) (Summary, error) {
	gen := ix.gen + 1
	path := ""
	if ix.cfg.Dir != "" {
		path = ix.genDir(gen)
	}
	bi, err := ix.create(path)
	if err != nil {
		return Summary{}, err
	}
	var sum Summary
	if corpusDir != "" {
		if sum, err = ix.syncInto(ctx, bi, corpusDir, progress); err != nil {
			bi.Close()
			if path != "" {
				os.RemoveAll(path)
			}
			return sum, err
		}
	}
	if ix.cfg.Dir != "" {
		if err := writeCurrent(ix.cfg.Dir, gen); err != nil {
			bi.Close()
			return sum, err
		}
	}
	ix.mu.Lock()
	old := ix.bi
	ix.bi, ix.gen = bi, gen
	ix.mu.Unlock()
	if old != nil {
		old.Close()
	}
	ix.removeStale()
	return sum, nil
}

// Close closes the index and releases its lock. It stops the searches that run,
// which return an error wrapping ErrClosed, and waits for them to return.
func (ix *Index) Close() error {
	ix.stopSearches()
	ix.write.Lock()
	defer ix.write.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	var err error
	if ix.bi != nil {
		// scorch does not write on close what it has not written yet: wait for the
		// last single-file change (a sync waits for its own).
		if p := ix.persisted; p != nil {
			select {
			case <-p.done:
			case <-time.After(closeWait):
				ix.log.Warn("closing the index before its last change is on disk; the next start indexes it again", "index", ix.cfg.Dir)
			}
		}
		err = ix.bi.Close()
	}
	if lerr := ix.lock.unlock(); err == nil {
		err = lerr
	}
	return err
}

func (ix *Index) checkOpen() error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return ErrClosed
	}
	return nil
}

// Search runs a bleve search request against the index. It stops when ctx is done or
// the index closes, with an error that wraps ctx's error, or ErrClosed and
// context.Canceled. A search that panics (scorch does on some damaged segments)
// returns an error wrapping ErrDamaged. Config.Suspect hears of both that and bleve's
// errors.
func (ix *Index) Search(ctx context.Context, req *bleve.SearchRequest) (res *bleve.SearchResult, err error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	defer context.AfterFunc(ix.closing, func() { cancel(ErrClosed) })()
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("%w: a search failed reading it: %v", ErrDamaged, r)
		}
		if err != nil && errors.Is(context.Cause(ctx), ErrClosed) {
			err = fmt.Errorf("%w: %w", ErrClosed, err)
		}
		if err != nil && ctx.Err() == nil && ix.cfg.Suspect != nil {
			// Not waited for: a repair needs ix.mu, which this search holds.
			go ix.cfg.Suspect(err)
		}
	}()
	return ix.bi.SearchInContext(ctx, req)
}

// DocCount returns the number of sections in the index.
func (ix *Index) DocCount() (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return 0, ErrClosed
	}
	return ix.bi.DocCount()
}

// Sizes says where the bytes of the index's segment files go (segments.IndexSizes).
func (ix *Index) Sizes(ctx context.Context) (segments.Sizes, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return segments.Sizes{}, ErrClosed
	}
	return segments.IndexSizes(ctx, ix.bi)
}

// DocumentCount returns the number of documents in the index, exactly: it counts the
// sections that come first in their document (FieldOrdinal 1), one per document.
func (ix *Index) DocumentCount(ctx context.Context) (uint64, error) {
	first, inclusive := 1.0, true
	q := query.NewNumericRangeInclusiveQuery(&first, &first, &inclusive, &inclusive)
	q.SetField(FieldOrdinal)
	req := bleve.NewSearchRequestOptions(q, 0, 0, false)
	req.Score = "none"
	res, err := ix.Search(ctx, req)
	if err != nil {
		return 0, err
	}
	return res.Total, nil
}

// Terms calls each with the terms of field that begin with prefix, in order, and the
// number of sections that hold each (a section deleted or replaced counts until its
// segment is merged away), until each returns false. It reads the field's term
// dictionary, not the sections: looking a term up is cheap.
func (ix *Index) Terms(field, prefix string, each func(term string, sections uint64) bool) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return ErrClosed
	}
	dict, err := ix.bi.FieldDictPrefix(field, []byte(prefix))
	if err != nil {
		return fmt.Errorf("read the terms of %s: %w", field, err)
	}
	for {
		entry, err := dict.Next()
		if err != nil {
			dict.Close()
			return fmt.Errorf("read the terms of %s: %w", field, err)
		}
		if entry == nil || !each(entry.Term, entry.Count) {
			break
		}
	}
	return dict.Close()
}

// Analyze analyses text with one of the analysers (a TextField's Analyzer or
// QueryAnalyzer).
func (ix *Index) Analyze(analyzer, text string) ([]Token, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	a := ix.bi.Mapping().AnalyzerNamed(analyzer)
	if a == nil {
		return nil, fmt.Errorf("no analyser named %q", analyzer)
	}
	stream := a.Analyze([]byte(text))
	tokens := make([]Token, len(stream))
	for i, t := range stream {
		tokens[i] = Token{Term: string(t.Term), Start: t.Start, End: t.End, Position: t.Position}
	}
	return tokens, nil
}

// maxSectionsPerPage bounds one read of a document's sections.
const maxSectionsPerPage = 500

// Document rebuilds a whole document, its sections in reading order, from the index.
func (ix *Index) Document(ctx context.Context, docID string) (corpus.Document, error) {
	q := query.NewTermQuery(docID)
	q.SetField(FieldDocID)
	var doc corpus.Document
	for from := 0; ; from += maxSectionsPerPage {
		req := bleve.NewSearchRequestOptions(q, maxSectionsPerPage, from, false)
		req.Fields = StoredFields
		req.SortByCustom(search.SortOrder{&search.SortField{Field: FieldOrdinal, Type: search.SortFieldAsNumber}})
		res, err := ix.Search(ctx, req)
		if err != nil {
			return corpus.Document{}, err
		}
		for _, h := range res.Hits {
			d, sec := DecodeFields(h.ID, h.Fields)
			if doc.ID == "" {
				doc = d
			}
			doc.Sections = append(doc.Sections, sec)
		}
		if len(res.Hits) < maxSectionsPerPage {
			break
		}
	}
	if doc.ID == "" {
		return corpus.Document{}, fmt.Errorf("%w: %q", corpus.ErrNotFound, docID)
	}
	return doc, nil
}

// DecodeFields rebuilds a section and its document's metadata (without sections) from
// the stored fields of a hit (request StoredFields).
func DecodeFields(id string, fields map[string]interface{}) (corpus.Document, corpus.Section) {
	str := func(name string) string {
		s, _ := fields[name].(string)
		return s
	}
	doc := corpus.Document{
		ID:     str(FieldDocID),
		Source: str(FieldSource),
		Title:  str(FieldTitle),
		Date:   str(FieldDate),
		Tags:   stringsOf(fields[FieldTags]),
		Lang:   str(FieldDocLang),
	}
	sec := corpus.Section{
		ID:      id,
		Heading: str(FieldHeading),
		Path:    stringsOf(fields[FieldPath]),
		Text:    str(FieldText),
		Lang:    str(FieldLang),
		Facets:  corpus.Facets{},
	}
	for _, f := range corpus.ContentFacets {
		if vs := stringsOf(fields[string(f)]); len(vs) > 0 {
			sec.Facets[f] = vs
		}
	}
	for _, kv := range stringsOf(fields[FieldIdentifiers]) {
		kind, value, _ := strings.Cut(kv, ":")
		sec.Identifiers = append(sec.Identifiers, corpus.Identifier{Kind: kind, Value: value})
	}
	if m := str(FieldMeta); m != "" {
		_ = json.Unmarshal([]byte(m), &doc.Meta) // written by sectionRecord from a corpus.Meta
	}
	return doc, sec
}

// DecodeTrialMentions reads the trial mentions of a section from the stored fields of
// a hit (request FieldTrials); a value it cannot read is left out.
func DecodeTrialMentions(fields map[string]interface{}) []trials.Mention {
	var out []trials.Mention
	for _, s := range stringsOf(fields[FieldTrials]) {
		var m trials.Mention
		if json.Unmarshal([]byte(s), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// stringsOf reads a stored field that holds one string or several.
func stringsOf(v interface{}) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []interface{}:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// The directory layout (see the package comment).

func (ix *Index) genDir(gen int) string {
	return filepath.Join(ix.cfg.Dir, "bleve-"+strconv.Itoa(gen))
}

// readCurrent returns the generation CURRENT names, 0 when there is none.
func readCurrent(dir string) (int, error) {
	data, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read index: %w", err)
	}
	gen, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(string(data)), "bleve-"))
	if err != nil || gen <= 0 {
		return 0, nil // unreadable: treated as no index, which is then rebuilt
	}
	return gen, nil
}

// currentTempPrefix starts the names of CURRENT's temporary files.
const currentTempPrefix = "CURRENT.tmp"

// writeCurrent points CURRENT at generation gen, atomically and durably.
func writeCurrent(dir string, gen int) error {
	if err := durable.WriteFile(dir, "CURRENT", currentTempPrefix, fmt.Appendf(nil, "bleve-%d\n", gen)); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	return nil
}

// removeStale deletes the generations other than the current one (left by a rebuild
// that was interrupted or that replaced them) and temporary files of CURRENT that a
// crash left behind.
func (ix *Index) removeStale() {
	if ix.cfg.Dir == "" {
		return
	}
	entries, err := os.ReadDir(ix.cfg.Dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		stale := strings.HasPrefix(e.Name(), "bleve-") && e.Name() != filepath.Base(ix.genDir(ix.gen)) ||
			strings.HasPrefix(e.Name(), currentTempPrefix)
		if stale {
			if err := os.RemoveAll(filepath.Join(ix.cfg.Dir, e.Name())); err != nil {
				ix.log.Warn("could not remove an old index", "dir", e.Name(), "err", err)
			}
		}
	}
}
