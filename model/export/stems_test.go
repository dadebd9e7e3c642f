package export

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/roundtable-go/roundtable/model"
)

func TestStems(t *testing.T) {
	ids := []string{"r1", "../../etc/passwd", "/abs", `C:\win`, "..", ".", "", "a/b", "a_b", "A_B",
		".hidden", "trailing.", "CON", "nul.txt", "com1", "Financiën", strings.Repeat("x", 100), strings.Repeat("x", 100), "a b"}
	want := []string{"r1", "_._.._etc_passwd", "_abs", "C__win", "_", "_-2", "_-3", "a_b", "a_b-2", "A_B-3",
		"_hidden", "trailing", "CON_", "nul.txt_", "com1_", "Financi_n", strings.Repeat("x", 64), strings.Repeat("x", 62) + "-2", "a_b-4"}
	got := Stems(ids)
	if !slices.Equal(got, want) {
		t.Errorf("Stems\n%q\nwant\n%q", got, want)
	}
	if again := Stems(ids); !slices.Equal(again, got) {
		t.Error("Stems is not deterministic")
	}
}

// FuzzStems: every stem is a plain local name of safe characters, and no
// two coincide, case aside.
func FuzzStems(f *testing.F) {
	f.Add("r1", "R1", "../x")
	f.Add("..", ".", "/")
	f.Add("CON", "con", "a\x00b")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		seen := map[string]bool{}
		for _, s := range Stems([]string{a, b, c, a}) {
			if !filepath.IsLocal(s) || s == "." || s == ".." || strings.ContainsAny(s, `/\:`) || len(s) > maxStem || s[0] == '.' {
				t.Errorf("unsafe stem %q", s)
			}
			for _, r := range s {
				if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.", r)) {
					t.Errorf("stem %q holds %q", s, r)
				}
			}
			if seen[strings.ToLower(s)] {
				t.Errorf("stem %q twice", s)
			}
			seen[strings.ToLower(s)] = true
		}
	})
}

// TestWriteAllHostileIDs: ids that try to leave the directory give files
// inside it, one each.
func TestWriteAllHostileIDs(t *testing.T) {
	ev, plan := fixture(t)
	rename := map[string]string{"p1": "../../p1", "p2": "/etc/p2", "p3": "..", "p4": "P5", "p5": "p5"}
	for i := range ev.Participants {
		if n, ok := rename[ev.Participants[i].ID]; ok {
			ev.Participants[i].ID = n
		}
	}
	for i := range plan.Assignments {
		if n, ok := rename[plan.Assignments[i].Participant]; ok {
			plan.Assignments[i].Participant = n
		}
	}
	ev.Rounds[0].ID = "../r1"
	for i := range ev.Sessions {
		if ev.Sessions[i].Round == "r1" {
			ev.Sessions[i].Round = "../r1"
		}
	}
	for i := range plan.Assignments {
		if plan.Assignments[i].Round == "r1" {
			plan.Assignments[i].Round = "../r1"
		}
	}
	ev.Delegations.Rounds = []string{"../r1"}
	ev.Hosts[0].Rounds = []string{"../r1"}
	plan.Delegations[0].Round = "../r1"
	if err := model.Check(ev, plan).Err(); err != nil {
		t.Fatal(err)
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	files, _, err := WriteAll(dir, ev, plan, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, f := range files {
		r, err := filepath.Rel(dir, f)
		if err != nil || !filepath.IsLocal(r) {
			t.Errorf("%s is outside %s", f, dir)
		}
		rel = append(rel, filepath.ToSlash(r))
	}
	want := []string{"rosters.csv", "sessions.csv", "zoom-_._r1.csv", "zoom-r2.csv", "teams-_._r1.md", "teams-r2.md",
		"calendars/_._.._p1.ics", "calendars/_etc_p2.ics", "calendars/_.ics", "calendars/P5.ics", "calendars/p5-2.ics",
		"calendars/p7.ics", "calendars/p8.ics", "report.html"}
	if !slices.Equal(rel, want) {
		t.Errorf("files\n%q\nwant\n%q", rel, want)
	}
	entries, err := os.ReadDir(parent)
	if err != nil || len(entries) != 1 {
		t.Errorf("the parent of the output directory holds %v (%v)", entries, err)
	}
}
