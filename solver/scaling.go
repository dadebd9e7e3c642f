package solver

import (
	"context"
	"slices"
)

// Cold-start warm-up: cost-scaling push-relabel (Goldberg, "An efficient
// implementation of a scaling minimum-cost flow algorithm", J. Algorithms
// 22, 1997) on the whole graph, run to ε-optimality for ε = 1/costScale of a
// cost unit. Its flow and rounded potentials then seed the exact primal-dual
// method of ssp.go, which repairs what rounding left and proves optimality:
// the warm-up only has to be good, never exact, so it may give up (on
// infeasible networks, or after its work budget) and leave potentials 0.
//
// Why: on networks with a large core (an "(organisation, session)" middle
// layer of thousands of nodes) the primal-dual method needs one phase per
// distinct shortest-path length, hundreds of them, and each phase visits
// much of the core. Cost scaling settles prices coarse to fine with local
// pushes and relabels instead.

const (
	costScale = 8   // costs are multiplied by this during the warm-up
	alpha     = 8   // ε shrinks by this factor per refine
	workLimit = 100 // the warm-up gives up after this many scans of every arc
)

// scaler is the push-relabel state. Arcs are addressed as x = a<<1 | dir, dir
// 1 for the backward residual arc.
type scaler struct {
	g      *Graph
	convIx []int32 // arc -> index in g.conv, -1 for a plain arc
	step   []int32 // convex index -> first step whose cumulative capacity exceeds the flow
	flow   []int64
	pot    []int64
	excess []int64
	first  []int32
	ents   []int32
	cur    []int32
	queue  []int32
	inQ    []bool
	dist   []int64
	done   []bool
	pq     []qitem
	relabs int
	work   int
	budget int
}

// resid returns the residual capacity of x at its current marginal cost, that
// cost (scaled), and its head.
func (s *scaler) resid(x int32) (int64, int64, int32) {
	g := s.g
	a := int(x >> 1)
	f := s.flow[a]
	ci := s.convIx[a]
	if ci < 0 {
		if x&1 == 0 {
			return g.upper[a] - f, g.cost[a] * costScale, g.to[a]
		}
		return f - g.low(a), -g.cost[a] * costScale, g.from[a]
	}
	cv := &g.conv[ci]
	i := s.step[ci] // first step with cum > f
	if x&1 == 0 {
		if int(i) < len(cv.cum) {
			return cv.cum[i] - f, cv.steps[i].Cost * costScale, g.to[a]
		}
		return 0, 0, g.to[a]
	}
	l := g.low(a)
	if f <= l {
		return 0, 0, g.from[a]
	}
	for i > 0 && cv.cum[i-1] >= f {
		i--
	}
	var start int64
	if i > 0 {
		start = cv.cum[i-1]
	}
	return f - max(start, l), -cv.steps[i].Cost * costScale, g.from[a]
}

func (s *scaler) push(x int32, u, v int32, d int64) {
	a := x >> 1
	if x&1 == 0 {
		s.flow[a] += d
	} else {
		s.flow[a] -= d
	}
	if ci := s.convIx[a]; ci >= 0 {
		s.moveStep(ci, s.flow[a])
	}
	s.excess[u] -= d
	s.excess[v] += d
	if s.excess[v] > 0 && !s.inQ[v] {
		s.inQ[v] = true
		s.queue = append(s.queue, v)
	}
}

// warmupMode forces the warm-up on (1) or off (-1) for tests; 0 decides by
// the size of the core.
var warmupMode = 0

// wantWarmup reports whether a cold solve should start with the warm-up: when
// many nodes have entering arcs (a large core).
func (e *engine) wantWarmup() bool {
	if warmupMode != 0 {
		return warmupMode > 0
	}
	g := e.g
	in := make([]bool, len(g.supply))
	k := 0
	for _, w := range g.to {
		if !in[w] {
			in[w] = true
			k++
		}
	}
	return k >= warmupCore
}

const warmupCore = 1000

// warmup runs the cost-scaling warm-up and stores its flow and potentials in
// e.flow and e.pi; it reports false (and leaves e.flow, e.pi untouched) when
// it gave up.
func (e *engine) warmup(ctx context.Context) bool {
	g := e.g
	n, m := len(g.supply), len(g.from)
	maxC := int64(g.checked.maxCost)
	if maxC == 0 || n == 0 {
		return false
	}
	// Potentials stay within about 4 n maxC costScale; keep far from 2^63.
	if maxC*costScale > limit/int64(8*(n+1)) {
		return false
	}
	s := &scaler{g: g, flow: make([]int64, m), pot: make([]int64, n), excess: make([]int64, n)}
	s.convIx = make([]int32, m)
	for a := range s.convIx {
		s.convIx[a] = -1
	}
	for i, c := range g.conv {
		s.convIx[c.arc] = int32(i)
	}
	s.step = make([]int32, len(g.conv))
	s.first = make([]int32, n+1)
	for a := range m {
		s.first[g.from[a]+1]++
		s.first[g.to[a]+1]++
	}
	for v := range n {
		s.first[v+1] += s.first[v]
	}
	s.ents = make([]int32, 2*m)
	pos := slices.Clone(s.first[:n])
	for a := range m {
		u, w := g.from[a], g.to[a]
		s.ents[pos[u]] = int32(a) << 1
		pos[u]++
		s.ents[pos[w]] = int32(a)<<1 | 1
		pos[w]++
	}
	copy(s.excess, g.supply)
	for a := range m {
		if l := g.low(a); l > 0 {
			s.flow[a] = l
			s.excess[g.from[a]] -= l
			s.excess[g.to[a]] += l
		}
	}
	for ci := range g.conv {
		s.moveStep(int32(ci), s.flow[g.conv[ci].arc])
	}
	s.cur = make([]int32, n)
	s.inQ = make([]bool, n)
	s.budget = workLimit * (n + 2*m)
	eps := maxC * costScale
	for {
		eps = max(1, eps/alpha)
		if !s.refine(ctx, eps) {

			return false
		}

		if eps == 1 {
			break
		}
	}
	e.flow = s.flow
	e.warmups++
	e.pi = grow(e.pi, n)
	for v, p := range s.pot {
		// round to the nearest multiple of costScale
		if p >= 0 {
			e.pi[v] = (p + costScale/2) / costScale
		} else {
			e.pi[v] = -((-p + costScale/2) / costScale)
		}
	}
	return true
}

// refine turns an (alpha eps)-optimal flow into an eps-optimal one.
func (s *scaler) refine(ctx context.Context, eps int64) bool {
	n := len(s.pot)
	// Saturate every residual arc of negative reduced cost.
	for u := range n {
		pu := s.pot[u]
		for _, x := range s.ents[s.first[u]:s.first[u+1]] {
			for {
				r, c, v := s.resid(x)
				if r == 0 || c+pu-s.pot[v] >= 0 {
					break
				}
				s.push(x, int32(u), v, r)
			}
		}
	}
	if !s.globalUpdate(eps) {
		return false
	}
	s.queue = s.queue[:0]
	for u := range n {
		s.cur[u] = s.first[u]
		s.inQ[u] = s.excess[u] > 0
		if s.inQ[u] {
			s.queue = append(s.queue, int32(u))
		}
	}
	for qi := 0; qi < len(s.queue); qi++ {
		if qi&1023 == 1023 {
			if ctx.Err() != nil {
				return false
			}
			// compact the queue
			if qi > 1<<16 && qi > len(s.queue)/2 {
				s.queue = append(s.queue[:0], s.queue[qi+1:]...)
				qi = -1
				continue
			}
		}
		u := s.queue[qi]
		s.inQ[u] = false
		if !s.discharge(u, eps) {
			return false
		}
		if s.relabs > n {
			s.relabs = 0
			if !s.globalUpdate(eps) {
				return false
			}
			for v := range n {
				s.cur[v] = s.first[v]
			}
		}
	}
	return true
}

// discharge pushes the excess of u along admissible arcs, relabelling u
// when it has none.
func (s *scaler) discharge(u int32, eps int64) bool {
	end := s.first[u+1]
	for s.excess[u] > 0 {
		pu := s.pot[u]
		i := s.cur[u]
		for i < end {
			x := s.ents[i]
			r, c, v := s.resid(x)
			if r > 0 && c+pu-s.pot[v] < 0 {
				s.push(x, u, v, min(r, s.excess[u]))
				if s.excess[u] == 0 {
					break
				}
				continue // a convex arc may stay admissible at its next step
			}
			i++
		}
		s.work += int(i-s.cur[u]) + 1
		if s.excess[u] == 0 {
			s.cur[u] = i
			return true
		}
		// Relabel: the largest potential that makes an arc admissible.
		best, ok := int64(0), false
		for _, x := range s.ents[s.first[u]:end] {
			r, c, v := s.resid(x)
			if r > 0 && (!ok || s.pot[v]-c > best) {
				best, ok = s.pot[v]-c, true
			}
		}
		s.work += int(end - s.first[u])
		if !ok || s.work > s.budget {
			return false
		}
		s.pot[u] = best - eps
		s.cur[u] = s.first[u]
		s.relabs++
	}
	return true
}

// globalUpdate lowers potentials by eps times the residual distance to the
// nearest deficit, arc lengths floor(rc/eps)+1 (0 for admissible arcs): every
// node with excess then has an admissible path to a deficit, and eps-optimality
// holds (Goldberg 1997, price updates). It reports false when a node with
// excess reaches no deficit (the network is infeasible).
func (s *scaler) globalUpdate(eps int64) bool {
	n := len(s.pot)
	if s.dist == nil {
		s.dist = make([]int64, n)
		s.done = make([]bool, n)
	}
	const inf = 1<<63 - 1
	s.pq = s.pq[:0]
	for v := range n {
		s.done[v] = false
		s.dist[v] = inf
		if s.excess[v] < 0 {
			s.dist[v] = 0
			s.pq = append(s.pq, qitem{0, int32(v)})
		}
	}
	var dmax int64
	for len(s.pq) > 0 {
		it := s.pq[0]
		last := len(s.pq) - 1
		s.pq[0] = s.pq[last]
		s.pq = s.pq[:last]
		if last > 0 {
			qdown(s.pq, 0)
		}
		w := it.k
		if s.done[w] || it.d > s.dist[w] {
			continue
		}
		s.done[w] = true
		dmax = it.d
		pw := s.pot[w]
		for _, x := range s.ents[s.first[w]:s.first[w+1]] {
			y := x ^ 1 // residual arc v -> w
			r, c, _ := s.resid(y)
			if r == 0 {
				continue
			}
			v := s.g.from[y>>1]
			if y&1 == 1 {
				v = s.g.to[y>>1]
			}
			if s.done[v] {
				continue
			}
			rc := c + s.pot[v] - pw
			l := int64(0)
			if rc >= 0 {
				l = rc/eps + 1
			}
			if d := it.d + l; d < s.dist[v] {
				s.dist[v] = d
				s.pq = append(s.pq, qitem{d, v})
				qup(s.pq, len(s.pq)-1)
			}
		}
	}
	for v := range n {
		d := s.dist[v]
		if !s.done[v] {
			if s.excess[v] > 0 {
				return false
			}
			d = dmax
		}
		s.pot[v] -= d * eps
	}
	return true
}

// moveStep updates the cached step of convex arc ci to flow f.
func (s *scaler) moveStep(ci int32, f int64) {
	cum := s.g.conv[ci].cum
	i := s.step[ci]
	for int(i) < len(cum) && cum[i] <= f {
		i++
	}
	for i > 0 && cum[i-1] > f {
		i--
	}
	s.step[ci] = i
}
