package poll

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// Columns of FiveThirtyEight's approval poll files, under the names of
// both layouts: the model's poll list (approval_polllist.csv: startdate,
// approve, adjusted_approve, multiversions…) and the poll database
// (president_approval_polls*.csv: start_date, yes, no, methodology…).
const (
	fPollster = iota
	fSubject
	fSubgroup
	fStart
	fEnd
	fPublished
	fSampleSize
	fPopulation
	fMode
	fApprove
	fDisapprove
	fWeight
	fGrade
	fAdjApprove
	fAdjDisapprove
	fMulti
	fTracking
	fURL
	fPollID
	fQuestionID
	numFTE
)

var fteNames = map[string]int{
	"pollster": fPollster, "president": fSubject, "politician": fSubject,
	"subgroup": fSubgroup, "subpopulation": fSubgroup,
	"startdate": fStart, "start date": fStart, "enddate": fEnd, "end date": fEnd,
	"createddate": fPublished, "created at": fPublished,
	"samplesize": fSampleSize, "sample size": fSampleSize, "population": fPopulation,
	"methodology": fMode,
	"approve":     fApprove, "yes": fApprove, "disapprove": fDisapprove, "no": fDisapprove,
	"weight": fWeight, "grade": fGrade, "fte grade": fGrade,
	"adjusted approve": fAdjApprove, "adjusted disapprove": fAdjDisapprove,
	"multiversions": fMulti, "tracking": fTracking, "url": fURL,
	"poll id": fPollID, "question id": fQuestionID,
}

// Read538 reads FiveThirtyEight's presidential approval polls, in either
// of its layouts:
//
//   - the model's poll list, approval_polllist.csv (president, subgroup,
//     startdate, enddate, pollster, grade, samplesize, population, weight,
//     approve, disapprove, adjusted_approve, adjusted_disapprove,
//     multiversions, tracking, url, poll_id, question_id, createddate…);
//   - the poll database, president_approval_polls*.csv (poll_id, pollster,
//     fte_grade, methodology, start_date, end_date, question_id,
//     sample_size, population, tracking, created_at, url, politician, yes,
//     no, alternate_answers…).
//
// Mapping: Question is "approval" (or WithQuestion), Subject the president
// or politician, Subgroup 538's subgroup ("All polls", "Adults",
// "Voters") verbatim, Published the creation date, Population from the codes
// a/rv/lv/v, SampleSize rounded to a whole number (538 averages n over the
// versions of a multiversion poll: 2202.5), Mode from methodology (see
// fteMode; ModeUnknown in the poll list, which has no such column, unless
// WithMode), Approve/Disapprove from approve/disapprove or yes/no,
// Undecided NaN (alternate_answers is not read: it is not the remainder,
// e.g. 43/54/22), Weight and Grade as given, and 538's house-effect-adjusted
// toplines in AdjustedApprove/AdjustedDisapprove — never in Approve. A
// multiversions mark "*" sets MultiVersion, a tracking mark (T, TRUE) sets
// Tracking. ID is "poll_id/question_id"; Source is the url (or WithSource).
// Dates are M/D/YYYY or M/D/YY (20YY). NA and empty cells are missing.
//
// As with every reader, each row that parses and validates is returned and
// each other row gives one *ParseError in the joined error.
func Read538(r io.Reader, opts ...Option) ([]Poll, error) {
	cfg := newReadConfig(opts)
	el := &errorList{source: cfg.source}
	d, hdr, err := openDelimited(r, &cfg, el)
	if err != nil {
		return nil, err
	}
	var idx [numFTE]int
	for i := range idx {
		idx[i] = -1
	}
	for i, c := range hdr {
		if f, ok := fteNames[headerKey(c.Text)]; ok && idx[f] < 0 {
			idx[f] = i
		}
	}
	if idx[fStart] < 0 && idx[fEnd] < 0 && idx[fApprove] < 0 {
		return nil, cfg.sourced(&ParseError{Line: hdr[0].Line, Err: fmt.Errorf("%w: not a FiveThirtyEight approval file (no startdate/start_date, enddate/end_date, approve/yes)", ErrUnknownLayout)})
	}
	var errs []error
	for _, f := range []struct {
		f    int
		name string
	}{{fPollster, "pollster"}, {fStart, "startdate"}, {fEnd, "enddate"}, {fApprove, "approve"}, {fDisapprove, "disapprove"}} {
		if idx[f.f] < 0 && (f.f != fPollster || cfg.pollster == "") {
			errs = append(errs, missingColumn(hdr[0].Line, f.name))
		}
	}
	if len(errs) > 0 {
		return nil, cfg.sourced(errors.Join(errs...))
	}
	fr := fteReader{rowCursor: rowCursor{idx: idx[:]}, cfg: &cfg, in: newInterner(numFTE), pc: newPollsterCache(cfg.profiles)}
	polls := make([]Poll, 0, countLines(d.data))
	width := len(hdr)
	for {
		row, ok := d.nextRow(width, el)
		if !ok {
			break
		}
		polls = append(polls, Poll{})
		if pe := fr.parse(&polls[len(polls)-1], row); pe != nil {
			polls = polls[:len(polls)-1]
			el.push(pe)
		}
	}
	return polls, el.err()
}

// fteReader holds what is shared across the rows of one 538 file.
type fteReader struct {
	rowCursor
	cfg *readConfig
	in  interner
	pc  pollsterCache
}

// date parses a 538 date; created_at carries a time of day after a space,
// which is dropped.
func (fr *fteReader) date(f int, required bool) dateSpan {
	if t, ok := quickDay(fr.text(f)); ok {
		return dateSpan{Start: t, End: t}
	}
	s := strings.TrimSpace(fr.text(f))
	if d, _, ok := strings.Cut(s, " "); ok {
		s = d
	}
	if isMissingToken(s) {
		if required {
			fr.fail(f, fmt.Errorf("%w: date", ErrMissing))
		}
		return dateSpan{}
	}
	sp, ok := parseNumericDate(s)
	if !ok {
		fr.fail(f, fmt.Errorf("%w: %q", ErrDate, short(s)))
	}
	return sp
}

// mark parses a 538 boolean mark: "*", "T", "TRUE", "true" set it; empty,
// NA, "F", "FALSE" do not.
func (fr *fteReader) mark(f int) bool {
	switch strings.ToLower(strings.TrimSpace(fr.text(f))) {
	case "", "na", "f", "false":
		return false
	case "*", "t", "true":
		return true
	}
	fr.fail(f, fmt.Errorf("%w: mark %q", ErrUnknownValue, short(fr.text(f))))
	return false
}

func (fr *fteReader) parse(p *Poll, row []cell) *ParseError {
	fr.row, fr.err = row, nil
	cfg := fr.cfg
	p.Pollster = fr.pc.get(fr.pollster(fPollster, cfg.pollster)).name
	p.Question = cfg.question
	if p.Question == "" {
		p.Question = "approval"
	}
	p.Subject = fr.in.get(fSubject, strings.TrimSpace(fr.text(fSubject)))
	if p.Subject == "" {
		p.Subject = cfg.subject
	}
	p.Subgroup = fr.in.get(fSubgroup, strings.TrimSpace(fr.text(fSubgroup)))
	p.Start = fr.date(fStart, true).Start
	p.End = fr.date(fEnd, true).End
	p.Published = fr.date(fPublished, false).End
	// 538 averages the sample size over the versions of a multiversion
	// poll (2202.5, 2196.666667); such n is rounded to the nearest whole.
	if n, missing, err := parseNumber(fr.text(fSampleSize)); err != nil {
		fr.fail(fSampleSize, err)
	} else if missing {
		p.SampleSize = cfg.sampleSize
	} else if n = math.Round(n); n < 1 || n > math.MaxInt32 {
		fr.fail(fSampleSize, fmt.Errorf("%w: %q", ErrSampleSize, short(fr.text(fSampleSize))))
	} else {
		p.SampleSize = int(n)
	}
	if pop, err := ParsePopulation(fr.text(fPopulation)); err != nil {
		fr.fail(fPopulation, err)
	} else {
		p.Population = pop
	}
	p.Mode = cfg.mode
	if p.Mode == ModeUnknown {
		m, err := fteMode(fr.text(fMode))
		if err != nil {
			fr.fail(fMode, err)
		}
		p.Mode = m
	}
	p.Approve = fr.number(fApprove)
	p.Disapprove = fr.number(fDisapprove)
	// alternate_answers is not the "don't know" share: it often exceeds
	// 100 − yes − no (43/54/22), so Undecided stays unpublished.
	p.Undecided = math.NaN()
	p.Refused = math.NaN()
	if w := fr.number(fWeight); !math.IsNaN(w) {
		p.Weight = w
	}
	p.Grade = fr.in.get(fGrade, strings.TrimSpace(fr.text(fGrade)))
	p.AdjustedApprove = fr.number(fAdjApprove)
	p.AdjustedDisapprove = fr.number(fAdjDisapprove)
	if fr.mark(fMulti) {
		p.Flags |= MultiVersion
	}
	if fr.mark(fTracking) {
		p.Flags |= Tracking
	}
	pid, qid := strings.TrimSpace(fr.text(fPollID)), strings.TrimSpace(fr.text(fQuestionID))
	switch {
	case pid != "" && qid != "":
		p.ID = pid + "/" + qid
	case pid != "":
		p.ID = strings.Clone(pid)
	case qid != "":
		p.ID = "/" + qid
	}
	p.Source = cfg.source
	if u := strings.TrimSpace(fr.text(fURL)); u != "" && !isMissingToken(u) {
		p.Source = fr.in.get(fURL, u)
	}
	p.Line = row[0].Line
	if math.IsNaN(p.Approve) && math.IsNaN(p.Disapprove) {
		fr.fail(fApprove, fmt.Errorf("%w: neither approve nor disapprove is published", ErrMissing))
	}
	if fr.err != nil {
		return fr.err
	}
	if err := p.Validate(); err != nil {
		return validationError(err, row[0].Line, row, func(field string) int {
			switch field {
			case "Approve":
				return fr.idx[fApprove]
			case "Disapprove":
				return fr.idx[fDisapprove]
			case "SampleSize":
				return fr.idx[fSampleSize]
			case "Start":
				return fr.idx[fStart]
			case "End":
				return fr.idx[fEnd]
			case "Published":
				return fr.idx[fPublished]
			case "Weight":
				return fr.idx[fWeight]
			}
			return -1
		})
	}
	return nil
}

// fteMode maps 538's methodology column ("Online Panel", "Live Phone",
// "IVR/Online Panel", "Probability Panel", "Text-to-Web/Online Ad"…). Each
// "/"-separated part is classified; parts that agree give their mode and
// parts that differ give Mixed. Probability panels (KnowledgePanel,
// AmeriSpeak) and text-to-web interview online; IVR is automated phone.
// Anything else goes through ParseMode.
func fteMode(s string) (Mode, error) {
	s = strings.TrimSpace(s)
	if isMissingToken(s) {
		return ModeUnknown, nil
	}
	mode := ModeUnknown
	for _, part := range strings.Split(s, "/") {
		var m Mode
		switch strings.ToLower(strings.TrimSpace(part)) {
		case "live phone", "ivr", "phone", "landline", "cell phone":
			m = Phone
		case "online panel", "online ad", "online", "probability panel", "text-to-web", "text", "email", "app panel":
			m = Online
		case "in-person", "in person", "face-to-face":
			m = FaceToFace
		default:
			var err error
			if m, err = ParseMode(part); err != nil || m == ModeUnknown {
				return ModeUnknown, fmt.Errorf("%w: methodology %q", ErrUnknownValue, short(s))
			}
		}
		switch {
		case mode == ModeUnknown:
			mode = m
		case mode != m:
			mode = Mixed
		}
	}
	return mode, nil
}

// countLines returns the number of lines in data, an upper bound on the
// number of records, used to size result slices once.
func countLines(data []byte) int { return bytes.Count(data, []byte{'\n'}) + 1 }
