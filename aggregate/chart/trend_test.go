package chart

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/poll"
)

// trendTexts draws a trend with the given options and returns its texts.
func trendTexts(t *testing.T, res *aggregate.Result, polls []poll.Poll, opt Options) []string {
	t.Helper()
	p, err := Trend(res, polls, opt)
	require.NoError(t, err)
	return textsOf(svgTexts(t, mustSVG(t, opt, p)))
}

// TestTrendOptions: each option of a trend chart changes what it says.
func TestTrendOptions(t *testing.T) {
	res, polls := testResult(365), testPolls(365)
	withDisapprove := testResult(365)
	withDisapprove.Disapprove = &aggregate.ShareResult{Share: aggregate.Disapprove, Series: shift(withDisapprove.Approve.Series, -50)}
	for i := range withDisapprove.Disapprove.Series {
		withDisapprove.Disapprove.Series[i].PollLower, withDisapprove.Disapprove.Series[i].PollUpper = math.NaN(), math.NaN()
	}
	tests := []struct {
		name      string
		res       *aggregate.Result
		opt       Options
		want, not []string
	}{
		{"defaults", res, Options{}, []string{"approve: trend (statespace model)", "trend", "95% interval of the trend",
			"95% range for a new poll", "percent", "last poll: 3 January 2023"}, nil},
		{"title and y label", res, Options{Title: "Одобрение", YLabel: "%"}, []string{"Одобрение", "%"},
			[]string{"approve: trend (statespace model)", "percent"}},
		{"no poll band", res, Options{NoPollBand: true}, nil, []string{"95% range for a new poll"}},
		{"filtered", res, Options{Filtered: true}, []string{"trend as known on each day"}, []string{"trend"}},
		{"legend none", res, Options{Legend: LegendNone}, nil, []string{"trend", "polls: ФОМ (18)", "95% interval of the trend"}},
		{"level", func() *aggregate.Result { r := testResult(365); r.Level = 0.8; return r }(), Options{},
			[]string{"80% interval of the trend", "80% range for a new poll"}, nil},
		{"max houses", res, Options{MaxHouses: 1}, []string{"polls: Левада-Центр (18)", "polls: 2 other pollsters (35)"},
			[]string{"polls: ФОМ (18)"}},
		{"window", res, Options{From: day0.AddDate(0, 6, 0), To: day0.AddDate(0, 7, 0)},
			[]string{"polls: Левада-Центр (2)", "last poll: 2 August 2022"}, []string{"Jan 2023", "polls: Левада-Центр (18)"}},
		{"share", withDisapprove, Options{Share: aggregate.Disapprove}, []string{"disapprove: trend (statespace model)",
			"polls: Левада-Центр (18)"}, []string{"95% range for a new poll"}},
		{"marks", res, Options{Marks: []Mark{{Date: day0.AddDate(0, 3, 0), Value: 72, Label: "official 72%"}}}, []string{"official 72%"}, nil},
		{"credit", res, Options{Credit: "Data: Levada Center; analysis: candor"},
			[]string{"last poll: 3 January 2023  ·  Data: Levada Center; analysis: candor"}, nil},
		{"no polls, no credit: no footer", res, Options{}, nil, []string{"last poll: 3 January 2023"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			polls := polls
			if strings.HasPrefix(tt.name, "no polls") {
				polls = nil
			}
			texts := trendTexts(t, tt.res, polls, tt.opt)
			for _, w := range tt.want {
				assert.Contains(t, texts, w)
			}
			for _, n := range tt.not {
				assert.NotContains(t, texts, n)
			}
		})
	}
}

// TestLastPoll: the footer dates the last poll drawn by the end of its
// fieldwork, leaving out polls outside the window and polls with no
// value for the share.
func TestLastPoll(t *testing.T) {
	res := testResult(60)
	d := func(i int) time.Time { return day0.AddDate(0, 0, i) }
	polls := []poll.Poll{
		{Pollster: "A", Start: d(1), End: d(3), Approve: 70},
		{Pollster: "A", Start: d(20), End: d(24), Approve: 70},
		{Pollster: "B", Start: d(28), End: d(30), Approve: 71},
		{Pollster: "B", Start: d(40), End: d(41), Approve: math.NaN()}, // not published
	}
	assert.Contains(t, trendTexts(t, res, polls, Options{}), "last poll: 31 January 2022")
	assert.Contains(t, trendTexts(t, res, polls, Options{To: d(25)}), "last poll: 25 January 2022")
}

// TestSinglePollster: a chart of one pollster over a day, a week, a
// month and a year and more has a legend entry for it, calendar ticks
// that name each date once, with the year where it starts, and round
// value ticks.
func TestSinglePollster(t *testing.T) {
	start := time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		days   int
		labels []string // the date labels
	}{
		{1, []string{"4 Mar 2024"}},
		{7, []string{"4 Mar 2024", "5 Mar", "6 Mar", "7 Mar", "8 Mar", "9 Mar", "10 Mar"}},
		{31, []string{"4 Mar 2024", "11 Mar", "18 Mar", "25 Mar", "1 Apr"}},
		{400, []string{"Apr 2024", "Jul", "Oct", "Jan 2025", "Apr"}},
	}
	for _, tt := range tests {
		a := &aggregate.ShareResult{Share: aggregate.Approve}
		var polls []poll.Poll
		for i := range tt.days {
			d := start.AddDate(0, 0, i)
			m := 62.5 + 0.01*float64(i)
			a.Series = append(a.Series, aggregate.Point{Date: d, Mean: m, Lower: m - 1.2, Upper: m + 1.2, PollLower: m - 3, PollUpper: m + 3})
			polls = append(polls, poll.Poll{Pollster: "Levada", Start: d, End: d, Approve: m + 0.5})
		}
		res := &aggregate.Result{Model: "statespace", Level: 0.95, Approve: a}
		p, err := Trend(res, polls, Options{})
		require.NoError(t, err)
		texts := svgTexts(t, mustSVG(t, Options{}, p))
		assert.Contains(t, textsOf(texts), "polls: Levada ("+strconv.Itoa(tt.days)+")")

		// The date labels are the texts along the bottom axis (tick
		// labels share a baseline), the value labels those at the left.
		axisY := findText(t, texts, tt.labels[0]).Y
		var dates, values []string
		for _, tx := range texts {
			switch {
			case tx.Y == axisY:
				dates = append(dates, tx.Text)
			case isNumber(tx.Text):
				values = append(values, tx.Text)
			}
		}
		assert.Equal(t, tt.labels, dates, "%d days", tt.days)
		require.GreaterOrEqual(t, len(values), 3, "%d days: %v", tt.days, values)
		for _, v := range values {
			assert.NotContains(t, v, ".", "%d days: value labels are whole points: %v", tt.days, values)
		}
	}
}

// isNumber reports whether s is a number as a tick label prints it.
func isNumber(s string) bool {
	_, err := strconv.ParseFloat(strings.ReplaceAll(s, "−", "-"), 64)
	return err == nil
}
