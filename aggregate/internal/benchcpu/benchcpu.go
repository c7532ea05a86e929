// Package benchcpu adds a cpu-ns/op metric to benchmarks: the process's
// CPU time (user and system, garbage collection included) per
// operation. On a machine shared with other work, wall-clock ns/op
// measures the queue for a core as much as the code.
package benchcpu

import (
	"runtime"
	"testing"
	"time"
)

// Report adds cpu-ns/op to b, from start, the value of Used when the
// timed loop began (nothing where Used is not available), and procs.
//
// The procs metric is the GOMAXPROCS the loop ran with, which is not
// always the -cpu value the line is named for: a benchmark that loops
// with b.Loop runs its whole loop in the first, probing call, and for
// the first value of a -cpu list that call runs with the GOMAXPROCS the
// list's last value left (golang/go#49980):
// `-cpu 1,2` measured its "one core" line on two.
func Report(b *testing.B, start time.Duration) {
	if now := Used(); now > 0 && b.N > 0 {
		b.ReportMetric(float64(now-start)/float64(b.N), "cpu-ns/op")
	}
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
}
