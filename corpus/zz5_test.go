package corpus

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestZZVal(t *testing.T) {
	dir := os.Getenv("VALDIR")
	if dir == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(filepath.Join(dir, "labels.json"))
	var labels []realDoc
	json.Unmarshal(data, &labels)
	tp, fp, fn := map[Facet]int{}, map[Facet]int{}, map[Facet]int{}
	titles := 0
	for _, want := range labels {
		b, _ := os.ReadFile(filepath.Join(dir, want.File))
		docs, err := Parse(want.File, b)
		if err != nil {
			fmt.Println(want.File, err)
			continue
		}
		d := docs[0]
		ok := want.TitleDerived && d.Meta.TitleDerived || !want.TitleDerived && slices.ContainsFunc(append([]string{want.Title}, want.TitleAlt...), func(s string) bool { return sameTitle(s, d.Title) })
		if ok {
			titles++
		} else {
			fmt.Printf("TITLE %s: %q (derived %v)\n", want.File, d.Title, d.Meta.TitleDerived)
		}
		got := metaFieldsOf(d.Meta)
		for field, raw := range want.Meta {
			if string(got[field]) != string(compactJSON(raw)) {
				fmt.Printf("META %s %s = %s want %s\n", want.File, field, got[field], compactJSON(raw))
			}
		}
		f := d.Facets()
		for _, fc := range ContentFacets {
			for _, id := range f[fc] {
				if slices.Contains(want.Facets[fc], id) {
					tp[fc]++
				} else {
					fp[fc]++
					fmt.Printf("EXTRA %s %s %s\n", want.File, fc, id)
				}
			}
			for _, id := range want.Facets[fc] {
				if !slices.Contains(f[fc], id) {
					fn[fc]++
					fmt.Printf("MISSED %s %s %s\n", want.File, fc, id)
				}
			}
		}
	}
	fmt.Printf("titles %d/%d\n", titles, len(labels))
	for _, fc := range ContentFacets {
		fmt.Printf("%s P %.3f R %.3f\n", fc, ratio(tp[fc], tp[fc]+fp[fc]), ratio(tp[fc], tp[fc]+fn[fc]))
	}
}
