package poll

import "unsafe"

// The memory of a large read's result. A page fault costs about 2 µs on
// this project's VM (BenchmarkPopulate's writes: 150–166 ms for 80,000
// pages), more when the collector makes a page fault twice, and the
// 80,000 pages of a million polls, written one by one before the
// parallel read filled them, were a third of a CPU profile of
// BenchmarkReadCSV1M at a slow phase of the VM; on two threads, at some
// phases, the TLB flushes doubled the read's CPU time.
// populate maps them in one system call where the kernel can
// (populate_linux.go), in 0.7–0.8 of the time of writing a byte a page
// (BenchmarkPopulate, a million polls' worth of fresh memory: 118–124
// against 153–166 ms); elsewhere prefaulted writes them page by page
// before the fill, which avoids the double faults described there.
// (Mapping the serial reads' smaller results too took 200 page faults off
// the peers' process, but no time that could be measured: they are filled
// as they are allocated.)

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
