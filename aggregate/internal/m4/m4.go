// Package m4 chooses the points of a long line to draw: of each run of
// consecutive points that falls in one column of the drawing, the first,
// the lowest, the highest and the last (M4; Jugel et al. 2014). Within a
// column the line drawn through them covers the same vertical extent as
// the whole line, and between columns it is the same segment, so a
// series of a dozen points a pixel is drawn through at most four without
// losing a peak, which thinning to every k-th point can (package chart's
// TestDecimatedRaster measures both). Package chart draws its lines and
// bands through them; the report's page draws its paths through them.
//
// Jugel, U., Jerzak, Z., Hackenbroich, G. and Markl, V. (2014). M4: a
// visualization-oriented time series data aggregation. Proceedings of the
// VLDB Endowment 7(10), 797–808.
package m4

import "math"

// far is the largest column number told apart: a point further off the
// drawing is never drawn, and is kept as it is.
const far = 1 << 50

// Keep returns, in order, the indices of the n points of a line to draw,
// point i lying in column ⌊column(i)⌋ at height y(i): of each run of
// consecutive points in one column, the first, the lowest, the highest
// and the last, each once (ties go to the earliest; a NaN height is
// neither lowest nor highest). A point whose column is not finite or
// beyond ±2⁵⁰ is kept and ends its run.
func Keep(n int, column, y func(i int) float64) []int {
	keep := make([]int, 0, n)
	for i := 0; i < n; {
		c := math.Floor(column(i))
		if !(math.Abs(c) < far) {
			keep = append(keep, i)
			i++
			continue
		}
		// The run [i, j) of points in column c, and its lowest and highest.
		// A NaN height is never an extreme, nor the one extremes are
		// measured against: the first height that is not NaN replaces it.
		lo, hi, j := i, i, i+1
		ylo, yhi := y(i), y(i)
		for ; j < n && math.Floor(column(j)) == c; j++ {
			v := y(j)
			if v < ylo || math.IsNaN(ylo) && !math.IsNaN(v) {
				lo, ylo = j, v
			}
			if v > yhi || math.IsNaN(yhi) && !math.IsNaN(v) {
				hi, yhi = j, v
			}
		}
		prev := -1
		for _, k := range [4]int{i, min(lo, hi), max(lo, hi), j - 1} {
			if k != prev {
				keep = append(keep, k)
				prev = k
			}
		}
		i = j
	}
	return keep
}

// Thin returns the points of pts that Keep keeps, with the column and
// height of each point given by column and y.
func Thin[S ~[]T, T any](pts S, column, y func(T) float64) S {
	keep := Keep(len(pts),
		func(i int) float64 { return column(pts[i]) },
		func(i int) float64 { return y(pts[i]) })
	out := make(S, len(keep))
	for k, i := range keep {
		out[k] = pts[i]
	}
	return out
}
