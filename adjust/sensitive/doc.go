// Package sensitive estimates the prevalence of a sensitive opinion from
// survey questions asked indirectly: list experiments and randomized
// response, with the respondent-file reader and the regression helpers
// they use. Package adjust turns the estimates into corrections of
// published polls.
package sensitive
