package solver

import (
	"context"
	"math"
	"slices"
)

// The dual simplex method of SolveLP. Internally the programme is
//
//	minimise cost·z  subject to  [A  -I] z = 0,  lo ≤ z ≤ hi,
//
// z = (x, r): the n columns, then one logical variable per row, its
// activity r = A x, bounded by the row's range. cost is -c on the
// columns (slightly perturbed, below) and 0 on the logicals.

const (
	lpTolPrimal     = 1e-7 // how far a basic variable may lie outside its bounds
	lpTolDual       = 1e-9 // how far a reduced cost may have the wrong sign
	lpTolPivot      = 1e-9 // smallest pivot-row entry considered in the ratio test
	lpMaxEtas       = 100  // updates between refactorisations
	lpPerturb       = 1e-7 // relative cost perturbation against dual degeneracy
	artificialBound = 1e9
)

// eta is one basis change: position r was replaced by a column whose
// B⁻¹-image has piv at r and etaVal[start:end] at positions
// etaIdx[start:end].
type eta struct {
	r          int
	piv        float64
	start, end int
}

type dualSimplex struct {
	lp         *LP
	n, m       int
	cost       []float64
	lo         []float64
	hi         []float64
	artificial []bool
	x          []float64 // every variable's value; basic ones at posOf
	d          []float64 // reduced costs, 0 for basic variables
	head       []int     // head[r]: the variable basic at position r
	posOf      []int     // position of a basic variable, -1 otherwise
	w          []float64 // dual steepest-edge weights by position
	xb         []float64 // basic values by position
	lu         luFactor
	etas       []eta
	etaIdx     []int
	etaVal     []float64
	nz         []int
	iters      int

	unit  [][]int // logical column rows
	minus []float64

	// Work space. rho, col and tau are zero between pivots but where
	// rhoIdx, colIdx and tauIdx (ascending) say; listed flags positions
	// in a list being built; density is a running average of the share
	// of nonzeros in the result of each of a pivot's four solves, which
	// decides whether the next is tried sparse.
	rho, col, tau, alpha   []float64
	rhoIdx, colIdx, tauIdx []int
	inIdx                  []int
	listed                 []bool // by position
	bits                   bitset
	density                [4]float64
	denseOnly              bool    // never a sparse solve (tests)
	verified               bool    // infeasibility seen since the last pivot, after a fresh factorisation
	parked                 []uint8 // per column: 1 once moved off 1e9 by unpark, 2 once sent back
	sparseSolves           int     // how many were made (tests)
	touched                []int
	inTouched              []bool
	cands                  []cand
	flipBuf                []cand
	prefixBuf              candHeap // smallest's work space
}

type cand struct {
	j     int
	ratio float64
	a     float64 // the signed pivot-row entry α̃
}

func newDualSimplex(lp *LP, crash bool) *dualSimplex {
	n, m := lp.NumCols(), lp.NumRows()
	d := &dualSimplex{lp: lp, n: n, m: m}
	N := n + m
	d.cost = make([]float64, N)
	d.lo = make([]float64, N)
	d.hi = make([]float64, N)
	d.artificial = make([]bool, N)
	d.parked = make([]uint8, n)
	d.x = make([]float64, N)
	d.d = make([]float64, N)
	d.posOf = make([]int, N)
	d.head = make([]int, m)
	d.w = make([]float64, m)
	d.xb = make([]float64, m)
	d.unit = make([][]int, m)
	d.minus = []float64{-1}
	d.rho = make([]float64, m)
	d.col = make([]float64, m)
	d.tau = make([]float64, m)
	d.listed = make([]bool, m)
	d.alpha = make([]float64, N)
	d.inTouched = make([]bool, N)
	for j := range n {
		d.lo[j], d.hi[j] = lp.lo[j], lp.hi[j]
		c := -lp.obj[j]
		// Perturb: identical costs make whole faces of optimal duals, on
		// which the method stalls. A small push towards the side the
		// column already prefers keeps the start dual feasible.
		// Only boxed columns: on the others it could leave the true
		// reduced cost pushing towards an infinite bound.
		d.cost[j] = c
		if !math.IsInf(lp.lo[j], 0) && !math.IsInf(lp.hi[j], 0) && lp.lo[j] < lp.hi[j] {
			h := float64(splitmix(uint64(j))>>11) / (1 << 53)
			p := lpPerturb * (1 + math.Abs(c)) * (0.5 + h)
			if c < 0 {
				p = -p
			}
			d.cost[j] += p
		}
		d.posOf[j] = -1
	}
	for i := range m {
		d.lo[n+i], d.hi[n+i] = lp.rowLo[i], lp.rowHi[i]
		d.unit[i] = []int{i}
		d.head[i] = n + i
		d.posOf[n+i] = i
		d.w[i] = 1 // rows of B⁻¹ = -I
	}
	// Columns at the bound their cost prefers; an infinite one gets an
	// artificial bound.
	for j := range n {
		c := d.cost[j]
		switch {
		case c >= 0 && !math.IsInf(d.lo[j], -1):
			d.x[j] = d.lo[j]
		case c < 0 && !math.IsInf(d.hi[j], 1):
			d.x[j] = d.hi[j]
		case c >= 0:
			d.artificial[j] = true
			d.lo[j] = -artificialBound
			if d.hi[j] < d.lo[j] {
				d.lo[j] = d.hi[j] - artificialBound
			}
			d.x[j] = d.lo[j]
		default:
			d.artificial[j] = true
			d.hi[j] = artificialBound
			if d.lo[j] > d.hi[j] {
				d.hi[j] = d.lo[j] + artificialBound
			}
			d.x[j] = d.hi[j]
		}
	}
	if crash {
		d.crash()
	}
	return d
}

// crash replaces the logical of some rows by a column of the row, so that
// the first basis already holds the most attractive column of each: for a
// row x₁ + … + x_k ≤ 1 of one person and one round, their best session.
// The start is then much nearer to primal feasibility than the slack
// basis, where every attractive column sits at its upper bound.
//
// The basis stays triangular and dual feasible: a row is taken only if
// every column in it is boxed (its reduced cost may take either sign) and
// no column already brought in has an entry in it; a column is brought in
// only if no other row it has an entry in was taken, so that each row's
// price is the cost of its own column divided by the entry, and that
// price must suit the row's logical at its finite bound.
func (d *dualSimplex) crash() {
	lp := d.lp
	taken := make([]bool, d.m)  // rows whose logical left the basis
	hit := make([]bool, d.m)    // rows a brought-in column has an entry in
	piv := make([]float64, d.m) // a taken row's entry in its column
	for i := range d.m {
		if hit[i] {
			continue
		}
		lo, hi := d.lo[d.n+i], d.hi[d.n+i]
		if !math.IsInf(lo, -1) || math.IsInf(hi, 1) {
			continue // only rows with an upper bound alone (and so a price ≤ 0)
		}
		q, best, qa := -1, 0.0, 0.0
		boxed := true
		for k := lp.rowStart[i]; k < lp.rowStart[i+1]; k++ {
			j, a := lp.rowIdx[k], lp.rowVal[k]
			if math.IsInf(d.lo[j], 0) || math.IsInf(d.hi[j], 0) || d.artificial[j] {
				boxed = false
				break
			}
			if a <= 0 || d.lo[j] == d.hi[j] {
				continue
			}
			if ratio := d.cost[j] / a; ratio < best {
				rows, _ := lp.column(j)
				ok := true
				for _, r := range rows {
					if r != i && taken[r] {
						ok = false
						break
					}
				}
				if ok {
					q, best, qa = j, ratio, a
				}
			}
		}
		if !boxed || q < 0 {
			continue
		}
		taken[i], piv[i] = true, qa
		rows, _ := lp.column(q)
		for _, r := range rows {
			hit[r] = true
		}
		d.posOf[d.n+i] = -1
		d.x[d.n+i] = hi
		d.head[i] = q
		d.posOf[q] = i
	}
	// Dual steepest-edge weights of this basis, exactly: the row of B⁻¹
	// at a taken row i is e_i/a_iq; at another row k it is -e_k plus
	// (a_kq/a_iq) e_i for each taken i whose column has an entry in k.
	for i := range d.m {
		q := d.head[i]
		if q >= d.n {
			continue
		}
		d.w[i] = 1 / (piv[i] * piv[i])
		rows, vals := lp.column(q)
		for k, r := range rows {
			if r != i {
				v := vals[k] / piv[i]
				d.w[r] += v * v
			}
		}
	}
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// column returns variable j's column of [A -I].
func (d *dualSimplex) column(j int) ([]int, []float64) {
	if j < d.n {
		return d.lp.column(j)
	}
	return d.unit[j-d.n], d.minus
}

// refactor factorises the basis and recomputes the basic values and the
// reduced costs from scratch, then restores dual feasibility by moving
// boxed columns to their other bound or shifting costs.
func (d *dualSimplex) refactor() error {
	if err := d.lu.factor(d.m, func(k int) ([]int, []float64) { return d.column(d.head[k]) }); err != nil {
		return err
	}
	d.etas = d.etas[:0]
	d.etaIdx, d.etaVal = d.etaIdx[:0], d.etaVal[:0]
	d.computeDuals()
	for j := range d.n + d.m {
		if d.posOf[j] >= 0 || d.lo[j] == d.hi[j] {
			continue
		}
		dj := d.d[j]
		atLo := d.x[j] == d.lo[j]
		switch {
		case atLo && dj < -lpTolDual:
			if !math.IsInf(d.hi[j], 1) {
				d.x[j] = d.hi[j]
			} else {
				d.cost[j] -= dj
				d.d[j] = 0
			}
		case !atLo && dj > lpTolDual:
			if !math.IsInf(d.lo[j], -1) {
				d.x[j] = d.lo[j]
			} else {
				d.cost[j] -= dj
				d.d[j] = 0
			}
		}
	}
	d.computePrimal()
	return nil
}

// computePrimal sets the basic values from the nonbasic ones:
// x_B = -B⁻¹ N x_N.
func (d *dualSimplex) computePrimal() {
	b := d.col
	clear(b)
	for j := range d.n + d.m {
		if d.posOf[j] >= 0 || d.x[j] == 0 {
			continue
		}
		rows, vals := d.column(j)
		for k, i := range rows {
			b[i] -= vals[k] * d.x[j]
		}
	}
	d.ftran(b)
	for r := range d.m {
		d.xb[r] = b[r]
		d.x[d.head[r]] = b[r]
	}
	clear(b)
}

// computeDuals sets the reduced costs: d_j = cost_j - π·a_j with
// π = B⁻ᵀ cost_B.
func (d *dualSimplex) computeDuals() {
	pi := d.rho
	for r := range d.m {
		pi[r] = d.cost[d.head[r]]
	}
	d.btran(pi)
	for j := range d.n + d.m {
		if d.posOf[j] >= 0 {
			d.d[j] = 0
			continue
		}
		rows, vals := d.column(j)
		v := d.cost[j]
		for k, i := range rows {
			v -= pi[i] * vals[k]
		}
		d.d[j] = v
	}
	clear(pi)
	d.rhoIdx = d.rhoIdx[:0]
}

// rowPrices returns the prices of the original (maximising) programme's
// rows: y = -π.
func (d *dualSimplex) rowPrices() []float64 {
	pi := make([]float64, d.m)
	for r := range d.m {
		j := d.head[r]
		pi[r] = d.cost[j]
		if j < d.n {
			pi[r] = -d.lp.obj[j] // the true costs: prices for the programme as stated
		}
	}
	d.btran(pi)
	for i := range pi {
		pi[i] = -pi[i]
	}
	return pi
}

// ftran overwrites b (by row) with B⁻¹ b (by position).
func (d *dualSimplex) ftran(b []float64) {
	d.lu.solve(b)
	for k := range d.etas {
		d.applyEta(b, k)
	}
}

// btran overwrites c (by position) with B⁻ᵀ c (by row).
func (d *dualSimplex) btran(c []float64) {
	for k := len(d.etas) - 1; k >= 0; k-- {
		e := &d.etas[k]
		v := c[e.r]
		vals := d.etaVal[e.start:e.end]
		for q, i := range d.etaIdx[e.start:e.end] {
			v -= vals[q] * c[i]
		}
		c[e.r] = v / e.piv
	}
	d.lu.solveT(c)
}

// ftranSparse is ftran for a b whose nonzeros all lie in rows nz: it
// returns out with the positions where B⁻¹b may be nonzero, ascending.
// The numbers are those of ftran, bit for bit.
func (d *dualSimplex) ftranSparse(b []float64, nz []int, out []int, density *float64) []int {
	ok := *density < sparseShare/2 && !d.denseOnly
	if ok {
		d.sparseSolves++
		out, ok = d.lu.solveSparse(b, nz, out[:0])
	} else {
		d.lu.solve(b)
	}
	if !ok {
		for k := range d.etas {
			d.applyEta(b, k)
		}
		out = nonzeros(b, out[:0])
		d.track(density, len(out))
		return out
	}
	for _, p := range out {
		d.listed[p] = true
	}
	for k := range d.etas {
		e := &d.etas[k]
		if b[e.r] == 0 {
			continue
		}
		d.applyEta(b, k)
		for _, i := range d.etaIdx[e.start:e.end] {
			if !d.listed[i] {
				d.listed[i] = true
				out = append(out, i)
			}
		}
	}
	for _, p := range out {
		d.listed[p] = false
	}
	d.track(density, len(out))
	return d.ascending(out)
}

// track updates a running average of the share of nonzeros in the
// results of one kind of solve: where they are dense the sparse solve
// is not even tried.
func (d *dualSimplex) track(density *float64, n int) {
	*density = 0.8**density + 0.2*float64(n)/float64(d.m)
}

// ascending sorts a list of distinct indices below m, by way of a
// bitset: as the dense loops did, the callers then visit them in order.
func (d *dualSimplex) ascending(list []int) []int {
	d.bits = resizeBits(d.bits, d.m)
	for _, p := range list {
		d.bits.set(p)
	}
	return d.bits.drain(list[:0], false)
}

// applyEta applies the k-th basis change to b.
func (d *dualSimplex) applyEta(b []float64, k int) {
	e := &d.etas[k]
	v := b[e.r]
	if v == 0 {
		return
	}
	v /= e.piv
	b[e.r] = v
	vals := d.etaVal[e.start:e.end]
	for q, i := range d.etaIdx[e.start:e.end] {
		b[i] -= vals[q] * v
	}
}

// btranSparse is btran for a c whose nonzeros all lie in positions nz
// (which it may reorder and extend): it returns out with the rows where
// B⁻ᵀc may be nonzero, ascending, and the numbers of btran.
func (d *dualSimplex) btranSparse(c []float64, nz []int, out []int, density *float64) []int {
	for _, p := range nz {
		d.listed[p] = true
	}
	for k := len(d.etas) - 1; k >= 0; k-- {
		e := &d.etas[k]
		v := c[e.r]
		vals := d.etaVal[e.start:e.end]
		for q, i := range d.etaIdx[e.start:e.end] {
			v -= vals[q] * c[i]
		}
		c[e.r] = v / e.piv
		if c[e.r] != 0 && !d.listed[e.r] {
			d.listed[e.r] = true
			nz = append(nz, e.r)
		}
	}
	for _, p := range nz {
		d.listed[p] = false
	}
	d.inIdx = nz
	ok := *density < sparseShare/2 && !d.denseOnly
	if ok {
		d.sparseSolves++
		out, ok = d.lu.solveTSparse(c, nz, out[:0])
	} else {
		d.lu.solveT(c)
	}
	if !ok {
		out = nonzeros(c, out[:0])
		d.track(density, len(out))
		return out
	}
	d.track(density, len(out))
	return d.ascending(out)
}

// nonzeros appends the indices of v's nonzero entries to out.
func nonzeros(v []float64, out []int) []int {
	for i, x := range v {
		if x != 0 {
			out = append(out, i)
		}
	}
	return out
}

// run pivots until the end; the iteration limit counts from first.
func (d *dualSimplex) run(ctx context.Context, opts LPOptions, first int) (LPStatus, error) {
	if d.m == 0 {
		return LPOptimal, nil
	}
	for {
		if opts.MaxIterations > 0 && d.iters-first >= opts.MaxIterations {
			return LPStopped, nil
		}
		if d.iters%32 == 0 && ctx.Err() != nil {
			return LPStopped, nil
		}
		status, done, err := d.iterate()
		if err != nil {
			return 0, err
		}
		if done {
			return status, nil
		}
	}
}

// iterate makes one pivot. done reports the end, with its status.
func (d *dualSimplex) iterate() (status LPStatus, done bool, err error) {
	// Pricing: the most infeasible row by dual steepest edge.
	r, best := -1, 0.0
	for p := range d.m {
		j := d.head[p]
		v := d.xb[p]
		var inf float64
		if v < d.lo[j]-lpTolPrimal {
			inf = d.lo[j] - v
		} else if v > d.hi[j]+lpTolPrimal {
			inf = v - d.hi[j]
		} else {
			continue
		}
		w := d.w[p]
		if !(w >= minWeight && w <= math.MaxFloat64) {
			// An update overflowed (a pivot near zero): with +Inf or NaN
			// the test below never holds, and the row, infeasible, was
			// never chosen, so a basis that is not primal feasible was
			// called optimal. The weight starts again at 1.
			w = weight(w)
			d.w[p] = w
		}
		// inf²/w > best, without a division per row.
		if inf*inf > best*w {
			r, best = p, inf*inf/w
		}
	}
	if r < 0 {
		if d.unpark() {
			return 0, false, d.refactor()
		}
		if slices.Contains(d.artificial, true) && !d.verified {
			// Values of 1e9 passed through the updates: the basic values
			// are computed afresh before they are taken as optimal.
			d.verified = true
			return 0, false, d.refactor()
		}
		return LPOptimal, true, nil
	}
	leave := d.head[r]
	toUpper := d.xb[r] > d.hi[leave]
	target := d.lo[leave] // the bound the leaving variable goes to
	if toUpper {
		target = d.hi[leave]
	}
	delta := d.xb[r] - target

	// ρ = e_rᵀ B⁻¹ and the pivot row α_j = ρ·a_j.
	rho := d.rho
	for _, i := range d.rhoIdx {
		rho[i] = 0
	}
	rho[r] = 1
	d.rhoIdx = d.btranSparse(rho, append(d.inIdx[:0], r), d.rhoIdx, &d.density[0])
	d.pivotRow(rho)

	// Ratio test with bound flipping.
	d.cands = d.cands[:0]
	for _, j := range d.touched {
		if d.posOf[j] >= 0 || d.lo[j] == d.hi[j] {
			continue
		}
		a := d.alpha[j]
		if !toUpper {
			a = -a
		}
		atLo := d.x[j] == d.lo[j]
		free := math.IsInf(d.lo[j], -1) && math.IsInf(d.hi[j], 1)
		switch {
		case free && math.Abs(a) > lpTolPivot:
		case atLo && a > lpTolPivot:
		case !atLo && a < -lpTolPivot:
		default:
			continue
		}
		ratio := d.d[j] / a
		if ratio < 0 {
			ratio = 0
		}
		d.cands = append(d.cands, cand{j, ratio, a})
	}
	if len(d.cands) == 0 {
		return d.infeasible()
	}
	// Walk the breakpoints in order of ratio, flipping the boxed
	// candidates while the dual objective still rises. Usually only the
	// first few are passed: the walk goes over the smallest few first, and
	// over all of them only if those do not settle it.
	enter, flips, ok := d.walk(d.smallest(d.cands, walkPrefix), math.Abs(delta))
	if !ok {
		h := candHeap(d.cands)
		h.init()
		enter, flips, _ = d.walk(prefix{h, true}, math.Abs(delta))
	}
	if enter.j < 0 {
		return d.infeasible()
	}
	d.flipBuf = flips
	q := enter.j
	s := max(0, d.d[q]/enter.a)

	// Flip the boxed candidates passed before the entering one.
	if len(flips) > 0 {
		b := d.col
		in := d.inIdx[:0]
		for _, c := range flips {
			j := c.j
			old := d.x[j]
			if old == d.lo[j] {
				d.x[j] = d.hi[j]
			} else {
				d.x[j] = d.lo[j]
			}
			rows, vals := d.column(j)
			for k, i := range rows {
				b[i] -= vals[k] * (d.x[j] - old)
			}
			in = append(in, rows...)
		}
		d.inIdx = in
		d.colIdx = d.ftranSparse(b, in, d.colIdx, &d.density[1])
		for _, p := range d.colIdx {
			d.xb[p] += b[p]
			b[p] = 0
		}
		delta = d.xb[r] - target
	}

	// The entering column.
	col := d.col
	rows, vals := d.column(q)
	for k, i := range rows {
		col[i] = vals[k]
	}
	d.colIdx = d.ftranSparse(col, rows, d.colIdx, &d.density[2])
	defer d.clearCol()
	if math.Abs(col[r]-d.alpha[q]) > 1e-7*(1+math.Abs(d.alpha[q])) || math.Abs(col[r]) < lpTolPivot {
		d.iters++
		if len(d.etas) > 0 {
			// The updates have drifted from the basis: start afresh.
			return 0, false, d.refactor()
		}
		if math.Abs(col[r]) < lpTolPivot {
			// Even a fresh factorisation gives no usable pivot: stop
			// (the prices still give a valid bound) rather than loop.
			return LPStopped, true, nil
		}
		// A fresh factorisation: its column is the one to trust.
	}

	// Dual step.
	for _, j := range d.touched {
		if d.posOf[j] >= 0 {
			continue
		}
		a := d.alpha[j]
		if !toUpper {
			a = -a
		}
		d.d[j] -= s * a
	}
	if toUpper {
		d.d[leave] = -s
	} else {
		d.d[leave] = s
	}
	d.d[q] = 0

	// The entering column's nonzeros, then the primal step, the dual
	// steepest-edge weights (τ = B⁻¹ ρ) and the eta of the basis change
	// over them alone.
	nz := d.nz[:0]
	for _, p := range d.colIdx {
		if col[p] != 0 && p != r {
			nz = append(nz, p)
		}
	}
	d.nz = nz
	thetaP := delta / col[r]
	tau := d.tau
	for _, i := range d.rhoIdx {
		tau[i] = rho[i]
	}
	d.tauIdx = d.ftranSparse(tau, d.rhoIdx, d.tauIdx, &d.density[3])
	defer d.clearTau()
	wr := d.w[r]
	piv := col[r]
	e := eta{r: r, piv: piv, start: len(d.etaIdx)}
	for _, p := range nz {
		v := col[p]
		d.xb[p] -= thetaP * v
		k := v / piv
		d.w[p] = weight(d.w[p] - 2*k*tau[p] + k*k*wr)
		d.etaIdx = append(d.etaIdx, p)
		d.etaVal = append(d.etaVal, v)
	}
	e.end = len(d.etaIdx)
	d.w[r] = weight(wr / (piv * piv))
	d.etas = append(d.etas, e)
	d.x[q] += thetaP
	d.x[leave] = target
	d.posOf[leave] = -1
	d.posOf[q] = r
	d.head[r] = q
	d.xb[r] = d.x[q]
	d.iters++
	d.verified = false
	if len(d.etas) >= lpMaxEtas {
		if err := d.refactor(); err != nil {
			return 0, false, err
		}
	}
	return 0, false, nil
}

// minWeight is the smallest dual steepest-edge weight kept.
const minWeight = 1e-10

// weight is w as a dual steepest-edge weight: at least minWeight, and 1
// where w overflowed to +Inf or is NaN (an update through a pivot near
// zero), as if that row's reference framework started afresh. Huge finite
// weights are kept: resetting those beyond 1e30 too changed the pivots'
// path and took BenchmarkRelaxation from 186 to 522 ms per LP.
func weight(w float64) float64 {
	switch {
	case w >= minWeight && w <= math.MaxFloat64:
		return w
	case w < minWeight:
		return minWeight
	default:
		return 1
	}
}

// unpark tidies an optimal basis's columns at artificial bounds, and
// reports whether it moved any (the method then goes on from there):
//   - one the objective does not care about (reduced cost 0) is moved,
//     once, from 1e9 to 0 or its finite bound, so that its 1e9 does not
//     blur every value computed from it;
//   - one moved so that its reduced cost now pushes it past where it was
//     moved goes back to 1e9 for good: the optimum lies beyond.
//
// A column left at 1e9 by a reduced cost that pushes it there is the
// programme's unboundedness, which Simplex.Solve reports.
func (d *dualSimplex) unpark() bool {
	moved := false
	for j := range d.n {
		if !d.artificial[j] || d.posOf[j] >= 0 {
			continue
		}
		lo, hi := d.lp.lo[j], d.lp.hi[j]
		atLo, atHi := d.x[j] == d.lo[j] && math.IsInf(lo, -1), d.x[j] == d.hi[j] && math.IsInf(hi, 1)
		flat := math.Abs(d.d[j]) <= lpTolDual*(1+math.Abs(d.cost[j]))
		switch {
		case d.parked[j] == 0 && flat && (atLo || atHi) && math.Abs(d.x[j]) >= artificialBound/2:
			v := min(max(0, lo), hi)
			if atLo {
				d.lo[j] = v
			} else {
				d.hi[j] = v
			}
			d.x[j], d.parked[j], moved = v, 1, true
		case d.parked[j] == 1 && !flat && d.x[j] == d.lo[j] && math.IsInf(lo, -1) && d.d[j] > 0:
			d.lo[j], d.x[j], d.parked[j], moved = d.x[j]-artificialBound, d.x[j]-artificialBound, 2, true
		case d.parked[j] == 1 && !flat && d.x[j] == d.hi[j] && math.IsInf(hi, 1) && d.d[j] < 0:
			d.hi[j], d.x[j], d.parked[j], moved = d.x[j]+artificialBound, d.x[j]+artificialBound, 2, true
		}
	}
	return moved
}

// infeasible answers a row that no pivot can make feasible. The row's
// infeasibility may be drift of the updates since the last factorisation
// (values of 1e9 at artificial bounds lose their last digits), so the
// first time after a pivot the basis is factorised afresh and the values
// recomputed, and the pivot tried again; only then is the programme
// declared infeasible.
func (d *dualSimplex) infeasible() (LPStatus, bool, error) {
	if d.verified {
		return LPInfeasible, true, nil
	}
	d.verified = true
	return 0, false, d.refactor()
}

// walkPrefix is how many of the ratio test's smallest candidates walk
// sees first. On the LPs of events of 200-1,000 people a pivot had
// 130-11,000 candidates and passed 1.2-2.7 of them on average.
const walkPrefix = 32

// prefix is a heap of the smallest candidates of the ratio test, all of
// them when complete.
type prefix struct {
	h        candHeap
	complete bool
}

// walk pops the candidates of p in order of ratio, flipping the boxed
// ones as long as the slope left, slope at first, stays positive; the
// first that cannot be flipped enters, and so does, among those tied
// with it, the one with the largest pivot. It returns the candidate that
// enters (j < 0: none) and those flipped before it. Where p holds only
// the smallest candidates and runs out before that is settled, ok is
// false.
func (d *dualSimplex) walk(p prefix, slope float64) (enter cand, flips []cand, ok bool) {
	h, complete := p.h, p.complete
	flips = d.flipBuf[:0]
	enter = cand{j: -1}
	for len(h) > 0 {
		c := h.pop()
		width := d.hi[c.j] - d.lo[c.j]
		if !math.IsInf(width, 0) && slope-math.Abs(c.a)*width > lpTolPrimal {
			slope -= math.Abs(c.a) * width
			flips = append(flips, c)
			continue
		}
		enter = c
		break
	}
	if enter.j < 0 {
		return enter, flips, complete
	}
	// Among the candidates tied with the entering one, the largest pivot.
	for len(h) > 0 && h[0].ratio <= enter.ratio+lpTolDual/math.Abs(h[0].a) {
		c := h.pop()
		if math.Abs(c.a) > math.Abs(enter.a) {
			enter = c
		}
	}
	return enter, flips, complete || len(h) > 0
}

// smallest returns a heap of the k smallest of cands (in candHeap's
// order), in d's work space; all of them, in place, when there are at
// most k.
func (d *dualSimplex) smallest(cands []cand, k int) prefix {
	if len(cands) <= k {
		h := candHeap(cands)
		h.init()
		return prefix{h, true}
	}
	// A max-heap of the k smallest so far: a candidate that does not
	// beat its top is passed over at the cost of one comparison.
	top := append(d.prefixBuf[:0], cands[:k]...)
	for i := k/2 - 1; i >= 0; i-- {
		top.sift(i, true)
	}
	for _, c := range cands[k:] {
		if top.lessCand(c, top[0]) {
			top[0] = c
			top.sift(0, true)
		}
	}
	d.prefixBuf = top
	top.init()
	return prefix{top, false}
}

// clearCol and clearTau zero col and tau where their lists say.
func (d *dualSimplex) clearCol() {
	for _, p := range d.colIdx {
		d.col[p] = 0
	}
}

func (d *dualSimplex) clearTau() {
	for _, p := range d.tauIdx {
		d.tau[p] = 0
	}
}

// pivotRow sets alpha[j] = ρ·a_j for every variable j it touches (listed
// in touched); the others are 0.
func (d *dualSimplex) pivotRow(rho []float64) {
	for _, j := range d.touched {
		d.alpha[j] = 0
		d.inTouched[j] = false
	}
	d.touched = d.touched[:0]
	lp := d.lp
	for _, i := range d.rhoIdx {
		v := rho[i]
		if v == 0 {
			continue
		}
		for k := lp.rowStart[i]; k < lp.rowStart[i+1]; k++ {
			j := lp.rowIdx[k]
			if !d.inTouched[j] {
				d.inTouched[j] = true
				d.touched = append(d.touched, j)
			}
			d.alpha[j] += v * lp.rowVal[k]
		}
		j := d.n + i
		if !d.inTouched[j] {
			d.inTouched[j] = true
			d.touched = append(d.touched, j)
		}
		d.alpha[j] -= v
	}
}

// candHeap is a binary min-heap of ratio-test candidates by ratio (then
// column, for determinism).
type candHeap []cand

func (h candHeap) less(a, b int) bool { return h.lessCand(h[a], h[b]) }

func (candHeap) lessCand(x, y cand) bool {
	if x.ratio != y.ratio {
		return x.ratio < y.ratio
	}
	return x.j < y.j
}

func (h candHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h candHeap) down(i int) { h.sift(i, false) }

// sift moves h[i] down to its place in the min-heap, or, with max, in
// the max-heap (smallest keeps one). The order is strict (no two
// candidates share a column), so "not less" is "greater".
func (h candHeap) sift(i int, max bool) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && h.less(r, l) != max {
			m = r
		}
		if h.less(m, i) == max {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

func (h *candHeap) pop() cand {
	old := *h
	top := old[0]
	n := len(old) - 1
	old[0] = old[n]
	*h = old[:n]
	h.down(0)
	return top
}
