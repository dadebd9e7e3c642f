package solver

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// TestBundleMatchesFlow minimises the Lagrangian dual of random
// assignments (people take at most one session, sessions hold at most
// their capacity, maximise value) over seat prices >= 0, and compares it
// with the assignment's optimum from the flow solver: the assignment
// polytope is integral, so the two are equal.
func TestBundleMatchesFlow(t *testing.T) {
	for _, target := range []float64{math.NaN(), 0.9, 1} {
		for seed := range uint64(20) {
			bundleAssignment(t, seed, target)
		}
	}
}

// bundleAssignment runs one event of TestBundleMatchesFlow; unless
// target is NaN, the bundle's Target is target times the optimum.
func bundleAssignment(t *testing.T, seed uint64, target float64) {
	t.Helper()
	{
		rng := rand.New(rand.NewPCG(seed, 7))
		nP, nS := 20+rng.IntN(60), 2+rng.IntN(8)
		val := make([][]int64, nP)
		capa := make([]int64, nS)
		for s := range capa {
			capa[s] = 1 + int64(rng.IntN(nP/nS+2))
		}
		for p := range val {
			val[p] = make([]int64, nS)
			for s := range val[p] {
				val[p][s] = int64(rng.IntN(100))
			}
		}
		// The optimum: source -> person -> session -> sink, costs negated,
		// and a bypass arc for people left out.
		g := NewGraph(nP + nS + 2)
		src, snk := nP+nS, nP+nS+1
		g.SetSupply(src, int64(nP))
		g.SetSupply(snk, -int64(nP))
		g.AddArc(src, snk, 0, int64(nP), 0)
		for p := range nP {
			g.AddArc(src, p, 0, 1, 0)
			for s := range nS {
				g.AddArc(p, nP+s, 0, 1, -val[p][s])
			}
		}
		for s := range nS {
			g.AddArc(nP+s, snk, 0, capa[s], 0)
		}
		sol, err := g.Solve(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		opt := float64(-sol.Cost)

		dual := func(pi, grad []float64) float64 {
			f := 0.0
			for s := range nS {
				f += float64(capa[s]) * pi[s]
				grad[s] = float64(capa[s])
			}
			for p := range nP {
				best, bs := 0.0, -1
				for s := range nS {
					if v := float64(val[p][s]) - pi[s]; v > best {
						best, bs = v, s
					}
				}
				f += best
				if bs >= 0 {
					grad[bs]--
				}
			}
			return f
		}
		boxed := make([]int, nS)
		for s := range boxed {
			boxed[s] = s
		}
		b := NewBundle(nS, boxed, nil)
		b.Target = target * opt
		y, g2 := make([]float64, nS), make([]float64, nS)
		f := dual(y, g2)
		b.T = 1e-2
		b.Observe(y, f, g2)
		best := f
		for range 300 {
			if b.Next(y) < 1e-9 {
				break
			}
			for _, v := range y[:nS] {
				if v < 0 {
					t.Fatalf("seed %d: price %g below 0", seed, v)
				}
			}
			f = dual(y, g2)
			best = min(best, f)
			b.Observe(y, f, g2)
		}
		if best < opt-1e-6 {
			t.Fatalf("seed %d, target %g: dual %g below the optimum %g: not a bound", seed, target, best, opt)
		}
		if best > opt+1e-6*math.Abs(opt)+1e-6 {
			t.Errorf("seed %d, target %g: bundle reached %g, optimum %g", seed, target, best, opt)
		}
	}
}

// TestBundleFreeAndBoxed minimises offset + sum_i w_i|y_i - z_i| with
// half the coordinates kept >= 0: the minimum is the offset plus the
// weight of the boxed z_i below 0. A large offset must not make the
// inner programme stop early (its tolerance once scaled with f's value).
func TestBundleFreeAndBoxed(t *testing.T) {
	for _, offset := range []float64{0, 1e8} {
		rng := rand.New(rand.NewPCG(3, 3))
		n := 40
		w, z := make([]float64, n), make([]float64, n)
		want := offset
		var boxed []int
		scale := make([]float64, n)
		for i := range n {
			w[i], z[i] = 1+rng.Float64()*9, rng.Float64()*20-10
			scale[i] = 1 + float64(i%3)
			if i%2 == 0 {
				boxed = append(boxed, i)
				if z[i] < 0 {
					want += -w[i] * z[i]
				}
			}
		}
		f := func(y, g []float64) float64 {
			v := offset
			for i := range n {
				d := y[i] - z[i]
				v += w[i] * math.Abs(d)
				g[i] = w[i]
				if d < 0 {
					g[i] = -w[i]
				}
			}
			return v
		}
		b := NewBundle(n, boxed, scale)
		b.MaxCuts = 10
		y, g := make([]float64, n), make([]float64, n)
		b.T = 0.1
		b.Observe(y, f(y, g), g)
		for range 2000 {
			if b.Next(y) < 1e-9 {
				break
			}
			b.Observe(y, f(y, g), g)
		}
		if _, fc := b.Center(); fc > want+1e-4 || fc < want-1e-6 {
			t.Errorf("offset %g: bundle reached %.6f, minimum %.6f", offset, fc, want)
		}
	}
}
