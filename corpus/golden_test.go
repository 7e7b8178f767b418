package corpus

import (
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path"
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
	checkGolden(t, filepath.Join("testdata", "bundle.golden.json"), parseFiles(t, Bundle, names))
}

// parseFiles parses the files names of fsys, each named by its base name.
func parseFiles(t *testing.T, fsys fs.FS, names []string) []Document {
	t.Helper()
	var docs []Document
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(path.Base(name), data)
		if err != nil {
			t.Fatalf("Parse(%s): %v", name, err)
		}
		docs = append(docs, d...)
	}
	return docs
}

// checkGolden compares docs with the golden file golden, which -update rewrites.
func checkGolden(t *testing.T, golden string, docs []Document) {
	t.Helper()
	got, err := json.MarshalIndent(docs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./corpus -run Golden -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("documents differ from %s (-want +got):\n%s", golden, diff)
	}
}
