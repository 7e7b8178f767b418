package corpus

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// realDoc is one hand-labelled document of testdata/realworld/labels.json.
type realDoc struct {
	File string `json:"file"`
	// Title is the document's title; TitleAlt lists others a careful reader could
	// equally give. TitleDerived says the text holds no title: any title made from
	// the text is right when it is marked as derived.
	Title        string   `json:"title"`
	TitleAlt     []string `json:"title_alt"`
	TitleDerived bool     `json:"title_derived"`
	// Meta holds the labelled metadata fields; fields left out are not checked.
	Meta   map[string]json.RawMessage `json:"meta"`
	Facets Facets                     `json:"facets"`
}

// The bar the real-world set must reach: titles right, and precision and recall of
// every content facet over the documents' facets.
const (
	minTitleAccuracy     = 0.95
	minRealWorldFacetPR  = 0.97
	minMetaFieldAccuracy = 0.9
)

func readRealWorld(t testing.TB) []realDoc {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "realworld", "labels.json"))
	if err != nil {
		t.Fatal(err)
	}
	var docs []realDoc
	if err := json.Unmarshal(data, &docs); err != nil {
		t.Fatalf("labels.json: %v", err)
	}
	return docs
}

func parseRealWorld(t testing.TB, file string) Document {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "realworld", file))
	if err != nil {
		t.Fatal(err)
	}
	docs, err := Parse(file, data)
	if err != nil {
		t.Fatalf("Parse(%s): %v", file, err)
	}
	if len(docs) != 1 {
		t.Errorf("%s: %d documents, want 1", file, len(docs))
	}
	return docs[0]
}

// sameTitle compares titles as a reader does: Unicode NFKC, spaces collapsed, a
// closing full stop ignored.
func sameTitle(a, b string) bool {
	norm := func(s string) string {
		s = strings.Join(strings.Fields(norm.NFKC.String(s)), " ")
		return strings.TrimRight(s, ".。 ")
	}
	return norm(a) == norm(b)
}

// TestRealWorld measures title detection, metadata and facets on the real-world set
// against its hand labels, and prints the table (run with -v to see it).
func TestRealWorld(t *testing.T) {
	labelled := readRealWorld(t)
	files, _ := filepath.Glob(filepath.Join("testdata", "realworld", "*.txt"))
	if len(files) != len(labelled) || len(labelled) < 30 {
		t.Errorf("%d texts and %d labels in testdata/realworld, want the same number, at least 30", len(files), len(labelled))
	}
	perLang := map[string]int{}
	score := facetScore{}
	titlesRight, metaRight, metaFields := 0, 0, 0
	for _, want := range labelled {
		perLang[want.File[:2]]++
		d := parseRealWorld(t, want.File)
		switch {
		case want.TitleDerived:
			if d.Meta.TitleDerived && d.Title != "" {
				titlesRight++
			} else {
				t.Logf("%s: title %q, want one marked as derived", want.File, d.Title)
			}
		case slices.ContainsFunc(append([]string{want.Title}, want.TitleAlt...), func(s string) bool { return sameTitle(s, d.Title) }):
			titlesRight++
			if d.Meta.TitleDerived {
				t.Logf("%s: title %q is marked as derived", want.File, d.Title)
			}
		default:
			t.Logf("%s: title %q, want %q", want.File, d.Title, want.Title)
		}
		got := metaFieldsOf(d.Meta)
		for field, raw := range want.Meta {
			metaFields++
			if string(got[field]) == string(compactJSON(raw)) {
				metaRight++
			} else {
				t.Logf("%s: meta %s = %s, want %s", want.File, field, got[field], compactJSON(raw))
			}
		}
		score.add(t, want.File, d.Facets(), want.Facets)
	}
	for _, lang := range Languages {
		if perLang[lang] < 10 {
			t.Errorf("the real-world set has %d %s texts, want at least 10", perLang[lang], lang)
		}
	}
	var table strings.Builder
	titleAcc := ratio(titlesRight, len(labelled))
	metaAcc := ratio(metaRight, metaFields)
	fmt.Fprintf(&table, "real-world set, %d texts (testdata/realworld): titles right %d/%d (%.3f), metadata fields right %d/%d (%.3f)\n",
		len(labelled), titlesRight, len(labelled), titleAcc, metaRight, metaFields, metaAcc)
	score.report(t, &table, minRealWorldFacetPR)
	if titleAcc < minTitleAccuracy {
		t.Errorf("titles right %.3f, want at least %.2f", titleAcc, minTitleAccuracy)
	}
	if metaAcc < minMetaFieldAccuracy {
		t.Errorf("metadata fields right %.3f, want at least %.2f", metaAcc, minMetaFieldAccuracy)
	}
	t.Log("\n" + table.String())
}

// metaFieldsOf returns the JSON of each field of m, keyed as in JSON.
func metaFieldsOf(m Meta) map[string]json.RawMessage {
	data, _ := json.Marshal(m)
	out := map[string]json.RawMessage{}
	_ = json.Unmarshal(data, &out)
	for k, v := range out {
		out[k] = compactJSON(v)
	}
	return out
}

func compactJSON(raw json.RawMessage) json.RawMessage {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return raw
	}
	data, _ := json.Marshal(v)
	return data
}

// nothingLostInputs are the texts the nothing-lost check reads: the bundle, the
// real-world set and layouts written for it.
func nothingLostInputs(t *testing.T) map[string][]byte {
	inputs := map[string][]byte{}
	names, _ := fs.Glob(Bundle, "*.txt")
	for _, name := range names {
		data, _ := fs.ReadFile(Bundle, name)
		inputs[name] = data
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "realworld", "*.txt"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(f)] = data
	}
	for name, text := range map[string]string{
		"list-dash.txt": "Why Muse Cells Matter\n\nMuse cells act in several ways:\n\nImmunomodulation – preventing immune damage to the injured tissue\nHoming – travelling to the injury\n\n" + para("Muse", 300) + "\n",
		"repeated-title.txt": "----//---- http://example.org/muse\nMuse Cells After Stroke\n----//---- http://example.org/muse\nMuse Cells After Stroke\n\n" +
			para("Stroke", 400) + "\n----//---- http://example.org/muse\n\n" + para("Recovery", 300) + "\n----//---- http://example.org/muse\n",
		"status-lines.txt": "Muse Cells for Acute Myocardial Infarction\nStatus:\nRecruiting\nPhase:\nPhase 2\nNot yet recruiting\n\n" + para("Infarction", 300) + "\n",
	} {
		inputs[name] = []byte(text)
	}
	return inputs
}

// TestNothingLost checks that every line of every input ends up somewhere a reader
// can find it: in a document's title, tags, headings, text or metadata (every run of
// letters of the line appears there), or among its dropped lines with a reason that
// holds for the line (page furniture, a URL, a separator, ...).
func TestNothingLost(t *testing.T) {
	for name, data := range nothingLostInputs(t) {
		docs, err := Parse(name, data)
		if err != nil {
			t.Errorf("Parse(%s): %v", name, err)
			continue
		}
		var kept strings.Builder
		dropped := map[string][]DropReason{}
		for _, d := range docs {
			kept.WriteString(documentWords(d))
			for _, l := range d.Dropped {
				dropped[l.Text] = append(dropped[l.Text], l.Reason)
				if why := checkDropped(l, d, data); why != "" {
					t.Errorf("%s: line %q dropped as %s, but %s", name, l.Text, l.Reason, why)
				}
			}
		}
		out := kept.String()
		text, _ := decode(data)
		for _, l := range cleanLines(text) {
			if l.blank() || len(dropped[l.text]) > 0 {
				continue
			}
			for _, run := range letterRun.FindAllString(norm.NFC.String(l.text), -1) {
				if !strings.Contains(out, run) {
					t.Errorf("%s: %q of line %q is lost", name, run, l.text)
					break
				}
			}
		}
	}
}

// documentWords returns everything of d a reader can see or search, one value a line.
func documentWords(d Document) string {
	var b strings.Builder
	b.WriteString(d.Title + "\n" + d.Date + "\n" + strings.Join(d.Tags, "\n") + "\n")
	for _, v := range metaFieldsOf(d.Meta) {
		var s any
		_ = json.Unmarshal(v, &s)
		b.WriteString(fmt.Sprint(s) + "\n")
	}
	for _, s := range d.Sections {
		b.WriteString(strings.Join(s.Path, "\n") + "\n" + s.Heading + "\n" + s.Text + "\n")
	}
	return b.String()
}

// checkDropped returns why line l, dropped from document d of a file with data, should
// not have been, or "".
func checkDropped(l DroppedLine, d Document, data []byte) string {
	s := l.Text
	switch l.Reason {
	case DropSeparator:
		if strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			return "it has letters or digits"
		}
	case DropURL:
		if !urlLine.MatchString(s) {
			return "it is not a URL alone"
		}
	case DropPageNumber:
		if !pageNumber.MatchString(s) {
			return "it is not a page number"
		}
	case DropPlaceholder:
		if !isPlaceholder(s) {
			return "it is no placeholder"
		}
	case DropFurniture:
		if n := strings.Count(string(data), s); n < furnitureRepeats {
			return fmt.Sprintf("it occurs %d times, not on every page", n)
		}
	case DropNavigation:
		if !isNavigation(s) {
			return "it is not site navigation"
		}
	case DropDate:
		date, ok := findDate(s)
		if !ok || (date != d.Date && !strings.HasPrefix(date, d.Date)) {
			return fmt.Sprintf("its date %q is not the document's (%q)", date, d.Date)
		}
	case DropByline:
		if _, _, ok := parseByline(s); !ok {
			return "it is no byline"
		}
	case DropFrontMatter:
		if !strings.Contains(string(data), "---") {
			return "the file has no front matter"
		}
	default:
		return "the reason is unknown"
	}
	return ""
}

// TestParagraphBreaks checks that lines a blank line separates are never joined in
// the real-world set (none of it is hard-wrapped with a blank line after every
// line), and the cases the issue names.
func TestParagraphBreaks(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "realworld", "*.txt"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		docs, err := Parse(filepath.Base(f), data)
		if err != nil {
			t.Fatal(err)
		}
		out := documentWords(docs[0])
		lines := cleanLines(string(data))
		for i := 0; i+2 < len(lines); i++ {
			a, gap, b := lines[i], lines[i+1], lines[i+2]
			if a.blank() || !gap.blank() || b.blank() {
				continue
			}
			tail := string([]rune(a.text)[max(0, len([]rune(a.text))-6):])
			head := string([]rune(b.text)[:min(6, len([]rune(b.text)))])
			if strings.Contains(out, tail+head) || strings.Contains(out, tail+" "+head) {
				t.Errorf("%s: %q and %q, a blank line apart, are joined", filepath.Base(f), a.text, b.text)
			}
		}
	}
}
