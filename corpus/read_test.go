package corpus

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValidName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"notes.txt", true},
		{"Notes 2025.MD", true},
		{"論文.txt", true},
		{"a.b.txt", true},
		{"", false},
		{"notes.docx", false},
		{"paper.pdf", true},
		{"page.HTML", true},
		{"page.htm", true},
		{"pubmed.xml", true},
		{"pubmed.nbib", true},
		{"studies.json", true},
		{"studies.csv", true},
		{"notes", false},
		{".txt", false},
		{".hidden.txt", false},
		{".notes.txt.swp", false},
		{"notes.txt~", false},
		{"#notes.txt#", false},
		{"notes.txt.tmp", false},
		{"notes.tmp", false},
		{"dir/notes.txt", false},
		{`dir\notes.txt`, false},
		{"../notes.txt", false},
		{"..txt", false},
		{"a..b.txt", false},
		{"bad\x01name.txt", false},
		{"caf\xe9.txt", false},                     // not UTF-8
		{"evil\u202etxt.md", false},                // right-to-left override
		{"a\u2066b\u2069.txt", false},              // isolates
		{"a\u200fb.txt", false},                    // right-to-left mark
		{"a\u0085b.txt", false},                    // C1 control
		{strings.Repeat("a", 251) + ".txt", true},  // 255 bytes
		{strings.Repeat("a", 252) + ".txt", false}, // 256 bytes
		{strings.Repeat("論", 83) + ".txt", true},   // 253 bytes
		{strings.Repeat("論", 85) + ".txt", false},  // 259 bytes
	}
	for _, tt := range tests {
		err := ValidName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("ValidName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrBadName) {
			t.Errorf("ValidName(%q) = %v, want ErrBadName", tt.name, err)
		}
	}
}

func TestParseBadFiles(t *testing.T) {
	defer func(old int64) { maxFileSize = old }(maxFileSize)
	maxFileSize = 64

	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"binary", []byte("PNG\x00\x01\x02 some text"), ErrNotText},
		{"latin1", []byte("Caf\xe9 au lait, na\xefve text"), ErrNotText},
		{"empty", nil, ErrEmpty},
		{"whitespace", []byte(" \n\t\r\n\u3000\n"), ErrEmpty},
		{"debris only", []byte("A title\nImage Box text\n----\n* * *\n"), ErrEmpty},
		{"too large", []byte(strings.Repeat("word ", 20)), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Parse(tt.name+".txt", tt.data)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse = %d docs, %v; want %v", len(docs), err, tt.want)
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Name != tt.name+".txt" || !strings.Contains(err.Error(), tt.name+".txt") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	got, err := decode([]byte("\uFEFFline one\r\nline two\rline three\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "line one\nline two\nline three\n"; got != want {
		t.Errorf("decode = %q, want %q", got, want)
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string, order []string) {
	t.Helper()
	for _, name := range order {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(files[name]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReadDir(t *testing.T) {
	files := map[string]string{
		"b_blog.txt": "by admin | Jun 19, 2025 | Lupus\nMesenchymal stem cells calm the immune system in lupus patients, with early trials showing improvement.\n" +
			"by admin | May 2, 2025 | Stroke\nMuse cells given after stroke improved recovery in a randomised, placebo-controlled trial.\n",
		"a_notes.md":     "# Muse cells\n\nMuse cells are stress-enduring stem cells found in bone marrow and skin.\n",
		"c_binary.txt":   "\x00\x01\x02",
		"d_latin1.txt":   "caf\xe9",
		".hidden.txt":    "Hidden text that must not be read.",
		"notes.txt~":     "Editor backup that must not be read.",
		"e_empty.md":     "",
		"ignored.docx":   "not a corpus file",
		"f_plain.txt":    "Plain paragraph about induced pluripotent stem cells (iPSCs) and their use.\n",
		"#autosave.txt#": "Autosave",
	}
	order := []string{"f_plain.txt", "e_empty.md", ".hidden.txt", "b_blog.txt", "notes.txt~", "d_latin1.txt", "c_binary.txt", "a_notes.md", "ignored.docx", "#autosave.txt#"}
	dir := t.TempDir()
	writeFiles(t, dir, files, order)
	if err := os.Mkdir(filepath.Join(dir, "sub.txt"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "f_plain.txt"), filepath.Join(dir, "g_link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "sub.txt"), filepath.Join(dir, "h_dirlink.txt")); err != nil {
		t.Fatal(err)
	}

	docs, errs := ReadDir(dir)
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	wantIDs := []string{"a_notes", "b_blog-1", "b_blog-2", "f_plain", "g_link"}
	if diff := cmp.Diff(wantIDs, ids); diff != "" {
		t.Errorf("ReadDir ids (-want +got):\n%s", diff)
	}
	var bad []string
	for _, err := range errs {
		var fe *FileError
		if !errors.As(err, &fe) {
			t.Fatalf("error %v is not a *FileError", err)
		}
		bad = append(bad, fe.Name)
	}
	if diff := cmp.Diff([]string{"c_binary.txt", "d_latin1.txt", "e_empty.md"}, bad); diff != "" {
		t.Errorf("ReadDir errors (-want +got):\n%s", diff)
	}

	// The same files written in another order to another directory give the same
	// documents: ids depend on names only.
	dir2 := t.TempDir()
	reversed := slices.Clone(order)
	slices.Reverse(reversed)
	writeFiles(t, dir2, files, reversed)
	if err := os.WriteFile(filepath.Join(dir2, "g_link.txt"), []byte(files["f_plain.txt"]), 0o644); err != nil {
		t.Fatal(err)
	}
	docs2, _ := ReadDir(dir2)
	if diff := cmp.Diff(docs, docs2); diff != "" {
		t.Errorf("ReadDir depends on the directory or write order (-first +second):\n%s", diff)
	}
}

func TestReadFile(t *testing.T) {
	defer func(old int64) { maxFileSize = old }(maxFileSize)
	maxFileSize = 100
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"big.txt": strings.Repeat("stem cells ", 20), "ok.txt": "Muse cells home to injured tissue."}, []string{"big.txt", "ok.txt"})

	if _, err := ReadFile(dir, "big.txt"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ReadFile(big.txt) = %v, want ErrTooLarge", err)
	}
	if _, err := ReadFile(dir, "missing.txt"); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("ReadFile(missing.txt) = %v, want an error naming the file", err)
	}
	if _, err := ReadFile(dir, "../ok.txt"); !errors.Is(err, ErrBadName) {
		t.Errorf("ReadFile(../ok.txt) = %v, want ErrBadName", err)
	}
	docs, err := ReadFile(dir, "ok.txt")
	if err != nil || len(docs) != 1 || docs[0].ID != "ok" || docs[0].Source != "ok.txt" {
		t.Errorf("ReadFile(ok.txt) = %+v, %v", docs, err)
	}
}

// TestParseLineEnds checks that a file saved on another machine (CRLF or CR line ends,
// a byte order mark) gives the same documents.
func TestParseLineEnds(t *testing.T) {
	names, _ := fs.Glob(Bundle, "*.txt")
	for _, name := range names {
		data, _ := fs.ReadFile(Bundle, name)
		want, err := Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		lf := strings.ReplaceAll(string(data), "\r\n", "\n")
		for variant, text := range map[string]string{
			"crlf": "\uFEFF" + strings.ReplaceAll(lf, "\n", "\r\n"),
			"cr":   strings.ReplaceAll(lf, "\n", "\r"),
		} {
			got, err := Parse(name, []byte(text))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s with %s line ends differs (-lf +%s):\n%s", name, variant, variant, diff)
			}
		}
	}
}
