package aggregate

import (
	"math/rand/v2"
	"testing"
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
