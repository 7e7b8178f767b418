package ctgov

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"musesearch/corpus/article"
)

// csvColumns are the columns of the registry's CSV export that are read, by their
// heading in lower case. Multiple values in a cell are separated by "|".
const (
	colNCT           = "nct number"
	colTitle         = "study title"
	colAcronym       = "acronym"
	colStatus        = "study status"
	colSummary       = "brief summary"
	colConditions    = "conditions"
	colInterventions = "interventions"
	colPrimary       = "primary outcome measures"
	colSecondary     = "secondary outcome measures"
	colSponsor       = "sponsor"
	colSex           = "sex"
	colAge           = "age"
	colPhases        = "phases"
	colEnrollment    = "enrollment"
	colStudyType     = "study type"
	colDesign        = "study design"
	colOtherIDs      = "other ids"
	colStart         = "start date"
	colCompletion    = "completion date"
	colFirstPosted   = "first posted"
)

// ParseCSV reads the CSV export of a ClinicalTrials.gov search: a heading row, then
// one study a row. Only the NCT Number column is required; the others are read when
// present, whatever their order.
func ParseCSV(data []byte) ([]article.Article, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, csvError(err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	if _, ok := col[colNCT]; !ok {
		return nil, errors.New("not a ClinicalTrials.gov CSV export: it has no NCT Number column")
	}
	var out []article.Article
	for row := 2; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		s := study{
			nctID:          get(colNCT),
			briefTitle:     get(colTitle),
			acronym:        get(colAcronym),
			status:         get(colStatus),
			summary:        get(colSummary),
			conditions:     split(get(colConditions)),
			sponsor:        get(colSponsor),
			enrollment:     countText(get(colEnrollment)),
			studyType:      get(colStudyType),
			startDate:      get(colStart),
			completionDate: get(colCompletion),
		}
		if s.startDate == "" {
			s.startDate = get(colFirstPosted)
		}
		if _, ok := col[colPhases]; ok {
			s.phases, s.phasesGiven = split(get(colPhases)), true
		}
		for _, part := range split(get(colDesign)) {
			if k, v, ok := strings.Cut(part, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "allocation") {
				s.allocation = strings.TrimSpace(v)
			}
		}
		for _, iv := range split(get(colInterventions)) {
			kind, name, ok := strings.Cut(iv, ":")
			if !ok {
				kind, name = "", iv
			}
			s.interventions = append(s.interventions, intervention{kind: strings.TrimSpace(kind), name: strings.TrimSpace(name)})
		}
		for _, o := range split(get(colPrimary)) {
			s.outcomes = append(s.outcomes, "Primary: "+o)
		}
		for _, o := range split(get(colSecondary)) {
			s.outcomes = append(s.outcomes, "Secondary: "+o)
		}
		for _, id := range split(get(colOtherIDs)) {
			if registryID(id) {
				s.secondaryIDs = append(s.secondaryIDs, id)
			}
		}
		var facts []string
		if v := get(colSex); v != "" {
			facts = append(facts, "Sex: "+enumText(v))
		}
		if v := get(colAge); v != "" {
			facts = append(facts, "Ages: "+v)
		}
		s.eligibilityFacts = strings.Join(facts, " · ")
		if err := s.check(fmt.Sprintf("row %d", row)); err != nil {
			return nil, err
		}
		out = append(out, s.article())
	}
	if len(out) == 0 {
		return nil, ErrNoStudies
	}
	return out, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("invalid CSV at line %d: %v", pe.Line, pe.Err)
	}
	if errors.Is(err, io.EOF) {
		return ErrNoStudies
	}
	return fmt.Errorf("invalid CSV: %w", err)
}

// split splits a cell of several values.
func split(cell string) []string {
	var out []string
	for _, v := range strings.Split(cell, "|") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// registryPrefixes start the ids of other trial registries that the CSV export lists
// among a study's other ids (beside sponsors' protocol numbers).
var registryPrefixes = []string{"jRCT", "JapicCTI-", "UMIN", "ChiCTR", "ISRCTN", "EUCTR", "CTIS", "KCT", "ACTRN", "DRKS", "CTRI/"}

func registryID(id string) bool {
	for _, p := range registryPrefixes {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return len(id) == 14 && id[4] == '-' && id[11] == '-' // a EudraCT number, 2019-001234-56
}
