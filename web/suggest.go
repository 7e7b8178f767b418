package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"musesearch/corpus"
	"musesearch/search"
)

// SuggestionsJSON is the answer of GET /api/suggest.
type SuggestionsJSON struct {
	Suggestions []SuggestionJSON `json:"suggestions"`
}

// SuggestionJSON is one completion of what a user is typing.
type SuggestionJSON struct {
	Text string `json:"text"`
	Lang string `json:"lang"`
	// Kind is "term" (a glossary term the corpus holds: search for it), "concept" (a
	// value of a facet: URL applies it) or "title" (a document's title: URL opens it).
	Kind         string            `json:"kind"`
	Translations []TranslationJSON `json:"translations"`
	URL          string            `json:"url,omitempty"`
}

// TranslationJSON is a name in another language.
type TranslationJSON struct {
	Text string `json:"text"`
	Lang string `json:"lang"`
}

// suggestRequest is a parsed GET /api/suggest.
type suggestRequest struct {
	prefix, lang string
}

// parseSuggest reads the parameters of GET /api/suggest: q, the text typed so far
// (within the query's limit), and lang, the reader's language (optional).
func parseSuggest(v url.Values) (suggestRequest, error) {
	for _, name := range []string{"q", "lang"} {
		if len(v[name]) > 1 {
			return suggestRequest{}, badRequest(msgRepeated, name)
		}
	}
	req := suggestRequest{prefix: strings.TrimSpace(v.Get("q")), lang: v.Get("lang")}
	if utf8.RuneCountInString(req.prefix) > maxQueryChars {
		return suggestRequest{}, badRequest(msgQueryTooLong, maxQueryChars)
	}
	if req.lang != "" && !slices.Contains(corpus.Languages, req.lang) {
		return suggestRequest{}, badRequest(msgUnknownValue, string(corpus.Lang), req.lang)
	}
	return req, nil
}

// handleAPISuggest answers GET /api/suggest: completions of q from the glossary, the
// facet vocabulary and the titles of the documents.
func (s *Server) handleAPISuggest(c echo.Context) error {
	req, err := parseSuggest(c.QueryParams())
	if err != nil {
		return err
	}
	sr, err := s.engine()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	found, err := sr.Suggest(ctx, req.prefix, req.lang)
	if err != nil {
		return engineError(ctx, err)
	}
	return writeJSON(c, http.StatusOK, suggestionsJSON(found))
}

// suggestionsJSON shapes suggestions for the API.
func suggestionsJSON(found []search.Suggestion) SuggestionsJSON {
	out := SuggestionsJSON{Suggestions: make([]SuggestionJSON, len(found))}
	for i, f := range found {
		j := SuggestionJSON{Text: f.Text, Lang: f.Lang, Kind: f.Kind, Translations: make([]TranslationJSON, len(f.Translations))}
		for k, t := range f.Translations {
			j.Translations[k] = TranslationJSON(t)
		}
		switch f.Kind {
		case search.SuggestConcept:
			j.URL = (&url.URL{Path: "/search", RawQuery: url.Values{string(f.Concept.Facet): {f.Concept.ID}}.Encode()}).String()
		case search.SuggestTitle:
			j.URL = (&url.URL{Path: docPath(f.DocID)}).String()
		}
		out.Suggestions[i] = j
	}
	return out
}
