package main

// The truth behind the synthetic data (see generate_test.go, which draws
// the files from these values), printed by the report so that every
// estimate can be checked against it.
const (
	dataSeed        = 20220301 // seed of the generator
	truthPrevalence = 0.62     // private approval
	truthFalsify    = 0.25     // share of private opponents who say "approve" when asked directly
)
