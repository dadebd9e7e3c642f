package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/roundtable-go/roundtable/examples/kennisdag/internal/gen"
	"github.com/roundtable-go/roundtable/model"
)

var update = flag.Bool("update", false, "rewrite kennisdag.json from internal/gen")

// TestGolden keeps the committed, embedded event equal to what the
// generator makes; -update rewrites it.
func TestGolden(t *testing.T) {
	want := gen.Event()
	data, err := gen.JSON(want)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("kennisdag.json", data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(data, defaultEvent) {
		t.Fatal("kennisdag.json differs from internal/gen; run go test ./examples/kennisdag -run TestGolden -update")
	}
	got, err := model.DecodeEvent(bytes.NewReader(defaultEvent))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("kennisdag.json does not decode to the generated event: gen.JSON loses a field")
	}
}

// TestEmbeddedEvent checks the embedded event is valid and has the shape
// the example promises.
func TestEmbeddedEvent(t *testing.T) {
	ev, err := model.DecodeEvent(bytes.NewReader(defaultEvent))
	if err != nil {
		t.Fatal(err)
	}
	if err := ev.Validate(); err != nil {
		t.Fatalf("embedded event is invalid:\n%v", err)
	}
	ev = ev.Normalized()

	if len(ev.Organisations) != 16 {
		t.Errorf("%d organisations, want 16", len(ev.Organisations))
	}
	size := map[string]int{}
	names := map[string]bool{}
	for _, p := range ev.Participants {
		size[p.Organisation]++
		if names[p.Name] {
			t.Errorf("participant name %q twice", p.Name)
		}
		names[p.Name] = true
		if !strings.HasSuffix(p.Email, "@"+p.Organisation+".example") {
			t.Errorf("%s: e-mail %q is not under %s.example", p.ID, p.Email, p.Organisation)
		}
	}
	for _, o := range ev.Organisations {
		if n := size[o.ID]; n < 6 || n > 12 {
			t.Errorf("%s sends %d participants, want 6 to 12", o.ID, n)
		}
	}

	researchers := 0
	for _, h := range ev.Hosts {
		if strings.HasPrefix(h.ID, "onderzoeker-") {
			researchers++
			if len(h.Organisations) != 2 || len(h.Rounds) != len(ev.Rounds) {
				t.Errorf("researcher %s: knows %v, available %v; want 2 organisations, every round", h.ID, h.Organisations, h.Rounds)
			}
		}
	}
	if researchers != 8 {
		t.Errorf("%d researchers, want 8", researchers)
	}

	// Capacity bites where it did on the day: finance and care draw
	// more first choices than they have seats, the other themes do not,
	// and there are seats for every session anyone can want.
	first := map[string]int{}
	for _, p := range ev.Participants {
		if len(p.Preferences) > 0 {
			first[p.Preferences[0]]++
		}
	}
	seats := map[string]int{}
	total := 0
	for _, s := range ev.Sessions {
		if s.Host == "" {
			t.Errorf("session %s has no expert", s.ID)
		}
		seats[s.Theme] += *s.Capacity
		total += *s.Capacity
	}
	for _, th := range ev.Themes {
		popular := th.ID == "financien" || th.ID == "zorg"
		if popular != (first[th.ID] > seats[th.ID]) {
			t.Errorf("theme %s: %d first choices for %d seats", th.ID, first[th.ID], seats[th.ID])
		}
	}
	if _, hi := wantedRange(ev); hi > total {
		t.Errorf("up to %d sessions wanted, only %d seats", hi, total)
	}
}

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunSummary(t *testing.T) {
	code, out, errs := runCmd(t, "-summary")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	for _, want := range []string{
		"Kennisdag lokaal beleid rond Corona",
		"r1  10:30-12:00  Thu 18 Mar 2021 10:30 to 12:00 +01:00",
		"financien-r1",
		"Participants: 133",
		"first choices exceed seats",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

// TestRunBroken runs testdata/broken.json, which has several problems:
// each must be reported, and the exit status is 2.
func TestRunBroken(t *testing.T) {
	code, out, errs := runCmd(t, "-event", filepath.Join("testdata", "broken.json"))
	if code != exitInput {
		t.Errorf("exit %d, want %d", code, exitInput)
	}
	if out != "" {
		t.Errorf("stdout not empty:\n%s", out)
	}
	for _, want := range []string{
		"testdata/broken.json",
		`"zorgg"`,        // unknown theme in preferences
		"did you mean",   // and a fix for it
		`"gent"`,         // unknown organisation
		`"financien-r1"`, // duplicate session id
		"min",            // min above capacity
		`"expert-x"`,     // unknown host
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if n := strings.Count(strings.TrimSpace(errs), "\n") + 1; n < 5 {
		t.Errorf("%d lines on stderr, want one a problem (5 or more):\n%s", n, errs)
	}
}

// TestRunDefault solves the embedded event and checks the text output
// against the plan the same solve gives as JSON.
func TestRunDefault(t *testing.T) {
	code, out, errs := runCmd(t, "-time-limit", "5s")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	code, js, errs := runCmd(t, "-time-limit", "5s", "-format", "json")
	if code != 0 || errs != "" {
		t.Fatalf("-format json: exit %d, stderr:\n%s", code, errs)
	}
	plan, err := model.DecodePlan(strings.NewReader(js))
	if err != nil {
		t.Fatalf("-format json does not print a plan: %v\n%s", err, js)
	}
	ev, err := model.DecodeEvent(bytes.NewReader(defaultEvent))
	if err != nil {
		t.Fatal(err)
	}
	if err := model.Check(ev, plan).Err(); err != nil {
		t.Fatalf("the printed plan breaks rules: %v", err)
	}
	for _, want := range []string{
		"Round r1  10:30-12:00",
		"Delegation rooms",
		"financien-r1",
		fmt.Sprintf("Score %d = preference %d", plan.Objective, plan.Breakdown.Preference),
		fmt.Sprintf("Bound %d", plan.Bound),
		"1st choice",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, d := range plan.Delegations {
		if !strings.Contains(out, d.Host+")") {
			t.Errorf("output does not name host %s of %s's room", d.Host, d.Organisation)
		}
	}
}

func TestRunRegistrations(t *testing.T) {
	code, out, errs := runCmd(t, "-summary", "-registrations", filepath.Join("testdata", "registrations.csv"))
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	if !strings.Contains(out, "Participants: 4") {
		t.Errorf("summary does not count the 4 registrations:\n%s", out)
	}
	if !strings.Contains(errs, "Opmerking") {
		t.Errorf("no warning about the unknown column on stderr: %q", errs)
	}
}

func TestRunInputErrors(t *testing.T) {
	dir := t.TempDir()
	notJSON := filepath.Join(dir, "event.json")
	if err := os.WriteFile(notJSON, []byte(`{"name": "x", "rounds": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	badCSV := filepath.Join(dir, "regs.csv")
	if err := os.WriteFile(badCSV, []byte("name,organisation,choice1\nAn,hasselt,zorg\nPiet,nergensdorp,zorg\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"-nope"}, "-nope"},
		{"bad format", []string{"-format", "xml"}, "text or json"},
		{"bad time limit", []string{"-time-limit", "0s"}, "positive duration"},
		{"bad workers", []string{"-workers", "0"}, "1 or more"},
		{"argument", []string{"event.json"}, "unexpected argument"},
		{"missing event", []string{"-event", filepath.Join(dir, "missing.json")}, "missing.json"},
		{"truncated JSON", []string{"-event", notJSON}, notJSON},
		{"missing registrations", []string{"-registrations", filepath.Join(dir, "missing.csv")}, "missing.csv"},
		{"unknown organisation", []string{"-registrations", badCSV}, "nergensdorp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCmd(t, tc.args...)
			if code != exitInput {
				t.Errorf("exit %d, want %d", code, exitInput)
			}
			if out != "" {
				t.Errorf("stdout not empty:\n%s", out)
			}
			if !strings.Contains(errs, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, errs)
			}
		})
	}
}
