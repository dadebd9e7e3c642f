package solver_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/roundtable-go/roundtable/solver"
)

func ExampleGraph_Solve() {
	g := solver.NewGraph(3)
	g.SetSupply(0, 2)
	g.SetSupply(2, -2)
	a := g.AddArc(0, 1, 0, 2, -5)
	g.AddConvexArc(1, 2, 0, []solver.Step{{Capacity: 1, Cost: 0}, {Capacity: 1, Cost: 40}})
	sol, err := g.Solve(context.Background())
	fmt.Println(sol.Cost, sol.Flow, err, sol.Verify(g))

	g.SetCapacity(a, 1) // warm start: now 2 units cannot get through
	_, err = g.Solve(context.Background())
	var cut *solver.InfeasibleError
	if errors.As(err, &cut) {
		fmt.Println(cut.Cut, cut.Excess, cut.Capacity)
	}
	// Output:
	// 30 [2 2] <nil> <nil>
	// [0] 2 1
}
