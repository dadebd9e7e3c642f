package model

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// smallEvent is a valid event with default sessions, delegations and
// every kind of reference, which each validation case breaks once.
func smallEvent() *Event {
	ev := NewEvent()
	ev.Name = "kennisdag"
	ev.Rounds = []Round{
		{ID: "r1", Label: "10:30-12:00", Start: "2021-03-18T10:30:00+01:00", End: "2021-03-18T12:00:00+01:00"},
		{ID: "r2", Label: "13:00-14:30"},
	}
	ev.Themes = []Theme{
		{ID: "zorg", Name: "Zorg en gezondheid", Competences: []string{"welzijn"}},
		{ID: "financien", Name: "Lokale begroting en financiën", Competences: []string{"financien"}},
		{ID: "communicatie", Name: "Communicatie"},
	}
	ev.Organisations = []Organisation{{ID: "hasselt", Name: "Hasselt"}, {ID: "genk", Name: "Genk"}, {ID: "leuven", Name: "Leuven", Delegation: Ptr(false)}}
	ev.Hosts = []Host{
		{ID: "res-1", Name: "Researcher 1", Rounds: []string{"r1", "r2"}, Organisations: []string{"hasselt"}},
		{ID: "res-2", Name: "Researcher 2"},
	}
	ev.Delegations = &Delegations{Rounds: []string{"r1", "r2"}}
	ev.Participants = []Participant{
		{ID: "p1", Name: "An Peeters", Organisation: "hasselt", Preferences: []string{"financien", "zorg"},
			Sessions: Ptr(1), Rounds: []string{"r1", "r2"}, Pinned: map[string]string{"r2": "zorg-r2"}},
		{ID: "p2", Name: "Bart Claes", Organisation: "genk", Preferences: []string{"communicatie"}},
	}
	return ev
}

// withSessions gives smallEvent explicit sessions with sizes and hosts.
func withSessions(ev *Event) *Event {
	ev.Hosts = append(ev.Hosts, Host{ID: "expert", Name: "Expert", Rounds: []string{"r1"}})
	ev.Sessions = []Session{
		{ID: "zorg-1", Theme: "zorg", Round: "r1", Capacity: Ptr(10), Min: Ptr(2), Host: "expert"},
		{ID: "zorg-r2", Theme: "zorg", Round: "r2"},
		{ID: "fin-1", Theme: "financien", Round: "r1"},
	}
	return ev
}

func TestValidateAcceptsValidEvents(t *testing.T) {
	for name, ev := range map[string]*Event{
		"small":               smallEvent(),
		"small normalized":    smallEvent().Normalized(),
		"sessions":            withSessions(smallEvent()),
		"sessions normalized": withSessions(smallEvent()).Normalized(),
		"example":             loadTestEvent(t, "testdata/example-event.json"),
		"example normalized":  loadTestEvent(t, "testdata/example-event.json").Normalized(),
	} {
		if err := ev.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v, want nil", name, err)
		}
	}
}

func loadTestEvent(t *testing.T, path string) *Event {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ev, err := DecodeEvent(f)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestValidateRules(t *testing.T) {
	tests := []struct {
		name     string
		sessions bool // start from withSessions
		edit     func(*Event)
		want     string // one line of the error, exactly
	}{
		{"no rounds", false, func(e *Event) { e.Rounds = nil; e.Delegations = nil; e.Participants = nil; e.Hosts = nil },
			"rounds: no rounds; add at least one round"},
		{"no themes", false, func(e *Event) { e.Themes = nil; e.Participants = nil },
			"themes: no themes; add at least one theme"},
		{"empty round id", false, func(e *Event) { e.Rounds = append(e.Rounds, Round{}) },
			"rounds[2].id: empty id; give every round a unique id"},
		{"duplicate round", false, func(e *Event) { e.Rounds = append(e.Rounds, Round{ID: "r1"}) },
			`rounds[2].id: id "r1" repeats rounds[0]; give every round a unique id`},
		{"bad time", false, func(e *Event) { e.Rounds[1].Start = "13:00" },
			`rounds[1].start: invalid time "13:00"; write it as RFC 3339, like "2021-03-18T10:30:00+01:00"`},
		{"end before start", false, func(e *Event) { e.Rounds[0].End = "2021-03-18T09:00:00+01:00" },
			`rounds[0].end: round ends at 2021-03-18T09:00:00+01:00, not after its start 2021-03-18T10:30:00+01:00; set end after start`},
		{"duplicate theme", false, func(e *Event) { e.Themes = append(e.Themes, Theme{ID: "zorg"}) },
			`themes[3].id: id "zorg" repeats themes[0]; give every theme a unique id`},
		{"default session ids collide", false, func(e *Event) {
			e.Themes = append(e.Themes, Theme{ID: "zorg-r1"})
			e.Rounds = append(e.Rounds, Round{ID: "x"}, Round{ID: "r1-x"})
		}, `sessions: default session id "zorg-r1-x" of theme "zorg" in round "r1-x" is also that of theme "zorg-r1" in round "x"; rename a theme or a round, or list the sessions explicitly`},
		{"duplicate session", true, func(e *Event) { e.Sessions[2].ID = "zorg-1" },
			`sessions[2].id: id "zorg-1" repeats sessions[0]; give every session a unique id`},
		{"unknown session theme", true, func(e *Event) { e.Sessions[2].Theme = "financein" },
			`sessions[2].theme: unknown theme "financein" (did you mean "financien"?)`},
		{"session theme by name", true, func(e *Event) { e.Sessions[2].Theme = "Communicatie" },
			`sessions[2].theme: unknown theme "Communicatie" (did you mean "communicatie"?)`},
		{"unknown session round", true, func(e *Event) { e.Sessions[1].Round = "R2" },
			`sessions[1].round: unknown round "R2" (did you mean "r2"?)`},
		{"unknown session host", true, func(e *Event) { e.Sessions[0].Host = "expret" },
			`sessions[0].host: unknown host "expret" (did you mean "expert"?)`},
		{"host twice in a round", true, func(e *Event) { e.Sessions[2].Host = "expert" },
			`sessions[2].host: host "expert" already runs sessions[0] ("zorg-1") in round "r1"; give one of them another host`},
		{"host unavailable", true, func(e *Event) { e.Sessions[1].Host = "expert" },
			`sessions[1].host: host "expert" is not available in round "r2"; add "r2" to the host's rounds or choose another host`},
		{"min above capacity", true, func(e *Event) { e.Sessions[0].Min = Ptr(11) },
			`sessions[0].min: min 11 is above capacity 10; lower min or raise capacity`},
		{"min above default capacity", true, func(e *Event) { e.Sessions[2].Min = Ptr(21) },
			`sessions[2].min: min 21 is above capacity 20; lower min or raise capacity`},
		{"negative capacity", true, func(e *Event) { e.Sessions[0].Capacity = Ptr(-1); e.Sessions[0].Min = nil },
			`sessions[0].capacity: negative capacity -1; use 0 or more`},
		{"negative min", true, func(e *Event) { e.Sessions[0].Min = Ptr(-2) },
			`sessions[0].min: negative min -2; use 0 or more`},
		{"duplicate organisation", false, func(e *Event) { e.Organisations[1].ID = "hasselt" },
			`organisations[1].id: id "hasselt" repeats organisations[0]; give every organisation a unique id`},
		{"duplicate host", false, func(e *Event) { e.Hosts[1].ID = "res-1" },
			`hosts[1].id: id "res-1" repeats hosts[0]; give every host a unique id`},
		{"host empty rounds", false, func(e *Event) { e.Hosts[0].Rounds = []string{} },
			`hosts[0].rounds: empty list: the host would never be available; omit the field for every round`},
		{"host unknown round", false, func(e *Event) { e.Hosts[0].Rounds[1] = "r3" },
			`hosts[0].rounds[1]: unknown round "r3" (did you mean "r1"?)`},
		{"host unknown organisation", false, func(e *Event) { e.Hosts[0].Organisations = []string{"Hasselt"} },
			`hosts[0].organisations[0]: unknown organisation "Hasselt" (did you mean "hasselt"?)`},
		{"delegations without rounds", false, func(e *Event) { e.Delegations.Rounds = nil },
			`delegations.rounds: no rounds; list the rounds for delegation rooms, or remove delegations`},
		{"delegations unknown round", false, func(e *Event) { e.Delegations.Rounds = []string{"r1", "rr2"} },
			`delegations.rounds[1]: unknown round "rr2" (did you mean "r2"?)`},
		{"delegations without hosts", false, func(e *Event) { e.Hosts = nil },
			`delegations: 2 organisations need a delegation room but there are no hosts; add hosts to run them, or remove delegations`},
		{"delegations hosts unavailable", false, func(e *Event) {
			e.Hosts[0].Rounds = []string{"r2"}
			e.Hosts[1].Rounds = []string{"r2"}
			e.Delegations.Rounds = []string{"r1"}
		}, `delegations: no host is available in any delegation round r1; make a host available in one of delegations.rounds`},
		{"delegations too few slots", false, func(e *Event) {
			e.Hosts = e.Hosts[:1]
			e.Delegations.Rounds = []string{"r1"}
		}, `delegations: 2 organisations need a delegation room but hosts can run at most 1 (1 in r1); add hosts, free hosts from sessions, or add delegation rounds`},
		{"delegations too few slots, a host busy", false, func(e *Event) {
			e.Hosts = e.Hosts[:1]
			e.Delegations.Rounds = []string{"r1"}
			e.Sessions = []Session{{ID: "zorg-1", Theme: "zorg", Round: "r1", Host: "res-1"}, {ID: "zorg-r2", Theme: "zorg", Round: "r2"}}
			e.Hosts = append(e.Hosts, Host{ID: "res-2", Name: "Researcher 2"})
		}, `delegations: 2 organisations need a delegation room but hosts can run at most 1 (1 in r1; res-1 runs session zorg-1 in r1); add hosts, free hosts from sessions, or add delegation rounds`},
		{"duplicate participant", false, func(e *Event) { e.Participants[1].ID = "p1" },
			`participants[1].id: id "p1" repeats participants[0]; give every participant a unique id`},
		{"empty participant id", false, func(e *Event) { e.Participants[1].ID = "" },
			`participants[1].id: empty id; give every participant a unique id`},
		{"unknown organisation", false, func(e *Event) { e.Participants[1].Organisation = "Gnk" },
			`participants[1].organisation: unknown organisation "Gnk" (did you mean "genk"?)`},
		{"empty organisation", false, func(e *Event) { e.Participants[1].Organisation = "" },
			`participants[1].organisation: empty organisation id; fill in the organisation's id`},
		{"pinned odd round key", false, func(e *Event) { e.Participants[0].Pinned = map[string]string{"r 2": "zorg-r2"} },
			`participants[0].pinned["r 2"]: unknown round "r 2" (did you mean "r2"?)`},
		{"unknown preference", false, func(e *Event) { e.Participants[0].Preferences[1] = "zorgg" },
			`participants[0].preferences[1]: unknown theme "zorgg" (did you mean "zorg"?)`},
		{"preference by name", false, func(e *Event) { e.Participants[0].Preferences[1] = "zorg en gezondheid" },
			`participants[0].preferences[1]: unknown theme "zorg en gezondheid" (did you mean "zorg"?)`},
		{"repeated preference", false, func(e *Event) { e.Participants[0].Preferences[1] = "financien" },
			`participants[0].preferences[1]: theme "financien" repeats participants[0].preferences[0]; list it once`},
		{"negative sessions", false, func(e *Event) { e.Participants[1].Sessions = Ptr(-1) },
			`participants[1].sessions: negative sessions -1; use 0 or more, or omit it for as many as possible`},
		{"empty participant rounds", false, func(e *Event) { e.Participants[1].Rounds = []string{} },
			`participants[1].rounds: empty list: the participant would never be available; omit the field for every round`},
		{"unknown participant round", false, func(e *Event) { e.Participants[1].Rounds = []string{"13:00-14:30"} },
			`participants[1].rounds[0]: unknown round "13:00-14:30" (did you mean "r2"?)`},
		{"pinned unknown round", false, func(e *Event) { e.Participants[0].Pinned = map[string]string{"r9": "zorg-r2"} },
			`participants[0].pinned.r9: unknown round "r9" (did you mean "r1"?)`},
		{"pinned unknown session", false, func(e *Event) { e.Participants[0].Pinned["r2"] = "zorg-R2" },
			`participants[0].pinned.r2: unknown session "zorg-R2" (did you mean "zorg-r2"?)`},
		{"pinned wrong round", false, func(e *Event) { e.Participants[0].Pinned["r2"] = "zorg-r1" },
			`participants[0].pinned.r2: session "zorg-r1" runs in round "r1", not "r2"; pin it under "r1" or choose a session of round "r2"`},
		{"pinned repeats theme", false, func(e *Event) {
			e.Participants[0].Sessions = nil
			e.Participants[0].Pinned["r1"] = "zorg-r1"
		}, `participants[0].pinned.r2: theme "zorg" is already pinned in round "r1"; pin another theme`},
		{"pinned unavailable", false, func(e *Event) { e.Participants[0].Rounds = []string{"r1"} },
			`participants[0].pinned.r2: participant is not available in round "r2"; add "r2" to the participant's rounds or remove the pin`},
		{"pinned not ranked", false, func(e *Event) {
			e.Rules.OnlyRanked = true
			e.Participants[0].Pinned["r2"] = "communicatie-r2"
		}, `participants[0].pinned.r2: theme "communicatie" is not ranked and rules.onlyRanked is set; add the theme to the participant's preferences or turn off rules.onlyRanked`},
		{"pinned more than wanted", false, func(e *Event) { e.Participants[0].Pinned["r1"] = "financien-r1" },
			`participants[0].pinned: 2 sessions pinned but the participant wants 1; raise sessions to 2 or remove a pin`},
		{"negative default capacity", false, func(e *Event) { e.Defaults.Capacity = -5 },
			`defaults.capacity: negative capacity -5; use 0 or more`},
		{"negative default min", false, func(e *Event) { e.Defaults.Min = -1 },
			`defaults.min: negative min -1; use 0 or more`},
		{"default min above capacity", false, func(e *Event) { e.Defaults.Min = 30 },
			`defaults.min: min 30 is above capacity 20; lower defaults.min or raise defaults.capacity`},
		{"nil rank", false, func(e *Event) { e.Weights.Rank = nil },
			`weights.rank: empty; give at least one weight, like [100, 60, 30]`},
		{"empty rank", false, func(e *Event) { e.Weights.Rank = []int{} },
			`weights.rank: empty; give at least one weight, like [100, 60, 30]`},
		{"huge rank", false, func(e *Event) { e.Weights.Rank[2] = -2_000_000 },
			`weights.rank[2]: weight -2000000 is too large; keep weights within ±1000000 so the objective cannot overflow`},
		{"huge competence", false, func(e *Event) { e.Weights.Competence = 1_000_001 },
			`weights.competence: weight 1000001 is too large; keep weights within ±1000000 so the objective cannot overflow`},
		{"negative samePair", false, func(e *Event) { e.Weights.SamePair = -1 },
			`weights.samePair: negative penalty -1; use 0 or more (the objective subtracts it)`},
		{"negative unplaced", false, func(e *Event) { e.Weights.Unplaced = -1 },
			`weights.unplaced: negative penalty -1; use 0 or more (the objective subtracts it)`},
		{"negative repeatPair", false, func(e *Event) { e.Weights.RepeatPair = -3 },
			`weights.repeatPair: negative penalty -3; use 0 or more (the objective subtracts it)`},
		{"negative maxPerOrganisation", false, func(e *Event) { e.Rules.MaxPerOrganisation = -1 },
			`rules.maxPerOrganisation: negative limit -1; use 0 for no limit`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := smallEvent()
			if tt.sessions {
				ev = withSessions(ev)
			}
			tt.edit(ev)
			err := ev.Validate()
			var ve ValidationErrors
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v, want ValidationErrors", err)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(ve) {
				t.Errorf("%d lines for %d problems", len(lines), len(ve))
			}
			for _, l := range lines {
				if l == tt.want {
					return
				}
			}
			t.Errorf("Validate() =\n%v\nwant a line\n%s", err, tt.want)
		})
	}
}

func TestValidateReportsEveryProblemInOrder(t *testing.T) {
	ev := withSessions(smallEvent())
	ev.Rounds = append(ev.Rounds, Round{ID: "r1"})
	ev.Sessions[0].Theme = "zorgg"
	ev.Sessions[0].Min = Ptr(12)
	ev.Participants[1].Preferences = []string{"communicatie", "Communicatie"}
	ev.Participants[0].Pinned["r1"] = "zorg-r2"
	ev.Participants[0].Organisation = "hasselt "
	ev.Weights.Unplaced = -1
	ev.Rules.MaxPerOrganisation = -1
	want := []string{
		`rounds[2].id: id "r1" repeats rounds[0]; give every round a unique id`,
		`sessions[0].theme: unknown theme "zorgg" (did you mean "zorg"?)`,
		`sessions[0].min: min 12 is above capacity 10; lower min or raise capacity`,
		`participants[0].organisation: unknown organisation "hasselt " (did you mean "hasselt"?)`,
		`participants[0].pinned.r1: session "zorg-r2" runs in round "r2", not "r1"; pin it under "r2" or choose a session of round "r1"`,
		`participants[0].pinned: 2 sessions pinned but the participant wants 1; raise sessions to 2 or remove a pin`,
		`participants[1].preferences[1]: unknown theme "Communicatie" (did you mean "communicatie"?)`,
		`weights.unplaced: negative penalty -1; use 0 or more (the objective subtracts it)`,
		`rules.maxPerOrganisation: negative limit -1; use 0 for no limit`,
	}
	err := ev.Validate()
	if err == nil {
		t.Fatal("Validate() = nil")
	}
	if got := err.Error(); got != strings.Join(want, "\n") {
		t.Errorf("Validate() =\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
	var ve ValidationErrors
	if !errors.As(err, &ve) || len(ve) != len(want) {
		t.Fatalf("errors.As gave %d problems, want %d", len(ve), len(want))
	}
	if ve[1].Path != "sessions[0].theme" || ve[2].Fix != "lower min or raise capacity" {
		t.Errorf("problem fields: %+v %+v", ve[1], ve[2])
	}
	// Deterministic: map iteration of pins must not change the order.
	for range 20 {
		if again := ev.Validate(); again.Error() != err.Error() {
			t.Fatalf("second Validate() differs:\n%v", again)
		}
	}
}

func TestValidateNilEvent(t *testing.T) {
	var ev *Event
	if err := ev.Validate(); err == nil {
		t.Fatal("nil event validated")
	}
}

func TestFoldKey(t *testing.T) {
	for in, want := range map[string]string{
		"Lokale begroting en financiën": "lokale begroting en financien",
		"  Zorg   en\tGezondheid ":      "zorg en gezondheid",
		"Ærøskøbing":                    "aeroskobing",
		"Straße":                        "strasse",
		"Łódź":                          "lodz",
		"financie\u0308n":               "financien", // decomposed ë
		"ŒUVRE":                         "oeuvre",
	} {
		if got := foldKey(in); got != want {
			t.Errorf("foldKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClosest(t *testing.T) {
	cands := idCandidates([]string{"zorg", "financien", "communicatie", "r1", "r2"})
	for in, want := range map[string]string{
		"zorgg":      "zorg",
		"ZORG":       "zorg",
		"financiën":  "financien",
		"finance":    "financien",
		"communicat": "communicatie",
		"xyzzy":      "",
		"":           "",
		"r3":         "r1",
	} {
		if got := closest(in, cands); got != want {
			t.Errorf("closest(%q) = %q, want %q", in, got, want)
		}
	}
	if got := closest(strings.Repeat("a", 1000), cands); got != "" {
		t.Errorf("long input suggested %q", got)
	}
}
