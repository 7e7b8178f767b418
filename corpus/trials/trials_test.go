package trials

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"musesearch/corpus"
)

// summary is what the tests compare of a trial: its documents and passages by id.
type summary struct {
	ID          string
	RegistryIDs []string
	Product     string
	Indication  []string
	CellType    []string
	Design      []string
	Phase       []string
	Enrollment  int
	Status      Status
	Years       []int
	Documents   []string
	Related     []string
	Passages    []string
}

func summarize(trials []Trial) []summary {
	var out []summary
	for _, t := range trials {
		s := summary{ID: t.ID, RegistryIDs: t.RegistryIDs, Product: t.Product, Indication: t.Indication,
			CellType: t.CellType, Design: t.Design, Phase: t.Phase, Enrollment: t.Enrollment, Status: t.Status, Years: t.Years}
		for _, d := range t.Documents {
			s.Documents = append(s.Documents, d.ID)
		}
		for _, d := range t.Related {
			s.Related = append(s.Related, d.ID)
		}
		for _, p := range t.Passages {
			s.Passages = append(s.Passages, p.ID)
		}
		out = append(out, s)
	}
	return out
}

// trialsOf parses files (name → text) and returns their merged trials.
func trialsOf(t *testing.T, files map[string]string) []Trial {
	t.Helper()
	var mentions []Mention
	for name, text := range files {
		docs, err := corpus.Parse(name, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			mentions = append(mentions, Extract(d)...)
		}
	}
	return Merge(mentions)
}

const (
	review   = "000_7296aed5b39c99c6"
	press    = "003_0b74e965ce623bb2"
	abstract = "004_6bdb0a530be4535a"
	stroke   = "005_cl2020_stroke_trial_summary"
	hie      = "007_nct04261335"
)

// TestBundle checks the trials of the bundled corpus: the six of the review's
// clinical-trial summary (and its ARDS program) each once, with the phase the text
// gives; the ALS trial, jRCT2063200047, with the English and Chinese abstract that
// reports it by its product (CL2020, ALS, phase 2) and never names the id; the press
// release that announces CL2020 trials without a phase or an id only as related; the
// stroke trial's summary (a PDF) and the HIE trial's registry record joining the
// review's trials they are of.
func TestBundle(t *testing.T) {
	docs, errs := corpus.ReadDir("../bundle")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var mentions []Mention
	for _, d := range docs {
		mentions = append(mentions, Extract(d)...)
	}
	s := func(n string) string { return review + "#" + n }
	want := []summary{
		{ID: "CL2020/epidermolysis-bullosa/phase-1+phase-2", Product: "CL2020", Indication: []string{"epidermolysis-bullosa"},
			CellType: []string{"muse"}, Design: []string{"non-randomized"}, Phase: []string{"phase-1", "phase-2"}, Enrollment: 5,
			Years: []int{2018, 2021}, Documents: []string{review}, Related: []string{press}, Passages: []string{s("28"), s("37")}},
		// The AMI pilot: no text gives it a phase, so its three passages join on
		// product and indication with no phase.
		{ID: "CL2020/myocardial-infarction", Product: "CL2020", Indication: []string{"myocardial-infarction"},
			CellType: []string{"muse"}, Design: []string{"non-randomized"}, Enrollment: 3,
			Years: []int{2018, 2020}, Documents: []string{review}, Related: []string{press}, Passages: []string{s("7"), s("23"), s("31")}},
		{ID: "JRCT1080224764", RegistryIDs: []string{"JRCT1080224764"}, Product: "CL2020", Indication: []string{"spinal-cord-injury"},
			CellType: []string{"muse"}, Design: []string{"non-randomized"}, Phase: []string{"phase-1"}, Enrollment: 10,
			Years: []int{2020, 2022}, Documents: []string{review}, Related: []string{press}, Passages: []string{s("35")}},
		// The stroke trial, with the summary of its results printed to PDF.
		{ID: "JapicCTI-184103", RegistryIDs: []string{"JapicCTI-184103"}, Product: "CL2020", Indication: []string{"stroke"},
			CellType: []string{"muse"}, Design: []string{"rct"}, Phase: []string{"phase-2"}, Enrollment: 35,
			Years: []int{2018, 2023}, Documents: []string{review, stroke}, Related: []string{press}, Passages: []string{s("33"), stroke + "#3"}},
		// The HIE trial of the review, named by the registry record that is one of
		// the bundle's documents: every section of the record is of that trial.
		{ID: "NCT04261335", RegistryIDs: []string{"NCT04261335", "jRCT2043190112"}, Product: "CL2020", Indication: []string{"hypoxic-ischemic-encephalopathy"},
			CellType: []string{"muse"}, Design: []string{"non-randomized"}, Phase: []string{"phase-1"}, Enrollment: 9,
			Years: []int{2019, 2021}, Documents: []string{review, hie}, Related: []string{press},
			Passages: []string{s("34"), hie + "#1", hie + "#2", hie + "#3"}},
		{ID: "jRCT2043210005", RegistryIDs: []string{"jRCT2043210005"}, Indication: []string{"ards"},
			CellType: []string{"muse"}, Years: []int{2020}, Documents: []string{review}, Passages: []string{s("38")}},
		{ID: "jRCT2063200047", RegistryIDs: []string{"jRCT2063200047"}, Product: "CL2020", Indication: []string{"als"},
			CellType: []string{"muse"}, Design: []string{"non-randomized"}, Phase: []string{"phase-2"}, Enrollment: 5,
			Years: []int{2021, 2023}, Documents: []string{review, abstract}, Related: []string{press},
			Passages: []string{s("25"), s("36"), abstract + "#1", abstract + "#2"}},
	}
	if diff := cmp.Diff(want, summarize(Merge(mentions))); diff != "" {
		t.Errorf("trials of the bundle (-want +got):\n%s", diff)
	}
}

func TestMerge(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []summary
	}{{
		name: "ids written together name one trial, in any document",
		files: map[string]string{
			"a.txt": "A trial\n\nThe phase 3 trial (NCT01234567; jRCT2031190123) enrolled 120 patients with stroke.",
			"b.txt": "Another report\n\nIn jRCT2031190123, patients with stroke received MSCs.",
		},
		want: []summary{{ID: "NCT01234567", RegistryIDs: []string{"NCT01234567", "jRCT2031190123"}, Indication: []string{"stroke"},
			CellType: []string{"msc"}, Phase: []string{"phase-3"}, Enrollment: 120, Documents: []string{"a", "b"}, Passages: []string{"a#1", "b#1"}}},
	}, {
		name: "two ids of one registry in a sentence are two trials",
		files: map[string]string{
			"a.txt": "Trials\n\nTwo trials in ALS, NCT01234567 and NCT07654321, recruited patients.",
		},
		want: []summary{
			{ID: "NCT01234567", RegistryIDs: []string{"NCT01234567"}, Indication: []string{"als"}, Documents: []string{"a"}, Passages: []string{"a#1"}},
			{ID: "NCT07654321", RegistryIDs: []string{"NCT07654321"}, Indication: []string{"als"}, Documents: []string{"a"}, Passages: []string{"a#1"}},
		},
	}, {
		name: "a product trial of another phase is not merged on a guess",
		files: map[string]string{
			"a.txt": "Review\n\nThe cell product XY123 was tested in a phase 1 trial (NCT01234567) in ALS patients.",
			"b.txt": "Abstract\n\nWe report a phase 2 trial of XY123, an investigational product, in 24 patients with ALS.",
		},
		want: []summary{
			{ID: "NCT01234567", RegistryIDs: []string{"NCT01234567"}, Product: "XY123", Indication: []string{"als"},
				Phase: []string{"phase-1"}, Documents: []string{"a"}, Passages: []string{"a#1"}},
			{ID: "XY123/als/phase-2", Product: "XY123", Indication: []string{"als"}, Phase: []string{"phase-2"}, Enrollment: 24,
				Documents: []string{"b"}, Passages: []string{"b#1"}},
		},
	}, {
		name: "a product cue in capitals calls a code a product",
		files: map[string]string{
			"a.txt": "Abstract\n\nXY123, an Investigational Product, was given in a phase 2 trial to 24 patients with ALS.",
		},
		want: []summary{
			{ID: "XY123/als/phase-2", Product: "XY123", Indication: []string{"als"}, Phase: []string{"phase-2"}, Enrollment: 24,
				Documents: []string{"a"}, Passages: []string{"a#1"}},
		},
	}, {
		name: "a product mention that fits two trials is related to both",
		files: map[string]string{
			"a.txt": "Review\n\nThe drug XY123 was tested in a phase 2 trial (NCT01234567) in stroke patients.",
			"b.txt": "Review\n\nThe drug XY123 was tested in a phase 2 trial (NCT07654321) in stroke patients.",
			"c.txt": "News\n\nA phase 2 trial gave the drug XY123 to patients with stroke.",
		},
		want: []summary{
			{ID: "NCT01234567", RegistryIDs: []string{"NCT01234567"}, Product: "XY123", Indication: []string{"stroke"},
				Phase: []string{"phase-2"}, Documents: []string{"a"}, Related: []string{"c"}, Passages: []string{"a#1"}},
			{ID: "NCT07654321", RegistryIDs: []string{"NCT07654321"}, Product: "XY123", Indication: []string{"stroke"},
				Phase: []string{"phase-2"}, Documents: []string{"b"}, Related: []string{"c"}, Passages: []string{"b#1"}},
		},
	}, {
		name: "a list of a product's indications and a planned trial make no trial",
		files: map[string]string{
			"a.txt": "News\n\nTrials of the product XY123 are under way in patients with stroke, ALS and spinal cord injury. A trial of XY123 in Parkinson's disease patients is planned.",
		},
	}, {
		name: "what the passage does not say, the title may",
		files: map[string]string{
			"a.txt": "Intravenous XY123 in amyotrophic lateral sclerosis\n\nWe gave the investigational product XY123 to 12 patients in an open-label trial in 2019.",
		},
		want: []summary{{ID: "XY123/als", Product: "XY123", Indication: []string{"als"}, Design: []string{"non-randomized"},
			Enrollment: 12, Years: []int{2019}, Documents: []string{"a"}, Passages: []string{"a#1"}}},
	}, {
		name: "a code never called a product is not one",
		files: map[string]string{
			"a.txt": "Biomarkers\n\nIn the trial, IL-10 and CD105 rose in 12 patients with ALS.",
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, summarize(trialsOf(t, tc.files))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnrollment(t *testing.T) {
	for _, tc := range []struct {
		texts []string
		want  int
	}{
		{[]string{"The trial enrolled five patients."}, 5},
		{[]string{"Thirty-five patients with moderate deficits were randomized."}, 35},
		{[]string{"The EB dataset involves five adult RDEB patients with ulcers."}, 5},
		{[]string{"10 participants with SCI"}, 10},
		{[]string{"1,200 patients"}, 1200},
		{[]string{"3 of 5 patients improved"}, 0},
		{[]string{"two of five patients achieved a reduction"}, 0},
		{[]string{"12 weeks after the patients"}, 0},
		{[]string{"thirty five patients"}, 35},
		{[]string{"in phase 2 patients"}, 0},
		{[]string{"ALS 患者 5 名に投与"}, 5},
		{[]string{"5 名 ALS 患者每月静脉注射一次"}, 5},
		{[]string{"共纳入24例患者"}, 24},
		{[]string{"randomized to cells (n = 24) or placebo (n=10)"}, 24},
		// A count of people in the paragraph beats "n =" of one arm in the sentence.
		{[]string{"at either dose (n=3) or (n=6)", "Nine neonates were enrolled. At either dose (n=3) or (n=6)."}, 9},
	} {
		if got := enrollment(tc.texts...); got != tc.want {
			t.Errorf("enrollment(%q) = %d, want %d", tc.texts, got, tc.want)
		}
	}
}

func TestYears(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []int
	}{
		{"Phase 2a open-label (Japan, 2021–2023)", []int{2021, 2023}},
		{"(Japan, 2018; published 2020)", []int{2018, 2020}},
		{"2019-2021", []int{2019, 2021}},
		{"2020年に開始", []int{2020}},
		{"CL2020 at 1.5×10^7 cells, 1.2020 mg", nil},
		{"EudraCT 2015-001234-56", nil},
		{"in 1850 and 2150", nil},
	} {
		if diff := cmp.Diff(tc.want, years(tc.text)); diff != "" {
			t.Errorf("years(%q) (-want +got):\n%s", tc.text, diff)
		}
	}
}

func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		sentence string
		want     Status
	}{
		{"A larger placebo-controlled trial is planned.", StatusPlanned},
		{"今後ALS 患者に対する CL2020 点滴投与の治験を行い", StatusPlanned},
		{"The trial is currently recruiting patients.", StatusRecruiting},
		{"治験が心筋梗塞で行われております。", StatusOngoing},
		{"The study was completed in 2021.", StatusCompleted},
		{"The trial was terminated for slow accrual.", StatusTerminated},
		{"Patients who completed follow-up improved.", ""},
	} {
		if got := statusOf(tc.sentence); got != tc.want {
			t.Errorf("statusOf(%q) = %q, want %q", tc.sentence, got, tc.want)
		}
	}
}
