package aggregate_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/candorpoll/candor/adjust"
	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/poll"
)

// Example_readme is the README's "The library in 30 lines", run: the code
// between the markers must equal the README's block (TestReadmeExample),
// so the README shows code that compiles and prints what it says.
func Example_readme() {
	if err := os.Chdir(".."); err != nil { // the README's paths are from the repository root
		log.Fatal(err)
	}
	defer os.Chdir("aggregate")
	// README begin
	f, err := os.Open("testdata/russia/Levada.csv")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	// Read detects the layout; WithSource names the file in every error; the file
	// has no source column, so WithPollster says whose it is (else: ErrMissingColumn).
	polls, det, err := poll.Read(f, poll.WithSource("Levada.csv"), poll.WithPollster("Levada"))
	fmt.Println(det) // the layout detected, the pollsters, rows read and rejected
	for _, pe := range poll.ParseErrors(err) {
		fmt.Println("rejected:", pe) // e.g. Levada2.csv:339:2: "67": poll: shares sum to more than 100: 107
	}
	ctx := context.Background()
	res, err := aggregate.StateSpace{}.Fit(ctx, polls) // σ, τ by ML; approve, disapprove, undecided
	if err != nil {
		log.Fatal(err) // beside a result, err lists the polls left out (res.Excluded)
	}
	p := res.Approve.Latest()
	fmt.Printf("approve %.1f [%.1f, %.1f]\n", p.Mean, p.Lower, p.Upper)

	// A fear-of-response scenario: direct 71% vs list experiment 61% (Chapkovski &
	// Schaub 2022), on the logit scale, its calibration error carried into the interval.
	gap := adjust.GapCorrection{Falsification: adjust.Falsification{
		Direct: adjust.Estimate{Value: 0.71, SE: 0.0083}, List: adjust.Estimate{Value: 0.61, SE: 0.030}}}
	corrected, err := adjust.Chain{gap}.Apply(polls) // copies, each with an audit trail
	if err != nil {
		log.Fatal(err)
	}
	res, err = aggregate.StateSpace{}.Fit(ctx, corrected)
	if err != nil {
		log.Fatal(err)
	}
	p = res.Approve.Latest()
	fmt.Printf("corrected %.1f [%.1f, %.1f]\n", p.Mean, p.Lower, p.Upper)
	// README end
	// Output:
	// csv (series file, UTF-8): 301 polls of Levada, 0 rejected; line 1: header with a date and approve/disapprove columns (Date, Approve, Disapprove, No_answer, Putin_Index)
	// approve 85.2 [80.5, 89.9]
	// corrected 78.7 [71.6, 85.7]
}

// TestReadmeExample checks that the README's library example is the code
// Example_readme runs.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "## The library in 30 lines")
	if !ok {
		t.Fatal("README has no library example section")
	}
	_, block, ok := strings.Cut(after, "```go\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("README's library example has no go block")
	}
	src, err := os.ReadFile("readme_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, code, _ := strings.Cut(string(src), "\t// README begin\n")
	code, _, _ = strings.Cut(code, "\t// README end\n")
	var lines []string
	for _, l := range strings.SplitAfter(code, "\n") {
		lines = append(lines, strings.TrimPrefix(l, "\t"))
	}
	if got := strings.Join(lines, ""); got != block {
		t.Errorf("README's library example differs from Example_readme:\nREADME:\n%s\nExample_readme:\n%s", block, got)
	}
}
