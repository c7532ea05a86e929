package textcol

import (
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rows  [][]string
		align string
		want  string
	}{
		{"left and right", [][]string{{"house", "n", "note"}, {"Левада", "1600", "x"}, {"FOM", "3", ""}}, "lrl",
			"  house      n  note\n  Левада  1600  x\n  FOM        3\n"},
		{"control characters", [][]string{{"a\tb", "c\nd"}}, "ll", "  a b  c d\n"},
		{"ragged rows, no letter", [][]string{{"a", "bb", "c"}, {"dddd"}}, "", "  a     bb  c\n  dddd\n"},
	} {
		var b strings.Builder
		Write(&b, tc.rows, tc.align, "  ")
		if b.String() != tc.want {
			t.Errorf("%s: got\n%q\nwant\n%q", tc.name, b.String(), tc.want)
		}
	}
}

func TestWrap(t *testing.T) {
	var b strings.Builder
	Wrap(&b, "one two three four five", 9, "- ", "  ")
	if want := "- one two\n  three\n  four\n  five\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	b.Reset()
	Wrap(&b, "averyveryverylongword x", 5, "", "")
	if want := "averyveryverylongword\nx\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	b.Reset()
	Wrap(&b, "   ", 5, "", "")
	if b.String() != "" {
		t.Errorf("blank text gave %q", b.String())
	}
}
