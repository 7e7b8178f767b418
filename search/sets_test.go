package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"

	"musesearch/corpus"
	"musesearch/indexer"
)

// TestSetCacheFollowsSnapshots changes an index file by file (new files, a file whose
// date changes, a removed file, and the merges scorch makes meanwhile) and holds the
// sets a cache builds from the segments it has kept to those a fresh cache reads of the
// same snapshot, and the documents' dates to their live versions'. In memory, a segment
// is one file's until the first file changes: its segment, all deleted, leaves the
// snapshot, and every later segment moves to a lower offset.
func TestSetCacheFollowsSnapshots(t *testing.T) {
	t.Run("on disk", func(t *testing.T) { setCacheFollowsSnapshots(t, indexer.Config{Dir: t.TempDir()}) })
	t.Run("in memory", func(t *testing.T) { setCacheFollowsSnapshots(t, indexer.Config{}) })
}

func setCacheFollowsSnapshots(t *testing.T, cfg indexer.Config) {
	ctx := context.Background()
	ix, err := indexer.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	file := func(i int, date string) (string, []byte) {
		return fmt.Sprintf("f%02d.md", i), fmt.Appendf(nil, "# Muse cells in trial %d\n\nPublished: %s\n\n"+
			"## Results\n\nMuse cells were given to patients with ALS in a phase 2 randomized trial %d.\n\n"+
			"## 結果\n\nMuse細胞を脊髄損傷の患者に投与した。\n", i, date, i)
	}
	put := func(name string, data []byte) {
		t.Helper()
		docs, err := corpus.Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) == 0 || docs[0].Date == "" {
			t.Fatalf("%s: no document with a date: %+v", name, docs)
		}
		if _, err := ix.ReplaceFile(ctx, name, data, docs); err != nil {
			t.Fatal(err)
		}
	}
	cache := newSetCache()
	check := func(step string, wantDates map[string]string) {
		t.Helper()
		var got, want *facetSets
		var gerr, werr error
		probe := readerQuery{func(_ context.Context, r index.IndexReader) {
			got, gerr = cache.get(r)
			want, werr = newSetCache().get(r)
		}}
		if _, err := ix.Search(ctx, bleve.NewSearchRequestOptions(probe, 0, 0, false)); err != nil {
			t.Fatal(err)
		}
		if gerr != nil || werr != nil {
			t.Fatalf("%s: %v, %v", step, gerr, werr)
		}
		if g, w := describeSets(got), describeSets(want); g != w {
			t.Errorf("%s: the kept cache's sets differ from a fresh cache's:\n%s\nwant\n%s", step, g, w)
		}
		for name, date := range wantDates {
			ids, err := ix.DocIDsOf(name)
			if err != nil || len(ids) != 1 {
				t.Fatalf("%s: the documents of %s: %v, %v", step, name, ids, err)
			}
			if d := slices.Index(got.docIDs, ids[0]); d < 0 || got.docDates[d] != date {
				t.Errorf("%s: document %s dated %q, want %q", step, ids[0], got.docDates[max(d, 0)], date)
			}
		}
	}
	dates := map[string]string{}
	// Enough files, one segment each, for scorch to merge some in the background.
	for i := range 12 {
		date := fmt.Sprintf("20%02d-01-%02d", 10+i, i+1)
		name, data := file(i, date)
		put(name, data)
		dates[name] = date
		check(fmt.Sprintf("file %d added", i), dates)
	}
	name, data := file(0, "2025-06-30")
	put(name, data)
	dates[name] = "2025-06-30"
	check("a file's date changed", dates)
	if _, err := ix.RemoveFile(ctx, "f02.md"); err != nil {
		t.Fatal(err)
	}
	delete(dates, "f02.md")
	check("a file removed", dates)
}

// describeSets describes what sets holds of every section, by document id, language
// and value names rather than the cache's numbers, and of every facet value and date.
func describeSets(s *facetSets) string {
	out := ""
	for num := range s.docOf {
		doc := "-"
		if d := s.docOf[num]; d != noDoc {
			doc = s.docIDs[d]
		}
		lang := ""
		if l := s.langOf(uint64(num)); l >= 0 {
			lang = s.langNames[l]
		}
		var values []string
		for f, byValue := range s.dense().values {
			for v, set := range byValue {
				if set[num/64]&(1<<(num%64)) != 0 {
					values = append(values, string(f)+"="+v)
				}
			}
		}
		slices.Sort(values)
		out += fmt.Sprintf("%d: %s #%d %s %v\n", num, doc, s.ordinals[num], lang, values)
	}
	for _, f := range FacetOrder {
		for _, v := range sortedKeys(s.values[f]) {
			out += fmt.Sprintf("%s=%s: %v\n", f, v, s.values[f][v].ToArray())
		}
	}
	dates := map[string][]uint64{}
	for _, part := range s.dates {
		for d, b := range part.dates {
			b.Iterate(func(local uint32) bool {
				dates[d] = append(dates[d], part.offset+uint64(local))
				return true
			})
		}
	}
	for _, d := range sortedKeys(dates) {
		out += fmt.Sprintf("date %s: %v\n", d, dates[d])
	}
	return out + fmt.Sprintf("dated %v, reports %v\n", s.dated.ToArray(), s.reports.ToArray())
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestIDOrderGrows numbers documents in batches, as segments are read, and holds the
// order of every prefix of them, the last one's and an older one's, to a sort.
func TestIDOrderGrows(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var ids []string
	o := &idOrder{}
	for batch := range 20 {
		for range rng.IntN(30) {
			ids = append(ids, fmt.Sprintf("doc-%04d", rng.IntN(10000)))
		}
		for _, n := range []int{len(ids), rng.IntN(len(ids) + 1)} {
			got := o.upTo(ids[:n])
			want := make([]uint32, n)
			for d := range want {
				want[d] = uint32(d)
			}
			slices.SortStableFunc(want, func(a, b uint32) int { return strings.Compare(ids[a], ids[b]) })
			// Equal ids may come in either order.
			for i := range got {
				if i >= len(want) || ids[got[i]] != ids[want[i]] {
					t.Fatalf("batch %d, %d documents: %v, want %v", batch, n, got, want)
				}
			}
			if len(got) != n || len(slices.Compact(slices.Sorted(slices.Values(got)))) != n {
				t.Fatalf("batch %d: %d documents, want each of %d once: %v", batch, len(got), n, got)
			}
		}
	}
}
