package corpus

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// MaxFileSize is the largest corpus file read, in bytes. Larger files are skipped with
// ErrTooLarge: a corpus file is an article or an export of a few articles, and a bigger
// one is almost always a mistake (a database dump, a PDF saved as .txt).
const MaxFileSize = 10 << 20

// maxFileSize is MaxFileSize, a variable so that tests can lower it instead of writing
// 10 MB fixtures.
var maxFileSize int64 = MaxFileSize

// The reasons a file is not taken into the corpus. They reach the user wrapped in a
// *FileError that names the file; test them with errors.Is.
var (
	// ErrNotText: the file is not UTF-8 text (binary data, or text in another encoding).
	ErrNotText = errors.New("not UTF-8 text (binary data or another encoding); save it as UTF-8 plain text")
	// ErrTooLarge: the file is larger than MaxFileSize.
	ErrTooLarge = fmt.Errorf("larger than the %d MB limit; split it into smaller files", MaxFileSize>>20)
	// ErrEmpty: the file holds no text content (empty, only whitespace or only debris).
	ErrEmpty = errors.New("no text content: it is empty or holds only whitespace or layout debris")
	// ErrBadName: the name is not a plain .txt or .md file name of the corpus.
	ErrBadName = errors.New("not a corpus file name: use a plain name ending in .txt or .md, without directories or a leading dot")
)

// ErrNotFound is the error for a document id the corpus does not hold: the packages
// that look documents up (the index, the search, the library) wrap it.
var ErrNotFound = errors.New("no such document")

// FileError is the error of one corpus file: the file name and why it was skipped.
type FileError struct {
	// Name is the file name, relative to the corpus directory.
	Name string
	// Err is the reason, usually one of the ErrX sentinels.
	Err error
}

func (e *FileError) Error() string { return fmt.Sprintf("corpus file %q: %v", e.Name, e.Err) }

// Unwrap returns the reason, so that errors.Is(err, ErrNotText) works.
func (e *FileError) Unwrap() error { return e.Err }

// ValidName reports whether name is the name of a corpus file: a plain file name (no
// directory, no "..") ending in .txt or .md, and not a hidden file or an editor's
// temporary file (".x", "x~", "#x#", ".x.swp", "x.tmp"). Every part of musesearch
// ignores files that fail it, so that an editor saving a document never adds debris.
func ValidName(name string) error {
	bad := &FileError{Name: name, Err: ErrBadName}
	if name == "" || name != filepath.Base(name) || strings.ContainsAny(name, `/\`) ||
		strings.Contains(name, "..") {
		return bad
	}
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") || strings.HasPrefix(name, "~") ||
		strings.HasSuffix(name, "~") || strings.HasSuffix(name, "#") {
		return bad
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return bad
		}
	}
	ext := strings.ToLower(filepath.Ext(name))
	if ext != ".txt" && ext != ".md" {
		return bad
	}
	if strings.TrimSpace(strings.TrimSuffix(name, filepath.Ext(name))) == "" {
		return bad
	}
	return nil
}

// stem is the file name without its extension: the base of every document id.
func stem(name string) string {
	base := filepath.Base(name)
	return strings.TrimSuffix(base, filepath.Ext(base))
}
