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
