package forensics

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// The real files are read once per test binary and never modified: every
// method of Election reads it only.
var (
	load2024Once, load2018Once sync.Once
	election2024, election2018 *Election
	err2024, err2018           error
)

func electionsPath(name string) string {
	return filepath.Join("..", "..", "testdata", "elections", name)
}

// load2024 returns the 2024 stations with the e-voting totals attached.
func load2024(t testing.TB) *Election {
	t.Helper()
	load2024Once.Do(func() {
		election2024, err2024 = ReadFile(electionsPath("2024.csv.zip"))
		if err2024 != nil {
			return
		}
		var ev *Election
		if ev, err2024 = ReadFile(electionsPath("2024-electronic-voting.csv")); err2024 == nil {
			err2024 = election2024.AttachRemote(ev)
		}
	})
	require.NoError(t, err2024)
	return election2024
}

func load2018(t testing.TB) *Election {
	t.Helper()
	load2018Once.Do(func() { election2018, err2018 = ReadFile(electionsPath("2018.csv.zip")) })
	require.NoError(t, err2018)
	return election2018
}

// header2024 is the header of the 2024 station file, verbatim.
const header2024 = `region,tik,uik,"Число избирателей, включенных в список избирателей","Число избирательных бюллетеней, полученных участковой избирательной комиссией","Число избирательных бюллетеней, выданных избирателям, проголосовавшим досрочно","Число избирательных бюллетеней, выданных в помещении для голосования в день голосования","Число избирательных бюллетеней, выданных вне помещения для голосования в день голосования",Число погашенных избирательных бюллетеней,Число избирательных бюллетеней в переносных ящиках для голосования,Число бюллетеней в стационарных ящиках для голосования,Число недействительных избирательных бюллетеней,Число действительных избирательных бюллетеней,Число утраченных избирательных бюллетеней,"Число избирательных бюллетеней, не учтенных при получении",Даванков Владислав Андреевич,Путин Владимир Владимирович,Слуцкий Леонид Эдуардович,Харитонов Николай Михайлович`

// table joins a header and rows into a CSV file.
func table(header string, rows ...string) string {
	return strings.Join(append([]string{header}, rows...), "\n") + "\n"
}

// firstRows2024 are the first three data rows of the 2024 file, verbatim.
var firstRows2024 = []string{
	`Алтайский край,Алейская,УИК №554,526,550,0,199,187,164,187,199,1,385,0,0,7,339,16,23`,
	`Алтайский край,Алейская,УИК №555,155,150,0,85,47,18,47,85,4,128,0,0,2,109,6,11`,
	`Алтайский край,Алейская,УИК №556,381,400,0,185,140,75,140,185,5,320,0,0,7,288,3,22`,
}
