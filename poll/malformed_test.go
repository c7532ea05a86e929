package poll

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func openTestdata(t testing.TB, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", name))
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

// TestMalformedFiles checks, for every failure mode, the sentinel, line and
// column reported and that the good rows of the same file are returned.
func TestMalformedFiles(t *testing.T) {
	type want struct {
		line, col int
		err       error
	}
	for _, tc := range []struct {
		file   string
		read   func(io.Reader, ...Option) ([]Poll, error)
		errs   []want
		good   []int // lines of the rows returned
		approv []float64
	}{
		{"wrong-encoding.csv", ReadCSV, []want{{3, 5, ErrEncoding}}, []int{2, 4}, []float64{80, 85}},
		{"junk-bytes.csv", ReadCSV, []want{{3, 1, ErrEncoding}}, []int{2, 4}, []float64{80, 85}},
		{"share-range.csv", ReadCSV, []want{{3, 2, ErrShareRange}}, []int{2, 4}, []float64{80, 85}},
		{"share-sum.csv", ReadCSV, []want{{4, 2, ErrShareSum}}, []int{2, 3}, []float64{80, 82}},
		{"na-required.csv", ReadCSV, []want{{3, 2, ErrMissing}}, []int{2, 4}, []float64{80.2, 79.5}},
		{"truncated-row.csv", ReadCSV, []want{{3, 3, ErrFieldCount}}, []int{2, 4}, []float64{80, 85}},
		{"bare-quote.csv", ReadCSV, []want{{3, 5, ErrSyntax}}, []int{2, 4}, []float64{80, 85}},
		{"bad-date.csv", ReadCSV, []want{{3, 1, ErrDate}}, []int{2, 4}, []float64{80, 85}},
		{"negative-n.csv", ReadCSV, []want{{3, 4, ErrSampleSize}}, []int{2, 4}, []float64{80, 85}},
		{"reversed-dates.csv", ReadCSV, []want{{3, 3, ErrDateOrder}}, []int{2, 4}, []float64{80, 85}},
		{"thousands.csv", ReadCSV, []want{{3, 4, ErrNumber}}, []int{2, 4}, []float64{80, 85}},
		{"bom-quoted-header.csv", ReadCSV, nil, []int{2, 3}, []float64{80, 82}},
		{"missing-column.csv", ReadCSV, []want{{1, 0, ErrMissingColumn}}, nil, nil},
		{"unknown-layout.csv", ReadCSV, []want{{1, 0, ErrUnknownLayout}}, nil, nil},
		{"empty.csv", ReadCSV, []want{{1, 0, ErrEmpty}}, nil, nil},
		{"empty.csv", Read538, []want{{1, 0, ErrEmpty}}, nil, nil},
		{"538-bad.csv", Read538, []want{
			{3, 9, ErrUnknownValue},  // population "xx"
			{4, 17, ErrUnknownValue}, // tracking "maybe"
			{5, 12, ErrMissing},      // approve and disapprove NA
			{6, 5, ErrDate},          // enddate 13/22/2017
		}, []int{2, 7}, []float64{45, 44}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			polls, err := tc.read(openTestdata(t, "csv/malformed/"+tc.file), WithSource(tc.file))
			pes := ParseErrors(err)
			require.Len(t, pes, len(tc.errs), "errors: %v", err)
			for i, w := range tc.errs {
				assert.ErrorIs(t, pes[i], w.err, pes[i].Error())
				assert.Equal(t, w.line, pes[i].Line, pes[i].Error())
				assert.Equal(t, w.col, pes[i].Column, pes[i].Error())
				assert.Equal(t, tc.file, pes[i].Source)
			}
			require.Equal(t, len(tc.good), len(polls))
			for i, p := range polls {
				assert.Equal(t, tc.good[i], p.Line)
				assert.Equal(t, tc.approv[i], p.Approve)
				assert.NoError(t, p.Validate())
			}
		})
	}
}

func TestMissingColumnNamed(t *testing.T) {
	_, err := ReadCSV(openTestdata(t, "csv/malformed/missing-column.csv"))
	require.ErrorIs(t, err, ErrMissingColumn)
	pes := ParseErrors(err)
	require.Len(t, pes, 1)
	assert.Equal(t, "disapprove", pes[0].Value)
	assert.Contains(t, err.Error(), `"disapprove"`)
}
