package corpus

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	art "musesearch/corpus/article"
)

// fromArticles turns the articles a format parser read from the file name into
// documents, through the same rules as text: cleaning, sections, language, facets and
// identifiers. What an article's structured fields state replaces what its text
// suggests for that facet.
func fromArticles(name string, articles []art.Article) []Document {
	var docs []Document
	for _, a := range articles {
		if d, ok := fromArticle(name, a); ok {
			docs = append(docs, d)
		}
	}
	numberDocuments(stem(name), docs)
	return docs
}

// validDate is the form of a document date: YYYY, YYYY-MM or YYYY-MM-DD.
var validDate = regexp.MustCompile(`^\d{4}(?:-\d{2}(?:-\d{2})?)?$`)

// fromArticle makes the document of one article; false when it holds no text.
func fromArticle(name string, a art.Article) (Document, bool) {
	doc := Document{Source: name, Title: cleanText(a.Title), Meta: a.Meta}
	blocks := articleBlocks(a.Blocks)
	// A page that repeats its title as its first heading shows it once.
	if len(blocks) > 0 && blocks[0].kind == headingBlock && strings.EqualFold(blocks[0].text, doc.Title) {
		blocks = blocks[1:]
	}
	// The lead as in text: datelines give the date, a first heading the title. A date
	// the text gives wins over the metadata's (a PDF's is when the file was made).
	if rest := takeLead(&doc, blocks); len(rest) > 0 || doc.Title != "" {
		blocks = rest
	}
	switch {
	case doc.Date != "":
		doc.Meta.Date = doc.Date
	case validDate.MatchString(doc.Meta.Date):
		doc.Date = doc.Meta.Date
	case validDate.MatchString(a.FileDate):
		doc.Meta.Date = a.FileDate
	default:
		doc.Meta.Date = ""
	}
	if doc.Meta.Date != "" {
		doc.Meta.Year, _ = strconv.Atoi(doc.Meta.Date[:4])
	}
	if len(blocks) == 0 && doc.Title == "" {
		return Document{}, false
	}
	if doc.Title == "" {
		doc.Title = inferTitle(blocks)
		doc.Meta.TitleDerived = true
	}
	doc.Sections = sectionize(blocks, japanese(blocks))
	if len(doc.Sections) == 0 {
		doc.Sections = []Section{{Text: doc.Title, Lang: langOf(doc.Title, false)}}
		finishSection(&doc.Sections[0])
	}
	stated := statedFacets(a.Stated)
	for i := range doc.Sections {
		for f, values := range stated {
			if len(values) == 0 {
				delete(doc.Sections[i].Facets, f)
			} else {
				doc.Sections[i].Facets[f] = slices.Clone(values)
			}
		}
	}
	doc.Lang = documentLang(doc.Sections)
	return doc, true
}

// articleBlocks turns an article's blocks into the blocks sections are cut from:
// headings nest by level as Markdown headings do, and the items of a list stay
// together.
func articleBlocks(in []art.Block) []block {
	var out []block
	for _, b := range in {
		text := cleanText(b.Text)
		if text == "" {
			continue
		}
		switch b.Kind {
		case art.Heading:
			level := min(max(b.Level, 1), 6)
			out = append(out, block{kind: headingBlock, text: text, style: markdownStyle + headingStyle(strings.Repeat("#", level)), rank: level, breakBefore: true})
		case art.Item:
			follows := len(out) > 0 && out[len(out)-1].kind == itemBlock
			out = append(out, block{kind: itemBlock, text: text, breakBefore: !follows})
		default:
			out = append(out, block{kind: paraBlock, text: text, breakBefore: true})
		}
	}
	demoteTrailingHeadings(out)
	return out
}

// cleanText cleans a block's text as a line of a text file is cleaned, and joins its
// lines as wrapped lines are joined.
func cleanText(s string) string {
	var b strings.Builder
	prev := rawLine{}
	for _, l := range cleanLines(strings.ReplaceAll(s, "\r", "\n")) {
		if l.blank() {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(joinSeparator(prev.text, prev.trailingSpace, l.text))
		}
		b.WriteString(l.text)
		prev = l
	}
	return b.String()
}

// statedFacets returns the facet values an article's structured fields state, for
// each facet they speak to: the ids they name that the vocabulary has, and the
// concepts of that facet the vocabulary finds in the names they give. A facet with no
// value maps to an empty slice only when the record states there is none (a study
// without phase); names that match no concept state nothing.
func statedFacets(st art.Stated) map[Facet][]string {
	out := map[Facet][]string{}
	for f, ids := range map[Facet][]string{Phase: st.Phases, Design: st.Designs} {
		if ids == nil {
			continue
		}
		var known []string
		for _, id := range ids {
			if _, ok := LookupConcept(f, id); ok {
				known = append(known, id)
			}
		}
		if len(known) > 0 || len(ids) == 0 {
			out[f] = sortedSet(known)
		}
	}
	for f, names := range map[Facet][]string{Indication: st.Conditions, CellType: st.Interventions} {
		var found []string
		for _, n := range names {
			found = append(found, ExtractFacets(nil, n)[f]...)
		}
		if len(found) > 0 {
			out[f] = sortedSet(found)
		}
	}
	return out
}

func sortedSet(values []string) []string {
	slices.Sort(values)
	return slices.Compact(values)
}
