package poll

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// samePolls reports the first difference between two poll slices, with
// floats compared bit for bit (so NaN equals NaN and 0 differs from -0).
func samePolls(want, got []Poll) error {
	if len(want) != len(got) {
		return fmt.Errorf("%d polls, want %d", len(got), len(want))
	}
	for i := range want {
		if path, ok := sameValue(reflect.ValueOf(want[i]), reflect.ValueOf(got[i]), "Poll"); !ok {
			return fmt.Errorf("poll %d (line %d): %s differs:\nwant %+v\ngot  %+v", i, want[i].Line, path, want[i], got[i])
		}
	}
	return nil
}

func sameValue(a, b reflect.Value, path string) (string, bool) {
	switch a.Kind() {
	case reflect.Float64:
		return path, math.Float64bits(a.Float()) == math.Float64bits(b.Float())
	case reflect.Struct:
		if t, ok := a.Interface().(time.Time); ok {
			return path, t.Equal(b.Interface().(time.Time)) && t.Location() == b.Interface().(time.Time).Location()
		}
		for i := 0; i < a.NumField(); i++ {
			if p, ok := sameValue(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); !ok {
				return p, false
			}
		}
		return path, true
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return path, a.IsNil() == b.IsNil()
		}
		return sameValue(a.Elem(), b.Elem(), path)
	case reflect.Array:
		for i := 0; i < a.Len(); i++ {
			if p, ok := sameValue(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return path, true
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return path, false
		}
		for i := 0; i < a.Len(); i++ {
			if p, ok := sameValue(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return path, true
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return path, false
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() {
				return path, false
			}
			if p, ok := sameValue(a.MapIndex(k), bv, fmt.Sprintf("%s[%v]", path, k)); !ok {
				return p, false
			}
		}
		return path, true
	}
	return path, a.Interface() == b.Interface()
}

func roundTrip(t *testing.T, polls []Poll) []Poll {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf, polls))
	got, err := ReadCSV(&buf)
	require.NoError(t, err)
	return got
}

func TestRoundTripRealFiles(t *testing.T) {
	for _, tc := range []struct {
		file string
		read func(f string) ([]Poll, error)
	}{
		{"russia/Levada.csv", nil},
		{"russia/Levada2.csv", nil},
		{"russia/putin-approval-fom.csv", nil},
		{"russia/putin-approval-levada-1999.csv", nil},
		{"russia/vciom-presidential-approval-2006.csv", nil},
		{"csv/canonical.csv", nil},
		{"csv/series-weekly.tsv", nil},
		{"538/approval_polllist.csv", nil},
		{"538/president_approval_polls_historical.csv", nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			read := ReadCSV
			if strings.HasPrefix(tc.file, "538/") {
				read = Read538
			}
			polls, _ := read(openTestdata(t, tc.file), WithPollster("Levada"), WithSource(tc.file))
			require.NotEmpty(t, polls)
			MarkDuplicates(polls)
			MarkForwardFilled(polls)
			require.NoError(t, samePolls(polls, roundTrip(t, polls)))
		})
	}
}

// randomPoll draws a valid poll with awkward content: quotes, separators and
// line breaks in strings, NaN shares, negative zero, extreme exponents,
// four-point detail and audit trails with NaN and infinite parameters.
func randomPoll(r *rand.Rand) Poll {
	words := []string{"", "Levada", "VTsIOM", "a,b", `say "hi"`, "line\nbreak", " padded ", "Одобряю|Не одобряю", "tab\there", "semi;colon", `\.`, "x"}
	str := func() string { return words[r.IntN(len(words))] }
	share := func() float64 {
		switch r.IntN(6) {
		case 0:
			return math.NaN()
		case 1:
			return math.Copysign(0, -1)
		case 2:
			return float64(r.IntN(26))
		case 3:
			return 1e-300 * r.Float64()
		}
		return 25 * r.Float64()
	}
	start := date(1990, 1, 1).AddDate(0, 0, r.IntN(15000))
	p := Poll{
		Pollster: []string{"Levada", "FOM", "VTsIOM", "Gallup", "Some, Pollster"}[r.IntN(5)],
		Question: str(), Subject: str(), Subgroup: str(),
		Start: start, End: start.AddDate(0, 0, r.IntN(10)),
		SampleSize: r.IntN(3) * r.IntN(20000),
		Population: Population(r.IntN(5)), Mode: Mode(r.IntN(5)),
		Approve: share(), Disapprove: share(), Undecided: share(), Refused: share(),
		ResponseRate: []float64{0, math.NaN(), r.Float64()}[r.IntN(3)],
		DesignEffect: []float64{0, 1 + r.Float64()}[r.IntN(2)],
		Weight:       []float64{0, r.ExpFloat64()}[r.IntN(2)],
		Grade:        str(), AdjustedApprove: share(), AdjustedDisapprove: share(),
		Flags: Flags(r.IntN(1 << len(flagNames))),
		ID:    str(), Labels: str(), Source: str(), Line: r.IntN(3) * r.IntN(100000),
	}
	if math.IsNaN(p.Approve) && math.IsNaN(p.Disapprove) {
		p.Approve = 50
	}
	if r.IntN(3) == 0 {
		p.Published = p.End.AddDate(0, 0, r.IntN(30))
	}
	if r.IntN(3) == 0 {
		p.Detail = &FourPoint{share(), 7, share(), share()}
	}
	for range r.IntN(3) {
		a := Adjustment{Name: str(), Approve: r.NormFloat64(), Disapprove: math.NaN(), Variance: math.Inf(1)}
		if r.IntN(2) == 0 {
			a.Calibration = str()
		}
		if r.IntN(2) == 0 {
			a.Jacobian = &Jacobian{{r.NormFloat64(), 0}, {math.NaN(), math.Inf(1)}}
		}
		if r.IntN(2) == 0 {
			a.Params = map[string]float64{"k": r.Float64(), "nan": math.NaN(), "": math.Inf(-1)}
		} else if r.IntN(2) == 0 {
			a.Params = map[string]float64{}
		}
		p.Adjustments = append(p.Adjustments, a)
	}
	return p
}

func TestRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	polls := make([]Poll, 2000)
	for i := range polls {
		polls[i] = randomPoll(r)
		require.NoError(t, polls[i].Validate(), "generator made an invalid poll %d", i)
	}
	require.NoError(t, samePolls(polls, roundTrip(t, polls)))
}

func TestWriteCSVDeterministic(t *testing.T) {
	polls := []Poll{randomPoll(rand.New(rand.NewPCG(3, 4)))}
	polls[0].Adjustments = []Adjustment{{Name: "a", Params: map[string]float64{"z": 1, "a": 2, "m": 3}}}
	var a, b bytes.Buffer
	require.NoError(t, WriteCSV(&a, polls))
	require.NoError(t, WriteCSV(&b, polls))
	assert.Equal(t, a.String(), b.String())
	assert.Contains(t, a.String(), `""params"":{""a"":""2"",""m"":""3"",""z"":""1""}`)
}

func TestWriteCSVRejectsControlCharacters(t *testing.T) {
	p := Poll{Pollster: "Levada", Start: date(2020, 1, 1), End: date(2020, 1, 2), Approve: 1, Labels: "a\x01b"}
	err := WriteCSV(&bytes.Buffer{}, []Poll{p})
	require.ErrorIs(t, err, ErrEncoding)
}

func TestWriteCSVEmpty(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf, nil))
	assert.Equal(t, strings.Join(CanonicalColumns(), ",")+"\n", buf.String())
	polls, err := ReadCSV(&buf)
	require.NoError(t, err)
	assert.Empty(t, polls)
}

func TestReadCSVCanonicalFixture(t *testing.T) {
	polls, err := ReadCSV(openTestdata(t, "csv/canonical.csv"))
	require.NoError(t, err)
	require.Equal(t, 5, len(polls))
	p := polls[0]
	assert.Equal(t, "Levada", p.Pollster)
	assert.Equal(t, date(2023, 10, 19), p.Start)
	assert.Equal(t, date(2023, 10, 25), p.End)
	assert.Equal(t, date(2023, 10, 31), p.Published)
	assert.Equal(t, 1600, p.SampleSize)
	assert.Equal(t, FaceToFace, p.Mode)
	assert.Equal(t, [3]float64{82, 15, 3}, [3]float64{p.Approve, p.Disapprove, p.Undecided})
	assert.True(t, math.IsNaN(p.Refused))
	assert.Nil(t, p.Detail)
	assert.Equal(t, "levada.ru, indicators", p.Source)
	assert.Equal(t, 14, p.Line, "the line column keeps the original source line")
	assert.Equal(t, "Одобряю|Не одобряю|Нет ответа", p.Labels)

	assert.Equal(t, Phone, polls[1].Mode)
	assert.Equal(t, DateApprox, polls[1].Flags)
	assert.Equal(t, UndecidedDerived|DateApprox, polls[2].Flags)
	assert.Equal(t, 2.0, polls[2].DesignEffect)

	fp := polls[3]
	require.NotNil(t, fp.Detail)
	assert.Equal(t, FourPoint{20, 44, 21, 12}, *fp.Detail)
	assert.Equal(t, 1.0, fp.Refused)
	assert.Equal(t, 0.27, fp.ResponseRate)
	require.Len(t, fp.Adjustments, 1)
	assert.Equal(t, Adjustment{Name: "falsification-gap", Params: map[string]float64{"gap": 0.05}, Approve: -4.1, Disapprove: 4.1,
		Jacobian: &Jacobian{{1.1, 0}, {-1.1, 1}}, Variance: 2.25, Calibration: "falsification-gap gap=0.05"}, fp.Adjustments[0])

	mc := polls[4]
	assert.Equal(t, "All polls", mc.Subgroup)
	assert.Equal(t, RegisteredVoters, mc.Population)
	assert.Equal(t, 46.0, mc.Approve)
	assert.Equal(t, 45.561366, mc.AdjustedApprove)
	assert.Equal(t, "B/C", mc.Grade)
	assert.Equal(t, 0.6800286, mc.Weight)
	assert.Equal(t, "49249/77261", mc.ID)
}

func TestReadCSVMinimalCanonical(t *testing.T) {
	polls, err := ReadCSV(openTestdata(t, "csv/canonical-minimal.csv"), WithQuestion("approval"), WithSource("min"))
	require.NoError(t, err)
	require.Equal(t, 3, len(polls))
	assert.Equal(t, []string{"Levada", "Levada", "VTsIOM"}, []string{polls[0].Pollster, polls[1].Pollster, polls[2].Pollster})
	assert.Equal(t, 1600, polls[0].SampleSize)
	assert.Equal(t, 0, polls[1].SampleSize)
	assert.Equal(t, 11200, polls[2].SampleSize)
	assert.Equal(t, 64.8, polls[2].Approve)
	assert.Equal(t, 25.4, polls[2].Disapprove)
	assert.True(t, math.IsNaN(polls[2].Undecided), "no undecided published: not derived in the canonical layout")
	assert.Equal(t, FaceToFace, polls[0].Mode, "no mode column: Levada profile")
	assert.Equal(t, Phone, polls[2].Mode, "no mode column: VTsIOM profile (phone since 2017)")
	assert.Equal(t, "approval", polls[0].Question)
	assert.Equal(t, "min", polls[0].Source)
	assert.Equal(t, 2, polls[0].Line)
}

func TestReadCSVOptions(t *testing.T) {
	in := "pollster,start,end,approve,disapprove\nLevada,2020-05-01,2020-05-31,59,34\n"
	polls, err := ReadCSV(strings.NewReader(in), WithMode(Online), WithSampleSize(1500), WithSubject("Putin"))
	require.NoError(t, err)
	require.Equal(t, 1, len(polls))
	assert.Equal(t, Online, polls[0].Mode)
	assert.Equal(t, 1500, polls[0].SampleSize)
	assert.Equal(t, "Putin", polls[0].Subject)

	polls, err = ReadCSV(strings.NewReader(in))
	require.NoError(t, err)
	assert.Equal(t, Phone, polls[0].Mode, "Levada's May 2020 was a telephone month")

	_, err = ReadCSV(strings.NewReader("start,end,approve,disapprove\n2020-05-01,2020-05-31,59,34\n"))
	require.ErrorIs(t, err, ErrMissingColumn)
	polls, err = ReadCSV(strings.NewReader("start,end,approve,disapprove\n2020-05-01,2020-05-31,59,34\n"), WithPollster("Левада-Центр"))
	require.NoError(t, err)
	assert.Equal(t, "Levada", polls[0].Pollster)

	polls, err = ReadCSV(strings.NewReader("start|end|approve|disapprove|pollster\n2020-05-01|2020-05-31|59|34|FOM\n"), WithComma('|'))
	require.NoError(t, err)
	assert.Equal(t, "FOM", polls[0].Pollster)
}

func TestReadCSVCanonicalCellErrors(t *testing.T) {
	hdr := "pollster,start,end,approve,disapprove,population,mode,flags,line,adjustments\n"
	for _, tc := range []struct {
		row string
		col int
		err error
	}{
		{"Levada,2020-05-01,2020-05-31,59,34,martians,,,,", 6, ErrUnknownValue},
		{"Levada,2020-05-01,2020-05-31,59,34,,carrier pigeon,,,", 7, ErrUnknownValue},
		{"Levada,2020-05-01,2020-05-31,59,34,,,bogus,,", 8, ErrUnknownValue},
		{"Levada,2020-05-01,2020-05-31,59,34,,,,x,", 9, ErrNumber},
		{"Levada,2020-05-01,2020-05-31,59,34,,,,,[{", 10, ErrUnknownValue},
		{`Levada,2020-05-01,2020-05-31,59,34,,,,,"[{""name"":""a"",""approve"":""x"",""disapprove"":""0"",""variance"":""0""}]"`, 10, ErrNumber},
		{",2020-05-01,2020-05-31,59,34,,,,,", 1, ErrMissing},
		{"Levada,,2020-05-31,59,34,,,,,", 2, ErrMissing},
		{"Levada,2020-05-01,2020-13-45,59,34,,,,,", 3, ErrDate},
		{"Levada,2020-05-01,2020-05-31,NaN,34,,,,,", 4, ErrNumber},
		{"Levada,2020-05-01,2020-05-31,-1,34,,,,,", 4, ErrShareRange},
		{"Levada,2020-05-01,2020-05-31,59,34,,,,,,extra", 11, ErrFieldCount},
	} {
		t.Run(tc.row, func(t *testing.T) {
			polls, err := ReadCSV(strings.NewReader(hdr + tc.row + "\nLevada,2020-06-01,2020-06-30,60,35,,,,,\n"))
			pes := ParseErrors(err)
			require.Len(t, pes, 1, "%v", err)
			assert.ErrorIs(t, pes[0], tc.err)
			assert.Equal(t, 2, pes[0].Line)
			assert.Equal(t, tc.col, pes[0].Column)
			require.Equal(t, 1, len(polls))
			assert.Equal(t, 60.0, polls[0].Approve)
		})
	}
	// A trailing empty cell is not an error.
	polls, err := ReadCSV(strings.NewReader(hdr + "Levada,2020-05-01,2020-05-31,59,34,,,,,,\n"))
	require.NoError(t, err)
	require.Equal(t, 1, len(polls))
}
