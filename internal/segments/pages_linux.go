package segments

import (
	"os"

	"golang.org/x/sys/unix"
)

// Advice to Linux about the pages of segment files: nothing depends on the kernel
// taking it.

// dontneed drops the pages of mem, part of a read-only mapping of a file, from the
// process's mapping; the page cache keeps them (see release).
func dontneed(mem []byte) {
	_ = unix.Madvise(mem, unix.MADV_DONTNEED)
}

// readRandomly tells Linux that mem, a mapping of a file, is read at random: a read
// fault reads the page it needs, not the pages around it.
func readRandomly(mem []byte) {
	_ = unix.Madvise(mem, unix.MADV_RANDOM)
}

// evict drops the pages of the file at path from the page cache, but for those a
// process maps or that are not yet written back (see format.Open). A file that cannot
// be opened is left for its reader to report.
func evict(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	_ = unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}
