package assign

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roundtable-go/roundtable/model"
)

// levels counts a plan's assignments by rank position (last: not ranked)
// and its missing sessions.
func levels(ev *model.Event, plan *model.Plan) (byRank []int, missing int) {
	ev = ev.Normalized()
	theme := map[string]string{}
	for _, s := range ev.Sessions {
		theme[s.ID] = s.Theme
	}
	prefs := map[string][]string{}
	for _, p := range ev.Participants {
		prefs[p.ID] = p.Preferences
	}
	byRank = make([]int, len(ev.Weights.Rank)+1)
	for _, a := range plan.Assignments {
		k := len(ev.Weights.Rank)
		for i, t := range prefs[a.Participant] {
			if t == theme[a.Session] && i < k {
				k = i
			}
		}
		byRank[k]++
	}
	for _, u := range plan.Unplaced {
		missing += u.Missing
	}
	return byRank, missing
}

// worse reports whether a is lexicographically worse than b over the
// first ordered levels: more missing sessions, or as many and more in the
// worst rank level, and so on for ordered rank levels.
func worse(aRank []int, aMiss int, bRank []int, bMiss int, ordered int) bool {
	if aMiss != bMiss {
		return aMiss > bMiss
	}
	for k := len(aRank) - 1; k >= len(aRank)-ordered; k-- {
		if aRank[k] != bRank[k] {
			return aRank[k] > bRank[k]
		}
	}
	return false
}

// The fair plan of the knowledge day is never worse than the plain one on
// the levels the fair order ranks first, its bound is a bound of the plain objective, and it is a
// valid plan.
func TestSolveFairKennisdag(t *testing.T) {
	ev := load(t, "../examples/kennisdag/kennisdag.json")
	// Work limits, not time, decide where the searches stop, so that the
	// race detector's slowness does not change the plans.
	plain := solve(t, ev, Options{TimeLimit: time.Minute, WorkLimit: oracleWork})
	fair := solve(t, ev, Options{TimeLimit: time.Minute, WorkLimit: 3_000_000, Fair: true})
	pr, pm := levels(ev, plain)
	fr, fm := levels(ev, fair)
	t.Logf("plain %d (bound %d): missing %d, by rank %v", plain.Objective, plain.Bound, pm, pr)
	t.Logf("fair  %d (bound %d): missing %d, by rank %v", fair.Objective, fair.Bound, fm, fr)
	_, ordered := fairWeights(ev.Normalized())
	if worse(fr, fm, pr, pm, ordered) {
		t.Errorf("the fair plan is lexicographically worse than the plain one")
	}
	if fair.Bound < plain.Objective {
		t.Errorf("fair plan's bound %d below the plain plan's objective %d: not a bound of the plain objective", fair.Bound, plain.Objective)
	}
	if fair.Objective > plain.Bound {
		t.Errorf("fair objective %d above the plain bound %d", fair.Objective, plain.Bound)
	}
}

// On tiny events the fair plan is the lexicographic optimum found by
// brute force (with the fair weights, whose optimum it is by
// construction).
func TestSolveFairBruteForce(t *testing.T) {
	n := 12
	if testing.Short() || raceEnabled {
		n = 4
	}
	seed := uint64(9500)
	for i := range n {
		cfg := tinyConfig(i)
		cfg.RepeatPair = 0
		ev := bruteSizedEvent(t, &seed, cfg, bruteMin, oracleBruteMax)
		fev := ev.Normalized().Clone()
		fev.Weights, _ = fairWeights(ev.Normalized())
		best, _, _ := bruteForce(fev, true)
		plan, err := Solve(t.Context(), ev, Options{TimeLimit: time.Minute, Fair: true, WorkLimit: oracleWork})
		if err != nil {
			t.Fatal(err)
		}
		checkPlan(t, ev, plan)
		got := model.Check(fev, withoutTotals(plan)).Objective
		if got != best {
			t.Errorf("seed %d: fair objective %d, brute-force fair optimum %d", seed, got, best)
		}
	}
}

// withoutTotals copies a plan without its objective, bound and breakdown,
// for scoring it under other weights.
func withoutTotals(p *model.Plan) *model.Plan {
	c := *p
	c.Objective, c.Bound, c.Breakdown, c.Status = 0, 0, model.Breakdown{}, ""
	return &c
}

// TestSolveFairBoundAndLimits: a review's event of two people where the
// fair mode's bound stage, stepping towards the fair plan (44) far below
// the plain optimum (78), took prices to 1e20 and then reported a bound
// of 44, "optimal"; and the fair mode's share of the limits, which
// overflowed for a huge time limit and vanished for a work limit of 1.
func TestSolveFairBoundAndLimits(t *testing.T) {
	ev, err := model.DecodeEvent(strings.NewReader(`{"rounds": [{"id": "r0"}, {"id": "r1"}],
	"themes": [{"id": "t0", "competences": ["b"]}, {"id": "t1", "competences": ["c"]}],
	"sessions": [{"id": "t0-r0-0", "theme": "t0", "round": "r0", "capacity": 1},
		{"id": "t0-r0-1", "theme": "t0", "round": "r0", "capacity": 2, "min": 1},
		{"id": "t1-r0-0", "theme": "t1", "round": "r0", "capacity": 1},
		{"id": "t0-r1-0", "theme": "t0", "round": "r1", "capacity": 2},
		{"id": "t1-r1-1", "theme": "t1", "round": "r1", "capacity": 2}],
	"organisations": [{"id": "o0"}], "hosts": [{"id": "h0", "organisations": ["o0"]}],
	"delegations": {"rounds": ["r0", "r1"]},
	"participants": [{"id": "p0", "organisation": "o0", "competences": ["c"]},
		{"id": "p1", "organisation": "o0", "competences": ["b"], "preferences": ["t1", "t0"], "rounds": ["r1"]}],
	"weights": {"rank": [24, 42, 83], "unranked": 1, "competence": 14, "samePair": 2, "unplaced": 508, "affinity": 7}}`))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Solve(context.Background(), ev, Options{TimeLimit: time.Second})
	if err != nil || plain.Status != model.StatusOptimal || plain.Objective != 78 {
		t.Fatalf("plain: %v %v", plain, err)
	}
	fair, err := Solve(context.Background(), ev, Options{Fair: true, TimeLimit: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	checkPlan(t, ev, fair)
	if fair.Bound < plain.Objective {
		t.Errorf("fair mode's bound %d is below a plan of %d", fair.Bound, plain.Objective)
	}
	for _, opts := range []Options{
		{Fair: true, TimeLimit: 1 << 61, WorkLimit: 100_000},
		{Fair: true, TimeLimit: time.Minute, WorkLimit: 1},
	} {
		start := time.Now()
		var plans [2]string
		for i := range plans {
			plan, err := Solve(context.Background(), ev, opts)
			if err != nil {
				t.Fatalf("%+v: %v", opts, err)
			}
			var b strings.Builder
			if err := model.EncodePlan(&b, plan); err != nil {
				t.Fatal(err)
			}
			plans[i] = b.String()
		}
		if plans[0] != plans[1] {
			t.Errorf("%+v: two plans", opts)
		}
		if took := time.Since(start); took > 20*time.Second {
			t.Errorf("%+v: took %v: the work limit did not end the search", opts, took)
		}
	}
}

// TestSolveFairRoomsChangeWanted: p1 is free only in r2, and attends the
// room, which may meet in r1 or r2; nobody ranks anything. Room in r1: p1
// wants a session in r2 and gets one in a theme they did not rank; room
// in r2: p1 wants none. Both miss nothing, and the second places nobody
// in an unranked theme: the fair order wants it. The fair weights gave
// each assignment a level's worth, and took the first.
func TestSolveFairRoomsChangeWanted(t *testing.T) {
	ev, err := model.DecodeEvent(strings.NewReader(`{"rounds": [{"id": "r1"}, {"id": "r2"}],
	"themes": [{"id": "a"}, {"id": "b"}], "organisations": [{"id": "o1"}], "hosts": [{"id": "h1"}],
	"delegations": {"rounds": ["r1", "r2"]}, "participants": [{"id": "p1", "organisation": "o1", "rounds": ["r2"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Solve(context.Background(), ev, Options{Fair: true, TimeLimit: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	checkPlan(t, ev, plan)
	if len(plan.Assignments) != 0 || len(plan.Delegations) != 1 || plan.Delegations[0].Round != "r2" {
		t.Errorf("rooms %+v, assignments %+v; want the room in r2 and nobody in an unranked theme", plan.Delegations, plan.Assignments)
	}
}

// TestSolveFairOrder checks the fair mode against its documented order
// itself, not against the fair weights: on tiny events with delegation
// rooms and partial availability, every plan a brute force finds is
// scored as (sessions missing, assignments to an unranked theme, to the
// last ranked theme, ... for the levels fairWeights orders, then the
// plain objective, higher better), and the fair plan's score must be the
// smallest of them.
func TestSolveFairOrder(t *testing.T) {
	n := 24
	if testing.Short() || raceEnabled {
		n = 6
	}
	seed := uint64(9700)
	for i := range n {
		cfg := tinyConfig(i)
		cfg.RepeatPair, cfg.Delegations, cfg.Partial = 0, true, 0.4
		cfg.Hosts, cfg.DelegationRounds = 2, 0
		ev := bruteSizedEvent(t, &seed, cfg, 1, oracleBruteMax)
		norm := ev.Normalized()
		_, levels := fairWeights(norm)
		score := func(plan *model.Plan, rep *model.Report) []int64 {
			missing := 0
			for _, m := range rep.Missing {
				missing += m
			}
			v := make([]int64, 2+levels)
			v[0] = int64(missing)
			rank := map[[2]string]int{} // (participant, theme) -> 1-based rank, 0: unranked
			for _, p := range norm.Participants {
				for k, th := range p.Preferences {
					if k < len(norm.Weights.Rank) {
						rank[[2]string{p.ID, th}] = k + 1
					}
				}
			}
			theme := map[string]string{}
			for _, s := range norm.Sessions {
				theme[s.ID] = s.Theme
			}
			for _, a := range plan.Assignments {
				// Level 1 is "unranked", level 2 the last rank, ...
				lv := 1
				if r := rank[[2]string{a.Participant, theme[a.Session]}]; r > 0 {
					lv = 1 + len(norm.Weights.Rank) - r + 1
				}
				if lv <= levels {
					v[lv]++
				}
			}
			v[len(v)-1] = -rep.Objective
			return v
		}
		var best []int64
		bruteForceVisit(ev, true, func(plan *model.Plan, rep *model.Report) {
			if v := score(plan, rep); best == nil || slices.Compare(v, best) < 0 {
				best = v
			}
		})
		plan, err := Solve(t.Context(), ev, Options{TimeLimit: time.Minute, Fair: true, WorkLimit: oracleWork})
		if err != nil {
			t.Fatal(err)
		}
		checkPlan(t, ev, plan)
		if got := score(plan, model.Check(ev, plan)); !slices.Equal(got, best) {
			t.Errorf("seed %d: fair plan scores %v (missing, levels worst first, -objective), the best plan %v", seed, got, best)
		}
	}
}
