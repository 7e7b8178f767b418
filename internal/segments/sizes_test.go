package segments

import (
	"context"
	"fmt"
	"maps"
	"os"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/mapping"
)

// TestIndexSizes checks that IndexSizes's parts add up to no more than the segment
// files, and that each part is what it says: a field that keeps its tokens' offsets
// takes more for its locations than one with the same text that keeps positions only,
// and as much for its frequencies; a field without term vectors has no locations.
func TestIndexSizes(t *testing.T) {
	m := textMapping()
	positions := bleve.NewTextFieldMapping()
	positions.Analyzer = standard.Name
	positions.IncludeTermVectors = true
	kw := bleve.NewTextFieldMapping()
	kw.Analyzer = keyword.Name
	kw.IncludeTermVectors = false
	kw.Store = true
	dm := m.(*mapping.IndexMappingImpl).DefaultMapping
	dm.AddFieldMappingsAt("p", positions)
	dm.AddFieldMappingsAt("k", kw)
	batches := []map[string]map[string]any{{}, {}}
	for i := range 400 {
		var words []string
		for j := range 40 {
			words = append(words, fmt.Sprintf("word%d", (i*j)%97))
		}
		text := strings.Join(words, " ")
		batches[i%2][fmt.Sprintf("%04d", i)] = map[string]any{"t": text, "p": text, "k": fmt.Sprintf("kind%d", i%5)}
	}
	config := maps.Clone(unmerged)
	config["segmentConfig"] = map[string]any{PositionsOnly: []string{"p"}}
	bi := batchedIndex(t, m, config, batches)
	if err := Merge(context.Background(), bi); err != nil {
		t.Fatal(err)
	}
	sizes, err := IndexSizes(context.Background(), bi)
	if err != nil {
		t.Fatal(err)
	}

	var files int64
	snap, err := Current(bi)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	for _, ss := range snap.snap.Segments() {
		seg, ok := ss.Segment().(interface{ Path() string })
		if !ok {
			t.Fatalf(upgrade+"a merged segment is a %T, not a file", ss.Segment())
		}
		info, err := os.Stat(seg.Path())
		if err != nil {
			t.Fatal(err)
		}
		files += info.Size()
	}
	if sizes.Files != files || sizes.Stored <= 0 || sizes.Other < 0 || sizes.Stored+sizes.Other >= files {
		t.Errorf("files %d bytes, stored %d, other %d; want the files' %d, both parts above 0 and below it", sizes.Files, sizes.Stored, sizes.Other, files)
	}
	text, pos, key := sizes.Fields["t"], sizes.Fields["p"], sizes.Fields["k"]
	for name, f := range map[string]FieldSizes{"t": text, "p": pos, "k": key} {
		if f.Dictionary <= 0 || f.Frequencies <= 0 || f.Bitmaps <= 0 {
			t.Errorf("field %s: %+v, want a dictionary, frequencies and bitmaps", name, f)
		}
	}
	if pos.Locations <= 0 || text.Locations <= pos.Locations || key.Locations != 0 {
		t.Errorf("locations: offsets kept %d bytes, positions only %d, no term vectors %d; want the first above the second, above the third, 0", text.Locations, pos.Locations, key.Locations)
	}
	if text.Frequencies != pos.Frequencies {
		t.Errorf("frequencies: %d and %d bytes for the same text, want them equal", text.Frequencies, pos.Frequencies)
	}
}
