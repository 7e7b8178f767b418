package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// ReadDir reads every corpus file of dir (the files ValidName accepts, in sorted name
// order; subdirectories and other files are ignored) and returns their documents. A
// file that cannot be read or is not usable text is skipped with one *FileError naming
// it; the other files are unaffected. The error slice is nil when every file was read.
func ReadDir(dir string) ([]Document, []error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, []error{fmt.Errorf("read corpus directory %s: %w", dir, err)}
	}
	var docs []Document
	var errs []error
	for _, e := range entries { // os.ReadDir sorts by name
		if ValidName(e.Name()) != nil || !regularFile(dir, e) {
			continue
		}
		d, err := ReadFile(dir, e.Name())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		docs = append(docs, d...)
	}
	return docs, errs
}

// regularFile reports whether e is a regular file, or a symbolic link to one.
func regularFile(dir string, e fs.DirEntry) bool {
	if e.Type()&fs.ModeSymlink != 0 {
		info, err := os.Stat(filepath.Join(dir, e.Name()))
		return err == nil && info.Mode().IsRegular()
	}
	return e.Type().IsRegular()
}

// ReadFile reads the corpus file name of dir and returns its documents, or a
// *FileError naming the file and the reason it was skipped.
func ReadFile(dir, name string) ([]Document, error) {
	if err := ValidName(name); err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return nil, &FileError{Name: name, Err: errors.Unwrap(err)}
	}
	defer f.Close()
	// Read one byte past the limit so an oversized file is detected without reading
	// it all, whatever Stat says (the file may be growing).
	data, err := io.ReadAll(io.LimitReader(f, SizeLimit(name)+1))
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &FileError{Name: name, Err: err}
	}
	return Parse(name, data)
}

// Parse turns the content of the corpus file name into its documents: one, or one per
// article or record when the file holds several (a blog export, a PubMed export).
// name gives the document ids (its stem, plus "-N" for the N-th document) and
// Document.Source, and its extension the format (see ValidName). The error is a
// *FileError wrapping ErrTooLarge, ErrNotText, ErrEmpty or ErrUnreadable.
func Parse(name string, data []byte) ([]Document, error) {
	if int64(len(data)) > SizeLimit(name) {
		return nil, &FileError{Name: name, Err: ErrTooLarge}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &FileError{Name: name, Err: ErrEmpty}
	}
	var docs []Document
	if f := sniff(name, data); f != formatText {
		articles, err := parseFormat(f, data)
		if err != nil {
			return nil, &FileError{Name: name, Err: err}
		}
		docs = fromArticles(filepath.Base(name), articles)
	} else {
		text, err := decode(data)
		if err != nil {
			return nil, &FileError{Name: name, Err: err}
		}
		docs = parseText(filepath.Base(name), text)
	}
	if len(docs) == 0 {
		return nil, &FileError{Name: name, Err: ErrEmpty}
	}
	return docs, nil
}

// decode checks that data is UTF-8 text and returns it without a byte order mark and
// with "\n" line ends.
func decode(data []byte) (string, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return "", ErrNotText
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return "", ErrEmpty
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	return strings.ReplaceAll(text, "\r", "\n"), nil
}
