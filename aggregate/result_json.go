package aggregate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/candorpoll/candor/aggregate/internal/cells"
)

// jsonFloat is a float64 that encodes NaN and ±Inf as JSON null (JSON has
// no NaN) and decodes null as NaN.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = jsonFloat(math.NaN())
		return nil
	}
	x, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("aggregate: JSON number %s: %w", b, err)
	}
	*f = jsonFloat(x)
	return nil
}

// jsonDate is a day written as "YYYY-MM-DD".
type jsonDate time.Time

func (d jsonDate) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(d).UTC().Format(time.DateOnly) + `"`), nil
}

func (d *jsonDate) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("aggregate: JSON date: %w", err)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("aggregate: JSON date: %w", err)
	}
	*d = jsonDate(t)
	return nil
}

// The JSON form of a Result. Field names are part of the API.
type (
	jsonPoint struct {
		Date      jsonDate  `json:"date"`
		Mean      jsonFloat `json:"mean"`
		SD        jsonFloat `json:"sd"`
		Lower     jsonFloat `json:"lower"`
		Upper     jsonFloat `json:"upper"`
		PollLower jsonFloat `json:"poll_lower"`
		PollUpper jsonFloat `json:"poll_upper"`
	}
	jsonHouse struct {
		Pollster string    `json:"pollster"`
		Value    jsonFloat `json:"effect"`
		SE       jsonFloat `json:"se"`
		Polls    int       `json:"polls"`
	}
	jsonParams struct {
		Sigma   jsonFloat            `json:"sigma"`
		SigmaSE jsonFloat            `json:"sigma_se"`
		Tau     map[string]jsonFloat `json:"tau"`
		LogLik  jsonFloat            `json:"loglik"`
		Other   map[string]jsonFloat `json:"other"`
	}
	jsonDiagnostic struct {
		Name  string    `json:"name"`
		Value jsonFloat `json:"value"`
		OK    bool      `json:"ok"`
		Note  string    `json:"note"`
	}
	jsonShare struct {
		Share       string           `json:"share"`
		Series      []jsonPoint      `json:"series"`
		Filtered    []jsonPoint      `json:"filtered"`
		Houses      []jsonHouse      `json:"houses"`
		Params      jsonParams       `json:"params"`
		Diagnostics []jsonDiagnostic `json:"diagnostics"`
		Warnings    []string         `json:"warnings"`
	}
	jsonResult struct {
		Model       string           `json:"model"`
		Level       jsonFloat        `json:"level"`
		Approve     *jsonShare       `json:"approve"`
		Disapprove  *jsonShare       `json:"disapprove"`
		Undecided   *jsonShare       `json:"undecided"`
		Diagnostics []jsonDiagnostic `json:"diagnostics"`
		Warnings    []string         `json:"warnings"`
	}
)

func fromJSONPoints(pts []jsonPoint) []Point {
	if pts == nil {
		return nil
	}
	out := make([]Point, len(pts))
	for i, p := range pts {
		out[i] = Point{time.Time(p.Date), float64(p.Mean), float64(p.SD), float64(p.Lower),
			float64(p.Upper), float64(p.PollLower), float64(p.PollUpper)}
	}
	return out
}

func fromJSONMap(m map[string]jsonFloat) map[string]float64 {
	if m == nil {
		return nil
	}
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = float64(v)
	}
	return out
}

func fromJSONDiagnostics(ds []jsonDiagnostic) []Diagnostic {
	var out []Diagnostic
	for _, d := range ds {
		out = append(out, Diagnostic{d.Name, float64(d.Value), d.OK, d.Note})
	}
	return out
}

func (j *jsonResult) result() (*Result, error) {
	r := &Result{Model: j.Model, Level: float64(j.Level), Diagnostics: fromJSONDiagnostics(j.Diagnostics)}
	if len(j.Warnings) > 0 {
		r.Warnings = j.Warnings
	}
	for _, js := range []*jsonShare{j.Approve, j.Disapprove, j.Undecided} {
		sr, err := js.result()
		if err != nil {
			return nil, err
		}
		if sr == nil {
			continue
		}
		if r.Share(sr.Share) != nil {
			return nil, fmt.Errorf("aggregate: JSON: share %s twice", sr.Share)
		}
		r.set(sr)
	}
	return r, nil
}

func (j *jsonShare) result() (*ShareResult, error) {
	if j == nil {
		return nil, nil
	}
	s, err := ParseShare(j.Share)
	if err != nil {
		return nil, fmt.Errorf("aggregate: JSON: %w", err)
	}
	sr := &ShareResult{Share: s,
		Series: fromJSONPoints(j.Series), Filtered: fromJSONPoints(j.Filtered),
		Params: Params{Sigma: float64(j.Params.Sigma), SigmaSE: float64(j.Params.SigmaSE),
			Tau: fromJSONMap(j.Params.Tau), LogLik: float64(j.Params.LogLik), Other: fromJSONMap(j.Params.Other)},
		Diagnostics: fromJSONDiagnostics(j.Diagnostics)}
	for _, h := range j.Houses {
		sr.Houses = append(sr.Houses, HouseEffect{h.Pollster, float64(h.Value), float64(h.SE), h.Polls})
	}
	if len(j.Warnings) > 0 {
		sr.Warnings = j.Warnings
	}
	return sr, nil
}

// MarshalJSON encodes the result with snake_case field names: model,
// level, approve, disapprove and undecided (null when not estimated, else
// {share, series and filtered (arrays of {date, mean, sd, lower, upper,
// poll_lower, poll_upper}), houses ({pollster, effect, se, polls}), params
// ({sigma, sigma_se, tau, loglik, other}), diagnostics ({name, value, ok,
// note}), warnings}), and the fit's own diagnostics and warnings. Dates
// are "YYYY-MM-DD"; NaN and ±Inf are null.
func (r Result) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := r.encodeJSON(&b, ""); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// UnmarshalJSON decodes what MarshalJSON writes (null numbers become NaN).
func (r *Result) UnmarshalJSON(b []byte) error {
	var j jsonResult
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	res, err := j.result()
	if err != nil {
		return err
	}
	*r = *res
	return nil
}

// WriteJSON writes the result as indented JSON (see MarshalJSON).
func (r *Result) WriteJSON(w io.Writer) error { return r.encodeJSON(w, "  ") }

// encodeJSON writes r in the JSON form of jsonResult, byte for byte what
// encoding/json writes for it: compact (json.Marshal) when indent is "",
// else as an Encoder with SetIndent("", indent), newline included
// (TestResultJSONBytes). Written by hand because encoding/json spent
// most of a daily series' time in reflection, a MarshalJSON call per
// number and re-indenting the whole output (11 MB for the Russian
// series: 200 → 20 ms).
func (r *Result) encodeJSON(w io.Writer, indent string) error {
	j := jsonWriter{Buffer: cells.NewBuffer(w), indent: indent}
	j.open('{')
	j.key("model")
	j.string(r.Model)
	j.key("level")
	j.float(r.Level)
	for _, s := range [...]struct {
		name string
		sr   *ShareResult
	}{{"approve", r.Approve}, {"disapprove", r.Disapprove}, {"undecided", r.Undecided}} {
		j.key(s.name)
		if err := j.share(s.sr); err != nil {
			return err
		}
	}
	j.key("diagnostics")
	j.diagnostics(r.Diagnostics)
	j.key("warnings")
	j.stringArray(r.Warnings)
	j.close('}')
	if indent != "" {
		j.Buf = append(j.Buf, '\n') // as json.Encoder ends a value
	}
	return j.Flush()
}

// jsonWriter appends JSON values to a cells.Buffer, indented as
// json.Indent does when indent is not "".
type jsonWriter struct {
	cells.Buffer
	indent string
	depth  int
	empty  bool   // the array or object just opened has no element yet
	pad    string // a newline and indents, at least depth of them
}

// open starts an object ('{') or array ('[').
func (j *jsonWriter) open(c byte) {
	j.Buf = append(j.Buf, c)
	j.depth++
	j.empty = true
}

// close ends the object ('}') or array (']') opened last; an empty one
// stays "{}" or "[]", as json.Indent leaves it.
func (j *jsonWriter) close(c byte) {
	j.depth--
	if !j.empty {
		j.newline()
	}
	j.Buf = append(j.Buf, c)
	j.empty = false
}

// elem starts an element of an array, or a member of an object.
func (j *jsonWriter) elem() {
	if !j.empty {
		j.Buf = append(j.Buf, ',')
	}
	j.empty = false
	j.newline()
}

func (j *jsonWriter) newline() { j.Buf = append(j.Buf, j.newlineAt(j.depth)...) }

// newlineAt returns a newline and depth indents, or "" when compact.
func (j *jsonWriter) newlineAt(depth int) string {
	if j.indent == "" {
		return ""
	}
	n := 1 + depth*len(j.indent)
	if len(j.pad) < n {
		j.pad = "\n" + strings.Repeat(j.indent, 2*depth+1)
	}
	return j.pad[:n]
}

// key starts the member named k of an object.
func (j *jsonWriter) key(k string) {
	j.elem()
	j.string(k)
	j.Buf = append(j.Buf, ':')
	if j.indent != "" {
		j.Buf = append(j.Buf, ' ')
	}
}

// string appends s quoted: as is when every byte is printable ASCII
// that encoding/json leaves alone (the member names, dates, share
// names), else escaped by encoding/json itself (HTML characters, control
// characters and invalid UTF-8 as it escapes them), so that the escaping
// rules are the same by construction.
func (j *jsonWriter) string(s string) {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			j.Buf = append(j.Buf, q...)
			return
		}
	}
	j.Buf = append(j.Buf, '"')
	j.Buf = append(j.Buf, s...)
	j.Buf = append(j.Buf, '"')
}

// float appends x as jsonFloat.MarshalJSON writes it (null for NaN, ±Inf).
func (j *jsonWriter) float(x float64) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		j.Buf = append(j.Buf, "null"...)
		return
	}
	j.Buf = cells.AppendFloat(j.Buf, x, 'g')
}

// stringArray appends ss as an array, [] for nil.
func (j *jsonWriter) stringArray(ss []string) {
	j.open('[')
	for _, s := range ss {
		j.elem()
		j.string(s)
	}
	j.close(']')
}

// floats appends m as an object with sorted keys (as encoding/json
// writes a map), null for nil.
func (j *jsonWriter) floats(m map[string]float64) {
	if m == nil {
		j.Buf = append(j.Buf, "null"...)
		return
	}
	j.open('{')
	for _, k := range slices.Sorted(maps.Keys(m)) {
		j.key(k)
		j.float(m[k])
	}
	j.close('}')
}

func (j *jsonWriter) diagnostics(ds []Diagnostic) {
	j.open('[')
	for _, d := range ds {
		j.elem()
		j.open('{')
		j.key("name")
		j.string(d.Name)
		j.key("value")
		j.float(d.Value)
		j.key("ok")
		j.Buf = strconv.AppendBool(j.Buf, d.OK)
		j.key("note")
		j.string(d.Note)
		j.close('}')
	}
	j.close(']')
}

// points appends pts as an array of jsonPoint, null for nil when
// nullable (Filtered) and [] otherwise (Series), flushing as it goes.
// Every point has the same members at the same depth, so what goes
// between the values (comma, newline, indent, name) is made once.
func (j *jsonWriter) points(pts []Point, nullable bool) error {
	if pts == nil && nullable {
		j.Buf = append(j.Buf, "null"...)
		return nil
	}
	j.open('[')
	if len(pts) > 0 {
		out := j.newlineAt(j.depth)
		in := j.newlineAt(j.depth + 1)
		colon := ":"
		if j.indent != "" {
			colon = ": "
		}
		var before [7]string // the date, mean, sd, lower, upper, poll_lower, poll_upper
		for k, name := range [...]string{"date", "mean", "sd", "lower", "upper", "poll_lower", "poll_upper"} {
			before[k] = "," + in + `"` + name + `"` + colon
		}
		before[0] = before[0][1:] // no comma before the first member
		lead, end := ","+out+"{", out+"}"
		for i, p := range pts {
			if i == 0 {
				j.Buf = append(j.Buf, lead[1:]...) // no comma before the first point
			} else {
				j.Buf = append(j.Buf, lead...)
			}
			j.Buf = append(j.Buf, before[0]...)
			j.Buf = append(j.Buf, '"')
			j.Buf = cells.AppendDate(j.Buf, p.Date.UTC())
			j.Buf = append(j.Buf, '"')
			for k, x := range [...]float64{p.Mean, p.SD, p.Lower, p.Upper, p.PollLower, p.PollUpper} {
				j.Buf = append(j.Buf, before[k+1]...)
				j.float(x)
			}
			j.Buf = append(j.Buf, end...)
			if err := j.FlushIfFull(); err != nil {
				return err
			}
		}
		j.empty = false
	}
	j.close(']')
	return nil
}

// share appends sr as a jsonShare, null for nil.
func (j *jsonWriter) share(sr *ShareResult) error {
	if sr == nil {
		j.Buf = append(j.Buf, "null"...)
		return nil
	}
	j.open('{')
	j.key("share")
	j.string(sr.Share.String())
	j.key("series")
	if err := j.points(sr.Series, false); err != nil {
		return err
	}
	j.key("filtered")
	if err := j.points(sr.Filtered, true); err != nil {
		return err
	}
	j.key("houses")
	j.open('[')
	for _, h := range sr.Houses {
		j.elem()
		j.open('{')
		j.key("pollster")
		j.string(h.Pollster)
		j.key("effect")
		j.float(h.Value)
		j.key("se")
		j.float(h.SE)
		j.key("polls")
		j.Buf = strconv.AppendInt(j.Buf, int64(h.Polls), 10)
		j.close('}')
	}
	j.close(']')
	j.key("params")
	j.open('{')
	j.key("sigma")
	j.float(sr.Params.Sigma)
	j.key("sigma_se")
	j.float(sr.Params.SigmaSE)
	j.key("tau")
	j.floats(sr.Params.Tau)
	j.key("loglik")
	j.float(sr.Params.LogLik)
	j.key("other")
	j.floats(sr.Params.Other)
	j.close('}')
	j.key("diagnostics")
	j.diagnostics(sr.Diagnostics)
	j.key("warnings")
	j.stringArray(sr.Warnings)
	j.close('}')
	return nil
}
