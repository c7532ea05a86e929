package forensics

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResultsHandComputed(t *testing.T) {
	e, err := Read(strings.NewReader(table(header2024, append(firstRows2024,
		`Архангельская область,Вельская,УИК №1,1000,1000,0,500,100,400,100,500,10,590,0,0,90,400,50,50`,
		`Архангельская область,Вельская,УИК №2,0,100,0,0,0,100,0,0,0,0,0,0,0,0,0,0`,
		`Херсонская область,ТИК №1,УИК №1,,,,,,,,,,,,,,,,`)...)))
	require.NoError(t, err)
	r := e.Results(false)
	require.Len(t, r.Regions, 2)
	assert.Equal(t, 1, r.Unreported)
	alt := r.Regions[0]
	assert.Equal(t, "Алтайский край", alt.Region)
	assert.Equal(t, 3, alt.Stations)
	assert.Equal(t, 526+155+381, alt.Registered)
	assert.Equal(t, []int{7 + 2 + 7, 339 + 109 + 288, 16 + 6 + 3, 23 + 11 + 22}, alt.Votes)
	// Shares of the cast (valid + invalid) ballots; turnout of issued over registered.
	cast := (385 + 1) + (128 + 4) + (320 + 5)
	assert.Equal(t, cast, alt.Cast())
	assert.InDelta(t, 100*float64(339+109+288)/float64(cast), alt.Share(1), 1e-12)
	assert.InDelta(t, 100*float64(386+132+325)/float64(1062), alt.Turnout(), 1e-12)
	arh := r.Regions[1]
	assert.Equal(t, 2, arh.Stations) // the station with no voter adds its zeros
	assert.InDelta(t, 60.0, arh.Turnout(), 1e-12)
	assert.InDelta(t, 100*400.0/600, arh.Share(1), 1e-12)
	assert.Equal(t, alt.Registered+arh.Registered, r.National.Registered)
	assert.True(t, (&Totals{Votes: []int{0}}).Share(0) != (&Totals{Votes: []int{0}}).Share(0), "0/0 is NaN")
}

// The 2024 totals recomputed from the file, exactly: registered voters,
// ballots and votes are integer sums, and the shares their ratios.
func TestResults2024(t *testing.T) {
	e := load2024(t)
	r := e.Results(false)
	n := r.National
	assert.Equal(t, 91946, n.Stations)
	assert.Equal(t, 99764974, n.Registered) // the compilers' README
	assert.Equal(t, 75219882, n.Issued())
	assert.Equal(t, 75157438, n.Cast())
	assert.Equal(t, n.Cast(), n.InBoxes())
	assert.Equal(t, []int{2861364, 65246672, 2424562, 3447709}, n.Votes)
	assert.Equal(t, 100*65246672/75157438.0, n.Share(1))  // 86.8133…%
	assert.Equal(t, 100*75219882/99764974.0, n.Turnout()) // 75.3971…%
	assert.InDelta(t, 86.81, n.Share(1), 0.005)
	assert.InDelta(t, 3.81, n.Share(0), 0.005)
	assert.InDelta(t, 3.23, n.Share(2), 0.005)
	assert.InDelta(t, 4.59, n.Share(3), 0.005)
	assert.Len(t, r.Regions, 87) // 91 regions listed, 4 without results

	// With the remote e-voting of 29 regions: 8,434,406 more voters.
	w := e.Results(true).National
	assert.Equal(t, 108199380, w.Registered)
	assert.Equal(t, 99764974+8434406, w.Registered)
	assert.Equal(t, 83214246, w.Cast())
	assert.Equal(t, []int{3300653, 72350518, 2705545, 3680394}, w.Votes)
	assert.Equal(t, 100*72350518/83214246.0, w.Share(1)) // 86.9449…%
	assert.InDelta(t, 86.94, w.Share(1), 0.005)

	// Every e-voting region is a station region; its totals grow by
	// exactly its remote row, the others not at all.
	rs, ws := e.Results(false), e.Results(true)
	require.Len(t, ws.Regions, len(rs.Regions))
	remote := map[string]RegionTotal{}
	for _, x := range e.Remote {
		remote[x.Region] = x
	}
	for i, a := range rs.Regions {
		b := ws.Regions[i]
		require.Equal(t, a.Region, b.Region)
		x, ok := remote[a.Region]
		if !ok {
			assert.Equal(t, a.Protocol, b.Protocol, a.Region)
			continue
		}
		delete(remote, a.Region)
		assert.Equal(t, a.Registered+x.Registered, b.Registered, a.Region)
		assert.Equal(t, a.Votes[1]+x.Votes[1], b.Votes[1], a.Region)
	}
	assert.Empty(t, remote, "e-voting regions without stations")
	sum := 0
	for _, reg := range rs.Regions {
		sum += reg.Votes[1]
	}
	assert.Equal(t, n.Votes[1], sum)
}

// 2018: the file reproduces the Central Election Commission's official
// result to the published precision: Putin 76.69% of the ballots cast,
// turnout 67.54% (ballots issued over registered voters).
func TestResults2018(t *testing.T) {
	n := load2018(t).Results(false).National
	assert.Equal(t, 97699, n.Stations)
	assert.Equal(t, 109008428, n.Registered) // the compilers' README
	assert.Equal(t, 56430712, n.Votes[3])
	assert.Equal(t, 73578992, n.Cast())
	assert.Equal(t, 73629581, n.Issued())
	assert.Equal(t, "76.69", fmtPct(n.Share(3)))
	assert.Equal(t, "67.54", fmtPct(n.Turnout()))
	assert.Equal(t, "11.77", fmtPct(n.Share(1))) // Grudinin
}

func fmtPct(x float64) string { return fmt.Sprintf("%.2f", x) }

// TestProtocolAdd: add sums every protocol line (line by line through
// Protocol.line, so that a line added to the struct and forgotten in add
// fails here).
func TestProtocolAdd(t *testing.T) {
	var p, q, want Protocol
	for i := range protocolLines {
		*p.line(i) = 1000 * (i + 1)
		*q.line(i) = i + 1
		*want.line(i) = 1001 * (i + 1)
	}
	p.add(q)
	assert.Equal(t, want, p)
}
