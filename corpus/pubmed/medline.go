package pubmed

import (
	"regexp"
	"strings"

	"musesearch/corpus/article"
)

// medlineField is a field line of the MEDLINE format: a tag of up to four capitals,
// padded to four columns, then "- " ("PMID- 36789012", "TI  - Title").
var medlineField = regexp.MustCompile(`^([A-Z]{2,4})\s{0,3}- ?(.*)$`)

// IsMEDLINE reports whether text starts as a MEDLINE record does: its first line that
// is not blank is a PMID field.
func IsMEDLINE(text string) bool {
	text = strings.TrimLeft(strings.TrimPrefix(text, "\uFEFF"), " \t\r\n")
	return strings.HasPrefix(text, "PMID-") || strings.HasPrefix(text, "PMID -")
}

// ParseMEDLINE reads records in the MEDLINE format (PubMed's "PubMed format", .nbib
// files): fields of tagged lines, continued on lines indented by six spaces, records
// separated by blank lines. Each record with a PMID gives one article.
func ParseMEDLINE(text string) ([]article.Article, error) {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	var out []article.Article
	var fields [][2]string // the current record's fields, in order
	flush := func() {
		if r, ok := medlineRecord(fields); ok {
			out = append(out, r.article())
		}
		fields = nil
	}
	for _, line := range strings.Split(text, "\n") {
		switch m := medlineField.FindStringSubmatch(line); {
		case strings.TrimSpace(line) == "":
			flush()
		case m != nil && m[1] == "PMID" && len(fields) > 0:
			flush() // records not separated by a blank line
			fields = append(fields, [2]string{m[1], strings.TrimSpace(m[2])})
		case m != nil:
			fields = append(fields, [2]string{m[1], strings.TrimSpace(m[2])})
		case len(fields) > 0 && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")):
			last := &fields[len(fields)-1]
			last[1] += " " + strings.TrimSpace(line)
		}
	}
	flush()
	if len(out) == 0 {
		return nil, ErrNoRecords
	}
	return out, nil
}

// medlineRecord gathers the fields of one MEDLINE record; false without a PMID.
func medlineRecord(fields [][2]string) (record, bool) {
	var r record
	electronic := ""
	for _, f := range fields {
		tag, v := f[0], f[1]
		switch tag {
		case "PMID":
			r.pmid = v
		case "TI":
			r.title = v
		case "TT":
			r.vernacular = v
		case "AB":
			r.abstract = splitLabels(v)
		case "AU", "CN":
			r.authors = append(r.authors, v)
		case "AD":
			r.affiliations = append(r.affiliations, v)
		case "JT":
			r.journal = v
		case "DP":
			r.date = parseFreeDate(v)
		case "DEP":
			if len(v) == 8 {
				electronic = pubDate(v[:4], v[4:6], v[6:])
			}
		case "LID", "AID":
			if doi, ok := doiOf(v); ok && r.doi == "" {
				r.doi = doi
			}
		case "PT":
			r.pubTypes = append(r.pubTypes, v)
		case "MH":
			name, _, _ := strings.Cut(v, "/")
			major := strings.Contains(v, "*")
			r.mesh = append(r.mesh, meshHeading{name: strings.TrimSpace(strings.TrimPrefix(name, "*")), major: major})
		case "OT":
			r.keywords = append(r.keywords, v)
		}
	}
	if r.date == "" {
		r.date = electronic
	}
	return r, r.pmid != ""
}

// abstractLabel finds the labels of a structured abstract written on one line
// ("BACKGROUND: … METHODS: …"): a word or few in capitals and a colon, at the start or
// after the end of a sentence.
var abstractLabel = regexp.MustCompile(`(?:^|[.?!)]\s+)([A-Z][A-Z&/,\- ]{2,40}):\s`)

// splitLabels splits a MEDLINE abstract into its labelled parts.
func splitLabels(ab string) []labelled {
	locs := abstractLabel.FindAllStringSubmatchIndex(ab, -1)
	if len(locs) == 0 {
		return []labelled{{text: ab}}
	}
	var out []labelled
	if lead := strings.TrimSpace(ab[:locs[0][2]]); lead != "" {
		out = append(out, labelled{text: lead})
	}
	for i, loc := range locs {
		end := len(ab)
		if i+1 < len(locs) {
			end = locs[i+1][2]
		}
		out = append(out, labelled{label: ab[loc[2]:loc[3]], text: strings.TrimSpace(ab[loc[1]:end])})
	}
	return out
}
