package indexer

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
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

// TestTermVectors checks what the term vectors of every text field hold, in an index
// in memory and one on disk: each token's position as an analysis of the field's text
// gives it, and its offsets only where the field keeps them (TextField.Offsets).
func TestTermVectors(t *testing.T) {
	docs := sampleDocs("a.txt")
	docs[0].Sections[1].Path = []string{"Background", "脊髄損傷の治療"} // context_ja
	for name, ix := range map[string]*Index{"in memory": openMem(t), "on disk": openTemp(t)} {
		if _, err := ix.ReplaceFile(context.Background(), "a.txt", nil, docs); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for i, sec := range docs[0].Sections {
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
				var want []string
				terms := query.NewDisjunctionQuery(nil)
				for _, tok := range tokens {
					if !tf.Offsets {
						tok.Start, tok.End = 0, 0
					}
					want = append(want, fmt.Sprintf("%s %d %d-%d", tok.Term, tok.Position, tok.Start, tok.End))
					q := query.NewTermQuery(tok.Term)
					q.SetField(tf.Name)
					terms.AddQuery(q)
				}
				req := bleve.NewSearchRequest(query.NewConjunctionQuery([]query.Query{terms, query.NewDocIDQuery([]string{sec.ID})}))
				req.IncludeLocations = true
				res, err := ix.Search(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Hits) != 1 {
					t.Fatalf("%s: %s in %s: %d hits, want 1", name, sec.ID, tf.Name, len(res.Hits))
				}
				var got []string
				for term, locs := range res.Hits[0].Locations[tf.Name] {
					for _, l := range locs {
						got = append(got, fmt.Sprintf("%s %d %d-%d", term, l.Pos, l.Start, l.End))
					}
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
