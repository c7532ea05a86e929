package poll

import (
	"regexp"
	"sync"
)

// pattern returns a regular expression compiled on first use. Compiling
// the readers' ten patterns at package initialisation cost every program
// that imports poll about 0.4 ms (a third of a small process's run, such
// as a fit of 2,000 polls read from a CSV file that needs none of them).
func pattern(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
