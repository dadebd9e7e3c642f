package solver

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// randomGraph builds a small random network: some "participant" leaves with
// supply and only leaving arcs, core nodes with random plain and convex arcs
// (some with lower bounds), and supplies that sum to zero. Many are
// feasible, some are not.
func randomGraph(rng *rand.Rand, nCore, nLeaf, nArcs int, maxCap, maxCost int64, convex, lower bool) *Graph {
	g := NewGraph(nCore + nLeaf)
	var total int64
	for v := range nLeaf {
		s := 1 + rng.Int64N(2)
		g.SetSupply(nCore+v, s)
		total += s
		d := 1 + rng.IntN(3)
		for range d {
			g.AddArc(nCore+v, rng.IntN(nCore), 0, 1+rng.Int64N(maxCap), rng.Int64N(2*maxCost+1)-maxCost)
		}
	}
	for range nArcs {
		u, w := rng.IntN(nCore), rng.IntN(nCore)
		var l int64
		if lower && rng.IntN(5) == 0 {
			l = rng.Int64N(2)
		}
		if convex && rng.IntN(3) == 0 {
			steps := make([]Step, 1+rng.IntN(3))
			c := rng.Int64N(2*maxCost+1) - maxCost
			for i := range steps {
				steps[i] = Step{Capacity: rng.Int64N(maxCap + 1), Cost: c}
				c += rng.Int64N(maxCost + 1)
			}
			var sum int64
			for _, s := range steps {
				sum += s.Capacity
			}
			g.AddConvexArc(u, w, min(l, sum), steps)
			continue
		}
		c := 1 + rng.Int64N(maxCap)
		g.AddArc(u, w, min(l, c), c, rng.Int64N(2*maxCost+1)-maxCost)
	}
	// Core supplies: random, then balance on random core nodes.
	for v := range nCore {
		if rng.IntN(3) == 0 {
			s := rng.Int64N(5) - 2
			g.SetSupply(v, s)
			total += s
		}
	}
	for total != 0 {
		v := rng.IntN(nCore)
		d := max(-2, min(2, -total))
		g.SetSupply(v, g.Supply(v)+d)
		total += d
	}
	return g
}

// clone copies g without its solver state (a cold copy).
func clone(g *Graph) *Graph {
	h := NewGraph(g.NumNodes())
	for v := range g.NumNodes() {
		h.SetSupply(v, g.Supply(v))
	}
	for a := range g.NumArcs() {
		u, w, l, c, cost := g.Arc(a)
		if st := g.Steps(a); st != nil || g.convex(a) {
			h.AddConvexArc(u, w, l, st)
		} else {
			h.AddArc(u, w, l, c, cost)
		}
	}
	return h
}

// bruteForce enumerates every integral flow of a tiny network and returns
// the least cost, or ok=false when none is feasible.
func bruteForce(g *Graph) (best int64, ok bool) {
	m := g.NumArcs()
	x := make([]int64, m)
	bal := make([]int64, g.NumNodes())
	var rec func(a int)
	rec = func(a int) {
		if a == m {
			for v := range bal {
				if bal[v] != g.Supply(v) {
					return
				}
			}
			var c int64
			for b := range m {
				c += g.arcCost(b, x[b])
			}
			if !ok || c < best {
				best, ok = c, true
			}
			return
		}
		u, w, l, up, _ := g.Arc(a)
		for f := l; f <= up; f++ {
			x[a] = f
			bal[u] += f
			bal[w] -= f
			rec(a + 1)
			bal[u] -= f
			bal[w] += f
		}
	}
	rec(0)
	return best, ok
}

// lpOptimum solves the network as an LP with gonum's dense simplex:
// one variable per arc step, y = x - lower, with slack variables for the
// step capacities.
func lpOptimum(t *testing.T, g *Graph) (float64, bool) {
	type v struct {
		arc  int
		cost float64
		cap  float64
	}
	var vars []v
	var constCost float64
	n := g.NumNodes()
	b := make([]float64, n)
	for i := range n {
		b[i] = float64(g.Supply(i))
	}
	for a := range g.NumArcs() {
		u, w, l, c, cost := g.Arc(a)
		b[u] -= float64(l)
		b[w] += float64(l)
		constCost += float64(g.arcCost(a, l))
		if st := g.Steps(a); g.convex(a) {
			rem := l // forced units fill the first steps
			for _, s := range st {
				used := min(rem, s.Capacity)
				rem -= used
				if s.Capacity-used > 0 {
					vars = append(vars, v{a, float64(s.Cost), float64(s.Capacity - used)})
				}
			}
		} else if c-l > 0 {
			vars = append(vars, v{a, float64(cost), float64(c - l)})
		}
	}
	nv := len(vars)
	rows, cols := n+nv, 2*nv
	A := mat.NewDense(rows, max(cols, 1), nil)
	bb := make([]float64, rows)
	c := make([]float64, max(cols, 1))
	for i, x := range vars {
		u, w, _, _, _ := g.Arc(x.arc)
		A.Set(u, i, A.At(u, i)+1)
		A.Set(w, i, A.At(w, i)-1)
		A.Set(n+i, i, 1)
		A.Set(n+i, nv+i, 1)
		bb[n+i] = x.cap
		c[i] = x.cost
	}
	copy(bb, b)
	// The conservation rows of each connected component sum to zero: keep
	// all but one per component so that A has full row rank.
	comp := make([]int, n)
	for i := range comp {
		comp[i] = i
	}
	find := func(i int) int {
		for comp[i] != i {
			comp[i] = comp[comp[i]]
			i = comp[i]
		}
		return i
	}
	for _, x := range vars {
		u, w, _, _, _ := g.Arc(x.arc)
		comp[find(u)] = find(w)
	}
	sums := map[int]float64{}
	var keep []int
	dropped := map[int]bool{}
	for i := range n {
		r := find(i)
		sums[r] += b[i]
		if !dropped[r] {
			dropped[r] = true
			continue
		}
		keep = append(keep, i)
	}
	for _, s := range sums {
		if s != 0 {
			return 0, false
		}
	}
	if nv == 0 {
		return constCost, true
	}
	for i := n; i < rows; i++ {
		keep = append(keep, i)
	}
	A2 := mat.NewDense(len(keep), cols, nil)
	b2 := make([]float64, len(keep))
	for r, i := range keep {
		for j := range cols {
			A2.Set(r, j, A.At(i, j))
		}
		b2[r] = bb[i]
	}
	opt, _, err := lp.Simplex(c, A2, b2, 1e-9, nil)
	if errors.Is(err, lp.ErrInfeasible) {
		return 0, false
	}
	if err != nil {
		t.Fatalf("lp: %v", err)
	}
	return opt + constCost, true
}

func solveCheck(t *testing.T, g *Graph) (*Solution, error) {
	t.Helper()
	sol, err := g.Solve(context.Background())
	if err == nil {
		if verr := sol.Verify(g); verr != nil {
			t.Fatalf("Verify: %v", verr)
		}
		return sol, nil
	}
	var ie *InfeasibleError
	if errors.As(err, &ie) {
		if cerr := ie.CheckCut(g); cerr != nil {
			t.Fatalf("bad certificate %+v: %v", ie, cerr)
		}
	}
	if !errors.Is(err, ErrInfeasible) {
		t.Fatalf("Solve: %v", err)
	}
	return nil, err
}

func TestBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	feasible := 0
	for it := range 3000 {
		g := randomGraph(rng, 2+rng.IntN(3), rng.IntN(3), rng.IntN(5), 2, 5, it%2 == 0, it%3 == 0)
		if g.NumArcs() > 8 {
			continue
		}
		want, ok := bruteForce(g)
		sol, err := solveCheck(t, g)
		if ok != (err == nil) {
			t.Fatalf("case %d: brute force feasible=%v, Solve error %v", it, ok, err)
		}
		if ok {
			feasible++
			if sol.Cost != want {
				t.Fatalf("case %d: cost %d, brute force %d", it, sol.Cost, want)
			}
		}
	}
	if feasible < 300 {
		t.Errorf("only %d feasible cases", feasible)
	}
}

func TestLP(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	feasible := 0
	n := 300
	if testing.Short() {
		n = 60
	}
	for it := range n {
		g := randomGraph(rng, 3+rng.IntN(6), rng.IntN(8), 4+rng.IntN(14), 6, 20, it%2 == 0, it%3 == 0)
		want, ok := lpOptimum(t, g)
		sol, err := solveCheck(t, g)
		if ok != (err == nil) {
			t.Fatalf("case %d: LP feasible=%v, Solve error %v", it, ok, err)
		}
		if ok {
			feasible++
			if math.Abs(float64(sol.Cost)-want) > 1e-6 {
				t.Fatalf("case %d: cost %d, LP %g", it, sol.Cost, want)
			}
		}
	}
	if feasible < n/5 {
		t.Errorf("only %d feasible cases", feasible)
	}
}

// TestWarm changes random costs, capacities and supplies, and adds arcs,
// between solves, and compares every warm solve with a cold one.
func TestWarm(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for it := range 200 {
		g := randomGraph(rng, 4+rng.IntN(8), 5+rng.IntN(20), 10+rng.IntN(30), 8, 30, it%2 == 0, it%3 == 0)
		for round := range 8 {
			for range 1 + rng.IntN(4) {
				a := rng.IntN(g.NumArcs())
				if g.convex(a) {
					continue
				}
				switch rng.IntN(6) {
				case 0:
					_, _, l, _, _ := g.Arc(a)
					g.SetCapacity(a, l+rng.Int64N(8))
				case 1:
					if round%3 == 2 {
						u, w := rng.IntN(g.NumNodes()), rng.IntN(g.NumNodes())
						g.AddArc(u, w, 0, 1+rng.Int64N(5), rng.Int64N(61)-30)
						break
					}
					fallthrough
				default:
					g.SetCost(a, rng.Int64N(61)-30)
				}
			}
			if round%4 == 3 {
				u, w := rng.IntN(g.NumNodes()), rng.IntN(g.NumNodes())
				if g.Supply(u) > 1 || g.Supply(u) <= 0 {
					g.SetSupply(u, g.Supply(u)-1)
					g.SetSupply(w, g.Supply(w)+1)
				}
			}
			warm, werr := solveCheck(t, g)
			cold, cerr := solveCheck(t, clone(g))
			if (werr == nil) != (cerr == nil) {
				t.Fatalf("case %d round %d: warm error %v, cold error %v", it, round, werr, cerr)
			}
			if werr == nil && warm.Cost != cold.Cost {
				t.Fatalf("case %d round %d: warm cost %d, cold %d", it, round, warm.Cost, cold.Cost)
			}
		}
	}
}

// assignment builds an assignment-shaped network: p participants, each with
// d arcs into s sessions (through one of o organisation x session pair nodes
// with the convex "colleagues" cost when o > 0) and a skip arc to the sink.
func assignment(rng *rand.Rand, p, d, s, o int, samePair int64) *Graph {
	g := NewGraph(0)
	sink := g.AddNode()
	sess := make([]int, s)
	var seats int64
	for i := range sess {
		sess[i] = g.AddNode()
		c := int64(p) / int64(s) * (5 + rng.Int64N(6)) / 10
		seats += c
		g.AddArc(sess[i], sink, 0, c+1, 0)
	}
	mid := map[[2]int]int{}
	for range p {
		v := g.AddNode()
		g.SetSupply(v, 1)
		org := 0
		if o > 0 {
			org = rng.IntN(o)
		}
		for _, k := range rng.Perm(s)[:d] {
			to := sess[k]
			if o > 0 {
				m, ok := mid[[2]int{org, k}]
				if !ok {
					m = g.AddNode()
					mid[[2]int{org, k}] = m
					steps := make([]Step, 8)
					for i := range steps {
						steps[i] = Step{Capacity: 1, Cost: samePair * int64(i)}
					}
					steps[7].Capacity = int64(p)
					g.AddConvexArc(m, to, 0, steps)
				}
				to = m
			}
			g.AddArc(v, to, 0, 1, -rng.Int64N(1201))
		}
		g.AddArc(v, sink, 0, 1, 0)
	}
	g.SetSupply(sink, -int64(p))
	return g
}

func TestAssignmentWarm(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for it, c := range []struct{ p, d, s, o int }{{50, 3, 5, 0}, {200, 4, 10, 5}, {500, 5, 20, 8}, {2000, 10, 30, 20}} {
		g := assignment(rng, c.p, c.d, c.s, c.o, 40)
		for round := range 6 {
			for range 1 + rng.IntN(50) {
				a := rng.IntN(g.NumArcs())
				if _, _, _, _, cost := g.Arc(a); !g.convex(a) && cost < 0 {
					g.SetCost(a, -rng.Int64N(1201))
				}
			}
			warm, werr := solveCheck(t, g)
			cold, cerr := solveCheck(t, clone(g))
			if werr != nil || cerr != nil {
				t.Fatalf("case %d round %d: errors %v %v", it, round, werr, cerr)
			}
			if warm.Cost != cold.Cost {
				t.Fatalf("case %d round %d: warm %d cold %d", it, round, warm.Cost, cold.Cost)
			}
		}
	}
}

func TestInfeasibleCut(t *testing.T) {
	// 3 participants who may only go to session 0 (2 seats).
	g := NewGraph(4 + 3)
	sink, s0, s1 := 0, 1, 2
	_ = 3
	g.AddArc(s0, sink, 0, 2, 0)
	g.AddArc(s1, sink, 0, 10, 0)
	for i := range 3 {
		g.SetSupply(4+i, 1)
		g.AddArc(4+i, s0, 0, 1, -5)
	}
	g.SetSupply(sink, -3)
	_, err := g.Solve(context.Background())
	var ie *InfeasibleError
	if !errors.As(err, &ie) || !errors.Is(err, ErrInfeasible) {
		t.Fatalf("want InfeasibleError, got %v", err)
	}
	if err := ie.CheckCut(g); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ie.Cut) != "[1 4 5 6]" || ie.Excess != 3 || ie.Capacity != 2 {
		t.Errorf("cut %v excess %d capacity %d, want [1 4 5 6] 3 2", ie.Cut, ie.Excess, ie.Capacity)
	}
	// Fix it: the warm solve must now succeed.
	g.AddArc(s0, s1, 0, 1, 7)
	if _, err := solveCheck(t, g); err != nil {
		t.Fatal(err)
	}
}

func TestOverflowRefused(t *testing.T) {
	g := NewGraph(2)
	g.SetSupply(0, 1)
	g.SetSupply(1, -1)
	g.AddArc(0, 1, 0, 1<<40, 1<<40)
	if _, err := g.Solve(context.Background()); !errors.Is(err, ErrOverflow) {
		t.Errorf("huge cost x capacity: got %v, want ErrOverflow", err)
	}
	// A warm solve must catch a cost made too large by SetCost.
	g = NewGraph(2)
	g.SetSupply(0, 1)
	g.SetSupply(1, -1)
	a := g.AddArc(0, 1, 0, 1<<40, 1)
	if _, err := g.Solve(context.Background()); err != nil {
		t.Fatal(err)
	}
	g.SetCost(a, 1<<40)
	if _, err := g.Solve(context.Background()); !errors.Is(err, ErrOverflow) {
		t.Errorf("SetCost to a huge cost: got %v, want ErrOverflow", err)
	}
	g.SetCost(a, 3)
	if sol, err := g.Solve(context.Background()); err != nil || sol.Cost != 3 {
		t.Errorf("after SetCost back: %v %v", sol, err)
	}
	g = NewGraph(2)
	g.AddArc(0, 1, 0, math.MaxInt64, 0)
	g.AddArc(0, 1, 0, math.MaxInt64, 0)
	if _, err := g.Solve(context.Background()); !errors.Is(err, ErrOverflow) {
		t.Errorf("huge capacities: got %v, want ErrOverflow", err)
	}
	g = NewGraph(2)
	g.AddConvexArc(0, 1, 0, []Step{{1, 5}, {1, 3}})
	g.AddArc(0, 1, 3, 2, 0)
	_, err := g.Solve(context.Background())
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("decreasing steps: got %v, want ErrInvalid", err)
	}
}

func TestUnbalanced(t *testing.T) {
	g := NewGraph(2)
	g.SetSupply(0, 2)
	g.AddArc(0, 1, 0, 5, 1)
	_, err := g.Solve(context.Background())
	var ie *InfeasibleError
	if !errors.As(err, &ie) || ie.CheckCut(g) != nil {
		t.Fatalf("want a cut certificate, got %v", err)
	}
	g.SetSupply(0, -2)
	if _, err := g.Solve(context.Background()); !errors.Is(err, ErrInfeasible) {
		t.Fatalf("want ErrInfeasible, got %v", err)
	}
}

func TestCancel(t *testing.T) {
	g := assignment(rand.New(rand.NewPCG(1, 1)), 1000, 5, 10, 0, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Solve(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if _, err := solveCheck(t, g); err != nil {
		t.Fatal(err)
	}
}
