// Package chart draws candor's results with gonum/plot, as charts a
// reader can take in without the code.
//
// You have a Result and the polls it was fitted to: draw the trend with
// [Trend], the house effects with [Houses] (or several sets side by side
// with [HouseEffects]), the fear-of-response scenarios with [Fan]; then
// render one chart, or several stacked, with [PNG], [SVG], [Write] or
// [Image]:
//
//	opt := chart.Options{Credit: "Data: Levada Center; analysis: candor"}
//	trend, err := chart.Trend(res, polls, opt)
//	…
//	houses, err := chart.Houses(res, opt)
//	…
//	png, err := chart.PNG([]*plot.Plot{trend, houses}, opt)
//
// Every function takes its [Options] last, and one Options value serves
// the charts and the renderer: its zero value gives the documented
// defaults (20 cm wide, 11 cm per chart, 110 dpi, legend above the
// data). The chart functions return a *plot.Plot that can be customised
// further (titles, axis ranges, extra plotters) before rendering.
//
// The package lives apart from package aggregate so that importing the
// models never pulls in gonum/plot, its fonts and its image encoders.
//
// # What the charts show
//
// [Trend] draws one model's estimate of a share over time:
//
//   - the trend (Result.Series, or Result.Filtered with Options.Filtered:
//     the estimate as it was known on each day, from the polls published
//     up to then);
//   - the interval of the trend, Point.Lower–Point.Upper, as a grey band:
//     where the true level is, at Result.Level;
//   - the range for a new poll, Point.PollLower–Point.PollUpper, as dashed
//     lines: where a new poll from an average pollster is expected to
//     fall. It is wider than the interval because it adds a poll's own
//     sampling and non-sampling error; the two answer different questions
//     and are labelled apart;
//   - the polls at their fieldwork midpoints, coloured by pollster (the
//     Options.MaxHouses most frequent ones; the rest grey).
//
// [Houses] and [HouseEffects] draw house effects as dots with error bars
// of ±z·SE, z = Φ⁻¹((1 + level)/2), one row per pollster, labelled with
// its number of polls.
//
// [Fan] draws scenarios ([Scenario]) as lines, e.g. approval as published,
// under a falsification gap and under differential nonresponse, with the
// interval of one of them shaded, and partially identified sets (Manski
// bounds) as dashed edges; its doc says why one band and not one per
// scenario.
//
// # Reading without the code
//
// Legends say what is drawn in plain words: "trend", "95% interval of
// the trend", "95% range for a new poll", "polls: Levada (301)", with the
// level taken from the result. Under each chart, small and left-aligned,
// a footer gives the date of the last poll drawn ("last poll: 31 August
// 2024") and Options.Credit, the source.
//
// # Layout
//
// The legend goes, by default, between the title and the data area, in
// rows as wide as the data: it never covers data and never changes the
// axis limits (Options.Legend can put it inside the data area instead:
// in a corner, or in the corner that hides the fewest points). A house
// chart labels its rows inside the data area, so long pollster names
// take no room from the charts stacked with it; rendered with the
// default height, it grows with its rows. A stack of charts shares the
// left and right edges of the data areas, so that dates line up.
//
// Dates run along the x axis with ticks on calendar boundaries (years,
// quarters, months, Mondays, days) chosen for the span and the width,
// naming the year only where it changes; values get round ticks. All
// text is Liberation Sans, which gonum/plot embeds (Cyrillic included),
// set on each chart: plot.DefaultFont and every other process-wide
// setting are left alone. Colours come from the Okabe–Ito
// colour-blind-safe palette.
//
// Long series are drawn through at most four points per pixel column
// (per half point in SVG): of the points that fall in one column, the
// first, the lowest, the highest and the last (M4; Jugel et al. 2014).
// The line keeps its extent in every column, the image changes only at
// the edges of thick lines (their zigzags inside a column are no longer
// stroked), and examples/russia's charts have 44% of the vertices to
// draw and write. Only the drawing is thinned, at the size it is drawn
// at; the data in the *plot.Plot stay whole.
//
// # Errors
//
// Nothing is drawn from values that cannot be drawn: a NaN or infinite
// estimate, a reversed interval, or a poll band present on some days only
// gives an error wrapping [ErrBadValue] naming the date; a nil result, an
// empty series, an empty window or no plots gives [ErrNoData]; a share
// the result lacks gives [ErrShare]; an unknown legend placement,
// scenario to highlight or output format, and a size that cannot be
// drawn give [ErrOption]. Polls whose charted share was not published
// (NaN) have no point to draw and are skipped. The chart functions and
// renderers hold no package-level state and are safe for concurrent
// use; a *plot.Plot is not.
//
// # References
//
// Jugel, U., Jerzak, Z., Hackenbroich, G. and Markl, V. (2014). M4: a
// visualization-oriented time series data aggregation. Proceedings of the
// VLDB Endowment 7(10), 797–808.
//
// Okabe, M. and Ito, K. (2008). Color Universal Design (CUD): how to make
// figures and presentations that are friendly to colorblind people.
// https://jfly.uni-koeln.de/color/
package chart
