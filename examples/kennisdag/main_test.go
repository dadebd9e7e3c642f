package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roundtable-go/roundtable/assign"
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
	// The two runs must print the same plan, so neither may stop on the
	// clock: the limit is far above the proof's time, even under -race.
	code, out, errs := runCmd(t, "-time-limit", "2m")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	code, js, errs := runCmd(t, "-time-limit", "2m", "-format", "json")
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
	orgName := map[string]string{}
	for _, o := range ev.Organisations {
		orgName[o.ID] = o.Name
	}
	away := 0 // members who attend rooms but are away in their room's round
	for _, d := range plan.Delegations {
		if !strings.Contains(out, d.Host+")") {
			t.Errorf("output does not name host %s of %s's room", d.Host, d.Organisation)
		}
		// The room's line counts the members there in its round: not
		// those away then (the embedded event has some).
		n := 0
		for _, q := range ev.Participants {
			if q.Organisation == d.Organisation && q.InDelegationRoom(d.Round) {
				n++
			} else if q.Organisation == d.Organisation && q.AttendsDelegation() {
				away++
			}
		}
		line := regexp.MustCompile(`(?m)^    ` + regexp.QuoteMeta(orgName[d.Organisation]) + `\s+with .*\s(\d+) (people|person)$`).FindStringSubmatch(out)
		if line == nil || line[1] != strconv.Itoa(n) {
			t.Errorf("%s's room: line %q, want %d people", d.Organisation, line, n)
		}
	}
	if away == 0 {
		t.Error("nobody of the embedded event is away in their room's round: the counts above test less than they should")
	}
}

// TestRunWorkLimit checks that -work-limit reaches the search: at one
// unit of work it stops at its first plan, short of the proof the
// embedded event otherwise gets, and twice gives the same bytes.
func TestRunWorkLimit(t *testing.T) {
	var outs [2]string
	for i := range outs {
		code, js, errs := runCmd(t, "-work-limit", "1", "-time-limit", "2m", "-format", "json")
		if code != 0 || errs != "" {
			t.Fatalf("exit %d, stderr:\n%s", code, errs)
		}
		plan, err := model.DecodePlan(strings.NewReader(js))
		if err != nil {
			t.Fatal(err)
		}
		if plan.Status == model.StatusOptimal {
			t.Errorf("proven optimal with one unit of work: -work-limit did not reach the search")
		}
		outs[i] = js
	}
	if outs[0] != outs[1] {
		t.Error("the same -work-limit and seed gave two plans")
	}
}

// TestStopReason: a plan not proven optimal says what stopped the search.
func TestStopReason(t *testing.T) {
	code, out, errs := runCmd(t, "-work-limit", "1", "-time-limit", "2m")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	if !strings.Contains(out, "Stopped at the work limit of 1: the same plan on any machine.") {
		t.Errorf("the text does not say the work limit stopped the search:\n%s", out)
	}
	code, out, _ = runCmd(t)
	if code != 0 || strings.Contains(out, "Stopped") {
		t.Errorf("a proven plan says it was stopped (exit %d):\n%s", code, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		ctx  context.Context
		o    options
		took time.Duration
		want string
	}{
		{context.Background(), options{timeLimit: 10 * time.Second}, 10 * time.Second, "Stopped by the time limit (10s)"},
		{context.Background(), options{timeLimit: 10 * time.Second, workLimit: 5}, 10 * time.Second, "Stopped by the time limit (10s)"},
		{ctx, options{timeLimit: 10 * time.Second}, time.Second, "Stopped by an interrupt"},
		{context.Background(), options{timeLimit: 30 * time.Second, fair: true}, time.Second, "The fair plan"},
		{context.Background(), options{timeLimit: 30 * time.Second, fair: true}, 30 * time.Second, "Stopped by the time limit (30s)"},
	} {
		if got := stopReason(c.ctx, c.o, c.took); !strings.HasPrefix(got, c.want) {
			t.Errorf("stopReason(%+v, %v) = %q, want %q...", c.o, c.took, got, c.want)
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
		{"bad work limit", []string{"-work-limit", "-1"}, "0 (no limit) or more"},
		{"negative seed", []string{"-seed", "-1"}, "0 or more"},
		{"summary as JSON", []string{"-summary", "-format", "json"}, "-summary prints text only"},
		{"summary with -out", []string{"-summary", "-out", filepath.Join(dir, "files")}, "-summary does not solve"},
		{"summary with -explain", []string{"-summary", "-explain"}, "-summary does not solve"},
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

// TestRunOut writes the organiser's files for the embedded event and reads
// them back: the CSV files parse, every round has its Zoom file with
// Zoom's header, the report is one HTML page; stdout is still exactly
// the plan JSON.
func TestRunOut(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, js, errs := runCmd(t, "-time-limit", "3s", "-format", "json", "-out", dir)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	plan, err := model.DecodePlan(strings.NewReader(js))
	if err != nil {
		t.Fatalf("stdout is not the plan JSON: %v\n%s", err, js)
	}
	var again bytes.Buffer
	if err := model.EncodePlan(&again, plan); err != nil {
		t.Fatal(err)
	}
	if again.String() != js {
		t.Errorf("stdout holds more than the plan JSON:\n%s", js)
	}
	ev, err := model.DecodeEvent(bytes.NewReader(defaultEvent))
	if err != nil {
		t.Fatal(err)
	}
	ev = ev.Normalized()

	entries, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	calendars, _ := filepath.Glob(filepath.Join(dir, "calendars", "*.ics"))
	n := len(entries) - 1 + len(calendars) // the calendars directory is no file
	if want := fmt.Sprintf("wrote %d files to %s\n", n, dir); !strings.HasSuffix(errs, want) {
		t.Errorf("stderr does not end with %q:\n%s", want, errs)
	}
	for _, line := range strings.Split(strings.TrimSuffix(errs, "\n"), "\n")[:strings.Count(errs, "\n")-1] {
		if !strings.HasPrefix(line, "warning: ") {
			t.Errorf("stderr line %q is neither a warning nor the summary", line)
		}
	}

	readCSV := func(name string) [][]string {
		t.Helper()
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return recs
	}
	if recs := readCSV("rosters.csv"); len(recs) != 1+len(ev.Participants)*len(ev.Rounds) {
		t.Errorf("rosters.csv has %d rows, want a header and one per participant and round (%d)", len(recs), 1+len(ev.Participants)*len(ev.Rounds))
	}
	if recs := readCSV("sessions.csv"); len(recs) != 1+len(ev.Sessions) {
		t.Errorf("sessions.csv has %d rows, want a header and one per session (%d)", len(recs), 1+len(ev.Sessions))
	}
	for _, r := range ev.Rounds {
		recs := readCSV("zoom-" + r.ID + ".csv")
		if !slices.Equal(recs[0], []string{"Pre-assign Room Name", "Email Address"}) {
			t.Errorf("zoom-%s.csv header %q", r.ID, recs[0])
		}
		if len(recs) < 2 {
			t.Errorf("zoom-%s.csv assigns nobody", r.ID)
		}
		if _, err := os.Stat(filepath.Join(dir, "teams-"+r.ID+".md")); err != nil {
			t.Error(err)
		}
	}
	if len(calendars) == 0 {
		t.Error("no calendars, though the rounds have times")
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(html, []byte("<html")) || !bytes.Contains(html, []byte(fmt.Sprint(plan.Objective))) {
		t.Error("report.html is not a page with the plan's objective")
	}
}

// TestRunOutStamp: the calendars are stamped with the time of writing, or
// with SOURCE_DATE_EPOCH where it is set (then two runs write the same
// bytes); a SOURCE_DATE_EPOCH that is no time is an input error.
func TestRunOutStamp(t *testing.T) {
	read := func(dir string) string {
		t.Helper()
		calendars, _ := filepath.Glob(filepath.Join(dir, "calendars", "*.ics"))
		if len(calendars) == 0 {
			t.Fatal("no calendars")
		}
		b, err := os.ReadFile(calendars[0])
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	before := time.Now().UTC().Truncate(time.Second)
	dir := filepath.Join(t.TempDir(), "now")
	if code, _, errs := runCmd(t, "-work-limit", "2000000", "-out", dir); code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	m := regexp.MustCompile(`DTSTAMP:(\d{8}T\d{6}Z)`).FindStringSubmatch(read(dir))
	if m == nil {
		t.Fatal("no DTSTAMP")
	}
	if got, err := time.Parse("20060102T150405Z", m[1]); err != nil || got.Before(before) || got.After(time.Now()) {
		t.Errorf("DTSTAMP %s, want the time of writing (%v or after)", m[1], before)
	}

	t.Setenv("SOURCE_DATE_EPOCH", "1616054400") // 2021-03-18 08:00 UTC
	var runs []string
	for i := range 2 {
		dir := filepath.Join(t.TempDir(), fmt.Sprint("fixed", i))
		if code, _, errs := runCmd(t, "-work-limit", "2000000", "-out", dir); code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		runs = append(runs, read(dir))
	}
	if !strings.Contains(runs[0], "DTSTAMP:20210318T080000Z") || runs[0] != runs[1] {
		t.Errorf("with SOURCE_DATE_EPOCH: %q, then %q", runs[0], runs[1])
	}
	t.Setenv("SOURCE_DATE_EPOCH", "yesterday")
	code, _, errs := runCmd(t, "-work-limit", "2000000", "-out", filepath.Join(t.TempDir(), "bad"))
	if code != exitInput || !strings.Contains(errs, "SOURCE_DATE_EPOCH") {
		t.Errorf("bad SOURCE_DATE_EPOCH: exit %d, stderr %q", code, errs)
	}
}

// TestRunOutBad gives -out a file: nothing is solved, the exit status is
// 2 and stderr says why; a directory whose files cannot be written exits
// with 1.
func TestRunOutBad(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plan.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{file, filepath.Join(file, "sub")} {
		code, out, errs := runCmd(t, "-out", dir)
		if code != exitInput {
			t.Errorf("-out %s: exit %d, want %d", dir, code, exitInput)
		}
		if out != "" || !strings.Contains(errs, "-out "+dir) || !strings.Contains(errs, "not a directory") {
			t.Errorf("-out %s: stdout %q, stderr %q", dir, out, errs)
		}
	}
	// A directory where rosters.csv cannot be written (it is a directory):
	// the plan is solved, the export fails, exit 1.
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "rosters.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "-time-limit", "1s", "-out", dir)
	if code != exitError || !strings.Contains(errs, "kennisdag: export:") || !strings.Contains(out, "Score ") {
		t.Errorf("unwritable -out: exit %d, stderr %q; want %d, the plan printed and the export error", code, errs, exitError)
	}
}

// TestRunExplain checks -explain: in JSON every participant and session
// has its explanation, in text they follow the plan.
func TestRunExplain(t *testing.T) {
	code, js, errs := runCmd(t, "-time-limit", "3s", "-format", "json", "-explain")
	if code != exitOK || errs != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	plan, err := model.DecodePlan(strings.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := model.DecodeEvent(bytes.NewReader(defaultEvent))
	if err != nil {
		t.Fatal(err)
	}
	ev = ev.Normalized()
	if want := len(ev.Participants) + len(ev.Sessions); len(plan.Explanations) != want {
		t.Fatalf("%d explanations, want one per participant and session (%d)", len(plan.Explanations), want)
	}
	for i, p := range ev.Participants {
		e := plan.Explanations[i]
		if e.Subject != p.ID || len(e.Lines) < 1+len(ev.Rounds) {
			t.Errorf("explanation %d: subject %q with %d lines, want %s with a line a round", i, e.Subject, len(e.Lines), p.ID)
		}
	}
	for i, s := range ev.Sessions {
		if e := plan.Explanations[len(ev.Participants)+i]; e.Subject != s.ID {
			t.Errorf("session explanation %d is about %q, want %s", i, e.Subject, s.ID)
		}
	}
	if !strings.Contains(js, `"explanations": [`) {
		t.Error("the JSON has no explanations field")
	}

	code, out, errs := runCmd(t, "-time-limit", "3s", "-explain")
	if code != exitOK || errs != "" {
		t.Fatalf("text: exit %d, stderr:\n%s", code, errs)
	}
	at := strings.Index(out, "\nExplanations\n")
	if at < 0 || at < strings.Index(out, "Choices obtained") {
		t.Fatalf("no explanations after the plan:\n%s", out)
	}
	for _, want := range []string{"  p001  ", "your 1st choice", "delegation room of", "\nSessions\n", "organisations: "} {
		if !strings.Contains(out[at:], want) {
			t.Errorf("explanations lack %q", want)
		}
	}
	// Without -explain, no explanations.
	if code, js, _ := runCmd(t, "-time-limit", "3s", "-format", "json"); code != exitOK || strings.Contains(js, "explanations") {
		t.Errorf("exit %d; explanations without -explain", code)
	}
}

// forceTerminal makes stderr count as a terminal and the progress line
// appear at once, for the rest of the test.
func forceTerminal(t *testing.T) {
	isTerm, delay, tick := isTerminal, progressDelay, progressTick
	isTerminal = func(io.Writer) bool { return true }
	progressDelay, progressTick = 0, 5*time.Millisecond
	t.Cleanup(func() { isTerminal, progressDelay, progressTick = isTerm, delay, tick })
}

var progressRE = regexp.MustCompile(`^solving +\d+\.\ds  objective -?\d+  bound (-?\d+  gap \d+\.\d{3}%|-  gap -) *$`)

func TestRunProgress(t *testing.T) {
	forceTerminal(t)
	code, out, errs := runCmd(t, "-time-limit", "2s")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	if !strings.HasPrefix(errs, "\r") || !strings.HasSuffix(errs, "\n") || strings.Count(errs, "\n") != 1 {
		t.Fatalf("stderr is not one live line: %q", errs)
	}
	draws := strings.Split(strings.TrimSuffix(errs, "\n"), "\r")[1:]
	for _, d := range draws {
		if !progressRE.MatchString(d) {
			t.Errorf("progress line %q has not the expected form", d)
		}
	}
	last := strings.TrimSpace(draws[len(draws)-1])
	plan := lastPlanLine(t, out)
	if !strings.Contains(last, "objective "+plan[0]) || !strings.Contains(last, "bound "+plan[1]) || !strings.Contains(last, "gap ") {
		t.Errorf("last progress line %q does not show the plan's objective %s and bound %s", last, plan[0], plan[1])
	}

	// -format json is quiet unless -v.
	if code, _, errs := runCmd(t, "-time-limit", "1s", "-format", "json"); code != exitOK || errs != "" {
		t.Errorf("-format json: exit %d, stderr %q", code, errs)
	}
	if code, _, errs := runCmd(t, "-time-limit", "1s", "-format", "json", "-v"); code != exitOK || !strings.Contains(errs, "gap") {
		t.Errorf("-format json -v: exit %d, stderr %q", code, errs)
	}
}

// lastPlanLine returns the objective and bound the text output prints.
func lastPlanLine(t *testing.T, out string) [2]string {
	t.Helper()
	score := regexp.MustCompile(`(?m)^Score (-?\d+) `).FindStringSubmatch(out)
	bound := regexp.MustCompile(`(?m)^Bound (-?\d+)`).FindStringSubmatch(out)
	if score == nil || bound == nil {
		t.Fatalf("no score or bound in the output:\n%s", out)
	}
	return [2]string{score[1], bound[1]}
}

func TestFormatProgress(t *testing.T) {
	for _, tc := range []struct {
		p    assign.Progress
		want string
	}{
		{assign.Progress{Objective: 13540, Bound: 13560}, "solving   12.3s  objective 13540  bound 13560  gap 0.147%"},
		{assign.Progress{Objective: 100, Bound: 100}, "solving   12.3s  objective 100  bound 100  gap 0.000%"},
		{assign.Progress{Objective: -5, Bound: math.MaxInt64}, "solving   12.3s  objective -5  bound -  gap -"},
	} {
		if got := formatProgress(12345*time.Millisecond, tc.p); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	// Not a terminal: a buffer, a regular file.
	if isTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is a terminal")
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Error("a regular file is a terminal")
	}
}
