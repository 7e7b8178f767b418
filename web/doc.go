// Package web serves musesearch over HTTP: the search page, the clinical trials page and
// document pages (HTML rendered on the server from embedded templates, in English,
// Japanese and Chinese), the JSON API (README.md documents it), health and readiness
// probes, Prometheus metrics and an OpenSearch description.
//
// The shape follows one path: a Config goes to New, which parses every template and
// installs every route on one echo router; handlers parse their request in plain
// functions, call the search engine through the small Searcher interface, and return
// errors that one central error handler turns into a JSON error on /api/* or an HTML
// error page elsewhere.
//
// The package owns presentation only: it does not open, write or reconcile the index
// (package indexer does), and it does not rank or highlight hits (package search does).
package web
