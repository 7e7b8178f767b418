// Package indexer owns the search index: a bleve (scorch) index with one document per
// corpus section, its mapping and analysers (English, Japanese with kagome, CJK bigrams,
// exact identifiers), and keeping it in line with the corpus directory (content hashes,
// one atomic batch per file, or parts of 1 MB of text for a larger one, segment
// checksums, schema versions, one writer per index).
//
// It does not parse files (package corpus does) and does not build queries or render
// hits (package search does): it exports what those need, the field names and
// TextFields, the analysers through Index.Analyze, and Index.Search and Index.Document
// to read the index safely while it is being written.
//
// Layout of an index directory:
//
//	LOCK        the writer lock (flock) and who holds it (pid, owner)
//	CURRENT     the name of the live bleve index directory, replaced atomically
//	bleve-N/    the bleve index; a rebuild fills bleve-N+1 and then switches CURRENT
package indexer
