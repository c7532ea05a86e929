package poll

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Helpers shared by the tests of the Russian readers (ReadLevada,
// ReadVTsIOM, ReadFOM).

type ruReader func(io.Reader, ...Option) ([]Poll, error)

// ruRead reads a fixture under testdata/.
func ruRead(t *testing.T, read ruReader, name string, opts ...Option) ([]Poll, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", name))
	require.NoError(t, err)
	defer f.Close()
	return read(f, opts...)
}

// ruShares is the expected outcome of one poll: period, shares (NaN = not
// published), mode and flags.
type ruShares struct {
	start, end string
	a, d, u    float64
	mode       Mode
	flags      Flags
}

func ruDay(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ruCheck(t *testing.T, got []Poll, want []ruShares) {
	t.Helper()
	require.Len(t, got, len(want))
	for i, w := range want {
		p := got[i]
		assert.Equal(t, ruDay(w.start), p.Start, "poll %d start", i)
		assert.Equal(t, ruDay(w.end), p.End, "poll %d end", i)
		for _, pair := range [][2]float64{{w.a, p.Approve}, {w.d, p.Disapprove}, {w.u, p.Undecided}} {
			if math.IsNaN(pair[0]) {
				assert.True(t, math.IsNaN(pair[1]), "poll %d: want NaN, got %g", i, pair[1])
			} else {
				assert.InDelta(t, pair[0], pair[1], 1e-9, "poll %d (%s)", i, w.start)
			}
		}
		assert.Equal(t, w.mode, p.Mode, "poll %d (%s) mode", i, w.start)
		assert.Equal(t, w.flags, p.Flags, "poll %d (%s) flags", i, w.start)
		assert.Equal(t, Adults, p.Population, "poll %d", i)
		require.NoError(t, p.Validate(), "poll %d", i)
	}
}

// ruErr is an expected *ParseError: where, and which sentinel.
type ruErr struct {
	line, col int
	is        error
}

func ruCheckErrors(t *testing.T, err error, want []ruErr) {
	t.Helper()
	pes := ParseErrors(err)
	require.Len(t, pes, len(want), "errors: %v", err)
	for i, w := range want {
		assert.Equal(t, w.line, pes[i].Line, "error %d line: %v", i, pes[i])
		assert.Equal(t, w.col, pes[i].Column, "error %d column: %v", i, pes[i])
		assert.True(t, errors.Is(pes[i], w.is), "error %d: %v is not %v", i, pes[i], w.is)
	}
}

// ruMonth is the expected span of a calendar month.
func ruMonth(ym string) (string, string) {
	s := ruDay(ym + "-01")
	return s.Format(time.DateOnly), s.AddDate(0, 1, -1).Format(time.DateOnly)
}

// ruMonthly builds expectations for consecutive monthly polls.
func ruMonthly(mode func(ym string) Mode, flags Flags, rows ...any) []ruShares {
	var out []ruShares
	for i := 0; i+3 < len(rows); i += 4 {
		ym := rows[i].(string)
		s, e := ruMonth(ym)
		out = append(out, ruShares{s, e, toF(rows[i+1]), toF(rows[i+2]), toF(rows[i+3]), mode(ym), flags})
	}
	return out
}

func toF(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case float64:
		return x
	}
	panic("not a number")
}

// levadaMode is Levada's documented mode history: telephone April–July
// 2020, face-to-face otherwise.
func levadaMode(ym string) Mode {
	if ym >= "2020-04" && ym <= "2020-07" {
		return Phone
	}
	return FaceToFace
}
