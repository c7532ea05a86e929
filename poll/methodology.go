package poll

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// methodology is what a release's methodology block states about the
// survey behind it (release-formats.md §2.5):
//
//	«Опрос проведен 19-26 августа 2021 года по репрезентативной
//	всероссийской выборке … объемом 1619 человек … Исследование проводится
//	на дому у респондента методом личного интервью.»
//
//	"The survey was conducted from January 27 to February 2, 2022 among a
//	representative sample … The sample was comprised of 1626 people … The
//	survey was conducted as a personal interview in respondents' homes."
//
// The stated error («Статистическая погрешность при выборке 1600 человек…
// не превышает 3,4%») refers to a nominal n = 1600 whatever the realised n,
// so it is deliberately not read as the sample size; the pollster profile
// holds the design effect it implies.
type methodology struct {
	Fieldwork dateSpan // zero when not stated
	N         int      // realised sample size; 0 when not stated
	Mode      Mode     // ModeUnknown when not stated
	Line      int      // line of the block
}

var (
	// «Опрос проведен 19-26 августа 2021 года», «Опрос был проведен с 27
	// января по 2 февраля 2022 г.»: the dates run to the first four-digit
	// year after the cue.
	ruFieldworkRE = pattern(`(?i)опрос\S*\s+(?:был[аи]?\s+)?провед\S*\s+([^.;:]{0,80}?\d{4})`)
	ruSampleRE    = pattern(`(?i)объ[её]мом\s+(\d[\d\s\x{00a0}\x{2009}\x{202f}]*\d|\d)\s+(?:человек|респондент)`)
	enFieldworkRE = pattern(`(?i)(?:conducted|carried out|held|fieldwork)[^.;]{0,40}?((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,?\s+\d{4})?\s*(?:[-–—]|to)\s*(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+)?\d{1,2},?\s+\d{4}|\d{1,2}\s*(?:[-–—]|to)\s*\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4})`)
	enSampleRE    = pattern(`(?i)(?:comprised|consisted|composed|consisting)\s+of\s+(\d[\d,\s]*\d|\d)\s+(?:people|respondents|persons)`)
)

// findMethodology scans text blocks for a methodology statement and
// returns the first one found with its fieldwork dates; ok is false when
// no block states fieldwork dates.
func findMethodology(blocks []textBlock) (m methodology, ok bool) {
	for i, b := range blocks {
		text := strings.ReplaceAll(b.Text, "\u00a0", " ")
		sp, found := fieldworkIn(text)
		if !found {
			continue
		}
		m = methodology{Fieldwork: sp, Line: b.Line}
		// The sample and mode sentences may follow in the next block when
		// a page splits the paragraph.
		ctx := text
		if i+1 < len(blocks) {
			ctx += " " + strings.ReplaceAll(blocks[i+1].Text, "\u00a0", " ")
		}
		m.N = sampleIn(ctx)
		m.Mode = modeIn(ctx)
		return m, true
	}
	return methodology{}, false
}

// cue lists the words every match of a methodology expression contains,
// and how far a match reaches before and after them, in bytes.
type cue struct {
	re            func() *regexp.Regexp // compiled on first use (pattern)
	words         []string              // lower case; Title and UPPER case are found too
	before, after int
}

var (
	ruFieldworkCue = cue{ruFieldworkRE, []string{"провед"}, 128, 384}
	enFieldworkCue = cue{enFieldworkRE, []string{"conducted", "carried out", "held", "fieldwork"}, 0, 256}
	ruSampleCue    = cue{ruSampleRE, []string{"объем", "объём"}, 0, 160}
	enSampleCue    = cue{enSampleRE, []string{"comprised", "consisted", "composed", "consisting"}, 0, 160}
)

// maxCueWindows is how many cue words of one expression a long text is
// searched around.
const maxCueWindows = 1000

// submatches returns up to n submatches of c.re in text. A text longer
// than 4 KB — a methodology paragraph is shorter; a long text is most
// likely a page without paragraphs or junk — is searched only in windows
// around the first maxCueWindows occurrences of the cue words, which
// bounds the work of a regular expression (hundreds of nanoseconds a byte)
// whatever the text's length.
func (c cue) submatches(text string, n int) [][]string {
	if len(text) <= 4<<10 {
		return c.re().FindAllStringSubmatch(text, n)
	}
	var at []int
	for _, w := range c.words {
		r, size := utf8.DecodeRuneInString(w)
		for _, v := range []string{w, string(unicode.ToUpper(r)) + w[size:], strings.ToUpper(w)} {
			for i, from := 0, 0; len(at) < 4*maxCueWindows; from = i + len(v) {
				j := strings.Index(text[from:], v)
				if j < 0 {
					break
				}
				i = from + j
				at = append(at, i)
			}
		}
	}
	slices.Sort(at)
	at = at[:min(len(at), maxCueWindows)]
	// Windows around the cues, overlapping ones merged: at most
	// maxCueWindows·(before + after) bytes in all.
	var wins [][2]int
	for _, i := range at {
		lo, hi := max(i-c.before, 0), min(i+c.after, len(text))
		for lo > 0 && !utf8.RuneStart(text[lo]) {
			lo--
		}
		for hi < len(text) && !utf8.RuneStart(text[hi]) {
			hi++
		}
		if k := len(wins) - 1; k >= 0 && lo <= wins[k][1] {
			wins[k][1] = max(wins[k][1], hi)
			continue
		}
		wins = append(wins, [2]int{lo, hi})
	}
	var out [][]string
	for _, w := range wins {
		if len(out) == n {
			break
		}
		out = append(out, c.re().FindAllStringSubmatch(text[w[0]:w[1]], n-len(out))...)
	}
	return out
}

func fieldworkIn(text string) (dateSpan, bool) {
	for _, c := range []cue{ruFieldworkCue, enFieldworkCue} {
		for _, mm := range c.submatches(text, 4) {
			if sp, ok := parseMonthNameDate(mm[1]); ok {
				return sp, true
			}
		}
	}
	return dateSpan{}, false
}

func sampleIn(text string) int {
	for _, c := range []cue{ruSampleCue, enSampleCue} {
		if ms := c.submatches(text, 1); len(ms) > 0 {
			s := ms[0][1]
			if c.re() == enSampleRE() {
				// English grouping "1,626": only in this phrase is a comma
				// unambiguously a thousands separator.
				s = strings.ReplaceAll(s, ",", "")
			}
			if n, missing, err := parseCount(s); err == nil && !missing && n > 0 {
				return n
			}
		}
	}
	return 0
}

// modeIn reads the interview mode a methodology block states. Face-to-face
// cues are tried first: the standard block states the present survey's
// mode, and a page's separate note on the 2020 telephone months
// («…методом телефонных интервью (CATI)») is in another paragraph.
func modeIn(text string) Mode {
	t := strings.ToLower(text)
	switch {
	case strings.Contains(t, "на дому") || strings.Contains(t, "личного интервью") || strings.Contains(t, "личное интервью") ||
		strings.Contains(t, "personal interview") || strings.Contains(t, "face-to-face") || strings.Contains(t, "поквартирн") ||
		strings.Contains(t, "по месту жительства"):
		return FaceToFace
	case strings.Contains(t, "телефон") || strings.Contains(t, "cati") || strings.Contains(t, "telephone"):
		return Phone
	case strings.Contains(t, "онлайн") || strings.Contains(t, "online"):
		return Online
	}
	return ModeUnknown
}

// applyMethodology gives the poll of the surveyed month the stated
// fieldwork dates, sample size and mode. The surveyed month is the one
// holding the first day of fieldwork (Levada's January 2022 survey ran
// 27 January – 2 February), else the one holding the last; only polls that
// still span a whole calendar month (DateApprox) are changed, and a mode
// given by the table's «Метод опроса» row or by WithMode is kept.
func applyMethodology(polls []gridPoll, m methodology, cfg *readConfig) {
	match := func(gp *gridPoll, y, mo int) bool {
		whole := gp.p.Start.Day() == 1 && gp.p.End.Equal(gp.p.Start.AddDate(0, 1, -1))
		return whole && gp.p.Flags.Has(DateApprox) && gp.p.Start.Year() == y && int(gp.p.Start.Month()) == mo
	}
	for _, pick := range [][2]int{
		{m.Fieldwork.Start.Year(), int(m.Fieldwork.Start.Month())},
		{m.Fieldwork.End.Year(), int(m.Fieldwork.End.Month())},
	} {
		hit := false
		for i := range polls {
			gp := &polls[i]
			if !match(gp, pick[0], pick[1]) {
				continue
			}
			hit = true
			gp.p.Start, gp.p.End = m.Fieldwork.Start, m.Fieldwork.End
			gp.p.Flags &^= DateApprox
			if m.N > 0 { // a stated n beats WithSampleSize, which is for rows that state none
				gp.p.SampleSize = m.N
			}
			if m.Mode != ModeUnknown && cfg.mode == ModeUnknown && gp.method == "" {
				gp.p.Mode = m.Mode
			}
		}
		if hit {
			return
		}
	}
}
