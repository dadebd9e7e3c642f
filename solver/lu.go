package solver

import (
	"errors"
	"math"
	"math/bits"
)

// luFactor is a sparse LU factorisation of a square basis matrix B, built
// left-looking (Gilbert and Peierls, "Sparse partial pivoting in time
// proportional to arithmetic operations", SIAM J. Sci. Stat. Comput. 9(5),
// 1988): the columns are taken in an order chosen for sparsity, each is
// solved against the part of L built so far, and its pivot is chosen among
// the rows not yet used, by size within a threshold and then by how few
// entries the row has.
//
// Step t of the factorisation took basis column pos[t] and pivoted on row
// prow[t]; lcol[t] holds L's multipliers of that step (by row), ucol[t]
// U's entries above the diagonal (by row, divided by the diagonal) and
// uinv[t] the inverse of the diagonal.
type luFactor struct {
	m      int
	pos    []int
	prow   []int
	stepOf []int       // stepOf[row]: the step that pivoted on it
	lcol   [][]luEntry // by row
	ucol   [][]luEntry // by row, divided by the step's diagonal
	lsteps []int       // the steps whose lcol is not empty, in order
	usteps []int       // the same for ucol
	uinv   []float64   // 1 / U's diagonal: solves multiply
	nnz    int

	// For the sparse solves: stepAt[p] is the step that took basis
	// column p; for row i, lT[lTStart[i]:lTStart[i+1]] are the steps
	// whose lcol has an entry in row i, uT likewise for ucol.
	stepAt         []int
	lTStart, lT    []int
	uTStart, uT    []int
	visit          []bool // by row
	bits           bitset
	rows, fwd, bwd []int // the rows a sparse solve visits; its steps

	// work space
	rowCount, colOrder, bucket []int
	x                          []float64
	mark                       []bool
	stack                      []int
	iter                       []int
	order                      []int
}

type luEntry struct {
	i int // a row (L) or a step (U)
	v float64
}

// errSingular reports a basis the factorisation found singular.
var errSingular = errors.New("solver: singular basis")

// luPivotThreshold: a pivot is at least this share of the largest entry
// of its column among the rows not yet used.
const luPivotThreshold = 0.1

// factor factorises the matrix whose column k is cols(k) (rows and
// values), for k < m. rowCount gives each row's number of entries in the
// matrix, the tie-break among acceptable pivots.
func (f *luFactor) factor(m int, cols func(k int) ([]int, []float64)) error {
	f.m = m
	f.pos = resizeInts(f.pos, m)
	f.prow = resizeInts(f.prow, m)
	f.stepOf = resizeInts(f.stepOf, m)
	f.uinv = resizeFloats(f.uinv, m)
	if cap(f.lcol) < m {
		f.lcol = make([][]luEntry, m)
		f.ucol = make([][]luEntry, m)
	}
	f.lcol, f.ucol = f.lcol[:m], f.ucol[:m]
	f.x = resizeFloats(f.x, m)
	if cap(f.mark) < m {
		f.mark = make([]bool, m)
	}
	f.mark = f.mark[:m]
	for i := range m {
		f.stepOf[i] = -1
		f.lcol[i] = f.lcol[i][:0]
		f.ucol[i] = f.ucol[i][:0]
	}
	f.nnz = 0
	f.lsteps, f.usteps = f.lsteps[:0], f.usteps[:0]

	// Row counts, and the column order: columns with fewer entries first
	// (unit columns, the slacks, cost nothing and free their rows for
	// nobody else).
	f.rowCount = resizeInts(f.rowCount, m)
	rowCount := f.rowCount
	clear(rowCount)
	f.colOrder = resizeInts(f.colOrder, m)
	order := f.colOrder
	// A counting sort by entries, stable: columns of one count keep their
	// order.
	f.bucket = resizeInts(f.bucket, m+2)
	bucket := f.bucket
	clear(bucket)
	for k := range m {
		rows, _ := cols(k)
		bucket[min(len(rows), m)+1]++
		for _, i := range rows {
			rowCount[i]++
		}
	}
	for c := 1; c < len(bucket); c++ {
		bucket[c] += bucket[c-1]
	}
	for k := range m {
		rows, _ := cols(k)
		c := min(len(rows), m)
		order[bucket[c]] = k
		bucket[c]++
	}

	for t, k := range order {
		rows, vals := cols(k)
		reach := f.reach(rows)
		for _, i := range rows {
			f.x[i] = 0
		}
		for q, i := range rows {
			f.x[i] += vals[q]
		}
		// Eliminate with the earlier steps, in topological order.
		for n := len(reach) - 1; n >= 0; n-- {
			s := reach[n]
			xv := f.x[f.prow[s]]
			if xv == 0 {
				continue
			}
			for _, e := range f.lcol[s] {
				if f.x[e.i] == 0 && !f.mark[e.i] {
					f.mark[e.i] = true
					f.order = append(f.order, e.i)
				}
				f.x[e.i] -= e.v * xv
			}
		}
		// Collect: rows of earlier steps go to U, the others are pivot
		// candidates.
		big := 0.0
		for _, i := range rows {
			if !f.mark[i] {
				f.mark[i] = true
				f.order = append(f.order, i)
			}
		}
		for _, s := range reach {
			i := f.prow[s]
			if !f.mark[i] {
				f.mark[i] = true
				f.order = append(f.order, i)
			}
		}
		for _, i := range f.order {
			if f.stepOf[i] < 0 {
				big = max(big, math.Abs(f.x[i]))
			}
		}
		piv := -1
		if big > 1e-11 {
			for _, i := range f.order {
				if f.stepOf[i] >= 0 || math.Abs(f.x[i]) < luPivotThreshold*big {
					continue
				}
				if piv < 0 || rowCount[i] < rowCount[piv] || (rowCount[i] == rowCount[piv] && i < piv) {
					piv = i
				}
			}
		}
		if piv < 0 {
			f.clearWork()
			return errSingular
		}
		d := f.x[piv]
		for _, i := range f.order {
			v := f.x[i]
			if i == piv || v == 0 {
				continue
			}
			if f.stepOf[i] >= 0 {
				f.ucol[t] = append(f.ucol[t], luEntry{i, v / d})
			} else {
				f.lcol[t] = append(f.lcol[t], luEntry{i, v / d})
			}
		}
		f.clearWork()
		f.pos[t], f.prow[t], f.uinv[t] = k, piv, 1/d
		f.stepOf[piv] = t
		f.nnz += len(f.lcol[t]) + len(f.ucol[t]) + 1
		if len(f.lcol[t]) > 0 {
			f.lsteps = append(f.lsteps, t)
		}
		if len(f.ucol[t]) > 0 {
			f.usteps = append(f.usteps, t)
		}
	}
	f.transpose()
	return nil
}

// transpose builds stepAt, lT and uT.
func (f *luFactor) transpose() {
	m := f.m
	f.stepAt = resizeInts(f.stepAt, m)
	for t, p := range f.pos {
		f.stepAt[p] = t
	}
	if cap(f.visit) < m {
		f.visit = make([]bool, m)
	}
	f.visit = f.visit[:m]
	f.lTStart, f.lT = transposeSteps(f.lcol, f.lTStart, f.lT, f.bucket)
	f.uTStart, f.uT = transposeSteps(f.ucol, f.uTStart, f.uT, f.bucket)
}

// transposeSteps lists, for each row, the steps (ascending) whose column
// in cols has an entry in that row; next is scratch space of at least
// len(cols) ints.
func transposeSteps(cols [][]luEntry, start, steps, next []int) ([]int, []int) {
	m := len(cols)
	start = resizeInts(start, m+1)
	clear(start)
	for _, c := range cols {
		for _, e := range c {
			start[e.i+1]++
		}
	}
	for i := range m {
		start[i+1] += start[i]
	}
	steps = resizeInts(steps, start[m])
	copy(next, start[:m])
	for t, c := range cols {
		for _, e := range c {
			steps[next[e.i]] = t
			next[e.i]++
		}
	}
	return start, steps
}

func (f *luFactor) clearWork() {
	for _, i := range f.order {
		f.x[i] = 0
		f.mark[i] = false
	}
	f.order = f.order[:0]
}

// reach returns the earlier steps whose L columns a right-hand side with
// entries in rows reaches, in reverse topological order (each step after
// every step it feeds into), by depth-first search.
func (f *luFactor) reach(rows []int) []int {
	f.stack = f.stack[:0]
	var out []int
	out = f.iter[:0] // reuse
	visited := f.order[:0]
	for _, i0 := range rows {
		s0 := f.stepOf[i0]
		if s0 < 0 || f.mark[i0] {
			continue
		}
		// Iterative DFS over steps; mark by pivot row.
		f.mark[i0] = true
		visited = append(visited, i0)
		f.stack = append(f.stack, s0, 0)
		for len(f.stack) > 0 {
			top := len(f.stack) - 2
			s, next := f.stack[top], f.stack[top+1]
			l := f.lcol[s]
			pushed := false
			for next < len(l) {
				i := l[next].i
				next++
				if t := f.stepOf[i]; t >= 0 && !f.mark[i] {
					f.mark[i] = true
					visited = append(visited, i)
					f.stack[top+1] = next
					f.stack = append(f.stack, t, 0)
					pushed = true
					break
				}
			}
			if !pushed {
				f.stack = f.stack[:top]
				out = append(out, s)
			}
		}
	}
	for _, i := range visited {
		f.mark[i] = false
	}
	f.order = visited[:0]
	f.iter = out
	return out
}

// solve overwrites b (indexed by row) with x such that B x = b, x indexed
// by basis column. U is applied as Ũ·D, Ũ with a unit diagonal, so that
// only the steps with entries off the diagonal cost more than the final
// pass.
func (f *luFactor) solve(b []float64) {
	for _, t := range f.lsteps {
		v := b[f.prow[t]]
		if v == 0 {
			continue
		}
		for _, e := range f.lcol[t] {
			b[e.i] -= e.v * v
		}
	}
	for k := len(f.usteps) - 1; k >= 0; k-- {
		t := f.usteps[k]
		v := b[f.prow[t]]
		if v == 0 {
			continue
		}
		for _, e := range f.ucol[t] {
			b[e.i] -= e.v * v
		}
	}
	x := f.x
	for t, p := range f.pos {
		if v := b[f.prow[t]]; v != 0 {
			x[p] = v * f.uinv[t]
		}
	}
	copy(b, x[:f.m])
	clear(x[:f.m])
}

// solveT overwrites c (indexed by basis column) with y such that
// Bᵀ y = c, y indexed by row.
func (f *luFactor) solveT(c []float64) {
	x := f.x
	for t, p := range f.pos {
		if v := c[p]; v != 0 {
			x[f.prow[t]] = v * f.uinv[t]
		}
	}
	for _, t := range f.usteps {
		v := x[f.prow[t]]
		for _, e := range f.ucol[t] {
			v -= e.v * x[e.i]
		}
		x[f.prow[t]] = v
	}
	for k := len(f.lsteps) - 1; k >= 0; k-- {
		t := f.lsteps[k]
		v := x[f.prow[t]]
		for _, e := range f.lcol[t] {
			v -= e.v * x[e.i]
		}
		x[f.prow[t]] = v
	}
	copy(c, x[:f.m])
	clear(x[:f.m])
}

// sparseShare: a sparse solve gives up, for the dense one, once it would
// visit more than this share of the rows. Past it the sorting and the
// bookkeeping cost more than the passes over every step that they save.
const sparseShare = 0.1

// closure adds to f.rows every row that a nonzero in a row already there
// reaches through the steps' entries in cols (lcol or ucol); with
// transposed set, through the steps listed by start and steps (lT or uT)
// instead. It reports false, the rows left marked, past limit rows.
func (f *luFactor) closure(cols [][]luEntry, start, steps []int, transposed bool, limit int) bool {
	for k := 0; k < len(f.rows); k++ {
		i := f.rows[k]
		if transposed {
			for _, t := range steps[start[i]:start[i+1]] {
				if r := f.prow[t]; !f.visit[r] {
					f.visit[r] = true
					f.rows = append(f.rows, r)
				}
			}
		} else {
			for _, e := range cols[f.stepOf[i]] {
				if !f.visit[e.i] {
					f.visit[e.i] = true
					f.rows = append(f.rows, e.i)
				}
			}
		}
		if len(f.rows) > limit {
			return false
		}
	}
	return true
}

// stepsOf sets out to the steps of f.rows that have entries in cols,
// sorted ascending, or descending with desc.
func (f *luFactor) stepsOf(cols [][]luEntry, out []int, desc bool) []int {
	f.bits = resizeBits(f.bits, f.m)
	for _, i := range f.rows {
		if t := f.stepOf[i]; len(cols[t]) > 0 {
			f.bits.set(t)
		}
	}
	return f.bits.drain(out[:0], desc)
}

func (f *luFactor) unvisit() {
	for _, i := range f.rows {
		f.visit[i] = false
	}
	f.rows = f.rows[:0]
}

// solveSparse is solve for a b whose nonzeros all lie in rows nz
// (repeats allowed). It appends to out the positions where the result
// may be nonzero and reports true; or, when the solve would touch too
// much of the factors to gain by sparsity, it makes the dense solve and
// reports false. Both give the same numbers, bit for bit: the steps
// that can change anything are taken in the same order.
func (f *luFactor) solveSparse(b []float64, nz []int, out []int) ([]int, bool) {
	limit := int(sparseShare * float64(f.m))
	ok := len(nz) <= limit
	for _, i := range nz {
		if !ok {
			break
		}
		if !f.visit[i] {
			f.visit[i] = true
			f.rows = append(f.rows, i)
		}
	}
	ok = ok && f.closure(f.lcol, nil, nil, false, limit)
	if ok {
		f.fwd = f.stepsOf(f.lcol, f.fwd, false)
		ok = f.closure(f.ucol, nil, nil, false, limit)
	}
	if !ok {
		f.unvisit()
		f.solve(b)
		return out, false
	}
	f.bwd = f.stepsOf(f.ucol, f.bwd, true)
	for _, t := range f.fwd {
		if v := b[f.prow[t]]; v != 0 {
			for _, e := range f.lcol[t] {
				b[e.i] -= e.v * v
			}
		}
	}
	for _, t := range f.bwd {
		if v := b[f.prow[t]]; v != 0 {
			for _, e := range f.ucol[t] {
				b[e.i] -= e.v * v
			}
		}
	}
	x := f.x
	for _, i := range f.rows {
		t := f.stepOf[i]
		if v := b[i]; v != 0 {
			x[f.pos[t]] = v * f.uinv[t]
		}
		b[i] = 0
	}
	for _, i := range f.rows {
		p := f.pos[f.stepOf[i]]
		b[p], x[p] = x[p], 0
		out = append(out, p)
	}
	f.unvisit()
	return out, true
}

// solveTSparse is solveT for a c whose nonzeros all lie in positions nz
// (repeats allowed), as solveSparse is for solve: it appends the rows
// where the result may be nonzero, or makes the dense solve and reports
// false.
func (f *luFactor) solveTSparse(c []float64, nz []int, out []int) ([]int, bool) {
	limit := int(sparseShare * float64(f.m))
	ok := len(nz) <= limit
	for _, p := range nz {
		if !ok {
			break
		}
		if i := f.prow[f.stepAt[p]]; !f.visit[i] {
			f.visit[i] = true
			f.rows = append(f.rows, i)
		}
	}
	ok = ok && f.closure(nil, f.uTStart, f.uT, true, limit)
	if ok {
		f.fwd = f.stepsOf(f.ucol, f.fwd, false)
		ok = f.closure(nil, f.lTStart, f.lT, true, limit)
	}
	if !ok {
		f.unvisit()
		f.solveT(c)
		return out, false
	}
	f.bwd = f.stepsOf(f.lcol, f.bwd, true)
	x := f.x
	for _, p := range nz {
		if v := c[p]; v != 0 {
			t := f.stepAt[p]
			x[f.prow[t]] = v * f.uinv[t]
		}
		c[p] = 0
	}
	for _, t := range f.fwd {
		v := x[f.prow[t]]
		for _, e := range f.ucol[t] {
			v -= e.v * x[e.i]
		}
		x[f.prow[t]] = v
	}
	for _, t := range f.bwd {
		v := x[f.prow[t]]
		for _, e := range f.lcol[t] {
			v -= e.v * x[e.i]
		}
		x[f.prow[t]] = v
	}
	for _, i := range f.rows {
		c[i], x[i] = x[i], 0
		out = append(out, i)
	}
	f.unvisit()
	return out, true
}

// bitset is a set of small integers, one bit each: a sparse solve's
// steps, ascending, without sorting them.
type bitset []uint64

func resizeBits(b bitset, n int) bitset {
	w := (n + 63) / 64
	if cap(b) < w {
		return make(bitset, w)
	}
	return b[:w]
}

func (b bitset) set(i int) { b[i/64] |= 1 << (i % 64) }

// drain appends the members to out, ascending (descending with desc),
// and empties the set.
func (b bitset) drain(out []int, desc bool) []int {
	if desc {
		for w := len(b) - 1; w >= 0; w-- {
			for b[w] != 0 {
				k := 63 - bits.LeadingZeros64(b[w])
				out = append(out, w*64+k)
				b[w] &^= 1 << k
			}
		}
		return out
	}
	for w, x := range b {
		for x != 0 {
			k := bits.TrailingZeros64(x)
			out = append(out, w*64+k)
			x &= x - 1
		}
		b[w] = 0
	}
	return out
}

func resizeInts(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}

func resizeFloats(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
