package aggregate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/candorpoll/candor/aggregate/internal/benchcpu"

	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/poll"
)

// cpuTime returns the CPU time (user + system) the process has used so
// far, and whether it could be read (benchcpu.Used).
func cpuTime() (time.Duration, bool) {
	d := benchcpu.Used()
	return d, d > 0
}

// reportCPU adds a cpu-ns/op metric (process CPU time since start,
// garbage collection included) to a benchmark: on a shared machine
// wall-clock ns/op measures the queue for a core as much as the code.
func reportCPU(b *testing.B, start time.Duration) { benchcpu.Report(b, start) }

// BenchmarkStateSpacePeers is the whole fit of the peers' model (approve,
// no τ, unweighted sum to zero) on the synthetic data, σ by ML included:
// the number to compare with statsmodels' 0.13 s.
func BenchmarkStateSpacePeers(b *testing.B) { benchPeersFit(b, peersModel) }

// benchPeersFit times m's whole fit of the peers' synthetic data.
func benchPeersFit(b *testing.B, m StateSpace) {
	ps := syntheticPolls(b)
	ctx := context.Background()
	b.ReportAllocs()
	c0, _ := cpuTime()
	for b.Loop() {
		_, err := m.Fit(ctx, ps)
		require.NoError(b, err)
	}
	reportCPU(b, c0)
}

// BenchmarkStateSpacePeersSmoothed is the peers' fit as the bar of issue
// 12 words it and as the peer does it — ML and the smoother — without the
// causal series (SkipFiltered), as examples/peers runs it.
func BenchmarkStateSpacePeersSmoothed(b *testing.B) {
	m := peersModel
	m.SkipFiltered = true
	benchPeersFit(b, m)
}

// BenchmarkStateSpacePeersDefault is the default fit (three shares, σ and
// a global τ by ML each) on the same data.
func BenchmarkStateSpacePeersDefault(b *testing.B) { benchPeersFit(b, StateSpace{}) }

// BenchmarkLikelihood is one evaluation of the diffuse log-likelihood on
// the synthetic data (the unit of work of the ML search and of Bayes's
// collapsed σ step).
func BenchmarkLikelihood(b *testing.B) {
	cr := unweightedCore(b)
	b.ReportAllocs()
	c0, _ := cpuTime()
	for b.Loop() {
		cr.eval(0.32, nil)
	}
	reportCPU(b, c0)
}

// BenchmarkLikelihoodGradient is one step of the τ search on the peers'
// data (disapprove, global τ): an evaluation at a τ that differs from the
// last one (so setTau refreshes its sums) and the exact gradient (scores).
func BenchmarkLikelihoodGradient(b *testing.B) {
	m := StateSpace{}
	pm, err := m.prepare(readSet(b, syntheticPolls(b), m.rules()), Disapprove)
	require.NoError(b, err)
	cr := newCore(pm.o, pm.c, pm.tauOf, pm.nTau)
	taus := [2][]float64{{1.7}, {1.6}}
	dst := make([]float64, 2)
	b.ReportAllocs()
	c0, _ := cpuTime()
	i := 0
	for b.Loop() {
		i++
		if ll := cr.eval(0.32, taus[i%2]); math.IsInf(ll, -1) {
			b.Fatal("not positive definite")
		}
		cr.scores(dst)
	}
	reportCPU(b, c0)
}

// Benchmark538Like: a synthetic equivalent of FiveThirtyEight's Trump
// approval list: ≈6,700 polls, ≈1,400 days, 100 pollsters; approve only
// with σ and a global τ by ML, and the peers' model.
func Benchmark538Like(b *testing.B) {
	sim := simulate(538, simSpec{days: 1400, polls: 6700, houses: 100, sigma: 0.15, houseSD: 2, rare: -1, start: 42})
	ctx := context.Background()
	for _, m := range []struct {
		name string
		m    StateSpace
	}{
		{"approve-tau", StateSpace{Shares: []Share{Approve}}},
		{"approve-notau", StateSpace{Shares: []Share{Approve}, Tau: TauNone()}},
	} {
		b.Run(m.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, err := m.m.Fit(ctx, sim.polls)
				require.NoError(b, err)
			}
		})
	}
}

// BenchmarkStateSpaceScaling: polls from 1k to 1M (10 polls a day, 20
// houses; 1M polls span 100,000 days, within MaxDays), approve only, σ by
// ML, no τ: cost grows linearly.
func BenchmarkStateSpaceScaling(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1000, 10000, 100000, 1000000} {
		b.Run(fmt.Sprintf("polls=%d", n), func(b *testing.B) {
			// σ shrinks with the length so that the walk stays well inside
			// 0–100 (its sd over the series is at most 3 points).
			days := n / 10
			sigma := min(0.2, 3/math.Sqrt(float64(days)))
			sim := simulate(uint64(n), simSpec{days: days, polls: n, houses: 20, sigma: sigma, houseSD: 2, rare: -1, start: 45})
			m := StateSpace{Shares: []Share{Approve}, Tau: TauNone()}
			b.ReportAllocs()
			c0, _ := cpuTime()
			for b.Loop() {
				_, err := m.Fit(ctx, sim.polls)
				require.NoError(b, err)
			}
			reportCPU(b, c0)
		})
	}
}

// BenchmarkInputPlacement is the input boundary (readPolls) of a million
// polls, in random order of days and in day order, with the items placed
// as they are made or staged (placer), each way in turn four times in one
// process, so that the VM's changes of speed fall on both alike:
//
//	go test ./aggregate -run '^$' -bench InputPlacement -benchtime 5x
func BenchmarkInputPlacement(b *testing.B) {
	const n = 1000000
	sim := simulate(n, simSpec{days: n / 10, polls: n, houses: 20, sigma: 3 / math.Sqrt(n/10), houseSD: 2, rare: -1, start: 45})
	sorted := slices.Clone(sim.polls)
	slices.SortStableFunc(sorted, func(p, q poll.Poll) int { return p.Start.Compare(q.Start) })
	for range 4 {
		for _, in := range []struct {
			name  string
			polls []poll.Poll
		}{{"random", sim.polls}, {"day-order", sorted}} {
			for _, pl := range []struct {
				name string
				p    placement
			}{{"at-once", placeAtOnce}, {"staged", placeStaged}} {
				b.Run(in.name+"/"+pl.name, func(b *testing.B) {
					rules := StateSpace{}.rules()
					rules.placement = pl.p
					c0, _ := cpuTime()
					for b.Loop() {
						ps, err := readPolls(in.polls, rules)
						require.NoError(b, err)
						ps.release()
					}
					reportCPU(b, c0)
				})
			}
		}
	}
}

// all538 reads FiveThirtyEight's Trump approval poll list
// (testdata/538/approval_polllist.csv), every subgroup.
func all538(b testing.TB) []poll.Poll {
	b.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "538", "approval_polllist.csv"))
	require.NoError(b, err)
	defer f.Close()
	// The reader returns every good row and reports the bad ones (two rows
	// published before their fieldwork ends): use the good ones.
	all, err := poll.Read538(f)
	var pe *poll.ParseError
	if err != nil {
		require.True(b, errors.As(err, &pe), "%v", err)
	}
	return all
}

// trump538 is all538's subgroup "All polls".
func trump538(b testing.TB) []poll.Poll {
	b.Helper()
	var ps []poll.Poll
	for _, p := range all538(b) {
		if p.Subgroup == "All polls" {
			ps = append(ps, p)
		}
	}
	return ps
}

// BenchmarkStateSpace538 fits the real FiveThirtyEight Trump list
// (≈6,700 "All polls" rows, ≈1,400 days, ≈100 pollsters), approve only,
// σ and a global τ by ML.
func BenchmarkStateSpace538(b *testing.B) {
	ps := trump538(b)
	ctx := context.Background()
	m := StateSpace{Shares: []Share{Approve}}
	res, err := m.Fit(ctx, ps)
	require.NoError(b, err)
	b.Logf("%d polls, %d days, %d houses, σ̂ = %.3f, τ̂ = %.2f", len(ps), len(res.Approve.Series), len(res.Approve.Houses), res.Approve.Params.Sigma, res.Approve.Params.Tau[""])
	b.ReportAllocs()
	c0, _ := cpuTime()
	for b.Loop() {
		_, err := m.Fit(ctx, ps)
		require.NoError(b, err)
	}
	reportCPU(b, c0)
}

// BenchmarkStateSpaceRussia fits the default model (three shares, σ and a
// global τ by ML) to each of eleven three-year windows of the Russian
// series (Levada, FOM, VTsIOM; 2000–2002 to 2020–2022): small sets whose τ
// searches are short, beside the peers' large one.
func BenchmarkStateSpaceRussia(b *testing.B) {
	var sets [][]poll.Poll
	for y := 2000; y <= 2020; y += 2 {
		sets = append(sets, russianPolls(b, time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y+3, 1, 1, 0, 0, 0, 0, time.UTC)))
	}
	ctx := context.Background()
	b.ReportAllocs()
	c0, _ := cpuTime()
	for b.Loop() {
		for _, ps := range sets {
			_, err := StateSpace{}.Fit(ctx, ps)
			require.NoError(b, err)
		}
	}
	reportCPU(b, c0)
}

// The parts of an evaluation and of a τ-search step on the peers' data,
// whose figures the README's fourth round quotes (run the same benchmarks
// on an older tree to compare):
//
//	go test ./aggregate -run '^$' -cpu 1 -benchtime 20000x -bench 'Parts'

// BenchmarkPartsFactorM is the dense path's LDLᵀ of M (the pivots' chain)
// at σ = 0.32.
func BenchmarkPartsFactorM(b *testing.B) {
	cr := unweightedCore(b)
	cr.eval(0.32, nil)
	c0, _ := cpuTime()
	for b.Loop() {
		logDet := logProduct{mant: 1}
		cr.factorM(0.32*0.32, &logDet)
	}
	reportCPU(b, c0)
}

// BenchmarkPartsForwardDense is the dense path's forward substitution of
// the peers' seven columns of [U b].
func BenchmarkPartsForwardDense(b *testing.B) {
	cr := unweightedCore(b)
	cr.eval(0.32, nil)
	c0, _ := cpuTime()
	for b.Loop() {
		cr.forwardDense()
	}
	reportCPU(b, c0)
}

// BenchmarkPartsSetTau is the refresh of the τ-dependent sums when τ
// moves (disapprove, global τ: 2,000 polls).
func BenchmarkPartsSetTau(b *testing.B) {
	m := StateSpace{}
	pm, err := m.prepare(readSet(b, syntheticPolls(b), m.rules()), Disapprove)
	require.NoError(b, err)
	cr := newCore(pm.o, pm.c, pm.tauOf, pm.nTau)
	taus := [2][]float64{{1.7}, {1.6}}
	cr.eval(0.32, taus[0])
	c0, _ := cpuTime()
	i := 0
	for b.Loop() {
		i++
		cr.setTau(taus[i%2])
	}
	reportCPU(b, c0)
}

// The stages of the peers' fit (BenchmarkStateSpacePeers) apart from the
// search, whose figures the README's fifth round quotes:
//
//	go test ./aggregate -run '^$' -cpu 1 -benchtime 2000x -bench 'Stage'

// BenchmarkStageReadPolls is the input boundary on the peers' 2,000 polls:
// validation, pollsters, grouping, items in midpoint order.
func BenchmarkStageReadPolls(b *testing.B) {
	ps := syntheticPolls(b)
	b.ReportAllocs()
	c0, _ := cpuTime()
	for b.Loop() {
		_, err := readPolls(ps, peersModel.rules())
		require.NoError(b, err)
	}
	reportCPU(b, c0)
}

// BenchmarkStageFiltered is the causal filter over the peers' 800 days
// at σ = 0.32.
func BenchmarkStageFiltered(b *testing.B) {
	o := unweightedCore(b).o
	ctx := context.Background()
	b.ReportAllocs()
	c0, _ := cpuTime()
	for b.Loop() {
		_, _, _, err := filtered(ctx, o, 0.32, nil, nil, filterIdent{kind: sumToZero})
		require.NoError(b, err)
	}
	reportCPU(b, c0)
}

// BenchmarkStageSeries builds one 800-day series of Points from the
// smoothed means and sds.
func BenchmarkStageSeries(b *testing.B) {
	cr := unweightedCore(b)
	cr.eval(0.32, nil)
	sm := cr.smooth()
	o, tr := cr.o, transform{}
	b.ReportAllocs()
	c0, _ := cpuTime()
	for b.Loop() {
		pts := make([]Point, o.nDays)
		for t := range pts {
			tr.setPoint(&pts[t], o.date(t), sm.mean[t], sm.sd[t], 1.96, 10)
		}
	}
	reportCPU(b, c0)
}
