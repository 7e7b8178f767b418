package search

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"musesearch/corpus"
	"musesearch/corpus/trials"
	"musesearch/indexer"
	"musesearch/internal/segments"
)

// The orders of trials.
const (
	// TrialSortRelevance ranks trials by their best passage for the query; without a
	// query, the trials most documents report come first.
	TrialSortRelevance = "relevance"
	// TrialSortPhase puts the most advanced phase first.
	TrialSortPhase = "phase"
	// TrialSortYear puts the trials with the latest year first.
	TrialSortYear = "year"
	// TrialSortEnrollment puts the largest trials first.
	TrialSortEnrollment = "enrollment"
)

// TrialSorts lists the orders of trials.
var TrialSorts = []string{TrialSortRelevance, TrialSortPhase, TrialSortYear, TrialSortEnrollment}

// maxTrialSections bounds the sections whose trial mentions are read into the trials;
// beyond it (a corpus of millions of sections) the rest are left out and logged.
const maxTrialSections = 200_000

// TrialRequest is one parsed and validated search of trials.
type TrialRequest struct {
	// Query is in the query language: a trial matches when a passage that reports it
	// matches. Empty matches every trial.
	Query string
	// Filters select trials by their own indication, cell type, design and phase, and
	// by the languages of their passages (corpus.Lang): values of one facet are OR-ed,
	// different facets AND-ed.
	Filters map[corpus.Facet][]string
	// Page is 1-based; Size is the number of trials per page (0: counts only).
	Page, Size int
	// Sort is one of TrialSorts; empty is TrialSortRelevance.
	Sort string
	// YearFrom and YearTo, when not zero, keep the trials a passage reports in a
	// document published in those years (as Request.YearFrom and YearTo).
	YearFrom, YearTo int
	// Literal turns cross-language expansion of the query off (Request.Literal).
	Literal bool
}

// TrialResponse is the answer to a TrialRequest.
type TrialResponse struct {
	Query      string
	Total      int
	Page, Size int
	TookMS     float64
	Trials     []trials.Trial
	// Facets counts the matching trials by each facet of FacetOrder, disjunctively.
	Facets map[corpus.Facet][]FacetCount
}

// Trials answers a search of the clinical trials the corpus reports (see package
// corpus/trials). Errors a user can fix are *RequestError.
func (e *Engine) Trials(ctx context.Context, req TrialRequest) (*TrialResponse, error) {
	began := time.Now()
	if err := checkTrialRequest(&req); err != nil {
		return nil, err
	}
	_, c, err := e.compileQuery(req.Query, compileOptions{verbatim: req.Literal})
	if err != nil {
		return nil, err
	}
	all, err := e.trials.get(ctx, e.ix)
	if err != nil {
		return nil, err
	}
	matched := make([]rankedTrial, 0, len(all))
	for i := range all {
		matched = append(matched, rankedTrial{Trial: &all[i]})
	}
	if q := conjunction(nonNil([]query.Query{c.query, yearQuery(Request{YearFrom: req.YearFrom, YearTo: req.YearTo})})); q != nil {
		scores, err := e.passageScores(ctx, q, all)
		if err != nil {
			return nil, err
		}
		matched = slices.DeleteFunc(matched, func(t rankedTrial) bool { return !t.matches(scores) })
		for i := range matched {
			matched[i].score = matched[i].best(scores)
		}
	}

	resp := &TrialResponse{Query: req.Query, Page: req.Page, Size: req.Size, Trials: []trials.Trial{}, Facets: map[corpus.Facet][]FacetCount{}}
	for _, f := range FacetOrder {
		counts := map[string]int{}
		for _, t := range matched {
			if t.selected(req.Filters, f) {
				for _, v := range t.Values(f) {
					counts[v]++
				}
			}
		}
		resp.Facets[f] = facetCounts(f, counts, req.Filters[f])
	}
	selected := slices.DeleteFunc(matched, func(t rankedTrial) bool { return !t.selected(req.Filters, "") })
	resp.Total = len(selected)
	sortTrials(selected, req.Sort, c.query != nil)
	from := min((req.Page-1)*req.Size, len(selected))
	for _, t := range selected[from:min(from+req.Size, len(selected))] {
		resp.Trials = append(resp.Trials, *t.Trial)
	}
	resp.TookMS = float64(time.Since(began).Microseconds()) / 1000
	return resp, nil
}

// DocumentTrials returns the trials document docID reports or names in passing, in
// the order of Trials without a query.
func (e *Engine) DocumentTrials(ctx context.Context, docID string) ([]trials.Trial, error) {
	all, err := e.trials.get(ctx, e.ix)
	if err != nil {
		return nil, err
	}
	var out []rankedTrial
	for i, t := range all {
		in := func(d trials.DocumentRef) bool { return d.ID == docID }
		if slices.ContainsFunc(t.Documents, in) || slices.ContainsFunc(t.Related, in) {
			out = append(out, rankedTrial{Trial: &all[i]})
		}
	}
	sortTrials(out, TrialSortRelevance, false)
	list := make([]trials.Trial, len(out))
	for i, t := range out {
		list[i] = *t.Trial
	}
	return list, nil
}

func checkTrialRequest(req *TrialRequest) error {
	search := Request{Query: req.Query, Filters: req.Filters, Page: req.Page, Size: req.Size, YearFrom: req.YearFrom, YearTo: req.YearTo}
	if err := checkRequest(&search); err != nil {
		return err
	}
	req.Page, req.Size = search.Page, search.Size
	switch {
	case req.Sort == "":
		req.Sort = TrialSortRelevance
	case !slices.Contains(TrialSorts, req.Sort):
		return badRequest("The sort of trials must be one of %s.", strings.Join(TrialSorts, ", "))
	}
	return nil
}

// passageScores returns the score of every passage of the trials that matches q, by
// section id: one search of q among those passages only.
func (e *Engine) passageScores(ctx context.Context, q query.Query, all []trials.Trial) (map[string]float64, error) {
	var ids []string
	for _, t := range all {
		for _, p := range t.Passages {
			ids = append(ids, p.ID)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	scores := map[string]float64{}
	if len(ids) == 0 {
		return scores, nil
	}
	within := query.NewConjunctionQuery([]query.Query{q, query.NewDocIDQuery(ids)})
	res, err := e.ix.Search(ctx, bleve.NewSearchRequestOptions(within, len(ids), 0, false))
	if err != nil {
		return nil, err
	}
	for _, h := range res.Hits {
		scores[h.ID] = h.Score
	}
	return scores, nil
}

// rankedTrial is a trial of an answer and its score for the query.
type rankedTrial struct {
	*trials.Trial
	score float64
}

func (t rankedTrial) matches(scores map[string]float64) bool {
	return slices.ContainsFunc(t.Passages, func(p trials.Passage) bool { _, ok := scores[p.ID]; return ok })
}

func (t rankedTrial) best(scores map[string]float64) float64 {
	best := 0.0
	for _, p := range t.Passages {
		best = max(best, scores[p.ID])
	}
	return best
}

// selected reports whether the trial passes every filter except those of facet
// except ("" for none).
func (t rankedTrial) selected(filters map[corpus.Facet][]string, except corpus.Facet) bool {
	for f, values := range filters {
		if f == except || len(values) == 0 {
			continue
		}
		if !slices.ContainsFunc(t.Values(f), func(v string) bool { return slices.Contains(values, v) }) {
			return false
		}
	}
	return true
}

// sortTrials orders trials by sort, ties by id.
func sortTrials(list []rankedTrial, sort string, query bool) {
	key := func(t rankedTrial) float64 {
		switch sort {
		case TrialSortPhase:
			return float64(latestPhase(t.Trial))
		case TrialSortYear:
			if len(t.Years) == 0 {
				return 0
			}
			return float64(t.Years[len(t.Years)-1])
		case TrialSortEnrollment:
			return float64(t.Enrollment)
		}
		if query {
			return t.score
		}
		return float64(len(t.Documents))*1e6 + float64(len(t.Passages))
	}
	slices.SortStableFunc(list, func(a, b rankedTrial) int {
		return cmp.Or(cmp.Compare(key(b), key(a)), strings.Compare(a.ID, b.ID))
	})
}

// latestPhase returns the place of the trial's most advanced phase in the
// vocabulary's order of phases, from 1; 0 when it has none.
func latestPhase(t *trials.Trial) int {
	n := 0
	for _, p := range t.Phase {
		n = max(n, corpus.ConceptOrder(corpus.Phase, p)+1)
	}
	return n
}

// trialCache holds the trials of one snapshot of the index: the mentions of every
// section merged (trials.Merge). A new snapshot, after a write or a merge of
// segments, reads them again with one search of the sections that mention a trial.
type trialCache struct {
	log      *slog.Logger
	mu       sync.Mutex
	loaded   bool
	snapshot segments.Snapshot // the snapshot of trials
	trials   []trials.Trial
}

// get returns the trials of the index's current snapshot.
func (c *trialCache) get(ctx context.Context, ix *indexer.Index) ([]trials.Trial, error) {
	probe := &snapshotQuery{inner: query.NewMatchNoneQuery()}
	if _, err := ix.Search(ctx, bleve.NewSearchRequestOptions(probe, 0, 0, false)); err != nil {
		return nil, err
	}
	now := probe.seen
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loaded && now == c.snapshot {
		return c.trials, nil
	}
	first := 1.0
	mentioning := query.NewNumericRangeQuery(&first, nil)
	mentioning.SetField(indexer.FieldTrialCount)
	read := &snapshotQuery{inner: mentioning}
	load := bleve.NewSearchRequestOptions(read, maxTrialSections, 0, false)
	load.Fields = []string{indexer.FieldTrials}
	load.Score = "none"
	res, err := ix.Search(ctx, load)
	if err != nil {
		return nil, fmt.Errorf("read the trials: %w", err)
	}
	if res.Total > uint64(len(res.Hits)) {
		c.log.Warn("trials: too many sections mention a trial; the rest are left out", "sections", res.Total, "read", len(res.Hits))
	}
	var mentions []trials.Mention
	for _, h := range res.Hits {
		mentions = append(mentions, indexer.DecodeTrialMentions(h.Fields)...)
	}
	c.trials, c.snapshot, c.loaded = trials.Merge(mentions), read.seen, true
	return c.trials, nil
}
