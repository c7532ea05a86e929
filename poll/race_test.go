//go:build race

package poll

// raceEnabled: the race detector allocates for itself, so tests that
// measure allocation skip under it.
const raceEnabled = true
