package poll

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the issue "Nothing silent on the analyst's own files": each case
// below lost or mislabelled data without a word before it was fixed.

// A release reader given a series file whose source column names a
// pollster reads it only when that pollster is its own, and otherwise
// refuses the file at the first cell naming another (it never labels
// VTsIOM's weeks Levada). A file it reads has every skipped row reported:
// VTsIOM's ten NA,NA weeks are ErrMissing at their lines.
func TestReleaseReadersHonourSourceColumn(t *testing.T) {
	vtsiomNA := []int{96, 114, 115, 309, 321, 358, 371, 392, 393, 422}
	for _, tc := range []struct {
		name   string
		read   ruReader
		own    string // the reader's pollster
		file   string
		polls  int
		refuse string // the pollster named by the refused cell; "" = read
		errs   []int  // lines of ErrMissing rows, when read
	}{
		{"Levada/VTsIOM file", ReadLevada, "Levada", "russia/vciom-presidential-approval-2006.csv", 0, "VTsIOM", nil},
		{"Levada/FOM file", ReadLevada, "Levada", "russia/putin-approval-fom.csv", 0, "FOM", nil},
		{"Levada/Levada file", ReadLevada, "Levada", "russia/putin-approval-levada-1999.csv", 252, "", nil},
		{"VTsIOM/VTsIOM file", ReadVTsIOM, "VTsIOM", "russia/vciom-presidential-approval-2006.csv", 707, "", vtsiomNA},
		{"VTsIOM/FOM file", ReadVTsIOM, "VTsIOM", "russia/putin-approval-fom.csv", 0, "FOM", nil},
		{"VTsIOM/Levada file", ReadVTsIOM, "VTsIOM", "russia/putin-approval-levada-1999.csv", 0, "Levada", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ruRead(t, tc.read, tc.file)
			assert.Len(t, got, tc.polls)
			pes := ParseErrors(err)
			if tc.refuse != "" {
				require.Len(t, pes, 1, "%v", err)
				assert.ErrorIs(t, pes[0], ErrUnknownLayout)
				assert.Equal(t, 2, pes[0].Line)
				assert.Equal(t, 5-boolInt(tc.refuse == "VTsIOM"), pes[0].Column, "the source column")
				assert.Equal(t, tc.refuse, pes[0].Value)
				return
			}
			require.Len(t, pes, len(tc.errs), "%v", err)
			for i, line := range tc.errs {
				assert.Equal(t, line, pes[i].Line)
				assert.ErrorIs(t, pes[i], ErrMissing)
			}
			for _, p := range got {
				require.Equal(t, tc.own, p.Pollster, "never relabelled")
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Levada's rule that a single day on the 1st or the 15th stands for its
// month applies to Levada's monthly tables only: weekly days a reader
// finds in a table stay days, whatever their day of the month.
func TestLevadaDay15RuleScope(t *testing.T) {
	weekly := "Date,Approve,Disapprove\n2020-01-08,60,27\n2020-01-15,62,27\n2020-01-22,64,25\n"
	got, err := ReadLevada(strings.NewReader(weekly))
	require.NoError(t, err)
	require.Len(t, got, 3)
	for i, d := range []string{"2020-01-08", "2020-01-15", "2020-01-22"} {
		assert.Equal(t, ruDay(d), got[i].Start, d)
		assert.Equal(t, ruDay(d), got[i].End, d)
		assert.False(t, got[i].Flags.Has(DateApprox), d)
	}
	// Monthly placeholders are still months: 15th of each month, and a
	// lone 01.08.2020 header.
	monthly := "Date,Approve,Disapprove\n2020-01-15,68,31\n2020-02-15,69,30\n2020-03-15,63,36\n"
	got, err = ReadLevada(strings.NewReader(monthly))
	require.NoError(t, err)
	ruCheck(t, got, ruMonthly(levadaMode, DateApprox, "2020-01", 68, 31, nan, "2020-02", 69, 30, nan, "2020-03", 63, 36, nan))
	got, err = ReadLevada(strings.NewReader(",01.08.2020\nОдобряю,66\nНе одобряю,33\nНет ответа,1\n"))
	require.NoError(t, err)
	ruCheck(t, got, ruMonthly(levadaMode, DateApprox, "2020-08", 66, 33, 1))
}

// A file cut in the middle of its last line: the cut row is reported
// (ErrFieldCount, or ErrDate for a date cut short), never silently
// dropped or read with a shortened value; the rows above are kept.
func TestTruncatedLastRow(t *testing.T) {
	got, err := ruRead(t, ReadLevada, "levada/series_truncated.csv")
	require.Len(t, got, 4)
	ruCheckErrors(t, err, []ruErr{{6, 1, ErrFieldCount}})

	const head = "Date,Approve,Disapprove,No_answer,Putin_Index\n2024-07-01,87,11,2,76\n"
	for _, tc := range []struct {
		name, last string
		col        int
	}{
		{"inside the date", "2024-08-0", 1},
		{"after the date", "2024-08-01,", 2}, // the cut: the last field present
		{"inside a share", "2024-08-01,8", 2},
		{"inside the last share", "2024-08-01,85,12,4,7", 0}, // as long as the header: a file without a final line break (Levada.csv)
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadLevada(strings.NewReader(head + tc.last))
			if tc.col == 0 {
				assert.NoError(t, err)
				assert.Len(t, got, 2)
				return
			}
			assert.Len(t, got, 1)
			ruCheckErrors(t, err, []ruErr{{3, tc.col, ErrFieldCount}})
		})
	}
	// A note under the table is not a cut row.
	got, err = ReadLevada(strings.NewReader(head + "Источник: Левада-Центр"))
	assert.NoError(t, err)
	assert.Len(t, got, 1)
}

// Impossible years in a Levada header are reported per column, and the
// good columns are read: 01.0100 and 02.0200 (years 100 and 200) and
// 01.01.0001 (a spreadsheet's zero date) are ErrDate at their cells.
func TestLevadaImpossibleYears(t *testing.T) {
	got, err := ruRead(t, ReadLevada, "levada/indicator_bad_years.csv")
	ruCheck(t, got, ruMonthly(levadaMode, DateApprox, "2020-03", 63, 36, 2, "2020-04", 59, 33, 8))
	ruCheckErrors(t, err, []ruErr{{1, 2, ErrDate}, {1, 3, ErrDate}, {1, 4, ErrDate}})

	got, err = ReadLevada(strings.NewReader(",01.01.0001\nОдобряю,66\nНе одобряю,33\n"))
	assert.Empty(t, got)
	ruCheckErrors(t, err, []ruErr{{1, 2, ErrDate}})
}

// Bytes that are not UTF-8 in a UTF-8 file are ErrEncoding for their line;
// they are never decoded as Windows-1251 (which made «FOMяюГ» a pollster).
// A line in the other encoding of the file is reported as what it is.
func TestEncodingPerLine(t *testing.T) {
	for _, tc := range []struct {
		file string
		read ruReader
		why  string
	}{
		{"csv/series-badbytes-utf8.csv", ReadCSV, "invalid UTF-8"},
		{"csv/series-badbytes-utf8.csv", ReadLevada, "invalid UTF-8"},
		{"csv/series-cp1251-line.csv", ReadCSV, "Windows-1251 text in a UTF-8 file"},
		{"csv/series-utf8-line.csv", ReadCSV, "UTF-8 text in a Windows-1251 file"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, err := ruRead(t, tc.read, tc.file, WithPollster("FOM"))
			pes := ParseErrors(err)
			require.NotEmpty(t, pes, "%v", err)
			assert.Equal(t, 3, pes[0].Line)
			assert.ErrorIs(t, pes[0], ErrEncoding)
			assert.Contains(t, pes[0].Error(), tc.why)
			for _, p := range got {
				assert.Equal(t, "FOM", p.Pollster)
			}
			assert.NotEmpty(t, got)
		})
	}
}

// ParseError prints as file:line:column: message, the form editors jump
// to; without a file as line:column: (go/token's form), and without a
// column as file:line:.
func TestParseErrorText(t *testing.T) {
	for _, tc := range []struct {
		pe   ParseError
		want string
	}{
		{ParseError{Source: "a.csv", Line: 3, Column: 2, Value: "120", Err: ErrShareRange}, `a.csv:3:2: "120": poll: share outside 0–100`},
		{ParseError{Source: "a.csv", Line: 3, Err: ErrShareSum}, `a.csv:3: poll: shares sum to more than 100`},
		{ParseError{Line: 3, Column: 2, Err: ErrNumber}, `3:2: poll: invalid number`},
		{ParseError{Line: 1, Value: "x", Err: ErrEmpty}, `1: "x": poll: empty input`},
	} {
		assert.Equal(t, tc.want, tc.pe.Error())
	}
	_, err := ruRead(t, ReadCSV, "csv/malformed/share-range.csv", WithSource("share-range.csv"))
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "share-range.csv:3:2: "), err.Error())
	var pe *ParseError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, fmt.Sprintf("share-range.csv:%d:%d: %q: %v", pe.Line, pe.Column, pe.Value, pe.Err), pe.Error())
}

// A file with more than MaxErrors rejections lists the first MaxErrors, in
// file order, and one more ParseError counting the rest (ErrTooMany through
// *Omitted); Rejected counts them all. Every reader, whatever the error.
func TestErrorCap(t *testing.T) {
	const bad = MaxErrors + 1500
	var series, canon, fte, levada strings.Builder
	series.WriteString("Date,Approve,Disapprove,source\n")
	canon.WriteString("pollster,start,end,approve,disapprove\n")
	fte.WriteString("president,pollster,startdate,enddate,approve,disapprove\n")
	levada.WriteString(",Одобряю,Не одобряю\n")
	day := ruDay("1990-01-01")
	for i := range bad + 10 {
		d := day.AddDate(0, 0, i)
		share := "120" // out of range
		if i%(bad/10+1) == 0 {
			share = "60" // a few good rows among the bad
		}
		fmt.Fprintf(&series, "%s,%s,30,Levada\n", d.Format("2006-01-02"), share)
		fmt.Fprintf(&canon, "Levada,%s,%s,%s,30\n", d.Format("2006-01-02"), d.Format("2006-01-02"), share)
		fmt.Fprintf(&fte, "Trump,Gallup,%s,%s,%s,30\n", d.Format("1/2/2006"), d.Format("1/2/2006"), share)
		fmt.Fprintf(&levada, "%s,%s,30\n", d.Format("02.01.2006"), share)
	}
	for _, tc := range []struct {
		name string
		read ruReader
		in   string
	}{
		{"ReadCSV series", ReadCSV, series.String()},
		{"ReadCSV canonical", ReadCSV, canon.String()},
		{"Read538", Read538, fte.String()},
		{"ReadLevada", ReadLevada, levada.String()},
		{"ReadFOM", ReadFOM, strings.NewReplacer("Одобряю", "Хорошо", "Не одобряю", "Плохо").Replace(levada.String())},
		{"ReadVTsIOM", ReadVTsIOM, strings.NewReplacer("Одобряю", "Одобрение", "Не одобряю", "Неодобрение").Replace(levada.String())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.read(strings.NewReader(tc.in), WithSource("many.csv"))
			assert.NotEmpty(t, got)
			pes := ParseErrors(err)
			require.Len(t, pes, MaxErrors+1)
			assert.Equal(t, len(got), bad+10-Rejected(err), "every row is a poll or a rejection")
			for i, pe := range pes[:MaxErrors] {
				require.ErrorIs(t, pe, ErrShareRange, "%d", i)
				if i > 0 {
					require.Greater(t, pe.Line, pes[i-1].Line, "file order")
				}
			}
			last := pes[MaxErrors]
			assert.ErrorIs(t, err, ErrTooMany)
			var o *Omitted
			require.ErrorAs(t, last, &o)
			assert.Equal(t, Rejected(err)-MaxErrors, o.Count)
			assert.Equal(t, o.FirstLine, last.Line)
			assert.Greater(t, o.FirstLine, pes[MaxErrors-1].Line)
			assert.Equal(t, bad+11, o.LastLine)
			assert.Equal(t, "many.csv", last.Source)
			assert.Contains(t, last.Error(), fmt.Sprintf("many.csv:%d: poll: too many rejections: %d more", o.FirstLine, o.Count))
		})
	}
}

// Memory stays proportional to the input when every row is an error:
// errors are capped, and a release reader stops at the first records of a
// file that is not its layout instead of building a table of all of it.
// Bytes allocated by the whole read (garbage included, so an upper bound
// on its peak) against the input's size; before the cap and the probe,
// ReadLevada and ReadVTsIOM allocated about 26 times the input here.
func TestReaderMemoryBounded(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation measured without the race detector, which allocates for itself")
	}
	good := canonicalCSV(t, 20_000)
	// The same file with every approve share out of range.
	bad := []byte(strings.NewReplacer(",60.", ",160.", ",61.", ",161.", ",59.", ",159.", ",58.", ",158.", ",62.", ",162.",
		",57.", ",157.", ",63.", ",163.", ",56.", ",156.", ",64.", ",164.", ",55.", ",155.", ",65.", ",165.").Replace(string(good)))
	var page bytes.Buffer // an HTML page of one large table of words
	page.WriteString("<html><body><table>\n")
	for i := 0; page.Len() < len(good); i++ {
		fmt.Fprintf(&page, "<tr><td>alpha</td><td>beta %d</td><td>gamma</td><td>x1</td></tr>\n", i)
	}
	page.WriteString("</table></body></html>\n")
	for _, tc := range []struct {
		name  string
		read  ruReader
		data  []byte
		times float64 // allowed allocation, in multiples of the input
	}{
		{"ReadLevada, HTML", ReadLevada, page.Bytes(), 3},
		{"ReadFOM, HTML", ReadFOM, page.Bytes(), 3},
		{"ReadCSV, every row rejected", ReadCSV, bad, 6}, // one Poll (328 bytes) per line is allocated up front
		{"Read538", Read538, bad, 3},
		{"ReadLevada", ReadLevada, bad, 3},
		{"ReadVTsIOM", ReadVTsIOM, bad, 3},
		{"ReadFOM", ReadFOM, bad, 3},
		{"ReadLevada, good file", ReadLevada, good, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := tc.read(bytes.NewReader(tc.data))
			runtime.ReadMemStats(&after)
			require.Error(t, err)
			ratio := float64(after.TotalAlloc-before.TotalAlloc) / float64(len(tc.data))
			t.Logf("%.2f× the input (%d errors)", ratio, Rejected(err))
			assert.Less(t, ratio, tc.times)
		})
	}
}
