package aggregate

import (
	"math/bits"
	"sync"
)

// Scratch memory: the arrays a fit needs only while it runs.
//
// Most of what a state-space fit allocates lives only while it runs: the
// likelihood's per-node factors and columns (core), the grouping's tables
// (pollSet.group). Allocated afresh, they are zeroed memory the collector
// must reclaim — a tenth of the peers' fit went to the collector — and, in
// a short-lived process, fresh pages the kernel must fault in one by one.
// They are taken instead from pools of slices bucketed by capacity, as
// gonum/mat takes its workspaces (gonum/mat/pool.go), and given back when
// the fit no longer needs them. A slice from a pool is cleared before it
// is handed out, so that no value depends on what ran before: the pools
// change how memory is found, never a result. The collector empties the
// pools (sync.Pool), so what they hold is bounded by what recent fits
// used.

// slicePool holds slices of T by capacity: bucket b those whose capacity
// has b bits. Slices are allocated at the length asked for, not rounded up
// (rounding to powers of two added a sixth to a 1,000,000-poll fit's
// memory), so a slice from a bucket can be too short for a request of the
// same bucket: it is then left to the collector.
type slicePool[T any] struct {
	buckets [bits.UintSize + 1]sync.Pool // of *[]T
}

var (
	float64Pool slicePool[float64]
	int32Pool   slicePool[int32]
	intPool     slicePool[int]
	entryPool   slicePool[uEntry]
	slotPool    slicePool[groupSlot]
	dayPool     slicePool[[2]int]
	itemPool    slicePool[inputPoll]
	uint8Pool   slicePool[uint8]
)

// get returns a zeroed slice of length n, as a pointer that put takes
// back.
func (p *slicePool[T]) get(n int) *[]T {
	if v, _ := p.buckets[bits.Len(uint(n))].Get().(*[]T); v != nil && cap(*v) >= n {
		*v = (*v)[:n]
		clear(*v)
		return v
	}
	s := make([]T, n)
	return &s
}

// put gives a slice from get back.
func (p *slicePool[T]) put(v *[]T) {
	p.buckets[bits.Len(uint(cap(*v)))].Put(v)
}

// scratch records the slices one user took from the pools, to give them
// all back at once (release).
type scratch struct {
	back []func()
}

// take returns a zeroed slice of length n from pool p, to be given back by
// s.release.
func take[T any](s *scratch, p *slicePool[T], n int) []T {
	v := p.get(n)
	s.back = append(s.back, func() { p.put(v) })
	return *v
}

func (s *scratch) float64s(n int) []float64 { return take(s, &float64Pool, n) }
func (s *scratch) int32s(n int) []int32     { return take(s, &int32Pool, n) }

// release gives every slice back to its pool; none may be used after.
func (s *scratch) release() {
	for _, put := range s.back {
		put()
	}
	*s = scratch{}
}
