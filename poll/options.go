package poll

import (
	"runtime"

	"golang.org/x/text/encoding"
)

// Option configures a reader. The zero configuration (no options) means:
// detect the separator and the encoding, take the pollster, question and
// subject from the file or from the layout's conventions, and reject
// float-damaged dates.
type Option func(*readConfig)

// readConfig is what the options set. The zero value is the default of
// every reader.
type readConfig struct {
	source      string            // provenance recorded in Poll.Source and ParseError.Source
	pollster    string            // default pollster when the file names none
	question    string            // question identifier; "" = the layout's default
	subject     string            // subject; "" = the layout's default
	comma       rune              // separator; 0 = sniff
	enc         encoding.Encoding // nil = detect (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1251)
	legacyDates bool              // accept float-damaged month labels such as 8.202
	mode        Mode              // mode for every row; ModeUnknown = from the file or the profile
	sampleSize  int               // sample size for rows that state none; 0 = leave unknown
	profiles    *Profiles         // pollster profiles; nil = DefaultProfiles()

	// Parallel reading of large inputs (see parallelism); set only by
	// tests, which compare parallel reads of small inputs with serial ones.
	workers int // goroutines; 0 = GOMAXPROCS
	minPart int // bytes of input a part has at least; 0 = minPartBytes
}

// minPartBytes is the least input a reader hands to a goroutine at a
// time: about 4 ms of parsing, against microseconds to start one.
const minPartBytes = 512 << 10

// parallelism returns how many goroutines read an input of size bytes
// (GOMAXPROCS) and in how many parts: one when the input is small, else
// parts of minPartBytes, many for each goroutine, so that one held up (by
// another process on its core) leaves its parts to the others, and so
// that a reader holding a part at a time (see readCanonicalAt) holds
// little.
func (c *readConfig) parallelism(size int) (workers, parts int) {
	workers, minPart := c.workers, c.minPart
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if minPart == 0 {
		minPart = minPartBytes
	}
	return workers, max(1, size/minPart)
}

func newReadConfig(opts []Option) readConfig {
	var c readConfig
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// WithSource sets the provenance recorded in every Poll.Source and in
// every ParseError.Source, typically the file name or URL. A source column
// in the file, where the layout has one, takes precedence for Poll.Source.
func WithSource(name string) Option { return func(c *readConfig) { c.source = name } }

// WithPollster names the pollster for files that have no pollster column
// (or an empty cell in it). The name is canonicalised with the reader's
// profiles (Profiles.CanonicalName).
func WithPollster(name string) Option { return func(c *readConfig) { c.pollster = name } }

// WithQuestion sets Poll.Question for files that do not say which question
// they report. Default: "approval" (or the layout's own, e.g. "direction").
func WithQuestion(q string) Option { return func(c *readConfig) { c.question = q } }

// WithSubject sets Poll.Subject for files that do not say whom the question
// is about. Default: empty (or the layout's own, e.g. "President").
func WithSubject(s string) Option { return func(c *readConfig) { c.subject = s } }

// WithComma fixes the field separator (',', ';' or '\t'). Default: sniffed
// from the first lines, counting separators outside quotes.
func WithComma(r rune) Option { return func(c *readConfig) { c.comma = r } }

// WithEncoding fixes the text encoding of the input, e.g.
// charmap.Windows1251. Default (nil): UTF-8 with or without a byte-order
// mark, UTF-16 with a byte-order mark, or Windows-1251 when the bytes are
// not UTF-8 and read as Cyrillic words.
func WithEncoding(enc encoding.Encoding) Option { return func(c *readConfig) { c.enc = enc } }

// WithLegacyDates accepts month labels damaged by a spreadsheet that read
// "08.2020" as the number 8.202 (release-formats.md §6): "M.YYY" with the
// year's trailing zeros dropped. Off by default because "8.202" is
// otherwise not a date.
func WithLegacyDates(on bool) Option { return func(c *readConfig) { c.legacyDates = on } }

// WithMode sets the interview mode of every row read, overriding the file
// and the pollster profile. Default: from the file's mode column, else the
// pollster profile at the fieldwork end date.
func WithMode(m Mode) Option { return func(c *readConfig) { c.mode = m } }

// WithSampleSize sets the sample size of rows that state none. Default: 0
// (unknown; Profiles.SampleSize then falls back on the profile).
func WithSampleSize(n int) Option { return func(c *readConfig) { c.sampleSize = n } }

// WithProfiles sets the pollster profiles a reader uses for canonical
// names, modes, fieldwork windows (FieldDays) and default sample sizes.
// Default (nil): DefaultProfiles().
func WithProfiles(ps *Profiles) Option { return func(c *readConfig) { c.profiles = ps } }
