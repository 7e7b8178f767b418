package indexer

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"musesearch/corpus"
)

// FileResult is what ReplaceFile indexed for one file.
type FileResult struct {
	// DocIDs are the ids of the file's documents, in order.
	DocIDs []string
	// Sections is the number of sections indexed.
	Sections int
}

// ReplaceFile indexes docs, the documents parsed from data, as the content of corpus
// file name, replacing what the file had in the index, in one batch: a search sees
// either the old sections or the new ones. data's hash and size are recorded, so that a
// later Sync knows the file unchanged. A name that is not a corpus file name, or docs
// whose ids another file has, leave the index unchanged.
func (ix *Index) ReplaceFile(ctx context.Context, name string, data []byte, docs []corpus.Document) (FileResult, error) {
	if err := ix.cfg.ValidName(name); err != nil {
		return FileResult{}, err
	}
	res := FileResult{}
	for _, d := range docs {
		res.DocIDs = append(res.DocIDs, d.ID)
		res.Sections += len(d.Sections)
	}
	sections := newFileSections(name, docs)
	err := ix.writeOne(ctx, func(w *writer) error {
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

// Files returns the corpus files the index holds, sorted.
func (ix *Index) Files() ([]string, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	return indexedFiles(ix.bi)
}

// HasFile reports whether the index holds corpus file name.
func (ix *Index) HasFile(name string) (bool, error) {
	rec, err := ix.recordOf(name)
	return rec != nil, err
}

// DocIDsOf returns the ids of the documents the index holds from corpus file name, in
// the file's order; none for a file it does not hold.
func (ix *Index) DocIDsOf(name string) ([]string, error) {
	rec, err := ix.recordOf(name)
	if rec == nil {
		return nil, err
	}
	return rec.Docs, nil
}

// recordOf returns the record of corpus file name, nil when the index has none.
func (ix *Index) recordOf(name string) (*fileRecord, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	return newRecords(ix.bi).get(name)
}

// SourceOf returns the corpus file document docID came from, or an error wrapping
// corpus.ErrNotFound.
func (ix *Index) SourceOf(ctx context.Context, docID string) (string, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return "", ErrClosed
	}
	source, err := sourceOf(ctx, ix.bi, docID)
	if err == nil && source == "" {
		err = fmt.Errorf("document %q: %w", docID, corpus.ErrNotFound)
	}
	return source, err
}

// sourceOf returns the corpus file of document docID, "" when bi holds none.
func sourceOf(ctx context.Context, bi bleve.Index, docID string) (string, error) {
	q := query.NewTermQuery(docID)
	q.SetField(FieldDocID)
	req := bleve.NewSearchRequestOptions(q, 1, 0, false)
	req.Fields = []string{FieldSource}
	res, err := bi.SearchInContext(ctx, req)
	if err != nil {
		return "", fmt.Errorf("read index: %w", err)
	}
	for _, h := range res.Hits {
		source, _ := h.Fields[FieldSource].(string)
		return source, nil
	}
	return "", nil
}
