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
	kind      Identify
	reference int // house index for Reference
}

// filtered returns the causal estimates α̂_{t|t} and their sds for every
// day, with ok[t] false for days on which the past polls do not yet
// identify the level (sum-to-zero: never false once a poll is seen;
// Reference: before the reference house's first poll; Anchored: before the
// first anchor). Under sum-to-zero identification the constraint is taken
// over the houses seen so far, with weights equal to their poll counts so
// far (WeightedSumToZero) or equal (SumToZero): what an analyst knew then.
// Cost: O(N·J²) for the rank-one updates plus O(J³) per day with polls.
func filtered(ctx context.Context, o *observations, sigma float64, tau []float64, tauOf []int, id filterIdent) (mean, sd []float64, ok []bool, err error) {
	J := len(o.houses)
	nf := J + 1
	S := make([]float64, nf*nf) // upper triangle used
	s := make([]float64, nf)
	A := make([]float64, nf)
	V := make([]float64, nf)
	counts := make([]int, J)
	anchors := 0
	a, P := 0.0, 0.0
	T := o.nDays
	mean, sd, ok = make([]float64, T), make([]float64, T), make([]bool, T)
	s2 := sigma * sigma

	// Workspace of the per-day solve.
	free := make([]int, 0, nf)
	coef := make([]float64, 0, nf)
	Sk := make([]float64, nf*nf)
	rhs := make([]float64, nf)
	g := make([]float64, nf)
	e := make([]float64, nf)

	i := 0
	lastDay := 0
	for t := 0; t < T; t++ {
		if t%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, nil, err
			}
		}
		P += s2 * float64(t-lastDay)
		lastDay = t
		had := false
		for ; i < len(o.day) && o.day[i] == t; i++ {
			had = true
			h := o.house[i]
			r := o.s2[i]
			if h >= 0 {
				counts[h]++
				if tauOf != nil && tauOf[h] >= 0 {
					tv := tau[tauOf[h]]
					r += tv * tv
				}
			} else {
				anchors++
			}
			F := P + r
			K := P / F
			v := o.y[i] - a
			for c := range V {
				V[c] = -A[c]
			}
			V[0]++
			if h >= 0 {
				V[1+h]++
			}
			iF := 1 / F
			for r := 0; r < nf; r++ {
				vr := V[r] * iF
				if vr == 0 {
					continue
				}
				row := S[r*nf : (r+1)*nf]
				for c := r; c < nf; c++ {
					row[c] += vr * V[c]
				}
				s[r] += vr * v
			}
			a += K * v
			for c := range A {
				A[c] += K * V[c]
			}
			P -= K * P
		}
		if !had {
			if t > 0 && ok[t-1] {
				mean[t] = mean[t-1]
				sd[t] = math.Sqrt(sd[t-1]*sd[t-1] + s2)
				ok[t] = true
			}
			continue
		}
		// Identification over the houses seen so far.
		free, coef = free[:0], coef[:0]
		dep := -1
		switch id.kind {
		case WeightedSumToZero, SumToZero:
			// dep: the seen house with the most polls so far.
			for h := 0; h < J; h++ {
				if counts[h] > 0 && (dep < 0 || counts[h] > counts[dep]) {
					dep = h
				}
			}
		case Reference:
			if counts[id.reference] == 0 {
				continue
			}
			dep = id.reference
		case Anchored:
			if anchors == 0 {
				continue
			}
		}
		free = append(free, 0)
		coef = append(coef, 0)
		for h := 0; h < J; h++ {
			if h == dep || counts[h] == 0 {
				continue
			}
			free = append(free, 1+h)
			c := 0.0
			switch id.kind {
			case WeightedSumToZero:
				c = -float64(counts[h]) / float64(counts[dep])
			case SumToZero:
				c = -1
			}
			coef = append(coef, c)
		}
		k := len(free)
		depA := -1
		if dep >= 0 {
			depA = 1 + dep
		}
		sym := func(p, q int) float64 {
			if p > q {
				p, q = q, p
			}
			return S[p*nf+q]
		}
		for x, ax := range free {
			for y, ay := range free {
				v := sym(ax, ay)
				if depA >= 0 {
					v += coef[x]*sym(depA, ay) + coef[y]*sym(ax, depA) + coef[x]*coef[y]*sym(depA, depA)
				}
				Sk[x*k+y] = v
			}
			v := s[ax]
			if depA >= 0 {
				v += coef[x] * s[depA]
			}
			rhs[x] = v
		}
		if _, pd := cholesky(Sk[:k*k], k); !pd {
			continue
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
		forwardSub(Sk[:k*k], k, rhs[:k])
		forwardSub(Sk[:k*k], k, g[:k])
		// (e₀ − A)ᵀβ̂ = gᵀS⁻¹s = (L⁻¹g)·(L⁻¹s); variance |L⁻¹g|².
		m, q := 0.0, 0.0
		for x := 0; x < k; x++ {
			m += g[x] * rhs[x]
			q += g[x] * g[x]
		}
		mean[t] = a + m
		sd[t] = math.Sqrt(P + q)
		ok[t] = true
	}
	return mean, sd, ok, nil
}
