// Package poll is candor's data model for published opinion polls and the
// readers that load them from pollsters' releases, from simple series
// files, from FiveThirtyEight's poll lists and from candor's own canonical
// CSV format.
//
// # Read → correct → fit → report
//
// Reading is the first step of every analysis:
//
//	f, err := os.Open("levada.html")
//	polls, det, err := poll.Read(f, poll.WithSource("levada.html")) // detects the layout; det says what it found
//	for _, pe := range poll.ParseErrors(err) {
//		fmt.Println(pe) // each rejected row: file:line:column, the value, the reason; the good rows are kept
//	}
//	polls = poll.Filter{Pollster: "Levada", From: since}.Apply(polls)
//	err = poll.WriteCSV(w, polls) // candor's canonical CSV, an exact round trip
//
// Package adjust then corrects the polls for fear of answering (optional),
// package aggregate fits a model over time to them, and package
// aggregate/report runs the whole analysis on a set of files, as
// "pollagg report" does.
//
// # Data model
//
// A Poll is one published result of one question for one population over one
// fieldwork period: pollster, question, subject, fieldwork Start and End,
// publication date, sample size, Population, Mode, and the shares Approve,
// Disapprove and Undecided, with Refused and a four-point Detail where a
// pollster publishes them.
//
// Conventions:
//
//   - Shares are percent, 0–100. A share that was not published is NaN,
//     never 0: a 0 is a published zero. Readers never renormalise shares to
//     sum to 100 and never clamp them.
//   - Dates are UTC midnights. Start and End are inclusive. When a file gives
//     only a reference period (a month label, a scraper's placeholder day, a
//     weekly end date) the span is that period and the DateApprox flag is
//     set.
//   - Flags record how values were obtained (UndecidedDerived,
//     ForwardFilled, Duplicate, Tracking, FourPointScale, MultiVersion,
//     DateApprox, OutOfOrder, DateCorrected, BelowBound). They never change
//     a value.
//   - A source's own adjusted values (FiveThirtyEight's house-effect-adjusted
//     toplines) live in AdjustedApprove and AdjustedDisapprove, so they
//     cannot be mistaken for raw toplines.
//   - The Adjustments slice is the audit trail of corrections applied later
//     (package adjust); the shares themselves stay as published.
//   - New builds a poll by hand with the unpublished shares (Undecided,
//     Refused, the adjusted toplines) set to NaN, which a Poll literal
//     would leave at 0, a published zero.
//
// # Sampling error
//
// For a share p (as a proportion) of a poll with sample size n and design
// effect deff (Kish 1965):
//
//	n_eff = n / deff
//	SE    = 100·√(p(1 − p) / n_eff)            points
//	MOE   = z·SE,  z = Φ⁻¹((1 + level)/2)       (1.959964 at 95%)
//
// The design effect is the poll's own when set, else its pollster's profile
// at the poll's end date, else 1; n falls back on the profile's usual sample
// size (Profiles.DesignEffect, Profiles.SampleSize against a given set of
// profiles; Poll.EffectiveDesignEffect and Poll.EffectiveSampleSize against
// the built-in set). A pollster that states a maximum error m (points) for
// a nominal n at a reference proportion p implies
//
//	deff = n·(m/100)² / (z²·p(1 − p))
//
// (DesignEffectFromMargin, which reports a statement that implies none
// with ErrMargin). Levada's "3.4 points at 50% for n = 1600" gives
// 1.93; its four statements (3.4/2.9/2.0/1.5 points at 50/25/10/5%) average
// 1.90. FOM's "≤ 3.6%" for 1,500 gives 2.02; VTsIOM's "≤ 1%" for 11,200
// gives 1.17 and its 2017 "1.9%" for 4,200 gives 1.58.
//
// Poll.Midpoint is Start + ⌊(End − Start)/2⌋ days, the observation date of
// Jackman's (2005) model.
//
// # Pollster profiles
//
// A Profile holds what is known about a pollster: Russian and English
// aliases (Lookup and CanonicalName match them case- and ё-insensitively),
// usual sample size, the design effect implied by its stated margins, and
// its history of modes and designs (Levada interviewed by telephone in
// April–July 2020; VTsIOM moved to daily telephone samples in 2017 and to
// 1,600 interviews a day in June 2018), and the length of one release's
// fieldwork when sources date it by its last day (FieldDays: 3 for FOM's
// Friday–Sunday omnibus, 7 for VTsIOM's weekly aggregate; FieldworkStart).
// Every reader takes fieldwork windows from there.
//
// Profiles are held in sets (Profiles), which never change once built, so
// that no caller can change what another caller's reader or model sees:
// DefaultProfiles is the built-in set (Levada, VTsIOM, FOM, Russian Field,
// Chronicles and ExtremeScan); NewProfiles builds a set that adds profiles
// or replaces built-ins, checking each profile and that no name or alias
// belongs to two pollsters. Readers use the set given by WithProfiles
// (default: the built-ins). The package-level Lookup, CanonicalName and
// FieldworkStart and Poll's EffectiveDesignEffect and EffectiveSampleSize
// read the built-in set only. A nil *Profiles is the built-in set.
//
// # Readers
//
// Every reader has the form func(io.Reader, ...Option) ([]Poll, error).
// Read, for a file of unknown layout, decides the layout from the content,
// reads it with that layout's reader and reports what it found (Detected:
// format, layout, encoding, pollsters, polls read and rejected, and the
// evidence, such as the header and its line): a delimited header with
// FiveThirtyEight's columns is Read538's, one with canonical columns or a
// date and approve/disapprove columns (a series file) ReadCSV's alone,
// and anything else is tried with the release readers, keeping only the
// best result so far. The readers share these rules:
//
//   - Encoding: UTF-8 with or without a byte-order mark, UTF-16 with a mark,
//     or Windows-1251; WithEncoding fixes it. Without a mark the file is
//     Windows-1251 when more of its lines read as Windows-1251 Cyrillic
//     words (capitals then small letters, apart from Latin letters) than
//     as UTF-8 text, and UTF-8 otherwise; a line is decoded as Windows-1251
//     only in a Windows-1251 file. Line endings may be LF, CRLF or CR. A
//     line that is not text in the file's encoding — junk bytes ("FOM" and
//     three bytes that would read «FOMяюГ»), binary garbage, a line of
//     the other encoding (reported as "Windows-1251 text in a UTF-8 file"
//     or "UTF-8 text in a Windows-1251 file") — is rejected with
//     ErrEncoding (line, field, the raw line as Value) and the rest of the
//     file is read, unless it is the first line or half the file. ReadCSV
//     and Read538 drop such a line; the release
//     readers keep it in their tables with the bad bytes marked (U+FFFD),
//     so that a damaged header or section line does not move the rows
//     below it under another header, and a marked cell fails where it is
//     read. An HTML page with such a line is rejected whole: a bad byte
//     inside a tag moves later cells to other columns, which no line-level
//     repair can detect.
//   - Separators: comma, semicolon or tab, sniffed from the first lines
//     as the one whose count recurs on the most lines, so that a title row
//     above the table does not decide (WithComma fixes it). Numbers may use a decimal comma ("75,4") and a
//     trailing "%"; "1,234" is rejected as ambiguous (thousands separator or
//     decimal comma) and so is "1,234.5". Sample sizes may group digits with
//     spaces ("1 600", "11 200", including no-break and thin spaces).
//     Empty, NA, N/A, null and a lone dash mean "not published".
//   - Errors: every row that parses and passes Poll.Validate is returned.
//     Every other row — and every row a reader skips — gives one
//     *ParseError{Source, Line, Column, Value, Err} with its 1-based line
//     (the first line of a record that spans lines), the 1-based field
//     number of the offending cell (0 for a whole-row or header problem),
//     the cell text (at most 200 bytes of it), and an error wrapping one of
//     the sentinels (ErrShareRange, ErrShareSum, ErrSampleSize,
//     ErrDateOrder, ErrDate, ErrNumber, ErrMissing, ErrMissingColumn,
//     ErrFieldCount, ErrSyntax, ErrEncoding, ErrEmpty, ErrUnknownValue,
//     ErrUnknownLayout), so errors.Is works on the joined error and
//     ParseErrors lists them, in file order. A ParseError prints as
//     "file:line:column: message" (WithSource names the file), the form
//     editors jump to. A row's shares may exceed 100 by ShareSumTolerance
//     (2 points: three integer shares round to at most 101.5) before
//     ErrShareSum.
//   - Error cap: a reader lists at most MaxErrors (1,000) rejections, the
//     first in the file, and ends the list with one ParseError wrapping
//     ErrTooMany whose *Omitted says how many more there were and on which
//     lines; Rejected counts them all. A file of another layout, read as
//     this one, costs memory in proportion to the file, not to its errors.
//   - Memory and time are proportional to the input: a reader holds the
//     decoded text (one copy of the file, shared by the candidates of
//     Read), its result (328 bytes a poll) and, for the release readers,
//     a table of the cells (about 32 bytes a cell). A release reader reads
//     the first 1,000 records of a delimited export before the rest and
//     stops there when they give no poll of its layout. No step is worse
//     than linear in the input (a 50 MB line is read in 0.4–2.5 s).
//   - A pollster is never assigned that the file does not name: a pollster
//     (source) column is honoured, and a release reader refuses a file
//     whose column names another pollster (ErrUnknownLayout at that cell);
//     a series file without one needs WithPollster; a release page names
//     none and is its reader's pollster's (or WithPollster's).
//   - No input makes a reader panic; the readers and Read are fuzzed
//     (FuzzRead, FuzzReadCSV, FuzzRead538 and one per Russian reader).
//     Readers keep no state between calls and are safe for concurrent use.
//
// # The canonical CSV format
//
// WriteCSV writes, and ReadCSV reads, one row per Poll with the header
// CanonicalColumns():
//
//	pollster, question, subject, subgroup     text (pollster canonicalised on read)
//	start, end, published                     YYYY-MM-DD; published may be empty
//	sample_size                               whole number; empty when unknown
//	population                                a, rv, lv, v or unknown
//	mode                                      face-to-face, phone, online, mixed or unknown
//	approve, disapprove, undecided, refused   percent; empty = not published (NaN)
//	definitely_yes … definitely_no            four-point detail; all empty = none
//	response_rate, design_effect, weight      empty = 0 (unknown), NA = NaN
//	grade                                     a pollster grade supplied with the poll
//	adjusted_approve, adjusted_disapprove     a source's adjusted toplines; empty = NaN
//	flags                                     Flags.String, e.g. undecided-derived|date-approx
//	id, labels, source                        text
//	line                                      the poll's line in its original source
//	adjustments                               the audit trail as JSON, floats as strings
//
// Floats are written in strconv's shortest round-trip form, so
// ReadCSV(WriteCSV(polls)) gives back every field bit for bit (tested on
// every real file in testdata and on 2,000 seeded random polls with
// awkward strings, NaNs, negative zeros and audit trails). On reading, the
// header is matched case-insensitively in any order, with '.', '_' and '-'
// equivalent to spaces; unknown columns are ignored; pollster (unless
// WithPollster), start, end, approve and disapprove are required. Up to
// three one-cell title rows above the header (a spreadsheet export's
// caption) are skipped, for series files too.
//
// # Series files
//
// ReadCSV also reads the simple series files scraped from pollsters' sites
// (testdata/russia): a Date column, Approve and Disapprove, an optional
// "don't know" column (No.Answer, No_answer, hard_to_say, «Затруднились
// ответить»: every wording the release readers count as undecided) and an
// optional pollster column (source, «Источник»); other columns are ignored. Levada's
// "right direction / wrong track / difficult to answer" file maps to
// approve / disapprove / undecided with Question "direction". The whole file
// is read before its dates are interpreted:
//
//   - dates all on the same day of the month, about a month apart (the
//     scrapers' 1st or 15th placeholders) stand for the calendar month;
//   - dates a week apart (FOM and VTsIOM weekly series) are the last days
//     of their releases' fieldwork, whose length is the pollster profile's
//     FieldDays: FOM's Friday–Sunday omnibus (Start = End − 2 days),
//     VTsIOM's seven-day aggregate (Start = End − 6 days); for a pollster
//     without a known FieldDays, the spacing: Start = End − 6 days;
//   - both are flagged DateApprox; other dates are taken as printed.
//
// Without a "don't know" column the undecided share is the remainder
// 100 − approve − disapprove, flagged UndecidedDerived (not derived when
// only one share is published or the remainder is negative). A row with
// neither share published (VTsIOM's NA,NA weeks) is reported with
// ErrMissing. The mode comes from the pollster's profile at the end date.
//
// # Russian releases
//
// ReadLevada, ReadVTsIOM and ReadFOM read the pages pollsters publish,
// saved as HTML (tables extracted with golang.org/x/net/html, every cell
// keeping its source line) or exported to CSV/TSV. Tables are found by
// content, never by position: a header row of period cells and a row
// labelled with an answer («Одобряю», "Approve", «Хорошо»), or a header row
// of answers and rows of periods. Markup changes (thead/tbody or none, th
// or td, nested spans, &nbsp;, colspan/rowspan), extra rows («Сумма») and
// columns, footnote marks and other tables on the page do not matter; the
// foreign-agent banner of Levada's pages is skipped.
//
// Periods: MM.YYYY (a calendar month); Russian and English month names in
// nominative, genitive and abbreviated forms («май.08», «Май 08», "2017
// Aug." with the year carried down to "Jul.", "Nov.00"; two-digit years are
// 2000+YY, or 19YY for YY ≥ 88); days («23 августа 2020», «Сент 28 2025»);
// ranges («19-26 августа 2021», «27 января – 2 февраля 2022»,
// "January 27 – February 2, 2022", "16.08.2020 – 22.08.2020",
// "16–22.08.2020"). A month stands for the calendar month (DateApprox); in
// Levada's tables so do single days that are a spreadsheet's or
// scraper's placeholders for months (01.08.2020, 2020-08-15): each on the
// 1st or the 15th, no two in one month. Days that are not (weekly dates
// on whatever day) are kept as printed. A period row without a value is
// reported (ErrMissing), and so is a last row cut short by a truncated
// file (ErrFieldCount). A pollster or source column is checked row by row:
// a row naming another pollster means the file is not the reader's
// release, and the reader refuses it (ErrUnknownLayout at that cell)
// rather than labelling another pollster's polls as its own.
// Answer labels joining wordings of one answer with slashes («Затрудняюсь
// ответить / нет ответа») are that answer. VTsIOM's «Одобрение» and
// «Неодобрение» may also head groups of week columns over one row of
// dates. A FOM table without dates takes its date from its caption, the
// text above it back to the previous table (nearest first), or its remark. Levada's methodology block («Опрос проведен … объемом 1619
// человек … на дому у респондента методом личного интервью») replaces the
// surveyed month's span by the fieldwork dates and sets n and mode. A
// VTsIOM week given by one date is the seven days ending on it; a FOM date
// is the last day of its Friday–Sunday omnibus (Start = End − 2 days,
// DateApprox) — both lengths are the profiles' FieldDays, as for series
// files. Every "don't know" wording counts as Undecided, printed
// labels are kept in Labels, the four-point scale is folded into approve
// and disapprove with Detail kept (FourPointScale), and VTsIOM's missing
// "don't know" is derived as the remainder (UndecidedDerived).
//
// Small shares are often printed only as an upper bound: "<1", "< 1",
// "<0,5", "≤1", «менее 1», «меньше 1». Such a share is not a number the
// pollster published, so every reader (release tables and series files
// alike) stores it as NaN rather than 0, the bound or half of it, keeps the
// poll, sets BelowBound and keeps the printed cell in Labels after its row
// label ("Нет ответа <1"). No remainder is derived from a bound, and a
// category whose part is a bound (two "don't know" rows, a four-point
// half) is NaN as a whole. A bound outside (0, 100] is ErrNumber.
//
// # FiveThirtyEight
//
// Read538 reads both layouts of 538's presidential approval polls: the
// model's poll list (approval_polllist.csv, with weights, grades and
// 538-adjusted toplines) and the poll database
// (president_approval_polls_historical.csv, with yes/no and methodology).
// See Read538 for the column mapping.
//
// # Collections
//
// Collections are plain []Poll. Sort orders by end date and pollster;
// Filter selects by pollster (aliases allowed), question, subject,
// subgroup, population, mode and end-date range; Dedupe removes exact
// duplicates and reports what it merged; MarkDuplicates flags rows of one
// series with the same dates but different values (the FOM file prints
// 2014-05-18 twice); MarkForwardFilled flags rows that repeat the previous
// release of their series exactly (Levada.csv's June 2018); MarkOutOfOrder
// flags rows whose date breaks the order of their file (the VTsIOM file's
// 2019-10-11 between 2019-11-03 and 2019-11-17), with the neighbouring
// dates and lines. The marking functions never drop a poll or change a
// value. ApplyCorrections, only when called, fixes the flagged rows listed
// in a correction table (KnownCorrections: each entry with its evidence),
// moving their dates, setting DateCorrected and reporting every change.
//
// # References
//
//   - Kish, L. (1965). Survey Sampling. Wiley. (Design effect.)
//   - Jackman, S. (2005). Pooling the polls over an election campaign.
//     Australian Journal of Political Science 40(4), 499–517.
//   - FiveThirtyEight (2017–2021). How we're tracking Donald Trump's
//     approval ratings; data under CC BY 4.0.
//   - Levada Center, FOM and VTsIOM methodology notes as quoted in the
//     profiles (see profile.go).
package poll
