package adjust

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEstimate(t *testing.T) {
	e := Estimate{Value: 0.61, SE: 0.03}
	lo, hi := e.CI(0.95)
	assert.InDelta(t, 0.61-1.959964*0.03, lo, 1e-7)
	assert.InDelta(t, 0.61+1.959964*0.03, hi, 1e-7)
	lo, _ = e.CI(1.5)
	assert.True(t, math.IsNaN(lo))
	assert.InDelta(t, 0.0009, e.Var(), 1e-15)
	// |0.61 − 0.55|/0.03 = 2 → p = 2Φ(−2) = 0.0455003.
	assert.InDelta(t, 0.0455003, e.PValue(0.55), 1e-7)
	assert.True(t, math.IsNaN(Estimate{Value: 1}.PValue(0)))
	d := Estimate{Value: 0.71, SE: 0.04}.Sub(e)
	assert.InDelta(t, 0.10, d.Value, 1e-12)
	assert.InDelta(t, 0.05, d.SE, 1e-12)
	p := e.Points()
	assert.InDelta(t, 61, p.Value, 1e-12)
	assert.InDelta(t, 3, p.SE, 1e-12)
	assert.Equal(t, "0.6100 (SE 0.0300)", e.String())
}
