package main

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/roundtable-go/roundtable/assign"
	"github.com/roundtable-go/roundtable/model"
)

func embeddedEvent(t *testing.T) *model.Event {
	t.Helper()
	ev, err := model.DecodeEvent(bytes.NewReader(defaultEvent))
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// The example file's scenarios change the event as documented.
func TestWhatifScenarios(t *testing.T) {
	base := embeddedEvent(t)
	scs, err := loadScenarios("testdata/whatif.json", base)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(scs))
	byName := map[string]*model.Event{}
	for i, sc := range scs {
		names[i] = sc.Name
		byName[sc.Name] = sc.Event
		if err := sc.Event.Validate(); err != nil {
			t.Errorf("%s: %v", sc.Name, err)
		}
	}
	want := []string{"a sixth theme", "capacity +20 %", "a third round", "colleagues apart", "no delegation rooms", "care in one room"}
	if !slices.Equal(names, want) {
		t.Fatalf("scenarios %q, want %q", names, want)
	}
	norm := base.Normalized()
	session := func(ev *model.Event, id string) *model.Session {
		for i := range ev.Sessions {
			if ev.Sessions[i].ID == id {
				return &ev.Sessions[i]
			}
		}
		return nil
	}

	sixth := byName["a sixth theme"]
	if len(sixth.Themes) != len(norm.Themes)+1 || session(sixth, "welzijn-r1") == nil || *session(sixth, "welzijn-r2").Capacity != 15 {
		t.Errorf("a sixth theme: themes %v", sixth.Themes)
	}
	for i, p := range sixth.Participants {
		before := norm.Participants[i]
		serves := sharesCompetence(p.Competences, []string{"welzijnscoordinator", "schepen-welzijn"})
		if got := slices.Index(p.Preferences, "welzijn"); serves != (got >= 0) || (serves && got != min(1, len(before.Preferences))) {
			t.Errorf("%s (%v): preferences %v from %v", p.ID, p.Competences, p.Preferences, before.Preferences)
		}
	}
	if slices.Contains(base.Participants[0].Preferences, "welzijn") || len(base.Themes) != len(norm.Themes) {
		t.Error("the base event was changed")
	}

	more := byName["capacity +20 %"]
	for i, s := range more.Sessions {
		if want := (*norm.Sessions[i].Capacity*120 + 50) / 100; *s.Capacity != want {
			t.Errorf("capacity +20 %%: %s holds %d, want %d", s.ID, *s.Capacity, want)
		}
	}

	third := byName["a third round"]
	if len(third.Rounds) != 3 || third.Rounds[2].Label != "15:00-16:30" {
		t.Errorf("a third round: rounds %+v", third.Rounds)
	}
	for _, s := range norm.Sessions {
		if s.Round == "r2" {
			c := session(third, s.Theme+"-r3")
			if c == nil || *c.Capacity != *s.Capacity || c.Host != "" {
				t.Errorf("a third round: copy of %s is %+v", s.ID, c)
			}
		}
	}

	if byName["colleagues apart"].Weights.SamePair != 40 || byName["no delegation rooms"].Delegations != nil {
		t.Error("setWeight or noDelegations not applied")
	}
	care := byName["care in one room"]
	if session(care, "zorg-r2") != nil || *session(care, "zorg-r1").Capacity != 24 || *session(care, "zorg-r1").Min != 6 {
		t.Errorf("care in one room: sessions %+v", care.Sessions)
	}
}

// Errors name the file, the scenario and the change.
func TestWhatifErrors(t *testing.T) {
	base := embeddedEvent(t)
	for _, c := range []struct{ json, want string }{
		{`{"scenarios": [{"name": "a", "changes": [{"kind": "shrink"}]}]}`, `scenario "a", changes[0] (shrink): unknown kind "shrink"`},
		{`{"scenarios": [{"name": "a", "changes": [{"percent": 3}]}]}`, `scenario "a", changes[0]: no kind`},
		{`{"scenarios": [{"name": "b", "changes": [{"kind": "noDelegations"}, {"kind": "closeSession", "session": "nope"}]}]}`, `scenario "b", changes[1] (closeSession): unknown session "nope"`},
		{`{"scenarios": [{"name": "c", "changes": [{"kind": "scaleCapacity", "percent": 120, "session": "zorg-r1"}]}]}`, `changes[0] (scaleCapacity): field "session" does not apply`},
		{`{"scenarios": [{"name": "d", "changes": [{"kind": "resizeSession", "session": "zorg-r1", "min": 99}]}]}`, `scenario "d", changes[0] (resizeSession): the changed event is invalid`},
		{`{"scenarios": [{"name": "e", "changes": [{"kind": "setWeight", "weight": "pairs", "value": 1}]}]}`, `unknown weight "pairs"`},
		{`{"scenarios": [{"name": "f", "changes": [{"kind": "addTheme", "id": "zorg"}]}]}`, `theme "zorg" exists already`},
		{`{"scenarios": [{"name": "g", "changes": [{"kind": "addRound", "id": "r1"}]}]}`, `round "r1" exists already`},
		{`{"scenarios": [{"name": "base", "changes": []}]}`, `scenario "base": the name is taken`},
		{`{"scenarios": [{"name": "h", "changes": [], "extra": 1}]}`, `unknown field "extra"`},
		{`{"scenarios": []}`, `no scenarios`},
	} {
		_, err := parseScenarios("w.json", []byte(c.json), base)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "w.json: ") {
			t.Errorf("%s: got %v, want %q", c.json, err, c.want)
		}
	}
}

// Closing a session drops the pins into it; addRound copies parallel
// sessions with the new round in their ids.
func TestWhatifCloseAndCopy(t *testing.T) {
	ev := embeddedEvent(t)
	ev.Participants[0].Pinned = map[string]string{"r1": "zorg-r1"}
	ev.Sessions = append(ev.Sessions, model.Session{ID: "zorg-r2-2", Theme: "zorg", Round: "r2", Capacity: model.Ptr(5)})
	scs, err := parseScenarios("w.json", []byte(`{"scenarios": [
		{"name": "close", "changes": [{"kind": "closeSession", "session": "zorg-r1"}]},
		{"name": "round", "changes": [{"kind": "addRound", "id": "r3"}]}]}`), ev)
	if err != nil {
		t.Fatal(err)
	}
	if scs[0].Event.Participants[0].Pinned != nil {
		t.Errorf("pin kept: %v", scs[0].Event.Participants[0].Pinned)
	}
	var ids []string
	for _, s := range scs[1].Event.Sessions {
		if s.Round == "r3" {
			ids = append(ids, s.ID)
		}
	}
	if !slices.Contains(ids, "zorg-r3") || !slices.Contains(ids, "zorg-r3-2") {
		t.Errorf("sessions of r3: %v", ids)
	}
}

// TestWhatifScaleHuge: scaling a capacity too large to scale, or by a
// percent too large, saturates instead of wrapping round to a negative
// capacity; ordinary ones round to the nearest.
func TestWhatifScaleHuge(t *testing.T) {
	ev := embeddedEvent(t)
	ev.Sessions[0].Capacity = model.Ptr(math.MaxInt)
	for _, tc := range []struct {
		percent    string
		first, two int // the first session's capacity, then the second's
	}{
		{"120", math.MaxInt, (*ev.Sessions[1].Capacity*120 + 50) / 100},
		{"50", 1 << 62, (*ev.Sessions[1].Capacity*50 + 50) / 100}, // (2^63-1)/2, rounded up
		{"100", math.MaxInt, *ev.Sessions[1].Capacity},
		{"9223372036854775807", math.MaxInt, scaledBig(*ev.Sessions[1].Capacity, math.MaxInt)},
		{"0", 0, 0},
	} {
		scs, err := parseScenarios("w.json", []byte(`{"scenarios": [{"name": "s", "changes": [{"kind": "scaleCapacity", "percent": `+tc.percent+`}]}]}`), ev)
		if err != nil {
			t.Fatalf("percent %s: %v", tc.percent, err)
		}
		got := scs[0].Event.Sessions
		if *got[0].Capacity != tc.first || *got[1].Capacity != tc.two {
			t.Errorf("percent %s: capacities %d, %d; want %d, %d", tc.percent, *got[0].Capacity, *got[1].Capacity, tc.first, tc.two)
		}
	}
}

// The command prints one aligned row per scenario, the event first.
func TestRunWhatifTable(t *testing.T) {
	code, out, errs := runCmd(t, "-whatif", "testdata/whatif.json", "-time-limit", "200ms")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 8 || !strings.Contains(lines[0], "1st choice") || !strings.Contains(lines[1], "base") {
		t.Fatalf("table:\n%s", out)
	}
	col := strings.Index(lines[0], "objective") + len("objective")
	for _, l := range lines[1:] {
		// Objectives end in the same column.
		if len(l) < col || l[col-1] == ' ' || (len(l) > col && l[col] != ' ') {
			t.Errorf("not aligned:\n%s\n%s", lines[0], l)
		}
	}
}

func TestRunWhatifJSON(t *testing.T) {
	code, out, errs := runCmd(t, "-whatif", "testdata/whatif.json", "-time-limit", "200ms", "-format", "json")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	var ms []assign.Metrics
	if err := json.Unmarshal([]byte(out), &ms); err != nil {
		t.Fatal(err)
	}
	if len(ms) != 7 || ms[0].Name != "base" || ms[6].Name != "care in one room" || ms[0].Objective == 0 {
		t.Errorf("metrics %+v", ms)
	}
}

func TestRunWhatifErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-whatif", "testdata/whatif-unknown-kind.json"}, `scenario "typo", changes[1] (scaleCapacities): unknown kind`},
		{[]string{"-whatif", "testdata/whatif-unknown-session.json"}, `scenario "close the wrong room", changes[0] (closeSession): unknown session "zorg-r9"`},
		{[]string{"-whatif", "testdata/nothing.json"}, "nothing.json"},
		{[]string{"-whatif", "testdata/whatif.json", "-previous", "x.json"}, "does not combine with -previous"},
	} {
		code, out, errs := runCmd(t, c.args...)
		if code != exitInput || out != "" || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errs, c.want)
		}
	}
}

// -previous repairs a plan told before: the diff follows the plan in text
// and sits in the plan JSON, which can itself be repaired again.
func TestRunPrevious(t *testing.T) {
	dir := t.TempDir()
	code, planJSON, errs := runCmd(t, "-format", "json", "-time-limit", "1s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	prevPath := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(prevPath, []byte(planJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	prev, err := model.DecodePlan(strings.NewReader(planJSON))
	if err != nil {
		t.Fatal(err)
	}
	// Close the session of the first assignment, let two people go and
	// two come.
	ev := embeddedEvent(t)
	closed := prev.Assignments[0].Session
	for i := range ev.Sessions {
		if ev.Sessions[i].ID == closed {
			ev.Sessions[i].Capacity = model.Ptr(0)
			ev.Sessions[i].Min = nil
		}
	}
	gone := []string{ev.Participants[5].ID, ev.Participants[6].ID}
	ev.Participants = slices.Delete(ev.Participants, 5, 7)
	ev.Participants = append(ev.Participants,
		model.Participant{ID: "late-1", Organisation: ev.Organisations[0].ID, Preferences: []string{"financien", "zorg"}},
		model.Participant{ID: "late-2", Organisation: ev.Organisations[1].ID, Preferences: []string{"toerisme"}})
	evPath := filepath.Join(dir, "event.json")
	var buf bytes.Buffer
	if err := model.EncodeEvent(&buf, ev); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(evPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, errs := runCmd(t, "-event", evPath, "-previous", prevPath)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Changes against " + prevPath, "Added (2)", "late-1", "Dropped (2)", gone[0], "session " + closed + " is closed (capacity 0)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out[strings.Index(out, "Changes against"):])
		}
	}

	code, out, errs = runCmd(t, "-event", evPath, "-previous", prevPath, "-format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		model.Plan
		Diff *assign.Diff `json:"diff"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if err := model.Check(ev, &got.Plan).Err(); err != nil {
		t.Fatal(err)
	}
	if got.Diff == nil || len(got.Diff.Added) != 2 || len(got.Diff.Dropped) != 2 || len(got.Diff.Moved) == 0 {
		t.Fatalf("diff %+v", got.Diff)
	}
	for _, m := range got.Diff.Moved {
		if m.From != closed {
			t.Errorf("move %+v: only the members of %s should move", m, closed)
		}
	}
	// The repaired plan, diff included, is itself a -previous: repairing
	// the same event again moves nobody.
	againPath := filepath.Join(dir, "again.json")
	if err := os.WriteFile(againPath, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runCmd(t, "-event", evPath, "-previous", againPath, "-format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Diff.Moved) != 0 || len(got.Diff.Added) != 0 || len(got.Diff.Dropped) != 0 {
		t.Errorf("second repair: %+v", got.Diff)
	}

	code, _, errs = runCmd(t, "-previous", filepath.Join(dir, "missing.json"))
	if code != exitInput || !strings.Contains(errs, "missing.json") {
		t.Errorf("missing plan: exit %d, %s", code, errs)
	}
}

// scaledBig is (n*percent+50)/100 in exact arithmetic.
func scaledBig(n, percent int) int {
	v := new(big.Int).Mul(big.NewInt(int64(n)), big.NewInt(int64(percent)))
	v.Add(v, big.NewInt(50)).Quo(v, big.NewInt(100))
	return int(v.Int64())
}
