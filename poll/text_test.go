package poll

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

func TestDecodeText(t *testing.T) {
	cyr := "Дата;Одобряю;Не одобряю\r\n08.2020;66;31\r\n"
	cp1251, err := charmap.Windows1251.NewEncoder().String(cyr)
	require.NoError(t, err)
	utf16le, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().String("a,b\n1,2\n")
	require.NoError(t, err)
	utf16be, err := xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM).NewEncoder().String("a,b\n1,2\n")
	require.NoError(t, err)
	want := "Дата;Одобряю;Не одобряю\n08.2020;66;31\n"
	for _, tc := range []struct {
		name string
		in   string
		want string
	}{
		{"utf8", want, want},
		{"bom", "\uFEFF" + want, want},
		{"crlf", cyr, want},
		{"cr", strings.ReplaceAll(cyr, "\r\n", "\r"), want},
		{"cp1251", cp1251, want},
		{"utf16le", utf16le, "a,b\n1,2\n"},
		{"utf16be", utf16be, "a,b\n1,2\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeText(strings.NewReader(tc.in), nil)
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got))
		})
	}
}

func TestDecodeTextExplicitEncoding(t *testing.T) {
	cp, err := charmap.Windows1251.NewEncoder().String("ФОМ")
	require.NoError(t, err)
	got, err := decodeText(strings.NewReader(cp), charmap.Windows1251)
	require.NoError(t, err)
	assert.Equal(t, "ФОМ", string(got))
}

func TestDecodeTextErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		in        string
		err       error
		line, col int
	}{
		{"empty", "", ErrEmpty, 1, 0},
		{"blank", " \n\t\r\n", ErrEmpty, 1, 0},
		{"bom only", "\uFEFF", ErrEmpty, 1, 0},
		{"latin1", "a,b\nCaf\xe9,1\n", ErrEncoding, 2, 4},
		{"nul", "a,b\n1,\x002\n", ErrEncoding, 2, 3},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00", ErrEncoding, 1, 1},
		{"bad utf8 after bom", "\uFEFFa\n\xff\xfe\xfd", ErrEncoding, 2, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeText(strings.NewReader(tc.in), nil)
			require.ErrorIs(t, err, tc.err)
			var pe *ParseError
			require.True(t, errors.As(err, &pe))
			assert.Equal(t, tc.line, pe.Line)
			assert.Equal(t, tc.col, pe.Column)
		})
	}
}

func TestReadAllSized(t *testing.T) {
	data := bytes.Repeat([]byte("x"), 10000)
	got, owned, err := readAllSized(bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, data, got)
	assert.True(t, owned)
	got, owned, err = readAllSized(struct{ *bytes.Reader }{bytes.NewReader(data)})
	require.NoError(t, err)
	assert.Equal(t, data, got)
	assert.True(t, owned)
	got, owned, err = readAllSized(&inputBytes{data: data})
	require.NoError(t, err)
	assert.Equal(t, data, got)
	assert.False(t, owned, "the caller's input is never rewritten")
}

func TestNormalizeLabel(t *testing.T) {
	for in, want := range map[string]string{
		"  Одобряю ":                  "одобряю",
		"Не\u00a0одобряю":             "не одобряю",
		"Затрудняюсь\u2009 ответить*": "затрудняюсь ответить",
		"Нет ответа:":                 "нет ответа",
		"ЕЩЁ":                         "еще",
		"No\u202fanswer **":           "no answer",
		"Е\u0308":                     "е", // decomposed ё → NFC ё → е
	} {
		assert.Equal(t, want, normalizeLabel(in), in)
	}
}

// TestNormalizeNewlinesAgainstBytewise compares the block copy with the
// byte-at-a-time definition on seeded mixtures of CR, LF and text.
func TestNormalizeNewlinesAgainstBytewise(t *testing.T) {
	bytewise := func(data []byte) []byte {
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
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("a,\r\n\r\r\n")
	for range 2000 {
		data := make([]byte, rng.IntN(40))
		for i := range data {
			data[i] = alphabet[rng.IntN(len(alphabet))]
		}
		in := string(data)
		want := bytewise(data)
		if got := normalizeNewlines(nil, data); string(got) != string(want) || string(data) != in {
			t.Fatalf("%q: got %q, want %q, input left %q", in, got, want, data)
		}
		// In place, over a buffer of the read's own.
		if got := normalizeNewlines(data[:0], data); string(got) != string(want) {
			t.Fatalf("%q in place: got %q, want %q", in, got, want)
		}
	}
}
