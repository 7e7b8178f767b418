package indexer

import (
	"context"

	"musesearch/corpus"
)

// FileResult is what ReplaceFile indexed for one file.
type FileResult struct {
	// DocIDs are the ids of the file's documents, in order.
	DocIDs []string
	// Sections is the number of sections indexed.
	Sections int
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

// Files returns the corpus files the index holds, sorted.
func (ix *Index) Files() ([]string, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	return indexedFiles(ix.bi)
}
