package corpus

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	art "musesearch/corpus/article"
	"musesearch/corpus/ctgov"
	"musesearch/corpus/htmldoc"
	"musesearch/corpus/pdf"
	"musesearch/corpus/pubmed"
)

// format is a kind of corpus file.
type format int

const (
	formatText      format = iota // .txt and .md
	formatHTML                    // .html and .htm
	formatPDF                     // .pdf, or any file that starts as a PDF
	formatMEDLINE                 // PubMed's MEDLINE text (.nbib, or .txt starting "PMID- ")
	formatPubMedXML               // .xml
	formatStudyJSON               // ClinicalTrials.gov study records, .json
	formatStudyCSV                // ClinicalTrials.gov CSV export, .csv
)

// pdfSignature starts every PDF, within its first kilobyte.
var pdfSignature = []byte("%PDF-")

// sniff returns the format of the corpus file name with content data: its
// extension's, except that a file that starts as a PDF is one whatever its name (a
// PDF saved as .txt), and a .txt file starting with a PMID field is MEDLINE.
func sniff(name string, data []byte) format {
	if bytes.Contains(data[:min(len(data), 1024)], pdfSignature) || strings.EqualFold(filepath.Ext(name), ".pdf") {
		return formatPDF
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".html", ".htm":
		return formatHTML
	case ".nbib":
		return formatMEDLINE
	case ".xml":
		return formatPubMedXML
	case ".json":
		return formatStudyJSON
	case ".csv":
		return formatStudyCSV
	case ".txt":
		if pubmed.IsMEDLINE(string(data[:min(len(data), 64)])) {
			return formatMEDLINE
		}
	}
	return formatText
}

// parseFormat reads a file of a structured format into articles. The error is
// ErrNotText, ErrEmpty, or the parser's own reason wrapped in ErrUnreadable.
func parseFormat(f format, data []byte) ([]art.Article, error) {
	var (
		articles []art.Article
		err      error
	)
	if bytes.IndexByte(data, 0) >= 0 && f != formatPDF && !(f == formatHTML && utf16(data)) {
		return nil, ErrNotText
	}
	switch f {
	case formatPDF:
		var a art.Article
		if a, err = pdf.Parse(context.Background(), data); err == nil {
			articles = []art.Article{a}
		}
	case formatHTML:
		var a art.Article
		if a, err = htmldoc.Parse(data, ""); err == nil {
			articles = []art.Article{a}
		}
	case formatMEDLINE:
		text, derr := decode(data)
		if derr != nil {
			return nil, derr
		}
		articles, err = pubmed.ParseMEDLINE(text)
	case formatPubMedXML:
		articles, err = pubmed.ParseXML(data)
	case formatStudyJSON:
		articles, err = ctgov.ParseJSON(data)
	case formatStudyCSV:
		articles, err = ctgov.ParseCSV(data)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	return articles, nil
}

// utf16 reports whether data starts with a UTF-16 byte order mark: such a page holds
// zero bytes and is text all the same.
func utf16(data []byte) bool {
	return bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || bytes.HasPrefix(data, []byte{0xFF, 0xFE})
}
