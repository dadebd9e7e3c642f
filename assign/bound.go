package assign

import (
	"math"
	"slices"
	"sync"

	"github.com/roundtable-go/roundtable/solver"
)

// lagrange holds the multipliers of the Lagrangian relaxation that proves
// the bound (see the package documentation) and evaluates its dual
// function.
type lagrange struct {
	pr       *problem
	priceCap float64   // no price is taken beyond it (see priceCap)
	pi       []float64 // per session: price of a seat, >= 0
	eta      []float64 // per host*nR + round: price of a host's hour, >= 0
	useSigma bool
	// sigma prices a colleague in a session. It is kept per organisation,
	// per choice of its delegation round and per session, at index
	// optIndex(o, k)*nS + s: with the round fixed inside the organisation's
	// own problem, its members cannot spread over both rounds "half a
	// person at a time", which makes this bound stronger than the LP's.
	sigma []float64
	nOpt  int // choices of delegation round per organisation (at least 1)

	// Filled by eval.
	count    []int32 // per session: participants who took it
	countOS  []int32 // like sigma: colleagues who took it under that choice
	nStar    []int32 // like sigma: best colleague count at the price
	chosen   []bool  // like sigma/nS: the choice the organisation made
	useHR    []int32 // per host*nR + round
	orgRound []int   // per organisation: its best delegation round, -1
	orgHost  []int
	orgValue []float64 // like chosen: the organisation's value of each choice
	// orgHostValue is the host part of that value: affinity less price.
	orgHostValue []float64
	// allowed[o] is the set of o's delegation rounds (bit k: its k-th)
	// the relaxation may choose; nil allows every round.
	allowed []uint64
	asg     []int // like state.asg: the participants' own choices

	// live[opt] lists the sessions whose colleague price under the
	// organisation's choice opt may be other than 0: those a member has
	// taken in some evaluation, with the other parallel sessions of their
	// theme (a pooled step moves them together), in the order they came
	// to life (the same for any number of workers: each organisation is
	// evaluated by one). Every other colleague price is 0 with a
	// subgradient of 0 (nobody takes it, and the best count at price 0 is
	// 0), so the colleague parts of eval and step visit only these (see
	// visit): 70 % of the pairs on regional after 1 s, 59 % on national
	// after 30 s. isLive is the same set by index, like sigma.
	live    [][]int32
	isLive  []bool
	allSess []int32 // 0, 1, ..., nS-1: see visit
	// group[s] indexes the parallel sessions of s's theme in its round in
	// groups (their sessions) and groupKey (their r*nT + t); groupMin is
	// the lowest session of each.
	group    []int32
	groups   [][]int
	groupKey []int
	groupMin []int
	// baseCheapest[r*nT + t] is the session of theme t in round r with the
	// lowest price before colleague prices (-1: all shut), and
	// baseCheapestPrice its price; filled by eval.
	baseCheapest      []int32
	baseCheapestPrice []float64

	// Decisions of the branch and bound. sessRule[s] is ruleFree, ruleShut
	// (nobody may take s) or ruleHeld (s holds at least its minimum, which
	// mu[s] >= 0 prices); fix[p*nR+r] is the theme p must take in round r;
	// ban[(p*nR+r)*nT+t] forbids theme t to p in round r.
	sessRule []int8
	mu       []float64
	fix      map[int]int
	ban      map[int]bool

	dir, grad  []float64 // the step's direction and subgradient
	deflect    float64   // deflection factor gamma of step
	sigmaScale float64   // how much faster colleague prices move than seat prices

	workers []*worker

	// pool, while set, moves the prices of a round's parallel sessions of
	// one theme as one: the step follows the gradient of the dual
	// function restricted to equal seat (and, per organisation choice,
	// colleague) prices across them. Every price is still a price, so
	// every value is still a bound. Parallel sessions are alike for every
	// participant, so the relaxation sends all their takers to whichever
	// is cheapest, and prices moved one by one chase each other between
	// them; pooled, they converge many times faster at first. The
	// restriction may keep the best prices out of reach, so optimise ends
	// it (unpool) once the steps have shrunk. Only events of more than
	// largeEvent people start pooled: on small ones steps are cheap, and
	// the pooled relaxation's choices, alike over parallel sessions, made
	// worse plans (TestSolveMatchesCBC: 36 of 40 at CBC's optimum, not 38).
	pool           bool
	poolW          []float64 // per session: its weight in the pooled metric
	fullSigmaScale float64   // sigmaScale once unpooled
}

// Rules of a session in the branch and bound.
const (
	ruleFree int8 = iota
	ruleShut
	ruleHeld
)

type cand struct {
	rv float64
	s  int
}

// maxSigma is the most colleague prices the relaxation keeps: 32 million,
// a quarter of a gigabyte per array of them.
const maxSigma = 32 << 20

func newLagrange(pr *problem) *lagrange {
	lg := &lagrange{pr: pr}
	lg.pi = make([]float64, pr.nS)
	lg.nOpt = max(1, len(pr.delegRounds))
	// Colleague prices take a few arrays of organisations x sessions;
	// beyond maxSigma of them the colleague links are dropped instead of
	// priced (the bound stays valid, only looser).
	lg.useSigma = (pr.w.SamePair > 0 || pr.maxPerOrg > 0) && pr.nO*lg.nOpt*pr.nS <= maxSigma
	if lg.useSigma {
		n := pr.nO * lg.nOpt * pr.nS
		lg.sigma = make([]float64, n)
		lg.countOS = make([]int32, n)
		lg.nStar = make([]int32, n)
		lg.isLive = make([]bool, n)
		lg.live = make([][]int32, pr.nO*lg.nOpt)
		lg.allSess = make([]int32, pr.nS)
		for s := range lg.allSess {
			lg.allSess[s] = int32(s)
		}
	}
	lg.chosen = make([]bool, pr.nO*lg.nOpt)
	lg.orgValue = make([]float64, pr.nO*lg.nOpt)
	lg.orgHostValue = make([]float64, pr.nO*lg.nOpt)
	lg.asg = make([]int, pr.nP*pr.nR)
	lg.eta = make([]float64, pr.nH*pr.nR)
	lg.useHR = make([]int32, pr.nH*pr.nR)
	lg.count = make([]int32, pr.nS)
	lg.orgRound = make([]int, pr.nO)
	lg.orgHost = make([]int, pr.nO)
	lg.priceCap = priceCap(pr)
	lg.deflect = 1.5
	// Measured on the families: on flanders (3,000 people) colleague
	// prices moving 16 times as far lowered the bound reached in 6 s by
	// 0.24 %; on the knowledge day it made no difference.
	lg.sigmaScale, lg.fullSigmaScale = 1, 1
	if pr.nP > largeEvent {
		lg.fullSigmaScale = 16
	}
	lg.pool = pr.nP > largeEvent
	lg.poolW = make([]float64, pr.nS)
	lg.sessRule = make([]int8, pr.nS)
	lg.mu = make([]float64, pr.nS)
	lg.fix = map[int]int{}
	lg.ban = map[int]bool{}
	lg.group = make([]int32, pr.nS)
	for r, rt := range pr.roundThemes {
		for _, ts := range rt {
			for _, s := range ts.sessions {
				lg.group[s] = int32(len(lg.groups))
			}
			lg.groups = append(lg.groups, ts.sessions)
			lg.groupKey = append(lg.groupKey, r*pr.nT+ts.theme)
			lg.groupMin = append(lg.groupMin, slices.Min(ts.sessions))
		}
	}
	lg.baseCheapest = make([]int32, pr.nR*pr.nT)
	lg.baseCheapestPrice = make([]float64, pr.nR*pr.nT)
	return lg
}

// worker holds what one goroutine of eval needs of its own: scratch
// space and the counts and sums of its organisations, added up in worker
// order afterwards so that the result depends on the number of workers
// only, not on scheduling.
type worker struct {
	cand       [][]cand // per round, best sessions of distinct themes
	pick, best []int    // one participant's chosen sessions
	// curPicks and bestPicks: see evalOrg.
	curPicks, bestPicks []int
	cur, taken          []int // search's current choice and its themes
	rounds              []int
	// cheapest[k*nR*nT + r*nT + t] is the session of theme t in round r
	// with the lowest price for the current organisation's k-th choice of
	// its room's round, and cheapestPrice its price; filled by prices.
	cheapest      []int32
	cheapestPrice []float64
	count         []int32 // per session
	useHR         []int32 // per host*nR + round
	total, abs    float64
	infeasible    bool
}

func (lg *lagrange) setWorkers(n int) {
	pr := lg.pr
	n = max(1, min(n, pr.nO))
	lg.workers = make([]*worker, n)
	for i := range lg.workers {
		lg.workers[i] = &worker{
			cand:          make([][]cand, pr.nR),
			cheapest:      make([]int32, lg.nOpt*pr.nR*pr.nT),
			cheapestPrice: make([]float64, lg.nOpt*pr.nR*pr.nT),
			count:         make([]int32, pr.nS),
			useHR:         make([]int32, pr.nH*pr.nR),
		}
	}
}

// eval returns the dual function at the current multipliers, an upper
// bound on every plan's objective (up to the float error it also returns),
// and fills the counts the subgradient is made of. The organisations are
// shared among the workers in contiguous blocks.
func (lg *lagrange) eval() (value, errMargin float64) {
	pr := lg.pr
	if lg.workers == nil {
		lg.setWorkers(1)
	}
	if lg.useSigma {
		for opt := range lg.live {
			for _, s := range lg.visit(opt) {
				lg.countOS[opt*pr.nS+int(s)] = 0
			}
		}
	}
	clear(lg.chosen)
	lg.basePrices()
	var total, abs float64
	add := func(x float64) { total += x; abs += math.Abs(x) }
	for s := range pr.nS {
		add(float64(pr.sCap[s]) * lg.pi[s])
		if lg.sessRule[s] == ruleHeld {
			add(-float64(pr.sMin[s]) * lg.mu[s])
		}
	}
	for _, e := range lg.eta {
		add(e)
	}
	n := len(lg.workers)
	run := func(i int) {
		w := lg.workers[i]
		clear(w.count)
		clear(w.useHR)
		w.total, w.abs, w.infeasible = 0, 0, false
		for o := pr.nO * i / n; o < pr.nO*(i+1)/n && !w.infeasible; o++ {
			lg.evalOrg(o, w)
		}
	}
	if n == 1 {
		run(0)
	} else {
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { run(i) })
		}
		wg.Wait()
	}
	clear(lg.count)
	clear(lg.useHR)
	for _, w := range lg.workers {
		if w.infeasible {
			// No choice works under the branch's decisions (the event
			// itself was checked before solving): nothing to bound.
			return math.Inf(-1), 0
		}
		total += w.total
		abs += w.abs
		for s, c := range w.count {
			lg.count[s] += c
		}
		for i, c := range w.useHR {
			lg.useHR[i] += c
		}
	}
	return total, 1e-9*abs + 1e-6
}

// evalOrg adds organisation o's own problem to w: the best choice of its
// room's round (and host), with each member's best sessions under it.
func (lg *lagrange) evalOrg(o int, w *worker) {
	pr := lg.pr
	U := float64(pr.w.Unplaced)
	lg.orgRound[o], lg.orgHost[o] = -1, -1
	rooms := pr.oDeleg[o] && len(pr.delegRounds) > 0
	bestVal, bestK, bestH := math.Inf(-1), -1, -1
	// Each member's sessions under the choice being evaluated (nR slots
	// apiece, -1 where none) and under the best so far, so that each
	// member's problem is solved once per choice.
	members := pr.oMembers[o]
	need := len(members) * pr.nR
	if cap(w.curPicks) < need {
		w.curPicks = make([]int, need)
	}
	if cap(w.bestPicks) < need {
		w.bestPicks = make([]int, need)
	}
	w.curPicks, w.bestPicks = w.curPicks[:need], w.bestPicks[:need]
	for k := range lg.nOpt {
		lg.orgValue[o*lg.nOpt+k] = math.Inf(-1)
		d, h, hv := -1, -1, 0.0
		if rooms {
			d = pr.delegRounds[k]
			if !pr.delegRoundOK(o, d) || (lg.allowed != nil && lg.allowed[o]&(1<<k) == 0) {
				continue
			}
			h, hv = lg.bestHost(o, d)
			if h < 0 {
				continue
			}
		} else if k > 0 {
			break
		}
		opt := o*lg.nOpt + k
		lg.prices(w, opt)
		v := hv + lg.colleagueTerm(o, opt)
		for i, p := range members {
			v += lg.participant(w, p, d, opt) - U*float64(pr.wanted(p, d))
			row := w.curPicks[i*pr.nR : (i+1)*pr.nR]
			for j := range row {
				row[j] = -1
			}
			copy(row, w.pick)
		}
		lg.orgValue[opt], lg.orgHostValue[opt] = v-hv, hv
		if v > bestVal {
			bestVal, bestK, bestH = v, k, h
			w.curPicks, w.bestPicks = w.bestPicks, w.curPicks
		}
	}
	if bestK < 0 || math.IsInf(bestVal, -1) {
		w.infeasible = true
		return
	}
	w.total += bestVal
	w.abs += math.Abs(bestVal)
	lg.chosen[o*lg.nOpt+bestK] = true
	d := -1
	if rooms {
		d = pr.delegRounds[bestK]
		lg.orgRound[o], lg.orgHost[o] = d, bestH
		w.useHR[bestH*pr.nR+d]++
	}
	for i, p := range members {
		for r := range pr.nR {
			lg.asg[p*pr.nR+r] = -1
		}
		for _, s := range w.bestPicks[i*pr.nR : (i+1)*pr.nR] {
			if s >= 0 {
				w.count[s]++
				lg.asg[p*pr.nR+pr.sRound[s]] = s
			}
		}
	}
}

// basePrices finds the cheapest open session of each theme in each round
// before colleague prices: a participant's value depends on the theme
// only, so among parallel sessions only the cheapest matters.
func (lg *lagrange) basePrices() {
	for i := range lg.baseCheapest {
		lg.baseCheapest[i], lg.baseCheapestPrice[i] = -1, math.Inf(1)
	}
	for g, ss := range lg.groups {
		k := lg.groupKey[g]
		lg.baseCheapest[k], lg.baseCheapestPrice[k] = lg.cheapestOf(ss, nil)
	}
}

// cheapestOf returns the open session of ss with the lowest price, seat
// less minimum price plus, unless sigma is nil, its colleague price in
// sigma (indexed by session), and that price; -1 when all are shut.
func (lg *lagrange) cheapestOf(ss []int, sigma []float64) (int32, float64) {
	best, bp := -1, math.Inf(1)
	for _, s := range ss {
		if lg.sessRule[s] == ruleShut {
			continue
		}
		price := lg.pi[s] - lg.mu[s]
		if sigma != nil {
			price += sigma[s]
		}
		if price < bp {
			best, bp = s, price
		}
	}
	return int32(best), bp
}

// prices fills w's cheapest sessions for the organisation's choice opt:
// those of basePrices, but where its colleague prices are live, with them
// added.
func (lg *lagrange) prices(w *worker, opt int) {
	pr := lg.pr
	size := pr.nR * pr.nT
	base := (opt % lg.nOpt) * size
	copy(w.cheapest[base:base+size], lg.baseCheapest)
	copy(w.cheapestPrice[base:base+size], lg.baseCheapestPrice)
	if !lg.useSigma {
		return
	}
	sigma := lg.sigma[opt*pr.nS : (opt+1)*pr.nS]
	for _, s := range lg.live[opt] {
		g := lg.group[s]
		if int(s) != lg.groupMin[g] {
			continue // the group is done with its lowest session
		}
		i := base + lg.groupKey[g]
		w.cheapest[i], w.cheapestPrice[i] = lg.cheapestOf(lg.groups[g], sigma)
	}
}

// visit returns the sessions whose colleague prices under choice opt
// eval and step go through: the live ones, or, when at least a quarter
// of all are, every session, in order (memory read in sequence is
// faster than the live ones in the order they came to life, and the
// others add nothing: their prices, counts and subgradients are 0).
func (lg *lagrange) visit(opt int) []int32 {
	if ss := lg.live[opt]; 4*len(ss) < len(lg.allSess) {
		return ss
	}
	return lg.allSess
}

// activate makes the colleague price of session s under choice opt live,
// with those of its parallel sessions.
func (lg *lagrange) activate(opt, s int) {
	nS := lg.pr.nS
	for _, x := range lg.groups[lg.group[s]] {
		if i := opt*nS + x; !lg.isLive[i] {
			lg.isLive[i] = true
			lg.live[opt] = append(lg.live[opt], int32(x))
		}
	}
}

// colleagueTerm is the organisation's gain from colleague prices under
// choice opt: the sum over sessions of max over n of
// sigma*n - samePair*n(n-1)/2.
func (lg *lagrange) colleagueTerm(o, opt int) float64 {
	if !lg.useSigma {
		return 0
	}
	pr := lg.pr
	members := len(pr.oMembers[o])
	var v float64
	for _, s := range lg.visit(opt) {
		i := opt*pr.nS + int(s)
		n := pr.colleagues(lg.sigma[i], min(members, pr.sCap[s]))
		lg.nStar[i] = int32(n)
		if n > 0 {
			v += lg.sigma[i]*float64(n) - float64(pr.pairCost(n))
		}
	}
	return v
}

// initPrices starts the seat prices from a plan: a seat costs its dual
// value in the plan's last flow of its round. (Colleague prices taken from
// the plan's colleague counts made the bound worse on the families, so
// they start at 0.)
func (lg *lagrange) initPrices() {
	pr := lg.pr
	if pr.seatPrice != nil {
		for s := range lg.pi {
			lg.pi[s] = max(0, -pr.seatPrice[s])
		}
	}
	if lg.pool {
		for _, rt := range pr.roundThemes {
			for _, ts := range rt {
				var sum float64
				for _, s := range ts.sessions {
					sum += lg.pi[s]
				}
				for _, s := range ts.sessions {
					lg.pi[s] = sum / float64(len(ts.sessions))
				}
			}
		}
	}
}

// unpool ends the pooled start: from now on every price moves on its own.
func (lg *lagrange) unpool() {
	lg.pool = false
	lg.sigmaScale = lg.fullSigmaScale
}

// poolGradient replaces the seat and colleague parts of the subgradient g
// by their sums over each round's open parallel sessions of a theme, and
// sets poolW so that the step's metric counts each such group once.
func (lg *lagrange) poolGradient(g []float64) {
	pr := lg.pr
	nS, base := pr.nS, pr.nS+len(lg.eta)
	sum := func(row []float64, ts themeSessions) {
		var v float64
		for _, s := range ts.sessions {
			if lg.sessRule[s] != ruleShut {
				v += row[s]
			}
		}
		for _, s := range ts.sessions {
			if lg.sessRule[s] != ruleShut {
				row[s] = v
			}
		}
	}
	for _, rt := range pr.roundThemes {
		for _, ts := range rt {
			n := 0
			for _, s := range ts.sessions {
				if lg.sessRule[s] != ruleShut {
					n++
				}
			}
			for _, s := range ts.sessions {
				lg.poolW[s] = 1
				if lg.sessRule[s] != ruleShut {
					lg.poolW[s] = 1 / float64(n)
				}
			}
			sum(g[:nS], ts)
		}
	}
	for opt := range lg.live {
		if !lg.chosen[opt] {
			continue
		}
		for _, s := range lg.visit(opt) {
			if gr := lg.group[s]; int(s) == lg.groupMin[gr] {
				sum(g[base+opt*nS:base+(opt+1)*nS], themeSessions{sessions: lg.groups[gr]})
			}
		}
	}
}

// save copies the prices into buf (reallocated when too small).
func (lg *lagrange) save(buf []float64) []float64 {
	buf = append(buf[:0], lg.pi...)
	buf = append(buf, lg.eta...)
	buf = append(buf, lg.mu...)
	return append(buf, lg.sigma...)
}

// restore sets the prices saved by save.
func (lg *lagrange) restore(buf []float64) {
	n := copy(lg.pi, buf)
	n += copy(lg.eta, buf[n:])
	n += copy(lg.mu, buf[n:])
	copy(lg.sigma, buf[n:])
}

// bestHost returns the host that earns most for o's room in round d at
// the current host prices, and what it earns.
func (lg *lagrange) bestHost(o, d int) (int, float64) { return lg.pr.bestHost(o, d, lg.eta) }

// bestHost returns the host that earns most for o's room in round d at
// the host prices eta (by host*nR + round), and what it earns; -1 when no
// host can come.
func (pr *problem) bestHost(o, d int, eta []float64) (int, float64) {
	best, bv := -1, math.Inf(-1)
	for h := range pr.nH {
		if !pr.hostCan(h, d) {
			continue
		}
		v := float64(pr.affinity(h, o)) - eta[h*pr.nR+d]
		if v > bv {
			best, bv = h, v
		}
	}
	return best, bv
}

// colleagues returns the number n in [0, limit] that maximises
// sigma*n - samePair*n(n-1)/2, under maxPerOrganisation.
func (pr *problem) colleagues(sigma float64, limit int) int {
	if pr.maxPerOrg > 0 {
		limit = min(limit, pr.maxPerOrg)
	}
	return bestCount(sigma, float64(pr.w.SamePair), limit)
}

// bestCount returns the n in [0, limit] that maximises
// price*n - weight*n(n-1)/2: how many of the people priced together
// (colleagues in a session, the members of a cell of repeatBound) the
// relaxation's own term takes at that price.
func bestCount(price, weight float64, limit int) int {
	if price <= 0 {
		return 0
	}
	if weight <= 0 {
		return limit
	}
	// The n-th one earns price - weight*(n-1) > 0.
	return min(int(math.Ceil(price/weight)), limit)
}

// participant solves p's own problem at the current prices with the
// delegation room in round d: at most one session a round, no theme twice,
// at most p.sessions, pins kept, maximising the sum of reduced values
// value - pi - sigma. The chosen sessions are left in w.pick and counted
// per (organisation choice, session).
func (lg *lagrange) participant(w *worker, p, d, opt int) float64 {
	pr := lg.pr
	free := pr.free(p, d)
	w.pick = w.pick[:0]
	w.taken = w.taken[:0] // themes of pins and fixes
	var forced float64
	slots := pr.pMax[p]
	for r := range pr.nR {
		s := pr.pin(p, r)
		if len(lg.fix) > 0 && s < 0 {
			if t, ok := lg.fix[p*pr.nR+r]; ok {
				if free&(1<<r) == 0 {
					return math.Inf(-1) // fixed into a round this choice takes
				}
				if s = int(w.cheapest[((opt%lg.nOpt)*pr.nR+r)*pr.nT+t]); s < 0 {
					return math.Inf(-1) // every session of the theme is shut
				}
			}
		}
		if s >= 0 && free&(1<<r) != 0 {
			forced += lg.reduced(p, opt, s)
			w.taken = append(w.taken, pr.sTheme[s])
			w.pick = append(w.pick, s)
			free &^= 1 << r
			slots--
		}
	}
	if slots < 0 {
		return math.Inf(-1)
	}
	w.rounds = w.rounds[:0]
	if slots > 0 {
		for r := range pr.nR {
			if free&(1<<r) != 0 && lg.topThemes(w, p, opt, r, min(slots, pr.nR)) > 0 {
				w.rounds = append(w.rounds, r)
			}
		}
	}
	npin := len(w.pick)
	val := forced + lg.search(w, slots)
	w.pick = append(w.pick[:npin], w.best...)
	if lg.useSigma {
		for _, s := range w.pick {
			i := opt*pr.nS + s
			if !lg.isLive[i] {
				lg.activate(opt, s)
			}
			lg.countOS[i]++
		}
	}
	return val
}

func (lg *lagrange) reduced(p, opt, s int) float64 {
	rv := float64(lg.pr.value(p, s)) - lg.pi[s] + lg.mu[s]
	if lg.useSigma {
		rv -= lg.sigma[opt*lg.pr.nS+s]
	}
	return rv
}

// topThemes keeps in w.cand[r] the k best sessions of round r for p with
// positive reduced value and distinct themes not in w.taken, best first,
// and returns how many. An optimal choice over rounds never needs more
// than k of them in a round: at most k-1 other picks can block themes.
func (lg *lagrange) topThemes(w *worker, p, opt, r, k int) int {
	pr := lg.pr
	c := w.cand[r][:0]
	base := ((opt%lg.nOpt)*pr.nR + r) * pr.nT
	U := float64(pr.w.Unplaced)
	for _, ts := range pr.roundThemes[r] {
		t := ts.theme
		v := pr.pValue[p][t]
		if v == forbidden || w.cheapest[base+t] < 0 || (len(lg.ban) > 0 && lg.ban[(p*pr.nR+r)*pr.nT+t]) {
			continue
		}
		rv := float64(v) + U - w.cheapestPrice[base+t]
		if rv <= 0 || (len(c) == k && rv <= c[k-1].rv) || containsInt(w.taken, t) {
			continue
		}
		i := len(c)
		if len(c) < k {
			c = append(c, cand{})
		} else {
			i = k - 1
		}
		for i > 0 && c[i-1].rv < rv {
			c[i] = c[i-1]
			i--
		}
		c[i] = cand{rv, int(w.cheapest[base+t])}
	}
	w.cand[r] = c
	return len(c)
}

// search finds the best choice of at most one candidate per round of
// w.rounds, themes distinct, at most slots picks; w.best receives the
// sessions.
func (lg *lagrange) search(w *worker, slots int) float64 {
	w.best = w.best[:0]
	rounds := w.rounds
	if len(rounds) == 0 || slots <= 0 {
		return 0
	}
	// Fast path: the best of each round, all themes distinct, few enough.
	if len(rounds) <= slots {
		ok := true
		var v float64
		for i, r := range rounds {
			t := lg.pr.sTheme[w.cand[r][0].s]
			for _, q := range rounds[:i] {
				if lg.pr.sTheme[w.cand[q][0].s] == t {
					ok = false
				}
			}
			v += w.cand[r][0].rv
		}
		if ok {
			for _, r := range rounds {
				w.best = append(w.best, w.cand[r][0].s)
			}
			return v
		}
	}
	w.cur = w.cur[:0]
	bestV := -1.0
	lg.dfs(w, 0, slots, 0, &bestV)
	return bestV
}

// dfs tries, for round w.rounds[i] on, each candidate whose theme is free,
// or none, pruning with the sum of the best of each remaining round.
func (lg *lagrange) dfs(w *worker, i, left int, v float64, bestV *float64) {
	rounds := w.rounds
	if i == len(rounds) || left == 0 {
		if v > *bestV {
			*bestV = v
			w.best = append(w.best[:0], w.cur...)
		}
		return
	}
	ub := v
	for _, r := range rounds[i:] {
		ub += w.cand[r][0].rv
	}
	if ub <= *bestV {
		return
	}
	for _, c := range w.cand[rounds[i]] {
		t := lg.pr.sTheme[c.s]
		if containsInt(w.taken, t) {
			continue
		}
		w.cur = append(w.cur, c.s)
		w.taken = append(w.taken, t)
		lg.dfs(w, i+1, left-1, v+c.rv, bestV)
		w.cur, w.taken = w.cur[:len(w.cur)-1], w.taken[:len(w.taken)-1]
	}
	lg.dfs(w, i+1, left, v, bestV)
}

// step moves the multipliers against a deflected subgradient
// (Camerini, Fratta and Maffioli 1975: d = g + beta*d_prev, with beta
// chosen so that d does not zig-zag against the previous direction) with
// Polyak's step size theta*(value-target)/|d|^2, projecting the seat and
// host prices on >= 0. It reports whether it moved.
func (lg *lagrange) step(value, target, theta float64) bool {
	pr := lg.pr
	nS, nE := pr.nS, len(lg.eta)
	nM := nS // minimum prices, after sigma
	sBase := nS + nE
	mBase := sBase + len(lg.sigma)
	n := mBase + nM
	if len(lg.dir) != n {
		lg.dir = make([]float64, n)
		lg.grad = make([]float64, n)
	}
	g := lg.grad
	for s := range nS {
		g[s] = float64(pr.sCap[s] - int(lg.count[s]))
	}
	for i := range nE {
		g[nS+i] = 1 - float64(lg.useHR[i])
	}
	for opt := range lg.live {
		for _, s := range lg.visit(opt) {
			i := opt*nS + int(s)
			g[sBase+i] = float64(lg.nStar[i] - lg.countOS[i])
		}
	}
	for s := range nM {
		g[mBase+s] = 0
		if lg.sessRule[s] == ruleHeld {
			g[mBase+s] = float64(int(lg.count[s]) - pr.sMin[s])
		}
	}
	if lg.pool {
		lg.poolGradient(g)
	}
	// A coordinate counts in the metric (its weight: 1, or its share of a
	// pool) unless it is a price at 0 that the gradient pushes below 0, or
	// a colleague price of a choice its organisation did not make. Most
	// colleague prices stay at 0 with a gradient of 0: their terms are 0,
	// and they are skipped, the sums left exactly as they would be.
	seatW := func(s int) float64 {
		if lg.pool {
			return lg.poolW[s]
		}
		return 1
	}
	var dot, dd float64
	for s := range nS {
		if lg.pi[s] > 0 || g[s] < 0 {
			w, d := seatW(s), lg.dir[s]
			dot += w * g[s] * d
			dd += w * d * d
		}
	}
	hd, hdd := boxDots(lg.eta, g[nS:sBase], lg.dir[nS:sBase])
	dot, dd = dot+hd, dd+hdd
	for opt := range lg.live {
		if !lg.chosen[opt] {
			continue
		}
		base := sBase + opt*nS
		for _, s := range lg.visit(opt) {
			if d := lg.dir[base+int(s)]; d != 0 {
				w := seatW(int(s))
				dot += w * g[base+int(s)] * d
				dd += w * d * d
			}
		}
	}
	md, mdd := boxDots(lg.mu, g[mBase:n], lg.dir[mBase:n])
	dot, dd = dot+md, dd+mdd
	beta := 0.0
	if dot < 0 && dd > 0 {
		beta = -lg.deflect * dot / dd
	}
	// The colleague prices move sigmaScale times as far: a Polyak step in
	// the metric that weighs them so (a diagonal preconditioner).
	dir := lg.dir
	var norm float64
	var reach float64 // the largest |dir| of a price the step moves
	for s := range nS {
		dir[s] = g[s] + beta*dir[s]
		if lg.pi[s] > 0 || g[s] < 0 {
			norm += seatW(s) * dir[s] * dir[s]
		}
	}
	norm += boxDeflect(lg.eta, g[nS:sBase], dir[nS:sBase], beta)
	for opt := range lg.live {
		base := sBase + opt*nS
		chosen := lg.chosen[opt]
		for _, s := range lg.visit(opt) {
			i := base + int(s)
			if g[i] == 0 && dir[i] == 0 {
				continue
			}
			dir[i] = g[i] + beta*dir[i]
			reach = max(reach, math.Abs(dir[i]))
			if chosen {
				norm += lg.sigmaScale * seatW(int(s)) * dir[i] * dir[i]
			}
		}
	}
	norm += boxDeflect(lg.mu, g[mBase:n], dir[mBase:n], beta)
	reach = max(reach, maxAbs(dir[:sBase]), maxAbs(dir[mBase:n]))
	if norm == 0 {
		return false
	}
	t := theta * math.Max(value-target, 1e-3) / norm
	if !(t*reach <= maxPriceStep) {
		// A direction whose counted part is all but 0 (the deflection
		// cancelling the subgradient to rounding error) asks for a step
		// so long that prices would overflow to infinity or NaN; a NaN
		// price makes its sessions look shut, and the branch and bound
		// would take a node for infeasible. No step.
		return false
	}
	c := lg.priceCap
	for s := range nS {
		lg.pi[s] = min(c, math.Max(0, lg.pi[s]-t*dir[s]))
	}
	for i := range nE {
		lg.eta[i] = min(c, math.Max(0, lg.eta[i]-t*dir[nS+i]))
	}
	ts := t * lg.sigmaScale
	for opt := range lg.live {
		for _, s := range lg.visit(opt) {
			i := opt*nS + int(s)
			if d := dir[sBase+i]; d != 0 {
				lg.sigma[i] = min(c, max(-c, lg.sigma[i]-ts*d))
			}
		}
	}
	for s := range nM {
		lg.mu[s] = min(c, math.Max(0, lg.mu[s]-t*dir[mBase+s]))
	}
	return true
}

// priceCap bounds every price of the relaxation: 1,024 times what one
// person or one colleague more can change the objective by (a seat's
// worth, unplaced included; a colleague's pairs; a room's affinity). The
// best prices lie far below it, and any prices give a bound, so the cap
// loses nothing; without it the steps could take prices to 1e20, where
// the evaluation's sums lose every digit that matters: the fair mode's
// bound stage (whose step target, the fair plan, lies far below the
// bound) went down to a bound 44 on an event whose optimum is 78.
func priceCap(pr *problem) float64 {
	top := pr.w.Unranked // the best rank weight, competence added below
	for _, r := range pr.w.Rank {
		top = max(top, r)
	}
	most := 0
	for _, m := range pr.oMembers {
		most = max(most, len(m))
	}
	one := float64(pr.w.Unplaced) + float64(top) + float64(pr.w.Competence) + float64(pr.w.Affinity) +
		float64(pr.w.SamePair)*float64(most) + float64(pr.w.RepeatPair)*float64(pr.nP)
	return 1024 * max(1, one)
}

// maxPriceStep bounds how far one subgradient step may move a price: far
// beyond any real price (the fair mode's weights stay below 2^53), far
// below where sums of prices overflow.
const maxPriceStep = 1e30

// maxAbs returns the largest absolute value in x (0 when empty).
func maxAbs(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	return m
}

// boxDots returns the terms of step's dot and dd of a block of prices
// kept at or above 0, each of weight 1: g and d are the block's
// subgradient and direction. A price at 0 that g pushes below 0 does
// not count.
func boxDots(price, g, d []float64) (dot, dd float64) {
	for i, p := range price {
		if p > 0 || g[i] < 0 {
			dot += g[i] * d[i]
			dd += d[i] * d[i]
		}
	}
	return dot, dd
}

// boxDeflect sets the block's direction d to g + beta*d and returns its
// term of step's norm, counted as in boxDots.
func boxDeflect(price, g, d []float64, beta float64) (norm float64) {
	for i, p := range price {
		d[i] = g[i] + beta*d[i]
		if p > 0 || g[i] < 0 {
			norm += d[i] * d[i]
		}
	}
	return norm
}

// bundleCuts is the number of cuts the bundle method of the pooled
// prices keeps, and bundleMemory the most numbers its cuts may take.
const (
	bundleCuts   = 20
	bundleMemory = 16 << 20
)

// pooledSpace is the space the bundle method moves prices in (see
// search.optimise): one coordinate per group of sessions for their seat
// prices, and per group and organisation choice for their colleague
// prices; one per host hour and per minimum price. Pooled, a group is a
// round's parallel sessions of a theme; in the full space
// (search.polishBound) every session is a group of its own. Its point and
// subgradient are read from and written to the relaxation directly,
// without price vectors of the full length.
type pooledSpace struct {
	lg     *lagrange
	grp    []int32 // per session: its group
	nG, n  int     // groups, coordinates
	sigma0 int     // the first colleague coordinate
	boxed  []int
	scale  []float64
	y, g   []float64
}

// pooledDim returns the dimension of the pooled space, or 0 when pooled
// prices cannot be described by it (a shut session: they are pooled
// only at the root, where none is).
func (lg *lagrange) pooledDim() int {
	if !lg.pool || slices.Contains(lg.sessRule, ruleShut) {
		return 0
	}
	n := len(lg.groups) + len(lg.eta) + lg.pr.nS
	if lg.useSigma {
		n += len(lg.live) * len(lg.groups)
	}
	return n
}

func (lg *lagrange) newPooledSpace() *pooledSpace {
	nG, nE, nS := len(lg.groups), len(lg.eta), lg.pr.nS
	ps := &pooledSpace{lg: lg, grp: lg.group, nG: nG, n: lg.pooledDim(), sigma0: nG + nE + nS}
	return ps.alloc()
}

// newFullSpace returns the space of every price on its own, whether or
// not the prices are pooled.
func (lg *lagrange) newFullSpace() *pooledSpace {
	nE, nS := len(lg.eta), lg.pr.nS
	grp := make([]int32, nS)
	for s := range grp {
		grp[s] = int32(s)
	}
	ps := &pooledSpace{lg: lg, grp: grp, nG: nS, sigma0: nS + nE + nS}
	ps.n = ps.sigma0
	if lg.useSigma {
		ps.n += len(lg.live) * nS
	}
	return ps.alloc()
}

func (ps *pooledSpace) alloc() *pooledSpace {
	lg := ps.lg
	ps.boxed = make([]int, ps.sigma0)
	ps.scale = make([]float64, ps.n)
	for i := range ps.n {
		ps.scale[i] = lg.sigmaScale
		if i < ps.sigma0 {
			ps.boxed[i], ps.scale[i] = i, 1
		}
	}
	ps.y, ps.g = make([]float64, ps.n), make([]float64, ps.n)
	return ps
}

func (ps *pooledSpace) newBundle() *solver.Bundle {
	b := solver.NewBundle(ps.n, ps.boxed, ps.scale)
	b.MaxCuts = bundleCuts
	return b
}

// read fills ps.g with the subgradient of the dual function in the
// pooled space (the sum of the subgradients of a coordinate's prices), as
// left by the last eval, and, if point, ps.y with the current prices (the
// bundle's own point after a write: reading it again cost a fifth of
// each evaluation on national). It returns the squared norm of ps.g in
// the bundle's metric.
func (ps *pooledSpace) read(point bool) float64 {
	lg, pr := ps.lg, ps.lg.pr
	nG, nE, nS := ps.nG, len(lg.eta), pr.nS
	clear(ps.g)
	if point {
		clear(ps.y)
	}
	for s := range nS {
		gr := int(ps.grp[s])
		ps.g[gr] += float64(pr.sCap[s] - int(lg.count[s]))
		if lg.sessRule[s] == ruleHeld {
			ps.g[nG+nE+s] = float64(int(lg.count[s]) - pr.sMin[s])
		}
		if point {
			ps.y[gr] = lg.pi[s]
			ps.y[nG+nE+s] = lg.mu[s]
		}
	}
	for i, e := range lg.eta {
		ps.g[nG+i] = 1 - float64(lg.useHR[i])
		if point {
			ps.y[nG+i] = e
		}
	}
	for opt := range lg.live {
		base := ps.sigma0 + opt*nG
		chosen := lg.chosen[opt] // the other choices' prices are not in the value
		if !chosen && !point {
			continue
		}
		for _, s := range lg.visit(opt) {
			i := opt*nS + int(s)
			gr := base + int(ps.grp[s])
			if point {
				ps.y[gr] = lg.sigma[i]
			}
			if chosen {
				ps.g[gr] += float64(lg.nStar[i] - lg.countOS[i])
			}
		}
	}
	var norm float64
	for i, x := range ps.g {
		norm += ps.scale[i] * x * x
	}
	return norm
}

// write sets the prices from the point z of the pooled space.
func (ps *pooledSpace) write(z []float64) {
	lg, pr := ps.lg, ps.lg.pr
	nG, nE, nS := ps.nG, len(lg.eta), pr.nS
	for s := range nS {
		lg.pi[s] = z[ps.grp[s]]
		lg.mu[s] = z[nG+nE+s]
	}
	copy(lg.eta, z[nG:nG+nE])
	// A colleague price that is not live has had a subgradient of 0 in
	// every cut, so the bundle leaves it at 0.
	for opt := range lg.live {
		base := ps.sigma0 + opt*nG
		for _, s := range lg.live[opt] {
			lg.sigma[opt*nS+int(s)] = z[base+int(ps.grp[s])]
		}
	}
}
