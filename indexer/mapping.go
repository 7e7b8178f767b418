package indexer

import (
	"cmp"
	"maps"
	"slices"
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
const SchemaVersion = "musesearch-index-9/corpus-" + corpus.Version

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

// FieldMentions is searchable, not stored: for each concept of a content facet, one
// term "<facet>/<concept id>" (MentionTerm) if the section carries it as a facet value,
// and one more per time the section's own text names it (two per time its heading does). One term query
// then finds every section that carries or names a concept, the sections that name it
// most first (BM25 on the term frequency), which is what a query naming a concept in
// another language needs. The document's title and the parent headings do not count
// as mentions (they give the section its facet values).
const FieldMentions = "mentions"

// MentionTerm is the term of FieldMentions for a concept.
func MentionTerm(c corpus.ConceptKey) string { return string(c.Facet) + "/" + c.ID }

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

// The parts of a section that are searched. The document's title and the parent
// headings are not: they are stored for display only. A section matches, and is
// ranked, by its own words (ranking sections by their title as well cost a third of
// the query time and bettered no ranking measured; see docs/PERFORMANCE.md).
const (
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
	// Boost weights a match in this field: headings count more than body.
	Boost float64
}

// TextFields are every analysed field. Every section is indexed into the AnalyzerStd
// fields, whatever its language: Japanese text holds "Muse", "ALS" and "CL2020", and an
// English abstract may quote Chinese. A part goes into its AnalyzerJa field only when it
// is Japanese (see japanese): the Japanese fields of English and Chinese text cost
// analysis time and index size for no match a Japanese query needs (Chinese segmented
// with a Japanese dictionary gives wrong words). A query is meant to be analysed with
// each field's QueryAnalyzer and matched against every field.
var TextFields = []TextField{
	{Name: "heading_std", Part: PartHeading, Analyzer: AnalyzerStd, QueryAnalyzer: AnalyzerStdQuery, Boost: 2},
	{Name: "heading_ja", Part: PartHeading, Analyzer: AnalyzerJa, QueryAnalyzer: AnalyzerJaQuery, Boost: 2},
	{Name: "body_std", Part: PartBody, Analyzer: AnalyzerStd, QueryAnalyzer: AnalyzerStdQuery, Boost: 1},
	{Name: "body_ja", Part: PartBody, Analyzer: AnalyzerJa, QueryAnalyzer: AnalyzerJaQuery, Boost: 1},
}

// FoldIdentifier is how identifiers are indexed in FieldIdent and must be looked up:
// NFKC and lower case, so NCT01234567, nct01234567 and ＮＣＴ01234567 are one.
func FoldIdentifier(s string) string { return strings.ToLower(corpus.Fold(strings.TrimSpace(s))) }

// partProperty is the property of a section record (see sectionRecord) that holds a
// part's text as written: it feeds the part's stored field.
func partProperty(p Part) string { return "p_" + string(p) }

// textProperty is the property that feeds text field tf: each field has its own, as
// the text it indexes differs (see TextFields).
func textProperty(tf TextField) string {
	if tf.Analyzer == AnalyzerJa {
		return partProperty(tf.Part) + "_ja"
	}
	return partProperty(tf.Part) + "_std"
}

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
		section.AddFieldMappingsAt(name, keywordField())
	}
	// Mentions are only counted: not stored, without doc values or positions.
	mentions := keywordField()
	mentions.Store, mentions.DocValues, mentions.IncludeTermVectors = false, false, false
	section.AddFieldMappingsAt(FieldMentions, mentions)
	ordinal := bleve.NewNumericFieldMapping()
	ordinal.IncludeInAll = false
	section.AddFieldMappingsAt(FieldOrdinal, ordinal)
	for _, name := range []string{FieldTitle, FieldPath, FieldIdentifiers} {
		section.AddFieldMappingsAt(name, storedOnly(name))
	}

	fields := map[string][]*mapping.FieldMapping{
		partProperty(PartHeading): {storedOnly(FieldHeading)},
		partProperty(PartBody):    {storedOnly(FieldText)},
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
		prop := textProperty(tf)
		fields[prop] = append(fields[prop], f)
	}
	for prop, fms := range fields {
		section.AddFieldMappingsAt(prop, fms...)
	}
	m.DefaultMapping = section
	return m
}

// keywordField is a field indexed as one term per value.
func keywordField() *mapping.FieldMapping {
	f := bleve.NewKeywordFieldMapping()
	f.Analyzer = keyword.Name
	f.IncludeInAll = false
	return f
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
		FieldTitle:   doc.Title,
	}
	if len(sec.Path) > 0 {
		r[FieldPath] = sec.Path
	}
	parts := map[Part]string{PartHeading: sec.Heading, PartBody: sec.Text}
	for part, text := range parts {
		if text != "" {
			r[partProperty(part)] = text
		}
	}
	for _, tf := range TextFields {
		text := parts[tf.Part]
		switch {
		case text == "":
		case tf.Analyzer == AnalyzerJa:
			if japanese(text, doc, sec) {
				r[textProperty(tf)] = text
			}
		case sec.Lang == "zh":
			r[textProperty(tf)] = corpus.FoldChinese(text)
		default:
			r[textProperty(tf)] = text
		}
	}
	if doc.Date != "" {
		r[FieldDate] = doc.Date
	}
	if len(doc.Tags) > 0 {
		r[FieldTags] = doc.Tags
	}
	for _, f := range corpus.ContentFacets {
		if vs := sec.Facets[f]; len(vs) > 0 {
			r[string(f)] = vs
		}
	}
	if terms := mentionTerms(sec); len(terms) > 0 {
		r[FieldMentions] = terms
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

// mentionTerms returns the FieldMentions terms of a section, in a stable order.
func mentionTerms(sec corpus.Section) []string {
	counts := corpus.CountMentions(sec.Text)
	// A heading names what its section is about: its mentions weigh as its words do
	// (TextFields: a heading twice the body).
	for c, n := range corpus.CountMentions(sec.Heading) {
		counts[c] += 2 * n
	}
	for f, values := range sec.Facets {
		for _, v := range values {
			counts[corpus.ConceptKey{Facet: f, ID: v}]++
		}
	}
	var terms []string
	for _, c := range slices.SortedFunc(maps.Keys(counts), compareConcepts) {
		if slices.Contains(corpus.ContentFacets, c.Facet) {
			for range counts[c] {
				terms = append(terms, MentionTerm(c))
			}
		}
	}
	return terms
}

func compareConcepts(a, b corpus.ConceptKey) int {
	return cmp.Or(strings.Compare(string(a.Facet), string(b.Facet)), strings.Compare(a.ID, b.ID))
}

// japanese reports whether a part of a section, text, is Japanese: it holds kana, or the
// section or its document is in Japanese (a title or heading all in kanji). Chinese and
// English text without kana is left to the AnalyzerStd fields.
func japanese(text string, doc corpus.Document, sec corpus.Section) bool {
	return sec.Lang == "ja" || doc.Lang == "ja" || corpus.HasKana(text)
}
