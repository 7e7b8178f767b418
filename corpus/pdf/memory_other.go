//go:build !linux

package pdf

import "github.com/tetratelabs/wazero/experimental"

// memoryAllocator is wazero's default elsewhere than on Linux.
var memoryAllocator experimental.MemoryAllocator

// unmapRetired has nothing to do with wazero's memories.
func unmapRetired() {}
