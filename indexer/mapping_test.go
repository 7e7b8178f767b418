package indexer

import (
	"maps"
	"reflect"
	"slices"
	"testing"
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
