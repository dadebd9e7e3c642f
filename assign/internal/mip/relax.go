package mip

import (
	"math"

	"github.com/roundtable-go/roundtable/solver"
)

// Relaxation returns the model's linear relaxation for solver.SolveLP.
// Its first columns are the model's, in order (so a solution's first
// values are the model's variables); binaries lie in [0, 1], and every
// continuous variable is boxed by a bound that an optimal solution of the
// MIP meets (const1 by 1, u by 1, rp by its common sessions less one), so
// the relaxation's optimum is still at least the MIP's and every column
// is boxed, as solver.LP.DualBound needs for an exact bound.
//
// The samePair terms are stated the other way round, with the same
// value: instead of q[s,g] above the n-1 lines L_j (rows sp), which make
// most of the rows, one row per organisation and session,
//
//	sum of the members' x[p,s] - z_2 - ... - z_n <= 1,
//
// with z_k in [0, 1] costing samePair·(k-1), the k-th colleague's new
// pairs; q is fixed to 0. Since the costs grow with k, an optimum fills
// the z in order and pays exactly the interpolation max_j L_j of the
// model. The row's price is then the price of a seat for a colleague.
func (m *Model) Relaxation() *solver.LP {
	lp := &solver.LP{}
	for c, coef := range m.obj {
		lp.AddCol(float64(coef), 0, float64(m.upper[c]))
	}
	skip := make([]bool, len(m.rows))
	var zcols [][]int
	for _, g := range m.pairs {
		lp.SetBounds(g.q, 0, 0)
		for j := range g.n - 1 {
			if !m.lean { // a lean model has no sp rows
				skip[g.row+j] = true
			}
		}
		var zs []int
		for k := 2; k <= g.n; k++ {
			zs = append(zs, lp.AddCol(float64(m.obj[g.q])*float64(k-1), 0, 1))
		}
		zcols = append(zcols, zs)
	}
	var cols []int
	var vals []float64
	for i, r := range m.rows {
		if skip[i] {
			continue
		}
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
	for k, g := range m.pairs {
		cols, vals = cols[:0], vals[:0]
		for _, c := range g.members {
			cols = append(cols, c)
			vals = append(vals, 1)
		}
		for _, z := range zcols[k] {
			cols = append(cols, z)
			vals = append(vals, -1)
		}
		lp.AddRow(math.Inf(-1), 1, cols, vals)
	}
	return lp
}

// Seat is the column of participant P in session S, indices into the
// normalized event's lists.
type Seat struct{ P, S, Col int }

// Seats lists the x columns.
func (m *Model) Seats() []Seat {
	out := make([]Seat, len(m.xs))
	for i, x := range m.xs {
		out[i] = Seat{x.p, x.s, x.col}
	}
	return out
}

// Room is the column of organisation O's room in round R with host H,
// indices into the normalized event's lists.
type Room struct{ O, R, H, Col int }

// Rooms lists the d columns.
func (m *Model) Rooms() []Room {
	out := make([]Room, len(m.ds))
	for i, d := range m.ds {
		out[i] = Room{d.o, d.r, d.h, d.col}
	}
	return out
}

// Binaries lists the binary columns (x, d and y), in order.
func (m *Model) Binaries() []int {
	var out []int
	for c, k := range m.kinds {
		if k == binary {
			out = append(out, c)
		}
	}
	return out
}
