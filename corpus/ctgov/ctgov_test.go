package ctgov

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"musesearch/corpus/article"
	"musesearch/corpus/article/articletest"
)

// TestParseJSON reads studies in the API's JSON: titles, registry ids, the fact line,
// the sections, and what the structured fields state.
func TestParseJSON(t *testing.T) {
	arts, err := ParseJSON(articletest.Fixture(t, "studies.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 2 {
		t.Fatalf("%d articles, want 2", len(arts))
	}
	hie := arts[0]
	if hie.Title != "Muse Cell-based Product (CL2020) in Newborns With Hypoxic-ischemic Encephalopathy" {
		t.Errorf("title %q", hie.Title)
	}
	if diff := cmp.Diff(article.Meta{Year: 2019, Date: "2019-12-24", RegistryIDs: []string{"NCT04261335", "jRCT2043190112"}}, hie.Meta); diff != "" {
		t.Errorf("meta (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(hie.Blocks[0].Text, "An Open-label, Dose-escalation Study") {
		t.Errorf("the official title is not first: %q", hie.Blocks[0].Text)
	}
	facts := "NCT04261335 · Phase 1 · Interventional · Status: Completed · Enrollment: 12 (actual) · Start: 2019-12-24 · Completion: 2023-01-31 · Sponsor: Nagoya University · Sex: All · Ages: 5 Days to 14 Days · Healthy volunteers: no"
	if hie.Blocks[1].Text != facts {
		t.Errorf("facts\n%q, want\n%q", hie.Blocks[1].Text, facts)
	}
	want := []string{"Brief summary", "Detailed description", "Conditions and interventions", "Outcome measures", "Eligibility criteria", "Inclusion criteria", "Exclusion criteria"}
	if got := articletest.Headings(hie); !slices.Equal(got, want) {
		t.Errorf("headings %q, want %q", got, want)
	}
	wantStated := article.Stated{
		Phases: []string{"phase-1"}, Designs: []string{"non-randomized"},
		Conditions:    []string{"Hypoxic-Ischemic Encephalopathy"},
		Interventions: []string{"CL2020", "Muse cells"},
	}
	if diff := cmp.Diff(wantStated, hie.Stated); diff != "" {
		t.Errorf("stated (-want +got):\n%s", diff)
	}
	var items []string
	for _, b := range hie.Blocks {
		if b.Kind == article.Item {
			items = append(items, b.Text)
		}
	}
	if !slices.Contains(items, "low dose: 1.5 million cells") || !slices.Contains(items, "Major congenital anomalies or chromosomal abnormalities") {
		t.Errorf("list items %q", items)
	}
	for _, b := range hie.Blocks {
		if strings.Contains(b.Text, `\-`) {
			t.Errorf("an escape is left in %q", b.Text)
		}
	}
	if got := arts[1].Stated.Designs; !slices.Equal(got, []string{"rct"}) {
		t.Errorf("randomized study: designs %q", got)
	}
}

// TestParseObservational: one study object; an observational study states no phase.
func TestParseObservational(t *testing.T) {
	arts, err := ParseJSON(articletest.Fixture(t, "observational.json"))
	if err != nil || len(arts) != 1 {
		t.Fatalf("%d articles, %v", len(arts), err)
	}
	st := arts[0].Stated
	if st.Phases == nil || len(st.Phases) != 0 || !slices.Equal(st.Designs, []string{"observational"}) {
		t.Errorf("stated %+v: want no phase, observational", st)
	}
}

// TestParseCSV reads the registry's CSV export: multi-valued cells, the design
// column's allocation, registry ids among the other ids.
func TestParseCSV(t *testing.T) {
	arts, err := ParseCSV(articletest.Fixture(t, "studies.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 2 {
		t.Fatalf("%d articles, want 2", len(arts))
	}
	if got := arts[0].Meta.RegistryIDs; !slices.Equal(got, []string{"NCT04261335", "jRCT2043190112"}) {
		t.Errorf("registry ids %q", got)
	}
	wantStated := article.Stated{
		Phases: []string{"phase-1", "phase-2"}, Designs: []string{"non-randomized"},
		Conditions:    []string{"Epidermolysis Bullosa Dystrophica"},
		Interventions: []string{"Muse cells", "Placebo"},
	}
	if diff := cmp.Diff(wantStated, arts[1].Stated); diff != "" {
		t.Errorf("stated (-want +got):\n%s", diff)
	}
	if arts[1].Meta.Date != "2021-05" {
		t.Errorf("date %q", arts[1].Meta.Date)
	}
}

func FuzzParseJSON(f *testing.F) {
	f.Add(articletest.Fixture(f, "studies.json"))
	f.Add(articletest.Fixture(f, "observational.json"))
	f.Add([]byte(`[{"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}, "designModule": {"phases": ["NA"]}}}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		arts, err := ParseJSON(data)
		if err == nil && len(arts) == 0 {
			t.Fatal("no article and no error")
		}
		for _, a := range arts {
			if len(a.Meta.RegistryIDs) == 0 || !validNCT.MatchString(a.Meta.RegistryIDs[0]) {
				t.Fatalf("a study without its NCT number: %+v", a.Meta)
			}
		}
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Add(articletest.Fixture(f, "studies.csv"))
	f.Add([]byte("NCT Number,Phases,Study Design\nNCT00000001,PHASE2|PHASE3,Allocation: RANDOMIZED\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		arts, err := ParseCSV(data)
		if err == nil && len(arts) == 0 {
			t.Fatal("no article and no error")
		}
	})
}
