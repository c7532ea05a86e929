package poll_test

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/candorpoll/candor/poll"
)

// A series file with a missing "don't know" column: the remainder is
// derived and flagged; weekly end dates become seven-day windows.
func ExampleReadCSV() {
	in := `"Date","Approve","Disapprove","source"
2006-01-15,75.4,17.2,"VTsIOM"
2006-01-22,73.8,18.3,"VTsIOM"
2006-01-29,NA,NA,"VTsIOM"
`
	polls, err := poll.ReadCSV(strings.NewReader(in), poll.WithSource("vciom.csv"))
	for _, p := range polls {
		fmt.Println(p.String())
	}
	for _, pe := range poll.ParseErrors(err) {
		fmt.Println("rejected:", pe)
	}
	// Output:
	// VTsIOM 2006-01-09..2006-01-15 face-to-face approve 75.4 disapprove 17.2 undecided 7.4 [undecided-derived|date-approx]
	// VTsIOM 2006-01-16..2006-01-22 face-to-face approve 73.8 disapprove 18.3 undecided 7.9 [undecided-derived|date-approx]
	// rejected: vciom.csv:4:2: "NA": poll: required value missing: neither approve nor disapprove is published
}

// Read decides the layout from the content and says what it found: here a
// series file whose source column names VTsIOM, so VTsIOM's polls (never
// another reader's label for them), with the NA week reported.
func ExampleRead() {
	in := `"Date","Approve","Disapprove","source"
2006-01-15,75.4,17.2,"VTsIOM"
2006-01-22,73.8,18.3,"VTsIOM"
2006-01-29,NA,NA,"VTsIOM"
`
	polls, det, err := poll.Read(strings.NewReader(in), poll.WithSource("vciom.csv"))
	fmt.Println(det)
	fmt.Println(len(polls), "polls;", det.Format, det.Pollsters)
	for _, pe := range poll.ParseErrors(err) {
		fmt.Println("rejected:", pe)
	}
	// Output:
	// csv (series file, UTF-8): 2 polls of VTsIOM, 1 rejected; line 1: header with a date and approve/disapprove columns (Date, Approve, Disapprove, source)
	// 2 polls; csv [VTsIOM]
	// rejected: vciom.csv:4:2: "NA": poll: required value missing: neither approve nor disapprove is published
}

// Every bad row is reported with its line, column and a sentinel error,
// and every good row is still returned.
func ExampleReadCSV_errors() {
	in := "Date,Approve,Disapprove,No.Answer\n" +
		"2024-07-01,72,17,12\n" +
		"2024-08-01,67,20,20\n" + // sums to 107
		"2024-09-01,1,234,\n"
	polls, err := poll.ReadCSV(strings.NewReader(in), poll.WithPollster("Levada"))
	fmt.Println(len(polls), "read")
	for _, pe := range poll.ParseErrors(err) {
		fmt.Printf("line %d column %d: share sum %v, range %v\n", pe.Line, pe.Column,
			errors.Is(pe, poll.ErrShareSum), errors.Is(pe, poll.ErrShareRange))
	}
	// Output:
	// 1 read
	// line 3 column 2: share sum true, range false
	// line 4 column 3: share sum false, range true
}

func ExampleWriteCSV() {
	p := poll.Poll{
		Pollster: "Levada", Question: "approval", Subject: "Putin",
		Start: time.Date(2023, 10, 19, 0, 0, 0, 0, time.UTC), End: time.Date(2023, 10, 25, 0, 0, 0, 0, time.UTC),
		SampleSize: 1600, Population: poll.Adults, Mode: poll.FaceToFace,
		Approve: 82, Disapprove: 15, Undecided: 3,
		// Unpublished shares are NaN, never 0 (a 0 is a published zero).
		Refused: math.NaN(), AdjustedApprove: math.NaN(), AdjustedDisapprove: math.NaN(),
	}
	if err := poll.WriteCSV(os.Stdout, []poll.Poll{p}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// pollster,question,subject,subgroup,start,end,published,sample_size,population,mode,approve,disapprove,undecided,refused,definitely_yes,rather_yes,rather_no,definitely_no,response_rate,design_effect,weight,grade,adjusted_approve,adjusted_disapprove,flags,id,labels,source,line,adjustments
	// Levada,approval,Putin,,2023-10-19,2023-10-25,,1600,a,face-to-face,82,15,3,,,,,,,,,,,,,,,,,
}

// 538's adjusted toplines are kept apart from the raw ones.
func ExampleRead538() {
	in := `president,subgroup,modeldate,startdate,enddate,pollster,grade,samplesize,population,weight,influence,approve,disapprove,adjusted_approve,adjusted_disapprove,multiversions,tracking,url,poll_id,question_id,createddate,timestamp
Donald Trump,All polls,12/3/2020,1/20/2017,1/22/2017,Gallup,B,1500,a,.26232298,0,45,45,45.763413,43.601229,"",T,http://www.gallup.com/,49253,77265,1/23/2017,10:53:46  3 Dec 2020
`
	polls, err := poll.Read538(strings.NewReader(in))
	if err != nil {
		fmt.Println(err)
	}
	p := polls[0]
	fmt.Println(p.String())
	fmt.Printf("raw %g, 538-adjusted %g, weight %g, grade %s, id %s\n", p.Approve, p.AdjustedApprove, p.Weight, p.Grade, p.ID)
	// Output:
	// Gallup 2017-01-20..2017-01-22 n=1500 a approve 45 disapprove 45 undecided NA [tracking]
	// raw 45, 538-adjusted 45.763413, weight 0.26232298, grade B, id 49253/77265
}

func ExamplePoll_MarginOfError() {
	p := poll.Poll{Pollster: "Levada", End: time.Date(2023, 10, 25, 0, 0, 0, 0, time.UTC), SampleSize: 1600, Approve: 82}
	fmt.Printf("deff %.2f, n_eff %.0f\n", p.EffectiveDesignEffect(), p.EffectiveSampleSize())
	fmt.Printf("SE %.2f points, 95%% margin %.2f points\n", p.StandardError(p.Approve), p.MarginOfError(p.Approve, 0.95))
	// Output:
	// deff 1.90, n_eff 840
	// SE 1.33 points, 95% margin 2.60 points
}

func ExamplePoll_Midpoint() {
	p := poll.Poll{Start: time.Date(2021, 8, 19, 0, 0, 0, 0, time.UTC), End: time.Date(2021, 8, 26, 0, 0, 0, 0, time.UTC)}
	fmt.Println(p.Midpoint().Format(time.DateOnly))
	// Output:
	// 2021-08-22
}

func ExamplePoll_Validate() {
	p := poll.Poll{Pollster: "Levada", Start: time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2024, 8, 31, 0, 0, 0, 0, time.UTC),
		Approve: 67, Disapprove: 20, Undecided: 20}
	err := p.Validate()
	fmt.Println(err, errors.Is(err, poll.ErrShareSum))
	// Output:
	// Approve: poll: shares sum to more than 100: 107 true
}

func ExampleLookup() {
	p, ok := poll.Lookup("Левада-Центр")
	fmt.Println(p.Name, ok, p.SampleSize)
	fmt.Println(p.ModeAt(time.Date(2020, 5, 15, 0, 0, 0, 0, time.UTC)), p.ModeAt(time.Date(2020, 9, 15, 0, 0, 0, 0, time.UTC)))
	// Output:
	// Levada true 1600
	// phone face-to-face
}

// Levada states a maximum error of 3.4 points at 50% for n = 1600 (95%).
func ExampleDesignEffectFromMargin() {
	deff, err := poll.DesignEffectFromMargin(3.4, 1600, 0.5, 0.95)
	fmt.Printf("%.2f %v\n", deff, err)
	_, err = poll.DesignEffectFromMargin(3.4, 0, 0.5, 0.95)
	fmt.Println(errors.Is(err, poll.ErrMargin))
	// Output:
	// 1.93 <nil>
	// true
}

// A caller with its own pollster builds its own set; the built-in set,
// and so every other caller, is unchanged.
func ExampleNewProfiles() {
	ps, err := poll.NewProfiles(poll.Profile{Name: "Acme Research", Aliases: []string{"Акме"},
		SampleSize: 1000, DesignEffect: 1.5, Mode: poll.Online})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := poll.Poll{Pollster: ps.CanonicalName("акме"), End: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
	fmt.Printf("%s: deff %.1f, n_eff %.0f\n", p.Pollster, ps.DesignEffect(&p), ps.SampleSize(&p))
	fmt.Printf("default set: deff %.1f, n_eff %.0f\n", poll.DefaultProfiles().DesignEffect(&p), poll.DefaultProfiles().SampleSize(&p))
	// Output:
	// Acme Research: deff 1.5, n_eff 667
	// default set: deff 1.0, n_eff 0
}

func ExampleMarkDuplicates() {
	end := time.Date(2014, 5, 18, 0, 0, 0, 0, time.UTC)
	polls := []poll.Poll{
		{Pollster: "FOM", Start: end.AddDate(0, 0, -6), End: end, Approve: 81, Disapprove: 10, Undecided: 9, Line: 278},
		{Pollster: "FOM", Start: end.AddDate(0, 0, -6), End: end, Approve: 80, Disapprove: 10, Undecided: 10, Line: 279},
	}
	for _, g := range poll.MarkDuplicates(polls) {
		fmt.Println("same week, different values at lines", g.Lines)
	}
	fmt.Println(polls[0].Flags, polls[1].Flags)
	// Output:
	// same week, different values at lines [278 279]
	// duplicate duplicate
}

func ExampleFilter() {
	polls := []poll.Poll{
		{Pollster: "Levada", End: time.Date(2022, 3, 31, 0, 0, 0, 0, time.UTC)},
		{Pollster: "FOM", End: time.Date(2022, 3, 27, 0, 0, 0, 0, time.UTC)},
		{Pollster: "Levada", End: time.Date(2023, 10, 31, 0, 0, 0, 0, time.UTC)},
	}
	f := poll.Filter{Pollster: "Левада", From: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2022, 12, 31, 0, 0, 0, 0, time.UTC)}
	for _, p := range f.Apply(polls) {
		fmt.Println(p.Pollster, p.End.Format(time.DateOnly))
	}
	// Output:
	// Levada 2022-03-31
}

func ExampleDedupe() {
	end := time.Date(2020, 1, 12, 0, 0, 0, 0, time.UTC)
	p := poll.Poll{Pollster: "FOM", Start: end.AddDate(0, 0, -6), End: end, Approve: 60, Disapprove: 27, Undecided: 12, Line: 342}
	q := p
	q.Line = 400 // the same release pasted twice
	out, merges := poll.Dedupe([]poll.Poll{p, q})
	fmt.Println(len(out), "kept")
	for _, m := range merges {
		fmt.Println("line", m.Line, "kept; dropped lines", m.Lines)
	}
	// Output:
	// 1 kept
	// line 342 kept; dropped lines [400]
}

func ExampleMarkForwardFilled() {
	month := func(m time.Month) (time.Time, time.Time) {
		s := time.Date(2018, m, 1, 0, 0, 0, 0, time.UTC)
		return s, s.AddDate(0, 1, -1)
	}
	var polls []poll.Poll
	for i, s := range [][3]float64{{80, 18, 2}, {79, 20, 1}, {79, 20, 1}, {67, 31, 2}} {
		start, end := month(time.Month(4 + i))
		polls = append(polls, poll.Poll{Pollster: "Levada", Start: start, End: end, Approve: s[0], Disapprove: s[1], Undecided: s[2], Line: 226 + i})
	}
	for _, r := range poll.MarkForwardFilled(polls) {
		fmt.Printf("line %d (%s) repeats line %d (%s)\n", r.Line, r.End.Format("2006-01"), r.PrevLine, r.PreviousEnd.Format("2006-01"))
	}
	// Output:
	// line 228 (2018-06) repeats line 227 (2018-05)
}

// The VTsIOM series prints 2019-10-11 between 2019-11-03 and 2019-11-17.
// MarkOutOfOrder flags it; the documented correction table moves it, and
// reports the move, only when asked.
func ExampleApplyCorrections() {
	file := `Date,Approve,Disapprove,source
2019-10-20,66,25.1,VTsIOM
2019-10-27,66,25.3,VTsIOM
2019-11-03,65.2,26.1,VTsIOM
2019-10-11,64.1,27.6,VTsIOM
2019-11-17,63.9,27.4,VTsIOM
2019-11-24,62.4,28.6,VTsIOM
`
	polls, err := poll.ReadCSV(strings.NewReader(file))
	if err != nil {
		fmt.Println(err)
	}
	for _, b := range poll.MarkOutOfOrder(polls) {
		fmt.Printf("line %d: %s between %s and %s\n", b.Line, b.End.Format(time.DateOnly), b.Prev.Format(time.DateOnly), b.Next.Format(time.DateOnly))
	}
	for _, c := range poll.ApplyCorrections(polls, poll.KnownCorrections()) {
		fmt.Printf("line %d: %s → %s\n", c.Line, c.Printed.Format(time.DateOnly), c.Corrected.Format(time.DateOnly))
	}
	fmt.Println(polls[3].String())
	// Output:
	// line 5: 2019-10-11 between 2019-11-03 and 2019-11-17
	// line 5: 2019-10-11 → 2019-11-10
	// VTsIOM 2019-11-04..2019-11-10 phone approve 64.1 disapprove 27.6 undecided 8.3 [undecided-derived|date-approx|date-corrected]
}

// A poll built by hand: the shares not passed are unpublished (NaN), not
// zero, and the pollster's alias is canonicalised.
func ExampleNew() {
	start := time.Date(2023, 10, 19, 0, 0, 0, 0, time.UTC)
	p := poll.New("Левада-Центр", start, start.AddDate(0, 0, 6), 82, 15)
	fmt.Println(p.String())
	p.Undecided, p.SampleSize = 3, 1600
	fmt.Println(p.String())
	fmt.Println(math.IsNaN(p.Refused), p.Validate() == nil)
	// Output:
	// Levada 2023-10-19..2023-10-25 approve 82 disapprove 15 undecided NA
	// Levada 2023-10-19..2023-10-25 n=1600 approve 82 disapprove 15 undecided 3
	// true true
}

// A file of another layout read as this one, or a column in the wrong
// unit, rejects every row: the reader lists the first MaxErrors and counts
// the rest in one more error, so that memory follows the file, not its
// errors.
func ExampleRejected() {
	var b strings.Builder
	b.WriteString("Date,Approve,Disapprove,source\n")
	for i := range 1500 {
		fmt.Fprintf(&b, "%s,620,280,Levada\n", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*i).Format(time.DateOnly)) // per mille, not percent
	}
	polls, err := poll.ReadCSV(strings.NewReader(b.String()), poll.WithSource("promille.csv"))
	pes := poll.ParseErrors(err)
	fmt.Println(len(polls), "polls;", poll.Rejected(err), "rejected;", len(pes), "listed")
	fmt.Println(pes[0])
	fmt.Println(pes[len(pes)-1])
	// Output:
	// 0 polls; 1500 rejected; 1001 listed
	// promille.csv:2:2: "620": poll: share outside 0–100: 620
	// promille.csv:1002: poll: too many rejections: 500 more rejections on lines 1002–1501 are not listed (a reader lists the first 1000)
}
