//go:build race

package main

// raceEnabled is true under the race detector, which slows solves about
// tenfold.
const raceEnabled = true
