package forensics

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// balanced is a protocol that satisfies every rule: 1,000 voters, 600
// ballots issued (20 early, 540 inside, 40 outside), 598 in the boxes.
func balanced() (Protocol, []int) {
	p := Protocol{Registered: 1000, Received: 700, Early: 20, Inside: 540, Outside: 40, Cancelled: 100,
		Mobile: 50, Stationary: 548, Invalid: 8, Valid: 590}
	return p, []int{400, 190}
}

func TestRules(t *testing.T) {
	cases := []struct {
		name        string
		edit        func(p *Protocol, v []int)
		rule        Rule
		left, right int
	}{
		{"ballot received but not accounted for", func(p *Protocol, v []int) { p.Received++ }, RuleBallots, 701, 700},
		{"a lost ballot accounts for one", func(p *Protocol, v []int) { p.Lost++ }, RuleBallots, 700, 701},
		{"boxes ≠ valid + invalid", func(p *Protocol, v []int) { p.Invalid-- }, RuleCast, 598, 597},
		{"votes ≠ valid", func(p *Protocol, v []int) { v[0] += 5 }, RuleValid, 590, 595},
		{"more in the boxes than issued", func(p *Protocol, v []int) { p.Stationary += 3; p.Valid += 3; v[0] += 3 }, RuleIssuedCast, 601, 600},
		{"more issued than registered", func(p *Protocol, v []int) { p.Registered = 599 }, RuleRegistered, 600, 599},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, v := balanced()
			for r := range numRules {
				_, _, ok := r.sides(&p, v)
				require.True(t, ok, "the balanced protocol breaks %v", r)
			}
			c.edit(&p, v)
			e := &Election{Candidates: []string{"A", "B"}, Stations: []Station{{Region: "R", Territorial: "T", Name: "1", Line: 7, Protocol: p, Votes: v}}}
			ds := e.Check()
			var found *Discrepancy
			for i := range ds {
				if ds[i].Rule == c.rule {
					found = &ds[i]
				}
			}
			require.NotNil(t, found, "%v", ds)
			assert.Equal(t, c.left, found.Left)
			assert.Equal(t, c.right, found.Right)
			assert.Equal(t, c.left-c.right, found.Excess())
			assert.Equal(t, 7, found.Line)
		})
	}
	// The bounds on the two kinds of box.
	p, v := balanced()
	p.Mobile, p.Stationary = 70, 528 // 70 > 20 early + 40 outside
	d := (&Election{Stations: []Station{{Protocol: p, Votes: v}}}).Check()
	require.Len(t, d, 1)
	assert.Equal(t, RuleMobile, d[0].Rule)
	p.Mobile, p.Stationary = 10, 588 // 588 > 20 early + 540 inside
	d = (&Election{Stations: []Station{{Protocol: p, Votes: v}}}).Check()
	require.Len(t, d, 1)
	assert.Equal(t, RuleStationary, d[0].Rule)
	assert.True(t, RuleCast.Equality())
	assert.False(t, RuleIssuedCast.Equality())
	assert.Equal(t, "Rule(99)", Rule(99).String())
}

// The published protocols balance: no control relation fails in either
// file. The bounds fail at a few stations, reported with their lines.
func TestCheckReal(t *testing.T) {
	got := map[string][]string{}
	for year, e := range map[string]*Election{"2024": load2024(t), "2018": load2018(t)} {
		for _, d := range e.Check() {
			assert.False(t, d.Rule.Equality(), "%s: %v", year, d)
			got[year] = append(got[year], fmt.Sprintf("%d %v %+d", d.Line, d.Rule, d.Excess()))
		}
	}
	short := func(r Rule) string { return r.String() }
	assert.Equal(t, []string{
		"16769 " + short(RuleStationary) + " +1",
		"20301 " + short(RuleMobile) + " +1",
		"72764 " + short(RuleIssuedCast) + " +1", // Красноуфимская городская, УИК №2056: 1,288 ballots in the boxes, 1,287 issued
		"72764 " + short(RuleMobile) + " +1",
		"80664 " + short(RuleStationary) + " +182", // Тюмень, Ленинская, УИК №2167: 242 in the stationary box, 60 issued inside
	}, got["2024"])
	var cast2018 int
	for _, s := range got["2018"] {
		if strings.Contains(s, "ballots issued)") {
			cast2018++
		}
	}
	assert.Len(t, got["2018"], 35)
	assert.Equal(t, 6, cast2018)
	assert.Contains(t, Discrepancy{Rule: RuleIssuedCast, Region: "Свердловская область", Territorial: "Красноуфимская городская", Name: "УИК №2056", Line: 72764, Left: 1288, Right: 1287}.String(),
		"line 72764, Свердловская область, Красноуфимская городская, УИК №2056: 7+8 ≤ 3+4+5")
	assert.Contains(t, Discrepancy{Rule: RuleCast, Region: "город Москва", Remote: true, Line: 29}.String(), "город Москва (remote)")
}
