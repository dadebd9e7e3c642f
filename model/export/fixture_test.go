package export

import (
	"testing"

	"github.com/roundtable-go/roundtable/model"
)

// Names of the fixture that the tests look for.
const (
	fixtureName = "Kennisdag, test; editie 1"
	hostileName = "<script>alert(1)</script>"
	formulaName = `=HYPERLINK("http://evil.example","x")`
)

// fixture is a small event and a plan of it, made by hand: two rounds
// with times, a delegation room, parallel sessions of one theme, a theme
// name longer than a Zoom room name, a cancelled session, a participant
// without e-mail, one unavailable in a round, one unplaced, a hostile
// name and one that starts like a spreadsheet formula. The plan's figures
// are model.Check's, and the test fails when Check finds a broken rule.
func fixture(t testing.TB) (*model.Event, *model.Plan) {
	t.Helper()
	ev := model.NewEvent()
	ev.Name = fixtureName
	ev.Rounds = []model.Round{
		{ID: "r1", Label: "10:30-12:00", Start: "2021-03-18T10:30:00+01:00", End: "2021-03-18T12:00:00+01:00"},
		{ID: "r2", Label: "13:00-14:30", Start: "2021-03-18T13:00:00+01:00", End: "2021-03-18T14:30:00+01:00"},
	}
	ev.Themes = []model.Theme{
		{ID: "comm", Name: "Communicatie, media & pers", Competences: []string{"communicatie"}},
		{ID: "zorg", Name: "Zorg", Competences: []string{"zorg"}},
		{ID: "part", Name: "Participatie en burgerbetrokkenheid in lokale besturen"},
		{ID: "fin", Name: "Financiën"},
	}
	ev.Sessions = []model.Session{
		{ID: "comm-r1", Theme: "comm", Round: "r1", Capacity: model.Ptr(4), Host: "expert-comm"},
		{ID: "zorg-r1", Theme: "zorg", Round: "r1", Capacity: model.Ptr(3)},
		{ID: "part-r1", Theme: "part", Round: "r1", Capacity: model.Ptr(3), Min: model.Ptr(2)},
		{ID: "fin-r1", Theme: "fin", Round: "r1", Capacity: model.Ptr(3)},
		{ID: "comm-r2", Theme: "comm", Round: "r2", Capacity: model.Ptr(3)},
		{ID: "zorg-r2a", Theme: "zorg", Round: "r2", Capacity: model.Ptr(2)},
		{ID: "zorg-r2b", Theme: "zorg", Round: "r2", Capacity: model.Ptr(2)},
		{ID: "part-r2", Theme: "part", Round: "r2", Capacity: model.Ptr(3)},
	}
	ev.Organisations = []model.Organisation{
		{ID: "hasselt", Name: "Hasselt"},
		{ID: "genk", Name: "Genk", Delegation: model.Ptr(false)},
		{ID: "leuven", Name: "Leuven & Co", Delegation: model.Ptr(false)},
	}
	ev.Hosts = []model.Host{
		{ID: "res-1", Name: "Researcher Één", Rounds: []string{"r1"}, Organisations: []string{"hasselt"}},
		{ID: "expert-comm", Name: "Expert <b>Comm</b>"},
	}
	ev.Delegations = &model.Delegations{Rounds: []string{"r1"}}
	ev.Participants = []model.Participant{
		{ID: "p1", Name: "An Peeters", Email: "an@example.org", Organisation: "hasselt",
			Competences: []string{"zorg"}, Preferences: []string{"zorg", "comm"}},
		{ID: "p2", Name: "Bart Claes", Email: "bart@example.org", Organisation: "hasselt",
			Preferences: []string{"comm", "part"}},
		{ID: "p3", Name: hostileName, Email: "x@example.org", Organisation: "genk",
			Preferences: []string{"comm", "zorg"}},
		{ID: "p4", Name: formulaName, Email: "eq@example.org", Organisation: "genk",
			Preferences: []string{"part", "comm"}},
		{ID: "p5", Name: "Dirk Zonder-Mail", Organisation: "leuven", Preferences: []string{"part", "zorg"}},
		{ID: "p6", Name: "Eva Janssens", Email: "eva@example.org", Organisation: "leuven",
			Preferences: []string{"zorg"}, Rounds: []string{"r2"}, Sessions: model.Ptr(1)},
		{ID: "p7", Name: "Frank Maes", Email: "frank@example.org", Organisation: "hasselt",
			Preferences: []string{"zorg", "comm"}, Rounds: []string{"r2"}, Delegation: model.Ptr(false)},
		{ID: "p8", Name: "Greet Wouters", Email: "greet@example.org", Organisation: "genk",
			Preferences: []string{"comm"}, Sessions: model.Ptr(1)},
	}
	plan := &model.Plan{
		Event:       ev.Name,
		Delegations: []model.DelegationRoom{{Organisation: "hasselt", Round: "r1", Host: "res-1"}},
		Assignments: []model.Assignment{
			{Participant: "p1", Round: "r2", Session: "zorg-r2a"},
			{Participant: "p2", Round: "r2", Session: "comm-r2"},
			{Participant: "p3", Round: "r1", Session: "comm-r1"},
			{Participant: "p3", Round: "r2", Session: "zorg-r2b"},
			{Participant: "p4", Round: "r1", Session: "part-r1"},
			{Participant: "p4", Round: "r2", Session: "comm-r2"},
			{Participant: "p5", Round: "r1", Session: "part-r1"},
			{Participant: "p5", Round: "r2", Session: "zorg-r2b"},
			{Participant: "p7", Round: "r2", Session: "zorg-r2a"},
			{Participant: "p8", Round: "r1", Session: "comm-r1"},
		},
		Unplaced: []model.Unplaced{
			{Participant: "p6", Missing: 1, Reason: "round r2: zorg-r2a and zorg-r2b are full (2 of 2), <none> left"},
		},
	}
	rep := model.Check(ev, plan)
	plan.Breakdown, plan.Objective = rep.Breakdown, rep.Objective
	plan.Bound = rep.Objective + 40
	plan.Status = model.StatusFeasible
	if err := model.Check(ev, plan).Err(); err != nil {
		t.Fatalf("the fixture's plan is broken: %v", err)
	}
	return ev.Normalized(), plan
}
