package assign

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/roundtable-go/roundtable/model"
)

// compareScenarios are variants of the knowledge day.
func compareScenarios(t *testing.T) []Scenario {
	base := load(t, "../examples/kennisdag/kennisdag.json")
	more := base.Normalized()
	for i := range more.Sessions {
		more.Sessions[i].Capacity = model.Ptr(*more.Sessions[i].Capacity * 12 / 10)
	}
	noRooms := base.Clone()
	noRooms.Delegations = nil
	pairs := base.Clone()
	pairs.Weights.SamePair = 40
	mins := base.Normalized()
	for i := range mins.Sessions {
		mins.Sessions[i].Min = model.Ptr(min(8, *mins.Sessions[i].Capacity))
	}
	invalid := base.Clone()
	invalid.Participants[0].Organisation = "nowhere"
	return []Scenario{
		{"base", base}, {"capacity +20 %", more}, {"no delegation rooms", noRooms},
		{"samePair 40", pairs}, {"minimum 8", mins}, {"invalid", invalid},
	}
}

// Compare's metrics agree with its plans, recomputed here another way.
func TestCompareMetricsMatchPlans(t *testing.T) {
	scenarios := compareScenarios(t)
	opts := Options{TimeLimit: 3 * time.Second, WorkLimit: 2_000_000}
	ms, err := Compare(context.Background(), scenarios, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != len(scenarios) {
		t.Fatalf("%d metrics for %d scenarios", len(ms), len(scenarios))
	}
	for i, m := range ms {
		sc := scenarios[i]
		if m.Name != sc.Name {
			t.Errorf("metrics %d named %q, want %q", i, m.Name, sc.Name)
		}
		if sc.Name == "invalid" {
			if m.Error == "" || !strings.Contains(m.Error, "nowhere") || m.Plan != nil {
				t.Errorf("invalid scenario: %+v", m)
			}
			continue
		}
		if m.Error != "" || m.Plan == nil {
			t.Fatalf("%s: %s", sc.Name, m.Error)
		}
		mustCheck(t, sc.Name, sc.Event, m.Plan)
		checkMetrics(t, sc.Name, sc.Event, m)
		t.Logf("%-20s objective %d bound %d first %.3f top2 %.3f worst %d unranked %d orgs %.2f unplaced %d cancelled %d %.2fs",
			m.Name, m.Objective, m.Bound, m.FirstChoice, m.TopTwo, m.WorstRank, m.Unranked, m.Organisations, m.Unplaced, m.Cancelled, m.Seconds)
	}
	// The variants move the figures the way they should.
	if ms[1].Objective < ms[0].Objective {
		t.Errorf("more seats score less: %d < %d", ms[1].Objective, ms[0].Objective)
	}
	if ms[3].Organisations < ms[0].Organisations {
		t.Errorf("a higher samePair weight mixes organisations less: %.2f < %.2f", ms[3].Organisations, ms[0].Organisations)
	}
}

// checkMetrics recomputes the metrics of m.Plan from the participants'
// side: for each participant, the ranks of the themes they got.
func checkMetrics(t *testing.T, name string, ev *model.Event, m Metrics) {
	t.Helper()
	norm := ev.Normalized()
	theme := map[string]string{}
	for _, s := range norm.Sessions {
		theme[s.ID] = s.Theme
	}
	got := map[string][]string{} // participant -> themes
	members := map[string]map[string]int{}
	for _, a := range m.Plan.Assignments {
		got[a.Participant] = append(got[a.Participant], theme[a.Session])
		if members[a.Session] == nil {
			members[a.Session] = map[string]int{}
		}
		members[a.Session][a.Participant]++
	}
	var n, first, top2, worst, unranked int
	for _, p := range norm.Participants {
		if len(p.Preferences) == 0 {
			continue
		}
		for _, th := range got[p.ID] {
			n++
			rank := 0
			for k, pref := range p.Preferences {
				if pref == th && k < len(norm.Weights.Rank) {
					rank = k + 1
				}
			}
			switch rank {
			case 0:
				unranked++
			case 1:
				first++
				top2++
			case 2:
				top2++
			}
			worst = max(worst, rank)
		}
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
	if !near(m.FirstChoice, float64(first)/float64(n)) || !near(m.TopTwo, float64(top2)/float64(n)) || m.WorstRank != worst || m.Unranked != unranked {
		t.Errorf("%s: first %.4f top2 %.4f worst %d unranked %d; recomputed %.4f %.4f %d %d",
			name, m.FirstChoice, m.TopTwo, m.WorstRank, m.Unranked, float64(first)/float64(n), float64(top2)/float64(n), worst, unranked)
	}
	org := map[string]string{}
	for _, p := range norm.Participants {
		org[p.ID] = p.Organisation
	}
	held, sum, cancelled := 0, 0, 0
	for _, s := range norm.Sessions {
		orgs := map[string]bool{}
		for pid := range members[s.ID] {
			orgs[org[pid]] = true
		}
		if len(orgs) > 0 {
			held++
			sum += len(orgs)
		} else if *s.Min > 0 {
			cancelled++
		}
	}
	if !near(m.Organisations, float64(sum)/float64(held)) || m.Cancelled != cancelled {
		t.Errorf("%s: organisations %.4f cancelled %d; recomputed %.4f %d", name, m.Organisations, m.Cancelled, float64(sum)/float64(held), cancelled)
	}
	rep := model.Check(ev, m.Plan)
	missing := 0
	for _, k := range rep.Missing {
		missing += k
	}
	if m.Unplaced != len(rep.Missing) || m.Missing != missing {
		t.Errorf("%s: unplaced %d missing %d; the checker finds %d, %d", name, m.Unplaced, m.Missing, len(rep.Missing), missing)
	}
	if m.Objective != rep.Objective || m.Bound != m.Plan.Bound || m.Participants != len(norm.Participants) {
		t.Errorf("%s: objective %d bound %d participants %d", name, m.Objective, m.Bound, m.Participants)
	}
}

// A scenario without any plan (no event, no plan possible, more rounds
// than Solve handles) is reported, and the others still solved; a
// cancelled context is an error that names the scenario.
func TestCompareErrors(t *testing.T) {
	none := setupEvent()
	none.Hosts = []model.Host{{ID: "res-1", Rounds: []string{"r1"}}, {ID: "res-2", Rounds: []string{"r1"}}, {ID: "res-3", Rounds: []string{"r1"}}}
	none.Participants[0].Pinned = map[string]string{"r1": "zorg-r1"}
	many := setupEvent()
	many.Delegations = nil
	for i := 3; i <= maxRounds+1; i++ {
		many.Rounds = append(many.Rounds, model.Round{ID: fmt.Sprintf("r%d", i)})
	}
	ms, err := Compare(context.Background(), []Scenario{{"no plan", none}, {"empty", nil}, {"many rounds", many}, {"fine", setupEvent()}}, Options{TimeLimit: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 4 || !strings.Contains(ms[0].Error, "no host is available for Genk") || ms[1].Error != "the scenario has no event" ||
		!strings.Contains(ms[2].Error, "at most 64") || ms[3].Error != "" || ms[3].Plan == nil {
		t.Errorf("metrics %+v", ms)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Compare(ctx, []Scenario{{"late", setupEvent()}}, Options{}); err == nil || !strings.Contains(err.Error(), `"late"`) {
		t.Errorf("cancelled: %v", err)
	}
}
