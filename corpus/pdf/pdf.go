// Package pdf reads the text of a PDF as one article, with PDFium (Chrome's PDF
// engine) compiled to WebAssembly (see engine.go). It reads every page's text lines in
// PDFium's reading order, drops the running headers, footers and page numbers that
// repeat on the pages, joins the words hyphenated at line ends, finds headings by
// their font size (or weight, or section numbers), and reads the title, author and
// creation date of the PDF's metadata.
//
// An encrypted PDF, one without a text layer (a scan) and a damaged one are refused
// with errors that say so; a PDF that takes longer than Timeout to read, or more than
// the engine's memory, is refused too, and never takes the process down.
package pdf

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"

	"github.com/klippa-app/go-pdfium"

	"musesearch/corpus/article"
)

// Limits of reading one PDF.
const (
	// Timeout bounds the time one PDF is read in, once the engine is free for it.
	Timeout = 30 * time.Second
	// maxPages bounds the pages read: a PDF claiming more is read up to there.
	maxPages = 3000
	// minLetters is the fewest letters a PDF with a text layer has; one with fewer
	// (a scan with a page number) has none worth reading.
	minLetters = 10
)

// The reasons a PDF is refused.
var (
	// ErrEncrypted: the PDF needs a password to be opened.
	ErrEncrypted = errors.New("the PDF is encrypted: save a copy without a password and add that")
	// ErrNoText: the PDF holds no text layer, only images (a scan).
	ErrNoText = errors.New("the PDF has no text layer (a scan or images only): run text recognition (OCR) on it first")
	// ErrDamaged: PDFium cannot read the file as a PDF.
	ErrDamaged = errors.New("the PDF is damaged or not a PDF at all")
	// ErrTimeout: reading the PDF took longer than Timeout.
	ErrTimeout = fmt.Errorf("reading the PDF took longer than %v: it is damaged or far too large", Timeout)
)

// softHyphen marks where PDFium joined a word hyphenated at a line end; resolve
// decides whether the hyphen stays.
const softHyphen = '\u00ad'

// line is one text line of a page.
type line struct {
	text string
	page int
	y    float64 // baseline of its first letter, in points from the page's bottom
	// yEnd is the baseline of its last letter: lower than y when PDFium joined two
	// lines at a hyphenated word.
	yEnd   float64
	size   float64 // font size of its first letter, in points
	weight int     // font weight of its first letter (400 regular, 700 bold; 0 unknown)
}

// Parse reads the PDF data. It waits while the engine reads another document, until
// ctx is done; the reading itself is bounded by Timeout.
func Parse(ctx context.Context, data []byte) (article.Article, error) {
	inst, err := instance(ctx)
	if err != nil {
		return article.Article{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	done := make(chan struct{})
	killed := make(chan bool, 1)
	go func() {
		select {
		case <-ctx.Done():
			inst.Kill() // interrupts the running call; the instance is gone
			killed <- true
		case <-done:
			killed <- false
		}
	}()
	a, err := read(inst, data)
	close(done)
	if <-killed {
		a, err = article.Article{}, ErrTimeout
	} else {
		inst.Close()
	}
	unmapRetired() // no call runs in the instance any more
	return a, err
}

// read reads the document with inst. A panic in the engine (a fault of the module or
// of its Go bindings on a damaged file) is an error like any other.
func read(inst pdfium.Pdfium, data []byte) (a article.Article, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w (%v)", ErrDamaged, r)
		}
	}()
	opened, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	if err != nil {
		return a, openError(err)
	}
	doc := opened.Document
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc})
	count, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc})
	if err != nil {
		return a, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	var pages [][]line
	for i := range min(count.PageCount, maxPages) {
		lines, err := readPage(inst, doc, i)
		if err != nil {
			if errors.Is(err, errEngineGone) {
				return a, err
			}
			continue // a damaged page: read the others
		}
		pages = append(pages, lines)
	}
	if letters(pages) < minLetters {
		return a, ErrNoText
	}
	title, blocks := layout(pages)
	a.Blocks = blocks
	a.Title = title
	meta := func(tag string) string {
		m, err := inst.FPDF_GetMetaText(&requests.FPDF_GetMetaText{Document: doc, Tag: tag})
		if err != nil {
			return ""
		}
		return strings.TrimSpace(m.Value)
	}
	if a.Title == "" && usableTitle(meta("Title")) {
		a.Title = meta("Title")
	}
	if author := meta("Author"); author != "" {
		for _, au := range strings.Split(author, ";") {
			if au = strings.TrimSpace(au); au != "" {
				a.Meta.Authors = append(a.Meta.Authors, au)
			}
		}
	}
	a.FileDate = pdfDate(meta("CreationDate"))
	return a, nil
}

// errEngineGone: the instance was killed, or trapped (out of memory, or a fault of
// PDFium on a hostile file); no further call can succeed.
var errEngineGone = fmt.Errorf("%w: PDFium stopped on it (it needs more than the %d MiB allowed, or is built to harm)", ErrDamaged, memoryLimitPages*64>>10)

// openError words the error of opening a document.
func openError(err error) error {
	switch {
	case errors.Is(err, pdfiumerrors.ErrPassword), errors.Is(err, pdfiumerrors.ErrSecurity):
		return ErrEncrypted
	case errors.Is(err, pdfiumerrors.ErrFormat), errors.Is(err, pdfiumerrors.ErrFile):
		return ErrDamaged
	}
	return fmt.Errorf("%w: %v", ErrDamaged, err)
}

// readPage returns the text lines of page i, in PDFium's reading order.
func readPage(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, i int) ([]line, error) {
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: i})
	if err != nil {
		return nil, engineError(err)
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: requests.Page{ByReference: &page.Page}})
	if err != nil {
		return nil, engineError(err)
	}
	text := tp.TextPage
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: text})
	n, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: text})
	if err != nil || n.Count <= 0 {
		return nil, engineError(err)
	}
	runes, err := pageRunes(inst, text, n.Count)
	if err != nil {
		return nil, err
	}
	var lines []line
	start := 0
	for k := 0; k <= len(runes); k++ {
		if k < len(runes) && runes[k] != '\n' && runes[k] != '\r' {
			continue
		}
		first := start
		for first < k && unicode.IsSpace(runes[first]) {
			first++
		}
		if first < k {
			l := line{text: string(runes[start:k]), page: i}
			if o, err := inst.FPDFText_GetCharOrigin(&requests.FPDFText_GetCharOrigin{TextPage: text, Index: first}); err == nil {
				l.y, l.yEnd = o.Y, o.Y
			}
			if strings.ContainsRune(l.text, softHyphen) {
				if o, err := inst.FPDFText_GetCharOrigin(&requests.FPDFText_GetCharOrigin{TextPage: text, Index: k - 1}); err == nil {
					l.yEnd = o.Y
				}
			}
			if s, err := inst.FPDFText_GetFontSize(&requests.FPDFText_GetFontSize{TextPage: text, Index: first}); err == nil {
				l.size = s.FontSize
			}
			if w, err := inst.FPDFText_GetFontWeight(&requests.FPDFText_GetFontWeight{TextPage: text, Index: first}); err == nil {
				l.weight = w.FontWeight
			}
			lines = append(lines, l)
		}
		start = k + 1
	}
	return lines, nil
}

// pageRunes returns the n characters of a text page, one rune each, with the marks of
// joined hyphenated words as softHyphen.
func pageRunes(inst pdfium.Pdfium, text references.FPDF_TEXTPAGE, n int) ([]rune, error) {
	t, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: text, StartIndex: 0, Count: n})
	if err != nil {
		return nil, engineError(err)
	}
	runes := []rune(t.Text)
	if len(runes) != n { // characters outside the BMP: read them one by one
		runes = make([]rune, n)
		for k := range runes {
			u, err := inst.FPDFText_GetUnicode(&requests.FPDFText_GetUnicode{TextPage: text, Index: k})
			if err != nil {
				return nil, engineError(err)
			}
			runes[k] = rune(u.Unicode)
		}
	}
	for k, r := range runes {
		switch {
		case r == 0xFFFE || r == 0x02:
			runes[k] = softHyphen
		case r == 0 || r == 0xFFFD:
			runes[k] = ' '
		}
	}
	return runes, nil
}

// engineError tells a failed call (a damaged page) from a dead engine (killed or
// trapped): after the latter no call can succeed.
func engineError(err error) error {
	if err == nil {
		return errors.New("no text")
	}
	if strings.Contains(err.Error(), "module closed") || strings.Contains(err.Error(), "wasm error") {
		return errEngineGone
	}
	return err
}

// letters counts the letters of all lines.
func letters(pages [][]line) int {
	n := 0
	for _, p := range pages {
		for _, l := range p {
			for _, r := range l.text {
				if unicode.IsLetter(r) {
					n++
				}
			}
		}
	}
	return n
}

// junkTitle matches the metadata titles that name no document: file names, "untitled",
// the application that wrote it ("Microsoft Word - draft3.docx").
var junkTitle = regexp.MustCompile(`(?i)^(?:untitled|document\d*|title|microsoft \w+ - .*|.*\.(?:docx?|pdf|tex|dvi|indd|rtf|odt|pptx?))$`)

func usableTitle(t string) bool { return t != "" && !junkTitle.MatchString(t) && len([]rune(t)) <= 300 }

// pdfDate reads a PDF date ("D:20230115093000+09'00'") as YYYY-MM-DD.
var pdfDatePattern = regexp.MustCompile(`^(?:D:)?(\d{4})(\d{2})?(\d{2})?`)

func pdfDate(s string) string {
	m := pdfDatePattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || m[1] < "1900" {
		return ""
	}
	out := m[1]
	if mo, _ := strconv.Atoi(m[2]); mo >= 1 && mo <= 12 {
		out += "-" + m[2]
		if d, _ := strconv.Atoi(m[3]); d >= 1 && d <= 31 {
			out += "-" + m[3]
		}
	}
	return out
}
