package assign

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/roundtable-go/roundtable/model"
)

// Scenario is one variant of an event for Compare.
type Scenario struct {
	Name  string
	Event *model.Event
}

// Metrics describe one solved scenario, for an organiser to weigh
// variants side by side. Shares are fractions in [0, 1].
type Metrics struct {
	Name string `json:"name"`
	// Error says why the scenario has no plan (an invalid event, or a
	// *SetupError); the figures below are then zero.
	Error string `json:"error,omitempty"`

	Status    model.Status `json:"status,omitempty"`
	Objective int64        `json:"objective"`
	Bound     int64        `json:"bound"`
	// Gap is (Bound-Objective)/|Bound|, 0 when the plan is proven optimal.
	Gap float64 `json:"gap"`

	Participants int `json:"participants"`
	Assignments  int `json:"assignments"`
	// FirstChoice is the share of the assignments of participants who
	// ranked themes that are to their first-ranked theme; TopTwo to their
	// first or second. A participant in several rounds can have their
	// first choice only once, so with R rounds FirstChoice is at most about
	// 1/R.
	FirstChoice float64 `json:"firstChoice"`
	TopTwo      float64 `json:"topTwo"`
	// WorstRank is the largest rank (1 = first choice) of an assignment to
	// a ranked theme; Unranked counts the assignments to a theme the
	// participant did not rank (or ranked beyond the rank weights, which
	// score as unranked).
	WorstRank int `json:"worstRank"`
	Unranked  int `json:"unranked"`
	// Organisations is the mean number of distinct organisations in a
	// session that holds anyone.
	Organisations float64 `json:"organisations"`
	// Unplaced counts the participants who got fewer sessions than they
	// want; Missing the sessions they miss in all.
	Unplaced int `json:"unplaced"`
	Missing  int `json:"missing"`
	// Cancelled counts the sessions with a minimum above 0 that the plan
	// leaves empty: cancelled for want of participants.
	Cancelled int `json:"cancelled"`
	// Seconds is the solve's wall time.
	Seconds float64 `json:"seconds"`

	// Plan is the scenario's plan (nil with Error).
	Plan *model.Plan `json:"-"`
}

// Compare solves each scenario with opts (its TimeLimit applies to each
// solve) one after the other, in order, and returns their metrics in the
// same order. A scenario that gets no plan (no event, an invalid one, a
// *SetupError, one beyond what Solve handles, or its time limit ending
// before a first plan) gets its Error set and the comparison goes on;
// Compare returns an error (naming the scenario) only when ctx ends
// before a plan is found. Sequential solves keep each one's Workers and
// the results reproducible for a seed.
func Compare(ctx context.Context, scenarios []Scenario, opts Options) ([]Metrics, error) {
	out := make([]Metrics, 0, len(scenarios))
	for _, sc := range scenarios {
		if sc.Event == nil {
			out = append(out, Metrics{Name: sc.Name, Error: "the scenario has no event"})
			continue
		}
		start := time.Now()
		plan, err := Solve(ctx, sc.Event, opts)
		elapsed := time.Since(start)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, fmt.Errorf("assign: scenario %q: %w", sc.Name, err)
		case err != nil:
			out = append(out, Metrics{Name: sc.Name, Error: err.Error(), Seconds: elapsed.Seconds()})
			continue
		}
		m := Measure(sc.Event, plan)
		m.Name, m.Seconds = sc.Name, elapsed.Seconds()
		out = append(out, m)
	}
	return out, nil
}

// Measure computes the metrics of a plan of ev (Name and Seconds left
// empty). ev should be valid and the plan one of its plans.
func Measure(ev *model.Event, plan *model.Plan) Metrics {
	ev = ev.Normalized()
	m := Metrics{
		Status: plan.Status, Objective: plan.Objective, Bound: plan.Bound, Gap: Gap(plan.Objective, plan.Bound),
		Participants: len(ev.Participants), Assignments: len(plan.Assignments), Plan: plan,
	}
	part := indexOf(ev.Participants, func(p model.Participant) string { return p.ID })
	sess := indexOf(ev.Sessions, func(s model.Session) string { return s.ID })
	orgs := make([]map[string]bool, len(ev.Sessions))
	ranked, first, top2 := 0, 0, 0
	for _, a := range plan.Assignments {
		pi, ok1 := part[a.Participant]
		si, ok2 := sess[a.Session]
		if !ok1 || !ok2 {
			continue
		}
		p, s := ev.Participants[pi], ev.Sessions[si]
		if orgs[si] == nil {
			orgs[si] = map[string]bool{}
		}
		orgs[si][p.Organisation] = true
		if len(p.Preferences) == 0 {
			continue
		}
		ranked++
		k := slices.Index(p.Preferences, s.Theme)
		switch {
		case k < 0 || k >= len(ev.Weights.Rank):
			m.Unranked++
			continue
		case k == 0:
			first++
			top2++
		case k == 1:
			top2++
		}
		m.WorstRank = max(m.WorstRank, k+1)
	}
	if ranked > 0 {
		m.FirstChoice = float64(first) / float64(ranked)
		m.TopTwo = float64(top2) / float64(ranked)
	}
	held, sum := 0, 0
	for si, s := range ev.Sessions {
		switch {
		case len(orgs[si]) > 0:
			held++
			sum += len(orgs[si])
		case s.MinSize(ev.Defaults.Min) > 0:
			m.Cancelled++
		}
	}
	if held > 0 {
		m.Organisations = float64(sum) / float64(held)
	}
	for _, u := range plan.Unplaced {
		m.Unplaced++
		m.Missing += u.Missing
	}
	return m
}
