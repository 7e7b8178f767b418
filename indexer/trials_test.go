package indexer

import (
	"context"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/google/go-cmp/cmp"
)

// TestTrialMentionsStored checks that the sections that mention a trial carry their
// mentions and can be found by FieldTrialCount, the others not.
func TestTrialMentionsStored(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.ReplaceFile(ctx, "a.txt", nil, sampleDocs("a.txt")); err != nil {
		t.Fatal(err)
	}
	first := 1.0
	q := query.NewNumericRangeQuery(&first, nil)
	q.SetField(FieldTrialCount)
	req := bleve.NewSearchRequestOptions(q, 10, 0, false)
	req.Fields = []string{FieldTrials}
	res, err := ix.Search(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.Hits {
		for _, m := range DecodeTrialMentions(h.Fields) {
			got = append(got, h.ID+" "+m.Section.ID+" "+m.RegistryIDs[0]+" "+m.Indication)
		}
	}
	if diff := cmp.Diff([]string{"a#1 a#1 NCT01234567 als"}, got); diff != "" {
		t.Errorf("sections with trial mentions (-want +got):\n%s", diff)
	}
}
