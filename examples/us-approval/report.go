package main

import (
	"cmp"
	"compress/gzip"
	"context"
	"embed"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/aggregate/chart"
	"github.com/candorpoll/candor/poll"
)

//go:embed data/approval_polllist.csv.gz
var dataFS embed.FS

const chartFile = "us-approval.png"

// load reads 538's poll list and keeps the "All polls" rows: each poll
// appears once per subgroup, and "All polls" is the version 538's main
// average used.
func load() ([]poll.Poll, []*poll.ParseError, error) {
	f, err := dataFS.Open("data/approval_polllist.csv.gz")
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, nil, err
	}
	all, err := poll.Read538(zr, poll.WithSource("approval_polllist.csv"))
	rejected := poll.ParseErrors(err)
	if err != nil && len(rejected) == 0 {
		return nil, nil, err // not a row problem: the file cannot be read
	}
	// The reader returns every good row and one error per bad row; the
	// report lists the bad ones.
	return poll.Filter{Subgroup: "All polls"}.Apply(all), rejected, nil
}

// fits holds the three models' results.
type fits struct {
	polls                  []poll.Poll
	rejected               []*poll.ParseError // rows (of any subgroup) the reader rejected
	average, ssm, bayes    *aggregate.Result
	ref                    map[string]float64 // 538's house effect: approve − adjusted_approve
	count                  map[string]int
	rAverage, rSSM, rBayes float64 // correlations with 538, pollsters with ≥ 5 polls
	nCorr                  int
}

// bayes is the sampler configuration: two chains of 500 draws give R̂
// and an effective sample size of σ above 400, enough for the summary
// the report prints.
var bayes = aggregate.Bayes{
	Model:      aggregate.StateSpace{Shares: []aggregate.Share{aggregate.Approve}},
	Chains:     2,
	Iterations: 500,
	Seed:       2017,
}

func fit(ctx context.Context) (*fits, error) {
	polls, rejected, err := load()
	if err != nil {
		return nil, err
	}
	f := &fits{polls: polls, rejected: rejected, ref: map[string]float64{}, count: map[string]int{}}
	for _, p := range polls {
		// 538 adjusts every poll of a pollster by the same constant, so
		// any row gives it.
		f.ref[p.Pollster] = p.Approve - p.AdjustedApprove
		f.count[p.Pollster]++
	}
	if f.average, err = (&aggregate.Average{}).Fit(ctx, polls); err != nil {
		return nil, fmt.Errorf("average: %w", err)
	}
	if f.ssm, err = (aggregate.StateSpace{Shares: []aggregate.Share{aggregate.Approve}}).Fit(ctx, polls); err != nil {
		return nil, fmt.Errorf("state space: %w", err)
	}
	if f.bayes, err = bayes.Fit(ctx, polls); err != nil {
		return nil, fmt.Errorf("bayes: %w", err)
	}
	f.rAverage, f.nCorr = f.correlation(f.average)
	f.rSSM, _ = f.correlation(f.ssm)
	f.rBayes, _ = f.correlation(f.bayes)
	return f, nil
}

// correlation is the Pearson correlation of a model's house effects with
// 538's, over pollsters with at least 5 polls (fewer say little about a
// house).
func (f *fits) correlation(r *aggregate.Result) (float64, int) {
	var x, y []float64
	for _, h := range r.Approve.Houses {
		if f.count[h.Pollster] >= 5 {
			x = append(x, h.Value)
			y = append(y, f.ref[h.Pollster])
		}
	}
	return stat.Correlation(x, y, nil), len(x)
}

func run(w io.Writer, outDir string) error {
	f, err := fit(context.Background())
	if err != nil {
		return err
	}
	return f.report(w, outDir)
}

// report prints the comparison and writes the chart to outDir.
func (f *fits) report(w io.Writer, outDir string) error {
	fmt.Fprintf(w, "candor: Trump job approval 2017–2020 from FiveThirtyEight's poll list\n\n")
	fmt.Fprintf(w, "%d polls (\"All polls\"), %d pollsters, fieldwork %s to %s.\n", len(f.polls), len(f.count),
		f.polls[0].Start.Format("2 Jan 2006"), f.polls[len(f.polls)-1].End.Format("2 Jan 2006"))
	if len(f.rejected) > 0 {
		fmt.Fprintf(w, "Rows rejected by poll.Read538 (all subgroups), not used:\n")
		for _, pe := range f.rejected {
			fmt.Fprintf(w, "  %v\n", pe)
		}
		fmt.Fprintln(w)
	}

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "model\tapprove on last day\t95% interval\tband for a new poll\tσ (pts/day)\thouse effects vs 538 (r)")
	for _, m := range []struct {
		name string
		r    *aggregate.Result
		corr float64
	}{{"Average (538-style)", f.average, f.rAverage}, {"StateSpace (ML)", f.ssm, f.rSSM}, {"Bayes (FFBS Gibbs)", f.bayes, f.rBayes}} {
		p := m.r.Approve.Series[len(m.r.Approve.Series)-1]
		sigma := "—"
		if m.r.Approve.Params.Sigma > 0 {
			sigma = fmt.Sprintf("%.3f", m.r.Approve.Params.Sigma)
		}
		fmt.Fprintf(tw, "%s\t%.1f (%s)\t[%.1f, %.1f]\t[%.1f, %.1f]\t%s\t%.3f\n", m.name, p.Mean, p.Date.Format("2 Jan 2006"),
			p.Lower, p.Upper, p.PollLower, p.PollUpper, sigma, m.corr)
	}
	tw.Flush()
	fmt.Fprintf(w, "(correlations over the %d pollsters with at least 5 polls; 538's house effect is\n", f.nCorr)
	fmt.Fprintf(w, "approve − adjusted_approve in its poll list. Average and StateSpace identify house effects\n")
	fmt.Fprintf(w, "differently — 538 shrinks rare pollsters, the state-space model weights by polls — so\n")
	fmt.Fprintf(w, "levels differ by a constant; the correlation is what compares them.)\n")
	for _, d := range f.bayes.Diagnostics {
		if strings.Contains(d.Name, "sigma") {
			fmt.Fprintf(w, "Bayes diagnostic %s = %.3g (ok: %v)\n", d.Name, d.Value, d.OK)
		}
	}

	fmt.Fprintf(w, "\nHouse effects on approve of the 15 pollsters with the most polls (points):\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "pollster\tpolls\tAverage\tStateSpace (SE)\tBayes (SD)\t538")
	names := make([]string, 0, len(f.count))
	for n := range f.count {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(f.count[b], f.count[a]), cmp.Compare(a, b))
	})
	for _, n := range names[:min(15, len(names))] {
		a, s, b := house(f.average, n), house(f.ssm, n), house(f.bayes, n)
		fmt.Fprintf(tw, "%s\t%5d\t%+7.1f\t%+6.1f (%.1f)\t%+6.1f (%.1f)\t%+5.1f\n", n, f.count[n], a.Value, s.Value, s.SE, b.Value, b.SE, f.ref[n])
	}
	tw.Flush()

	path := filepath.Join(outDir, chartFile)
	if err := f.writeChart(path); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	fmt.Fprintf(w, "\nChart: %s\n", abs)
	return nil
}

func house(r *aggregate.Result, name string) aggregate.HouseEffect {
	for _, h := range r.Approve.Houses {
		if h.Pollster == name {
			return h
		}
	}
	return aggregate.HouseEffect{Pollster: name, Value: math.NaN(), SE: math.NaN()}
}

// writeChart draws the state-space trend with the polls and the house
// effects of the three models beside 538's.
func (f *fits) writeChart(path string) error {
	var opt chart.Options // default size; one value for the charts and the renderer
	trendOpt := opt
	trendOpt.Title = "Trump job approval: state-space trend, 538 poll list"
	trendOpt.MaxHouses = 4
	trendOpt.Credit = "Data: FiveThirtyEight, approval_polllist.csv; analysis: candor (go run ./examples/us-approval)"
	trend, err := chart.Trend(f.ssm, f.polls, trendOpt)
	if err != nil {
		return err
	}
	var ref []aggregate.HouseEffect
	for n, v := range f.ref {
		ref = append(ref, aggregate.HouseEffect{Pollster: n, Value: v, SE: math.NaN(), Polls: f.count[n]})
	}
	slices.SortFunc(ref, func(a, b aggregate.HouseEffect) int { return cmp.Compare(a.Pollster, b.Pollster) })
	houseOpt := opt
	houseOpt.Title = "House effects on approve: candor and FiveThirtyEight"
	houseOpt.MaxHouses = 20
	houses, err := chart.HouseEffects([]chart.HouseSet{
		{Name: "StateSpace", Houses: f.ssm.Approve.Houses, Level: f.ssm.Level},
		{Name: "Average", Houses: f.average.Approve.Houses, Level: f.average.Level},
		{Name: "538 (approve − adjusted)", Houses: ref},
	}, houseOpt)
	if err != nil {
		return err
	}
	b, err := chart.PNG([]*plot.Plot{trend, houses}, opt)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
