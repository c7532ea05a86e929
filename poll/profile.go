package poll

import (
	"fmt"
	"math"
	"time"
)

// MarginStatement is a pollster's published statement of its maximum
// sampling error: "does not exceed Margin points at Proportion for a sample
// of SampleSize, with probability Level".
type MarginStatement struct {
	Margin     float64 // points
	Proportion float64 // reference proportion in (0, 1); 0.5 when the statement is unqualified
	SampleSize int     // nominal n the statement refers to
	Level      float64 // confidence level; 0.95 when zero
}

// DesignEffect returns the design effect the statement implies,
// DesignEffectFromMargin(m.Margin, m.SampleSize, m.Proportion, m.Level).
func (m MarginStatement) DesignEffect() (float64, error) {
	return DesignEffectFromMargin(m.Margin, m.SampleSize, m.Proportion, m.Level)
}

// DesignEffectFromMargin returns the design effect implied by a stated
// maximum error of margin points at confidence level for a sample of n and a
// reference proportion p (Kish 1965; methods.md §1.3):
//
//	deff = n·(margin/100)² / (z²·p(1 − p)),  z = Φ⁻¹((1 + level)/2)
//	n_eff = n/deff = z²·p(1 − p) / (margin/100)²
//
// p = 0 means 0.5 and level = 0 means 0.95. A non-positive or non-finite
// margin, n ≤ 0, or p or level outside (0, 1) is not a statement: the
// result is NaN with an error wrapping ErrMargin.
//
// Levada's "3.4 points at 50% for n = 1600" gives 1.93 (z = 1.96).
func DesignEffectFromMargin(margin float64, n int, p, level float64) (float64, error) {
	if p == 0 {
		p = 0.5
	}
	if level == 0 {
		level = 0.95
	}
	z := zQuantile(level)
	if !(margin > 0) || math.IsInf(margin, 1) || n <= 0 || !(p > 0 && p < 1) || math.IsNaN(z) {
		return math.NaN(), fmt.Errorf("%w: margin %v points at n = %d, p = %v, level %v", ErrMargin, margin, n, p, level)
	}
	m := margin / 100
	return float64(n) * m * m / (z * z * p * (1 - p)), nil
}

// Period describes a pollster's design over a span of time. From is
// inclusive and To exclusive; a zero From or To is open-ended.
type Period struct {
	From, To     time.Time
	Mode         Mode
	SampleSize   int     // typical realised n of one release
	DesignEffect float64 // 0: use the Profile's
	FieldDays    int     // fieldwork days of one release; 0: use the Profile's
	Note         string  // what changed and the source
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool {
	return (p.From.IsZero() || !t.Before(p.From)) && (p.To.IsZero() || t.Before(p.To))
}

// Profile is what is known about a pollster: the names it goes by, its
// usual sample size, the design effect implied by the margin of error it
// states, and its history of modes and designs.
type Profile struct {
	Name    string   // canonical name, e.g. "Levada"
	Aliases []string // other names, any language, matched case- and ё-insensitively
	Country string   // ISO 3166 alpha-2

	SampleSize   int     // default realised n of one release
	DesignEffect float64 // default design effect
	Mode         Mode    // default mode

	// FieldDays is the length, in days, of the fieldwork of one release
	// when a source dates the release by a single day, its last: FOM's
	// Friday–Sunday omnibus is 3, VTsIOM's weekly aggregate of daily
	// samples 7. Readers turn such a date into Start = End − (FieldDays − 1)
	// days (see Profiles.FieldworkStart). 0 means unknown: readers then fall back on
	// the spacing of the dates.
	FieldDays int

	Margins []MarginStatement // stated errors the design effect derives from
	Periods []Period          // design history; the first period containing a date wins
}

// At returns the design in force at t: the first Period containing t with
// the Profile's defaults filled in where the period leaves them zero.
func (p *Profile) At(t time.Time) Period {
	out := Period{Mode: p.Mode, SampleSize: p.SampleSize, DesignEffect: p.DesignEffect, FieldDays: p.FieldDays}
	for _, per := range p.Periods {
		if per.Contains(t) {
			out.From, out.To, out.Note = per.From, per.To, per.Note
			if per.Mode != ModeUnknown {
				out.Mode = per.Mode
			}
			if per.SampleSize > 0 {
				out.SampleSize = per.SampleSize
			}
			if per.DesignEffect > 0 {
				out.DesignEffect = per.DesignEffect
			}
			if per.FieldDays > 0 {
				out.FieldDays = per.FieldDays
			}
			break
		}
	}
	return out
}

// DesignEffectAt returns the design effect in force at t.
func (p *Profile) DesignEffectAt(t time.Time) float64 { return p.At(t).DesignEffect }

// ModeAt returns the interview mode in force at t.
func (p *Profile) ModeAt(t time.Time) Mode { return p.At(t).Mode }

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// meanDeff averages the design effects implied by a set of statements. The
// statements are the built-ins', all valid; an invalid one is a programming
// error.
func meanDeff(ms []MarginStatement) float64 {
	s := 0.0
	for _, m := range ms {
		d, err := m.DesignEffect()
		if err != nil {
			panic(err)
		}
		s += d
	}
	return s / float64(len(ms))
}

var levadaMargins = []MarginStatement{
	// «Статистическая погрешность при выборке 1600 человек (с вероятностью
	// 0,95) не превышает: 3,4% … 50%; 2,9% … 25%/75%; 2,0% … 10%/90%;
	// 1,5% … 5%/95%» (every monthly release; release-formats.md §2.5).
	{Margin: 3.4, Proportion: 0.50, SampleSize: 1600},
	{Margin: 2.9, Proportion: 0.25, SampleSize: 1600},
	{Margin: 2.0, Proportion: 0.10, SampleSize: 1600},
	{Margin: 1.5, Proportion: 0.05, SampleSize: 1600},
}

var (
	fomMargins       = []MarginStatement{{Margin: 3.6, Proportion: 0.5, SampleSize: 1500}}  // «Статистическая погрешность не превышает 3,6%»
	vtsiom2018       = []MarginStatement{{Margin: 1.0, Proportion: 0.5, SampleSize: 11200}} // «объемом 11,2 тысячи… не превышает 1%»
	vtsiom2017       = []MarginStatement{{Margin: 1.9, Proportion: 0.5, SampleSize: 4200}}  // 600 a day × 7, «не превышает … 1,9%»
	extremeScanStmt  = []MarginStatement{{Margin: 2.6, Proportion: 0.5, SampleSize: 1500}}  // "does not exceed ±2.6 pp"; n assumed
	defaultPhoneDeff = 1.5                                                                  // assumed for RDD phone projects that state no error
)

func builtinProfiles() []Profile {
	levadaDeff := meanDeff(levadaMargins)
	return []Profile{
		{
			Name: "Levada", Country: "RU",
			Aliases:    []string{"Levada Center", "Levada Centre", "Levada-Center", "Левада", "Левада-Центр", "Левада-центр", "АНО Левада-Центр", "Левада Центр"},
			SampleSize: 1600, DesignEffect: levadaDeff, Mode: FaceToFace,
			Margins: levadaMargins,
			Periods: []Period{{
				From: date(2020, 4, 1), To: date(2020, 8, 1), Mode: Phone, SampleSize: 1608,
				Note: "«В апреле-июле 2020 года вопросы задавались методом телефонных интервью (CATI)» (release of 2020-11-27)",
			}},
		},
		{
			Name: "VTsIOM", Country: "RU",
			Aliases:    []string{"VCIOM", "WCIOM", "VTsIOM", "Russian Public Opinion Research Center", "ВЦИОМ", "ВЦИОМ-Спутник"},
			SampleSize: 11200, DesignEffect: meanDeff(vtsiom2018), Mode: Phone,
			// «ВЦИОМ-Спутник» results are published as 7-day aggregates
			// of daily samples (release-formats.md §3: «для данных,
			// собранных в течение семи дней»); the saved series date each
			// week by its last day.
			FieldDays: 7,
			Margins:   vtsiom2018,
			Periods: []Period{
				{To: date(2017, 1, 1), Mode: FaceToFace, SampleSize: 1600, DesignEffect: 2.0,
					Note: "«ВЦИОМ-Экспресс», face-to-face; sample and design effect assumed like other Russian face-to-face omnibuses (not confirmed from a primary source); the fieldwork days of these weeks are not known, so the reporting week (FieldDays 7) stands for them"},
				{From: date(2017, 1, 1), To: date(2018, 1, 1), Mode: Phone, SampleSize: 4200, DesignEffect: meanDeff(vtsiom2017),
					Note: "«ВЦИОМ-Спутник» daily CATI, 600 a day, weekly error ≤ 1.9%"},
				{From: date(2018, 1, 1), To: date(2018, 6, 18), Mode: Phone, SampleSize: 7000, DesignEffect: meanDeff(vtsiom2018),
					Note: "1,000 interviews a day"},
				{From: date(2018, 6, 18), Mode: Phone, SampleSize: 11200,
					Note: "1,600 interviews a day since 18 June 2018; weekly error ≤ 1%"},
			},
		},
		{
			Name: "FOM", Country: "RU",
			Aliases:    []string{"Public Opinion Foundation", "ФОМ", "Фонд Общественное Мнение", "Фонд «Общественное мнение»", "ФОМнибус"},
			SampleSize: 1500, DesignEffect: meanDeff(fomMargins), Mode: FaceToFace,
			// The weekly omnibus «ФОМнибус» is fielded Friday to Sunday,
			// e.g. 25–27 November 2022 and 24–26 October 2025
			// (release-formats.md §4); a single date is its Sunday.
			FieldDays: 3,
			Margins:   fomMargins,
		},
		{
			Name: "Russian Field", Country: "RU",
			Aliases:    []string{"RussianField", "Russian Field", "Русское поле"},
			SampleSize: 1600, DesignEffect: defaultPhoneDeff, Mode: Phone,
		},
		{
			Name: "Chronicles", Country: "RU",
			Aliases:    []string{"Chronicles", "Хроники", "Хроники.Report"},
			SampleSize: 1600, DesignEffect: defaultPhoneDeff, Mode: Phone,
		},
		{
			Name: "ExtremeScan", Country: "RU",
			Aliases:    []string{"Extreme Scan", "ЭкстримСкан", "Экстрим Скан"},
			SampleSize: 1500, DesignEffect: meanDeff(extremeScanStmt), Mode: Phone,
			Margins: extremeScanStmt,
		},
	}
}
