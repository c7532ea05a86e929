package poll

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// isMissingToken reports whether a trimmed cell is one of the spellings of
// "not published": empty, NA, N/A, n/a, null, or a dash (hyphen, en dash,
// em dash) standing alone.
func isMissingToken(s string) bool {
	switch s {
	case "", "NA", "N/A", "n/a", "na", "null", "NULL", "-", "—", "–":
		return true
	}
	return false
}

// trimSpaceAll trims ASCII white space and the no-break, thin and narrow
// no-break spaces Russian typography puts around numbers.
func trimSpaceAll(s string) string {
	for {
		t := strings.TrimSpace(s)
		t = strings.TrimPrefix(t, "\u00a0")
		t = strings.TrimPrefix(t, "\u2009")
		t = strings.TrimPrefix(t, "\u202f")
		t = strings.TrimSuffix(t, "\u00a0")
		t = strings.TrimSuffix(t, "\u2009")
		t = strings.TrimSuffix(t, "\u202f")
		if t == s {
			return t
		}
		s = t
	}
}

// parseNumber parses a share or other real number as pollsters print it.
//
// Accepted: an optional sign, digits with a decimal point or a decimal
// comma ("75,4"), an optional exponent (as strconv's 'g' format writes), an
// optional trailing "%", surrounding white space including no-break and
// thin spaces. missing is true for the tokens of isMissingToken (the value
// is then NaN and err nil).
//
// Rejected with ErrNumber: digit grouping ("1 600", "1,234.5"), a comma
// followed by exactly three digits after a non-zero integer part ("1,234":
// a thousands separator or a decimal comma, and the two readings differ a
// thousandfold), "NaN"/"Inf" spelled out with a sign or otherwise not in
// the missing list, and anything that is not a number.
func parseNumber(s string) (v float64, missing bool, err error) {
	if s == "" {
		return math.NaN(), true, nil // the common unpublished share, without trimming
	}
	if v, ok := plainDecimal(s); ok {
		return v, false, nil
	}
	t := trimSpaceAll(s)
	if isMissingToken(t) {
		return math.NaN(), true, nil
	}
	if strings.HasSuffix(t, "%") {
		t = trimSpaceAll(t[:len(t)-1])
	}
	if t == "" {
		return 0, false, fmt.Errorf("%w: %q: no digits", ErrNumber, short(s))
	}
	comma := strings.IndexByte(t, ',')
	if comma >= 0 {
		if strings.IndexByte(t, '.') >= 0 || strings.Count(t, ",") > 1 {
			return 0, false, fmt.Errorf("%w: %q: digit grouping is not accepted (write 1234.5)", ErrNumber, short(s))
		}
		if isThousandsLike(t, comma) {
			return 0, false, fmt.Errorf("%w: %q is ambiguous: a thousands separator or a decimal comma", ErrNumber, short(s))
		}
		t = t[:comma] + "." + t[comma+1:]
	}
	if !isDecimalLiteral(t) {
		return 0, false, fmt.Errorf("%w: %q", ErrNumber, short(s))
	}
	v, err = strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false, fmt.Errorf("%w: %q: out of range", ErrNumber, short(s))
	}
	return v, false, nil
}

// pow10 holds the powers of ten a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// plainDecimal parses the common case of a share as a canonical file or a
// series file prints it — digits with at most one point and fifteen
// digits ("75.4", "60", "45.763413", ".26232298") — without strconv's
// general path. The
// result is strconv.ParseFloat's: m and 10^k are exact in a float64 (m <
// 10^15 < 2^53) and IEEE division rounds m/10^k correctly, as strconv's
// own exact path does. ok is false for anything else.
func plainDecimal(s string) (v float64, ok bool) {
	if len(s) == 0 || len(s) > 16 || (s[0] < '0' || s[0] > '9') && (s[0] != '.' || len(s) == 1) {
		return 0, false
	}
	var m uint64
	frac, point, digits := 0, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			digits++
			if point {
				frac++
			}
		case c == '.' && !point && i+1 < len(s):
			point = true
		default:
			return 0, false
		}
	}
	if digits > 15 {
		return 0, false
	}
	return float64(m) / pow10[frac], true
}

// parseShare parses a share cell, which may also be printed as an upper
// bound only: "<1", "< 1", "<0,5", "≤1", "менее 1", "меньше 0,5". A bound is
// not a value: v is then NaN and below is true, so that no reader invents
// a number (0, the bound, half of it) and each can flag the poll
// (BelowBound). The bound itself must be a number in (0, 100]; anything
// else is parseNumber's.
func parseShare(s string) (v float64, below, missing bool, err error) {
	t := trimSpaceAll(s)
	for _, pre := range [...]string{"<", "≤", "менее", "Менее", "меньше", "Меньше"} {
		rest, ok := strings.CutPrefix(t, pre)
		if !ok {
			continue
		}
		b, miss, err := parseNumber(rest)
		if err != nil || miss {
			return 0, false, false, fmt.Errorf("%w: %q: a bound needs a number", ErrNumber, short(s))
		}
		if b <= 0 || b > 100 {
			return 0, false, false, fmt.Errorf("%w: %q: a share bound outside (0, 100]", ErrNumber, short(s))
		}
		return math.NaN(), true, false, nil
	}
	v, missing, err = parseNumber(s)
	return v, false, missing, err
}

// isThousandsLike reports whether the comma at i is followed by exactly
// three digits and nothing else, after a non-zero integer part of one to
// three digits: "1,234" or "12,500" but not "0,125" or "75,4".
func isThousandsLike(t string, i int) bool {
	intPart := strings.TrimLeft(t[:i], "+-")
	frac := t[i+1:]
	if len(frac) != 3 || !allDigits(frac) || len(intPart) == 0 || len(intPart) > 3 || !allDigits(intPart) {
		return false
	}
	return strings.Trim(intPart, "0") != ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isDecimalLiteral reports whether t is [+-]digits[.digits][e[+-]digits]
// with at least one digit in the mantissa, so that strconv never sees hex
// floats, underscores, "Inf" or "NaN".
func isDecimalLiteral(t string) bool {
	i, n := 0, len(t)
	if i < n && (t[i] == '+' || t[i] == '-') {
		i++
	}
	digits := 0
	for i < n && t[i] >= '0' && t[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < n && t[i] == '.' {
		i++
		for i < n && t[i] >= '0' && t[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return false
	}
	if i < n && (t[i] == 'e' || t[i] == 'E') {
		i++
		if i < n && (t[i] == '+' || t[i] == '-') {
			i++
		}
		exp := 0
		for i < n && t[i] >= '0' && t[i] <= '9' {
			i, exp = i+1, exp+1
		}
		if exp == 0 {
			return false
		}
	}
	return i == n
}

// parseCount parses a sample size. It accepts "1600", "1600.0" and digit
// groups separated by spaces, no-break or thin spaces ("1 600", "11 200"),
// which is how Russian releases print n. missing is true for the missing
// tokens (n is then 0).
//
// "1,234" is ErrNumber: a comma could be a thousands separator or a
// decimal comma. A negative, zero or fractional count is ErrSampleSize.
func parseCount(s string) (n int, missing bool, err error) {
	if s == "" {
		return 0, true, nil
	}
	if allDigits(s) && len(s) <= 9 && s[0] != '0' {
		return atoiSmall(s), false, nil // "1600": the common case, at once
	}
	t := trimSpaceAll(s)
	if isMissingToken(t) {
		return 0, true, nil
	}
	if strings.ContainsAny(t, " \u00a0\u2009\u202f") {
		g, ok := ungroup(t)
		if !ok {
			return 0, false, fmt.Errorf("%w: %q: malformed digit groups", ErrNumber, short(s))
		}
		t = g
	}
	if c := strings.IndexByte(t, ','); c >= 0 && isThousandsLike(t, c) {
		return 0, false, fmt.Errorf("%w: sample size %q is ambiguous: write 1234 (a comma may be a thousands separator or a decimal comma)", ErrNumber, short(s))
	}
	v, miss, err := parseNumber(t)
	if err != nil || miss {
		if err != nil {
			return 0, false, fmt.Errorf("%w: sample size %q", ErrNumber, short(s))
		}
		return 0, true, nil
	}
	if v <= 0 || v != math.Trunc(v) || v > math.MaxInt32 {
		return 0, false, fmt.Errorf("%w: %q is not a positive whole number", ErrSampleSize, short(s))
	}
	return int(v), false, nil
}

// ungroup removes space digit-grouping ("11 200" → "11200"): the first group
// has one to three digits and every later group exactly three.
func ungroup(t string) (string, bool) {
	groups := strings.FieldsFunc(t, func(r rune) bool { return r == ' ' || r == '\u00a0' || r == '\u2009' || r == '\u202f' })
	if len(groups) < 2 {
		return "", false
	}
	for i, g := range groups {
		last := g
		if i == len(groups)-1 {
			// the last group may carry a fraction: "1 600.0"
			if j := strings.IndexAny(g, ".,"); j >= 0 {
				last = g[:j]
			}
		}
		if !allDigits(last) || (i == 0 && (len(last) == 0 || len(last) > 3)) || (i > 0 && len(last) != 3) {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}
