//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package aggregate

import "time"

func cpuTime() (time.Duration, bool) { return 0, false }
