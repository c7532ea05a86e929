// Package chart draws candor's results with gonum/plot: a trend with its
// interval and the polls, a house-effect dot plot, and a fan of
// fear-of-response scenarios.
//
// It lives apart from package aggregate so that importing the models
// never pulls in gonum/plot, its fonts and its image encoders.
//
// # Charts
//
// [Trend] draws one model's estimate over time from an
// [aggregate.Result] and the polls it was fitted to:
//
//   - the trend line (Result.Series, or Result.Filtered with
//     Options.Filtered: the causal estimate, using only polls published up
//     to each day);
//   - the interval for the latent level, Point.Lower–Point.Upper, as a
//     grey band: where the true consensus average is, at Result.Level;
//   - the band for a new poll, Point.PollLower–Point.PollUpper, as dashed
//     lines: where a new poll from an average house is expected to fall.
//     It is wider than the latent interval because it adds a poll's
//     sampling and non-sampling error; the two answer different questions
//     and are labelled apart;
//   - the polls at their fieldwork midpoints, coloured by pollster (the
//     Options.MaxHouses most frequent ones; the rest grey).
//
// [Houses] and [HouseEffects] draw house effects as dots with error bars
// of ±z·SE, z = Φ⁻¹((1 + level)/2); several sets (e.g. candor's estimate
// and FiveThirtyEight's published adjustment) can share one chart.
//
// [Fan] overlays scenarios ([Scenario]: a name and a series) as
// translucent bands, e.g. approval under no correction, under a
// falsification gap, under differential nonresponse at several ratios k,
// and Manski's worst-case bounds.
//
// Every chart function returns a *plot.Plot that can be customised
// further (titles, axis ranges, extra plotters) before rendering. Options
// holds the common settings; its zero value gives the defaults.
//
// # Output
//
// [PNG], [SVG] and [Write] render one or more plots, stacked vertically
// with aligned data areas, to bytes or an io.Writer; [Image] returns an
// image.Image (for notebooks: gonbui.DisplayPNG or DisplayImage). PNG is
// rendered at [DPI] dots per inch; SVG keeps text as text.
//
// # Readable defaults
//
// Dates run along the x axis with ticks on calendar boundaries (years,
// quarters, months, Mondays), chosen for the span shown. Pollster names
// in Cyrillic render with gonum/plot's default Liberation fonts. Colours
// come from the Okabe–Ito colour-blind-safe palette. The legend is placed,
// when the chart is drawn, in the corner of the data area that hides the
// fewest points, on a translucent white backdrop.
//
// # Errors
//
// Nothing is drawn from values that cannot be drawn: a NaN or infinite
// estimate, a reversed interval, or a poll band present on some days only
// gives an error wrapping [ErrBadValue] naming the date; a nil result, an
// empty series or an empty window gives [ErrNoData]; an unknown
// Options.LegendCorner or output format gives [ErrOption]. Polls whose charted
// share was not published (NaN) have no point to draw and are skipped.
// Chart functions are safe for concurrent use; a *plot.Plot is not.
//
// # References
//
// Okabe, M. and Ito, K. (2008). Color Universal Design (CUD): how to make
// figures and presentations that are friendly to colorblind people.
// https://jfly.uni-koeln.de/color/
package chart
