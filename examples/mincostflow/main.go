// Command mincostflow solves a minimum-cost flow problem in DIMACS format
// (the format of LEMON and of GLPK's glpsol --mincost) with package solver.
//
// Usage:
//
//	mincostflow [FILE]      # reads standard input when FILE is absent or "-"
//
// It prints "s COST" and then "f FROM TO FLOW" for every arc with flow, or
// "s infeasible" followed by a "c" comment naming a cut that proves it.
// Exit status: 0 when solved (optimal or infeasible), 2 on unreadable or
// malformed input (every problem reported with its line number on standard
// error), 1 on other failures.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/roundtable-go/roundtable/solver"
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 1 {
		fmt.Fprintln(stderr, "usage: mincostflow [FILE]")
		return 2
	}
	in, name := stdin, "standard input"
	if len(args) == 1 && args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			fmt.Fprintln(stderr, "mincostflow:", err)
			return 2
		}
		defer f.Close()
		in, name = f, args[0]
	}
	g, err := solver.ReadDIMACS(bufio.NewReaderSize(in, 1<<16))
	if err != nil {
		fmt.Fprintf(stderr, "mincostflow: %s:\n%v\n", name, err)
		return 2
	}
	sol, err := g.Solve(context.Background())
	var ie *solver.InfeasibleError
	switch {
	case err == nil:
	case errors.As(err, &ie):
		if werr := solver.WriteSolution(stdout, g, nil); werr != nil {
			fmt.Fprintln(stderr, "mincostflow:", werr)
			return 1
		}
		fmt.Fprintf(stdout, "c cut of %d node(s): net supply %d, capacity out %d\n", len(ie.Cut), ie.Excess, ie.Capacity)
		return 0
	case errors.Is(err, solver.ErrInfeasible):
		if werr := solver.WriteSolution(stdout, g, nil); werr != nil {
			fmt.Fprintln(stderr, "mincostflow:", werr)
			return 1
		}
		fmt.Fprintf(stdout, "c %v\n", err)
		return 0
	case errors.Is(err, solver.ErrInvalid), errors.Is(err, solver.ErrOverflow):
		fmt.Fprintf(stderr, "mincostflow: %s: %v\n", name, err)
		return 2
	default:
		fmt.Fprintln(stderr, "mincostflow:", err)
		return 1
	}
	if err := solver.WriteSolution(stdout, g, sol); err != nil {
		fmt.Fprintln(stderr, "mincostflow:", err)
		return 1
	}
	return 0
}
