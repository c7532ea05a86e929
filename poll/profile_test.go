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
			assert.InDelta(t, tc.deff, DesignEffectFromMargin(tc.margin, tc.n, tc.p, 0), 0.005)
		})
	}
	// n_eff = z²p(1−p)/m²: Levada 3.4 at 50% → 831.
	assert.InDelta(t, 831, 1600/DesignEffectFromMargin(3.4, 1600, 0.5, 0.95), 1)
	// A 90% statement implies a larger design effect than the same margin at 95%.
	assert.Greater(t, DesignEffectFromMargin(3.4, 1600, 0.5, 0.90), DesignEffectFromMargin(3.4, 1600, 0.5, 0.95))
	for _, bad := range [][4]float64{{0, 1600, 0.5, 0.95}, {-1, 1600, 0.5, 0.95}, {3, 0, 0.5, 0.95}, {3, 1600, 1, 0.95}, {3, 1600, 0.5, 1}, {math.NaN(), 1600, 0.5, 0.95}} {
		assert.True(t, math.IsNaN(DesignEffectFromMargin(bad[0], int(bad[1]), bad[2], bad[3])), "%v", bad)
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
	for _, p := range Profiles() {
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

func TestRegister(t *testing.T) {
	err := Register(Profile{Name: "Test Pollster A", Aliases: []string{"Тест А"}, SampleSize: 800, DesignEffect: 1.4, Mode: Online})
	require.NoError(t, err)
	p, ok := Lookup("тест а")
	require.True(t, ok)
	assert.Equal(t, 800, p.SampleSize)

	// Replacing by name drops the old aliases.
	require.NoError(t, Register(Profile{Name: "Test Pollster A", Aliases: []string{"TPA"}, SampleSize: 900}))
	_, ok = Lookup("Тест А")
	assert.False(t, ok)
	p, _ = Lookup("tpa")
	assert.Equal(t, 900, p.SampleSize)

	err = Register(Profile{Name: "Impostor", Aliases: []string{"Левада"}})
	require.ErrorIs(t, err, ErrProfileConflict)
	err = Register(Profile{Name: "  "})
	require.ErrorIs(t, err, ErrUnknownValue)

	// Lookup returns a copy: changing it does not change the registry.
	p.Aliases[0] = "changed"
	p2, _ := Lookup("tpa")
	assert.Equal(t, "TPA", p2.Aliases[0])
}

// TestRegisterConcurrent is meant for go test -race: readers look profiles
// up (also through Poll methods) while writers register.
func TestRegisterConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range 50 {
				name := fmt.Sprintf("Concurrent %d-%d", w, i)
				assert.NoError(t, Register(Profile{Name: name, Aliases: []string{name + " alias"}, SampleSize: 1000 + i}))
			}
		}()
		go func() {
			defer wg.Done()
			p := Poll{Pollster: "Levada", End: date(2020, 5, 1), SampleSize: 1600}
			for range 200 {
				_, _ = Lookup("ВЦИОМ")
				_ = p.StandardError(50)
				_ = Profiles()
			}
		}()
	}
	wg.Wait()
	p, ok := Lookup("concurrent 3-49 alias")
	require.True(t, ok)
	assert.Equal(t, 1049, p.SampleSize)
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
