// Command flowgen writes an assignment-shaped minimum-cost flow problem in
// DIMACS format, the network of the solver benchmarks: P participants
// (supply 1) with D arcs each into S sessions at cost -value (value uniform
// in 0..1200) plus a skip arc to the sink at cost 0, and each session into
// the sink with a random capacity of 50 % to 100 % of P/S seats.
//
//	go run ./benchmarks/flowgen -p 10000 -d 10 -s 100 -seed 1 > p1e4.min
//	glpsol --mincost p1e4.min -o /dev/null
//	go run ./examples/mincostflow p1e4.min
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
)

func main() {
	p := flag.Int("p", 10000, "participants")
	d := flag.Int("d", 10, "arcs per participant into sessions (at most -s)")
	s := flag.Int("s", 100, "sessions")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *p < 1 || *s < 1 || *d < 1 || *d > *s {
		fmt.Fprintln(os.Stderr, "flowgen: need p >= 1, s >= 1, 1 <= d <= s")
		os.Exit(2)
	}
	rng := rand.New(rand.NewPCG(*seed, uint64(*p)))
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	// Nodes: 1 sink, 2..s+1 sessions, then participants.
	fmt.Fprintf(w, "c flowgen -p %d -d %d -s %d -seed %d\n", *p, *d, *s, *seed)
	fmt.Fprintf(w, "p min %d %d\n", 1+*s+*p, *s+*p*(*d+1))
	fmt.Fprintf(w, "n 1 %d\n", -*p)
	for i := range *p {
		fmt.Fprintf(w, "n %d 1\n", 2+*s+i)
	}
	for k := range *s {
		seats := int64(*p) / int64(*s) * (5 + rng.Int64N(6)) / 10
		fmt.Fprintf(w, "a %d 1 0 %d 0\n", 2+k, seats+1)
	}
	for i := range *p {
		v := 2 + *s + i
		for _, k := range rng.Perm(*s)[:*d] {
			fmt.Fprintf(w, "a %d %d 0 1 %d\n", v, 2+k, -rng.Int64N(1201))
		}
		fmt.Fprintf(w, "a %d 1 0 1 0\n", v)
	}
}
