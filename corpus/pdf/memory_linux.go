package pdf

import (
	"sync"
	"syscall"

	"github.com/tetratelabs/wazero/experimental"
)

// memoryAllocator backs each engine instance's memory with an anonymous mapping of
// its maximum size, of which the kernel commits only the pages PDFium touches:
// growing the memory copies nothing, and closing the instance returns every page at
// once. wazero's default, a Go slice grown by appending, copies the memory at each
// step and leaves the old copies to the garbage collector: reading the zip bomb
// fixture to the 512 MiB limit took the process to 2 GB.
var memoryAllocator experimental.MemoryAllocator = experimental.MemoryAllocatorFunc(allocateMapped)

func allocateMapped(_, max uint64) experimental.LinearMemory {
	buf, err := syscall.Mmap(-1, 0, int(max), syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		return &sliceMemory{}
	}
	return &mappedMemory{buf: buf}
}

// mappedMemory is a linear memory in a mapping of its maximum size.
type mappedMemory struct{ buf []byte }

// Reallocate implements experimental.LinearMemory: the memory only grows in place.
func (m *mappedMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.buf)) {
		return nil
	}
	return m.buf[:size:size]
}

// Free implements experimental.LinearMemory. An instance killed past its deadline
// is freed while PDFium may still run in it, until its call notices: its pages are
// given back now, and the mapping is removed by unmapRetired once the call returned.
func (m *mappedMemory) Free() {
	if m.buf == nil {
		return
	}
	syscall.Madvise(m.buf, syscall.MADV_DONTNEED)
	retired.Lock()
	retired.bufs = append(retired.bufs, m.buf)
	retired.Unlock()
	m.buf = nil
}

// retired are the mappings of freed memories, to be removed.
var retired struct {
	sync.Mutex
	bufs [][]byte
}

// unmapRetired removes the mappings of freed memories. Call it when no call of the
// engine runs.
func unmapRetired() {
	retired.Lock()
	defer retired.Unlock()
	for _, b := range retired.bufs {
		syscall.Munmap(b)
	}
	retired.bufs = nil
}
