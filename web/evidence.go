package web

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"

	"musesearch/corpus"
	"musesearch/search"
)

// evidenceMap is a grid of indication by trial phase (or study design) with the number
// of hits of the current search in each cell: where the evidence is.
type evidenceMap struct {
	// Axis is the facet of the columns, one of mapAxes.
	Axis    corpus.Facet
	Columns []evidenceColumn
	Rows    []evidenceRow
	// Axes link to the map over each of mapAxes.
	Axes []mapAxisLink
}

// mapAxes are the facets the evidence map can spread its columns over; the first is
// the default.
var mapAxes = []corpus.Facet{corpus.Phase, corpus.Design}

// mapAxisLink is a link to the map over one axis.
type mapAxisLink struct {
	Name    string
	URL     string
	Current bool
}

// mapAxisOf reads the map parameter: the facet of the evidence map's columns. Like hl
// it only changes the presentation, so an unknown value gives the default.
func mapAxisOf(v string) corpus.Facet {
	for _, f := range mapAxes {
		if v == string(f) {
			return f
		}
	}
	return mapAxes[0]
}

// evidenceColumn is one value of the axis.
type evidenceColumn struct {
	Value, Label string
}

// evidenceRow is one indication and its cells, one per column.
type evidenceRow struct {
	Value, Label string
	// URL applies the indication filter alone.
	URL   string
	Total int
	Cells []evidenceCell
}

// evidenceCell is the number of hits with one indication and one phase; URL applies
// both filters. Level (0 to evidenceLevels) shades the cell by its share of the largest.
type evidenceCell struct {
	Count int
	URL   string
	Level int
	Label string
}

const (
	// maxMapRows bounds the indications the map shows, the best-covered first.
	maxMapRows = 12
	// evidenceLevels is the number of shades of a non-empty cell.
	evidenceLevels = 4
)

// evidenceMap computes the map for req with columns over axis: one count-only search
// per value of the axis, whose indication counts (disjunctive, so not narrowed by an
// indication filter) fill that value's column. The map is nil when no hit has both an
// indication and a value of the axis.
func (s *Server) evidenceMap(ctx context.Context, p page, req search.Request, axis corpus.Facet) (*evidenceMap, error) {
	columns := facetValues(axis)
	// The column searches are independent: run them together.
	answers := make([]*search.Response, len(columns))
	errs := make([]error, len(columns))
	var wg sync.WaitGroup
	for j, col := range columns {
		r := withFilters(req, axis, []string{col})
		r.Size = 0
		wg.Go(func() { answers[j], errs[j] = s.search(ctx, r) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	counts := map[string][]int{} // indication -> count per column
	for j, resp := range answers {
		for _, fc := range resp.Facets[corpus.Indication] {
			if fc.Count == 0 {
				continue
			}
			if counts[fc.Value] == nil {
				counts[fc.Value] = make([]int, len(columns))
			}
			counts[fc.Value][j] = fc.Count
		}
	}
	if len(counts) == 0 {
		return nil, nil
	}
	m := &evidenceMap{Axis: axis}
	for _, col := range columns {
		m.Columns = append(m.Columns, evidenceColumn{Value: col, Label: corpus.Label(axis, col, p.Lang)})
	}
	for _, f := range mapAxes {
		m.Axes = append(m.Axes, mapAxisLink{Name: p.T(facetNames[f]), URL: p.mapLink(req, f), Current: f == axis})
	}
	order := facetValues(corpus.Indication)
	rank := func(id string) int {
		if i := slices.Index(order, id); i >= 0 {
			return i
		}
		return len(order)
	}
	largest := 0
	for id, row := range counts {
		r := evidenceRow{Value: id, Label: corpus.Label(corpus.Indication, id, p.Lang),
			URL: p.searchLink(withFilters(req, corpus.Indication, []string{id}))}
		for _, n := range row {
			r.Total += n
			largest = max(largest, n)
		}
		m.Rows = append(m.Rows, r)
	}
	slices.SortFunc(m.Rows, func(a, b evidenceRow) int {
		return cmp.Or(cmp.Compare(b.Total, a.Total), cmp.Compare(rank(a.Value), rank(b.Value)), cmp.Compare(a.Value, b.Value))
	})
	if len(m.Rows) > maxMapRows {
		m.Rows = m.Rows[:maxMapRows]
	}
	for i := range m.Rows {
		row := &m.Rows[i]
		for j, col := range columns {
			n := counts[row.Value][j]
			cell := evidenceCell{Count: n, Label: p.T("%s, %s: %d results", row.Label, m.Columns[j].Label, n)}
			if n > 0 {
				cell.Level = (n*evidenceLevels + largest - 1) / largest
				both := withFilters(withFilters(req, corpus.Indication, []string{row.Value}), axis, []string{col})
				cell.URL = p.searchLink(both)
			}
			row.Cells = append(row.Cells, cell)
		}
	}
	return m, nil
}
