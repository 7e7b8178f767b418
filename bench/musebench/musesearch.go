package musebench

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/search"
)

// quietLog drops the index's informational lines; the benchmark's stderr is for its
// own progress.
var quietLog = slog.New(slog.DiscardHandler)

// indexCorpus builds a new musesearch index of corpusDir in indexDir, as `musesearch
// index` does, and returns the number of sections indexed.
func indexCorpus(ctx context.Context, corpusDir, indexDir string) (int, error) {
	ix, err := indexer.Open(ctx, indexer.Config{Dir: indexDir, Owner: "musebench", Logger: quietLog})
	if err != nil {
		return 0, err
	}
	sum, err := ix.Sync(ctx, corpusDir, nil)
	if cerr := ix.Close(); err == nil {
		err = cerr
	}
	if err == nil && len(sum.Skipped) > 0 {
		err = fmt.Errorf("%d corpus files were not indexed, the first %s: %s", len(sum.Skipped), sum.Skipped[0].Name, sum.Skipped[0].Reason)
	}
	return sum.Sections, err
}

// indexParts opens the index in indexDir and says where its segment files' bytes go:
// the locations (term vectors), frequencies and norms, bitmaps and dictionaries of
// every field together, the stored fields and the rest.
func indexParts(ctx context.Context, indexDir string) (map[string]int64, error) {
	ix, err := indexer.Open(ctx, indexer.Config{Dir: indexDir, Owner: "musebench", Logger: quietLog})
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	sizes, err := ix.Sizes(ctx)
	if err != nil {
		return nil, err
	}
	parts := map[string]int64{partStored: sizes.Stored, partOther: sizes.Other}
	for _, f := range sizes.Fields {
		parts[partLocations] += f.Locations
		parts[partFrequencies] += f.Frequencies
		parts[partBitmaps] += f.Bitmaps
		parts[partDictionaries] += f.Dictionary
	}
	return parts, nil
}

// The parts of an index that indexParts measures, in the order the report shows them.
const (
	partLocations    = "locations"
	partStored       = "stored"
	partFrequencies  = "frequencies"
	partBitmaps      = "bitmaps"
	partDictionaries = "dictionaries"
	partOther        = "other"
)

var indexPartNames = []string{partLocations, partStored, partFrequencies, partBitmaps, partDictionaries, partOther}

// museEngine is an open musesearch index and its search engine, as the server holds
// them.
type museEngine struct {
	ix  *indexer.Index
	eng *search.Engine
}

// openEngine opens the index and the search engine as `musesearch serve` does.
func openEngine(ctx context.Context, indexDir, corpusDir string) (engine, error) {
	ix, err := indexer.Open(ctx, indexer.Config{Dir: indexDir, CorpusDir: corpusDir, Owner: "musebench", Logger: quietLog, Serving: true})
	if err != nil {
		return nil, err
	}
	eng, err := search.New(search.Config{Index: ix, Logger: quietLog})
	if err != nil {
		ix.Close()
		return nil, err
	}
	return &museEngine{ix: ix, eng: eng}, nil
}

// search asks for the first page of ten hits, with snippets, or of ten documents with
// their passages. The engine counts every facet in every search, so the queries
// without facets cost musesearch as much as those with.
func (e *museEngine) search(ctx context.Context, q query) (int, error) {
	res, err := e.eng.Search(ctx, search.Request{Query: q.Q, Filters: q.Filters, Page: 1, Size: 10, Sort: search.SortRelevance,
		GroupByDoc: q.Group == groupDoc})
	if err != nil {
		return 0, err
	}
	return res.Total, nil
}

// suggest asks the engine as GET /api/suggest does, with the text typed so far and
// the reader's language.
func (e *museEngine) suggest(ctx context.Context, p prefix) (int, error) {
	found, err := e.eng.Suggest(ctx, strings.TrimSpace(p.Text), p.Lang)
	return len(found), err
}

func (e *museEngine) addFile(ctx context.Context, name string, data []byte) error {
	docs, err := corpus.Parse(name, data)
	if err == nil {
		_, err = e.ix.ReplaceFile(ctx, name, data, docs)
	}
	return err
}

func (e *museEngine) close() error { return e.ix.Close() }
