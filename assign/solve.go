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
	// TimeLimit bounds the solve; 0 means DefaultTimeLimit. The solve
	// stops earlier when the plan is proven optimal.
	TimeLimit time.Duration
	// Seed drives every random choice of the search. Same event, seed and
	// Workers give the same plan.
	Seed uint64
	// Workers is the number of goroutines of the search; 0 or 1 runs it on
	// the caller's goroutine.
	Workers int
	// OnImprove, when set, is called on the solving goroutine each time the
	// plan or the bound improves.
	OnImprove func(Progress)
}

// Progress is a snapshot of a running solve.
type Progress struct {
	Elapsed   time.Duration
	Objective int64 // of the best plan found
	Bound     int64 // no plan scores above it
}

// Gap is (Bound-Objective)/|Bound|, 0 when both are equal.
func (p Progress) Gap() float64 { return gap(p.Objective, p.Bound) }

func gap(obj, bound int64) float64 {
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
// *SetupError that says why.
func Solve(ctx context.Context, ev *model.Event, opts Options) (*model.Plan, error) {
	if err := ev.Validate(); err != nil {
		return nil, err
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
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	s := &search{pr: pr, opts: opts, start: time.Now(), rng: rand.New(rand.NewPCG(opts.Seed, 0x726f756e64))}
	if err := s.run(ctx); err != nil {
		return nil, err
	}
	return pr.plan(s.best, s.bestObj, s.bound)
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

	lastPrimalEnd  int64 // problem.work when the last plan from the relaxation was done
	lastPrimalCost int64 // and the work it took
}

func (s *search) report() {
	if s.opts.OnImprove != nil {
		s.opts.OnImprove(Progress{Elapsed: time.Since(s.start), Objective: s.bestObj, Bound: s.bound})
	}
}

func (s *search) offer(st *state) {
	if obj := s.pr.evaluate(st); obj > s.bestObj || s.best == nil {
		s.best, s.bestObj = st.clone(), obj
		s.report()
	}
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
	s.bound = math.MaxInt64
	if err := s.descend(ctx, st); err != nil {
		return err
	}
	if s.best == nil {
		if ctx.Err() != nil {
			return fmt.Errorf("assign: stopped before a first plan was found: %w", context.Cause(ctx))
		}
		return &SetupError{Problems: []string{pr.noPlanReason()}}
	}
	s.lg = newLagrange(pr)
	s.lg.initPrices()
	return s.improve(ctx)
}

// descend re-solves one round at a time, every other round fixed, until
// no round improves, and offers the result. Each step first lets people
// swap into the round from another one (the rounds they leave are solved
// again right after), then tries the plain re-solve.
func (s *search) descend(ctx context.Context, st *state) error {
	pr := s.pr
	cur := st.clone()
	// The first pass builds the rounds in order; it must succeed for the
	// state to obey the minimum sizes.
	for r := range pr.nR {
		good, _, err := pr.solveRound(ctx, cur, r, false, nil)
		if err != nil || !good {
			return ctxErr(ctx, err)
		}
	}
	obj := pr.evaluate(cur)
	for improved := true; improved && ctx.Err() == nil; {
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
					return ctxErr(ctx, err)
				}
				if !good {
					continue
				}
				if v := pr.evaluate(next); v > obj {
					cur, obj, improved = next, v, true
				}
			}
		}
	}
	s.offer(cur)
	return nil
}

// ctxErr turns an error caused by the end of the time limit into nil: the
// search simply stops with what it has.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// improve proves the bound: subgradient steps on the prices at the root,
// then, while a gap remains and the event has delegation rooms, a branch
// and bound over the rounds of the rooms (see prove).
func (s *search) improve(ctx context.Context) error {
	tried := map[string]bool{}
	root := s.lg.allowed
	b, err := s.prove(ctx, root, tried, 0)
	if err != nil {
		return err
	}
	s.setBound(b)
	return nil
}

func (s *search) setBound(b int64) {
	b = max(b, s.bestObj) // the floor may not go below a plan found
	if b < s.bound {
		s.bound = b
		s.report()
	}
}

// optimise takes subgradient steps from the current prices until the
// bound proves the best plan optimal, the step size has shrunk to nothing,
// or time is up. It returns the best bound seen (already floored) and
// leaves the prices where it was found. Every primalEvery steps a plan is built
// from the relaxation's choices.
func (s *search) optimise(ctx context.Context, tried map[string]bool, top bool) (int64, error) {
	lg := s.lg
	theta := 1.0
	bestL, best := math.Inf(1), int64(math.MaxInt64)
	saved := lg.save(nil)
	stall := 0
	for iter := 0; ctx.Err() == nil; iter++ {
		L, margin := lg.eval()
		if L < bestL {
			bestL, stall = L, 0
			best = min(best, int64(math.Floor(L+margin)))
			saved = lg.save(saved)
			if top {
				s.setBound(best)
			}
		} else if stall++; stall >= 20 {
			theta /= 2
			stall = 0
		}
		if best <= s.bestObj {
			break
		}
		// Plans from the relaxation's choices get about as much work as the
		// steps, and at least primalEvery steps pass between two. Work is
		// counted, not timed, so that a solve is reproducible.
		s.pr.work += int64(s.pr.nP * s.pr.nR)
		if iter%primalEvery == primalEvery-1 && s.pr.work-s.lastPrimalEnd >= s.lastPrimalCost {
			w0 := s.pr.work
			if err := s.tryDelegations(ctx, tried); err != nil {
				return best, err
			}
			s.lastPrimalEnd, s.lastPrimalCost = s.pr.work, s.pr.work-w0
		}
		if theta < 1e-6 || !lg.step(L, float64(s.bestObj), theta) {
			break
		}
	}
	lg.restore(saved)
	return best, nil
}

// prove returns a bound on the plans whose rooms use only the allowed
// rounds (allowed[o] is a bit set over o's delegation rounds; nil allows
// all). It optimises the prices, then removes every round whose value in
// the relaxation proves it cannot beat the best plan, and branches on the
// organisation whose choice is the closest call, one child per round,
// depth first. When time runs out it returns what it has proven so far.
func (s *search) prove(ctx context.Context, allowed []uint64, tried map[string]bool, depth int) (int64, error) {
	pr, lg := s.pr, s.lg
	lg.allowed = allowed
	bound, err := s.optimise(ctx, tried, depth == 0)
	if err != nil || bound <= s.bestObj || ctx.Err() != nil || lg.nOpt < 2 {
		return bound, err
	}
	// Evaluate at the best prices to read the organisations' values.
	L, margin := lg.eval()
	allowed = slices.Clone(allowed)
	if allowed == nil {
		allowed = make([]uint64, pr.nO)
		for i := range allowed {
			allowed[i] = allRounds(lg.nOpt)
		}
	}
	branchOrg, closest := -1, math.Inf(1)
	for o := range pr.nO {
		if !pr.oDeleg[o] {
			continue
		}
		vals := lg.orgValue[o*lg.nOpt : (o+1)*lg.nOpt]
		top := math.Inf(-1)
		for k, v := range vals {
			if allowed[o]&(1<<k) != 0 {
				top = max(top, v+lg.orgHostValue[o*lg.nOpt+k])
			}
		}
		for k, v := range vals {
			if allowed[o]&(1<<k) == 0 {
				continue
			}
			// With o forced to round k the bound at these prices is L less
			// what o gives up.
			if math.Floor(L-top+v+lg.orgHostValue[o*lg.nOpt+k]+margin) <= float64(s.bestObj) {
				allowed[o] &^= 1 << k
			}
		}
		if bits.OnesCount64(allowed[o]) >= 2 {
			second := math.Inf(-1)
			for k, v := range vals {
				if allowed[o]&(1<<k) != 0 && v+lg.orgHostValue[o*lg.nOpt+k] < top {
					second = max(second, v+lg.orgHostValue[o*lg.nOpt+k])
				}
			}
			if d := top - second; d < closest {
				branchOrg, closest = o, d
			}
		}
		if allowed[o] == 0 {
			return s.bestObj, nil // no round of o can beat the plan
		}
	}
	if branchOrg < 0 {
		// Every room's round is decided; nothing to branch on.
		lg.allowed = allowed
		b, err := s.optimise(ctx, tried, false)
		return min(b, bound), err
	}
	saved := lg.save(nil)
	result := int64(math.MinInt64)
	for k := range lg.nOpt {
		if allowed[branchOrg]&(1<<k) == 0 {
			continue
		}
		if ctx.Err() != nil {
			return bound, nil // the unexplored children keep this node's bound
		}
		child := slices.Clone(allowed)
		child[branchOrg] = 1 << k
		lg.restore(saved)
		b, err := s.prove(ctx, child, tried, depth+1)
		if err != nil {
			return bound, err
		}
		if ctx.Err() != nil {
			return bound, nil
		}
		result = max(result, b)
	}
	return min(bound, max(result, s.bestObj)), nil
}

// tryDelegations starts a descent from the rooms that are best by the
// relaxation's value of each organisation's choice, within the hosts'
// limits, when they differ from the rooms tried before.
func (s *search) tryDelegations(ctx context.Context, tried map[string]bool) error {
	pr, lg := s.pr, s.lg
	st := pr.newState()
	worth := func(o, k int) int64 {
		v := lg.orgValue[o*lg.nOpt+k]
		if math.IsInf(v, -1) {
			return -1e9 // a round the current branch rules out
		}
		return int64(math.Round(v))
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
	key := fmt.Sprint(st.deleg, st.asg)
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
		return nil
	}
	return s.descend(ctx, st)
}

func (pr *problem) noPlanReason() string {
	return "no assignment meets the minimum session sizes and the pins together; lower the minimums or remove pins"
}
