package chart

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// valueTicks labels a value axis (percent or points) at round steps, 1,
// 2 or 5 times a power of ten, chosen to give 3 to 8 labels, all with
// the decimals the step needs: gonum's default often labels only two
// values on a poll chart's range, which makes readings hard. (A step of
// 2.5 is avoided: its labels would need a decimal that 2 and 5 do not.)
type valueTicks struct{}

// Ticks implements plot.Ticker.
func (valueTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return endTicks(lo, hi)
	}
	span := hi - lo
	mag := math.Pow(10, math.Floor(math.Log10(span))-1)
	var step float64
	for _, m := range []float64{1, 2, 5, 10, 20} {
		step = m * mag
		if span/step <= 7 {
			break
		}
	}
	minor := step / 2
	if d := math.Round(step / mag); d == 5 || d == 50 {
		minor = step / 5
	}
	start := math.Ceil(lo/minor-1e-9) * minor
	n := int((hi-start)/minor+1e-9) + 1
	if !(n > 0 && n <= 200) || start+minor == start {
		// Values too large for their spread to be stepped through in
		// float64.
		return endTicks(lo, hi)
	}
	prec := max(0, -int(math.Floor(math.Log10(minor)+1e-9)))
	var out []plot.Tick
	for k := range n {
		v := start + float64(k)*minor
		t := plot.Tick{Value: v}
		if r := v / step; math.Abs(r-math.Round(r)) < 1e-6 {
			t.Label = strconv.FormatFloat(v+0, 'f', labelPrec(step, prec), 64)
		}
		out = append(out, t)
	}
	return out
}

// endTicks labels only the ends of a range that cannot be stepped
// through. (gonum's DefaultTicks is no fallback: it does not return for a
// range whose width overflows float64.)
func endTicks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', 4, 64)}}
	}
	return []plot.Tick{
		{Value: lo, Label: strconv.FormatFloat(lo, 'g', 4, 64)},
		{Value: hi, Label: strconv.FormatFloat(hi, 'g', 4, 64)},
	}
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
