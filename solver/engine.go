package solver

import (
	"slices"
)

// engine is the working state of Solve, kept between solves for warm starts.
//
// Nodes are split into leaves and the core. A leaf is a node with positive
// supply, no entering arcs, and only plain leaving arcs with lower bound 0 (a
// participant). Every other node is in the core (pairs, sessions, sink).
// Leaves never hold excess: their supply is always fully out on their arcs.
// A residual path can only pass through a leaf v as core m_i -> v -> core m_j
// (less flow on v->m_i, more on v->m_j), with reduced cost
// c(v,m_j) - c(v,m_i) + pi(m_i) - pi(m_j): the leaf's own potential cancels.
// Such detours are kept, per ordered core pair (m_i, m_j), in a min-heap keyed
// by c(v,m_j) - c(v,m_i), which does not depend on potentials, so the heaps
// survive every potential update. Shortest paths then live on the core only.
type engine struct {
	g       *Graph
	rebuild bool // structures must be rebuilt before the next solve

	flow []int64 // per arc
	pi   []int64 // per node, as of the end of the previous solve

	coreOf    []int32 // node -> core index, or -1 for a leaf
	core      []int32 // core index -> node
	cpi       []int64 // core index -> potential
	excess    []int64 // core index -> supply - out + in
	leafStart []int32 // node -> first index in leafArcs (n+1 entries)
	leafArcs  []int32 // arcs leaving leaves, grouped by leaf

	carcs    []coreArc
	adjStart []int32 // core index -> first index in adj (K+1 entries)
	adj      []int32 // core arc index << 1 | direction (1 = backward)

	pairTo    []int32
	pairOut   [][]int32 // core index -> pairs leaving it
	pairIn    [][]int32 // core index -> pairs entering it
	pairFrom  []int32
	heaps     [][]entry // pair -> heap of leaf detours
	topKey    []int64   // pair -> key of its valid top, keyEmpty, or keyDirty
	counts    []int32   // pair -> entries, while filling the heaps
	pairDense []int32   // K*K table of pair ids (-1: none), when K*K <= maxDense
	denseK    int32     // the K pairDense is indexed with
	pairMap   map[uint64]int32
	nEntries  int // entries in all heaps
	liveBase  int // entries right after the last rebuild of the heaps

	dirtyArcs  []int32
	dirtyLeafs []int32

	// scratch for Dijkstra and augmentation
	dist     []int64
	seen     []uint32
	done     []uint32
	stamp    uint32
	pq       []qitem
	settled  []int32
	found    []int32
	sources  []int32
	sinks    []int32
	cur      []int32
	curStamp []uint32
	dead     []uint32
	onStack  []bool
	stackN   []int32
	stackE   []int32
	sortBuf  []int32
}

// maxDense is the largest K*K (core nodes squared) for which core pairs
// may be found in a dense table (4 bytes each, 64 MB at most) rather than
// a map: tables up to 1<<22 always, larger ones only on flows with at
// least a quarter as many leaf arcs, where the lookups repay the table.
// Measured on national's first-pass round flows when they still had a
// node per session (2,500 to 2,900 core nodes, 4 million leaf arcs): the
// map's lookups were a third of the flows' time, and the table took the
// first plan from 21.5 to 18 s. On regional's round flows (3,000 people,
// as many core nodes but a hundred times fewer arcs) a table each solve
// slowed the bound at 1 s instead.
const maxDense = 1 << 24

type coreArc struct {
	arc      int32
	from, to int32 // core indices
	conv     int32 // index in g.conv, -1 for a plain arc
	fr, fc   int64 // forward residual at the current marginal cost, and that cost
	br, bc   int64 // backward residual at the current marginal cost, and minus that cost
}

// entry is a detour through leaf from[out] == from[in]: one unit less on arc
// out, one more on arc in, for key = cost[in] - cost[out].
type entry struct {
	key     int64
	out, in int32
}

type qitem struct {
	d int64
	k int32
}

func (e *engine) arcChanged(a int) {
	if !e.rebuild {
		e.dirtyArcs = append(e.dirtyArcs, int32(a))
	}
}

func (e *engine) supplyChanged(v int, old, supply int64) {
	if e.rebuild {
		return
	}
	if k := e.coreOf[v]; k >= 0 {
		e.excess[k] += supply - old
		return
	}
	if supply <= 0 {
		e.rebuild = true
		return
	}
	e.dirtyLeafs = append(e.dirtyLeafs, int32(v))
}

// build rebuilds every structure from the graph, starting from the previous
// flow and potentials when there are any. O(nodes + arcs log).
func (e *engine) build() error {
	g := e.g
	n, m := len(g.supply), len(g.from)
	e.flow = grow(e.flow, m)
	e.pi = grow(e.pi, n)
	for _, p := range e.pi {
		if p > limit/4 || p < -limit/4 {
			clear(e.pi) // potentials drifted too far over many solves: restart them
			break
		}
	}
	e.dirtyArcs, e.dirtyLeafs = e.dirtyArcs[:0], e.dirtyLeafs[:0]

	// Classify the nodes; coreOf counts leaf arcs meanwhile (-1: not a leaf).
	coreOf := grow32(e.coreOf, n)
	for v, s := range g.supply {
		coreOf[v] = -1
		if s > 0 {
			coreOf[v] = 0
		}
	}
	for a := range g.from {
		coreOf[g.to[a]] = -1
	}
	for a := range g.from {
		u := g.from[a]
		if coreOf[u] >= 0 {
			if g.convex(a) || g.low(a) != 0 {
				coreOf[u] = -1
			} else {
				coreOf[u]++
			}
		}
	}
	leafStart := grow32(e.leafStart, n+1)
	e.core = e.core[:0]
	var nl int32
	for v := range n {
		leafStart[v] = nl
		if c := coreOf[v]; c > 0 {
			nl += c
			coreOf[v] = -1
		} else {
			coreOf[v] = int32(len(e.core))
			e.core = append(e.core, int32(v))
		}
	}
	leafStart[n] = nl
	e.coreOf, e.leafStart = coreOf, leafStart
	K := len(e.core)

	// Leaf arcs grouped by leaf (in arc order); core arcs and their adjacency.
	e.leafArcs = grow32(e.leafArcs, int(nl))
	fill := slices.Clone(leafStart[:n])
	e.carcs = e.carcs[:0]
	e.adjStart = grow32(e.adjStart, K+1)
	clear(e.adjStart)
	for a := range g.from {
		u, w := g.from[a], g.to[a]
		if coreOf[u] < 0 {
			e.leafArcs[fill[u]] = int32(a)
			fill[u]++
			continue
		}
		c := coreArc{arc: int32(a), from: coreOf[u], to: coreOf[w], conv: -1}
		if g.convex(a) {
			c.conv = g.convOf[int32(a)]
		}
		e.carcs = append(e.carcs, c)
		if u != w {
			e.adjStart[c.from+1]++
			e.adjStart[c.to+1]++
		}
	}
	for k := range K {
		e.adjStart[k+1] += e.adjStart[k]
	}
	e.adj = grow32(e.adj, int(e.adjStart[K]))
	pos := slices.Clone(e.adjStart[:K])
	for i, c := range e.carcs {
		if c.from != c.to {
			e.adj[pos[c.from]] = int32(i) << 1
			pos[c.from]++
			e.adj[pos[c.to]] = int32(i)<<1 | 1
			pos[c.to]++
		}
	}

	// Core potentials, bounds, complementary slackness on core arcs, excess.
	e.cpi = grow(e.cpi, K)
	e.excess = grow(e.excess, K)
	for k, v := range e.core {
		e.cpi[k] = e.pi[v]
		e.excess[k] = g.supply[v]
	}
	for a := range g.from {
		e.flow[a] = min(max(e.flow[a], g.low(a)), g.upper[a])
		x := e.flow[a]
		if k := coreOf[g.from[a]]; k >= 0 {
			e.excess[k] -= x
		}
		e.excess[coreOf[g.to[a]]] += x
	}
	for i := range e.carcs {
		e.repair(&e.carcs[i])
	}

	// Leaves: keep their flow when it is complete and dual feasible.
	for v := range n {
		if coreOf[v] < 0 && !e.leafOK(int32(v)) {
			if err := e.regreedy(int32(v)); err != nil {
				return err
			}
		}
	}

	// Pairs and heaps. The dense table outlives a rebuild: only the old
	// pairs' entries are reset, so that many rebuilds (one per round of a
	// descent) do not pay K*K each.
	if e.pairDense != nil {
		for p, mj := range e.pairTo {
			e.pairDense[e.pairFrom[p]*e.denseK+mj] = -1
		}
	}
	e.pairTo = e.pairTo[:0]
	e.topKey = e.topKey[:0]
	e.pairOut = growSlices(e.pairOut, K)
	e.pairIn = growSlices(e.pairIn, K)
	e.pairFrom = e.pairFrom[:0]
	e.heaps = e.heaps[:0]
	e.pairMap = nil
	if K*K <= max(1<<22, min(maxDense, 4*len(e.leafArcs))) {
		if len(e.pairDense) < K*K {
			e.pairDense = make([]int32, K*K)
			for i := range e.pairDense {
				e.pairDense[i] = -1
			}
		}
		e.denseK = int32(K)
	} else {
		e.pairDense = nil
		e.pairMap = make(map[uint64]int32)
	}
	e.fillHeaps()

	// Scratch.
	e.dist = grow(e.dist, K)
	e.seen = growU(e.seen, K)
	e.done = growU(e.done, K)
	e.cur = grow32(e.cur, K)
	e.curStamp = growU(e.curStamp, K)
	e.dead = growU(e.dead, K)
	if len(e.onStack) < K {
		e.onStack = make([]bool, K)
	}
	e.rebuild = false
	return nil
}

// fillHeaps empties the heaps and fills them with the detours of every leaf:
// a counting pass, then one allocation for all heaps, a filling pass, and a
// heapify of each. O(entries).
func (e *engine) fillHeaps() {
	n := len(e.g.supply)
	e.counts = e.counts[:0]
	for v := range n {
		if e.coreOf[v] < 0 {
			e.leafEntries(int32(v), -1, -1, modeCount)
		}
	}
	total := 0
	for _, c := range e.counts {
		total += int(c)
	}
	// An eighth more room than needed, for the entries moves will add.
	slab := make([]entry, total+total/8+len(e.counts))
	off := 0
	for p, c := range e.counts {
		c += c/8 + 1
		e.heaps[p] = slab[off : off : off+int(c)]
		off += int(c)
	}
	e.nEntries = 0
	for v := range n {
		if e.coreOf[v] < 0 {
			e.leafEntries(int32(v), -1, -1, modeAppend)
		}
	}
	for p := range e.heaps {
		h := e.heaps[p]
		for i := len(h)/2 - 1; i >= 0; i-- {
			down(h, i)
		}
	}
	e.liveBase = e.nEntries
	e.markAll()
}

// prepare makes the state ready for a solve: a full rebuild after structural
// changes, else a repair of what SetCost, SetCapacity and SetSupply touched.
func (e *engine) prepare() error {
	if e.rebuild || e.flow == nil {
		return e.build()
	}
	g := e.g
	mark := e.dirtyLeafs
	for _, a := range e.dirtyArcs {
		u := g.from[a]
		if e.coreOf[u] < 0 {
			mark = append(mark, u)
			if x := e.flow[a]; x > g.upper[a] {
				e.flow[a] = g.upper[a]
				e.excess[e.coreOf[g.to[a]]] -= x - g.upper[a]
			}
			continue
		}
		// Core arcs are stored in arc order.
		i, _ := slices.BinarySearchFunc(e.carcs, a, func(c coreArc, a int32) int { return int(c.arc - a) })
		e.clampRepair(&e.carcs[i])
	}
	slices.Sort(mark)
	mark = slices.Compact(mark)
	for _, v := range mark {
		if !e.leafOK(v) {
			if err := e.regreedy(v); err != nil {
				return err
			}
		}
		e.leafEntries(v, -1, -1, modePush)
	}
	e.dirtyArcs, e.dirtyLeafs = e.dirtyArcs[:0], mark[:0]
	return nil
}

func (e *engine) clampRepair(c *coreArc) {
	g := e.g
	a := c.arc
	x := min(max(e.flow[a], g.low(int(a))), g.upper[a])
	if d := x - e.flow[a]; d != 0 {
		e.flow[a] = x
		e.excess[c.from] -= d
		e.excess[c.to] += d
	}
	e.repair(c)
}

// repair moves the flow of core arc c to the nearest value that satisfies
// complementary slackness with the current potentials, and updates excesses.
func (e *engine) repair(c *coreArc) {
	g := e.g
	a := c.arc
	rb := e.cpi[c.from] - e.cpi[c.to]
	l, u := g.low(int(a)), g.upper[a]
	var lo, hi int64
	if c.conv < 0 {
		switch rc := g.cost[a] + rb; {
		case rc < 0:
			lo, hi = u, u
		case rc > 0:
			lo, hi = l, l
		default:
			lo, hi = l, u
		}
	} else {
		cv := &g.conv[c.conv]
		for i, s := range cv.steps {
			if s.Cost+rb < 0 {
				lo = cv.cum[i]
			}
			if s.Cost+rb <= 0 {
				hi = cv.cum[i]
			}
		}
		lo, hi = max(lo, l), max(hi, l)
	}
	x := e.flow[a]
	nx := min(max(x, lo), hi)
	if d := nx - x; d != 0 {
		e.flow[a] = nx
		e.excess[c.from] -= d
		e.excess[c.to] += d
	}
	e.refresh(c)
}

// leafKey is the reduced cost of leaf arc a up to the leaf's own potential.
func (e *engine) leafKey(a int32) int64 {
	return e.g.cost[a] - e.cpi[e.coreOf[e.g.to[a]]]
}

// leafOK reports whether leaf v sends exactly its supply and admits a
// potential under which its arcs satisfy complementary slackness: no arc
// with flow has a larger key than another arc with room. O(degree).
func (e *engine) leafOK(v int32) bool {
	g := e.g
	const inf = 1<<63 - 1
	maxP, maxP2, minR, minR2 := int64(-inf), int64(-inf), int64(inf), int64(inf)
	argP, argR := int32(-1), int32(-1)
	var sum int64
	for _, a := range e.leafArcs[e.leafStart[v]:e.leafStart[v+1]] {
		x := e.flow[a]
		sum += x
		k := e.leafKey(a)
		if x > 0 {
			if k > maxP {
				maxP2, maxP, argP = maxP, k, a
			} else if k > maxP2 {
				maxP2 = k
			}
		}
		if x < g.upper[a] {
			if k < minR {
				minR2, minR, argR = minR, k, a
			} else if k < minR2 {
				minR2 = k
			}
		}
	}
	if sum != g.supply[v] {
		return false
	}
	if argP != argR {
		return maxP <= minR
	}
	return maxP <= minR2 && maxP2 <= minR
}

// regreedy sends the supply of leaf v along its arcs in increasing order of
// reduced cost, which is dual feasible for v. O(degree log degree).
func (e *engine) regreedy(v int32) error {
	g := e.g
	arcs := e.leafArcs[e.leafStart[v]:e.leafStart[v+1]]
	for _, a := range arcs {
		if x := e.flow[a]; x != 0 {
			e.excess[e.coreOf[g.to[a]]] -= x
			e.flow[a] = 0
		}
	}
	rem := g.supply[v]
	if rem == 1 { // the common case: the cheapest arc with room
		best, bk := int32(-1), int64(0)
		for _, a := range arcs {
			if g.upper[a] > 0 {
				if k := e.leafKey(a); best < 0 || k < bk {
					best, bk = a, k
				}
			}
		}
		if best >= 0 {
			e.flow[best] = 1
			e.excess[e.coreOf[g.to[best]]]++
			return nil
		}
	}
	order := append(e.sortBuf[:0], arcs...)
	slices.SortStableFunc(order, func(a, b int32) int {
		ka, kb := e.leafKey(a), e.leafKey(b)
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
	e.sortBuf = order
	for _, a := range order {
		if rem == 0 {
			break
		}
		x := min(rem, g.upper[a])
		if x > 0 {
			e.flow[a] = x
			e.excess[e.coreOf[g.to[a]]] += x
			rem -= x
		}
	}
	if rem > 0 {
		var capa int64
		for _, a := range arcs {
			capa += g.upper[a]
		}
		e.rebuild = true
		return &InfeasibleError{Cut: []int{int(v)}, Excess: g.supply[v], Capacity: capa}
	}
	return nil
}

const (
	modeCount  = iota // count entries per pair only
	modeAppend        // append, the caller heapifies
	modePush          // insert into the heap
)

// leafEntries adds the detours of leaf v to the heaps: all of them when
// newIn and newOut are -1; after a move, only those through arc newIn (which
// just got flow) and arc newOut (which just got room). O(degree) per arc
// with flow.
func (e *engine) leafEntries(v, newIn, newOut int32, mode int) {
	g := e.g
	arcs := e.leafArcs[e.leafStart[v]:e.leafStart[v+1]]
	if newIn < 0 && newOut < 0 {
		for _, i := range arcs {
			if e.flow[i] == 0 {
				continue
			}
			for _, j := range arcs {
				if j != i && e.flow[j] < g.upper[j] {
					e.addEntry(i, j, mode)
				}
			}
		}
		return
	}
	if newIn >= 0 {
		for _, j := range arcs {
			if j != newIn && e.flow[j] < g.upper[j] {
				e.addEntry(newIn, j, mode)
			}
		}
	}
	if newOut >= 0 {
		for _, i := range arcs {
			if i != newOut && e.flow[i] > 0 && i != newIn {
				e.addEntry(i, newOut, mode)
			}
		}
	}
}

// addEntry records the detour "one unit less on leaf arc i, one more on leaf
// arc j".
func (e *engine) addEntry(i, j int32, mode int) {
	g := e.g
	mi, mj := e.coreOf[g.to[i]], e.coreOf[g.to[j]]
	if mi == mj {
		return
	}
	p := e.pair(mi, mj)
	if mode == modeCount {
		for int(p) >= len(e.counts) {
			e.counts = append(e.counts, 0)
		}
		e.counts[p]++
		return
	}
	h := append(e.heaps[p], entry{key: g.cost[j] - g.cost[i], out: i, in: j})
	e.heaps[p] = h
	e.nEntries++
	if mode == modePush {
		up(h, len(h)-1)
		if e.topKey[p] != keyDirty { // the top was valid, and the new entry is
			e.topKey[p] = h[0].key
		}
	}
}

// lookup returns the id of core pair (mi, mj), or -1.
func (e *engine) lookup(mi, mj int32) int32 {
	if e.pairDense != nil {
		return e.pairDense[mi*e.denseK+mj]
	}
	if p, ok := e.pairMap[uint64(mi)<<32|uint64(mj)]; ok {
		return p
	}
	return -1
}

// pair returns the id of core pair (mi, mj), creating it if needed.
func (e *engine) pair(mi, mj int32) int32 {
	K := e.denseK
	if e.pairDense != nil {
		if p := e.pairDense[mi*K+mj]; p >= 0 {
			return p
		}
	} else if p, ok := e.pairMap[uint64(mi)<<32|uint64(mj)]; ok {
		return p
	}
	p := int32(len(e.pairTo))
	e.pairTo = append(e.pairTo, mj)
	e.topKey = append(e.topKey, keyDirty)
	e.pairOut[mi] = append(e.pairOut[mi], p)
	e.pairIn[mj] = append(e.pairIn[mj], p)
	e.pairFrom = append(e.pairFrom, mi)
	if len(e.heaps) > int(p) {
		e.heaps = e.heaps[:p+1]
		e.heaps[p] = e.heaps[p][:0]
	} else {
		e.heaps = append(e.heaps, nil)
	}
	if e.pairDense != nil {
		e.pairDense[mi*K+mj] = p
	} else {
		e.pairMap[uint64(mi)<<32|uint64(mj)] = p
	}
	return p
}

const (
	keyDirty = -1 << 63  // the top of the heap may be stale
	keyEmpty = 1<<63 - 1 // no valid entry
)

// markAll marks every heap top as possibly stale. O(pairs).
func (e *engine) markAll() {
	for p := range e.topKey {
		e.topKey[p] = keyDirty
	}
}

// topKey returns the key of the cheapest valid detour of pair p.
func (e *engine) key(p int32) (int64, bool) {
	k := e.topKey[p]
	if k == keyDirty {
		e.top(p)
		k = e.topKey[p]
	}
	return k, k != keyEmpty
}

// top returns the cheapest valid detour of pair p, dropping stale ones.
// A clean top (not keyDirty) is known valid: push marks the pairs whose top
// a move may have made stale.
func (e *engine) top(p int32) (entry, bool) {
	switch e.topKey[p] {
	case keyEmpty:
		return entry{}, false
	case keyDirty:
	default:
		return e.heaps[p][0], true
	}
	g := e.g
	h := e.heaps[p]
	for len(h) > 0 {
		t := h[0]
		if e.flow[t.out] > 0 && e.flow[t.in] < g.upper[t.in] && g.cost[t.in]-g.cost[t.out] == t.key {
			e.heaps[p] = h
			e.topKey[p] = t.key
			return t, true
		}
		last := len(h) - 1
		h[0] = h[last]
		h = h[:last]
		if last > 0 {
			down(h, 0)
		}
		e.nEntries--
	}
	e.heaps[p] = h
	e.topKey[p] = keyEmpty
	return entry{}, false
}

func up(h []entry, i int) {
	x := h[i]
	for i > 0 {
		p := (i - 1) / 2
		if h[p].key <= x.key {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = x
}

func down(h []entry, i int) {
	n := len(h)
	x := h[i]
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && h[c+1].key < h[c].key {
			c++
		}
		if x.key <= h[c].key {
			break
		}
		h[i] = h[c]
		i = c
	}
	h[i] = x
}

func grow(s []int64, n int) []int64 {
	if cap(s) >= n {
		old := len(s)
		s = s[:n]
		if n > old {
			clear(s[old:])
		}
		return s
	}
	t := make([]int64, n)
	copy(t, s)
	return t
}

func grow32(s []int32, n int) []int32 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]int32, n)
}

func growU(s []uint32, n int) []uint32 {
	if cap(s) >= n {
		return s[:n]
	}
	t := make([]uint32, n)
	copy(t, s)
	return t
}

func growSlices(s [][]int32, n int) [][]int32 {
	if cap(s) >= n {
		s = s[:n]
	} else {
		s = make([][]int32, n)
	}
	for i := range s {
		s[i] = s[i][:0]
	}
	return s
}
