package mip

import (
	"math"

	"github.com/roundtable-go/roundtable/solver"
)

// Relaxation returns the model's linear relaxation for solver.SolveLP, in
// the same columns and rows. Binaries lie in [0, 1]; every continuous
// variable is boxed by a bound that an optimal solution of the MIP meets
// (const1 by 1, q[s,g] by f(N), u by 1, rp by its common sessions less
// one), so the relaxation's optimum is still at least the MIP's and every
// column is boxed, as solver.LP.DualBound needs for an exact bound.
func (m *Model) Relaxation() *solver.LP {
	lp := &solver.LP{}
	for c, coef := range m.obj {
		lp.AddCol(float64(coef), 0, float64(m.upper[c]))
	}
	var cols []int
	var vals []float64
	for _, r := range m.rows {
		cols, vals = cols[:0], vals[:0]
		for _, t := range r.terms {
			cols = append(cols, t.col)
			vals = append(vals, float64(t.coef))
		}
		lo, hi := math.Inf(-1), math.Inf(1)
		switch r.sense {
		case "<=":
			hi = float64(r.rhs)
		case ">=":
			lo = float64(r.rhs)
		default:
			lo, hi = float64(r.rhs), float64(r.rhs)
		}
		lp.AddRow(lo, hi, cols, vals)
	}
	return lp
}
