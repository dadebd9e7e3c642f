package assign

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/roundtable-go/roundtable/assign/internal/randevent"
	"github.com/roundtable-go/roundtable/model"
)

// firstPlan compiles event i of matchConfig (repeatPair 0: reseating and
// annealing leave it to evaluate), which must validate, and solves its
// rounds once; nil when the event has no such plan.
func firstPlan(t *testing.T, seed uint64, i int) (*model.Event, *problem, *state) {
	t.Helper()
	c := matchConfig(i)
	c.RepeatPair = 0
	ev := randevent.New(seed, c)
	if err := ev.Validate(); err != nil {
		t.Fatalf("event %d: %v", i, err)
	}
	pr, err := compile(ev.Normalized())
	if err != nil {
		t.Fatal(err)
	}
	st := pr.newState()
	if pr.chooseDelegations(context.Background(), st, nil) != nil {
		return nil, nil, nil
	}
	for r := range pr.nR {
		good, _, err := pr.solveRound(context.Background(), st, r, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !good {
			return nil, nil, nil
		}
	}
	return ev, pr, st
}

// TestReseatMatchesBruteForce reseats blocks of two or three people of
// random events and compares the gain with the best block plan found by
// trying every session (or none) for each of them in each round they are
// free and unpinned, judged by model.Check and evaluate alone.
func TestReseatMatchesBruteForce(t *testing.T) {
	checked, gained := 0, 0
	for i := range 60 {
		ev, pr, st := firstPlan(t, uint64(9300+i), i%40)
		if pr == nil {
			continue
		}
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		for try := range 4 {
			// A block: an organisation's members, or anyone, 2 or 3 people.
			var block []int
			if try%2 == 0 {
				o := rng.IntN(pr.nO)
				block = append(block, pr.oMembers[o]...)
				rng.Shuffle(len(block), func(a, b int) { block[a], block[b] = block[b], block[a] })
			} else {
				block = rng.Perm(pr.nP)
			}
			block = block[:min(len(block), 2+try%2)]
			if len(block) == 0 {
				continue
			}
			// Every (member, round) the brute force may change.
			type slot struct{ p, r int }
			var slots []slot
			combos := 1
			for _, p := range block {
				free := pr.free(p, st.deleg[pr.pOrg[p]])
				for r := range pr.nR {
					if free&(1<<r) != 0 && pr.pin(p, r) < 0 {
						slots = append(slots, slot{p, r})
						combos *= len(pr.roundSess[r]) + 1
					}
				}
			}
			if combos > 3000 {
				continue
			}
			// From the plan, and from it with the block taken out (when
			// that obeys the rules), so that most blocks have a gain.
			cleared := st.clone()
			for _, sl := range slots {
				cleared.asg[sl.p*pr.nR+sl.r] = -1
			}
			for _, from := range []*state{st, cleared} {
				if plan, err := pr.plan(from, pr.evaluate(from), 1<<40); err != nil || model.Check(ev, plan).Err() != nil {
					continue
				}
				before := pr.evaluate(from)
				best := before
				x := from.clone()
				var walk func(k int)
				walk = func(k int) {
					if k == len(slots) {
						plan, err := pr.plan(x, pr.evaluate(x), 1<<40)
						if err == nil && model.Check(ev, plan).Err() == nil {
							best = max(best, pr.evaluate(x))
						}
						return
					}
					sl := slots[k]
					x.asg[sl.p*pr.nR+sl.r] = -1
					walk(k + 1)
					for _, s := range pr.roundSess[sl.r] {
						x.asg[sl.p*pr.nR+sl.r] = s
						walk(k + 1)
					}
					x.asg[sl.p*pr.nR+sl.r] = from.asg[sl.p*pr.nR+sl.r]
				}
				walk(0)

				a := pr.newAnnealer(from)
				gain := a.reseat(block, reseatNodes, try%2 == 1)
				got := pr.evaluate(a.st)
				if got != before+gain {
					t.Fatalf("event %d block %v: reseat says %+d, evaluate %d -> %d", i, block, gain, before, got)
				}
				if got > before {
					gained++
				}
				if got != best {
					t.Fatalf("event %d block %v: reseat reached %d, brute force %d (from %d)", i, block, got, best, before)
				}
				plan, err := pr.plan(a.st, got, 1<<40)
				if err != nil {
					t.Fatal(err)
				}
				if err := model.Check(ev, plan).Err(); err != nil {
					t.Fatalf("event %d block %v: the reseated plan breaks rules: %v", i, block, err)
				}
				checked++
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d blocks checked", checked)
	}
	t.Logf("%d blocks, %d improved", checked, gained)
}

// TestReseatPassesKeepRules runs both reseating passes on the first plans
// of random events with every feature of the format: each returns a plan
// that obeys every rule and is never worse than its start.
func TestReseatPassesKeepRules(t *testing.T) {
	improved := 0
	for i := range 40 {
		ev, pr, st := firstPlan(t, uint64(9400+i), i)
		if pr == nil {
			continue
		}
		s := &search{pr: pr, bound: math.MaxInt64, rng: rand.New(rand.NewPCG(uint64(i), 8))} // no bound yet
		start := pr.evaluate(st)
		for _, pass := range []func(context.Context, *state) *state{s.reseatAll, s.reseatPairs} {
			next := pass(context.Background(), st)
			got := pr.evaluate(next)
			if got < start {
				t.Fatalf("event %d: a pass went from %d to %d", i, start, got)
			}
			if got > start {
				improved++
			}
			plan, err := pr.plan(next, got, 1<<40)
			if err != nil {
				t.Fatal(err)
			}
			if err := model.Check(ev, plan).Err(); err != nil {
				t.Fatalf("event %d: the reseated plan breaks rules: %v", i, err)
			}
		}
	}
	if improved == 0 {
		t.Fatal("no pass improved any first plan")
	}
}
