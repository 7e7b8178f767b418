package corpus

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fileSize is what one file parses into: its documents, their sections, and the
// bytes of text (headings and bodies) of those sections.
type fileSize struct {
	name                      string
	docs, sections, textBytes int
	maxSections               int // the most sections of one of its documents
}

// TestSectionsPerDocument measures how many sections a document makes and how much
// text a section holds, for the bundled corpus, the real-world set and the format
// fixtures: the figures docs/SCALING.md turns a library's size in documents into
// sections. Run with -v to see them. Every document must have a section.
func TestSectionsPerDocument(t *testing.T) {
	bundleFiles, err := fs.Glob(Bundle, "*")
	if err != nil {
		t.Fatal(err)
	}
	realFiles, err := filepath.Glob(filepath.Join("testdata", "realworld", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sets := []struct {
		name  string
		fsys  fs.FS
		files []string
		// perFile logs each file's figures too; byKind logs them by kind of page.
		perFile, byKind bool
	}{
		{name: "bundle", fsys: Bundle, files: bundleFiles, perFile: true},
		{name: "realworld", fsys: os.DirFS("."), files: realFiles, byKind: true},
		{name: "format fixtures", fsys: os.DirFS("."), files: formatFixtures, perFile: true},
	}
	for _, s := range sets {
		var sizes []fileSize
		for _, name := range s.files {
			size := sizeOf(t, s.fsys, name)
			if s.perFile {
				t.Logf("  %-40s %d documents %3d sections %6d bytes of text", name, size.docs, size.sections, size.textBytes)
			}
			sizes = append(sizes, size)
		}
		total := sum(sizes)
		if total.docs == 0 {
			t.Fatalf("%s: no documents", s.name)
		}
		t.Logf("%-16s %3d files %3d documents %4d sections: %.2f sections/document (max %d), %.0f bytes of text/section",
			s.name, len(sizes), total.docs, total.sections, float64(total.sections)/float64(total.docs),
			total.maxSections, float64(total.textBytes)/float64(max(total.sections, 1)))
		if s.byKind {
			logByKind(t, s.name, sizes)
		}
	}
}

// sizeOf parses one file of fsys and measures it.
func sizeOf(t *testing.T, fsys fs.FS, name string) fileSize {
	t.Helper()
	parsed := parseFiles(t, fsys, []string{name})
	size := fileSize{name: name, docs: len(parsed)}
	for _, d := range parsed {
		if len(d.Sections) == 0 {
			t.Errorf("%s: document %s has no section", name, d.ID)
		}
		size.sections += len(d.Sections)
		size.maxSections = max(size.maxSections, len(d.Sections))
		for _, sec := range d.Sections {
			size.textBytes += len(sec.Heading) + len(sec.Text)
		}
	}
	return size
}

func sum(sizes []fileSize) fileSize {
	var total fileSize
	for _, s := range sizes {
		total.docs += s.docs
		total.sections += s.sections
		total.textBytes += s.textBytes
		total.maxSections = max(total.maxSections, s.maxSections)
	}
	return total
}

// logByKind logs sections per document by the kind of page a file name gives:
// registry records, PubMed Central pages, the rest.
func logByKind(t *testing.T, set string, sizes []fileSize) {
	t.Helper()
	byKind := map[string][]fileSize{}
	for _, s := range sizes {
		base := filepath.Base(s.name)
		kind := "other"
		switch {
		case strings.Contains(base, "nct") || strings.Contains(base, "jrct") || strings.Contains(base, "chictr"):
			kind = "registry"
		case strings.Contains(base, "-pmc-"):
			kind = "pmc"
		}
		byKind[kind] = append(byKind[kind], s)
	}
	for _, kind := range []string{"registry", "pmc", "other"} {
		if total := sum(byKind[kind]); total.docs > 0 {
			t.Logf("  %s %-8s %3d documents %4d sections: %.2f sections/document",
				set, kind, total.docs, total.sections, float64(total.sections)/float64(total.docs))
		}
	}
}
