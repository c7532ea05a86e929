package forensics

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

// records reads the records of a delimited table as encoding/csv does
// (FieldsPerRecord −1, no LazyQuotes, no comment character), the same
// records, line numbers and errors, faster on the lines that make up
// the protocol tables: a line without a carriage return whose fields
// are either unquoted, without any quote, or quoted whole, without a
// quote inside (a territorial commission "Барнаул, Вторая
// Индустриальная"). Such a line is split here. Another line whose
// quotes all close on it (an escaped quote, a stray one, a carriage
// return) is read by a csv.Reader of its own; at the first field that
// runs over several lines, or a line longer than the buffer, the rest of
// the input, that line included, goes to one csv.Reader, its line
// numbers shifted by the lines read before (TestRecordsMatchCSV).
// encoding/csv spent half of a read's time on the 2024 table.
type records struct {
	br    *bufio.Reader
	sep   rune // the separator
	comma byte // the separator, when the fast path takes it
	line  int  // physical lines read by the fast path
	start int  // line of the last record's first field

	cr     *csv.Reader // the rest of the input, once the fast path stops
	offset int         // lines read before cr started

	fields []string
}

func newRecords(br *bufio.Reader, comma rune) *records {
	r := &records{br: br, sep: comma}
	switch comma {
	case ',', ';', '\t':
		r.comma = byte(comma)
	default: // another separator: encoding/csv for all of it (and its checks of the separator)
		r.fallback(nil)
	}
	return r
}

// fallback hands the input to a csv.Reader from the line given on.
func (r *records) fallback(line []byte) {
	r.cr = csv.NewReader(io.MultiReader(bytes.NewReader(line), r.br))
	r.cr.Comma = r.sep
	r.cr.FieldsPerRecord = -1
	r.cr.ReuseRecord = true
	r.offset = r.line
	if line != nil {
		r.offset-- // the line given is read again
	}
}

// Read returns the next record (valid until the next call), io.EOF at
// the end, or a *csv.ParseError with its lines counted from the start
// of the input.
func (r *records) Read() ([]string, error) {
	for r.cr == nil {
		l, err := r.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			r.line++
			r.fallback(append([]byte(nil), l...))
			break
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		if len(l) == 0 && err == io.EOF {
			return nil, io.EOF
		}
		r.line++
		body := l
		if n := len(body); n > 0 && body[n-1] == '\n' {
			body = body[:n-1]
		}
		if len(body) == 0 {
			if err == io.EOF {
				return nil, io.EOF
			}
			continue // encoding/csv skips empty lines
		}
		if rec, ok := r.split(body); ok {
			r.start = r.line
			return rec, nil
		}
		if !closedQuotes(body, r.comma) {
			r.fallback(append([]byte(nil), l...)) // a field runs on: the stream from here
			break
		}
		// A record of this line alone (an escaped quote, a stray one, a
		// carriage return): encoding/csv on the line, as it would read it
		// in the stream (an error ends a record at the end of its line).
		cr := csv.NewReader(bytes.NewReader(l))
		cr.Comma, cr.FieldsPerRecord = r.sep, -1
		rec, err := cr.Read()
		if err == io.EOF {
			continue // nothing but a carriage return: an empty line
		}
		if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
			pe.StartLine += r.line - 1
			pe.Line += r.line - 1
		}
		r.start = r.line
		return rec, err
	}
	rec, err := r.cr.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		pe.StartLine += r.offset
		pe.Line += r.offset
	}
	return rec, err
}

// FieldPos returns the line of the last record's first field, as
// csv.Reader.FieldPos(0) does.
func (r *records) FieldPos() int {
	if r.cr != nil {
		line, _ := r.cr.FieldPos(0)
		return line + r.offset
	}
	return r.start
}

// split splits one line (without its newline) into fields, or reports
// false when the line is not of the simple kinds the fast path takes.
func (r *records) split(l []byte) ([]string, bool) {
	if bytes.IndexByte(l, '\r') >= 0 {
		return nil, false
	}
	s := string(l) // one string per record, the fields cut from it, as encoding/csv does
	f := r.fields[:0]
	if strings.IndexByte(s, '"') < 0 {
		// No quote on the line, as on most: its fields are what lies
		// between the separators, with no field to check for one.
		for {
			end := strings.IndexByte(s, r.comma)
			if end < 0 {
				f = append(f, s)
				break
			}
			f = append(f, s[:end])
			s = s[end+1:]
		}
		r.fields = f
		return f, true
	}
	for {
		var field string
		if len(s) > 0 && s[0] == '"' {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return nil, false // the field goes on to the next line
			}
			field, s = s[1:1+end], s[2+end:]
			if len(s) > 0 && s[0] != r.comma {
				return nil, false // an escaped quote, or text after the closing one
			}
		} else {
			end := strings.IndexByte(s, r.comma)
			if end < 0 {
				end = len(s)
			}
			field, s = s[:end], s[end:]
			if strings.IndexByte(field, '"') >= 0 {
				return nil, false // a bare quote: encoding/csv's error
			}
		}
		f = append(f, field)
		if len(s) == 0 {
			break
		}
		s = s[1:] // the separator
	}
	r.fields = f
	return f, true
}

// closedQuotes reports whether every quoted field that opens on line l
// (without its newline) closes on it, reading quotes as encoding/csv
// does: a quote opens a field only at its start, and "" inside a quoted
// field is a quote.
func closedQuotes(l []byte, comma byte) bool {
	in, start := false, true
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case in && c == '"':
			if i+1 < len(l) && l[i+1] == '"' {
				i++
			} else {
				in = false
			}
		case !in && start && c == '"':
			in = true
		}
		start = !in && c == comma
	}
	return !in
}
