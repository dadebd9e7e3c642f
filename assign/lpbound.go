package assign

import (
	"context"
	"math"

	"github.com/roundtable-go/roundtable/assign/internal/mip"
	"github.com/roundtable-go/roundtable/solver"
)

// lpMaxPeople is the largest event whose LP relaxation Solve solves by
// the simplex method. The programme has a column per (participant,
// session) a participant may take and a row per participant and round:
// at 200 people 900-2,300 rows, solved in 7-65 ms (BenchmarkSolveMixed200).
const lpMaxPeople = 1000

// lpMaxSize bounds rows times columns of the LP solved: a pivot costs
// time that grows with both, and pivots grow with the rows. At 30 to 50
// million (regional's shape at 200 people; a mixed event of 800) the LP
// took about 2 s here, at 8 million 30-60 ms; national's shape at 1,000
// people (40 themes) would have 7 billion.
const lpMaxSize = 2e8

// lpBound solves the LP relaxation of the event's exact MIP (package mip,
// the programme WriteLP writes) by the dual simplex method of package
// solver, and lowers the bound to its value: any prices the method
// reaches give a bound (solver.LP.DualBound), so a solve stopped by ctx
// still gains what it got. On the 16 random events of 200 people of
// BenchmarkSolveMixed200 the LP's optimum is the event's optimum (CBC's),
// which the Lagrangian bound took 0.1-0.5 s to reach.
//
// It takes at most a third of the time left and is skipped where the MIP is
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
	if s.pr.nP > lpMaxPeople || ev.Weights.RepeatPair != 0 || s.pr.roomRoundsToChoose() {
		return nil
	}
	m, err := mip.BuildLean(ev)
	if err != nil {
		return nil // the search finds the reason itself
	}
	lp := m.Relaxation()
	if float64(lp.NumRows())*float64(lp.NumCols()) > lpMaxSize {
		return nil
	}
	ctx, cancel := s.share(ctx, 3)
	defer cancel()
	sx, err := solver.NewSimplex(lp)
	if err != nil {
		return nil
	}
	pivotWork := int64(lp.NumRows()) / 4 // a pivot costs a few passes over the rows
	sol, err := s.lpSolve(ctx, sx, pivotWork)
	if err != nil {
		return nil
	}
	if sol.Status == solver.LPInfeasible {
		return nil // the search reports it in its own words
	}
	if !math.IsInf(sol.Bound, 1) {
		s.setBound(s.pr.floorBound(sol.Bound))
	}
	if sol.Status != solver.LPOptimal {
		return nil
	}
	best := s.lpPlan(ctx, m, sol.X)
	if best != nil && s.proven(s.bestObj) {
		return best
	}
	// The rounded plan falls short: dive towards an integral solution of
	// the LP and take its plan if it is better.
	if x := s.lpDive(ctx, sx, m.Binaries(), sol.X, pivotWork); x != nil {
		if st := s.lpPlan(ctx, m, x); st != nil && (best == nil || s.pr.evaluate(st) > s.pr.evaluate(best)) {
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

// lpSolve solves sx from its last basis and counts its pivots as work,
// pivotWork each.
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
		s.pr.addWork(int64(sol.Iterations) * pivotWork)
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

// roomRoundsToChoose reports whether some organisation's delegation room
// may meet in more than one round.
func (pr *problem) roomRoundsToChoose() bool {
	for _, o := range pr.delegOrgs() {
		n := 0
		for _, r := range pr.delegRounds {
			if pr.delegRoundOK(o, r) {
				n++
			}
		}
		if n > 1 {
			return true
		}
	}
	return false
}
