package ctgov

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"musesearch/corpus/article"
)

// ErrNoStudies: the JSON holds no study.
var ErrNoStudies = errors.New("no study record in it: download the studies from ClinicalTrials.gov as JSON or CSV")

// jsonStudy is the part of a study of the registry's API (version 2) that is read.
type jsonStudy struct {
	Protocol *struct {
		Identification struct {
			NCTID          string `json:"nctId"`
			BriefTitle     string `json:"briefTitle"`
			OfficialTitle  string `json:"officialTitle"`
			Acronym        string `json:"acronym"`
			SecondaryInfos []struct {
				ID   string `json:"id"`
				Type string `json:"type"`
			} `json:"secondaryIdInfos"`
		} `json:"identificationModule"`
		Status struct {
			OverallStatus string   `json:"overallStatus"`
			Start         jsonDate `json:"startDateStruct"`
			Completion    jsonDate `json:"completionDateStruct"`
			FirstPosted   jsonDate `json:"studyFirstPostDateStruct"`
		} `json:"statusModule"`
		Sponsors struct {
			Lead struct {
				Name string `json:"name"`
			} `json:"leadSponsor"`
		} `json:"sponsorCollaboratorsModule"`
		Description struct {
			BriefSummary        string `json:"briefSummary"`
			DetailedDescription string `json:"detailedDescription"`
		} `json:"descriptionModule"`
		Conditions struct {
			Conditions []string `json:"conditions"`
			Keywords   []string `json:"keywords"`
		} `json:"conditionsModule"`
		Design struct {
			StudyType  string    `json:"studyType"`
			Phases     *[]string `json:"phases"`
			DesignInfo struct {
				Allocation string `json:"allocation"`
			} `json:"designInfo"`
			Enrollment *struct {
				Count json.Number `json:"count"`
				Type  string      `json:"type"`
			} `json:"enrollmentInfo"`
		} `json:"designModule"`
		Arms struct {
			Interventions []struct {
				Type        string   `json:"type"`
				Name        string   `json:"name"`
				Description string   `json:"description"`
				OtherNames  []string `json:"otherNames"`
			} `json:"interventions"`
		} `json:"armsInterventionsModule"`
		Outcomes struct {
			Primary   []jsonOutcome `json:"primaryOutcomes"`
			Secondary []jsonOutcome `json:"secondaryOutcomes"`
		} `json:"outcomesModule"`
		Eligibility struct {
			Criteria          string `json:"eligibilityCriteria"`
			HealthyVolunteers *bool  `json:"healthyVolunteers"`
			Sex               string `json:"sex"`
			MinimumAge        string `json:"minimumAge"`
			MaximumAge        string `json:"maximumAge"`
		} `json:"eligibilityModule"`
	} `json:"protocolSection"`
}

type jsonDate struct {
	Date string `json:"date"`
}

type jsonOutcome struct {
	Measure   string `json:"measure"`
	TimeFrame string `json:"timeFrame"`
}

// ParseJSON reads ClinicalTrials.gov study records in the JSON of the registry's API
// (version 2): one study object, {"studies": [...]} as the API and the download
// return it, or an array of studies. Each study gives one article.
func ParseJSON(data []byte) ([]article.Article, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var raw []json.RawMessage
	switch first := firstByte(data); first {
	case '[':
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, jsonError(err)
		}
	case '{':
		var top struct {
			Studies *[]json.RawMessage `json:"studies"`
		}
		if err := json.Unmarshal(data, &top); err != nil {
			return nil, jsonError(err)
		}
		if top.Studies != nil {
			raw = *top.Studies
		} else {
			raw = []json.RawMessage{data}
		}
	default:
		return nil, errors.New("invalid JSON: it does not start with { or [")
	}
	var out []article.Article
	for i, r := range raw {
		var js jsonStudy
		if err := json.Unmarshal(r, &js); err != nil {
			return nil, jsonError(err)
		}
		where := fmt.Sprintf("study %d", i+1)
		if js.Protocol == nil {
			return nil, fmt.Errorf("%s has no protocolSection: it is not a ClinicalTrials.gov study record", where)
		}
		s := js.study()
		if err := s.check(where); err != nil {
			return nil, err
		}
		out = append(out, s.article())
	}
	if len(out) == 0 {
		return nil, ErrNoStudies
	}
	return out, nil
}

// jsonError words a decoding error for the user.
func jsonError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("not a ClinicalTrials.gov study record: field %s holds a JSON %s", te.Field, te.Value)
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

func firstByte(data []byte) byte {
	t := bytes.TrimLeft(data, " \t\r\n")
	if len(t) == 0 {
		return 0
	}
	return t[0]
}

// study gathers the fields of js.
func (js jsonStudy) study() study {
	p := js.Protocol
	id := p.Identification
	s := study{
		nctID:          strings.TrimSpace(id.NCTID),
		briefTitle:     id.BriefTitle,
		officialTitle:  id.OfficialTitle,
		acronym:        id.Acronym,
		status:         p.Status.OverallStatus,
		studyType:      p.Design.StudyType,
		allocation:     p.Design.DesignInfo.Allocation,
		startDate:      p.Status.Start.Date,
		completionDate: p.Status.Completion.Date,
		sponsor:        p.Sponsors.Lead.Name,
		summary:        p.Description.BriefSummary,
		description:    p.Description.DetailedDescription,
		conditions:     p.Conditions.Conditions,
		keywords:       p.Conditions.Keywords,
		eligibility:    p.Eligibility.Criteria,
	}
	if s.startDate == "" {
		s.startDate = p.Status.FirstPosted.Date
	}
	if p.Design.Phases != nil {
		s.phases, s.phasesGiven = *p.Design.Phases, true
	}
	for _, sec := range id.SecondaryInfos {
		switch sec.Type {
		case "REGISTRY", "EUDRACT_NUMBER", "CTIS":
			s.secondaryIDs = append(s.secondaryIDs, strings.TrimSpace(sec.ID))
		}
	}
	if e := p.Design.Enrollment; e != nil && e.Count != "" {
		s.enrollment = e.Count.String()
		if e.Type != "" {
			s.enrollment += " (" + strings.ToLower(e.Type) + ")"
		}
	}
	for _, iv := range p.Arms.Interventions {
		s.interventions = append(s.interventions, intervention{kind: iv.Type, name: iv.Name, description: iv.Description, otherNames: iv.OtherNames})
	}
	for _, o := range p.Outcomes.Primary {
		s.outcomes = append(s.outcomes, outcome("Primary", o))
	}
	for _, o := range p.Outcomes.Secondary {
		s.outcomes = append(s.outcomes, outcome("Secondary", o))
	}
	el := p.Eligibility
	var facts []string
	if el.Sex != "" {
		facts = append(facts, "Sex: "+enumText(el.Sex))
	}
	if el.MinimumAge != "" || el.MaximumAge != "" {
		facts = append(facts, "Ages: "+strings.TrimSpace(el.MinimumAge+" to "+el.MaximumAge))
	}
	if el.HealthyVolunteers != nil {
		facts = append(facts, "Healthy volunteers: "+map[bool]string{true: "yes", false: "no"}[*el.HealthyVolunteers])
	}
	s.eligibilityFacts = strings.Join(facts, " · ")
	return s
}

func outcome(kind string, o jsonOutcome) string {
	out := kind + ": " + oneLine(o.Measure)
	if o.TimeFrame != "" {
		out += " (" + oneLine(o.TimeFrame) + ")"
	}
	return out
}

// countText writes an enrolment count read from CSV.
func countText(s string) string {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		return strconv.Itoa(n)
	}
	return ""
}
