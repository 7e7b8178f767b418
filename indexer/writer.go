package indexer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"

	"musesearch/corpus"
	"musesearch/internal/segments"
)

// Batches group several files (each file is whole in one batch, so a file's old and
// new sections are never both or neither visible) up to these bounds. Fewer, larger
// batches make fewer segments for bleve to merge: at 10,000 sections, 3,000 per batch
// took about 7% less CPU than 1,000 (5,000 did not do clearly better).
const (
	maxBatchSections = 3000
	maxBatchBytes    = 8 << 20
)

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
	bytes   int                      // of the sections' text
	// analysed are the records mapped and analysed, when that was done ahead of the
	// writer (see analyse); nil otherwise.
	analysed []*document.Document
}

func newFileSections(name string, docs []corpus.Document) fileSections {
	f := fileSections{docs: docs}
	for _, d := range docs {
		d.Source = name
		mentions := trialMentions(d)
		for i, s := range d.Sections {
			f.records = append(f.records, sectionRecord(d, s, i+1, mentions[s.ID]))
			f.bytes += len(s.Text)
		}
	}
	return f
}

// analyse maps the records of f to bleve documents and analyses their fields, as a
// batch would, so that this work is done where the file is read, by several
// goroutines, rather than in the writer's batch. Scorch analyses a batch before it
// builds the batch's segment, on one goroutine; the goroutines reading ahead then
// keep busy while it does. The documents are the same: the fields are bleve's own,
// analysed by their analysers. When mapping fails, f is left for the batch, which
// reports the error.
func (f *fileSections) analyse(m mapping.IndexMapping) {
	docs := make([]*document.Document, 0, len(f.records))
	k := 0
	for _, d := range f.docs {
		for _, s := range d.Sections {
			doc, err := f.document(m, k, s.ID)
			if err != nil {
				return
			}
			for i, field := range doc.Fields {
				if field.Options().IsIndexed() {
					field.Analyze()
					doc.Fields[i] = analysedField{field}
				}
			}
			docs = append(docs, doc)
			k++
		}
	}
	f.analysed = docs
}

// document maps the k-th section of f, whose id is id, to a bleve document, not yet
// analysed: as the mapping maps its record, but for FieldMentions (mentionsField), and
// the text fields, which our analysers analyse straight into term frequencies
// (analysedText).
func (f *fileSections) document(m mapping.IndexMapping, k int, id string) (*document.Document, error) {
	doc := document.NewDocument(id)
	if err := m.MapDocument(doc, f.records[k]); err != nil {
		return nil, err
	}
	for i, field := range doc.Fields {
		if field.Name() == FieldMentions {
			doc.Fields[i] = mentionsField(field)
		} else if text, ok := field.(*document.TextField); ok {
			if an, ok := text.Analyzer().(*analyzer); ok {
				doc.Fields[i] = &analysedText{TextField: text, an: an, offsets: keepsOffsets(text.Name())}
			}
		}
	}
	return doc, nil
}

// section returns the document of the k-th section of f, whose id is id: analysed
// if it was analysed ahead, else for the batch to analyse.
func (f *fileSections) section(m mapping.IndexMapping, k int, id string) (*document.Document, error) {
	if f.analysed != nil {
		return f.analysed[k], nil
	}
	return f.document(m, k, id)
}

// analysedField is a field analysed ahead of its batch: scorch calls Analyze on every
// field of a batch, which must not do the work again.
type analysedField struct{ document.Field }

// Analyze implements document.Field: the field is analysed already.
func (analysedField) Analyze() {}

// LocationsStored implements segments.StoredLocations as the field does.
func (f analysedField) LocationsStored() bool {
	s, ok := f.Field.(segments.StoredLocations)
	return ok && s.LocationsStored()
}

// maxPartBytes bounds the text of a file indexed in one batch. Bleve holds the
// analysis of a whole batch (every token with its position, about 150 bytes each) and
// then builds a segment of it in memory, so that a 10 MB file of Japanese text in one
// batch peaked at 2.4 to 3.7 GB. A file of more text is indexed in parts of about this
// much, each its own batch: the same files then peak at 0.8 to 1.2 GB, for about the
// same CPU time (BenchmarkAddLarge in internal/library; 512 KB parts saved another 20%,
// 2 MB ones cost 60% more). A variable for the tests.
var maxPartBytes = 1 << 20

// replace queues the deletion of old's sections and the indexing of f as file name's
// content, recorded as rec.
//
// A file of more than maxPartBytes of text is flushed in parts as it is queued. The
// first part deletes the old sections, so a search sees the old content whole, then
// the first parts of the new content, then all of it; never some of both. Until the
// last part the file's record has no content hash, so a sync that follows a crash
// half-way indexes the file again, and lists every section the file may have in the
// index, so that sync deletes them all first.
func (w *writer) replace(name string, old, rec *fileRecord, f fileSections) error {
	inParts := f.bytes > maxPartBytes
	if inParts && w.bytes > 0 {
		// Other files first: the first part's batch deletes the old sections.
		if err := w.flush(); err != nil {
			return err
		}
	}
	if old != nil {
		for _, id := range old.Secs {
			w.batch.Delete(id)
		}
	}
	rec.Docs, rec.Secs = nil, nil
	for _, d := range f.docs {
		w.claims[d.ID] = name
		rec.Docs = append(rec.Docs, d.ID)
		for _, s := range d.Sections {
			rec.Secs = append(rec.Secs, s.ID)
		}
	}
	if inParts {
		if err := w.setRecord(name, &fileRecord{Docs: rec.Docs, Secs: rec.Secs}); err != nil {
			return err
		}
	}
	k := 0
	for _, d := range f.docs {
		for _, s := range d.Sections {
			if inParts && w.bytes >= maxPartBytes {
				if err := w.flush(); err != nil {
					return err
				}
			}
			doc, err := f.section(w.bi.Mapping(), k, s.ID)
			if err == nil {
				err = w.batch.IndexAdvanced(doc)
			}
			if err != nil {
				return fmt.Errorf("index section %s: %w", s.ID, err)
			}
			k++
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
			var err error
			if other, err = sourceOf(context.Background(), w.bi, d.ID); err != nil {
				return err
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
	if err := segments.Merge(ctx, w.bi); err != nil {
		return err
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
