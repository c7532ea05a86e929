package forensics

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// full runs the simulation suites with the full number of replicates:
// go test ./aggregate/forensics -run Coverage -forensics.full -v
var full = flag.Bool("forensics.full", false, "run the forensics coverage simulations with the full number of replicates (slow)")

// simConfig describes a simulated election. Rates are fractions.
type simConfig struct {
	Regions, Stations int
	// Honest turnout: national mean, sd of the regional means around it,
	// sd of the stations around their region's.
	Turnout, RegionTurnoutSD, TurnoutSD float64
	// The leader's honest share of the valid ballots, likewise. Drawn
	// independently of turnout: the assumption of Shpilkin's method.
	Share, RegionShareSD, ShareSD float64
	// StuffFraction of the stations get ballots for the leader added up
	// to a turnout drawn uniformly from [StuffFrom, 0.98].
	StuffFraction, StuffFrom float64
	// IntegerStations unstuffed stations have their turnout written to
	// the nearest whole percentage (the leader's votes moved with it).
	IntegerStations int
}

// simTruth is what the simulation knows and the estimators must find.
type simTruth struct {
	Anomalous  int     // ballots added for the leader
	CleanShare float64 // the leader's share of the honest cast ballots, percent
	// IntegerExcess is how many stations the writing to whole
	// percentages made integer (turnout or share) that were not.
	IntegerExcess int
}

// simulate draws an election from cfg with the given seed.
func simulate(cfg simConfig, seed uint64) (*Election, simTruth) {
	src := rand.NewPCG(seed, 0x5eed)
	rng := rand.New(src)
	binom := func(n int, p float64) int {
		if n <= 0 || p <= 0 {
			return 0
		}
		if p >= 1 {
			return n
		}
		return int(distuv.Binomial{N: float64(n), P: p, Src: src}.Rand())
	}
	clamp := func(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }
	e := &Election{Source: fmt.Sprintf("simulated (seed %d)", seed), Candidates: []string{"Leader", "A", "B", "C"}}
	type regionRates struct{ turnout, share float64 }
	regions := make([]regionRates, cfg.Regions)
	for r := range regions {
		regions[r] = regionRates{cfg.Turnout + cfg.RegionTurnoutSD*rng.NormFloat64(), cfg.Share + cfg.RegionShareSD*rng.NormFloat64()}
	}
	var truth simTruth
	var honestLeader, honestCast int
	integerLeft := cfg.IntegerStations
	for i := range cfg.Stations {
		r := i * cfg.Regions / cfg.Stations
		n := 500 + rng.IntN(2501)
		tau := clamp(regions[r].turnout+cfg.TurnoutSD*rng.NormFloat64(), 0.05, 0.95)
		pi := clamp(regions[r].share+cfg.ShareSD*rng.NormFloat64(), 0.02, 0.98)
		issued := binom(n, tau)
		inBox := issued - binom(issued, 0.002)
		invalid := binom(inBox, 0.01)
		valid := inBox - invalid
		leader := binom(valid, pi)
		a := binom(valid-leader, 0.4)
		b := binom(valid-leader-a, 0.55)
		c := valid - leader - a - b
		honestLeader += leader
		honestCast += inBox
		if rng.Float64() < cfg.StuffFraction {
			target := int(math.Round(float64(n) * (cfg.StuffFrom + (0.98-cfg.StuffFrom)*rng.Float64())))
			if s := target - issued; s > 0 {
				issued += s
				inBox += s
				valid += s
				leader += s
				truth.Anomalous += s
			}
		} else if integerLeft > 0 {
			integerLeft--
			before := integerPercent(issued, n, 0.1) || integerPercent(leader, inBox, 0.1)
			j := math.Round(100 * float64(issued) / float64(n))
			d := int(math.Round(float64(n)*j/100)) - issued
			if leader+d >= 0 && issued+d <= n {
				issued += d
				inBox += d
				valid += d
				leader += d
			}
			after := integerPercent(issued, n, 0.1) || integerPercent(leader, inBox, 0.1)
			if after && !before {
				truth.IntegerExcess++
			} else if before && !after {
				truth.IntegerExcess--
			}
		}
		outside := binom(issued, 0.05)
		mobile := int(math.Round(float64(inBox) * float64(outside) / math.Max(1, float64(issued))))
		p := Protocol{Registered: n, Inside: issued - outside, Outside: outside, Cancelled: 50,
			Mobile: mobile, Stationary: inBox - mobile, Invalid: invalid, Valid: valid}
		p.Received = p.Issued() + p.Cancelled
		e.Stations = append(e.Stations, Station{
			Region: fmt.Sprintf("R%02d", r), Territorial: "T", Name: fmt.Sprint(i + 1), Line: i + 2,
			Protocol: p, Votes: []int{leader, a, b, c},
		})
	}
	truth.CleanShare = 100 * float64(honestLeader) / float64(honestCast)
	return e, truth
}

// stuffed2024 is a simulated election shaped like the Russian ones: an
// honest bell of turnout around 55%, a leader at 75% of the valid
// ballots, regional variation in both, and a fifth of the stations
// stuffed up to 75–98% turnout.
var stuffed2024 = simConfig{
	Regions: 40, Stations: 4000,
	Turnout: 0.55, RegionTurnoutSD: 0.04, TurnoutSD: 0.07,
	Share: 0.75, RegionShareSD: 0.03, ShareSD: 0.05,
	StuffFraction: 0.2, StuffFrom: 0.75,
}
