package poll

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// Large-input checks, run by hand because they need hundreds of
// megabytes; the README's memory figures come from them. Build the test
// binary once, write an input, then read it under /usr/bin/time -v, whose
// "Maximum resident set size" is the peak:
//
//	go test -c -o /tmp/poll.test ./poll
//	/tmp/poll.test -test.run '^TestBigFile$' -bigfile.write /tmp/big.csv -bigfile.kind canonical -bigfile.mb 200
//	/usr/bin/time -v /tmp/poll.test -test.run '^TestBigFile$' -bigfile /tmp/big.csv -bigfile.reader levada
//
// Kinds: canonical (WriteCSV rows, as canonicalCSV builds them), line (one
// line of Russian prose with numbers and month names, no date, above a
// small FOM table: every reader has to look at the long line), html (a
// page of one large table of words, no poll: a release reader must give up
// early).
var (
	bigFile   = flag.String("bigfile", "", "read this file with -bigfile.reader and print what was read")
	bigReader = flag.String("bigfile.reader", "csv", "reader for -bigfile: csv, 538, levada, vtsiom, fom or read (Read, detecting the layout)")
	bigWrite  = flag.String("bigfile.write", "", "write a large input of -bigfile.kind to this file")
	bigKind   = flag.String("bigfile.kind", "canonical", "input to write: canonical, line or html")
	bigMB     = flag.Int("bigfile.mb", 200, "size of the input to write, in MB (10⁶ bytes)")
)

// bigReaders are the readers TestBigFile can run, by name.
var bigReaders = map[string]func(io.Reader, ...Option) ([]Poll, error){
	"csv": ReadCSV, "538": Read538, "levada": ReadLevada, "vtsiom": ReadVTsIOM, "fom": ReadFOM,
	"read": func(r io.Reader, opts ...Option) ([]Poll, error) {
		polls, det, err := Read(r, opts...)
		fmt.Println(det)
		return polls, err
	},
}

func TestBigFile(t *testing.T) {
	switch {
	case *bigWrite != "":
		writeBigFile(t, *bigWrite, *bigKind, *bigMB*1_000_000)
	case *bigFile != "":
		read, ok := bigReaders[*bigReader]
		if !ok {
			t.Fatalf("unknown -bigfile.reader %q", *bigReader)
		}
		f, err := os.Open(*bigFile)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		start := time.Now()
		polls, err := read(f, WithSource(*bigFile))
		errs := ParseErrors(err)
		msg := ""
		if len(errs) > 0 {
			msg = errs[0].Error()
		}
		fmt.Printf("%s: %d polls, %d errors in %.2f s; first error: %.200s\n", *bigReader, len(polls), len(errs), time.Since(start).Seconds(), msg)
	default:
		t.Skip("large-input check: give -bigfile or -bigfile.write (see bigfile_test.go)")
	}
}

// writeBigFile writes about size bytes of input of the given kind.
func writeBigFile(t *testing.T, name, kind string, size int) {
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	switch kind {
	case "canonical":
		// canonicalCSV writes about 116 bytes a row.
		data := canonicalCSV(t, size/116)
		w.Write(data)
	case "line":
		w.Write(longLine(size))
	case "html":
		n, _ := w.WriteString("<html><body><table>\n")
		for i := 0; n < size; i++ {
			k, _ := fmt.Fprintf(w, "<tr><td>alpha</td><td>beta %d</td><td>gamma</td><td>x1</td></tr>\n", i)
			n += k
		}
		w.WriteString("</table></body></html>\n")
	default:
		t.Fatalf("unknown -bigfile.kind %q", kind)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(name)
	fmt.Printf("wrote %s: %d bytes (%s)\n", name, st.Size(), strings.TrimSpace(kind))
}
