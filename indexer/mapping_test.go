package indexer

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"musesearch/corpus"
	"musesearch/internal/segments"
)

// TestMappingKeepsOnlyWhatIsRead checks that the index keeps no field data nobody
// reads: every stored field changes what DecodeFields (or DecodeTrialMentions, for
// the trials) rebuilds from a hit, only the fields a search sorts by have doc values,
// and only the analysed text fields (phrases need their positions, snippets their
// offsets) have term vectors.
func TestMappingKeepsOnlyWhatIsRead(t *testing.T) {
	sortedBy := []string{FieldDocID, FieldDate, FieldOrdinal}
	var text []string
	for _, tf := range TextFields {
		text = append(text, tf.Name)
	}
	// A hit's stored fields, each with a value its decoder can read.
	stored := map[string]interface{}{}
	m := newMapping()
	for prop, sub := range m.DefaultMapping.Properties {
		for _, f := range sub.Fields {
			name := f.Name
			if name == "" {
				name = prop
			}
			if f.Store {
				stored[name] = "kind:value of " + name
			}
			if f.DocValues && !slices.Contains(sortedBy, name) {
				t.Errorf("field %s has doc values, but no search sorts by it", name)
			}
			if f.IncludeTermVectors != slices.Contains(text, name) {
				t.Errorf("field %s: term vectors %v, want them on the analysed text fields only", name, f.IncludeTermVectors)
			}
		}
	}
	if _, ok := stored[FieldMeta]; ok {
		stored[FieldMeta] = `{"journal": "J"}`
	}
	if _, ok := stored[FieldTrials]; ok {
		stored[FieldTrials] = `{"product": "CL2020"}`
	}
	decode := func(fields map[string]interface{}) any {
		doc, sec := DecodeFields("d#1", fields)
		return []any{doc, sec, DecodeTrialMentions(fields)}
	}
	all := decode(stored)
	for name := range stored {
		without := maps.Clone(stored)
		delete(without, name)
		if reflect.DeepEqual(decode(without), all) {
			t.Errorf("field %s is stored, but nothing decodes it", name)
		}
	}
}

// TestTermVectors checks what the term vectors of every text field hold, as the
// search reads them (segments.Occurrences), in an index in memory and one on disk:
// each token's position as an analysis of the field's text gives it, and its offsets
// only where the field keeps them (TextField.Offsets).
func TestTermVectors(t *testing.T) {
	docs := sampleDocs("a.txt")
	docs[0].Sections[1].Path = []string{"Background", "脊髄損傷の治療"} // context_ja
	for name, ix := range map[string]*Index{"in memory": openMem(t), "on disk": openTemp(t)} {
		snap := replacedSnapshot(t, ix, "a.txt", docs)
		seen := map[string]bool{}
		for i, sec := range docs[0].Sections {
			nums, err := snap.Numbers([]string{sec.ID})
			if err != nil || len(nums) != 1 {
				t.Fatalf("%s: %s is numbered %v (%v)", name, sec.ID, nums, err)
			}
			record := sectionRecord(docs[0], sec, i+1, nil)
			for _, tf := range TextFields {
				text, ok := record[textProperty(tf)].(string)
				if !ok {
					continue
				}
				seen[tf.Name] = true
				tokens, err := ix.Analyze(tf.Analyzer, text)
				if err != nil {
					t.Fatal(err)
				}
				var want, terms []string
				for _, tok := range tokens {
					if !tf.Offsets {
						tok.Start, tok.End = 0, 0
					}
					want = append(want, fmt.Sprintf("%s %d %d-%d", tok.Term, tok.Position, tok.Start, tok.End))
					terms = append(terms, tok.Term)
				}
				slices.Sort(terms)
				var got []string
				err = snap.Occurrences(tf.Name, []uint64{nums[sec.ID]}, slices.Compact(terms), func(o segments.Occurrence) {
					got = append(got, fmt.Sprintf("%s %d %d-%d", o.Term, o.Pos, o.Start, o.End))
				})
				if err != nil {
					t.Fatal(err)
				}
				slices.Sort(got)
				slices.Sort(want)
				want = slices.Compact(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s: %s's term vectors of %s (offsets %v):\n%q\nwant\n%q", name, sec.ID, tf.Name, tf.Offsets, got, want)
				}
			}
		}
		for _, tf := range TextFields {
			if !seen[tf.Name] {
				t.Errorf("no section of the sample has text in %s", tf.Name)
			}
		}
	}
}

// TestSectionsGroupedByLanguage checks that a new segment numbers the sections of the
// documents of one language together, each document's in order, whatever their ids:
// the blocks of sections a search bounds at once then hold one language.
func TestSectionsGroupedByLanguage(t *testing.T) {
	var docs []corpus.Document
	for _, d := range []struct{ id, lang string }{{"x1", "ja"}, {"x2", "en"}, {"x3", "zh"}, {"x4", "en"}} {
		doc := sampleDocs(d.id + ".txt")[0]
		doc.Lang = d.lang
		docs = append(docs, doc)
	}
	snap := replacedSnapshot(t, openMem(t), "x.txt", docs)
	var want []string
	for _, id := range []string{"x2", "x4", "x1", "x3"} { // en, ja, zh
		for _, sec := range docs[0].Sections {
			want = append(want, id+strings.TrimPrefix(sec.ID, "x1"))
		}
	}
	nums, err := snap.Numbers(want)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(want); i++ {
		if nums[want[i]] != nums[want[i-1]]+1 {
			t.Fatalf("%s is section %d, %s section %d: want the sections of English documents, then Japanese, then Chinese, each document's in order", want[i-1], nums[want[i-1]], want[i], nums[want[i]])
		}
	}
}

// replacedSnapshot replaces the documents of file name in ix with docs and returns the
// index's snapshot then, closed when the test ends.
func replacedSnapshot(t *testing.T, ix *Index, name string, docs []corpus.Document) segments.Snapshot {
	t.Helper()
	if _, err := ix.ReplaceFile(context.Background(), name, nil, docs); err != nil {
		t.Fatal(err)
	}
	snap, err := segments.Current(ix.bi)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close() })
	return snap
}
