package solver

import (
	"context"
	"math/rand/v2"
	"testing"
)

// withWarmup runs f with the cost-scaling warm-up forced on (mode 1) or off
// (mode -1) for every cold solve.
func withWarmup(mode int, f func()) {
	old := warmupMode
	warmupMode = mode
	defer func() { warmupMode = old }()
	f()
}

// roundBrute returns the optimum of a roundNet graph by enumerating every
// choice of one arc per participant: the flows on the other arcs follow, as
// every other node has a single leaving arc.
func roundBrute(g *Graph) int64 {
	var leaves []int
	out := make(map[int][]int)
	single := make(map[int]int) // node -> its only leaving arc
	for a := range g.NumArcs() {
		u, _, _, _, _ := g.Arc(a)
		out[u] = append(out[u], a)
	}
	for v := range g.NumNodes() {
		if g.Supply(v) > 0 {
			leaves = append(leaves, v)
		} else if len(out[v]) == 1 {
			single[v] = out[v][0]
		}
	}
	best, found := int64(0), false
	pick := make([]int, len(leaves))
	var rec func(i int)
	rec = func(i int) {
		if i == len(leaves) {
			flow := make([]int64, g.NumArcs())
			in := make([]int64, g.NumNodes())
			for j, v := range leaves {
				a := pick[j]
				flow[a]++
				_, w, _, _, _ := g.Arc(a)
				_ = v
				in[w]++
			}
			// Push down the single-arc chains (middle -> session -> sink).
			for range 2 {
				for v, a := range single {
					if in[v] > 0 {
						_, w, _, _, _ := g.Arc(a)
						flow[a] += in[v]
						in[w] += in[v]
						in[v] = 0
					}
				}
			}
			var c int64
			for a, x := range flow {
				if _, _, _, up, _ := g.Arc(a); x > up {
					return
				}
				c += g.arcCost(a, x)
			}
			if !found || c < best {
				best, found = c, true
			}
			return
		}
		for _, a := range out[leaves[i]] {
			pick[i] = a
			rec(i + 1)
		}
	}
	rec(0)
	return best
}

// TestRoundBruteForce checks cold solves, with and without the warm-up, of
// tiny middle-layer networks with convex colleague costs against enumeration.
func TestRoundBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	warmed, n := 0, 300
	if testing.Short() {
		n = 100
	}
	defer func() {
		if warmed < n*5/6 {
			t.Errorf("the warm-up ran on only %d of %d networks", warmed, n)
		}
	}()
	for it := range n {
		p, o, s := 2+rng.IntN(5), 1+rng.IntN(3), 2+rng.IntN(2)
		g := roundNet(rng, p, o, s, int64(rng.IntN(400)), -rng.Int64N(300))
		want := roundBrute(g)
		for _, mode := range []int{-1, 1} {
			withWarmup(mode, func() {
				h := clone(g)
				sol, err := solveCheck(t, h)
				if mode > 0 {
					warmed += h.e.warmups
				}
				if err != nil {
					t.Fatalf("case %d mode %d: %v", it, mode, err)
				}
				if sol.Cost != want {
					t.Fatalf("case %d mode %d: cost %d, brute force %d", it, mode, sol.Cost, want)
				}
			})
		}
	}
}

// TestWarmupRandom runs the generic random networks (lower bounds, convex
// arcs, infeasible ones) through the warm-up and compares with brute force
// and LP.
func TestWarmupRandom(t *testing.T) {
	withWarmup(1, func() {
		rng := rand.New(rand.NewPCG(13, 14))
		warmed := 0
		defer func() { t.Logf("the warm-up ran on %d networks", warmed) }()
		for it := range 1500 {
			g := randomGraph(rng, 2+rng.IntN(3), rng.IntN(3), rng.IntN(5), 2, 5, it%2 == 0, it%3 == 0)
			if g.NumArcs() > 8 {
				continue
			}
			want, ok := bruteForce(g)
			sol, err := solveCheck(t, g)
			warmed += g.e.warmups
			if ok != (err == nil) {
				t.Fatalf("case %d: brute force feasible=%v, Solve error %v", it, ok, err)
			}
			if ok && sol.Cost != want {
				t.Fatalf("case %d: cost %d, brute force %d", it, sol.Cost, want)
			}
		}
		n := 100
		if testing.Short() {
			n = 30
		}
		for it := range n {
			g := randomGraph(rng, 3+rng.IntN(6), rng.IntN(8), 4+rng.IntN(14), 6, 20, it%2 == 0, it%3 == 0)
			want, ok := lpOptimum(t, g)
			sol, err := solveCheck(t, g)
			if ok != (err == nil) {
				t.Fatalf("LP case %d: LP feasible=%v, Solve error %v", it, ok, err)
			}
			if ok && float64(sol.Cost) != want {
				t.Fatalf("LP case %d: cost %d, LP %g", it, sol.Cost, want)
			}
		}
	})
}

// TestRoundWarm changes the arc costs of 5-20 % of the participants of
// middle-layer networks between solves and compares every warm solve with
// cold ones with and without the warm-up.
func TestRoundWarm(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	sizes := []struct{ p, o, s int }{{30, 4, 3}, {200, 20, 6}, {1500, 150, 12}}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for it, c := range sizes {
		g := roundNet(rng, c.p, c.o, c.s, 10, 0)
		var leaves []int
		arcsOf := map[int][]int{}
		for a := range g.NumArcs() {
			u, _, _, _, cost := g.Arc(a)
			if g.Supply(u) > 0 && cost < 0 {
				arcsOf[u] = append(arcsOf[u], a)
			}
		}
		for v := range arcsOf {
			leaves = append(leaves, v)
		}
		for round := range 5 {
			pct := 5 + rng.IntN(16)
			for range len(leaves) * pct / 100 {
				for _, a := range arcsOf[leaves[rng.IntN(len(leaves))]] {
					_, _, _, _, cost := g.Arc(a)
					g.SetCost(a, min(0, cost+rng.Int64N(201)-100))
				}
			}
			warm, err := solveCheck(t, g)
			if err != nil {
				t.Fatal(err)
			}
			for _, mode := range []int{-1, 1} {
				withWarmup(mode, func() {
					h := clone(g)
					cold, err := solveCheck(t, h)
					if err != nil {
						t.Fatal(err)
					}
					if mode > 0 && h.e.warmups != 1 {
						t.Errorf("case %d: the warm-up gave up", it)
					}
					if warm.Cost != cold.Cost {
						t.Fatalf("case %d round %d mode %d: warm %d, cold %d", it, round, mode, warm.Cost, cold.Cost)
					}
				})
			}
		}
	}
}

// TestWarmupInfeasible: the warm-up gives up on an infeasible network and
// the certificate still comes out.
func TestWarmupInfeasible(t *testing.T) {
	withWarmup(1, func() {
		g := roundNet(rand.New(rand.NewPCG(17, 18)), 50, 5, 3, 10, 0)
		for a := range g.NumArcs() {
			if u, w, _, _, _ := g.Arc(a); w == 0 && g.Supply(u) > 0 {
				g.SetCapacity(a, 0) // no skipping
			}
		}
		for a := range g.NumArcs() {
			if u, w, _, _, _ := g.Arc(a); w == 0 && u >= 1 && u <= 3 {
				g.SetCapacity(a, 5) // 15 seats for 50
			}
		}
		if _, err := solveCheck(t, g); err == nil {
			t.Fatal("want infeasible")
		}
		_ = context.Background
	})
}
