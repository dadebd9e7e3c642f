package assign

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/roundtable-go/roundtable/model"
)

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
	if err := s.roomSearch(ctx); err != nil {
		return err
	}
	s.lg = newLagrange(pr)
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
		good, _, err := pr.solveRound(ctx, cur, r, false)
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
				good, dropped, err := pr.solveRound(ctx, next, r, swaps)
				for q := range pr.nR {
					if good && err == nil && dropped&(1<<q) != 0 {
						good, _, err = pr.solveRound(ctx, next, q, false)
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

// improve alternates subgradient steps on the bound with primal moves
// until the plan is proven optimal or time is up.
func (s *search) improve(ctx context.Context) error {
	lg := s.lg
	theta := 1.0
	bestL := math.Inf(1)
	stall := 0
	tried := map[string]bool{}
	for iter := 0; ctx.Err() == nil; iter++ {
		L, margin := lg.eval()
		if L < bestL {
			bestL = L
			stall = 0
			if b := int64(math.Floor(L + margin)); b < s.bound {
				s.bound = b
				s.report()
			}
		} else if stall++; stall >= 20 {
			theta /= 2
			stall = 0
		}
		if s.bound <= s.bestObj {
			s.bound = s.bestObj // proven optimal; the floor may not go lower
			return nil
		}
		if iter%10 == 9 {
			if err := s.tryDelegations(ctx, tried); err != nil {
				return err
			}
		}
		if theta < 1e-6 || !lg.step(L, float64(s.bestObj), theta) {
			break
		}
	}
	return nil
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
			return 0
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
	return s.descend(ctx, st)
}

func (pr *problem) noPlanReason() string {
	return "no assignment meets the minimum session sizes and the pins together; lower the minimums or remove pins"
}

// roomSearch improves the delegation rooms by first-improvement local
// search: move one room to another round, or swap the rounds of two
// rooms, each followed by a descent over the sessions. It stops at a local
// optimum or when time is up.
func (s *search) roomSearch(ctx context.Context) error {
	pr := s.pr
	orgs := pr.delegOrgs()
	for improved := true; improved && ctx.Err() == nil; {
		improved = false
		try := func(move func(st *state) (bool, error)) error {
			before := s.bestObj
			st := s.best.clone()
			ok, err := move(st)
			if err != nil || !ok {
				return ctxErr(ctx, err)
			}
			if err := s.descend(ctx, st); err != nil {
				return err
			}
			if s.bestObj > before {
				improved = true
			}
			return nil
		}
		for _, o := range orgs {
			for _, r := range pr.delegRounds {
				if r == s.best.deleg[o] || ctx.Err() != nil {
					continue
				}
				if err := try(func(st *state) (bool, error) { return pr.moveRoom(ctx, st, o, r) }); err != nil {
					return err
				}
			}
		}
		for i, a := range orgs {
			for _, b := range orgs[i+1:] {
				if s.best.deleg[a] == s.best.deleg[b] || ctx.Err() != nil {
					continue
				}
				if err := try(func(st *state) (bool, error) { return pr.swapRooms(ctx, st, a, b) }); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
