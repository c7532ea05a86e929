package aggregate

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/candorpoll/candor/poll"
)

// pollsFromBytes decodes arbitrary bytes into up to 40 polls (six bytes
// each): pollster (one of four, one known to the profiles and one unknown
// without a sample size possible), start day, field length, sample size
// (0 allowed), approve and disapprove shares in 0–100 (undecided the
// rest, or NaN).
func pollsFromBytes(data []byte) []poll.Poll {
	names := []string{"Levada", "Acme", "Birch", "Nobody"}
	origin := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	var ps []poll.Poll
	for i := 0; i+6 <= len(data) && len(ps) < 40; i += 6 {
		b := data[i : i+6]
		s := origin.AddDate(0, 0, int(b[1]))
		a := float64(b[4]%101) * 1
		d := float64(b[5] % 101)
		if a+d > 100 {
			d = 100 - a
		}
		u := 100 - a - d
		if b[0]&0x80 != 0 {
			u = math.NaN()
		}
		ps = append(ps, poll.Poll{Pollster: names[int(b[0])%len(names)], Start: s, End: s.AddDate(0, 0, int(b[2]%9)),
			SampleSize: int(b[3]) * 8, Approve: a, Disapprove: d, Undecided: u,
			Refused: math.NaN(), AdjustedApprove: math.NaN(), AdjustedDisapprove: math.NaN()})
	}
	return ps
}

// FuzzStateSpace: on any input Fit returns an error or a result with
// finite numbers, never a panic. Seeds run in the normal test run; fuzz
// with go test ./aggregate -run XXX -fuzz FuzzStateSpace.
func FuzzStateSpace(f *testing.F) {
	f.Add([]byte{1, 0, 2, 100, 45, 50, 2, 3, 1, 120, 47, 48, 1, 9, 2, 110, 46, 49, 2, 12, 0, 90, 44, 50})
	f.Add([]byte{0, 0, 0, 0, 100, 0, 1, 0, 0, 200, 0, 100, 0, 1, 0, 0, 100, 0, 1, 1, 0, 200, 0, 100})
	f.Add([]byte{3, 0, 0, 0, 50, 50})
	f.Add([]byte{1, 5, 3, 255, 60, 30, 2, 5, 3, 255, 62, 28, 1, 5, 3, 255, 61, 29})
	f.Fuzz(func(t *testing.T, data []byte) {
		ps := pollsFromBytes(data)
		for _, m := range []StateSpace{{}, {Tau: TauNone(), Identify: SumToZero()}, {Tau: TauPerHouse(), Identify: ReferenceHouse("Acme")},
			{FieldAverage: true}, {FieldAverage: true, Tau: TauNone(), Identify: SumToZero(), Scale: ScaleLogit},
			{SkipFiltered: true, PlugIn: true}} {
			res, err := m.Fit(context.Background(), ps)
			if err != nil {
				continue
			}
			for _, r := range []*ShareResult{res.Approve, res.Disapprove, res.Undecided} {
				if r == nil {
					continue
				}
				for _, pts := range [][]Point{r.Series, r.Filtered} {
					for _, p := range pts {
						for _, v := range []float64{p.Mean, p.SD, p.Lower, p.Upper, p.PollLower, p.PollUpper} {
							if math.IsNaN(v) || math.IsInf(v, 0) {
								t.Fatalf("%s: non-finite point %+v", r.Share, p)
							}
						}
					}
				}
				for _, h := range r.Houses {
					if math.IsNaN(h.Value) || math.IsNaN(h.SE) || math.IsInf(h.SE, 0) {
						t.Fatalf("non-finite house effect %+v", h)
					}
				}
			}
		}
	})
}
