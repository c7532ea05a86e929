package aggregate

import "math"

// The daily level's summaries streamed by the chains.
//
// summarise needs, for every day, the mean and sd of the kept level draws
// and two tail quantiles. Gathered from the kept draws afterwards, a day's
// draws lie one kept draw (a row of every day) apart: on the peers' data
// that transposition and the passes over each day's 4,000 draws were a
// fifth of a fit. Instead each chain, as it draws a row, adds it to
// per-day sums about a shift (the smoothed level at the posterior mode of
// σ, close to the posterior mean, so the one-pass variance loses nothing
// to cancellation) and keeps the draws beyond two per-day cuts (the
// smoothed level ∓ (z − ½) smoothed sds, as tailQuantiles' cuts are): the
// tail quantiles are order statistics of those draws alone whenever a
// tail holds enough of them. A day whose tails hold too few (or more than
// their room) is summarised from the gathered draws as before, so the
// quantiles are the same order statistics whatever the cuts.
//
// The chains stream only when nothing changes the kept draws afterwards
// (no calibration draws), on the points scale (the logit scale summarises
// transformed draws) and without thinning (long series, where the tails'
// room would add to memory the budget caps).

// levelCuts are a share's per-day shifts and cuts, shared read-only by its
// chains.
type levelCuts struct {
	days []dayCut
	room int // tail draws kept per day and chain
}

// dayCut is one day's shift and cuts, side by side for the chains' pass
// over a row.
type dayCut struct{ shift, lo, hi float64 }

// newLevelCuts returns the cuts from the smoothed level mean and sd for
// chains keeping kept draws each, with z the interval's normal quantile.
func newLevelCuts(mean, sd []float64, z float64, kept int) *levelCuts {
	c := &levelCuts{days: make([]dayCut, len(mean))}
	cut := max(z-0.5, 0)
	for t, m := range mean {
		c.days[t] = dayCut{shift: m, lo: m - cut*sd[t], hi: m + cut*sd[t]}
	}
	// Beyond z − ½ sds lie 7% of a normal posterior's draws when z = 1.96
	// (the posterior is a little wider than the smoother, σ being
	// uncertain): room for 15% keeps a day off the gathered path.
	c.room = kept*3/20 + 8
	return c
}

// levelStats are one chain's streamed statistics of its kept level draws.
type levelStats struct {
	days   []daySums
	lo, hi []float32 // day t's draws below its lo, above its hi at t·room …
}

// daySums are one day's sums: Σ(x − shift), Σ(x − shift)², and the draws
// below lo and above hi (beyond room: overflow).
type daySums struct {
	s1, s2   float64
	nLo, nHi int32
}

func newLevelStats(days, room int) *levelStats {
	return &levelStats{days: make([]daySums, days), lo: make([]float32, days*room), hi: make([]float32, days*room)}
}

// add streams one kept draw of the level, row[t] on day t.
func (st *levelStats) add(c *levelCuts, row []float32) {
	room := int32(c.room)
	cuts, sums := c.days[:len(row)], st.days[:len(row)]
	for t, x := range row {
		v := float64(x)
		ct, sm := &cuts[t], &sums[t]
		d := v - ct.shift
		sm.s1 += d
		sm.s2 += d * d
		if v < ct.lo {
			if sm.nLo < room {
				st.lo[int32(t)*room+sm.nLo] = x
			}
			sm.nLo++
		}
		if v > ct.hi {
			if sm.nHi < room {
				st.hi[int32(t)*room+sm.nHi] = x
			}
			sm.nHi++
		}
	}
}

// streamedDay returns the mean, variance and the type-7 quantiles at pLo
// and pHi of the chains' kept draws on day t (n = chains × kept draws),
// using pool (capacity for every chain's room) as workspace. ok is false
// when a tail overflowed its room or holds too few draws: the day must be
// summarised from its gathered draws.
func streamedDay(c *levelCuts, stats []*levelStats, t, n int, pLo, pHi float64, pool []float64) (mean, variance, lo, hi float64, ok bool) {
	room := c.room
	collect := func(lower bool) ([]float64, bool) {
		pool = pool[:0]
		for _, st := range stats {
			k, vals := int(st.days[t].nHi), st.hi
			if lower {
				k, vals = int(st.days[t].nLo), st.lo
			}
			if k > room {
				return nil, false
			}
			for _, x := range vals[t*room : t*room+k] {
				pool = append(pool, float64(x))
			}
		}
		return pool, true
	}
	below, ok := collect(true)
	if !ok {
		return
	}
	if lo, ok = tailPick(n, pLo, below, true); !ok {
		return
	}
	above, ok := collect(false)
	if !ok {
		return
	}
	if hi, ok = tailPick(n, pHi, above, false); !ok {
		return
	}
	s1, s2 := 0.0, 0.0
	for _, st := range stats {
		s1 += st.days[t].s1
		s2 += st.days[t].s2
	}
	N := float64(n)
	mean = c.days[t].shift + s1/N
	variance = math.Max((s2-s1*s1/N)/(N-1), 0)
	return mean, variance, lo, hi, true
}
