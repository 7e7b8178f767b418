package pubmed

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"musesearch/corpus/article"
)

// ErrNotPubMedXML: the XML is well formed but not a PubMed export.
var ErrNotPubMedXML = errors.New("not PubMed XML: its root element is not PubmedArticleSet or PubmedArticle")

// xmlArticle is the part of a PubmedArticle element that is read.
type xmlArticle struct {
	Citation struct {
		PMID    string `xml:"PMID"`
		Article struct {
			Journal struct {
				Title   string `xml:"Title"`
				PubDate struct {
					Year, Month, Day, MedlineDate string
				} `xml:"JournalIssue>PubDate"`
			} `xml:"Journal"`
			Title        mixedText   `xml:"ArticleTitle"`
			Vernacular   mixedText   `xml:"VernacularTitle"`
			ELocationIDs []xmlID     `xml:"ELocationID"`
			Abstract     []xmlPart   `xml:"Abstract>AbstractText"`
			Authors      []xmlAuthor `xml:"AuthorList>Author"`
			PubTypes     []string    `xml:"PublicationTypeList>PublicationType"`
			ArticleDates []struct {
				Year, Month, Day string
			} `xml:"ArticleDate"`
		} `xml:"Article"`
		OtherAbstracts []struct {
			Language string    `xml:"Language,attr"`
			Parts    []xmlPart `xml:"AbstractText"`
		} `xml:"OtherAbstract"`
		Mesh []struct {
			Descriptor struct {
				Name  string `xml:",chardata"`
				Major string `xml:"MajorTopicYN,attr"`
			} `xml:"DescriptorName"`
			Qualifiers []struct {
				Major string `xml:"MajorTopicYN,attr"`
			} `xml:"QualifierName"`
		} `xml:"MeshHeadingList>MeshHeading"`
		Keywords []mixedText `xml:"KeywordList>Keyword"`
	} `xml:"MedlineCitation"`
	IDs []xmlID `xml:"PubmedData>ArticleIdList>ArticleId"`
}

// xmlID is an identifier with its type (ELocationID EIdType, ArticleId IdType).
type xmlID struct {
	EIdType string `xml:"EIdType,attr"`
	IdType  string `xml:"IdType,attr"`
	Value   string `xml:",chardata"`
}

// xmlPart is an AbstractText element: a labelled part of a structured abstract, or a
// whole abstract.
type xmlPart struct {
	Label string
	Text  mixedText
}

// UnmarshalXML reads the part's label and its text.
func (p *xmlPart) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	for _, a := range start.Attr {
		if a.Name.Local == "Label" {
			p.Label = a.Value
		}
	}
	return p.Text.UnmarshalXML(d, start)
}

type xmlAuthor struct {
	LastName, ForeName, Initials, CollectiveName string
	Affiliations                                 []string `xml:"AffiliationInfo>Affiliation"`
}

// mixedText is the text of an element with inline markup (<i>, <sup>, MathML): all
// its character data, in order.
type mixedText string

// UnmarshalXML collects the character data of the element and its children.
func (t *mixedText) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var b strings.Builder
	for depth := 1; depth > 0; {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			// A power of ten keeps its exponent apart: 10<sup>7</sup> is 10^7.
			if s := b.String(); tok.Name.Local == "sup" && s != "" && s[len(s)-1] >= '0' && s[len(s)-1] <= '9' {
				b.WriteByte('^')
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			b.Write(tok)
		}
	}
	*t = mixedText(strings.Join(strings.Fields(b.String()), " "))
	return nil
}

// ParseXML reads a PubMed XML export: a PubmedArticleSet (or a single PubmedArticle)
// gives one article per PubmedArticle it holds. Books (PubmedBookArticle) are
// skipped. XML that is not well formed, names an entity XML does not define (the
// decoder expands no entity a document declares, so an entity bomb is refused), or is
// of another kind gives an error saying so.
func ParseXML(data []byte) ([]article.Article, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	var out []article.Article
	root := ""
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, xmlError(err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if root == "" {
			root = start.Name.Local
			if root != "PubmedArticleSet" && root != "PubmedArticle" {
				return nil, ErrNotPubMedXML
			}
		}
		if start.Name.Local != "PubmedArticle" {
			if start.Name.Local != "PubmedArticleSet" {
				if err := d.Skip(); err != nil {
					return nil, xmlError(err)
				}
			}
			continue
		}
		var x xmlArticle
		if err := d.DecodeElement(&x, &start); err != nil {
			return nil, xmlError(err)
		}
		out = append(out, x.record().article())
	}
	if root == "" {
		return nil, ErrNotPubMedXML
	}
	if len(out) == 0 {
		return nil, ErrNoRecords
	}
	return out, nil
}

// xmlError words a decoding error for the user.
func xmlError(err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		if strings.HasPrefix(se.Msg, "invalid character entity") {
			// Entities a document declares (an entity bomb, an external file) are
			// never expanded.
			return fmt.Errorf("invalid XML at line %d: %s, which PubMed XML does not define", se.Line, se.Msg)
		}
		return fmt.Errorf("invalid XML at line %d: %s", se.Line, se.Msg)
	}
	return fmt.Errorf("invalid XML: %w", err)
}

// record gathers the fields of x.
func (x xmlArticle) record() record {
	c, a := x.Citation, x.Citation.Article
	r := record{
		pmid:       strings.TrimSpace(c.PMID),
		title:      string(a.Title),
		vernacular: string(a.Vernacular),
		journal:    strings.TrimSpace(a.Journal.Title),
		pubTypes:   a.PubTypes,
	}
	pd := a.Journal.PubDate
	if r.date = pubDate(pd.Year, pd.Month, pd.Day); r.date == "" {
		r.date = parseFreeDate(pd.MedlineDate)
	}
	if r.date == "" && len(a.ArticleDates) > 0 {
		ad := a.ArticleDates[0]
		r.date = pubDate(ad.Year, ad.Month, ad.Day)
	}
	for _, id := range append(a.ELocationIDs, x.IDs...) {
		if r.doi == "" && (strings.EqualFold(id.EIdType, "doi") || strings.EqualFold(id.IdType, "doi")) {
			r.doi = strings.TrimSpace(id.Value)
		}
	}
	for _, au := range a.Authors {
		switch {
		case au.CollectiveName != "":
			r.authors = append(r.authors, strings.TrimSpace(au.CollectiveName))
		case au.LastName != "":
			r.authors = append(r.authors, strings.TrimSpace(au.LastName+" "+au.Initials))
		}
		r.affiliations = append(r.affiliations, au.Affiliations...)
	}
	r.abstract = parts(a.Abstract)
	for _, o := range c.OtherAbstracts {
		r.otherAbstracts = append(r.otherAbstracts, otherAbstract{lang: o.Language, parts: parts(o.Parts)})
	}
	for _, m := range c.Mesh {
		major := m.Descriptor.Major == "Y"
		for _, q := range m.Qualifiers {
			major = major || q.Major == "Y"
		}
		r.mesh = append(r.mesh, meshHeading{name: strings.TrimSpace(m.Descriptor.Name), major: major})
	}
	for _, k := range c.Keywords {
		if k != "" {
			r.keywords = append(r.keywords, string(k))
		}
	}
	return r
}

func parts(ps []xmlPart) []labelled {
	out := make([]labelled, 0, len(ps))
	for _, p := range ps {
		out = append(out, labelled{label: p.Label, text: string(p.Text)})
	}
	return out
}
