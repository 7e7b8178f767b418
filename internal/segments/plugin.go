package segments

import (
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// format is zap's segment format with two differences in what a new segment holds,
// both made to the analysed documents before zap writes them; the files are zap's,
// unchanged. It replaces zap's registration of the same type and version.
//
// Its documents are numbered in the order of their ids. scorch hands a batch's
// documents to the format in the order their analyses happen to end (the batch itself
// is a map), so a document's sections, added together, would be scattered over the
// whole segment; in the order of their ids ("doc#1", "doc#2", …) they are neighbours.
// Neighbours let a search grouped by document pass over a document's sections at
// once, and make a build of the index repeatable.
//
// The fields its configuration names PositionsOnly keep their tokens' positions and
// not their offsets: zap writes each location's start and end as varints, which a
// zero makes one byte each (a third of the term vectors, for a field whose offsets
// nobody reads).
//
// Merges keep both: they append segments in turn, and copy the locations.
type format struct{ zap.ZapPlugin }

func init() { scorch.RegisterSegmentPlugin(&format{}, true) }

// PositionsOnly is a key of scorch's "segmentConfig": its value, a []string, names the
// fields whose term vectors keep their tokens' positions and not their offsets (each
// start and end is 0).
const PositionsOnly = "musesearch.positionsOnly"

func (p *format) New(results []index.Document) (segment.Segment, uint64, error) {
	return p.ZapPlugin.New(byID(results))
}

func (p *format) NewUsing(results []index.Document, config map[string]any) (segment.Segment, uint64, error) {
	if fields, ok := config[PositionsOnly]; ok {
		names, ok := fields.([]string)
		if !ok {
			return nil, 0, fmt.Errorf("segment configuration %s is a %T, want a []string", PositionsOnly, fields)
		}
		dropOffsets(results, names)
	}
	return p.ZapPlugin.NewUsing(byID(results), config)
}

// byID sorts docs by id, in place, and returns them.
func byID(docs []index.Document) []index.Document {
	slices.SortFunc(docs, func(a, b index.Document) int { return strings.Compare(a.ID(), b.ID()) })
	return docs
}

// dropOffsets sets the start and end of every token location of docs' fields named
// fields to 0.
func dropOffsets(docs []index.Document, fields []string) {
	for _, d := range docs {
		d.VisitFields(func(f index.Field) {
			if !slices.Contains(fields, f.Name()) {
				return
			}
			for _, tf := range f.AnalyzedTokenFrequencies() {
				for _, loc := range tf.Locations {
					loc.Start, loc.End = 0, 0
				}
			}
		})
	}
}
