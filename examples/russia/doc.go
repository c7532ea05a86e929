// Command russia is candor's main worked example: Putin's approval in
// Russia from the Levada Center (monthly, 1999–2024), FOM (weekly,
// 2013–2020) and VTsIOM (weekly, 2006–2020), with fear-of-response
// scenarios, set against the March 2024 official result and the clean
// share the count's own polling stations imply — all read from embedded
// copies of the published files.
//
// Run it from anywhere, with no network:
//
//	go run ./examples/russia [-o DIR]
//
// It prints the full report on standard output and writes its files
// (report, HTML page, series, house effects, charts) into DIR. It is a
// thin caller of package aggregate/report, which `pollagg report` runs
// on any set of files.
package main
