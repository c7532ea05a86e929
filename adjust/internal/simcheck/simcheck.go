// Package simcheck holds the checks the tests of adjust and adjust/sensitive
// share: the coverage bar of their seeded simulations, the switch to their
// full number of replicates, and the degenerate-input contract. It is
// imported by tests only.
package simcheck

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// full switches the coverage simulations of a test binary that imports this
// package from their fast default to the full number of replicates:
//
//	go test ./adjust/... -run Coverage -calib.full
var full = flag.Bool("calib.full", false, "run the coverage simulations with the full number of replicates")

// Replicates returns fast, or full under -calib.full.
func Replicates(fast, fullReps int) int {
	if *full {
		return fullReps
	}
	return fast
}

// AssertCoverage checks that a nominal 95% interval covered the truth in
// 93–97% of reps replicates.
func AssertCoverage(t testing.TB, name string, covered, reps int) {
	t.Helper()
	rate := float64(covered) / float64(reps)
	t.Logf("%s: 95%% interval coverage %.4f over %d replicates", name, rate, reps)
	assert.True(t, rate >= 0.93 && rate <= 0.97, "%s: coverage %.4f over %d replicates, want 0.93–0.97", name, rate, reps)
}

// Degenerate fails unless err wraps one of sentinels or every float64
// reachable in v (fields, slices, maps, matrices' values through
// mat.Matrix) is finite: the contract every estimator keeps on edge inputs.
func Degenerate(t testing.TB, v any, err error, sentinels []error) {
	t.Helper()
	if err != nil {
		for _, s := range sentinels {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("error wraps no sentinel: %v", err)
	}
	finite(t, reflect.ValueOf(v), "result")
}

func finite(t testing.TB, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.Float64, reflect.Float32:
		x := v.Float()
		require.False(t, math.IsNaN(x) || math.IsInf(x, 0), "%s = %v", path, x)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if m, ok := v.Interface().(mat.Matrix); ok {
			r, c := m.Dims()
			for i := range r {
				for j := range c {
					x := m.At(i, j)
					require.False(t, math.IsNaN(x) || math.IsInf(x, 0), "%s[%d,%d] = %v", path, i, j, x)
				}
			}
			return
		}
		finite(t, v.Elem(), path)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				finite(t, v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			finite(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			finite(t, v.MapIndex(k), fmt.Sprintf("%s[%v]", path, k))
		}
	}
}
