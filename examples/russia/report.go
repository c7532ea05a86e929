package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/examples/russia/data"
)

// chartFile is the name of the chart written next to where the example
// runs.
const chartFile = "russia-approval.png"

// run analyses the embedded series, writes the report to w and the chart
// to outDir.
func run(w io.Writer, outDir string) error {
	a, err := analyse(context.Background())
	if err != nil {
		return err
	}
	return a.report(w, outDir)
}

// report writes the report to w and the chart to outDir.
func (a *analysis) report(w io.Writer, outDir string) error {
	p := &printer{w: w}
	p.title("candor: approval of Vladimir Putin, Levada Center, FOM and VTsIOM, 1999–2024")
	a.writeData(p)
	a.writeModel(p)
	a.writeHouses(p)
	a.writeScenarios(p)
	a.writeElection(p)
	if p.err != nil {
		return p.err
	}
	path := filepath.Join(outDir, chartFile)
	if err := a.writeChart(path); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	fmt.Fprintf(w, "\nChart (trend with interval and poll band, polls by pollster, scenario fan, house effects):\n  %s\n", abs)
	return nil
}

// printer writes the report, remembering the first write error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) title(s string) {
	p.printf("%s\n%s\n", s, strings.Repeat("=", len([]rune(s))))
}

func (p *printer) section(s string) {
	p.printf("\n%s\n%s\n", s, strings.Repeat("-", len([]rune(s))))
}

// table writes rows as aligned columns; align has one letter per column,
// 'l' (left) or 'r' (right, for numbers).
func (p *printer) table(rows [][]string, align string) {
	if p.err != nil {
		return
	}
	width := make([]int, len(align))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			b.WriteString("  ")
			if align[i] == 'r' {
				b.WriteString(pad + c)
			} else if i < len(r)-1 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(c) // no trailing blanks
			}
		}
		p.printf("%s\n", strings.TrimRight(b.String(), " "))
	}
}

func (a *analysis) writeData(p *printer) {
	p.section("Data")
	rows := [][]string{{"file", "pollster", "polls", "from", "to", "rejected"}}
	for _, f := range data.Files {
		name := f.Pollster
		n, first, last := 0, "", ""
		for _, q := range a.data.Polls {
			if q.Pollster != name {
				continue
			}
			if n == 0 {
				first = q.End.Format("2006-01")
			}
			n++
			last = q.End.Format("2006-01")
		}
		rows = append(rows, []string{f.Name, name, fmt.Sprint(n), first, last, fmt.Sprint(len(a.data.Rejected[f.Name]))})
	}
	p.table(rows, "llrllr")
	for _, f := range data.Files {
		pes := a.data.Rejected[f.Name]
		if len(pes) == 0 {
			continue
		}
		lines := make([]string, len(pes))
		for i, pe := range pes {
			lines[i] = fmt.Sprint(pe.Line)
		}
		p.printf("  %s: %d rows rejected by the reader (lines %s), e.g.\n    %v\n", f.Name, len(pes), strings.Join(lines, ", "), pes[0])
	}
	p.printf("  Left out: %d VTsIOM weeks from %s to %s. The VTsIOM series tracks the office of\n", a.medvedev, medvedevFrom.Format("2 Jan 2006"), medvedevUntil.AddDate(0, 0, -1).Format("2 Jan 2006"))
	p.printf("  President, held by Dmitry Medvedev then; Levada asks about Putin by name.\n")
	p.printf("  Modelled: %d polls. FOM asks whether Putin works «хорошо/плохо» (well/badly), not\n", len(a.polls))
	p.printf("  approval; the difference is absorbed by FOM's house effect.\n")
}

func (a *analysis) writeModel(p *printer) {
	r := a.base
	p.section("Model")
	p.printf("  Jackman's state-space model (aggregate.StateSpace): a daily random walk for each share,\n")
	p.printf("  every poll observed at its fieldwork midpoint with sampling error (design effect from the\n")
	p.printf("  pollster's stated margin of error) plus non-sampling error τ, one house effect per\n")
	p.printf("  pollster and interview mode, Levada face-to-face as the reference. σ and τ by maximum\n")
	p.printf("  likelihood.\n")
	p.printf("  approve: σ̂ = %.3f points/day (SE %.3f), τ̂ = %.2f points, %d days from %s to %s\n",
		r.Approve.Params.Sigma, r.Approve.Params.SigmaSE, r.Approve.Params.Tau[""], len(r.Approve.Series),
		r.Approve.Series[0].Date.Format("2 Jan 2006"), r.Approve.Series[len(r.Approve.Series)-1].Date.Format("2 Jan 2006"))
	for _, w := range r.Warnings {
		p.printf("  warning: %s\n", w)
	}
}

func (a *analysis) writeHouses(p *printer) {
	r := a.base
	p.section("House effects (points, relative to Levada face-to-face; 95% intervals)")
	z := zOf(r.Level)
	rows := [][]string{{"house", "polls", "approve", "SE", "95% interval", "disapprove", "undecided"}}
	other := func(res *aggregate.ShareResult, house string) string {
		if res == nil {
			return "—"
		}
		for _, h := range res.Houses {
			if h.Pollster == house {
				return fmt.Sprintf("%+.1f (%.1f)", h.Value, h.SE)
			}
		}
		return "—"
	}
	for _, h := range r.Approve.Houses {
		ci := "reference"
		se := "—"
		if h.SE > 0 {
			ci = fmt.Sprintf("[%+.1f, %+.1f]", h.Value-z*h.SE, h.Value+z*h.SE)
			se = fmt.Sprintf("%.2f", h.SE)
		}
		rows = append(rows, []string{h.Pollster, fmt.Sprint(h.Polls), fmt.Sprintf("%+.2f", h.Value), se, ci,
			other(r.Disapprove, h.Pollster), other(r.Undecided, h.Pollster)})
	}
	p.table(rows, "lrrrrrr")
	p.printf("  (disapprove and undecided: effect (SE))\n")
	last := len(r.Approve.Series) - 1
	c := a.consensus.Approve.Series[len(a.consensus.Approve.Series)-1]
	p.printf("  Identification matters: on the three pollsters' consensus scale (weighted sum-to-zero)\n")
	p.printf("  the latest approval is %.1f [%.1f, %.1f] instead of %.1f: the consensus level sits between\n",
		c.Mean, c.Lower, c.Upper, r.Approve.Series[last].Mean)
	p.printf("  the houses, and after 2020 only Levada publishes, so its effect carries the level.\n")
}

func (a *analysis) writeScenarios(p *printer) {
	p.section("Latest estimate by fear-of-response scenario (approve, %, 95% intervals)")
	base := a.scenarios[0].latest()
	p.printf("  %s; corrections apply to polls fielded from %s on.\n", base.Date.Format("2 January 2006"), wartime.Format("2 January 2006"))
	rows := [][]string{{"scenario", "approve", "95% interval", "vs none", "assumption"}}
	for _, s := range a.scenarios {
		pt := s.latest()
		if s.Bounds != nil {
			lo, hi := identified(a.base, len(a.base.Approve.Series)-1)
			rows = append(rows, []string{s.Name, fmt.Sprintf("%.1f–%.1f", lo, hi), fmt.Sprintf("[%.1f, %.1f]", pt.Lower, pt.Upper), "", s.Note})
			continue
		}
		rows = append(rows, []string{s.Name, fmt.Sprintf("%.1f", pt.Mean), fmt.Sprintf("[%.1f, %.1f]", pt.Lower, pt.Upper),
			fmt.Sprintf("%+.1f", pt.Mean-base.Mean), s.Note})
	}
	p.table(rows, "lrrrl")
	m := a.falsif
	p.printf("  Falsification gap (Chapkovski & Schaub 2022, war support, online, spring 2022): gap %.2f\n", m.Gap.Value)
	p.printf("  (SE %.3f), ratio %.3f, Kuran falsification rate %.3f (SE %.3f): about a quarter of private\n", m.Gap.SE, m.Ratio.Value, m.Kuran.Value, m.Kuran.SE)
	p.printf("  opponents would say they support. It was measured on war support, not approval, and\n")
	p.printf("  before any correction for list-experiment deflation: read it as a scenario, not a finding.\n")
	p.printf("  Intervals of corrected scenarios include the calibration error, shared by every\n")
	p.printf("  corrected poll. Manski bounds assume nothing about «затрудняюсь ответить».\n")
}

func (a *analysis) writeElection(p *printer) {
	p.section("March 2024: official result against the polls")
	p.printf("  %s: %.2f%% on %s.\n", election.Label, election.Value, election.Date.Format("2 January 2006"))
	rows := [][]string{{"scenario", "poll-implied approve", "gap", "SE", "P(gap this large)"}}
	for _, s := range a.scenarios {
		if s.Result == nil {
			pt, ok := s.at(election.Date)
			if ok {
				in := "inside"
				if election.Value > pt.Upper || election.Value < pt.Lower {
					in = "outside"
				}
				rows = append(rows, []string{s.Name, fmt.Sprintf("[%.1f, %.1f]", pt.Lower, pt.Upper), in, "", ""})
			}
			continue
		}
		c, err := aggregate.Compare(s.Result, election)
		if err != nil {
			p.err = err
			return
		}
		rows = append(rows, []string{s.Name, fmt.Sprintf("%.1f ± %.1f", c.Estimate, zOf(c.Level)*c.SE), fmt.Sprintf("%+.1f", c.Gap), fmt.Sprintf("%.1f", c.GapSE), pValue(c.P)})
	}
	p.table(rows, "lrrrr")
	p.printf("  Caveats: approval of the president's work is not a vote share; the official share is of\n")
	p.printf("  ballots counted (turnout 77%% as reported), the polls describe all adults. The intervals\n")
	p.printf("  hold sampling and modelled non-sampling error only: a bias shared by every poll (fear,\n")
	p.printf("  coverage) is invisible to them, which is what the scenarios explore. The official count\n")
	p.printf("  itself is disputed (independent electoral statisticians report anomalies consistent with\n")
	p.printf("  large-scale falsification), so a small gap is not evidence that either number is right.\n")
}

func pValue(p float64) string {
	switch {
	case math.IsNaN(p):
		return "—"
	case p < 0.001:
		return "< 0.001"
	}
	return fmt.Sprintf("%.2g", p)
}
