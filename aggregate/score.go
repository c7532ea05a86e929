package aggregate

import (
	"gonum.org/v1/gonum/blas"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
)

// The gradient of the diffuse log-likelihood in σ² and τ², for the
// quasi-Newton search of ml.go.
//
// The diffuse likelihood is the marginal likelihood p(y) with flat priors
// on the constants (likelihood.go), so Fisher's identity gives its
// derivative as the posterior mean of the complete-data score:
//
//	∂ℓ/∂σ²   = −n/(2σ²) + Σ_j E[(α_j − α_{j−1})² | y] / (2 g_j σ⁴)
//	∂ℓ/∂τ²_g = Σ_{i in group g} (E[e_i² | y] / R_i − 1) / (2 R_i)
//
// over the n steps between nodes (g_j days each) and the polls' errors
// e_i = y_i − α_{t(i)} − δ_{h(i)}. Each E[x²|y] is the squared smoothed
// mean plus the smoothed variance: the constants' part |r|² (scoreNode;
// linear in the coefficients, so a difference of two levels or a level
// plus a house effect is a difference or sum of their r) and the walk's
// part from the tridiagonal of M⁻¹ (covInverseM). That is the
// smoother's own work on the nodes, O(N·k + D·k²): about one evaluation,
// against 2·dim evaluations for a central-difference gradient that is
// also less accurate.

// scoreWork is the workspace of scores, built at its first call.
type scoreWork struct {
	beta, e     []float64 // nFull
	rPrev, rCur []float64 // k
	wcol        []float64 // nFull×k: L_S⁻¹Cᵀe_a by column a (scoreNode); column 1+h is house h's ρ
	// The dense path's node moments, all nodes at once (nodeMoments):
	// mAll[j] the level, rAll[x·(n+1) + j] component x of r; wx is one
	// row of L_S⁻¹Cᵀ, contiguous.
	mAll, rAll, wx []float64
	initialised    bool
}

// scores writes into dst the derivatives of the log-likelihood of the last
// eval, which must have succeeded on the tridiagonal path, in σ² (dst[0])
// and in each τ²_g (dst[1+g]). It leaves z holding M⁻¹[U b], as smooth
// does.
func (cr *core) scores(dst []float64) {
	o := cr.o
	k, nFull, n := cr.c.k(), cr.c.nFull, cr.n
	w := &cr.sw
	if !w.initialised {
		J := nFull - 1
		w.beta, w.e = make([]float64, nFull), make([]float64, nFull)
		w.rPrev, w.rCur = make([]float64, k), make([]float64, k)
		w.wcol = make([]float64, (J+1)*k)
		// The per-node arrays come from the core's pools (scratch.go):
		// they live as long as the core, and with covInverseM's were a
		// fifth of what a three-share fit allocated.
		if cr.dense {
			w.mAll, w.rAll, w.wx = cr.mem.float64s(n+1), cr.mem.float64s(k*(n+1)), make([]float64, nFull)
		}
		w.initialised = true
	}
	cr.solveZ()
	gamma := cr.tmp
	copy(gamma, cr.rhs)
	forwardSub(cr.s, k, gamma)
	backSub(cr.s, k, gamma)
	beta := w.beta
	cr.c.full(gamma, beta)
	diag, offMi := cr.covInverseM() // the tridiagonal path's: the core's own arrays
	for a := range nFull {
		clear(w.e)
		w.e[a] = 1
		col := w.wcol[a*k : (a+1)*k]
		cr.c.reduce(w.e, col)
		forwardSub(cr.s, k, col)
	}
	dense := cr.dense && w.mAll != nil
	if dense {
		w.nodeMoments(cr, beta)
	}
	clear(dst)
	rPrev, rCur := w.rPrev, w.rCur
	mPrev := 0.0
	one, sum0 := cr.nth == 1, 0.0
	steps := 0.0 // Σ_j E[(α_j − α_{j−1})²]/g_j
	i := 0
	D := n + 1
	for j := 0; j <= n; j++ {
		var m float64
		if dense {
			m = w.mAll[j]
			for x := range rCur {
				rCur[x] = w.rAll[x*D+j]
			}
		} else {
			m = cr.scoreNode(j, beta, w.e, w.wcol, rCur)
		}
		if j > 0 {
			d := m - mPrev
			v := d*d + diag[j] + diag[j-1] - 2*offMi[j]
			for a, x := range rCur {
				dr := x - rPrev[a]
				v += dr * dr
			}
			steps += v * cr.igap[j]
		}
		for ; i < len(o.y) && int(cr.obsNode[i]) == j; i++ {
			h := o.house[i]
			if h < 0 || cr.tauOf == nil || cr.tauOf[h] < 0 {
				continue
			}
			ir := cr.wobs[i] // 1/R_i, set by setTau
			e := o.y[i] - m - beta[1+h]
			v := e*e + diag[j]
			rho := w.wcol[(1+h)*k : (2+h)*k]
			for a, x := range rCur {
				x += rho[a]
				v += x * x
			}
			// One τ (the default) is summed in a register: through dst
			// every poll waited on the previous one's store.
			if g := cr.tauOf[h]; g == 0 && one {
				sum0 += (v*ir - 1) * ir
			} else {
				dst[1+g] += 0.5 * (v*ir - 1) * ir
			}
		}
		mPrev = m
		rPrev, rCur = rCur, rPrev
	}
	if one {
		dst[1] = 0.5 * sum0
	}
	s2 := cr.sigma2
	dst[0] = 0.5 * (steps/s2 - float64(n)) / s2
}

// scoreNode is nodeMoments for scores: the smoothed level on node j given
// the full constants beta (nodeMean, which writes e = e₀ − (M⁻¹U)_j into
// e), and in r the vector L_S⁻¹Cᵀe as the precomputed columns of L_S⁻¹Cᵀ
// (wcol) applied to e — k·nFull independent multiply-adds a node instead
// of a reduction and a triangular solve, whose chain of divisions was a
// sixth of the gradient. r agrees with nodeMoments' to rounding. z must
// hold M⁻¹[U b] (solveZ).
func (cr *core) scoreNode(j int, beta, e, wcol, r []float64) float64 {
	m := cr.nodeMean(j, beta, e)
	k := len(r)
	clear(r)
	for a, ea := range e[:cr.c.nFull] {
		if ea == 0 {
			continue
		}
		col := wcol[a*k : a*k+k]
		col = col[:len(r)]
		for x := range r {
			r[x] += ea * col[x]
		}
	}
	return m
}

// nodeMoments is scoreNode for every node of the dense path at once: the
// levels m = β₀ + z_b − Zβ and, for each component x of r, w_{0x} − Zw_x
// with w_x the x-th row of L_S⁻¹Cᵀ and Z the constants' columns of z
// (node 0: β₀ and w_{0x}, e being the unit vector there), each as one
// matrix–vector product over the nodes (gonum's assembly kernel, four
// columns a load) rather than k·nFull multiply-adds a node in scoreNode's
// short loops, which were two fifths of the gradient.
func (w *scoreWork) nodeMoments(cr *core, beta []float64) {
	nFull, n, k := cr.c.nFull, cr.n, len(w.rCur)
	D := n + 1
	z := cr.z
	impl := gonumblas.Implementation{}
	copy(w.mAll, z[nFull*D:nFull*D+D])
	impl.Dgemv(blas.Trans, nFull, D, -1, z, D, beta[:nFull], 1, 1, w.mAll, 1)
	for j := range w.mAll {
		w.mAll[j] += beta[0]
	}
	w.mAll[0] = beta[0]
	for x := range k {
		for a := range w.wx {
			w.wx[a] = w.wcol[a*k+x]
		}
		rx := w.rAll[x*D : x*D+D]
		for j := range rx {
			rx[j] = w.wx[0]
		}
		impl.Dgemv(blas.Trans, nFull, D, -1, z, D, w.wx, 1, 1, rx, 1)
		rx[0] = w.wx[0]
	}
}
