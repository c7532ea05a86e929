package poll

import (
	"syscall"
	"testing"
	"unsafe"
)

// BenchmarkPopulate maps a million polls' worth of fresh memory (328 MB)
// the two ways a large read's result can be made resident before it is
// filled: one madvise(MADV_POPULATE_WRITE) (populate), or a write to
// every page (prefaulted's fallback). Each iteration maps the memory anew
// (mmap, munmap), so that every page is fresh, as a result's are in a
// process that reads once.
//
//	go test ./poll -run '^$' -bench Populate -cpu 1 -benchtime 10x
func BenchmarkPopulate(b *testing.B) {
	const size = 1_000_000 * int(unsafe.Sizeof(Poll{}))
	for _, tc := range []struct {
		name string
		fill func(m []byte) bool // false: not supported here
	}{
		{"madvise", populate},
		{"write", func(m []byte) bool {
			for i := len(m) - 1; i >= 0; i -= 4096 {
				m[i] = 0
			}
			return true
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			start := processCPU()
			for b.Loop() {
				m, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
				if err != nil {
					b.Fatal(err)
				}
				ok := tc.fill(m)
				if err := syscall.Munmap(m); err != nil {
					b.Fatal(err)
				}
				if !ok {
					b.Skip("madvise(MADV_POPULATE_WRITE) not supported by this kernel")
				}
			}
			reportCPU(b, start)
		})
	}
}
