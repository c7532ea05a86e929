// Command listexp goes from respondent-level survey data to a correction
// of published approval: a list experiment with a direct question, and a
// randomized-response survey, both read from CSV (synthetic data with a
// known truth, see generate_test.go), through the estimators of package
// adjust/sensitive, a test for design effects, the falsification gap they imply and
// its application to a published poll series (Levada, 2023–2024).
//
//	go run ./examples/listexp
package main
