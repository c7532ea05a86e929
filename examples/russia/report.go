package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"text/tabwriter"

	"github.com/candorpoll/candor/poll"
)

// run writes the report to w. outDir is where files (the chart) go.
func run(w io.Writer, outDir string) error {
	l, err := load()
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "candor — Putin approval in Russia: Levada, FOM, VTsIOM")
	fmt.Fprintln(w)
	writeSources(w, l)
	fmt.Fprintln(w)
	writeYearly(w, l.polls)
	return nil
}

// writeSources lists each pollster's series: polls read, dates covered,
// and every rejected row with its line, column and reason.
func writeSources(w io.Writer, l *loaded) {
	type span struct {
		n           int
		first, last string
	}
	spans := map[string]*span{}
	for _, p := range l.polls {
		s := spans[p.Pollster]
		if s == nil {
			s = &span{first: p.End.Format("2006-01")}
			spans[p.Pollster] = s
		}
		s.n++
		s.last = p.End.Format("2006-01")
	}
	fmt.Fprintln(w, "Data (embedded copies of the published series):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  file\tpollster\tpolls\tfrom\tto\trejected rows")
	for _, f := range seriesFiles {
		s := spans[poll.CanonicalName(f.pollster)]
		if s == nil {
			s = &span{}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\t%s\t%d\n", f.name, poll.CanonicalName(f.pollster), s.n, s.first, s.last, len(l.rejected[f.name]))
	}
	tw.Flush()
	for _, f := range seriesFiles {
		for _, pe := range l.rejected[f.name] {
			fmt.Fprintf(w, "  rejected: %v\n", pe)
		}
	}
}

// writeYearly prints the yearly mean of the published approval per
// pollster: the raw data, before any model.
func writeYearly(w io.Writer, polls []poll.Poll) {
	type acc struct{ sum, n float64 }
	years := map[int]map[string]*acc{}
	for _, p := range polls {
		if math.IsNaN(p.Approve) {
			continue
		}
		y := p.Midpoint().Year()
		if years[y] == nil {
			years[y] = map[string]*acc{}
		}
		a := years[y][p.Pollster]
		if a == nil {
			a = &acc{}
			years[y][p.Pollster] = a
		}
		a.sum += p.Approve
		a.n++
	}
	ys := make([]int, 0, len(years))
	for y := range years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	fmt.Fprintln(w, "Published approval, yearly mean of each pollster's releases (%):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "  year\t")
	for _, f := range seriesFiles {
		fmt.Fprintf(tw, "%s\t", poll.CanonicalName(f.pollster))
	}
	fmt.Fprintln(tw)
	for _, y := range ys {
		fmt.Fprintf(tw, "  %d\t", y)
		for _, f := range seriesFiles {
			if a := years[y][poll.CanonicalName(f.pollster)]; a != nil {
				fmt.Fprintf(tw, "%.1f (%d)\t", a.sum/a.n, int(a.n))
			} else {
				fmt.Fprint(tw, "—\t")
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Fprintln(w, "  (number of releases in parentheses)")
}
