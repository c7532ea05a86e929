//go:build !linux

package poll

// populate is a no-op where madvise's MADV_POPULATE_WRITE does not exist:
// the caller writes the pages itself (see populate_linux.go).
func populate([]byte) bool { return false }
