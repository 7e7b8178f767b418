// Package articletest holds what the tests of the format parsers share: reading a
// fixture, the headings of an article, the PDF engine's cache.
package articletest

import (
	"os"
	"path/filepath"
	"testing"

	"musesearch/corpus/article"
)

// Fixture returns the content of the test's testdata/name.
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Headings returns the texts of the article's headings, in order.
func Headings(a article.Article) []string {
	var out []string
	for _, b := range a.Blocks {
		if b.Kind == article.Heading {
			out = append(out, b.Text)
		}
	}
	return out
}

// PDFCacheDir is where tests cache the PDF engine's compiled module: a directory under
// the system's temporary directory, shared by the test binaries and fuzzing workers
// of a machine, so that the module is compiled once (about 7 s) rather than by each,
// and the user's cache is neither read nor filled.
func PDFCacheDir() string { return filepath.Join(os.TempDir(), "musesearch-pdfium-test") }
