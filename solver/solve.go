package solver

import (
	"context"
	"errors"
	"fmt"
)

// Solution is an optimal flow with a dual proof of its optimality.
type Solution struct {
	// Cost is the total cost of Flow, in cost units.
	Cost int64
	// Flow is the flow on each arc, indexed by arc id; for a convex arc the
	// total over its steps.
	Flow []int64
	// Potential is a dual value per node. With reduced cost
	// rc(a) = c(a) + Potential[from] - Potential[to], where c(a) is the
	// marginal cost of the next unit (or, going back, of the last unit) on a
	// convex arc, every arc with Flow < capacity has rc >= 0 for its next
	// unit and every arc with Flow > lower has rc <= 0 for its last unit:
	// complementary slackness, which proves Flow optimal.
	Potential []int64
}

// Solve computes a minimum-cost flow: every node v sends out exactly
// Supply(v) more than it receives, every arc's flow lies within its bounds,
// and the total cost is least. The flow is integral and exact.
//
// Solve starts from the previous Solve of g when there is one: after
// SetCost, SetCapacity or SetSupply it repairs only what the changes broke
// (O(changed arcs) plus the augmentations they need); after AddNode, AddArc,
// AddConvexArc or SetSteps it rebuilds its working state in O(nodes + arcs)
// but still starts from the previous flow and potentials.
//
// Errors: a wrapped ErrInvalid for malformed bounds or steps, ErrOverflow
// when the numbers are too large for exact int64 arithmetic (see the
// package documentation), ErrInfeasible (an *InfeasibleError with a cut when
// the supplies sum to a positive number or cannot be routed; a plain wrapped
// error when they sum to a negative number), or ctx.Err() when ctx ends; the
// state stays valid for the next Solve after any error.
func (g *Graph) Solve(ctx context.Context) (*Solution, error) {
	if err := g.validate(); err != nil {
		if errors.Is(err, ErrInfeasible) && !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrOverflow) {
			var sum int64
			for _, s := range g.supply {
				sum += s
			}
			if sum > 0 {
				cut := &InfeasibleError{Excess: sum}
				for v := range g.supply {
					cut.Cut = append(cut.Cut, v)
				}
				return nil, cut
			}
		}
		return nil, err
	}
	if g.e == nil {
		g.e = &engine{g: g, rebuild: true}
	}
	e := g.e
	if err := e.prepare(); err != nil {
		e.rebuild = true
		return nil, err
	}
	if err := e.run(ctx); err != nil {
		e.rebuild = true
		return nil, err
	}
	return e.solution(), nil
}

// solution copies the flow out and completes the potentials of the leaves:
// a leaf's potential is the largest value that keeps its arcs with flow at
// reduced cost <= 0; the leaf invariant makes its other arcs >= 0.
func (e *engine) solution() *Solution {
	g := e.g
	sol := &Solution{Flow: append([]int64(nil), e.flow...), Potential: make([]int64, len(g.supply))}
	for k, v := range e.core {
		sol.Potential[v] = e.cpi[k]
	}
	for v := range g.supply {
		if e.coreOf[v] >= 0 {
			continue
		}
		first := true
		var p int64
		for _, a := range e.leafArcs[e.leafStart[v]:e.leafStart[v+1]] {
			if e.flow[a] > 0 {
				q := e.cpi[e.coreOf[g.to[a]]] - g.cost[a]
				if first || q < p {
					p, first = q, false
				}
			}
		}
		sol.Potential[v] = p
	}
	copy(e.pi, sol.Potential)
	for a, x := range e.flow { // convex arcs have cost 0 here
		sol.Cost += g.cost[a] * x
	}
	for _, c := range g.conv {
		sol.Cost += g.arcCost(int(c.arc), e.flow[c.arc])
	}
	return sol
}

// Verify checks that s is a feasible flow of g (conservation at every node,
// bounds on every arc), that s.Cost is its cost, and that s.Potential proves
// it optimal by complementary slackness. It returns nil when s is provably
// optimal, else an error naming the first violation. O(nodes + arcs + steps).
func (s *Solution) Verify(g *Graph) error {
	n, m := g.NumNodes(), g.NumArcs()
	if len(s.Flow) != m || len(s.Potential) != n {
		return fmt.Errorf("solver: solution has %d flows and %d potentials for %d arcs and %d nodes", len(s.Flow), len(s.Potential), m, n)
	}
	bal := make([]int64, n)
	copy(bal, g.supply)
	var cost int64
	for a, x := range s.Flow {
		u, w := g.from[a], g.to[a]
		l, up := g.low(a), g.upper[a]
		if x < l || x > up {
			return fmt.Errorf("solver: arc %d (%d->%d) carries %d outside [%d, %d]", a, u, w, x, l, up)
		}
		bal[u] -= x
		bal[w] += x
		cost += g.arcCost(a, x)
		rb := s.Potential[u] - s.Potential[w]
		next, last := g.cost[a], g.cost[a] // marginal costs of units x+1 and x
		if g.convex(a) {
			c := &g.conv[g.convOf[int32(a)]]
			var prev int64
			for i, st := range c.steps {
				if st.Capacity > 0 && prev < x+1 && x+1 <= c.cum[i] {
					next = st.Cost
				}
				if st.Capacity > 0 && prev < x && x <= c.cum[i] {
					last = st.Cost
				}
				prev = c.cum[i]
			}
		}
		if x < up && next+rb < 0 {
			return fmt.Errorf("solver: arc %d (%d->%d) has room but reduced cost %d < 0: not optimal", a, u, w, next+rb)
		}
		if x > l && last+rb > 0 {
			return fmt.Errorf("solver: arc %d (%d->%d) carries flow above its lower bound at reduced cost %d > 0: not optimal", a, u, w, last+rb)
		}
	}
	for v, b := range bal {
		if b != 0 {
			return fmt.Errorf("solver: node %d is out of balance by %d", v, b)
		}
	}
	if cost != s.Cost {
		return fmt.Errorf("solver: solution cost %d, flow costs %d", s.Cost, cost)
	}
	return nil
}
