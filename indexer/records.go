package indexer

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"

	"musesearch/internal/segments"
)

// fileRecord is kept per indexed corpus file: enough to tell whether the file changed
// and to delete what it produced.
type fileRecord struct {
	Hash    string   `json:"sha256"`
	Size    int64    `json:"size"`
	ModTime int64    `json:"mtime_ns"` // 0 when not known or too recent to trust
	Docs    []string `json:"docs"`
	Secs    []string `json:"sections"`
}

// The file records live in scorch's internal store, which commits them in the same
// batch as the sections they list. Scorch writes every internal value again, as its
// own bolt key in random order, each time it persists a snapshot: with one key per
// file, persisting cost time quadratic in the number of files (bolt inserts into one
// node: 180,000 keys took 44 s, and at 1M sections a third of the indexing CPU went
// there). So the records are grouped, by a hash of the file name, into at most
// recordGroups values: keyFiles + the group in hex, each a JSON object of file name to
// record, compressed (encodeGroup): the records list every section's id, mostly its
// document's id again, and at 1M sections took 50 MB as JSON, written again with every
// snapshot and held in memory.
const recordGroups = 4096

// keyFiles prefixes the internal keys of the record groups.
const keyFiles = "files/"

func groupKey(name string) string {
	h := fnv.New32a()
	h.Write([]byte(name))
	return fmt.Sprintf("%s%03x", keyFiles, h.Sum32()%recordGroups)
}

// records are the record groups a writer has read or changed. It is safe for
// concurrent use: files are read ahead of the writer in several goroutines.
type records struct {
	bi     bleve.Index
	mu     sync.Mutex
	groups map[string]map[string]*fileRecord // by group key, with the writer's changes
	dirty  map[string]bool                   // groups changed since they were last queued
	// zw compresses the groups queue encodes, reset for each: a gzip writer allocates
	// about 1 MB of tables, and a new one for every group changed by a batch was 4% of
	// a rebuild's CPU, with the collector's work on them. Nil until first needed.
	zw *gzip.Writer
}

func newRecords(bi bleve.Index) *records {
	return &records{bi: bi, groups: map[string]map[string]*fileRecord{}, dirty: map[string]bool{}}
}

// group returns the records of group key; the caller holds r.mu.
func (r *records) group(key string) (map[string]*fileRecord, error) {
	if g, ok := r.groups[key]; ok {
		return g, nil
	}
	data, err := r.bi.GetInternal([]byte(key))
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	g := map[string]*fileRecord{}
	if data != nil {
		if g, err = decodeGroup(data); err != nil {
			// An unreadable group: its files are indexed afresh.
			g = map[string]*fileRecord{}
		}
	}
	r.groups[key] = g
	return g, nil
}

// encodeGroup encodes a group of records: JSON, gzipped with zw, a writer at
// gzip.BestSpeed, which it resets.
func encodeGroup(zw *gzip.Writer, g map[string]*fileRecord) ([]byte, error) {
	var buf bytes.Buffer
	zw.Reset(&buf)
	if err := json.NewEncoder(zw).Encode(g); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeGroup decodes a group encodeGroup encoded, or one stored as plain JSON by
// earlier versions (a JSON object begins with '{', gzip data with 0x1f).
func decodeGroup(data []byte) (map[string]*fileRecord, error) {
	g := map[string]*fileRecord{}
	if len(data) > 0 && data[0] == '{' {
		return g, json.Unmarshal(data, &g)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	if err := json.NewDecoder(zr).Decode(&g); err != nil {
		return nil, err
	}
	return g, nil
}

// get returns a copy of the record of file name, nil when it has none.
func (r *records) get(name string) (*fileRecord, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	g, err := r.group(groupKey(name))
	if err != nil || g[name] == nil {
		return nil, err
	}
	rec := *g[name]
	return &rec, nil
}

// set records rec for file name, or drops its record when rec is nil.
func (r *records) set(name string, rec *fileRecord) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := groupKey(name)
	g, err := r.group(key)
	if err != nil {
		return err
	}
	if rec == nil {
		delete(g, name)
	} else {
		g[name] = rec
	}
	r.dirty[key] = true
	return nil
}

// queue puts the changed groups in batch.
func (r *records) queue(batch *bleve.Batch) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, key := range slices.Sorted(maps.Keys(r.dirty)) {
		g := r.groups[key]
		if len(g) == 0 {
			batch.DeleteInternal([]byte(key))
			continue
		}
		if r.zw == nil {
			var err error
			if r.zw, err = gzip.NewWriterLevel(nil, gzip.BestSpeed); err != nil {
				return err
			}
		}
		data, err := encodeGroup(r.zw, g)
		if err != nil {
			return err
		}
		batch.SetInternal([]byte(key), data)
	}
	clear(r.dirty)
	return nil
}

// indexedFiles returns the names of the corpus files the index has records of, sorted.
func indexedFiles(bi bleve.Index) ([]string, error) {
	snap, err := segments.Current(bi)
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	var names []string
	for key, data := range snap.Internal() {
		if !strings.HasPrefix(key, keyFiles) {
			continue
		}
		g, err := decodeGroup(data)
		if err != nil {
			continue // an unreadable group: its files are indexed afresh
		}
		for name := range g {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}
