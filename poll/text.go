package poll

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

// decodeText reads all of r and returns it as UTF-8 with any byte-order
// mark removed and every line ending (CRLF or lone CR) turned into "\n".
//
// With enc == nil the encoding is detected: a UTF-8 or UTF-16 byte-order
// mark decides; otherwise valid UTF-8 is taken as UTF-8, and text that is
// not UTF-8 but whose high bytes form words of Windows-1251 Cyrillic
// letters is decoded as Windows-1251. Anything else, and any NUL or other
// control byte, is ErrEncoding, reported as a *ParseError at the line and
// byte column (1-based) of the first offending byte. Input that is empty or
// holds only white space is ErrEmpty.
func decodeText(r io.Reader, enc encoding.Encoding) ([]byte, error) {
	data, _, err := decodeTextLines(r, enc, rejectBadLines)
	return data, err
}

// badLineMode says what decodeTextLines does with a line holding invalid
// UTF-8 or control bytes.
type badLineMode uint8

const (
	// rejectBadLines rejects the whole input at the first bad line.
	rejectBadLines badLineMode = iota
	// blankBadLines empties the line (its line break kept). For readers
	// whose records are lines (ReadCSV, Read538), a lost line is a lost
	// record and nothing else.
	blankBadLines
	// markBadLines replaces each bad byte by U+FFFD and keeps the rest of
	// the line. For the release readers, whose tables give a line its
	// meaning through other lines (a header row of periods, a section
	// title, a caption date used when no header is found), emptying a
	// header line would let the rows below be read under another header or
	// date; a marked line keeps every row and column where it was, and a
	// cell holding U+FFFD fails to parse where it is read.
	markBadLines
)

// decodeTextLines is decodeText for readers that can go on past a bad
// line. Unless mode is rejectBadLines, lines holding invalid UTF-8 or
// control bytes are blanked or marked (see badLineMode; line breaks are
// kept, so line numbers stay right) and each is reported in lineErrs as a
// *ParseError wrapping ErrEncoding, with the raw line as Value and the byte
// column (see fieldColumns), provided the first line is clean and fewer
// than half of the lines are bad; otherwise the whole input is rejected
// with err, as decodeText does.
func decodeTextLines(r io.Reader, enc encoding.Encoding, mode badLineMode) (data []byte, lineErrs []error, err error) {
	data, err = readAllSized(r)
	if err != nil {
		return nil, nil, fmt.Errorf("poll: reading input: %w", err)
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
		if enc == nil {
			enc = xunicode.UTF8
		}
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		if enc == nil {
			// The BOM itself selects the byte order and is consumed.
			enc = xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM)
		}
	}
	if enc == nil && !utf8.Valid(data) && looksWindows1251(data) {
		enc = charmap.Windows1251
	}
	if enc != nil && enc != xunicode.UTF8 {
		out, err := enc.NewDecoder().Bytes(data)
		if err != nil {
			return nil, nil, &ParseError{Line: 1, Err: fmt.Errorf("%w: %v", ErrEncoding, err)}
		}
		data = bytes.TrimPrefix(out, []byte{0xEF, 0xBB, 0xBF})
	}
	if bytes.IndexByte(data, '\r') >= 0 {
		data = normalizeNewlines(data)
	}
	if !utf8.Valid(data) || hasControlByte(data) {
		if data, lineErrs, err = recoverBadLines(data, mode); err != nil {
			return nil, nil, err
		}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, &ParseError{Line: 1, Err: ErrEmpty}
	}
	return data, lineErrs, nil
}

// recoverBadLines finds the lines holding invalid UTF-8 or control bytes.
// Unless mode is rejectBadLines, when the first line is clean and fewer
// than half the lines are bad, it blanks or marks them and reports each;
// otherwise it returns the first as the error.
func recoverBadLines(data []byte, mode badLineMode) ([]byte, []error, error) {
	var bad []*ParseError
	var spans [][2]int
	lines := 0
	for off, line := 0, 1; off < len(data); line++ {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off
		}
		lines++
		if col, why := badByte(data[off:end]); col > 0 {
			bad = append(bad, &ParseError{Line: line, Column: col, Value: string(data[off:end]), Err: fmt.Errorf("%w: %s", ErrEncoding, why)})
			spans = append(spans, [2]int{off, end})
		}
		off = end + 1
	}
	if len(bad) == 0 {
		return data, nil, nil
	}
	if mode == rejectBadLines || bad[0].Line == 1 || 2*len(bad) >= lines {
		return nil, nil, bad[0]
	}
	out := make([]byte, 0, len(data))
	prev := 0
	errs := make([]error, len(bad))
	for i, sp := range spans {
		out = append(out, data[prev:sp[0]]...)
		if mode == markBadLines {
			out = appendMarked(out, data[sp[0]:sp[1]])
		}
		prev = sp[1]
		errs[i] = bad[i]
	}
	out = append(out, data[prev:]...)
	return out, errs, nil
}

// appendMarked appends line with every byte badByte objects to (an
// invalid UTF-8 byte, a control byte) replaced by U+FFFD.
func appendMarked(out, line []byte) []byte {
	for {
		col, _ := badByte(line)
		if col == 0 {
			return append(out, line...)
		}
		out = utf8.AppendRune(append(out, line[:col-1]...), utf8.RuneError)
		line = line[col:] // badByte's offending unit is one byte
	}
}

// badByte returns the 1-based byte column of the first byte of line that is
// not valid UTF-8 or is a control character other than tab and form feed
// (text files never hold them, binary files always do), and why; 0 when
// the line is clean.
func badByte(line []byte) (int, string) {
	for i := 0; i < len(line); {
		c := line[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\f' || c == 0x7F {
				return i + 1, "control byte (binary data?)"
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(line[i:])
		if r == utf8.RuneError && size <= 1 {
			return i + 1, "invalid UTF-8 (and not Windows-1251 text)"
		}
		i += size
	}
	return 0, ""
}

func hasControlByte(data []byte) bool {
	for _, c := range data {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\f' || c == 0x7F {
			return true
		}
	}
	return false
}

// readAllSized is io.ReadAll with the buffer sized up front when the
// reader knows its length, which halves the allocation for large files.
func readAllSized(r io.Reader) ([]byte, error) {
	size := -1
	switch v := r.(type) {
	case interface{ Len() int }:
		size = v.Len()
	case *os.File:
		if st, err := v.Stat(); err == nil && st.Mode().IsRegular() {
			size = int(st.Size())
		}
	}
	if size < 0 {
		return io.ReadAll(r)
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// normalizeNewlines turns CRLF and lone CR into LF.
func normalizeNewlines(data []byte) []byte {
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\r' {
			if i+1 < len(data) && data[i+1] == '\n' {
				continue
			}
			c = '\n'
		}
		out = append(out, c)
	}
	return out
}

// looksWindows1251 reports whether non-UTF-8 bytes read as Cyrillic text in
// Windows-1251: at least 80% of the high bytes are Cyrillic letters standing
// next to another Cyrillic letter (inside a word). Latin-1 text fails this,
// because its accented letters stand alone between ASCII letters.
func looksWindows1251(data []byte) bool {
	high, inWord := 0, 0
	isLetter := func(c byte) bool { return c >= 0xC0 || c == 0xA8 || c == 0xB8 }
	for i, c := range data {
		if c < 0x80 {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			continue
		}
		high++
		if isLetter(c) && ((i > 0 && isLetter(data[i-1])) || (i+1 < len(data) && isLetter(data[i+1]))) {
			inWord++
		}
	}
	return high > 0 && inWord*5 >= high*4
}

// normalizeLabel folds a printed label for matching (release-formats.md
// §1): Unicode NFC, lower case, ё → е, every run of white space (including
// no-break, thin and narrow no-break spaces) to one space, trimmed, with
// trailing ':' and '*' (footnote marks) removed.
func normalizeLabel(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\u2009' || r == '\u202f' || r == '\u2007' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		r = unicode.ToLower(r)
		if r == 'ё' {
			r = 'е'
		}
		b.WriteRune(r)
	}
	return strings.TrimRight(strings.TrimRightFunc(b.String(), func(r rune) bool { return r == ':' || r == '*' || r == ' ' }), " ")
}
