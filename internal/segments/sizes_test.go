package segments

import (
	"context"
	"encoding/binary"
	"errors"
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

// TestPostingsParts checks addPostings on postings headers written by hand: the parts
// of a well-ordered one, and errLayout for offsets out of order or past the end.
func TestPostingsParts(t *testing.T) {
	// header writes, at offset 100 of a segment of 200 bytes, a postings header with
	// the given offsets of the frequencies and locations and a bitmap of 7 bytes.
	header := func(freqs, locs uint64) []byte {
		mem := make([]byte, 200)
		n := 100
		for _, v := range []uint64{freqs, locs, 7} {
			n += binary.PutUvarint(mem[n:], v)
		}
		return mem
	}
	var fs FieldSizes
	if err := fs.addPostings(header(40, 70), 100); err != nil {
		t.Fatal(err)
	}
	if want := (FieldSizes{Frequencies: 30, Locations: 30, Bitmaps: 3 + 7}); fs != want {
		t.Errorf("parts %+v, want %+v", fs, want)
	}
	fs = FieldSizes{}
	if err := fs.addPostings(header(40, 0), 100); err != nil || fs.Frequencies != 60 || fs.Locations != 0 {
		t.Errorf("no locations: parts %+v, error %v; want frequencies 60, locations 0", fs, err)
	}
	for _, bad := range [][2]uint64{{70, 40}, {40, 120}, {150, 0}} {
		if err := new(FieldSizes).addPostings(header(bad[0], bad[1]), 100); !errors.Is(err, errLayout) {
			t.Errorf("frequencies at %d, locations at %d: error %v, want errLayout", bad[0], bad[1], err)
		}
	}
	if err := new(FieldSizes).addPostings(header(40, 70), 250); !errors.Is(err, errLayout) {
		t.Errorf("postings past the end: error %v, want errLayout", err)
	}
}
