package solver

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// roundNet builds one round of the assignment engine: p participants of o
// organisations (skewed sizes) who may each take most of s sessions at cost
// -value, through "(organisation, session)" middle nodes whose single arc to
// the session carries the colleague penalty 0, w, 2w, ... per extra member;
// sessions into the sink with 1.1 x p seats in all; a skip arc per
// participant at cost skip.
func roundNet(rng *rand.Rand, p, o, s int, w, skip int64) *Graph {
	g := NewGraph(1 + s)
	sink := 0
	pop := make([]int64, s)
	seats := make([]int64, s)
	for k := range s {
		pop[k] = rng.Int64N(601)
		seats[k] = int64(p) * 11 / 10 / int64(s) * (7 + rng.Int64N(9)) / 11
	}
	mid := map[[2]int]int{}
	count := map[int]int64{}
	var keys [][2]int
	for range p {
		v := g.AddNode()
		g.SetSupply(v, 1)
		u := rng.Float64()
		org := int(float64(o) * u * u)
		for k := range s {
			if rng.IntN(5) == 0 {
				continue
			}
			key := [2]int{org, k}
			m, ok := mid[key]
			if !ok {
				m = g.AddNode()
				mid[key] = m
				keys = append(keys, key)
			}
			count[m]++
			g.AddArc(v, m, 0, 1, -(pop[k] + rng.Int64N(601)))
		}
		g.AddArc(v, sink, 0, 1, skip)
	}
	for _, key := range keys {
		m := mid[key]
		n := min(count[m], seats[key[1]])
		steps := make([]Step, n)
		for j := range steps {
			steps[j] = Step{Capacity: 1, Cost: w * int64(j)}
		}
		g.AddConvexArc(m, 1+key[1], 0, steps)
	}
	for k := range s {
		g.AddArc(1+k, sink, 0, seats[k], 0)
	}
	g.SetSupply(sink, -int64(p))
	return g
}

// BenchmarkRound solves one round of the assignment engine cold.
func BenchmarkRound(b *testing.B) {
	for _, c := range []struct{ p, o, s int }{{3000, 300, 12}, {3000, 300, 36}, {100000, 2000, 40}} {
		if c.p >= 100000 && testing.Short() {
			continue
		}
		b.Run(fmt.Sprintf("P%d/orgs%d/s%d", c.p, c.o, c.s), func(b *testing.B) {
			g := roundNet(rand.New(rand.NewPCG(3, uint64(c.p))), c.p, c.o, c.s, 10, 0)
			for b.Loop() {
				g.e = nil
				if _, err := g.Solve(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRoundWarm re-solves one round after changing the arc costs of a
// share of the participants, as when the other rounds of a plan change.
func BenchmarkRoundWarm(b *testing.B) {
	for _, c := range []struct {
		p, o, s int
		pct     int
	}{{3000, 300, 12, 5}, {3000, 300, 12, 20}, {100000, 2000, 40, 5}, {100000, 2000, 40, 20}} {
		if c.p >= 100000 && testing.Short() {
			continue
		}
		b.Run(fmt.Sprintf("P%d/orgs%d/s%d/chg%d", c.p, c.o, c.s, c.pct), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(4, uint64(c.p)))
			g := roundNet(rng, c.p, c.o, c.s, 10, 0)
			if _, err := g.Solve(context.Background()); err != nil {
				b.Fatal(err)
			}
			var leaves []int
			for v := range g.NumNodes() {
				if g.Supply(v) > 0 {
					leaves = append(leaves, v)
				}
			}
			arcsOf := make(map[int][]int)
			for a := range g.NumArcs() {
				u, _, _, _, cost := g.Arc(a)
				if cost < 0 {
					arcsOf[u] = append(arcsOf[u], a)
				}
			}
			for b.Loop() {
				for range len(leaves) * c.pct / 100 {
					for _, a := range arcsOf[leaves[rng.IntN(len(leaves))]] {
						_, _, _, _, cost := g.Arc(a)
						g.SetCost(a, min(0, cost+rng.Int64N(201)-100))
					}
				}
				if _, err := g.Solve(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
