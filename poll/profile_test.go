package poll

import (
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDesignEffectFromMargin reproduces the test values of methods.md §1.3
// (computed there with z = 1.96; the code uses z = 1.959964, so the values
// agree to the two decimals printed).
func TestDesignEffectFromMargin(t *testing.T) {
	for _, tc := range []struct {
		name   string
		margin float64
		n      int
		p      float64
		deff   float64
	}{
		{"Levada 3.4 at 50%", 3.4, 1600, 0.50, 1.93},
		{"Levada 2.9 at 25%", 2.9, 1600, 0.25, 1.87},
		{"Levada 2.0 at 10%", 2.0, 1600, 0.10, 1.85},
		{"Levada 1.5 at 5%", 1.5, 1600, 0.05, 1.97},
		{"FOM 3.6", 3.6, 1500, 0, 2.02},
		{"VTsIOM 2018+ 1.0", 1.0, 11200, 0.5, 1.17},
		{"VTsIOM 2017 1.9", 1.9, 4200, 0.5, 1.58},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := DesignEffectFromMargin(tc.margin, tc.n, tc.p, 0)
			require.NoError(t, err)
			assert.InDelta(t, tc.deff, d, 0.005)
		})
	}
	deff := func(m float64, n int, p, level float64) float64 {
		d, err := DesignEffectFromMargin(m, n, p, level)
		require.NoError(t, err)
		return d
	}
	// n_eff = z²p(1−p)/m²: Levada 3.4 at 50% → 831.
	assert.InDelta(t, 831, 1600/deff(3.4, 1600, 0.5, 0.95), 1)
	// A 90% statement implies a larger design effect than the same margin at 95%.
	assert.Greater(t, deff(3.4, 1600, 0.5, 0.90), deff(3.4, 1600, 0.5, 0.95))
	for _, bad := range [][4]float64{{0, 1600, 0.5, 0.95}, {-1, 1600, 0.5, 0.95}, {3, 0, 0.5, 0.95}, {3, 1600, 1, 0.95},
		{3, 1600, 0.5, 1}, {math.NaN(), 1600, 0.5, 0.95}, {math.Inf(1), 1600, 0.5, 0.95}, {3, 1600, math.NaN(), 0.95}} {
		d, err := DesignEffectFromMargin(bad[0], int(bad[1]), bad[2], bad[3])
		assert.True(t, math.IsNaN(d), "%v", bad)
		assert.ErrorIs(t, err, ErrMargin, "%v", bad)
	}
}

func TestBuiltinProfiles(t *testing.T) {
	for _, tc := range []struct {
		alias, name string
		deff        float64
		n           int
		mode        Mode
	}{
		{"Левада-Центр", "Levada", 1.905, 1600, FaceToFace},
		{"levada center", "Levada", 1.905, 1600, FaceToFace},
		{"ФОМ", "FOM", 2.02, 1500, FaceToFace},
		{"Фонд «Общественное мнение»", "FOM", 2.02, 1500, FaceToFace},
		{"ВЦИОМ", "VTsIOM", 1.17, 11200, Phone},
		{"Русское поле", "Russian Field", 1.5, 1600, Phone},
		{"Хроники", "Chronicles", 1.5, 1600, Phone},
		{"ЭкстримСкан", "ExtremeScan", 1.056, 1500, Phone}, // 2.6 points at n = 1500: 1500·0.026²/(1.96²·0.25)
	} {
		t.Run(tc.alias, func(t *testing.T) {
			p, ok := Lookup(tc.alias)
			require.True(t, ok)
			assert.Equal(t, tc.name, p.Name)
			assert.InDelta(t, tc.deff, p.DesignEffect, 0.01)
			assert.Equal(t, tc.n, p.SampleSize)
			assert.Equal(t, tc.mode, p.Mode)
			assert.Equal(t, tc.name, CanonicalName(tc.alias))
		})
	}
	_, ok := Lookup("Gallup")
	assert.False(t, ok)
	assert.Equal(t, "Gallup", CanonicalName(" Gallup "))
	names := []string{}
	for _, p := range DefaultProfiles().All() {
		names = append(names, p.Name)
	}
	assert.Subset(t, names, []string{"Chronicles", "ExtremeScan", "FOM", "Levada", "Russian Field", "VTsIOM"})
}

func TestProfileModeHistory(t *testing.T) {
	lev, _ := Lookup("Levada")
	assert.Equal(t, FaceToFace, lev.ModeAt(date(2020, 3, 31)))
	assert.Equal(t, Phone, lev.ModeAt(date(2020, 4, 1)))
	assert.Equal(t, Phone, lev.ModeAt(date(2020, 7, 31)))
	assert.Equal(t, FaceToFace, lev.ModeAt(date(2020, 8, 1)))
	assert.Equal(t, 1608, lev.At(date(2020, 5, 15)).SampleSize)

	vts, _ := Lookup("VTsIOM")
	assert.Equal(t, FaceToFace, vts.ModeAt(date(2016, 12, 31)))
	assert.Equal(t, Phone, vts.ModeAt(date(2017, 1, 1)))
	assert.Equal(t, 4200, vts.At(date(2017, 6, 1)).SampleSize)
	assert.Equal(t, 7000, vts.At(date(2018, 3, 1)).SampleSize)
	assert.Equal(t, 11200, vts.At(date(2018, 6, 18)).SampleSize)
	assert.InDelta(t, 1.58, vts.DesignEffectAt(date(2017, 6, 1)), 0.01)
	assert.Equal(t, 2.0, vts.DesignEffectAt(date(2010, 1, 1)))
}

func TestNewProfiles(t *testing.T) {
	ps, err := NewProfiles(Profile{Name: "Test Pollster A", Aliases: []string{"Тест А"}, SampleSize: 800, DesignEffect: 1.4, Mode: Online})
	require.NoError(t, err)
	p, ok := ps.Lookup("тест а")
	require.True(t, ok)
	assert.Equal(t, 800, p.SampleSize)
	assert.Equal(t, "Levada", ps.CanonicalName("Левада"), "built-ins are kept")
	_, ok = DefaultProfiles().Lookup("тест а")
	assert.False(t, ok, "the default set is not changed")
	_, ok = Lookup("тест а")
	assert.False(t, ok, "nor are the package-level helpers")

	// An extra profile with a built-in's name replaces it whole, aliases
	// included.
	ps, err = NewProfiles(Profile{Name: "Levada", Aliases: []string{"LC"}, SampleSize: 2000, DesignEffect: 2})
	require.NoError(t, err)
	assert.Equal(t, "Левада", ps.CanonicalName("Левада"), "the built-in's aliases are gone")
	assert.Equal(t, "Levada", ps.CanonicalName("lc"))
	assert.Equal(t, "Levada", DefaultProfiles().CanonicalName("Левада"))
	assert.Len(t, ps.All(), len(DefaultProfiles().All()))

	for _, tc := range []struct {
		name  string
		extra []Profile
		want  error
	}{
		{"alias of another pollster", []Profile{{Name: "Impostor", Aliases: []string{"Левада"}}}, ErrProfileConflict},
		{"alias shared by two extras", []Profile{{Name: "A", Aliases: []string{"x"}}, {Name: "B", Aliases: []string{"X"}}}, ErrProfileConflict},
		{"empty name", []Profile{{Name: "  "}}, ErrProfile},
		{"name given twice", []Profile{{Name: "A"}, {Name: "A"}}, ErrProfile},
		{"negative sample size", []Profile{{Name: "A", SampleSize: -1}}, ErrProfile},
		{"NaN design effect", []Profile{{Name: "A", DesignEffect: math.NaN()}}, ErrProfile},
		{"unknown mode", []Profile{{Name: "A", Mode: Mode(99)}}, ErrProfile},
		{"negative field days in a period", []Profile{{Name: "A", Periods: []Period{{FieldDays: -2}}}}, ErrProfile},
		{"reversed period", []Profile{{Name: "A", Periods: []Period{{From: date(2020, 2, 1), To: date(2020, 1, 1)}}}}, ErrProfile},
		{"invalid margin", []Profile{{Name: "A", Margins: []MarginStatement{{Margin: 3}}}}, ErrMargin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := NewProfiles(tc.extra...)
			assert.Nil(t, ps)
			assert.ErrorIs(t, err, tc.want)
		})
	}

	// Lookup and All return copies: changing them does not change the set.
	ps, err = NewProfiles(Profile{Name: "Test Pollster B", Aliases: []string{"TPB"}})
	require.NoError(t, err)
	p, _ = ps.Lookup("tpb")
	p.Aliases[0] = "changed"
	all := ps.All()
	all[0].Aliases = nil
	p2, _ := ps.Lookup("tpb")
	assert.Equal(t, "TPB", p2.Aliases[0])

	// No extras: the built-in set.
	ps, err = NewProfiles()
	require.NoError(t, err)
	assert.Equal(t, DefaultProfiles().All(), ps.All())
}

// A nil *Profiles is the built-in set in every method.
func TestNilProfiles(t *testing.T) {
	var ps *Profiles
	p := Poll{Pollster: "ВЦИОМ", End: date(2017, 6, 1), SampleSize: 4200}
	assert.Equal(t, DefaultProfiles().DesignEffect(&p), ps.DesignEffect(&p))
	assert.Equal(t, DefaultProfiles().SampleSize(&p), ps.SampleSize(&p))
	assert.Equal(t, "VTsIOM", ps.CanonicalName("ВЦИОМ"))
	_, ok := ps.Lookup("ФОМ")
	assert.True(t, ok)
	assert.Equal(t, DefaultProfiles().All(), ps.All())
	start, ok := ps.FieldworkStart("FOM", date(2022, 11, 27))
	assert.True(t, ok)
	assert.Equal(t, date(2022, 11, 25), start)
}

// TestProfilesIndependent is meant for go test -race: callers with their
// own sets, one of which redefines a built-in, read concurrently and never
// see each other's profiles; Poll's methods keep the built-in answers.
func TestProfilesIndependent(t *testing.T) {
	deff := DefaultProfiles().DesignEffect(&Poll{Pollster: "Levada", End: date(2020, 5, 1)})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ps, err := NewProfiles(Profile{Name: "Levada", DesignEffect: float64(2 + w)}, Profile{Name: fmt.Sprintf("Caller %d", w)})
			if !assert.NoError(t, err) {
				return
			}
			p := Poll{Pollster: "Levada", End: date(2020, 5, 1), SampleSize: 1600}
			for range 200 {
				assert.Equal(t, float64(2+w), ps.DesignEffect(&p))
				assert.Equal(t, deff, p.EffectiveDesignEffect())
				for v := range 4 {
					_, ok := ps.Lookup(fmt.Sprintf("Caller %d", v))
					assert.Equal(t, v == w, ok)
				}
			}
		}()
	}
	wg.Wait()
}

func TestProfileFieldDays(t *testing.T) {
	fom, ok := Lookup("ФОМ")
	require.True(t, ok)
	assert.Equal(t, 3, fom.At(date(2022, 11, 27)).FieldDays)
	vts, ok := Lookup("ВЦИОМ")
	require.True(t, ok)
	assert.Equal(t, 7, vts.At(date(2010, 1, 1)).FieldDays, "the profile's default fills a period that leaves it zero")
	assert.Equal(t, 7, vts.At(date(2025, 9, 28)).FieldDays)

	for _, tc := range []struct {
		pollster string
		end      time.Time
		start    time.Time
		ok       bool
	}{
		{"FOM", date(2022, 11, 27), date(2022, 11, 25), true}, // 25–27 Nov 2022, release-formats.md §4
		{"Public Opinion Foundation", date(2025, 10, 26), date(2025, 10, 24), true},
		{"VTsIOM", date(2025, 9, 28), date(2025, 9, 22), true}, // Sep 22–28, 2025
		{"Levada", date(2020, 8, 26), time.Time{}, false},
		{"nobody", date(2020, 8, 26), time.Time{}, false},
	} {
		start, ok := FieldworkStart(tc.pollster, tc.end)
		assert.Equal(t, tc.ok, ok, tc.pollster)
		assert.Equal(t, tc.start, start, tc.pollster)
	}
}
