//go:build !unix

package main

// maxRSS is unknown on this system.
func maxRSS() uint64 { return 0 }
