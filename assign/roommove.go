package assign

import (
	"cmp"
	"context"
	"math"
	"slices"
)

// roomMoveGap is the largest gap (Gap) at which a plan's rooms are worth
// moving one or two at a time (moveRooms): further from the bound, the
// rooms the relaxation prefers (tryDelegations) are a better start than
// the plan's own, and the moves only take the bound's time (on the
// knowledge day's shape at 900 people the moves from the first plan,
// 2.3 % below the optimum, took 4.9 s of a 10 s solve).
const roomMoveGap = 0.01

// moveRooms improves the rounds of the delegation rooms of st: it moves
// one organisation's room to another round it may meet in, or two rooms
// of different rounds each into the other's, re-solves the rounds
// concerned as flows, and keeps a move that raises the objective; until
// a whole round of moves gains nothing, or its share of ctx (a quarter)
// ends. It returns the best plan found (st itself if none is better).
// The descent calls it when its flows, annealing and reseating are
// stuck; tryDelegations chooses the rooms as a whole, from the
// relaxation's value of each organisation's rounds, and misses the last
// few moves. Measured at 10 s with search seeds 1-3 on genevent's seed 3
// of the knowledge day's and flanders' shapes at 400, 600 and 900 people
// (18 solves): the gaps summed from 1.32 % to 1.04 %; kennisdag at 400
// people reached 45120-45130 instead of 45100 (CBC's optimum 45130). At
// 600 people (CBC 68920) it reached 68910 on two seeds of six; since each
// call goes on with the moves where the last one stopped, on all six.
//
// A move is only tried where the root relaxation allows it to gain: held
// to given rounds, the relaxation bounds the plans with the rooms there,
// and a move changes that bound by the moved rooms' values of their two
// rounds (roomsBound). On kennisdag and flanders at 600 people this skips
// 60-65 % of the moves; at 10 s, search seeds 1-3, the six events of
// 400-900 people went from 0.59 % to 0.48 % (gaps summed), and kennisdag
// at 400 people reached CBC's optimum on all three seeds (on two of three
// in a second run of the same binary).
//
// Plans further than roomMoveGap from the bound (unless the event has a
// repeatPair weight: on a random 84-person event with repeatPair 30 and 5
// rooms, the plan at 3 s went from 3460, 36 % below its bound, to 3900,
// where CBC found 3590 in 120 s), and plans it started from before, are
// returned as they are; and its calls are paced (pacer), as the
// relaxation's plans are.
func (s *search) moveRooms(ctx context.Context, st *state) *state {
	pr := s.pr
	cur, obj := st, pr.evaluate(st)
	// With a repeatPair weight the bound leaves the repeats out, so the
	// gap to it says nothing of how far the plan is from the best: the
	// moves are tried whatever the gap.
	far := Gap(obj, s.bound) > roomMoveGap && pr.w.RepeatPair == 0
	if len(s.choosable) == 0 || far || !s.rooms.pace.due(pr.work) {
		return st
	}
	key := st.hash()
	if s.rooms.tried[key] {
		return st
	}
	if s.rooms.tried == nil {
		s.rooms.tried = map[uint64]bool{}
	}
	s.rooms.tried[key] = true
	start, w0 := obj, pr.work
	defer func() { s.rooms.pace.done(w0, pr.work, obj > start) }()
	ctx, cancel := s.share(ctx, 4)
	defer cancel()
	// try makes the moves in a copy of cur and re-solves the rounds they
	// touch; it keeps the result if it is better.
	try := func(moves ...roomMove) bool {
		next := cur.clone()
		touched, ok, err := pr.moveRoom(ctx, next, moves...)
		if err != nil || !ok {
			return false
		}
		for r := range pr.nR {
			if touched&(1<<r) == 0 {
				continue
			}
			if good, _, err := pr.solveRound(ctx, next, r, false, nil); err != nil || !good {
				return false
			}
		}
		if v := pr.evaluate(next); v > obj {
			cur, obj = next, v
			return true
		}
		return false
	}
	// The root relaxation's bound for plans with cur's rooms, and with
	// one or two of them moved: a move whose bound does not beat cur
	// cannot gain, and is skipped without solving a round.
	base := s.roomsBound(cur.deleg)
	worthTrying := func(moves ...roomMove) bool {
		if math.IsNaN(base) {
			return true
		}
		ub := base
		for _, m := range moves {
			ub += s.roomValue(m.o, m.r) - s.roomValue(m.o, cur.deleg[m.o])
		}
		return math.IsNaN(ub) || pr.floorBound(ub) > obj
	}
	// Each call goes on where the last one stopped: a call's share
	// rarely covers every move (on the knowledge day's shape at 600
	// people a whole pass takes some 6 s), and starting afresh each time
	// would try the same first moves again and again.
	moves := s.roomMoveList()
	for tried := 0; tried < len(moves) && ctx.Err() == nil && !s.proven(obj); tried++ {
		m := moves[s.rooms.next]
		s.rooms.next = (s.rooms.next + 1) % len(moves)
		a, ra := m.a, cur.deleg[m.a]
		var ok bool
		if m.b < 0 {
			ok = m.r != ra && pr.delegRoundOK(a, m.r) && worthTrying(roomMove{a, m.r}) && try(roomMove{a, m.r})
		} else {
			b, rb := m.b, cur.deleg[m.b]
			ok = ra != rb && pr.delegRoundOK(a, rb) && pr.delegRoundOK(b, ra) &&
				worthTrying(roomMove{a, rb}, roomMove{b, ra}) && try(roomMove{a, rb}, roomMove{b, ra})
		}
		if ok {
			base = s.roomsBound(cur.deleg)
			tried = -1 // a full round of moves from here without a gain ends the search
		}
	}
	return cur
}

// roomMoveCand is a move of moveRooms: a's room to round r (b < 0), or a's
// and b's rooms swapping rounds.
type roomMoveCand struct{ a, b, r int }

// roomMoveList lists moveRooms' moves, once per search: every room with a
// round to choose to every delegation round, then every pair of them.
// Two rooms that swap rounds move their delegations' difference in size
// from one round to the other: where seats are short, the swaps of rooms
// of about the same size are the likeliest to gain, so they come first.
func (s *search) roomMoveList() []roomMoveCand {
	if s.rooms.moves != nil {
		return s.rooms.moves
	}
	pr := s.pr
	orgs := s.choosable
	var moves []roomMoveCand
	for _, o := range orgs {
		for _, r := range pr.delegRounds {
			moves = append(moves, roomMoveCand{o, -1, r})
		}
	}
	size := make([]int, pr.nO)
	for _, o := range orgs {
		for _, p := range pr.oMembers[o] {
			if pr.pAttends[p] {
				size[o]++
			}
		}
	}
	singles := len(moves)
	for i, a := range orgs {
		for _, b := range orgs[i+1:] {
			moves = append(moves, roomMoveCand{a, b, -1})
		}
	}
	slices.SortStableFunc(moves[singles:], func(x, y roomMoveCand) int {
		return cmp.Compare(abs(size[x.a]-size[x.b]), abs(size[y.a]-size[y.b]))
	})
	s.rooms.moves = moves
	return moves
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// keepRoomValues keeps, where rooms have rounds to choose, each
// organisation's value of each round in the root relaxation's evaluation
// just made, whose bound (with its margin) is bound: at any prices, the
// relaxation with every room held to a round is an upper bound on the
// plans with the rooms there (moveRooms). optimise calls it on its top
// evaluations only, the root's, where no branch's decision holds.
func (s *search) keepRoomValues(bound float64) {
	if len(s.choosable) == 0 {
		return
	}
	pr, lg := s.pr, s.lg
	if s.rooms.value == nil {
		s.rooms.value = make([]float64, pr.nO*pr.nR)
	}
	s.rooms.bound = bound
	for o := range pr.nO {
		for r := range pr.nR {
			s.rooms.value[o*pr.nR+r] = math.Inf(-1) // not a delegation round
		}
		for k, r := range pr.delegRounds {
			s.rooms.value[o*pr.nR+r] = lg.orgValue[o*lg.nOpt+k] + lg.orgHostValue[o*lg.nOpt+k]
		}
	}
}

// roomValue is organisation o's value, in the kept root evaluation, of
// its room in round r (NaN where none is kept).
func (s *search) roomValue(o, r int) float64 {
	if s.rooms.value == nil {
		return math.NaN()
	}
	return s.rooms.value[o*s.pr.nR+r]
}

// roomsBound is the kept root evaluation's bound on the plans whose rooms
// meet in the rounds deleg gives (NaN where none is kept): the bound less
// what each organisation gives up against its best round.
func (s *search) roomsBound(deleg []int) float64 {
	if s.rooms.value == nil {
		return math.NaN()
	}
	pr := s.pr
	ub := s.rooms.bound
	for _, o := range pr.delegOrgs() {
		best := math.Inf(-1)
		for _, r := range pr.delegRounds {
			best = max(best, s.roomValue(o, r))
		}
		ub -= best - s.roomValue(o, deleg[o])
	}
	if math.IsInf(ub, 0) || math.IsNaN(ub) {
		return math.NaN()
	}
	return ub
}
