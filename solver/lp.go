package solver

import (
	"context"
	"errors"
	"fmt"
	"math"
)

// LP is a linear programme
//
//	maximise  c·x  subject to  RowLo ≤ A x ≤ RowHi,  Lo ≤ x ≤ Hi,
//
// with A sparse. Bounds may be infinite. Build it with AddCol and AddRow;
// SolveLP solves it by the dual simplex method. An LP is not safe for
// concurrent use (it builds a column-wise copy of A when first needed).
type LP struct {
	obj, lo, hi  []float64
	rowLo, rowHi []float64
	// A by rows and by columns.
	rowStart []int
	rowIdx   []int
	rowVal   []float64
	// A by columns, built from the rows when first needed (column j's
	// entries are colIdx/colVal[colStart[j]:colStart[j+1]]).
	colStart []int
	colIdx   []int
	colVal   []float64
	err      error // the first misuse of AddRow or SetBounds
}

// AddCol adds a column with objective coefficient c and bounds [lo, hi]
// and returns its index.
func (lp *LP) AddCol(c, lo, hi float64) int {
	lp.obj = append(lp.obj, c)
	lp.lo = append(lp.lo, lo)
	lp.hi = append(lp.hi, hi)
	lp.colStart = nil
	return len(lp.obj) - 1
}

// column returns column j's rows and coefficients, building the
// column-wise copy of A first if a row was added since.
func (lp *LP) column(j int) ([]int, []float64) {
	if lp.colStart == nil {
		n := len(lp.obj)
		start := make([]int, n+1)
		for _, j := range lp.rowIdx {
			start[j+1]++
		}
		for j := range n {
			start[j+1] += start[j]
		}
		idx := make([]int, len(lp.rowIdx))
		val := make([]float64, len(lp.rowIdx))
		next := append([]int(nil), start[:n]...)
		for i := range lp.rowLo {
			for k := lp.rowStart[i]; k < lp.rowStart[i+1]; k++ {
				j := lp.rowIdx[k]
				idx[next[j]], val[next[j]] = i, lp.rowVal[k]
				next[j]++
			}
		}
		lp.colStart, lp.colIdx, lp.colVal = start, idx, val
	}
	a, b := lp.colStart[j], lp.colStart[j+1]
	return lp.colIdx[a:b:b], lp.colVal[a:b:b]
}

// SetBounds changes column j's bounds.
func (lp *LP) SetBounds(j int, lo, hi float64) {
	if j < 0 || j >= len(lp.obj) {
		lp.setErr(fmt.Errorf("%w: SetBounds of column %d; there are %d", ErrLPInvalid, j, len(lp.obj)))
		return
	}
	lp.lo[j], lp.hi[j] = lo, hi
}

// setErr keeps the first error in building the programme, for SolveLP.
func (lp *LP) setErr(err error) {
	if lp.err == nil {
		lp.err = err
	}
}

// AddRow adds the row lo ≤ Σ val[k]·x[cols[k]] ≤ hi and returns its index.
// A column may appear once per row.
func (lp *LP) AddRow(lo, hi float64, cols []int, val []float64) int {
	if len(lp.rowStart) == 0 {
		lp.rowStart = append(lp.rowStart, 0)
	}
	i := len(lp.rowLo)
	if len(cols) != len(val) {
		lp.setErr(fmt.Errorf("%w: row %d: %d columns but %d values", ErrLPInvalid, i, len(cols), len(val)))
		cols = nil // SolveLP refuses the programme anyway
	}
	for _, j := range cols {
		if j < 0 || j >= len(lp.obj) {
			lp.setErr(fmt.Errorf("%w: row %d names column %d; there are %d", ErrLPInvalid, i, j, len(lp.obj)))
			cols = nil
			break
		}
	}
	lp.rowLo = append(lp.rowLo, lo)
	lp.rowHi = append(lp.rowHi, hi)
	for k, j := range cols {
		lp.rowIdx = append(lp.rowIdx, j)
		lp.rowVal = append(lp.rowVal, val[k])
	}
	lp.rowStart = append(lp.rowStart, len(lp.rowIdx))
	lp.colStart = nil
	return i
}

// NumCols and NumRows are the programme's size.
func (lp *LP) NumCols() int { return len(lp.obj) }

// NumRows is the number of rows.
func (lp *LP) NumRows() int { return len(lp.rowLo) }

// LPStatus says how SolveLP ended.
type LPStatus int

const (
	// LPOptimal: X and Y are optimal (within tolerances).
	LPOptimal LPStatus = iota
	// LPInfeasible: no x meets the rows and bounds.
	LPInfeasible
	// LPStopped: the context ended, the iteration limit was reached, or
	// the basis grew too ill-conditioned to pivot on; Y still gives a
	// valid Bound.
	LPStopped
)

func (s LPStatus) String() string {
	switch s {
	case LPOptimal:
		return "optimal"
	case LPInfeasible:
		return "infeasible"
	case LPStopped:
		return "stopped"
	}
	return fmt.Sprintf("LPStatus(%d)", int(s))
}

// LPSolution is what SolveLP found.
type LPSolution struct {
	Status LPStatus
	// X is the last basic solution: within bounds, and meeting the rows
	// when Status is LPOptimal.
	X []float64
	// Y holds a price per row; Bound = lp.DualBound(Y) is an upper bound
	// on c·x over every x that meets rows and bounds, whatever Status
	// says.
	Y          []float64
	Bound      float64
	Iterations int
}

// DualBound returns an upper bound on c·x over every x that meets the rows
// and bounds, for any row prices y: the maximum over the bounds of the
// Lagrangian c·x - y·(A x - r), r within the rows' ranges (weak duality).
// Prices of the wrong sign for an infinite side count as 0. The sum is
// rounded upwards by a margin for floating-point error, so the result is
// a bound in exact arithmetic too. It is +Inf when some reduced cost
// pushes a variable towards an infinite bound, except that one within the
// simplex method's tolerance (1e-9 relative) counts as 0: only then is
// the bound not exact, and a programme whose columns are all boxed never
// has that case. A NaN or infinite price gives +Inf.
func (lp *LP) DualBound(y []float64) float64 {
	if len(y) != len(lp.rowLo) {
		return math.Inf(1) // no price for some row: no bound
	}
	yy := make([]float64, len(lp.rowLo))
	sum, mag := 0.0, 0.0
	for i := range yy {
		v := y[i]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return math.Inf(1) // no bound from such a price
		}
		switch {
		case v > 0 && math.IsInf(lp.rowHi[i], 1):
			v = 0
		case v < 0 && math.IsInf(lp.rowLo[i], -1):
			v = 0
		}
		yy[i] = v
		if v > 0 {
			sum += v * lp.rowHi[i]
			mag += math.Abs(v * lp.rowHi[i])
		} else if v < 0 {
			sum += v * lp.rowLo[i]
			mag += math.Abs(v * lp.rowLo[i])
		}
	}
	for j, c := range lp.obj {
		d := c
		m := math.Abs(c)
		rows, vals := lp.column(j)
		for k, i := range rows {
			t := yy[i] * vals[k]
			d -= t
			m += math.Abs(t)
		}
		// A reduced cost within rounding of 0 may be of either sign.
		slack := m * 4e-16 * float64(len(rows)+2)
		var b float64
		switch {
		case d > slack:
			b = lp.hi[j]
		case d < -slack:
			b = lp.lo[j]
		default:
			b = math.Max(math.Abs(lp.lo[j]), math.Abs(lp.hi[j]))
			d = slack
		}
		if math.IsInf(b, 0) {
			if math.Abs(d) > lpTolDual*(1+m) {
				return math.Inf(1)
			}
			continue // within the method's tolerance: counted as 0
		}
		sum += d * b
		mag += math.Abs(d*b) + slack*math.Abs(b)
	}
	return sum + mag*1e-14
}

// ErrLPInvalid is returned (wrapped) by SolveLP for a malformed programme:
// a lower bound above an upper one, NaN data, an infinite objective
// coefficient.
var ErrLPInvalid = errors.New("solver: invalid linear programme")

// LPOptions limit SolveLP; the zero value means no limit.
type LPOptions struct {
	// MaxIterations stops the method after that many pivots.
	MaxIterations int
}

// SolveLP solves lp by the bounded dual simplex method with dual
// steepest-edge pricing and a bound-flipping ratio test (Koberstein, "The
// dual simplex method, techniques for a fast and stable implementation",
// PhD thesis, Paderborn, 2005). It starts from the basis of the row
// activities, which is dual feasible once every column sits at the bound
// its objective prefers, except that a row with only an upper bound and
// boxed columns starts with its cheapest column in the basis (a crash
// that keeps the basis triangular and dual feasible; on an event's
// relaxation it seats everyone in their best session of each round). A
// column whose preferred bound is infinite gets an artificial bound of
// 1e9, and if the answer rests on one (the column held there by its
// reduced cost) the programme is reported as unbounded through an error.
// At the end such columns the objective does not care about are moved
// to 0 (or their finite bound) and the values computed afresh, so that
// 1e9 does not blur them, and an answer of "infeasible" is checked from a
// fresh factorisation before it is given.
//
// Every basis it visits is dual feasible, so its prices give a valid
// bound at any moment: when ctx ends, SolveLP returns the last basis with
// status LPStopped and no error.
func SolveLP(ctx context.Context, lp *LP, opts LPOptions) (*LPSolution, error) {
	s, err := NewSimplex(lp)
	if err != nil {
		return nil, err
	}
	return s.Solve(ctx, opts)
}

// Simplex is SolveLP's method kept between solves: after a solve, column
// bounds may change (to dive towards an integral solution, say) and Solve
// goes on from the last basis, which stays dual feasible, usually for a
// few pivots. A Simplex is not safe for concurrent use.
type Simplex struct {
	lp      *LP
	d       *dualSimplex
	started bool
	moved   bool // bounds changed since the basic values were computed
}

// NewSimplex checks lp and prepares to solve it.
func NewSimplex(lp *LP) (*Simplex, error) {
	if err := lp.check(); err != nil {
		return nil, err
	}
	return &Simplex{lp: lp, d: newDualSimplex(lp, true)}, nil
}

// SetBounds changes column j's bounds, both finite, lo <= hi, in the
// programme and in the method: a column outside the basis moves to the
// bound its reduced cost prefers, which keeps the basis dual feasible. It
// reports false, changing nothing, for bounds it cannot take.
func (s *Simplex) SetBounds(j int, lo, hi float64) bool {
	d := s.d
	if j < 0 || j >= d.n || !(lo <= hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return false
	}
	if d.posOf[j] < 0 {
		if d.d[j] >= 0 {
			d.x[j] = lo
		} else {
			d.x[j] = hi
		}
	}
	d.lo[j], d.hi[j] = lo, hi
	d.artificial[j] = false
	s.lp.lo[j], s.lp.hi[j] = lo, hi
	s.moved = true
	return true
}

// Solve solves the programme as its bounds now stand, from the last basis.
// opts.MaxIterations counts the pivots of this call.
func (s *Simplex) Solve(ctx context.Context, opts LPOptions) (*LPSolution, error) {
	d := s.d
	if !s.started {
		s.started = true
		if d.m > 0 {
			if err := d.refactor(); err != nil {
				return nil, err
			}
		}
	} else if s.moved && d.m > 0 {
		d.computePrimal()
	}
	s.moved = false
	first := d.iters
	status, err := d.run(ctx, opts, first)
	if err != nil {
		return nil, err
	}
	sol := &LPSolution{Status: status, Iterations: d.iters - first}
	for r, j := range d.head {
		d.x[j] = d.xb[r]
	}
	sol.X = append([]float64(nil), d.x[:d.n]...)
	sol.Y = d.rowPrices()
	sol.Bound = s.lp.DualBound(sol.Y)
	if status == LPOptimal {
		// Unbounded: a column outside the basis held at an artificial
		// bound by a reduced cost that pushes it there. A basic column may
		// be as large as it likes, and one the objective does not care
		// about (reduced cost 0) sits there as one optimum among others.
		for j := range d.n {
			if !d.artificial[j] || d.posOf[j] >= 0 || math.Abs(d.d[j]) <= lpTolDual*(1+math.Abs(d.cost[j])) {
				continue
			}
			if (d.x[j] == d.lo[j] && math.IsInf(s.lp.lo[j], -1)) || (d.x[j] == d.hi[j] && math.IsInf(s.lp.hi[j], 1)) {
				return nil, fmt.Errorf("solver: the linear programme is unbounded (column %d grows without limit)", j)
			}
		}
	}
	return sol, nil
}

func (lp *LP) check() error {
	if lp.err != nil {
		return lp.err
	}
	for j := range lp.obj {
		if math.IsNaN(lp.obj[j]) || math.IsInf(lp.obj[j], 0) || math.IsNaN(lp.lo[j]) || math.IsNaN(lp.hi[j]) || lp.lo[j] > lp.hi[j] || math.IsInf(lp.lo[j], 1) || math.IsInf(lp.hi[j], -1) {
			return fmt.Errorf("%w: column %d: objective %g, bounds [%g, %g]", ErrLPInvalid, j, lp.obj[j], lp.lo[j], lp.hi[j])
		}
	}
	for i := range lp.rowLo {
		if math.IsNaN(lp.rowLo[i]) || math.IsNaN(lp.rowHi[i]) || lp.rowLo[i] > lp.rowHi[i] || math.IsInf(lp.rowLo[i], 1) || math.IsInf(lp.rowHi[i], -1) {
			return fmt.Errorf("%w: row %d: range [%g, %g]", ErrLPInvalid, i, lp.rowLo[i], lp.rowHi[i])
		}
		for k := lp.rowStart[i]; k < lp.rowStart[i+1]; k++ {
			if v := lp.rowVal[k]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: row %d: coefficient %g", ErrLPInvalid, i, v)
			}
		}
	}
	return nil
}
