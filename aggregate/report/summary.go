package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/candorpoll/candor/aggregate"
)

// SummaryLines is the most lines WriteSummary writes.
const SummaryLines = 25

// Limits of the summary's lists; what they leave out is counted and is
// in the full report.
const (
	summaryFiles      = 4
	summaryExclusions = 2
	summaryHouses     = 5
)

// WriteSummary writes the short report, at most SummaryLines lines: the
// data read, rejected and left out; the latest estimate of each share
// with its interval and the date of the last poll; approval at the end of
// each of the last 12 months; the house effects of the pollsters with the
// most polls; the scenarios; the official result beside the forensic and
// poll-implied estimates; how many warnings the full report (WriteText)
// holds. Every number is in percent or percentage points, as it says.
func (r *Report) WriteSummary(w io.Writer) error {
	if err := r.complete(); err != nil {
		return err
	}
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	// packed adds head and cells, joined by "; ", as lines of at most 100
	// runes, breaking only between cells.
	packed := func(head string, cells []string) {
		line := head
		for i, c := range cells {
			sep := " "
			if i > 0 {
				sep = "; "
			}
			if i > 0 && utf8.RuneCountInString(line+sep+c) > 100 {
				lines = append(lines, line+";")
				line, sep = " ", " "
			}
			line += sep + c
		}
		lines = append(lines, line)
	}
	res := r.Result
	add("%s — %s model, %s intervals; shares in percent, effects in points", r.title(), r.Config.Model, levelText(res.Level))

	rejected, failed := 0, 0
	for _, in := range r.Inputs {
		rejected += in.RejectedCount
		if in.Err != nil {
			failed++
		}
	}
	excluded := 0
	for _, e := range r.Excluded {
		excluded += len(e.Polls)
	}
	add("Data: %s, %s read, %s rejected, %s left out, %s modelled; last poll fielded until %s",
		plural(len(r.Inputs), "file"), plural(r.Read, "poll"), plural(rejected, "row"), plural(excluded+len(res.Excluded), "poll"),
		count(len(r.Polls)-len(res.Excluded)), r.LastPoll.Format("2 Jan 2006"))
	for i, in := range r.Inputs {
		if i == summaryFiles && len(r.Inputs) > summaryFiles+1 {
			add("  … and %d more files (the full report lists each)", len(r.Inputs)-summaryFiles)
			break
		}
		if in.Err != nil {
			add("  %s: no polls: %s", in.Name, shortError(in.Err))
			continue
		}
		s := fmt.Sprintf("  %s: %s %s, %s, %d polls %s…%s", in.Name, in.Detected.Format, in.Detected.Layout,
			strings.Join(in.Detected.Pollsters, ", "), in.Polls, month(in.First), month(in.Last))
		if in.RejectedCount > 0 {
			var at []string
			for _, pe := range in.Rejected {
				if pe.Line > 0 && len(at) < 4 {
					at = append(at, fmt.Sprint(pe.Line))
				}
			}
			more := ""
			if in.RejectedCount > len(at) {
				more = ", …"
			}
			lines := "lines"
			if len(at) == 1 {
				lines = "line"
			}
			s += fmt.Sprintf("; %d rejected (%s %s%s)", in.RejectedCount, lines, strings.Join(at, ", "), more)
		}
		add("%s", s)
	}
	for i, e := range r.Excluded {
		if i == summaryExclusions && len(r.Excluded) > summaryExclusions+1 {
			add("  … and %d more exclusions", len(r.Excluded)-summaryExclusions)
			break
		}
		add("  left out: %d polls of %v", len(e.Polls), e.Exclusion)
	}
	if n := len(res.Excluded); n > 0 {
		add("  left out by the model: %d invalid polls, e.g. %v", n, res.Excluded[0])
	}

	var latest []string
	for _, sr := range res.Shares() {
		p := sr.Latest()
		latest = append(latest, fmt.Sprintf("%s %.1f [%.1f, %.1f]", sr.Share, p.Mean, p.Lower, p.Upper))
	}
	add("Latest, %s: %s", res.Approve.Latest().Date.Format("2 Jan 2006"), strings.Join(latest, ", "))

	months := lastMonths(res.Approve.Series, 12)
	if len(months) > 0 {
		add("Approve at the end of each month:")
		for i := 0; i < len(months); i += 6 {
			var cells []string
			for _, p := range months[i:min(i+6, len(months))] {
				cells = append(cells, fmt.Sprintf("%s %.1f", p.Date.Format("Jan 2006"), p.Mean))
			}
			add("  %s", strings.Join(cells, "  "))
		}
	}

	if houses := res.Approve.Houses; len(houses) > 0 {
		add("House effects on approve, points relative to %s (%s interval):", r.scale(), levelText(res.Level))
		shown := slices.Clone(houses)
		slices.SortStableFunc(shown, func(a, b aggregate.HouseEffect) int { return b.Polls - a.Polls })
		zz := z(res.Level)
		for i, h := range shown {
			if i == summaryHouses && len(shown) > summaryHouses+1 {
				add("  … and %d more houses (the full report lists each)", len(shown)-summaryHouses)
				break
			}
			if h.SE == 0 {
				add("  %-24s %+6.2f  reference (%d polls)", h.Pollster, h.Value, h.Polls)
				continue
			}
			add("  %-24s %+6.2f  [%+.1f, %+.1f] (%d polls)", h.Pollster, h.Value, h.Value-zz*h.SE, h.Value+zz*h.SE, h.Polls)
		}
	}

	if len(r.Scenarios) > 1 {
		var cells []string
		for _, s := range r.Scenarios[1:] {
			if s.Bounds != nil {
				lo, hi := identified(res)
				cells = append(cells, fmt.Sprintf("%s %.1f–%.1f", s.Name, lo, hi))
				continue
			}
			p := s.Result.Approve.Latest()
			cells = append(cells, fmt.Sprintf("%s %.1f [%.1f, %.1f]", s.Name, p.Mean, p.Lower, p.Upper))
		}
		packed("Scenarios, latest approve:", cells)
	}

	if t := r.Integrity; t != nil {
		var cells []string
		for _, row := range t.Rows {
			switch {
			case row.Source == aggregate.FromOfficial && row.Name == "official result":
				cells = append(cells, fmt.Sprintf("official %.2f", row.Value))
			case row.Source == aggregate.FromForensics:
				cells = append(cells, fmt.Sprintf("%s %.2f [%.2f, %.2f]", row.Name, row.Value, row.Lower, row.Upper))
			case row.Source == aggregate.FromPolls && row.Name == scenarioNone:
				cells = append(cells, fmt.Sprintf("polls as published %.1f [%.1f, %.1f], gap %+.1f (P %s)", row.Value, row.Lower, row.Upper, row.Gap, pText(row.P)))
			}
		}
		packed(t.Official.Date.Format("2 Jan 2006")+":", cells)
	}

	if warnings := append(slices.Clone(r.Warnings), res.AllWarnings()...); len(warnings) > 0 {
		add("Warnings: %d (the full report, -v, lists them)", len(warnings))
		for _, w := range warnings[:min(len(warnings), 2)] {
			if rs := []rune(w); len(rs) > 98 {
				w = string(rs[:97]) + "…"
			}
			add("  %s", w)
		}
	}
	if len(lines) > SummaryLines {
		lines = append(lines[:SummaryLines-1], fmt.Sprintf("… %d more lines in the full report", len(lines)-SummaryLines+1))
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n")+"\n")
	return err
}

// plural formats n (with thousands separators) and word, with an "s"
// unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return count(n) + " " + word + "s"
}

// pText formats a probability for the summary.
func pText(p float64) string {
	if p < 0.001 {
		return "< 0.001"
	}
	return fmt.Sprintf("%.2g", p)
}

// lastMonths returns the last point of each calendar month in the n
// months ending with the series' last month (the last month's point is
// the series' last day).
func lastMonths(pts []aggregate.Point, n int) []aggregate.Point {
	ends := periodEnds(pts, Monthly)
	if len(ends) > n {
		ends = ends[len(ends)-n:]
	}
	return ends
}
