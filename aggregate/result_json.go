package aggregate

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
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

func toJSONPoints(pts []Point) []jsonPoint {
	if pts == nil {
		return nil
	}
	out := make([]jsonPoint, len(pts))
	for i, p := range pts {
		out[i] = jsonPoint{jsonDate(p.Date), jsonFloat(p.Mean), jsonFloat(p.SD), jsonFloat(p.Lower),
			jsonFloat(p.Upper), jsonFloat(p.PollLower), jsonFloat(p.PollUpper)}
	}
	return out
}

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

func toJSONMap(m map[string]float64) map[string]jsonFloat {
	if m == nil {
		return nil
	}
	out := make(map[string]jsonFloat, len(m))
	for k, v := range m {
		out[k] = jsonFloat(v)
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

func toJSONDiagnostics(ds []Diagnostic) []jsonDiagnostic {
	out := make([]jsonDiagnostic, len(ds))
	for i, d := range ds {
		out[i] = jsonDiagnostic{d.Name, jsonFloat(d.Value), d.OK, d.Note}
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

// nonNil returns s, or an empty slice for nil (JSON [] rather than null).
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (r *Result) toJSON() *jsonResult {
	j := &jsonResult{Model: r.Model, Level: jsonFloat(r.Level),
		Approve: r.Approve.toJSON(), Disapprove: r.Disapprove.toJSON(), Undecided: r.Undecided.toJSON(),
		Diagnostics: toJSONDiagnostics(r.Diagnostics), Warnings: nonNil(r.Warnings)}
	return j
}

func (sr *ShareResult) toJSON() *jsonShare {
	if sr == nil {
		return nil
	}
	j := &jsonShare{Share: sr.Share.String(),
		Series: nonNil(toJSONPoints(sr.Series)), Filtered: toJSONPoints(sr.Filtered),
		Params: jsonParams{Sigma: jsonFloat(sr.Params.Sigma), SigmaSE: jsonFloat(sr.Params.SigmaSE),
			Tau: toJSONMap(sr.Params.Tau), LogLik: jsonFloat(sr.Params.LogLik), Other: toJSONMap(sr.Params.Other)},
		Diagnostics: toJSONDiagnostics(sr.Diagnostics), Warnings: nonNil(sr.Warnings)}
	j.Houses = make([]jsonHouse, len(sr.Houses))
	for i, h := range sr.Houses {
		j.Houses[i] = jsonHouse{h.Pollster, jsonFloat(h.Value), jsonFloat(h.SE), h.Polls}
	}
	return j
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
func (r Result) MarshalJSON() ([]byte, error) { return json.Marshal(r.toJSON()) }

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
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.toJSON())
}
