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
	data, err := readAllSized(r)
	if err != nil {
		return nil, fmt.Errorf("poll: reading input: %w", err)
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
	if enc == nil && !utf8.Valid(data) {
		if looksWindows1251(data) {
			enc = charmap.Windows1251
		} else {
			line, col := badUTF8(data)
			return nil, &ParseError{Line: line, Column: col, Err: fmt.Errorf("%w: neither UTF-8 nor Windows-1251 text", ErrEncoding)}
		}
	}
	if enc != nil && enc != xunicode.UTF8 {
		out, err := enc.NewDecoder().Bytes(data)
		if err != nil {
			return nil, &ParseError{Line: 1, Err: fmt.Errorf("%w: %v", ErrEncoding, err)}
		}
		data = bytes.TrimPrefix(out, []byte{0xEF, 0xBB, 0xBF})
	}
	if enc == xunicode.UTF8 && !utf8.Valid(data) {
		line, col := badUTF8(data)
		return nil, &ParseError{Line: line, Column: col, Err: fmt.Errorf("%w: invalid UTF-8", ErrEncoding)}
	}
	if line, col, ok := controlByte(data); ok {
		return nil, &ParseError{Line: line, Column: col, Err: fmt.Errorf("%w: control byte (binary data?)", ErrEncoding)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &ParseError{Line: 1, Err: ErrEmpty}
	}
	if bytes.IndexByte(data, '\r') >= 0 {
		data = normalizeNewlines(data)
	}
	return data, nil
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

// badUTF8 returns the 1-based line and byte column of the first byte that
// is not part of valid UTF-8.
func badUTF8(data []byte) (line, col int) {
	line, start := 1, 0
	for i := 0; i < len(data); {
		c := data[i]
		if c == '\n' {
			line, start = line+1, i+1
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return line, i - start + 1
		}
		i += size
	}
	return line, 1
}

// controlByte finds the first C0 control character other than tab, LF, CR
// and form feed: text files never hold them, binary files always do.
func controlByte(data []byte) (line, col int, found bool) {
	line, start := 1, 0
	for i, c := range data {
		switch {
		case c == '\n':
			line, start = line+1, i+1
		case c < 0x20 && c != '\t' && c != '\r' && c != '\f', c == 0x7F:
			return line, i - start + 1, true
		}
	}
	return 0, 0, false
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
