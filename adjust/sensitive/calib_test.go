package sensitive

import (
	"flag"
	"testing"

	"github.com/stretchr/testify/assert"
)

// calibFull switches the coverage simulations of this package from their
// fast default to the full number of replicates:
//
//	go test ./adjust/sensitive -run Coverage -calib.full
var calibFull = flag.Bool("calib.full", false, "run the coverage simulations with the full number of replicates")

// replicates returns fast, or full under -calib.full.
func replicates(fast, full int) int {
	if *calibFull {
		return full
	}
	return fast
}

// assertCoverage checks that a nominal 95% interval covered the truth in
// 93–97% of reps replicates.
func assertCoverage(t *testing.T, name string, covered, reps int) {
	t.Helper()
	rate := float64(covered) / float64(reps)
	t.Logf("%s: 95%% interval coverage %.4f over %d replicates", name, rate, reps)
	assert.True(t, rate >= 0.93 && rate <= 0.97, "%s: coverage %.4f over %d replicates, want 0.93–0.97", name, rate, reps)
}
