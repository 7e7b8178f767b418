package indexer

import (
	"bytes"
	"cmp"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/corpus"
	"musesearch/corpus/trials"
)

// SchemaVersion identifies the mapping, the analysers, the stored layout and the corpus
// parser. An index written with another version is rebuilt from the corpus when it is
// opened. Change it with every change that alters what is indexed.
const SchemaVersion = "musesearch-index-14/corpus-" + corpus.Version

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
	// FieldYear (numeric) is the document's year of publication (Meta.Year, else the
	// year of its date); absent when unknown.
	FieldYear = "year"
)

// FieldMentions is searchable, not stored: for each concept of a content facet, one
// term "<facet>/<concept id>" (MentionTerm) if the section carries it as a facet value
// of its own (not one it only inherits from its document's title), and one more per
// time the section's own text names it (two per time its heading does). One term query
// then finds every section that carries or names a concept, the sections that name it
// most first (BM25 on the term frequency), which is what a query naming a concept in
// another language needs. The document's title and the parent headings do not count
// as mentions (they give the section its facet values).
const FieldMentions = "mentions"

// The length every section's mention terms are padded to, with a term no concept has.
const (
	mentionsLength = 64
	mentionPadding = "_"
)

// MentionTerm is the term of FieldMentions for a concept.
func MentionTerm(c corpus.ConceptKey) string { return string(c.Facet) + "/" + c.ID }

// FieldTitleTerm holds one term, not stored, on the first section of each document
// with a title: the document's language, id and title (TitleTerm). Suggestions read
// the titles of a segment from the field's dictionary: read from the stored fields of
// each first section, which hold its text too, they took at 1M generated sections 1.1
// GB of the index's pages into a serving process's memory.
const FieldTitleTerm = "title_term"

// TitleTerm returns the FieldTitleTerm term of a document of language lang, id id
// and title title: the three, the first two ended by a zero byte.
func TitleTerm(lang, id, title string) string { return lang + "\x00" + id + "\x00" + title }

// SplitTitleTerm returns the language, id and title of a FieldTitleTerm term, or false
// when term is not one.
func SplitTitleTerm(term string) (lang, id, title string, ok bool) {
	lang, rest, ok := strings.Cut(term, "\x00")
	if !ok {
		return "", "", "", false
	}
	id, title, ok = strings.Cut(rest, "\x00")
	return lang, id, title, ok
}

// The clinical trials a section mentions (see package corpus/trials): FieldTrials,
// stored only, holds each of the section's trials.Mention as JSON; FieldTrialCount
// (numeric) counts them, so that one range query finds every section that mentions a
// trial. The search engine merges the mentions of the whole index into trials.
const (
	FieldTrials     = "trials"
	FieldTrialCount = "trial_count"
)

// Stored fields for display, not searchable.
const (
	FieldTitle   = "title"   // the document's title
	FieldHeading = "heading" // the section's own heading
	FieldPath    = "path"    // the parent headings, outermost first (an array)
	FieldText    = "text"    // the section's display text
	// FieldIdentifiers holds the identifiers as written, each "kind:value".
	FieldIdentifiers = "identifiers"
	// FieldMeta holds the document's bibliographic metadata (corpus.Meta) as JSON.
	FieldMeta = "meta"
)

// StoredFields are the fields to ask for in a search request (SearchRequest.Fields) to
// rebuild a section and its document's metadata with DecodeFields: all of them. bleve
// reads a hit's stored fields once and then walks them once per name asked for, so
// that naming the seventeen that DecodeFields reads walked them seventeen times (a
// third of the CPU of loading a page of hits).
var StoredFields = []string{"*"}

// Part is the part of a section an analysed text field holds.
type Part string

// The parts of a section that are searched: its own heading and text, and its
// context, the document's title and the headings above the section. A query's word
// may match in any of them, so that a query whose words are spread over a title and
// a section finds the section; the search ranks matches in the context below those
// in the section's own words.
const (
	PartHeading Part = "heading" // the section's own heading
	PartBody    Part = "body"    // the section's text
	PartContext Part = "context" // the document's title and the section's parent headings
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
	// Boost weights a match in this field: headings count more than body. A context
	// field's matches are ranked below any match in a section's own words instead.
	Boost float64
	// Offsets says whether the field's term vectors keep the byte offsets of its
	// tokens, with which a snippet marks the matches in the text and heading it shows.
	// Every text field keeps its tokens' positions, for phrases; the offsets of one
	// without Offsets are 0.
	Offsets bool
}

// TextFields are every analysed field. Every section is indexed into the AnalyzerStd
// fields, whatever its language: Japanese text holds "Muse", "ALS" and "CL2020", and an
// English abstract may quote Chinese. A part goes into its AnalyzerJa field only when it
// is Japanese (see japanese): the Japanese fields of English and Chinese text cost
// analysis time and index size for no match a Japanese query needs (Chinese segmented
// with a Japanese dictionary gives wrong words). A query is meant to be analysed with
// each field's QueryAnalyzer and matched against every field.
var TextFields = []TextField{
	{Name: "heading_std", Part: PartHeading, Analyzer: AnalyzerStd, QueryAnalyzer: AnalyzerStdQuery, Boost: 2, Offsets: true},
	{Name: "heading_ja", Part: PartHeading, Analyzer: AnalyzerJa, QueryAnalyzer: AnalyzerJaQuery, Boost: 2, Offsets: true},
	{Name: "body_std", Part: PartBody, Analyzer: AnalyzerStd, QueryAnalyzer: AnalyzerStdQuery, Boost: 1, Offsets: true},
	{Name: "body_ja", Part: PartBody, Analyzer: AnalyzerJa, QueryAnalyzer: AnalyzerJaQuery, Boost: 1, Offsets: true},
	{Name: "context_std", Part: PartContext, Analyzer: AnalyzerStd, QueryAnalyzer: AnalyzerStdQuery, Boost: 1},
	{Name: "context_ja", Part: PartContext, Analyzer: AnalyzerJa, QueryAnalyzer: AnalyzerJaQuery, Boost: 1},
}

// keepsOffsets reports whether the field named name keeps its tokens' offsets: all
// but the TextFields without Offsets. The segment format keeps those positions only
// (segmentConfig), and our analysers write their locations so (analysedText): both
// ask here.
func keepsOffsets(name string) bool {
	i := slices.IndexFunc(TextFields, func(tf TextField) bool { return tf.Name == name })
	return i < 0 || TextFields[i].Offsets
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
		FieldCellType, FieldDesign, FieldPhase, FieldTags, FieldDocLang} {
		section.AddFieldMappingsAt(name, keywordField(sorted[name]))
	}
	// Identifiers and mentions are only searched (the identifiers as written are
	// stored in FieldIdentifiers), the title terms only read from their dictionary.
	for _, name := range []string{FieldIdent, FieldMentions, FieldTitleTerm} {
		f := keywordField(false)
		f.Store = false
		section.AddFieldMappingsAt(name, f)
	}
	// The ordinal is sorted by (its doc values) and searched, never read back.
	ordinal := bleve.NewNumericFieldMapping()
	ordinal.IncludeInAll, ordinal.Store = false, false
	section.AddFieldMappingsAt(FieldOrdinal, ordinal)
	for _, name := range []string{FieldYear, FieldTrialCount} {
		n := bleve.NewNumericFieldMapping()
		n.IncludeInAll, n.Store, n.DocValues = false, false, false
		section.AddFieldMappingsAt(name, n)
	}
	for _, name := range []string{FieldTitle, FieldPath, FieldIdentifiers, FieldTrials, FieldMeta} {
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
		// Term vectors hold the positions phrase queries need, and the offsets that
		// snippets mark the matches of a page's sections with, in the fields with
		// Offsets (the others' are dropped as segments are written: segmentConfig).
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

// sorted are the keyword fields searches sort by (FieldOrdinal, numeric, too): only
// they keep doc values. Facets are counted from the fields' postings (search/sets.go),
// not from doc values.
var sorted = map[string]bool{FieldDocID: true, FieldDate: true}

// keywordField is a field indexed as one term per value, stored, with doc values when
// sorted. Without term vectors: nothing reads where in a field a value is, and a
// value is one term (at 10,000 sections the keyword fields' term vectors and unread
// doc values and stored identifiers were 1.8% of the index).
func keywordField(sorted bool) *mapping.FieldMapping {
	f := bleve.NewKeywordFieldMapping()
	f.Analyzer = keyword.Name
	f.IncludeInAll = false
	f.IncludeTermVectors = false
	f.DocValues = sorted
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

// sectionRecord is what is indexed for one section; mentions are the trials it
// mentions.
func sectionRecord(doc corpus.Document, sec corpus.Section, ordinal int, mentions []string) map[string]interface{} {
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
	if ordinal == 1 && doc.Title != "" {
		r[FieldTitleTerm] = TitleTerm(doc.Lang, doc.ID, doc.Title)
	}
	parts := map[Part]string{PartHeading: sec.Heading, PartBody: sec.Text, PartContext: sectionContext(doc, sec)}
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
	if y := documentYear(doc); y > 0 {
		r[FieldYear] = float64(y)
	}
	if !reflect.ValueOf(doc.Meta).IsZero() {
		if data, err := json.Marshal(doc.Meta); err == nil {
			r[FieldMeta] = string(data)
		}
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
		r[FieldMentions] = strings.Join(terms, termSeparator) // see mentionsField
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
	if len(mentions) > 0 {
		r[FieldTrials] = mentions
		r[FieldTrialCount] = float64(len(mentions))
	}
	return r
}

// sectionContext is the context part of a section: its document's title (unless it was
// made from the text, whose words the sections hold) and its parent headings.
func sectionContext(doc corpus.Document, sec corpus.Section) string {
	var parts []string
	if !doc.Meta.TitleDerived {
		parts = append(parts, doc.Title)
	}
	return strings.Join(append(parts, sec.Path...), "\n")
}

// documentYear is the year a document was published: its metadata's, else its date's.
func documentYear(doc corpus.Document) int {
	if doc.Meta.Year > 0 {
		return doc.Meta.Year
	}
	if len(doc.Date) >= 4 {
		y, _ := strconv.Atoi(doc.Date[:4])
		return y
	}
	return 0
}

// trialMentions returns the trials each section of doc mentions, as FieldTrials holds
// them, by section id.
func trialMentions(doc corpus.Document) map[string][]string {
	out := map[string][]string{}
	for _, m := range trials.Extract(doc) {
		data, _ := json.Marshal(m) // strings and numbers only: it cannot fail
		out[m.Section.ID] = append(out[m.Section.ID], string(data))
	}
	return out
}

// mentionsField is the FieldMentions field f, as the mapping makes it of a section
// record, its terms analysed as a termList. A record holds a section's terms as one
// text: an array of them made a keyword field of each of a section's 64 terms, each
// analysed, counted and added to its segment on its own, a sixth of a rebuild's CPU.
// The one field is indexed as those were: the same term frequencies, the same length
// for the norm, no term vectors, nothing stored, and not in the composite field.
func mentionsField(f document.Field) document.Field {
	return document.NewTextFieldCustom(f.Name(), f.ArrayPositions(), f.Value(), f.Options(), termList{})
}

// termSeparator separates the terms of a termList's text; no term holds it.
const termSeparator = "\n"

// termList is the analyser of a text of terms separated by termSeparator: each term is
// one token, as the keyword analyser makes of a whole text, at successive positions.
type termList struct{}

// Analyze implements analysis.Analyzer.
func (termList) Analyze(input []byte) analysis.TokenStream {
	sep := []byte(termSeparator)
	n := bytes.Count(input, sep) + 1
	tokens := make([]analysis.Token, n)
	out := make(analysis.TokenStream, n)
	start := 0
	for i := range tokens {
		end := len(input)
		if j := bytes.Index(input[start:], sep); j >= 0 {
			end = start + j
		}
		tokens[i] = analysis.Token{Term: input[start:end:end], Start: start, End: end, Position: i + 1, Type: analysis.AlphaNumeric}
		out[i] = &tokens[i]
		start = end + len(sep)
	}
	return out
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
			// A value the section only inherits from its document's title makes no
			// mention: the sections that name the concept rank first.
			if !slices.Contains(sec.Inherited[f], v) {
				counts[corpus.ConceptKey{Facet: f, ID: v}]++
			}
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
	if len(terms) == 0 {
		return nil
	}
	// Every section's mentions are padded to one length, so that BM25 ranks them by
	// how often the section names the concept, not by how few other concepts it
	// names (a one-line section that names it once would outrank an abstract about it).
	for len(terms) < mentionsLength {
		terms = append(terms, mentionPadding)
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
