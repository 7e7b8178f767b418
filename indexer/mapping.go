package indexer

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/corpus"
)

// SchemaVersion identifies the mapping, the analysers, the stored layout and the corpus
// parser. An index written with another version is rebuilt from the corpus when it is
// opened. Change it with every change that alters what is indexed.
const SchemaVersion = "musesearch-index-4/corpus-" + corpus.Version

// Keyword fields: not analysed, stored, with doc values for facets and sorting. The
// facet fields are named as the corpus.Facet values.
const (
	FieldDocID      = "doc_id"
	FieldSource     = "source"
	FieldLang       = "lang" // the section's language
	FieldDate       = "date" // the document's date, YYYY[-MM[-DD]]; absent when unknown
	FieldIndication = string(corpus.Indication)
	FieldCellType   = string(corpus.CellType)
	FieldDesign     = string(corpus.Design)
	FieldPhase      = string(corpus.Phase)
	// FieldIdent holds the section's identifiers folded with FoldIdentifier.
	FieldIdent = "ident"
	// FieldTags holds the document's tags (categories of a blog export).
	FieldTags = "tags"
	// FieldDocLang is the document's main language.
	FieldDocLang = "doc_lang"
	// FieldOrdinal (numeric) is the section's 1-based position in its document.
	FieldOrdinal = "ordinal"
)

// Stored fields for display, not searchable.
const (
	FieldTitle   = "title"   // the document's title
	FieldHeading = "heading" // the section's own heading
	FieldPath    = "path"    // the parent headings, outermost first (an array)
	FieldText    = "text"    // the section's display text
	// FieldIdentifiers holds the identifiers as written, each "kind:value".
	FieldIdentifiers = "identifiers"
)

// StoredFields are the fields to ask for in a search request (SearchRequest.Fields) to
// rebuild a section and its document's metadata with DecodeFields.
var StoredFields = []string{
	FieldDocID, FieldSource, FieldLang, FieldDate, FieldIndication, FieldCellType,
	FieldDesign, FieldPhase, FieldTags, FieldDocLang, FieldOrdinal, FieldTitle,
	FieldHeading, FieldPath, FieldText, FieldIdentifiers,
}

// Part is the part of a section an analysed text field holds.
type Part string

// The parts of a section that are searched.
const (
	PartTitle   Part = "title"   // the document's title
	PartPath    Part = "path"    // the headings above the section's own, outermost first
	PartHeading Part = "heading" // the section's own heading
	PartBody    Part = "body"    // the section's text
)

// TextField is one analysed field of the index.
type TextField struct {
	// Name is the bleve field name ("body_std").
	Name string
	// Part is what the field holds.
	Part Part
	// Analyzer analysed the field's text when it was indexed; use it to re-analyse
	// stored text (Index.Analyze) to find what to highlight.
	Analyzer string
	// QueryAnalyzer is the analyser to give a match or phrase query on the field.
	QueryAnalyzer string
	// Boost weights a match in this field: titles and headings count more than body.
	Boost float64
}

// TextFields are every analysed field. Every section is indexed into all of them,
// whatever its language: Japanese text holds "Muse", "ALS" and "CL2020", and an English
// abstract may quote Chinese. A query is meant to be analysed with each field's
// QueryAnalyzer and matched against every field.
var TextFields = []TextField{
	{Name: "title_std", Part: PartTitle, Analyzer: AnalyzerStd, QueryAnalyzer: AnalyzerStdQuery, Boost: 3},
	{Name: "title_ja", Part: PartTitle, Analyzer: AnalyzerJa, QueryAnalyzer: AnalyzerJaQuery, Boost: 3},
	{Name: "path_std", Part: PartPath, Analyzer: AnalyzerStd, QueryAnalyzer: AnalyzerStdQuery, Boost: 1.5},
	{Name: "path_ja", Part: PartPath, Analyzer: AnalyzerJa, QueryAnalyzer: AnalyzerJaQuery, Boost: 1.5},
	{Name: "heading_std", Part: PartHeading, Analyzer: AnalyzerStd, QueryAnalyzer: AnalyzerStdQuery, Boost: 2},
	{Name: "heading_ja", Part: PartHeading, Analyzer: AnalyzerJa, QueryAnalyzer: AnalyzerJaQuery, Boost: 2},
	{Name: "body_std", Part: PartBody, Analyzer: AnalyzerStd, QueryAnalyzer: AnalyzerStdQuery, Boost: 1},
	{Name: "body_ja", Part: PartBody, Analyzer: AnalyzerJa, QueryAnalyzer: AnalyzerJaQuery, Boost: 1},
}

// PathSeparator joins the headings of a section's path in its analysed path fields.
const PathSeparator = " > "

// FoldIdentifier is how identifiers are indexed in FieldIdent and must be looked up:
// NFKC and lower case, so NCT01234567, nct01234567 and ＮＣＴ01234567 are one.
func FoldIdentifier(s string) string { return strings.ToLower(corpus.Fold(strings.TrimSpace(s))) }

// The properties of an indexed section (see sectionRecord); each feeds the fields
// listed in newMapping.
const (
	propTitle   = "p_title"
	propPath    = "p_path"
	propHeading = "p_heading"
	propBody    = "p_body"
)

// newMapping returns the index mapping: explicit fields only, BM25 scoring.
func newMapping() *mapping.IndexMappingImpl {
	m := bleve.NewIndexMapping()
	m.ScoringModel = index.BM25Scoring
	m.DefaultAnalyzer = AnalyzerStd
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false

	section := bleve.NewDocumentStaticMapping()
	for _, name := range []string{FieldDocID, FieldSource, FieldLang, FieldDate, FieldIndication,
		FieldCellType, FieldDesign, FieldPhase, FieldIdent, FieldTags, FieldDocLang} {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.IncludeInAll = false
		section.AddFieldMappingsAt(name, f)
	}
	ordinal := bleve.NewNumericFieldMapping()
	ordinal.IncludeInAll = false
	section.AddFieldMappingsAt(FieldOrdinal, ordinal)
	for _, name := range []string{FieldPath, FieldIdentifiers} {
		section.AddFieldMappingsAt(name, storedOnly(name))
	}

	parts := map[Part]string{PartTitle: propTitle, PartPath: propPath, PartHeading: propHeading, PartBody: propBody}
	fields := map[string][]*mapping.FieldMapping{
		propTitle:   {storedOnly(FieldTitle)},
		propHeading: {storedOnly(FieldHeading)},
		propBody:    {storedOnly(FieldText)},
	}
	for _, tf := range TextFields {
		f := bleve.NewTextFieldMapping()
		f.Name = tf.Name
		f.Analyzer = tf.Analyzer
		f.Store = false
		f.IncludeInAll = false
		// Term vectors hold the positions phrase queries need. Snippets re-analyse the
		// stored text (Index.Analyze) rather than reading their offsets.
		f.IncludeTermVectors = true
		f.DocValues = false
		prop := parts[tf.Part]
		fields[prop] = append(fields[prop], f)
	}
	for prop, fms := range fields {
		section.AddFieldMappingsAt(prop, fms...)
	}
	m.DefaultMapping = section
	return m
}

func storedOnly(name string) *mapping.FieldMapping {
	f := bleve.NewTextFieldMapping()
	f.Name = name
	f.Analyzer = keyword.Name
	f.Index = false
	f.Store = true
	f.IncludeInAll = false
	f.IncludeTermVectors = false
	f.DocValues = false
	return f
}

// sectionRecord is what is indexed for one section.
func sectionRecord(doc corpus.Document, sec corpus.Section, ordinal int) map[string]interface{} {
	r := map[string]interface{}{
		FieldDocID:   doc.ID,
		FieldSource:  doc.Source,
		FieldLang:    sec.Lang,
		FieldDocLang: doc.Lang,
		FieldOrdinal: float64(ordinal),
		propTitle:    doc.Title,
		propBody:     sec.Text,
		propHeading:  sec.Heading,
	}
	if doc.Date != "" {
		r[FieldDate] = doc.Date
	}
	if len(doc.Tags) > 0 {
		r[FieldTags] = doc.Tags
	}
	if len(sec.Path) > 0 {
		r[FieldPath] = sec.Path
		r[propPath] = strings.Join(sec.Path, PathSeparator)
	}
	for _, f := range corpus.ContentFacets {
		if vs := sec.Facets[f]; len(vs) > 0 {
			r[string(f)] = vs
		}
	}
	if len(sec.Identifiers) > 0 {
		folded := make([]string, 0, len(sec.Identifiers))
		written := make([]string, 0, len(sec.Identifiers))
		for _, id := range sec.Identifiers {
			folded = append(folded, FoldIdentifier(id.Value))
			written = append(written, id.Kind+":"+id.Value)
		}
		r[FieldIdent] = folded
		r[FieldIdentifiers] = written
	}
	return r
}
