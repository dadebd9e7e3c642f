package mip

import (
	"errors"
	"strings"
	"testing"

	"github.com/roundtable-go/roundtable/model"
)

func TestReadCBCSolution(t *testing.T) {
	in := `Stopped on time - objective value -114255.00000000
      0 const1                 1                  -12000
      3 x_0_2                  1                     100
**   17 y_4                    0.99999999               0
`
	sol, err := ReadCBCSolution(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if sol.Optimal || sol.Objective != -114255 || len(sol.Values) != 3 || sol.Values["x_0_2"] != 1 || sol.Values["y_4"] < 0.99 {
		t.Errorf("got %+v", sol)
	}
	sol, err = ReadCBCSolution(strings.NewReader("Optimal - objective value 1205.00000000\n"))
	if err != nil || !sol.Optimal || sol.Objective != 1205 {
		t.Errorf("got %+v, %v", sol, err)
	}
	if _, err := ReadCBCSolution(strings.NewReader("")); err == nil {
		t.Error("empty file: no error")
	}
}

func TestBuildUnsatisfiablePin(t *testing.T) {
	ev := model.NewEvent()
	ev.Rounds = []model.Round{{ID: "r1"}, {ID: "r2"}}
	ev.Themes = []model.Theme{{ID: "t1"}, {ID: "t2"}}
	ev.Organisations = []model.Organisation{{ID: "o1"}}
	ev.Rules.OnlyRanked = true
	ev.Participants = []model.Participant{{ID: "p1", Organisation: "o1", Preferences: []string{"t1"},
		Sessions: model.Ptr(0), Pinned: map[string]string{"r1": "t1-r1"}}}
	// Invalid (a pin above sessions), so Build must refuse it, not write
	// an infeasible program.
	if _, err := Build(ev); !errors.Is(err, ErrUnsatisfiable) {
		t.Errorf("Build: %v, want ErrUnsatisfiable", err)
	}
}

// TestBuildWanted checks the objective coefficients that make wanted(p)
// exact: a participant who attends their organisation's room, with
// sessions unset, wants |A| - B, so each room variable of a round they
// are available in earns +unplaced.
func TestBuildWanted(t *testing.T) {
	ev := model.NewEvent()
	ev.Rounds = []model.Round{{ID: "r1"}, {ID: "r2"}, {ID: "r3"}}
	ev.Themes = []model.Theme{{ID: "t1"}}
	ev.Organisations = []model.Organisation{{ID: "o1"}}
	ev.Hosts = []model.Host{{ID: "h1"}}
	ev.Delegations = &model.Delegations{Rounds: []string{"r1", "r3"}}
	ev.Participants = []model.Participant{
		{ID: "a", Organisation: "o1", Rounds: []string{"r1", "r2"}}, // wants 2 - B(r1)
		{ID: "b", Organisation: "o1", Sessions: model.Ptr(1)},       // wants 1 whatever the room
		{ID: "c", Organisation: "o1", Delegation: model.Ptr(false)}, // wants 3
	}
	m, err := Build(ev)
	if err != nil {
		t.Fatal(err)
	}
	u := int64(ev.Weights.Unplaced)
	want := map[string]int64{"const1": -u * (2 + 1 + 3), "d_0_0_0": u, "d_0_2_0": 0}
	for name, coef := range want {
		if got := m.obj[m.byCol[name]]; got != coef {
			t.Errorf("objective coefficient of %s: %d, want %d", name, got, coef)
		}
	}
}
