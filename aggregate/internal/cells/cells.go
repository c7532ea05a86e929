// Package cells appends the cells of the tables package aggregate and
// its report write (CSV rows, JSON series): numbers and dates formatted
// as strconv and package time format them, faster for the values those
// tables hold, and the buffer the rows go through.
package cells

import (
	"io"
	"math"
	"strconv"
	"time"
)

// AppendFloat appends strconv.AppendFloat(b, x, format, -1, 64) for a
// format of 'f' or 'g', the same bytes, faster for the numbers written
// most: those rounded to hundredths (SeriesOptions' default), at most
// 10⁶ in magnitude. Such an x is the double nearest k/100 for the
// integer k = round(100x), and k/100 without trailing zeros is its
// shortest representation: any shorter decimal near x would be another
// multiple of 0.01, at least 0.01 from k/100, while both would lie
// within an ulp of x (below 10⁻⁹ here). Both formats write it plainly
// (%g turns to an exponent at 10⁶ and below 10⁻⁴). Checked against
// strconv on every k up to 10⁵ and on random numbers
// (TestAppendFloat).
func AppendFloat(b []byte, x float64, format byte) []byte {
	if a := math.Abs(x); a >= 0.01 && a < 1e6 {
		if k := math.Round(x * 100); k/100 == x {
			n := int64(k)
			if n < 0 {
				b = append(b, '-')
				n = -n
			}
			b = strconv.AppendInt(b, n/100, 10)
			if f := n % 100; f != 0 {
				b = append(b, '.', byte('0'+f/10))
				if f%10 != 0 {
					b = append(b, byte('0'+f%10))
				}
			}
			return b
		}
	}
	return strconv.AppendFloat(b, x, format, -1, 64)
}

// AppendDate appends t as time.DateOnly formats it (YYYY-MM-DD), digit by
// digit for years 0–9999.
func AppendDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, time.DateOnly)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}

// Buffer collects rows (CSV, JSON), appended to Buf, and writes them to
// an io.Writer in large pieces: one write per 64 KB rather than per row,
// and memory bounded by the piece, not the output.
type Buffer struct {
	Buf []byte
	w   io.Writer
}

// NewBuffer returns a Buffer writing to w.
func NewBuffer(w io.Writer) Buffer { return Buffer{Buf: make([]byte, 0, 64<<10), w: w} }

// FlushIfFull writes Buf out when it is within a kilobyte of its
// capacity: call it after each row.
func (c *Buffer) FlushIfFull() error {
	if len(c.Buf) < cap(c.Buf)-1024 {
		return nil
	}
	return c.Flush()
}

// Flush writes Buf out and empties it.
func (c *Buffer) Flush() error {
	_, err := c.w.Write(c.Buf)
	c.Buf = c.Buf[:0]
	return err
}
