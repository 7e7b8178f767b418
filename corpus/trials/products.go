package trials

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"musesearch/corpus"
)

// productCode is the shape of a development code: capitals, an optional dash and at
// least three digits (CL2020, SB623, JR-031, HLCM051). Gene and protein names rarely
// have three digits (IL-6, SSEA-3, OCT4), and the code must also be called a product
// somewhere in the document (productCue) before it counts.
var productCode = regexp.MustCompile(`\b[A-Z]{2,6}-?[0-9]{3,6}[A-Za-z]?\b`)

// notProducts are prefixes of codes that are identifiers, not products.
var notProducts = []string{"PMC", "NCT", "UMIN", "ISRCTN", "JRCT", "DOI"}

// productCues are the words that call a code a product, in lower case.
var productCues = []string{
	"product", "products", "drug", "investigational",
	"製剤", "製品", "医薬品",
	"产品", "產品", "制剂", "製劑", "药物", "藥物",
}

// Product cue windows, in bytes around the code, within its sentence: "an allogeneic
// Muse cell product (CL2020", "CL2020 cell product".
const (
	productCueBefore = 40
	productCueAfter  = 25
)

// productCodes returns the codes that document doc calls a product at least once, so
// that every other mention of them in the document counts ("tested intravenous CL2020
// in subacute stroke").
func productCodes(doc corpus.Document) map[string]bool {
	products := map[string]bool{}
	for _, sec := range doc.Sections {
		if !slices.ContainsFunc(productCues, func(cue string) bool { return holdsCue(sec.Text, cue) }) {
			continue // most sections: spare them the normalisation
		}
		text := norm.NFKC.String(sec.Text)
		for _, m := range productCode.FindAllStringIndex(text, -1) {
			code := text[m[0]:m[1]]
			if products[code] || !productLike(code, sec) {
				continue
			}
			before := text[max(0, m[0]-productCueBefore):m[0]]
			after := text[m[1]:min(len(text), m[1]+productCueAfter)]
			if containsWord(sentenceTail(before), productCues) || containsWord(sentenceHead(after), productCues) {
				products[code] = true
			}
		}
	}
	return products
}

// holdsCue reports whether text holds cue, one of productCues, in any case.
func holdsCue(text, cue string) bool {
	if cue[0] < utf8.RuneSelf {
		return corpus.ContainsFold(text, cue)
	}
	return strings.Contains(text, cue) // without case
}

func containsAny(s string, words []string) bool {
	return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(s, w) })
}

// productLike reports whether code may be a product: not an identifier of the
// section, nor the start of one.
func productLike(code string, sec corpus.Section) bool {
	for _, p := range notProducts {
		if strings.HasPrefix(code, p) {
			return false
		}
	}
	for _, id := range sec.Identifiers {
		if strings.Contains(id.Value, code) {
			return false
		}
	}
	return true
}

// productsIn returns where the products occur in text[s.start:s.end], in order.
func productsIn(text string, s span, products map[string]bool) []located {
	if len(products) == 0 {
		return nil // most documents: spare each sentence the regexp
	}
	var out []located
	for _, m := range productCode.FindAllStringIndex(text[s.start:s.end], -1) {
		if code := text[s.start+m[0] : s.start+m[1]]; products[code] {
			out = append(out, located{value: code, at: s.start + m[0]})
		}
	}
	return out
}

// located is a value found at byte at of a text.
type located struct {
	value string
	at    int
}
