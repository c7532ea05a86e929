//go:build unix

package main

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// processCPU returns the CPU time (user + system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds a cpu-ns/op metric (process CPU time, garbage collection
// included) to a benchmark: on a shared machine wall-clock ns/op measures
// the queue for a core as much as the code. It also adds procs, the
// GOMAXPROCS the loop ran with, as aggregate/internal/benchcpu.Report
// does, which says why (this package cannot import it).
func reportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
	}
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
}
