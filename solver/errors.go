package solver

import (
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// ErrInfeasible is returned (wrapped) by Solve when no flow meets every
// supply, demand and bound. Test with errors.Is; errors.As with
// *InfeasibleError gives the certificate when there is one.
var ErrInfeasible = errors.New("solver: infeasible")

// ErrOverflow is returned (wrapped) by Solve when costs, capacities or
// supplies are so large that exact int64 arithmetic could overflow.
var ErrOverflow = errors.New("solver: numbers too large for exact int64 arithmetic")

// ErrInvalid is returned (wrapped) by Solve for a malformed problem: a lower
// bound above its capacity, a negative capacity, steps whose costs decrease.
var ErrInvalid = errors.New("solver: invalid problem")

// InfeasibleError is a certificate of infeasibility: a set of nodes S whose
// net supply exceeds what the arcs around S can carry out of it,
//
//	Excess   = sum of the supplies of the nodes in S
//	Capacity = sum of the capacities of the arcs leaving S
//	           - sum of the lower bounds of the arcs entering S
//
// and Excess > Capacity, so no feasible flow exists (max-flow min-cut). For a
// caller: "the participants in Cut can only reach sessions with Capacity
// seats in all".
type InfeasibleError struct {
	Cut      []int // the nodes of S, increasing
	Excess   int64
	Capacity int64
}

func (e *InfeasibleError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "solver: infeasible: %d node(s) have net supply %d but the arcs leaving them carry at most %d (nodes", len(e.Cut), e.Excess, e.Capacity)
	for i, v := range e.Cut {
		if i == 8 {
			fmt.Fprintf(&b, " ... %d more", len(e.Cut)-8)
			break
		}
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(v))
	}
	b.WriteByte(')')
	return b.String()
}

// Is reports whether target is ErrInfeasible.
func (e *InfeasibleError) Is(target error) bool { return target == ErrInfeasible }

// CheckCut recomputes the certificate's Excess and Capacity on g and returns
// nil if they match and Excess > Capacity, so the certificate proves
// infeasibility. O(nodes + arcs).
func (e *InfeasibleError) CheckCut(g *Graph) error {
	in := make([]bool, g.NumNodes())
	for _, v := range e.Cut {
		if v < 0 || v >= len(in) {
			return fmt.Errorf("solver: cut node %d out of range", v)
		}
		in[v] = true
	}
	var ex, capa int64
	for v, s := range g.supply {
		if in[v] {
			ex += s
		}
	}
	for a := range g.from {
		u, w := in[g.from[a]], in[g.to[a]]
		switch {
		case u && !w:
			capa += g.upper[a]
		case !u && w:
			capa -= g.low(a)
		}
	}
	if ex != e.Excess || capa != e.Capacity {
		return fmt.Errorf("solver: cut has excess %d and capacity %d, certificate says %d and %d", ex, capa, e.Excess, e.Capacity)
	}
	if ex <= capa {
		return fmt.Errorf("solver: cut excess %d does not exceed capacity %d", ex, capa)
	}
	return nil
}

// limit bounds every quantity the solver adds up, so that sums of a few of
// them still fit in an int64.
const limit = 1 << 60

// validate checks the problem and the int64 safety of the computation:
//   - every capacity >= lower bound >= 0, step capacities >= 0, step costs
//     non-decreasing;
//   - sum |supply| + sum capacities <= 2^60 (bounds every flow and excess);
//   - sum over arcs and steps of |cost| * capacity <= 2^60 (bounds the cost
//     of any flow);
//   - (nodes + 1) * max |cost| <= 2^60 (bounds path lengths and potentials).
//
// It reports up to ten problems at once. O(nodes + arcs + steps).
//
// After a successful validation, SetCost and SetCapacity keep the sums up to
// date in O(1) (see checked), so a warm Solve does not pay O(arcs) for it.
func (g *Graph) validate() error {
	if g.checked.ok {
		return nil
	}
	var errs []error
	add := func(err error) {
		if len(errs) < 10 {
			errs = append(errs, err)
		}
	}
	var flowSum, costSum, maxCost, supSum uint64
	addU := func(s *uint64, x uint64) {
		*s += x
		if *s > limit {
			*s = limit + 1
		}
	}
	for _, s := range g.supply {
		addU(&flowSum, absU(s))
		supSum += uint64(s) // wraps; only the exact zero test matters, checked below
	}
	for a := range g.from {
		l, u := g.low(a), g.upper[a]
		if u < 0 {
			add(fmt.Errorf("%w: arc %d has negative capacity %d", ErrInvalid, a, u))
			continue
		}
		if l < 0 || l > u {
			add(fmt.Errorf("%w: arc %d has lower bound %d outside [0, capacity %d]", ErrInvalid, a, l, u))
			continue
		}
		addU(&flowSum, uint64(u))
		if !g.convex(a) {
			c := absU(g.cost[a])
			maxCost = max(maxCost, c)
			hi, lo := bits.Mul64(c, uint64(u))
			if hi != 0 || lo > limit {
				lo = limit + 1
			}
			addU(&costSum, lo)
			continue
		}
		c := &g.conv[g.convOf[int32(a)]]
		for i, s := range c.steps {
			if s.Capacity < 0 {
				add(fmt.Errorf("%w: convex arc %d step %d has negative capacity %d", ErrInvalid, a, i, s.Capacity))
			}
			if i > 0 && s.Cost < c.steps[i-1].Cost {
				add(fmt.Errorf("%w: convex arc %d step %d costs %d, less than step %d (%d); step costs must not decrease", ErrInvalid, a, i, s.Cost, i-1, c.steps[i-1].Cost))
			}
			cc := absU(s.Cost)
			maxCost = max(maxCost, cc)
			hi, lo := bits.Mul64(cc, uint64(max(s.Capacity, 0)))
			if hi != 0 || lo > limit {
				lo = limit + 1
			}
			addU(&costSum, lo)
		}
	}
	if flowSum > limit {
		add(fmt.Errorf("%w: supplies and capacities sum to more than 2^60", ErrOverflow))
	}
	if costSum > limit {
		add(fmt.Errorf("%w: sum of |cost| x capacity over the arcs exceeds 2^60", ErrOverflow))
	}
	if hi, lo := bits.Mul64(maxCost, uint64(len(g.supply)+1)); hi != 0 || lo > limit {
		add(fmt.Errorf("%w: largest |cost| %d times (nodes+1) exceeds 2^60", ErrOverflow, maxCost))
	}
	if len(errs) == 0 {
		g.checked = validation{ok: supSum == 0, flowSum: flowSum, costSum: costSum, maxCost: maxCost}
	}
	if len(errs) == 0 && supSum != 0 {
		var s int64
		for _, x := range g.supply {
			s += x
		}
		return fmt.Errorf("%w: supplies sum to %d, not 0", ErrInfeasible, s)
	}
	return errors.Join(errs...)
}

// validation caches the sums of a successful validate.
type validation struct {
	ok                        bool
	flowSum, costSum, maxCost uint64
}

func absU(x int64) uint64 {
	if x < 0 {
		return uint64(-x)
	}
	return uint64(x)
}

// costTerm is |cost| x capacity, saturated at limit+1.
func costTerm(c, u int64) uint64 {
	hi, lo := bits.Mul64(absU(c), uint64(max(u, 0)))
	if hi != 0 || lo > limit {
		return limit + 1
	}
	return lo
}

// plainChanged updates the cached validation when plain arc a changes from
// (oldCost, oldCap) to its current cost and capacity; anything doubtful
// sends the next Solve back to a full validation. O(1).
func (g *Graph) plainChanged(a int, oldCost, oldCap int64) {
	v := &g.checked
	if !v.ok {
		return
	}
	c, u := g.cost[a], g.upper[a]
	if u < 0 || g.low(a) > u {
		v.ok = false
		return
	}
	v.flowSum = v.flowSum - uint64(oldCap) + uint64(u)
	v.costSum = v.costSum - costTerm(oldCost, oldCap) + costTerm(c, u)
	v.maxCost = max(v.maxCost, absU(c))
	hi, lo := bits.Mul64(v.maxCost, uint64(len(g.supply)+1))
	if v.flowSum > limit || v.costSum > limit || hi != 0 || lo > limit {
		v.ok = false
	}
}
