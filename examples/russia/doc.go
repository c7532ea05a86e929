// Command russia is candor's main worked example: Putin's approval in
// Russia from the Levada Center (monthly, 1999–2024), FOM (weekly,
// 2013–2020) and VTsIOM (weekly, 2006–2020), read from embedded copies of
// the published series.
//
// Run it from anywhere, with no flags and no network:
//
//	go run ./examples/russia
//
// It prints its report on standard output.
package main
