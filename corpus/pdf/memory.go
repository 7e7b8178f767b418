package pdf

import "github.com/tetratelabs/wazero/experimental"

// sliceMemory is a linear memory in a Go slice, grown by copying: the fallback where
// no mapping can be had.
type sliceMemory struct{ buf []byte }

// Reallocate implements experimental.LinearMemory.
func (m *sliceMemory) Reallocate(size uint64) []byte {
	if size > uint64(cap(m.buf)) {
		grown := make([]byte, size, size+size/4)
		copy(grown, m.buf)
		m.buf = grown
	}
	m.buf = m.buf[:size]
	return m.buf
}

// Free implements experimental.LinearMemory.
func (m *sliceMemory) Free() { m.buf = nil }

var _ experimental.LinearMemory = (*sliceMemory)(nil)
