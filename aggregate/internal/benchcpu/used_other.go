//go:build !unix

package benchcpu

import "time"

// Used returns 0: the process's CPU time is read on unix systems only.
func Used() time.Duration { return 0 }
