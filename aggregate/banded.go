package aggregate

import (
	"math"
)

// Field-averaged polls (StateSpace.FieldAverage). Poll i, in the field on
// days first_i..last_i (L_i = last_i − first_i + 1 days), measures the mean
// level over those days:
//
//	y_i = (1/L_i)·Σ_{t=first_i}^{last_i} α_t + δ_{h(i)} + ε_i.
//
// With α_t = β₀ + w_t (w₀ = 0, see likelihood.go) the weights sum to one,
// so the regressors of the constants are unchanged (x_i = e₀ + e_{h(i)});
// only the poll→day incidence L changes: row i has 1/L_i on the days
// max(first_i, 1)..last_i (day 0 carries w₀ = 0). Everything in
// likelihood.go then holds as written — the diffuse likelihood by Woodbury
// with M = Q + LᵀD⁻¹L, U = LᵀD⁻¹X, b = LᵀD⁻¹y, and the smoother — except
// that M is no longer tridiagonal: a poll adds 1/(L_i²R_i) to every entry
// (s, t) of its span, so M is banded with half-bandwidth b = max L_i − 1
// (at least 1, from the random walk's Q). This file supplies the banded
// pieces:
//
//   - setTauBanded: XᵀD⁻¹X, XᵀD⁻¹y, yᵀD⁻¹y, Σ log R_i as before; [U b] on
//     every day of each span (its sparsity fixed once in newBandCore); the
//     band of LᵀD⁻¹L, O(Σ L_i²) per τ.
//   - evalBanded: Cholesky M = LLᵀ within M's envelope (row t from the
//     earliest day of a poll covering t; the factor has no fill outside
//     it), log|M| = Σ 2 log L_tt and Z = M⁻¹[U b] by substitution over
//     the envelope: at most O(T·b²) + O(T·b·(J + 2)).
//   - diagInverseBanded: the diagonal of M⁻¹ (the daily levels' variances
//     given the constants) by the Takahashi equations (Takahashi, Fagan &
//     Chin 1973; Erisman & Tinney 1975): with Σ = M⁻¹, ΣL = L⁻ᵀ is upper
//     triangular with diagonal 1/L_jj, so for i ≥ j
//
//     Σ_ij = (δ_ij/L_jj − Σ_{k=j+1}^{j+b} Σ_ik L_kj) / L_jj,
//
//     and going from j = n down to 1 every Σ_ik needed lies inside the
//     band already computed: the selected inverse costs O(T·b²) and never
//     forms M⁻¹. With b = 1 it is the tridiagonal recursion of
//     covInverseM.
//
// Cost: O(T·b² + Σ L_i² + (N + T)·J + J³) per evaluation, linear in days
// and polls for a given longest fieldwork (b ≈ 30 for monthly spans).
// With every poll one day long the incidence is the midpoint model's and
// observationsFor records no spans, so the tridiagonal path runs.

// fittedLevel returns the level observation i measures under the smoothed
// daily levels mean: the level of its day, or with field spans the mean
// over them.
func (o *observations) fittedLevel(mean []float64, i int) float64 {
	if o.first == nil {
		return mean[o.day[i]]
	}
	s := 0.0
	for t := o.first[i]; t <= o.last[i]; t++ {
		s += mean[t]
	}
	return s / float64(o.last[i]-o.first[i]+1)
}

// bandCore is the banded part of a core for field-averaged observations.
// Band arrays hold row t (day t, 1..n) at [t·w, t·w + w) with entry d the
// matrix element (t, t − d).
type bandCore struct {
	b, w   int   // half-bandwidth (≥ 1) and row stride b + 1
	lo, hi []int // per observation: the random-walk days its span covers (lo > hi: day 0 only)
	off    []int // per observation: start of its entry indices in eidx
	eidx   []int // per observation and covered day: indices into core.entries of (level, house, b); house −1 for anchors
	// env[t] is the first column of row t of M's lower triangle that can
	// be non-zero (t − 1 from the random walk, or the earliest day of a
	// poll covering t): the Cholesky factor keeps this envelope (George &
	// Liu 1981, §4), so the factorisation and the forward substitution
	// skip the band's structural zeros — for month-long polls about a
	// third of the work of the full band. Both substitutions run over it.
	env []int

	base []float64 // band of LᵀD⁻¹L at the current τ
	chol []float64 // band Cholesky factor of M
	idg  []float64 // 1/L_tt: a multiply, not a divide, in the inner loop
}

// newBandCore builds the sparsity of [U b] (one entry per covered day and
// column) into cr.entries and the band workspace.
func newBandCore(cr *core) *bandCore {
	o := cr.o
	n := cr.n
	K := cr.K
	nFull := cr.c.nFull
	nObs := len(o.y)
	bc := &bandCore{b: 1, lo: make([]int, nObs), hi: make([]int, nObs), off: make([]int, nObs+1)}
	// Mark the non-zeros of [U b], day-major.
	mark := make([]int, (n+1)*K)
	for i := range o.y {
		lo, hi := max(o.first[i], 1), min(o.last[i], n)
		bc.lo[i], bc.hi[i] = lo, hi
		bc.off[i+1] = bc.off[i] + 3*max(hi-lo+1, 0)
		bc.b = max(bc.b, hi-lo)
		for t := lo; t <= hi; t++ {
			mark[t*K] = 1
			mark[t*K+nFull] = 1
			if h := o.house[i]; h >= 0 {
				mark[t*K+1+h] = 1
			}
		}
	}
	cr.entries = cr.entries[:0]
	for t := 1; t <= n; t++ {
		for col := 0; col < K; col++ {
			if mark[t*K+col] != 0 {
				mark[t*K+col] = len(cr.entries)
				cr.entries = append(cr.entries, uEntry{t: int32(t), col: int32(col)})
			}
		}
	}
	bc.eidx = make([]int, bc.off[nObs])
	for i := range o.y {
		k := bc.off[i]
		for t := bc.lo[i]; t <= bc.hi[i]; t++ {
			bc.eidx[k] = mark[t*K]
			bc.eidx[k+1] = -1
			if h := o.house[i]; h >= 0 {
				bc.eidx[k+1] = mark[t*K+1+h]
			}
			bc.eidx[k+2] = mark[t*K+nFull]
			k += 3
		}
	}
	bc.env = make([]int, n+1)
	for t := 1; t <= n; t++ {
		bc.env[t] = max(t-1, 1)
	}
	for i := range o.y {
		for t := bc.lo[i]; t <= bc.hi[i]; t++ {
			bc.env[t] = min(bc.env[t], bc.lo[i])
		}
	}
	bc.w = bc.b + 1
	bc.base = make([]float64, (n+1)*bc.w)
	bc.chol = make([]float64, (n+1)*bc.w)
	bc.idg = make([]float64, n+1)
	return bc
}

// setTauBanded is setTau for field-averaged observations.
func (cr *core) setTauBanded(tau []float64) {
	o := cr.o
	bc := cr.band
	nFull := cr.c.nFull
	W := bc.w
	clear(cr.xdx)
	clear(cr.xdy)
	clear(bc.base)
	for e := range cr.entries {
		cr.entries[e].val = 0
	}
	cr.ydy = 0
	logR := logProduct{mant: 1}
	for i, y := range o.y {
		r := cr.variance(i, tau)
		w := 1 / r
		logR.mul(r)
		cr.ydy += y * y * w
		cr.xdx[0] += w
		cr.xdy[0] += y * w
		h := o.house[i]
		if h >= 0 {
			a := 1 + h
			cr.xdx[a] += w
			cr.xdx[a*nFull] += w
			cr.xdx[a*nFull+a] += w
			cr.xdy[a] += y * w
		}
		lo, hi := bc.lo[i], bc.hi[i]
		if lo > hi {
			continue
		}
		c := 1 / float64(o.last[i]-o.first[i]+1)
		cw := c * w
		k := bc.off[i]
		for t := lo; t <= hi; t++ {
			cr.entries[bc.eidx[k]].val += cw
			if h >= 0 {
				cr.entries[bc.eidx[k+1]].val += cw
			}
			cr.entries[bc.eidx[k+2]].val += cw * y
			k += 3
			row := bc.base[t*W : t*W+t-lo+1]
			for d := range row {
				row[d] += c * cw
			}
		}
	}
	cr.sumLogR = logR.log()
}

// evalBanded is eval for field-averaged observations.
func (cr *core) evalBanded(sigma float64, tau []float64) float64 {
	cr.setTau(tau)
	bc := cr.band
	K, n, W := cr.K, cr.n, bc.w
	s2 := sigma * sigma
	cr.sigma2 = s2
	clear(cr.z)
	for _, e := range cr.entries {
		cr.z[int(e.t)*K+int(e.col)] = e.val
	}
	logDet := logProduct{mant: 1}
	if n > 0 {
		L := bc.chol
		copy(L, bc.base)
		inv := 1 / s2
		for t := 1; t <= n; t++ {
			d := 2 * inv
			if t == n {
				d = inv
			}
			L[t*W] += d
			if t > 1 {
				L[t*W+1] -= inv
			}
		}
		// Envelope (band) Cholesky, in place, row by row: with m = j − k,
		// L_tj = (M_tj − Σ_{k ≥ max(env_t, env_j)} L_tk L_jk)/L_jj.
		for t := 1; t <= n; t++ {
			e := bc.env[t]
			rt := L[t*W : t*W+W]
			for j := e; j < t; j++ {
				rj := L[j*W : j*W+W]
				k0 := max(e, bc.env[j])
				x, y := rt[t-j+1:t-k0+1], rj[1:j-k0+1]
				v := rt[t-j]
				for m, xv := range x {
					v -= xv * y[m]
				}
				rt[t-j] = v * bc.idg[j]
			}
			v := rt[0]
			for _, xv := range rt[1 : t-e+1] {
				v -= xv * xv
			}
			if !(v > 0) {
				cr.ok = false
				return math.Inf(-1)
			}
			rt[0] = math.Sqrt(v)
			bc.idg[t] = 1 / rt[0]
			logDet.mul(v)
		}
		// Z = M⁻¹[U b]: L y = [U b], then Lᵀ z = y.
		for t := 1; t <= n; t++ {
			row := cr.z[t*K : (t+1)*K]
			for k := bc.env[t]; k < t; k++ {
				l := L[t*W+t-k]
				if l == 0 {
					continue
				}
				prev := cr.z[k*K : (k+1)*K]
				for a := range row {
					row[a] -= l * prev[a]
				}
			}
			il := bc.idg[t]
			for a := range row {
				row[a] *= il
			}
		}
		// Lᵀ z = y by rows of L: once z_t is final, subtract L_tk z_t
		// from the rows k of t's envelope.
		for t := n; t >= 1; t-- {
			row := cr.z[t*K : (t+1)*K]
			il := bc.idg[t]
			for a := range row {
				row[a] *= il
			}
			for k := bc.env[t]; k < t; k++ {
				l := L[t*W+t-k]
				if l == 0 {
					continue
				}
				prev := cr.z[k*K : (k+1)*K]
				for a, v := range row {
					prev[a] -= l * v
				}
			}
		}
	}
	cr.zIsY = false
	cr.gramFromZ()
	return cr.finish(s2, logDet.log())
}

// diagInverseBanded returns the diagonal of M⁻¹ (index t for day t ≥ 1)
// from the band Cholesky factor left by evalBanded, by the Takahashi
// equations (see the top of this file): the band of M⁻¹ is computed
// from the last day backwards, O(T·b²).
func (cr *core) diagInverseBanded() []float64 {
	bc := cr.band
	n, b, W := cr.n, bc.b, bc.w
	L := bc.chol
	S := make([]float64, (n+1)*W) // band of M⁻¹, same layout
	sig := func(i, k int) float64 {
		if i >= k {
			return S[i*W+i-k]
		}
		return S[k*W+k-i]
	}
	for j := n; j >= 1; j-- {
		ljj := L[j*W]
		kmax := min(n, j+b)
		for i := kmax; i > j; i-- {
			v := 0.0
			for k := j + 1; k <= kmax; k++ {
				v += sig(i, k) * L[k*W+k-j]
			}
			S[i*W+i-j] = -v / ljj
		}
		v := 1 / ljj
		for k := j + 1; k <= kmax; k++ {
			v -= S[k*W+k-j] * L[k*W+k-j]
		}
		S[j*W] = v / ljj
	}
	d := make([]float64, n+1)
	for t := 1; t <= n; t++ {
		d[t] = S[t*W]
	}
	return d
}
