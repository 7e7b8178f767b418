package indexer

import (
	"context"
	"errors"
	"fmt"

	"musesearch/internal/segments"
)

// ErrDamaged is the error of an index whose files are damaged: a segment file that
// does not match its checksum, or a search that failed reading the index (scorch
// panics on damaged segments). Rebuilding the index from the corpus repairs it.
var ErrDamaged = errors.New("the index is damaged")

// SyncChecked is Sync after checking every segment file of the index against its
// checksum: a damaged index is rebuilt from the corpus instead, with one log line. It
// reads the whole index, so it is for a sync a user asks for, not for every change.
func (ix *Index) SyncChecked(ctx context.Context, corpusDir string, progress func(Progress)) (Summary, error) {
	ix.write.Lock()
	err := ix.check(ctx)
	if errors.Is(err, ErrDamaged) {
		ix.log.Warn("rebuilding the index from the corpus", "index", ix.cfg.Dir, "reason", err.Error())
		sum, err := ix.rebuild(ctx, corpusDir, progress)
		ix.write.Unlock()
		return sum, err
	}
	ix.write.Unlock()
	if err != nil {
		return Summary{}, err
	}
	return ix.Sync(ctx, corpusDir, progress)
}

// check checks the segment files of the index; the caller holds ix.write.
func (ix *Index) check(ctx context.Context) error {
	ix.mu.RLock()
	bi, closed := ix.bi, ix.closed
	ix.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	if err := segments.Check(ctx, bi); errors.Is(err, segments.ErrChecksum) {
		return fmt.Errorf("%w: %w", ErrDamaged, err)
	} else if err != nil {
		return err
	}
	return nil
}
