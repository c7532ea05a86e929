package aggregate

import (
	"context"
	"math"
)

// The causal (filtered) series: de Jong's augmented Kalman filter. The
// scalar random walk w is filtered together with the "regressor columns" of
// the constants β (level and house effects): each poll updates the scalar
// state and the augmented row A, and accumulates the cross-products
//
//	S_t = Σ_{i ≤ t} V_i V_iᵀ/F_i,  s_t = Σ_{i ≤ t} V_i v_i/F_i
//
// of the innovations of the regressors (V_i = x_i − A) and of y
// (v_i = y_i − a). At the end of a day the constants are estimated by GLS
// from the polls so far, β̂_t = S_t⁻¹s_t (under the identification
// restricted to the houses seen so far, see filtered), and
//
//	α̂_{t|t} = a_t + (e₀ − A_t)ᵀβ̂_t,  Var = P_t + (e₀ − A_t)ᵀ S_t⁻¹ (e₀ − A_t).
//
// (de Jong 1991, "The diffuse Kalman filter", Annals of Statistics 19(2),
// 1073–1083; Durbin & Koopman 2012, §5.7.)

// filterIdent says how the filter identifies the constants from the houses
// seen so far.
type filterIdent struct {
	kind      identKind
	reference int // house index for Reference
}

// filtered returns the causal estimates α̂_{t|t} and their sds for every
// day, with ok[t] false for days on which the past polls do not yet
// identify the level (sum-to-zero: never false once a poll is seen;
// Reference: before the reference house's first poll; Anchored: before the
// first anchor). Under sum-to-zero identification the constraint is taken
// over the houses seen so far, with weights equal to their poll counts so
// far (WeightedSumToZero) or equal (SumToZero): what an analyst knew then.
//
// Two exact implementations, with the same results: filteredInverse keeps
// the inverse cross-product up to date poll by poll (O(J²) a poll, O(J) a
// day), filteredDaily adds a day's polls at once and solves afresh on each
// day with polls (O(1) a poll, O(J³) a day). The cheaper for the data is
// used: many houses polled a few a day favour the first, many polls a day
// or few houses the second; anchored identification, whose level is
// unidentified until the first anchor, always uses the second.
func filtered(ctx context.Context, o *observations, sigma float64, tau []float64, tauOf []int, id filterIdent) (mean, sd []float64, ok []bool, err error) {
	if id.kind == anchored || dailyFilterCheaper(o) {
		return filteredDaily(ctx, o, sigma, tau, tauOf, id)
	}
	return filteredInverse(ctx, o, sigma, tau, tauOf, id)
}

// dailyFilterCheaper compares the multiply-adds of the two filters: 2k²
// per poll and k² per day for filteredInverse, 3.5k² + k³/6 per day for
// filteredDaily (k = J + 1).
func dailyFilterCheaper(o *observations) bool {
	k := float64(len(o.houses) + 1)
	days := 0
	for i := range o.day {
		if i == 0 || o.day[i] != o.day[i-1] {
			days++
		}
	}
	perPoll := float64(len(o.day))*2*k*k + float64(days)*k*k
	perDay := float64(days) * (3.5*k*k + k*k*k/6)
	return perDay < perPoll
}

// filteredDaily adds each day's polls to the filter at once and solves the
// day's constrained system afresh. All polls of day t measure the same
// w_t, a priori a − Aᵀβ + ξ with ξ ~ N(0, P) (de Jong's augmented state);
// with weights w_i = 1/R_i, innovations v_i = y_i − a and regressors
// V_i = x_i − A, the day adds
//
//	S += Σ w_i V_iV_iᵀ − P'qqᵀ,   s += Σ w_i V_i v_i − P'q·Σ w_i v_i,
//	q = Σ w_i V_i,   P' = P/(1 + P·Σ w_i)
//
// (the Woodbury form of VᵀF⁻¹V with F = P11ᵀ + diag R), and the state
// moves to a += P'Σ w_i v_i, A += P'q, P = P'. With p = Σ w_i x_i (sparse:
// the level and the houses polled) Σ w_i V_iV_iᵀ = Σ w_i x_ix_iᵀ − pAᵀ −
// Apᵀ + (Σ w_i)AAᵀ, so a day costs O(J²) for the update, whatever its
// number of polls, plus O(J³) for the solve; one poll a day it is the
// sequential filter.
func filteredDaily(ctx context.Context, o *observations, sigma float64, tau []float64, tauOf []int, id filterIdent) (mean, sd []float64, ok []bool, err error) {
	J := len(o.houses)
	nf := J + 1
	S := make([]float64, nf*nf) // upper triangle used
	s := make([]float64, nf)
	A := make([]float64, nf)
	A2 := make([]float64, nf) // A after the day
	p := make([]float64, nf)  // Σ w_i x_i over the day
	pv := make([]float64, nf) // Σ w_i v_i x_i over the day
	touched := make([]int, 0, nf)
	counts := make([]int, J)
	anchors := 0
	a, P := 0.0, 0.0
	T := o.nDays
	mean, sd, ok = make([]float64, T), make([]float64, T), make([]bool, T)
	s2 := sigma * sigma

	// Workspace of the per-day solve.
	free := make([]int, 0, nf)
	coef := make([]float64, 0, nf)
	// The day's system, k×k, with two rows below it for its right-hand
	// sides, s and g (choleskySolve).
	Sk := make([]float64, (nf+2)*nf)
	e := make([]float64, nf)
	dcol := make([]float64, nf) // S's elements between the free columns and the dependent one

	// The identification's free columns and their coefficients change
	// only when a house is seen for the first time or the dependent house
	// changes (and, under weighted sum-to-zero, whose coefficients are
	// ratios of counts, every day): they are rebuilt then, not daily.
	// most is the seen house with the most polls so far, the lowest index
	// among ties — sum-to-zero's dependent house — kept up to date poll by
	// poll: counts only grow, so only a house just counted can overtake
	// it.
	most, prevDep, freeStale := -1, -1, true

	i := 0
	lastDay := 0
	for t := 0; t < T; t++ {
		if err := dayCheck(ctx, t); err != nil {
			return nil, nil, nil, err
		}
		if i == len(o.day) || o.day[i] != t {
			carryForward(mean, sd, ok, t, s2)
			continue
		}
		P += s2 * float64(t-lastDay)
		lastDay = t
		// The day's sums.
		W, Wv := 0.0, 0.0
		for ; i < len(o.day) && o.day[i] == t; i++ {
			w := 1 / o.variance(i, tau, tauOf)
			v := o.y[i] - a
			W += w
			Wv += w * v
			if h := o.house[i]; h >= 0 {
				if p[1+h] == 0 {
					touched = append(touched, 1+h)
				}
				p[1+h] += w
				pv[1+h] += w * v
				counts[h]++
				if counts[h] == 1 {
					freeStale = true
				}
				if most < 0 || counts[h] > counts[most] || (counts[h] == counts[most] && h < most) {
					most = h
				}
			} else {
				anchors++
			}
		}
		p[0], pv[0] = W, Wv
		Pp := P / (1 + P*W)
		// A' = A + P'q with q = p − W·A; then −qAᵀ − P'qqᵀ = −qA'ᵀ, so
		// S += Σ w_i x_ix_iᵀ − qA'ᵀ − Apᵀ (upper triangle) and
		// s += Σ w_i v_i x_i − (Σ w_i v_i)·A'.
		for c := range A2 {
			A2[c] = A[c] + Pp*(p[c]-W*A[c])
		}
		S[0] += W
		for _, c := range touched {
			S[c] += p[c]
			S[c*nf+c] += p[c]
		}
		for r := 0; r < nf; r++ {
			qr, ar := p[r]-W*A[r], A[r]
			row := S[r*nf+r : r*nf+nf]
			a2, pc := A2[r:], p[r:]
			a2, pc = a2[:len(row)], pc[:len(row)]
			for c := range row {
				row[c] -= qr*a2[c] + ar*pc[c]
			}
		}
		for c := range s {
			s[c] += pv[c] - Wv*A2[c]
		}
		a += Pp * Wv
		A, A2 = A2, A
		P = Pp
		p[0], pv[0] = 0, 0
		for _, c := range touched {
			p[c], pv[c] = 0, 0
		}
		touched = touched[:0]

		// Identification over the houses seen so far.
		dep := -1
		switch id.kind {
		case weightedSumToZero, sumToZero:
			dep = most // the seen house with the most polls so far
		case reference:
			if counts[id.reference] == 0 {
				continue
			}
			dep = id.reference
		case anchored:
			if anchors == 0 {
				continue
			}
		}
		if freeStale || dep != prevDep || id.kind == weightedSumToZero {
			free, coef = append(free[:0], 0), append(coef[:0], 0)
			for h := 0; h < J; h++ {
				if h == dep || counts[h] == 0 {
					continue
				}
				free = append(free, 1+h)
				c := 0.0
				switch id.kind {
				case weightedSumToZero:
					c = -float64(counts[h]) / float64(counts[dep])
				case sumToZero:
					c = -1
				}
				coef = append(coef, c)
			}
			prevDep, freeStale = dep, false
		}
		k := len(free)
		depA := -1
		if dep >= 0 {
			depA = 1 + dep
		}
		rhs, g := Sk[k*k:k*k+k], Sk[(k+1)*k:(k+2)*k]
		// The day's system in the free basis, its lower triangle (all
		// choleskySolve reads): free is ascending, so element (x, y ≤ x)
		// of S is S[ay][ax] in the stored upper triangle, and the
		// dependent house's column, folded in with coef, is gathered once.
		if depA >= 0 {
			dd := S[depA*nf+depA]
			for x, ax := range free {
				dcol[x] = S[min(ax, depA)*nf+max(ax, depA)]
			}
			for x, ax := range free {
				cx := coef[x]
				row := Sk[x*k : x*k+x+1]
				for y, ay := range free[:x+1] {
					row[y] = S[ay*nf+ax] + (cx*dcol[y] + coef[y]*dcol[x] + cx*coef[y]*dd)
				}
				rhs[x] = s[ax] + cx*s[depA]
			}
		} else {
			for x, ax := range free {
				row := Sk[x*k : x*k+x+1]
				for y, ay := range free[:x+1] {
					row[y] = S[ay*nf+ax]
				}
				rhs[x] = s[ax]
			}
		}
		// g = Cᵀ(e₀ − A) in the free basis.
		for c := range e {
			e[c] = -A[c]
		}
		e[0]++
		for x, ax := range free {
			g[x] = e[ax]
			if depA >= 0 {
				g[x] += coef[x] * e[depA]
			}
		}
		if !choleskySolve(Sk[:(k+2)*k], k, 2) {
			continue
		}
		// (e₀ − A)ᵀβ̂ = gᵀS⁻¹s = (L⁻¹g)·(L⁻¹s); variance |L⁻¹g|².
		m, qq := 0.0, 0.0
		for x := 0; x < k; x++ {
			m += g[x] * rhs[x]
			qq += g[x] * g[x]
		}
		mean[t] = a + m
		sd[t] = math.Sqrt(P + qq)
		ok[t] = true
	}
	return mean, sd, ok, nil
}

// filteredInverse is filtered for sum-to-zero and reference
// identification in O(N·J²) overall. It parameterises the constants
// internally by the level and the effects of the houses seen so far
// relative to the first house seen (r₀), and keeps the inverse of their
// cross-product matrix up to date: a Sherman–Morrison update per poll, and
// when a house polls for the first time, the exact bordered inverse (the
// new column's regressor is 0 before its first poll, so the enlarged
// matrix [[S,0],[0,0]] + VVᵀ/F with V = (u, 1) has inverse
// [[S⁻¹, −S⁻¹u], [−uᵀS⁻¹, F + uᵀS⁻¹u]]). The identified level is the
// estimable function α_t + Σ_h ω_h δ_h (ω: the identification's weights
// over the seen houses, summing to 1; r₀'s internal effect is 0), so
//
//	α̂_{t|t} = a_t + gᵀŜ⁻¹s,  Var = P_t + gᵀS⁻¹g,  g = e₀ − A_t + ω.
func filteredInverse(ctx context.Context, o *observations, sigma float64, tau []float64, tauOf []int, id filterIdent) (mean, sd []float64, ok []bool, err error) {
	J := len(o.houses)
	nf := J + 1
	col := make([]int, J) // internal column of house h: 0 unseen, −1 r₀, else ≥ 1
	counts := make([]int, J)
	nSeen := 0
	k := 1                         // internal dimension: level + seen houses other than r₀
	Sinv := make([]float64, nf*nf) // stride nf
	s := make([]float64, nf)
	A := make([]float64, nf)
	V := make([]float64, nf)
	u := make([]float64, nf)
	g := make([]float64, nf)
	haveInv := false
	a, P := 0.0, 0.0
	T := o.nDays
	mean, sd, ok = make([]float64, T), make([]float64, T), make([]bool, T)
	s2 := sigma * sigma
	i := 0
	lastDay := 0
	for t := 0; t < T; t++ {
		if err := dayCheck(ctx, t); err != nil {
			return nil, nil, nil, err
		}
		P += s2 * float64(t-lastDay)
		lastDay = t
		had := false
		for ; i < len(o.day) && o.day[i] == t; i++ {
			had = true
			h := o.house[i]
			r := o.variance(i, tau, tauOf)
			counts[h]++
			newCol := false
			if col[h] == 0 {
				nSeen++
				if nSeen == 1 {
					col[h] = -1
				} else {
					col[h] = k
					A[k], s[k] = 0, 0
					k++
					newCol = true
				}
			}
			F := P + r
			K := P / F
			v := o.y[i] - a
			for c := 0; c < k; c++ {
				V[c] = -A[c]
			}
			V[0]++
			if c := col[h]; c > 0 {
				V[c]++
			}
			switch {
			case !haveInv:
				// First poll: S = V₀²/F on the level alone.
				Sinv[0] = F / (V[0] * V[0])
				haveInv = true
			case newCol:
				// Bordering with the new column c = k−1 (V[c] = 1).
				c := k - 1
				q := 0.0
				for x := 0; x < c; x++ {
					w := 0.0
					row := Sinv[x*nf : x*nf+c]
					for y, sv := range row {
						w += sv * V[y]
					}
					u[x] = w
					q += V[x] * w
				}
				for x := 0; x < c; x++ {
					Sinv[x*nf+c] = -u[x]
					Sinv[c*nf+x] = -u[x]
				}
				Sinv[c*nf+c] = F + q
			default:
				// Sherman–Morrison: S⁻¹ − (S⁻¹V)(S⁻¹V)ᵀ/(F + VᵀS⁻¹V).
				q := F
				for x := 0; x < k; x++ {
					w := 0.0
					row := Sinv[x*nf : x*nf+k]
					for y, sv := range row {
						w += sv * V[y]
					}
					u[x] = w
					q += V[x] * w
				}
				iq := 1 / q
				for x := 0; x < k; x++ {
					ux := u[x] * iq
					row := Sinv[x*nf : x*nf+k]
					for y := range row {
						row[y] -= ux * u[y]
					}
				}
			}
			iF := 1 / F
			for c := 0; c < k; c++ {
				s[c] += V[c] * v * iF
				A[c] += K * V[c]
			}
			a += K * v
			P -= K * P
		}
		if !had {
			carryForward(mean, sd, ok, t, s2)
			continue
		}
		// g = e₀ − A + ω in the internal basis.
		for c := 0; c < k; c++ {
			g[c] = -A[c]
		}
		g[0]++
		switch id.kind {
		case weightedSumToZero, sumToZero:
			tot := 0.0
			for h := 0; h < J; h++ {
				if counts[h] > 0 {
					if id.kind == weightedSumToZero {
						tot += float64(counts[h])
					} else {
						tot++
					}
				}
			}
			for h := 0; h < J; h++ {
				if c := col[h]; c > 0 {
					if id.kind == weightedSumToZero {
						g[c] += float64(counts[h]) / tot
					} else {
						g[c] += 1 / tot
					}
				}
			}
		case reference:
			c := col[id.reference]
			if c == 0 {
				continue // the reference house has not polled yet
			}
			if c > 0 {
				g[c]++
			}
		}
		m, q := 0.0, 0.0
		for x := 0; x < k; x++ {
			row := Sinv[x*nf : x*nf+k]
			bs, gs := 0.0, 0.0
			for y, sv := range row {
				bs += sv * s[y]
				gs += sv * g[y]
			}
			m += g[x] * bs
			q += g[x] * gs
		}
		mean[t] = a + m
		sd[t] = math.Sqrt(P + max(q, 0))
		ok[t] = true
	}
	return mean, sd, ok, nil
}

// dayCheck returns ctx's error every 64 days: often enough to stop a long
// series promptly, rarely enough to cost nothing next to a day's work.
func dayCheck(ctx context.Context, t int) error {
	if t%64 == 0 {
		return ctx.Err()
	}
	return nil
}

// carryForward fills day t, on which no poll was taken, from day t−1: the
// filtered level is a random walk, so its mean stays and its variance grows
// by one day's innovation s2. Days before the level is identified stay
// unidentified.
func carryForward(mean, sd []float64, ok []bool, t int, s2 float64) {
	if t > 0 && ok[t-1] {
		mean[t] = mean[t-1]
		sd[t] = math.Sqrt(sd[t-1]*sd[t-1] + s2)
		ok[t] = true
	}
}
