package forensics

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRead2024(t *testing.T) {
	e := load2024(t)
	assert.Equal(t, "2024.csv", e.Source)
	assert.Equal(t, "2024-electronic-voting.csv", e.RemoteSource)
	assert.Equal(t, []string{"Даванков Владислав Андреевич", "Путин Владимир Владимирович", "Слуцкий Леонид Эдуардович", "Харитонов Николай Михайлович"}, e.Candidates)
	// 94,214 stations listed (the compilers' README), 2,268 of them in the
	// four annexed regions without results.
	assert.Equal(t, 94214, len(e.Stations)+len(e.Unreported))
	assert.Equal(t, 91946, len(e.Stations))
	require.Len(t, e.Unreported, 2268)
	annexed := map[string]bool{}
	for _, u := range e.Unreported {
		annexed[u.Region] = true
	}
	assert.Equal(t, map[string]bool{"Донецкая Народная Республика": true, "Запорожская область": true,
		"Луганская Народная Республика": true, "Херсонская область": true}, annexed)
	assert.Equal(t, Unreported{Region: "Донецкая Народная Республика", Territorial: "ТИК №1", Name: "УИК №910", Line: e.Unreported[0].Line}, e.Unreported[0])

	// The first row, and the 7 stations that collected no ballot and show no
	// registered voter (91,946 − 7 = the README's 91,939 with data).
	s := e.Stations[0]
	assert.Equal(t, Station{Region: "Алтайский край", Territorial: "Алейская", Name: "УИК №554", Line: 2,
		Protocol: Protocol{Registered: 526, Received: 550, Early: 0, Inside: 199, Outside: 187, Cancelled: 164,
			Mobile: 187, Stationary: 199, Invalid: 1, Valid: 385, Lost: 0, Unaccounted: 0},
		Votes: []int{7, 339, 16, 23}}, s)
	zero := 0
	for _, s := range e.Stations {
		if s.Registered == 0 {
			zero++
		}
	}
	assert.Equal(t, 7, zero)

	require.Len(t, e.Remote, 29)
	reg := 0
	for _, r := range e.Remote {
		reg += r.Registered
	}
	assert.Equal(t, 8434406, reg) // the compilers' README
	assert.Equal(t, RegionTotal{Region: "город Москва", Line: 29,
		Protocol: Protocol{Registered: 3666413, Received: 3666413, Inside: 3666413, Stationary: 3642924, Invalid: 5, Valid: 3642919},
		Votes:    []int{161924, 3245860, 115260, 119875}}, e.Remote[27])
}

func TestRead2018(t *testing.T) {
	e := load2018(t)
	assert.Equal(t, 97699, len(e.Stations))
	assert.Empty(t, e.Unreported)
	// Eight candidates; the trailing url column is not one.
	assert.Len(t, e.Candidates, 8)
	assert.Equal(t, "Явлинский Григорий Алексеевич", e.Candidates[7])
	assert.Equal(t, 11411, e.Stations[11409].Line) // the station with 7 voters and no ballot
	assert.Equal(t, Protocol{Registered: 7, Received: 7, Cancelled: 7}, e.Stations[11409].Protocol)
}

// rejected describes one expected *ParseError.
type rejected struct {
	line, column int
	err          error
}

func TestReadMalformed(t *testing.T) {
	good := firstRows2024[0]
	cases := []struct {
		name     string
		input    string
		stations int
		unrep    int
		want     []rejected
	}{
		{"clean", table(header2024, firstRows2024...), 3, 0, nil},
		{"short row", table(header2024, good, `Алтайский край,Алейская,УИК №9,526,550`), 1, 0, []rejected{{3, 0, ErrFieldCount}}},
		{"long row", table(header2024, good+",1"), 0, 0, []rejected{{2, 0, ErrFieldCount}}},
		{"one count missing", table(header2024, `Алтайский край,Алейская,УИК №9,526,550,0,199,187,164,187,199,1,,0,0,7,339,16,23`, good), 1, 0, []rejected{{2, 13, ErrMissing}}},
		{"letter for a digit", table(header2024, good, `Алтайский край,Алейская,УИК №9,526,550,0,199,187,164,187,199,1,385,0,0,7,3З9,16,23`), 1, 0, []rejected{{3, 17, ErrNumber}}},
		{"decimal", table(header2024, `Алтайский край,Алейская,УИК №9,526.0,550,0,199,187,164,187,199,1,385,0,0,7,339,16,23`), 0, 0, []rejected{{2, 4, ErrNumber}}},
		{"negative", table(header2024, `Алтайский край,Алейская,УИК №9,526,550,0,199,187,164,187,199,1,385,0,0,-7,339,16,23`), 0, 0, []rejected{{2, 16, ErrNegative}}},
		{"empty station name", table(header2024, `Алтайский край,Алейская, ,526,550,0,199,187,164,187,199,1,385,0,0,7,339,16,23`), 0, 0, []rejected{{2, 3, ErrMissing}}},
		{"empty region", table(header2024, `,Алейская,УИК №9,526,550,0,199,187,164,187,199,1,385,0,0,7,339,16,23`), 0, 0, []rejected{{2, 1, ErrMissing}}},
		{"not UTF-8", table(header2024, "\xff\xfe,Алейская,УИК №9,526,550,0,199,187,164,187,199,1,385,0,0,7,339,16,23"), 0, 0, []rejected{{2, 1, ErrEncoding}}},
		{"duplicate station", table(header2024, good, firstRows2024[1], good), 2, 0, []rejected{{4, 0, ErrDuplicate}}},
		{"duplicate after another commission's rows", table(header2024, good,
			`Алтайский край,Бийская,УИК №1,526,550,0,199,187,164,187,199,1,385,0,0,7,339,16,23`,
			`Алтайский край,Бийская,УИК №2,526,550,0,199,187,164,187,199,1,385,0,0,7,339,16,23`,
			`Алтайский край ,Алейская,УИК №554,1,1,0,1,0,0,0,1,0,1,0,0,0,1,0,0`), 3, 0, []rejected{{5, 0, ErrDuplicate}}},
		{"a station's name in another commission or region", table(header2024, good,
			`Алтайский край,Бийская,УИК №554,526,550,0,199,187,164,187,199,1,385,0,0,7,339,16,23`,
			`Тверская область,Алейская,УИК №554,526,550,0,199,187,164,187,199,1,385,0,0,7,339,16,23`), 3, 0, nil},
		{"a station without results, repeated", table(header2024, `Херсонская область,ТИК №1,УИК №1,,,,,,,,,,,,,,,,`, good,
			`Херсонская область,ТИК №1,УИК №1,,,,,,,,,,,,,,,,`), 1, 1, []rejected{{4, 0, ErrDuplicate}}},
		{"stray quote", table(header2024, good, `Алтайский край,Але"йская,УИК №9,526,550,0,199,187,164,187,199,1,385,0,0,7,339,16,23`, firstRows2024[2]), 2, 0, []rejected{{3, 0, ErrSyntax}}},
		{"no results", table(header2024, good, `Херсонская область,ТИК №1,УИК №1,,,,,,,,,,,,,,,,`), 1, 1, nil},
		{"blank lines and spaces", table(header2024, "", good, " , ,,,,,,,,,,,,,,,,,", `Алтайский край , Алейская , УИК №555 , 155 ,150,0,85,47,18,47,85,4,128,0,0,2,109,6,11`), 2, 0, nil},
		{"quoted names with commas", table(header2024, `"Нижегородская область","Нижний Новгород, Канавинская","УИК №1",10,10,0,5,0,5,0,5,0,5,0,0,1,3,1,0`), 1, 0, nil},
		{"several bad rows, good kept", table(header2024, `a,b,c,1`, good, `a,b,c,x,550,0,199,187,164,187,199,1,385,0,0,7,339,16,23`, firstRows2024[1]), 2, 0,
			[]rejected{{2, 0, ErrFieldCount}, {4, 4, ErrNumber}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Read(strings.NewReader(c.input), WithSource("t.csv"))
			require.NotNil(t, e)
			assert.Len(t, e.Stations, c.stations)
			assert.Len(t, e.Unreported, c.unrep)
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			var re *RowErrors
			require.ErrorAs(t, err, &re)
			require.Len(t, re.Errors, len(c.want), "%v", err)
			for i, w := range c.want {
				pe := re.Errors[i]
				assert.Equal(t, "t.csv", pe.Source)
				assert.Equal(t, w.line, pe.Line, "line of %v", pe)
				assert.Equal(t, w.column, pe.Column, "column of %v", pe)
				assert.ErrorIs(t, pe, w.err)
				assert.ErrorIs(t, err, w.err)
			}
		})
	}
}

func TestReadNamesTrimmed(t *testing.T) {
	e, err := Read(strings.NewReader(table(header2024, ` Алтайский край ,Алейская,  УИК №554 ,526,550,0,199,187,164,187,199,1,385,0,0,7,339,16,23`)))
	require.NoError(t, err)
	assert.Equal(t, "Алтайский край", e.Stations[0].Region)
	assert.Equal(t, "УИК №554", e.Stations[0].Name)
	assert.Equal(t, "input", e.Source)
}

func TestReadSeparatorsAndBOM(t *testing.T) {
	semi := strings.ReplaceAll(table(header2024, firstRows2024...), ",", ";")
	semi = strings.ReplaceAll(semi, `"Число избирателей; включенных`, `"Число избирателей, включенных`)
	for name, in := range map[string]string{
		"BOM":             "\ufeff" + table(header2024, firstRows2024...),
		"semicolons":      semi,
		"tabs, CRLF":      strings.ReplaceAll(strings.ReplaceAll(tabify(header2024, firstRows2024), "\n", "\r\n"), `"`, ""),
		"ё in the header": strings.Replace(table(header2024, firstRows2024...), "не учтенных", "не учтённых", 1),
	} {
		t.Run(name, func(t *testing.T) {
			e, err := Read(strings.NewReader(in))
			require.NoError(t, err)
			require.Len(t, e.Stations, 3)
			assert.Equal(t, []int{2, 109, 6, 11}, e.Stations[1].Votes)
			assert.Equal(t, 155, e.Stations[1].Registered)
		})
	}
}

// tabify writes the header and rows tab-separated: the header's quoted
// cells, which hold commas, stay whole.
func tabify(header string, rows []string) string {
	var cells []string
	quoted := false
	start := 0
	for i, c := range header {
		switch {
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			cells = append(cells, header[start:i])
			start = i + 1
		}
	}
	cells = append(cells, header[start:])
	out := strings.Join(cells, "\t") + "\n"
	for _, r := range rows {
		out += strings.ReplaceAll(r, ",", "\t") + "\n"
	}
	return out
}

func TestReadHeaderErrors(t *testing.T) {
	noRegion := strings.Replace(header2024, "region,", "oblast,", 1)
	noUIK := strings.Replace(header2024, "uik,", "station,", 1)
	noLine := strings.Replace(header2024, "Число погашенных избирательных бюллетеней,", "", 1)
	twice := strings.Replace(header2024, "Число погашенных избирательных бюллетеней", "Число погашенных бюллетеней", 1) + ",Погашенных"
	noCands := header2024[:strings.Index(header2024, ",Даванков")]
	cases := []struct {
		name  string
		input string
		err   error
		msg   string
	}{
		{"empty", "", ErrEmpty, "t.csv:1: forensics: empty input"},
		{"blank lines only", "\n , \n", ErrEmpty, ""},
		{"no region", table(noRegion), ErrLayout, "no region column"},
		{"tik without uik", table(noUIK), ErrLayout, "needs both tik and uik"},
		{"protocol line missing", table(noLine), ErrMissingColumn, "protocol line 6 (погашенных)"},
		{"protocol line twice", table(twice), ErrLayout, "protocol line 6 also in column 9"},
		{"no candidate", table(noCands), ErrMissingColumn, "no candidate columns"},
		{"header not UTF-8", "region,\xff", ErrEncoding, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Read(strings.NewReader(c.input), WithSource("t.csv"))
			assert.Nil(t, e)
			require.ErrorIs(t, err, c.err)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Contains(t, err.Error(), c.msg)
		})
	}
}

func TestReadMaxErrors(t *testing.T) {
	rows := []string{firstRows2024[0]}
	for range 5 {
		rows = append(rows, "a,b")
	}
	e, err := Read(strings.NewReader(table(header2024, rows...)), WithMaxErrors(2))
	require.Len(t, e.Stations, 1)
	var re *RowErrors
	require.ErrorAs(t, err, &re)
	assert.Len(t, re.Errors, 2)
	assert.Equal(t, 3, re.Omitted)
	assert.ErrorIs(t, err, ErrOmitted)
	assert.ErrorIs(t, err, ErrFieldCount)
	assert.Contains(t, err.Error(), "5 rows rejected")
}

func TestParseErrorText(t *testing.T) {
	assert.Equal(t, `2024.csv:12:5: "3З9": forensics: invalid number`, (&ParseError{Source: "2024.csv", Line: 12, Column: 5, Value: "3З9", Err: ErrNumber}).Error())
	assert.Equal(t, `3: forensics: wrong number of fields`, (&ParseError{Line: 3, Err: ErrFieldCount}).Error())
	one := &RowErrors{Errors: []*ParseError{{Line: 3, Err: ErrFieldCount}}}
	assert.Equal(t, `3: forensics: wrong number of fields`, one.Error())
}

// zipOf returns a zip archive holding the named files.
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range files {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = w.Write([]byte(body))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return b.Bytes()
}

func TestReadZip(t *testing.T) {
	one := zipOf(t, map[string]string{"x/2024.csv": table(header2024, firstRows2024...), "x/README": "notes"})
	e, err := ReadZip(bytes.NewReader(one), int64(len(one)))
	require.NoError(t, err)
	assert.Equal(t, "x/2024.csv", e.Source)
	assert.Len(t, e.Stations, 3)

	two := zipOf(t, map[string]string{"a.csv": "", "b.txt": ""})
	_, err = ReadZip(bytes.NewReader(two), int64(len(two)))
	assert.ErrorIs(t, err, ErrLayout)
	assert.Contains(t, err.Error(), "2 tables")

	_, err = ReadZip(strings.NewReader("not a zip"), 9)
	assert.ErrorIs(t, err, ErrLayout)

	_, err = ReadFile(electionsPath("no-such-file.csv"))
	assert.Error(t, err)
}

func TestAttachRemote(t *testing.T) {
	e, err := Read(strings.NewReader(table(header2024, firstRows2024...)))
	require.NoError(t, err)
	remoteHeader := strings.Replace(header2024, "region,tik,uik,", "region,", 1)
	ok, err := Read(strings.NewReader(table(remoteHeader, `Алтайский край,276808,261498,0,261498,0,0,0,260160,0,260160,0,0,14387,227085,11039,7649`)), WithSource("ev.csv"))
	require.NoError(t, err)
	require.NoError(t, e.AttachRemote(ok))
	assert.Equal(t, "ev.csv", e.RemoteSource)
	require.Len(t, e.Remote, 1)
	assert.Equal(t, 227085, e.Remote[0].Votes[1])

	// A region-level table repeats no region either.
	twice, err := Read(strings.NewReader(table(remoteHeader,
		`Алтайский край,276808,261498,0,261498,0,0,0,260160,0,260160,0,0,14387,227085,11039,7649`,
		`Тверская область,1,1,0,1,0,0,0,1,0,1,0,0,0,1,0,0`,
		`Алтайский край,1,1,0,1,0,0,0,1,0,1,0,0,0,1,0,0`)))
	var re *RowErrors
	require.ErrorAs(t, err, &re)
	require.Len(t, re.Errors, 1)
	assert.ErrorIs(t, re.Errors[0], ErrDuplicate)
	assert.Equal(t, 4, re.Errors[0].Line)
	assert.Len(t, twice.Remote, 2)

	swapped := strings.Replace(remoteHeader, "Даванков Владислав Андреевич,Путин Владимир Владимирович", "Путин Владимир Владимирович,Даванков Владислав Андреевич", 1)
	other, err := Read(strings.NewReader(table(swapped, `Алтайский край,1,1,0,1,0,0,0,1,0,1,0,0,0,1,0,0`)))
	require.NoError(t, err)
	assert.ErrorIs(t, e.AttachRemote(other), ErrCandidates)
	assert.ErrorIs(t, e.AttachRemote(e), ErrLayout)
	assert.ErrorIs(t, e.AttachRemote(nil), ErrLayout)
}

func TestCandidate(t *testing.T) {
	e := &Election{Candidates: []string{"Даванков Владислав Андреевич", "Путин Владимир Владимирович", "Слуцкий Леонид Эдуардович"},
		Stations: []Station{{Votes: []int{10, 80, 10}}}}
	for name, want := range map[string]int{"": 1, "Путин Владимир Владимирович": 1, "Путин": 1, "путин": 1, "СЛУЦКИЙ": 2, "даванков владислав": 0} {
		got, err := e.Candidate(name)
		require.NoError(t, err, name)
		assert.Equal(t, want, got, name)
	}
	for _, name := range []string{"ов", "Харитонов"} {
		_, err := e.Candidate(name)
		assert.ErrorIs(t, err, ErrCandidate, name)
	}
	_, err := (&Election{}).Candidate("")
	assert.True(t, errors.Is(err, ErrCandidate))
}

// TestSeenStations: a commission's map is made by its first row kept, not
// by a look-up (a file of rejected rows makes none), and a name is found
// in its own commission only, whichever commission was used last.
func TestSeenStations(t *testing.T) {
	s := seenStations{byCommission: map[[2]int32]map[string]int{}}
	_, ok := s.line(1, 2, "УИК №1")
	assert.False(t, ok)
	assert.Empty(t, s.byCommission, "a look-up makes no map")
	s.add(1, 2, "УИК №1", 10)
	s.add(1, 3, "УИК №1", 11)
	s.add(4, 2, "УИК №1", 12)
	for _, c := range []struct {
		region, tik int32
		want        int
	}{{1, 2, 10}, {1, 3, 11}, {4, 2, 12}, {1, 2, 10}} {
		l, ok := s.line(c.region, c.tik, "УИК №1")
		assert.True(t, ok)
		assert.Equal(t, c.want, l, "%d/%d", c.region, c.tik)
	}
	_, ok = s.line(4, 3, "УИК №1")
	assert.False(t, ok)
	assert.Len(t, s.byCommission, 3)
}
