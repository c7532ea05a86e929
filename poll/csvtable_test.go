package poll

import (
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSniffComma(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want rune
	}{
		{"a,b,c\n1,2,3\n", ','},
		{"a;b;c\n1,5;2,5;3\n", ';'},
		{"a\tb\n1,5\t2\n", '\t'},
		{`"x;y",b` + "\n1,2\n", ','},
		{"single\n1\n", ','},
	} {
		assert.Equal(t, tc.want, sniffComma([]byte(tc.in)), tc.in)
	}
}

// readDelimited reads a whole CSV/TSV text into a table, as readDocument
// does, pushing syntax errors to el.
func readDelimited(data []byte, comma rune, el *errorList) table {
	d := newDelimited(data, comma)
	var t table
	for {
		row, ok := d.nextRow(0, el)
		if !ok {
			return t
		}
		t.Rows = append(t.Rows, append([]cell(nil), row...))
	}
}

func TestReadDelimited(t *testing.T) {
	in := "a,b,c\n1,\"two\nlines\",3\n\n4,5,6\n"
	el := &errorList{}
	tab := readDelimited([]byte(in), 0, el)
	require.NoError(t, el.err())
	require.Len(t, tab.Rows, 3)
	assert.Equal(t, cell{Text: "two\nlines", Line: 2, Col: 2}, tab.Rows[1][1])
	assert.Equal(t, cell{Text: "3", Line: 3, Col: 3}, tab.Rows[1][2])
	assert.Equal(t, cell{Text: "4", Line: 5, Col: 1}, tab.Rows[2][0])
}

func TestReadDelimitedSyntaxErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		in        string
		rows      int // good rows kept, header included
		line, col int
		lastLine  int // line of the last row read
	}{
		{"bare quote", "a,b\n1,x\"y\n2,3\n4,5\n", 3, 2, 2, 4},
		{"unterminated", "a,b\n1,\"open\n2,3\n4,5\n", 3, 2, 2, 4},
		{"junk after quote", "a,b\n\"1\"x,2\n3,4\n", 2, 2, 1, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			el := &errorList{}
			tab := readDelimited([]byte(tc.in), 0, el)
			err := el.err()
			require.ErrorIs(t, err, ErrSyntax)
			pes := ParseErrors(err)
			require.Len(t, pes, 1)
			assert.Equal(t, tc.line, pes[0].Line)
			assert.Equal(t, tc.col, pes[0].Column)
			assert.Len(t, tab.Rows, tc.rows)
			assert.Equal(t, tc.lastLine, tab.Rows[len(tab.Rows)-1][0].Line)
		})
	}
}

// readAllCells reads every record of d, copying the reused row slices, and
// every error (as "line:column:message").
func readAllCells(d *delimited) ([][]cell, []string) {
	var out [][]cell
	var errs []string
	for {
		row, err := d.next()
		if err == io.EOF {
			return out, errs
		}
		if err != nil {
			pe := err.(*ParseError)
			errs = append(errs, fmt.Sprintf("%d:%d:%v", pe.Line, pe.Column, pe.Err))
			continue
		}
		out = append(out, append([]cell(nil), row...))
	}
}

// TestDelimitedFastPathMatchesCSV checks that splitting lines directly
// gives the same cells, lines, field numbers and errors as encoding/csv
// alone, on fixed and random inputs full of quotes and separators.
func TestDelimitedFastPathMatchesCSV(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := []string{"a", "1", ",", ";", "\t", "\n", "\n\n", " ", "ё", "—", ".", "|", `"`, `""`, `","`, `"x"`}
	inputs := []string{"a,b\n\n1,2,\n,\n3", "x", "\n\n", "a;b\n1,5;2\n", "a\tb\n1\t2\n",
		`"a","b"` + "\n" + `"1,5",""` + "\n", `"a""b",c` + "\n", `"a"""` + "\n", `"multi` + "\nline\",x\n1,2\n",
		"a,b\n1,x\"y\n2,3\n", "a,b\n\"1\"x,2\n3,4\n", `"a",` + "\n", `"a",""` + "\n"}
	for range 3000 {
		var b strings.Builder
		for range r.IntN(60) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		inputs = append(inputs, b.String())
	}
	for _, in := range inputs {
		for _, comma := range []rune{',', ';', '\t', '|'} {
			fast := newDelimited([]byte(in), comma)
			slow := &delimited{data: []byte(in), comma: comma}
			slow.reset(0, 0)
			wantCells, wantErrs := readAllCells(slow)
			gotCells, gotErrs := readAllCells(fast)
			require.Equal(t, wantCells, gotCells, "%q %q", in, comma)
			require.Equal(t, wantErrs, gotErrs, "%q %q", in, comma)
		}
	}
}

// FuzzDelimited checks the fast line splitter against encoding/csv on
// arbitrary input:
//
//	go test ./poll -run '^$' -fuzz FuzzDelimited -fuzztime 60s -fuzzminimizetime 5s
func FuzzDelimited(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", `"a","b"` + "\n" + `"1,5",""`, `"multi` + "\nline\",x\n", "a;b\n1,5;2\n", "a,b\n1,x\"y\n"} {
		f.Add([]byte(s), uint8(0))
	}
	commas := []rune{',', ';', '\t', '|'}
	f.Fuzz(func(t *testing.T, data []byte, c uint8) {
		if !utf8.Valid(data) || strings.IndexByte(string(data), '\r') >= 0 {
			return // decodeText guarantees UTF-8 and "\n" line ends
		}
		comma := commas[int(c)%len(commas)]
		fast := newDelimited(data, comma)
		slow := &delimited{data: data, comma: comma}
		slow.reset(0, 0)
		wantCells, wantErrs := readAllCells(slow)
		gotCells, gotErrs := readAllCells(fast)
		if !reflect.DeepEqual(wantCells, gotCells) || !reflect.DeepEqual(wantErrs, gotErrs) {
			t.Fatalf("%q %q:\ncsv  %v %v\nfast %v %v", data, comma, wantCells, wantErrs, gotCells, gotErrs)
		}
	})
}
