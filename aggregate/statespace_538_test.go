package aggregate

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"
)

// On FiveThirtyEight's Trump list, StateSpace's house effects agree with
// 538's own (approve − adjusted_approve, averaged per pollster) for the
// pollsters with at least 10 polls: the two models see the same houses.
func TestStateSpace538HouseEffects(t *testing.T) {
	if testing.Short() {
		t.Skip("reads and fits 6,700 polls")
	}
	ps := trump538(t)
	res, err := StateSpace{Shares: []Share{Approve}}.Fit(context.Background(), ps)
	require.NoError(t, err)
	adj := map[string][2]float64{}
	for _, p := range ps {
		if math.IsNaN(p.AdjustedApprove) {
			continue
		}
		v := adj[houseLabel(&p, inputRules{})]
		v[0] += p.Approve - p.AdjustedApprove
		v[1]++
		adj[houseLabel(&p, inputRules{})] = v
	}
	var ours, theirs, w []float64
	for _, h := range res.Approve.Houses {
		v, ok := adj[h.Pollster]
		if !ok || h.Polls < 10 {
			continue
		}
		ours = append(ours, h.Value)
		theirs = append(theirs, v[0]/v[1])
		w = append(w, 1)
	}
	r := stat.Correlation(ours, theirs, w)
	t.Logf("%d polls, %d houses; σ̂ = %.3f ± %.3f, τ̂ = %.2f; correlation with 538's house effects over %d pollsters with ≥ 10 polls: %.3f",
		len(ps), len(res.Approve.Houses), res.Approve.Params.Sigma, res.Approve.Params.SigmaSE, res.Approve.Params.Tau[""], len(ours), r)
	assert.Greater(t, r, 0.9)
}
