package main

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// The survey files in data/ are synthetic, generated here with a fixed
// seed so that the truth behind them is known and the example can show
// each estimator recovering it. TestDataReproducible regenerates them and
// fails if the shipped files differ; run
//
//	go test ./examples/listexp -run TestDataReproducible -update
//
// to rewrite them after changing the generator.
var update = flag.Bool("update", false, "rewrite data/list.csv and data/rr.csv")

// The survey designs (the truth is in truth.go).
const (
	listN       = 2000 // list-experiment respondents (half treated)
	rrN         = 1500 // randomized-response respondents
	rrTruthful  = 0.7  // forced response: answer truthfully
	rrForcedYes = 0.2  // … say "yes" whatever the truth
	rrForcedNo  = 0.1  // … say "no"
)

// controlItems are the prevalences of the J = 3 non-sensitive list items,
// chosen away from 0 and 1 so that few respondents hit the floor or the
// ceiling of the list (which would let their answer reveal the sensitive
// item).
var controlItems = []float64{0.45, 0.7, 0.25}

// generateList writes a list experiment in which every respondent is
// randomized to the short (control) or long (treatment) list and is then
// asked the sensitive question directly: private approvers say yes;
// private opponents say yes with probability truthFalsify (they falsify)
// and no otherwise. Both answers of one respondent come from the same
// hidden opinion.
func generateList(seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	b.WriteString("y,treat,direct\n")
	for i := 0; i < listN; i++ {
		approve := rng.Float64() < truthPrevalence
		treat := i%2 == 1 // exactly half treated, alternating
		y := 0
		for _, p := range controlItems {
			if rng.Float64() < p {
				y++
			}
		}
		if treat && approve {
			y++
		}
		direct := approve || rng.Float64() < truthFalsify
		fmt.Fprintf(&b, "%d,%s,%d\n", y, map[bool]string{true: "TRUE", false: "FALSE"}[treat], b2i(direct))
	}
	return b.Bytes()
}

// generateRR writes a forced-response randomized-response survey: a
// private randomizer tells each respondent to answer truthfully (0.7), to
// say "yes" (0.2) or to say "no" (0.1). The protection is assumed to
// work: the truthful answers are honest.
func generateRR(seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 2))
	var b bytes.Buffer
	b.WriteString("answer\n")
	for range rrN {
		approve := rng.Float64() < truthPrevalence
		var yes bool
		switch u := rng.Float64(); {
		case u < rrTruthful:
			yes = approve
		case u < rrTruthful+rrForcedYes:
			yes = true
		default:
			yes = false
		}
		fmt.Fprintf(&b, "%d\n", b2i(yes))
	}
	return b.Bytes()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestDataReproducible(t *testing.T) {
	for name, gen := range map[string][]byte{
		"data/list.csv": generateList(dataSeed),
		"data/rr.csv":   generateRR(dataSeed),
	} {
		if *update {
			require.NoError(t, os.WriteFile(name, gen, 0o644))
			continue
		}
		have, err := os.ReadFile(name)
		require.NoError(t, err)
		require.True(t, bytes.Equal(have, gen), "%s differs from the generator's output; run with -update", name)
	}
}
