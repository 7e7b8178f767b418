package indexer

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"github.com/blevesearch/bleve/v2"
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
	return checkSegments(ctx, bi)
}

// checkSegments reads every segment file of bi's current snapshot and compares it with
// its checksum. This knows zap's file layout (TestSyncCheckedRebuildsADamagedIndex
// fails if a bleve upgrade changes it): a segment file ends with the CRC-32 (IEEE) of
// every byte before it, big-endian. Segments still only in memory are not checked.
func checkSegments(ctx context.Context, bi bleve.Index) error {
	snap, err := snapshot(bi)
	if err != nil {
		return err
	}
	defer snap.Close()
	for _, ss := range snap.Segments() {
		seg, ok := ss.Segment().(interface{ Path() string })
		if !ok {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := checkSegmentFile(seg.Path()); err != nil {
			return err
		}
	}
	return nil
}

// checkSegmentFile compares one segment file with its checksum.
func checkSegmentFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read index: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("read index: %w", err)
	}
	if info.Size() < 4 {
		return fmt.Errorf("%w: segment %s is too short to hold a checksum", ErrDamaged, info.Name())
	}
	r := bufio.NewReaderSize(f, 1<<20)
	sum := crc32.NewIEEE()
	if _, err := io.CopyN(sum, r, info.Size()-4); err != nil {
		return fmt.Errorf("read index: %w", err)
	}
	var want [4]byte
	if _, err := io.ReadFull(r, want[:]); err != nil {
		return fmt.Errorf("read index: %w", err)
	}
	if sum.Sum32() != binary.BigEndian.Uint32(want[:]) {
		return fmt.Errorf("%w: segment %s does not match its checksum", ErrDamaged, info.Name())
	}
	return nil
}
