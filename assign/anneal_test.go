package assign

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/roundtable-go/roundtable/assign/internal/randevent"
	"github.com/roundtable-go/roundtable/model"
)

// TestAnnealKeepsRules anneals the first plan of random events with every
// feature of the format and checks, at many points of the walk, that the
// annealer's running objective is the exact objective and that the plan
// obeys every hard rule (model.Check); the plan it returns is never worse
// than the one it was given.
func TestAnnealKeepsRules(t *testing.T) {
	for i := range 40 {
		ev, pr, st := firstPlan(t, uint64(9000+i), i)
		if pr == nil {
			continue // no rooms or no first plan possible: tested elsewhere
		}
		s := &search{pr: pr, bound: math.MaxInt64, rng: rand.New(rand.NewPCG(uint64(i), 1))} // no bound yet
		start := pr.evaluate(st)
		a := pr.newAnnealer(st)
		for step := range 20 {
			// Short walks from the annealer's current state: each ends in a
			// state that must obey every rule.
			best := s.anneal(context.Background(), a.st, 500, pr.annealHot())
			for _, x := range []*state{a.st, best} {
				plan, err := pr.plan(x, pr.evaluate(x), 1<<40)
				if err != nil {
					t.Fatalf("event %d step %d: %v", i, step, err)
				}
				if err := model.Check(ev, plan).Err(); err != nil {
					t.Fatalf("event %d step %d: the annealed plan breaks rules: %v", i, step, err)
				}
			}
			a = pr.newAnnealer(best)
			if got := pr.evaluate(best); got < start {
				t.Fatalf("event %d: anneal returned %d, worse than its start %d", i, got, start)
			}
		}
	}
}

// TestAnnealObjective checks the running objective of the annealer
// against evaluate after walks at a high temperature and after
// reseating blocks, with and without a repeatPair weight (the moves once
// left repeatPair out of their deltas, so that the walk took plans that
// repeat meetings for better ones).
func TestAnnealObjective(t *testing.T) {
	for i := range 40 {
		c := matchConfig(i)
		c.RepeatPair = 0
		if i%2 == 1 {
			c.RepeatPair = 7
		}
		ev := randevent.New(uint64(9100+i), c)
		pr, err := compile(ev.Normalized())
		if err != nil {
			t.Fatal(err)
		}
		s := &search{pr: pr, bound: math.MaxInt64, rng: rand.New(rand.NewPCG(uint64(i), 2))} // no bound yet
		st := pr.newState()
		if pr.chooseDelegations(context.Background(), st, nil) != nil {
			continue
		}
		a := pr.newAnnealer(st)
		s.walk(context.Background(), a, 2000, 1e9, 1e9)
		if got := pr.evaluate(a.st); got != a.obj {
			t.Fatalf("event %d (repeatPair %d): running objective %d after the walk, evaluate %d", i, c.RepeatPair, a.obj, got)
		}
		// A walk that takes its moves as if repeats were free keeps the
		// exact objective all the same, and returns its best state by it.
		a.blind = a.members != nil
		start := a.obj
		best := s.walk(context.Background(), a, 2000, 1, 0.1)
		if got := pr.evaluate(a.st); got != a.obj {
			t.Fatalf("event %d (repeatPair %d): running objective %d after a blind walk, evaluate %d", i, c.RepeatPair, a.obj, got)
		}
		if got := pr.evaluate(best); got < start {
			t.Fatalf("event %d (repeatPair %d): a blind walk returned %d, below its start %d", i, c.RepeatPair, got, start)
		}
		a.blind = false
		for o := range pr.nO {
			a.obj += a.reseat(pr.oMembers[o], reseatNodes, o%2 == 0)
		}
		if got := pr.evaluate(a.st); got != a.obj {
			t.Fatalf("event %d (repeatPair %d): running objective %d after reseating, evaluate %d", i, c.RepeatPair, a.obj, got)
		}
	}
}
