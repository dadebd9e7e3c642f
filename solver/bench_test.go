package solver

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// BenchmarkAssignment solves assignment-shaped networks: P participants with
// 10 arcs each into 100 sessions plus a skip arc, sessions into one sink.
func BenchmarkAssignment(b *testing.B) {
	for _, c := range []struct{ p, d, o int }{{1000, 10, 0}, {10000, 10, 0}, {100000, 10, 0}, {1000000, 10, 0}, {100000, 100, 0}, {1000, 10, 300}, {100000, 10, 300}} {
		// -short leaves out the largest networks, and the organisation
		// layer at 10^5 participants (over a minute: the known weak spot).
		if testing.Short() && (c.p*c.d >= 1e7 || c.o > 0 && c.p >= 1e5) {
			continue
		}
		b.Run(fmt.Sprintf("P%dx%d/orgs%d", c.p, c.d, c.o), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, uint64(c.p)))
			g := assignment(rng, c.p, c.d, 100, c.o, 40)
			var ms0, ms1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms0)
			for b.Loop() {
				g.e = nil
				if _, err := g.Solve(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			runtime.ReadMemStats(&ms1)
			b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(b.N)/float64(g.NumArcs()), "B/arc")
		})
	}
}

// BenchmarkWarm re-solves after SetCost on 10 random participant arcs, the
// Lagrangian engine's pattern; compare with BenchmarkAssignment (cold).
func BenchmarkWarm(b *testing.B) {
	for _, c := range []struct{ p, d, o int }{{100000, 10, 0}, {1000000, 10, 0}, {10000, 10, 100}} {
		if c.p >= 1e6 && testing.Short() {
			continue
		}
		b.Run(fmt.Sprintf("P%dx%d/orgs%d", c.p, c.d, c.o), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(2, uint64(c.p)))
			g := assignment(rng, c.p, c.d, 100, c.o, 40)
			if _, err := g.Solve(context.Background()); err != nil {
				b.Fatal(err)
			}
			var leafArcs []int
			for a := range g.NumArcs() {
				if _, _, _, _, cost := g.Arc(a); cost < 0 {
					leafArcs = append(leafArcs, a)
				}
			}
			for b.Loop() {
				for range 10 {
					g.SetCost(leafArcs[rng.IntN(len(leafArcs))], -rng.Int64N(1201))
				}
				if _, err := g.Solve(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
