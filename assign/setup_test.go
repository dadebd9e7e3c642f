package assign

import (
	"errors"
	"strings"
	"testing"

	"github.com/roundtable-go/roundtable/model"
)

// setupEvent has three organisations with delegation rooms in r1 or r2.
func setupEvent() *model.Event {
	ev := model.NewEvent()
	ev.Name = "setup"
	ev.Rounds = []model.Round{{ID: "r1"}, {ID: "r2"}}
	ev.Themes = []model.Theme{{ID: "zorg", Name: "Zorg"}}
	ev.Organisations = []model.Organisation{{ID: "genk", Name: "Genk"}, {ID: "peer", Name: "Peer"}, {ID: "bree", Name: "Bree"}}
	ev.Delegations = &model.Delegations{Rounds: []string{"r1", "r2"}}
	ev.Hosts = []model.Host{{ID: "res-1"}, {ID: "res-2"}}
	for i, o := range []string{"genk", "peer", "bree"} {
		ev.Participants = append(ev.Participants, model.Participant{ID: "p" + string(rune('1'+i)), Organisation: o, Preferences: []string{"zorg"}})
	}
	return ev
}

// Setups without any valid plan are explained before solving, in words
// that name what to change.
func TestSolveSetupErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(ev *model.Event)
		wants []string
	}{
		{
			name: "two rooms competing for one host hour",
			edit: func(ev *model.Event) {
				// Enough host hours in all (3), but Genk and Peer can only
				// meet in r1, where one host is free.
				ev.Hosts = []model.Host{{ID: "res-1"}, {ID: "res-2", Rounds: []string{"r2"}}}
				ev.Participants[0].Pinned = map[string]string{"r2": "zorg-r2"}
				ev.Participants[1].Pinned = map[string]string{"r2": "zorg-r2"}
			},
			wants: []string{"2 organisations must meet (Genk, Peer)", "only 1 room (res-1 in r1)", "add hosts"},
		},
		{
			name: "no host for one organisation",
			edit: func(ev *model.Event) {
				ev.Hosts = []model.Host{{ID: "res-1", Rounds: []string{"r1"}}, {ID: "res-2", Rounds: []string{"r1"}}, {ID: "res-3", Rounds: []string{"r1"}}}
				// Genk's only member is pinned into the r1 session.
				ev.Participants[0].Pinned = map[string]string{"r1": "zorg-r1"}
			},
			wants: []string{"no host is available for Genk in rounds r1, r2", "in r1 a member is pinned", "in r2 no host is available"},
		},
		{
			name: "the only free host runs a session",
			edit: func(ev *model.Event) {
				// r2's hosts: res-2 only, who runs the zorg session then.
				ev.Hosts = []model.Host{{ID: "res-1", Rounds: []string{"r1"}}, {ID: "res-2", Rounds: []string{"r2"}}}
				ev.Sessions = []model.Session{{ID: "zorg-r1", Theme: "zorg", Round: "r1"}, {ID: "zorg-r2", Theme: "zorg", Round: "r2", Host: "res-2"}}
				ev.Organisations = ev.Organisations[:1]
				ev.Participants = ev.Participants[:1]
				ev.Participants[0].Pinned = map[string]string{"r1": "zorg-r1"}
			},
			wants: []string{"no host is available for Genk in rounds r1, r2", "in r1 a member is pinned", "in r2 no host is free (res-2 runs",
				"(zorg-r2)", "unpin its members from one of those rounds, or free a host from its session"},
		},
		{
			name: "a minimum nobody can reach, pinned",
			edit: func(ev *model.Event) {
				ev.Defaults.Min = 4
				ev.Participants[1].Pinned = map[string]string{"r2": "zorg-r2"}
			},
			wants: []string{`session "zorg-r2" must hold at least 4 to run, but only 3 participants may join it, and it has pins ("p2")`},
		},
		{
			name: "more pinned than a session seats",
			edit: func(ev *model.Event) {
				ev.Defaults.Capacity = 1
				ev.Participants[1].Pinned = map[string]string{"r2": "zorg-r2"}
				ev.Participants[2].Pinned = map[string]string{"r2": "zorg-r2"}
			},
			wants: []string{`session "zorg-r2" seats 1 but 2 participants are pinned to it ("p2", "p3")`, "raise its capacity or unpin 1 of them"},
		},
		{
			name: "more of one organisation pinned than maxPerOrganisation",
			edit: func(ev *model.Event) {
				ev.Rules.MaxPerOrganisation = 1
				ev.Participants = append(ev.Participants, model.Participant{ID: "p4", Organisation: "peer", Preferences: []string{"zorg"}})
				ev.Participants[1].Pinned = map[string]string{"r2": "zorg-r2"}
				ev.Participants[3].Pinned = map[string]string{"r2": "zorg-r2"}
			},
			wants: []string{`2 participants of Peer are pinned to session "zorg-r2" ("p2", "p4"), above maxPerOrganisation 1`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := setupEvent()
			tc.edit(ev)
			if err := ev.Validate(); err != nil {
				t.Fatalf("the test event is invalid: %v", err)
			}
			_, err := Solve(t.Context(), ev, Options{})
			if err == nil {
				t.Fatal("no error")
			}
			var setup *SetupError
			if !errors.As(err, &setup) {
				t.Fatalf("got %v, want a *SetupError", err)
			}
			t.Log(err)
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// Too few host hours in all is already a validation error, with a fix.
func TestSolveTooFewHostHours(t *testing.T) {
	ev := setupEvent()
	ev.Hosts = ev.Hosts[:1]
	_, err := Solve(t.Context(), ev, Options{})
	var problems model.ValidationErrors
	if !errors.As(err, &problems) || !strings.Contains(err.Error(), "3 organisations need a delegation room but hosts can run at most 2") {
		t.Fatalf("got %v, want the validation error about host hours", err)
	}
}

func init() { strictOffers = true } // a stage offering a plan that breaks a rule fails the tests
