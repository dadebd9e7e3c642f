package model_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/roundtable-go/roundtable/model"
)

// This file tests model.Check in three ways:
//
//   - hand-made events with plans whose breakdown is computed by hand in
//     the comments (TestCheckHandComputed);
//   - one valid plan broken one hard rule at a time, and one plan whose
//     own figures are wrong one at a time (TestCheckHardRules,
//     TestCheckConsistency);
//   - a second, naive implementation of docs/FORMAT.md (the oracle below)
//     compared with Check on random events and plans, and used to confirm
//     the optimum 1205 of the worked example by exhaustive search.

// ---------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------

func asg(participant, round, session string) model.Assignment {
	return model.Assignment{Participant: participant, Round: round, Session: session}
}

func room(org, round, host string) model.DelegationRoom {
	return model.DelegationRoom{Organisation: org, Round: round, Host: host}
}

// session builds an explicit session; capacity or min below 0 leave the
// field absent (the event's defaults apply).
func session(id, theme, round string, capacity, min int, host string) model.Session {
	s := model.Session{ID: id, Theme: theme, Round: round, Host: host}
	if capacity >= 0 {
		s.Capacity = model.Ptr(capacity)
	}
	if min >= 0 {
		s.Min = model.Ptr(min)
	}
	return s
}

// withFigures sets the plan's own figures to b, optimal, with the given
// unplaced list: what a correct engine would write.
func withFigures(p *model.Plan, b model.Breakdown, unplaced ...model.Unplaced) *model.Plan {
	p.Breakdown = b
	p.Objective = b.Total()
	p.Bound = p.Objective
	p.Status = model.StatusOptimal
	p.Unplaced = unplaced
	return p
}

func mustValidate(t *testing.T, ev *model.Event) {
	t.Helper()
	if err := ev.Validate(); err != nil {
		t.Fatalf("test event is invalid:\n%v", err)
	}
}

// hard returns the violations of hard rules 1 to 3 (rule 0 is the plan
// contradicting its own figures).
func hard(r *model.Report) []model.Violation {
	var out []model.Violation
	for _, v := range r.Violations {
		if v.Rule != 0 {
			out = append(out, v)
		}
	}
	return out
}

// replace swaps the assignment of participant in round for a, failing
// the test when there is none.
func replace(t *testing.T, p *model.Plan, participant, round string, a model.Assignment) {
	t.Helper()
	for i, x := range p.Assignments {
		if x.Participant == participant && x.Round == round {
			p.Assignments[i] = a
			return
		}
	}
	t.Fatalf("plan has no assignment of %q in %q", participant, round)
}

func removeAssignment(t *testing.T, p *model.Plan, participant, round string) {
	t.Helper()
	for i, x := range p.Assignments {
		if x.Participant == participant && x.Round == round {
			p.Assignments = slices.Delete(p.Assignments, i, i+1)
			return
		}
	}
	t.Fatalf("plan has no assignment of %q in %q", participant, round)
}

func setRoom(t *testing.T, p *model.Plan, org, round, host string) {
	t.Helper()
	for i, d := range p.Delegations {
		if d.Organisation == org {
			p.Delegations[i] = room(org, round, host)
			return
		}
	}
	t.Fatalf("plan has no delegation room of %q", org)
}

func findParticipant(t *testing.T, ev *model.Event, id string) *model.Participant {
	t.Helper()
	for i := range ev.Participants {
		if ev.Participants[i].ID == id {
			return &ev.Participants[i]
		}
	}
	t.Fatalf("event has no participant %q", id)
	return nil
}

// ---------------------------------------------------------------------
// Hand-made event 1: colleagues (samePair), delegations, pins, experts.
// ---------------------------------------------------------------------

// colleaguesEvent has three rounds, of which r3 (a closing plenary) has
// no session, three themes, explicit sessions with capacities and
// minimums, three organisations of which leuven has no delegation room,
// and hosts with availability and affinity.
func colleaguesEvent() *model.Event {
	ev := model.NewEvent()
	ev.Name = "colleagues"
	ev.Rounds = []model.Round{{ID: "r1"}, {ID: "r2"}, {ID: "r3", Label: "plenary"}}
	ev.Themes = []model.Theme{
		{ID: "zorg", Name: "Zorg", Competences: []string{"welzijn"}},
		{ID: "fin", Name: "Financien", Competences: []string{"financien"}},
		{ID: "comm", Name: "Communicatie", Competences: []string{"communicatie"}},
	}
	ev.Sessions = []model.Session{
		session("zorg-r1", "zorg", "r1", 4, 2, ""),
		session("fin-r1", "fin", "r1", 3, -1, ""),
		session("comm-r1", "comm", "r1", 3, -1, "expert"),
		session("zorg-r2", "zorg", "r2", 4, -1, ""),
		session("fin-r2", "fin", "r2", 4, 2, ""),
		session("comm-r2", "comm", "r2", 3, -1, ""),
	}
	ev.Organisations = []model.Organisation{
		{ID: "hasselt"}, {ID: "genk"}, {ID: "leuven", Delegation: model.Ptr(false)},
	}
	ev.Hosts = []model.Host{
		{ID: "res1", Rounds: []string{"r1", "r2"}, Organisations: []string{"hasselt"}},
		{ID: "res2", Rounds: []string{"r2"}, Organisations: []string{"genk"}},
		{ID: "res3"},
		{ID: "expert", Rounds: []string{"r1"}},
	}
	ev.Delegations = &model.Delegations{Rounds: []string{"r1", "r2"}}
	ev.Participants = []model.Participant{
		{ID: "h1", Organisation: "hasselt", Competences: []string{"welzijn"}, Preferences: []string{"zorg", "fin"}, Sessions: model.Ptr(1)},
		{ID: "h2", Organisation: "hasselt", Competences: []string{"financien"}, Preferences: []string{"fin", "zorg", "comm"}},
		{ID: "h3", Organisation: "hasselt", Preferences: []string{"fin", "comm"}, Delegation: model.Ptr(false)},
		{ID: "h4", Organisation: "hasselt", Preferences: []string{"comm", "fin"}, Rounds: []string{"r2", "r3"}},
		{ID: "g1", Organisation: "genk", Competences: []string{"communicatie"}, Preferences: []string{"comm", "zorg"},
			Delegation: model.Ptr(false), Pinned: map[string]string{"r1": "comm-r1"}},
		{ID: "g2", Organisation: "genk", Preferences: []string{"zorg"}},
		{ID: "l1", Organisation: "leuven", Competences: []string{"welzijn", "financien"}, Preferences: []string{"zorg", "fin"}},
		{ID: "l2", Organisation: "leuven", Sessions: model.Ptr(1), Rounds: []string{"r1"}},
	}
	ev.Weights = model.Weights{Rank: []int{100, 60, 30}, Unranked: 5, Competence: 20, SamePair: 10,
		Unplaced: 1000, Affinity: 10, RepeatPair: 0}
	ev.Rules = model.Rules{MaxPerOrganisation: 3}
	return ev
}

// colleaguesBreakdown is the breakdown of colleaguesPlan, by hand.
//
// Delegations: hasselt in r1 with res1 (res1 lists hasselt: affinity 10),
// genk in r1 with res3 (lists nobody: 0). Affinity = 10.
//
// Free rounds (r3 has no session, so it is never free):
//
//	h1: r2 (r1 delegation), sessions 1 -> wanted 1
//	h2: r2 (r1 delegation)             -> wanted 1
//	h3: r1, r2 (delegation false)      -> wanted 2
//	h4: r2 (available r2, r3 only)     -> wanted 1
//	g1: r1, r2 (delegation false)      -> wanted 2
//	g2: r2 (r1 delegation)             -> wanted 1
//	l1: r1, r2 (leuven has no room)    -> wanted 2
//	l2: r1 (available r1 only)         -> wanted 1
//
// Everyone gets what they want: unplaced = 0.
//
// Preference (rank [100 60 30], unranked 5) and competence (20):
//
//	l1 zorg-r1: zorg rank[0] 100, welzijn meets zorg      +20
//	l2 zorg-r1: no preferences, unranked 5
//	g1 comm-r1: comm rank[0] 100, communicatie meets comm +20
//	h3 comm-r1: comm rank[1] 60
//	h2 fin-r2:  fin rank[0] 100, financien meets fin      +20
//	h3 fin-r2:  fin rank[0] 100
//	h4 fin-r2:  fin rank[1] 60
//	l1 fin-r2:  fin rank[1] 60, financien meets fin       +20
//	h1 zorg-r2: zorg rank[0] 100, welzijn meets zorg      +20
//	g1 zorg-r2: zorg rank[1] 60 (communicatie does not meet zorg)
//	g2 comm-r2: comm not ranked, unranked 5
//
// Preference = 100+5+100+60+100+100+60+60+100+60+5 = 750;
// competence = 5 x 20 = 100.
//
// samePair (10): zorg-r1 holds l1 and l2 of leuven (1 pair); fin-r2 holds
// h2, h3 and h4 of hasselt (3 pairs) and l1; the others hold no two
// colleagues. 4 pairs x 10 = 40.
//
// Objective = 750 + 100 + 10 - 40 = 820.
var colleaguesBreakdown = model.Breakdown{Preference: 750, Competence: 100, Affinity: 10, SamePair: 40}

func colleaguesPlan() *model.Plan {
	p := &model.Plan{
		Event:       "colleagues",
		Delegations: []model.DelegationRoom{room("hasselt", "r1", "res1"), room("genk", "r1", "res3")},
		Assignments: []model.Assignment{
			asg("l1", "r1", "zorg-r1"), asg("l2", "r1", "zorg-r1"),
			asg("g1", "r1", "comm-r1"), asg("h3", "r1", "comm-r1"),
			asg("h2", "r2", "fin-r2"), asg("h3", "r2", "fin-r2"), asg("h4", "r2", "fin-r2"), asg("l1", "r2", "fin-r2"),
			asg("h1", "r2", "zorg-r2"), asg("g1", "r2", "zorg-r2"),
			asg("g2", "r2", "comm-r2"),
		},
	}
	return withFigures(p, colleaguesBreakdown)
}

// ---------------------------------------------------------------------
// Hand-made event 2: unplaced participants and wanted(p).
// ---------------------------------------------------------------------

// unplacedEvent has four rounds, r4 without sessions, delegation rooms
// only in r2, and participants whose wanted(p) each come from a different
// clause of the definition.
func unplacedEvent() *model.Event {
	ev := model.NewEvent()
	ev.Name = "unplaced"
	ev.Rounds = []model.Round{{ID: "r1"}, {ID: "r2"}, {ID: "r3"}, {ID: "r4"}}
	ev.Themes = []model.Theme{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	ev.Sessions = []model.Session{
		session("a-r1", "a", "r1", 2, -1, ""),
		session("b-r1", "b", "r1", 1, -1, ""),
		session("a-r2", "a", "r2", 1, -1, ""),
		session("c-r2", "c", "r2", 2, -1, ""),
		session("b-r3", "b", "r3", 1, -1, ""),
		session("c-r3", "c", "r3", 1, -1, ""),
	}
	ev.Organisations = []model.Organisation{{ID: "x"}, {ID: "y", Delegation: model.Ptr(false)}}
	ev.Hosts = []model.Host{{ID: "host1", Rounds: []string{"r2"}}}
	ev.Delegations = &model.Delegations{Rounds: []string{"r2"}}
	ev.Participants = []model.Participant{
		{ID: "x1", Organisation: "x", Preferences: []string{"a"}},
		{ID: "x2", Organisation: "x", Rounds: []string{"r2", "r4"}},
		{ID: "x3", Organisation: "x", Sessions: model.Ptr(1), Delegation: model.Ptr(false), Rounds: []string{"r1", "r2"}},
		{ID: "y1", Organisation: "y", Preferences: []string{"c", "b"}},
		{ID: "y2", Organisation: "y", Sessions: model.Ptr(5), Rounds: []string{"r3", "r4"}},
		{ID: "y3", Organisation: "y", Sessions: model.Ptr(0)},
	}
	ev.Weights = model.Weights{Rank: []int{50, 20}, Unranked: 0, Competence: 20, SamePair: 10,
		Unplaced: 100, Affinity: 10, RepeatPair: 0}
	return ev
}

// unplacedWanted is wanted(p) for unplacedEvent with x's room in r2:
//
//	x1: available r1-r4; r2 delegation, r4 no session -> free r1, r3: 2
//	x2: available r2, r4; r2 delegation, r4 no session -> free none: 0
//	x3: delegation false, available r1, r2 -> free 2, sessions 1: 1
//	y1: y has no room; r4 no session -> free r1, r2, r3: 3
//	y2: available r3, r4 -> free r3: 1, sessions 5 does not raise it: 1
//	y3: sessions 0: 0
var unplacedWanted = map[string]int{"x1": 2, "x2": 0, "x3": 1, "y1": 3, "y2": 1, "y3": 0}

// unplacedBreakdown: x1 gets a-r1 only (b-r3 and c-r3 are full, each of
// capacity 1), x3 gets nothing. Missing: x1 1, x3 1 -> unplaced 2 x 100 =
// 200.
//
//	x1 a-r1: a rank[0] 50
//	y1 b-r1: b rank[1] 20
//	y1 a-r2: a not ranked, unranked 0
//	y1 c-r3: c rank[0] 50
//	y2 b-r3: no preferences, unranked 0
//
// Preference = 120; no theme has competences; no two colleagues share a
// session (x1 is alone in a-r1, y1 and y2 never meet); host1 lists no
// organisation. Objective = 120 - 200 = -80.
var unplacedBreakdown = model.Breakdown{Preference: 120, Unplaced: 200}

func unplacedPlan() *model.Plan {
	p := &model.Plan{
		Event:       "unplaced",
		Delegations: []model.DelegationRoom{room("x", "r2", "host1")},
		Assignments: []model.Assignment{
			asg("x1", "r1", "a-r1"),
			asg("y1", "r1", "b-r1"), asg("y1", "r2", "a-r2"), asg("y1", "r3", "c-r3"),
			asg("y2", "r3", "b-r3"),
		},
	}
	return withFigures(p, unplacedBreakdown,
		model.Unplaced{Participant: "x1", Missing: 1, Reason: "b-r3 and c-r3 are full"},
		model.Unplaced{Participant: "x3", Missing: 1, Reason: "not placed"},
	)
}

// ---------------------------------------------------------------------
// Hand-made event 3: repeatPair, affinity, unranked, short rank list,
// default sessions.
// ---------------------------------------------------------------------

// repeatEvent has no explicit sessions: one per theme per round, id
// THEME-ROUND, capacity 3 and min 0 from defaults.
func repeatEvent() *model.Event {
	ev := model.NewEvent()
	ev.Name = "repeat"
	ev.Rounds = []model.Round{{ID: "r1"}, {ID: "r2"}, {ID: "r3"}}
	ev.Themes = []model.Theme{
		{ID: "t1", Competences: []string{"c1"}},
		{ID: "t2", Competences: []string{"c2"}},
		{ID: "t3"},
		{ID: "t4", Competences: []string{"c1", "c2"}},
	}
	ev.Defaults = model.Defaults{Capacity: 3, Min: 0}
	ev.Organisations = []model.Organisation{{ID: "o1"}, {ID: "o2"}, {ID: "o3"}}
	ev.Hosts = []model.Host{
		{ID: "hA", Rounds: []string{"r1", "r3"}, Organisations: []string{"o1", "o2"}},
		{ID: "hB", Organisations: []string{"o3"}},
		{ID: "hC"},
	}
	ev.Delegations = &model.Delegations{Rounds: []string{"r1", "r3"}}
	ev.Participants = []model.Participant{
		{ID: "a", Organisation: "o1", Competences: []string{"c1"}, Preferences: []string{"t1", "t2", "t3"}},
		{ID: "b", Organisation: "o2", Competences: []string{"c2"}, Preferences: []string{"t2", "t1"}},
		{ID: "c", Organisation: "o3", Competences: []string{"c2"}, Preferences: []string{"t4"}, Sessions: model.Ptr(2), Delegation: model.Ptr(false)},
		{ID: "d", Organisation: "o3", Competences: []string{"c1"}, Delegation: model.Ptr(false), Rounds: []string{"r1"}},
	}
	ev.Weights = model.Weights{Rank: []int{40, 20}, Unranked: 3, Competence: 5, SamePair: 2,
		Unplaced: 50, Affinity: 7, RepeatPair: 11}
	return ev
}

// repeatBreakdown, by hand:
//
// Delegations: o1 r1 hA (hA lists o1: +7), o2 r1 hB (hB lists o3 only: 0),
// o3 r3 hB (hB lists o3: +7). Affinity = 14.
//
// Wanted: a and b free r2, r3 (r1 delegation) -> 2; c delegation false,
// free r1-r3, sessions 2 -> 2; d available r1 only -> 1. All placed.
//
// Preference (rank [40 20], unranked 3) and competence (5):
//
//	a t1-r2: t1 rank[0] 40, c1 meets t1                 +5
//	a t3-r3: t3 at position 2, beyond len(rank) 2: unranked 3
//	b t1-r2: t1 rank[1] 20 (c2 does not meet t1)
//	b t3-r3: t3 not ranked: unranked 3
//	c t4-r1: t4 rank[0] 40, c2 meets t4                 +5
//	c t1-r2: t1 not ranked: 3
//	d t4-r1: no preferences: 3, c1 meets t4             +5
//
// Preference = 40+3+20+3+40+3+3 = 112; competence = 15.
//
// samePair (2): t4-r1 holds c and d of o3: 1 pair -> 2.
// repeatPair (11): a and b share t1-r2 and t3-r3: 2 - 1 = 1 repeat; a-c,
// b-c and c-d share one session each. 1 x 11 = 11.
//
// Objective = 112 + 15 + 14 - 2 - 0 - 11 = 128.
var repeatBreakdown = model.Breakdown{Preference: 112, Competence: 15, Affinity: 14, SamePair: 2, RepeatPair: 11}

func repeatPlan() *model.Plan {
	p := &model.Plan{
		Event:       "repeat",
		Delegations: []model.DelegationRoom{room("o1", "r1", "hA"), room("o2", "r1", "hB"), room("o3", "r3", "hB")},
		Assignments: []model.Assignment{
			asg("a", "r2", "t1-r2"), asg("a", "r3", "t3-r3"),
			asg("b", "r2", "t1-r2"), asg("b", "r3", "t3-r3"),
			asg("c", "r1", "t4-r1"), asg("c", "r2", "t1-r2"),
			asg("d", "r1", "t4-r1"),
		},
	}
	return withFigures(p, repeatBreakdown)
}

// ---------------------------------------------------------------------
// Hand-computed cases
// ---------------------------------------------------------------------

func TestCheckHandComputed(t *testing.T) {
	tests := []struct {
		name      string
		ev        *model.Event
		plan      *model.Plan
		want      model.Breakdown
		objective int64
		wanted    map[string]int
		missing   map[string]int
	}{
		{
			name: "colleagues", ev: colleaguesEvent(), plan: colleaguesPlan(),
			want: colleaguesBreakdown, objective: 820,
			wanted:  map[string]int{"h1": 1, "h2": 1, "h3": 2, "h4": 1, "g1": 2, "g2": 1, "l1": 2, "l2": 1},
			missing: map[string]int{},
		},
		{
			name: "unplaced", ev: unplacedEvent(), plan: unplacedPlan(),
			want: unplacedBreakdown, objective: -80,
			wanted:  unplacedWanted,
			missing: map[string]int{"x1": 1, "x3": 1},
		},
		{
			name: "repeat pair", ev: repeatEvent(), plan: repeatPlan(),
			want: repeatBreakdown, objective: 128,
			wanted:  map[string]int{"a": 2, "b": 2, "c": 2, "d": 1},
			missing: map[string]int{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mustValidate(t, tc.ev)
			r := model.Check(tc.ev, tc.plan)
			if r.Breakdown != tc.want {
				t.Errorf("Breakdown = %+v, want %+v", r.Breakdown, tc.want)
			}
			if r.Objective != tc.objective || tc.want.Total() != tc.objective {
				t.Errorf("Objective = %d, want %d (breakdown total %d)", r.Objective, tc.objective, tc.want.Total())
			}
			if len(r.Violations) != 0 || r.Err() != nil {
				t.Errorf("violations of a valid plan:\n%v", r.Err())
			}
			if !maps.Equal(r.Wanted, tc.wanted) {
				t.Errorf("Wanted = %v, want %v", r.Wanted, tc.wanted)
			}
			if !maps.Equal(r.Missing, tc.missing) {
				t.Errorf("Missing = %v, want %v", r.Missing, tc.missing)
			}
			// The oracle, written from FORMAT.md, agrees with the hand.
			v := newOracle(tc.ev).judge(tc.plan)
			if v.b != tc.want || len(v.broken) != 0 {
				t.Errorf("oracle: %+v broken %v, want %+v", v.b, v.broken, tc.want)
			}
		})
	}
}

// TestCheckRepeatPairCounts checks the repeatPair arithmetic beyond one
// repeat: three people who share the same two sessions are three pairs
// with one repeat each, and a pair sharing three sessions repeats twice.
func TestCheckRepeatPairCounts(t *testing.T) {
	ev := repeatEvent()
	ev.Delegations = nil
	ev.Hosts = nil
	ev.Participants = []model.Participant{
		{ID: "a", Organisation: "o1"}, {ID: "b", Organisation: "o2"}, {ID: "c", Organisation: "o3"}, {ID: "d", Organisation: "o3"},
	}
	ev.Weights = model.Weights{Rank: []int{1}, RepeatPair: 11, SamePair: 2}
	mustValidate(t, ev)

	// a, b, c share t1-r1 and t2-r2: pairs ab, ac, bc repeat once each.
	// a and b also share t3-r3: ab shares 3 sessions, repeats twice.
	// d meets nobody. Repeats: ab 2 + ac 1 + bc 1 = 4. c and d (both o3)
	// are never together: samePair 0.
	p := &model.Plan{Assignments: []model.Assignment{
		asg("a", "r1", "t1-r1"), asg("b", "r1", "t1-r1"), asg("c", "r1", "t1-r1"),
		asg("a", "r2", "t2-r2"), asg("b", "r2", "t2-r2"), asg("c", "r2", "t2-r2"),
		asg("a", "r3", "t3-r3"), asg("b", "r3", "t3-r3"), asg("c", "r3", "t4-r3"),
		asg("d", "r1", "t4-r1"), asg("d", "r2", "t3-r2"), asg("d", "r3", "t2-r3"),
	}}
	// Nobody ranks anything: preference 0 (unranked 0); no competence
	// weight; everyone free in 3 rounds and placed 3 times.
	want := model.Breakdown{RepeatPair: 4 * 11}
	withFigures(p, want)
	r := model.Check(ev, p)
	if r.Breakdown != want || r.Err() != nil {
		t.Errorf("Breakdown = %+v, want %+v; violations:\n%v", r.Breakdown, want, r.Err())
	}

	// With weight 0, the same plan has no repeatPair term.
	ev.Weights.RepeatPair = 0
	withFigures(p, model.Breakdown{})
	if r := model.Check(ev, p); r.Breakdown.RepeatPair != 0 || r.Err() != nil {
		t.Errorf("repeatPair 0: Breakdown = %+v; violations:\n%v", r.Breakdown, r.Err())
	}
}

// TestCheckDoesNotModifyEvent: Check normalizes its own copy.
func TestCheckDoesNotModifyEvent(t *testing.T) {
	ev := repeatEvent()
	before := ev.Clone()
	model.Check(ev, repeatPlan())
	if ev.Sessions != nil {
		t.Errorf("Check filled the caller's default sessions: %v", ev.Sessions)
	}
	if !reflect.DeepEqual(ev, before) {
		t.Errorf("Check changed the event:\n%+v\nwas\n%+v", ev, before)
	}
}

// ---------------------------------------------------------------------
// One hard rule broken at a time
// ---------------------------------------------------------------------

func TestCheckHardRules(t *testing.T) {
	tests := []struct {
		name  string
		event func(t *testing.T, ev *model.Event) // optional change to the event
		plan  func(t *testing.T, p *model.Plan)   // optional change to the plan
		rule  int
		want  []string // substrings of the one violation's message
		// also, when set, is the message of a second violation of the
		// same rule that follows from the first.
		also string
	}{
		{
			name: "two sessions in one round",
			plan: func(t *testing.T, p *model.Plan) {
				p.Assignments = append(p.Assignments, asg("l2", "r1", "comm-r1"))
			},
			rule: 1, want: []string{`"l2"`, `two sessions of round "r1"`, `"zorg-r1"`, `"comm-r1"`},
		},
		{
			name:  "placed in a round they are not available",
			event: func(t *testing.T, ev *model.Event) { findParticipant(t, ev, "h3").Rounds = []string{"r2"} },
			rule:  1, want: []string{`"h3"`, `"comm-r1"`, `not available in round "r1"`},
		},
		{
			name: "placed during their delegation round",
			plan: func(t *testing.T, p *model.Plan) {
				replace(t, p, "h2", "r2", asg("h2", "r1", "fin-r1"))
			},
			rule: 1, want: []string{`"h2"`, `"fin-r1"`, `delegation room in round "r1"`},
		},
		{
			name: "same theme twice",
			plan: func(t *testing.T, p *model.Plan) {
				replace(t, p, "g1", "r2", asg("g1", "r2", "comm-r2"))
			},
			rule: 1, want: []string{`"g1"`, `theme "comm" twice`, `"comm-r1"`, `"comm-r2"`},
		},
		{
			name:  "more sessions than the participant wants",
			event: func(t *testing.T, ev *model.Event) { findParticipant(t, ev, "h3").Sessions = model.Ptr(1) }, // h3 has 2
			rule:  1, want: []string{`"h3" wants 1 session(s) but got 2`},
		},
		{
			name: "unknown participant",
			plan: func(t *testing.T, p *model.Plan) {
				p.Assignments = append(p.Assignments, asg("ghost", "r1", "fin-r1"))
			},
			rule: 1, want: []string{`unknown participant "ghost"`},
		},
		{
			name: "unknown session",
			plan: func(t *testing.T, p *model.Plan) {
				replace(t, p, "g2", "r2", asg("g2", "r2", "nope"))
			},
			rule: 1, want: []string{`"g2"`, `unknown session "nope"`},
		},
		{
			name: "session of another round",
			plan: func(t *testing.T, p *model.Plan) {
				replace(t, p, "l2", "r1", asg("l2", "r2", "zorg-r1"))
			},
			rule: 1, want: []string{`"l2"`, `names round "r2"`, `session "zorg-r1" is in round "r1"`},
		},
		{
			name:  "onlyRanked",
			event: func(t *testing.T, ev *model.Event) { ev.Rules.OnlyRanked = true },
			// g2 ranked only zorg and sits in comm-r2; l2 ranked nothing
			// and is exempt.
			rule: 1, want: []string{`"g2"`, `"comm-r2"`, `theme "comm"`, `onlyRanked`},
		},
		{
			name: "session above capacity",
			plan: func(t *testing.T, p *model.Plan) {
				replace(t, p, "g2", "r2", asg("g2", "r2", "fin-r2"))
			},
			rule: 2, want: []string{`session "fin-r2" holds 5, above its capacity 4`},
		},
		{
			name: "session below min but not empty",
			plan: func(t *testing.T, p *model.Plan) {
				replace(t, p, "l2", "r1", asg("l2", "r1", "comm-r1"))
			},
			rule: 2, want: []string{`session "zorg-r1" holds 1, below its minimum 2`},
		},
		{
			name:  "maxPerOrganisation exceeded",
			event: func(t *testing.T, ev *model.Event) { ev.Rules.MaxPerOrganisation = 2 },
			rule:  2, want: []string{`session "fin-r2" holds 3 of "hasselt"`, `maxPerOrganisation 2`},
		},
		{
			name: "pinned assignment not honoured",
			plan: func(t *testing.T, p *model.Plan) {
				replace(t, p, "g1", "r1", asg("g1", "r1", "fin-r1"))
			},
			rule: 2, want: []string{`"g1" is pinned to "comm-r1" in round "r1"`},
		},
		{
			name: "pinned participant not placed at all",
			plan: func(t *testing.T, p *model.Plan) { removeAssignment(t, p, "g1", "r1") },
			rule: 2, want: []string{`"g1" is pinned to "comm-r1" in round "r1"`},
		},
		{
			name: "delegation missing for an organisation",
			plan: func(t *testing.T, p *model.Plan) { p.Delegations = p.Delegations[:1] },
			rule: 3, want: []string{`organisation "genk" has no delegation room`},
		},
		{
			name: "delegation in a round not in delegations.rounds",
			plan: func(t *testing.T, p *model.Plan) { setRoom(t, p, "genk", "r3", "res3") },
			rule: 3, want: []string{`"genk"`, `round "r3"`, `not one of delegations.rounds`},
			// Check then counts genk as having no room at all.
			also: `organisation "genk" has no delegation room`,
		},
		{
			name: "delegation in an unknown round",
			plan: func(t *testing.T, p *model.Plan) { setRoom(t, p, "genk", "r9", "res3") },
			rule: 3, want: []string{`"genk"`, `round "r9"`, `not one of delegations.rounds`},
			also: `organisation "genk" has no delegation room`,
		},
		{
			name: "delegation host unavailable",
			plan: func(t *testing.T, p *model.Plan) { setRoom(t, p, "hasselt", "r1", "res2") },
			rule: 3, want: []string{`host "res2"`, `"hasselt"`, `round "r1"`, `not available`},
		},
		{
			name: "host running two delegations in one round",
			plan: func(t *testing.T, p *model.Plan) { setRoom(t, p, "genk", "r1", "res1") },
			rule: 3, want: []string{`host "res1" runs two delegation rooms in round "r1"`, `"hasselt"`, `"genk"`},
		},
		{
			name: "delegation host busy with a session",
			plan: func(t *testing.T, p *model.Plan) { setRoom(t, p, "hasselt", "r1", "expert") },
			rule: 3, want: []string{`host "expert"`, `"hasselt"`, `round "r1"`, `hosts a session`},
		},
		{
			name: "delegation for an organisation with delegation false",
			plan: func(t *testing.T, p *model.Plan) {
				p.Delegations = append(p.Delegations, room("leuven", "r2", "res2"))
			},
			rule: 3, want: []string{`organisation "leuven" has delegation false`},
		},
		{
			name: "two delegation rooms for one organisation",
			plan: func(t *testing.T, p *model.Plan) {
				p.Delegations = append(p.Delegations, room("genk", "r2", "res2"))
			},
			rule: 3, want: []string{`organisation "genk" has more than one delegation room`},
		},
		{
			name: "delegation room of an unknown organisation",
			plan: func(t *testing.T, p *model.Plan) {
				p.Delegations = append(p.Delegations, room("antwerpen", "r2", "res2"))
			},
			rule: 3, want: []string{`unknown organisation "antwerpen"`},
		},
		{
			name: "delegation room with an unknown host",
			plan: func(t *testing.T, p *model.Plan) { setRoom(t, p, "genk", "r1", "nobody") },
			rule: 3, want: []string{`"genk"`, `unknown host "nobody"`},
		},
		{
			name: "delegation rooms in an event without them",
			// Without rooms h1, h2 and g2 are free in r1 too: only their
			// wanted(p) changes, a rule-0 matter.
			event: func(t *testing.T, ev *model.Event) { ev.Delegations = nil },
			rule:  3, want: []string{`no delegation rooms but the plan has 2`},
		},
	}

	// The base plan is valid: every case starts from no violation.
	base := colleaguesEvent()
	mustValidate(t, base)
	if r := model.Check(base, colleaguesPlan()); r.Err() != nil {
		t.Fatalf("base plan:\n%v", r.Err())
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev, p := colleaguesEvent(), colleaguesPlan()
			if tc.event != nil {
				tc.event(t, ev)
				mustValidate(t, ev)
			}
			if tc.plan != nil {
				tc.plan(t, p)
			}
			r := model.Check(ev, p)
			got := hard(r)
			if tc.also != "" {
				if len(got) != 2 || got[1].Rule != tc.rule || got[1].Message != tc.also {
					t.Fatalf("want a second violation %q, got:\n%v", tc.also, r.Err())
				}
				got = got[:1]
			}
			if len(got) != 1 {
				t.Fatalf("want exactly one hard violation (rule %d), got %d:\n%v", tc.rule, len(got), r.Err())
			}
			if got[0].Rule != tc.rule {
				t.Errorf("rule = %d, want %d: %s", got[0].Rule, tc.rule, got[0].Message)
			}
			for _, w := range tc.want {
				if !strings.Contains(got[0].Message, w) {
					t.Errorf("message %q lacks %q", got[0].Message, w)
				}
			}
			if r.Err() == nil || !strings.Contains(r.Err().Error(), fmt.Sprintf("rule %d: %s", tc.rule, got[0].Message)) {
				t.Errorf("Err() = %v, want it to list %q", r.Err(), got[0].String())
			}
			// The oracle agrees that exactly this rule is broken.
			v := newOracle(ev).judge(p)
			if rules := slices.Sorted(maps.Keys(v.broken)); !slices.Equal(rules, []int{tc.rule}) {
				t.Errorf("oracle finds rules %v broken (%v), want [%d]", rules, v.broken, tc.rule)
			}
		})
	}
}

// ---------------------------------------------------------------------
// The plan's own figures (rule 0)
// ---------------------------------------------------------------------

// shortPlan is colleaguesPlan without g2's session: g2 misses 1.
// Breakdown by hand: preference 750 - 5 (g2's unranked comm-r2) = 745,
// unplaced 1 x 1000; the rest unchanged. Objective = 745 + 100 + 10 - 40
// - 1000 = -185.
func shortPlan(t *testing.T) *model.Plan {
	p := colleaguesPlan()
	removeAssignment(t, p, "g2", "r2")
	return withFigures(p, model.Breakdown{Preference: 745, Competence: 100, Affinity: 10, SamePair: 40, Unplaced: 1000},
		model.Unplaced{Participant: "g2", Missing: 1, Reason: "comm-r2 was cancelled"})
}

func TestCheckConsistency(t *testing.T) {
	ev := colleaguesEvent()
	mustValidate(t, ev)
	if r := model.Check(ev, shortPlan(t)); r.Err() != nil || r.Objective != -185 || !maps.Equal(r.Missing, map[string]int{"g2": 1}) {
		t.Fatalf("short plan: objective %d, missing %v, violations:\n%v", r.Objective, r.Missing, r.Err())
	}

	tests := []struct {
		name string
		base func(t *testing.T) *model.Plan
		edit func(p *model.Plan)
		want []string // substrings of the one rule-0 violation
	}{
		{
			name: "wrong breakdown",
			base: func(*testing.T) *model.Plan { return colleaguesPlan() },
			// Moving 1 from competence to preference keeps the total.
			edit: func(p *model.Plan) { p.Breakdown.Preference++; p.Breakdown.Competence-- },
			want: []string{"breakdown", "Preference:751", "Preference:750"},
		},
		{
			name: "wrong objective",
			base: func(*testing.T) *model.Plan { return colleaguesPlan() },
			edit: func(p *model.Plan) { p.Objective, p.Bound = 821, 821 },
			want: []string{"objective 821, but the assignments give 820"},
		},
		{
			name: "status optimal with bound above objective",
			base: func(*testing.T) *model.Plan { return colleaguesPlan() },
			edit: func(p *model.Plan) { p.Bound = 900 },
			want: []string{"status optimal but bound 900 differs from objective 820"},
		},
		{
			name: "status feasible with bound equal to objective",
			base: func(*testing.T) *model.Plan { return colleaguesPlan() },
			edit: func(p *model.Plan) { p.Status = model.StatusFeasible },
			want: []string{"status feasible but bound equals objective 820"},
		},
		{
			name: "bound below objective",
			base: func(*testing.T) *model.Plan { return colleaguesPlan() },
			edit: func(p *model.Plan) { p.Status, p.Bound = model.StatusFeasible, 800 },
			want: []string{"bound 800 is below the objective 820"},
		},
		{
			name: "unknown status",
			base: func(*testing.T) *model.Plan { return colleaguesPlan() },
			edit: func(p *model.Plan) { p.Status = "done" },
			want: []string{`status "done"`},
		},
		{
			name: "participant short of wanted not listed as unplaced",
			base: shortPlan,
			edit: func(p *model.Plan) { p.Unplaced = nil },
			want: []string{`"g2" misses 1 session(s) but is not listed as unplaced`},
		},
		{
			name: "missing count wrong",
			base: shortPlan,
			edit: func(p *model.Plan) { p.Unplaced[0].Missing = 2 },
			want: []string{`"g2" is listed as missing 2 session(s) but misses 1`},
		},
		{
			name: "unplaced without a reason",
			base: shortPlan,
			edit: func(p *model.Plan) { p.Unplaced[0].Reason = "  " },
			want: []string{`"g2" is listed as unplaced without a reason`},
		},
		{
			name: "listed twice",
			base: shortPlan,
			edit: func(p *model.Plan) { p.Unplaced = append(p.Unplaced, p.Unplaced[0]) },
			want: []string{`"g2" is listed twice as unplaced`},
		},
		{
			name: "listed but placed in full",
			base: func(*testing.T) *model.Plan { return colleaguesPlan() },
			edit: func(p *model.Plan) {
				p.Unplaced = []model.Unplaced{{Participant: "h1", Missing: 1, Reason: "?"}}
			},
			want: []string{`"h1" is listed as unplaced but got every session they want`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.base(t)
			tc.edit(p)
			r := model.Check(ev, p)
			if len(r.Violations) != 1 {
				t.Fatalf("want exactly one violation, got %d:\n%v", len(r.Violations), r.Err())
			}
			v := r.Violations[0]
			if v.Rule != 0 {
				t.Errorf("rule = %d, want 0: %s", v.Rule, v.Message)
			}
			for _, w := range tc.want {
				if !strings.Contains(v.Message, w) {
					t.Errorf("message %q lacks %q", v.Message, w)
				}
			}
			if !strings.HasPrefix(v.String(), "plan: ") || !strings.Contains(r.Err().Error(), v.String()) {
				t.Errorf("String() = %q, Err() = %v", v.String(), r.Err())
			}
		})
	}
}

func TestReportErr(t *testing.T) {
	r := &model.Report{}
	if r.Err() != nil {
		t.Errorf("Err() of an empty report = %v", r.Err())
	}
	r.Violations = []model.Violation{{Rule: 2, Message: "a"}, {Rule: 0, Message: "b"}}
	want := "model: plan breaks 2 rule(s):\nrule 2: a\nplan: b"
	if err := r.Err(); err == nil || err.Error() != want {
		t.Errorf("Err() = %q, want %q", err, want)
	}
}

// ---------------------------------------------------------------------
// The oracle: a second, naive reading of docs/FORMAT.md
// ---------------------------------------------------------------------

// specSession is a session with its sizes resolved as FORMAT.md says:
// absent sessions mean one per theme per round, id THEME-ROUND; absent
// sizes mean the defaults.
type specSession struct {
	id, theme, round, host string
	capacity, min          int
}

type oracle struct {
	ev       *model.Event
	sessions []specSession
}

func newOracle(ev *model.Event) *oracle {
	o := &oracle{ev: ev}
	if len(ev.Sessions) == 0 {
		for _, r := range ev.Rounds {
			for _, th := range ev.Themes {
				o.sessions = append(o.sessions, specSession{id: th.ID + "-" + r.ID, theme: th.ID, round: r.ID,
					capacity: ev.Defaults.Capacity, min: ev.Defaults.Min})
			}
		}
		return o
	}
	for _, s := range ev.Sessions {
		ss := specSession{id: s.ID, theme: s.Theme, round: s.Round, host: s.Host,
			capacity: ev.Defaults.Capacity, min: ev.Defaults.Min}
		if s.Capacity != nil {
			ss.capacity = *s.Capacity
		}
		if s.Min != nil {
			ss.min = *s.Min
		}
		o.sessions = append(o.sessions, ss)
	}
	return o
}

// verdict is what the oracle finds: the breakdown, wanted(p), how many
// sessions each participant misses, and the broken hard rules, each with
// reasons.
type verdict struct {
	b       model.Breakdown
	wanted  map[string]int
	missing map[string]int
	broken  map[int][]string
}

func (v *verdict) fail(rule int, format string, args ...any) {
	v.broken[rule] = append(v.broken[rule], fmt.Sprintf(format, args...))
}

func notFalse(b *bool) bool { return b == nil || *b }

func availableIn(rounds []string, r string) bool { return rounds == nil || slices.Contains(rounds, r) }

func (o *oracle) session(id string) (specSession, bool) {
	for _, s := range o.sessions {
		if s.id == id {
			return s, true
		}
	}
	return specSession{}, false
}

// judge reads the plan's delegations and assignments; it ignores the
// plan's own figures.
func (o *oracle) judge(plan *model.Plan) verdict {
	ev := o.ev
	w := ev.Weights
	v := verdict{wanted: map[string]int{}, missing: map[string]int{}, broken: map[int][]string{}}

	orgOf := func(id string) (model.Organisation, bool) {
		for _, x := range ev.Organisations {
			if x.ID == id {
				return x, true
			}
		}
		return model.Organisation{}, false
	}
	hostOf := func(id string) (model.Host, bool) {
		for _, h := range ev.Hosts {
			if h.ID == id {
				return h, true
			}
		}
		return model.Host{}, false
	}

	// Rule 3, and the round of each organisation's room.
	roomRound := map[string]string{}
	if ev.Delegations == nil {
		if len(plan.Delegations) > 0 {
			v.fail(3, "rooms without delegations")
		}
	} else {
		rooms := map[string]int{}
		used := map[[2]string]bool{}
		for _, d := range plan.Delegations {
			rooms[d.Organisation]++
			if org, ok := orgOf(d.Organisation); !ok || !notFalse(org.Delegation) {
				v.fail(3, "room for %s, which has none", d.Organisation)
			} else if rooms[d.Organisation] == 1 {
				// The participants attend their organisation's (first) room.
				roomRound[d.Organisation] = d.Round
			}
			if !slices.Contains(ev.Delegations.Rounds, d.Round) {
				v.fail(3, "room of %s in %s", d.Organisation, d.Round)
			}
			if h, ok := hostOf(d.Host); !ok {
				v.fail(3, "unknown host %s", d.Host)
			} else if !availableIn(h.Rounds, d.Round) {
				v.fail(3, "host %s unavailable in %s", d.Host, d.Round)
			}
			for _, s := range o.sessions {
				if s.host == d.Host && s.round == d.Round {
					v.fail(3, "host %s runs %s in %s", d.Host, s.id, d.Round)
				}
			}
			if used[[2]string{d.Host, d.Round}] {
				v.fail(3, "host %s twice in %s", d.Host, d.Round)
			}
			used[[2]string{d.Host, d.Round}] = true
			if h, ok := hostOf(d.Host); ok && slices.Contains(h.Organisations, d.Organisation) {
				v.b.Affinity += int64(w.Affinity)
			}
		}
		for _, org := range ev.Organisations {
			if notFalse(org.Delegation) && rooms[org.ID] != 1 {
				v.fail(3, "%s has %d rooms", org.ID, rooms[org.ID])
			}
		}
	}
	delegationRound := func(p model.Participant) string {
		if ev.Delegations == nil || !notFalse(p.Delegation) {
			return ""
		}
		return roomRound[p.Organisation]
	}

	// Preference and competence, per assignment; in[p][s] counts the
	// assignments of participant p to session s.
	in := make([][]int, len(ev.Participants))
	for i := range in {
		in[i] = make([]int, len(o.sessions))
	}
	for _, a := range plan.Assignments {
		pi := slices.IndexFunc(ev.Participants, func(p model.Participant) bool { return p.ID == a.Participant })
		si := slices.IndexFunc(o.sessions, func(s specSession) bool { return s.id == a.Session })
		if pi < 0 || si < 0 {
			v.fail(1, "unknown participant or session in %+v", a)
			continue
		}
		p, s := ev.Participants[pi], o.sessions[si]
		if a.Round != s.round {
			v.fail(1, "%+v: session is in %s", a, s.round)
		}
		in[pi][si]++

		k := slices.Index(p.Preferences, s.theme)
		if k >= 0 && k < len(w.Rank) {
			v.b.Preference += int64(w.Rank[k])
		} else {
			v.b.Preference += int64(w.Unranked)
		}
		for _, th := range ev.Themes {
			if th.ID == s.theme && slices.ContainsFunc(p.Competences, func(c string) bool { return slices.Contains(th.Competences, c) }) {
				v.b.Competence += int64(w.Competence)
			}
		}
	}

	// Rule 1, participant by participant.
	count := make([]int, len(ev.Participants))
	for pi, p := range ev.Participants {
		perRound, perTheme := map[string]int{}, map[string]int{}
		for si, s := range o.sessions {
			n := in[pi][si]
			if n == 0 {
				continue
			}
			count[pi] += n
			perRound[s.round] += n
			perTheme[s.theme] += n
			if !availableIn(p.Rounds, s.round) {
				v.fail(1, "%s unavailable in %s", p.ID, s.round)
			}
			if delegationRound(p) == s.round {
				v.fail(1, "%s in delegation room in %s", p.ID, s.round)
			}
			if ev.Rules.OnlyRanked && len(p.Preferences) > 0 && !slices.Contains(p.Preferences, s.theme) {
				v.fail(1, "%s did not rank %s", p.ID, s.theme)
			}
		}
		for r, n := range perRound {
			if n > 1 {
				v.fail(1, "%s has %d sessions in %s", p.ID, n, r)
			}
		}
		for th, n := range perTheme {
			if n > 1 {
				v.fail(1, "%s has theme %s %d times", p.ID, th, n)
			}
		}
		if p.Sessions != nil && count[pi] > *p.Sessions {
			v.fail(1, "%s gets %d sessions, wants %d", p.ID, count[pi], *p.Sessions)
		}
		// Rule 2: pins.
		for r, sid := range p.Pinned {
			if !slices.Contains(plan.Assignments, asg(p.ID, r, sid)) {
				v.fail(2, "%s not in pinned %s", p.ID, sid)
			}
		}
	}

	// Rule 2, session by session.
	for si, s := range o.sessions {
		size, perOrg := 0, map[string]int{}
		for pi, p := range ev.Participants {
			size += in[pi][si]
			perOrg[p.Organisation] += in[pi][si]
		}
		if size > s.capacity || size > 0 && size < s.min {
			v.fail(2, "%s holds %d", s.id, size)
		}
		for org, n := range perOrg {
			if ev.Rules.MaxPerOrganisation > 0 && n > ev.Rules.MaxPerOrganisation {
				v.fail(2, "%s holds %d of %s", s.id, n, org)
			}
		}
	}

	// wanted(p) = min(p.sessions, |free(p)|) and the unplaced term.
	for pi, p := range ev.Participants {
		free := 0
		for _, r := range ev.Rounds {
			hasSession := slices.ContainsFunc(o.sessions, func(s specSession) bool { return s.round == r.ID })
			if availableIn(p.Rounds, r.ID) && delegationRound(p) != r.ID && hasSession {
				free++
			}
		}
		wanted := free
		if p.Sessions != nil && *p.Sessions < free {
			wanted = *p.Sessions
		}
		v.wanted[p.ID] = wanted
		if miss := wanted - count[pi]; miss > 0 {
			v.missing[p.ID] = miss
			v.b.Unplaced += int64(w.Unplaced) * int64(miss)
		}
	}

	// samePair and repeatPair over every unordered pair of participants.
	ps := ev.Participants
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			shared := 0
			for si := range o.sessions {
				if in[i][si] > 0 && in[j][si] > 0 {
					shared++
					if ps[i].Organisation == ps[j].Organisation {
						v.b.SamePair += int64(w.SamePair)
					}
				}
			}
			if shared > 1 {
				v.b.RepeatPair += int64(w.RepeatPair) * int64(shared-1)
			}
		}
	}
	return v
}

// ---------------------------------------------------------------------
// Random events and plans, Check against the oracle
// ---------------------------------------------------------------------

// randomEvent returns a valid random event of 1-3 rounds, 2-4 themes,
// default or explicit sessions (some rounds without any, parallel groups,
// expert hosts), 1-3 organisations, optional delegation rooms, 2-8
// participants with every optional field, random weights and rules.
func randomEvent(rng *rand.Rand) *model.Event {
	for {
		ev := tryRandomEvent(rng)
		if ev.Validate() == nil {
			return ev
		}
		// Pins are the usual trouble: try once without them.
		for i := range ev.Participants {
			ev.Participants[i].Pinned = nil
		}
		if ev.Validate() == nil {
			return ev
		}
	}
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// subset returns a random subset of xs in order, nil or non-empty as
// asked.
func subset(rng *rand.Rand, xs []string, nonEmpty bool) []string {
	for {
		var out []string
		for _, x := range xs {
			if rng.IntN(2) == 0 {
				out = append(out, x)
			}
		}
		if len(out) > 0 || !nonEmpty {
			return out
		}
	}
}

func tryRandomEvent(rng *rand.Rand) *model.Event {
	ev := model.NewEvent()
	ev.Name = "random"
	var rounds, themes []string
	for i := range 1 + rng.IntN(3) {
		rounds = append(rounds, fmt.Sprintf("r%d", i+1))
		ev.Rounds = append(ev.Rounds, model.Round{ID: rounds[i]})
	}
	comps := []string{"c1", "c2", "c3"}
	for i := range 2 + rng.IntN(3) {
		themes = append(themes, fmt.Sprintf("t%d", i+1))
		ev.Themes = append(ev.Themes, model.Theme{ID: themes[i], Competences: subset(rng, comps, false)})
	}
	ev.Defaults.Capacity = 1 + rng.IntN(5)
	ev.Defaults.Min = rng.IntN(min(2, ev.Defaults.Capacity) + 1)

	experts := []string{"e1", "e2"}
	if rng.IntN(10) < 7 {
		for _, r := range rounds {
			if rng.IntN(6) == 0 {
				continue // a round without sessions
			}
			hostUsed := map[string]bool{}
			for _, th := range themes {
				for g := range 1 + rng.IntN(2) {
					if rng.IntN(10) < 4 {
						continue
					}
					s := model.Session{ID: fmt.Sprintf("%s-%s-%d", th, r, g), Theme: th, Round: r}
					if rng.IntN(3) > 0 {
						s.Capacity = model.Ptr(1 + rng.IntN(4))
					}
					if rng.IntN(3) == 0 {
						s.Min = model.Ptr(rng.IntN(3))
					}
					if lo, hi := s.MinSize(ev.Defaults.Min), s.Cap(ev.Defaults.Capacity); lo > hi {
						s.Min = model.Ptr(hi)
					}
					if h := pick(rng, experts); rng.IntN(4) == 0 && !hostUsed[h] {
						s.Host, hostUsed[h] = h, true
					}
					ev.Sessions = append(ev.Sessions, s)
				}
			}
		}
	}

	var orgs []string
	for i := range 1 + rng.IntN(3) {
		orgs = append(orgs, fmt.Sprintf("o%d", i+1))
		o := model.Organisation{ID: orgs[i]}
		if rng.IntN(10) < 3 {
			o.Delegation = model.Ptr(rng.IntN(2) == 0)
		}
		ev.Organisations = append(ev.Organisations, o)
	}
	for i := range rng.IntN(4) {
		h := model.Host{ID: fmt.Sprintf("d%d", i+1), Organisations: subset(rng, orgs, false)}
		if rng.IntN(2) == 0 {
			h.Rounds = subset(rng, rounds, true)
		}
		ev.Hosts = append(ev.Hosts, h)
	}
	ev.Hosts = append(ev.Hosts, model.Host{ID: "e1", Organisations: subset(rng, orgs, false)})
	e2 := model.Host{ID: "e2"}
	for _, s := range ev.Sessions { // e2 is available exactly where it hosts
		if s.Host == "e2" && !slices.Contains(e2.Rounds, s.Round) {
			e2.Rounds = append(e2.Rounds, s.Round)
		}
	}
	ev.Hosts = append(ev.Hosts, e2)
	if rng.IntN(10) < 6 {
		ev.Delegations = &model.Delegations{Rounds: subset(rng, rounds, true)}
	}

	sessions := newOracle(ev).sessions
	for i := range 2 + rng.IntN(7) {
		p := model.Participant{ID: fmt.Sprintf("p%d", i+1), Organisation: pick(rng, orgs),
			Competences: subset(rng, comps, false)}
		perm := slices.Clone(themes)
		rng.Shuffle(len(perm), func(a, b int) { perm[a], perm[b] = perm[b], perm[a] })
		p.Preferences = perm[:rng.IntN(len(perm)+1)]
		if rng.IntN(3) == 0 {
			p.Sessions = model.Ptr(rng.IntN(len(rounds) + 1))
		}
		if rng.IntN(3) == 0 {
			p.Rounds = subset(rng, rounds, true)
		}
		if rng.IntN(5) == 0 {
			p.Delegation = model.Ptr(false)
		}
		if rng.IntN(5) == 0 && len(sessions) > 0 {
			s := pick(rng, sessions)
			p.Pinned = map[string]string{s.round: s.id}
		}
		ev.Participants = append(ev.Participants, p)
	}

	ranks := make([]int, 1+rng.IntN(3))
	for i := range ranks {
		ranks[i] = rng.IntN(101)
	}
	ev.Weights = model.Weights{Rank: ranks, Unranked: rng.IntN(16) - 5, Competence: rng.IntN(31),
		SamePair: rng.IntN(11), Unplaced: rng.IntN(101), Affinity: rng.IntN(11), RepeatPair: rng.IntN(11)}
	if rng.IntN(3) == 0 {
		ev.Weights.RepeatPair = 0
	}
	ev.Rules = model.Rules{MaxPerOrganisation: rng.IntN(3), OnlyRanked: rng.IntN(3) == 0}
	return ev
}

// randomPlan places participants mostly by the rules, repairs most size
// problems, and now and then makes a mistake, so that both valid and
// invalid plans come out.
func randomPlan(rng *rand.Rand, ev *model.Event) *model.Plan {
	o := newOracle(ev)
	mistake := func() bool { return rng.IntN(40) == 0 }
	slip := func() bool { return rng.IntN(15) == 0 } // a mistake with a room
	p := &model.Plan{Event: ev.Name}

	roomRound := map[string]string{}
	if ev.Delegations != nil {
		type slot struct{ host, round string }
		var slots []slot
		for _, h := range ev.Hosts {
			for _, r := range ev.Delegations.Rounds {
				busy := slices.ContainsFunc(o.sessions, func(s specSession) bool { return s.host == h.ID && s.round == r })
				if availableIn(h.Rounds, r) && !busy {
					slots = append(slots, slot{h.ID, r})
				}
			}
		}
		rng.Shuffle(len(slots), func(a, b int) { slots[a], slots[b] = slots[b], slots[a] })
		for _, org := range ev.Organisations {
			if !notFalse(org.Delegation) && !slip() || slip() {
				continue
			}
			var s slot
			if len(slots) > 0 && !slip() {
				s, slots = slots[0], slots[1:]
			} else {
				s = slot{pick(rng, ev.Hosts).ID, pick(rng, ev.Rounds).ID}
			}
			p.Delegations = append(p.Delegations, room(org.ID, s.round, s.host))
			roomRound[org.ID] = s.round
		}
	}

	pinned := map[model.Assignment]bool{}
	for _, part := range ev.Participants {
		busy := ""
		if ev.Delegations != nil && notFalse(part.Delegation) {
			busy = roomRound[part.Organisation]
		}
		var mine []specSession
		for r, sid := range part.Pinned {
			if !mistake() {
				a := asg(part.ID, r, sid)
				p.Assignments = append(p.Assignments, a)
				pinned[a] = true
				s, _ := o.session(sid)
				mine = append(mine, s)
			}
		}
		rounds := slices.Clone(ev.Rounds)
		rng.Shuffle(len(rounds), func(a, b int) { rounds[a], rounds[b] = rounds[b], rounds[a] })
		for _, r := range rounds {
			if part.Sessions != nil && len(mine) >= *part.Sessions && !mistake() {
				break
			}
			if slices.ContainsFunc(mine, func(s specSession) bool { return s.round == r.ID }) && !mistake() ||
				(!availableIn(part.Rounds, r.ID) || busy == r.ID) && !mistake() || rng.IntN(5) == 0 {
				continue
			}
			var options []specSession
			for _, s := range o.sessions {
				ok := s.round == r.ID &&
					!slices.ContainsFunc(mine, func(m specSession) bool { return m.theme == s.theme }) &&
					(!ev.Rules.OnlyRanked || len(part.Preferences) == 0 || slices.Contains(part.Preferences, s.theme))
				if ok || s.round == r.ID && mistake() {
					options = append(options, s)
				}
			}
			if len(options) == 0 {
				continue
			}
			s := pick(rng, options)
			p.Assignments = append(p.Assignments, asg(part.ID, r.ID, s.id))
			mine = append(mine, s)
		}
	}

	if rng.IntN(10) > 0 {
		repairSizes(rng, ev, o, p, pinned)
	}
	if mistake() && len(p.Assignments) > 0 {
		i := rng.IntN(len(p.Assignments))
		p.Assignments[i].Session = pick(rng, o.sessions).id
	}
	return p
}

// repairSizes removes non-pinned participants from sessions above
// capacity or maxPerOrganisation, and empties sessions below their
// minimum, until nothing changes.
func repairSizes(rng *rand.Rand, ev *model.Event, o *oracle, p *model.Plan, pinned map[model.Assignment]bool) {
	orgOf := map[string]string{}
	for _, part := range ev.Participants {
		orgOf[part.ID] = part.Organisation
	}
	for changed := true; changed; {
		changed = false
		rng.Shuffle(len(p.Assignments), func(a, b int) { p.Assignments[a], p.Assignments[b] = p.Assignments[b], p.Assignments[a] })
		for _, s := range o.sessions {
			n, perOrg := 0, map[string]int{}
			for _, a := range p.Assignments {
				if a.Session == s.id {
					n++
					perOrg[orgOf[a.Participant]]++
				}
			}
			p.Assignments = slices.DeleteFunc(p.Assignments, func(a model.Assignment) bool {
				if a.Session != s.id || pinned[a] {
					return false
				}
				org := orgOf[a.Participant]
				drop := n > s.capacity || n < s.min ||
					ev.Rules.MaxPerOrganisation > 0 && perOrg[org] > ev.Rules.MaxPerOrganisation
				if drop {
					n--
					perOrg[org]--
					changed = true
				}
				return drop
			})
		}
	}
}

func TestCheckAgainstOracle(t *testing.T) {
	const cases = 600
	rng := rand.New(rand.NewPCG(2021, 318))
	valid, ruleBroken := 0, map[int]int{}
	for i := range cases {
		ev := randomEvent(rng)
		p := randomPlan(rng, ev)
		v := newOracle(ev).judge(p)

		// Give the plan the figures the oracle computes; a valid plan then
		// has no violation at all.
		var unplaced []model.Unplaced
		for _, id := range slices.Sorted(maps.Keys(v.missing)) {
			unplaced = append(unplaced, model.Unplaced{Participant: id, Missing: v.missing[id], Reason: "random"})
		}
		withFigures(p, v.b, unplaced...)
		if rng.IntN(2) == 0 {
			p.Status, p.Bound = model.StatusFeasible, p.Objective+1+int64(rng.IntN(100))
		}
		r := model.Check(ev, p)

		checkRules := map[int]bool{}
		for _, x := range hard(r) {
			checkRules[x.Rule] = true
		}
		for rule := range v.broken {
			ruleBroken[rule]++
		}
		if (len(v.broken) == 0) != (len(checkRules) == 0) || (v.broken[3] != nil) != checkRules[3] {
			t.Errorf("case %d: oracle finds %v broken, Check finds:\n%v\nevent %+v\nplan %+v", i, v.broken, r.Err(), ev, p)
			continue
		}
		if len(v.broken) > 0 {
			continue
		}
		valid++
		if r.Breakdown != v.b || r.Objective != v.b.Total() || !maps.Equal(r.Wanted, v.wanted) || !maps.Equal(r.Missing, v.missing) {
			t.Errorf("case %d: Check %+v (objective %d) wanted %v missing %v;\noracle %+v wanted %v missing %v\nevent %+v\nplan %+v",
				i, r.Breakdown, r.Objective, r.Wanted, r.Missing, v.b, v.wanted, v.missing, ev, p)
		}
		if len(r.Violations) != 0 {
			t.Errorf("case %d: valid plan with correct figures:\n%v", i, r.Err())
		}
	}
	t.Logf("%d random plans: %d valid; invalid by rule: %v", cases, valid, ruleBroken)
	// Guard the generator: enough plans of each kind to mean something.
	if valid < cases/4 || ruleBroken[1] < cases/20 || ruleBroken[2] < cases/20 || ruleBroken[3] < cases/20 {
		t.Errorf("generator too one-sided: %d valid, broken by rule %v", valid, ruleBroken)
	}
}

// ---------------------------------------------------------------------
// The worked example of docs/FORMAT.md
// ---------------------------------------------------------------------

func loadExample(t *testing.T) *model.Event {
	t.Helper()
	ev, err := model.LoadEvent("testdata/example-event.json")
	if err != nil {
		t.Fatal(err)
	}
	mustValidate(t, ev)
	return ev
}

// TestCheckExampleByHand checks a plan of the worked example that reaches
// its optimum 1205.
//
// Delegations (two hosts, two rounds: four slots for four organisations):
// o1 r1 h1 (h1 lists o1: affinity 10), o2 r1 h2, o3 r2 h1, o4 r2 h2.
// Everyone attends, so o3 and o4 are free in r1, o1 and o2 in r2; each
// wants 1 (p0011 is available in r1 only, which is free for o3).
//
// Round r1:
//
//	t1-r1: p0009 (t1 rank[0] 100, communicatie +20)
//	t2-r1: p0011 (t2 rank[0] 100, zorg +20), p0002 (unranked 0, zorg +20)
//	t3-r1: p0001 (100, financien +20), p0013 (100, financien +20),
//	       p0014 (100); p0001 and p0014 are both o4: 1 pair
//
// Round r2:
//
//	t1-r2: p0005 (100, communicatie +20), p0007 (100), p0012 (100),
//	       p0010 (100); p0005, p0007 and p0012 are o1: 3 pairs
//	t2-r2: p0004 (unranked 0)
//	t3-r2: p0003 (100), p0006 (100), p0008 (100); p0006 and p0008 are
//	       o1: 1 pair
//
// Preference 12 x 100 = 1200; competence 6 x 20 = 120; affinity 10;
// samePair 5 pairs x 25 = 125. Objective = 1200 + 120 + 10 - 125 = 1205.
func TestCheckExampleByHand(t *testing.T) {
	ev := loadExample(t)
	p := &model.Plan{
		Event:       ev.Name,
		Delegations: []model.DelegationRoom{room("o1", "r1", "h1"), room("o2", "r1", "h2"), room("o3", "r2", "h1"), room("o4", "r2", "h2")},
		Assignments: []model.Assignment{
			asg("p0009", "r1", "t1-r1"),
			asg("p0011", "r1", "t2-r1"), asg("p0002", "r1", "t2-r1"),
			asg("p0001", "r1", "t3-r1"), asg("p0013", "r1", "t3-r1"), asg("p0014", "r1", "t3-r1"),
			asg("p0005", "r2", "t1-r2"), asg("p0007", "r2", "t1-r2"), asg("p0012", "r2", "t1-r2"), asg("p0010", "r2", "t1-r2"),
			asg("p0004", "r2", "t2-r2"),
			asg("p0003", "r2", "t3-r2"), asg("p0006", "r2", "t3-r2"), asg("p0008", "r2", "t3-r2"),
		},
	}
	want := model.Breakdown{Preference: 1200, Competence: 120, Affinity: 10, SamePair: 125}
	withFigures(p, want)
	r := model.Check(ev, p)
	if r.Breakdown != want || r.Objective != 1205 || r.Err() != nil {
		t.Errorf("Breakdown = %+v, objective %d, want %+v = 1205; violations:\n%v", r.Breakdown, r.Objective, want, r.Err())
	}
	if v := newOracle(ev).judge(p); v.b != want || len(v.broken) != 0 {
		t.Errorf("oracle: %+v broken %v", v.b, v.broken)
	}

	// A plainer plan: p0004 joins its colleague p0003 in t3-r2, one pair
	// more, 25 less.
	replace(t, p, "p0004", "r2", asg("p0004", "r2", "t3-r2"))
	want.SamePair += 25
	withFigures(p, want)
	p.Status, p.Bound = model.StatusFeasible, 1205
	if r := model.Check(ev, p); r.Objective != 1180 || r.Err() != nil {
		t.Errorf("objective %d, want 1180; violations:\n%v", r.Objective, r.Err())
	}
}

// TestExampleOptimum searches every plan of the worked example, scored by
// the oracle, and finds the optimum 1205 of docs/FORMAT.md; Check accepts
// the best plan with the same figures.
//
// The search is exhaustive thanks to the example's shape: every
// organisation has a room, so every participant has at most one free
// round, repeatPair is 0, and no one is pinned. Given the rooms, the
// rounds are then independent: the best plan puts together the best
// assignment of each round's free participants (each in one of the
// round's sessions, or in none).
func TestExampleOptimum(t *testing.T) {
	ev := loadExample(t)
	o := newOracle(ev)
	if ev.Weights.RepeatPair != 0 || ev.Delegations == nil {
		t.Fatal("the example changed: the search below relies on its shape")
	}
	for _, org := range ev.Organisations {
		if !notFalse(org.Delegation) {
			t.Fatal("the example changed: every organisation should have a room")
		}
	}

	type slot struct{ host, round string }
	var slots []slot
	for _, h := range ev.Hosts {
		for _, r := range ev.Delegations.Rounds {
			if availableIn(h.Rounds, r) {
				slots = append(slots, slot{h.ID, r})
			}
		}
	}

	best := (*model.Plan)(nil)
	var bestScore int64
	cache := map[string][]model.Assignment{}
	var assignRooms func(i int, used []bool, rooms []model.DelegationRoom)
	assignRooms = func(i int, used []bool, rooms []model.DelegationRoom) {
		if i < len(ev.Organisations) {
			for k, s := range slots {
				if !used[k] {
					used[k] = true
					assignRooms(i+1, used, append(rooms, room(ev.Organisations[i].ID, s.round, s.host)))
					used[k] = false
				}
			}
			return
		}
		plan := &model.Plan{Delegations: slices.Clone(rooms)}
		for _, r := range ev.Rounds {
			plan.Assignments = append(plan.Assignments, bestRound(t, o, plan.Delegations, r.ID, cache)...)
		}
		v := o.judge(plan)
		if len(v.broken) != 0 {
			t.Fatalf("search built an invalid plan: %v", v.broken)
		}
		if best == nil || v.b.Total() > bestScore {
			best, bestScore = withFigures(plan, v.b), v.b.Total()
		}
	}
	assignRooms(0, make([]bool, len(slots)), nil)

	if bestScore != 1205 {
		t.Errorf("optimum of the worked example = %d, want 1205", bestScore)
	}
	if r := model.Check(ev, best); r.Err() != nil || r.Objective != bestScore {
		t.Errorf("Check of the best plan: objective %d, want %d; violations:\n%v", r.Objective, bestScore, r.Err())
	}
}

// bestRound returns the best assignment of the participants whose one
// free round is round, given the rooms.
//
// It judges the round on a sub-event of the group and the round's
// sessions only: everyone else's terms are the same in every candidate,
// and so is the group's wanted(p). To keep the 4^8 candidates cheap, the
// search scores a candidate as the sum of what each placement earns on
// its own (asked of the oracle once per participant and session) minus
// samePair for each pair of colleagues it seats together; the oracle
// then judges the winner and must agree with that score.
func bestRound(t *testing.T, o *oracle, rooms []model.DelegationRoom, round string, cache map[string][]model.Assignment) []model.Assignment {
	t.Helper()
	ev := o.ev
	sub := ev.Clone()
	sub.Delegations, sub.Sessions, sub.Participants = nil, nil, nil
	for _, p := range ev.Participants {
		var free []string
		for _, r := range ev.Rounds {
			busy := slices.ContainsFunc(rooms, func(d model.DelegationRoom) bool {
				return d.Organisation == p.Organisation && d.Round == r.ID && notFalse(p.Delegation)
			})
			if availableIn(p.Rounds, r.ID) && !busy {
				free = append(free, r.ID)
			}
		}
		if len(free) > 1 {
			t.Fatalf("%s has %d free rounds: the search assumes at most one", p.ID, len(free))
		}
		if len(free) == 1 && free[0] == round {
			sub.Participants = append(sub.Participants, p)
		}
	}
	var ids []string
	for _, p := range sub.Participants {
		ids = append(ids, p.ID)
	}
	key := round + ":" + strings.Join(ids, ",")
	if as, ok := cache[key]; ok {
		return as
	}
	var options []specSession
	for _, s := range o.sessions {
		if s.round == round {
			options = append(options, s)
			sub.Sessions = append(sub.Sessions, session(s.id, s.theme, s.round, s.capacity, s.min, s.host))
		}
	}
	so := newOracle(sub)
	group := sub.Participants

	// gain[k][j]: what placing group[k] in options[j] earns alone.
	empty := so.judge(&model.Plan{}).b.Total()
	gain := make([][]int64, len(group))
	for k, p := range group {
		for _, s := range options {
			alone := &model.Plan{Assignments: []model.Assignment{asg(p.ID, round, s.id)}}
			gain[k] = append(gain[k], so.judge(alone).b.Total()-empty)
		}
	}

	const none = -1
	choice, bestChoice := make([]int, len(group)), []int(nil)
	var bestScore int64
	size := make([]int, len(options))
	orgs := make([]map[string]int, len(options))
	for j := range orgs {
		orgs[j] = map[string]int{}
	}
	var rec func(k int, score int64)
	rec = func(k int, score int64) {
		if k == len(group) {
			for j, s := range options {
				if size[j] > 0 && size[j] < s.min {
					return
				}
			}
			if bestChoice == nil || score > bestScore {
				bestChoice, bestScore = slices.Clone(choice), score
			}
			return
		}
		choice[k] = none
		rec(k+1, score)
		org := group[k].Organisation
		for j, s := range options {
			if size[j] == s.capacity {
				continue
			}
			choice[k] = j
			pairs := int64(orgs[j][org])
			size[j]++
			orgs[j][org]++
			rec(k+1, score+gain[k][j]-pairs*int64(sub.Weights.SamePair))
			size[j]--
			orgs[j][org]--
		}
	}
	rec(0, 0)

	var best []model.Assignment
	for k, j := range bestChoice {
		if j != none {
			best = append(best, asg(group[k].ID, round, options[j].id))
		}
	}
	if v := so.judge(&model.Plan{Assignments: best}); len(v.broken) != 0 || v.b.Total()-empty != bestScore {
		t.Fatalf("round %s: search scores %d, oracle %d (broken %v)", round, bestScore, v.b.Total()-empty, v.broken)
	}
	cache[key] = best
	return best
}

// TestCheckViolationOrderIsStable: the same plan gets the same report,
// line for line, every time (reports are shown to people and compared in
// tests).
func TestCheckViolationOrderIsStable(t *testing.T) {
	ev := model.NewEvent()
	ev.Rounds = []model.Round{{ID: "r1"}}
	ev.Themes = []model.Theme{{ID: "t"}}
	ev.Organisations = []model.Organisation{{ID: "a"}, {ID: "b"}}
	ev.Participants = []model.Participant{
		{ID: "a1", Organisation: "a"}, {ID: "a2", Organisation: "a"},
		{ID: "b1", Organisation: "b"}, {ID: "b2", Organisation: "b"},
	}
	ev.Rules.MaxPerOrganisation = 1
	mustValidate(t, ev)
	p := &model.Plan{Assignments: []model.Assignment{
		asg("a1", "r1", "t-r1"), asg("a2", "r1", "t-r1"), asg("b1", "r1", "t-r1"), asg("b2", "r1", "t-r1"),
	}}
	// samePair: one pair of a and one of b, 2 x 10.
	withFigures(p, model.Breakdown{SamePair: 20})
	first := model.Check(ev, p).Err()
	if first == nil || strings.Count(first.Error(), "maxPerOrganisation") != 2 {
		t.Fatalf("want two maxPerOrganisation violations, got:\n%v", first)
	}
	for range 50 {
		if again := model.Check(ev, p).Err(); again.Error() != first.Error() {
			t.Fatalf("Check reports the same plan differently:\n%v\nthen\n%v", first, again)
		}
	}
}

// TestCheckNil: a missing event or plan is a violation, not a panic.
func TestCheckNil(t *testing.T) {
	for _, c := range []struct {
		ev   *model.Event
		plan *model.Plan
		want string
	}{{nil, &model.Plan{}, "plan: no event to check"}, {colleaguesEvent(), nil, "plan: no plan to check"}, {nil, nil, "plan: no event to check"}} {
		rep := model.Check(c.ev, c.plan)
		if len(rep.Violations) != 1 || rep.Violations[0].String() != c.want {
			t.Errorf("Check(%v, %v) = %v, want %q", c.ev != nil, c.plan != nil, rep.Violations, c.want)
		}
	}
}
