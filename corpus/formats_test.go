package corpus

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"musesearch/corpus/article/articletest"
	"musesearch/corpus/pdf"
)

// TestMain gives the PDF engine the tests' cache, so that the tests neither read nor
// fill the user's.
func TestMain(m *testing.M) {
	pdf.SetCacheDir(articletest.PDFCacheDir())
	os.Exit(m.Run())
}

// formatFixtures are the sample files of the format parsers that read cleanly, one
// or more of each format and language.
var formatFixtures = []string{
	"pdf/testdata/paper_en.pdf",
	"pdf/testdata/press_ja.pdf",
	"pdf/testdata/news_zh.pdf",
	"pdf/testdata/twocol_en.pdf",
	"pdf/testdata/numbered_en.pdf",
	"htmldoc/testdata/paper_en.html",
	"htmldoc/testdata/press_ja_sjis.html",
	"htmldoc/testdata/press_ja_eucjp.html",
	"htmldoc/testdata/press_ja_nodecl.html",
	"htmldoc/testdata/news_zh_gb18030.html",
	"htmldoc/testdata/news_tw_big5.html",
	"pubmed/testdata/trials.xml",
	"pubmed/testdata/msc.nbib",
	"ctgov/testdata/studies.json",
	"ctgov/testdata/observational.json",
	"ctgov/testdata/studies.csv",
}

// TestFormatsGolden parses every format's fixtures and compares the documents with
// testdata/formats.golden.json: titles, metadata, heading paths, languages, facets,
// identifiers and text. Refresh with `go test ./corpus -run FormatsGolden -update`
// and read the diff.
func TestFormatsGolden(t *testing.T) {
	checkGolden(t, filepath.Join("testdata", "formats.golden.json"), parseFiles(t, os.DirFS("."), formatFixtures))
}

// TestFormats checks what every format must give, beyond the golden file: a real
// title, metadata where the format has it, and the facts of structured fields winning
// over the text.
func TestFormats(t *testing.T) {
	parse := func(path string) []Document {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := Parse(filepath.Base(path), data)
		if err != nil {
			t.Fatal(err)
		}
		return docs
	}
	for _, path := range formatFixtures {
		for _, d := range parse(path) {
			if d.Title == "" || d.Meta.TitleDerived || len(d.Sections) == 0 || d.Lang == "" {
				t.Errorf("%s: title %q (derived %v), %d sections, lang %q", d.ID, d.Title, d.Meta.TitleDerived, len(d.Sections), d.Lang)
			}
			if (d.Date != "" && d.Date != d.Meta.Date) || (d.Meta.Date != "" && d.Meta.Year == 0) {
				t.Errorf("%s: date %q, meta date %q, year %d", d.ID, d.Date, d.Meta.Date, d.Meta.Year)
			}
		}
	}
	// The trial registry says phase 2 and knee osteoarthritis: its text's "phase 3
	// trial will follow" and the excluded diseases of its eligibility criteria do not
	// count, in any section.
	for _, s := range parse("ctgov/testdata/studies.json")[1].Sections {
		want := Facets{Indication: {"osteoarthritis"}, CellType: {"msc"}, Design: {"rct"}, Phase: {"phase-2"}}
		if diff := cmp.Diff(want, s.Facets); diff != "" {
			t.Errorf("%s %q facets (-want +got):\n%s", s.ID, s.Heading, diff)
		}
	}
	// An observational study has no phase, whatever its summary says of earlier trials.
	for _, s := range parse("ctgov/testdata/observational.json")[0].Sections {
		if len(s.Facets[Phase]) > 0 || !equal(s.Facets[Design], "observational") {
			t.Errorf("%s: facets %v", s.ID, s.Facets)
		}
	}
	// PubMed: the publication types and MeSH major topics; a MeSH heading that is
	// not a major topic (Diabetes Mellitus) is no indication.
	rct := parse("pubmed/testdata/trials.xml")[0]
	if rct.Meta.PMID != "39000001" || rct.Meta.DOI != "10.5555/ms.2024.0001" || rct.Meta.Journal != "Cell transplantation" || len(rct.Meta.Authors) != 3 {
		t.Errorf("PubMed meta %+v", rct.Meta)
	}
	for _, s := range rct.Sections {
		want := Facets{Indication: {"stroke"}, CellType: {"muse"}, Design: {"rct"}, Phase: {"phase-2"}}
		if diff := cmp.Diff(want, s.Facets); diff != "" {
			t.Errorf("%s %q facets (-want +got):\n%s", s.ID, s.Heading, diff)
		}
	}
}

func equal(values []string, want ...string) bool { return cmp.Equal(values, want) }

// TestParseFormatsBad checks that every kind of bad file is refused with the error
// that says why, quickly: the reason a 415 (not a format read), a 422 (a format read,
// but this file cannot be) or a 400 (empty).
func TestParseFormatsBad(t *testing.T) {
	fixture := func(path string) []byte {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	billionLaughs := `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>&lol9;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>`
	external := `<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>&xxe;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>`
	tests := []struct {
		name  string
		data  []byte
		want  error
		inner error // the parser's reason, when it has a sentinel
	}{
		{"encrypted.pdf", fixture("pdf/testdata/encrypted.pdf"), ErrUnreadable, pdf.ErrEncrypted},
		{"scan.pdf", fixture("pdf/testdata/scan.pdf"), ErrUnreadable, pdf.ErrNoText},
		{"truncated.pdf", fixture("pdf/testdata/truncated.pdf"), ErrUnreadable, pdf.ErrDamaged},
		{"bomb.pdf", fixture("pdf/testdata/bomb.pdf"), ErrUnreadable, pdf.ErrDamaged},
		{"text.pdf", []byte("Muse cells, but not a PDF."), ErrUnreadable, pdf.ErrDamaged},
		{"image.html", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrNotText, nil},
		{"image.txt", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrNotText, nil},
		{"empty.html", []byte(" \n"), ErrEmpty, nil},
		{"empty.pdf", nil, ErrEmpty, nil},
		{"truncated.xml", fixture("pubmed/testdata/trials.xml")[:3000], ErrUnreadable, nil},
		{"laughs.xml", []byte(billionLaughs), ErrUnreadable, nil},
		{"external.xml", []byte(external), ErrUnreadable, nil},
		{"feed.xml", []byte(`<?xml version="1.0"?><rss><channel><title>News</title></channel></rss>`), ErrUnreadable, nil},
		{"empty-set.xml", []byte(`<PubmedArticleSet></PubmedArticleSet>`), ErrUnreadable, nil},
		{"notes.nbib", []byte("TI  - A title without a PMID\nAB  - Text.\n"), ErrUnreadable, nil},
		{"truncated.json", fixture("ctgov/testdata/studies.json")[:500], ErrUnreadable, nil},
		{"other.json", []byte(`{"name": "not a study"}`), ErrUnreadable, nil},
		{"none.json", []byte(`{"studies": []}`), ErrUnreadable, nil},
		{"wrong-type.json", []byte(`{"protocolSection": {"identificationModule": {"nctId": 42}}}`), ErrUnreadable, nil},
		{"no-nct.json", []byte(`{"protocolSection": {"identificationModule": {"briefTitle": "A study"}}}`), ErrUnreadable, nil},
		{"table.csv", []byte("name,value\nMuse,1\n"), ErrUnreadable, nil},
		{"quote.csv", []byte("NCT Number,Study Title\nNCT04261335,\"unclosed\n"), ErrUnreadable, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			docs, err := Parse(tt.name, tt.data)
			var fe *FileError
			if !errors.Is(err, tt.want) || !errors.As(err, &fe) || fe.Name != tt.name {
				t.Fatalf("Parse = %d docs, %v; want a *FileError naming the file, wrapping %v", len(docs), err, tt.want)
			}
			if tt.inner != nil && !errors.Is(err, tt.inner) {
				t.Errorf("err = %v, want it to wrap %v", err, tt.inner)
			}
			if strings.Contains(err.Error(), "wasm") || strings.Contains(err.Error(), "goroutine") {
				t.Errorf("the error shows the machinery: %v", err)
			}
			if d := time.Since(start); d > pdf.Timeout {
				t.Errorf("took %v", d)
			}
		})
	}
}

// TestParsePDFAnyName checks that a PDF is read as one whatever its name says.
func TestParsePDFAnyName(t *testing.T) {
	data, err := os.ReadFile("pdf/testdata/numbered_en.pdf")
	if err != nil {
		t.Fatal(err)
	}
	docs, err := Parse("report.txt", data)
	if err != nil || len(docs) != 1 || docs[0].Title != "Exosomes from mesenchymal stem cells" {
		t.Fatalf("Parse(report.txt) = %+v, %v", docs, err)
	}
}

// TestSizeLimit checks that a PDF may be larger than a text file, and that each
// kind's limit holds.
func TestSizeLimit(t *testing.T) {
	defer func(text, pdf int64) { maxFileSize, maxPDFSize = text, pdf }(maxFileSize, maxPDFSize)
	maxFileSize, maxPDFSize = 1000, 100_000
	data, err := os.ReadFile("pdf/testdata/numbered_en.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse("a.pdf", data); err != nil {
		t.Errorf("a %d-byte PDF: %v", len(data), err)
	}
	if _, err := Parse("a.html", []byte(strings.Repeat("<p>Muse</p>", 100))); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a 1,100-byte page: %v, want ErrTooLarge", err)
	}
	maxPDFSize = 1000
	if _, err := Parse("a.pdf", data); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a %d-byte PDF over the limit: %v, want ErrTooLarge", len(data), err)
	}
}

// BenchmarkParseFormats parses each format's fixtures: MB/s for every format, and
// pages/s for PDF (the engine already running).
func BenchmarkParseFormats(b *testing.B) {
	byFormat := map[string][]string{}
	for _, path := range formatFixtures {
		kind := filepath.Ext(path)[1:]
		byFormat[kind] = append(byFormat[kind], path)
	}
	byFormat["nbib"] = append(byFormat["nbib"], "pubmed/testdata/msc.nbib")
	for _, kind := range []string{"pdf", "html", "xml", "nbib", "json", "csv"} {
		b.Run(kind, func(b *testing.B) {
			var files [][]byte
			var names []string
			size := 0
			for _, path := range byFormat[kind] {
				data, err := os.ReadFile(path)
				if err != nil {
					b.Fatal(err)
				}
				files, names = append(files, data), append(names, filepath.Base(path))
				size += len(data)
			}
			if _, err := Parse(names[0], files[0]); err != nil { // starts the PDF engine
				b.Fatal(err)
			}
			b.SetBytes(int64(size))
			for b.Loop() {
				for i, data := range files {
					if _, err := Parse(names[i], data); err != nil {
						b.Fatal(err)
					}
				}
			}
			if kind == "pdf" {
				b.ReportMetric(float64(pdfPages*b.N)/b.Elapsed().Seconds(), "pages/s")
			}
		})
	}
}

// pdfPages is the number of pages of the PDF fixtures of formatFixtures (qpdf
// --show-npages on each).
const pdfPages = 7
