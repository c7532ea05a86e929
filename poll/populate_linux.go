package poll

import (
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// madvPopulateWrite is MADV_POPULATE_WRITE (Linux 5.14): map the pages of
// a range writable now, as writing each would, without writing them.
const madvPopulateWrite = 23

// populate maps the whole pages of b's memory, writable, in one system
// call (see memory.go), keeping their contents. It reports false when the
// kernel does not know the request (before 5.14): the caller then writes
// the pages itself if it must.
func populate(b []byte) bool {
	pg := uintptr(os.Getpagesize())
	p := unsafe.Pointer(unsafe.SliceData(b))
	// The whole pages inside b: from its first page boundary to its last.
	skip := (pg - uintptr(p)%pg) % pg
	if uintptr(len(b)) < skip+pg {
		return true // no whole page: nothing worth a system call
	}
	size := (uintptr(len(b)) - skip) &^ (pg - 1)
	_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, uintptr(unsafe.Add(p, skip)), size, madvPopulateWrite)
	runtime.KeepAlive(b)
	return errno == 0
}
