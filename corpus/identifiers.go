package corpus

import (
	"regexp"
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// The kinds of identifiers found in text (Identifier.Kind).
const (
	KindNCT     = "nct"     // ClinicalTrials.gov: NCT01234567
	KindJRCT    = "jrct"    // Japan Registry of Clinical Trials: jRCT2063200047, jRCTs031180230
	KindJapic   = "japic"   // JAPIC Clinical Trials Information: JapicCTI-184103
	KindChiCTR  = "chictr"  // Chinese Clinical Trial Registry: ChiCTR2000029990, ChiCTR-IOR-17013556
	KindUMIN    = "umin"    // UMIN Clinical Trials Registry: UMIN000012345
	KindISRCTN  = "isrctn"  // ISRCTN registry: ISRCTN12345678
	KindEudraCT = "eudract" // EU Clinical Trials Register: 2015-001234-56
	KindDOI     = "doi"     // Digital Object Identifier: 10.1177/09636897231214370
	KindPMID    = "pmid"    // PubMed id, the digits of "PMID: 40353645"
	KindPMCID   = "pmcid"   // PubMed Central id: PMC12067559
)

// IdentifierKinds lists every Identifier.Kind.
var IdentifierKinds = []string{KindNCT, KindJRCT, KindJapic, KindChiCTR, KindUMIN, KindISRCTN, KindEudraCT, KindDOI, KindPMID, KindPMCID}

// identifierPatterns find identifiers in NFKC text; the first group is the
// value; cue is a string every match contains (in lower case), to skip the pattern
// cheaply on text without it.
var identifierPatterns = []struct {
	kind string
	cue  string
	re   *regexp.Regexp
}{
	{KindNCT, "nct", regexp.MustCompile(`\b(NCT\d{8})\b`)},
	{KindJRCT, "rct", regexp.MustCompile(`\b([jJ]RCT[a-z]?\d{9,10})\b`)},
	{KindJapic, "japic", regexp.MustCompile(`(?i)\b(JapicCTI-?\d{6})\b`)},
	{KindChiCTR, "chictr", regexp.MustCompile(`\b(ChiCTR(?:-[A-Z]{2,5}-)?\d{7,10})\b`)},
	{KindUMIN, "umin", regexp.MustCompile(`\b(UMIN\d{9})\b`)},
	{KindISRCTN, "isrctn", regexp.MustCompile(`\b(ISRCTN\d{8})\b`)},
	{KindEudraCT, "eudract", regexp.MustCompile(`(?i)\bEudraCT(?:\s+(?:number|no\.?))?[:\s]+(\d{4}-\d{6}-\d{2})\b`)},
	{KindDOI, "10.", regexp.MustCompile(`\b(10\.\d{4,9}/[^\s"'<>]+)`)},
	{KindPMID, "pmid", regexp.MustCompile(`\bPMID:?\s*(\d{1,9})\b`)},
	{KindPMCID, "pmc", regexp.MustCompile(`\b(PMC\d{5,9})\b`)},
}

// IsRegistryID reports whether value, an identifier's value as written or as the index
// folds it (lower case), is a trial's registry id: any identifier but a DOI, a PMID or
// a PMCID.
func IsRegistryID(value string) bool {
	v := strings.ToLower(value)
	switch {
	case v == "", strings.HasPrefix(v, "10."), strings.HasPrefix(v, "pmc"):
		return false
	}
	return strings.ContainsFunc(v, func(r rune) bool { return r < '0' || r > '9' })
}

// FindIdentifiers returns the trial registry ids, DOIs, PMIDs and PMCIDs of text, in
// the order they appear, without duplicates. Full-width forms are read as their ASCII
// equivalents; a DOI loses the punctuation that ends the sentence around it.
func FindIdentifiers(text string) []Identifier {
	text = norm.NFKC.String(text)
	lower := strings.ToLower(text)
	type found struct {
		at int
		id Identifier
	}
	var all []found
	for _, p := range identifierPatterns {
		if !strings.Contains(lower, p.cue) {
			continue
		}
		for _, m := range p.re.FindAllStringSubmatchIndex(text, -1) {
			v := text[m[2]:m[3]]
			if p.kind == KindDOI {
				v = trimDOI(v)
			}
			all = append(all, found{m[2], Identifier{Kind: p.kind, Value: v}})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].at < all[j].at })
	var out []Identifier
	seen := map[Identifier]bool{}
	for _, f := range all {
		if !seen[f.id] {
			seen[f.id] = true
			out = append(out, f.id)
		}
	}
	return out
}

// trimDOI removes punctuation that ends the sentence rather than the DOI, and closing
// brackets the DOI does not open.
func trimDOI(v string) string {
	for {
		t := strings.TrimRight(v, ".,;:")
		if strings.HasSuffix(t, ")") && strings.Count(t, "(") < strings.Count(t, ")") {
			t = t[:len(t)-1]
		}
		if strings.HasSuffix(t, "]") && strings.Count(t, "[") < strings.Count(t, "]") {
			t = t[:len(t)-1]
		}
		if t == v {
			return v
		}
		v = t
	}
}
