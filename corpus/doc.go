// Package corpus understands the documents: it reads a corpus directory of .txt and
// .md files, cleans and normalises their text, splits each file into documents and each
// document into sections, detects every section's language, and extracts its facets
// (indication, cell type, study design, trial phase) from a multilingual vocabulary and
// its identifiers (trial registry ids, DOIs, PMIDs).
//
// It owns nothing about indexing or searching: the indexer and the web server consume
// the plain types defined here.
package corpus
