package assign

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roundtable-go/roundtable/assign/internal/randevent"
	"github.com/roundtable-go/roundtable/model"
)

// explainEvent is a small event with every situation Explain words: a
// full session, a theme already taken, a cancelled session, a delegation
// round, a session at rules.maxPerOrganisation, a session that would fall
// below its minimum, a participant who wants one session, one who is
// unplaced, and a move the plan missed. explainPlan is its plan (valid, not
// optimal).
func explainEvent() *model.Event {
	ev := model.NewEvent()
	ev.Name = "explain"
	ev.Weights.RepeatPair = 5
	ev.Rules.MaxPerOrganisation = 2
	ev.Rounds = []model.Round{{ID: "r1"}, {ID: "r2"}}
	for i, t := range []string{"Alpha", "Beta", "Gamma", "Delta", "Epsilon"} {
		ev.Themes = append(ev.Themes, model.Theme{ID: string(rune('a' + i)), Name: t})
	}
	no := model.Ptr(false)
	ev.Organisations = []model.Organisation{
		{ID: "genk", Name: "Genk", Delegation: no},
		{ID: "hasselt", Name: "Hasselt", Delegation: no},
		{ID: "peer", Name: "Peer"},
	}
	ev.Hosts = []model.Host{
		{ID: "h1", Name: "Hilde", Rounds: []string{"r1"}, Organisations: []string{"peer"}},
		{ID: "h2", Name: "Expert Gamma"},
	}
	ev.Delegations = &model.Delegations{Rounds: []string{"r1"}}
	sess := func(theme, round string, capacity, min int, host string) model.Session {
		return model.Session{ID: theme + "-" + round, Theme: theme, Round: round,
			Capacity: model.Ptr(capacity), Min: model.Ptr(min), Host: host}
	}
	ev.Sessions = []model.Session{
		sess("a", "r1", 3, 0, ""),
		sess("b", "r1", 3, 0, ""),
		sess("e", "r1", 3, 2, ""),
		sess("a", "r2", 3, 0, ""),
		sess("b", "r2", 2, 0, ""),
		sess("c", "r2", 4, 0, "h2"),
		sess("d", "r2", 3, 2, ""),
	}
	part := func(id, name, org string, prefs ...string) model.Participant {
		return model.Participant{ID: id, Name: name, Organisation: org, Preferences: prefs}
	}
	ev.Participants = []model.Participant{
		part("p1", "An", "genk", "a", "b", "d", "c"),
		part("p2", "Bart", "hasselt", "b", "a"),
		part("p3", "Cis", "hasselt", "b", "a"),
		part("p4", "Dirk", "peer", "e", "b", "c"),
		part("p5", "Els", "hasselt", "b", "e"),
		part("p6", "Fien", "hasselt", "b", "e"),
		part("p7", "Geert", "hasselt", "b", "e", "c"),
		part("p8", "Hans", "genk", "a", "c"),
		part("p9", "Ilse", "genk", "b", "a"),
		part("p10", "Jan", "peer", "a"),
	}
	ev.Participants[7].Sessions = model.Ptr(1)
	ev.Participants[8].Rounds = []string{"r1"}
	ev.Participants[9].Rounds = []string{"r1"}
	ev.Participants[9].Delegation = no
	return ev
}

func explainPlan(t *testing.T, ev *model.Event) *model.Plan {
	t.Helper()
	plan := &model.Plan{
		Event:       ev.Name,
		Delegations: []model.DelegationRoom{{Organisation: "peer", Round: "r1", Host: "h1"}},
		Unplaced:    []model.Unplaced{{Participant: "p10", Missing: 1, Reason: "round r1: a-r1 full (3/3)"}},
	}
	for _, a := range [][3]string{
		{"p1", "r1", "a-r1"}, {"p2", "r1", "a-r1"}, {"p3", "r1", "a-r1"},
		{"p5", "r1", "b-r1"}, {"p6", "r1", "b-r1"},
		{"p7", "r1", "e-r1"}, {"p9", "r1", "e-r1"},
		{"p5", "r2", "a-r2"}, {"p6", "r2", "a-r2"},
		{"p2", "r2", "b-r2"}, {"p3", "r2", "b-r2"},
		{"p1", "r2", "c-r2"}, {"p4", "r2", "c-r2"}, {"p7", "r2", "c-r2"}, {"p8", "r2", "c-r2"},
	} {
		plan.Assignments = append(plan.Assignments, model.Assignment{Participant: a[0], Round: a[1], Session: a[2]})
	}
	return totals(t, ev, plan)
}

// totals fills in the plan's breakdown, objective, bound and status from
// model.Check and fails when the plan breaks a hard rule.
func totals(t *testing.T, ev *model.Event, plan *model.Plan) *model.Plan {
	t.Helper()
	rep := model.Check(ev, plan)
	for _, v := range rep.Violations {
		if v.Rule > 0 {
			t.Fatalf("test plan breaks a rule: %v", v)
		}
	}
	plan.Breakdown, plan.Objective, plan.Bound, plan.Status = rep.Breakdown, rep.Objective, rep.Objective, model.StatusOptimal
	if err := model.Check(ev, plan).Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

// moved returns the plan with the given (participant, round, session)
// moves applied (session "" removes the assignment), and the change of
// objective model.Check finds, which must be valid.
func moved(t *testing.T, ev *model.Event, plan *model.Plan, moves ...[3]string) model.Breakdown {
	t.Helper()
	q := *plan
	q.Assignments = slices.Clone(plan.Assignments)
	for _, m := range moves {
		q.Assignments = slices.DeleteFunc(q.Assignments, func(a model.Assignment) bool {
			return a.Participant == m[0] && a.Round == m[1]
		})
		if m[2] != "" {
			q.Assignments = append(q.Assignments, model.Assignment{Participant: m[0], Round: m[1], Session: m[2]})
		}
	}
	rep := model.Check(ev, &q)
	for _, v := range rep.Violations {
		if v.Rule > 0 {
			t.Fatalf("moves %v break a rule: %v", moves, v)
		}
	}
	return diff(rep.Breakdown, model.Check(ev, plan).Breakdown)
}

func diff(a, b model.Breakdown) model.Breakdown {
	return model.Breakdown{
		Preference: a.Preference - b.Preference, Competence: a.Competence - b.Competence,
		Affinity: a.Affinity - b.Affinity, SamePair: a.SamePair - b.SamePair,
		Unplaced: a.Unplaced - b.Unplaced, RepeatPair: a.RepeatPair - b.RepeatPair,
	}
}

func explanationsBySubject(ex []model.Explanation) map[string][]string {
	m := map[string][]string{}
	for _, e := range ex {
		m[e.Subject] = e.Lines
	}
	return m
}

func TestExplainHandMade(t *testing.T) {
	ev := explainEvent()
	plan := explainPlan(t, ev)
	ex, err := Explain(ev, plan)
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, e := range ex {
		subjects = append(subjects, e.Subject)
	}
	wantSubjects := []string{"p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10",
		"a-r1", "b-r1", "e-r1", "a-r2", "b-r2", "c-r2", "d-r2"}
	if !slices.Equal(subjects, wantSubjects) {
		t.Fatalf("subjects %v, want %v", subjects, wantSubjects)
	}

	// Every cost below is what model.Check gives for the changed plan.
	swapAnBart := moved(t, ev, plan, [3]string{"p1", "r2", "b-r2"}, [3]string{"p2", "r2", "c-r2"})
	swapDirkBart := moved(t, ev, plan, [3]string{"p4", "r2", "b-r2"}, [3]string{"p2", "r2", "c-r2"})
	swapGeertBart := moved(t, ev, plan, [3]string{"p7", "r2", "b-r2"}, [3]string{"p2", "r2", "c-r2"})
	hansAlpha := moved(t, ev, plan, [3]string{"p8", "r2", "a-r2"})
	if got := hansAlpha.Total(); got != 50 {
		t.Errorf("Hans into a-r2 changes the objective by %d, want 50 (preference +40, samePair +10)", got)
	}
	// Into full a-r1, Ilse swaps with (and Jan takes the seat of) whoever
	// of An, Bart and Cis loses least, the first of them on a tie.
	leastLoss := func(p, to string) (string, model.Breakdown) {
		var who string
		var best model.Breakdown
		for _, q := range []struct{ id, name string }{{"p1", "An"}, {"p2", "Bart"}, {"p3", "Cis"}} {
			d := moved(t, ev, plan, [3]string{p, "r1", "a-r1"}, [3]string{q.id, "r1", to})
			if who == "" || d.Total() > best.Total() {
				who, best = q.name, d
			}
		}
		return who, best
	}
	ilseWith, ilseAlpha := leastLoss("p9", "e-r1")
	janWith, janAlpha := leastLoss("p10", "")
	if ilseWith != "Bart" || ilseAlpha.Total() != -5 {
		t.Errorf("Ilse swaps best with %s at %d; the hand count gives Bart at -5", ilseWith, ilseAlpha.Total())
	}

	want := map[string][]string{
		"p1": {
			"An (Genk): 2 of 2 wanted session(s)",
			"r1: Alpha (a-r1), your 1st choice",
			"r2: Gamma (c-r2), your 4th choice",
			"r2: not Alpha, your 1st choice: you have it in r1",
			"r2: not Beta, your 2nd choice: b-r2 full (2/2); swapping with Bart (least loss): " + scoreWords(swapAnBart),
			"r2: not Delta, your 3rd choice: d-r2 cancelled (below its minimum of 2)",
		},
		"p4": {
			"Dirk (Peer): 1 of 1 wanted session(s)",
			"r1: delegation room of Peer with Hilde",
			"r2: Gamma (c-r2), your 3rd choice",
			"r2: not Epsilon, your 1st choice: only given in r1, when you are in your delegation room",
			"r2: not Beta, your 2nd choice: b-r2 full (2/2); swapping with Bart (least loss): " + scoreWords(swapDirkBart),
		},
		"p5": {
			"Els (Hasselt): 2 of 2 wanted session(s)",
			"r1: Beta (b-r1), your 1st choice",
			"r2: Alpha (a-r2), not among your choices",
			"r2: not Beta, your 1st choice: you have it in r1",
			"r2: not Epsilon, your 2nd choice: only given in r1",
		},
		"p7": {
			"Geert (Hasselt): 2 of 2 wanted session(s)",
			"r1: Epsilon (e-r1), your 2nd choice",
			"r1: not Beta, your 1st choice: b-r1 already holds 2 from Hasselt (maxPerOrganisation)",
			"r2: Gamma (c-r2), your 3rd choice",
			"r2: not Beta, your 1st choice: b-r2 full (2/2); swapping with Bart (least loss): " + scoreWords(swapGeertBart),
			"r2: not Epsilon, your 2nd choice: you have it in r1",
		},
		"p8": {
			"Hans (Genk): 1 of 1 wanted session(s)",
			"r1: no session, you asked for 1",
			"r2: Gamma (c-r2), your 2nd choice",
			"r2: not Alpha, your 1st choice: a-r2 has room; moving you there: score +50 (preference +40, samePair +10)",
		},
		"p9": {
			"Ilse (Genk): 1 of 1 wanted session(s)",
			"r1: Epsilon (e-r1), not among your choices",
			"r1: not Beta, your 1st choice: b-r1 has room, but without you e-r1 would fall below its minimum of 2",
			"r1: not Alpha, your 2nd choice: a-r1 full (3/3); swapping with " + ilseWith + " (least loss): " + scoreWords(ilseAlpha),
			"r2: not available",
		},
		"p10": {
			"Jan (Peer): 0 of 1 wanted session(s)",
			"r1: no session",
			"r1: not Alpha, your 1st choice: a-r1 full (3/3); taking the seat of " + janWith + " (least loss): " + scoreWords(janAlpha),
			"r2: not available",
			"not placed in 1 wanted session(s): round r1: a-r1 full (3/3)",
		},
		"a-r1": {
			"Alpha, r1: 3/3",
			"organisations: Hasselt 2, Genk 1",
			"ranks: 1st choice 1, 2nd choice 2",
		},
		"c-r2": {
			"Gamma, r2, host Expert Gamma: 4/4",
			"organisations: Genk 2, Hasselt 1, Peer 1",
			"ranks: 2nd choice 1, 3rd choice 2, 4th choice 1",
		},
		"d-r2": {"Delta, r2: cancelled (below its minimum of 2)"},
		"e-r1": {
			"Epsilon, r1: 2/3 (min 2)",
			"organisations: Genk 1, Hasselt 1",
			"ranks: 2nd choice 1, not ranked 1",
		},
	}
	got := explanationsBySubject(ex)
	for subject, lines := range want {
		if !slices.Equal(got[subject], lines) {
			t.Errorf("%s:\ngot\n\t%s\nwant\n\t%s", subject, strings.Join(got[subject], "\n\t"), strings.Join(lines, "\n\t"))
		}
	}
	// The swaps and moves named are allowed and the figures are exact;
	// spot-check the words of one.
	if !strings.Contains(got["p10"][2], fmt.Sprintf("score %+d", janAlpha.Total())) {
		t.Errorf("Jan's line lacks the change %d: %s", janAlpha.Total(), got["p10"][2])
	}
}

// TestExplainAwayFromRoom: Dirk attends Peer's delegation room, which
// meets in r1; made available in r2 only, he is away in r1, not in the
// room.
func TestExplainAwayFromRoom(t *testing.T) {
	ev := explainEvent()
	for i := range ev.Participants {
		if ev.Participants[i].ID == "p4" {
			ev.Participants[i].Rounds = []string{"r2"}
		}
	}
	plan := explainPlan(t, ev)
	ex, err := Explain(ev, plan)
	if err != nil {
		t.Fatal(err)
	}
	got := explanationsBySubject(ex)["p4"]
	if len(got) < 2 || got[1] != "r1: not available" {
		t.Errorf("Dirk's explanation:\n\t%s\nwant r1: not available", strings.Join(got, "\n\t"))
	}
}

func TestExplainDeterministic(t *testing.T) {
	ev := explainEvent()
	plan := explainPlan(t, ev)
	first, err := Explain(ev, plan)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		again, err := Explain(ev, plan)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(first, again) {
			t.Fatal("two calls of Explain on the same plan differ")
		}
	}
	// Explain leaves its inputs as they were.
	if !reflect.DeepEqual(plan, explainPlan(t, explainEvent())) || !reflect.DeepEqual(ev, explainEvent()) {
		t.Fatal("Explain changed its event or plan")
	}
}

func TestExplainBrokenPlan(t *testing.T) {
	ev := explainEvent()
	for name, spoil := range map[string]func(p *model.Plan){
		"over capacity": func(p *model.Plan) {
			p.Assignments = append(p.Assignments, model.Assignment{Participant: "p10", Round: "r1", Session: "a-r1"})
		},
		"wrong objective": func(p *model.Plan) { p.Objective++ },
		"unknown session": func(p *model.Plan) { p.Assignments[0].Session = "nowhere" },
	} {
		t.Run(name, func(t *testing.T) {
			plan := explainPlan(t, ev)
			spoil(plan)
			if ex, err := Explain(ev, plan); err == nil {
				t.Fatalf("no error; explanations %v", ex)
			}
		})
	}
	bad := explainEvent()
	bad.Participants[0].Organisation = "nowhere"
	if _, err := Explain(bad, explainPlan(t, ev)); err == nil {
		t.Fatal("no error for an invalid event")
	}
	if _, err := Explain(nil, nil); err == nil {
		t.Fatal("no error for nil")
	}
}

// TestExplainMovesMatchCheck compares, on solved random events, every move
// Explain can weigh (a participant alone into any session of a round, or
// swapped with any of its members) with model.Check on the changed plan:
// the same rule broken or none, and the same change of every term.
func TestExplainMovesMatchCheck(t *testing.T) {
	configs := []randevent.Config{
		{Participants: 12, Organisations: 3, Themes: 4, Rounds: 3, MinMax: 3},
		{Participants: 14, Organisations: 3, Themes: 3, Rounds: 3, Parallel: 2, MinMax: 2, MaxPerOrganisation: 2, RepeatPair: 7, Pins: 0.2},
		{Participants: 12, Organisations: 4, Themes: 4, Rounds: 3, Delegations: true, Partial: 0.3, Wanted: 0.3, OnlyRanked: true, RepeatPair: 3},
	}
	valid, broken := 0, 0
	for ci, cfg := range configs {
		for seed := uint64(1); seed <= 4; seed++ {
			ev := randevent.New(seed, cfg)
			plan, err := Solve(context.Background(), ev, Options{TimeLimit: 200 * time.Millisecond, Seed: seed})
			if err != nil {
				t.Fatalf("config %d seed %d: %v", ci, seed, err)
			}
			if _, err := Explain(ev, plan); err != nil {
				t.Fatalf("config %d seed %d: %v", ci, seed, err)
			}
			v, b := checkMoves(t, fmt.Sprintf("config %d seed %d", ci, seed), ev, plan)
			valid, broken = valid+v, broken+b
		}
	}
	if valid == 0 || broken == 0 {
		t.Fatalf("%d allowed and %d forbidden moves compared: the events test too little", valid, broken)
	}
	t.Logf("%d allowed and %d forbidden moves agree with model.Check", valid, broken)
}

func checkMoves(t *testing.T, name string, ev *model.Event, plan *model.Plan) (valid, broken int) {
	t.Helper()
	norm := ev.Normalized()
	x := newExplainer(norm, plan)
	base := model.Check(norm, plan).Breakdown
	compare := func(chs []change) {
		t.Helper()
		got, br := x.try(chs)
		q := *plan
		q.Assignments = nil
		moving := map[[2]int]int{}
		for _, c := range chs {
			moving[[2]int{c.p, c.r}] = c.to
		}
		for p := range norm.Participants {
			for r := range norm.Rounds {
				s := x.asg[p][r]
				if to, ok := moving[[2]int{p, r}]; ok {
					s = to
				}
				if s >= 0 {
					q.Assignments = append(q.Assignments, model.Assignment{
						Participant: norm.Participants[p].ID, Round: norm.Rounds[r].ID, Session: norm.Sessions[s].ID})
				}
			}
		}
		rep := model.Check(norm, &q)
		var rules []string
		for _, v := range rep.Violations {
			if v.Rule > 0 {
				rules = append(rules, v.String())
			}
		}
		if (br.kind == noBreach) != (len(rules) == 0) {
			t.Fatalf("%s: moves %v: Explain finds breach %v, model.Check %q", name, chs, br, rules)
		}
		if want := diff(rep.Breakdown, base); br.kind == noBreach && got != want {
			t.Fatalf("%s: moves %v: Explain finds %+v, model.Check %+v", name, chs, got, want)
		}
		if br.kind == noBreach {
			valid++
		} else {
			broken++
		}
	}
	moves := 0
	for p := range norm.Participants {
		for r := range norm.Rounds {
			s0 := x.asg[p][r]
			for _, s := range x.roundSess[r] {
				if s == s0 {
					continue
				}
				compare([]change{{p, r, s}})
				for _, q := range slices.Clone(x.members[s]) {
					compare([]change{{p, r, s}, {q, r, s0}})
				}
				moves++
			}
			if s0 >= 0 {
				compare([]change{{p, r, -1}})
			}
		}
	}
	if moves == 0 {
		t.Fatalf("%s: no move tried", name)
	}
	// The state is as it was.
	again := newExplainer(norm, plan)
	if !reflect.DeepEqual(x.asg, again.asg) || !slices.EqualFunc(x.members, again.members, slices.Equal) {
		t.Fatalf("%s: trying moves changed the plan", name)
	}
	return valid, broken
}
