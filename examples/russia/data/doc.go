// Package data embeds the published Putin approval series of the Levada
// Center, FOM and VTsIOM used by examples/russia and the notebook, and
// reads them with poll.ReadCSV. The files are unmodified copies of
// testdata/russia/ (see SOURCES.md in this directory); go:embed cannot
// reach testdata/ from here, and a package lets the notebook share them.
package data
