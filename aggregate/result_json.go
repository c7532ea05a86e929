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
	jsonResult struct {
		Model       string           `json:"model"`
		Share       string           `json:"share"`
		Level       jsonFloat        `json:"level"`
		Series      []jsonPoint      `json:"series"`
		Filtered    []jsonPoint      `json:"filtered"`
		Houses      []jsonHouse      `json:"houses"`
		Params      jsonParams       `json:"params"`
		Diagnostics []jsonDiagnostic `json:"diagnostics"`
		Warnings    []string         `json:"warnings"`
		Disapprove  *jsonResult      `json:"disapprove"`
		Undecided   *jsonResult      `json:"undecided"`
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

func (r *Result) toJSON() *jsonResult {
	if r == nil {
		return nil
	}
	j := &jsonResult{Model: r.Model, Share: r.Share, Level: jsonFloat(r.Level),
		Series: toJSONPoints(r.Series), Filtered: toJSONPoints(r.Filtered),
		Params: jsonParams{Sigma: jsonFloat(r.Params.Sigma), SigmaSE: jsonFloat(r.Params.SigmaSE),
			Tau: toJSONMap(r.Params.Tau), LogLik: jsonFloat(r.Params.LogLik), Other: toJSONMap(r.Params.Other)},
		Warnings:   r.Warnings,
		Disapprove: r.Disapprove.toJSON(), Undecided: r.Undecided.toJSON()}
	if j.Series == nil {
		j.Series = []jsonPoint{}
	}
	j.Houses = make([]jsonHouse, len(r.Houses))
	for i, h := range r.Houses {
		j.Houses[i] = jsonHouse{h.Pollster, jsonFloat(h.Value), jsonFloat(h.SE), h.Polls}
	}
	j.Diagnostics = make([]jsonDiagnostic, len(r.Diagnostics))
	for i, d := range r.Diagnostics {
		j.Diagnostics[i] = jsonDiagnostic{d.Name, jsonFloat(d.Value), d.OK, d.Note}
	}
	if j.Warnings == nil {
		j.Warnings = []string{}
	}
	return j
}

func (j *jsonResult) result() *Result {
	if j == nil {
		return nil
	}
	r := &Result{Model: j.Model, Share: j.Share, Level: float64(j.Level),
		Series: fromJSONPoints(j.Series), Filtered: fromJSONPoints(j.Filtered),
		Params: Params{Sigma: float64(j.Params.Sigma), SigmaSE: float64(j.Params.SigmaSE),
			Tau: fromJSONMap(j.Params.Tau), LogLik: float64(j.Params.LogLik), Other: fromJSONMap(j.Params.Other)},
		Disapprove: j.Disapprove.result(), Undecided: j.Undecided.result()}
	for _, h := range j.Houses {
		r.Houses = append(r.Houses, HouseEffect{h.Pollster, float64(h.Value), float64(h.SE), h.Polls})
	}
	for _, d := range j.Diagnostics {
		r.Diagnostics = append(r.Diagnostics, Diagnostic{d.Name, float64(d.Value), d.OK, d.Note})
	}
	if len(j.Warnings) > 0 {
		r.Warnings = j.Warnings
	}
	return r
}

// MarshalJSON encodes the result with snake_case field names: model,
// share, level, series and filtered (arrays of {date, mean, sd, lower,
// upper, poll_lower, poll_upper}), houses ({pollster, effect, se, polls}),
// params ({sigma, sigma_se, tau, loglik, other}), diagnostics ({name,
// value, ok, note}), warnings, and disapprove and undecided (the same
// object, or null). Dates are "YYYY-MM-DD"; NaN and ±Inf are null.
func (r Result) MarshalJSON() ([]byte, error) { return json.Marshal(r.toJSON()) }

// UnmarshalJSON decodes what MarshalJSON writes (null numbers become NaN).
func (r *Result) UnmarshalJSON(b []byte) error {
	var j jsonResult
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = *j.result()
	return nil
}

// WriteJSON writes the result as indented JSON (see MarshalJSON).
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.toJSON())
}
