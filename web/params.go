package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"musesearch/corpus"
	"musesearch/search"
)

// Limits on a search request. They keep every request cheap to answer whatever a client
// sends, while staying far above what a person or a script paging through results needs.
const (
	// maxQueryChars bounds the query text (in characters, not bytes, so the limit is the
	// same in every script): a pasted title with a few operators fits easily.
	maxQueryChars = 500
	// maxPage bounds paging: at the largest size it reaches the 100,000th hit, deeper
	// than anyone reads, while a deep offset stays cheap for the engine.
	maxPage = 1000
	// defaultSize is the number of hits per page when size is not given.
	defaultSize = 10
	// maxSize is the largest page the contract allows; a larger size is read as
	// maxSize, as Meilisearch and PubMed cap a page rather than refuse it.
	maxSize = 100
	// maxFilterValues bounds the values of one facet in one request; it is above the
	// size of any facet's vocabulary, so only a broken or hostile client reaches it.
	maxFilterValues = 40
)

// Messages of the request mistakes parseSearch reports. Each is a catalogue key.
const (
	msgQueryTooLong  = "The query is too long: use at most %d characters."
	msgBadPage       = "The page must be a whole number from 1 to %d."
	msgBadSize       = "The size must be a whole number from 0 (at most %d hits are returned)."
	msgBadSort       = "The sort must be relevance or date."
	msgBadGroup      = "The group must be doc or section."
	msgBadExpand     = "The parameter expand must be true or false."
	msgUnknownValue  = "%s has no value %q; GET /api/facets lists the valid ids."
	msgTooManyValues = "Too many %s values: use at most %d."
	msgRepeated      = "The parameter %s may be given only once."
	msgBadYear       = "The %s must be a whole year from %s to %s."
	msgYearOrder     = "The year range is empty: year_from %s is after year_to %s; give the earlier year first."
	// msgVerbatim passes on a sentence worded by the engine, in English.
	msgVerbatim = "%s"
)

// partParam names the parameter of a document page that chooses its part.
const partParam = "part"

// Messages of the mistakes of a document page's part.
const (
	msgBadPart = "The part must be a whole number from 1."
	msgNoPart  = "This document has no part %d; its parts are 1 to %d."
)

// parsePart reads the part of a document page asked for: 1 when not given.
func parsePart(v url.Values) (int, error) {
	switch len(v[partParam]) {
	case 0:
		return 1, nil
	case 1:
	default:
		return 0, badRequest(msgRepeated, partParam)
	}
	n, err := strconv.Atoi(v.Get(partParam))
	if err != nil || n < 1 {
		return 0, badRequest(msgBadPart)
	}
	return n, nil
}

// The values of group: a hit is a document (its best passages) or a section.
const (
	groupByDoc     = "doc"
	groupBySection = "section"
)

// grouping is what a hit is when a request does not say (group left out).
type grouping bool

const (
	// sectionsByDefault is the API's: GET /api/search and the exports answer sections,
	// as they always have.
	sectionsByDefault grouping = false
	// documentsByDefault is the pages': the search page lists documents.
	documentsByDefault grouping = true
)

// expandParam names the parameter that turns cross-language expansion off (false)
// or on (true, the default).
const expandParam = "expand"

// parseSearch reads a search request from the parameters of GET /api/search (and of the
// pages, which take the same ones), with group left out read as byDefault. Parameters
// it does not know are ignored, so links can carry others (hl).
func parseSearch(v url.Values, byDefault grouping) (search.Request, error) {
	req := search.Request{Page: 1, Size: defaultSize, Sort: search.SortRelevance, GroupByDoc: bool(byDefault)}
	for _, name := range []string{"q", "page", "size", "sort", "group", "year_from", "year_to", expandParam} {
		if len(v[name]) > 1 {
			return search.Request{}, badRequest(msgRepeated, name)
		}
	}
	req.Query = strings.TrimSpace(v.Get("q"))
	if utf8.RuneCountInString(req.Query) > maxQueryChars {
		return search.Request{}, badRequest(msgQueryTooLong, maxQueryChars)
	}
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPage {
			return search.Request{}, badRequest(msgBadPage, maxPage)
		}
		req.Page = n
	}
	if s := v.Get("size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return search.Request{}, badRequest(msgBadSize, maxSize)
		}
		req.Size = min(n, maxSize)
	}
	switch s := v.Get("sort"); s {
	case "", search.SortRelevance:
	case search.SortDate:
		req.Sort = search.SortDate
	default:
		return search.Request{}, badRequest(msgBadSort)
	}
	switch v.Get("group") {
	case "":
	case groupByDoc:
		req.GroupByDoc = true
	case groupBySection:
		req.GroupByDoc = false
	default:
		return search.Request{}, badRequest(msgBadGroup)
	}
	for _, y := range []struct {
		name string
		to   *int
	}{{"year_from", &req.YearFrom}, {"year_to", &req.YearTo}} {
		s := strings.TrimSpace(v.Get(y.name))
		if s == "" {
			continue // a form's empty box: no bound
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < search.MinYear || n > search.MaxYear {
			return search.Request{}, badRequest(msgBadYear, y.name, strconv.Itoa(search.MinYear), strconv.Itoa(search.MaxYear))
		}
		*y.to = n
	}
	if req.YearFrom != 0 && req.YearTo != 0 && req.YearFrom > req.YearTo {
		return search.Request{}, badRequest(msgYearOrder, strconv.Itoa(req.YearFrom), strconv.Itoa(req.YearTo))
	}
	if expand, ok := v[expandParam]; ok {
		switch expand[0] {
		case "true":
		case "false":
			req.Literal = true
		default:
			return search.Request{}, badRequest(msgBadExpand)
		}
	}
	filters, err := parseFilters(v)
	if err != nil {
		return search.Request{}, err
	}
	req.Filters = filters
	return req, nil
}

// parseFilters reads the facet filters: each facet's values, validated against the
// vocabulary, without duplicates, in the order given. A facet with no value is absent.
func parseFilters(v url.Values) (map[corpus.Facet][]string, error) {
	var filters map[corpus.Facet][]string
	for _, f := range search.FacetOrder {
		raw := v[string(f)]
		if len(raw) == 0 {
			continue
		}
		if len(raw) > maxFilterValues {
			return nil, badRequest(msgTooManyValues, string(f), maxFilterValues)
		}
		var values []string
		for _, value := range raw {
			value = strings.TrimSpace(value)
			if value == "" {
				// An empty value is what a form's blank choice sends: no filter.
				continue
			}
			if !knownValue(f, value) {
				return nil, badRequest(msgUnknownValue, string(f), value)
			}
			if !slices.Contains(values, value) {
				values = append(values, value)
			}
		}
		if len(values) == 0 {
			continue
		}
		if filters == nil {
			filters = make(map[corpus.Facet][]string)
		}
		filters[f] = values
	}
	return filters, nil
}

// knownValue reports whether value is an id of facet f.
func knownValue(f corpus.Facet, value string) bool {
	if f == corpus.Lang && slices.Contains(corpus.Languages, value) {
		return true
	}
	_, ok := corpus.LookupConcept(f, value)
	return ok
}

// APIValues returns req as the parameters of GET /api/search, for a client of the API
// (the command line asking a running server).
func APIValues(req search.Request) url.Values { return searchValues(req, sectionsByDefault) }

// searchValues is the inverse of parseSearch: the parameters that ask for req, without
// the defaults (byDefault the grouping's), so that links stay short and a state has one
// URL.
func searchValues(req search.Request, byDefault grouping) url.Values {
	v := url.Values{}
	if req.Query != "" {
		v.Set("q", req.Query)
	}
	for _, f := range search.FacetOrder {
		for _, value := range req.Filters[f] {
			v.Add(string(f), value)
		}
	}
	if req.Sort != "" && req.Sort != search.SortRelevance {
		v.Set("sort", req.Sort)
	}
	switch {
	case req.GroupByDoc && !bool(byDefault):
		v.Set("group", groupByDoc)
	case !req.GroupByDoc && bool(byDefault):
		v.Set("group", groupBySection)
	}
	if req.YearFrom != 0 {
		v.Set("year_from", strconv.Itoa(req.YearFrom))
	}
	if req.YearTo != 0 {
		v.Set("year_to", strconv.Itoa(req.YearTo))
	}
	if req.Literal {
		v.Set(expandParam, "false")
	}
	if req.Size != defaultSize {
		v.Set("size", strconv.Itoa(req.Size))
	}
	if req.Page > 1 {
		v.Set("page", strconv.Itoa(req.Page))
	}
	return v
}
