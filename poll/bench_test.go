package poll

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// Benchmarks of the readers. The figures in the README come from
//
//	go test ./poll -run '^$' -bench 'Read538|ReadCSV1M' -benchtime 5x -benchmem

// BenchmarkReadCSVPeers reads the peers' 2,000 polls (a 94 kB CRLF
// file): the read of the whole-process comparison with statsmodels.
func BenchmarkReadCSVPeers(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "peers", "synthetic_polls.csv"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	cpu := processCPU()
	for b.Loop() {
		polls, err := ReadCSV(bytes.NewReader(data))
		if err != nil || len(polls) != 2000 {
			b.Fatalf("%d polls, %v", len(polls), err)
		}
	}
	reportCPU(b, cpu)
}

func BenchmarkRead538(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "538", "approval_polllist.csv"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	cpu := processCPU()
	for b.Loop() {
		polls, err := Read538(bytes.NewReader(data))
		if len(polls) != 16199 || len(ParseErrors(err)) != 2 {
			b.Fatalf("%d polls, %v", len(polls), err)
		}
	}
	reportCPU(b, cpu)
}

// canonicalCSV returns n canonical rows written by WriteCSV: weekly polls of
// five pollsters with shares drawn around 60/30/10, a third with a sample
// size, some with flags and labels. Written in batches so that the polls
// themselves are never all in memory.
func canonicalCSV(tb testing.TB, n int) []byte {
	r := rand.New(rand.NewPCG(7, 8))
	pollsters := []string{"Levada", "FOM", "VTsIOM", "Russian Field", "Chronicles"}
	var out bytes.Buffer
	batch := make([]Poll, 0, 10000)
	flush := func(first bool) {
		var buf bytes.Buffer
		if err := WriteCSV(&buf, batch); err != nil {
			tb.Fatal(err)
		}
		b := buf.Bytes()
		if !first {
			b = b[bytes.IndexByte(b, '\n')+1:]
		}
		out.Write(b)
		batch = batch[:0]
	}
	first := true
	for i := range n {
		end := date(2000, 1, 2).AddDate(0, 0, i%9000)
		a := math.Round(10*(60+3*r.NormFloat64())) / 10
		d := math.Round(10*(30+3*r.NormFloat64())) / 10
		for a+d > 100 { // a draw 3.3 sd out: redraw rather than clip
			d = math.Round(10*(30+3*r.NormFloat64())) / 10
		}
		p := Poll{
			Pollster: pollsters[i%len(pollsters)], Question: "approval", Subject: "Putin",
			Start: end.AddDate(0, 0, -6), End: end, Population: Adults, Mode: Mode(1 + i%3),
			Approve: a, Disapprove: d, Undecided: math.Round(10*(100-a-d)) / 10, Refused: math.NaN(),
			AdjustedApprove: math.NaN(), AdjustedDisapprove: math.NaN(),
			Source: "synthetic", Line: i + 2,
		}
		if i%3 == 0 {
			p.SampleSize = 1600
		}
		if i%10 == 0 {
			p.Flags = UndecidedDerived | DateApprox
			p.Labels = "Одобряю|Не одобряю|Затрудняюсь ответить"
		}
		batch = append(batch, p)
		if len(batch) == cap(batch) {
			flush(first)
			first = false
		}
	}
	flush(first)
	return out.Bytes()
}

func BenchmarkReadCSV1M(b *testing.B) {
	const n = 1_000_000
	data := canonicalCSV(b, n)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	cpu := processCPU()
	for b.Loop() {
		polls, err := ReadCSV(bytes.NewReader(data))
		if err != nil || len(polls) != n {
			b.Fatalf("%d polls, %v", len(polls), err)
		}
	}
	reportCPU(b, cpu)
}

func BenchmarkWriteCSV(b *testing.B) {
	polls, err := Read538(bytes.NewReader(mustRead(b, "538/approval_polllist.csv")))
	if len(polls) == 0 {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var buf bytes.Buffer
	cpu := processCPU()
	for b.Loop() {
		buf.Reset()
		if err := WriteCSV(&buf, polls); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
	reportCPU(b, cpu)
}

func mustRead(tb testing.TB, name string) []byte {
	data, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// longLine is one line of Russian prose of about size bytes, with numbers
// and month names but no date, above a small FOM table without dates: every
// reader has to look at the long line (as a title, a note, a cell), and
// FOM's reader searches it for the table's date.
func longLine(size int) []byte {
	const words = "опрос 12 августа проведен по выборке 1600 человек в 137 населенных пунктах "
	var b bytes.Buffer
	for b.Len() < size {
		b.WriteString(words)
	}
	b.WriteString("\n,x\nХорошо,60\nПлохо,30\n")
	return b.Bytes()
}

// BenchmarkLongLine reads a long line with every reader, at sizes a
// factor of four apart: ns/op growing fourfold from size to size (constant
// MB/s) is linear time. The README's 50 MB figures come from TestBigFile.
//
//	go test ./poll -run '^$' -cpu 1 -benchtime 3x -bench LongLine
func BenchmarkLongLine(b *testing.B) {
	for _, rd := range []struct {
		name string
		read func(io.Reader, ...Option) ([]Poll, error)
	}{{"fom", ReadFOM}, {"levada", ReadLevada}, {"vtsiom", ReadVTsIOM}, {"csv", ReadCSV}, {"538", Read538}} {
		for _, mb := range []int{1, 4} {
			data := longLine(mb << 20)
			b.Run(fmt.Sprintf("%s/%dMB", rd.name, mb), func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					if _, err := rd.read(bytes.NewReader(data)); err == nil {
						b.Fatal("a long line read as polls")
					}
				}
			})
		}
	}
}
