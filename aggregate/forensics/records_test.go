package forensics

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"
)

// TestRecordsMatchCSV: records gives the records, lines and errors of
// encoding/csv, on random tables mixing the fast path's lines with
// escaped quotes, fields over several lines, stray quotes, carriage
// returns, empty lines and lines longer than the buffer, for each
// separator, and on the real 2024 table's start.
func TestRecordsMatchCSV(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	pieces := []string{"a", "бв", "12", " ", ",", ";", "\t", "\n", "\n", "\n", `"x"`, `"y, z"`, `""`, `"a""b"`, `"`, "\r\n", "\r", "\n\n", `"multi` + "\n" + `line"`, "УИК №1"}
	for trial := range 500 {
		var b strings.Builder
		for range rng.IntN(60) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if trial%7 == 0 { // a long line
			b.WriteString(strings.Repeat("д,", 40+rng.IntN(40)))
		}
		for _, comma := range []rune{',', ';', '\t', '|'} {
			for _, size := range []int{16, 64, 4096} {
				compareRecords(t, b.String(), comma, size)
			}
		}
	}
	head := strings.Repeat(`Алтайский край,"Барнаул, Вторая Индустриальная",УИК №108,1534,1300`+"\n"+
		`Краснодарский край,"ФТ ""Сириус""",УИК №6201,2569,2100`+"\n", 25)
	compareRecords(t, head, ',', 16)
	rr := newRecords(bufio.NewReader(strings.NewReader(head)), ',')
	for {
		if _, err := rr.Read(); err != nil {
			require.Equal(t, io.EOF, err)
			break
		}
	}
	require.Nil(t, rr.cr, "the protocol rows are read line by line")
}

// compareRecords reads text with encoding/csv and with records and
// fails at the first difference.
func compareRecords(t *testing.T, text string, comma rune, size int) {
	t.Helper()
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma, cr.FieldsPerRecord, cr.ReuseRecord = comma, -1, true
	rr := newRecords(bufio.NewReaderSize(strings.NewReader(text), size), comma)
	for i := 0; ; i++ {
		want, werr := cr.Read()
		got, gerr := rr.Read()
		where := fmt.Sprintf("record %d of %q (comma %q, buffer %d)", i, text, comma, size)
		var wpe, gpe *csv.ParseError
		if errors.As(werr, &wpe) {
			require.True(t, errors.As(gerr, &gpe), "%s: want %v, got %v", where, werr, gerr)
			require.Equal(t, *wpe, *gpe, where)
			continue
		}
		require.Equal(t, werr, gerr, where)
		if werr == io.EOF || werr != nil {
			return
		}
		require.Equal(t, want, got, where)
		line, _ := cr.FieldPos(0)
		require.Equal(t, line, rr.FieldPos(), where)
	}
}

// TestIsSpace: isSpace is unicode.IsSpace on every rune.
func TestIsSpace(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune+1; r++ {
		if isSpace(r) != unicode.IsSpace(r) {
			t.Fatalf("isSpace(%U) = %v", r, isSpace(r))
		}
	}
}
