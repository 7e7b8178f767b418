package corpus

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSectionsPerDocument measures how many sections a document makes and how much
// text a section holds, for the bundled corpus, the real-world set and the format
// fixtures: the figures docs/SCALING.md turns a library's size in documents into
// sections. Run with -v to see them. Every document must have a section.
func TestSectionsPerDocument(t *testing.T) {
	type set struct {
		name  string
		files []string // read from dir (the bundle when dir is empty)
		dir   string
		// perFile logs each file's documents, sections and text too.
		perFile bool
	}
	bundleFiles, err := fs.Glob(Bundle, "*")
	if err != nil {
		t.Fatal(err)
	}
	realFiles, err := filepath.Glob(filepath.Join("testdata", "realworld", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sets := []set{
		{name: "bundle", files: bundleFiles, perFile: true},
		{name: "realworld", files: realFiles, dir: "."},
		{name: "format fixtures", files: formatFixtures, dir: ".", perFile: true},
	}
	for _, s := range sets {
		var files, docs, sections, maxSections, textBytes int
		for _, name := range s.files {
			var data []byte
			var err error
			if s.dir == "" {
				data, err = fs.ReadFile(Bundle, name)
			} else {
				data, err = os.ReadFile(filepath.Join(s.dir, name))
			}
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := Parse(filepath.Base(name), data)
			if err != nil {
				t.Fatalf("Parse(%s): %v", name, err)
			}
			files++
			var fileSections, fileBytes int
			for _, d := range parsed {
				if len(d.Sections) == 0 {
					t.Errorf("%s: document %s has no section", name, d.ID)
				}
				fileSections += len(d.Sections)
				maxSections = max(maxSections, len(d.Sections))
				for _, sec := range d.Sections {
					fileBytes += len(sec.Heading) + len(sec.Text)
				}
			}
			docs += len(parsed)
			sections += fileSections
			textBytes += fileBytes
			if s.perFile {
				t.Logf("  %-40s %d documents %3d sections %6d bytes of text", name, len(parsed), fileSections, fileBytes)
			}
		}
		if docs == 0 {
			t.Fatalf("%s: no documents", s.name)
		}
		t.Logf("%-16s %3d files %3d documents %4d sections: %.2f sections/document (max %d), %.0f bytes of text/section",
			s.name, files, docs, sections, float64(sections)/float64(docs), maxSections,
			float64(textBytes)/float64(max(sections, 1)))
		if s.name == "realworld" {
			logRealWorldByKind(t, s.files)
		}
	}
}

// logRealWorldByKind logs the real-world set's sections per document by the kind of
// page its file name gives (registry records, PMC and journal articles, the rest).
func logRealWorldByKind(t *testing.T, files []string) {
	t.Helper()
	kinds := map[string][2]int{} // kind → documents, sections
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := Parse(filepath.Base(name), data)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(name)
		kind := "other"
		switch {
		case strings.Contains(base, "nct") || strings.Contains(base, "jrct") || strings.Contains(base, "chictr"):
			kind = "registry"
		case strings.Contains(base, "-pmc-"):
			kind = "pmc"
		}
		k := kinds[kind]
		for _, d := range parsed {
			k[0]++
			k[1] += len(d.Sections)
		}
		kinds[kind] = k
	}
	for _, kind := range []string{"registry", "pmc", "other"} {
		if k := kinds[kind]; k[0] > 0 {
			t.Logf("  realworld %-8s %3d documents %4d sections: %.2f sections/document", kind, k[0], k[1], float64(k[1])/float64(k[0]))
		}
	}
}
