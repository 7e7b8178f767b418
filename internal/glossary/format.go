package glossary

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
)

// The glossary file (glossary.tsv, and curated.tsv that the generator reads) has one
// entry per line, tab-separated fields:
//
//	English term <TAB> Japanese forms <TAB> Chinese forms <TAB> sources [<TAB> ambiguous]
//
// Forms are separated by "|"; Japanese or Chinese may be empty, not both. Sources is a
// comma-separated list of where the entry comes from (curated, vocabulary, edict,
// cedict); curated.tsv leaves it out. The word "ambiguous" in a fifth field marks an
// English term with senses outside the field (Entry.Ambiguous). Lines starting with
// "#" and empty lines are comments.

// Sources of an entry.
const (
	SourceCurated    = "curated"    // curated.tsv, written by hand
	SourceVocabulary = "vocabulary" // the labels of the facet vocabulary (corpus)
	SourceEDICT      = "edict"      // JMdict/EDICT, Japanese-English
	SourceCEDICT     = "cedict"     // CC-CEDICT, Chinese-English
)

// Parse reads entries in the glossary file format. An entry without a source gets
// SourceCurated.
func Parse(r io.Reader) ([]Entry, error) {
	var entries []Entry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) < 3 || len(fields) > 5 {
			return nil, fmt.Errorf("line %d has %d fields; an entry is English, Japanese, Chinese, sources and ambiguous, separated by tabs", n, len(fields))
		}
		e := Entry{
			English:  strings.TrimSpace(fields[0]),
			Japanese: forms(fields[1]),
			Chinese:  forms(fields[2]),
			Sources:  []string{SourceCurated},
		}
		if len(fields) >= 4 {
			e.Sources = forms(strings.ReplaceAll(fields[3], ",", "|"))
		}
		if len(fields) == 5 {
			if fields[4] != ambiguousMark {
				return nil, fmt.Errorf("line %d (%s) has %q in its fifth field, which can only be %q", n, e.English, fields[4], ambiguousMark)
			}
			e.Ambiguous = true
		}
		switch {
		case e.English == "":
			return nil, fmt.Errorf("line %d has no English term", n)
		case len(e.Japanese) == 0 && len(e.Chinese) == 0:
			return nil, fmt.Errorf("line %d (%s) has neither a Japanese nor a Chinese form", n, e.English)
		}
		for _, s := range e.Sources {
			if !slices.Contains([]string{SourceCurated, SourceVocabulary, SourceEDICT, SourceCEDICT}, s) {
				return nil, fmt.Errorf("line %d (%s) names an unknown source %q", n, e.English, s)
			}
		}
		entries = append(entries, e)
	}
	return entries, sc.Err()
}

// forms splits a field of "|"-separated forms, dropping empty ones.
func forms(field string) []string {
	var out []string
	for f := range strings.SplitSeq(field, "|") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// ambiguousMark is the fifth field of an entry whose English term is ambiguous.
const ambiguousMark = "ambiguous"

// Line formats e as a line of the glossary file, without the line end.
func (e Entry) Line() string {
	fields := []string{e.English, strings.Join(e.Japanese, "|"), strings.Join(e.Chinese, "|"), strings.Join(e.Sources, ",")}
	if e.Ambiguous {
		fields = append(fields, ambiguousMark)
	}
	return strings.Join(fields, "\t")
}
