package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"musesearch/corpus"
	"musesearch/search"
)

func TestParseSearch(t *testing.T) {
	tests := []struct {
		query string
		want  search.Request
	}{
		{"", search.Request{Page: 1, Size: 10, Sort: search.SortRelevance}},
		{"q=+ALS+&page=3&size=100&sort=date&group=doc", search.Request{Query: "ALS", Page: 3, Size: 100, Sort: search.SortDate, GroupByDoc: true}},
		{"q=%E8%84%8A%E9%AB%84&size=0", search.Request{Query: "脊髄", Page: 1, Size: 0, Sort: search.SortRelevance}},
		{"q=ALS&size=1000", search.Request{Query: "ALS", Page: 1, Size: 100, Sort: search.SortRelevance}},
		{"lang=ja&lang=en&lang=ja&lang=", search.Request{Page: 1, Size: 10, Sort: search.SortRelevance,
			Filters: map[corpus.Facet][]string{corpus.Lang: {"ja", "en"}}}},
		{"sort=relevance&hl=ja&unknown=1", search.Request{Page: 1, Size: 10, Sort: search.SortRelevance}},
		{"year_from=2020&year_to=+2023+", search.Request{Page: 1, Size: 10, Sort: search.SortRelevance, YearFrom: 2020, YearTo: 2023}},
		{"year_from=1800&year_to=", search.Request{Page: 1, Size: 10, Sort: search.SortRelevance, YearFrom: 1800}},
		{"year_to=2100", search.Request{Page: 1, Size: 10, Sort: search.SortRelevance, YearTo: 2100}},
		{"year_from=2021&year_to=2021", search.Request{Page: 1, Size: 10, Sort: search.SortRelevance, YearFrom: 2021, YearTo: 2021}},
		{"q=ALS&expand=false", search.Request{Query: "ALS", Page: 1, Size: 10, Sort: search.SortRelevance, Literal: true}},
		{"q=ALS&expand=true", search.Request{Query: "ALS", Page: 1, Size: 10, Sort: search.SortRelevance}},
	}
	for _, tt := range tests {
		v, err := url.ParseQuery(tt.query)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseSearch(v, sectionsByDefault)
		if err != nil {
			t.Errorf("parseSearch(%q): %v", tt.query, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("parseSearch(%q) (-want +got):\n%s", tt.query, diff)
		}
	}
}

// TestParseSearchGrouping checks what group gives for the API, which answers sections
// unless asked for documents, and for the pages, which list documents unless asked for
// sections.
func TestParseSearchGrouping(t *testing.T) {
	for _, tt := range []struct {
		query     string
		byDefault grouping
		want      bool
	}{
		{"", sectionsByDefault, false},
		{"group=doc", sectionsByDefault, true},
		{"group=section", sectionsByDefault, false},
		{"", documentsByDefault, true},
		{"group=doc", documentsByDefault, true},
		{"group=section", documentsByDefault, false},
	} {
		v, _ := url.ParseQuery(tt.query)
		req, err := parseSearch(v, tt.byDefault)
		if err != nil || req.GroupByDoc != tt.want {
			t.Errorf("parseSearch(%q, %v): GroupByDoc %v, %v; want %v", tt.query, tt.byDefault, req.GroupByDoc, err, tt.want)
		}
		back, err := parseSearch(searchValues(req, tt.byDefault), tt.byDefault)
		if err != nil || back.GroupByDoc != tt.want {
			t.Errorf("round trip of %q: GroupByDoc %v, %v", tt.query, back.GroupByDoc, err)
		}
	}
	if got := searchValues(search.Request{Page: 1, Size: defaultSize, GroupByDoc: true}, documentsByDefault).Encode(); got != "" {
		t.Errorf("the page's default request encodes as %q, want no parameters", got)
	}
}

func TestParseSearchRejects(t *testing.T) {
	tests := []struct {
		query, wantMessage string
	}{
		{"page=0", "page must be a whole number from 1 to 1,000"},
		{"page=-1", "page must be"},
		{"page=1001", "page must be"},
		{"page=two", "page must be"},
		{"page=1.5", "page must be"},
		{"size=-5", "size must be"},
		{"size=ten", "size must be"},
		{"sort=score", "sort must be relevance or date"},
		{"group=sections", "group must be doc or section"},
		{"lang=fr", `lang has no value "fr"`},
		{"indication=no-such-disease", `indication has no value "no-such-disease"`},
		{"phase=phase-9", `phase has no value "phase-9"`},
		{"q=a&q=b", "parameter q may be given only once"},
		{"year_from=1799", "The year_from must be a whole year from 1800 to 2100."},
		{"year_to=2101", "The year_to must be a whole year from 1800 to 2100."},
		{"year_from=twenty", "The year_from must be a whole year"},
		{"year_to=2020.5", "The year_to must be a whole year"},
		{"year_from=-2020", "The year_from must be a whole year"},
		{"year_from=2024&year_to=2020", "The year range is empty: year_from 2024 is after year_to 2020"},
		{"year_from=2020&year_from=2021", "parameter year_from may be given only once"},
		{"expand=no", "expand must be true or false"},
		{"expand=", "expand must be true or false"},
		{"expand=false&expand=false", "parameter expand may be given only once"},
		{"q=" + strings.Repeat("x", maxQueryChars+1), "query is too long"},
		{"q=" + strings.Repeat("脊", maxQueryChars+1), "query is too long"},
		{"lang=" + strings.Repeat("en&lang=", maxFilterValues) + "en", "Too many lang values"},
	}
	for _, tt := range tests {
		v, err := url.ParseQuery(tt.query)
		if err != nil {
			t.Fatal(err)
		}
		_, err = parseSearch(v, sectionsByDefault)
		var se *serverError
		if !errors.As(err, &se) || se.Status != http.StatusBadRequest {
			t.Errorf("parseSearch(%.40q) = %v, want a 400 error", tt.query, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.wantMessage) {
			t.Errorf("parseSearch(%.40q) = %q, want it to say %q", tt.query, err, tt.wantMessage)
		}
	}
}

func TestParseSearchAcceptsLongestQuery(t *testing.T) {
	v := url.Values{"q": {strings.Repeat("脊", maxQueryChars)}}
	if _, err := parseSearch(v, sectionsByDefault); err != nil {
		t.Fatalf("a query of exactly %d characters: %v", maxQueryChars, err)
	}
}

func TestSearchValuesRoundTrip(t *testing.T) {
	reqs := []search.Request{
		{Page: 1, Size: 10, Sort: search.SortRelevance},
		{Query: "stroke OR 脳梗塞", Page: 4, Size: 25, Sort: search.SortDate, GroupByDoc: true,
			Filters: map[corpus.Facet][]string{corpus.Lang: {"zh", "en"}}},
		{Page: 1, Size: 10, Sort: search.SortRelevance, YearFrom: 2019},
		{Query: "ALS", Page: 2, Size: 10, Sort: search.SortRelevance, YearFrom: 2020, YearTo: 2023},
		{Query: "臨床試験", Page: 1, Size: 10, Sort: search.SortRelevance, Literal: true},
	}
	for _, req := range reqs {
		got, err := parseSearch(searchValues(req, sectionsByDefault), sectionsByDefault)
		if err != nil {
			t.Fatalf("parseSearch(searchValues(%+v)): %v", req, err)
		}
		if diff := cmp.Diff(req, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
	if got := searchValues(search.Request{Page: 1, Size: defaultSize, Sort: search.SortRelevance}, sectionsByDefault).Encode(); got != "" {
		t.Errorf("the default request encodes as %q, want no parameters", got)
	}
}
