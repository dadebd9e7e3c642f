package assign

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/roundtable-go/roundtable/assign/internal/mip"
	"github.com/roundtable-go/roundtable/assign/internal/randevent"
	"github.com/roundtable-go/roundtable/model"
)

func needCBC(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("cbc"); err != nil {
		t.Skip("cbc is not installed (Debian/Ubuntu: apt-get install coinor-cbc): skipping the MIP cross-checks")
	}
}

// solveCBC runs CBC on ev and checks what every CBC answer must satisfy:
// proven optimal, no broken rule, and CBC's objective equal to the one
// model.Check recomputes from CBC's plan.
func solveCBC(t *testing.T, ev *model.Event) (*model.Plan, int64) {
	t.Helper()
	plan, obj, err := mip.CBC(context.Background(), ev, time.Minute)
	if errors.Is(err, mip.ErrNotInstalled) {
		t.Skip("cbc is not installed")
	}
	if err != nil {
		t.Fatalf("CBC: %v", err)
	}
	if plan.Status != model.StatusOptimal {
		t.Fatalf("CBC did not prove optimality: status %q, objective %d, bound %d", plan.Status, plan.Objective, plan.Bound)
	}
	rep := model.Check(ev, plan)
	if err := rep.Err(); err != nil {
		t.Fatalf("CBC's plan: %v", err)
	}
	if rep.Objective != obj {
		t.Fatalf("CBC reports objective %d but model.Check computes %d (breakdown %+v)", obj, rep.Objective, rep.Breakdown)
	}
	return plan, obj
}

func TestWriteLPExample(t *testing.T) {
	ev, err := model.LoadEvent(filepath.Join("..", "model", "testdata", "example-event.json"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteLP(&buf, ev); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Maximize\n", "Subject To\n", "Binaries\n", "End\n", " one: + 1 const1 = 1\n"} {
		if !bytes.Contains(buf.Bytes(), []byte(want)) {
			t.Errorf("LP file lacks %q", want)
		}
	}
	needCBC(t)
	plan, obj := solveCBC(t, ev)
	if obj != 1205 || plan.Objective != 1205 {
		t.Errorf("CBC optimum of the example: %d (plan %d), want 1205", obj, plan.Objective)
	}
}

// TestWriteLPGLPK has glpsol read (and, for small events, solve) the LP
// files, so that the format is not only CBC's dialect.
func TestWriteLPGLPK(t *testing.T) {
	bin, err := exec.LookPath("glpsol")
	if err != nil {
		t.Skip("glpsol is not installed (Debian/Ubuntu: apt-get install glpk-utils)")
	}
	ev, err := model.LoadEvent(filepath.Join("..", "model", "testdata", "example-event.json"))
	if err != nil {
		t.Fatal(err)
	}
	events := []*model.Event{ev, randevent.New(7, randevent.Config{Participants: 8, Delegations: true, MinMax: 2, Parallel: 2, RepeatPair: 5, OddIDs: true, Pins: 0.3})}
	wants := []int64{1205, 0}
	if _, err := exec.LookPath("cbc"); err == nil {
		if _, wants[1], err = mip.CBC(context.Background(), events[1], time.Minute); err != nil {
			t.Fatalf("CBC: %v", err)
		}
	} else {
		events = events[:1]
	}
	objLine := regexp.MustCompile(`Objective:\s+obj = (\S+)`)
	for i, ev := range events {
		dir := t.TempDir()
		lp := filepath.Join(dir, "m.lp")
		var buf bytes.Buffer
		if err := WriteLP(&buf, ev); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(lp, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "out.txt")
		if msg, err := exec.Command(bin, "--lp", lp, "--tmlim", "20", "-o", out).CombinedOutput(); err != nil {
			t.Fatalf("glpsol: %v\n%s", err, msg)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		m := objLine.FindSubmatch(data)
		if m == nil {
			t.Fatalf("no objective in glpsol's output:\n%s", data)
		}
		got, err := strconv.ParseFloat(string(m[1]), 64)
		if err != nil || int64(got) != wants[i] {
			t.Errorf("event %d: glpsol's optimum %s, want %d", i, m[1], wants[i])
		}
	}
}

// randomConfig mixes the features of the format by test index.
func randomConfig(i int) randevent.Config {
	c := randevent.Config{
		Participants:  8 + i%5*3,
		Organisations: 2 + i%3,
		Themes:        3 + i%3,
		Rounds:        2 + i%3,
		Parallel:      i % 3,
		CapMin:        2,
		CapMax:        3 + i%4,
	}
	if i%2 == 0 {
		c.Delegations = true
		c.DelegationRounds = 1 + i%c.Rounds
		c.Hosts = 1 + i%3
		c.SessionHosts = i%4 == 0
		c.OptOut = 0.2
	}
	if i%3 != 1 {
		c.MinMax = 2 + i%2
	}
	if i%4 == 1 || i%5 == 2 {
		c.MaxPerOrganisation = 1 + i%2
	}
	c.OnlyRanked = i%3 == 2
	if i%4 != 3 {
		c.Pins = 0.25
	}
	if i%3 == 0 {
		c.RepeatPair = 5 + i
	}
	if i%2 == 1 || i%5 == 0 {
		c.Partial = 0.3
		c.Wanted = 0.4
	}
	if c.Parallel > 0 {
		c.SkipSession = 0.15
	}
	c.Preferences = 1 + i%c.Themes
	c.OddIDs = i%7 == 3
	if i%6 == 5 {
		w := model.DefaultWeights()
		w.Unplaced = 50 // low enough that leaving people out can pay
		w.Affinity = 200
		w.Unranked = -20
		c.Weights = &w
	}
	return c
}

func TestLPRandomCBC(t *testing.T) {
	needCBC(t)
	n := 30
	if testing.Short() {
		n = 10
	}
	for i := 0; i < n; i++ {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			ev := randevent.New(uint64(1000+i), randomConfig(i))
			solveCBC(t, ev)
		})
	}
}

// tinyConfig is small enough for brute force.
func tinyConfig(i int) randevent.Config {
	c := randevent.Config{
		Participants:  4 + i%3,
		Organisations: 2,
		Themes:        2 + i%2,
		Rounds:        2,
		Parallel:      i % 2,
		CapMin:        2,
		CapMax:        3 + i%2,
		MinMax:        i % 3,
		Pins:          0.2,
		OnlyRanked:    i%4 == 1,
		Partial:       0.2,
		Wanted:        0.3,
	}
	if i%3 != 2 {
		c.Delegations = true
		c.Hosts = 1 + i%2
		c.DelegationRounds = 1 + i%2
		c.SessionHosts = i%2 == 1
		c.OptOut = 0.25
	}
	if i%4 == 2 {
		c.MaxPerOrganisation = 1
	}
	if i%2 == 0 {
		c.RepeatPair = 30
	}
	if i%5 == 4 {
		w := model.DefaultWeights()
		w.Unplaced = 40
		w.SamePair = 70
		w.Affinity = 80
		c.Weights = &w
	}
	return c
}

// Brute force checks at most this many candidate plans per event, and
// events with fewer than bruteMin are replaced (next seed) as too easy.
const (
	bruteMin = 300
	bruteMax = 30000
)

func TestLPBruteForce(t *testing.T) {
	needCBC(t)
	n := 40
	if testing.Short() {
		n = 10
	}
	seed := uint64(500)
	for i := 0; i < n; i++ {
		ev := bruteSizedEvent(t, &seed, tinyConfig(i), bruteMin, bruteMax)
		t.Run(fmt.Sprintf("%d/seed%d", i, seed), func(t *testing.T) {
			_, obj := solveCBC(t, ev)
			best, plans, leaves := bruteForce(ev, true)
			t.Logf("brute force: %d candidate plans, %d valid", leaves, plans)
			if plans == 0 {
				t.Fatal("brute force found no plan, CBC did")
			}
			if best != obj {
				t.Errorf("CBC optimum %d, brute force over %d plans %d", obj, plans, best)
			}
		})
	}
}

// bruteSizedEvent draws events of cfg from the seeds after *seed (which
// it advances) until one has between lo and hi candidate plans for the
// brute force: deterministic, and neither trivial nor too slow to
// enumerate. It fails the test after 200 seeds.
func bruteSizedEvent(t *testing.T, seed *uint64, cfg randevent.Config, lo, hi int) *model.Event {
	t.Helper()
	for range 200 {
		*seed++
		ev := randevent.New(*seed, cfg)
		if _, _, leaves := bruteForce(ev, false); leaves >= lo && leaves <= hi {
			return ev
		}
	}
	t.Fatalf("no event of %d..%d candidate plans in 200 seeds up to %d", lo, hi, *seed)
	return nil
}

// bruteForce enumerates every choice of delegation rooms and every
// assignment in which each participant sits at most once per round, in
// distinct themes, only where available and allowed, within capacities.
// With evaluate it returns the best model.Check objective over the plans
// Check finds no rule broken in and how many such plans there are; leaves
// is the number of candidate plans (without evaluate, only it is counted).
func bruteForce(ev *model.Event, evaluate bool) (best int64, plans, leaves int) {
	return bruteForceVisit(ev, evaluate, nil)
}

// bruteForceVisit is bruteForce that also hands each plan without a
// broken rule, with its report, to visit (when not nil; with evaluate).
func bruteForceVisit(ev *model.Event, evaluate bool, visit func(*model.Plan, *model.Report)) (best int64, plans, leaves int) {
	ne := ev.Normalized()
	hostBusy := map[[2]string]bool{}
	for _, s := range ne.Sessions {
		if s.Host != "" {
			hostBusy[[2]string{s.Host, s.Round}] = true
		}
	}
	var orgs []string
	if ne.Delegations != nil {
		for _, o := range ne.Organisations {
			if o.IsDelegation() {
				orgs = append(orgs, o.ID)
			}
		}
	}
	var rooms []model.DelegationRoom
	used := map[[2]string]bool{}
	var chooseRooms func(k int)
	chooseRooms = func(k int) {
		if k == len(orgs) {
			b, n, l := bruteAssign(ne, slices.Clone(rooms), evaluate, visit)
			leaves += l
			if n > 0 && (plans == 0 || b > best) {
				best = b
			}
			plans += n
			return
		}
		for _, r := range ne.Delegations.Rounds {
			for _, h := range ne.Hosts {
				if h.Rounds != nil && !slices.Contains(h.Rounds, r) || hostBusy[[2]string{h.ID, r}] || used[[2]string{h.ID, r}] {
					continue
				}
				used[[2]string{h.ID, r}] = true
				rooms = append(rooms, model.DelegationRoom{Organisation: orgs[k], Round: r, Host: h.ID})
				chooseRooms(k + 1)
				rooms = rooms[:len(rooms)-1]
				used[[2]string{h.ID, r}] = false
			}
		}
	}
	chooseRooms(0)
	return best, plans, leaves
}

func bruteAssign(ne *model.Event, rooms []model.DelegationRoom, evaluate bool, visit func(*model.Plan, *model.Report)) (best int64, plans, leaves int) {
	roomRound := map[string]string{}
	for _, d := range rooms {
		roomRound[d.Organisation] = d.Round
	}
	// options[p]: every set of sessions p could take.
	options := make([][][]int, len(ne.Participants))
	for pi, p := range ne.Participants {
		busy := ""
		if ne.Delegations != nil && p.AttendsDelegation() {
			busy = roomRound[p.Organisation] // "" when the organisation has no room
		}
		var cur []int
		var rec func(r int)
		rec = func(r int) {
			if r == len(ne.Rounds) {
				if p.Sessions == nil || len(cur) <= *p.Sessions {
					options[pi] = append(options[pi], slices.Clone(cur))
				}
				return
			}
			rid := ne.Rounds[r].ID
			if _, pinned := p.Pinned[rid]; !pinned {
				rec(r + 1)
			}
			if busy == rid || p.Rounds != nil && !slices.Contains(p.Rounds, rid) {
				return
			}
			for si, s := range ne.Sessions {
				if s.Round != rid {
					continue
				}
				if pin, pinned := p.Pinned[rid]; pinned && pin != s.ID {
					continue
				}
				if ne.Rules.OnlyRanked && len(p.Preferences) > 0 && !slices.Contains(p.Preferences, s.Theme) {
					continue
				}
				if slices.ContainsFunc(cur, func(o int) bool { return ne.Sessions[o].Theme == s.Theme }) {
					continue
				}
				cur = append(cur, si)
				rec(r + 1)
				cur = cur[:len(cur)-1]
			}
		}
		rec(0)
	}
	size := make([]int, len(ne.Sessions))
	choice := make([]int, len(ne.Participants))
	var rec func(pi int)
	rec = func(pi int) {
		if pi == len(ne.Participants) {
			leaves++
			if !evaluate {
				return
			}
			plan := &model.Plan{Delegations: rooms}
			for qi, p := range ne.Participants {
				for _, si := range options[qi][choice[qi]] {
					plan.Assignments = append(plan.Assignments, model.Assignment{Participant: p.ID, Round: ne.Sessions[si].Round, Session: ne.Sessions[si].ID})
				}
			}
			rep := model.Check(ne, plan)
			for _, v := range rep.Violations {
				if v.Rule != 0 {
					return
				}
			}
			if plans == 0 || rep.Objective > best {
				best = rep.Objective
			}
			plans++
			if visit != nil {
				visit(plan, rep)
			}
			return
		}
	next:
		for k, opt := range options[pi] {
			for _, si := range opt {
				if size[si] >= ne.Sessions[si].Cap(0) {
					continue next
				}
			}
			for _, si := range opt {
				size[si]++
			}
			choice[pi] = k
			rec(pi + 1)
			for _, si := range opt {
				size[si]--
			}
		}
	}
	rec(0)
	return best, plans, leaves
}

func ExampleWriteLP() {
	ev := model.NewEvent()
	ev.Rounds = []model.Round{{ID: "r1"}}
	ev.Themes = []model.Theme{{ID: "t1"}}
	ev.Organisations = []model.Organisation{{ID: "o1"}}
	ev.Participants = []model.Participant{{ID: "p1", Organisation: "o1", Preferences: []string{"t1"}}}
	var buf bytes.Buffer
	if err := WriteLP(&buf, ev); err != nil {
		panic(err)
	}
	fmt.Print(buf.String())
	// Output:
	// \ roundtable: exact MIP of docs/FORMAT.md for event ""
	// \ The optimal value of obj is the objective of FORMAT.md; const1 = 1 carries its constant.
	// \ Variables:
	// \   const1: fixed to 1, carries the constant of the objective
	// \   x_0_0: participant "p1" in session "t1-r1"
	// Maximize
	//  obj: - 1000 const1 + 1100 x_0_0
	// Subject To
	//  one: + 1 const1 = 1
	// Binaries
	//  x_0_0
	// End
}

// TestWriteLPRefusesNoPlan: where Solve's checks before the search say no
// plan exists, WriteLP returns that *SetupError instead of writing an
// infeasible programme; an invalid event is refused too.
func TestWriteLPRefusesNoPlan(t *testing.T) {
	small := func() *model.Event {
		ev := model.NewEvent()
		ev.Rounds = []model.Round{{ID: "r1"}, {ID: "r2"}}
		ev.Themes = []model.Theme{{ID: "zorg"}, {ID: "wonen"}}
		ev.Organisations = []model.Organisation{{ID: "genk"}, {ID: "peer"}}
		for i, o := range []string{"genk", "genk", "peer"} {
			ev.Participants = append(ev.Participants, model.Participant{ID: fmt.Sprintf("p%d", i+1), Organisation: o, Preferences: []string{"zorg", "wonen"}})
		}
		return ev
	}
	roomless := small() // genk's two members are pinned into both rounds: no slot for its room
	roomless.Delegations = &model.Delegations{Rounds: []string{"r1", "r2"}}
	roomless.Organisations[1].Delegation = model.Ptr(false)
	roomless.Hosts = []model.Host{{ID: "h1"}, {ID: "h2"}}
	roomless.Participants[0].Pinned = map[string]string{"r1": "zorg-r1"}
	roomless.Participants[1].Pinned = map[string]string{"r2": "zorg-r2"}
	seats := small() // two pinned into one seat
	seats.Defaults.Capacity = 1
	seats.Participants[0].Pinned = map[string]string{"r1": "zorg-r1"}
	seats.Participants[2].Pinned = map[string]string{"r1": "zorg-r1"}
	perOrg := small() // two colleagues pinned where one may sit
	perOrg.Rules.MaxPerOrganisation = 1
	perOrg.Participants[0].Pinned = map[string]string{"r1": "zorg-r1"}
	perOrg.Participants[1].Pinned = map[string]string{"r1": "zorg-r1"}
	for name, ev := range map[string]*model.Event{"room without a slot": roomless, "pins beyond seats": seats, "pins beyond maxPerOrganisation": perOrg} {
		_, solveErr := Solve(context.Background(), ev, Options{TimeLimit: time.Second})
		var buf bytes.Buffer
		err := WriteLP(&buf, ev)
		var setup *SetupError
		if !errors.As(err, &setup) || err.Error() != solveErr.Error() || buf.Len() != 0 {
			t.Errorf("%s: WriteLP %v (wrote %d bytes); Solve %v", name, err, buf.Len(), solveErr)
		}
	}
	bad := small()
	bad.Participants[0].Organisation = "nowhere"
	var invalid model.ValidationErrors
	if err := WriteLP(io.Discard, bad); !errors.As(err, &invalid) {
		t.Errorf("invalid event: %v", err)
	}
}
