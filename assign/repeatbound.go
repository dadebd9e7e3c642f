package assign

import (
	"context"
	"math"
	"slices"
)

// repeatBound is a Lagrangian bound that counts repeated meetings, for
// events with a repeatPair weight: the relaxation of the package
// documentation leaves them out, and on such events its bound stayed
// far above the best plans (36 % on a random 84-person event).
//
// Two participants who share a session in each of two rounds sit
// together in a cell: a pair of sessions of different rounds. If n
// participants take both sessions of a cell, n(n-1)/2 pairs meet twice
// there. A pair that shares k sessions meets in k(k-1)/2 cells and pays
// k-1 repeats, which is at least 2/K of k(k-1)/2 when k <= K, K being
// the most sessions anyone can take. So every plan pays at least
// repeatPair·2/K per pair of a cell's members, summed over cells (exactly
// the repeats when K is 2), a convex function of each cell's count: it
// is priced like the colleagues of an organisation in a session. τ(c) is
// what a participant pays for taking both sessions of cell c, and the
// bound gains max over n of τn - repeatPair·(2/K)·n(n-1)/2 per cell.
//
// Given the prices, each participant still chooses on their own, now with
// a price on each pair of their sessions: a small search over their
// rounds, best sessions first, that stops where the sessions left cannot
// beat the best choice found. Seat, colleague and host prices are those
// of the Lagrangian relaxation (lagrange), taken where its search left
// them, so that the first evaluation gives its bound; the subgradient
// steps then move every price. Minimum session sizes are left out, as
// there.
type repeatBound struct {
	pr   *problem
	nOpt int     // choices of delegation round per organisation, as lagrange's
	rpW  float64 // what a pair of a cell's members pays at least
	// cell[s1*nS+s2] indexes the cell of sessions s1 and s2 (different
	// rounds and themes), -1 where they cannot be taken together.
	cell    []int32
	cellCap []int // the most members a cell can have

	// Prices, as lagrange's (sigma at opt*nS+s; nil without colleague
	// prices), and τ per cell.
	pi, sigma, eta, tau []float64

	// Filled by eval.
	count, countOS, countC, useHR []int32
	nStar, nStarC                 []int32

	// The participant's search: candidates per round, best first.
	cands [][]cand
	pick  []int // sessions chosen so far (pins first)
	best  []int
	bestV float64
	order []int // the free rounds without a pin

	curPicks, bestPicks []int // eval's scratch
}

// repeatBoundMaxSessions caps the events repeatBound handles: its cells
// take nS² indices (16 MB at the cap).
const repeatBoundMaxSessions = 2048

// newRepeatBound prepares the bound for pr, with lg's prices as its
// start, or returns nil where it does not apply.
func newRepeatBound(pr *problem, lg *lagrange) *repeatBound {
	if pr.w.RepeatPair == 0 || pr.nS > repeatBoundMaxSessions || pr.nR < 2 {
		return nil
	}
	K := 0
	for p := range pr.nP {
		K = max(K, min(pr.pMax[p], pr.nR))
	}
	if K < 2 {
		return nil // nobody can meet anyone twice
	}
	rb := &repeatBound{pr: pr, nOpt: lg.nOpt, rpW: float64(pr.w.RepeatPair) * 2 / float64(K)}
	nS := pr.nS
	rb.cell = make([]int32, nS*nS)
	for i := range rb.cell {
		rb.cell[i] = -1
	}
	for s1 := range nS {
		for s2 := s1 + 1; s2 < nS; s2++ {
			if pr.sRound[s1] == pr.sRound[s2] || pr.sTheme[s1] == pr.sTheme[s2] {
				continue
			}
			rb.cell[s1*nS+s2] = int32(len(rb.cellCap))
			rb.cell[s2*nS+s1] = int32(len(rb.cellCap))
			rb.cellCap = append(rb.cellCap, min(pr.sCap[s1], pr.sCap[s2]))
		}
	}
	rb.pi = slices.Clone(lg.pi)
	rb.eta = slices.Clone(lg.eta)
	if lg.useSigma {
		rb.sigma = slices.Clone(lg.sigma)
		rb.countOS = make([]int32, len(rb.sigma))
		rb.nStar = make([]int32, len(rb.sigma))
	}
	rb.tau = make([]float64, len(rb.cellCap))
	rb.count = make([]int32, nS)
	rb.countC = make([]int32, len(rb.cellCap))
	rb.nStarC = make([]int32, len(rb.cellCap))
	rb.useHR = make([]int32, len(rb.eta))
	rb.cands = make([][]cand, pr.nR)
	return rb
}

// eval returns the dual function at the current prices, an upper bound on
// every plan's objective up to the float error it also returns, and
// fills the counts of the subgradient; -Inf when some organisation has no
// room choice at all.
func (rb *repeatBound) eval() (value, errMargin float64) {
	pr := rb.pr
	clear(rb.count)
	clear(rb.countOS)
	clear(rb.countC)
	clear(rb.useHR)
	var total, abs float64
	add := func(v float64) {
		total += v
		abs += math.Abs(v)
	}
	for s := range pr.nS {
		add(rb.pi[s] * float64(pr.sCap[s]))
	}
	for i, e := range rb.eta {
		if pr.hostCan(i/pr.nR, i%pr.nR) {
			add(e)
		}
	}
	for c, t := range rb.tau {
		n := bestCount(t, rb.rpW, rb.cellCap[c])
		rb.nStarC[c] = int32(n)
		add(t*float64(n) - rb.rpW*float64(n*(n-1)/2))
	}
	U := float64(pr.w.Unplaced)
	// Each member's sessions under the choice being evaluated and under
	// the best so far, one list after the other, each ended by -1.
	cur, best := rb.curPicks, rb.bestPicks
	for o := range pr.nO {
		rooms := pr.oDeleg[o] && len(pr.delegRounds) > 0
		bestVal, bestOpt, bestD, bestH := math.Inf(-1), -1, -1, -1
		for k := range rb.nOpt {
			d, h, hv := -1, -1, 0.0
			if rooms {
				d = pr.delegRounds[k]
				if !pr.delegRoundOK(o, d) {
					continue
				}
				h, hv = pr.bestHost(o, d, rb.eta)
				if h < 0 {
					continue
				}
			} else if k > 0 {
				break
			}
			opt := o*rb.nOpt + k
			v := hv + rb.colleagueTerm(o, opt)
			cur = cur[:0]
			for _, p := range pr.oMembers[o] {
				v += rb.participant(p, d, opt) - U*float64(pr.wanted(p, d))
				cur = append(append(cur, rb.best...), -1)
			}
			if v > bestVal {
				bestVal, bestOpt, bestD, bestH = v, opt, d, h
				cur, best = best, cur
			}
		}
		if bestOpt < 0 || math.IsInf(bestVal, -1) {
			return math.Inf(-1), 0
		}
		add(bestVal)
		if bestH >= 0 {
			rb.useHR[bestH*pr.nR+bestD]++
		}
		first := 0 // where the member's list starts
		for i, s := range best {
			if s < 0 {
				first = i + 1
				continue
			}
			rb.count[s]++
			if rb.sigma != nil {
				rb.countOS[bestOpt*pr.nS+s]++
			}
			for _, s2 := range best[first:i] {
				rb.countC[rb.cell[s*pr.nS+s2]]++
			}
		}
	}
	rb.curPicks, rb.bestPicks = cur, best
	return total, 1e-9 * (abs + 1)
}

// colleagueTerm is lagrange.colleagueTerm at these prices.
func (rb *repeatBound) colleagueTerm(o, opt int) float64 {
	if rb.sigma == nil {
		return 0
	}
	pr := rb.pr
	members := len(pr.oMembers[o])
	var v float64
	for s := range pr.nS {
		i := opt*pr.nS + s
		n := pr.colleagues(rb.sigma[i], min(members, pr.sCap[s]))
		rb.nStar[i] = int32(n)
		if n > 0 {
			v += rb.sigma[i]*float64(n) - float64(pr.pairCost(n))
		}
	}
	return v
}

// reduced is what p gains by taking s at the seat and colleague prices.
func (rb *repeatBound) reduced(p, opt, s int) float64 {
	rv := float64(rb.pr.value(p, s)) - rb.pi[s]
	if rb.sigma != nil {
		rv -= rb.sigma[opt*rb.pr.nS+s]
	}
	return rv
}

// participant returns p's best value under room round d (choice opt),
// the unplaced weight of the sessions taken included, and leaves the
// sessions in rb.best; -Inf when a pin cannot be kept.
func (rb *repeatBound) participant(p, d, opt int) float64 {
	pr := rb.pr
	free := pr.free(p, d)
	rb.pick = rb.pick[:0]
	slots := pr.pMax[p]
	var forced float64
	for r := range pr.nR {
		if s := pr.pin(p, r); s >= 0 && free&(1<<r) != 0 {
			forced += rb.reduced(p, opt, s) - rb.pairPrice(s)
			rb.pick = append(rb.pick, s)
			free &^= 1 << r
			slots--
		}
	}
	if slots < 0 {
		return math.Inf(-1)
	}
	rb.order = rb.order[:0]
	for r := range pr.nR {
		if free&(1<<r) == 0 || slots == 0 {
			continue
		}
		c := rb.cands[r][:0]
		for _, s := range pr.roundSess[r] {
			if pr.value(p, s) == forbidden {
				continue
			}
			if rv := rb.reduced(p, opt, s); rv > 0 {
				c = append(c, cand{rv, s})
			}
		}
		slices.SortFunc(c, func(a, b cand) int {
			if a.rv != b.rv {
				if a.rv > b.rv {
					return -1
				}
				return 1
			}
			return a.s - b.s
		})
		rb.cands[r] = c
		if len(c) > 0 {
			rb.order = append(rb.order, r)
		}
	}
	rb.best = append(rb.best[:0], rb.pick...)
	rb.bestV = 0
	rb.search(0, slots, 0)
	return forced + rb.bestV
}

// pairPrice is what taking s costs in cell prices with the sessions
// picked so far.
func (rb *repeatBound) pairPrice(s int) float64 {
	var t float64
	for _, x := range rb.pick {
		if c := rb.cell[s*rb.pr.nS+x]; c >= 0 {
			t += rb.tau[c]
		}
	}
	return t
}

// search tries the sessions of rounds order[i:] on top of rb.pick (value
// v so far, slots sessions left), keeping the best in rb.best.
func (rb *repeatBound) search(i, slots int, v float64) {
	if v > rb.bestV {
		rb.bestV = v
		rb.best = append(rb.best[:0], rb.pick...)
	}
	if i == len(rb.order) || slots == 0 {
		return
	}
	// At most the best session of each round left, the best slots of
	// them, and no cell price: nothing below can beat the best if this
	// does not.
	if v+rb.optimistic(i, slots) <= rb.bestV {
		return
	}
	r := rb.order[i]
	rest := rb.optimistic(i+1, slots-1)
	for _, c := range rb.cands[r] {
		if v+c.rv+rest <= rb.bestV {
			break // the candidates are sorted: none after it can do better
		}
		if rb.themeTaken(rb.pr.sTheme[c.s]) {
			continue
		}
		gain := c.rv - rb.pairPrice(c.s)
		rb.pick = append(rb.pick, c.s)
		rb.search(i+1, slots-1, v+gain)
		rb.pick = rb.pick[:len(rb.pick)-1]
	}
	rb.search(i+1, slots, v) // no session in round r
}

// optimistic is the most the rounds order[i:] can add with slots
// sessions: the sum of the best slots of their best reduced values.
func (rb *repeatBound) optimistic(i, slots int) float64 {
	if slots <= 0 {
		return 0
	}
	var buf [64]float64 // one per round: a bitmask holds 64 rounds
	top := buf[:0]
	for _, r := range rb.order[i:] {
		top = append(top, rb.cands[r][0].rv)
	}
	if slots < len(top) {
		slices.Sort(top)
		top = top[len(top)-slots:]
	}
	var sum float64
	for _, x := range top {
		sum += x
	}
	return sum
}

func (rb *repeatBound) themeTaken(t int) bool {
	for _, s := range rb.pick {
		if rb.pr.sTheme[s] == t {
			return true
		}
	}
	return false
}

// optimise takes subgradient steps from the starting prices, with
// Polyak's step size towards the search's best plan, until the bound
// proves that plan optimal, the steps have shrunk to nothing or ctx
// ends; each bound it reaches is handed to the search (setBound).
func (rb *repeatBound) optimise(ctx context.Context, s *search) {
	pr := rb.pr
	prices := [][]float64{rb.pi, rb.eta, rb.sigma, rb.tau}
	grads := make([][]float64, len(prices))
	for i, x := range prices {
		grads[i] = make([]float64, len(x))
	}
	gPi, gEta, gSigma, gTau := grads[0], grads[1], grads[2], grads[3]
	theta, bestL, stall := 1.0, math.Inf(1), 0
	for ctx.Err() == nil && !s.workDone() && !s.proven(s.bestObj) && theta > 1e-4 {
		L, margin := rb.eval()
		// An evaluation passes over every participant's rounds, and
		// over the cells and colleague prices.
		pr.addWork(int64(pr.nP*pr.nR + len(rb.tau) + len(rb.sigma)))
		if math.IsInf(L, -1) {
			return
		}
		if L < bestL-1e-9 {
			bestL, stall = L, 0
			s.setBound(pr.floorBound(L + margin))
		} else if stall++; stall >= 20 {
			theta, stall = theta/2, 0
		}
		target := float64(s.bestObj)
		if s.best == nil || L <= target {
			return // nothing to step towards, or proven
		}
		// The subgradient: seats taken less capacity, host hours used
		// less one, colleagues and cell members chosen less the best
		// count at their price.
		for x := range pr.nS {
			gPi[x] = float64(rb.count[x] - int32(pr.sCap[x]))
		}
		for i := range gEta {
			gEta[i] = 0
			if pr.hostCan(i/pr.nR, i%pr.nR) {
				gEta[i] = float64(rb.useHR[i] - 1)
			}
		}
		for i := range gSigma {
			gSigma[i] = float64(rb.countOS[i] - rb.nStar[i])
		}
		for c := range gTau {
			gTau[c] = float64(rb.countC[c] - rb.nStarC[c])
		}
		var norm float64
		for _, g := range grads {
			for _, x := range g {
				norm += x * x
			}
		}
		if norm == 0 {
			return // the relaxation's choice is a plan at its bound
		}
		step := theta * (L - target) / norm
		for i, x := range prices {
			for j := range x {
				x[j] = min(max(0, x[j]+step*grads[i][j]), s.lg.priceCap)
			}
		}
	}
}
