package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/aggregate"
)

func TestPeriods(t *testing.T) {
	var pts []aggregate.Point
	for d := day(2024, 1, 25); !d.After(day(2024, 3, 12)); d = d.AddDate(0, 0, 1) {
		pts = append(pts, aggregate.Point{Date: d})
	}
	dates := func(p Period) []string {
		var out []string
		for _, pt := range periodEnds(pts, p) {
			out = append(out, pt.Date.Format("01-02"))
		}
		return out
	}
	assert.Len(t, dates(Daily), len(pts))
	// Sundays end ISO weeks; the series' last day ends the last period.
	assert.Equal(t, []string{"01-28", "02-04", "02-11", "02-18", "02-25", "03-03", "03-10", "03-12"}, dates(Weekly))
	assert.Equal(t, []string{"01-31", "02-29", "03-12"}, dates(Monthly))
	for _, p := range []Period{Daily, Weekly, Monthly} {
		q, err := ParsePeriod(strings.ToUpper(p.String()))
		require.NoError(t, err)
		assert.Equal(t, p, q)
	}
	_, err := ParsePeriod("hourly")
	assert.ErrorIs(t, err, ErrConfig)
	assert.Equal(t, "Period(7)", Period(7).String())
}

func TestSeriesOptions(t *testing.T) {
	r, err := Run(context.Background(), small())
	require.NoError(t, err)

	// Full precision is the fitted result as aggregate writes it.
	var full, direct bytes.Buffer
	require.NoError(t, r.WriteSeriesCSV(&full, SeriesOptions{FullPrecision: true}))
	require.NoError(t, r.Result.WriteCSV(&direct))
	assert.Equal(t, direct.String(), full.String())

	// Rounded (the default): every number has at most two decimals and
	// is the full value rounded.
	var rounded bytes.Buffer
	require.NoError(t, r.WriteSeriesCSV(&rounded, SeriesOptions{}))
	fullLen, roundedLen := full.Len(), rounded.Len()
	fr, err := csv.NewReader(&full).ReadAll()
	require.NoError(t, err)
	rr, err := csv.NewReader(&rounded).ReadAll()
	require.NoError(t, err)
	require.Equal(t, len(fr), len(rr))
	assert.Equal(t, fr[0], rr[0], "same columns")
	for i := 1; i < len(fr); i++ {
		for j := 2; j < len(fr[i]); j++ {
			if fr[i][j] == "" {
				assert.Empty(t, rr[i][j])
				continue
			}
			x, _ := strconv.ParseFloat(fr[i][j], 64)
			y, _ := strconv.ParseFloat(rr[i][j], 64)
			assert.InDelta(t, x, y, 0.005+1e-9)
			if k := strings.IndexByte(rr[i][j], '.'); k >= 0 {
				assert.LessOrEqual(t, len(rr[i][j])-k-1, 2, rr[i][j])
			}
		}
	}
	assert.Less(t, roundedLen, fullLen*2/3, "rounding shrinks the file")

	// Digits, and a monthly JSON series: the month-ends of the daily one.
	var js bytes.Buffer
	require.NoError(t, r.WriteSeriesJSON(&js, SeriesOptions{Period: Monthly, Digits: 1}))
	var back aggregate.Result
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	months := periodEnds(r.Result.Approve.Series, Monthly)
	require.Len(t, back.Approve.Series, len(months))
	for i, p := range back.Approve.Series {
		assert.Equal(t, months[i].Date, p.Date)
		assert.InDelta(t, months[i].Mean, p.Mean, 0.05+1e-9)
		assert.Equal(t, p.Mean, float64(int64(p.Mean*10+0.5*sign(p.Mean)))/10)
	}
	var again bytes.Buffer
	require.NoError(t, r.Result.WriteCSV(&again))
	assert.Equal(t, direct.String(), again.String(), "writing rounded does not change the fit")

	// House effects rounded; scenarios per period, bounds with an empty
	// mean.
	var houses bytes.Buffer
	require.NoError(t, r.WriteHousesCSV(&houses, SeriesOptions{}))
	assert.Contains(t, houses.String(), "share,pollster,effect,se,polls\napprove,")
	c := small()
	c.Scenarios = Scenarios{Kappas: []float64{0.8}, Manski: true}
	r, err = Run(context.Background(), c)
	require.NoError(t, err)
	var sc bytes.Buffer
	require.NoError(t, r.WriteScenariosCSV(&sc, SeriesOptions{Period: Weekly}))
	rows, err := csv.NewReader(&sc).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"scenario", "date", "mean", "sd", "lower", "upper"}, rows[0])
	n := map[string]int{}
	for _, row := range rows[1:] {
		n[row[0]]++
		d, err := time.Parse(time.DateOnly, row[1])
		require.NoError(t, err)
		last := d.Equal(r.Result.Approve.Latest().Date)
		assert.True(t, d.Weekday() == time.Sunday || last, row[1])
		if row[0] == scenarioManski {
			assert.Empty(t, row[2])
			assert.NotEmpty(t, row[4])
		}
	}
	weeks := len(periodEnds(r.Result.Approve.Series, Weekly))
	assert.Equal(t, map[string]int{scenarioNone: weeks, "nonresponse κ = 0.8": weeks, scenarioManski: weeks}, n)

	var polls bytes.Buffer
	require.NoError(t, r.WritePollsCSV(&polls))
	assert.Equal(t, len(r.Polls)+1, strings.Count(polls.String(), "\n"))
}

func sign(x float64) float64 {
	if x < 0 {
		return -1
	}
	return 1
}

// TestWriteScenariosCSVBytes: WriteScenariosCSV writes what encoding/csv
// writes for the same cells, on scenarios named with commas, quotes,
// a newline and a leading space, with NaN, infinities, long decimals,
// huge and negative values, full precision and rounded, daily and
// monthly.
func TestWriteScenariosCSVBytes(t *testing.T) {
	c := small()
	c.Scenarios = Scenarios{Kappas: []float64{0.8}, Manski: true}
	r, err := Run(context.Background(), c)
	require.NoError(t, err)
	odd := *r.Scenarios[1].Result
	odd.Approve = &aggregate.ShareResult{Share: aggregate.Approve, Series: slices.Clone(odd.Approve.Series)}
	s := odd.Approve.Series
	s[0].Mean, s[1].SD, s[2].Lower, s[3].Upper, s[4].Mean = math.NaN(), math.Inf(1), 1e-7, -1e22, 123456.789012
	for i, name := range []string{`a, "quoted" one`, "two\nlines", " leading space", `\.`} {
		r.Scenarios = append(r.Scenarios, aggregate.PollScenario{Name: name, Result: &odd})
		if i == 3 {
			r.Scenarios = append(r.Scenarios, aggregate.PollScenario{Name: name, Bounds: s})
		}
	}
	for _, o := range []SeriesOptions{{}, {FullPrecision: true}, {Period: Monthly, Digits: 3}} {
		var want bytes.Buffer
		cw := csv.NewWriter(&want)
		require.NoError(t, cw.Write([]string{"scenario", "date", "mean", "sd", "lower", "upper"}))
		for _, s := range r.Scenarios {
			pts := s.Bounds
			if s.Result != nil {
				pts = s.Result.Approve.Series
			}
			for _, p := range o.points(pts) {
				mean, sd := csvNumber(p.Mean), csvNumber(p.SD)
				if s.Bounds != nil {
					mean, sd = "", ""
				}
				require.NoError(t, cw.Write([]string{s.Name, p.Date.Format(time.DateOnly), mean, sd, csvNumber(p.Lower), csvNumber(p.Upper)}))
			}
		}
		cw.Flush()
		var got bytes.Buffer
		require.NoError(t, r.WriteScenariosCSV(&got, o))
		require.Equal(t, want.String(), got.String(), "%+v", o)
	}
}

// csvNumber is what WriteScenariosCSV writes for x, by strconv: the
// shortest exact representation, "" for NaN or ±Inf.
func csvNumber(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}
