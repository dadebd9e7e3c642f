package assign

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/roundtable-go/roundtable/assign/internal/randevent"
	"github.com/roundtable-go/roundtable/model"
)

// FuzzSolve solves any tiny event the decoder and validation accept, and
// checks the plan against brute force: no panic, no error but a
// *SetupError (and then brute force finds no plan either), every rule
// kept and nobody lost (oracleCheck), the objective at most brute
// force's best and the bound at least that, and equal to it when the
// plan is called optimal; then Explain, which must explain everyone and
// every session. The seeds are the tiny events of the brute force tests;
// `go test -fuzz FuzzSolve` mutates them.
func FuzzSolve(f *testing.F) {
	for _, data := range tinySeeds(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := model.DecodeEvent(bytes.NewReader(data))
		if err != nil || ev.Validate() != nil {
			return
		}
		ne := ev.Normalized()
		if len(ne.Participants) > 6 || len(ne.Rounds) > 3 || len(ne.Sessions) > 8 || len(ne.Hosts) > 3 {
			return // beyond brute force
		}
		if _, _, leaves := bruteForce(ev, false); leaves > bruteMax {
			return
		}
		plan, err := Solve(context.Background(), ev, Options{TimeLimit: time.Minute, Seed: 1})
		best, plans, _ := bruteForce(ev, true)
		var setup *SetupError
		if errors.As(err, &setup) {
			if plans > 0 {
				t.Fatalf("no plan (%v), but brute force found %d, the best worth %d", err, plans, best)
			}
			return
		}
		if err != nil {
			t.Fatalf("error %T: %v", err, err)
		}
		oracleCheck(t, ev, plan)
		if plans == 0 {
			t.Fatalf("a plan worth %d where brute force found none", plan.Objective)
		}
		if plan.Objective > best || plan.Bound < best {
			t.Fatalf("objective %d, bound %d: brute force's best %d is not between them", plan.Objective, plan.Bound, best)
		}
		if plan.Status == model.StatusOptimal && plan.Objective != best {
			t.Fatalf("called optimal at %d, brute force's best is %d", plan.Objective, best)
		}
		// Explain: one explanation per participant, then per session, in
		// the event's order, without error.
		exps, err := Explain(ev, plan)
		if err != nil {
			t.Fatalf("Explain: %v", err)
		}
		var subjects []string
		for _, p := range ne.Participants {
			subjects = append(subjects, p.ID)
		}
		for _, s := range ne.Sessions {
			subjects = append(subjects, s.ID)
		}
		if len(exps) != len(subjects) {
			t.Fatalf("Explain gave %d explanations for %d participants and sessions", len(exps), len(subjects))
		}
		for i, e := range exps {
			if e.Subject != subjects[i] || len(e.Lines) == 0 {
				t.Fatalf("explanation %d is of %q with %d lines, want %q with some", i, e.Subject, len(e.Lines), subjects[i])
			}
		}
	})
}

// FuzzRepair solves a tiny event the decoder and validation accept,
// changes it (op: a participant leaves, a session's capacity changes, a
// late registrant copies someone, someone's rounds shrink, a session
// closes) and repairs the plan for the changed event. It checks: no
// panic, no error but a *SetupError, every rule kept and nobody lost
// (oracleCheck), and, without AllowMoves, every told assignment of who
// is still there either kept or listed in Diff.Moved with a reason.
func FuzzRepair(f *testing.F) {
	for i, data := range tinySeeds(f) {
		f.Add(data, uint8(i), uint8(i/2), uint8(i%3), i%4 == 3)
	}
	f.Fuzz(func(t *testing.T, data []byte, op, k, v uint8, allowMoves bool) {
		ev, err := model.DecodeEvent(bytes.NewReader(data))
		if err != nil || ev.Validate() != nil {
			return
		}
		ne := ev.Normalized()
		if len(ne.Participants) == 0 || len(ne.Sessions) == 0 || len(ne.Participants) > 8 || len(ne.Rounds) > 3 || len(ne.Sessions) > 10 {
			return
		}
		prev, err := Solve(context.Background(), ne, Options{TimeLimit: time.Minute, WorkLimit: 300_000, Seed: 1})
		if err != nil {
			return
		}
		next := ne.Clone()
		p, j := int(k)%len(next.Participants), int(k)%len(next.Sessions)
		switch op % 5 {
		case 0:
			next.Participants = slices.Delete(next.Participants, p, p+1)
		case 1:
			c := int(v % 4)
			next.Sessions[j].Capacity = &c
		case 2:
			late := next.Participants[p]
			late.ID, late.Pinned = "late", nil
			next.Participants = append(next.Participants, late)
		case 3:
			next.Participants[p].Rounds = []string{next.Rounds[int(v)%len(next.Rounds)].ID}
			next.Participants[p].Pinned = nil
		case 4:
			gone := next.Sessions[j].ID
			next.Sessions = slices.Delete(next.Sessions, j, j+1)
			for i := range next.Participants {
				for r, s := range next.Participants[i].Pinned {
					if s == gone {
						delete(next.Participants[i].Pinned, r)
					}
				}
			}
		}
		if next.Validate() != nil {
			return
		}
		plan, diff, err := Repair(context.Background(), next, prev, RepairOptions{
			Options: Options{TimeLimit: time.Minute, WorkLimit: 300_000, Seed: 1}, AllowMoves: allowMoves})
		var setup *SetupError
		if errors.As(err, &setup) {
			return
		}
		if err != nil {
			t.Fatalf("error %T: %v", err, err)
		}
		oracleCheck(t, next, plan)
		if allowMoves {
			return
		}
		present := map[string]bool{}
		for _, q := range next.Participants {
			present[q.ID] = true
		}
		now := map[[2]string]string{}
		for _, a := range plan.Assignments {
			now[[2]string{a.Participant, a.Round}] = a.Session
		}
		moved := map[[2]string]Move{}
		for _, m := range diff.Moved {
			moved[[2]string{m.Participant, m.Round}] = m
		}
		for _, a := range prev.Assignments {
			key := [2]string{a.Participant, a.Round}
			if !present[a.Participant] || now[key] == a.Session {
				continue
			}
			m, ok := moved[key]
			if !ok {
				t.Fatalf("%s's told %s in %s became %q, and the diff does not list the move", a.Participant, a.Session, a.Round, now[key])
			}
			if m.From != a.Session || m.To != now[key] || m.Reason == "" {
				t.Fatalf("the diff's move %+v does not match %s -> %q in %s", m, a.Session, now[key], a.Round)
			}
		}
	})
}

// tinySeeds are the fuzz tests' seed events: twelve tiny events of the
// brute force tests (tinyConfig), as JSON.
func tinySeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	for i := range 12 {
		var buf bytes.Buffer
		if err := model.EncodeEvent(&buf, randevent.New(uint64(900+i), tinyConfig(i))); err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, buf.Bytes())
	}
	return seeds
}
