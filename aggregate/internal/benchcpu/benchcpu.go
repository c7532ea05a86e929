// Package benchcpu adds a cpu-ns/op metric to benchmarks: the process's
// CPU time (user and system, garbage collection included) per
// operation. On a machine shared with other work, wall-clock ns/op
// measures the queue for a core as much as the code.
package benchcpu

import (
	"testing"
	"time"
)

// Report adds cpu-ns/op to b, from start, the value of Used when the
// timed loop began. It adds nothing where Used is not available.
func Report(b *testing.B, start time.Duration) {
	if now := Used(); now > 0 && b.N > 0 {
		b.ReportMetric(float64(now-start)/float64(b.N), "cpu-ns/op")
	}
}
