package aggregate

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/poll"
)

// peersDir holds the peer data: the synthetic poll set (2,000 polls, 800
// days, five houses, seed 20240601) and the reference outputs of the peer
// implementations (testdata/SOURCES.md).
var peersDir = filepath.Join("..", "testdata", "peers")

// readCSVRecords reads a small CSV file with a header into maps by column.
func readCSVRecords(t testing.TB, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, recs)
	out := make([]map[string]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		m := map[string]string{}
		for j, name := range recs[0] {
			m[name] = r[j]
		}
		out = append(out, m)
	}
	return out
}

func mustFloat(t testing.TB, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err, s)
	return v
}

// syntheticPolls parses testdata/peers/synthetic_polls.csv (columns
// pollster,start_date,end_date,sample_size,approve,disapprove,undecided).
func syntheticPolls(t testing.TB) []poll.Poll {
	t.Helper()
	var ps []poll.Poll
	for i, r := range readCSVRecords(t, filepath.Join(peersDir, "synthetic_polls.csv")) {
		start, err := time.Parse(time.DateOnly, r["start_date"])
		require.NoError(t, err)
		end, err := time.Parse(time.DateOnly, r["end_date"])
		require.NoError(t, err)
		n, err := strconv.Atoi(r["sample_size"])
		require.NoError(t, err)
		ps = append(ps, poll.Poll{
			Pollster: r["pollster"], Question: "approval", Start: start, End: end, SampleSize: n,
			Approve: mustFloat(t, r["approve"]), Disapprove: mustFloat(t, r["disapprove"]), Undecided: mustFloat(t, r["undecided"]),
			Refused: nan, AdjustedApprove: nan, AdjustedDisapprove: nan,
			Source: "synthetic_polls.csv", Line: i + 2,
		})
	}
	return ps
}
