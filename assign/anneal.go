package assign

import (
	"context"
	"math"
	"math/bits"

	"github.com/roundtable-go/roundtable/model"
)

// annealer holds a plan under annealing with the counts its moves need:
// session sizes, colleagues per (organisation, session), with a
// repeatPair weight each session's members, and the objective.
type annealer struct {
	pr   *problem
	st   *state
	size []int     // per session
	os   pairCount // colleagues per (organisation, session)
	// touched lists the keys of asg changed since the walk's best state
	// was last brought up to date; overflow means too many to list.
	touched  []int
	overflow bool
	obj      int64

	// With a repeatPair weight: the members of each session, and where
	// each (participant, round) sits in its session's list.
	members [][]int32
	slot    []int32
	// rp sums the repeatPair part of the deltas enter and leave returned
	// since the walk last reset it. With blind set, the walk takes or
	// refuses each move as if repeats were free; the objective it keeps,
	// and by which it picks its best state, stays exact.
	rp    int64
	blind bool
}

func (pr *problem) newAnnealer(st *state) *annealer {
	a := &annealer{pr: pr, st: st.clone(), size: make([]int, pr.nS), os: newPairCount(int64(pr.nO) * int64(pr.nS))}
	if pr.w.RepeatPair != 0 {
		a.members = make([][]int32, pr.nS)
		a.slot = make([]int32, len(a.st.asg))
	}
	for p := range pr.nP {
		for r := range pr.nR {
			if s := a.st.asg[p*pr.nR+r]; s >= 0 {
				a.size[s]++
				a.os.add(pr.orgSess(pr.pOrg[p], s), 1)
				if a.members != nil {
					a.slot[p*pr.nR+r] = int32(len(a.members[s]))
					a.members[s] = append(a.members[s], int32(p))
				}
			}
		}
	}
	a.obj = pr.evaluate(a.st)
	return a
}

// densePairs is the number of (organisation, session) pairs up to which
// pairCount keeps its counts in a slice (4 bytes a pair, 64 MB at most);
// beyond it, in a map of the pairs in use. Map lookups took two thirds of
// the annealing's time on regional (3,000 people, 105,000 pairs).
const densePairs = 1 << 24

// pairCount counts colleagues per organisation*nS+session.
type pairCount struct {
	dense  []int32
	sparse map[int64]int
}

func newPairCount(pairs int64) pairCount {
	if pairs <= densePairs {
		return pairCount{dense: make([]int32, pairs)}
	}
	return pairCount{sparse: map[int64]int{}}
}

func (c *pairCount) get(k int64) int {
	if c.dense != nil {
		return int(c.dense[k])
	}
	return c.sparse[k]
}

func (c *pairCount) add(k int64, d int) {
	if c.dense != nil {
		c.dense[k] += int32(d)
		return
	}
	c.sparse[k] += d
}

// enter is what p adds by entering s: its value less the colleagues met
// and the meetings repeated.
func (a *annealer) enter(p, s int) int64 {
	d := a.pr.value(p, s) - int64(a.pr.w.SamePair)*int64(a.os.get(a.pr.orgSess(a.pr.pOrg[p], s)))
	if a.members != nil {
		x := int64(a.pr.w.RepeatPair) * a.metBefore(p, s)
		d -= x
		a.rp -= x
	}
	return d
}

// leave is what p's leaving s adds (p still counted in s).
func (a *annealer) leave(p, s int) int64 {
	d := -a.pr.value(p, s) + int64(a.pr.w.SamePair)*int64(a.os.get(a.pr.orgSess(a.pr.pOrg[p], s))-1)
	if a.members != nil {
		x := int64(a.pr.w.RepeatPair) * a.metBefore(p, s)
		d += x
		a.rp += x
	}
	return d
}

// metBefore counts the members of s other than p who share a session
// with p in another round: the meetings that p's being in s repeats, each
// one more time (repeatPair counts a pair's meetings beyond the first).
func (a *annealer) metBefore(p, s int) int64 {
	pr := a.pr
	nR := pr.nR
	r := pr.sRound[s]
	var n int64
	for _, q := range a.members[s] {
		if int(q) == p {
			continue
		}
		for r2 := range nR {
			if x := a.st.asg[p*nR+r2]; r2 != r && x >= 0 && a.st.asg[int(q)*nR+r2] == x {
				n++
				break
			}
		}
	}
	return n
}

func (a *annealer) put(p, r, s int) {
	pr := a.pr
	key := p*pr.nR + r
	if !a.overflow {
		if len(a.touched) >= len(a.st.asg) {
			a.touched, a.overflow = a.touched[:0], true
		} else {
			a.touched = append(a.touched, key)
		}
	}
	if old := a.st.asg[key]; old >= 0 {
		a.size[old]--
		a.os.add(pr.orgSess(pr.pOrg[p], old), -1)
		if a.members != nil {
			// Out of old's list: its last member takes p's place.
			m := a.members[old]
			i, last := a.slot[key], m[len(m)-1]
			m[i] = last
			a.slot[int(last)*pr.nR+r] = i
			a.members[old] = m[:len(m)-1]
		}
	}
	a.st.asg[key] = s
	if s >= 0 {
		a.size[s]++
		a.os.add(pr.orgSess(pr.pOrg[p], s), 1)
		if a.members != nil {
			a.slot[key] = int32(len(a.members[s]))
			a.members[s] = append(a.members[s], int32(p))
		}
	}
}

// canEnter reports whether s has a seat and room under maxPerOrganisation
// for p, and p holds theme(s) in no round but r.
func (a *annealer) canEnter(p, r, s int) bool {
	pr := a.pr
	if a.size[s] >= pr.sCap[s] || pr.value(p, s) == forbidden {
		return false
	}
	if a.size[s] == 0 && pr.sMin[s] > 1 {
		return false // would open a session below its minimum
	}
	if pr.maxPerOrg > 0 && a.os.get(pr.orgSess(pr.pOrg[p], s)) >= pr.maxPerOrg {
		return false
	}
	t := pr.sTheme[s]
	for q := range pr.nR {
		if q != r {
			if x := a.st.asg[p*pr.nR+q]; x >= 0 && pr.sTheme[x] == t {
				return false
			}
		}
	}
	return true
}

// exchange moves p1 in round r1 to session to1 and p2 in round r2 to
// to2, both first leaving the sessions they are in there (p1 == p2 with
// r1 != r2 is a turn). It returns the change of the objective, or false,
// with the state unchanged, when a rule forbids the entries.
func (a *annealer) exchange(p1, r1, to1, p2, r2, to2 int) (int64, bool) {
	nR := a.pr.nR
	from1, from2 := a.st.asg[p1*nR+r1], a.st.asg[p2*nR+r2]
	delta := a.leave(p1, from1)
	a.put(p1, r1, -1)
	delta += a.leave(p2, from2)
	a.put(p2, r2, -1)
	if a.canEnter(p1, r1, to1) {
		delta += a.enter(p1, to1)
		a.put(p1, r1, to1)
		if a.canEnter(p2, r2, to2) {
			delta += a.enter(p2, to2)
			a.put(p2, r2, to2)
			return delta, true
		}
	}
	a.undo(p1, r1, from1, p2, r2, from2)
	return 0, false
}

// trade gives p q's sessions of rounds r1 and r2 and q p's. It returns
// the change of the objective, or false, with the state unchanged, when a
// rule forbids it (a theme twice, a forbidden theme, maxPerOrganisation).
// Every session keeps its size.
func (a *annealer) trade(p, q, r1, r2 int) (int64, bool) {
	nR := a.pr.nR
	p1, p2 := a.st.asg[p*nR+r1], a.st.asg[p*nR+r2]
	q1, q2 := a.st.asg[q*nR+r1], a.st.asg[q*nR+r2]
	// One leave at a time: with a repeatPair weight, each is what it
	// adds to the state the one before left.
	delta := a.leave(p, p1)
	a.put(p, r1, -1)
	delta += a.leave(p, p2)
	a.put(p, r2, -1)
	delta += a.leave(q, q1)
	a.put(q, r1, -1)
	delta += a.leave(q, q2)
	a.put(q, r2, -1)
	for _, e := range [4]struct{ who, r, s int }{{p, r1, q1}, {p, r2, q2}, {q, r1, p1}, {q, r2, p2}} {
		if !a.canEnter(e.who, e.r, e.s) {
			a.place(p, q, r1, r2, p1, p2, q1, q2)
			return 0, false
		}
		delta += a.enter(e.who, e.s)
		a.put(e.who, e.r, e.s)
	}
	return delta, true
}

// place puts p into p1 and p2 and q into q1 and q2 (rounds r1 and r2),
// whatever they hold now: how a trade is taken back.
func (a *annealer) place(p, q, r1, r2, p1, p2, q1, q2 int) {
	a.put(p, r1, -1)
	a.put(p, r2, -1)
	a.put(q, r1, -1)
	a.put(q, r2, -1)
	a.put(p, r1, p1)
	a.put(p, r2, p2)
	a.put(q, r1, q1)
	a.put(q, r2, q2)
}

// undo puts p1 back into from1 in round r1 and p2 into from2 in r2.
func (a *annealer) undo(p1, r1, from1, p2, r2, from2 int) {
	a.put(p1, r1, -1)
	a.put(p2, r2, -1)
	a.put(p1, r1, from1)
	a.put(p2, r2, from2)
}

// canLeave reports whether s may lose one member.
func (a *annealer) canLeave(s int) bool {
	n := a.size[s]
	return n-1 == 0 || n-1 >= a.pr.sMin[s]
}

// anneal improves st by simulated annealing over moves that the round
// flows cannot make, because they change several rounds at once or are
// worse before they are better:
//
//   - move: a participant changes session within a round (or takes one,
//     or leaves one);
//   - swap: two participants of one round exchange their sessions;
//   - turn: a participant exchanges the rounds of two of their themes;
//   - trade: two participants exchange their sessions of two rounds, the
//     second taking in one round the theme the first has in the other, so
//     that one turns (both, when they hold mirror pairs) while every
//     session keeps its size. Where seats are short a turn alone rarely
//     finds a seat; on regional scaled to 200 people (seeds 1-4) this
//     move took the plan at 1 s from 0.02-0.20 % (mean 0.13 %) below
//     CBC's optimum to 0.03-0.10 % (mean 0.05 %).
//
// Every move keeps every hard rule (seats, minimum sizes, one theme once,
// sessions wanted, maxPerOrganisation, pins, rooms) and its effect on the
// objective is computed exactly, repeatPair included: with its weight
// set, a move also looks at the members of the sessions it touches (once
// blind to it, the walk kept plans that repeat meetings). On events of
// more than largeEvent people every other walk takes its moves as if
// repeats were free (annealer.blind) and keeps the best state by the
// exact objective: walks that weigh repeats in every move took each one
// out and gave up more in preferences. At 10 s with repeatPair 20,
// flanders (3,000 people, seeds 1-3) went from 456845, 457425 and 454285
// to 464420, 464690 and 461425, within 0.1 % of the bound; regional
// (seeds 1-2) from 496985 and 503710 to 496735 and 503610.
//
// A worse move is taken with probability exp(delta/T), T falling
// geometrically from t0 to a tenth of a point over the budget of moves.
// It returns the best state met, which is never worse than st.
func (s *search) anneal(ctx context.Context, st *state, moves int, t0 float64) *state {
	pr := s.pr
	if pr.nP == 0 || pr.nS == 0 || moves <= 0 {
		return st
	}
	a := pr.newAnnealer(st)
	if a.members != nil && pr.nP > largeEvent {
		s.blindWalk = !s.blindWalk
		a.blind = s.blindWalk
	}
	best := s.walk(ctx, a, moves, t0, 0.1)
	work := int64(moves / 16) // a move costs a few map lookups
	if a.members != nil {
		// and, with a repeatPair weight, passes over the members of the
		// sessions it touches, checking each one's other rounds: 3.5-4.4
		// times as long a move, measured on the first plans of flanders
		// and regional at 3,000 people and regional at 300 (mean
		// sessions of 19-35 people).
		work *= repeatWalkWork
	}
	pr.addWork(work)
	return best
}

// repeatWalkWork is how many times a move's work a walk counts with a
// repeatPair weight (see anneal).
const repeatWalkWork = 4

// annealHot is the starting temperature of the annealing that follows a
// stuck descent: a fortieth of a first choice (competence included), 3
// with the default weights. A tenth (12) let the walk drift off into
// worse plans it did not climb back from in its moves; measured at 1 s
// against it (seeds 1-2): plain200Config's 16 events, the gaps' sum 2040
// -> 1480 points; regional and flanders at 200 people (seeds 1-4), 195 ->
// 175; six 800-person events at 5 s, 1305 -> 1095; SolveMixed200's
// events at seeds 1-3, 43 of 48 proven either way. An eightieth (1.5)
// did better still on the first (1265) and worse on the second (290).
func (pr *problem) annealHot() float64 {
	return math.Max(1, float64(pr.w.Competence+firstRank(pr.w))/40)
}

// walk makes the annealing moves from a's state, the temperature falling
// geometrically from t0 to t1, and returns the best state met; a is left
// at the walk's last state.
func (s *search) walk(ctx context.Context, a *annealer, moves int, t0, t1 float64) *state {
	pr := s.pr
	best, bestObj := a.st.clone(), a.obj
	a.touched, a.overflow = a.touched[:0], false
	nR := pr.nR
	cool := math.Pow(t1/t0, 1/float64(moves))
	temp := t0
	rng := &quickRand{s.rng.Uint64()}
	accept := func(delta int64) bool {
		if a.blind {
			delta -= a.rp
		}
		return delta >= 0 || rng.Float64() < math.Exp(float64(delta)/temp)
	}
	for i := range moves {
		if i&1023 == 0 && ctx.Err() != nil {
			break
		}
		temp *= cool
		a.rp = 0
		p, r := rng.IntN(pr.nP), rng.IntN(nR)
		key := p*nR + r
		if pr.pin(p, r) >= 0 || pr.free(p, a.st.deleg[pr.pOrg[p]])&(1<<r) == 0 {
			continue
		}
		cur := a.st.asg[key]
		sess := pr.roundSess[r]
		switch kind := rng.IntN(4); {
		case kind == 0: // move within round r, or in or out
			k := rng.IntN(len(sess) + 1)
			to := -1
			if k < len(sess) {
				to = sess[k]
			}
			if to == cur {
				continue
			}
			if cur >= 0 && !a.canLeave(cur) {
				continue
			}
			if to >= 0 && !a.canEnter(p, r, to) {
				continue
			}
			if cur < 0 && pr.countRounds(a.st, p) >= pr.wanted(p, a.st.deleg[pr.pOrg[p]]) {
				continue
			}
			var delta int64
			if cur >= 0 {
				delta += a.leave(p, cur)
				a.put(p, r, -1)
			}
			if to >= 0 {
				delta += a.enter(p, to)
				a.put(p, r, to)
			}
			if accept(delta) {
				a.obj += delta
			} else {
				a.put(p, r, cur)
			}
		case kind == 1: // swap with someone in another session of round r
			if cur < 0 {
				continue
			}
			q := rng.IntN(pr.nP)
			other := a.st.asg[q*nR+r]
			if q == p || other < 0 || other == cur || pr.pin(q, r) >= 0 {
				continue
			}
			if delta, ok := a.exchange(p, r, other, q, r, cur); ok {
				if accept(delta) {
					a.obj += delta
				} else {
					a.undo(p, r, cur, q, r, other)
				}
			}
		case kind == 3: // trade: p and q exchange their sessions of rounds r and r2
			r2 := rng.IntN(nR)
			s2 := a.st.asg[p*nR+r2]
			if r2 == r || cur < 0 || s2 < 0 || pr.pin(p, r2) >= 0 {
				continue
			}
			// Someone who takes p's theme of round r2 in round r, so that
			// the trade turns p's rounds (and, if q holds the mirror
			// pair, q's) while every session keeps its size.
			q := -1
			for range 16 {
				c := rng.IntN(pr.nP)
				if x := a.st.asg[c*nR+r]; x >= 0 && pr.sTheme[x] == pr.sTheme[s2] {
					q = c
					break
				}
			}
			if q < 0 || q == p || pr.pin(q, r) >= 0 || pr.pin(q, r2) >= 0 {
				continue
			}
			qa, qb := a.st.asg[q*nR+r], a.st.asg[q*nR+r2]
			if qb < 0 {
				continue
			}
			if delta, ok := a.trade(p, q, r, r2); ok {
				if accept(delta) {
					a.obj += delta
				} else {
					a.place(p, q, r, r2, cur, s2, qa, qb)
				}
			}
		default: // turn: exchange the rounds of p's themes in r and q
			r2 := rng.IntN(nR)
			key2 := p*nR + r2
			s2 := a.st.asg[key2]
			if r2 == r || cur < 0 || s2 < 0 || pr.pin(p, r2) >= 0 {
				continue
			}
			// p takes theme(s2) in round r and theme(cur) in round r2,
			// each in a parallel session picked at random.
			to := s.pickSession(rng, r, pr.sTheme[s2])
			to2 := s.pickSession(rng, r2, pr.sTheme[cur])
			if to < 0 || to2 < 0 || !a.canLeave(cur) || !a.canLeave(s2) {
				continue
			}
			if delta, ok := a.exchange(p, r, to, p, r2, to2); ok {
				if accept(delta) {
					a.obj += delta
				} else {
					a.undo(p, r, cur, p, r2, s2)
				}
			}
		}
		if a.obj > bestObj {
			bestObj = a.obj
			if a.overflow {
				copy(best.asg, a.st.asg)
			} else {
				for _, key := range a.touched {
					best.asg[key] = a.st.asg[key]
				}
			}
			a.touched, a.overflow = a.touched[:0], false
			if s.proven(bestObj) {
				break // at the bound: nothing better exists
			}
		}
	}
	return best
}

// pickSession returns a random session of theme t in round r, or -1.
func (s *search) pickSession(rng *quickRand, r, t int) int {
	for _, ts := range s.pr.roundThemes[r] {
		if ts.theme == t {
			return ts.sessions[rng.IntN(len(ts.sessions))]
		}
	}
	return -1
}

// firstRank is the weight of a first choice.
func firstRank(w model.Weights) int {
	if len(w.Rank) == 0 {
		return 0
	}
	return w.Rank[0]
}

// orgSess is the key of an (organisation, session) pair in maps.
func (pr *problem) orgSess(o, s int) int64 { return int64(o)*int64(pr.nS) + int64(s) }

// quickRand is the annealer's random source: a 64-bit state advanced by
// an odd constant and mixed by one 128-bit multiplication (the wyrand
// construction). Most moves are rejected after a few draws, and
// math/rand/v2's Rand.IntN over PCG took about half the walk's time in a
// profile of a 200-person solve; with this source a million moves on
// plain200Config's event 5 took 42-44 ms instead of 59-63 ms. Each walk
// seeds it from the search's generator, so plans stay reproducible by
// seed.
type quickRand struct{ s uint64 }

func (g *quickRand) Uint64() uint64 {
	g.s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(g.s, g.s^0xe7037ed1a0b428db)
	return hi ^ lo
}

// IntN returns a number in [0, n), n > 0, by the high word of a 64x64-bit
// product; its bias, under n/2^64, does not matter here.
func (g *quickRand) IntN(n int) int {
	hi, _ := bits.Mul64(g.Uint64(), uint64(n))
	return int(hi)
}

// Float64 returns a number in [0, 1).
func (g *quickRand) Float64() float64 {
	return float64(g.Uint64()>>11) / (1 << 53)
}
