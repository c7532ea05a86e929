// Command us-approval runs FiveThirtyEight's Trump approval poll list
// (2017–2020, embedded) through candor's three models — the 538-style
// Average, the state-space model and its Bayesian version — and sets
// their house effects beside 538's own.
//
//	go run ./examples/us-approval
//
// It prints a report and writes us-approval.png to the current directory.
package main
