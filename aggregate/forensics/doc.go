// Package forensics measures an official election count against its own
// polling stations. Read (ReadFile, ReadZip) takes the polling-station
// protocols in the compilers' layout (testdata/SOURCES.md) and keeps the
// region-level remote e-voting apart (Election.Remote); Check reports the
// protocols whose arithmetic fails; Results recomputes national and
// regional turnout and shares exactly.
package forensics
