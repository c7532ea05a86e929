package forensics

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHistogram2DHand(t *testing.T) {
	e := &Election{Candidates: []string{"Leader", "Other"}, Stations: []Station{
		station("A", 2, 1000, 300, 100), // turnout 40%, share 75%
		station("A", 3, 1000, 370, 130), // 50%, 74%
		station("A", 4, 2000, 740, 260), // 50%, 74%
		station("A", 5, 100, 100, 0),    // 100%, 100%: the last bins
		station("A", 6, 0, 0, 0),        // no voters
	}}
	h, err := NewHistogram2D(e, HistogramOptions{})
	require.NoError(t, err)
	assert.Equal(t, 100, h.Bins)
	assert.Equal(t, 4, h.Stations)
	assert.Equal(t, 1, h.NoVoters)
	assert.Equal(t, 1.0, h.At(40, 75))
	assert.Equal(t, 2.0, h.At(50, 74))
	assert.Equal(t, 1.0, h.At(99, 99))
	assert.Equal(t, 4.0, h.Total)
	assert.Equal(t, 2.0, h.Max())

	v, err := NewHistogram2D(e, HistogramOptions{Weight: ByVoters, Width: 5})
	require.NoError(t, err)
	assert.Equal(t, 20, v.Bins)
	assert.Equal(t, 3000.0, v.At(10, 14)) // 50% turnout, 74% share: 1,000 + 2,000 voters
	assert.Equal(t, 4100.0, v.Total)
	b, err := NewHistogram2D(e, HistogramOptions{Weight: ByBallots})
	require.NoError(t, err)
	assert.Equal(t, 400.0, b.At(40, 75))

	for _, o := range []HistogramOptions{{Width: 3}, {Width: 20}, {Weight: 7}} {
		_, err := NewHistogram2D(e, o)
		assert.ErrorIs(t, err, ErrConfig, "%+v", o)
	}
	_, err = NewHistogram2D(e, HistogramOptions{Leader: "nobody"})
	assert.ErrorIs(t, err, ErrCandidate)
	_, err = NewHistogram2D(&Election{Candidates: []string{"A", "B"}, Stations: []Station{station("A", 2, 0, 0, 0)}}, HistogramOptions{})
	assert.ErrorIs(t, err, ErrNoData)
	assert.Equal(t, "registered voters", ByVoters.String())
}

// 2024's fingerprint: every station with voters and ballots is in it; the
// corner bin of 99–100% turnout and share is the fullest, with 527
// stations, against 112 at 61% turnout and 80% share, the honest peak.
func TestHistogram2D2024(t *testing.T) {
	h, err := NewHistogram2D(load2024(t), HistogramOptions{})
	require.NoError(t, err)
	assert.Equal(t, 91939, h.Stations)
	assert.Equal(t, float64(h.Stations), h.Total)
	assert.Equal(t, 7, h.NoVoters)
	sum := 0.0
	for _, c := range h.Counts {
		sum += c
	}
	assert.Equal(t, h.Total, sum)
	assert.Equal(t, 527.0, h.At(99, 99))
	assert.Equal(t, h.At(99, 99), h.Max())
	assert.Equal(t, 112.0, h.At(61, 80))
}
