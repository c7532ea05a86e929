package aggregate

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestChainRandSameAsRand: chainRand draws exactly what rand.Rand over
// rand.PCG with the same seeds draws — its own Uint64, the normals of a
// batch (tails and rejections included: ten million draws take the slow
// path about 120,000 times) and everything in between through Rand.
func TestChainRandSameAsRand(t *testing.T) {
	for _, seed := range [][2]uint64{{1, 2}, {0, 0}, {99, 7}, {1 << 63, 12345}} {
		want := rand.New(rand.NewPCG(seed[0], seed[1]))
		got := newChainRand(seed[0], seed[1])
		batch := make([]float64, 1000)
		n := 10_000_000
		if testing.Short() {
			n = 1_000_000
		}
		for k := 0; k < n; k += len(batch) + 3 {
			for i, x := range got.normals(batch) {
				if w := want.NormFloat64(); x != w {
					t.Fatalf("seed %v: normal %d: %v, want %v", seed, k+i, x, w)
				}
			}
			// Interleaved draws through Rand stay in step.
			if g, w := got.Float64(), want.Float64(); g != w {
				t.Fatalf("seed %v: Float64 after %d: %v, want %v", seed, k, g, w)
			}
			if g, w := got.NormFloat64(), want.NormFloat64(); g != w {
				t.Fatalf("seed %v: NormFloat64 after %d: %v, want %v", seed, k, g, w)
			}
			if g, w := got.src.Uint64(), want.Uint64(); g != w {
				t.Fatalf("seed %v: Uint64 after %d: %v, want %v", seed, k, g, w)
			}
		}
	}
}

// BenchmarkNormals: a node's worth of normals on the peers' data (740),
// in a batch and through rand.Rand.
func BenchmarkNormals(b *testing.B) {
	dst := make([]float64, 740)
	b.Run("batch", func(b *testing.B) {
		r := newChainRand(1, 2)
		for b.Loop() {
			r.normals(dst)
		}
	})
	b.Run("rand", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			for i := range dst {
				dst[i] = r.NormFloat64()
			}
		}
	})
}

// TestNodePathNormalsInOrder pins the order in which nodePath uses its
// batch of normals: ξ_t for t = n, n−1, …, 1, as the loop that called
// NormFloat64 at each node drew them — so that a chain draws the same
// paths as before the batches. The reference below is that loop, on the
// smoother's Z and on eval's Ỹ.
func TestNodePathNormalsInOrder(t *testing.T) {
	cr := unweightedCore(t)
	n, D, nFull := cr.n, cr.n+1, cr.c.nFull
	beta := make([]float64, nFull)
	for a := range beta {
		beta[a] = 0.3 * float64(a+1)
	}
	for _, solved := range []bool{false, true} {
		require.False(t, math.IsInf(cr.eval(0.3, nil), -1))
		if solved {
			cr.solveZ() // z holds Z = M⁻¹[U b], as after smooth
		}
		rr := rand.New(rand.NewPCG(5, 6))
		want := make([]float64, D)
		for j := 1; j <= n; j++ {
			want[j] = cr.z[nFull*D+j]
			for a := range nFull {
				want[j] -= beta[a] * cr.z[a*D+j]
			}
		}
		w := 0.0
		for j := n; j >= 1; j-- {
			if solved {
				v := rr.NormFloat64() * cr.rid[j]
				if j < n {
					v -= cr.sub[j+1] * w
				}
				w = v
				want[j] += w
				continue
			}
			c := (want[j] + rr.NormFloat64()) * cr.rid[j]
			if j < n {
				c -= cr.sub[j+1] * w
			}
			w = c
			want[j] = w
		}
		for j := range want {
			want[j] += beta[0]
		}
		got := cr.nodePath(beta, newChainRand(5, 6))
		for j := range want {
			require.InDelta(t, want[j], got[j], 1e-12*(1+math.Abs(want[j])), "solved %v, node %d", solved, j)
		}
	}
}
