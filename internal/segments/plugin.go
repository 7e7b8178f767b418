package segments

import (
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// inIDOrder is zap's segment format, whose new segments number their documents in the
// order of their ids. scorch hands a batch's documents to the format in the order their
// analyses happen to end (the batch itself is a map), so a document's sections, added
// together, would be scattered over the whole segment; in the order of their ids
// ("doc#1", "doc#2", …) they are neighbours. Neighbours let a search grouped by document
// pass over a document's sections at once, and make a build of the index repeatable.
// The files are zap's, unchanged: it replaces zap's registration of the same type and
// version, and merges keep the order (they append segments in turn).
type inIDOrder struct{ zap.ZapPlugin }

func init() { scorch.RegisterSegmentPlugin(&inIDOrder{}, true) }

func (p *inIDOrder) New(results []index.Document) (segment.Segment, uint64, error) {
	return p.ZapPlugin.New(byID(results))
}

func (p *inIDOrder) NewUsing(results []index.Document, config map[string]any) (segment.Segment, uint64, error) {
	return p.ZapPlugin.NewUsing(byID(results), config)
}

// byID sorts docs by id, in place, and returns them.
func byID(docs []index.Document) []index.Document {
	slices.SortFunc(docs, func(a, b index.Document) int { return strings.Compare(a.ID(), b.ID()) })
	return docs
}
