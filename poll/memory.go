package poll

import "unsafe"

// The memory of a read's result. A reader that knows how many polls it
// will return allocates them at once, and a large result's pages are
// mapped before they are filled: on this project's VM a page fault costs
// 2–8 µs, so the 82,000 pages of a million polls, faulted one by one as
// they were written, were a third of ReadCSV's time, and the 164 of the
// peers' 2,000 polls a tenth of a process that reads and fits them.
// populate maps them in one system call where the kernel can
// (populate_linux.go), in about half the time; elsewhere the large
// parallel read writes them page by page (prefaulted), which avoids the
// double faults below. The large parallel read maps the whole result (it
// wrote every page before); the serial reads map its first megabyte.

// populateMin and populateMax bound what newPolls maps before a result
// is filled: from sixteen pages, below which the faults cost less than
// the system call, to 1 MB (3,120 polls), so that a file whose rows are
// rejected makes no more than that resident for nothing.
const (
	populateMin = 16 << 12
	populateMax = 1 << 20
)

// newPolls returns an empty slice with room for n polls, the pages of its
// first populateMax bytes mapped when it is large (populate).
func newPolls(n int) []Poll {
	polls := make([]Poll, n)
	if b := pollBytes(polls); len(b) >= populateMin {
		populate(b[:min(len(b), populateMax)])
	}
	return polls[:0]
}

// prefaulted returns an empty slice of n polls' capacity whose memory is
// mapped (populate) or, where it cannot be, written page by page (on up
// to workers goroutines), as a large result's must be before it is
// filled: its allocation starts the collector, which scans it while the
// parts are read into it, and a page the collector reads before it is
// written is mapped to the shared zero page, to fault again at the first
// write (and, with several threads, to flush the other cores' TLBs, which
// on a VM can cost a second of system time). The collector takes a large
// object's pieces from the top: so does the calling goroutine, which
// starts first. A million polls read by one goroutine, written page by
// page: 156,000 page faults and 0.4 s of system time without, 85,000 and
// 0.24 s with; by two, the collector still wins part of the race
// (112,000–125,000 against 158,000).
func prefaulted(n, workers int) []Poll {
	polls := make([]Poll, n)
	if populate(pollBytes(polls)) {
		return polls[:0]
	}
	const perPage = 4096 / int(unsafe.Sizeof(Poll{}))
	size := (n + workers - 1) / workers
	parallelFor(workers, workers, func(_, k int) {
		k = workers - 1 - k // the caller, first, from the top
		for i := min(n, (k+1)*size) - 1; i >= k*size; i -= perPage {
			polls[i].SampleSize = 0
		}
	})
	return polls[:0]
}

// pollBytes returns the memory of polls as bytes, for populate.
func pollBytes(polls []Poll) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(polls))), uintptr(len(polls))*unsafe.Sizeof(Poll{}))
}
