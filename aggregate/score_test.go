package aggregate

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestScoresMatchDifferences checks the analytic gradient of the
// likelihood (scores) against central differences of eval, in σ² and in
// every τ²_g, under each identification, with a global τ, one τ per house
// and none, on the points and the logit scale, with an anchor before the
// first poll (a node of its own, without τ) and a gap between polls; and
// the dense path's node moments (all nodes at once) against the sparse
// path's (node by node).
func TestScoresMatchDifferences(t *testing.T) {
	sim := simulate(77, simSpec{days: 300, polls: 400, houses: 4, sigma: 0.3, houseSD: 2, tau: []float64{0, 1, 2, 0.5},
		gaps: [][2]int{{100, 160}}, rare: 3, start: 45})
	anchor := Anchor{Share: Approve, Date: simOrigin.AddDate(0, 0, -5), Value: 44, SD: 1}
	for _, tc := range []struct {
		name string
		m    StateSpace
	}{
		{"weighted-global", StateSpace{Scale: ScalePoints}},
		{"sum-per-house", StateSpace{Scale: ScalePoints, Identify: SumToZero(), Tau: TauPerHouse()}},
		{"reference-logit", StateSpace{Scale: ScaleLogit, Identify: ReferenceHouse(sim.polls[0].Pollster)}},
		{"anchored-per-house", StateSpace{Scale: ScalePoints, Identify: AnchoredOn(anchor), Tau: TauPerHouse()}},
		{"none", StateSpace{Scale: ScalePoints, Tau: TauNone()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sm, err := tc.m.prepare(readSet(t, sim.polls, tc.m.rules()), Approve)
			require.NoError(t, err)
			cr := newCore(sm.o, sm.c, sm.tauOf, sm.nTau)
			sigma := 0.25
			if tc.m.Scale == ScaleLogit {
				sigma = 0.012
			}
			tau := make([]float64, sm.nTau)
			for g := range tau {
				tau[g] = 0.6 + 0.3*float64(g)
				if tc.m.Scale == ScaleLogit {
					tau[g] /= 25
				}
			}
			// Both ways of computing the node moments: all nodes at once
			// on the dense path, node by node on the sparse one.
			var both [2][]float64
			for p, dense := range []bool{true, false} {
				cr.dense, cr.sw = dense, scoreWork{}
				require.False(t, math.IsInf(cr.eval(sigma, tau), -1))
				both[p] = make([]float64, 1+sm.nTau)
				cr.scores(both[p])
			}
			got := both[0]
			for a := range got {
				require.InDelta(t, both[1][a], got[a], 1e-9*math.Abs(both[1][a])+1e-12, "parameter %d: dense %v, sparse %v", a, got[a], both[1][a])
			}
			// ℓ as a function of σ² and τ²_g, differenced in those.
			ll := func(s2 float64, t2 []float64) float64 {
				tt := make([]float64, len(t2))
				for g, v := range t2 {
					tt[g] = math.Sqrt(v)
				}
				return cr.eval(math.Sqrt(s2), tt)
			}
			t2 := make([]float64, len(tau))
			for g, v := range tau {
				t2[g] = v * v
			}
			s2 := sigma * sigma
			h := 1e-4 * s2
			want := []float64{(ll(s2+h, t2) - ll(s2-h, t2)) / (2 * h)}
			for g := range t2 {
				hg := 1e-4 * t2[g]
				p := append([]float64(nil), t2...)
				p[g] += hg
				fp := ll(s2, p)
				p[g] -= 2 * hg
				fm := ll(s2, p)
				want = append(want, (fp-fm)/(2*hg))
			}
			for a := range want {
				require.InDelta(t, want[a], got[a], 1e-5*math.Abs(want[a])+1e-6, "parameter %d: analytic %v, differenced %v", a, got[a], want[a])
			}
			t.Logf("analytic %v, differenced %v", got, want)
		})
	}
}
