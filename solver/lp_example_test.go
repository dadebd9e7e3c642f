package solver_test

import (
	"context"
	"fmt"
	"math"

	"github.com/roundtable-go/roundtable/solver"
)

func ExampleSolveLP() {
	lp := &solver.LP{}
	x := lp.AddCol(3, 0, 1) // maximise 3x + 2y with x, y in [0, 1]
	y := lp.AddCol(2, 0, 1)
	lp.AddRow(math.Inf(-1), 1, []int{x, y}, []float64{1, 1}) // x + y <= 1
	sol, err := solver.SolveLP(context.Background(), lp, solver.LPOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%v: x = %.0f, y = %.0f, bound %.6f\n", sol.Status, sol.X[x], sol.X[y], sol.Bound)
	// Output: optimal: x = 1, y = 0, bound 3.000000
}
