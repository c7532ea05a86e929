package sensitive

import (
	"context"
	"math"
	"testing"
	"time"
)

// FuzzListExperiment feeds arbitrary counts, treatment flags and direct
// answers to every list-experiment estimator: none may panic, and each
// either returns finite standard errors or an error.
func FuzzListExperiment(f *testing.F) {
	f.Add([]byte{3, 2, 1, 3, 0, 1, 1, 2, 0, 4, 1, 0, 0})
	f.Add([]byte{1, 0, 0, 1, 1, 2, 1, 0, 0})
	f.Add([]byte{0})
	f.Add([]byte{5, 9, 9, 9, 9, 9, 9})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		le := &ListExperiment{J: int(b[0]%6) - 1}
		for i := 1; i+1 < len(b); i += 2 {
			le.Y = append(le.Y, float64(b[i]%8))
			le.Treat = append(le.Treat, b[i+1]&1 == 1)
			d := math.NaN()
			if b[i+1]&2 == 2 {
				d = float64(b[i+1] >> 7)
			}
			le.Direct = append(le.Direct, d)
		}
		if e, err := (DiffInMeans{}).Fit(le); err == nil && math.IsNaN(e.Value) {
			t.Fatalf("NaN estimate without error: %+v", le)
		}
		_, _ = WeightedDiffInMeans{}.Fit(le)
		_, _ = DesignTest{Draws: 200}.Fit(le)
		_, _ = Combined{}.Fit(le)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, _ = ListML{MaxIter: 200}.Fit(ctx, le)
	})
}
