package aggregate

import (
	"math"
)

// auditCorrections makes Average's sample-size weights and sampling
// variances consistent with the audit trails: a corrected poll's effective
// sample size becomes the one whose binomial variance at its corrected
// approve share equals the variance StateSpace gives it (sampling error
// through the corrections plus their independent error). It reports
// whether any poll was corrected (the weights must then be recomputed).
func (p *prepared) auditCorrections() bool {
	changed := false
	for i := range p.polls {
		q := &p.polls[i]
		if len(p.ps.polls[q.src].Adjustments) == 0 || !(q.n > 0) || math.IsNaN(q.value[Approve]) {
			continue
		}
		v, _, _ := correctedVariance(p.ps.correction(&p.ps.items[q.item], Approve), q.value[Approve], q.n, false)
		y := min(max(q.value[Approve], varianceFloorShare), 100-varianceFloorShare)
		q.n = y * (100 - y) / v
		changed = true
	}
	return changed
}

// addCalibration widens an Average result of share s by the shared
// calibration errors of corrected polls. The trend is a kernel-weighted
// mean of the house-adjusted polls, so a calibration error c moves it on
// day t by c·h_t with h_t the same weighted mean of the loadings g_i
// (house effects held fixed: a correction that touches every house alike
// leaves them unchanged); Σ_c h_{c,t}² is added to the variance of the
// mean of the centred (Series) and causal (Filtered) trends, the interval
// keeps its quantile factor and the band widens in quadrature. Days
// carried forward take the last day's h. House-effect SEs are not widened.
func (p *prepared) addCalibration(c *avgConfig, r *ShareResult, s Share) {
	if r == nil || len(r.Series) == 0 {
		return
	}
	var cal calibrationLoads
	corrected := 0
	for i, q := range p.polls {
		if len(p.ps.polls[q.src].Adjustments) == 0 || !(q.w > 0) || math.IsNaN(q.value[s]) {
			continue
		}
		corrected++
		pc := p.ps.correction(&p.ps.items[q.item], s)
		cal.add(i, len(p.polls), &pc)
	}
	if corrected == 0 {
		return
	}
	if r.Params.Other == nil {
		r.Params.Other = map[string]float64{}
	}
	r.Params.Other["corrected_polls"] = float64(corrected)
	r.Params.Other["calibrations"] = float64(len(cal.rows))
	if len(cal.rows) == 0 {
		return
	}
	widen := func(pts []Point, centred bool) (sum, worst float64) {
		if len(pts) == 0 {
			return 0, 0
		}
		M := len(c.kernel) - 1
		lo := dayNumber(pts[0].Date)
		first, last := lo-M, max(lo+len(pts)-1, p.last)+M
		for _, q := range p.polls {
			first = min(first, q.mid-M, q.end-M)
		}
		extra := make([]float64, len(pts))
		for _, g := range cal.rows {
			sm := newSums(first, last)
			for i, q := range p.polls {
				if !(q.w > 0) || math.IsNaN(q.value[s]) {
					continue
				}
				if centred {
					sm.addCentred(q.mid, q.w, g[i], c.kernel)
				} else {
					sm.addCausal(q.end, q.w, g[i], c.kernel)
				}
			}
			h := make([]float64, len(pts))
			firstSet := -1
			for j := range pts {
				t := lo + j - first
				switch {
				case sm.w[t] > 1e-12:
					h[j] = sm.wx[t] / sm.w[t]
					if firstSet < 0 {
						firstSet = j
					}
				case j > 0:
					h[j] = h[j-1]
				}
			}
			for j := 0; j < firstSet; j++ {
				h[j] = h[firstSet]
			}
			for j, v := range h {
				extra[j] += v * v
			}
		}
		for j := range pts {
			widenPoint(&pts[j], extra[j], c.z)
			sum += extra[j]
			worst = max(worst, extra[j])
		}
		return sum / float64(len(pts)), worst
	}
	mean, worst := widen(r.Series, true)
	widen(r.Filtered, false)
	r.Params.Other["calibration_var_mean"] = mean
	r.Params.Other["calibration_var_max"] = worst
}

// widenPoint adds variance v (points²) to the variance of a point's mean:
// the interval keeps its half-width per SD (Average's quantile factor, read
// off an unclamped end; z when both ends are clamped), the band widens in
// quadrature; both are clamped into [0, 100] again.
func widenPoint(pt *Point, v, z float64) {
	if !(v > 0) || math.IsNaN(pt.SD) || math.IsNaN(pt.Mean) {
		return
	}
	sd := math.Sqrt(pt.SD*pt.SD + v)
	q := z
	switch {
	case pt.SD > 0 && pt.Upper < 100:
		q = (pt.Upper - pt.Mean) / pt.SD
	case pt.SD > 0 && pt.Lower > 0:
		q = (pt.Mean - pt.Lower) / pt.SD
	}
	band := z * sd
	switch {
	case pt.PollUpper < 100:
		band = math.Sqrt((pt.PollUpper-pt.Mean)*(pt.PollUpper-pt.Mean) + z*z*v)
	case pt.PollLower > 0:
		band = math.Sqrt((pt.Mean-pt.PollLower)*(pt.Mean-pt.PollLower) + z*z*v)
	}
	pt.SD = sd
	pt.Lower, pt.Upper = pt.Mean-q*sd, pt.Mean+q*sd
	pt.PollLower, pt.PollUpper = pt.Mean-band, pt.Mean+band
	clampPoint(pt)
}
