package aggregate

import (
	"context"
	"math"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSlicePool(t *testing.T) {
	// A pool of the test's own: the package's pools are shared with the
	// tests that fit in parallel, whose slices a request may be handed
	// (the capacity check below would then see theirs).
	var pool slicePool[float64]
	for _, n := range []int{0, 1, 2, 3, 7, 8, 9, 1000, 1 << 12} {
		var s scratch
		v := take(&s, &pool, n)
		require.Len(t, v, n)
		require.Equal(t, n, cap(v), "allocated at the length asked for")
		for i := range v {
			v[i] = math.NaN() // dirty it
		}
		s.release()
		require.Nil(t, s.back)
		// Whether or not the pool hands the same array back, it is zero.
		for range 3 {
			var s2 scratch
			w := take(&s2, &pool, n)
			require.Len(t, w, n)
			for i, x := range w {
				require.Zerof(t, x, "element %d of a slice of %d from the pool", i, n)
			}
			s2.release()
		}
	}
	// A pooled slice too short for a request of its bucket is not handed
	// out: 5 and 7 share a bucket.
	var s scratch
	short := take(&s, &pool, 5)
	short[0] = 1
	s.release()
	for range 3 {
		var s2 scratch
		require.Len(t, take(&s2, &pool, 7), 7)
		s2.release()
	}
}

// TestScratchReuseKeepsResults fits the peers' data on pools dirtied by
// other fits, concurrently, and requires every result to be the same as a
// fit's on fresh memory: the pools change where memory comes from, never a
// number.
func TestScratchReuseKeepsResults(t *testing.T) {
	polls := syntheticPolls(t)
	m := StateSpace{Tau: TauGlobal()} // three shares, τ: every pooled array in use
	want, err := m.Fit(context.Background(), polls)
	require.NoError(t, err)

	// Other data through the pools first: a shorter series, other houses.
	other := polls[:len(polls)/3]
	for i := range other {
		other[i].Approve -= 3
	}
	_, err = m.Fit(context.Background(), other)
	require.NoError(t, err)
	polls = syntheticPolls(t)

	var wg sync.WaitGroup
	got := make([]*Result, 4)
	errs := make([]error, len(got))
	for g := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[g], errs[g] = m.Fit(context.Background(), polls)
		}()
	}
	wg.Wait()
	for g := range got {
		require.NoError(t, errs[g])
		for _, s := range []Share{Approve, Disapprove, Undecided} {
			w, r := want.Share(s), got[g].Share(s)
			require.Equal(t, w.Series, r.Series, "%v series, fit %d", s, g)
			require.Equal(t, w.Filtered, r.Filtered, "%v filtered series, fit %d", s, g)
			require.Equal(t, w.Houses, r.Houses, "%v houses, fit %d", s, g)
			require.Equal(t, w.Params, r.Params, "%v parameters, fit %d", s, g)
		}
	}
}

// TestReleaseClears: a core or observations used after release fail
// rather than read another fit's numbers.
func TestReleaseClears(t *testing.T) {
	m := StateSpace{Shares: []Share{Approve}, Tau: TauNone()}
	ps, err := readPolls(syntheticPolls(t), m.rules())
	require.NoError(t, err)
	pm, err := m.prepare(ps, Approve)
	require.NoError(t, err)
	cr := newCore(pm.o, pm.c, pm.tauOf, pm.nTau)
	require.NotNil(t, cr.z)
	cr.release()
	require.Nil(t, cr.z)
	require.Nil(t, cr.entries)
	require.Panics(t, func() { cr.eval(1, nil) })
	pm.o.release()
	require.Nil(t, pm.o.y)
	ps.release()
	require.Nil(t, ps.items)
	require.Nil(t, ps.versions)
}

// TestPooledOncePerCore: the arrays a core takes from the pools for its
// gradient and its smoother are taken once, however often they run, so a
// loop over them does not hold more and more pooled memory until the core
// is released.
func TestPooledOncePerCore(t *testing.T) {
	m := StateSpace{}
	pm, err := m.prepare(readSet(t, syntheticPolls(t), m.rules()), Disapprove)
	require.NoError(t, err)
	cr := newCore(pm.o, pm.c, pm.tauOf, pm.nTau)
	defer cr.release()
	_, err = maximise(context.Background(), cr, 0, nil) // the gradient's arrays taken
	require.NoError(t, err)
	cr.smooth()
	taken := len(cr.mem.back)
	g := make([]float64, 1+pm.nTau)
	for range 5 {
		cr.eval(0.3, []float64{1})
		cr.scores(g)
		cr.smooth()
	}
	require.Equal(t, taken, len(cr.mem.back))
}
