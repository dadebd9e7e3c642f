package assign

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/roundtable-go/roundtable/model"
	"github.com/roundtable-go/roundtable/solver"
)

// primalEvery is the fewest subgradient steps between two plans built
// from the relaxation's choices: each costs a descent, a few flows per
// round, while a step costs one pass over the participants.
const primalEvery = 25

// largeEvent is the number of participants above which plans built from
// the relaxation are only repaired, not improved by a full descent.
const largeEvent = 1000

// DefaultTimeLimit is the time limit of a solve when Options sets none.
const DefaultTimeLimit = 10 * time.Second

// Options tune a solve. The zero value is ready to use.
type Options struct {
	// TimeLimit bounds the solve, from the call to the return (validating
	// the event and writing and checking the plan included); 0 means
	// DefaultTimeLimit. The solve stops earlier when the plan is proven
	// optimal.
	TimeLimit time.Duration
	// Seed drives every random choice of the search. Same event, seed and
	// Workers give the same plan.
	Seed uint64
	// Workers is the number of goroutines that evaluate the relaxation,
	// each on its own block of organisations; 0 or 1 runs it on the
	// caller's goroutine. Plans are reproducible for a given seed and
	// number of workers.
	Workers int
	// OnImprove, when set, is called on the solving goroutine each time the
	// plan or the bound improves.
	OnImprove func(Progress)
	// WorkLimit, when above 0, stops the search after this much work (arcs
	// of the flows built plus participants of the relaxation's passes,
	// 1 to 4 million a second here), whichever of it and TimeLimit comes first.
	// Unlike time, work does not depend on the machine: under a work limit
	// the search's stages share out the work left instead of the time
	// left, so a solve stopped by it gives the same plan everywhere, byte
	// for byte (one stopped by TimeLimit depends on the machine's speed
	// and load).
	WorkLimit int64
	// Fair replaces the sum by a lexicographic order: first the fewest
	// missing sessions, then the fewest people placed in a theme they did
	// not rank, then the fewest in their last ranked theme, and so on
	// towards the first choice (as many of these levels as 64-bit costs
	// hold exactly, at least the first two), and only then the objective
	// of docs/FORMAT.md. The search optimises this order (70 % of the time
	// limit) as it does the sum; it finds the fair optimum of tiny events
	// (tested against brute force) but may stop short of it on larger ones.
	// The plan's Objective and Bound remain those of FORMAT.md: Bound is
	// proven for the plain objective (the other 30 % of the time), which a
	// fair plan may not reach.
	Fair bool
}

// Progress is a snapshot of a running solve.
type Progress struct {
	Elapsed   time.Duration
	Objective int64 // of the best plan found
	Bound     int64 // no plan scores above it
	Work      int64 // done so far, in the units of Options.WorkLimit
}

// Gap is (Bound-Objective)/|Bound|, 0 when both are equal.
func (p Progress) Gap() float64 { return Gap(p.Objective, p.Bound) }

// Gap is the proven gap of a plan with this objective and bound,
// (bound-objective)/|bound| (|bound| taken as at least 1), as a fraction:
// 0 when the plan is proven optimal.
func Gap(obj, bound int64) float64 {
	if bound == obj {
		return 0
	}
	return float64(bound-obj) / math.Max(1, math.Abs(float64(bound)))
}

// Solve plans the event: delegation rooms, then who sits in which session
// of each round. It returns the best plan found within the time limit or
// until ctx is done, with a proven bound; the plan obeys every hard rule of
// FORMAT.md. An invalid event gives the validation errors
// (model.ValidationErrors); an event without any valid plan gives a
// *SetupError that says why. Where the search finds no plan, a branch and
// bound over the LP relaxation of the exact MIP looks for one (events of
// up to 3,000 people whose programme is not too large; half the time
// left): when it ends without one, no plan exists. A *SetupError with
// Unproven set says that no plan was found but that the search could not
// prove there is none (the event too large for that search, or its share
// of the time too short). A solve stopped by the time limit or ctx before
// a first plan returns an error that says so.
func Solve(ctx context.Context, ev *model.Event, opts Options) (*model.Plan, error) {
	start := time.Now()
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	if opts.Fair {
		return solveFair(ctx, ev, opts)
	}
	norm := ev.Normalized()
	pr, err := compile(norm)
	if err != nil {
		return nil, err
	}
	limit := opts.TimeLimit
	if limit <= 0 {
		limit = DefaultTimeLimit
	}
	// The limit counts from the call: validation before the search, and
	// writing and checking the plan after it (about 20 µs a participant,
	// kept in reserve) are in it.
	reserve := min(limit/5, time.Duration(pr.nP)*20*time.Microsecond)
	ctx, cancel := context.WithDeadline(ctx, start.Add(limit-reserve))
	defer cancel()
	s := newSearch(pr, opts, start, cancel)
	s.lpEvent = norm
	if err := s.run(ctx); err != nil {
		return nil, err
	}
	return pr.plan(s.best, s.bestObj, s.bound)
}

// newSearch starts a search of pr; stop ends it early (WorkLimit).
func newSearch(pr *problem, opts Options, start time.Time, stop context.CancelFunc) *search {
	return &search{pr: pr, opts: opts, start: start, rng: rand.New(rand.NewPCG(opts.Seed, 0x726f756e64)), stop: stop,
		bound:     math.MaxInt64, // no bound yet
		choosable: pr.roomsToChoose()}
}

// search is one solve in progress.
type search struct {
	pr    *problem
	opts  Options
	start time.Time
	rng   *rand.Rand

	best    *state
	bestObj int64
	bound   int64
	lg      *lagrange

	stop      context.CancelFunc // ends the solve when WorkLimit is reached
	boundOnly bool               // improve the bound only, never the plan
	blindWalk bool               // the last walk was blind to repeats (annealer.blind)

	primalPace  pacer // of the plans built from the relaxation
	stallWalked bool  // stallWalk is done
	// firstEval is startBound's evaluation, until the root's optimise
	// takes it as its first.
	firstEval *evalResult
	// lpEvent is the event whose exact MIP the search solves, for the
	// LP bound (lpBound); nil where the search's problem differs.
	lpEvent *model.Event
	lpDone  bool
	// lp is the LP relaxation lpBound started and lpResume is to finish;
	// nil when there is none or it is done.
	lp *lpRun
	// lpSlices counts the LP's runs: its first, and its resumption.
	lpSlices int
	// choosable lists the organisations whose room may meet in more than
	// one round (problem.roomsToChoose).
	choosable []int
	// rooms is moveRooms' state between calls.
	rooms struct {
		pace  pacer
		tried map[uint64]bool // hashes of the plans it started from
		moves []roomMoveCand  // its moves, and where the next call starts
		next  int
		// bound and value are the root relaxation's bound at its best
		// prices so far and each organisation's value of each of its
		// room's rounds there (lagrange.orgValue plus orgHostValue,
		// indexed as they are).
		bound float64
		value []float64
	}
}

// pacer spaces out a costly stage of the search by the work it took:
// the next run waits until as much work again has been done since the
// last one ended, twice as much after a run that gained nothing, four
// times after two, up to 16 times.
type pacer struct {
	end, cost int64
	wait      uint
}

// due reports whether the stage may run again, the search's work being
// work.
func (p *pacer) due(work int64) bool { return work-p.end >= p.cost<<p.wait }

// done records a run that started at work start and ended at end.
func (p *pacer) done(start, end int64, gained bool) {
	p.end, p.cost = end, end-start
	if gained {
		p.wait = 0
	} else {
		p.wait = min(p.wait+1, 4)
	}
}

func (s *search) report() {
	if s.opts.OnImprove != nil {
		s.opts.OnImprove(Progress{Elapsed: time.Since(s.start), Objective: s.bestObj, Bound: s.bound, Work: s.pr.work})
	}
}

func (s *search) offer(st *state) { s.offerScored(st, s.pr.evaluate(st)) }

// offerScored is offer for a state whose objective obj is known.
func (s *search) offerScored(st *state, obj int64) {
	if obj > s.bestObj || s.best == nil {
		if bad := s.pr.sizeFault(st); bad != "" {
			// A stage's bug, caught before it costs the whole solve:
			// the plan checker would reject this plan at the end, and
			// with it every plan found. The tests make it fatal.
			if strictOffers {
				panic("assign: a stage offered a plan that breaks a rule: " + bad)
			}
			return
		}
		s.best, s.bestObj = st.clone(), obj
		s.report()
	}
}

// strictOffers makes an offered plan that breaks a rule (sizeFault) a
// panic instead of a plan passed over: set by the package's tests.
var strictOffers = false

// sizeFault says which session of st holds more than its capacity, or
// fewer than its minimum without being empty ("" for none): the rules a
// stage's moves are likeliest to break.
func (pr *problem) sizeFault(st *state) string {
	size := make([]int, pr.nS)
	for _, s := range st.asg {
		if s >= 0 {
			size[s]++
		}
	}
	for s, n := range size {
		if n > pr.sCap[s] || (n > 0 && n < pr.sMin[s]) {
			return fmt.Sprintf("session %s holds %d (minimum %d, capacity %d)", pr.ev.Sessions[s].ID, n, pr.sMin[s], pr.sCap[s])
		}
	}
	return ""
}

func (s *search) run(ctx context.Context) error {
	pr := s.pr
	st := pr.newState()
	if err := pr.chooseDelegations(ctx, st, nil); err != nil {
		return err
	}
	if err := pr.balanceDelegations(ctx, st); err != nil {
		return err
	}
	fast := pr.huge() || pr.fastFirst()
	if fast {
		if err := s.firstHuge(ctx, st); err != nil {
			return err
		}
	} else if pr.nP > largeEvent && pr.maxPerOrg == 0 {
		// A plan within a tenth of a second or so, in case the time runs
		// out before the descent's first pass (national's shape at 3,000
		// people takes 1.1-1.6 s to it).
		first, err := s.flatPlan(ctx, st)
		if err != nil {
			return err
		}
		if first != nil {
			s.offer(first)
		}
	}
	if (s.best == nil && ctx.Err() == nil) || !fast {
		if err := s.descend(ctx, st, firstDescentShare); err != nil {
			return err
		}
	} else {
		s.lpBound(ctx) // the descent's start elsewhere; here its plan is offered
	}
	none := false
	if s.best == nil && ctx.Err() == nil {
		none = s.lpFeasible(ctx)
	}
	if s.best == nil {
		if ctx.Err() != nil {
			return fmt.Errorf("assign: stopped before a first plan was found: %w", context.Cause(ctx))
		}
		return &SetupError{Problems: []string{pr.noPlanReason()}, Unproven: !none}
	}
	s.lpBranch(ctx)
	s.lpResume(ctx)
	s.startBound()
	return s.improve(ctx)
}

// startBound sets up the relaxation, once, and takes its value at the
// starting prices as a first bound, so that a solve stopped early still
// returns a finite one.
func (s *search) startBound() {
	if s.lg != nil {
		return
	}
	pr := s.pr
	s.lg = newLagrange(pr)
	s.lg.setWorkers(s.opts.Workers)
	s.lg.initPrices()
	pr.shut = s.lg.sessRule
	L, margin := s.lg.eval()
	if !math.IsInf(L, -1) {
		s.setBound(pr.floorBound(L + margin))
	}
	// Nothing moves the prices or evaluates again before the root's
	// first step, which takes this evaluation instead of repeating it
	// (0.6-0.9 s on national).
	s.firstEval = &evalResult{L, margin}
}

// evalResult is what lagrange.eval returned.
type evalResult struct{ L, margin float64 }

// firstDescentShare is the inverse of the share of the time left, once
// the first plan is offered, that the first descent's passes may take;
// the bound's steps and the plans they guide get the rest. Measured at
// 1 s on 18 events of 300-900 people (regional, flanders, national and
// kennisdag shapes; two runs each way): without a cap the descent took
// the whole second on most of them and the bound stayed at its first
// value (national at 600 people 35 % above the plan, regional at 800
// 3.8 %); with half, the gaps summed over the 18 fell from 71 % to 25 %
// (national at 600 people 6.0 %, regional at 800 0.6 %). At 10 s and on
// the 200-person benchmarks the two were alike.
const firstDescentShare = 2

// descend re-solves one round at a time, every other round fixed, until
// no round improves, and offers the result. Each step first lets people
// swap into the round from another one (the rounds they leave are solved
// again right after), then tries the plain re-solve. Once the first plan
// is offered, the passes take 1/share of the time left at most.
func (s *search) descend(ctx context.Context, st *state, share int) error {
	pr := s.pr
	cur := st.clone()
	// Where the LP is solved (the first descent of events it suits), its
	// plan is the start and the first pass is not needed: it saves about
	// 10 ms of a 200-person event's 50-100.
	lpStart := s.lpBound(ctx)
	if lpStart != nil {
		cur = lpStart
	} else {
		// The first pass builds the rounds in order; it must succeed for
		// the state to obey the minimum sizes.
		for r := range pr.nR {
			if ctx.Err() != nil {
				return nil // building a round may take seconds: not past the limit
			}
			good, _, err := pr.solveRound(ctx, cur, r, false, nil)
			if err != nil || !good {
				return ctxErr(ctx, err)
			}
		}
	}
	obj := pr.evaluate(cur)
	// The first pass is a plan: offered at once, so that a solve stopped
	// during the descent still has it. On large events the descent stops
	// here: the relaxation's guided plans improve on it for less than
	// these passes cost.
	s.offerScored(cur, obj)
	s.startBound()
	ctx, cancelPasses := s.share(ctx, share)
	defer cancelPasses()
	// Reseating takes a third of the passes' time at most: on regional's
	// shape at 200 people (12 themes, 3 rounds) it took all of a 1 s
	// solve, and the bound, which starts after the first descent, never
	// got going.
	reseatCtx, cancel := s.share(ctx, 3)
	defer cancel()
	for improved := pr.nP <= largeEvent; improved && !s.proven(obj) && ctx.Err() == nil && !s.workDone(); {
		improved = false
		for r := range pr.nR {
			for _, swaps := range []bool{true, false} {
				next := cur.clone()
				good, dropped, err := pr.solveRound(ctx, next, r, swaps, nil)
				for q := range pr.nR {
					if good && err == nil && dropped&(1<<q) != 0 {
						good, _, err = pr.solveRound(ctx, next, q, false, nil)
					}
				}
				if err != nil {
					s.offerScored(cur, obj) // what the passes so far found
					return ctxErr(ctx, err)
				}
				if !good {
					continue
				}
				if v := pr.evaluate(next); v > obj {
					cur, obj, improved = next, v, true
				}
			}
			if s.proven(obj) {
				break
			}
		}
		if !improved && ctx.Err() == nil {
			// The flows are stuck: annealing moves people across rounds;
			// failing that, blocks of people are reseated exactly, first
			// each organisation, then people of two sessions of a round;
			// failing that too, delegation rooms move to other rounds (on
			// the knowledge day's and flanders' shapes at 200 people, 1 s,
			// moving rooms before reseating took the gaps summed over 16
			// solves from 0.54-0.75 % to 0.78-0.81 %; last, 0.73 %).
			moves := []struct {
				ctx context.Context
				run func(context.Context, *state) *state
			}{
				{ctx, func(ctx context.Context, st *state) *state {
					return s.anneal(ctx, st, pr.annealBudget(), pr.annealHot())
				}},
				{reseatCtx, s.reseatAll},
				{reseatCtx, s.reseatPairs},
				{ctx, s.moveRooms},
			}
			for _, m := range moves {
				if improved || s.proven(obj) || ctx.Err() != nil {
					break
				}
				next := m.run(m.ctx, cur)
				if v := pr.evaluate(next); v > obj {
					cur, obj, improved = next, v, true
				}
			}
		}
	}
	s.offerScored(cur, obj)
	return nil
}

// hugeAnnealMoves is the number of annealing moves per participant and
// round spent on the first plan of a huge event.
const hugeAnnealMoves = 20

// hugeWalkShare is the inverse of the share of the time left that the
// walk after a huge event's first plan may take. Measured at 30 s once
// the first plan of national came at 4.3 s instead of 17 s (one run each,
// shares 1/4, 1/10 and none): national 0.62/0.35/0.23 % (the walk never
// improved its plan), 10,000 people 0.33/0.32/0.75 % (a tenth still
// finishes the walk's moves), 30,000 0.062/0.056/0.058 %.
const hugeWalkShare = 10

// largeWalkMoves is the number of moves per participant and round of the
// cool walk (temperature 1) that precedes each plan built from the
// relaxation on events of more than largeEvent people. Measured at 10 s
// (one run each, 10 to 100 moves all alike): flanders seeds 1-3 from
// 0.34/0.19/0.42 % to 0.18/0.11/0.19 %, regional from 0.061 % to 0.055 %.
const largeWalkMoves = 50

// annealBudget is the number of annealing moves each time the round
// flows of a descent are stuck: 1,000 per participant and round up to a
// million moves in all, and never fewer than 200 per participant and
// round. Measured against 200 throughout (benchmarks/README.md): on
// regional scaled to 200 people (seeds 1-4) the plans at 1 s reached
// CBC's optimum on 2-3 events instead of none, and BenchmarkSolveRandom200's
// largest gap fell from 0.22 % to 0.11-0.15 %; the knowledge day's
// family event (BenchmarkSolve/kennisdag) is proven in 0.11-0.15 s
// instead of 0.03 s, the embedded one in 0.13 s instead of 0.08 s. A
// move costs about 0.2 microseconds on regional and 1.2 on national
// (measured), so the cap holds one walk to 0.2-1.2 s.
func (pr *problem) annealBudget() int {
	n := pr.nP * pr.nR
	return min(1000*n, max(200*n, 1<<20))
}

// firstHuge makes the first plan of an event too large for round flows
// with the colleague layer within any sensible limit: the rounds are
// solved one after the other as flows without that layer, colleagues are
// then spread over parallel sessions (with maxPerOrganisation, which
// needs the layer, a greedy pass instead), and the plan is annealed. On a
// huge event the search then only improves the bound; on one that
// fastFirst picks it goes on as usual. Nothing is offered when these
// fail (minimum sizes with pins, say): the caller's descent takes over.
func (s *search) firstHuge(ctx context.Context, st *state) error {
	pr := s.pr
	first, err := s.flatPlan(ctx, st)
	if first == nil {
		return err
	}
	s.offer(first)
	s.startBound()
	// A short cool walk, at most a tenth of the time left: the bound
	// gets the rest.
	s.coolWalk(ctx, first, hugeAnnealMoves, hugeWalkShare)
	s.boundOnly = pr.huge()
	return nil
}

// flatPlan builds a plan from st (rooms and pins in place) with the round
// flows without the colleague layer, one after the other, then spreads
// colleagues over parallel sessions (sizes kept); with
// maxPerOrganisation, which needs the layer, the greedy pass instead. It
// returns nil when these fail (minimum sizes with pins, say) or ctx ends.
func (s *search) flatPlan(ctx context.Context, st *state) (*state, error) {
	pr := s.pr
	first := st.clone()
	if pr.maxPerOrg > 0 {
		if !pr.greedy(ctx, first, s.rng) {
			return nil, nil
		}
		return first, nil
	}
	pr.flat = true
	defer func() { pr.flat = false }()
	for r := range pr.nR {
		good, _, err := pr.solveRound(ctx, first, r, false, nil)
		if err != nil || !good {
			return nil, ctxErr(ctx, err)
		}
	}
	if !pr.spread(ctx, first) {
		return nil, nil
	}
	return first, nil
}

// fastFirst reports whether an event that is not huge still takes its
// first plan from firstHuge (after which the search goes on as usual):
// more than largeEvent people, no delegation rooms to place, no
// maxPerOrganisation (firstHuge would fall back on the greedy pass), and
// no organisation larger than the sessions of a round, so that spreading
// colleagues over sessions can undo most of what the flows without the
// colleague layer overlook. Measured at 1 s on regional seeds 1-3 (3,000
// people, organisations of up to 66-88 people, 106-113 sessions a round):
// gap 0.14/0.16/0.11 % -> 0.07/0.09/0.08 %, the first plan at 0.08 s
// instead of 0.45 s, so the bound gets the time. On national's shape at
// 3,000 people (an organisation of 180 for 92 sessions a round) and on
// flanders (rooms to place) the plan came out worse, hence the rule.
func (pr *problem) fastFirst() bool {
	if pr.nP <= largeEvent || pr.maxPerOrg > 0 || len(pr.delegOrgs()) > 0 {
		return false
	}
	biggest := 0
	for _, m := range pr.oMembers {
		biggest = max(biggest, len(m))
	}
	for _, ss := range pr.roundSess {
		if len(ss) > 0 && len(ss) < biggest {
			return false
		}
	}
	return true
}

// workDone reports whether Options.WorkLimit is reached.
func (s *search) workDone() bool {
	return s.opts.WorkLimit > 0 && s.pr.work >= s.opts.WorkLimit
}

// share gives a stage of the search 1/n of what is left: of the time
// (shareOfTimeLeft), or, under a work limit (Options.WorkLimit), of the
// work, and no share of the time. A share of time ends wherever the
// machine happens to be; a share of work ends at the same point of the
// search on every machine, so that a solve stopped by its work limit
// gives the same plan everywhere. The stage's context is cancelled once
// the work passes its share (problem.addWork); call the returned function
// when the stage ends.
func (s *search) share(ctx context.Context, n int) (context.Context, context.CancelFunc) {
	if s.opts.WorkLimit <= 0 {
		return shareOfTimeLeft(ctx, n)
	}
	pr := s.pr
	at := pr.work + max(0, s.workCapAt()-pr.work)/int64(n)
	cctx, cancel := context.WithCancel(ctx)
	k := len(pr.caps)
	pr.caps = append(pr.caps, workCap{at: at, cancel: cancel})
	pr.addWork(0) // a share of nothing ends at once
	return cctx, func() {
		pr.caps = pr.caps[:k]
		cancel()
	}
}

// workCapAt is the work at which the innermost stage running ends: its
// share, or the work limit (math.MaxInt64 without one).
func (s *search) workCapAt() int64 {
	if k := len(s.pr.caps); k > 0 {
		return s.pr.caps[k-1].at
	}
	if s.opts.WorkLimit > 0 {
		return s.opts.WorkLimit
	}
	return math.MaxInt64
}

// workCap is a stage's share of the work: its context is cancelled once
// the work reaches at.
type workCap struct {
	at     int64
	cancel context.CancelFunc
}

// addWork counts work done and ends the stages whose share it used up.
// The whole search stops at the work limit elsewhere (search.workDone),
// where it has a plan to return.
func (pr *problem) addWork(n int64) {
	pr.work += n
	for _, c := range pr.caps {
		if pr.work >= c.at {
			c.cancel() // and every stage inside it
			return
		}
	}
}

// shareOfTimeLeft returns ctx with a deadline 1/n of its time left from
// now, when it has one.
func shareOfTimeLeft(ctx context.Context, n int) (context.Context, context.CancelFunc) {
	if dl, ok := ctx.Deadline(); ok {
		return context.WithTimeout(ctx, time.Until(dl)/time.Duration(n))
	}
	return ctx, func() {}
}

// ctxErr turns an error caused by the end of the time limit into nil: the
// search simply stops with what it has.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// proven reports whether a plan worth obj, or the best plan, reaches the
// bound: nothing is left to find.
func (s *search) proven(obj int64) bool {
	if s.best != nil {
		obj = max(obj, s.bestObj)
	}
	return obj >= s.bound
}

// improve proves the bound: subgradient steps on the prices at the root,
// then, while a gap remains, a branch and bound (see prove).
func (s *search) improve(ctx context.Context) error {
	if s.proven(s.bestObj) {
		return nil // proven optimal already (by the LP bound)
	}
	tried := map[uint64]bool{}
	saved := s.lg.save(nil)
	b, err := s.prove(ctx, tried, 0)
	if err != nil {
		return err
	}
	s.setBound(b)
	if s.boundOnly {
		return nil
	}
	return s.perturb(ctx, tried, saved)
}

// perturb spends the time the proof leaves on the plan: it shakes the
// root's prices by up to ±25 % at random (from Options.Seed) and builds a
// plan from the relaxation's choices under them, again and again, until
// the plan is proven optimal or time or work runs out.
func (s *search) perturb(ctx context.Context, tried map[uint64]bool, root []float64) error {
	lg := s.lg
	lg.allowed = nil
	clear(lg.fix)
	clear(lg.ban)
	clear(lg.sessRule)
	shaken := make([]float64, len(root))
	for ctx.Err() == nil && s.bestObj < s.bound {
		for i, x := range root {
			shaken[i] = x * (1 + 0.5*(s.rng.Float64()-0.5))
		}
		lg.restore(shaken)
		if L, _ := lg.eval(); math.IsInf(L, -1) {
			return nil
		}
		before := s.pr.work
		if err := s.tryDelegations(ctx, tried); err != nil {
			return err
		}
		s.pr.addWork(int64(s.pr.nP * s.pr.nR))
		if s.workDone() {
			s.stop()
		}
		if s.pr.work == before+int64(s.pr.nP*s.pr.nR) && s.pr.nP == 0 {
			return nil // nothing to place: no plan can change
		}
	}
	return nil
}

func (s *search) setBound(b int64) {
	if s.best != nil {
		b = max(b, s.bestObj) // the floor may not go below a plan found
	}
	if b < s.bound {
		s.bound = b
		if s.best != nil { // progress is reported from the first plan on
			s.report()
		}
	}
}

// optimise takes subgradient steps from the current prices until the
// bound proves the best plan optimal, the step size has shrunk to nothing,
// or time is up. It returns the best bound seen (already floored;
// math.MinInt64 when the branch has no plan at all) and leaves the prices
// where it was found. Plans are built from the relaxation's choices along
// the way.
func (s *search) optimise(ctx context.Context, tried map[uint64]bool, top bool) (int64, error) {
	lg := s.lg
	theta := 1.0
	bestL, best := math.Inf(1), int64(math.MaxInt64)
	saved := lg.save(nil)
	stall := 0
	var pol *polisher
	if top && s.pr.nP <= largeEvent && !lg.pool && (len(s.choosable) == 0 || len(s.choosable) > polishRoomChoices) {
		pol = &polisher{}
	}
	var pb *pooledBundle
	if top {
		pb = s.newPooledBundle(ctx)
	}
	for iter := 0; ctx.Err() == nil; iter++ {
		var L, margin float64
		if first := s.firstEval; top && first != nil {
			L, margin, s.firstEval = first.L, first.margin, nil
		} else {
			L, margin = lg.eval()
		}
		if math.IsInf(L, -1) {
			return math.MinInt64, nil
		}
		overshot := false
		if pb != nil {
			pb.observe(L, bestL)
		}
		if L < bestL {
			bestL, stall = L, 0
			best = min(best, s.pr.floorBound(L+margin))
			saved = lg.save(saved)
			if top {
				s.setBound(best)
				s.keepRoomValues(L + margin)
			}
		} else if pb == nil {
			// Too long without progress, or, on large events, a step that
			// overshot by more than the gap left (Polyak's step feeds on
			// the gap, so one overshoot breeds larger ones): halve the
			// step, and after an overshoot go back to the best prices. On
			// small events steps are cheap and the plans built from the
			// relaxation gain from its wandering: with this rule there, 36
			// of the 40 events of TestSolveMatchesCBC reached CBC's
			// optimum instead of 38.
			stall++
			overshot = L-bestL > bestL-float64(s.bestObj) && s.pr.nP > largeEvent
			limit := 40
			if lg.pool {
				limit = 20 // pooled, the steps overshoot sooner
			}
			if stall >= limit || overshot {
				theta /= 2
				stall = 0
				if overshot {
					lg.restore(saved)
					clear(lg.dir)
				}
				if lg.pool && theta < poolUntil {
					lg.unpool()
				}
				if top && lg.pool && !s.stallWalked && !s.boundOnly && s.pr.nP > largeEvent {
					s.stallWalk(ctx)
				}
			}
		}
		if best <= s.bestObj || s.proven(s.bestObj) {
			break
		}
		// Plans from the relaxation's choices get about as much work as the
		// steps, and at least primalEvery steps pass between two. Work is
		// counted, not timed, so that a solve is reproducible. While the
		// prices are pooled, the choices crowd the first of each theme's
		// parallel sessions and make poor plans: only the rooms' rounds,
		// when there are rooms to choose, are worth a plan so early.
		s.pr.addWork(int64(s.pr.nP * s.pr.nR))
		if s.workDone() {
			s.stop()
			break
		}
		if overshot {
			continue // the prices went back: evaluate them again
		}
		if !s.boundOnly && (!lg.pool || lg.nOpt > 1) && iter%primalEvery == primalEvery-1 && s.primalPace.due(s.pr.work) {
			w0, obj0 := s.pr.work, s.bestObj
			if s.pr.nP > largeEvent {
				// The descent does not run on large events: a short cool
				// walk from the best plan finds what the flows cannot.
				s.coolWalk(ctx, s.best, largeWalkMoves, 1)
			}
			if err := s.tryDelegations(ctx, tried); err != nil {
				return best, err
			}
			// Each plan that does not beat the best makes the next one
			// wait twice as long (up to 16 times its cost), so that the
			// bound gets the time plans do not use.
			s.primalPace.done(w0, s.pr.work, s.bestObj > obj0)
		}
		if pb != nil {
			if pb.step(ctx, L, bestL) {
				continue
			}
			// The pooled prices are as good as the bundle makes them:
			// from the best, every price moves on its own, as after the
			// subgradient's pooled start.
			pb = nil
			lg.unpool()
			lg.restore(saved)
			theta = 0.25 // as after the two halvings that end a pooled start
			continue
		}
		if pol != nil && !pol.done && theta < polishTheta && pol.since >= polishSlice {
			best = min(best, s.polish(ctx, pol, saved, polishSlice))
			if best <= s.bestObj || s.proven(s.bestObj) {
				break
			}
			continue // evaluate the steps' prices again: the polish left its own choices
		}
		if pol != nil {
			pol.since++
		}
		if theta < 1e-6 || !lg.step(L, float64(s.bestObj), theta) {
			if pol != nil && !pol.done && ctx.Err() == nil {
				// The steps are over: the polish takes what it still needs.
				best = min(best, s.polish(ctx, pol, saved, polishEvals))
			}
			break
		}
	}
	lg.restore(saved)
	return best, nil
}

// polishTheta is the subgradient's step factor below which the root of a
// small event whose rooms are fixed (or absent) starts polishing its bound
// (search.polish): by then the steps have halved four times without
// reaching the best plan.
const polishTheta = 0.1

// polishRoomChoices is the number of rooms with a round to choose beyond
// which the root polishes its bound too: the branch and bound over the
// rooms' rounds (search.prove), which on smaller events proves what the
// polish would delay (the knowledge day's shape at 200 people, 25 rooms:
// proven at 1 s without the polish, 5 points short with it, seeds 1-3),
// has too many of them to get far. Measured at 10 s, search seeds 1-3, on
// genevent's seed 3 of the knowledge day's shape at 400-900 people (49-111
// rooms in two rounds) and of flanders' at 600 and 900 (33 and 50 rooms in
// three), 15 solves: the gaps summed fell from 1.01 % to 0.56 % (flanders
// at 900 people 0.14-0.19 % to 0.025-0.04 %).
const polishRoomChoices = 32

// The polish runs in slices of polishSlice evaluations, one after every
// polishSlice subgradient steps, so that plans keep being built from the
// steps' prices while it runs; it ends when it stalls (bundleStall
// evaluations without progress, once more after a fresh start that gained
// nothing) or after polishEvals in all.
const (
	polishSlice = 25
	polishEvals = 5000
)

// polisher is the state of the root's polish between its slices.
type polisher struct {
	pb    *pooledBundle
	bestL float64
	evals int
	since int  // subgradient steps since the last slice
	done  bool // stalled, or polishEvals spent
	// restartL is bestL when the bundle last started afresh (+Inf before
	// its first restart): a restart is made only after a gain since.
	restartL float64
	bound    int64 // the best bound the polish proved
	cur      []float64
}

// polish runs up to n evaluations of the bundle method over every price
// on its own (solver.Bundle), starting, the first time, from the prices
// start, and then from where its last slice left off; it reports each
// better bound (setBound) and returns the best it proved in this slice
// (math.MaxInt64 if none). The steps' prices are restored afterwards, but
// not the relaxation's choices: the caller evaluates them again.
//
// On small events the subgradient steps level off above the LP bound: on
// 16 random events of 200 people (FORMAT.md's rules mixed, rooms absent or
// in one round) the bound stayed 5 to 980 points (up to 3.3 %) above
// CBC's optimum on 5 of them at 1 s (on the two of those run for 10 s,
// until the end), where the bundle method reaches it on all 16. The
// steps' own prices stay as they were: their wandering is what finds the
// plans (with the polished prices kept instead, 3 fewer of
// TestSolveMatchesCBC's 40 events reached CBC's optimum), and on events
// with a few rooms to place the polish took time the rooms' branch
// and bound used better (polishRoomChoices).
func (s *search) polish(ctx context.Context, pol *polisher, start []float64, n int) int64 {
	lg := s.lg
	pol.since = 0
	pol.cur = lg.save(pol.cur)
	defer lg.restore(pol.cur)
	if pol.pb == nil {
		ps := lg.newFullSpace()
		if ps.n > bundleMemory/bundleCuts {
			pol.done = true
			return math.MaxInt64
		}
		pol.pb = &pooledBundle{s: s, ps: ps, b: ps.newBundle()}
		pol.bestL, pol.restartL, pol.bound = math.Inf(1), math.Inf(1), math.MaxInt64
		lg.restore(start)
	} else {
		pol.pb.ps.write(pol.pb.ps.y) // where the last slice's step went
	}
	pb := pol.pb
	bound := int64(math.MaxInt64)
	for range n {
		if ctx.Err() != nil {
			break
		}
		if pol.evals++; pol.evals > polishEvals {
			pol.done = true
			break
		}
		L, margin := lg.eval()
		if math.IsInf(L, -1) {
			pol.done = true
			break
		}
		pb.observe(L, pol.bestL)
		if L < pol.bestL {
			pol.bestL = L
			bound = min(bound, s.pr.floorBound(L+margin))
			pol.bound = min(pol.bound, bound)
			s.setBound(bound)
		}
		s.pr.addWork(int64(s.pr.nP * s.pr.nR))
		if s.workDone() {
			s.stop()
			break
		}
		// A bundle that stalls has often only filled its bundleCuts cuts
		// with ones that no longer fit where it stands: it starts afresh
		// from its centre, as long as the last start gained something. On
		// a national event of 600 people (genevent -seed 3) the first
		// bundle stalled after 168 evaluations 130 points above CBC's
		// optimum, where the bound then stayed for a 60 s solve; with the
		// restarts it reaches the optimum within 10 s. Where another part
		// of the search holds a better bound (the LP), the polish cannot
		// beat it and its time goes to the steps' plans instead: on one
		// of BenchmarkSolvePlain200's events restarts there took the proof
		// from 3.8 s to 5.7 s.
		if bound > s.bestObj && !s.proven(s.bestObj) && pb.stall >= bundleStall && pol.bestL < pol.restartL && pol.bound <= s.bound {
			pol.restartL = pol.bestL
			c, _ := pb.b.Center()
			copy(pb.ps.y, c)
			pb.ps.write(pb.ps.y)
			pb.wrote = true
			pb.stall = 0
			pb.b = pb.ps.newBundle()
			continue
		}
		if bound <= s.bestObj || s.proven(s.bestObj) || !pb.step(ctx, L, pol.bestL) {
			pol.done = true
			break
		}
	}
	return bound
}

// pooledBundle moves the pooled prices of a large event at the root by a
// proximal bundle method (solver.Bundle) instead of subgradient steps.
// Each step aims at a decrease of half the gap to the best plan, the
// way Polyak's step size does. Measured against the pooled subgradient
// steps it replaced (benchmarks/README.md): regional (3,000 people) at
// 1 s, mean gap over seeds 1-5 0.060-0.077 % -> 0.047-0.050 %; flanders
// at 10 s 0.090 % -> 0.083-0.088 %; national's shape at 3,000 people
// at 10 s 0.61 % -> 0.22-0.26 %. Where parallel sessions are not pooled,
// bundle steps did worse than subgradient steps (on random events of
// 200 people, mean gap at 1 s 0.05 % -> 0.31 %; regional unpooled from
// the start, 0.12 % at 10 s): the prices chase each other among
// parallel sessions as before, and each step costs a quadratic
// programme.
type pooledBundle struct {
	s      *search
	ps     *pooledSpace
	b      *solver.Bundle
	stall  int       // evaluations since optimise's best value last fell by a billionth
	walkAt time.Time // when stallWalk is due at the latest (zero: never)
	// walkWork replaces walkAt under a work limit: the work at which the
	// walk is due (0: never).
	walkWork int64
	wrote    bool // the prices are ps.y, written by step
}

// bundleStall is the number of evaluations without progress after which
// the pooled bundle ends.
const bundleStall = 50

// newPooledBundle returns the bundle method of the current pooled prices,
// or nil when they are not pooled or too many for bundleMemory.
func (s *search) newPooledBundle(ctx context.Context) *pooledBundle {
	lg := s.lg
	n := lg.pooledDim()
	if n == 0 || n > bundleMemory/bundleCuts {
		return nil
	}
	pb := &pooledBundle{s: s, ps: lg.newPooledSpace()}
	pb.b = pb.ps.newBundle()
	if s.opts.WorkLimit > 0 {
		pb.walkWork = s.pr.work + max(0, s.opts.WorkLimit-s.pr.work)/walkAtShare
	} else if dl, ok := ctx.Deadline(); ok {
		pb.walkAt = time.Now().Add(time.Until(dl) / walkAtShare)
	}
	return pb
}

// The pooled bundle makes its stall walk once the bound is within walkGap
// (a fraction of the best plan's objective) of the best plan, or at the
// latest once 1/walkAtShare of the time it started with has passed: on
// regional at 1 s that is where the bound's steps begin to gain less
// than the walk does (with a gap of 0.1 %, 0.052 % at 1 s instead of
// 0.050 %), and on national's shape the gap stays above it for long.
const (
	walkGap     = 0.0005
	walkAtShare = 3
)

// observe counts the evaluation of value L against the best value
// before it.
func (pb *pooledBundle) observe(L, best float64) {
	if L < best-1e-9*math.Abs(L) {
		pb.stall = 0
	} else {
		pb.stall++
	}
}

// step feeds the bundle the last evaluation (value L; bestL the best so
// far) and sets the prices to its next point. It reports false, changing
// nothing, when the bundle has stalled.
func (pb *pooledBundle) step(ctx context.Context, L, bestL float64) bool {
	s, b, ps := pb.s, pb.b, pb.ps
	norm := ps.read(!pb.wrote) // once written, ps.y is the prices' point
	obj := float64(s.bestObj)
	if b.T == 0 {
		// The first step is Polyak's.
		b.T = math.Max(L-obj, 1e-3) / max(norm, 1e-9)
	}
	b.Target, b.Level = obj, 0.5
	b.Observe(ps.y, L, ps.g)
	if pb.stall >= bundleStall {
		return false
	}
	b.Next(ps.y)
	if !s.stallWalked && !s.boundOnly && s.pr.nP > largeEvent {
		if bestL-obj < walkGap*math.Abs(obj) || (!pb.walkAt.IsZero() && time.Now().After(pb.walkAt)) || (pb.walkWork > 0 && s.pr.work >= pb.walkWork) {
			s.stallWalk(ctx)
		}
	}
	for _, v := range ps.y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false // no such price may reach eval: it would skip the session
		}
	}
	ps.write(ps.y)
	pb.wrote = true
	return true
}

// stallWalkMoves is the number of moves per participant and round of
// stallWalk.
const stallWalkMoves = 400

// stallWalk makes a cool walk of stallWalkMoves from the best plan, in
// at most half the time left, once on events of more than largeEvent
// people: where the pooled subgradient steps first stall (they level off
// there for a while: on regional from about 0.5 to 2.7 s), or where the
// pooled bundle method says (see walkGap). Measured with the subgradient
// steps at 1 s on regional seeds 1-5, mean gap: 0.071 and 0.072 % in two
// runs before; 0.060, 0.062 and 0.069 % in three runs after (200 and 800
// moves gave 0.060-0.068 %); at 10 s 0.037 % -> 0.035 %; flanders
// unchanged.
func (s *search) stallWalk(ctx context.Context) {
	s.stallWalked = true
	s.coolWalk(ctx, s.best, stallWalkMoves, 2)
}

// coolWalk offers the best plan of a cool walk (temperature 1 falling to
// a tenth) of perMoves moves per participant and round from st, within
// 1/share of the time left.
func (s *search) coolWalk(ctx context.Context, st *state, perMoves, share int) {
	wctx, cancel := s.share(ctx, share)
	defer cancel()
	s.offer(s.anneal(wctx, st, perMoves*s.pr.nP*s.pr.nR, 1))
}

// poolUntil ends the pooled start of the prices (lagrange.pool): once the
// step size has halved twice (theta below it), every price moves on its
// own. Measured on regional (3,000 people, benchmarks/README.md), the
// pooled start took the gap at 1 s from 2.7 % to 0.08-0.14 %; staying
// pooled to the end left the bound of flanders a little higher at 10 s.
const poolUntil = 0.3

// branch is one child of a node of the branch and bound: a decision and
// how to take it back.
type branch struct{ apply, undo func() }

// prove returns a bound on the plans that obey the decisions taken so far
// (in s.lg). It optimises the prices; removes every room round whose
// value in the relaxation proves it cannot beat the best plan; then
// branches, depth first, on the first of: the organisation whose room's
// round is the closest call; a session with a minimum that the relaxation
// fills only partly (held at its minimum, or shut); an overfull session
// (one of its members fixed into its theme in that round, or banned from
// it). When time runs out it returns what it has proven so far.
func (s *search) prove(ctx context.Context, tried map[uint64]bool, depth int) (int64, error) {
	lg := s.lg
	parentAllowed := lg.allowed
	defer func() { lg.allowed = parentAllowed }()
	bound, err := s.optimise(ctx, tried, depth == 0)
	if err != nil || bound <= s.bestObj || s.proven(s.bestObj) || ctx.Err() != nil {
		return bound, err
	}
	// Evaluate at the best prices to read the relaxation's choices.
	L, margin := lg.eval()
	if math.IsInf(L, -1) {
		return math.MinInt64, nil
	}
	if depth == 0 {
		// With a repeatPair weight, the relaxation that counts repeats
		// goes on from these prices first: the branches below cannot
		// close a gap made of repeats.
		if rb := newRepeatBound(s.pr, lg); rb != nil {
			rctx, cancel := s.share(ctx, 3)
			rb.optimise(rctx, s)
			cancel()
		}
	}
	// The choices at the best prices may be a plan, or close to one.
	if !s.boundOnly {
		if err := s.tryDelegations(ctx, tried); err != nil {
			return bound, err
		}
	}
	if bound <= s.bestObj || s.proven(s.bestObj) {
		return bound, nil
	}
	children, pruned := s.roomBranches(L, margin)
	if pruned {
		return s.bestObj, nil
	}
	if children == nil {
		children = s.sessionBranches()
	}
	if children == nil {
		return bound, nil // nothing left to branch on: the bound stands
	}
	saved := lg.save(nil)
	result := int64(math.MinInt64)
	for _, ch := range children {
		if ctx.Err() != nil {
			lg.restore(saved)
			return bound, nil // the unexplored children keep this node's bound
		}
		ch.apply()
		lg.restore(saved)
		b, err := s.prove(ctx, tried, depth+1)
		ch.undo()
		if err != nil || ctx.Err() != nil {
			lg.restore(saved)
			return bound, err
		}
		result = max(result, b)
	}
	lg.restore(saved)
	return min(bound, max(result, s.bestObj)), nil
}

// roomBranches rules out the room rounds the relaxation's values condemn
// (lg.allowed becomes the node's own copy) and returns one child per
// remaining round of the organisation whose choice is the closest call, or
// nil when every room is decided. pruned reports an organisation left
// without any round: no plan of the node beats the best one.
func (s *search) roomBranches(L, margin float64) (children []branch, pruned bool) {
	pr, lg := s.pr, s.lg
	if lg.nOpt < 2 {
		return nil, false
	}
	allowed := slices.Clone(lg.allowed)
	if allowed == nil {
		allowed = make([]uint64, pr.nO)
		for i := range allowed {
			allowed[i] = allRounds(lg.nOpt)
		}
	}
	lg.allowed = allowed
	branchOrg, closest := -1, math.Inf(1)
	for o := range pr.nO {
		if !pr.oDeleg[o] {
			continue
		}
		value := func(k int) float64 { return lg.orgValue[o*lg.nOpt+k] + lg.orgHostValue[o*lg.nOpt+k] }
		top := math.Inf(-1)
		for k := range lg.nOpt {
			if allowed[o]&(1<<k) != 0 {
				top = max(top, value(k))
			}
		}
		for k := range lg.nOpt {
			// With o forced to round k the bound at these prices is L less
			// what o gives up.
			if allowed[o]&(1<<k) != 0 && s.pr.floorBound(L-top+value(k)+margin) <= s.bestObj {
				allowed[o] &^= 1 << k
			}
		}
		if allowed[o] == 0 {
			return nil, true
		}
		if bits.OnesCount64(allowed[o]) >= 2 {
			second := math.Inf(-1)
			for k := range lg.nOpt {
				if allowed[o]&(1<<k) != 0 && value(k) < top {
					second = max(second, value(k))
				}
			}
			if d := top - second; d < closest {
				branchOrg, closest = o, d
			}
		}
	}
	if branchOrg < 0 {
		return nil, false
	}
	o, was := branchOrg, allowed[branchOrg]
	for k := range lg.nOpt {
		if was&(1<<k) != 0 {
			children = append(children, branch{
				apply: func() { lg.allowed[o] = 1 << k },
				undo:  func() { lg.allowed[o] = was },
			})
		}
	}
	return children, false
}

// sessionBranches picks a session the relaxation fills against a rule:
// partly, below a minimum (children: held at the minimum, shut); beyond
// its seats, or with more colleagues of one organisation than their price
// pays for (children: the least-valued free member concerned fixed into
// the session's theme in that round, or banned from it).
func (s *search) sessionBranches() []branch {
	pr, lg := s.pr, s.lg
	for sid := range pr.nS {
		n := int(lg.count[sid])
		if lg.sessRule[sid] != ruleFree || n == 0 || n >= pr.sMin[sid] {
			continue
		}
		held := branch{
			apply: func() { lg.sessRule[sid] = ruleHeld },
			undo:  func() { lg.sessRule[sid], lg.mu[sid] = ruleFree, 0 },
		}
		shut := branch{
			apply: func() { lg.sessRule[sid] = ruleShut },
			undo:  func() { lg.sessRule[sid] = ruleFree },
		}
		if 2*n >= pr.sMin[sid] {
			return []branch{held, shut}
		}
		return []branch{shut, held}
	}
	worst, over := -1, 0
	for sid := range pr.nS {
		if d := int(lg.count[sid]) - pr.sCap[sid]; d > over {
			worst, over = sid, d
		}
	}
	org := -1 // branch among this organisation's members only
	if worst < 0 && lg.useSigma {
		// No overfull session: one where an organisation sends more
		// colleagues than the colleague price pays for.
		for i, c := range lg.countOS {
			if lg.chosen[i/pr.nS] && int(c) > int(lg.nStar[i]) && int(c)-int(lg.nStar[i]) > over {
				worst, over, org = i%pr.nS, int(c)-int(lg.nStar[i]), i/pr.nS/lg.nOpt
			}
		}
	}
	if worst < 0 {
		return nil
	}
	r, t := pr.sRound[worst], pr.sTheme[worst]
	who, least := -1, int64(math.MaxInt64)
	for p := range pr.nP {
		key := p*pr.nR + r
		if lg.asg[key] != worst || pr.pin(p, r) >= 0 || (org >= 0 && pr.pOrg[p] != org) {
			continue
		}
		if _, fixed := lg.fix[key]; fixed {
			continue
		}
		if v := pr.value(p, worst); v < least {
			who, least = p, v
		}
	}
	if who < 0 {
		return nil
	}
	key := who*pr.nR + r
	return []branch{
		{apply: func() { lg.fix[key] = t }, undo: func() { delete(lg.fix, key) }},
		{apply: func() { lg.ban[key*pr.nT+t] = true }, undo: func() { delete(lg.ban, key*pr.nT+t) }},
	}
}

// tryDelegations starts a descent from the rooms that are best by the
// relaxation's value of each organisation's choice, within the hosts'
// limits, when they differ from the rooms tried before.
func (s *search) tryDelegations(ctx context.Context, tried map[uint64]bool) error {
	pr, lg := s.pr, s.lg
	st := pr.newState()
	worth := func(o, k int) int64 {
		v := lg.orgValue[o*lg.nOpt+k]
		if !(v > -1e9) { // -Inf, NaN included
			return -1e9 // a round the current branch rules out, or next to worthless
		}
		return int64(math.Round(min(v, 1e9)))
	}
	if err := pr.chooseDelegations(ctx, st, worth); err != nil {
		return ctxErr(ctx, err)
	}
	// The participants' own choices at the current prices, where the
	// rooms allow them, are the starting point: they tell who should be in
	// which round, which the round-by-round descent cannot see.
	for p := range pr.nP {
		free := pr.free(p, st.deleg[pr.pOrg[p]])
		for r := range pr.nR {
			if s := lg.asg[p*pr.nR+r]; s >= 0 && free&(1<<r) != 0 {
				st.asg[p*pr.nR+r] = s
			}
		}
	}
	key := st.hash()
	if tried[key] {
		return nil
	}
	tried[key] = true
	ok, err := pr.repair(ctx, st)
	if err != nil || !ok {
		return ctxErr(ctx, err)
	}
	s.offer(st)
	if pr.nP > largeEvent {
		// A full descent from every repaired plan costs too much here;
		// one pass over its rounds finishes the repair.
		return s.improvePass(ctx, st)
	}
	// A quarter of the time left at most, so that the bound keeps most
	// of it: on national's shape at 1,000 people one descent took 5 s,
	// and the bound got a few steps of a 10 s solve.
	dctx, cancel := s.share(ctx, 4)
	defer cancel()
	return ctxErr(ctx, s.descend(dctx, st, 1))
}

// improvePass re-solves each round of st once, letting people swap in
// from other rounds, keeps what improves it, and offers the result.
func (s *search) improvePass(ctx context.Context, st *state) error {
	pr := s.pr
	cur := st.clone()
	obj := pr.evaluate(cur)
	for r := range pr.nR {
		next := cur.clone()
		good, dropped, err := pr.solveRound(ctx, next, r, true, nil)
		for q := range pr.nR {
			if good && err == nil && dropped&(1<<q) != 0 {
				good, _, err = pr.solveRound(ctx, next, q, false, nil)
			}
		}
		if err != nil {
			return ctxErr(ctx, err)
		}
		if good {
			if v := pr.evaluate(next); v > obj {
				cur, obj = next, v
			}
		}
	}
	s.offer(cur)
	return nil
}

func (pr *problem) noPlanReason() string {
	return "no assignment meets the minimum session sizes and the pins together; lower the minimums or remove pins"
}
