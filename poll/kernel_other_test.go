//go:build !linux

package poll

// kernelAtLeast is false where the kernel is not Linux.
func kernelAtLeast(int, int) bool { return false }
