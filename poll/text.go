package poll

import (
	"bytes"
	"encoding/binary"
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
// mark decides; otherwise the file is Windows-1251 when more of its lines
// read as Windows-1251 Cyrillic words (looksWindows1251) than as UTF-8
// text, and UTF-8 otherwise. A line that is not text in the file's
// encoding — bytes that are neither UTF-8 nor Cyrillic words, a line in
// the other encoding, a NUL or other control byte — is ErrEncoding,
// reported as a *ParseError at the line and byte column (1-based) of the
// first offending byte. Input that is empty or holds only white space is
// ErrEmpty.
func decodeText(r io.Reader, enc encoding.Encoding) ([]byte, error) {
	return decodeTextLines(r, enc, rejectBadLines, nil, &errorList{})
}

// badLineMode says what decodeTextLines does with a line that is not text
// in the file's encoding.
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
// line. Unless mode is rejectBadLines, bad lines are blanked or marked
// (see badLineMode; line breaks are kept, so line numbers stay right) and
// each is pushed to el as a *ParseError wrapping ErrEncoding, with the raw
// line as Value and, when sep gives a separator for the text, the field
// number as Column (the byte column otherwise), provided the first line
// is clean and fewer than half of the lines are bad; otherwise the whole
// input is rejected with err, as decodeText does.
func decodeTextLines(r io.Reader, enc encoding.Encoding, mode badLineMode, sep func([]byte) rune, el *errorList) ([]byte, error) {
	data, owned, err := readAllSized(r)
	if err != nil {
		return nil, fmt.Errorf("poll: reading input: %w", err)
	}
	te := detectEncoding(data, enc)
	data = data[te.bom:]
	cp1251 := te.enc == charmap.Windows1251
	if te.enc != nil && !cp1251 {
		out, err := te.enc.NewDecoder().Bytes(data)
		if err != nil {
			return nil, &ParseError{Line: 1, Err: fmt.Errorf("%w: %v", ErrEncoding, err)}
		}
		data, owned = bytes.TrimPrefix(out, []byte{0xEF, 0xBB, 0xBF}), true
	}
	if bytes.IndexByte(data, '\r') >= 0 {
		out := data[:0]
		if !owned {
			out = make([]byte, 0, len(data))
		}
		data = normalizeNewlines(out, data)
	}
	if cp1251 || !cleanUTF8(data) {
		if data, err = decodeLines(data, cp1251, mode, sep, el); err != nil {
			return nil, err
		}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &ParseError{Line: 1, Err: ErrEmpty}
	}
	return data, nil
}

// textEncoding is how decodeTextLines decodes an input.
type textEncoding struct {
	name string // for reports: "UTF-8", "UTF-8 with BOM", "UTF-16 with BOM", "Windows-1251" or the given encoding
	// enc is nil for UTF-8 and charmap.Windows1251 for Windows-1251 (both
	// decoded and checked line by line), else a decoder for the whole input.
	enc encoding.Encoding
	bom int // bytes of a UTF-8 byte-order mark to drop
}

// detectEncoding decides the encoding of data (see decodeText): enc when
// given, else a byte-order mark, else Windows-1251 when more lines read as
// Windows-1251 words than as UTF-8 (windows1251File), else UTF-8.
func detectEncoding(data []byte, enc encoding.Encoding) textEncoding {
	bom := 0
	if bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		bom = 3
	}
	switch {
	case enc == xunicode.UTF8:
		return textEncoding{name: "UTF-8", bom: bom}
	case enc == charmap.Windows1251:
		return textEncoding{name: "Windows-1251", enc: enc, bom: bom}
	case enc != nil:
		return textEncoding{name: fmt.Sprint(enc), enc: enc, bom: bom}
	case bom > 0:
		return textEncoding{name: "UTF-8 with BOM", bom: bom}
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		// The BOM itself selects the byte order and is consumed.
		return textEncoding{name: "UTF-16 with BOM", enc: xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM)}
	case !utf8.Valid(data) && windows1251File(data):
		return textEncoding{name: "Windows-1251", enc: charmap.Windows1251}
	}
	return textEncoding{name: "UTF-8"}
}

// decodeLines decodes data line by line: from Windows-1251 when cp1251,
// else checking that each line is UTF-8. Lines that are not text in that
// encoding (badLine) are handled as mode says (see decodeTextLines).
func decodeLines(data []byte, cp1251 bool, mode badLineMode, sep func([]byte) rune, el *errorList) ([]byte, error) {
	var comma rune
	if sep != nil {
		comma = sep(data)
	}
	dec := charmap.Windows1251.NewDecoder()
	out := make([]byte, 0, len(data)+len(data)/8)
	var listed []*ParseError // the first MaxErrors bad lines, in full
	bad, lines, firstMore, lastMore := 0, 0, 0, 0
	for off, line := 0, 1; off < len(data); line++ {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off
		}
		lines++
		raw := data[off:end]
		col, why := badLine(raw, cp1251)
		switch {
		case col > 0:
			bad++
			if len(listed) < MaxErrors {
				pe := &ParseError{Line: line, Column: col, Value: string(raw), Err: fmt.Errorf("%w: %s", ErrEncoding, why)}
				if comma != 0 {
					pe.Column = fieldOfByte(raw[:col-1], comma)
				}
				listed = append(listed, pe)
			} else {
				if firstMore == 0 {
					firstMore = line
				}
				lastMore = line
			}
			if mode == markBadLines {
				out = appendMarked(out, raw, cp1251)
			}
		case cp1251 && !isASCII(raw):
			d, _ := dec.Bytes(raw) // every byte decodes (0x98 as U+FFFD)
			out = append(out, d...)
		default:
			out = append(out, raw...)
		}
		if end < len(data) {
			out = append(out, '\n')
		}
		off = end + 1
	}
	if bad == 0 {
		return out, nil
	}
	if mode == rejectBadLines || listed[0].Line == 1 || 2*bad >= lines {
		return nil, listed[0]
	}
	for _, pe := range listed {
		el.push(pe)
	}
	if more := bad - len(listed); more > 0 {
		el.countMany(more, firstMore, lastMore) // the list is full of earlier lines
	}
	return out, nil
}

// badLine returns the 1-based byte column of the first byte of line that
// is not text in the file's encoding, and why; 0 when the line is clean.
// In a Windows-1251 file that is a line of UTF-8 text (valid UTF-8 with
// non-ASCII bytes, which Windows-1251 text never is in practice) or a
// control byte; in a UTF-8 file, an invalid UTF-8 byte — the line named
// as Windows-1251 text when it reads as such (looksWindows1251) — or a
// control byte.
func badLine(line []byte, cp1251 bool) (int, string) {
	if cp1251 {
		if i := firstNonASCII(line); i < len(line) && utf8.Valid(line) {
			return i + 1, "UTF-8 text in a Windows-1251 file"
		}
		if i := controlByte(line); i >= 0 {
			return i + 1, "control byte (binary data?)"
		}
		return 0, ""
	}
	col, why := badByte(line)
	if col > 0 && why == invalidUTF8 && looksWindows1251(line) {
		why = "Windows-1251 text in a UTF-8 file"
	}
	return col, why
}

const invalidUTF8 = "invalid UTF-8 (and not Windows-1251 text)"

// appendMarked appends line, a bad line (badLine), with every byte that
// makes it bad replaced by U+FFFD: an invalid UTF-8 byte or a control
// byte, and in a Windows-1251 file every non-ASCII byte of a UTF-8 line
// (the rest of a Windows-1251 line is decoded).
func appendMarked(out, line []byte, cp1251 bool) []byte {
	if cp1251 {
		if !utf8.Valid(line) {
			line, _ = charmap.Windows1251.NewDecoder().Bytes(line)
		} else {
			for _, c := range line {
				if c >= utf8.RuneSelf {
					out = utf8.AppendRune(out, utf8.RuneError)
				} else {
					out = append(out, c)
				}
			}
			return out
		}
	}
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
			if isControl(c) {
				return i + 1, "control byte (binary data?)"
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(line[i:])
		if r == utf8.RuneError && size <= 1 {
			return i + 1, invalidUTF8
		}
		i += size
	}
	return 0, ""
}

// isControl reports whether c is a control byte that text files do not
// hold: below 0x20 other than tab and form feed (line ends are split off
// before), or DEL.
func isControl(c byte) bool { return c < 0x20 && c != '\t' && c != '\f' || c == 0x7F }

// controlByte returns the index of the first control byte of line
// (isControl), or -1.
func controlByte(line []byte) int {
	for i, c := range line {
		if isControl(c) {
			return i
		}
	}
	return -1
}

func isASCII(b []byte) bool { return firstNonASCII(b) == len(b) }

// firstNonASCII returns the index of the first byte of b that is not
// ASCII, or len(b); eight bytes at a time.
func firstNonASCII(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			return i
		}
	}
	return len(b)
}

// cleanUTF8 reports whether data (with "\n" line ends) is valid UTF-8
// without control bytes other than tab, line feed and form feed: the
// common case, in which no line needs looking at. Eight bytes at a time:
// only a word holding a byte below 0x20 or DEL is looked at byte by byte
// (its line feed, mostly).
func cleanUTF8(data []byte) bool {
	const hi = 0x8080808080808080
	ascii := true
	i := 0
	for ; i+8 <= len(data); i += 8 {
		x := binary.LittleEndian.Uint64(data[i:])
		if x&hi != 0 {
			ascii = false
			continue // non-ASCII bytes are never control bytes; utf8.Valid below
		}
		// For ASCII bytes: x − 0x20 borrows into the high bit of a byte
		// below 0x20, and x + 1 carries into it for 0x7F.
		if ((x-0x2020202020202020)|(x+0x0101010101010101))&hi != 0 {
			for _, c := range data[i : i+8] {
				if c != '\n' && isControl(c) {
					return false
				}
			}
		}
	}
	for _, c := range data[i:] {
		if c >= utf8.RuneSelf {
			ascii = false
		} else if c != '\n' && isControl(c) {
			return false
		}
	}
	return ascii || utf8.Valid(data[firstNonASCII(data):])
}

// readAllSized is io.ReadAll with the buffer sized up front when the
// reader knows its length, which halves the allocation for large files.
// owned reports whether the bytes are a buffer of this read, free to be
// rewritten: an inputBytes hands over the caller's input, which is not.
func readAllSized(r io.Reader) (data []byte, owned bool, err error) {
	size := -1
	switch v := r.(type) {
	case *inputBytes:
		if v.off == 0 {
			v.off = len(v.data)
			return v.data, false, nil // already read; never written
		}
	case interface{ Len() int }:
		size = v.Len()
	case *os.File:
		if st, err := v.Stat(); err == nil && st.Mode().IsRegular() {
			size = int(st.Size())
		}
	}
	if size < 0 {
		data, err = io.ReadAll(r)
		return data, true, err
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	_, err = buf.ReadFrom(r)
	return buf.Bytes(), true, err
}

// normalizeNewlines appends data to out with CRLF and lone CR turned into
// LF, and returns the result. out is a new buffer when data is shared
// (Read hands one copy of its input to every reader it tries), or data[:0]
// to rewrite a buffer of the read's own in place: the text only moves
// towards the start, so no byte is overwritten before it is read, and a
// 2,000-row CRLF file no longer takes a second copy (23 pages of fresh
// memory in a process that reads it once). It copies the text between
// carriage returns in blocks (a byte at a time, this was a tenth of
// reading such a file).
func normalizeNewlines(out, data []byte) []byte {
	for {
		i := bytes.IndexByte(data, '\r')
		if i < 0 {
			return append(out, data...)
		}
		out = append(out, data[:i]...)
		if i+1 < len(data) && data[i+1] == '\n' {
			data = data[i+1:] // the LF is copied with the next block
		} else {
			out = append(out, '\n')
			data = data[i+1:]
		}
	}
}

// windows1251File reports whether data, which is not UTF-8, is a
// Windows-1251 file: more of its lines read as Windows-1251 Cyrillic words
// (looksWindows1251) than as UTF-8 text, so that a few junk bytes or one
// line in the other encoding do not decide for the whole file.
func windows1251File(data []byte) bool {
	cp, u := 0, 0
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		switch {
		case firstNonASCII(line) == len(line):
		case utf8.Valid(line):
			u++
		case looksWindows1251(line):
			cp++
		}
	}
	return cp > u
}

// looksWindows1251 reports whether the non-ASCII bytes of line, which is
// not UTF-8, read as Cyrillic words in Windows-1251: at least 80% of them
// are letters in words of two or more letters that stand apart from Latin
// letters and are cased as words are (no capital after small letters), the
// rest punctuation («», —, №). Latin-1 text fails this, because its
// accented letters stand alone between ASCII letters, and so do junk bytes
// glued to a word ("FOM\xff\xfe\xc3" would read «FOMяюГ»).
func looksWindows1251(line []byte) bool {
	isLetter := func(c byte) bool { return c >= 0xC0 || c == 0xA8 || c == 0xB8 }
	isUpper := func(c byte) bool { return c >= 0xC0 && c < 0xE0 || c == 0xA8 }
	isLatin := func(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
	high, inWords := 0, 0
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c < utf8.RuneSelf:
			if c != '\r' && isControl(c) {
				return false
			}
			i++
			continue
		case !isLetter(c):
			high++
			i++
			continue
		}
		j, lower, cased := i, false, true
		for ; j < len(line) && isLetter(line[j]); j++ {
			if isUpper(line[j]) && lower {
				cased = false
			}
			lower = lower || !isUpper(line[j])
		}
		high += j - i
		glued := i > 0 && isLatin(line[i-1]) || j < len(line) && isLatin(line[j])
		if cased && j-i >= 2 && !glued {
			inWords += j - i
		}
		i = j
	}
	return inWords > 0 && inWords*5 >= high*4
}

// maxLabelLen is the longest text normalizeLabel folds: answer labels,
// headers and table titles are far shorter, and a longer cell (a
// paragraph, a pasted page, junk) is read as noLabel, which matches
// nothing, in constant time.
const maxLabelLen = 1 << 10

// noLabel is normalizeLabel's result for a text too long to be a label.
const noLabel = "\x00"

// normalizeLabel folds a printed label for matching (release-formats.md
// §1): Unicode NFC, lower case, ё → е, every run of white space (including
// no-break, thin and narrow no-break spaces) to one space, trimmed, with
// trailing ':' and '*' (footnote marks) removed.
func normalizeLabel(s string) string {
	if len(s) > maxLabelLen {
		return noLabel
	}
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
