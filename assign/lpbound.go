package assign

import (
	"context"
	"math"
	"time"

	"github.com/roundtable-go/roundtable/assign/internal/mip"
	"github.com/roundtable-go/roundtable/model"
	"github.com/roundtable-go/roundtable/solver"
)

// lpMaxPeople is the largest event whose LP relaxation Solve solves by
// the simplex method. The programme has a column per (participant,
// session) a participant may take and a row per participant and round:
// at 200 people 900-2,300 rows, solved in 7-65 ms (BenchmarkSolveMixed200);
// at 2,000-3,000 people with 8 themes and 2 rounds 22,000-35,000 rows,
// solved in 1-20 s (the size check, lpLateSize, rules out most events of
// that many people: regional's 3,000 have 2.5e11).
const lpMaxPeople = 3000

// lpMaxSize bounds rows times columns of the LP solved first, with a
// third of the time left: a pivot costs time that grows with both, and
// pivots grow with the rows. At 30 to 50 million (regional's shape at 200
// people; a mixed event of 800) the LP took about 2 s here, at 8 million
// 30-60 ms. Up to lpLateSize the LP is tried too, but it gets a tenth of
// the time left first, and, if that is not enough, goes on from where it
// stopped after the first plan and its descent (lpResume): on
// programmes of 2e8 to 7e9 (events of 400-3,000 people, rooms absent or
// fixed) it took 0.2 s to over 20 s, not in line with the size: a pivot
// costs what the basis's inverse holds, and how many pivots it takes
// depends on the path. Where it ends, its optimum is the integer optimum
// or close to it, and its plan the best the search finds.
const (
	lpMaxSize  = 2e8
	lpLateSize = 1e10
)

// lpBound solves the LP relaxation of the event's exact MIP (package mip,
// the programme WriteLP writes) by the dual simplex method of package
// solver, and lowers the bound to its value: any prices the method
// reaches give a bound (solver.LP.DualBound), so a solve stopped by ctx
// still gains what it got. On the 16 random events of 200 people of
// BenchmarkSolveMixed200 the LP's optimum is the event's optimum (CBC's),
// which the Lagrangian bound took 0.1-0.5 s to reach.
//
// It takes at most a third of the time left (a tenth beyond lpMaxSize,
// the rest later: lpResume) and is skipped where the MIP is
// not the search's problem (fair mode, repairs: lpEvent is nil), where
// the event is large, with a repeatPair weight (the MIP then has a
// variable per pair of participants), and where some delegation room
// may meet in one of several rounds: there the Lagrangian bound prices
// colleagues by the room's round and is stronger than the LP, which
// may put half a room in each round (on the knowledge day's family at
// 200 people the LP took 0.15-0.2 s and stayed 0.8 % above the optimum,
// which the Lagrangian bound proves in 0.14 s).
func (s *search) lpBound(ctx context.Context) *state {
	ev := s.lpEvent
	if ev == nil || s.lpDone {
		return nil
	}
	s.lpDone = true // once per search, at the start of its first descent
	// With rooms to choose, the Lagrangian bound is the stronger (see the
	// package documentation) and the LP took kennisdag's proof from 27
	// to 372 ms and raised SolveRandom200's gaps from 0.02-0.04 to 0.09-0.10
	// %: only small events, where lpBranch goes on from it, get it.
	if ctx.Err() != nil || s.workDone() || s.pr.nP > lpMaxPeople || ev.Weights.RepeatPair != 0 || (len(s.choosable) > 0 && s.pr.nP > lpBranchMaxPeople) {
		return nil
	}
	// Rows and columns from the sizes alone, before the programme is
	// built (1 s for regional's 3,000 people): a column per participant
	// and session, a row per participant and round or theme and per
	// organisation and session. The colleague increments add up to as
	// many columns again, so programmes up to twice lpLateSize are built
	// before the exact check below rules them out: 20-30 ms at 2,000-3,000
	// people.
	pr := s.pr
	rows, size := s.lpSizeEstimate()
	if size > lpLateSize {
		return nil
	}
	// Under a work limit, the LP must have work for a tenth of its rows in
	// pivots at least (lpResume's test asks for half), or building it only
	// costs time: with a work limit of 1, Repair's quickest plan for 3,000
	// people spent 90 of its 110 ms on a programme that made no pivot.
	if s.opts.WorkLimit > 0 {
		share := int64(3)
		if size > lpMaxSize {
			share = 10
		}
		if int64(rows/10)*max(1, int64(rows)/4) > (s.workCapAt()-pr.work)/share {
			return nil
		}
	}
	run := newLPRun(ev, func(rows, cols int) bool {
		size = float64(rows) * float64(cols)
		return size <= lpLateSize
	})
	if run == nil {
		return nil
	}
	share := 3
	if size > lpMaxSize {
		share = 10
	}
	s.lp = run
	return s.lpRunFor(ctx, share)
}

// lpSizeEstimate gives the rows of the LP relaxation and its rows times
// columns from the event's sizes alone, before the programme is built.
func (s *search) lpSizeEstimate() (rows int, size float64) {
	pr := s.pr
	rows = pr.nP*(pr.nR+pr.nT) + pr.nO*pr.nS
	return rows, float64(rows) * float64(pr.nP*pr.nS)
}

// lpRun is an LP relaxation being solved by the dual simplex method, with
// the pivots made so far and the time they took: lpBound's, kept for
// lpResume, and lpBranch's.
type lpRun struct {
	m         *mip.Model
	sx        *solver.Simplex
	rows      int
	pivotWork int64 // work counted per pivot: a pivot costs a few passes over the rows
	pivots    int
	spent     time.Duration
}

// newLPRun builds the LP relaxation of ev's exact MIP (package mip, the
// programme WriteLP writes) and its simplex method, if fits accepts its
// rows and columns; nil if not, or where the MIP cannot be built (the
// search then finds the reason in its own words).
func newLPRun(ev *model.Event, fits func(rows, cols int) bool) *lpRun {
	m, err := mip.BuildLean(ev)
	if err != nil {
		return nil
	}
	lp := m.Relaxation()
	if !fits(lp.NumRows(), lp.NumCols()) {
		return nil
	}
	sx, err := solver.NewSimplex(lp)
	if err != nil {
		return nil
	}
	return &lpRun{m: m, sx: sx, rows: lp.NumRows(), pivotWork: max(1, int64(lp.NumRows())/4)}
}

// lpResume goes on with an LP that lpBound left unsolved, for half the
// time (or work) left at most, and offers its plan. It gives up on the LP
// instead where, at the pace of its pivots so far, it would not reach
// half as many pivots as the programme has rows (the LPs of events of
// 400-3,000 people measured took 0.3 to 1.5 times that many, two of
// BenchmarkSolvePlain200's 1.7 and 2.6 times) in half the
// time left: without that test, at a 1 s limit, the LP's second slice
// only took time from the Lagrangian bound on events of 400-900 people
// (national's shape at 400 and 900 people: gaps of 2.3 % and 7.6 %
// instead of 0.5 % and 3.3 %). With a whole row count as the test, the
// LPs of 3,000 people (0.35 times their rows) were never taken up at 10 s.
func (s *search) lpResume(ctx context.Context) {
	run := s.lp
	// Its last chance: whatever happens, the programme and its
	// factorisation are not kept for the rest of the search.
	defer func() { s.lp = nil }()
	if run == nil || s.proven(s.bestObj) {
		return
	}
	left := int64(max(run.rows/2-run.pivots, run.rows/10))
	fits := run.pivots > 0
	if s.opts.WorkLimit > 0 {
		fits = fits && left*run.pivotWork <= (s.workCapAt()-s.pr.work)/2
	} else if dl, ok := ctx.Deadline(); ok {
		fits = fits && time.Duration(left)*(run.spent/time.Duration(max(1, run.pivots))) <= time.Until(dl)/2
	}
	if fits {
		s.lpRunFor(ctx, 2)
	}
}

// lpRunFor solves s.lp from its last basis for 1/share of the time (or
// work) left at most. Solved, it lowers the bound to the LP's optimum
// and returns the better of its plans, after offering them: the rounded
// solution, then, if that falls short of the bound, a dive's; s.lp is
// then done with. Stopped, it keeps s.lp for lpResume. The plans are
// not built within the LP's share: an LP that ended near the end of it
// left its plan's repair no time (on a seats-short event of 2,000 people
// the bound reached the optimum and the plan stayed 660 points short).
func (s *search) lpRunFor(ctx context.Context, share int) *state {
	run := s.lp
	s.lpSlices++
	lpCtx, cancel := s.share(ctx, share)
	start := time.Now()
	sol, err := s.lpSolve(lpCtx, run.sx, run.pivotWork)
	cancel()
	if err == nil {
		run.pivots += sol.Iterations
		run.spent += time.Since(start)
	}
	if err != nil || sol.Status == solver.LPInfeasible {
		s.lp = nil // the search reports an infeasible event in its own words
		return nil
	}
	if !math.IsInf(sol.Bound, 1) {
		s.setBound(s.pr.floorBound(sol.Bound))
	}
	if sol.Status != solver.LPOptimal {
		return nil
	}
	s.lp = nil
	best := s.lpPlan(ctx, run.m, sol.X)
	if best != nil && s.proven(s.bestObj) {
		return best
	}
	// The rounded plan falls short: dive towards an integral solution of
	// the LP, for a third of the time left at most, and take its plan if
	// it is better.
	diveCtx, cancel := s.share(ctx, 3)
	defer cancel()
	if x := s.lpDive(diveCtx, run.sx, run.m.Binaries(), sol.X, run.pivotWork); x != nil {
		if st := s.lpPlan(ctx, run.m, x); st != nil && (best == nil || s.pr.evaluate(st) > s.pr.evaluate(best)) {
			best = st
		}
	}
	return best
}

// lpDiveSteps caps the re-solves of a dive.
const lpDiveSteps = 60

// lpDive fixes the LP's binaries, from the solution x of sx, until its
// solution is integral: each step rounds up every binary above one half
// (or, if none is, the largest) and solves again from the last basis; if
// that is infeasible, only the largest goes up, and failing that it goes
// down to 0. It returns the integral solution, or nil when the dive ends
// without one (infeasible, out of steps or time).
func (s *search) lpDive(ctx context.Context, sx *solver.Simplex, bins []int, x []float64, pivotWork int64) []float64 {
	const eps = 1e-6
	for range lpDiveSteps {
		var up []int
		top := -1
		for _, c := range bins {
			v := x[c]
			if v <= eps || v >= 1-eps {
				continue
			}
			if top < 0 || v > x[top] {
				top = c
			}
			if v > 0.5 {
				up = append(up, c)
			}
		}
		if top < 0 {
			return x
		}
		if len(up) == 0 {
			up = []int{top}
		}
		tries := [][]int{up}
		if len(up) > 1 {
			tries = append(tries, []int{top})
		}
		var sol *solver.LPSolution
		for _, fix := range tries {
			for _, c := range fix {
				sx.SetBounds(c, 1, 1)
			}
			var err error
			if sol, err = s.lpSolve(ctx, sx, pivotWork); err != nil {
				return nil
			}
			if sol.Status == solver.LPOptimal {
				break
			}
			for _, c := range fix {
				sx.SetBounds(c, 0, 1)
			}
		}
		if sol.Status != solver.LPOptimal {
			sx.SetBounds(top, 0, 0)
			var err error
			if sol, err = s.lpSolve(ctx, sx, pivotWork); err != nil {
				return nil
			}
			if sol.Status != solver.LPOptimal {
				return nil
			}
		}
		x = sol.X
	}
	return nil
}

// lpSolveWork is the work of a solve beyond its pivots, in pivots: each
// computes the basic values, the row prices and the dual bound afresh,
// passes over the whole programme. When the branch and bound (lpBranch)
// of a 24-person event repeated one node through solves of no pivots
// (an LP that called an infeasible basis optimal; see solver's weights),
// those passes took 11 of 14 s, and uncounted, a work limit never
// stopped it.
const lpSolveWork = 2

// lpSolve solves sx from its last basis and counts its pivots as work,
// pivotWork each, and lpSolveWork more for the solve itself.
func (s *search) lpSolve(ctx context.Context, sx *solver.Simplex, pivotWork int64) (*solver.LPSolution, error) {
	var opts solver.LPOptions
	if s.opts.WorkLimit > 0 {
		// The pivots' work is counted after the solve: under a work limit
		// they are capped beforehand to the share left (search.share).
		left := (s.workCapAt() - s.pr.work) / max(1, pivotWork)
		opts.MaxIterations = int(max(1, min(left, math.MaxInt32)))
	}
	sol, err := sx.Solve(ctx, opts)
	if err == nil {
		s.pr.addWork(int64(sol.Iterations+lpSolveWork) * pivotWork)
	}
	return sol, err
}

// lpPlan builds a plan from the LP's solution x: the rooms it prefers,
// and each participant in the sessions it gives them more than half of;
// repair makes that a valid plan, offered and returned: the first
// descent goes on from it when it is better than its own.
// The LP's optimum is often all but integral, so the plan is near the
// bound from the start.
func (s *search) lpPlan(ctx context.Context, m *mip.Model, x []float64) *state {
	pr := s.pr
	st := pr.newState()
	rooms := map[[2]int]float64{} // (organisation, round) -> share of the room there
	for _, d := range m.Rooms() {
		rooms[[2]int{d.O, d.R}] += x[d.Col]
	}
	worth := func(o, k int) int64 { return int64(math.Round(1e6 * rooms[[2]int{o, pr.delegRounds[k]}])) }
	if err := pr.chooseDelegations(ctx, st, worth); err != nil {
		return nil
	}
	for _, a := range m.Seats() {
		if x[a.Col] <= 0.5 {
			continue
		}
		r := pr.sRound[a.S]
		if pr.free(a.P, st.deleg[pr.pOrg[a.P]])&(1<<r) != 0 && pr.pin(a.P, r) < 0 {
			st.asg[a.P*pr.nR+r] = a.S
		}
	}
	if ok, err := pr.repair(ctx, st); err != nil || !ok {
		return nil
	}
	s.offer(st)
	return st
}
