package aggregate

import (
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/blas"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/floats"
)

// This file holds the computational core shared by StateSpace and Bayes:
// the exact diffuse log-likelihood of Jackman's model and the smoothed
// (all-polls) estimates, computed in O(N + D·K + E·K + J³) per evaluation
// for N polls on D distinct days, J houses, K = J + 2 and E non-zeros of
// [U b] below. See doc.go for the model.
//
// Writing α_t = β₀ + w_t with w₀ = 0, every observation is
//
//	y_i = x_iᵀβ + w_{t(i)} + ε_i,   ε_i ~ N(0, R_i),   w_t = w_{t−1} + η_t, η_t ~ N(0, σ²)
//
// with β = (β₀, δ_1, …, δ_J) the "full" constants (level on day 0 and the
// house effects), x_i = e₀ + e_{h(i)}, and the identification constraint
// β = Cγ expressing them through k free constants γ (constraint). The
// constants are diffuse (de Jong 1991): the diffuse log-likelihood is that
// of the GLS regression of y on X = [x_iᵀ C] with error covariance
// Σ = D + L Q⁻¹ Lᵀ (D = diag R_i, L the poll→state incidence, Q the random
// walk's precision, tridiagonal):
//
//	ℓ(σ, τ) = −½ [ (N − k) log 2π + log|Σ| + log|XᵀΣ⁻¹X| + yᵀΣ⁻¹y − sᵀS⁻¹s ]
//	S = XᵀΣ⁻¹X,  s = XᵀΣ⁻¹y.
//
// Days without polls are collapsed. The states are the walk at the nodes:
// day 0, every day an observation measures, and the last day. Between two
// nodes g days apart the walk moves by one step of variance g·σ² (the sum
// of g daily steps), so Q is the tridiagonal precision of a walk with
// unequal steps and Σ — hence ℓ — is exactly that of the daily model: an
// evaluation costs O(D) in the D nodes, not O(T) in the days, which is
// what makes a few polls over centuries as cheap as over months. The days
// between nodes are filled in only for the outputs: given the nodes the
// walk between them is a Brownian bridge, so the smoothed mean is the
// linear interpolation of the nodes' means and the variance adds the
// bridge's σ²(t − a)(b − t)/(b − a) to the interpolated covariance
// (smooth), and a path is drawn node by node and then bridge by bridge
// (drawPath). The field-averaged model (banded.go) keeps every day a node.
//
// By the Woodbury identity with M = Q + LᵀD⁻¹L (tridiagonal, D − 1 nodes),
//
//	log|Σ| = Σ log R_i + log|M| + Σ_j log(g_j σ²)
//	XᵀΣ⁻¹X = XᵀD⁻¹X − UᵀM⁻¹U,  U = LᵀD⁻¹X   (per-node sums of x_i/R_i)
//
// so one evaluation is a tridiagonal LDLᵀ factorisation fused with the
// forward substitution of [U b], one backward substitution that
// accumulates G = [U b]ᵀM⁻¹[U b] over the non-zeros of [U b] (one per
// node and house polled, its upper triangle only) while each row is in
// cache, and a k×k Cholesky: no dense (J+1)² update per poll, and no
// allocation. The result is de Jong's diffuse likelihood, which equals the
// exact diffuse likelihood of Durbin & Koopman (2012, §7.2) up to a
// constant that does not depend on σ or τ, so both give the same estimates
// (statsmodels uses the latter).
//
// The smoother follows from the same quantities: γ̂ = S⁻¹s with covariance
// S⁻¹; w | β, y ~ N(M⁻¹(b − Uβ), M⁻¹) with b = LᵀD⁻¹y.

// uEntry is one non-zero of the extended per-node matrix [U b]: node t,
// column col (0 level, 1+h house h, nFull for b), value val.
type uEntry struct {
	t, col int32
	val    float64
}

// core evaluates the likelihood and the smoother for one set of
// observations and one identification. It keeps workspace between calls
// and is not safe for concurrent use; it allocates nothing per evaluation
// once built.
type core struct {
	o *observations
	c constraint
	// tauOf[h] is the index into the τ vector for house h (−1: no τ).
	// Anchors never get τ.
	tauOf []int

	n   int // number of random-walk states: nodes 1..n (node 0 is day 0, w₀ = 0)
	K   int // nFull + 1: columns of [U b]
	nth int // number of τ parameters

	// Nodes (see the top of the file): node j is day nodeDay[j], gap[j]
	// days after node j − 1 (gap[0], igap[0] unused); obsNode[i] is the node of
	// observation i; sumLogGap = Σ_j log gap[j]. With field spans
	// (banded.go) every day is a node.
	nodeDay   []int
	gap, igap []float64 // and 1/gap
	igap2     []float64 // 1/gap²: the pivots' chain multiplies q_t² by this, off its critical path
	obsNode   []int32
	sumLogGap float64

	// Quantities that depend on τ only (refreshed by setTau).
	tauCached []float64
	tauValid  bool
	sumLogR   float64
	xdx       []float64 // nFull×nFull, XᵀD⁻¹X in the full basis
	xdy       []float64 // nFull
	ydy       float64
	dsum      []float64 // per node, Σ 1/R_i over that node's polls
	entries   []uEntry  // non-zeros of [U b] for nodes ≥ 1, by node (setSparsity)
	estart    []int32   // entries of node t: entries[estart[t]:estart[t+1]] (tridiagonal path)
	obsEntry  []int32   // per observation: its house's entry (setSparsity)
	bEntry    []int32   // per node: b's entry, the level's just before it; −1 without polls

	// Workspace for one evaluation.
	id    []float64 // LDLᵀ factor of M = LDLᵀ: 1/d_t
	rid   []float64 // 1/√d_t
	sub   []float64 // unit lower bidiagonal L: L_{t,t−1}
	z     []float64 // nodes×K (node 0 unused; by columns when dense, else by rows): Ỹ = D^(−½)L⁻¹[U b] after eval, M⁻¹[U b] after solveZ
	zIsY  bool      // z holds Ỹ (the banded path leaves M⁻¹[U b])
	dense bool      // G = ỸᵀỸ by dot products of z's columns, and z stored by columns (chooseGram); else by rows
	yrow  []float64 // K: the current row of Y in eval's forward pass
	zrow  []float64 // 2×K: rows of M⁻¹[U b] in eval's backward pass
	path  []float64 // per node: nodePath's result
	noise []float64 // per node: nodePath's normal draws
	uCols []float64 // dense path: [U b] by columns at τ = uTau (denseColumns)
	uTau  []float64
	uZero []float64 // the dense loops' padding (padDense): a zero column of [U b]
	zPad  []float64 // and scratch for its result

	// bridgeStep[r] = 1/r and bridgeSD[r] = √((r − 1)/r) for the Brownian
	// bridges of a drawn path, and the nodes after a gap (fillDays); built
	// at its first call.
	bridgeStep, bridgeSD []float64
	afterGap             []int32
	g                    []float64 // K×K: [U b]ᵀ M⁻¹ [U b]
	sfull                []float64 // nFull×nFull
	s                    []float64 // k×k, then its Cholesky factor
	rhs                  []float64 // k
	tmp                  []float64 // k
	sigma2               float64
	ll                   float64
	ok                   bool // S positive definite

	sw scoreWork // scores' workspace
	// covInverseM's tridiagonal of M⁻¹, taken from the pools at its first
	// call and kept with the core, so that calls in a loop take no more.
	minvDiag, minvOff []float64

	wobs    []float64 // per observation: 1/R_i at the τ of the last setTau (tridiagonal path)
	tauWork []float64 // setTau's per-house workspace

	// mem holds the arrays above taken from the pools (scratch.go),
	// given back by release.
	mem scratch

	// band is the banded factorisation used for field-averaged polls
	// (banded.go); nil for the midpoint model's tridiagonal M.
	band *bandCore
}

// newCore prepares the evaluation of o under identification c with τ
// groups tauOf (nil: no τ).
func newCore(o *observations, c constraint, tauOf []int, nTau int) *core {
	nFull := c.nFull
	k := c.k()
	cr := &core{o: o, c: c, tauOf: tauOf, nth: nTau, K: nFull + 1}
	cr.setNodes()
	D := len(cr.nodeDay)
	cr.igap, cr.igap2 = cr.mem.float64s(D), cr.mem.float64s(D)
	for j := 1; j < D; j++ {
		cr.igap[j] = 1 / cr.gap[j]
		cr.igap2[j] = cr.igap[j] * cr.igap[j]
	}
	cr.n = D - 1
	cr.xdx = make([]float64, nFull*nFull)
	cr.xdy = make([]float64, nFull)
	cr.dsum = cr.mem.float64s(D)
	cr.estart = cr.mem.int32s(D + 1)
	cr.id = cr.mem.float64s(D)
	cr.sub = cr.mem.float64s(D)
	cr.rid = cr.mem.float64s(D)
	cr.z = cr.mem.float64s(D * cr.K)
	cr.yrow = make([]float64, cr.K)
	cr.zrow = make([]float64, 2*cr.K)
	cr.path = cr.mem.float64s(D)
	cr.g = make([]float64, cr.K*cr.K)
	cr.sfull = make([]float64, nFull*nFull)
	cr.s = make([]float64, k*k)
	cr.rhs = make([]float64, k)
	cr.tmp = make([]float64, k)
	cr.tauCached = make([]float64, nTau)
	if o.first != nil {
		cr.band = newBandCore(cr)
	} else {
		cr.setSparsity()
	}
	return cr
}

// release gives the core's pooled arrays back (scratch.go) and clears
// the core, so that a use after it fails rather than reads another fit's
// numbers.
func (cr *core) release() {
	cr.mem.release()
	*cr = core{}
}

// setNodes chooses the nodes: day 0, the observations' days and the last
// day (every day with field spans).
func (cr *core) setNodes() {
	o := cr.o
	T := o.nDays
	if o.first != nil {
		cr.nodeDay = take(&cr.mem, &intPool, T)
		cr.gap = cr.mem.float64s(T)
		for t := range T {
			cr.nodeDay[t], cr.gap[t] = t, 1
		}
		return
	}
	cr.obsNode = cr.mem.int32s(len(o.day))
	// At most one node a day, or one an observation, and the two ends:
	// sized once rather than grown (ten copies for the peers' 740 nodes).
	cr.nodeDay = take(&cr.mem, &intPool, min(T, len(o.day))+2)[:1]
	for i, d := range o.day {
		if d != cr.nodeDay[len(cr.nodeDay)-1] {
			cr.nodeDay = append(cr.nodeDay, d)
		}
		cr.obsNode[i] = int32(len(cr.nodeDay) - 1)
	}
	if last := T - 1; last > cr.nodeDay[len(cr.nodeDay)-1] {
		cr.nodeDay = append(cr.nodeDay, last)
	}
	cr.gap = cr.mem.float64s(len(cr.nodeDay))
	for j := 1; j < len(cr.nodeDay); j++ {
		g := cr.nodeDay[j] - cr.nodeDay[j-1]
		cr.gap[j] = float64(g)
		if g > 1 {
			cr.sumLogGap += math.Log(float64(g))
		}
	}
}

// variance returns R_i = s_i² + τ²_{group(h(i))}.
func (cr *core) variance(i int, tau []float64) float64 {
	return cr.o.variance(i, tau, cr.tauOf)
}

// setTau refreshes the τ-dependent sums.
func (cr *core) setTau(tau []float64) {
	if cr.tauValid {
		same := true
		for i, v := range tau {
			if cr.tauCached[i] != v {
				same = false
				break
			}
		}
		if same {
			return
		}
	}
	copy(cr.tauCached, tau)
	cr.tauValid = true
	if cr.band != nil {
		cr.setTauBanded(tau)
		return
	}
	o := cr.o
	nFull := cr.c.nFull
	clear(cr.xdx)
	clear(cr.xdy)
	clear(cr.dsum)
	for e := range cr.entries {
		cr.entries[e].val = 0
	}
	J := nFull - 1
	if cr.wobs == nil {
		cr.wobs = cr.mem.float64s(len(o.y))
		cr.tauWork = make([]float64, 3*J)
	}
	// Per house: τ² (0 without one), and the sums of w and yw.
	t2, hw, hyw := cr.tauWork[:J], cr.tauWork[J:2*J], cr.tauWork[2*J:]
	clear(cr.tauWork)
	for h := range t2 {
		if cr.tauOf != nil && cr.tauOf[h] >= 0 {
			t := tau[cr.tauOf[h]]
			t2[h] = t * t
		}
	}
	// Σ log R_i is accumulated as a product (logProduct: one log at the
	// end, not one per poll: this runs at every τ the search tries). The
	// sums over all polls and over a node's polls (which are consecutive)
	// are kept in registers, the houses' in their own short arrays: added
	// into the core's arrays poll by poll, each poll waited on the
	// previous one's store (the refresh was a fifth of the τ search).
	logR := logProduct{mant: 1}
	ydy, xdy0 := 0.0, 0.0
	curT, nodeW, nodeYW := int32(-1), 0.0, 0.0
	entries, bEntry, obsEntry := cr.entries, cr.bEntry, cr.obsEntry
	flush := func() {
		if curT >= 0 {
			cr.dsum[curT] += nodeW
			if curT > 0 {
				entries[bEntry[curT]].val += nodeYW
			}
		}
	}
	for i, y := range o.y {
		r := o.s2[i]
		h := o.house[i]
		if h >= 0 {
			r += t2[h]
		}
		w := 1 / r
		cr.wobs[i] = w
		logR.mul(r)
		ydy += y * y * w
		yw := y * w
		xdy0 += yw
		if t := cr.obsNode[i]; t != curT {
			flush()
			curT, nodeW, nodeYW = t, 0, 0
		}
		nodeW += w
		nodeYW += yw
		if h >= 0 {
			hw[h] += w
			hyw[h] += yw
			if e := obsEntry[i]; e >= 0 {
				entries[e].val += w
			}
		}
	}
	flush()
	cr.xdy[0] = xdy0
	for h := range J {
		a := 1 + h
		cr.xdx[a*nFull+a] = hw[h]
		cr.xdy[a] = hyw[h]
	}
	cr.ydy = ydy
	for t := 1; t <= cr.n; t++ {
		if e := cr.bEntry[t]; e >= 0 {
			cr.entries[e-1].val = cr.dsum[t] // the level's entry precedes b's
		}
	}
	// XᵀD⁻¹X: the level row and column hold each house's total weight.
	for _, w := range cr.dsum {
		cr.xdx[0] += w
	}
	for a := 1; a < nFull; a++ {
		cr.xdx[a] = cr.xdx[a*nFull+a]
		cr.xdx[a*nFull] = cr.xdx[a*nFull+a]
	}
	cr.sumLogR = logR.log()
}

// setSparsity lays out the non-zeros of [U b] once (they do not depend on
// τ): per node with polls, one entry per house polled, in order of first
// appearance, then the level's and b's; obsEntry[i] is the entry of
// observation i's house at its node (−1 on node 0 and for anchors) and
// bEntry[t] that of b at node t (−1 without polls), so that setTau only
// adds weights into place.
func (cr *core) setSparsity() {
	o := cr.o
	nFull := cr.c.nFull
	cr.obsEntry = cr.mem.int32s(len(o.y))
	cr.bEntry = cr.mem.int32s(cr.n + 1)
	for t := range cr.bEntry {
		cr.bEntry[t] = -1
	}
	// At most one entry per observation and two per node: one allocation.
	cr.entries = take(&cr.mem, &entryPool, len(o.day)+2*(cr.n+1))[:0]
	node := 0
	for start := 0; start < len(o.day); {
		t := int(cr.obsNode[start])
		end := start
		for end < len(o.day) && int(cr.obsNode[end]) == t {
			end++
		}
		for ; node <= t; node++ {
			cr.estart[node] = int32(len(cr.entries))
		}
		first := len(cr.entries)
		for i := start; i < end; i++ {
			cr.obsEntry[i] = -1
			h := o.house[i]
			if h < 0 || t == 0 {
				continue
			}
			a := int32(1 + h)
			e := first
			for e < len(cr.entries) && cr.entries[e].col != a {
				e++
			}
			if e == len(cr.entries) {
				cr.entries = append(cr.entries, uEntry{t: int32(t), col: a})
			}
			cr.obsEntry[i] = int32(e)
		}
		if t > 0 {
			cr.entries = append(cr.entries, uEntry{t: int32(t), col: 0}, uEntry{t: int32(t), col: int32(nFull)})
			cr.bEntry[t] = int32(len(cr.entries) - 1)
		}
		start = end
	}
	for ; node <= cr.n+1; node++ {
		cr.estart[node] = int32(len(cr.entries))
	}
	cr.chooseGram()
}

// eval computes the diffuse log-likelihood at σ (daily innovation sd) and
// τ (one value per τ group), leaving the factorisations in the workspace
// for smooth. It returns −Inf when the constants are not identified by the
// data (S singular).
func (cr *core) eval(sigma float64, tau []float64) float64 {
	if cr.band != nil {
		return cr.evalBanded(sigma, tau)
	}
	cr.setTau(tau)
	K := cr.K
	n := cr.n
	s2 := sigma * sigma
	cr.sigma2 = s2
	cr.zIsY = true
	clear(cr.g)
	// log|M| = Σ log d_t as a product (logProduct): a log per node was a
	// tenth of an evaluation's cost.
	logDet := logProduct{mant: 1}
	if n > 0 && cr.dense {
		// Few columns (chooseGram): the factorisation's chain of divisions
		// and the columns' substitutions apart, several columns at a time
		// (30% faster on the peers' data than fused with the scattered
		// rows of [U b] below; fusing the first four columns into
		// factorM's loop was no faster either).
		if !cr.factorM(s2, &logDet) {
			cr.ok = false
			return math.Inf(-1)
		}
		cr.forwardDense()
	} else if n > 0 {
		inv := 1 / s2
		z, entries, estart, igap, y := cr.z, cr.entries, cr.estart, cr.igap, cr.yrow
		// LDLᵀ of M = Q + diag(dsum) on nodes 1..n, q_t = 1/(gap_t σ²)
		// the precision of step t, fused with the forward substitution
		// Y = L⁻¹[U b] (row t of [U b] scattered from its entries), stored
		// scaled by 1/√d_t by rows: Ỹ = D^(−½)Y, so that G = YᵀD⁻¹Y =
		// ỸᵀỸ.
		idPrev, qNext := 0.0, inv*igap[1]
		clear(y)
		for t := 1; t <= n; t++ {
			q := qNext
			qNext = 0
			if t < n {
				qNext = inv * igap[t+1]
			}
			d := q + qNext + cr.dsum[t]
			if t > 1 {
				m := -q * idPrev
				cr.sub[t] = m
				d += m * q
				for a := range y {
					y[a] *= -m
				}
			}
			for _, e := range entries[estart[t]:estart[t+1]] {
				y[e.col] += e.val
			}
			if !(d > 0) {
				cr.ok = false
				return math.Inf(-1)
			}
			id := 1 / d
			rid := math.Sqrt(id)
			idPrev = id
			cr.id[t], cr.rid[t] = id, rid
			logDet.mul(d)
			row := z[t*K : t*K+K]
			row = row[:len(y)]
			for a, v := range y {
				row[a] = v * rid
			}
		}
	}
	if n > 0 {
		D := n + 1
		z, g, entries, estart := cr.z, cr.g, cr.entries, cr.estart
		if cr.dense {
			// G = ỸᵀỸ: row a of its upper triangle is columns a..K−1 of
			// Ỹ times column a, a matrix–vector product (gonum's assembly
			// kernel, which takes four columns against one load of column
			// a, where a dot product per element loaded it each time),
			// over blocks of gramBlock nodes: whole columns of a
			// long series (100,000 nodes: 22 columns of 800 kB) left the
			// cache between one product and the next, and the products
			// waited on memory.
			for lo := 1; lo < D; lo += gramBlock {
				hi := min(lo+gramBlock, D)
				for a := range K {
					gonumblas.Implementation{}.Dgemv(blas.NoTrans, K-a, hi-lo, 1, z[a*D+lo:], D, z[a*D+lo:a*D+hi], 1, 1, g[a*K+a:a*K+K], 1)
				}
			}
		} else {
			// Ỹ by rows here: many columns by columns would touch a page
			// each per node. Z = L⁻ᵀD⁻½Ỹ from the last node back, one row
			// at a time (Ỹ stays in z for the smoother and the sampler); each row's
			// entries add their part of G's upper triangle, G_ab =
			// Σ_t U_ta Z_tb for b ≥ a.
			cur, next := cr.zrow[:K], cr.zrow[K:]
			for t := n; t >= 1; t-- {
				rid := cr.rid[t]
				y := z[t*K : t*K+K]
				y = y[:len(cur)]
				if t < n {
					m := cr.sub[t+1]
					next = next[:len(cur)]
					for a := range cur {
						cur[a] = y[a]*rid - m*next[a]
					}
				} else {
					for a := range cur {
						cur[a] = y[a] * rid
					}
				}
				for _, e := range entries[estart[t]:estart[t+1]] {
					c := int(e.col)
					gr := g[c*K+c : c*K+K]
					zr := cur[c:]
					zr = zr[:len(gr)]
					v := e.val
					for b := range gr {
						gr[b] += v * zr[b]
					}
				}
				cur, next = next, cur
			}
		}
		cr.symmetrizeG()
	}
	return cr.finish(s2, logDet.log())
}

// gramBlock is the number of nodes over which eval's dense path takes
// its column products at a time: K columns of that many nodes (8 kB
// each) stay in a core's cache, and a series of fewer nodes (the Russian
// and the peers' data) is one block, summed as before.
const gramBlock = 1024

// factorM is the dense path's LDLᵀ factorisation of M = Q + diag(dsum) on
// nodes 1..n at σ² = s2, q_t = 1/(gap_t σ²) the precision of step t: the
// multipliers into sub, 1/d_t and 1/√d_t into id and rid, and Σ log d_t
// into logDet. forwardDense then substitutes the K columns of [U b] in
// independent chains. It returns false when M is not positive definite.
//
// The pivots are a chain, d_t = c_t − e_t/d_{t−1} with c_t = q_t + q_{t+1}
// + dsum_t and e_t = q_t², whose latency (a division a node) bounded the
// loop. It is taken two nodes a step: d_t from 1/d_{t−1} by a fused
// multiply-add, then δ = c_{t+1}·d_t − e_{t+1} = d_t·d_{t+1} and 1/d_{t+1}
// = d_t/δ — one division on the chain for two nodes, 1/d_t beside it, and
// δ the pair's factor of the determinant (BenchmarkPartsFactorM, the
// peers' 740 nodes: 8.1 µs a node at a time with two multiplies, 3.8 µs
// so). The pivots agree with a node at a time's to 1e-14 there, and to
// 2e-10 on the Russian series (their recurrence carries rounding far
// along long chains); that difference once sent a τ search into a null
// step it repeated to its cap (quasiNewton now stops there). From the
// first pair that is not positive, or whose product overflows, the rest
// is taken a node at a time, which finds where M stops being positive
// definite; so is all of it when q² would overflow
// (σ below about 1e-77), where a node's step computes e_t/d_{t−1} as
// q_t·(q_t/d_{t−1}).
func (cr *core) factorM(s2 float64, logDet *logProduct) bool {
	n := cr.n
	inv := 1 / s2
	inv2 := inv * inv
	igap, igap2, dsum := cr.igap[:n+1], cr.igap2[:n+1], cr.dsum[:n+1]
	sub, id, rid := cr.sub[:n+1], cr.id[:n+1], cr.rid[:n+1]
	q := func(t int) float64 { // q_t, 0 past the last node
		if t > n {
			return 0
		}
		return inv * igap[t]
	}
	// node takes node t alone, from idPrev = 1/d_{t−1} (0 before node 1,
	// which has no step into it), and returns 1/d_t. idPrev is passed, not
	// captured: a captured variable lives in memory, and the pairs' chain
	// went through it.
	node := func(t int, idPrev float64) (float64, bool) {
		qt := q(t)
		m := -qt * idPrev
		sub[t] = m
		d := qt + q(t+1) + dsum[t] + m*qt
		if !(d > 0) {
			return 0, false
		}
		idt := 1 / d
		id[t], rid[t] = idt, math.Sqrt(idt)
		logDet.mul(d)
		return idt, true
	}
	idPrev, ok := 0.0, true
	t := 1
	if n >= 1 {
		if idPrev, ok = node(1, 0); !ok {
			return false
		}
		t = 2
	}
	if inv2 <= math.MaxFloat64 { // e_t = inv²/gap_t² ≤ inv² is finite
		for ; t+1 <= n; t += 2 {
			q0, q1, q2 := inv*igap[t], inv*igap[t+1], q(t+2)
			dt := math.FMA(-inv2*igap2[t], idPrev, q0+q1+dsum[t])
			pair := math.FMA(q1+q2+dsum[t+1], dt, -inv2*igap2[t+1])
			if !(dt > 0 && pair > 0 && pair <= math.MaxFloat64) {
				break
			}
			sub[t] = -q0 * idPrev
			idt := 1 / dt
			idPrev = dt / pair
			sub[t+1] = -q1 * idt
			id[t], rid[t] = idt, math.Sqrt(idt)
			id[t+1], rid[t+1] = idPrev, math.Sqrt(idPrev)
			logDet.mul(pair)
		}
	}
	for ; t <= n; t++ {
		if idPrev, ok = node(t, idPrev); !ok {
			return false
		}
	}
	return true
}

// forwardDense is the dense path's forward substitution Ỹ = D^(−½)L⁻¹[U b]
// into z by columns, from factorM's L and D and [U b] by columns
// (denseColumns). Each column is a first-order recurrence, y_t = u_t −
// L_{t,t−1}·y_{t−1}, whose latency bounds a column at a time: columns
// run side by side, eight at a time while more than four are left, then
// the last one to four in a loop of four (zero columns pad both): the
// peers' seven columns as one group of eight, 4.8 µs, against 5.6 µs as
// two groups of four (BenchmarkPartsForwardDense).
func (cr *core) forwardDense() {
	n, D, K := cr.n, cr.n+1, cr.K
	u := cr.denseColumns()
	cr.padDense()
	// Columns past K: u reads zeros, z writes to scratch.
	col := func(x []float64, a int, pad []float64) []float64 {
		if a < K {
			return x[a*D : a*D+D]
		}
		return pad[:D]
	}
	sub, rid := cr.sub[:D], cr.rid[:D]
	a := 0
	for ; K-a > 4; a += 8 {
		u0, u1, u2, u3 := col(u, a, cr.uZero), col(u, a+1, cr.uZero), col(u, a+2, cr.uZero), col(u, a+3, cr.uZero)
		u4, u5, u6, u7 := col(u, a+4, cr.uZero), col(u, a+5, cr.uZero), col(u, a+6, cr.uZero), col(u, a+7, cr.uZero)
		z0, z1, z2, z3 := col(cr.z, a, cr.zPad), col(cr.z, a+1, cr.zPad), col(cr.z, a+2, cr.zPad), col(cr.z, a+3, cr.zPad)
		z4, z5, z6, z7 := col(cr.z, a+4, cr.zPad), col(cr.z, a+5, cr.zPad), col(cr.z, a+6, cr.zPad), col(cr.z, a+7, cr.zPad)
		y0, y1, y2, y3, y4, y5, y6, y7 := u0[1], u1[1], u2[1], u3[1], u4[1], u5[1], u6[1], u7[1]
		r := rid[1]
		z0[1], z1[1], z2[1], z3[1] = y0*r, y1*r, y2*r, y3*r
		z4[1], z5[1], z6[1], z7[1] = y4*r, y5*r, y6*r, y7*r
		for t := 2; t <= n; t++ {
			m := -sub[t]
			y0 = y0*m + u0[t]
			y1 = y1*m + u1[t]
			y2 = y2*m + u2[t]
			y3 = y3*m + u3[t]
			y4 = y4*m + u4[t]
			y5 = y5*m + u5[t]
			y6 = y6*m + u6[t]
			y7 = y7*m + u7[t]
			r := rid[t]
			z0[t], z1[t], z2[t], z3[t] = y0*r, y1*r, y2*r, y3*r
			z4[t], z5[t], z6[t], z7[t] = y4*r, y5*r, y6*r, y7*r
		}
	}
	if a >= K {
		return
	}
	u0, u1, u2, u3 := col(u, a, cr.uZero), col(u, a+1, cr.uZero), col(u, a+2, cr.uZero), col(u, a+3, cr.uZero)
	z0, z1, z2, z3 := col(cr.z, a, cr.zPad), col(cr.z, a+1, cr.zPad), col(cr.z, a+2, cr.zPad), col(cr.z, a+3, cr.zPad)
	y0, y1, y2, y3 := u0[1], u1[1], u2[1], u3[1]
	r := rid[1]
	z0[1], z1[1], z2[1], z3[1] = y0*r, y1*r, y2*r, y3*r
	for t := 2; t <= n; t++ {
		m := -sub[t]
		y0 = y0*m + u0[t]
		y1 = y1*m + u1[t]
		y2 = y2*m + u2[t]
		y3 = y3*m + u3[t]
		r := rid[t]
		z0[t], z1[t], z2[t], z3[t] = y0*r, y1*r, y2*r, y3*r
	}
}

// denseColumns returns [U b] by columns, column a at a·(n+1) (node 0
// unused), for forwardDense; they depend on τ only, and are rebuilt from
// the entries when setTau has moved τ since.
func (cr *core) denseColumns() []float64 {
	if cr.uCols != nil && slices.Equal(cr.uTau, cr.tauCached) {
		return cr.uCols
	}
	D := cr.n + 1
	if cr.uCols == nil {
		cr.uCols = cr.mem.float64s(D * cr.K)
	}
	clear(cr.uCols)
	for _, e := range cr.entries {
		cr.uCols[int(e.col)*D+int(e.t)] += e.val
	}
	cr.uTau = append(cr.uTau[:0], cr.tauCached...)
	return cr.uCols
}

// chooseGram decides how eval accumulates G once the sparsity of [U b] is
// known: densely from Y (K(K+1)/2 multiply-adds a node, by gonum's
// matrix–vector kernel) or over the entries of [U b] in a second, backward
// pass (2K a node for the substitution and about K/2 per entry, with more
// overhead per entry than the dense loop has per element). The weights
// were measured when the dense loop took four rows at a time, which cost
// about 0.3 of the sparse path's unit a multiply-add; the dense path has
// become faster since (the Gram rows through gonum, the substitutions
// eight columns at a time), so the weights now favour the sparse path a
// little more than they should. Few houses, or many polled most days (the
// peers' five; 20 houses with ten polls a day), favour the dense form;
// many houses polled a few at a time (FiveThirtyEight's 92) the sparse
// one.
func (cr *core) chooseGram() {
	if cr.n == 0 {
		return
	}
	K := float64(cr.K)
	perNode := float64(len(cr.entries)) / float64(cr.n)
	cr.dense = 0.3*K*(K+1)/2 <= 3*K+perNode*(K/4+4)
	if cr.dense {
		cr.padDense()
	}
}

// padDense allocates the padding of the dense path's loops of eight and
// four (forwardDense, solveZ): a zero column of [U b] and scratch for its
// result. chooseGram calls it when it picks the dense path, and the loops
// themselves when the path was set otherwise, so that neither depends on
// the other or on chooseGram having run.
func (cr *core) padDense() {
	if cr.uZero == nil {
		cr.uZero, cr.zPad = cr.mem.float64s(cr.n+1), cr.mem.float64s(cr.n+1)
	}
}

// solveZ turns Ỹ = D^(−½)L⁻¹[U b], which eval leaves in z, into Z =
// M⁻¹[U b] = L⁻ᵀD^(−½)Ỹ (the smoother's rows), in place.
func (cr *core) solveZ() {
	if !cr.zIsY {
		return
	}
	n, D, K := cr.n, cr.n+1, cr.K
	if cr.dense && n > 0 {
		cr.padDense()
		// Eight columns at a time, then the rest in a loop of four, as
		// forwardDense: each column's recursion is a chain
		// of dependent multiply-adds, and chains side by side keep the
		// multipliers busy (one at a time, this was a quarter of the τ
		// search's gradient).
		col := func(a int) []float64 {
			if a < K {
				return cr.z[a*D : a*D+D]
			}
			return cr.zPad[:D]
		}
		sub, rid := cr.sub[:D], cr.rid[:D]
		a := 0
		for ; K-a > 4; a += 8 {
			z0, z1, z2, z3 := col(a), col(a+1), col(a+2), col(a+3)
			z4, z5, z6, z7 := col(a+4), col(a+5), col(a+6), col(a+7)
			r := rid[n]
			y0, y1, y2, y3 := z0[n]*r, z1[n]*r, z2[n]*r, z3[n]*r
			y4, y5, y6, y7 := z4[n]*r, z5[n]*r, z6[n]*r, z7[n]*r
			z0[n], z1[n], z2[n], z3[n] = y0, y1, y2, y3
			z4[n], z5[n], z6[n], z7[n] = y4, y5, y6, y7
			for t := n - 1; t >= 1; t-- {
				r, m := rid[t], sub[t+1]
				y0 = z0[t]*r - m*y0
				y1 = z1[t]*r - m*y1
				y2 = z2[t]*r - m*y2
				y3 = z3[t]*r - m*y3
				y4 = z4[t]*r - m*y4
				y5 = z5[t]*r - m*y5
				y6 = z6[t]*r - m*y6
				y7 = z7[t]*r - m*y7
				z0[t], z1[t], z2[t], z3[t] = y0, y1, y2, y3
				z4[t], z5[t], z6[t], z7[t] = y4, y5, y6, y7
			}
		}
		if a < K {
			z0, z1, z2, z3 := col(a), col(a+1), col(a+2), col(a+3)
			r := rid[n]
			y0, y1, y2, y3 := z0[n]*r, z1[n]*r, z2[n]*r, z3[n]*r
			z0[n], z1[n], z2[n], z3[n] = y0, y1, y2, y3
			for t := n - 1; t >= 1; t-- {
				r, m := rid[t], sub[t+1]
				y0 = z0[t]*r - m*y0
				y1 = z1[t]*r - m*y1
				y2 = z2[t]*r - m*y2
				y3 = z3[t]*r - m*y3
				z0[t], z1[t], z2[t], z3[t] = y0, y1, y2, y3
			}
		}
	} else if !cr.dense {
		for t := n; t >= 1; t-- {
			row := cr.z[t*K : t*K+K]
			rid := cr.rid[t]
			if t < n {
				next := cr.z[(t+1)*K : (t+2)*K]
				next = next[:len(row)]
				m := cr.sub[t+1]
				for a := range row {
					row[a] = row[a]*rid - m*next[a]
				}
			} else {
				for a := range row {
					row[a] *= rid
				}
			}
		}
	}
	cr.zIsY = false
}

// nodePath returns, in workspace, β₀ + w_j for every node j with
// w = M⁻¹(b − Uβ) + L⁻ᵀD^(−½)ξ, ξ_j ~ N(0, 1) from rng, drawn from the last
// node back; with rng nil (ξ = 0) it is the smoothed level on the nodes
// given the full constants beta. Drawing needs the tridiagonal path.
func (cr *core) nodePath(beta []float64, rng *chainRand) []float64 {
	nFull := cr.c.nFull
	n, D := cr.n, cr.n+1
	x := cr.path
	// r = column b − Σ_a β_a·column a of z: (b − Uβ) in the basis of z.
	if cr.dense {
		// One pass of gonum's matrix–vector kernel (four columns a
		// load of x) rather than a pass over x per column.
		copy(x, cr.z[nFull*D:nFull*D+D])
		if nFull > 0 && n > 0 {
			gonumblas.Implementation{}.Dgemv(blas.Trans, nFull, n, -1, cr.z[1:], D, beta[:nFull], 1, 1, x[1:D], 1)
		}
	} else {
		K := cr.K
		for t := 1; t <= n; t++ {
			row := cr.z[t*K : t*K+K]
			x[t] = row[nFull] - floats.Dot(row[:nFull], beta)
		}
	}
	x[0] = 0
	// ξ_t for t = n … 1, drawn in that order (xi[n−t]) and in one batch.
	var xi []float64
	if rng != nil {
		if len(cr.noise) < n {
			cr.noise = make([]float64, n)
		}
		xi = rng.normals(cr.noise[:n])
	}
	if !cr.zIsY {
		// Z (after smooth, or the banded path): r is the mean; add
		// L⁻ᵀD^(−½)ξ.
		noise := 0.0
		for t := n; t >= 1 && rng != nil; t-- {
			v := xi[n-t] * cr.rid[t]
			if t < n {
				v -= cr.sub[t+1] * noise
			}
			noise = v
			x[t] += noise
		}
	} else {
		// Ỹ: w = L⁻ᵀc with c_t = (r_t + ξ_t)/√d_t.
		w := 0.0
		for t := n; t >= 1; t-- {
			c := x[t]
			if rng != nil {
				c += xi[n-t]
			}
			c *= cr.rid[t]
			if t < n {
				c -= cr.sub[t+1] * w
			}
			w = c
			x[t] = w
		}
	}
	for t := range x {
		x[t] += beta[0]
	}
	return x
}

// gramFromZ computes G = [U b]ᵀZ from Z = M⁻¹[U b] (by rows) over the
// non-zeros of [U b] (the banded path; eval fuses this into its backward
// substitution).
func (cr *core) gramFromZ() {
	K := cr.K
	clear(cr.g)
	for _, e := range cr.entries {
		c, t := int(e.col), int(e.t)
		row := cr.z[t*K+c : t*K+K]
		gr := cr.g[c*K+c : c*K+K]
		gr = gr[:len(row)]
		v := e.val
		for b, z := range row {
			gr[b] += v * z
		}
	}
	cr.symmetrizeG()
}

// symmetrizeG copies G's upper triangle into its lower one.
func (cr *core) symmetrizeG() {
	K := cr.K
	for a := 1; a < K; a++ {
		for b := 0; b < a; b++ {
			cr.g[a*K+b] = cr.g[b*K+a]
		}
	}
}

// finish completes eval once Z = M⁻¹[U b] and G = [U b]ᵀZ are in the
// workspace and log|M| is known (shared by the tridiagonal and the banded
// paths): the reduced S and s, the Cholesky factor of S and the
// log-likelihood.
func (cr *core) finish(s2, logDetM float64) float64 {
	o := cr.o
	K := cr.K
	nFull := cr.c.nFull
	k := cr.c.k()
	n := cr.n
	// Full-basis S and s, then reduce to the free constants.
	for a := 0; a < nFull; a++ {
		for b := 0; b < nFull; b++ {
			cr.sfull[a*nFull+b] = cr.xdx[a*nFull+b] - cr.g[a*K+b]
		}
	}
	q := cr.ydy - cr.g[nFull*K+nFull]
	c := &cr.c
	for i, ai := range c.free {
		for j, aj := range c.free {
			v := cr.sfull[ai*nFull+aj]
			if c.dep >= 0 {
				v += c.coef[i]*cr.sfull[c.dep*nFull+aj] + c.coef[j]*cr.sfull[ai*nFull+c.dep] +
					c.coef[i]*c.coef[j]*cr.sfull[c.dep*nFull+c.dep]
			}
			cr.s[i*k+j] = v
		}
		v := cr.xdy[ai] - cr.g[ai*K+nFull]
		if c.dep >= 0 {
			v += c.coef[i] * (cr.xdy[c.dep] - cr.g[c.dep*K+nFull])
		}
		cr.rhs[i] = v
	}
	logDetS, ok := cholesky(cr.s, k)
	cr.ok = ok
	if !ok {
		return math.Inf(-1)
	}
	// sᵀS⁻¹s = |L⁻¹s|².
	copy(cr.tmp, cr.rhs)
	forwardSub(cr.s, k, cr.tmp)
	quad := 0.0
	for _, v := range cr.tmp {
		quad += v * v
	}
	nObs := len(o.y)
	// −log|Q| = Σ_j log(gap_j σ²) over the n steps.
	logQinv := float64(n)*math.Log(s2) + cr.sumLogGap
	ll := -0.5 * (float64(nObs-k)*math.Log(2*math.Pi) + cr.sumLogR + logQinv + logDetM + logDetS + q - quad)
	cr.ll = ll
	return ll
}

// smoothed holds the smoothed estimates of one fit.
type smoothed struct {
	mean, sd []float64 // latent level per day
	gamma    []float64 // free constants
	cov      []float64 // k×k covariance of gamma
	beta     []float64 // full constants: level on day 0, then house effects
	houseSD  []float64 // per house
}

// smooth returns the smoothed estimates at the σ, τ of the last eval
// (which must have succeeded).
func (cr *core) smooth() smoothed {
	k := cr.c.k()
	nFull := cr.c.nFull
	var out smoothed
	// γ̂ = S⁻¹s and V = S⁻¹ from the Cholesky factor left by eval.
	out.gamma = append([]float64(nil), cr.rhs...)
	forwardSub(cr.s, k, out.gamma)
	backSub(cr.s, k, out.gamma)
	out.cov = make([]float64, k*k)
	col := make([]float64, k)
	for j := 0; j < k; j++ {
		clear(col)
		col[j] = 1
		forwardSub(cr.s, k, col)
		backSub(cr.s, k, col)
		for i := 0; i < k; i++ {
			out.cov[i*k+j] = col[i]
		}
	}
	out.beta = make([]float64, nFull)
	cr.c.full(out.gamma, out.beta)
	// The variance a linear function eᵀβ of the constants owes to their
	// estimation is gᵀS⁻¹g = |r|², g = Cᵀe, r = L_S⁻¹g with S = L_S L_Sᵀ.
	e := make([]float64, nFull)
	r := make([]float64, k)
	norm2 := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x * x
		}
		return s
	}
	out.houseSD = make([]float64, nFull-1)
	for h := range out.houseSD {
		clear(e)
		e[1+h] = 1
		cr.c.reduce(e, r)
		forwardSub(cr.s, k, r)
		out.houseSD[h] = math.Sqrt(norm2(r))
	}
	// The level on node j is α_j = eᵀβ + (M⁻¹b)_j + ξ_j with e = e₀ − (M⁻¹U)_j
	// and ξ ~ N(0, M⁻¹) given β; on a day between nodes j − 1 and j, a
	// fraction λ of the way, it is the interpolation of the two plus a
	// Brownian bridge (see the top of the file).
	T := cr.o.nDays
	out.mean = make([]float64, T)
	out.sd = make([]float64, T)
	cr.solveZ()
	diag, off := cr.covInverseM()
	rPrev, rCur, rt := make([]float64, k), make([]float64, k), make([]float64, k)
	mPrev := cr.nodeMoments(0, out.beta, e, rPrev)
	out.mean[0], out.sd[0] = mPrev, math.Sqrt(norm2(rPrev))
	for j := 1; j <= cr.n; j++ {
		m := cr.nodeMoments(j, out.beta, e, rCur)
		d0, d1 := cr.nodeDay[j-1], cr.nodeDay[j]
		if d1-d0 > 1 {
			// Cov(w_{j−1}, w_j | β, y): zero when node j − 1 is day 0.
			vp, c := 0.0, 0.0
			if j > 1 {
				vp, c = diag[j-1], off[j]
			}
			g := cr.gap[j]
			for t := d0 + 1; t < d1; t++ {
				lam := float64(t-d0) / g
				mu := 1 - lam
				for i := range rt {
					rt[i] = mu*rPrev[i] + lam*rCur[i]
				}
				v := norm2(rt) + mu*mu*vp + lam*lam*diag[j] + 2*lam*mu*c + cr.sigma2*g*lam*mu
				out.mean[t] = mu*mPrev + lam*m
				out.sd[t] = math.Sqrt(max(v, 0))
			}
		}
		out.mean[d1], out.sd[d1] = m, math.Sqrt(max(norm2(rCur)+diag[j], 0))
		mPrev = m
		rPrev, rCur = rCur, rPrev
	}
	return out
}

// nodeMoments returns the smoothed level on node j given the full
// constants beta and writes into r the vector L_S⁻¹Cᵀe, e = e₀ − (M⁻¹U)_j
// the coefficients of the constants in it (e is workspace, nFull long):
// the variance the level owes to the constants' estimation is |r|², and
// the covariance of two such terms is the dot product of their r (smooth;
// scores computes the same r by scoreNode). z must hold M⁻¹[U b] (solveZ).
func (cr *core) nodeMoments(j int, beta, e, r []float64) float64 {
	m := cr.nodeMean(j, beta, e)
	cr.c.reduce(e, r)
	forwardSub(cr.s, cr.c.k(), r)
	return m
}

// nodeMean returns the smoothed level on node j given the full constants
// beta, and writes into e the coefficients of the constants in it, e₀ −
// (M⁻¹U)_j.
func (cr *core) nodeMean(j int, beta, e []float64) float64 {
	nFull := cr.c.nFull
	e = e[:nFull]
	if j == 0 {
		clear(e)
		e[0] = 1
		return beta[0]
	}
	// Node j's row of z, read directly by layout: through an accessor, a branch
	// and an index product an element, this was an eighth of the τ
	// search's gradient.
	var w float64
	if cr.dense {
		D := cr.n + 1
		z := cr.z[j:]
		w = z[nFull*D]
		for a := range e {
			za := z[a*D]
			w -= za * beta[a]
			e[a] = -za
		}
	} else {
		row := cr.z[j*cr.K : j*cr.K+nFull+1]
		w = row[nFull]
		for a := range e {
			za := row[a]
			w -= za * beta[a]
			e[a] = -za
		}
	}
	e[0]++
	return beta[0] + w
}

// smoothedMeans writes the smoothed level of every day at the σ, τ of the
// last eval into mean (O(D·J + T)) and returns the full constants (level on
// day 0, then house effects): the part of smooth that the
// parameter-uncertainty term and the calibration pass (correction.go) need.
func (cr *core) smoothedMeans(mean []float64) (beta []float64) {
	k := cr.c.k()
	gamma := cr.tmp
	copy(gamma, cr.rhs)
	forwardSub(cr.s, k, gamma)
	backSub(cr.s, k, gamma)
	beta = make([]float64, cr.c.nFull)
	cr.c.full(gamma, beta)
	fillDays(cr, cr.nodePath(beta, nil), mean, nil, 0)
	return beta
}

// fillDays writes the node values of cr x into their days of out and, between
// nodes, their linear interpolation plus, when rng is set, a Brownian
// bridge with daily sd sigma (the walk between two nodes given both):
// day by day, w_t | w_{t−1}, w_b ~ N(w_{t−1} + (w_b − w_{t−1})/r, σ²(r −
// 1)/r) with r = b − t + 1 steps left. The factors 1/r and √((r − 1)/r) of
// a draw and the nodes that follow a gap come from tables the core builds
// at its first call (a draw fills every day, so it is the sampler's inner
// loop: the nodes are written in one pass, and only the gaps, a few among
// polls most days, are visited again).
func fillDays[F float32 | float64](cr *core, x []float64, out []F, rng *rand.Rand, sigma float64) {
	day := cr.nodeDay
	if cr.afterGap == nil {
		cr.afterGap = []int32{} // listed, possibly none
		maxGap := 1
		for j := 1; j <= cr.n; j++ {
			if g := day[j] - day[j-1]; g > 1 {
				cr.afterGap = append(cr.afterGap, int32(j))
				maxGap = max(maxGap, g)
			}
		}
		cr.bridgeStep, cr.bridgeSD = make([]float64, maxGap+1), make([]float64, maxGap+1)
		for r := 1; r <= maxGap; r++ {
			cr.bridgeStep[r] = 1 / float64(r)
			cr.bridgeSD[r] = math.Sqrt(float64(r-1) / float64(r))
		}
	}
	out[0] = F(x[0])
	for j, d := range day[1 : cr.n+1] {
		out[d] = F(x[j+1])
	}
	for _, j := range cr.afterGap {
		d0, d1 := day[j-1], day[j]
		v := x[j-1]
		if rng == nil {
			for t := d0 + 1; t < d1; t++ {
				v += (x[j] - v) / float64(d1-t+1)
				out[t] = F(v)
			}
			continue
		}
		for t := d0 + 1; t < d1; t++ {
			r := d1 - t + 1
			v += (x[j]-v)*cr.bridgeStep[r] + sigma*cr.bridgeSD[r]*rng.NormFloat64()
			out[t] = F(v)
		}
	}
}

// parameterVariance returns, per day, the variance the smoothed level owes
// to the estimation of σ and τ (Hamilton 1986): dᵀ Cov(θ̂) d with d the
// derivative of the smoothed mean in the search parameters θ. The
// smoother's own variance treats θ̂ as known; adding this term keeps
// intervals honest where the data say little (gaps between polls, the ends
// of the series). The workspace must be evaluated at θ̂ (smooth leaves it
// so); parameterVariance leaves it at a point next to θ̂.
//
// d is a forward difference from the means at θ̂ (statsmodels'
// approx_fprime differentiates the same way by default): one evaluation a
// parameter rather than central differences' two. Its step, 1e-5, is
// where the truncation error (4–7e-6 of the term on the peers' data) and
// the means' rounding (which dominates below 1e-6) meet; the sds move by
// at most a few parts in a million (TestParameterVarianceSteps).
func (cr *core) parameterVariance(fit mlFit) []float64 {
	return cr.parameterVarianceStep(fit, parameterStep, false)
}

// parameterStep is parameterVariance's forward-difference step in θ (log
// σ, and τ on the fit's scale).
const parameterStep = 1e-5

// parameterVarianceStep is parameterVariance with step h, by central
// differences when central is set (the reference of its test).
func (cr *core) parameterVarianceStep(fit mlFit, h float64, central bool) []float64 {
	T := cr.o.nDays
	out := make([]float64, T)
	dim := len(fit.theta)
	if dim == 0 || fit.cov == nil || T < 2 {
		return out
	}
	var tmp scratch // the differences, given back on return
	defer tmp.release()
	d := tmp.float64s(dim * T)
	plus, minus := tmp.float64s(T), tmp.float64s(T)
	width := 2 * h
	if !central {
		cr.smoothedMeans(minus) // at θ̂, for every parameter
		width = h
	}
	x := make([]float64, dim)
	for j := 0; j < dim; j++ {
		copy(x, fit.theta)
		x[j] += h
		if math.IsInf(cr.eval(fit.params(x)), -1) {
			return out
		}
		cr.smoothedMeans(plus)
		if central {
			x[j] -= 2 * h
			if math.IsInf(cr.eval(fit.params(x)), -1) {
				return out
			}
			cr.smoothedMeans(minus)
		}
		for t := 0; t < T; t++ {
			d[j*T+t] = (plus[t] - minus[t]) / width
		}
	}
	for t := 0; t < T; t++ {
		v := 0.0
		for a := 0; a < dim; a++ {
			for b := 0; b < dim; b++ {
				v += d[a*T+t] * fit.cov[a*dim+b] * d[b*T+t]
			}
		}
		out[t] = max(v, 0)
	}
	return out
}

// covInverseM returns the diagonal of M⁻¹ on the nodes (index t ≥ 1) and,
// for the tridiagonal path, its sub-diagonal off[t] = (M⁻¹)_{t−1,t}
// (t ≥ 2), from the factor M = LDLᵀ (L unit lower bidiagonal, l_t =
// L_{t,t−1}) by the Takahashi recursion (M⁻¹)_{nn} = 1/d_n,
// (M⁻¹)_{t,t+1} = −l_{t+1}(M⁻¹)_{t+1,t+1}, (M⁻¹)_{tt} = 1/d_t −
// l_{t+1}(M⁻¹)_{t,t+1}. The banded path has no gaps between nodes and
// returns off = nil.
func (cr *core) covInverseM() (diag, off []float64) {
	if cr.band != nil {
		return cr.diagInverseBanded(), nil
	}
	// From the core's pools once, then reused: the callers (smooth,
	// scores) read them only until the next call.
	if cr.minvDiag == nil {
		cr.minvDiag, cr.minvOff = cr.mem.float64s(cr.n+1), cr.mem.float64s(cr.n+1)
	}
	cr.covInverseMInto(cr.minvDiag, cr.minvOff)
	return cr.minvDiag, cr.minvOff
}

// covInverseMInto is covInverseM's tridiagonal path into diag and off
// (n + 1 long each; index 0 and off[1] are left 0: w₀ = 0 is known).
func (cr *core) covInverseMInto(diag, off []float64) {
	n := cr.n
	diag[0], off[0] = 0, 0
	if n >= 1 {
		off[1] = 0
	}
	for t := n; t >= 1; t-- {
		v := cr.id[t]
		if t < n {
			c := -cr.sub[t+1] * diag[t+1]
			off[t+1] = c
			v -= cr.sub[t+1] * c
		}
		diag[t] = v
	}
}

// cholesky factors the symmetric k×k matrix a (row-major) in place into its
// lower Cholesky factor and returns log|a|; ok is false when a is not
// (numerically) positive definite.
func cholesky(a []float64, k int) (logDet float64, ok bool) {
	if !choleskyFactor(a, k) {
		return 0, false
	}
	lp := logProduct{mant: 1}
	for j := 0; j < k; j++ {
		lp.mul(a[j*k+j])
	}
	return 2 * lp.log(), true
}

// choleskyFactor is cholesky without the determinant (one log per pivot
// was most of the causal filter's daily solve).
func choleskyFactor(a []float64, k int) bool {
	return choleskySolve(a, k, 0)
}

// choleskySolve factors the k×k matrix in a's first k rows (stride k, the
// lower triangle read) as choleskyFactor does, and overwrites the m rows
// of k that follow it, right-hand sides b, with L⁻¹b. A right-hand side as
// a row below the matrix is forward-substituted by the factorisation's own
// loop, column by column as each pivot is found, with forwardSub's
// operations in forwardSub's order (the same numbers): the filter's daily
// solve waited on each pivot's division twice more when its two
// substitutions ran after the factorisation.
func choleskySolve(a []float64, k, m int) bool {
	// Rows as slices of their first j entries, so that the inner products
	// run without bounds checks (a third of a 21×21 factorisation, the
	// 1M-poll filter's daily solve); the subtractions keep their order.
	for j := 0; j < k; j++ {
		rj := a[j*k : j*k+k]
		lj := rj[:j]
		d := rj[j]
		for _, v := range lj {
			d -= v * v
		}
		// Relative pivot check: a pivot that has lost all but ~1e-12 of
		// the diagonal is a linear dependence (an unidentified constant).
		if !(d > 1e-12*math.Abs(rj[j])) || !(d > 0) {
			return false
		}
		ljj := math.Sqrt(d)
		rj[j] = ljj
		for i := j + 1; i < k+m; i++ {
			ri := a[i*k : i*k+j+1]
			v := ri[j]
			li := ri[:len(lj)]
			for p, x := range lj {
				v -= li[p] * x
			}
			ri[j] = v / ljj
		}
	}
	return true
}

// forwardSub solves L x = b in place (L the lower factor in a).
func forwardSub(a []float64, k int, b []float64) {
	b = b[:k]
	for i := range b {
		ri := a[i*k : i*k+i+1]
		v := b[i]
		bi := b[:len(ri)-1]
		for p, x := range ri[:len(bi)] {
			v -= x * bi[p]
		}
		b[i] = v / ri[i]
	}
}

// backSub solves Lᵀ x = b in place.
func backSub(a []float64, k int, b []float64) {
	for i := k - 1; i >= 0; i-- {
		v := b[i]
		for p := i + 1; p < k; p++ {
			v -= a[p*k+i] * b[p]
		}
		b[i] = v / a[i*k+i]
	}
}

// logProduct accumulates log Π x_i (x_i > 0) as a running product plus a
// sum of binary exponents, with one math.Log at the end: a log per factor
// was a tenth of a likelihood evaluation's cost. The product is
// renormalised (math.Frexp) only when it leaves [2⁻³⁰⁰, 2³⁰⁰], and a factor
// outside [2⁻²⁰⁰, 2²⁰⁰] is split first, so that it can neither overflow
// nor underflow.
type logProduct struct {
	mant float64 // start at 1
	exp  int
}

func (l *logProduct) mul(x float64) {
	// The common case alone, so that mul inlines: a call per factor, its
	// product going through memory, took half of setTau. A product in
	// range is the rounded product whatever x was; one that overflowed
	// or underflowed fails the test and is redone by mulRare.
	if m := l.mant * x; m > 0x1p-300 && m < 0x1p300 {
		l.mant = m
	} else {
		l.mulRare(x)
	}
}

// mulRare is mul for a factor outside [2⁻²⁰⁰, 2²⁰⁰] or a product leaving
// [2⁻³⁰⁰, 2³⁰⁰].
func (l *logProduct) mulRare(x float64) {
	if x > 0x1p-200 && x < 0x1p200 {
		l.mant *= x
	} else {
		fr, e := math.Frexp(x)
		l.mant *= fr
		l.exp += e
	}
	if !(l.mant > 0x1p-300 && l.mant < 0x1p300) {
		fr, e := math.Frexp(l.mant)
		l.mant, l.exp = fr, l.exp+e
	}
}

func (l logProduct) log() float64 { return math.Log(l.mant) + float64(l.exp)*math.Ln2 }
