package main

import (
	"context"
	"testing"

	"github.com/blugelabs/bluge"
)

func TestQueries(t *testing.T) {
	w, err := bluge.OpenWriter(bluge.InMemoryOnlyConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	batch := bluge.NewBatch()
	for _, s := range []Section{
		{ID: "a#1", Title: "Spinal cord injury", Text: "Muse cells were infused in patients with spinal cord injury.", Lang: "en",
			Facets: map[string][]string{"indication": {"spinal-cord-injury"}, "cell_type": {"muse"}}},
		{ID: "b#1", Title: "Stroke", Text: "Mesenchymal stem cells after stroke; the cord blood injury was spinal.", Lang: "en",
			Facets: map[string][]string{"indication": {"stroke"}, "cell_type": {"msc"}}},
		{ID: "c#1", Title: "脊髄損傷", Text: "脊髄損傷の患者に Muse 細胞を投与した。", Lang: "ja",
			Facets: map[string][]string{"indication": {"spinal-cord-injury"}, "cell_type": {"muse"}}},
		{ID: "d#1", Title: "间充质干细胞", Text: "间充质干细胞治疗脑卒中。", Lang: "zh",
			Facets: map[string][]string{"indication": {"stroke"}, "cell_type": {"msc"}}},
	} {
		batch.Insert(document(s))
	}
	if err := w.Batch(batch); err != nil {
		t.Fatal(err)
	}
	r, err := w.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, c := range []struct {
		q     Query
		total int
	}{
		{Query{Q: "cells"}, 2},
		{Query{Q: "cell"}, 2}, // English stemming
		{Query{Q: "spinal injury"}, 2},
		{Query{Q: `"spinal cord injury"`}, 1},
		{Query{Q: "脊髄損傷"}, 1},
		{Query{Q: "间充质干细胞"}, 1},
		{Query{Q: "Muse"}, 2},
		{Query{Q: "cells", Filters: map[string][]string{"cell_type": {"msc"}}}, 1},
		{Query{Q: "cells", Filters: map[string][]string{"cell_type": {"msc", "muse"}}}, 2},
		{Query{Q: "", Filters: map[string][]string{"cell_type": {"muse"}, "lang": {"ja"}}, Facets: true}, 1},
		{Query{Q: "nothing-like-this"}, 0},
	} {
		got, err := run(context.Background(), r, c.q)
		if err != nil {
			t.Fatalf("%+v: %v", c.q, err)
		}
		if got != c.total {
			t.Errorf("%+v: %d hits, want %d", c.q, got, c.total)
		}
	}
}
