package assign

import (
	"cmp"
	"context"
	"math"
	"math/bits"
	"slices"

	"github.com/roundtable-go/roundtable/solver"
)

// Reseating re-places a block of participants (the members of one
// organisation, or the people of two sessions of a round) in every round
// at once, exactly, with everyone else where they are. The round flows
// re-place everyone but one round at a time, and the annealer moves one
// or two people at a time; neither finds the better block plans that take
// chains of changes across rounds (with maxPerOrganisation at 1 or 2, say,
// where who of an organisation sits where in one round rules out the same
// theme for them in the others).
//
// Each member's options are all their ways of taking sessions in their
// free rounds (no theme twice, at most the sessions they want, pins kept).
// A depth-first branch and bound picks one option per member. Its bound is
// a Lagrangian relaxation of what links the members: with a price μ(s) on
// each seat left in session s and a price λ(o, s) on each member of
// organisation o who enters s, a block plan scores at most
//
//	Σ_s μ(s)·seats(s) + Σ_(o,s) max over n of (λ(o,s)·n - the colleague penalty of n more)
//	  + Σ_members max over options of (value - μ - λ of its sessions)
//
// (n up to what maxPerOrganisation and the seats allow). The prices are
// set by the bundle method (solver.Bundle); when the bound shows the block
// cannot beat its present share of the objective, the search is skipped.
// Minimum sizes are checked on every complete block plan.

// reseatMaxOptions caps the options of one member; a block with a member
// over it is left as it is (3 rounds of 16 sessions give 4,913).
const reseatMaxOptions = 1 << 12

// reseatMaxBlock caps the people of a block: larger organisations are
// reseated in parts.
const reseatMaxBlock = 20

// reseatNodes caps the branch and bound's nodes for one block; the best
// block plan found by then is kept.
const reseatNodes = 200000

// reseatPairBlock and reseatPairNodes are the block size and node limit
// of reseatPairs.
const (
	reseatPairBlock = 8
	reseatPairNodes = 20000
)

// reseatPriceEvals caps the evaluations of the block's relaxation that
// set its prices.
const reseatPriceEvals = 200

// reseatStall is the number of evaluations without a gain of half a
// grain after which the prices are taken as they are.
const reseatStall = 30

// seatOption is one way for a member to take sessions: the sessions (one
// per round used), their cells (organisation, session) in the reseater's
// numbering, and the sum of their values.
type seatOption struct {
	sess  []int
	cells []int
	val   int64
	key   float64 // val less the prices of its sessions and cells
}

// reseater is the working state of one reseat.
type reseater struct {
	a     *annealer
	block []int
	opts  [][]seatOption

	// Sessions the block may touch and their seats left (sessOf[s] is
	// the index of session s among them, -1 if none).
	sess   []int
	sessOf []int
	seats  []int
	// Cells: the (organisation, session) pairs of the block, numbered by
	// cellOf; per cell, the organisation's people in the session (those
	// outside the block, plus the members placed on the search's current
	// path) and how many more of the block may enter.
	cellOut, cellRoom []int
	cellOf            map[int64]int

	mu, lambda []float64 // prices of the seats and cells
	suffix     []float64 // suffix[i]: sum over members i.. of their best key
	termNow    []float64 // the relaxation's term of each cell at the node
	saveTerm   []float64 // stack of the terms replaced

	oneOrg bool // the block is of one organisation
	// seatsOnly prices the seats alone, every λ 0: fewer prices to set
	// where the block is of many organisations.
	seatsOnly bool
	choice    []int // per member: option index on the current path
	best      []int // the best block plan found
	bestVal   int64
	nodes     int
	maxNodes  int
	work      int64 // options looked at while pricing
}

// term is the most the block's further members of cell c can add beyond
// λ times their number: the maximum over n in 0..room of λn less the
// colleague penalty they add to the in colleagues there, and that n.
func (rs *reseater) term(lam float64, in, room int) (float64, int) {
	sp := float64(rs.a.pr.w.SamePair)
	t, n := 0.0, 0
	for n < room {
		m := lam - sp*float64(in+n)
		if m <= 0 {
			break
		}
		t += m
		n++
	}
	return t, n
}

// reseat re-places block exactly and returns the gain of the objective;
// 0 when no better block plan was found, the state then unchanged.
func (a *annealer) reseat(block []int, nodes int, seatsOnly bool) int64 {
	pr := a.pr
	nR := pr.nR
	if len(block) == 0 {
		return 0
	}
	saved := make([]int, len(block)*nR)
	var share int64
	for i, p := range block {
		for r := range nR {
			s := a.st.asg[p*nR+r]
			saved[i*nR+r] = s
			if s >= 0 && pr.pin(p, r) < 0 {
				share -= a.leave(p, s)
				a.put(p, r, -1)
			}
		}
	}
	restore := func() {
		for i, p := range block {
			for r := range nR {
				if s := saved[i*nR+r]; s >= 0 && pr.pin(p, r) < 0 {
					a.put(p, r, s)
				}
			}
		}
	}
	rs := &reseater{a: a, block: block, bestVal: share, maxNodes: nodes, seatsOnly: seatsOnly}
	// Work (Options.WorkLimit): a node of the search counts as one, as
	// do eight options looked at in a pricing pass (about the time of an
	// arc of a round flow).
	defer func() { pr.addWork(rs.work/8 + int64(rs.nodes)) }()
	if !rs.options(saved) || !rs.prices(share) {
		restore()
		return 0
	}
	rs.search()
	if rs.best == nil {
		restore()
		return 0
	}
	for i, p := range block {
		for _, s := range rs.opts[i][rs.best[i]].sess {
			a.put(p, pr.sRound[s], s)
		}
	}
	return rs.bestVal - share
}

// options lists every member's options, numbering the sessions and cells
// they use; false when a member has too many.
func (rs *reseater) options(saved []int) bool {
	a := rs.a
	pr := a.pr
	used := make([]bool, pr.nT)
	rs.sessOf = make([]int, pr.nS)
	for i := range rs.sessOf {
		rs.sessOf[i] = -1
	}
	rs.cellOf = map[int64]int{}
	addSess := func(s int) {
		if rs.sessOf[s] < 0 {
			rs.sessOf[s] = len(rs.sess)
			rs.sess = append(rs.sess, s)
			rs.seats = append(rs.seats, max(pr.sCap[s]-a.size[s], 0))
		}
	}
	members := map[int]int{} // per organisation: its people in the block
	for _, p := range rs.block {
		members[pr.pOrg[p]]++
	}
	rs.oneOrg = len(members) == 1
	cell := func(o, s int) int {
		k := pr.orgSess(o, s)
		c, ok := rs.cellOf[k]
		if !ok {
			c = len(rs.cellOut)
			rs.cellOf[k] = c
			in := a.os.get(k)
			room := min(members[o], rs.seats[rs.sessOf[s]])
			if pr.maxPerOrg > 0 {
				room = min(room, pr.maxPerOrg-in)
			}
			rs.cellOut = append(rs.cellOut, in)
			rs.cellRoom = append(rs.cellRoom, max(room, 0))
		}
		return c
	}
	rs.opts = make([][]seatOption, len(rs.block))
	for i, p := range rs.block {
		clear(used)
		o := pr.pOrg[p]
		d := a.st.deleg[o]
		rounds := pr.free(p, d)
		left := pr.wanted(p, d)
		for r := range pr.nR {
			if s := pr.pin(p, r); s >= 0 {
				rounds &^= 1 << r
				left--
				used[pr.sTheme[s]] = true
			}
		}
		var sess []int
		var list []seatOption
		var walk func(rounds uint64, left int, val int64) bool
		walk = func(rounds uint64, left int, val int64) bool {
			if rounds == 0 || left <= 0 {
				if len(list) >= reseatMaxOptions {
					return false
				}
				list = append(list, seatOption{sess: slices.Clone(sess), val: val})
				return true
			}
			r := bits.TrailingZeros64(rounds)
			rest := rounds &^ (1 << r)
			if !walk(rest, left, val) {
				return false
			}
			for _, s := range pr.roundSess[r] {
				t := pr.sTheme[s]
				v := pr.value(p, s)
				if used[t] || v == forbidden || pr.sCap[s] == 0 || (pr.shut != nil && pr.shut[s] == ruleShut) {
					continue
				}
				used[t] = true
				sess = append(sess, s)
				ok := walk(rest, left-1, val+v)
				sess = sess[:len(sess)-1]
				used[t] = false
				if !ok {
					return false
				}
			}
			return true
		}
		if !walk(rounds, left, 0) {
			return false
		}
		for k := range list {
			op := &list[k]
			op.cells = make([]int, len(op.sess))
			for j, s := range op.sess {
				addSess(s)
				op.cells[j] = cell(o, s)
			}
		}
		rs.opts[i] = list
	}
	// Sessions the block left may need refilling to their minimum.
	for _, s := range saved {
		if s >= 0 {
			addSess(s)
		}
	}
	return true
}

// prices sets μ and λ by the bundle method on the block's relaxation (its
// value is convex in them) and returns false when its bound shows the
// block cannot beat share.
func (rs *reseater) prices(share int64) bool {
	pr := rs.a.pr
	nc := len(rs.cellOut)
	if rs.seatsOnly {
		nc = 0 // every λ stays 0
	}
	// With one organisation a cell is a session, its room already held to
	// the seats: seat prices would add nothing.
	m := len(rs.sess)
	if rs.oneOrg {
		m = 0
	}
	rs.mu = make([]float64, len(rs.sess))
	y := make([]float64, m+nc)
	g := make([]float64, m+nc)
	target := float64(share + pr.grain)
	var norm float64
	eval := func() float64 {
		L := 0.0
		for j := range m {
			rs.mu[j] = y[j]
			L += y[j] * float64(rs.seats[j])
			g[j] = float64(rs.seats[j])
		}
		for c := range nc {
			t, n := rs.term(y[m+c], rs.cellOut[c], rs.cellRoom[c])
			L += t
			g[m+c] = float64(n)
		}
		for i := range rs.block {
			rs.work += int64(len(rs.opts[i]))
			bi, bk := 0, math.Inf(-1)
			for k, op := range rs.opts[i] {
				key := float64(op.val)
				for j, s := range op.sess {
					key -= rs.mu[rs.sessOf[s]]
					if nc > 0 {
						key -= y[m+op.cells[j]]
					}
				}
				if key > bk {
					bi, bk = k, key
				}
			}
			L += bk
			op := rs.opts[i][bi]
			for j, s := range op.sess {
				if m > 0 {
					g[rs.sessOf[s]]--
				}
				if nc > 0 {
					g[m+op.cells[j]]--
				}
			}
		}
		norm = 0
		for j, x := range g {
			if x < 0 || y[j] > 0 {
				norm += x * x
			}
		}
		return L
	}
	boxed := make([]int, m+nc)
	for j := range boxed {
		boxed[j] = j
	}
	b := solver.NewBundle(m+nc, boxed, nil)
	L := eval()
	b.Target = float64(share)
	b.T = math.Max(L-float64(share), 1) / math.Max(norm, 1)
	b.Observe(y, L, g)
	last, since := L, 0
	for it := 0; it < reseatPriceEvals && norm > 0; it++ {
		_, fc := b.Center()
		if fc < target-1e-6 {
			break
		}
		// Stalled: the search goes on with the prices it has.
		if fc < last-float64(pr.grain)/2 {
			last, since = fc, 0
		} else if since++; since > reseatStall {
			break
		}
		b.Next(y)
		L = eval()
		b.Observe(y, L, g)
	}
	center, bestL := b.Center()
	if bestL < target-1e-6 {
		return false
	}
	copy(rs.mu, center[:m])
	rs.lambda = make([]float64, len(rs.cellOut))
	copy(rs.lambda, center[m:])
	rs.suffix = make([]float64, len(rs.block)+1)
	for i := range rs.block {
		for k := range rs.opts[i] {
			op := &rs.opts[i][k]
			op.key = float64(op.val)
			for j, s := range op.sess {
				op.key -= rs.mu[rs.sessOf[s]] + rs.lambda[op.cells[j]]
			}
		}
		slices.SortStableFunc(rs.opts[i], func(x, y seatOption) int { return cmp.Compare(y.key, x.key) })
	}
	for i := len(rs.block) - 1; i >= 0; i-- {
		rs.suffix[i] = rs.suffix[i+1] + rs.opts[i][0].key
	}
	return true
}

// search runs the branch and bound.
func (rs *reseater) search() {
	R := 0.0
	for j, x := range rs.mu {
		R += x * float64(rs.seats[j])
	}
	rs.termNow = make([]float64, len(rs.cellOut))
	for c := range rs.termNow {
		rs.termNow[c], _ = rs.term(rs.lambda[c], rs.cellOut[c], rs.cellRoom[c])
		R += rs.termNow[c]
	}
	rs.choice = make([]int, len(rs.block))
	rs.dfs(0, 0, R)
}

// dfs places members i.. given the block plan so far, worth g, and R, the
// relaxation's terms of the seats and cells left.
func (rs *reseater) dfs(i int, g int64, R float64) {
	a := rs.a
	pr := a.pr
	rs.nodes++
	if i == len(rs.block) {
		if g <= rs.bestVal {
			return
		}
		for _, s := range rs.sess {
			if a.size[s] > 0 && a.size[s] < pr.sMin[s] {
				return
			}
		}
		rs.bestVal = g
		rs.best = slices.Clone(rs.choice)
		return
	}
	p := rs.block[i]
	for k := range rs.opts[i] {
		if rs.nodes >= rs.maxNodes {
			return
		}
		op := &rs.opts[i][k]
		// The child's bound is at most this (the colleague penalty p
		// pays is at least what the cells' terms lose beyond λ).
		if float64(g)+op.key+R+rs.suffix[i+1] < float64(rs.bestVal+pr.grain)-1e-6 {
			break
		}
		ok := true
		for j, s := range op.sess {
			c := op.cells[j]
			if a.size[s] >= pr.sCap[s] || rs.cellRoom[c] == 0 {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		var delta int64
		dR := 0.0
		for j, s := range op.sess {
			c := op.cells[j]
			delta += a.enter(p, s)
			a.put(p, pr.sRound[s], s)
			rs.seats[rs.sessOf[s]]--
			rs.cellOut[c]++
			rs.cellRoom[c]--
			t, _ := rs.term(rs.lambda[c], rs.cellOut[c], rs.cellRoom[c])
			dR += rs.mu[rs.sessOf[s]] + rs.termNow[c] - t
			rs.saveTerm = append(rs.saveTerm, rs.termNow[c])
			rs.termNow[c] = t
		}
		rs.choice[i] = k
		rs.dfs(i+1, g+delta, R-dR)
		for j := len(op.sess) - 1; j >= 0; j-- {
			s, c := op.sess[j], op.cells[j]
			a.put(p, pr.sRound[s], -1)
			rs.seats[rs.sessOf[s]]++
			rs.cellOut[c]--
			rs.cellRoom[c]++
			rs.termNow[c] = rs.saveTerm[len(rs.saveTerm)-1]
			rs.saveTerm = rs.saveTerm[:len(rs.saveTerm)-1]
		}
	}
}

// reseatAll reseats every organisation in blocks of at most
// reseatMaxBlock members (in an order drawn from the seed) and returns
// the state, improved or not.
func (s *search) reseatAll(ctx context.Context, st *state) *state {
	pr := s.pr
	a := pr.newAnnealer(st)
	for _, o := range s.rng.Perm(pr.nO) {
		if ctx.Err() != nil || s.proven(a.obj) {
			break
		}
		members := pr.oMembers[o]
		if len(members) > reseatMaxBlock {
			members = slices.Clone(members)
			s.rng.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
		}
		for lo := 0; lo < len(members); lo += reseatMaxBlock {
			a.obj += a.reseat(members[lo:min(lo+reseatMaxBlock, len(members))], reseatNodes, false)
		}
	}
	return a.st
}

// reseatPairs reseats, for every pair of sessions of one round, up to
// reseatPairBlock of the people in them (whatever their organisation; the
// order of rounds and pairs and who is taken drawn from the seed), with
// seat prices only, and returns the state. Where seats are all taken, an
// organisation reseated alone can only shuffle its own seats; people of
// different organisations exchange them here.
func (s *search) reseatPairs(ctx context.Context, st *state) *state {
	pr := s.pr
	a := pr.newAnnealer(st)
	for _, r := range s.rng.Perm(pr.nR) {
		in := make([][]int, pr.nS)
		for p := range pr.nP {
			if x := a.st.asg[p*pr.nR+r]; x >= 0 && pr.pin(p, r) < 0 {
				in[x] = append(in[x], p)
			}
		}
		ss := pr.roundSess[r]
		for _, i := range s.rng.Perm(len(ss)) {
			for _, j := range s.rng.Perm(len(ss)) {
				if j <= i || ctx.Err() != nil || s.proven(a.obj) {
					continue
				}
				var block []int
				for _, p := range in[ss[i]] {
					if a.st.asg[p*pr.nR+r] == ss[i] {
						block = append(block, p)
					}
				}
				for _, p := range in[ss[j]] {
					if a.st.asg[p*pr.nR+r] == ss[j] {
						block = append(block, p)
					}
				}
				s.rng.Shuffle(len(block), func(x, y int) { block[x], block[y] = block[y], block[x] })
				block = block[:min(len(block), reseatPairBlock)]
				slices.Sort(block)
				a.obj += a.reseat(block, reseatPairNodes, true)
			}
		}
	}
	return a.st
}
