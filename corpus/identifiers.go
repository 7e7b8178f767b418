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

// identifierPatterns find identifiers in NFKC text; the first group is the value.
// Those with a literal prefix leave their leading \b to findAtWordStart, so that the
// regexp searches for the prefix at once instead of trying every position of the text
// (trying them was a twentieth of the CPU of reading a corpus); the others are tried
// only on text that holds cue (case-insensitive), a string every match contains.
var identifierPatterns = []struct {
	kind string
	// cue is "" for a pattern that begins with its literal prefix, whose word
	// boundary findAtWordStart checks; else a lower-case string every match holds.
	cue string
	re  *regexp.Regexp
}{
	{KindNCT, "", regexp.MustCompile(`(NCT\d{8})\b`)},
	{KindJRCT, "", regexp.MustCompile(`(jRCT[a-z]?\d{9,10})\b`)},
	{KindJRCT, "", regexp.MustCompile(`(JRCT[a-z]?\d{9,10})\b`)},
	{KindJapic, "japic", regexp.MustCompile(`(?i)\b(JapicCTI-?\d{6})\b`)},
	{KindChiCTR, "", regexp.MustCompile(`(ChiCTR(?:-[A-Z]{2,5}-)?\d{7,10})\b`)},
	{KindUMIN, "", regexp.MustCompile(`(UMIN\d{9})\b`)},
	{KindISRCTN, "", regexp.MustCompile(`(ISRCTN\d{8})\b`)},
	{KindEudraCT, "eudract", regexp.MustCompile(`(?i)\bEudraCT(?:\s+(?:number|no\.?))?[:\s]+(\d{4}-\d{6}-\d{2})\b`)},
	{KindDOI, "", regexp.MustCompile(`(10\.\d{4,9}/[^\s"'<>]+)`)},
	{KindPMID, "", regexp.MustCompile(`PMID:?\s*(\d{1,9})\b`)},
	{KindPMCID, "", regexp.MustCompile(`(PMC\d{5,9})\b`)},
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
	var found []foundIdentifier
	for _, p := range identifierPatterns {
		if p.cue == "" {
			found = appendFound(found, p.kind, text, findAtWordStart(p.re, text))
		} else if ContainsFold(text, p.cue) {
			found = appendFound(found, p.kind, text, p.re.FindAllStringSubmatchIndex(text, -1))
		}
	}
	return inTextOrder(found)
}

// foundIdentifier is an identifier found in a text, at the byte where its value
// begins.
type foundIdentifier struct {
	at int
	id Identifier
}

// appendFound appends to found the identifiers of kind in text that matches, the
// submatch indexes of an identifier pattern's matches, hold.
func appendFound(found []foundIdentifier, kind, text string, matches [][]int) []foundIdentifier {
	for _, m := range matches {
		v := text[m[2]:m[3]]
		if kind == KindDOI {
			v = trimDOI(v)
		}
		found = append(found, foundIdentifier{m[2], Identifier{Kind: kind, Value: v}})
	}
	return found
}

// inTextOrder returns the identifiers of found in the order they appear, without
// duplicates.
func inTextOrder(found []foundIdentifier) []Identifier {
	sort.SliceStable(found, func(i, j int) bool { return found[i].at < found[j].at })
	var out []Identifier
	seen := map[Identifier]bool{}
	for _, f := range found {
		if !seen[f.id] {
			seen[f.id] = true
			out = append(out, f.id)
		}
	}
	return out
}

// findAtWordStart is re.FindAllStringSubmatchIndex(text, -1) for re preceded by \b,
// re's matches beginning with an ASCII letter or digit: a match that does not begin a
// word is passed over, and the search goes on from its second byte, as the regexp
// with \b would have tried there.
func findAtWordStart(re *regexp.Regexp, text string) [][]int {
	var out [][]int
	for pos := 0; pos < len(text); {
		m := re.FindStringSubmatchIndex(text[pos:])
		if m == nil {
			break
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += pos
			}
		}
		if m[0] > 0 && isASCIIWordByte(text[m[0]-1]) {
			pos = m[0] + 1
			continue
		}
		out = append(out, m)
		pos = max(m[1], m[0]+1)
	}
	return out
}

// isASCIIWordByte reports whether b is a word character of a regexp's \b.
func isASCIIWordByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_'
}

// ContainsFold reports whether s holds cue, in any case: cue is ASCII, in lower case,
// and begins with a letter. It is strings.Contains(strings.ToLower(s), cue) without
// the lowered copy.
func ContainsFold(s, cue string) bool {
	lower, upper := cue[0], cue[0]-'a'+'A'
	for _, first := range []byte{lower, upper} {
		for i := 0; ; i++ {
			k := strings.IndexByte(s[i:], first)
			if k < 0 {
				break
			}
			if i += k; len(s)-i >= len(cue) && strings.EqualFold(s[i:i+len(cue)], cue) {
				return true
			}
		}
	}
	return false
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
