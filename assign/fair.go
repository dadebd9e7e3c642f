package assign

import (
	"context"
	"math"
	"time"

	"github.com/roundtable-go/roundtable/model"
)

// fairWeights returns weights under which the plain objective orders plans
// lexicographically: first fewer missing sessions (unplaced), then fewer
// assignments to a theme the participant did not rank, then fewer to
// their last ranked theme, and so on towards the first choice, for as many
// of these levels as integer costs allow exactly (at least one); then the
// plain objective of ev. Each level's weight exceeds everything the lower
// levels and the plain objective together can change.
//
// It returns the weights and how many rank levels are ordered this way.
func fairWeights(ev *model.Event) (model.Weights, int) {
	w := ev.Weights
	// N bounds the number of assignments, D how much the plain objective
	// (without unplaced) can differ between two plans.
	var n int64
	for _, p := range ev.Participants {
		k := int64(len(ev.Rounds))
		if p.Sessions != nil {
			k = min(k, int64(*p.Sessions))
		}
		n += k
	}
	top := int64(w.Unranked)
	for _, r := range w.Rank {
		top = max(top, int64(r))
	}
	top += int64(w.Competence)
	orgSize := map[string]int64{}
	for _, p := range ev.Participants {
		orgSize[p.Organisation]++
	}
	var pairs int64
	for _, k := range orgSize {
		pairs += k * (k - 1) / 2
	}
	d := n*top + int64(w.SamePair)*pairs*int64(len(ev.Rounds)) + int64(w.Affinity)*int64(len(ev.Organisations)) +
		int64(w.RepeatPair)*int64(len(ev.Participants))*int64(len(ev.Participants))
	// The largest value of an assignment times the arcs of a round's flow
	// must stay below the solver's 2^60 limit on costs.
	arcs := int64(len(ev.Participants))*int64(len(ev.Themes))*int64(len(ev.Rounds)) +
		int64(len(ev.Organisations))*int64(len(ev.Themes)) + int64(len(ev.Sessions)) + 64
	fairCostLimit := int64(1<<57) / arcs
	// Levels from the worst: not ranked (index len(Rank)), then Rank[K-1]
	// ... Rank[1]; the first choice never pays.
	levels := len(w.Rank) // not ranked plus ranks K-1 .. 1
	c := make([]int64, 0, levels)
	step := d + 1
	for len(c) < levels {
		if step > fairCostLimit/(n+1) { // the unplaced weight still has to fit above
			break
		}
		c = append(c, step)
		step *= n + 1
	}
	if len(c) == 0 {
		c = append(c, d+1) // at least "not ranked" is ordered first
	}
	// c[0] is the lowest ordered level; the worst level gets the largest.
	penalty := make([]int64, len(w.Rank)+1) // by rank position; last: not ranked
	for i := range c {
		penalty[len(w.Rank)-i] = c[len(c)-1-i]
	}
	biggest := c[len(c)-1]
	// Each level pays its penalty: an assignment earns nothing more than
	// its plain value for being one, so that where delegation rooms change
	// how many sessions people want, a plan with more assignments but as
	// many missing does not win over a level (a constant per assignment
	// did, by a level's worth). Missing sessions weigh more than every
	// level together.
	fw := w
	fw.Rank = make([]int, len(w.Rank))
	for k, r := range w.Rank {
		fw.Rank[k] = int(int64(r) - penalty[k])
	}
	fw.Unranked = int(int64(w.Unranked) - penalty[len(w.Rank)])
	fw.Unplaced = int(biggest*(n+1) + int64(w.Unplaced))
	return fw, len(c)
}

// solveFair is Solve in the fair mode: the search runs on the fair
// weights; then the relaxation of the plain objective proves a bound on it,
// with the fair plan as the plan to beat, and no plan search (a plan that
// scores more by the plain objective is not wanted).
func solveFair(ctx context.Context, ev *model.Event, opts Options) (*model.Plan, error) {
	norm := ev.Normalized()
	fair := norm.Clone()
	fair.Weights, _ = fairWeights(norm)
	prFair, err := compile(fair)
	if err != nil {
		return nil, err
	}
	pr, err := compile(norm)
	if err != nil {
		return nil, err
	}
	limit := opts.TimeLimit
	if limit <= 0 {
		limit = DefaultTimeLimit
	}
	start := time.Now()
	// 7/10 of each for the fair plan: divided first, so that a limit near
	// the largest duration does not overflow; a work limit of 1 still
	// limits (0 would mean none).
	fctx, cancel := context.WithTimeout(ctx, limit/10*7)
	defer cancel()
	fopts := opts
	var s *search
	fopts.OnImprove = nil
	if f := opts.OnImprove; f != nil {
		// Each fairer plan, by its plain objective; no bound yet (the
		// fair search's own bound moving is no news).
		last := int64(math.MinInt64)
		fopts.OnImprove = func(p Progress) {
			if s.best != nil && p.Objective != last {
				last = p.Objective
				f(Progress{Elapsed: p.Elapsed, Objective: pr.evaluate(s.best), Bound: math.MaxInt64, Work: p.Work})
			}
		}
	}
	if opts.WorkLimit > 0 {
		fopts.WorkLimit = max(1, opts.WorkLimit/10*7)
	}
	s = newSearch(prFair, fopts, start, cancel)
	if err := s.run(fctx); err != nil {
		return nil, err
	}

	bctx, bcancel := context.WithTimeout(ctx, max(0, limit-time.Since(start)))
	defer bcancel()
	b := newSearch(pr, opts, start, bcancel)
	b.boundOnly = true
	if opts.WorkLimit > 0 {
		b.opts.WorkLimit = max(1, opts.WorkLimit-fopts.WorkLimit)
	}
	b.best, b.bestObj, b.bound = s.best, pr.evaluate(s.best), math.MaxInt64
	b.report()
	b.lg = newLagrange(pr)
	b.lg.setWorkers(opts.Workers)
	b.lg.initPrices()
	bound, err := b.optimise(bctx, map[uint64]bool{}, true)
	if err != nil {
		return nil, err
	}
	if bound == math.MaxInt64 {
		// Stopped before a single evaluation (ctx ended during the fair
		// search): the relaxation at its first prices still bounds.
		if L, margin := b.lg.eval(); !math.IsInf(L, -1) {
			bound = pr.floorBound(L + margin)
		}
	}
	b.setBound(bound)
	if rb := newRepeatBound(pr, b.lg); rb != nil {
		rb.optimise(bctx, b) // from the prices optimise left: repeats counted
	}
	return pr.plan(b.best, b.bestObj, b.bound)
}
