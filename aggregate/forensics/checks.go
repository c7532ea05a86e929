package forensics

import "fmt"

// Rule is an arithmetic relation between the lines of a protocol.
type Rule int

// The rules Check tests. The first three are the protocol's control
// relations (контрольные соотношения), which the commission must satisfy
// before signing; the others are bounds that follow from what the lines
// count.
const (
	// RuleBallots: received = issued + cancelled + lost − unaccounted
	// (line 2 = 3 + 4 + 5 + 6 + 11 − 12): every ballot received is
	// accounted for.
	RuleBallots Rule = iota
	// RuleCast: ballots in the boxes = invalid + valid (7 + 8 = 9 + 10).
	RuleCast
	// RuleValid: valid ballots = the sum of the candidates' votes.
	RuleValid
	// RuleIssuedCast: ballots in the boxes ≤ ballots issued
	// (7 + 8 ≤ 3 + 4 + 5): more ballots in the boxes than were handed
	// out is the arithmetic mark of ballot stuffing.
	RuleIssuedCast
	// RuleRegistered: ballots issued ≤ registered voters (3 + 4 + 5 ≤ 1).
	RuleRegistered
	// RuleMobile: ballots in the mobile boxes ≤ ballots issued outside
	// the station and early (7 ≤ 3 + 5).
	RuleMobile
	// RuleStationary: ballots in the stationary boxes ≤ ballots issued in
	// the station and early (8 ≤ 3 + 4).
	RuleStationary
	numRules
)

// String returns the rule's formula in protocol line numbers.
func (r Rule) String() string {
	switch r {
	case RuleBallots:
		return "2 = 3+4+5+6+11−12 (ballots received = issued + cancelled + lost − unaccounted)"
	case RuleCast:
		return "7+8 = 9+10 (ballots in boxes = invalid + valid)"
	case RuleValid:
		return "10 = Σ candidates (valid ballots = votes)"
	case RuleIssuedCast:
		return "7+8 ≤ 3+4+5 (ballots in boxes ≤ ballots issued)"
	case RuleRegistered:
		return "3+4+5 ≤ 1 (ballots issued ≤ registered voters)"
	case RuleMobile:
		return "7 ≤ 3+5 (mobile boxes ≤ issued outside and early)"
	case RuleStationary:
		return "8 ≤ 3+4 (stationary boxes ≤ issued inside and early)"
	}
	return fmt.Sprintf("Rule(%d)", int(r))
}

// Equality reports whether the rule is an equation (a control relation)
// rather than a bound.
func (r Rule) Equality() bool { return r <= RuleValid }

// Discrepancy is a protocol that breaks a rule: the two sides of the
// relation as computed from its lines. For an equation Left ≠ Right; for
// a bound Left > Right.
type Discrepancy struct {
	Rule        Rule
	Region      string
	Territorial string // empty for a region-level (remote) row
	Name        string // station commission; empty for a remote row
	Remote      bool   // the row is a region-level remote total
	Line        int
	Left, Right int
}

// Excess returns Left − Right: by how much the relation fails (for
// RuleIssuedCast, the ballots in the boxes beyond those issued).
func (d Discrepancy) Excess() int { return d.Left - d.Right }

func (d Discrepancy) String() string {
	where := d.Region
	if d.Remote {
		where += " (remote)"
	} else {
		where += ", " + d.Territorial + ", " + d.Name
	}
	return fmt.Sprintf("line %d, %s: %s: %d vs %d (%+d)", d.Line, where, d.Rule, d.Left, d.Right, d.Excess())
}

// sides returns the two sides of rule r for protocol p and votes, and
// whether they satisfy it.
func (r Rule) sides(p *Protocol, votes []int) (left, right int, ok bool) {
	switch r {
	case RuleBallots:
		left, right = p.Received, p.Issued()+p.Cancelled+p.Lost-p.Unaccounted
		return left, right, left == right
	case RuleCast:
		left, right = p.InBoxes(), p.Cast()
		return left, right, left == right
	case RuleValid:
		left = p.Valid
		for _, v := range votes {
			right += v
		}
		return left, right, left == right
	case RuleIssuedCast:
		left, right = p.InBoxes(), p.Issued()
	case RuleRegistered:
		left, right = p.Issued(), p.Registered
	case RuleMobile:
		left, right = p.Mobile, p.Early+p.Outside
	case RuleStationary:
		left, right = p.Stationary, p.Early+p.Inside
	}
	return left, right, left <= right
}

// Check tests every station's protocol, and every remote row's, against
// each Rule and returns the discrepancies in file order (stations, then
// remote rows; within a row in Rule order). A discrepancy rejects
// nothing: the protocol is an official record and stays in every count;
// the list says where its arithmetic fails and by how much.
func (e *Election) Check() []Discrepancy {
	var out []Discrepancy
	for i := range e.Stations {
		s := &e.Stations[i]
		for r := range numRules {
			if left, right, ok := r.sides(&s.Protocol, s.Votes); !ok {
				out = append(out, Discrepancy{Rule: r, Region: s.Region, Territorial: s.Territorial, Name: s.Name, Line: s.Line, Left: left, Right: right})
			}
		}
	}
	for i := range e.Remote {
		t := &e.Remote[i]
		for r := range numRules {
			if left, right, ok := r.sides(&t.Protocol, t.Votes); !ok {
				out = append(out, Discrepancy{Rule: r, Region: t.Region, Remote: true, Line: t.Line, Left: left, Right: right})
			}
		}
	}
	return out
}
