//go:build unix

package importer

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user and system, all threads) of the process
// so far: on a machine shared with other work the wall time of a run
// varies by half, its CPU time much less.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
