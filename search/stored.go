package search

import (
	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/internal/segments"
)

// storedSection is a section and its document's metadata as a page shows them,
// decoded from the section's stored fields. It is shared by every search that reads
// the section: no one may change it.
type storedSection struct {
	doc corpus.Document
	sec corpus.Section
	// text and heading are the section's text and heading as the index analysed them
	// (indexedText): folded once, not for every search that marks them.
	text, heading string
}

// newStoredSection returns the stored section of doc and sec.
func newStoredSection(doc corpus.Document, sec corpus.Section) *storedSection {
	return &storedSection{doc: doc, sec: sec, text: indexedText(sec.Lang, sec.Text), heading: indexedText(sec.Lang, sec.Heading)}
}

// maxStoredSections bounds the sections a storedCache holds: some four hundred pages of
// ten hits, a few megabytes of text.
const maxStoredSections = 4096

// storedCache memoises the stored fields of sections, decoded, by segment and the
// section's number in it. Loading a page's stored fields through bleve (a lookup of
// each id, a document of field objects, then the JSON of the metadata) was a fifth of
// the CPU of a search on a small index.
type storedCache = segments.Memo[uint64, *storedSection]

func newStoredCache() *storedCache {
	return segments.NewMemo[uint64, *storedSection](maxStoredSections, nil)
}

// storedSectionOf returns section id, the document num of seg, through c.
func storedSectionOf(c *storedCache, seg segments.Segment, num uint64, id string) (*storedSection, error) {
	return c.Get(seg, num, func() (*storedSection, error) {
		// The fields as a bleve hit holds them (DecodeFields reads those): one value
		// as a string, several as a []interface{}.
		fields := map[string]interface{}{}
		err := seg.StoredText(num, func(name string, value []byte) {
			v := string(value)
			switch old := fields[name].(type) {
			case nil:
				fields[name] = v
			case []interface{}:
				fields[name] = append(old, v)
			default:
				fields[name] = []interface{}{old, v}
			}
		})
		if err != nil {
			return nil, err
		}
		return newStoredSection(indexer.DecodeFields(id, fields)), nil
	})
}
