package poll

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	xunicode "golang.org/x/text/encoding/unicode"
)

// Reading large canonical files in parts (issue #12: a million rows in
// under a second on two cores). The fast path of delimited splits each line
// by itself, so a part that begins at a line break needs nothing from the
// lines before it but their count: parts are read on several goroutines,
// each into the slots of its own lines in the result, and stitched into
// the polls, errors and error order of a serial read.

// parallelFor calls f(w, k) for k = 0 … n-1 on up to workers goroutines;
// w < workers names the goroutine, for state of its own. The parts are
// taken in turn by whichever goroutine is free, so that one held up (by
// another process on its core) leaves its share to the others.
func parallelFor(workers, n int, f func(w, k int)) {
	var next atomic.Int64
	work := func(w int) {
		for {
			k := int(next.Add(1) - 1)
			if k >= n {
				return
			}
			f(w, k)
		}
	}
	var wg sync.WaitGroup
	for w := 1; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(w)
		}()
	}
	work(0)
	wg.Wait()
}

func sum(v []int) int {
	s := 0
	for _, x := range v {
		s += x
	}
	return s
}

// readCanonicalParts reads the rows of the parts of a canonical file (see
// delimited.split) on up to workers goroutines: open(w, k) gives part k to
// goroutine w (which may hold a buffer of its own for the part's bytes),
// and lines[k] is its count of lines not yet read. Each part is read into
// the slots of its lines in polls' capacity (whose slots are zero); then
// the gaps left by blank and rejected lines are closed and the parts'
// errors merged in file order. When a part stops at a line that only
// encoding/csv can read, the parts after it are dropped and stop is that
// part, where the caller must go on serially (polls' free capacity is zero
// again). err is open's first error, which ends the read.
func readCanonicalParts(open func(w, k int) (*delimited, error), lines []int, polls []Poll, workers int, idx *[numCanonical]int, width int, cfg *readConfig, el *errorList) (_ []Poll, stop *delimited, err error) {
	type result struct {
		slot  int // first slot of the part's lines in polls
		part  *delimited
		polls []Poll
		el    errorList
		err   error
	}
	res := make([]result, len(lines))
	for k, slot := 0, 0; k < len(lines); k++ {
		res[k].slot = slot
		slot += lines[k]
	}
	parallelFor(workers, len(lines), func(w, k int) {
		r := &res[k]
		if r.part, r.err = open(w, k); r.err != nil {
			return
		}
		r.polls = newCanonReader(idx, cfg).rows(r.part, width, polls[r.slot:r.slot:r.slot+lines[k]], &r.el)
		for _, pe := range r.el.kept {
			pe.Value = strings.Clone(pe.Value) // not a view of the buffer, which the next part overwrites
		}
	})

	all := polls[:cap(polls)]
	n := 0
	for k := range res {
		r := &res[k]
		if r.err != nil {
			for _, r := range res {
				clear(all[r.slot : r.slot+len(r.polls)])
			}
			return polls[:0], nil, r.err
		}
		copy(all[n:], r.polls) // leftwards, when at all: n <= r.slot
		// Clear what the part wrote beyond the end of the result so far.
		clear(all[max(r.slot, n+len(r.polls)) : r.slot+len(r.polls)])
		n += len(r.polls)
		el.merge(&r.el)
		if r.part.stopped {
			for _, r := range res[k+1:] {
				clear(all[r.slot : r.slot+len(r.polls)])
			}
			return all[:n], r.part, nil
		}
	}
	return all[:n], nil, nil
}

// errChanged is the error of a read whose input changed between the
// passes of readCanonicalAt.
var errChanged = errors.New("the input changed while it was read")

// readCanonicalAt reads a large canonical file without holding it whole,
// when r can be read at offsets (an *os.File, a *bytes.Reader) and the file
// is plain: UTF-8 without control bytes or carriage returns, its header on
// one line near the top. ok is false when it read nothing (r is where it
// was): the input is small or of another kind or layout, and ReadCSV
// reads it whole. It reads a part at a time on one goroutine too (the
// memory a read needs is then that of the polls and a few parts). Otherwise r is left at its
// end, as after a whole read, and polls and err are what that read gives.
//
// A first pass over the parts checks them and counts their lines, a
// second reads their rows; each goroutine reads a part at a time into a
// buffer of its own, so that memory is the result and a few parts.
func readCanonicalAt(r io.Reader, cfg *readConfig) (polls []Poll, err error, ok bool) {
	if cfg.enc != nil && cfg.enc != xunicode.UTF8 {
		return nil, nil, false
	}
	ra, isAt := r.(io.ReaderAt)
	sk, isSeeker := r.(io.Seeker)
	if !isAt || !isSeeker {
		return nil, nil, false
	}
	base, err1 := sk.Seek(0, io.SeekCurrent)
	end, err2 := sk.Seek(0, io.SeekEnd)
	_, err3 := sk.Seek(base, io.SeekStart)
	if err1 != nil || err2 != nil || err3 != nil || end-base > int64(maxInt) {
		return nil, nil, false
	}
	size := int(end - base)
	workers, nparts := cfg.parallelism(size)
	if nparts < 2 {
		return nil, nil, false
	}
	longest := 0 // the longest part, once the parts are known: a goroutine's buffer holds any
	readAt := func(buf *[]byte, off, n int) ([]byte, error) {
		if cap(*buf) < n {
			*buf = make([]byte, max(n, longest))
		}
		b := (*buf)[:n]
		if m, err := ra.ReadAt(b, base+int64(off)); m < n {
			if err == nil || err == io.EOF {
				err = errChanged
			}
			return nil, err
		}
		return b, nil
	}

	// Parts begin after the first line break at or after k·size/nparts.
	at := []int{0}
	var probe []byte
	for k := 1; k < nparts; k++ {
		off := max(at[len(at)-1], k*size/nparts)
		for n := 4096; off < size; n *= 4 {
			b, err := readAt(&probe, off, min(n, size-off))
			if err != nil {
				return nil, nil, false
			}
			if i := bytes.IndexByte(b, '\n'); i >= 0 {
				if off+i+1 < size {
					at = append(at, off+i+1)
				}
				break
			}
			off += len(b)
		}
	}
	at = append(at, size)
	for k := range len(at) - 1 {
		longest = max(longest, at[k+1]-at[k])
	}

	// The first part: plain, its byte-order mark, separator and header.
	first, err := readAt(new([]byte), 0, at[1])
	if err != nil || !cleanUTF8(first) {
		return nil, nil, false
	}
	text := bytes.TrimPrefix(first, []byte{0xEF, 0xBB, 0xBF})
	if len(bytes.TrimSpace(text)) == 0 || at[1] < size && !hasLines(text, sniffLines) {
		return nil, nil, false // an empty or nearly empty start: the whole read decides
	}
	comma := cfg.comma
	if comma == 0 {
		comma = sniffComma(text)
	}
	d := newDelimited(text, comma)
	d.part = true
	hdr, err := d.next()
	if err != nil {
		return nil, nil, false
	}
	h := findCSVHeader(d, hdr)
	if d.stopped || h.kind != csvCanonical {
		return nil, nil, false
	}

	// First pass: every other part plain, and the line breaks of each.
	breaks := make([]int, len(at)-1)
	breaks[0] = bytes.Count(first, []byte{'\n'})
	bad := make([]bool, len(breaks))
	bufs := make([][]byte, workers)
	parallelFor(workers, len(breaks)-1, func(w, k int) {
		b, err := readAt(&bufs[w], at[k+1], at[k+2]-at[k+1])
		bad[k+1] = err != nil || !cleanUTF8(b)
		breaks[k+1] = bytes.Count(b, []byte{'\n'})
	})
	if slices.Contains(bad, true) {
		return nil, nil, false
	}
	lines := slices.Clone(breaks)
	lines[len(lines)-1]++ // as countLines counts

	sk.Seek(0, io.SeekEnd)
	el := &errorList{source: cfg.source}
	if missingCanonical(&h.canon, h.row[0].Line, cfg, el) {
		return nil, el.err(), true
	}

	// Second pass: the rows.
	open := func(w, k int) (*delimited, error) {
		if k == 0 {
			return d, nil
		}
		b, err := readAt(&bufs[w], at[k], at[k+1]-at[k])
		if err != nil {
			return nil, err
		}
		if bytes.Count(b, []byte{'\n'}) != breaks[k] {
			return nil, errChanged
		}
		return &delimited{data: b, comma: comma, fast: true, text: unsafe.String(unsafe.SliceData(b), len(b)),
			line: sum(lines[:k]), part: true, at: at[k]}, nil
	}
	unread := slices.Clone(lines)
	unread[0] -= d.line // the header's: no slots, so that no part's rows move
	polls, stop, err := readCanonicalParts(open, unread, prefaulted(sum(lines), workers), workers, &h.canon, len(h.row), cfg, el)
	if err != nil {
		return nil, fmt.Errorf("poll: reading input: %w", err), true
	}
	if stop != nil {
		// A record spanning lines: the rest of the file, whole, to
		// encoding/csv.
		off := stop.at + stop.off
		if stop == d {
			off = len(first) - len(text) + stop.off
		}
		rest, err := readAt(new([]byte), off, size-off)
		if err != nil {
			return nil, fmt.Errorf("poll: reading input: %w", err), true
		}
		d = &delimited{data: rest, comma: comma}
		d.reset(0, stop.line)
		polls = newCanonReader(&h.canon, cfg).rows(d, len(h.row), polls, el)
	}
	return polls, el.err(), true
}

const maxInt = int(^uint(0) >> 1)

// sniffLines is how many non-empty lines sniffComma reads.
const sniffLines = 20

// hasLines reports whether data has n lines that are not blank.
func hasLines(data []byte, n int) bool {
	for len(data) > 0 && n > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			i = len(data) - 1
		}
		if len(bytes.TrimSpace(data[:i+1])) > 0 {
			n--
		}
		data = data[i+1:]
	}
	return n == 0
}
