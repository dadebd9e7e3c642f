package main

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/roundtable-go/roundtable/assign"
	"github.com/roundtable-go/roundtable/model"
)

// TestLibraryConcurrentUse runs assign.Solve, model.Check and
// model.Validate on shared events from many goroutines at once: under
// -race this proves they neither write to the event nor share state
// between calls. Same event, seed and Workers give byte-identical plans
// (WorkLimit stops the search, not the clock, so the machine's load does
// not change the plan), every plan obeys model.Check, and the events are
// unchanged afterwards.
func TestLibraryConcurrentUse(t *testing.T) {
	const goroutines = 16
	events := []*model.Event{generate(t, "kennisdag", 1), generate(t, "kennisdag", 3)}
	before := make([][]byte, len(events))
	for i, ev := range events {
		before[i] = eventJSON(t, ev)
	}
	type job struct {
		event   int
		seed    uint64
		workers int
	}
	key := func(j job) string { return fmt.Sprintf("event %d seed %d workers %d", j.event, j.seed, j.workers) }
	// Four replicas of each of four jobs; two of them evaluate the
	// relaxation on two goroutines of their own.
	var jobs []job
	for i := range goroutines {
		ev, seed := i%2, uint64(i/2%2+1)
		jobs = append(jobs, job{event: ev, seed: seed, workers: 1 + (ev+int(seed))%2})
	}

	var mu sync.Mutex
	plans := map[string][][]byte{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, j := range jobs {
		wg.Go(func() {
			<-start
			ev := events[j.event]
			if err := ev.Validate(); err != nil {
				t.Errorf("%s: %v", key(j), err)
				return
			}
			plan, err := assign.Solve(t.Context(), ev, assign.Options{
				TimeLimit: 5 * time.Minute, WorkLimit: 150_000, Seed: j.seed, Workers: j.workers,
			})
			if err != nil {
				t.Errorf("%s: %v", key(j), err)
				return
			}
			if err := model.Check(ev, plan).Err(); err != nil {
				t.Errorf("%s: %v", key(j), err)
			}
			var buf bytes.Buffer
			if err := model.EncodePlan(&buf, plan); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			plans[key(j)] = append(plans[key(j)], buf.Bytes())
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()

	for k, ps := range plans {
		for i := 1; i < len(ps); i++ {
			if !bytes.Equal(ps[0], ps[i]) {
				t.Errorf("%s: plan %d differs from plan 0:\n%s\n---\n%s", k, i, ps[0], ps[i])
			}
		}
		t.Logf("%s: %d identical plans", k, len(ps))
	}
	if len(plans) != 4 {
		t.Errorf("%d distinct jobs, want 4", len(plans))
	}
	for i, ev := range events {
		if !bytes.Equal(before[i], eventJSON(t, ev)) {
			t.Errorf("event %d changed while solved", i)
		}
	}
}

// TestRepairCompareConcurrentUse runs assign.Repair and assign.Compare on
// shared events and a shared previous plan from many goroutines (run it
// with -race): every plan valid, same inputs give the same plan, and the
// shared inputs unchanged.
func TestRepairCompareConcurrentUse(t *testing.T) {
	base := generate(t, "kennisdag", 1)
	previous, err := assign.Solve(t.Context(), base, assign.Options{TimeLimit: time.Minute, WorkLimit: 150_000})
	if err != nil {
		t.Fatal(err)
	}
	// The event as it is now: two more people registered late.
	now := base.Clone()
	for i := range 2 {
		p := now.Participants[i]
		p.ID, p.Email = fmt.Sprintf("late-%d", i), ""
		p.Pinned = nil
		now.Participants = append(now.Participants, p)
	}
	nowBefore, prevBefore := eventJSON(t, now), planJSON(t, previous)
	bigger := now.Clone()
	for i := range bigger.Sessions {
		if c := bigger.Sessions[i].Capacity; c != nil {
			bigger.Sessions[i].Capacity = model.Ptr(*c + 2)
		}
	}
	scenarios := []assign.Scenario{{Name: "now", Event: now}, {Name: "more seats", Event: bigger}}

	const goroutines = 8
	repaired := make([][]byte, goroutines)
	metrics := make([][]assign.Metrics, goroutines)
	var wg sync.WaitGroup
	for i := range goroutines {
		wg.Go(func() {
			opts := assign.Options{TimeLimit: time.Minute, WorkLimit: 150_000}
			if i%2 == 0 {
				plan, _, err := assign.Repair(t.Context(), now, previous, assign.RepairOptions{Options: opts})
				if err != nil {
					t.Errorf("repair %d: %v", i, err)
					return
				}
				if err := model.Check(now, plan).Err(); err != nil {
					t.Errorf("repair %d: %v", i, err)
				}
				repaired[i] = planJSON(t, plan)
				return
			}
			m, err := assign.Compare(t.Context(), scenarios, opts)
			if err != nil {
				t.Errorf("compare %d: %v", i, err)
				return
			}
			metrics[i] = m
		})
	}
	wg.Wait()
	for i := 2; i < goroutines; i += 2 {
		if !bytes.Equal(repaired[0], repaired[i]) {
			t.Errorf("repair %d gave another plan than repair 0", i)
		}
	}
	for i := 3; i < goroutines; i += 2 {
		for k := range metrics[i] {
			if metrics[i][k].Objective != metrics[1][k].Objective {
				t.Errorf("compare %d, scenario %d: objective %d, compare 1 found %d", i, k, metrics[i][k].Objective, metrics[1][k].Objective)
			}
		}
	}
	if !bytes.Equal(nowBefore, eventJSON(t, now)) || !bytes.Equal(prevBefore, planJSON(t, previous)) {
		t.Error("the shared event or previous plan changed")
	}
}

func planJSON(t *testing.T, p *model.Plan) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := model.EncodePlan(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
