package indexer

import (
	"slices"
	"testing"
)

// TestMappingKeepsOnlyWhatIsRead checks that the index keeps no field data nobody
// reads: only the fields a search asks for are stored, only the fields it sorts by
// have doc values, and only the analysed text fields (phrases need their positions,
// snippets their offsets) have term vectors.
func TestMappingKeepsOnlyWhatIsRead(t *testing.T) {
	read := append(slices.Clone(StoredFields), FieldTrials)
	sortedBy := []string{FieldDocID, FieldDate, FieldOrdinal}
	var text []string
	for _, tf := range TextFields {
		text = append(text, tf.Name)
	}
	m := newMapping()
	for prop, sub := range m.DefaultMapping.Properties {
		for _, f := range sub.Fields {
			name := f.Name
			if name == "" {
				name = prop
			}
			if f.Store && !slices.Contains(read, name) {
				t.Errorf("field %s is stored, but no search reads it", name)
			}
			if f.DocValues && !slices.Contains(sortedBy, name) {
				t.Errorf("field %s has doc values, but no search sorts by it", name)
			}
			if f.IncludeTermVectors != slices.Contains(text, name) {
				t.Errorf("field %s: term vectors %v, want them on the analysed text fields only", name, f.IncludeTermVectors)
			}
		}
	}
}
