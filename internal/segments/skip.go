package segments

import (
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// Skipping in zap's postings. zap keeps a term's frequencies, norms and locations in
// chunks of consecutive document numbers, and its iterator reads a chunk from its
// start; but its Advance finds the document asked for by stepping through the
// postings' bitmap one posting at a time from wherever it is, so that reading the
// locations of ten documents far apart walked most of a common term's postings (at 1M
// sections, a tenth of the CPU of a search went to that, for its snippets). Nothing
// before the chunk of the document asked for is needed: a skip moves the bitmap's
// iterator straight to the chunk's first document.
//
// It relies on what zapx does: an iterator of a postings list read with no exceptions
// (deleted documents included) reads the list's bitmap with the iterator Actual, and its
// Advance loads the chunk of the first document it reaches at or after the one asked
// for, reading the chunk's data up to it; the chunks are those of zapx's getChunkSize
// for the segment's chunk mode, document count and the list's cardinality.
// TestSkips checks the locations read with skips against bleve's own term reader.

// chunkSize returns the number of documents of a chunk of postings list pl of seg,
// which must hold deleted documents too (read without exceptions), or 0 where it is
// not known: a segment not yet written to a file, whose chunk mode zap does not tell,
// or a chunk mode this does not know.
func chunkSize(seg segment.Segment, pl segment.PostingsList) uint64 {
	s, ok := seg.(*zap.Segment)
	if !ok {
		return 0
	}
	mode, docs := uint64(s.ChunkMode()), s.Count()
	switch {
	case mode == 0:
		return 0
	case mode <= 1024: // the legacy modes: a fixed size
		return mode
	case mode == 1025: // the format's (chunkMode)
		if pl.Count() <= 1024 {
			return docs
		}
		return 1024
	case mode == 1026: // zapx's default since v15: about 1,024 postings a chunk
		return docs / (pl.Count()/1024 + 1)
	}
	return 0
}

// advance is it.Advance(num), which skips to the first document of num's chunk,
// of size chunk (0: unknown), first: a document before it is no longer needed, and
// where the iterator has read on past it, the skip does nothing.
func advance(it segment.PostingsIterator, chunk, num uint64) (segment.Posting, error) {
	if z, ok := it.(*zap.PostingsIterator); ok && chunk > 0 && z.Actual != nil {
		z.Actual.AdvanceIfNeeded(uint32(num / chunk * chunk))
	}
	return it.Advance(num)
}
