package segments

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// format is zap's segment format with three differences in what a new segment holds,
// all made to the analysed documents before zap writes them; the files are zap's,
// unchanged. It replaces zap's registration of the same type and version.
//
// Its documents are numbered in the order of the value of the field its configuration
// names GroupBy, then of their ids. scorch hands a batch's documents to the format in
// the order their analyses happen to end (the batch itself is a map), so a document's
// sections, added together, would be scattered over the whole segment; in the order
// of their ids ("doc#1", "doc#2", …) they are neighbours. Neighbours let a search
// grouped by document pass over a document's sections at once, and make a build of
// the index repeatable. Grouped by a document-wide field first (its language), they
// stay neighbours, and the blocks of documents whose scores a search bounds at once
// hold one group each, as Lucene's and Elasticsearch's index sorting makes them: a
// search in one language matches the others' sections through its concept alone, with
// scores low and alike, whose best the search wants too, and their blocks' bounds are
// then theirs, not those of the blocks' sections in the query's language.
//
// zap writes each location of a term vector as varints: field, position, start, end
// and array positions. The format stores a location's end as the token's length, end
// − start, a byte where the end past a field's 128th byte takes two (4.5% of a 10k
// index); Occurrences adds the start back. A location read in any other way has its
// length for its end.
//
// The fields its configuration names PositionsOnly keep their tokens' positions and
// not their offsets: each start and length is 0.
//
// Merges keep all three: they append segments in turn, and copy the locations.
//
// Its segments, new and merged, are in zap's chunk mode 1025 (chunkMode), not zap's
// default: zap keeps a term's frequencies and locations in chunks without skip data
// inside them, so reading a section's posting reads the chunk up to it. In mode 1026
// a chunk holds about 1,024 postings whatever the list; in mode 1025 it spans 1,024
// documents, so a common term's chunk holds as many postings as the term has in those
// documents (a term of a twentieth of the sections, about 50). Reading the term
// vectors of a page's sections for its snippets walked a fifth as far (0.56 → 0.24 s
// of CPU in 340 searches of the large queries at 1M sections); the chunks' lengths
// took 10 MB more of 5.2 GB.
type format struct{ zap.ZapPlugin }

// chunkMode is the zap chunk mode of the segments the format writes: chunks of 1,024
// documents for a list of more than 1,024 postings, one chunk for a shorter one.
const chunkMode = 1025

func init() {
	zap.DefaultChunkMode = chunkMode
	scorch.RegisterSegmentPlugin(&format{}, true)
}

// PositionsOnly is a key of scorch's "segmentConfig": its value, a []string, names the
// fields whose term vectors keep their tokens' positions and not their offsets (each
// start and end is 0).
const PositionsOnly = "musesearch.positionsOnly"

// Serving is a key of scorch's "segmentConfig": its value, a bool, says whether the
// process opening a segment file searches the index for long (a server); anything
// else is false (an error opening a segment would have scorch open an older snapshot
// of the index, or none). A server's segment files are dropped from the page cache as
// they open, whoever wrote them, and read without read-ahead (see OpenUsing).
const Serving = "musesearch.serving"

// GroupBy is a key of scorch's "segmentConfig": its value, a string, names the field
// by whose value, its first if it has several, a new segment's documents are grouped
// (numbered in its order first, then in their ids' order).
const GroupBy = "musesearch.groupBy"

func (p *format) New(results []index.Document) (segment.Segment, uint64, error) {
	storeLocations(results, nil)
	return p.ZapPlugin.New(inOrder(results, ""))
}

func (p *format) NewUsing(results []index.Document, config map[string]any) (segment.Segment, uint64, error) {
	var positionsOnly []string
	if fields, ok := config[PositionsOnly]; ok {
		if positionsOnly, ok = fields.([]string); !ok {
			return nil, 0, fmt.Errorf("segment configuration %s is a %T, want a []string", PositionsOnly, fields)
		}
	}
	var groupBy string
	if field, ok := config[GroupBy]; ok {
		if groupBy, ok = field.(string); !ok {
			return nil, 0, fmt.Errorf("segment configuration %s is a %T, want a string", GroupBy, field)
		}
	}
	storeLocations(results, positionsOnly)
	return p.ZapPlugin.NewUsing(inOrder(results, groupBy), config)
}

// Open and OpenUsing open a segment file as zap does; one this process wrote they
// first drop from the page cache (evictWritten), and OpenUsing any file when its
// configuration says Serving. zap writes a segment, new or merged, in large writes
// and syncs it, and scorch opens it right after. The page cache then holds the file
// in the large folios its writes made, and Linux (6.18 here) maps the pages of a
// cached folio around a read fault together: a search reading a few bytes made up to
// megabytes of the file the serving process's resident memory. Read back from disk,
// the file is cached as the searches fault on it. At 1M sections the segment pages
// musebench's serve workload mapped were 1.5 GB on an index written in 16 MB writes,
// 0.3 GB once its pages had been dropped, with the searches' times level
// (docs/PERFORMANCE.md). A file another process wrote is left as it is cached unless
// the process is Serving: pages another process cached are in the folios its reads
// made, and a file read whole (copied, backed up, measured) is cached in large ones
// (at 1M, 1.43 GB of segment pages mapped over files just read whole, 0.29 over the
// same files read back from the disk); but a process that opens an index to search it
// once (the search command) would read it from disk again each time (at 1M, 1.7 s for
// a search instead of 0.8).
//
// A server's segments are read without read-ahead, too: where the disk reads ahead
// far (8 MB here, /sys/block/*/queue/read_ahead_kb), a read fault that missed the
// cache read megabytes around it into large folios, and mapped them. At 1M the
// segment pages musebench's serving workload mapped were 257-273 MB with the advice,
// 395-397 without, its peak RSS 816-829 MB against 951-984, the warm searches' times
// level and a cold server's first searches faster (the 28 queries in 2.3-2.5 s
// against 3.2-3.9).
func (p *format) Open(path string) (segment.Segment, error) {
	evictWritten(path)
	return p.ZapPlugin.Open(path)
}

func (p *format) OpenUsing(path string, config map[string]any) (segment.Segment, error) {
	serving, _ := config[Serving].(bool)
	if serving {
		evict(path)
	} else {
		evictWritten(path)
	}
	seg, err := p.ZapPlugin.OpenUsing(path, config)
	if z, ok := seg.(*zap.Segment); ok && serving {
		readRandomly(z.Data())
	}
	return seg, err
}

// started is about when this process started: a segment file modified since, this
// process wrote (an index has one writer at a time).
var started = time.Now()

// evictWritten drops the pages of the file at path from the page cache (evict) if
// the file was modified since this process started.
func evictWritten(path string) {
	if fi, err := os.Stat(path); err == nil && !fi.ModTime().Before(started) {
		evict(path)
	}
}

// inOrder sorts docs, in place, by the value of their field groupBy (none: "") and
// then by id, and returns them.
func inOrder(docs []index.Document, groupBy string) []index.Document {
	type keyed struct {
		group, id string
		doc       index.Document
	}
	keys := make([]keyed, len(docs))
	for i, d := range docs {
		keys[i] = keyed{id: d.ID(), doc: d}
		if groupBy == "" {
			continue
		}
		found := false
		d.VisitFields(func(f index.Field) {
			if !found && f.Name() == groupBy {
				keys[i].group, found = string(f.Value()), true
			}
		})
	}
	slices.SortFunc(keys, func(a, b keyed) int {
		return cmp.Or(strings.Compare(a.group, b.group), strings.Compare(a.id, b.id))
	})
	for i, k := range keys {
		docs[i] = k.doc
	}
	return docs
}

// StoredLocations is a field whose analysis made its token locations what the format
// stores (each end the token's length; the start and end 0 in a field the
// configuration names PositionsOnly), when LocationsStored says so: the format then
// leaves them as they are. Made as the tokens are, they cost nothing more; made over
// by the format, on the goroutine that builds a batch's segment, they took a tenth of
// its time.
type StoredLocations interface {
	LocationsStored() bool
}

// storeLocations makes the token locations of docs what the format stores: each end
// the token's length, and the start and end of those of the fields positionsOnly 0,
// but in the fields whose locations are stored already (StoredLocations).
// It changes docs, so each may reach only one segment (scorch hands a batch's
// analyses to the one segment it makes of them).
func storeLocations(docs []index.Document, positionsOnly []string) {
	for _, d := range docs {
		d.VisitFields(func(f index.Field) {
			if !f.Options().IncludeTermVectors() {
				return // no locations
			}
			if s, ok := f.(StoredLocations); ok && s.LocationsStored() {
				return
			}
			offsets := !slices.Contains(positionsOnly, f.Name())
			for _, tf := range f.AnalyzedTokenFrequencies() {
				for _, loc := range tf.Locations {
					if offsets {
						loc.End -= loc.Start
					} else {
						loc.Start, loc.End = 0, 0
					}
				}
			}
		})
	}
}
