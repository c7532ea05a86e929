package sensitive

import (
	"math"
	"testing"
)

// FuzzRandomizedResponse: any design parameters and answers give an
// estimate or an error, never a panic, and a finite estimate whenever
// there is no error.
func FuzzRandomizedResponse(f *testing.F) {
	f.Add(uint8(1), 2.0/3, 1.0/6, 1.0/6, 0.0, []byte{0, 1, 1, 0})
	f.Add(uint8(6), 0.0, 0.0, 0.0, 0.5, []byte{1})
	f.Add(uint8(7), 0.7, 0.0, 0.0, 0.3, []byte{2, 1})
	f.Fuzz(func(t *testing.T, design uint8, p, p1, p0, q float64, raw []byte) {
		answers := make([]float64, len(raw))
		for i, b := range raw {
			answers[i] = float64(b % 3) // 2 is invalid
		}
		r := RandomizedResponse{Design: Design(design % 9), P: p, P1: p1, P0: p0, Q: q}
		e, err := r.Estimate(answers)
		if err == nil && (math.IsNaN(e.Value) || math.IsInf(e.Value, 0) || !(e.SE >= 0)) {
			t.Fatalf("%+v: estimate %v", r, e)
		}
		half := len(answers) / 2
		r.EstimateTwoSample(answers[:half], answers[half:])
		r.Power(len(answers), 0.2, 0, 0.05, design%2 == 0)
	})
}
