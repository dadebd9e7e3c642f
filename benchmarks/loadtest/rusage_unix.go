//go:build unix

package main

import (
	"runtime"
	"syscall"
)

// maxRSS is the process's maximum resident set size in bytes, from
// getrusage (0 if unknown).
func maxRSS() uint64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return uint64(ru.Maxrss) // bytes
	}
	return uint64(ru.Maxrss) * 1024 // kilobytes
}
