package corpus

import (
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestBundleGolden parses the whole bundled corpus and compares the documents with
// testdata/bundle.golden.json. Refresh with `go test ./corpus -update` and read the
// diff: titles, dates, tags, heading paths, languages, facets and identifiers.
func TestBundleGolden(t *testing.T) {
	names, err := fs.Glob(Bundle, "*")
	if err != nil {
		t.Fatal(err)
	}
	var docs []Document
	for _, name := range names {
		data, err := fs.ReadFile(Bundle, name)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(name, data)
		if err != nil {
			t.Fatalf("Parse(%s): %v", name, err)
		}
		docs = append(docs, d...)
	}
	got, err := json.MarshalIndent(docs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "bundle.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./corpus -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("bundle documents differ from %s (-want +got):\n%s", path, diff)
	}
}
