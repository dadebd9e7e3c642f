package export

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/roundtable-go/roundtable/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const goldenDir = "testdata/golden"

// TestGolden writes every output of the fixture with WriteAll and compares
// each file, and the warnings, with testdata/golden. Run with -update to
// rewrite them after a deliberate change, and read the diff.
func TestGolden(t *testing.T) {
	ev, plan := fixture(t)
	dir := t.TempDir()
	files, warns, err := WriteAll(dir, ev, plan, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]byte{}
	var names []string
	for _, f := range files {
		rel, err := filepath.Rel(dir, f)
		if err != nil || !filepath.IsLocal(rel) {
			t.Fatalf("file %s is outside %s", f, dir)
		}
		rel = filepath.ToSlash(rel)
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got[rel] = b
		names = append(names, rel)
	}
	var w bytes.Buffer
	for _, x := range warns {
		w.WriteString(x.String() + "\n")
	}
	got["warnings.txt"] = w.Bytes()
	names = append(names, "warnings.txt")

	wantNames := []string{"rosters.csv", "sessions.csv", "zoom-r1.csv", "zoom-r2.csv", "teams-r1.md", "teams-r2.md",
		"calendars/p1.ics", "calendars/p2.ics", "calendars/p3.ics", "calendars/p4.ics", "calendars/p5.ics",
		"calendars/p7.ics", "calendars/p8.ics", "report.html", "warnings.txt"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("files\n%q\nwant\n%q", names, wantNames)
	}

	if *update {
		if err := os.RemoveAll(goldenDir); err != nil {
			t.Fatal(err)
		}
		for name, b := range got {
			p := filepath.Join(goldenDir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	var stored []string
	err = filepath.WalkDir(goldenDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(goldenDir, p)
		stored = append(stored, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatalf("%v (run go test ./model/export -run TestGolden -update to create the golden files)", err)
	}
	for _, name := range stored {
		if _, ok := got[name]; !ok {
			t.Errorf("golden file %s was not written", name)
		}
	}
	for _, name := range names {
		want, err := os.ReadFile(filepath.Join(goldenDir, filepath.FromSlash(name)))
		if err != nil {
			t.Errorf("%s: %v (run with -update)", name, err)
			continue
		}
		if !bytes.Equal(got[name], want) {
			t.Errorf("%s differs from %s/%s (run with -update and read the diff):\n%s",
				name, goldenDir, name, firstDiff(string(got[name]), string(want)))
		}
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n got  " + strconv.Quote(a) + "\n want " + strconv.Quote(b)
		}
	}
	return "(same lines, different bytes)"
}

// TestWritersAlone checks that each writer on its own writes what WriteAll
// writes, so the binary can use either.
func TestWritersAlone(t *testing.T) {
	ev, plan := fixture(t)
	dir := t.TempDir()
	if _, _, err := WriteAll(dir, ev, plan, Options{}); err != nil {
		t.Fatal(err)
	}
	check := func(name string, write func(*bytes.Buffer) error) {
		t.Helper()
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), want) {
			t.Errorf("%s: the writer alone differs from WriteAll:\n%s", name, firstDiff(b.String(), string(want)))
		}
	}
	check("rosters.csv", func(b *bytes.Buffer) error { return WriteRosters(b, ev, plan) })
	check("sessions.csv", func(b *bytes.Buffer) error { return WriteSessions(b, ev, plan) })
	check("zoom-r2.csv", func(b *bytes.Buffer) error { _, err := WriteZoom(b, ev, plan, "r2", Options{}); return err })
	check("teams-r1.md", func(b *bytes.Buffer) error { return WriteTeams(b, ev, plan, "r1") })
	check("calendars/p3.ics", func(b *bytes.Buffer) error { return WriteCalendar(b, ev, plan, "p3", Options{}) })
	check("report.html", func(b *bytes.Buffer) error { return WriteReport(b, ev, plan) })

	// An event that is not normalized (sessions without min) gives the
	// same output: the writers normalize it.
	raw := ev.Clone()
	for i := range raw.Sessions {
		if *raw.Sessions[i].Min == raw.Defaults.Min {
			raw.Sessions[i].Min = nil
		}
	}
	check("sessions.csv", func(b *bytes.Buffer) error { return WriteSessions(b, raw, plan) })

	var b bytes.Buffer
	if err := WriteCalendar(&b, ev, plan, "p6", Options{}); err != ErrNoEvents {
		t.Errorf("calendar of the unplaced p6: %v, want ErrNoEvents", err)
	}
	for name, err := range map[string]error{
		"zoom":     second(WriteZoom(&b, ev, plan, "r9", Options{})),
		"teams":    WriteTeams(&b, ev, plan, "r9"),
		"calendar": WriteCalendar(&b, ev, plan, "nobody", Options{}),
		"nil":      WriteReport(&b, nil, plan),
		"nil plan": WriteRosters(&b, ev, nil),
	} {
		if err == nil {
			t.Errorf("%s: unknown id or nil input accepted", name)
		}
	}
	if _, _, err := WriteAll(t.TempDir(), ev, nil, Options{}); err == nil {
		t.Error("WriteAll accepted a nil plan")
	}
}

func second[T any](_ T, err error) error { return err }

// TestBrokenPlan: a plan that breaks rules is still written, and WriteAll
// and the report say what it breaks.
func TestBrokenPlan(t *testing.T) {
	ev, plan := fixture(t)
	plan.Assignments = append(plan.Assignments,
		model.Assignment{Participant: "p8", Round: "r1", Session: "zorg-r1"}, // two sessions in r1
		model.Assignment{Participant: "ghost", Round: "r1", Session: "zorg-r1"},
		model.Assignment{Participant: "p1", Round: "r2", Session: "nowhere"},
	)
	dir := t.TempDir()
	_, warns, err := WriteAll(dir, ev, plan, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, w := range warns {
		all = append(all, w.String())
	}
	text := strings.Join(all, "\n")
	for _, want := range []string{`"p8" is in two sessions of round "r1"`, `unknown participant "ghost"`,
		`unknown session "nowhere"`, "zoom-r1.csv: round r1: the plan puts p8 in more than one room"} {
		if !strings.Contains(text, want) {
			t.Errorf("warnings lack %q:\n%s", want, text)
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(html, []byte(`id="violations"`)) || !bytes.Contains(html, []byte("two sessions of round")) {
		t.Error("the report does not show the broken rules")
	}
	// Two rooms in one round: two calendar entries with distinct UIDs.
	ics, err := os.ReadFile(filepath.Join(dir, "calendars", "p8.ics"))
	if err != nil {
		t.Fatal(err)
	}
	cal := parseICS(t, ics)
	if len(cal.events) != 2 || cal.events[0]["UID"] == cal.events[1]["UID"] {
		t.Errorf("p8 in two rooms: %d entries, UIDs %v", len(cal.events), cal.events)
	}
}

// TestDelegationRoomOnlyWhenThere: a participant who attends delegation
// rooms but is away in the round of their organisation's room is in none
// of its outputs (Frank Maes, available in r2 only; Hasselt's room is in
// r1), and the others of the room still are.
func TestDelegationRoomOnlyWhenThere(t *testing.T) {
	ev, plan := fixture(t)
	for i := range ev.Participants {
		if ev.Participants[i].ID == "p7" {
			ev.Participants[i].Delegation = nil
		}
	}
	var zoom, teams, cal bytes.Buffer
	if _, err := WriteZoom(&zoom, ev, plan, "r1", Options{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteTeams(&teams, ev, plan, "r1"); err != nil {
		t.Fatal(err)
	}
	if err := WriteCalendar(&cal, ev, plan, "p7", Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(zoom.String(), "frank@example.org") || strings.Contains(teams.String(), "Frank Maes") {
		t.Errorf("p7 is in round 1's rooms, where they are not:\n%s\n%s", zoom.String(), teams.String())
	}
	if !strings.Contains(zoom.String(), "an@example.org") || !strings.Contains(teams.String(), "An Peeters") {
		t.Errorf("the room lost the members who are there:\n%s\n%s", zoom.String(), teams.String())
	}
	if strings.Contains(cal.String(), "DTSTART:20210318T093000Z") || strings.Contains(cal.String(), "Delegation") {
		t.Errorf("p7's calendar has round 1:\n%s", cal.String())
	}
}

// TestWriteAllRemovesStale exports the fixture, then a plan of the same
// event without p8 into the same directory, which also holds a Zoom file
// of a round the event does not have: both stale files are removed and
// named in a warning; files that are not the export's are left alone.
func TestWriteAllRemovesStale(t *testing.T) {
	ev, plan := fixture(t)
	dir := t.TempDir()
	if _, _, err := WriteAll(dir, ev, plan, Options{}); err != nil {
		t.Fatal(err)
	}
	mine := []string{"notes.md", "zoom-old.txt", filepath.Join(CalendarDir, "README")}
	for _, f := range mine {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "zoom-r9.csv"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	ev.Participants = slices.DeleteFunc(ev.Participants, func(p model.Participant) bool { return p.ID == "p8" })
	plan.Assignments = slices.DeleteFunc(plan.Assignments, func(a model.Assignment) bool { return a.Participant == "p8" })
	_, warns, err := WriteAll(dir, ev, plan, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"calendars/p8.ics", "zoom-r9.csv"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(gone))); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s of the earlier export is still there (%v)", gone, err)
		}
	}
	for _, f := range append(mine, "calendars/p1.ics") {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	var said bool
	for _, w := range warns {
		said = said || strings.Contains(w.Message, "removed 2 file(s) of an earlier export") && strings.Contains(w.Message, "zoom-r9.csv, calendars/p8.ics")
	}
	if !said {
		t.Errorf("no warning names the removed files: %v", warns)
	}
}
