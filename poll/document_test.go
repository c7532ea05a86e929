package poll

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A FOM export with Latin-1 junk in one value (line 3) and a line of
// binary garbage (line 4): both lines are reported with ErrEncoding at
// their field, the damaged value is also an ErrNumber where it is read,
// and the four good weeks are returned — as ReadCSV does for its files.
func TestReadFOMBadBytes(t *testing.T) {
	got, err := ruRead(t, ReadFOM, "fom/fom_series_badbytes.csv", WithSource("fom_series_badbytes.csv"))
	require.Error(t, err)
	f := DateApprox
	ruCheck(t, got, []ruShares{
		{"2020-07-24", "2020-07-26", 62, 25, 13, FaceToFace, f},
		{"2020-08-07", "2020-08-09", 58, 27, 15, FaceToFace, f},
		{"2020-08-14", "2020-08-16", 58, 26, 16, FaceToFace, f},
		{"2020-08-21", "2020-08-23", 60, 25, 15, FaceToFace, f},
	})
	ruCheckErrors(t, err, []ruErr{
		{3, 4, ErrEncoding}, // "1\xff3"
		{3, 4, ErrNumber},   // the same cell, read as "1\uFFFD3"
		{4, 1, ErrEncoding}, // binary
	})
	pes := ParseErrors(err)
	assert.Equal(t, "2 августа 2020;60;27;1\xff3", pes[0].Value, "the raw line, as ReadCSV reports it")
	for _, pe := range pes {
		assert.Equal(t, "fom_series_badbytes.csv", pe.Source)
	}
}

// In VTsIOM's two-table export the damaged line is the «Неодобрение»
// header. Emptying it would put the disapproval rows under the approval
// header; marking it keeps the section, and only the damaged period
// column (23.08) loses its disapproval value. The damaged row of another
// institution (line 6) is reported and otherwise ignored.
func TestReadVTsIOMBadBytes(t *testing.T) {
	got, err := ruRead(t, ReadVTsIOM, "vtsiom/ratings_badbytes.csv")
	require.Error(t, err)
	require.Len(t, got, 3)
	ruCheck(t, got[:1], []ruShares{{"2020-08-10", "2020-08-16", 60.1, 30.2, 9.7, Phone, UndecidedDerived}})
	ruCheck(t, got[2:], []ruShares{{"2020-08-24", "2020-08-30", 62, 28.5, 9.5, Phone, UndecidedDerived}})
	assert.Equal(t, 61.2, got[1].Approve, "23.08: approval kept")
	assert.True(t, math.IsNaN(got[1].Disapprove), "23.08: disapproval lost with its header cell, not taken from elsewhere")
	ruCheckErrors(t, err, []ruErr{
		{4, 3, ErrEncoding}, // «23.08.2\xe90.2020»
		{4, 3, ErrDate},     // the same header cell: its column is skipped
		{6, 2, ErrEncoding}, // «40\x00»
	})
}

// Every release reader applies the same rule to a delimited export; an
// HTML page with an undecodable line is rejected whole (see
// readDocument), and so is a delimited file whose first line or half of
// whose lines are bad.
func TestReleaseReadersBadBytes(t *testing.T) {
	levada := "\tОдобряю\tНе одобряю\tНет ответа\n2020\t\t\t\nноя.\t65\t34\t1\nокт.\t68\t31\t\x001\nсен.\t69\t30\t1\n"
	got, err := ReadLevada(strings.NewReader(levada))
	require.Error(t, err)
	assert.Len(t, got, 2, "November and September kept")
	ruCheckErrors(t, err, []ruErr{{4, 4, ErrEncoding}, {4, 4, ErrNumber}})

	for name, in := range map[string]string{
		"html":          "<html><body><table><tr><td></td><td>08.2020</td></tr>\n<tr><td>Одобряю</td><td>6\xff6</td></tr>\n<tr><td>Не одобряю</td><td>33</td></tr></table></body></html>\n",
		"first line":    "\xff\tОдобряю\tНе одобряю\n2020\t\t\nноя.\t65\t34\n",
		"half the file": "\tОдобряю\tНе одобряю\nноя.\t6\xff5\t34\nокт.\t6\xff8\t31\n",
	} {
		t.Run(name, func(t *testing.T) {
			got, err := ReadLevada(strings.NewReader(in))
			require.ErrorIs(t, err, ErrEncoding)
			assert.Empty(t, got)
			assert.Len(t, ParseErrors(err), 1)
		})
	}
}
