package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roundtable-go/roundtable/assign"
	"github.com/roundtable-go/roundtable/benchmarks/families"
	"github.com/roundtable-go/roundtable/model"
)

// TestMain lets the test binary play the child processes of compare,
// which starts itself again with -child.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "-child" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func small(t *testing.T, family string, n int) *model.Event {
	t.Helper()
	ev, err := families.GenerateN(family, 3, n)
	if err != nil {
		t.Fatal(err)
	}
	if err := ev.Validate(); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestGreedyObeysTheRules(t *testing.T) {
	for _, c := range []struct {
		family string
		n      int
	}{{"kennisdag", 0}, {"kennisdag", 60}, {"flanders", 400}, {"flanders", 0}, {"national", 5000}} {
		var ev *model.Event
		var err error
		if c.n == 0 {
			ev, err = families.Generate(c.family, 1)
		} else {
			ev, err = families.GenerateN(c.family, 1, c.n)
		}
		if err != nil {
			t.Fatal(err)
		}
		plan, err := greedy(ev, 1)
		if err != nil {
			t.Fatalf("%s/%d: %v", c.family, c.n, err)
		}
		if err := model.Check(ev, plan).Err(); err != nil {
			t.Errorf("%s/%d: %v", c.family, c.n, err)
		}
		again, _ := greedy(ev, 1)
		if again.Objective != plan.Objective {
			t.Errorf("%s/%d: greedy is not deterministic: %d, then %d", c.family, c.n, plan.Objective, again.Objective)
		}
	}
}

// TestLPRoundTrip maps a plan to the LP's variables through the name table
// and back, and checks that the objective is kept.
func TestLPRoundTrip(t *testing.T) {
	ev := small(t, "kennisdag", 50)
	var lp, stripped bytes.Buffer
	if err := assign.WriteLP(&lp, ev); err != nil {
		t.Fatal(err)
	}
	names, stats, err := splitLP(bytes.NewReader(lp.Bytes()), &stripped)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stripped.String(), `\`) {
		t.Error("the stripped LP file still has comments")
	}
	if !strings.HasPrefix(stripped.String(), "Maximize\n") || !strings.HasSuffix(stripped.String(), "End\n") {
		t.Errorf("stripped LP file starts %q", stripped.String()[:20])
	}
	if stats.cols <= len(names) || stats.rows == 0 {
		t.Errorf("stats %+v with %d plan variables", stats, len(names))
	}
	plan, err := greedy(ev, 2)
	if err != nil {
		t.Fatal(err)
	}
	byVar := map[lpVar]string{}
	for n, v := range names {
		byVar[v] = n
	}
	values := map[string]float64{}
	for _, a := range plan.Assignments {
		n, ok := byVar[lpVar{participant: a.Participant, session: a.Session}]
		if !ok {
			t.Fatalf("no variable for %+v", a)
		}
		values[n] = 1
	}
	for _, d := range plan.Delegations {
		n, ok := byVar[lpVar{room: true, organisation: d.Organisation, round: d.Round, host: d.Host}]
		if !ok {
			t.Fatalf("no variable for %+v", d)
		}
		values[n] = 1
	}
	back, rep := planFromValues(ev, names, values, "test")
	if n, first := hardViolations(rep); n > 0 {
		t.Fatalf("%d violations, %s", n, first)
	}
	if back.Objective != plan.Objective || len(back.Assignments) != len(plan.Assignments) {
		t.Errorf("round trip: objective %d, %d assignments; want %d, %d",
			back.Objective, len(back.Assignments), plan.Objective, len(plan.Assignments))
	}
}

func TestScanNoteQuoted(t *testing.T) {
	var a, b string
	if err := scanNote(`participant "a \"b\": c" in session "s-1"`, []string{"participant ", " in session "}, &a, &b); err != nil {
		t.Fatal(err)
	}
	if a != `a "b": c` || b != "s-1" {
		t.Errorf("got %q, %q", a, b)
	}
}

func TestReadGLPKColumns(t *testing.T) {
	out := `Status:     INTEGER OPTIMAL
Objective:  obj = 5 (MAXimum)

   No. Column name       Activity     Lower bound   Upper bound
------ ------------    ------------- ------------- -------------
     1 x_0_0        *              1             0             1 
     2 x_longname_12345
                    *              1             0             1 
     3 q_1_2                       3             0               
     4 yy           *              0             0             1 

Integer feasibility conditions:
`
	v, err := readGLPKColumns(out)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"x_0_0": 1, "x_longname_12345": 1, "q_1_2": 3, "yy": 0}
	for k, w := range want {
		if v[k] != w {
			t.Errorf("%s = %v, want %v", k, v[k], w)
		}
	}
	if len(v) != len(want) {
		t.Errorf("%d columns, want %d", len(v), len(want))
	}
	if m := glpkObj.FindStringSubmatch(out); m == nil || m[1] != "5" {
		t.Errorf("objective %v", m)
	}
	if m := glpkProgress.FindStringSubmatch(`+  2294: >>>>>   1.4e+04 <=   1.468916667e+04   2.9% (74; 2)`); m != nil {
		t.Errorf("an incumbent line is not a progress line: %v", m)
	}
	if m := glpkProgress.FindStringSubmatch(`+  4267: mip =   1.432000000e+04 <=   1.466000000e+04   2.4% (139; 65)`); m == nil || m[2] != "1.466000000e+04" {
		t.Errorf("progress %v", m)
	}
}

func TestCBCLog(t *testing.T) {
	log := `Cbc0012I Integer solution of -14350 found by DiveCoefficient after 0 iterations and 0 nodes (1.25 seconds)
Cbc0038I Mini branch and bound improved solution from -14380 to -14430 (1.87 seconds)
Cbc0012I Integer solution of -14430 found by feasibility pump after 0 iterations and 0 nodes (2.38 seconds)
Cbc0010I After 0 nodes, 1 on tree, -14430 best solution, best possible -14455 (2.72 seconds)
`
	if d, ok := cbcTimeToBest(log); !ok || d != 1870*time.Millisecond {
		t.Errorf("time to best %v %v, want 1.87s", d, ok)
	}
	if b, ok := cbcFinalBound(log, 14430); !ok || b != 14455 {
		t.Errorf("bound %d %v, want 14455", b, ok)
	}
	dir := t.TempDir()
	sol := filepath.Join(dir, "s.txt")
	os.WriteFile(sol, []byte("Stopped on time - objective value 14430.00000000\n      0 x_0_0   1   3\n**    1 y   0.4   2\n"), 0o644)
	f, err := os.Open(sol)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	status, obj, values, err := readCBCSolution(f)
	if err != nil || obj != 14430 || values["x_0_0"] != 1 || values["y"] != 0.4 || !strings.HasPrefix(status, "Stopped on time") {
		t.Errorf("got %q %v %v %v", status, obj, values, err)
	}
}

// TestCompareSmall runs the whole command on a small event with every
// solver: those missing are named, the others must agree (no objective
// above another solver's bound).
func TestCompareSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the solvers for a few seconds")
	}
	var out, errb bytes.Buffer
	code := run([]string{"-family", "kennisdag", "-n", "40", "-seed", "2", "-time-limit", "3s"}, &out, &errb)
	t.Logf("\n%s", out.String())
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	text := out.String()
	for _, bad := range []string{"above the bound", "invalid", " error "} {
		if strings.Contains(text, bad) {
			t.Errorf("output has %q", bad)
		}
	}
	for _, s := range allSolvers {
		if !strings.Contains(text, s) {
			t.Errorf("%s is neither in the table nor named as missing", s)
		}
	}
	if _, err := exec.LookPath("cbc"); err == nil && !regexp.MustCompile(`cbc\s+optimal`).MatchString(text) {
		t.Errorf("CBC did not solve 40 participants to optimality in 3 s")
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-family", "nope"},
		{"-solvers", "roundtable,gurobi"},
		{"-time-limit", "0s"},
		{"extra"},
		{"-child", "nope", "-out", "x"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
}
