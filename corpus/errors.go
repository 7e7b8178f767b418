package corpus

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
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

// MaxNameBytes is the longest corpus file name, in bytes: the limit of most file
// systems (NAME_MAX).
const MaxNameBytes = 255

// badNameError is ErrBadName for a name that breaks a rule the general sentence does
// not tell: errors.Is(err, ErrBadName) holds.
type badNameError string

func (e badNameError) Error() string        { return "not a corpus file name: " + string(e) }
func (e badNameError) Is(target error) bool { return target == ErrBadName }

// Names that break a rule ErrBadName's sentence does not tell.
var (
	errNameTooLong = badNameError(fmt.Sprintf("it is longer than %d bytes; use a shorter name", MaxNameBytes))
	// A name whose bytes are not UTF-8 cannot be kept as written (in JSON, in the
	// index's records), and one with control or direction-changing characters
	// (U+202E shows "evil\u202Etxt.md" as "evilmd.txt") misleads whoever reads it.
	errNameNotPlain = badNameError("it holds bytes that are not UTF-8, control characters or direction-changing characters; use plain UTF-8 text")
)

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
// temporary file (".x", "x~", "#x#", ".x.swp", "x.tmp"), of at most MaxNameBytes bytes
// of UTF-8 without control or direction-changing characters. Every part of musesearch
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
	if len(name) > MaxNameBytes {
		return &FileError{Name: name, Err: errNameTooLong}
	}
	if !utf8.ValidString(name) || strings.ContainsFunc(name, notPlain) {
		return &FileError{Name: name, Err: errNameNotPlain}
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

// notPlain reports whether r has no place in a file name: a control character (C0, DEL,
// C1) or a character that changes the direction of the text around it (marks,
// embeddings, overrides, isolates).
func notPlain(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}

// stem is the file name without its extension: the base of every document id.
func stem(name string) string {
	base := filepath.Base(name)
	return strings.TrimSuffix(base, filepath.Ext(base))
}
