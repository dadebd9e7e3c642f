package export

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/roundtable-go/roundtable/model"
)

// readZoom parses a pre-assignment file with encoding/csv and returns the
// e-mail addresses of each room, by room name, checking the header and
// the room names on the way.
func readZoom(t *testing.T, data []byte) map[string][]string {
	t.Helper()
	if !bytes.HasPrefix(data, []byte(ZoomHeader+"\n")) {
		t.Fatalf("the file does not start with exactly %q: %q", ZoomHeader, data[:min(len(data), 60)])
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rooms := map[string][]string{}
	seen := map[string]bool{}
	for _, rec := range recs[1:] {
		if len(rec) != 2 {
			t.Fatalf("row %q has %d fields", rec, len(rec))
		}
		name, email := rec[0], rec[1]
		if n := utf8.RuneCountInString(name); n == 0 || n > DefaultRoomNameMax {
			t.Errorf("room name %q has %d characters", name, n)
		}
		if strings.ContainsAny(name[:1], "=+-@\t\r'") || strings.ContainsAny(name, ",\"\n") {
			t.Errorf("room name %q is unsafe", name)
		}
		if seen[strings.ToLower(email)] {
			t.Errorf("%s is pre-assigned twice", email)
		}
		seen[strings.ToLower(email)] = true
		rooms[name] = append(rooms[name], email)
	}
	return rooms
}

// planGroups returns, for one round, the e-mail addresses of each group
// the plan makes, computed from the plan alone: the assignments by
// session, and each delegation room's organisation members who attend
// delegations. Groups are sorted, and so is their list.
func planGroups(ev *model.Event, plan *model.Plan, round string) [][]string {
	email := map[string]string{}
	for _, p := range ev.Participants {
		email[p.ID] = p.Email
	}
	bySession := map[string][]string{}
	for _, a := range plan.Assignments {
		if a.Round == round && email[a.Participant] != "" {
			bySession[a.Session] = append(bySession[a.Session], email[a.Participant])
		}
	}
	var groups [][]string
	for _, g := range bySession {
		groups = append(groups, g)
	}
	for _, d := range plan.Delegations {
		if d.Round != round {
			continue
		}
		var g []string
		for _, p := range ev.Participants {
			if p.Organisation == d.Organisation && p.AttendsDelegation() && p.Email != "" {
				g = append(g, p.Email)
			}
		}
		if len(g) > 0 {
			groups = append(groups, g)
		}
	}
	return sortGroups(groups)
}

func sortGroups(groups [][]string) [][]string {
	for _, g := range groups {
		slices.Sort(g)
	}
	slices.SortFunc(groups, func(a, b []string) int { return slices.Compare(a, b) })
	return groups
}

// TestZoomParsesBack reads each round's pre-assignment file back and
// finds the plan's groups, one room name each.
func TestZoomParsesBack(t *testing.T) {
	ev, plan := fixture(t)
	dir := t.TempDir()
	if _, _, err := WriteAll(dir, ev, plan, Options{}); err != nil {
		t.Fatal(err)
	}
	wantNames := map[string][]string{
		"r1": {"Communicatie media & pers", "Delegation Hasselt", "Participatie en burgerbetrokkenh"},
		"r2": {"Communicatie media & pers", "Zorg 1", "Zorg 2"},
	}
	for _, r := range ev.Rounds {
		data, err := os.ReadFile(filepath.Join(dir, "zoom-"+r.ID+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		rooms := readZoom(t, data)
		var names []string
		var groups [][]string
		for name, g := range rooms {
			names = append(names, name)
			groups = append(groups, g)
		}
		slices.Sort(names)
		if !slices.Equal(names, wantNames[r.ID]) {
			t.Errorf("%s: rooms %q, want %q", r.ID, names, wantNames[r.ID])
		}
		if got, want := sortGroups(groups), planGroups(ev, plan, r.ID); !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("%s: groups\n%q\nwant the plan's\n%q", r.ID, got, want)
		}
	}
}

// TestZoomLimits: a round beyond Zoom's limits is written and warned
// about; people without e-mail and shared addresses are left out with a
// warning; names stay unique and short when cut.
func TestZoomLimits(t *testing.T) {
	ev := model.NewEvent()
	ev.Rounds = []model.Round{{ID: "r1"}}
	ev.Organisations = []model.Organisation{{ID: "o"}}
	long := strings.Repeat("Lange naam ", 5)
	plan := &model.Plan{}
	for i := range 120 {
		id := fmt.Sprintf("t%03d", i)
		name := fmt.Sprintf("Theme %d", i)
		if i < 3 {
			name = long // three themes whose names are the same once cut
		}
		if i == 3 {
			name = "=cmd|' /C calc'!A0"
		}
		ev.Themes = append(ev.Themes, model.Theme{ID: id, Name: name})
		ev.Sessions = append(ev.Sessions, model.Session{ID: id, Theme: id, Round: "r1", Capacity: model.Ptr(10)})
		for k := range 9 {
			pid := fmt.Sprintf("p%03d-%d", i, k)
			ev.Participants = append(ev.Participants, model.Participant{ID: pid, Organisation: "o", Email: pid + "@example.org"})
			plan.Assignments = append(plan.Assignments, model.Assignment{Participant: pid, Round: "r1", Session: id})
		}
	}
	ev.Participants[0].Email = ""
	ev.Participants[1].Email = "P000-2@example.org" // the same as p000-2, case aside
	ev.Participants[3].Email = "-x@example.org"
	var b bytes.Buffer
	warns, err := WriteZoom(&b, ev, plan, "r1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, w := range warns {
		text = append(text, w.String())
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{
		"1 participant(s) without an e-mail address cannot be pre-assigned: p000-0",
		"p000-1 and p000-2 share the e-mail address p000-2@example.org; only p000-1 is pre-assigned",
		"e-mail address of p000-3 starts like a spreadsheet formula",
		"needs 120 breakout rooms, above Zoom's 100",
		"pre-assigns 1078 people, above Zoom's 1000",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	rooms := readZoom(t, b.Bytes())
	for _, name := range []string{"Lange naam Lange naam Lange naam", "Lange naam Lange naam Lange (2)", "Lange naam Lange naam Lange (3)", "cmd|' /C calc'!A0"} {
		if _, ok := rooms[name]; !ok {
			var names []string
			for n := range rooms {
				names = append(names, n)
			}
			slices.Sort(names)
			t.Errorf("no room %q among %q", name, names[:6])
		}
	}
	if len(rooms) != 120 {
		t.Errorf("%d rooms, want 120", len(rooms))
	}
}

func TestRoomNames(t *testing.T) {
	for in, want := range map[string]string{
		"Zorg":                     "Zorg",
		"  a\tb\n c  ":             "a b c",
		`a,b"c`:                    "a b c",
		"=SUM(A1)":                 "SUM(A1)",
		"+-@ = x":                  "x",
		"===":                      "",
		"Financiën & Één":          "Financiën & Één",
		"\u200bzero\u00a0width":    "zero width",
		"emoji 🎉":                  "emoji 🎉",
		"bad \xff byte":            "bad byte",
		"'quoted":                  "'quoted",
		"tab\tfirst is not kept\t": "tab first is not kept",
	} {
		if got := cleanRoomName(in); got != want {
			t.Errorf("cleanRoomName(%q) = %q, want %q", in, got, want)
		}
	}
	rooms := []*room{{name: "Zorg"}, {name: "zorg"}, {name: "==="}, {name: strings.Repeat("é", 40)}, {name: strings.Repeat("é", 40)}}
	got := zoomNames(rooms, 8)
	want := []string{"Zorg", "zorg (2)", "Room 3", "éééééééé", "éééé (2)"}
	if !slices.Equal(got, want) {
		t.Errorf("zoomNames = %q, want %q", got, want)
	}
}
