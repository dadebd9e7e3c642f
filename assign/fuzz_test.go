package assign

import (
	"bytes"
	"context"
	"errors"
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
// plan is called optimal. The seeds are the tiny events of the brute
// force tests and FORMAT.md's worked example; `go test -fuzz FuzzSolve`
// mutates them.
func FuzzSolve(f *testing.F) {
	for i := range 12 {
		var buf bytes.Buffer
		if err := model.EncodeEvent(&buf, randevent.New(uint64(900+i), tinyConfig(i))); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
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
	})
}
