//go:build race

package assign

// raceEnabled is true under the race detector, which slows the search
// about tenfold: the oracle tests then run fewer events, so that searches
// that stop on their time limit do not decide the result.
const raceEnabled = true
