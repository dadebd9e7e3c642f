package assign

import (
	"context"
	"math"

	"github.com/roundtable-go/roundtable/solver"
)

// lpBranchMaxCols bounds the LP relaxations whose MIP lpBranch solves by
// branch and bound (a few thousand columns: a small event). Beyond
// lpBranchMaxPeople the programme has too many columns anyway, and with
// a repeatPair weight building it would take long: it has a column per
// pair of participants and session they could share. Without repeatPair
// it was held to 1,000 columns (some 30 people) until a sweep against
// CBC found a 52-person event with rooms to choose and minimum sizes
// whose plan stayed 30 points short for 10 s, where CBC proves its
// optimum in 0.3 s; with the branch and bound (and the LP's first plan,
// lpBound, which events with rooms to choose now get up to this size)
// it is found in 74 ms and proven in 5 s. On 24 random events of 20-66
// people, half with rooms to choose, at 2 s: 24 proven instead of 23,
// 2.7 s in all instead of 3.3 s.
const (
	lpBranchMaxCols   = 5000
	lpBranchMaxPeople = 60
)

// lpBranch solves small events exactly, by a depth-first branch and
// bound over the LP relaxation of the exact MIP (package mip, the
// programme WriteLP writes), from the dual simplex's last basis at every
// node. It runs after the first descent, on events with a repeatPair
// weight, which the Lagrangian bound leaves out (see the package
// documentation), so that it cannot prove a plan that repeats a meeting
// optimal (on a 4-person event it stayed 30 points, one repeated
// meeting, above the optimum until the time limit), and on small events
// (up to lpBranchMaxPeople), where the Lagrangian bound, without the
// minimum sizes, may stay a grain above the optimum too. Measured (scratch harness, 5 s limit): of 400
// tiny random events (tinyConfig, 4-6 people) 56 were left unproven, 4
// min 40 s in all, and now none, 0.18 s in all; of 60 events of 15-34
// people, 9 (46 s in all) and now 1 (6.1 s), a repeatPair event whose
// gap the branch and bound does not close in half the time.
//
// Each node solves the LP with the bounds its branches set; it is pruned
// when the LP proves nothing in it beats the best plan, and otherwise
// branches on the most fractional binary, first up, then down. An
// integral solution is a plan, offered. Once every node is done, no plan
// beats the best one (or a leaf's value, if the plan built from a leaf
// fell short of it): the bound drops to that. The search runs in half
// the time (or work) left at most, an eighth with a repeatPair weight;
// stopped early, it still gives the root LP's bound.
func (s *search) lpBranch(ctx context.Context) {
	ev := s.lpEvent
	if ev == nil || s.pr.nP > lpBranchMaxPeople || s.proven(s.bestObj) {
		return
	}
	run := newLPRun(ev, func(_, cols int) bool {
		return cols <= lpBranchMaxCols
	})
	if run == nil {
		return
	}
	share := 2
	if ev.Weights.RepeatPair != 0 {
		// The relaxation that counts repeats (repeatBound), which runs
		// after it, proves more of these events, sooner: on a random
		// 24-person one, in 1.3 s of a 10 s solve instead of 5 s.
		share = 8
	}
	ctx, cancel := s.share(ctx, share)
	defer cancel()
	b := &lpBrancher{s: s, lpRun: run, bins: run.m.Binaries(), missed: math.MinInt64}
	if b.node(ctx, 0) {
		s.setBound(max(s.bestObj, b.missed))
	}
}

// lpBrancher is the state of lpBranch's search.
type lpBrancher struct {
	s *search
	*lpRun
	bins []int
	// missed is the best value of an integral leaf whose plan fell short
	// of it (math.MinInt64: none).
	missed int64
	// first stops the search at the first plan (lpFeasible); unsure
	// records an integral leaf whose plan the checker rejected.
	first, unsure bool
}

// lpFeasible looks for a first plan where the descent found none, by the
// branch and bound of lpBranch stopped at its first integral solution
// (the plan checked), for half the time left, and under a work limit for
// up to lpFeasibleWork more: the descent's repairs can miss the plans of
// an event whose pins and minimum sizes leave few (four of 61 random
// small events were once reported as having no plan, which CBC solved).
// It reports whether the search ended without a plan, every node's LP
// solved: the event has none. Events whose LP lpBound would not take on
// are not tried (false).
func (s *search) lpFeasible(ctx context.Context) (none bool) {
	ev, pr := s.lpEvent, s.pr
	if ev == nil || pr.nP > lpMaxPeople || (ev.Weights.RepeatPair != 0 && pr.nP > lpBranchMaxPeople) {
		return false
	}
	if _, size := s.lpSizeEstimate(); size > lpLateSize {
		return false
	}
	if limit := s.opts.WorkLimit; limit > 0 {
		s.opts.WorkLimit = max(limit, pr.work+lpFeasibleWork)
		defer func() { s.opts.WorkLimit = limit }()
	}
	ctx, cancel := s.share(ctx, 2)
	defer cancel()
	run := newLPRun(ev, func(rows, cols int) bool { return float64(rows)*float64(cols) <= lpLateSize })
	if run == nil {
		return false
	}
	b := &lpBrancher{s: s, lpRun: run, bins: run.m.Binaries(), missed: math.MinInt64, first: true}
	return b.node(ctx, 0) && s.best == nil && !b.unsure
}

// lpFeasibleWork is the work lpFeasible may take beyond a work limit
// that the search used up without a plan: Repair's quickest plan (a work
// limit of 1) relies on learning that its pins admit none.
const lpFeasibleWork = 10_000_000

// node solves the LP under the current bounds and searches below it, at
// depth binaries fixed. It reports whether the subtree was searched to
// its end.
func (b *lpBrancher) node(ctx context.Context, depth int) bool {
	s := b.s
	if b.first && s.best != nil {
		return false
	}
	proven := s.best != nil && s.proven(s.bestObj)
	if ctx.Err() != nil || s.workDone() || proven {
		return proven
	}
	if depth > len(b.bins) {
		// Each level fixes a binary the level above left fractional, so
		// this is an LP that ignored its fixed bounds (it once did, and
		// the recursion overflowed the stack): give up, as when stopped.
		return false
	}
	root := depth == 0
	sol, err := s.lpSolve(ctx, b.sx, b.pivotWork)
	if err != nil {
		return false
	}
	switch sol.Status {
	case solver.LPInfeasible:
		return true
	case solver.LPOptimal:
	default:
		if root && !math.IsInf(sol.Bound, 1) {
			s.setBound(s.pr.floorBound(sol.Bound))
		}
		return false
	}
	bound := s.pr.floorBound(sol.Bound)
	if root {
		s.setBound(bound)
	}
	if s.best != nil && bound <= s.bestObj {
		return true
	}
	const eps = 1e-6
	pick, far := -1, 0.0
	for _, c := range b.bins {
		v := sol.X[c]
		if d := min(v, 1-v); d > eps && d > far {
			pick, far = c, d
		}
	}
	if pick < 0 {
		// The plan as the solution has it, rooms and seats; lpPlan's
		// repair only where that is not worth the LP's value (which the
		// exact MIP rules out): its round flows overlook repeatPair.
		st := b.state(sol.X)
		obj := s.pr.evaluate(st)
		if b.first {
			// The programme's rows are the hard rules, but a solution
			// is integral within tolerances only: the first plan is
			// offered once the checker finds nothing amiss, and a leaf
			// it rejects leaves the search unsure that no plan exists.
			if _, err := s.pr.plan(st, obj, obj); err == nil {
				s.offer(st)
			} else {
				b.unsure = true
			}
			return true
		}
		if obj == bound {
			s.offer(st)
			return true
		}
		if st := s.lpPlan(ctx, b.m, sol.X); st == nil || s.pr.evaluate(st) < bound {
			b.missed = max(b.missed, bound)
		}
		return true
	}
	for _, v := range []float64{1, 0} {
		b.sx.SetBounds(pick, v, v)
		done := b.node(ctx, depth+1)
		b.sx.SetBounds(pick, 0, 1)
		if !done {
			return false
		}
	}
	return true
}

// state is the plan of an integral solution x of the relaxation.
func (b *lpBrancher) state(x []float64) *state {
	pr := b.s.pr
	st := pr.newState()
	for _, d := range b.m.Rooms() {
		if x[d.Col] > 0.5 {
			st.deleg[d.O], st.host[d.O] = d.R, d.H
		}
	}
	for _, a := range b.m.Seats() {
		if x[a.Col] > 0.5 {
			st.asg[a.P*pr.nR+pr.sRound[a.S]] = a.S
		}
	}
	return st
}
