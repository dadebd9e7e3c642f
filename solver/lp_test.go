package solver

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// TestLUSolves factorises random sparse nonsingular matrices (a random
// permutation of a diagonal, plus random entries) and checks both solves
// against the matrix.
func TestLUSolves(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 100 {
		m := 1 + rng.IntN(40)
		perm := rng.Perm(m)
		dense := make([][]float64, m) // dense[col][row]
		for k := range m {
			dense[k] = make([]float64, m)
			dense[k][perm[k]] = 1 + rng.Float64()*3
			if rng.IntN(2) == 0 {
				dense[k][perm[k]] = -dense[k][perm[k]]
			}
			for range rng.IntN(4) {
				dense[k][rng.IntN(m)] += rng.NormFloat64()
			}
		}
		cols := func(k int) ([]int, []float64) {
			var rows []int
			var vals []float64
			for i, v := range dense[k] {
				if v != 0 {
					rows = append(rows, i)
					vals = append(vals, v)
				}
			}
			return rows, vals
		}
		var f luFactor
		if err := f.factor(m, cols); err != nil {
			// A random matrix may be singular; check with gonum.
			a := mat.NewDense(m, m, nil)
			for k := range m {
				for i := range m {
					a.Set(i, k, dense[k][i])
				}
			}
			if c := mat.Cond(a, 1); c < 1e8 {
				t.Fatalf("trial %d: factor says singular, condition %g", trial, c)
			}
			continue
		}
		// B x = b, then Bᵀ y = c: both checked against the dense matrix.
		for _, transposed := range []bool{false, true} {
			v := make([]float64, m)
			want := make([]float64, m)
			for i := range v {
				v[i] = rng.NormFloat64()
				want[i] = v[i]
			}
			if transposed {
				f.solveT(v) // by basis column in, by row out
			} else {
				f.solve(v) // by row in, by basis column out
			}
			for i := range m {
				s := 0.0
				for k := range m {
					if transposed {
						s += dense[i][k] * v[k]
					} else {
						s += dense[k][i] * v[k]
					}
				}
				if math.Abs(s-want[i]) > 1e-8*(1+math.Abs(want[i])) {
					t.Fatalf("trial %d (transposed %v): residual at %d: %g, want %g", trial, transposed, i, s, want[i])
				}
			}
		}
	}
}

// TestLUSparseSolves checks solveSparse and solveTSparse against the dense
// solves on random sparse matrices and right-hand sides of a few entries:
// the same numbers bit for bit, every nonzero of the result listed, and
// both the sparse path and the dense fallback taken.
func TestLUSparseSolves(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var sparse, dense int
	for trial := range 300 {
		m := 1 + rng.IntN(300)
		perm := rng.Perm(m)
		rowsOf := make([][]int, m)
		valsOf := make([][]float64, m)
		for k := range m {
			entries := map[int]float64{perm[k]: 1 + rng.Float64()*3}
			for range rng.IntN(3) {
				entries[rng.IntN(m)] += rng.NormFloat64()
			}
			for i := range m { // rows ascending: the order does not matter to factor
				if v, ok := entries[i]; ok && v != 0 {
					rowsOf[k] = append(rowsOf[k], i)
					valsOf[k] = append(valsOf[k], v)
				}
			}
		}
		var f luFactor
		if f.factor(m, func(k int) ([]int, []float64) { return rowsOf[k], valsOf[k] }) != nil {
			continue
		}
		for _, transposed := range []bool{false, true} {
			for range 5 {
				want := make([]float64, m)
				var nz []int
				for range 1 + rng.IntN(1+m/20) {
					i := rng.IntN(m)
					want[i] = rng.NormFloat64()
					nz = append(nz, i, i) // repeats are allowed
				}
				got := slices.Clone(want)
				var out []int
				var ok bool
				if transposed {
					f.solveT(want)
					out, ok = f.solveTSparse(got, nz, nil)
				} else {
					f.solve(want)
					out, ok = f.solveSparse(got, nz, nil)
				}
				if !ok {
					dense++
					out = nil
					for i := range m {
						out = append(out, i)
					}
				} else {
					sparse++
				}
				listed := make([]bool, m)
				for _, i := range out {
					listed[i] = true
				}
				for i := range m {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) && got[i] != want[i] {
						t.Fatalf("trial %d (transposed %v, sparse %v): entry %d is %g, the dense solve gives %g", trial, transposed, ok, i, got[i], want[i])
					}
					if got[i] != 0 && !listed[i] {
						t.Fatalf("trial %d (transposed %v): entry %d is %g but not listed", trial, transposed, i, got[i])
					}
				}
				for i, v := range f.visit {
					if v {
						t.Fatalf("trial %d: row %d left marked", trial, i)
					}
				}
			}
		}
	}
	if sparse < 100 || dense < 100 {
		t.Errorf("%d sparse and %d dense solves: both paths should be tested", sparse, dense)
	}
}

// randomLP draws a programme with boxed columns (some fixed, some with an
// infinite side) and rows of every kind, mostly feasible.
func randomLP(rng *rand.Rand) (*LP, []float64) {
	n := 1 + rng.IntN(12)
	m := 1 + rng.IntN(10)
	p := &LP{}
	x0 := make([]float64, n) // a point within the bounds, to make rows feasible
	for j := range n {
		lo := float64(rng.IntN(3) - 1)
		hi := lo + float64(rng.IntN(4))
		switch rng.IntN(8) {
		case 0:
			hi = math.Inf(1)
		}
		x0[j] = lo + rng.Float64()*min(hi-lo, 2)
		c := float64(rng.IntN(11) - 5)
		if math.IsInf(hi, 1) && c > 0 {
			c = -c
		}
		p.AddCol(c, lo, hi)
	}
	for range m {
		var cols []int
		var vals []float64
		act := 0.0
		for j := range n {
			if rng.IntN(3) == 0 {
				v := float64(rng.IntN(7) - 3)
				if v == 0 {
					v = 1
				}
				cols = append(cols, j)
				vals = append(vals, v)
				act += v * x0[j]
			}
		}
		if len(cols) == 0 {
			cols, vals = []int{0}, []float64{1}
			act = x0[0]
		}
		lo, hi := math.Inf(-1), math.Inf(1)
		switch rng.IntN(4) {
		case 0:
			hi = math.Ceil(act)
		case 1:
			lo = math.Floor(act)
		case 2:
			lo, hi = math.Floor(act)-1, math.Ceil(act)+1
		case 3:
			lo, hi = act, act
		}
		if rng.IntN(15) == 0 { // sometimes infeasible
			lo, hi = act+100, act+200
		}
		p.AddRow(lo, hi, cols, vals)
	}
	return p, x0
}

// gonumLP solves p with gonum's dense simplex after rewriting it in
// standard form. ok is false when gonum finds it infeasible; known is
// false when gonum cannot tell (it refuses programmes with more equalities
// than variables, or a singular start).
func gonumLP(p *LP) (opt float64, ok, known bool) {
	defer func() {
		if recover() != nil {
			ok, known = false, false
		}
	}()
	n, m := p.NumCols(), p.NumRows()
	// Variables: x' = x - lo >= 0 (x' <= hi-lo by a row with slack),
	// then per row a slack: a·x - s = a·lo... written as equalities.
	type eq struct {
		coef map[int]float64
		rhs  float64
	}
	var eqs []eq
	nv := n
	newVar := func() int { nv++; return nv - 1 }
	for j := range n {
		if !math.IsInf(p.hi[j], 1) {
			s := newVar()
			eqs = append(eqs, eq{map[int]float64{j: 1, s: 1}, p.hi[j] - p.lo[j]})
		}
	}
	for i := range m {
		coef := map[int]float64{}
		shift := 0.0
		for k := p.rowStart[i]; k < p.rowStart[i+1]; k++ {
			coef[p.rowIdx[k]] += p.rowVal[k]
			shift += p.rowVal[k] * p.lo[p.rowIdx[k]]
		}
		lo, hi := p.rowLo[i]-shift, p.rowHi[i]-shift
		switch {
		case lo == hi:
			eqs = append(eqs, eq{coef, lo})
		default:
			if !math.IsInf(hi, 1) {
				c := map[int]float64{}
				for k, v := range coef {
					c[k] = v
				}
				c[newVar()] = 1
				eqs = append(eqs, eq{c, hi})
			}
			if !math.IsInf(lo, -1) {
				c := map[int]float64{}
				for k, v := range coef {
					c[k] = v
				}
				c[newVar()] = -1
				eqs = append(eqs, eq{c, lo})
			}
		}
	}
	// gonum refuses a column of zeros: such a variable appears in no row,
	// so it has no upper bound and (randomLP makes sure) a cost >= 0:
	// it stays at 0 and is left out.
	used := make([]int, nv)
	for i := range used {
		used[i] = -1
	}
	nu := 0
	for _, e := range eqs {
		for k := range e.coef {
			if used[k] < 0 {
				used[k] = nu
				nu++
			}
		}
	}
	A := mat.NewDense(len(eqs), nu, nil)
	b := make([]float64, len(eqs))
	for i, e := range eqs {
		for k, v := range e.coef {
			A.Set(i, used[k], v)
		}
		b[i] = e.rhs
	}
	c := make([]float64, nu)
	constant := 0.0
	for j := range n {
		if used[j] >= 0 {
			c[used[j]] = -p.obj[j]
		}
		constant += p.obj[j] * p.lo[j]
	}
	v, _, err := lp.Simplex(c, A, b, 1e-10, nil)
	switch {
	case errors.Is(err, lp.ErrInfeasible):
		return 0, false, true
	case err != nil:
		return 0, false, false
	}
	return constant - v, true, true
}

// TestSolveLPMatchesGonum compares SolveLP with gonum's simplex on random
// programmes: the same optimum, a feasible X worth it, and a bound equal
// to it; infeasible ones reported so by both (or gonum shown wrong by a
// feasible X). DualBound at random prices must never be below the
// optimum.
func TestSolveLPMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	solved, infeasible, unknown := 0, 0, 0
	for trial := range 2000 {
		p, _ := randomLP(rng)
		want, ok, known := gonumLP(p)
		if !known {
			unknown++
			continue
		}
		sol, err := SolveLP(context.Background(), p, LPOptions{})
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if !ok {
			if sol.Status == LPOptimal {
				// Our X proves gonum wrong if it is feasible (gonum's
				// phase one gives up on some near-degenerate rows).
				checkFeasible(t, trial, p, sol.X)
				unknown++
				continue
			}
			infeasible++
			continue
		}
		if sol.Status != LPOptimal {
			t.Fatalf("trial %d: status %v, gonum's optimum %g", trial, sol.Status, want)
		}
		checkFeasible(t, trial, p, sol.X)
		if got := objective(p, sol.X); math.Abs(got-want) > 1e-5*(1+math.Abs(want)) {
			t.Fatalf("trial %d: objective %g, gonum %g", trial, got, want)
		}
		if sol.Bound < want-1e-9 || sol.Bound > want+1e-4*(1+math.Abs(want)) {
			t.Fatalf("trial %d: bound %g, optimum %g", trial, sol.Bound, want)
		}
		// Any prices give a bound: random ones too.
		y := make([]float64, p.NumRows())
		for i := range y {
			y[i] = float64(rng.IntN(21)-10) / 4
		}
		if b := p.DualBound(y); b < want-1e-9 {
			t.Fatalf("trial %d: DualBound at random prices %g is below the optimum %g", trial, b, want)
		}
		solved++
	}
	t.Logf("%d solved, %d infeasible, %d that gonum could not tell", solved, infeasible, unknown)
	if solved < 1000 || infeasible < 50 {
		t.Fatalf("too few of a kind: %d solved, %d infeasible", solved, infeasible)
	}
}

func objective(p *LP, x []float64) float64 {
	s := 0.0
	for j, c := range p.obj {
		s += c * x[j]
	}
	return s
}

func checkFeasible(t *testing.T, trial int, p *LP, x []float64) {
	t.Helper()
	for j := range p.obj {
		if x[j] < p.lo[j]-1e-7 || x[j] > p.hi[j]+1e-7 {
			t.Fatalf("trial %d: x[%d] = %g outside [%g, %g]", trial, j, x[j], p.lo[j], p.hi[j])
		}
	}
	for i := range p.rowLo {
		a := 0.0
		for k := p.rowStart[i]; k < p.rowStart[i+1]; k++ {
			a += p.rowVal[k] * x[p.rowIdx[k]]
		}
		if a < p.rowLo[i]-1e-6 || a > p.rowHi[i]+1e-6 {
			t.Fatalf("trial %d: row %d = %g outside [%g, %g]", trial, i, a, p.rowLo[i], p.rowHi[i])
		}
	}
}

// TestSolveLPStoppedAndInvalid: a solve stopped at once still returns a
// bound that holds, and malformed programmes are refused by name.
func TestSolveLPStoppedAndInvalid(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	stopped := 0
	for stopped < 20 {
		p, _ := randomLP(rng)
		want, ok, known := gonumLP(p)
		if !ok || !known {
			continue
		}
		sol, err := SolveLP(context.Background(), p, LPOptions{MaxIterations: 1})
		if err != nil {
			t.Fatal(err)
		}
		if sol.Status != LPStopped {
			continue // solved in one pivot
		}
		stopped++
		if sol.Bound < want-1e-9 {
			t.Fatalf("stopped after one pivot: bound %g below the optimum %g", sol.Bound, want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p, _ := randomLP(rng)
	if sol, err := SolveLP(ctx, p, LPOptions{}); err != nil || sol.Status != LPStopped {
		t.Errorf("cancelled context: %v, %v", sol, err)
	}
	for _, bad := range []func(*LP){
		func(p *LP) { p.AddCol(math.NaN(), 0, 1) },
		func(p *LP) { p.AddCol(1, 2, 1) },
		func(p *LP) { p.AddRow(3, 1, []int{0}, []float64{1}) },
		func(p *LP) { p.AddRow(0, 1, []int{0}, []float64{math.Inf(1)}) },
		func(p *LP) { p.AddRow(0, 1, []int{3}, []float64{1}) },
		func(p *LP) { p.AddRow(0, 1, []int{0}, nil) },
		func(p *LP) { p.SetBounds(-1, 0, 1) },
	} {
		p := &LP{}
		p.AddCol(1, 0, 1)
		bad(p)
		if _, err := SolveLP(context.Background(), p, LPOptions{}); !errors.Is(err, ErrLPInvalid) {
			t.Errorf("malformed programme: error %v, want ErrLPInvalid", err)
		}
	}
}

// TestSimplexWarmBounds changes column bounds after a solve and solves
// again from the last basis: the optimum must be a fresh solve's.
func TestSimplexWarmBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	compared := 0
	for trial := range 1500 {
		p, _ := randomLP(rng)
		s, err := NewSimplex(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Solve(context.Background(), LPOptions{}); err != nil {
			t.Fatal(err)
		}
		for range 1 + rng.IntN(3) {
			j := rng.IntN(p.NumCols())
			lo := float64(rng.IntN(3) - 1)
			s.SetBounds(j, lo, lo+float64(rng.IntN(3)))
		}
		warm, err := s.Solve(context.Background(), LPOptions{})
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		fresh, err := SolveLP(context.Background(), p, LPOptions{})
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if warm.Status != fresh.Status {
			t.Fatalf("trial %d: warm %v, fresh %v", trial, warm.Status, fresh.Status)
		}
		if warm.Status != LPOptimal {
			continue
		}
		checkFeasible(t, trial, p, warm.X)
		a, b := objective(p, warm.X), objective(p, fresh.X)
		if math.Abs(a-b) > 1e-6*(1+math.Abs(b)) {
			t.Fatalf("trial %d: warm optimum %g, fresh %g", trial, a, b)
		}
		compared++
	}
	if compared < 500 {
		t.Fatalf("only %d compared", compared)
	}
}

// seatLP draws a seating programme like an event's relaxation: people
// choose at most one session per round and one per theme, sessions have
// capacities, values are integers with many ties; some people also have
// a column with an infinite bound in their round rows, which keeps the
// crash away from those rows.
func seatLP(rng *rand.Rand) *LP {
	return seatLPSized(rng, 2+rng.IntN(6), 2+rng.IntN(3), 1+rng.IntN(3))
}

// seatLPSized is seatLP with the sizes given.
func seatLPSized(rng *rand.Rand, people, themes, rounds int) *LP {
	p := &LP{}
	x := make([][][]int, people) // x[person][round][theme]
	for a := range people {
		x[a] = make([][]int, rounds)
		for r := range rounds {
			for range themes {
				x[a][r] = append(x[a][r], p.AddCol(float64(rng.IntN(5)*10-10), 0, 1))
			}
		}
	}
	ones := func(n int) []float64 {
		v := make([]float64, n)
		for k := range v {
			v[k] = 1
		}
		return v
	}
	for a := range people {
		for r := range rounds {
			cols := append([]int(nil), x[a][r]...)
			if rng.IntN(6) == 0 {
				cols = append(cols, p.AddCol(-1, 0, math.Inf(1)))
			}
			p.AddRow(math.Inf(-1), 1, cols, ones(len(cols)))
		}
		for t := range themes {
			var cols []int
			for r := range rounds {
				cols = append(cols, x[a][r][t])
			}
			p.AddRow(math.Inf(-1), 1, cols, ones(len(cols)))
		}
	}
	for r := range rounds {
		for t := range themes {
			var cols []int
			for a := range people {
				cols = append(cols, x[a][r][t])
			}
			p.AddRow(math.Inf(-1), float64(1+rng.IntN(people)), cols, ones(len(cols)))
		}
	}
	return p
}

// TestSparseSolvesMatchDense solves seating programmes of 900-4,000
// rows twice, once with the sparse solves where the method finds them
// worthwhile and once with dense solves only: the pivots, the solution
// and the prices must be the same to the bit, so the index lists the
// sparse solves keep miss no nonzero.
func TestSparseSolvesMatchDense(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: programmes of thousands of rows")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	sparse := 0
	for trial := range 6 {
		p := seatLPSized(rng, 150+rng.IntN(250), 4+rng.IntN(4), 2+rng.IntN(2))
		var sols [2]*LPSolution
		for k, dense := range []bool{false, true} {
			sx, err := NewSimplex(p)
			if err != nil {
				t.Fatal(err)
			}
			sx.d.denseOnly = dense
			if sols[k], err = sx.Solve(context.Background(), LPOptions{}); err != nil || sols[k].Status != LPOptimal {
				t.Fatalf("trial %d (dense %v): %v, %v", trial, dense, sols[k], err)
			}
			if !dense {
				sparse += sx.d.sparseSolves
			} else if sx.d.sparseSolves != 0 {
				t.Fatalf("trial %d: %d sparse solves where only dense ones were allowed", trial, sx.d.sparseSolves)
			}
		}
		a, b := sols[0], sols[1]
		if a.Iterations != b.Iterations {
			t.Fatalf("trial %d: %d pivots with sparse solves, %d without", trial, a.Iterations, b.Iterations)
		}
		for j := range a.X {
			if math.Float64bits(a.X[j]) != math.Float64bits(b.X[j]) {
				t.Fatalf("trial %d: x[%d] is %g with sparse solves, %g without", trial, j, a.X[j], b.X[j])
			}
		}
		for i := range a.Y {
			if a.Y[i] != b.Y[i] {
				t.Fatalf("trial %d: y[%d] is %g with sparse solves, %g without", trial, i, a.Y[i], b.Y[i])
			}
		}
	}
	if sparse < 1000 {
		t.Errorf("only %d sparse solves: the test does not exercise them", sparse)
	}
}

// TestCrashStart checks the crash basis on seating programmes: it takes
// rows, its first basis is dual feasible without shifting any cost, the
// optimum is gonum's, and it saves pivots against the slack basis.
func TestCrashStart(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var pivots [2]int
	taken := 0
	for trial := range 100 {
		p := seatLP(rng)
		want, ok, known := gonumLP(p)
		if !known || !ok {
			t.Fatalf("trial %d: gonum could not solve a feasible programme", trial)
		}
		for k, crash := range []bool{false, true} {
			d := newDualSimplex(p, crash)
			if crash {
				for _, j := range d.head {
					if j < d.n {
						taken++
					}
				}
			}
			cost := append([]float64(nil), d.cost...)
			if err := d.refactor(); err != nil {
				t.Fatalf("trial %d (crash %v): %v", trial, crash, err)
			}
			for j := range cost {
				if d.cost[j] != cost[j] {
					t.Fatalf("trial %d (crash %v): the first basis shifted the cost of variable %d", trial, crash, j)
				}
			}
			sx := &Simplex{lp: p, d: d, started: true} // factorised above
			sol, err := sx.Solve(context.Background(), LPOptions{})
			if err != nil || sol.Status != LPOptimal {
				t.Fatalf("trial %d (crash %v): %v, %v", trial, crash, sol, err)
			}
			checkFeasible(t, trial, p, sol.X)
			if got := objective(p, sol.X); math.Abs(got-want) > 1e-5*(1+math.Abs(want)) {
				t.Fatalf("trial %d (crash %v): objective %g, gonum %g", trial, crash, got, want)
			}
			pivots[k] += sol.Iterations
		}
	}
	t.Logf("pivots: %d from the slack basis, %d from the crash (%d rows taken)", pivots[0], pivots[1], taken)
	if taken == 0 || pivots[1] >= pivots[0] {
		t.Errorf("the crash took %d rows and saved no pivots: %d against %d", taken, pivots[1], pivots[0])
	}
}

// TestRatioTestPrefix checks the ratio test's shortcut: walking the few
// smallest candidates first (and all of them only when those do not
// settle it) picks the same entering candidate and flips as walking all
// of them in sorted order (sortedWalk, written apart from walk), on random candidates with many ties and a few
// unboxed columns, with prefixes small enough that the fallback is
// taken often.
func TestRatioTestPrefix(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	fallbacks := 0
	for trial := range 3000 {
		n := 1 + rng.IntN(60)
		d := &dualSimplex{lo: make([]float64, n), hi: make([]float64, n)}
		var cands []cand
		for j := range n {
			d.hi[j] = 1
			if rng.IntN(10) == 0 {
				d.hi[j] = math.Inf(1)
			}
			ratio := float64(rng.IntN(5)) // many ties
			if rng.IntN(3) == 0 {
				ratio += 1e-12 * float64(rng.IntN(3)) // and near ties
			}
			cands = append(cands, cand{j: j, ratio: ratio, a: (0.1 + rng.Float64()) * float64(1-2*rng.IntN(2))})
		}
		rng.Shuffle(len(cands), func(a, b int) { cands[a], cands[b] = cands[b], cands[a] })
		slope := rng.Float64() * float64(n) / 3
		k := 1 + rng.IntN(8)

		wantEnter, wantFlips := sortedWalk(d, cands, slope)

		work := append([]cand(nil), cands...)
		enter, flips, ok := d.walk(d.smallest(work, k), slope)
		if !ok {
			fallbacks++
			h := candHeap(work)
			h.init()
			enter, flips, _ = d.walk(prefix{h, true}, slope)
		}
		if enter != wantEnter || !slices.Equal(flips, wantFlips) {
			t.Fatalf("trial %d (k %d): entering %+v, flips %v; walking all: %+v, %v", trial, k, enter, flips, wantEnter, wantFlips)
		}
	}
	if fallbacks == 0 {
		t.Fatal("no trial needed the full walk: the test does not reach the fallback")
	}
}

// sortedWalk is the ratio test's walk written plainly: the candidates
// sorted by ratio (then column), flipped in order while the slope stays
// positive; the first that cannot be flipped enters, unless a candidate
// right after it (each within lpTolDual/|a| of the one entering so far)
// has a larger pivot.
func sortedWalk(d *dualSimplex, cands []cand, slope float64) (cand, []cand) {
	sorted := slices.Clone(cands)
	slices.SortFunc(sorted, func(x, y cand) int {
		if x.ratio != y.ratio {
			if x.ratio < y.ratio {
				return -1
			}
			return 1
		}
		return x.j - y.j
	})
	var flips []cand
	k := 0
	for ; k < len(sorted); k++ {
		c := sorted[k]
		w := d.hi[c.j] - d.lo[c.j]
		if math.IsInf(w, 0) || slope-math.Abs(c.a)*w <= lpTolPrimal {
			break
		}
		slope -= math.Abs(c.a) * w
		flips = append(flips, c)
	}
	if k == len(sorted) {
		return cand{j: -1}, flips
	}
	enter := sorted[k]
	for _, c := range sorted[k+1:] {
		if c.ratio > enter.ratio+lpTolDual/math.Abs(c.a) {
			break
		}
		if math.Abs(c.a) > math.Abs(enter.a) {
			enter = c
		}
	}
	return enter, flips
}

// TestSolveLPFreeColumns: columns with an infinite bound on the side their
// cost prefers (or on both sides) start at an artificial bound of 1e9.
// The cases a review found: a feasible programme called infeasible (the
// updates' drift from 1e9 left a row 1e-7 out), and bounded ones called
// unbounded (a basic column at 6e8; a free column the objective ignores,
// left at its artificial bound). Then random programmes with such
// columns, against the same programme with those bounds replaced by
// ±1e4: where that optimum stays well inside, the two must agree.
func TestSolveLPFreeColumns(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		name  string
		build func(p *LP)
		want  float64
	}{
		{"free, two rows", func(p *LP) {
			x := p.AddCol(0, -inf, inf)
			p.AddRow(-1, inf, []int{x}, []float64{1})
			p.AddRow(-4, -3, []int{x}, []float64{3})
		}, 0},
		{"basic at 6e8", func(p *LP) {
			x := p.AddCol(1, 0, inf)
			p.AddRow(-inf, 6e8, []int{x}, []float64{1})
		}, 6e8},
		{"free and ignored", func(p *LP) {
			x := p.AddCol(0, -inf, inf)
			p.AddRow(-inf, 2, []int{x}, []float64{1})
		}, 0},
	} {
		p := &LP{}
		c.build(p)
		sol, err := SolveLP(context.Background(), p, LPOptions{})
		if err != nil || sol.Status != LPOptimal || math.Abs(objective(p, sol.X)-c.want) > 1e-6*(1+c.want) {
			t.Errorf("%s: %v %v", c.name, sol, err)
			continue
		}
		checkFeasible(t, 0, p, sol.X)
	}
	unbounded := &LP{}
	x := unbounded.AddCol(1, -inf, inf)
	y := unbounded.AddCol(0, 0, inf)
	unbounded.AddRow(-inf, 0, []int{x, y}, []float64{1, -1})
	if _, err := SolveLP(context.Background(), unbounded, LPOptions{}); err == nil || !strings.Contains(err.Error(), "unbounded") {
		t.Errorf("max x with x <= y, y unbounded: %v", err)
	}

	rng := rand.New(rand.NewPCG(11, 12))
	const box = 1e4
	compared := 0
	for trial := range 3000 {
		p, _ := randomLP(rng)
		boxed := &LP{}
		*boxed = *p
		boxed.obj, boxed.lo, boxed.hi = slices.Clone(p.obj), slices.Clone(p.lo), slices.Clone(p.hi)
		boxed.colStart = nil
		for j := range p.obj {
			switch rng.IntN(3) {
			case 0: // free
				p.lo[j], p.hi[j] = -inf, inf
			case 1: // up to +inf, whatever the cost's sign
				p.hi[j] = inf
			default:
				continue
			}
			boxed.lo[j], boxed.hi[j] = max(p.lo[j], -box), min(p.hi[j], box)
		}
		want, err := SolveLP(context.Background(), boxed, LPOptions{})
		if err != nil || want.Status != LPOptimal || slices.ContainsFunc(want.X, func(v float64) bool { return math.Abs(v) > box/2 }) {
			continue // infeasible, or perhaps unbounded
		}
		got, err := SolveLP(context.Background(), p, LPOptions{})
		if err != nil || got.Status != LPOptimal {
			t.Fatalf("trial %d: %v %v; with the columns boxed the optimum is %g", trial, got, err, objective(boxed, want.X))
		}
		// A column the objective ignores may stay at its artificial
		// bound, 1e9: rows are then met to within rounding of their
		// terms' size, not to 1e-6.
		for i := range p.rowLo {
			a, size := 0.0, 1.0
			for k := p.rowStart[i]; k < p.rowStart[i+1]; k++ {
				a += p.rowVal[k] * got.X[p.rowIdx[k]]
				size += math.Abs(p.rowVal[k] * got.X[p.rowIdx[k]])
			}
			if a < p.rowLo[i]-1e-6*size || a > p.rowHi[i]+1e-6*size {
				t.Fatalf("trial %d: row %d = %g outside [%g, %g]", trial, i, a, p.rowLo[i], p.rowHi[i])
			}
		}
		if a, b := objective(p, got.X), objective(boxed, want.X); math.Abs(a-b) > 1e-6*(1+math.Abs(b)) {
			t.Fatalf("trial %d: optimum %g at %v, boxed %g at %v", trial, a, got.X, b, want.X)
		}
		compared++
	}
	if compared < 500 {
		t.Fatalf("only %d compared", compared)
	}
	for _, y := range [][]float64{{math.NaN()}, {math.Inf(1)}, {math.Inf(-1)}} {
		p := &LP{}
		x := p.AddCol(1, 0, 1)
		p.AddRow(-inf, 1, []int{x}, []float64{1})
		if b := p.DualBound(y); !math.IsInf(b, 1) {
			t.Errorf("DualBound(%v) = %g, want +Inf", y, b)
		}
	}
}

// TestOverflowedWeights starts the method with its dual steepest-edge
// weights at +Inf or NaN, as an update through a pivot near zero once left
// one: pricing never chose such a row, and a basis whose basic value lay
// outside its bounds was called optimal (a branch and bound then fixed the
// same fractional binary again and again until its stack overflowed). The
// optimum must be gonum's and the solution feasible all the same.
func TestOverflowedWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 60 {
		p := seatLP(rng)
		want, ok, known := gonumLP(p)
		if !known || !ok {
			t.Fatalf("trial %d: gonum could not solve a feasible programme", trial)
		}
		d := newDualSimplex(p, trial%2 == 0)
		if err := d.refactor(); err != nil {
			t.Fatal(err)
		}
		for i := range d.w {
			if i%3 == trial%3 {
				d.w[i] = math.Inf(1)
				if trial%4 < 2 {
					d.w[i] = math.NaN()
				}
			}
		}
		sx := &Simplex{lp: p, d: d, started: true}
		sol, err := sx.Solve(context.Background(), LPOptions{})
		if err != nil || sol.Status != LPOptimal {
			t.Fatalf("trial %d: %v, %v", trial, sol, err)
		}
		checkFeasible(t, trial, p, sol.X)
		if got := objective(p, sol.X); math.Abs(got-want) > 1e-5*(1+math.Abs(want)) {
			t.Fatalf("trial %d: objective %g, gonum %g", trial, got, want)
		}
	}
}

// TestWeight checks the clamp of the weights: finite ones are kept, small
// ones raised, and overflowed or NaN ones start again at 1.
func TestWeight(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{
		{2.5, 2.5}, {minWeight, minWeight}, {1e-20, minWeight}, {-3, minWeight},
		{math.Inf(-1), minWeight}, {math.Inf(1), 1}, {math.NaN(), 1}, {1e300, 1e300},
	} {
		if got := weight(c.in); got != c.want {
			t.Errorf("weight(%g) = %g, want %g", c.in, got, c.want)
		}
	}
}
