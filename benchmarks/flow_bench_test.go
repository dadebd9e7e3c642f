package benchmarks

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"runtime"
	"testing"

	"github.com/roundtable-go/roundtable/solver"
)

// flowNetwork builds the network of benchmarks/flowgen: p participants with
// d arcs each into s sessions and a skip arc, sessions into one sink.
func flowNetwork(p, d, s int, seed uint64) *solver.Graph {
	rng := rand.New(rand.NewPCG(seed, uint64(p)))
	g := solver.NewGraph(1 + s + p)
	g.SetSupply(0, -int64(p))
	for k := range s {
		seats := int64(p) / int64(s) * (5 + rng.Int64N(6)) / 10
		g.AddArc(1+k, 0, 0, seats+1, 0)
	}
	for i := range p {
		v := 1 + s + i
		g.SetSupply(v, 1)
		for _, k := range rng.Perm(s)[:d] {
			g.AddArc(v, 1+k, 0, 1, -rng.Int64N(1201))
		}
		g.AddArc(v, 0, 0, 1, 0)
	}
	return g
}

// BenchmarkFlow is the size ladder of issue 3: cold solves of 10^3..10^6
// participants x 10 arcs into 100 sessions, and 10^5 x 100 (dense). The
// 10^6 and dense sizes run only without -short.
func BenchmarkFlow(b *testing.B) {
	for _, c := range []struct{ p, d int }{{1000, 10}, {10000, 10}, {100000, 10}, {1000000, 10}, {100000, 100}} {
		if testing.Short() && c.p*c.d >= 1e7 {
			continue
		}
		b.Run(fmt.Sprintf("P%dx%d", c.p, c.d), func(b *testing.B) {
			var ms0, ms1 runtime.MemStats
			var bytes, arcs float64
			for b.Loop() {
				b.StopTimer()
				g := flowNetwork(c.p, c.d, 100, 1)
				runtime.GC()
				runtime.ReadMemStats(&ms0)
				b.StartTimer()
				if _, err := g.Solve(context.Background()); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				runtime.ReadMemStats(&ms1)
				b.StartTimer()
				bytes += float64(ms1.TotalAlloc - ms0.TotalAlloc)
				arcs += float64(g.NumArcs())
			}
			// Allocated by Solve (working state and the Solution), per arc;
			// the Graph itself holds about 32 bytes per arc more.
			b.ReportMetric(bytes/arcs, "B/arc")
		})
	}
}

// BenchmarkFlowWarm re-solves after SetCost on 10 random participant arcs.
func BenchmarkFlowWarm(b *testing.B) {
	for _, p := range []int{100000, 1000000} {
		if testing.Short() && p >= 1e6 {
			continue
		}
		b.Run(fmt.Sprintf("P%dx10", p), func(b *testing.B) {
			g := flowNetwork(p, 10, 100, 1)
			if _, err := g.Solve(context.Background()); err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(3, 4))
			for b.Loop() {
				for range 10 {
					// Participant arcs: 11 per participant after the 100 session arcs.
					a := 100 + rng.IntN(p)*11 + rng.IntN(10)
					g.SetCost(a, -rng.Int64N(1201))
				}
				if _, err := g.Solve(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestFlowGenMatches checks that flowNetwork and the flowgen command build
// the same problem (same optimum), so the README's glpsol runs on the
// command's files measure the benchmarked networks.
func TestFlowGenMatches(t *testing.T) {
	out, err := exec.Command("go", "run", "./flowgen", "-p", "300", "-d", "5", "-s", "10").Output()
	if err != nil {
		t.Skipf("go run ./flowgen: %v", err)
	}
	g, err := solver.ReadDIMACS(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	s1, err := g.Solve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s2, err := flowNetwork(300, 5, 10, 1).Solve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s1.Cost != s2.Cost {
		t.Errorf("flowgen optimum %d, flowNetwork %d", s1.Cost, s2.Cost)
	}
}
