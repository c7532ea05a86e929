package forensics

// CleanShare is a forensic estimate of a candidate's vote share with the
// falsification a method detects taken out: the third figure, beside the
// official share and the poll-implied estimate, of an election-integrity
// comparison. Shares are in percent of the cast (valid + invalid)
// ballots, like the official result; Lower and Upper are a Level
// interval, SE is (Upper − Lower)/(2·z) for consumers that want a normal
// standard deviation. Method and Assumptions say what the figure rests
// on, for the report to print with it.
type CleanShare struct {
	Candidate    string
	Share        float64
	Lower, Upper float64
	SE           float64
	Level        float64
	Method       string
	Assumptions  []string
	// Official is the share the method started from (the analysed
	// stations', without remote votes), and Anomalous the votes it took
	// out.
	Official  float64
	Anomalous float64
}
