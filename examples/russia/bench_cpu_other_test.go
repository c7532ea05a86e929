//go:build !unix

package main

import (
	"runtime"
	"testing"
	"time"
)

func processCPU() time.Duration { return 0 }

// reportCPU adds procs (see the unix version); CPU time is read on unix
// systems only.
func reportCPU(b *testing.B, _ time.Duration) {
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
}
