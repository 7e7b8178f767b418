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
// of studies of the current search in each cell: where the evidence is. A study is a
// clinical trial (package corpus/trials), counted once however many documents report
// it, in the cells of its own indication and phase or design; or a document, for what
// it says outside any trial (a review's background, a preclinical study), in the cells
// of the passages that report no trial.
type evidenceMap struct {
	// Axis is the facet of the columns, one of mapAxes.
	Axis    corpus.Facet
	Columns []evidenceColumn
	Rows    []evidenceRow
	// Axes link to the map over each of mapAxes.
	Axes []mapAxisLink
	// Total is how many studies have an indication and a value of the axis: those
	// the map counts, some in several cells.
	Total int
	// Open unfolds the map: on a page reached from it (a cell chosen, the axis
	// switched). Folded, it takes one line above the results.
	Open bool
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

// evidenceCell is the number of studies with one indication and one phase; URL applies
// both filters, or removes them from the selected cell (the one whose filters are
// both applied). Level (0 to evidenceLevels) shades the cell by its share of the
// largest.
type evidenceCell struct {
	Count    int
	URL      string
	Level    int
	Label    string
	Selected bool
}

const (
	// maxMapRows bounds the indications the map shows, the best-covered first.
	maxMapRows = 12
	// evidenceLevels is the number of shades of a non-empty cell.
	evidenceLevels = 4
)

// evidenceMap computes the map for req with columns over axis: per value of the axis,
// one count-only search of trials and one of the documents by their passages that
// report no trial, whose indication counts (disjunctive, so not narrowed by an
// indication filter) add up to that value's column, all with the other filters of req.
// Columns of values that no study of the corpus has with an indication are left out.
// The map is nil when no study has both an indication and a value of the axis.
func (s *Server) evidenceMap(ctx context.Context, p page, req search.Request, axis corpus.Facet, explicit bool) (*evidenceMap, error) {
	all := facetValues(axis)
	indications := facetValues(corpus.Indication)
	studies := req
	studies.GroupByDoc, studies.WithoutTrials, studies.Size = true, true, 0
	// The searches are independent: run them together. The last two count the map's
	// total and, over the whole corpus, the values of the axis any study has with an
	// indication.
	reqs := make([]search.Request, 0, len(all)+2)
	for _, col := range all {
		reqs = append(reqs, withFilters(studies, axis, []string{col}))
	}
	reqs = append(reqs, withFilters(withFilters(studies, corpus.Indication, indications), axis, all))
	reqs = append(reqs, search.Request{Page: 1, GroupByDoc: true, WithoutTrials: true, Filters: map[corpus.Facet][]string{corpus.Indication: indications}})
	docs := make([]*search.Response, len(reqs))
	trials := make([]*search.TrialResponse, len(reqs))
	errs := make([]error, 2*len(reqs))
	var wg sync.WaitGroup
	for j, r := range reqs {
		wg.Go(func() { docs[j], errs[2*j] = s.search(ctx, r) })
		wg.Go(func() {
			trials[j], errs[2*j+1] = s.trialsOf(ctx, search.TrialRequest{Query: r.Query, Filters: r.Filters, Page: 1,
				YearFrom: r.YearFrom, YearTo: r.YearTo, Literal: r.Literal})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	// count adds up the studies of answer j by the values of facet f.
	count := func(j int, f corpus.Facet) map[string]int {
		n := map[string]int{}
		for _, fc := range docs[j].Facets[f] {
			n[fc.Value] += fc.Count
		}
		for _, fc := range trials[j].Facets[f] {
			n[fc.Value] += fc.Count
		}
		return n
	}
	corpusWide := count(len(all)+1, axis)
	var columns []string
	counts := map[string][]int{} // indication -> count per column
	for j, col := range all {
		if corpusWide[col] == 0 {
			continue
		}
		columns = append(columns, col)
		for id, n := range count(j, corpus.Indication) {
			if n == 0 {
				continue
			}
			if counts[id] == nil {
				counts[id] = make([]int, len(all))
			}
			counts[id][len(columns)-1] = n
		}
	}
	if len(counts) == 0 {
		return nil, nil
	}
	total := docs[len(all)].Total + trials[len(all)].Total
	m := &evidenceMap{Axis: axis, Total: total, Open: explicit}
	for _, col := range columns {
		m.Columns = append(m.Columns, evidenceColumn{Value: col, Label: corpus.Label(axis, col, p.Lang)})
	}
	for _, f := range mapAxes {
		m.Axes = append(m.Axes, mapAxisLink{Name: p.T(facetNames[f]), URL: p.mapLink(req, f), Current: f == axis})
	}
	rank := func(id string) int {
		if i := slices.Index(indications, id); i >= 0 {
			return i
		}
		return len(indications)
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
			cell := evidenceCell{Count: n, Label: p.T("%s, %s: %d studies", row.Label, m.Columns[j].Label, n),
				Selected: slices.Contains(req.Filters[corpus.Indication], row.Value) && slices.Contains(req.Filters[axis], col)}
			if n > 0 || cell.Selected {
				cell.Level = (n*evidenceLevels + largest - 1) / largest
				both := withFilters(withFilters(req, corpus.Indication, []string{row.Value}), axis, []string{col})
				if cell.Selected {
					both = withFilters(withFilters(req, corpus.Indication, nil), axis, nil)
					m.Open = true
				}
				cell.URL = p.searchLink(both)
			}
			row.Cells = append(row.Cells, cell)
		}
	}
	return m, nil
}
