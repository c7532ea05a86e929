package chart

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// valueTicks labels a value axis (percent or points) at round steps
// (1, 2, 2.5 or 5 times a power of ten) chosen to give 4 to 8 labels:
// gonum's default often labels only two values on a poll chart's range,
// which makes readings hard.
type valueTicks struct{}

// Ticks implements plot.Ticker.
func (valueTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	span := hi - lo
	mag := math.Pow(10, math.Floor(math.Log10(span))-1)
	var step float64
	for _, m := range []float64{1, 2, 2.5, 5, 10, 20, 25, 50, 100} {
		step = m * mag
		if span/step <= 7 {
			break
		}
	}
	minor := step / 2
	if d := math.Round(step / mag); d == 5 || d == 50 {
		minor = step / 5
	}
	prec := max(0, -int(math.Floor(math.Log10(minor)+1e-9)))
	var out []plot.Tick
	for v := math.Ceil(lo/minor-1e-9) * minor; v <= hi+1e-9*span; v += minor {
		t := plot.Tick{Value: v}
		if r := v / step; math.Abs(r-math.Round(r)) < 1e-6 {
			t.Label = strconv.FormatFloat(v+0, 'f', labelPrec(step, prec), 64)
		}
		out = append(out, t)
	}
	return out
}

// labelPrec is the number of decimals that shows step exactly.
func labelPrec(step float64, maxPrec int) int {
	for p := 0; p < maxPrec; p++ {
		s := step * math.Pow(10, float64(p))
		if math.Abs(s-math.Round(s)) < 1e-9 {
			return p
		}
	}
	return maxPrec
}
