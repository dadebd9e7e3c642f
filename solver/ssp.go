package solver

import (
	"context"
	"errors"
	"slices"
)

var errInternal = errors.New("solver: internal error: negative reduced cost (please report)")

// run is the primal-dual loop: while some core node has excess, a Dijkstra
// search on the core (reduced costs, all of them non-negative) from every
// excess node finds the distance D to the nearest deficit; potentials move so
// that every shortest path is made of zero-reduced-cost arcs; then a
// depth-first search pushes as much flow as it finds along zero-reduced-cost
// paths from excess to deficit nodes. Each phase augments at least one unit.
func (e *engine) run(ctx context.Context) error {
	e.markAll()
	for iter := 0; ; iter++ {
		if iter&15 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		sources, sinks := e.sources[:0], e.sinks[:0]
		for k, x := range e.excess {
			if x > 0 {
				sources = append(sources, int32(k))
			} else if x < 0 {
				sinks = append(sinks, int32(k))
			}
		}
		e.sources, e.sinks = sources, sinks
		if len(sources) == 0 {
			return nil
		}
		// Search from the deficits when excess is spread over many nodes:
		// a search costs at least one visit per start node and stops at the
		// nearest terminal of the other side. With few sources the forward
		// search is better: its distances serve every source at once.
		reverse := len(sources) > 1024 && len(sources) > 8*len(sinks)
		starts := sources
		if reverse {
			starts = sinks
		}
		D, found, err := e.dijkstra(starts, reverse)
		if err != nil {
			return err
		}
		if D < 0 {
			if reverse { // the forward search gives the cut
				if D, _, err = e.dijkstra(sources, false); err != nil {
					return err
				}
			}
			if D < 0 {
				return e.certificate()
			}
		}
		if reverse {
			for _, k := range e.settled {
				e.cpi[k] += D - e.dist[k]
			}
		} else {
			for _, k := range e.settled {
				e.cpi[k] -= D - e.dist[k]
			}
			found = sources
		}
		e.stamp++
		pushed := false
		for _, s := range found {
			for e.excess[s] > 0 && e.augment(s) {
				pushed = true
			}
		}
		if !pushed {
			return errors.New("solver: internal error: phase without augmentation (please report)")
		}
		if e.nEntries > 2*e.liveBase+1<<16 {
			e.fillHeaps()
		}
	}
}

// fwd returns the forward residual capacity of core arc c at its current
// marginal cost, and that cost.
func (e *engine) fwd(c *coreArc) (int64, int64) { return c.fr, c.fc }

// bwd returns the backward residual capacity of core arc c at its current
// marginal cost, and the (negated) cost.
func (e *engine) bwd(c *coreArc) (int64, int64) { return c.br, c.bc }

// refresh recomputes the residual capacities and marginal costs cached in c
// after its flow changed. O(log steps).
func (e *engine) refresh(c *coreArc) {
	g := e.g
	a, x := c.arc, e.flow[c.arc]
	l := g.low(int(a))
	if c.conv < 0 {
		c.fr, c.fc = g.upper[a]-x, g.cost[a]
		c.br, c.bc = x-l, -g.cost[a]
		return
	}
	cv := &g.conv[c.conv]
	c.fr, c.fc = 0, 0
	if s, _ := slices.BinarySearch(cv.cum, x+1); s < len(cv.cum) { // first step with cum >= x+1
		c.fr, c.fc = cv.cum[s]-x, cv.steps[s].Cost
	}
	c.br, c.bc = 0, 0
	if x > l {
		s, _ := slices.BinarySearch(cv.cum, x) // step holding unit x
		var start int64
		if s > 0 {
			start = cv.cum[s-1]
		}
		c.br, c.bc = x-max(start, l), -cv.steps[s].Cost
	}
}

// dijkstra computes reduced-cost distances on the core from the start nodes
// (excess nodes, or deficit nodes over reversed arcs when reverse is set)
// until it settles a node of the other kind, at distance D; it also settles
// every further node at distance D and returns D and the excess nodes among
// them (reverse only), or D = -1 when it reaches no such node. e.settled
// lists the settled nodes, e.dist their distances. O((K + P) log K) for K
// core nodes and P pairs, plus the stale heap entries it drops.
func (e *engine) dijkstra(starts []int32, reverse bool) (int64, []int32, error) {
	e.stamp++
	st := e.stamp
	e.pq = e.pq[:0]
	e.settled = e.settled[:0]
	e.found = e.found[:0]
	for _, s := range starts {
		e.dist[s] = 0
		e.seen[s] = st
		e.pq = append(e.pq, qitem{0, s})
	}
	relax := func(w int32, d int64) {
		if e.seen[w] != st || d < e.dist[w] {
			e.seen[w] = st
			e.dist[w] = d
			e.pq = append(e.pq, qitem{d, w})
			qup(e.pq, len(e.pq)-1)
		}
	}
	D := int64(-1)
	for len(e.pq) > 0 {
		it := e.pq[0]
		u := it.k
		if D >= 0 && it.d > D {
			break
		}
		last := len(e.pq) - 1
		e.pq[0] = e.pq[last]
		e.pq = e.pq[:last]
		if last > 0 {
			qdown(e.pq, 0)
		}
		if e.done[u] == st || it.d > e.dist[u] {
			continue
		}
		e.done[u] = st
		e.settled = append(e.settled, u)
		if x := e.excess[u]; (!reverse && x < 0) || (reverse && x > 0) {
			D = it.d
			e.found = append(e.found, u)
		}
		if D >= 0 {
			continue
		}
		pu := e.cpi[u]
		for _, x := range e.adj[e.adjStart[u]:e.adjStart[u+1]] {
			c := &e.carcs[x>>1]
			var r, cost int64
			var w int32
			if (x&1 == 0) != reverse { // forward residual: c.from -> c.to
				r, cost = e.fwd(c)
				w = c.to
				if reverse {
					w = c.from
				}
			} else { // backward residual: c.to -> c.from
				r, cost = e.bwd(c)
				w = c.from
				if reverse {
					w = c.to
				}
			}
			if r == 0 || e.done[w] == st {
				continue
			}
			rc := cost + pu - e.cpi[w]
			if reverse {
				rc = cost + e.cpi[w] - pu
			}
			if rc < 0 {
				return 0, nil, errInternal
			}
			relax(w, it.d+rc)
		}
		pairs, ends := e.pairOut[u], e.pairTo
		if reverse {
			pairs, ends = e.pairIn[u], e.pairFrom
		}
		for _, p := range pairs {
			w := ends[p]
			if e.done[w] == st {
				continue
			}
			key, ok := e.key(p)
			if !ok {
				continue
			}
			rc := key + pu - e.cpi[w]
			if reverse {
				rc = key + e.cpi[w] - pu
			}
			if rc < 0 {
				return 0, nil, errInternal
			}
			relax(w, it.d+rc)
		}
	}
	return D, e.found, nil
}

// augment searches depth-first from excess node s for a path of
// zero-reduced-cost residual arcs to a deficit node and pushes flow along it.
// Nodes found dead stay dead for the phase (e.stamp). It reports whether it
// pushed.
func (e *engine) augment(s int32) bool {
	g := e.g
	st := e.stamp
	if e.dead[s] == st {
		return false
	}
	nodes, via := append(e.stackN[:0], s), e.stackE[:0]
	e.onStack[s] = true
	defer func() {
		for _, k := range nodes {
			e.onStack[k] = false
		}
		e.stackN, e.stackE = nodes[:0], via[:0]
	}()
	for {
		u := nodes[len(nodes)-1]
		if u != s && e.excess[u] < 0 {
			e.push(nodes, via)
			return true
		}
		if e.curStamp[u] != st {
			e.curStamp[u] = st
			e.cur[u] = 0
		}
		adj := e.adj[e.adjStart[u]:e.adjStart[u+1]]
		pairs := e.pairOut[u]
		pu := e.cpi[u]
		next, edge := int32(-1), int32(0)
		for i := int(e.cur[u]); i < len(adj)+len(pairs); i++ {
			e.cur[u] = int32(i)
			if i < len(adj) {
				x := adj[i]
				c := &e.carcs[x>>1]
				var r, cost int64
				var w int32
				if x&1 == 0 {
					r, cost = e.fwd(c)
					w = c.to
				} else {
					r, cost = e.bwd(c)
					w = c.from
				}
				if r > 0 && cost+pu == e.cpi[w] && e.dead[w] != st && !e.onStack[w] {
					next, edge = w, x
					break
				}
				continue
			}
			p := pairs[i-len(adj)]
			w := e.pairTo[p]
			if e.dead[w] == st || e.onStack[w] {
				continue
			}
			if key, ok := e.key(p); ok && key+pu == e.cpi[w] {
				next, edge = w, -1-p
				break
			}
		}
		if next >= 0 {
			nodes = append(nodes, next)
			via = append(via, edge)
			e.onStack[next] = true
			continue
		}
		e.dead[u] = st
		e.onStack[u] = false
		nodes = nodes[:len(nodes)-1]
		if len(nodes) == 0 {
			return false
		}
		via = via[:len(via)-1]
		_ = g
	}
}

// push sends as much flow as possible along the path nodes[0] -> ... ->
// nodes[last] through the arcs in via.
func (e *engine) push(nodes, via []int32) {

	g := e.g
	s, t := nodes[0], nodes[len(nodes)-1]
	delta := min(e.excess[s], -e.excess[t])
	tops := make([]entry, 0, 4)
	for _, x := range via {
		if x >= 0 {
			c := &e.carcs[x>>1]
			var r int64
			if x&1 == 0 {
				r, _ = e.fwd(c)
			} else {
				r, _ = e.bwd(c)
			}
			delta = min(delta, r)
		} else {
			en, _ := e.top(-1 - x)
			tops = append(tops, en)
			delta = min(delta, e.flow[en.out], g.upper[en.in]-e.flow[en.in])
		}
	}
	j := 0
	for _, x := range via {
		if x >= 0 {
			c := &e.carcs[x>>1]
			if x&1 == 0 {
				e.flow[c.arc] += delta
			} else {
				e.flow[c.arc] -= delta
			}
			e.refresh(c)
			continue
		}
		en := tops[j]
		j++
		newIn, newOut := int32(-1), int32(-1)
		if e.flow[en.in] == 0 {
			newIn = en.in
		}
		if e.flow[en.out] == g.upper[en.out] {
			newOut = en.out
		}
		e.flow[en.out] -= delta
		e.flow[en.in] += delta
		v := g.from[en.in]
		e.invalidate(v, en.out, en.in)
		if newIn >= 0 || newOut >= 0 {
			e.leafEntries(v, newIn, newOut, modePush)
		}
	}
	e.excess[s] -= delta
	e.excess[t] += delta
}

// invalidate marks the pairs whose top went stale after a move of leaf v
// from arc out to arc in: a clean top stays valid unless it is a detour
// leaving through out once out is empty, or entering through in once in is
// full. O(degree).
func (e *engine) invalidate(v, out, in int32) {
	g := e.g
	arcs := e.leafArcs[e.leafStart[v]:e.leafStart[v+1]]
	if e.flow[out] == 0 {
		mo := e.coreOf[g.to[out]]
		for _, k := range arcs {
			if p := e.lookup(mo, e.coreOf[g.to[k]]); p >= 0 && e.topKey[p] != keyDirty && e.topKey[p] != keyEmpty && e.heaps[p][0].out == out {
				e.topKey[p] = keyDirty
			}
		}
	}
	if e.flow[in] == g.upper[in] {
		mi := e.coreOf[g.to[in]]
		for _, k := range arcs {
			if p := e.lookup(e.coreOf[g.to[k]], mi); p >= 0 && e.topKey[p] != keyDirty && e.topKey[p] != keyEmpty && e.heaps[p][0].in == in {
				e.topKey[p] = keyDirty
			}
		}
	}
}

// certificate builds the infeasibility cut after a Dijkstra search that
// reached no deficit: the settled core nodes, and the leaves with flow into
// them. No residual arc leaves that set, and it holds positive excess.
func (e *engine) certificate() error {
	g := e.g
	in := make([]bool, len(g.supply))
	for _, k := range e.settled {
		in[e.core[k]] = true
	}
	for v := range g.supply {
		if e.coreOf[v] >= 0 {
			continue
		}
		for _, a := range e.leafArcs[e.leafStart[v]:e.leafStart[v+1]] {
			if e.flow[a] > 0 && in[g.to[a]] {
				in[v] = true
				break
			}
		}
	}
	cut := &InfeasibleError{}
	for v, ok := range in {
		if ok {
			cut.Cut = append(cut.Cut, v)
			cut.Excess += g.supply[v]
		}
	}
	for a := range g.from {
		u, w := in[g.from[a]], in[g.to[a]]
		switch {
		case u && !w:
			cut.Capacity += g.upper[a]
		case !u && w:
			cut.Capacity -= g.low(a)
		}
	}
	return cut
}

func qup(h []qitem, i int) {
	x := h[i]
	for i > 0 {
		p := (i - 1) / 2
		if h[p].d <= x.d {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = x
}

func qdown(h []qitem, i int) {
	n := len(h)
	x := h[i]
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && h[c+1].d < h[c].d {
			c++
		}
		if x.d <= h[c].d {
			break
		}
		h[i] = h[c]
		i = c
	}
	h[i] = x
}
