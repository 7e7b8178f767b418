// Package pubmed reads PubMed records, as PubMed exports them: PubMed XML (a
// PubmedArticleSet, ParseXML) and the MEDLINE text format (the "PubMed format" of
// .nbib files, ParseMEDLINE). Each record becomes one article: its title (and
// vernacular title), authors, affiliations, journal, date, PMID and DOI, its abstract
// with the labels of a structured abstract (BACKGROUND, METHODS, ...) as headings, and
// its keywords; its publication types and MeSH headings are stated facts, which win
// over what the abstract suggests.
package pubmed

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"musesearch/corpus/article"
)

// ErrNoRecords: the file holds no PubMed record.
var ErrNoRecords = errors.New("no PubMed record in it: export the records from PubMed as XML or in the PubMed (MEDLINE) format")

// publicationTypes maps PubMed's publication types to the study designs and trial
// phases of the corpus vocabulary. Types not listed ("Journal Article", "Clinical
// Trial") state nothing, and the abstract decides.
var publicationTypes = map[string]struct{ design, phase string }{
	"randomized controlled trial": {design: "rct"},
	"clinical trial, phase i":     {phase: "phase-1"},
	"clinical trial, phase ii":    {phase: "phase-2"},
	"clinical trial, phase iii":   {phase: "phase-3"},
	"clinical trial, phase iv":    {phase: "phase-4"},
	"review":                      {design: "review"},
	"systematic review":           {design: "systematic-review"},
	"meta-analysis":               {design: "systematic-review"},
	"case reports":                {design: "case-report"},
	"observational study":         {design: "observational"},
}

// record is what both formats give for one citation.
type record struct {
	pmid, title, vernacular, journal, date, doi string
	authors, affiliations, keywords             []string
	abstract                                    []labelled
	otherAbstracts                              []otherAbstract
	pubTypes                                    []string
	mesh                                        []meshHeading
}

// labelled is one part of an abstract; label is empty in an unstructured abstract.
type labelled struct{ label, text string }

// otherAbstract is an abstract in another language (a Japanese or Chinese abstract of
// an English article).
type otherAbstract struct {
	lang  string
	parts []labelled
}

// meshHeading is one MeSH descriptor of a record; major when it is a major topic.
type meshHeading struct {
	name  string
	major bool
}

// otherAbstractHeadings are the headings of abstracts in another language, by the
// language code PubMed gives them.
var otherAbstractHeadings = map[string]string{"jpn": "抄録", "chi": "摘要", "zho": "摘要"}

// article makes the record's article.
func (r record) article() article.Article {
	a := article.Article{
		Title: cleanTitle(r.title),
		Meta: article.Meta{
			Authors:      r.authors,
			Affiliations: unique(r.affiliations),
			Journal:      r.journal,
			Date:         r.date,
			DOI:          r.doi,
			PMID:         r.pmid,
		},
	}
	if y, err := strconv.Atoi(firstN(r.date, 4)); err == nil {
		a.Meta.Year = y
	}
	vernacular := cleanTitle(r.vernacular)
	if a.Title == "" {
		a.Title, vernacular = vernacular, ""
	}
	if vernacular != "" && vernacular != a.Title {
		a.Blocks = append(a.Blocks, article.Block{Kind: article.Paragraph, Text: vernacular})
	}
	a.Blocks = append(a.Blocks, abstractBlocks("Abstract", r.abstract)...)
	for _, o := range r.otherAbstracts {
		heading := otherAbstractHeadings[o.lang]
		if heading == "" {
			heading = "Abstract (" + o.lang + ")"
		}
		a.Blocks = append(a.Blocks, abstractBlocks(heading, o.parts)...)
	}
	if len(r.keywords) > 0 {
		a.Blocks = append(a.Blocks,
			article.Block{Kind: article.Heading, Level: 1, Text: "Keywords"},
			article.Block{Kind: article.Paragraph, Text: strings.Join(r.keywords, "; ")})
	}
	a.Stated = r.stated()
	return a
}

// abstractBlocks are the blocks of an abstract: its labels as headings, or heading
// over the whole when it has none.
func abstractBlocks(heading string, parts []labelled) []article.Block {
	var out []article.Block
	for i, p := range parts {
		if p.text == "" {
			continue
		}
		switch {
		case p.label != "":
			out = append(out, article.Block{Kind: article.Heading, Level: 1, Text: labelCase(p.label)})
		case i == 0:
			out = append(out, article.Block{Kind: article.Heading, Level: 1, Text: heading})
		}
		out = append(out, article.Block{Kind: article.Paragraph, Text: p.text})
	}
	return out
}

// stated returns the facts the record's publication types and MeSH headings state.
// Only the MeSH major topics (all headings when none is marked) name the condition
// and the treatment studied: the other headings are context, such as an excluded
// disease or a transplant the treated complication followed.
func (r record) stated() article.Stated {
	var st article.Stated
	designs := map[string]bool{}
	for _, t := range r.pubTypes {
		m, ok := publicationTypes[strings.ToLower(strings.TrimSpace(t))]
		switch {
		case !ok:
		case m.design != "":
			designs[m.design] = true
		case m.phase != "":
			st.Phases = append(st.Phases, m.phase)
		}
	}
	if designs["systematic-review"] {
		delete(designs, "review") // PubMed types a systematic review as a review too
	}
	for d := range designs {
		st.Designs = append(st.Designs, d)
	}
	anyMajor := false
	for _, h := range r.mesh {
		anyMajor = anyMajor || h.major
	}
	for _, h := range r.mesh {
		if h.major || !anyMajor {
			st.Conditions = append(st.Conditions, h.name)
			st.Interventions = append(st.Interventions, h.name)
		}
	}
	return st
}

var months = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

// pubDate writes a publication date as YYYY, YYYY-MM or YYYY-MM-DD from its parts as
// PubMed gives them: the month as a number or a name ("Jan"), day optional.
func pubDate(year, month, day string) string {
	y, err := strconv.Atoi(strings.TrimSpace(year))
	if err != nil || y < 1000 || y > 9999 {
		return ""
	}
	out := fmt.Sprintf("%04d", y)
	m, err := strconv.Atoi(strings.TrimSpace(month))
	if err != nil {
		m = months[strings.ToLower(firstN(strings.TrimSpace(month), 3))]
	}
	if m < 1 || m > 12 {
		return out
	}
	out += fmt.Sprintf("-%02d", m)
	if d, err := strconv.Atoi(strings.TrimSpace(day)); err == nil && d >= 1 && d <= 31 {
		out += fmt.Sprintf("-%02d", d)
	}
	return out
}

// freeDate matches a date written as PubMed's MedlineDate and MEDLINE's DP field do:
// "2023 Jan 5", "2023 Jan-Feb", "2023 Spring", "2023".
var freeDate = regexp.MustCompile(`^(\d{4})(?:\s+([A-Za-z]{3})[a-z]*(?:\s+(\d{1,2}))?)?`)

// parseFreeDate reads a date of the freeDate form.
func parseFreeDate(s string) string {
	m := freeDate.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return ""
	}
	return pubDate(m[1], m[2], m[3])
}

// cleanTitle removes what PubMed adds around a title: the closing period, and the
// brackets of a title translated into English.
func cleanTitle(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "..") {
		s = strings.TrimSuffix(s, ".")
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		s = s[1 : len(s)-1]
	}
	if strings.EqualFold(s, "Not Available") {
		return ""
	}
	return s
}

// labelCase writes an abstract label in capitals ("BACKGROUND") as a heading
// ("Background").
func labelCase(s string) string {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ":"))
	if strings.ToUpper(s) != s {
		return s
	}
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + strings.ToLower(s[size:])
}

// doiOf returns the DOI of an identifier PubMed lists with its type ("10.1/x [doi]").
func doiOf(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if v, ok := strings.CutSuffix(s, "[doi]"); ok {
		return strings.TrimSpace(v), true
	}
	return "", false
}

func unique(values []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func firstN(s string, n int) string {
	if len(s) < n {
		return s
	}
	return s[:n]
}
