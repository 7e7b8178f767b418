package trials

import (
	"slices"

	"musesearch/corpus"
)

// Mention is what one passage of a document says about one trial. Its JSON form is
// how the index stores it.
type Mention struct {
	// Doc is the document and Section the passage that mention the trial.
	Doc     DocumentRef `json:"doc"`
	Section Passage     `json:"section"`
	// RegistryIDs are the trial's registry ids as written, several when the passage
	// gives them together; empty for a trial named by its product only.
	RegistryIDs []string `json:"registry_ids,omitempty"`
	// Product is the code of the product tested ("CL2020"), when the passage names one.
	Product string `json:"product,omitempty"`
	// Indication is the disease the trial treats, the one the passage is about when it
	// names several (an indication facet id); empty when it names none.
	Indication string   `json:"indication,omitempty"`
	CellType   []string `json:"cell_type,omitempty"`
	// Design holds trial designs only (rct, non-randomized, observational): a passage
	// about a trial may cite the animal studies behind it.
	Design []string `json:"design,omitempty"`
	Phase  []string `json:"phase,omitempty"`
	// Enrollment is the number of participants, 0 when the passage does not say.
	Enrollment int    `json:"enrollment,omitempty"`
	Status     Status `json:"status,omitempty"`
	// Years are the years the passage gives the trial (start, end, publication),
	// sorted.
	Years []int `json:"years,omitempty"`
	// Related marks a passage that names the trial only in passing: one of a
	// product's trials in a list of indications, or a trial still planned. It links
	// its document to the trials that fit but never makes or joins one.
	Related bool `json:"related,omitempty"`
}

// DocumentRef names a document.
type DocumentRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Lang  string `json:"lang"`
}

// Passage names a section of a document.
type Passage struct {
	// ID is the section's id, "{doc_id}#{n}".
	ID      string `json:"id"`
	Heading string `json:"heading,omitempty"`
	// Lang is the section's language, which may differ from its document's.
	Lang string `json:"lang"`
}

// Status is how far a trial has got, as the text says.
type Status string

// The statuses, from the least to the most advanced.
const (
	StatusPlanned    Status = "planned"
	StatusRecruiting Status = "recruiting"
	StatusOngoing    Status = "ongoing"
	StatusCompleted  Status = "completed"
	StatusTerminated Status = "terminated"
)

// Statuses lists every Status, from the least to the most advanced.
var Statuses = []Status{StatusPlanned, StatusRecruiting, StatusOngoing, StatusCompleted, StatusTerminated}

// rank orders statuses: of two documents that disagree, the one that saw the trial
// further along is the later.
func (s Status) rank() int {
	for i, v := range Statuses {
		if v == s {
			return i + 1
		}
	}
	return 0
}

// Trial is one clinical trial and everything the corpus says about it.
type Trial struct {
	// ID is the first registry id, or for a trial known by its product only,
	// "{product}/{indication}[/{phase}+...]".
	ID          string
	RegistryIDs []string
	Product     string
	// Indication, CellType, Design and Phase hold facet value ids, sorted.
	Indication []string
	CellType   []string
	Design     []string
	Phase      []string
	// Enrollment is the number of participants most passages give, 0 when none does.
	Enrollment int
	Status     Status
	// Years are every year the passages give the trial, sorted.
	Years []int
	// Documents report or summarise the trial; Related mention it only in passing.
	Documents []DocumentRef
	Related   []DocumentRef
	// Passages are the sections that report the trial, in document order.
	Passages []Passage
}

// Values returns the trial's values of facet f: its indications, cell types, designs
// or phases, and for corpus.Lang the languages of the passages that report it.
func (t Trial) Values(f corpus.Facet) []string {
	switch f {
	case corpus.Indication:
		return t.Indication
	case corpus.CellType:
		return t.CellType
	case corpus.Design:
		return t.Design
	case corpus.Phase:
		return t.Phase
	case corpus.Lang:
		var langs []string
		for _, p := range t.Passages {
			if !slices.Contains(langs, p.Lang) {
				langs = append(langs, p.Lang)
			}
		}
		return langs
	}
	return nil
}
