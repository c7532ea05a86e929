package sensitive

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/candorpoll/candor/poll"
	"github.com/gocarina/gocsv"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"gonum.org/v1/gonum/mat"
)

// Num is a numeric CSV cell: a decimal number, or missing when the cell
// is empty or NA (R's missing-value marker, used throughout the
// sensitive-question data sets). Unlike gocsv's own float parsing it does
// not rewrite commas (gocsv turns "1,234" into 1.234), and a bad cell does
// not abort the whole file: UnmarshalCSV records the problem in the value,
// and the reader reports it as a *poll.ParseError for that row while
// keeping the good rows.
type Num struct {
	Value   float64 // NaN when missing or invalid
	Missing bool    // empty or NA
	err     error
}

// UnmarshalCSV parses s; it never returns an error (see [Num]).
func (n *Num) UnmarshalCSV(s string) error {
	t := strings.TrimSpace(s)
	*n = Num{Value: math.NaN()}
	if t == "" || t == "NA" {
		n.Missing = true
		return nil
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		n.err = fmt.Errorf("%w: not a number", ErrValue)
		return nil
	}
	n.Value = v
	return nil
}

// Flag is a logical CSV cell: TRUE/FALSE, T/F, true/false or 1/0, and
// missing when empty or NA (R writes logical vectors as TRUE/FALSE).
type Flag struct {
	Value   bool
	Missing bool
	err     error
}

// UnmarshalCSV parses s; it never returns an error (see [Num]).
func (f *Flag) UnmarshalCSV(s string) error {
	*f = Flag{}
	switch strings.TrimSpace(s) {
	case "", "NA":
		f.Missing = true
	case "TRUE", "T", "true", "1":
		f.Value = true
	case "FALSE", "F", "false", "0":
	default:
		f.err = fmt.Errorf("%w: not TRUE/FALSE or 1/0", ErrValue)
	}
	return nil
}

// Columns names the columns of a respondent file. The zero value reads a
// file with columns y and treat, as in the R package list's data sets.
type Columns struct {
	// Count is the list count column; "" means "y".
	Count string
	// Treat is the treatment indicator column; "" means "treat".
	Treat string
	// Direct is the optional direct-question column (0/1/NA); "" means
	// none.
	Direct string
	// Weight is the optional survey-weight column; "" means none.
	Weight string
	// Covariates are optional numeric covariate columns, read into
	// Respondents.X in this order.
	Covariates []string
	// Factors are optional categorical columns, expanded after the
	// numeric covariates into 0/1 dummies with the first level (in byte
	// order, as R sorts ASCII labels) left out as the baseline: R's
	// treatment contrasts. Empty and NA cells are missing.
	Factors []string
}

// Respondents holds respondent-level data read from CSV. Missing cells are
// NaN (counts, direct answers, weights, covariates) or recorded in
// TreatMissing; [Respondents.Complete] keeps the complete cases.
type Respondents struct {
	Y            []float64
	Treat        []bool
	TreatMissing []bool
	Direct       []float64 // nil without a direct column
	Weight       []float64 // nil without a weight column
	X            *mat.Dense
	Covariates   []string // names of the columns of X; dummies are "column:level"
	Line         []int    // line of each row in the input
}

// Len returns the number of respondents.
func (r *Respondents) Len() int { return len(r.Y) }

// row mirrors the canonical columns for gocsv. The reader renames the
// user's columns to these tags, so the struct stays fixed whatever the
// file calls them.
type row struct {
	Y      Num  `csv:"y"`
	Treat  Flag `csv:"treat"`
	Direct Num  `csv:"direct"`
	Weight Num  `csv:"weight"`
}

// replay serves pre-read records to gocsv (it satisfies gocsv.CSVReader),
// so that the header can be renamed and line numbers are known.
type replay struct {
	recs [][]string
	i    int
}

func (r *replay) Read() ([]string, error) {
	if r.i >= len(r.recs) {
		return nil, io.EOF
	}
	r.i++
	return r.recs[r.i-1], nil
}

func (r *replay) ReadAll() ([][]string, error) {
	out := r.recs[r.i:]
	r.i = len(r.recs)
	return out, nil
}

// ReadRespondents reads respondent rows from CSV (comma-separated, UTF-8
// with or without BOM, one header line). It returns every row it could
// read and, joined with errors.Join, one *poll.ParseError (line, column,
// value, reason) per rejected row: a cell that is not a number or not
// TRUE/FALSE/1/0, a ragged row. Missing cells (empty or NA) are not
// errors; they become NaN (or TreatMissing), and [Respondents.Complete]
// drops them explicitly. A missing required column is an error wrapping
// [poll.ErrMissingColumn]; an input without data rows wraps [ErrEmpty].
//
// The CSV is decoded with a *csv.Reader built for this call and handed to
// gocsv.UnmarshalCSV; gocsv's global configuration is never touched, so
// ReadRespondents is safe for concurrent use.
func ReadRespondents(in io.Reader, cols Columns) (*Respondents, error) {
	if cols.Count == "" {
		cols.Count = "y"
	}
	if cols.Treat == "" {
		cols.Treat = "treat"
	}
	cr := csv.NewReader(transform.NewReader(in, unicode.BOMOverride(unicode.UTF8.NewDecoder())))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("sensitive: respondents: %w: no header", ErrEmpty)
	}
	if err != nil {
		return nil, &poll.ParseError{Line: 1, Err: fmt.Errorf("%w: %v", ErrValue, err)}
	}
	index := map[string]int{}
	for j, h := range header {
		index[strings.TrimSpace(h)] = j
	}
	canon := map[string]string{cols.Count: "y", cols.Treat: "treat"}
	need := []string{cols.Count, cols.Treat}
	if cols.Direct != "" {
		canon[cols.Direct] = "direct"
		need = append(need, cols.Direct)
	}
	if cols.Weight != "" {
		canon[cols.Weight] = "weight"
		need = append(need, cols.Weight)
	}
	need = append(need, cols.Covariates...)
	need = append(need, cols.Factors...)
	var missing []string
	for _, c := range need {
		if _, ok := index[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("sensitive: respondents: %w: %s", poll.ErrMissingColumn, strings.Join(missing, ", "))
	}
	renamed := make([]string, len(header))
	for j, h := range header {
		if c, ok := canon[strings.TrimSpace(h)]; ok && index[strings.TrimSpace(h)] == j {
			renamed[j] = c
		} else {
			// Other columns get names no tag can match.
			renamed[j] = "\x00" + strconv.Itoa(j)
		}
	}

	var errs []error
	recs := [][]string{renamed}
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var line int
		if err == nil {
			line, _ = cr.FieldPos(0)
		}
		if err != nil {
			// encoding/csv resumes at the next record after a syntax
			// error, so one bad line costs one row.
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			errs = append(errs, &poll.ParseError{Line: line, Err: fmt.Errorf("%w: %v", ErrValue, err)})
			continue
		}
		if len(rec) != len(header) {
			errs = append(errs, &poll.ParseError{Line: line, Err: fmt.Errorf("%w: %d fields, header has %d", poll.ErrFieldCount, len(rec), len(header))})
			continue
		}
		recs = append(recs, rec)
		lines = append(lines, line)
	}
	if len(lines) == 0 && len(errs) == 0 {
		return nil, fmt.Errorf("sensitive: respondents: %w: no data rows", ErrEmpty)
	}
	var rows []row
	if len(lines) > 0 {
		if err := gocsv.UnmarshalCSV(&replay{recs: recs}, &rows); err != nil {
			return nil, fmt.Errorf("sensitive: respondents: %w", err)
		}
	}
	out := &Respondents{Covariates: append([]string(nil), cols.Covariates...)}
	var xs []float64
	var factorRecs [][]string
	levelSet := map[string]map[string]bool{}
	for _, c := range cols.Factors {
		levelSet[c] = map[string]bool{}
	}
	cell := func(name string) int { return index[name] + 1 }
	for k, r := range rows {
		rec := recs[k+1]
		line := lines[k]
		bad := false
		report := func(col string, e error) {
			errs = append(errs, &poll.ParseError{Line: line, Column: cell(col), Value: rec[index[col]], Err: e})
			bad = true
		}
		if r.Y.err != nil {
			report(cols.Count, r.Y.err)
		}
		if r.Treat.err != nil {
			report(cols.Treat, r.Treat.err)
		}
		if cols.Direct != "" && r.Direct.err != nil {
			report(cols.Direct, r.Direct.err)
		}
		if cols.Direct != "" && !r.Direct.Missing && r.Direct.err == nil && r.Direct.Value != 0 && r.Direct.Value != 1 {
			report(cols.Direct, fmt.Errorf("%w: direct answer must be 0, 1 or NA", ErrValue))
		}
		if cols.Weight != "" && r.Weight.err == nil && !r.Weight.Missing && !(r.Weight.Value >= 0) {
			report(cols.Weight, fmt.Errorf("%w: negative weight", ErrValue))
		}
		if cols.Weight != "" && r.Weight.err != nil {
			report(cols.Weight, r.Weight.err)
		}
		for _, c := range cols.Factors {
			if v := strings.TrimSpace(rec[index[c]]); v != "" && v != "NA" {
				levelSet[c][v] = true
			}
		}
		cov := make([]float64, len(cols.Covariates))
		for j, c := range cols.Covariates {
			var n Num
			_ = n.UnmarshalCSV(rec[index[c]])
			if n.err != nil {
				report(c, n.err)
			}
			cov[j] = n.Value
		}
		if bad {
			continue
		}
		out.Y = append(out.Y, r.Y.Value)
		out.Treat = append(out.Treat, r.Treat.Value)
		out.TreatMissing = append(out.TreatMissing, r.Treat.Missing)
		if cols.Direct != "" {
			out.Direct = append(out.Direct, r.Direct.Value)
		}
		if cols.Weight != "" {
			out.Weight = append(out.Weight, r.Weight.Value)
		}
		xs = append(xs, cov...)
		factorRecs = append(factorRecs, rec)
		out.Line = append(out.Line, line)
	}
	// Dummy-code the factors with the levels seen in the rows kept.
	k := len(cols.Covariates)
	type dummy struct {
		col, level string
	}
	var dummies []dummy
	for _, c := range cols.Factors {
		levels := make([]string, 0, len(levelSet[c]))
		for l := range levelSet[c] {
			levels = append(levels, l)
		}
		slices.Sort(levels)
		for _, l := range levels[min(1, len(levels)):] {
			dummies = append(dummies, dummy{c, l})
			out.Covariates = append(out.Covariates, c+":"+l)
		}
	}
	width := k + len(dummies)
	if width > 0 && len(out.Y) > 0 {
		out.X = mat.NewDense(len(out.Y), width, nil)
		for i := range out.Y {
			for j := 0; j < k; j++ {
				out.X.Set(i, j, xs[i*k+j])
			}
			for j, d := range dummies {
				v := strings.TrimSpace(factorRecs[i][index[d.col]])
				switch {
				case v == "" || v == "NA":
					out.X.Set(i, k+j, math.NaN())
				case v == d.level:
					out.X.Set(i, k+j, 1)
				}
			}
		}
	}
	// Report in file order: syntax errors were found while reading, cell
	// errors afterwards.
	slices.SortStableFunc(errs, func(a, b error) int {
		return cmp.Compare(a.(*poll.ParseError).Line, b.(*poll.ParseError).Line)
	})
	return out, errors.Join(errs...)
}

// Complete returns the respondents with no missing count, treatment,
// weight or covariate (R's na.omit over the model's variables) and the
// input lines of the rows it left out (for hand-built data without Line,
// row i counts as line i + 2). Direct answers may stay missing:
// [Combined] uses the rows that have one.
func (r *Respondents) Complete() (*Respondents, []int) {
	out := &Respondents{Covariates: r.Covariates}
	if r.Direct != nil {
		out.Direct = []float64{}
	}
	if r.Weight != nil {
		out.Weight = []float64{}
	}
	var dropped []int
	var xs []float64
	k := 0
	if r.X != nil {
		_, k = r.X.Dims()
	}
	for i := range r.Y {
		ok := !math.IsNaN(r.Y[i]) && !(i < len(r.TreatMissing) && r.TreatMissing[i])
		if r.Weight != nil && (i >= len(r.Weight) || math.IsNaN(r.Weight[i])) {
			ok = false
		}
		for j := 0; j < k && ok; j++ {
			if math.IsNaN(r.X.At(i, j)) {
				ok = false
			}
		}
		line := i + 2 // header on line 1 when built by hand
		if i < len(r.Line) {
			line = r.Line[i]
		}
		if !ok {
			dropped = append(dropped, line)
			continue
		}
		out.Y = append(out.Y, r.Y[i])
		out.Treat = append(out.Treat, i < len(r.Treat) && r.Treat[i])
		out.TreatMissing = append(out.TreatMissing, false)
		if r.Direct != nil {
			d := math.NaN()
			if i < len(r.Direct) {
				d = r.Direct[i]
			}
			out.Direct = append(out.Direct, d)
		}
		if r.Weight != nil {
			out.Weight = append(out.Weight, r.Weight[i])
		}
		for j := 0; j < k; j++ {
			xs = append(xs, r.X.At(i, j))
		}
		out.Line = append(out.Line, line)
	}
	if k > 0 && len(out.Y) > 0 {
		out.X = mat.NewDense(len(out.Y), k, xs)
	}
	return out, dropped
}

// ListExperiment returns a [ListExperiment] over these respondents with J
// control items, their direct answers, weights and covariates (sharing
// the slices and the matrix; call [Respondents.Complete] first if any
// count, treatment or covariate is missing).
func (r *Respondents) ListExperiment(J int) *ListExperiment {
	le := &ListExperiment{Y: r.Y, Treat: r.Treat, J: J, Direct: r.Direct, Weight: r.Weight}
	if r.X != nil {
		le.X = r.X // only a non-nil *mat.Dense: a nil one in the interface would not compare equal to nil
	}
	return le
}
