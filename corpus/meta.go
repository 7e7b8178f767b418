package corpus

import art "musesearch/corpus/article"

// Meta is a document's bibliographic metadata: authors, affiliations, journal, date,
// DOI, PMID and trial registry ids. Structured formats (PDF, HTML, PubMed, registry
// records) fill it from their fields; empty fields are unknown. It is defined in
// package article, which the format parsers share, and is the same type.
type Meta = art.Meta
