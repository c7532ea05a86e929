// Package data embeds the published Putin approval series of the Levada
// Center, FOM and VTsIOM used by examples/russia and the notebook, and
// reads them with poll.ReadCSV; and the polling-station protocols of the
// March 2024 presidential election, which examples/russia sets beside
// the polls. The files are unmodified copies of testdata/russia/ and
// testdata/elections/ (see SOURCES.md in this directory); go:embed
// cannot reach testdata/ from here, and a package lets the notebook share
// them. Git stores each copy's content once.
package data
