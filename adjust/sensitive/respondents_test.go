package sensitive

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/candorpoll/candor/poll"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadRespondents(t *testing.T) {
	in := "\ufeffage,y,treat,direct,w\n" +
		"3.1,2,TRUE,0,1.5\n" +
		"4,NA,FALSE,1,1\n" +
		"NA,3,1,NA,2\n" +
		"5,1,0,1,\n"
	r, err := ReadRespondents(strings.NewReader(in), Columns{Direct: "direct", Weight: "w", Covariates: []string{"age"}})
	require.NoError(t, err)
	require.Equal(t, 4, r.Len())
	assert.Equal(t, []bool{true, false, true, false}, r.Treat)
	assert.Equal(t, 2.0, r.Y[0])
	assert.True(t, math.IsNaN(r.Y[1]))
	assert.True(t, math.IsNaN(r.Direct[2]))
	assert.True(t, math.IsNaN(r.X.At(2, 0)))
	assert.True(t, math.IsNaN(r.Weight[3]))
	assert.Equal(t, []int{2, 3, 4, 5}, r.Line)
	c, dropped := r.Complete()
	assert.Equal(t, []int{3, 4, 5}, dropped)
	require.Equal(t, 1, c.Len())
	assert.Equal(t, 3.1, c.X.At(0, 0))
	assert.Equal(t, 1.5, c.Weight[0])
	le := c.ListExperiment(3)
	assert.Equal(t, 3, le.J)
	assert.Equal(t, c.Y, le.Y)
}

func TestReadRespondentsBadRows(t *testing.T) {
	// Every good row comes back; every bad one is reported with its line
	// and column, and nothing is zeroed or clamped.
	in := "y,treat,direct\n" +
		"2,1,0\n" +
		"x,1,0\n" + // not a number
		"1,maybe,0\n" + // not a flag
		"1,0,2\n" + // direct not 0/1
		"1,0\n" + // short row
		"\"1,0,0\n" + // broken quote
		""
	r, err := ReadRespondents(strings.NewReader(in), Columns{Direct: "direct"})
	require.Error(t, err)
	require.NotNil(t, r)
	assert.Equal(t, 1, r.Len())
	pes := poll.ParseErrors(err)
	require.Len(t, pes, 5)
	assert.Equal(t, 3, pes[0].Line) // sorted by line
	got := map[int]int{}
	for _, pe := range pes {
		got[pe.Line] = pe.Column
	}
	assert.Equal(t, 1, got[3])
	assert.Equal(t, 2, got[4])
	assert.Equal(t, 3, got[5])
	assert.Equal(t, 0, got[6])
	assert.Contains(t, got, 7)
	assert.ErrorIs(t, err, ErrValue)
	assert.ErrorIs(t, err, poll.ErrFieldCount)
}

func TestReadRespondentsErrors(t *testing.T) {
	_, err := ReadRespondents(strings.NewReader(""), Columns{})
	assert.ErrorIs(t, err, ErrEmpty)
	_, err = ReadRespondents(strings.NewReader("y,treat\n"), Columns{})
	assert.ErrorIs(t, err, ErrEmpty)
	_, err = ReadRespondents(strings.NewReader("y,t\n1,0\n"), Columns{Covariates: []string{"age"}})
	assert.ErrorIs(t, err, poll.ErrMissingColumn)
	assert.Contains(t, err.Error(), "treat, age")
}

func TestReadRespondentsRenamedColumns(t *testing.T) {
	// A file may use other names, and may contain a column literally
	// called "y" that is not the count.
	in := "y,count,arm\n9,2,T\n9,1,F\n"
	r, err := ReadRespondents(strings.NewReader(in), Columns{Count: "count", Treat: "arm"})
	require.NoError(t, err)
	assert.Equal(t, []float64{2, 1}, r.Y)
	assert.Equal(t, []bool{true, false}, r.Treat)
}

func FuzzReadRespondents(f *testing.F) {
	f.Add("y,treat,direct\n2,1,0\n3,0,NA\n")
	f.Add("\ufeffy,treat\n\"1\",TRUE\n")
	f.Add("y,treat\n1,\n,\n\"\n")
	if b, err := os.ReadFile("../../testdata/sensitive/combined-vignette.csv"); err == nil {
		f.Add(string(bytes.ReplaceAll(b[:2000], []byte("\"Y\""), []byte("\"y\""))))
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ReadRespondents(strings.NewReader(s), Columns{Direct: "direct"})
		if r == nil {
			return
		}
		for _, pe := range poll.ParseErrors(err) {
			if pe.Line < 1 {
				t.Fatalf("line %d", pe.Line)
			}
		}
		if len(r.Treat) != r.Len() || len(r.Line) != r.Len() {
			t.Fatal("ragged result")
		}
		c, dropped := r.Complete()
		if c.Len()+len(dropped) != r.Len() {
			t.Fatal("Complete lost rows")
		}
	})
}
