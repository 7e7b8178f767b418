// Package ctgov reads ClinicalTrials.gov study records: the JSON of its current API
// and downloads (one study, or {"studies": [...]}, ParseJSON) and its CSV export
// (ParseCSV). Each study becomes one article: its brief title (the official title
// under it), a line of key facts (registry id, phase, design, status, enrolment,
// dates, sponsor), the brief summary, the detailed description, the conditions and
// interventions, the outcome measures and the eligibility criteria with inclusion and
// exclusion criteria under headings of their own. Its phases, conditions,
// interventions, study type and allocation are stated facts: they win over what the
// text suggests.
package ctgov

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"musesearch/corpus/article"
)

// study is what both formats give for one study record.
type study struct {
	nctID, briefTitle, officialTitle, acronym string
	secondaryIDs                              []string
	status, studyType, allocation             string
	phases                                    []string
	phasesGiven                               bool
	enrollment                                string
	startDate, completionDate                 string
	sponsor                                   string
	summary, description, eligibility         string
	eligibilityFacts                          string // sex, ages, healthy volunteers
	conditions, keywords                      []string
	interventions                             []intervention
	outcomes                                  []string
}

// intervention is one treatment of a study ("BIOLOGICAL", "CL2020").
type intervention struct {
	kind, name, description string
	otherNames              []string
}

// phaseIDs maps the registry's phases to the phase ids of the corpus vocabulary. "NA"
// (a study without phases, such as a device study) maps to none.
var phaseIDs = map[string]string{
	"EARLY_PHASE1": "early-phase-1",
	"PHASE1":       "phase-1",
	"PHASE2":       "phase-2",
	"PHASE3":       "phase-3",
	"PHASE4":       "phase-4",
}

// phaseLabels are the phases as the record's fact line writes them.
var phaseLabels = map[string]string{
	"EARLY_PHASE1": "Early phase 1", "PHASE1": "Phase 1", "PHASE2": "Phase 2",
	"PHASE3": "Phase 3", "PHASE4": "Phase 4", "NA": "No phase",
}

// article makes the study's article.
func (s study) article() article.Article {
	a := article.Article{Title: s.briefTitle}
	if a.Title == "" {
		a.Title = s.officialTitle
	}
	a.Meta.RegistryIDs = append([]string{s.nctID}, s.secondaryIDs...)
	a.Meta.Date = isoDate(s.startDate)
	if y, err := strconv.Atoi(firstN(a.Meta.Date, 4)); err == nil {
		a.Meta.Year = y
	}
	para := func(text string) { a.Blocks = append(a.Blocks, article.Block{Kind: article.Paragraph, Text: text}) }
	heading := func(level int, text string) {
		a.Blocks = append(a.Blocks, article.Block{Kind: article.Heading, Level: level, Text: text})
	}
	if s.officialTitle != "" && s.officialTitle != a.Title {
		para(s.officialTitle)
	}
	para(s.facts())
	if s.summary != "" {
		heading(1, "Brief summary")
		a.Blocks = append(a.Blocks, textBlocks(s.summary)...)
	}
	if s.description != "" {
		heading(1, "Detailed description")
		a.Blocks = append(a.Blocks, textBlocks(s.description)...)
	}
	if len(s.conditions) > 0 || len(s.interventions) > 0 {
		heading(1, "Conditions and interventions")
		if len(s.conditions) > 0 {
			para("Conditions: " + strings.Join(s.conditions, "; "))
		}
		if len(s.keywords) > 0 {
			para("Keywords: " + strings.Join(s.keywords, "; "))
		}
		for _, iv := range s.interventions {
			a.Blocks = append(a.Blocks, article.Block{Kind: article.Item, Text: iv.String()})
		}
	}
	if len(s.outcomes) > 0 {
		heading(1, "Outcome measures")
		for _, o := range s.outcomes {
			a.Blocks = append(a.Blocks, article.Block{Kind: article.Item, Text: o})
		}
	}
	if s.eligibility != "" {
		heading(1, "Eligibility criteria")
		a.Blocks = append(a.Blocks, criteriaBlocks(s.eligibility)...)
	}
	a.Stated = s.stated()
	return a
}

// facts is the line of key facts that heads a record.
func (s study) facts() string {
	parts := []string{s.nctID}
	if s.acronym != "" {
		parts = append(parts, s.acronym)
	}
	var phases []string
	for _, p := range s.phases {
		if l := phaseLabels[p]; l != "" {
			phases = append(phases, l)
		}
	}
	if len(phases) > 0 {
		parts = append(parts, strings.Join(phases, "/"))
	}
	if t := enumText(s.studyType); t != "" {
		if s.allocation != "" && !strings.EqualFold(s.allocation, "NA") { // NA: a single group
			t += ", " + enumText(s.allocation)
		}
		parts = append(parts, t)
	}
	if s.status != "" {
		parts = append(parts, "Status: "+enumText(s.status))
	}
	if s.enrollment != "" {
		parts = append(parts, "Enrollment: "+s.enrollment)
	}
	if s.startDate != "" {
		parts = append(parts, "Start: "+s.startDate)
	}
	if s.completionDate != "" {
		parts = append(parts, "Completion: "+s.completionDate)
	}
	if s.sponsor != "" {
		parts = append(parts, "Sponsor: "+s.sponsor)
	}
	if s.eligibilityFacts != "" {
		parts = append(parts, s.eligibilityFacts)
	}
	return strings.Join(parts, " · ")
}

// String writes an intervention as a list item: "Biological: CL2020 (other names: …)
// — its description".
func (iv intervention) String() string {
	out := iv.name
	if iv.kind != "" {
		out = enumText(iv.kind) + ": " + out
	}
	if len(iv.otherNames) > 0 {
		out += " (other names: " + strings.Join(iv.otherNames, "; ") + ")"
	}
	if iv.description != "" {
		out += " — " + oneLine(iv.description)
	}
	return out
}

// stated returns the facts of the study's structured fields: its phases (none for an
// observational study or one without phases), its design from the study type and
// allocation, its conditions and the names of its interventions.
func (s study) stated() article.Stated {
	var st article.Stated
	if s.phasesGiven || strings.EqualFold(s.studyType, "OBSERVATIONAL") {
		st.Phases = []string{}
		for _, p := range s.phases {
			if id := phaseIDs[strings.ToUpper(p)]; id != "" {
				st.Phases = append(st.Phases, id)
			}
		}
	}
	switch strings.ToUpper(s.studyType) {
	case "INTERVENTIONAL":
		switch strings.ToUpper(s.allocation) {
		case "RANDOMIZED":
			st.Designs = []string{"rct"}
		case "NON_RANDOMIZED", "NA":
			st.Designs = []string{"non-randomized"}
		}
	case "OBSERVATIONAL":
		st.Designs = []string{"observational"}
	}
	st.Conditions = append(st.Conditions, s.conditions...)
	for _, iv := range s.interventions {
		st.Interventions = append(st.Interventions, iv.name)
		st.Interventions = append(st.Interventions, iv.otherNames...)
	}
	return st
}

// textBlocks splits a description into paragraphs and list items: the registry writes
// them in a light Markdown, paragraphs separated by blank lines, items led by "*" or
// "-" (or numbered), and escapes punctuation with backslashes.
func textBlocks(text string) []article.Block {
	var out []article.Block
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		var lines []string
		for _, l := range strings.Split(para, "\n") {
			l = unescape(strings.TrimSpace(l))
			if m := listItem.FindStringSubmatch(l); m != nil {
				if len(lines) > 0 {
					out = append(out, article.Block{Kind: article.Paragraph, Text: strings.Join(lines, " ")})
					lines = nil
				}
				out = append(out, article.Block{Kind: article.Item, Text: m[1]})
				continue
			}
			if l != "" {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			out = append(out, article.Block{Kind: article.Paragraph, Text: strings.Join(lines, " ")})
		}
	}
	return out
}

var (
	listItem       = regexp.MustCompile(`^(?:[*•-]|\d{1,2}[.)])\s+(.+)$`)
	criteriaHeader = regexp.MustCompile(`(?i)^\s*(inclusion|exclusion)\s+criteria\s*:?\s*$`)
	escaped        = regexp.MustCompile(`\\([\\>*_#\[\]()~.-])`)
)

// criteriaBlocks reads eligibility criteria: the "Inclusion Criteria:" and "Exclusion
// Criteria:" lines become headings, so that a disease excluded is told apart from
// one treated.
func criteriaBlocks(text string) []article.Block {
	var out []article.Block
	var chunk []string
	flush := func() {
		if len(chunk) > 0 {
			out = append(out, textBlocks(strings.Join(chunk, "\n"))...)
			chunk = nil
		}
	}
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if m := criteriaHeader.FindStringSubmatch(l); m != nil {
			flush()
			out = append(out, article.Block{Kind: article.Heading, Level: 2, Text: strings.ToUpper(m[1][:1]) + strings.ToLower(m[1][1:]) + " criteria"})
			continue
		}
		chunk = append(chunk, l)
	}
	flush()
	return out
}

// unescape removes the registry's Markdown escapes ("\>", "\*").
func unescape(s string) string { return escaped.ReplaceAllString(s, "$1") }

func oneLine(s string) string { return strings.Join(strings.Fields(unescape(s)), " ") }

// enumText writes a registry enumeration value ("NON_RANDOMIZED") as words
// ("Non-randomized"); other text is returned as it is.
func enumText(s string) string {
	if s == "" || strings.ToUpper(s) != s {
		return s
	}
	s = strings.ToLower(strings.ReplaceAll(s, "_", " "))
	s = strings.Replace(s, "non ", "non-", 1)
	return strings.ToUpper(s[:1]) + s[1:]
}

// isoDate keeps a registry date ("2019-12-18", "2019-12") as a document date.
var registryDate = regexp.MustCompile(`^\d{4}(?:-\d{2}(?:-\d{2})?)?$`)

func isoDate(s string) string {
	if registryDate.MatchString(s) {
		return s
	}
	return ""
}

func firstN(s string, n int) string {
	if len(s) < n {
		return s
	}
	return s[:n]
}

// validNCT matches a ClinicalTrials.gov id.
var validNCT = regexp.MustCompile(`^NCT\d{8}$`)

// check refuses a record without a valid NCT id: it is not a study record.
func (s study) check(where string) error {
	if !validNCT.MatchString(s.nctID) {
		return fmt.Errorf("%s has no NCT number (protocolSection.identificationModule.nctId): it is not a ClinicalTrials.gov study record", where)
	}
	return nil
}
