package poll

import (
	"bytes"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMidpoint(t *testing.T) {
	for _, tc := range []struct {
		start, end, want [3]int
	}{
		{[3]int{2023, 10, 19}, [3]int{2023, 10, 25}, [3]int{2023, 10, 22}}, // 6 days → +3
		{[3]int{2023, 10, 19}, [3]int{2023, 10, 26}, [3]int{2023, 10, 22}}, // 7 days → +3 (floor)
		{[3]int{2020, 2, 1}, [3]int{2020, 2, 29}, [3]int{2020, 2, 15}},
		{[3]int{2020, 1, 5}, [3]int{2020, 1, 5}, [3]int{2020, 1, 5}},
		{[3]int{2019, 12, 30}, [3]int{2020, 1, 2}, [3]int{2019, 12, 31}},
	} {
		p := Poll{Start: date(tc.start[0], 1, 1).AddDate(0, tc.start[1]-1, tc.start[2]-1), End: date(tc.end[0], 1, 1).AddDate(0, tc.end[1]-1, tc.end[2]-1)}
		want := date(tc.want[0], 1, 1).AddDate(0, tc.want[1]-1, tc.want[2]-1)
		assert.Equal(t, want, p.Midpoint(), "%v–%v", tc.start, tc.end)
	}
}

// TestStandardError checks SE = 100·√(deff·p(1−p)/n) against hand-computed
// values.
func TestStandardError(t *testing.T) {
	p := Poll{Pollster: "Unregistered", SampleSize: 1600, DesignEffect: 1}
	// √(0.5·0.5/1600) = 0.0125 → 1.25 points.
	assert.InDelta(t, 1.25, p.StandardError(50), 1e-12)
	// 95% margin: 1.959964·1.25 = 2.449955.
	assert.InDelta(t, 2.449955, p.MarginOfError(50, 0.95), 1e-6)
	// 90% margin: 1.644854·1.25.
	assert.InDelta(t, 1.644854*1.25, p.MarginOfError(50, 0.90), 1e-6)

	p.DesignEffect = 2
	// deff 2 at p = 0.8: 100·√(2·0.16/1600) = 1.414214.
	assert.InDelta(t, 1.4142136, p.StandardError(80), 1e-7)
	assert.Equal(t, 800.0, p.EffectiveSampleSize())

	assert.True(t, math.IsNaN(p.StandardError(math.NaN())))
	assert.True(t, math.IsNaN(p.MarginOfError(50, 1.5)))
	unknown := Poll{Pollster: "Unregistered"}
	assert.True(t, math.IsNaN(unknown.StandardError(50)), "no n and no profile")
	assert.Equal(t, 0.0, unknown.EffectiveSampleSize())
	assert.Equal(t, 1.0, unknown.EffectiveDesignEffect())
}

func TestEffectiveDesignEffectFromProfile(t *testing.T) {
	lev := Poll{Pollster: "Levada", End: date(2023, 10, 25)}
	deff := lev.EffectiveDesignEffect()
	assert.InDelta(t, 1.90, deff, 0.02, "mean of the four statements (methods.md §1.3)")
	assert.Equal(t, 1600/deff, lev.EffectiveSampleSize(), "profile n when the poll has none")
	// Levada's 3.4-point statement reproduced at 95%: 1.96·SE ≈ 3.4 at n = 1600.
	lev.SampleSize = 1600
	assert.InDelta(t, 3.4, lev.MarginOfError(50, 0.95), 0.05)

	v17 := Poll{Pollster: "VTsIOM", End: date(2017, 6, 1), SampleSize: 4200}
	assert.InDelta(t, 1.58, v17.EffectiveDesignEffect(), 0.01)
	v20 := Poll{Pollster: "ВЦИОМ", End: date(2020, 6, 1)}
	assert.InDelta(t, 1.17, v20.EffectiveDesignEffect(), 0.01)
	assert.InDelta(t, 9604, v20.EffectiveSampleSize(), 1, "n_eff of methods.md §1.3")

	own := Poll{Pollster: "Levada", DesignEffect: 1.3}
	assert.Equal(t, 1.3, own.EffectiveDesignEffect())
}

func TestPollString(t *testing.T) {
	p := Poll{Pollster: "Levada", Start: date(2023, 10, 19), End: date(2023, 10, 25), SampleSize: 1600,
		Population: Adults, Mode: FaceToFace, Approve: 82, Disapprove: 15, Undecided: math.NaN(), Flags: DateApprox | Duplicate}
	assert.Equal(t, "Levada 2023-10-19..2023-10-25 n=1600 a face-to-face approve 82 disapprove 15 undecided NA [duplicate|date-approx]", p.String())
	assert.Equal(t, 67.0, p.Net())
}

func TestParsePopulationModeFlags(t *testing.T) {
	for in, want := range map[string]Population{"a": Adults, "RV": RegisteredVoters, " lv ": LikelyVoters, "v": Voters, "": PopulationUnknown, "Adults": Adults} {
		got, err := ParsePopulation(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := ParsePopulation("children")
	assert.ErrorIs(t, err, ErrUnknownValue)
	for p := PopulationUnknown; p <= Voters; p++ {
		got, err := ParsePopulation(p.String())
		require.NoError(t, err)
		assert.Equal(t, p, got)
	}
	assert.Equal(t, "Population(9)", Population(9).String())

	for in, want := range map[string]Mode{"телефонный опрос": Phone, "CATI": Phone, "личное интервью на дому": FaceToFace,
		"Online Panel": Online, "Live Phone": Phone, "IVR/Online": Mixed, "": ModeUnknown} {
		got, err := ParseMode(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for m := ModeUnknown; m <= Mixed; m++ {
		got, err := ParseMode(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, got)
	}
	_, err = ParseMode("telepathy")
	assert.ErrorIs(t, err, ErrUnknownValue)

	for f := Flags(0); f < 1<<len(flagNames); f++ {
		got, err := ParseFlags(f.String())
		require.NoError(t, err)
		assert.Equal(t, f, got)
	}
	_, err = ParseFlags("tracking|bogus")
	assert.ErrorIs(t, err, ErrUnknownValue)
	assert.True(t, (Tracking | Duplicate).Has(Tracking))
	assert.False(t, Tracking.Has(Tracking|Duplicate))
}

func TestNew(t *testing.T) {
	msk := time.FixedZone("MSK", 3*3600)
	p := New("ВЦИОМ", time.Date(2025, 9, 22, 23, 30, 0, 0, msk), time.Date(2025, 9, 28, 1, 0, 0, 0, msk), 75.4, 14.6)
	assert.Equal(t, "VTsIOM", p.Pollster)
	assert.Equal(t, time.Date(2025, 9, 22, 0, 0, 0, 0, time.UTC), p.Start, "the calendar day, as a UTC midnight")
	assert.Equal(t, time.Date(2025, 9, 28, 0, 0, 0, 0, time.UTC), p.End)
	assert.Equal(t, [2]float64{75.4, 14.6}, [2]float64{p.Approve, p.Disapprove})
	for name, v := range map[string]float64{"Undecided": p.Undecided, "Refused": p.Refused,
		"AdjustedApprove": p.AdjustedApprove, "AdjustedDisapprove": p.AdjustedDisapprove} {
		assert.True(t, math.IsNaN(v), name)
	}
	require.NoError(t, p.Validate())
	assert.Equal(t, "Some Pollster", New(" Some Pollster ", p.Start, p.End, 1, 2).Pollster, "unknown names trimmed")
	assert.True(t, New("FOM", time.Time{}, time.Time{}, 1, 2).Start.IsZero(), "a zero date stays zero")

	// The unpublished shares stay unpublished through the canonical CSV.
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf, []Poll{p}))
	back, err := ReadCSV(&buf)
	require.NoError(t, err)
	require.Len(t, back, 1)
	assert.True(t, math.IsNaN(back[0].Refused), "unpublished survives the round trip")
}
