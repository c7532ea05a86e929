package aggregate

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The reference encoding: jsonResult marshalled by encoding/json, which
// the hand-written encodeJSON must match byte for byte.

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

func toJSONDiagnostics(ds []Diagnostic) []jsonDiagnostic {
	out := make([]jsonDiagnostic, len(ds))
	for i, d := range ds {
		out[i] = jsonDiagnostic{d.Name, jsonFloat(d.Value), d.OK, d.Note}
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

// TestResultJSONBytes: WriteJSON and MarshalJSON write exactly what
// encoding/json writes for jsonResult (indented by an Encoder, and
// compact), on results with NaN, infinities, tiny and huge numbers,
// escapes (HTML characters, control characters, invalid UTF-8, U+2028),
// nil and empty slices and maps, dates before year 1000 and in other
// zones, and absent shares.
func TestResultJSONBytes(t *testing.T) {
	awkward := writerSampleResult(30)
	s := awkward.Approve.Series
	s[3].Mean, s[4].SD, s[5].Lower, s[6].Upper = math.Inf(1), math.Inf(-1), 1e-300, -123456789.125
	s[7].PollLower, s[8].PollUpper, s[9].Mean, s[10].SD = 5e-324, 1e21, 1e20, math.Copysign(0, -1)
	s[11].Date = s[11].Date.AddDate(-1500, 0, 0)
	s[12].Date = s[12].Date.In(time.FixedZone("east", 14*3600))
	awkward.Approve.Houses[0].Pollster = "tab\t nl\n \x01 \x7f \xff \u2028 \"q\" \\ <>&"
	awkward.Approve.Params.Tau["z<&>"] = math.Inf(1)
	awkward.Approve.Params.Other = map[string]float64{}
	awkward.Approve.Diagnostics = append(awkward.Approve.Diagnostics, Diagnostic{Name: "\b\f", Value: math.NaN(), OK: false, Note: ""})
	awkward.Disapprove.Filtered = []Point{} // empty, not nil: [] rather than null
	awkward.Disapprove.Houses, awkward.Disapprove.Warnings = nil, nil
	awkward.Undecided = nil
	awkward.Warnings = nil

	bare := &Result{Approve: &ShareResult{}}

	for name, r := range map[string]*Result{"sample": writerSampleResult(5), "awkward": awkward, "bare": bare, "empty": {}} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		require.NoError(t, enc.Encode(r.toJSON()))
		var got bytes.Buffer
		require.NoError(t, r.WriteJSON(&got))
		requireSameBytes(t, want.Bytes(), got.Bytes(), name)

		wantCompact, err := json.Marshal(r.toJSON())
		require.NoError(t, err)
		gotCompact, err := json.Marshal(r)
		require.NoError(t, err)
		requireSameBytes(t, wantCompact, gotCompact, name+", compact")
	}
}

// TestResultJSONChunks: a result larger than a chunk is written in
// pieces, the same bytes, and a writer's error is returned.
func TestResultJSONChunks(t *testing.T) {
	r := writerSampleResult(3000)
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(r.toJSON()))
	w := &countingWriter{}
	require.NoError(t, r.WriteJSON(w))
	requireSameBytes(t, want.Bytes(), w.Bytes(), "3,000 days")
	require.Greater(t, w.writes, 10)
	require.Error(t, r.WriteJSON(&failingWriter{after: 2}))
}

type countingWriter struct {
	bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(p)
}

// failingWriter fails every write after the first few.
type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after == 0 {
		return 0, errors.New("disk full")
	}
	w.after--
	return len(p), nil
}

// requireSameBytes fails at the first byte where got and want differ,
// showing the lines around it (a diff of megabytes would take minutes).
func requireSameBytes(t *testing.T, want, got []byte, name string) {
	t.Helper()
	if bytes.Equal(want, got) {
		return
	}
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	lo := max(0, i-200)
	t.Fatalf("%s: first difference at byte %d of %d (got %d bytes):\nwant …%s…\ngot  …%s…", name, i, len(want), len(got),
		want[lo:min(len(want), i+100)], got[lo:min(len(got), i+100)])
}
