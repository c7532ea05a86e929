package poll

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// populate maps pages without touching what they hold, on a slice whose
// ends are not page-aligned and on one shorter than a page; on Linux (5.14
// or later, as this project's machines) it must succeed.
func TestPopulate(t *testing.T) {
	polls := make([]Poll, 1000)
	for i := range polls {
		polls[i].Line, polls[i].Pollster = i+1, "Levada"
	}
	ok := populate(pollBytes(polls[3:997]))
	if runtime.GOOS == "linux" && !ok && kernelAtLeast(5, 14) {
		t.Fatal("madvise(MADV_POPULATE_WRITE) failed on a kernel that has it")
	}
	for i := range polls {
		require.Equal(t, i+1, polls[i].Line)
		require.Equal(t, "Levada", polls[i].Pollster)
	}
	populate(pollBytes(polls[5:6]))
	assert.Equal(t, 6, polls[5].Line)
	assert.True(t, populate(nil) || runtime.GOOS != "linux")
	assert.True(t, populate(pollBytes(polls[:1])) || runtime.GOOS != "linux", "less than a page: nothing to do")

	p := prefaulted(3000, 2)
	assert.Equal(t, 3000, cap(p))
	for _, q := range p[:3000] {
		require.Zero(t, q.SampleSize)
	}
}
