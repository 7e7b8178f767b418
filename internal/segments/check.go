package segments

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

// ErrChecksum is wrapped by Check's error for a segment file that does not match its
// checksum.
var ErrChecksum = errors.New("a segment file does not match its checksum")

// Check reads every segment file of bi's current snapshot and compares it with its
// checksum, returning an error wrapping ErrChecksum for one that differs. This knows
// zap's file layout (TestScorchContract fails if a bleve upgrade changes it): a segment
// file ends with the CRC-32 (IEEE) of every byte before it, big-endian. Segments still
// only in memory are not checked.
func Check(ctx context.Context, bi bleve.Index) error {
	snap, err := Current(bi)
	if err != nil {
		return err
	}
	defer snap.Close()
	for _, ss := range snap.snap.Segments() {
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
		return fmt.Errorf("%w: segment %s is too short to hold one", ErrChecksum, info.Name())
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
		return fmt.Errorf("%w: segment %s does not match it", ErrChecksum, info.Name())
	}
	return nil
}
