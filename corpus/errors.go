package corpus

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxFileSize is the largest corpus file read, in bytes, but for a PDF. Larger files
// are skipped with ErrTooLarge: a corpus file is an article or an export of a few
// hundred records, and a bigger one is almost always a mistake (a database dump).
const MaxFileSize = 10 << 20

// MaxPDFSize is the largest PDF read, in bytes: papers with figures are often larger
// than any text file.
const MaxPDFSize = 50 << 20

// maxFileSize and maxPDFSize are MaxFileSize and MaxPDFSize, variables so that tests
// can lower them instead of writing large fixtures.
var (
	maxFileSize int64 = MaxFileSize
	maxPDFSize  int64 = MaxPDFSize
)

// SizeLimit is the largest size, in bytes, of corpus file name: MaxPDFSize for a .pdf,
// MaxFileSize for the others.
func SizeLimit(name string) int64 {
	if strings.EqualFold(filepath.Ext(name), ".pdf") {
		return maxPDFSize
	}
	return maxFileSize
}

// Formats names the kinds of file the corpus reads, for messages.
const Formats = "UTF-8 .txt and .md, .pdf, .html and .htm, PubMed .xml and MEDLINE .nbib, ClinicalTrials.gov .json and .csv"

// The reasons a file is not taken into the corpus. They reach the user wrapped in a
// *FileError that names the file; test them with errors.Is.
var (
	// ErrNotText: the file is of no kind the corpus reads (binary data, or text in
	// another encoding than UTF-8).
	ErrNotText = errors.New("not UTF-8 text nor another format musesearch reads (binary data or another encoding); it reads " + Formats)
	// ErrTooLarge: the file is larger than its SizeLimit.
	ErrTooLarge = fmt.Errorf("larger than the %d MB limit (%d MB for a PDF); split it into smaller files", MaxFileSize>>20, MaxPDFSize>>20)
	// ErrEmpty: the file holds no text content (empty, only whitespace or only debris).
	ErrEmpty = errors.New("no text content: it is empty or holds only whitespace or layout debris")
	// ErrBadName: the name is not a plain corpus file name with an extension the
	// corpus reads.
	ErrBadName = errors.New("not a corpus file name: use a plain name without directories or a leading dot, ending in .txt, .md, .pdf, .html, .htm, .xml, .nbib, .json or .csv")
	// ErrUnreadable: the file is of a kind the corpus reads but cannot be read: an
	// encrypted PDF or one without a text layer (a scan), a damaged PDF, invalid XML
	// or JSON, a record of another kind. It wraps the parser's own error, which says
	// which.
	ErrUnreadable = errors.New("cannot be read")
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

// extensions are the file name extensions of corpus files, in lower case.
var extensions = []string{".txt", ".md", ".pdf", ".html", ".htm", ".xml", ".nbib", ".json", ".csv"}

// ValidName reports whether name is the name of a corpus file: a plain file name (no
// directory, no "..") ending in one of the extensions the corpus reads, and not a
// hidden file or an editor's temporary file (".x", "x~", "#x#", ".x.swp", "x.tmp"), of
// at most MaxNameBytes bytes of UTF-8 without control or direction-changing
// characters. Every part of musesearch
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
	if !slices.Contains(extensions, strings.ToLower(filepath.Ext(name))) {
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
