// Package cputime reads the CPU time the process has used, for benchmarks and
// musebench: on a machine other programs load, a process's CPU time varies much less
// than its wall time.
package cputime

import (
	"syscall"
	"testing"
	"time"
)

// Process returns the CPU time the process has used so far, user and system, over
// all its threads.
func Process() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, err
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

// Of returns Process's time for a benchmark or test, failing tb when the system does
// not say.
func Of(tb testing.TB) time.Duration {
	tb.Helper()
	d, err := Process()
	if err != nil {
		tb.Fatalf("CPU time: %v", err)
	}
	return d
}
