package indexer

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/google/go-cmp/cmp"

	"musesearch/corpus"
)

// TestAnalysedAhead indexes the bundled corpus twice, its sections' records given to
// the batch as they are and analysed ahead (fileSections.analyse): every field's
// terms, postings, frequencies, norms and term vectors, the stored fields and the doc
// values must be the same.
func TestAnalysedAhead(t *testing.T) {
	files := bundleSections(t)
	inBatch, ahead := openMem(t), openMem(t)
	for _, f := range files {
		a := f
		a.analyse(ahead.bi.Mapping())
		if len(a.analysed) != len(f.records) {
			t.Fatalf("%d sections analysed ahead of %d", len(a.analysed), len(f.records))
		}
		for _, ix := range []*Index{inBatch, ahead} {
			w, err := newWriter(ix.bi, false)
			if err != nil {
				t.Fatal(err)
			}
			fs := f
			if ix == ahead {
				fs = a
			}
			if err := w.replace(f.docs[0].Source, nil, &fileRecord{}, fs); err != nil {
				t.Fatal(err)
			}
			if err := w.flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	want, got := dumpIndex(t, inBatch.bi), dumpIndex(t, ahead.bi)
	if len(want) < 1000 {
		t.Fatalf("the index holds %d entries, want a corpus's worth", len(want))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("analysed ahead (-in batch +ahead):\n%s", diff)
	}
}

// bundleSections returns the sections of the bundled corpus's text files.
func bundleSections(t *testing.T) []fileSections {
	t.Helper()
	names, err := fs.Glob(corpus.Bundle, "*.txt")
	if err != nil || len(names) == 0 {
		t.Fatalf("no bundled files: %v", err)
	}
	var files []fileSections
	for _, name := range names {
		data, err := fs.ReadFile(corpus.Bundle, name)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := corpus.Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, newFileSections(name, docs))
	}
	return files
}

// TestSectionDocument indexes the bundled corpus twice: each section's record given
// to the batch, which maps it with the mapping and analyses it with bleve's text
// fields, its FieldMentions terms as an array, which makes a keyword field of each;
// and as fileSections.document maps it, its mentions one text (mentionsField), its
// text fields analysed straight into term frequencies (analysedText). The index must
// hold the same.
func TestSectionDocument(t *testing.T) {
	files := bundleSections(t)
	mapped, one := openMem(t), openMem(t)
	mentioning := 0
	for _, ix := range []*Index{mapped, one} {
		batch := ix.bi.NewBatch()
		for _, f := range files {
			k := 0
			for _, d := range f.docs {
				for _, s := range d.Sections {
					var err error
					if ix == mapped {
						record := maps.Clone(f.records[k])
						if terms := mentionTerms(s); len(terms) > 0 {
							record[FieldMentions] = terms
							mentioning++
						}
						err = batch.Index(s.ID, record)
					} else {
						var doc *document.Document
						if doc, err = f.document(ix.bi.Mapping(), k, s.ID); err == nil {
							err = batch.IndexAdvanced(doc)
						}
					}
					if err != nil {
						t.Fatal(err)
					}
					k++
				}
			}
		}
		if err := ix.bi.Batch(batch); err != nil {
			t.Fatal(err)
		}
	}
	if mentioning < 10 {
		t.Fatalf("%d sections mention a concept, want a corpus's worth", mentioning)
	}
	want, got := dumpIndex(t, mapped.bi), dumpIndex(t, one.bi)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sections as documents (-mapped +document):\n%s", diff)
	}
}

// dumpIndex lists what bi holds, by section id: each field's postings with their
// frequencies, norms and term vectors, the stored fields and the doc values.
func dumpIndex(t *testing.T, bi bleve.Index) []string {
	t.Helper()
	r := openReader(t, bi)
	defer r.Close()
	fields, err := r.Fields()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, field := range fields {
		dict, err := r.FieldDict(field)
		if err != nil {
			t.Fatal(err)
		}
		for e, err := dict.Next(); e != nil || err != nil; e, err = dict.Next() {
			if err != nil {
				t.Fatal(err)
			}
			tfr, err := r.TermFieldReader(context.Background(), []byte(e.Term), field, true, true, true)
			if err != nil {
				t.Fatal(err)
			}
			for d, err := tfr.Next(nil); d != nil || err != nil; d, err = tfr.Next(nil) {
				if err != nil {
					t.Fatal(err)
				}
				id, err := r.ExternalID(d.ID)
				if err != nil {
					t.Fatal(err)
				}
				entry := fmt.Sprintf("%s %s %q freq %d norm %v", id, field, e.Term, d.Freq, d.Norm)
				for _, v := range d.Vectors {
					entry += fmt.Sprintf(" %s%v@%d[%d:%d]", v.Field, v.ArrayPositions, v.Pos, v.Start, v.End)
				}
				out = append(out, entry)
			}
			tfr.Close()
		}
		dict.Close()
	}
	ids, err := r.DocIDReaderAll()
	if err != nil {
		t.Fatal(err)
	}
	defer ids.Close()
	dv, err := r.DocValueReader(fields)
	if err != nil {
		t.Fatal(err)
	}
	for iid, err := ids.Next(); iid != nil || err != nil; iid, err = ids.Next() {
		if err != nil {
			t.Fatal(err)
		}
		id, err := r.ExternalID(iid)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := r.Document(id)
		if err != nil {
			t.Fatal(err)
		}
		doc.VisitFields(func(f index.Field) {
			out = append(out, fmt.Sprintf("%s stored %s%v %q", id, f.Name(), f.ArrayPositions(), f.Value()))
		})
		err = dv.VisitDocValues(iid, func(field string, term []byte) {
			out = append(out, fmt.Sprintf("%s doc value %s %q", id, field, term))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(out)
	return out
}
