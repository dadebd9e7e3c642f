package solver

import "fmt"

// Step is one piece of a convex piecewise-linear arc cost: the next Capacity
// units of flow cost Cost each. Capacity is in flow units, Cost in cost units
// per flow unit.
type Step struct{ Capacity, Cost int64 }

// Graph is a minimum-cost flow problem: nodes with supplies, arcs with lower
// bounds, capacities and linear or convex piecewise-linear costs. A Graph is
// reusable: after Solve, change costs, capacities or supplies, add nodes or
// arcs, and Solve again; the next Solve starts from the previous flow and
// potentials.
//
// A Graph is not safe for concurrent use. Its memory is about 32 bytes per
// arc plus, during Solve, about 30 bytes per arc of working state.
type Graph struct {
	supply []int64
	from   []int32
	to     []int32
	lower  []int64 // nil while every lower bound is zero
	upper  []int64 // capacity; for convex arcs the sum of the step capacities
	cost   []int64 // unit cost of plain arcs; 0 for convex arcs
	isConv []uint64
	conv   []convexArc
	convOf map[int32]int32 // arc id -> index in conv

	e       *engine    // state of the previous Solve, nil before the first
	checked validation // cached result of validate
}

// convexArc holds the steps of a convex arc and their cumulative capacities:
// cum[s] is the number of units in steps 0..s.
type convexArc struct {
	arc   int32
	steps []Step
	cum   []int64
}

// NewGraph returns an empty problem with nodes numbered 0..nodes-1, all of
// supply 0. It panics if nodes is negative.
func NewGraph(nodes int) *Graph {
	if nodes < 0 {
		panic("solver: NewGraph with a negative number of nodes")
	}
	return &Graph{supply: make([]int64, nodes), convOf: map[int32]int32{}}
}

// AddNode adds a node of supply 0 and returns its number.
func (g *Graph) AddNode() int {
	g.supply = append(g.supply, 0)
	g.structural()
	return len(g.supply) - 1
}

// NumNodes returns the number of nodes.
func (g *Graph) NumNodes() int { return len(g.supply) }

// NumArcs returns the number of arcs.
func (g *Graph) NumArcs() int { return len(g.from) }

// Supply returns the supply of node v (negative for a demand).
func (g *Graph) Supply(v int) int64 { g.node(v); return g.supply[v] }

// SetSupply sets the supply of node v: positive for a supply, negative for a
// demand. The supplies must sum to zero when Solve is called. It panics if v
// is not a node.
func (g *Graph) SetSupply(v int, supply int64) {
	g.node(v)
	if g.supply[v] == supply {
		return
	}
	old := g.supply[v]
	g.supply[v] = supply
	g.checked.ok = false
	if g.e != nil {
		g.e.supplyChanged(v, old, supply)
	}
}

// AddArc adds an arc from -> to whose flow must lie in [lower, capacity] and
// costs cost per unit, and returns its id; ids are 0, 1, 2, ... in the order
// of AddArc and AddConvexArc calls. A lower bound below 0 or above capacity
// is reported by Solve. It panics if from or to is not a node.
func (g *Graph) AddArc(from, to int, lower, capacity, cost int64) int {
	a := g.addArc(from, to, lower, capacity)
	g.cost[a] = cost
	return a
}

// AddConvexArc adds an arc from -> to with a convex piecewise-linear cost and
// returns its id: the first steps[0].Capacity units cost steps[0].Cost each,
// the next steps[1].Capacity units steps[1].Cost each, and so on; the arc's
// capacity is the sum of the step capacities and its flow must be at least
// lower (the forced units cost the first steps' costs). Step costs must be
// non-decreasing and step capacities non-negative; Solve reports a violation
// as an error (AddConvexArc does not panic on them). It panics if from or to
// is not a node. The steps are copied.
func (g *Graph) AddConvexArc(from, to int, lower int64, steps []Step) int {
	a := g.addArc(from, to, lower, 0)
	g.isConv[a>>6] |= 1 << (uint(a) & 63)
	g.convOf[int32(a)] = int32(len(g.conv))
	g.conv = append(g.conv, convexArc{arc: int32(a)})
	g.setSteps(a, steps)
	return a
}

// SetSteps replaces the steps of convex arc a (see AddConvexArc). It panics if
// a is not a convex arc.
func (g *Graph) SetSteps(a int, steps []Step) {
	g.arc(a)
	if !g.convex(a) {
		panic(fmt.Sprintf("solver: SetSteps on plain arc %d", a))
	}
	g.setSteps(a, steps)
	g.structural()
}

func (g *Graph) setSteps(a int, steps []Step) {
	c := &g.conv[g.convOf[int32(a)]]
	c.steps = append([]Step(nil), steps...)
	c.cum = make([]int64, len(steps))
	var sum int64
	for i, s := range steps {
		if s.Capacity > 0 {
			sum = satAdd(sum, s.Capacity)
		}
		c.cum[i] = sum
	}
	g.upper[a] = sum
}

func (g *Graph) addArc(from, to int, lower, capacity int64) int {
	g.node(from)
	g.node(to)
	a := len(g.from)
	if a >= maxArcs {
		panic("solver: too many arcs")
	}
	g.from = append(g.from, int32(from))
	g.to = append(g.to, int32(to))
	g.upper = append(g.upper, capacity)
	g.cost = append(g.cost, 0)
	if g.lower != nil || lower != 0 {
		if g.lower == nil {
			g.lower = make([]int64, a, cap(g.from))
		}
		g.lower = append(g.lower, lower)
	}
	if a>>6 >= len(g.isConv) {
		g.isConv = append(g.isConv, 0)
	}
	g.structural()
	return a
}

// Arc returns the tail, head, lower bound, capacity and unit cost of arc a
// (cost 0 for a convex arc).
func (g *Graph) Arc(a int) (from, to int, lower, capacity, cost int64) {
	g.arc(a)
	return int(g.from[a]), int(g.to[a]), g.low(a), g.upper[a], g.cost[a]
}

// Steps returns a copy of the steps of arc a, or nil if a is a plain arc.
func (g *Graph) Steps(a int) []Step {
	g.arc(a)
	if !g.convex(a) {
		return nil
	}
	return append([]Step(nil), g.conv[g.convOf[int32(a)]].steps...)
}

// SetCost sets the unit cost of plain arc a. It panics if a is not a plain
// arc (use SetSteps for convex arcs). O(1); the next Solve repairs only what
// the change breaks.
func (g *Graph) SetCost(a int, cost int64) {
	g.arc(a)
	if g.convex(a) {
		panic(fmt.Sprintf("solver: SetCost on convex arc %d, use SetSteps", a))
	}
	if g.cost[a] == cost {
		return
	}
	old := g.cost[a]
	g.cost[a] = cost
	g.plainChanged(a, old, g.upper[a])
	if g.e != nil {
		g.e.arcChanged(a)
	}
}

// SetCapacity sets the capacity of plain arc a. It panics if a is not a plain
// arc (use SetSteps for convex arcs). O(1).
func (g *Graph) SetCapacity(a int, capacity int64) {
	g.arc(a)
	if g.convex(a) {
		panic(fmt.Sprintf("solver: SetCapacity on convex arc %d, use SetSteps", a))
	}
	if g.upper[a] == capacity {
		return
	}
	old := g.upper[a]
	g.upper[a] = capacity
	g.plainChanged(a, g.cost[a], old)
	if g.e != nil {
		g.e.arcChanged(a)
	}
}

func (g *Graph) low(a int) int64 {
	if g.lower == nil {
		return 0
	}
	return g.lower[a]
}

func (g *Graph) convex(a int) bool { return g.isConv[a>>6]&(1<<(uint(a)&63)) != 0 }

// arcCost returns the cost of x units of flow on arc a. The caller guarantees
// that it does not overflow (see validate).
func (g *Graph) arcCost(a int, x int64) int64 {
	if !g.convex(a) {
		return g.cost[a] * x
	}
	c := &g.conv[g.convOf[int32(a)]]
	var sum, prev int64
	for i, s := range c.steps {
		if x <= prev {
			break
		}
		n := min(x, c.cum[i]) - prev
		sum += n * s.Cost
		prev = c.cum[i]
	}
	return sum
}

// structural records a change that needs the next Solve to rebuild its
// working state (it still starts from the previous flow and potentials).
func (g *Graph) structural() {
	g.checked.ok = false
	if g.e != nil {
		g.e.rebuild = true
	}
}

func (g *Graph) node(v int) {
	if v < 0 || v >= len(g.supply) {
		panic(fmt.Sprintf("solver: node %d out of range [0,%d)", v, len(g.supply)))
	}
}

func (g *Graph) arc(a int) {
	if a < 0 || a >= len(g.from) {
		panic(fmt.Sprintf("solver: arc %d out of range [0,%d)", a, len(g.from)))
	}
}

const maxArcs = 1<<31 - 1

func satAdd(a, b int64) int64 {
	s := a + b
	if s < a {
		return 1<<63 - 1
	}
	return s
}
