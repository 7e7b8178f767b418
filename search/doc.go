// Package search answers queries over the index package indexer writes: it parses the
// query language into a tree (Parse), turns it into a bleve query that matches every
// word in every language field (Chinese in either script) and, ranked below literal
// matches, the sections that carry or name a concept of the facet vocabulary the word
// names and those that name the word's translations in the bilingual glossary
// (internal/glossary), filters by facets and counts them disjunctively (from
// per-segment bitmaps of the facet values, in the one pass over the matches), pages, sorts,
// groups sections into documents, retries a Latin-script query that found nothing with
// fuzzy matching, and cuts a highlighted snippet for every hit. It also answers searches
// of the clinical trials the corpus reports (Trials): the mentions the index stores with
// each section, merged into trials (package corpus/trials) once per snapshot of the index.
//
// It does not write the index (package indexer does) and does not present results
// (packages web and cmd/musesearch do): Response is shaped as GET /api/search returns it.
package search
