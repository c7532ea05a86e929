package poll

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
)

// withParallel makes a reader read in parts on workers goroutines however
// small the input (parts of at least minPart bytes; see
// readConfig.parallelism), so that small inputs test the parallel path.
func withParallel(workers, minPart int) Option {
	return func(c *readConfig) { c.workers, c.minPart = workers, minPart }
}

// sameRead reports the first difference between two reads of one input:
// the polls bit for bit, then the errors, text and position.
func sameRead(want []Poll, wantErr error, got []Poll, gotErr error) error {
	if err := samePolls(want, got); err != nil {
		return err
	}
	if (wantErr == nil) != (gotErr == nil) {
		return fmt.Errorf("error %v, want %v", gotErr, wantErr)
	}
	if wantErr == nil {
		return nil
	}
	if w, g := wantErr.Error(), gotErr.Error(); w != g {
		return fmt.Errorf("errors differ:\nwant %s\ngot  %s", w, g)
	}
	wp, gp := ParseErrors(wantErr), ParseErrors(gotErr)
	if len(wp) != len(gp) {
		return fmt.Errorf("%d ParseErrors, want %d", len(gp), len(wp))
	}
	for i := range wp {
		if w, g := *wp[i], *gp[i]; w.Source != g.Source || w.Line != g.Line || w.Column != g.Column || w.Value != g.Value || w.Err.Error() != g.Err.Error() {
			return fmt.Errorf("ParseError %d: %+v, want %+v", i, g, w)
		}
	}
	return nil
}

// messyCanonical returns n canonical rows drawn from seed, a share of them
// damaged in the ways files are (blank lines, CRLF, truncated rows, bad
// dates, bare quotes, extra fields, undecodable bytes). With newlines
// false no record spans lines, so that a parallel read never falls back on
// a serial one.
func messyCanonical(seed uint64, n int, damaged float64, newlines bool) []byte {
	r := rand.New(rand.NewPCG(seed, 99))
	var buf bytes.Buffer
	WriteCSV(&buf, nil)
	for range n {
		var row []byte
		for {
			p := randomPoll(r)
			if r.IntN(4) > 0 { // a plain row, as most files hold
				p.Question, p.Subject, p.Subgroup, p.ID, p.Labels, p.Source, p.Grade = "approval", "Putin", "", "", "", "", ""
				p.Adjustments = nil
			}
			row, _ = appendCanonical(nil, &p)
			if newlines || bytes.Count(row, []byte{'\n'}) == 1 {
				break
			}
		}
		if r.Float64() < damaged {
			line := row[:len(row)-1]
			switch r.IntN(8) {
			case 0:
				buf.WriteString("\n")
			case 1:
				line = append(line, '\r')
			case 2:
				line = line[:r.IntN(len(line))]
			case 3:
				if i := bytes.IndexByte(line, '-'); i >= 4 && i+6 <= len(line) {
					line = bytes.Replace(line, line[i-4:i+6], []byte("2020-13-45"), 1)
				}
			case 4:
				i := r.IntN(len(line))
				line = append(line[:i:i], append([]byte{'"'}, line[i:]...)...)
			case 5:
				line = append(line, ",extra"...)
			case 6:
				i := r.IntN(len(line))
				line = append(line[:i:i], append([]byte{0xff}, line[i:]...)...)
			case 7:
				line = append(line, ",,"...)
			}
			row = append(line, '\n')
		}
		buf.Write(row)
	}
	return buf.Bytes()
}

// TestReadCSVParallelSameAsSerial reads seeded inputs serially and in
// parts on 2 to 4 goroutines, from parts of a line or two to a few parts,
// both from an io.Reader (the input held whole, see readCanonical) and
// from an io.ReaderAt (a part at a time, see readCanonicalAt), and wants
// the same polls and errors, in the same order: with and without records
// spanning lines (where a parallel read goes on serially from the first
// of them), with few errors and with more than MaxErrors, plain or with
// the carriage returns and undecodable bytes that make readCanonicalAt
// leave the input to the whole read.
func TestReadCSVParallelSameAsSerial(t *testing.T) {
	cases := []struct {
		n        int
		damaged  float64
		newlines bool
	}{
		{200, 0, false}, {1200, 0.05, false}, {1200, 0.05, true}, {2400, 0.95, false}, {2400, 0.95, true}, {400, 0.3, false}, {1000, 0.003, true},
	}
	for i, c := range cases {
		for seed := uint64(1); seed <= 2 && (seed == 1 || c.n < 2000); seed++ {
			data := messyCanonical(seed+uint64(10*i), c.n, c.damaged, c.newlines)
			want, wantErr := ReadCSV(struct{ io.Reader }{bytes.NewReader(data)}, withParallel(1, 0))
			if len(want) == 0 {
				t.Fatalf("case %d seed %d: no polls: %.300v", i, seed, wantErr)
			}
			if om := (*Omitted)(nil); c.damaged > 0.9 && !errors.As(wantErr, &om) {
				t.Fatalf("case %d seed %d: fewer than MaxErrors errors", i, seed)
			}
			for _, par := range [][2]int{{1, 1000}, {2, 1}, {3, 150}, {2, len(data) / 3}, {4, 0}} {
				if par[1] < 100 && len(data) > 100_000 {
					continue
				}
				// The io.Reader is read whole, the io.ReaderAt a part at a
				// time; the latter starts after a line that is not the file's.
				got, gotErr := ReadCSV(struct{ io.Reader }{bytes.NewReader(data)}, withParallel(par[0], par[1]))
				if err := sameRead(want, wantErr, got, gotErr); err != nil {
					t.Fatalf("case %d seed %d, %d goroutines, parts of %d bytes, whole: %v", i, seed, par[0], par[1], err)
				}
				at := bytes.NewReader(append([]byte("not,this,file\n"), data...))
				at.Seek(int64(len("not,this,file\n")), io.SeekStart)
				got, gotErr = ReadCSV(at, withParallel(par[0], par[1]))
				if err := sameRead(want, wantErr, got, gotErr); err != nil {
					t.Fatalf("case %d seed %d, %d goroutines, parts of %d bytes, at offsets: %v", i, seed, par[0], par[1], err)
				}
				if at.Len() != 0 {
					t.Fatalf("case %d seed %d: %d bytes left unread", i, seed, at.Len())
				}
			}
		}
	}
}

// TestDelimitedSplit checks the parts of an input: they cover the rows
// after the header, each begins a line, and their line counts add up to
// countLines; the parts of a file without records spanning lines are
// read to their ends.
func TestDelimitedSplit(t *testing.T) {
	data := messyCanonical(5, 2000, 0, false)
	for _, n := range []int{1, 2, 3, 8, 64, 5000} {
		d := newDelimited(data, ',')
		if _, err := d.next(); err != nil {
			t.Fatal(err)
		}
		parts, lines := d.split(n)
		if len(parts) != n && n <= 64 || len(parts) > n {
			t.Errorf("split(%d): %d parts", n, len(parts))
		}
		var joined strings.Builder
		total := d.line
		for k, p := range parts {
			if p.at != d.off+joined.Len() || p.line != total {
				t.Fatalf("split(%d): part %d at byte %d line %d, want %d, %d", n, k, p.at, p.line, d.off+joined.Len(), total)
			}
			if p.at > 0 && data[p.at-1] != '\n' {
				t.Fatalf("split(%d): part %d does not begin a line", n, k)
			}
			joined.WriteString(p.text)
			total += lines[k]
			for {
				if _, err := p.next(); err != nil {
					break
				}
			}
			if p.stopped {
				t.Errorf("split(%d): part %d stopped at line %d", n, k, p.line+1)
			}
		}
		if d.text[d.off:] != joined.String() {
			t.Fatalf("split(%d): parts do not cover the rows", n)
		}
		if total != countLines(data) {
			t.Errorf("split(%d): %d lines, want %d", n, total, countLines(data))
		}
	}
}

// failingAt is a bytes.Reader whose ReadAt fails from its calls-th call
// on, as a file on a failing disk would. ReadAt is called from several
// goroutines (io.ReaderAt allows it), so the count is atomic.
type failingAt struct {
	*bytes.Reader
	calls atomic.Int64
}

func (f *failingAt) ReadAt(p []byte, off int64) (int, error) {
	if f.calls.Add(-1) < 0 {
		return 0, errors.New("disk on fire")
	}
	return f.Reader.ReadAt(p, off)
}

// TestReadCSVAtFailingReads makes each read at an offset of
// readCanonicalAt fail in turn: the probes and the first pass leave the
// input to the whole read, a failure in the second pass ends the read
// with that error, never with a part of the polls.
func TestReadCSVAtFailingReads(t *testing.T) {
	data := messyCanonical(3, 300, 0, true)
	want, _ := ReadCSV(struct{ io.Reader }{bytes.NewReader(data)})
	var failed, whole int
	for calls := 0; ; calls++ {
		r := &failingAt{Reader: bytes.NewReader(data)}
		r.calls.Store(int64(calls))
		polls, err := ReadCSV(r, withParallel(2, 8000))
		if r.calls.Load() >= 0 { // it did not fail: every read done
			if err := samePolls(want, polls); err != nil {
				t.Fatal(err)
			}
			break
		}
		switch {
		case err != nil && strings.Contains(err.Error(), "poll: reading input: disk on fire"):
			if polls != nil {
				t.Fatalf("read %d failed: %d polls with the error", calls, len(polls))
			}
			failed++
		case samePolls(want, polls) == nil:
			whole++
		default:
			t.Fatalf("read %d failed: %d polls, %v", calls, len(polls), err)
		}
	}
	if failed == 0 || whole == 0 {
		t.Errorf("%d reads failed the read, %d left it to the whole read: want both", failed, whole)
	}
}
