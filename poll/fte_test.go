package poll

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRead538PollList(t *testing.T) {
	polls, err := Read538(openTestdata(t, "538/approval_polllist.csv"))
	require.Equal(t, 16199, len(polls))
	pes := ParseErrors(err)
	require.Len(t, pes, 2, "%v", err)
	// SurveyMonkey's 10/1–10/31/2020 poll was created 10/13/2020, before its
	// fieldwork ended: an inconsistency in 538's file, reported.
	for i, line := range []int{6564, 16071} {
		assert.ErrorIs(t, pes[i], ErrDateOrder)
		assert.Equal(t, line, pes[i].Line)
		assert.Equal(t, 21, pes[i].Column)
		assert.Equal(t, "10/13/2020", pes[i].Value)
	}
	var multi, tracking int
	subgroups := map[string]int{}
	var raw, adj float64
	for _, p := range polls {
		if p.Flags.Has(MultiVersion) {
			multi++
		}
		if p.Flags.Has(Tracking) {
			tracking++
		}
		subgroups[p.Subgroup]++
		raw += p.Approve
		adj += p.AdjustedApprove
	}
	assert.Equal(t, 80, multi)
	assert.Equal(t, 6917, tracking)
	assert.Equal(t, map[string]int{"All polls": 6712, "Voters": 5506, "Adults": 3981}, subgroups)
	// Sums computed independently from the CSV (Python csv module): raw and
	// adjusted toplines stay in their own fields.
	assert.InDelta(t, 685141.51, raw, 1e-6)
	assert.InDelta(t, 674364.92829, adj, 1e-4)

	p := polls[0]
	assert.Equal(t, "Gallup", p.Pollster)
	assert.Equal(t, "Donald Trump", p.Subject)
	assert.Equal(t, "approval", p.Question)
	assert.Equal(t, date(2017, 1, 20), p.Start)
	assert.Equal(t, date(2017, 1, 22), p.End)
	assert.Equal(t, date(2017, 1, 23), p.Published)
	assert.Equal(t, 1500, p.SampleSize)
	assert.Equal(t, Adults, p.Population)
	assert.Equal(t, "B", p.Grade)
	assert.Equal(t, 0.26232298, p.Weight)
	assert.Equal(t, 45.0, p.Approve)
	assert.Equal(t, 45.763413, p.AdjustedApprove)
	assert.Equal(t, 43.601229, p.AdjustedDisapprove)
	assert.Equal(t, "49253/77265", p.ID)
	assert.Equal(t, 2, p.Line)
}

func TestRead538Historical(t *testing.T) {
	polls, err := Read538(openTestdata(t, "538/president_approval_polls_historical.csv"))
	require.Equal(t, 10016, len(polls))
	pes := ParseErrors(err)
	require.Len(t, pes, 1)
	assert.ErrorIs(t, pes[0], ErrDateOrder)
	assert.Equal(t, 270, pes[0].Line)
	assert.Equal(t, 24, pes[0].Column)
	modes := map[Mode]int{}
	tracking := 0
	for _, p := range polls {
		modes[p.Mode]++
		if p.Flags.Has(Tracking) {
			tracking++
		}
		assert.True(t, math.IsNaN(p.AdjustedApprove))
	}
	assert.Equal(t, 4228, tracking)
	assert.Equal(t, 6392+1223+20+7, modes[Online], "online panels, probability panels, text-to-web/online ad, online panel/online ad")
	last := polls[len(polls)-1]
	assert.Equal(t, "Gallup", last.Pollster)
	assert.Equal(t, Phone, last.Mode)
	assert.Equal(t, "B+", last.Grade)
	assert.Equal(t, date(2017, 2, 6), last.Published)
	assert.Equal(t, [2]float64{45, 45}, [2]float64{last.Approve, last.Disapprove})
	assert.True(t, math.IsNaN(last.Undecided))
}

func TestRead538Fixtures(t *testing.T) {
	polls, err := Read538(openTestdata(t, "csv/538-polllist.csv"), WithSource("fixture"))
	require.NoError(t, err)
	require.Equal(t, 3, len(polls))
	ip := polls[1]
	assert.Equal(t, 2203, ip.SampleSize, "538's averaged n 2202.5 rounded")
	assert.True(t, ip.Flags.Has(MultiVersion))
	assert.False(t, ip.Flags.Has(Tracking))
	assert.Equal(t, LikelyVoters, ip.Population)
	assert.Equal(t, "Voters", ip.Subgroup)
	na := polls[2]
	assert.Equal(t, 0, na.SampleSize)
	assert.Equal(t, 0.0, na.Weight)
	assert.Equal(t, "", na.Grade)
	assert.True(t, math.IsNaN(na.Disapprove))
	assert.True(t, math.IsNaN(na.AdjustedDisapprove))
	assert.Equal(t, 42.0, na.AdjustedApprove)
	assert.Equal(t, "fixture", na.Source, "url NA: the configured source")

	polls, err = Read538(openTestdata(t, "csv/538-historical.csv"))
	require.NoError(t, err)
	require.Equal(t, 3, len(polls))
	assert.Equal(t, []Mode{Online, Mixed, Online}, []Mode{polls[0].Mode, polls[1].Mode, polls[2].Mode})
	assert.Equal(t, date(2021, 1, 16), polls[0].Start)
	assert.Equal(t, "A-", polls[1].Grade)
	assert.True(t, polls[1].Flags.Has(Tracking))
	assert.Equal(t, "74200/139200", polls[1].ID)
}

func TestRead538UnknownLayout(t *testing.T) {
	_, err := Read538(strings.NewReader("a,b,c\n1,2,3\n"))
	require.ErrorIs(t, err, ErrUnknownLayout)
	_, err = Read538(strings.NewReader("pollster,startdate,enddate,approve\nX,1/1/2020,1/2/2020,40\n"))
	require.ErrorIs(t, err, ErrMissingColumn)
	assert.Contains(t, err.Error(), "disapprove")
}

func TestFTEMode(t *testing.T) {
	for in, want := range map[string]Mode{
		"Online Panel": Online, "Live Phone": Phone, "IVR": Phone, "Probability Panel": Online,
		"IVR/Online Panel": Mixed, "Text-to-Web/Online Ad": Online, "Live Phone/Probability Panel": Mixed,
		"": ModeUnknown, "NA": ModeUnknown, "In-Person": FaceToFace,
	} {
		got, err := fteMode(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := fteMode("Carrier Pigeon")
	require.ErrorIs(t, err, ErrUnknownValue)
}

func TestReadCSVPointsTo538(t *testing.T) {
	_, err := ReadCSV(openTestdata(t, "csv/538-historical.csv"))
	require.ErrorIs(t, err, ErrUnknownLayout)
	assert.Contains(t, err.Error(), "Read538")
}
