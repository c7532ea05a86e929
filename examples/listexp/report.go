package main

import (
	"context"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/candorpoll/candor/adjust"
	"github.com/candorpoll/candor/adjust/sensitive"
	"github.com/candorpoll/candor/poll"
	"gonum.org/v1/gonum/stat"
)

//go:embed data/*.csv
var dataFS embed.FS

// results is everything the report prints.
type results struct {
	n                 int
	direct, dim       adjust.Estimate
	ml                *sensitive.ListMLFit
	design            sensitive.DesignTestResult
	combined          sensitive.CombinedResult
	cov               float64 // bootstrap covariance of the direct and list estimates
	falsification     adjust.Falsification
	measures          adjust.FalsificationMeasures
	rr                adjust.Estimate
	rrFalsification   adjust.FalsificationMeasures
	published, listed []poll.Poll // the Levada series before and after the list-based correction
	rrCorrected       []poll.Poll // … after the randomized-response-based correction
}

// rrDesign is the forced-response design of data/rr.csv.
var rrDesign = sensitive.RandomizedResponse{Design: sensitive.ForcedResponse, P: 0.7, P1: 0.2, P0: 0.1}

func analyse(ctx context.Context) (*results, error) {
	f, err := dataFS.Open("data/list.csv")
	if err != nil {
		return nil, err
	}
	resp, err := sensitive.ReadRespondents(f, sensitive.Columns{Direct: "direct"})
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("list.csv: %w", err)
	}
	le := resp.ListExperiment(3)
	r := &results{n: resp.Len()}

	if r.dim, err = (sensitive.DiffInMeans{}).Fit(le); err != nil {
		return nil, err
	}
	if r.ml, err = (sensitive.ListML{}).Fit(ctx, le); err != nil {
		return nil, err
	}
	if r.design, err = (sensitive.DesignTest{}).Fit(le); err != nil {
		return nil, err
	}
	if r.combined, err = (sensitive.Combined{}).Fit(le); err != nil {
		return nil, err
	}
	r.direct = r.combined.Direct

	// The direct and list estimates come from the same respondents, so
	// they are correlated: estimate their covariance by a seeded bootstrap
	// over respondents, as the Falsification documentation asks.
	r.cov, err = bootstrapCov(le, 500, 1)
	if err != nil {
		return nil, err
	}
	r.falsification = adjust.Falsification{Direct: r.direct, List: r.dim, Cov: r.cov}
	if r.measures, err = r.falsification.Measures(); err != nil {
		return nil, err
	}

	answers, err := readAnswers("data/rr.csv")
	if err != nil {
		return nil, err
	}
	if r.rr, err = rrDesign.Estimate(answers); err != nil {
		return nil, err
	}
	// The randomized-response survey is a separate sample: covariance 0.
	rrPair := adjust.Falsification{Direct: r.direct, List: r.rr}
	if r.rrFalsification, err = rrPair.Measures(); err != nil {
		return nil, err
	}

	f, err = dataFS.Open("data/levada-2023-2024.csv")
	if err != nil {
		return nil, err
	}
	r.published, err = poll.ReadCSV(f, poll.WithPollster("Levada"), poll.WithSource("levada-2023-2024.csv"))
	f.Close()
	if err != nil {
		return nil, err
	}
	if r.listed, err = (adjust.Chain{adjust.GapCorrection{Falsification: r.falsification}}).Apply(r.published); err != nil {
		return nil, err
	}
	if r.rrCorrected, err = (adjust.Chain{adjust.GapCorrection{Falsification: rrPair}}).Apply(r.published); err != nil {
		return nil, err
	}
	return r, nil
}

// bootstrapCov returns the bootstrap covariance of the direct share and
// the difference-in-means list estimate, resampling respondents within
// each arm (as the randomization fixed the arm sizes).
func bootstrapCov(le *sensitive.ListExperiment, reps int, seed uint64) (float64, error) {
	rng := rand.New(rand.NewPCG(seed, 0))
	var arms [2][]int
	for i, t := range le.Treat {
		if t {
			arms[1] = append(arms[1], i)
		} else {
			arms[0] = append(arms[0], i)
		}
	}
	n := len(le.Y)
	b := sensitive.ListExperiment{Y: make([]float64, n), Treat: make([]bool, n), J: le.J}
	d := make([]float64, reps)
	l := make([]float64, reps)
	for k := range reps {
		i, sum := 0, 0.0
		for a, arm := range arms {
			for range arm {
				j := arm[rng.IntN(len(arm))]
				b.Y[i], b.Treat[i] = le.Y[j], a == 1
				sum += le.Direct[j]
				i++
			}
		}
		est, err := sensitive.DiffInMeans{}.Fit(&b)
		if err != nil {
			return 0, err
		}
		d[k], l[k] = sum/float64(n), est.Value
	}
	return stat.Covariance(d, l, nil), nil
}

// readAnswers reads the 0/1 "answer" column of a randomized-response
// file, reporting the line of any other value.
func readAnswers(name string) ([]float64, error) {
	f, err := dataFS.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(rows) < 2 || len(rows[0]) != 1 || rows[0][0] != "answer" {
		return nil, fmt.Errorf("%s: want a header \"answer\" and rows of 0/1", name)
	}
	out := make([]float64, 0, len(rows)-1)
	for i, r := range rows[1:] {
		v, err := strconv.ParseFloat(r[0], 64)
		if err != nil || (v != 0 && v != 1) {
			return nil, &poll.ParseError{Source: name, Line: i + 2, Column: 1, Value: r[0], Err: fmt.Errorf("answer must be 0 or 1")}
		}
		out = append(out, v)
	}
	return out, nil
}

func run(w io.Writer) error {
	r, err := analyse(context.Background())
	if err != nil {
		return err
	}
	pc := func(e adjust.Estimate) string {
		lo, hi := e.CI(0.95)
		return fmt.Sprintf("%5.1f%%  (SE %.1f, 95%% CI %.1f–%.1f)", 100*e.Value, 100*e.SE, 100*lo, 100*hi)
	}
	fmt.Fprintf(w, "candor: from a list experiment and a randomized-response survey to a corrected poll series\n")
	fmt.Fprintf(w, "(synthetic respondents, seed %d: true approval %.0f%%, %.0f%% of private opponents say\n", dataSeed, 100*truthPrevalence, 100*truthFalsify)
	fmt.Fprintf(w, "\"approve\" when asked directly, so direct approval is %.1f%%)\n\n", 100*(truthPrevalence+(1-truthPrevalence)*truthFalsify))

	fmt.Fprintf(w, "List experiment, %d respondents (J = 3 control items, half given the sensitive item):\n", r.n)
	fmt.Fprintf(w, "  direct question           %s\n", pc(r.direct))
	fmt.Fprintf(w, "  difference in means       %s\n", pc(r.dim))
	fmt.Fprintf(w, "  ML (Imai 2011, EM)        %s, log-likelihood %.2f\n", pc(r.ml.Prevalence), r.ml.LogLik)
	fmt.Fprintf(w, "  design-effect test (Blair & Imai 2012): Bonferroni-corrected p = %.3f (%s)\n", r.design.PValue, verdict(r.design.PValue, "no design effect detected", "design effect: the list estimate is suspect"))
	fmt.Fprintf(w, "  combined list + direct (Aronow et al. 2015): %s\n", pc(r.combined.Estimate))
	fmt.Fprintf(w, "    placebo test I (list estimate among direct \"yes\" = 1): %.2f (SE %.2f), p %s\n",
		r.combined.PlaceboI.Estimate.Value, r.combined.PlaceboI.Estimate.SE, pfmt(r.combined.PlaceboI.PValue))
	fmt.Fprintf(w, "    placebo test II (the list does not move the direct answer): p %s\n", pfmt(r.combined.PlaceboII.PValue))
	fmt.Fprintf(w, "    Test I rejects: some who say \"approve\" directly do not approve privately (falsifiers),\n")
	fmt.Fprintf(w, "    which breaks the combined estimator's assumption; use the list estimate.\n\n")

	m := r.measures
	fmt.Fprintf(w, "Falsification gap, direct vs list (bootstrap covariance %.2g, 500 resamples):\n", r.cov)
	fmt.Fprintf(w, "  gap %.3f (SE %.3f), ratio %.3f (SE %.3f), Kuran rate %.3f (SE %.3f; truth %.2f), logit shift %.3f (SE %.3f)\n\n",
		m.Gap.Value, m.Gap.SE, m.Ratio.Value, m.Ratio.SE, m.Kuran.Value, m.Kuran.SE, truthFalsify, m.LogitShift.Value, m.LogitShift.SE)

	fmt.Fprintf(w, "Randomized response (forced response: truthful 0.7, forced yes 0.2, forced no 0.1):\n")
	fmt.Fprintf(w, "  estimate                  %s\n", pc(r.rr))
	fmt.Fprintf(w, "  gap against the direct question %.3f (SE %.3f), Kuran rate %.3f (SE %.3f)\n\n",
		r.rrFalsification.Gap.Value, r.rrFalsification.Gap.SE, r.rrFalsification.Kuran.Value, r.rrFalsification.Kuran.SE)

	fmt.Fprintf(w, "The correction these imply for a published series (Levada approval, logit scale; the\n")
	fmt.Fprintf(w, "SE is the calibration error, shared by every month, not the poll's sampling error):\n")
	fmt.Fprintf(w, "  month    published  list-based (SE)   RR-based (SE)\n")
	for i, p := range r.published {
		a, b := r.listed[i], r.rrCorrected[i]
		fmt.Fprintf(w, "  %s  %9.0f  %6.1f (%.1f)  %10.1f (%.1f)\n", p.Start.Format("2006-01"), p.Approve,
			a.Approve, math.Sqrt(adjust.SharedVariance(a)), b.Approve, math.Sqrt(adjust.SharedVariance(b)))
	}
	fmt.Fprintf(w, "  (a gap measured on one question and population, transported to another: a scenario)\n")
	return nil
}

func verdict(p float64, ok, bad string) string {
	if p < 0.05 {
		return bad
	}
	return ok
}

// pfmt formats a p-value with its relation sign: "= 0.770", "< 0.001".
func pfmt(p float64) string {
	if p < 0.001 {
		return "< 0.001"
	}
	return fmt.Sprintf("= %.3f", p)
}
