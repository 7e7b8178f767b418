// Package corpus understands the documents: it reads a corpus directory of text and
// Markdown files, PDFs, web pages, PubMed records and ClinicalTrials.gov records (see
// ValidName), cleans and normalises their text, splits each file into documents and
// each document into sections, detects every section's language, and extracts its
// facets (indication, cell type, study design, trial phase) from a multilingual
// vocabulary and its identifiers (trial registry ids, DOIs, PMIDs).
//
// Text and Markdown are read by the steps below. Every other format has a parser of
// its own in a subpackage (pdf, htmldoc, pubmed, ctgov), which reads a file into
// articles (package article: title, metadata, headings and paragraphs, the facts of
// structured fields); articles become documents by the same sectioning, language,
// facet and identifier rules (formats.go, articles.go).
//
// It owns nothing about indexing or searching: the indexer and the web server consume
// the plain types defined here.
//
// Parsing a file runs these steps:
//
//   - decode: size limit, format (formats.go), UTF-8 check (binary and other
//     encodings are refused), byte order mark, line ends (read.go);
//   - clean each line: NFC, odd spaces and control characters (text.go); drop export
//     debris and undo hard wraps (wrap.go);
//   - split the file into articles at blog bylines and find each one's title and date
//     (document.go, dates.go);
//   - classify lines into headings, paragraphs, list items and table rows (blocks.go);
//   - cut sections at headings, then where the language changes, then long sections
//     at paragraph boundaries, and merge tiny ones (sections.go, lang.go);
//   - extract facets and identifiers per section (facets.go, identifiers.go).
//
// Facets come from the vocabulary (vocabulary.json, compiled in vocabulary.go into
// tries, trie.go): a passage is normalised for matching (scantext.go, which also holds
// the context rules such as word boundaries and author lists), its terms and design
// cues are matched (scan.go), and trial phases are read by a small grammar (phases.go).
// CountMentions (mentions.go) counts the same matches for ranking.
//
// Display text keeps the characters of the file (full-width forms included); Fold is
// what matching uses, token by token, so that offsets into the display text stay valid.
// FoldChinese folds traditional Chinese characters to simplified ones for matching
// Chinese text, keeping every byte offset.
package corpus
