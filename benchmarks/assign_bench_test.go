package benchmarks

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/roundtable-go/roundtable/assign"
	"github.com/roundtable-go/roundtable/benchmarks/families"
	"github.com/roundtable-go/roundtable/model"
)

// gapPercent is the plan's proven gap, (bound-objective)/|bound|, in
// percent.
func gapPercent(p *model.Plan) float64 {
	return 100 * assign.Gap(p.Objective, p.Bound)
}

func proven(p *model.Plan) float64 {
	if p.Status == model.StatusOptimal {
		return 1
	}
	return 0
}

// BenchmarkSolve solves the event of each family (seed 1) with the time
// limit in its name, a single worker, and reports beside the time the
// plan's proven gap (gap%), objective (obj), bound, whether it is proven
// optimal (proven, 1 or 0) and whether the time ran out before any plan
// was found (noplan, 1 or 0; gap% is then 100). The solve stops before the time limit
// when the plan is proven optimal, so the time is the time to optimality
// or the limit. Issue 9's targets: regional (3,000 people, 300
// organisations, 12 themes, 3 rounds) under 0.05 % within 1 s, national
// under 0.5 % within 30 s; flanders is regional with delegation rooms to
// choose; stress (a million people, 100 themes, 4 rounds) has no target
// and, at 120 s, no plan yet on a 2-core machine (noplan 1). With -short
// the 10 s runs are left out, and national and stress run at their
// smallest size instead (2,000 people, 1 s), so that CI exercises them.
//
//	go test ./benchmarks -run XXX -bench Solve/ -benchtime 1x
func BenchmarkSolve(b *testing.B) {
	cases := []struct {
		family string
		limit  time.Duration
		long   bool
	}{
		{"kennisdag", 10 * time.Second, false},
		{"regional", 1 * time.Second, false},
		{"regional", 10 * time.Second, true},
		{"flanders", 1 * time.Second, false},
		{"flanders", 10 * time.Second, true},
		{"national", 30 * time.Second, true},
		{"stress", 120 * time.Second, true},
	}
	for _, c := range cases {
		name, n, limit := fmt.Sprintf("%s/limit=%v", c.family, c.limit), 0, c.limit
		if c.long && testing.Short() {
			if c.family != "national" && c.family != "stress" {
				b.Run(name, func(b *testing.B) { b.Skipf("%v per solve; run without -short", c.limit) })
				continue
			}
			n, limit = smallestSize, time.Second
			name = fmt.Sprintf("%s/n=%d/limit=%v", c.family, n, limit)
		}
		b.Run(name, func(b *testing.B) {
			ev, err := generate(c.family, n)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var gap, obj, bound, opt, none float64
			n, planned := 0, 0
			for b.Loop() {
				n++
				plan, err := solve(ev, limit)
				if err != nil {
					b.Fatal(err)
				}
				if plan == nil {
					none++
					gap += 100
					continue
				}
				planned++
				gap += gapPercent(plan)
				obj += float64(plan.Objective)
				bound += float64(plan.Bound)
				opt += proven(plan)
			}
			b.ReportMetric(gap/float64(n), "gap%")
			if planned > 0 {
				b.ReportMetric(obj/float64(planned), "obj")
				b.ReportMetric(bound/float64(planned), "bound")
			}
			b.ReportMetric(opt/float64(n), "proven")
			b.ReportMetric(none/float64(n), "noplan")
		})
	}
}

// smallestSize is the number of people of the national and stress
// solves with -short.
const smallestSize = 2000

// generate is the family's event of seed 1, at its own size where n is 0.
func generate(family string, n int) (*model.Event, error) {
	if n == 0 {
		return families.Generate(family, 1)
	}
	return families.GenerateN(family, 1, n)
}

// solve runs assign.Solve with one worker and seed 1. A solve stopped by
// its time limit before it found any plan returns no plan and no error:
// the benchmarks report it (noplan, and a gap of 100 %) instead of
// failing.
func solve(ev *model.Event, limit time.Duration) (*model.Plan, error) {
	plan, err := assign.Solve(context.Background(), ev, assign.Options{TimeLimit: limit, Seed: 1, Workers: 1})
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, nil
	}
	return plan, err
}

// random200 are the events of BenchmarkSolveRandom200: the kennisdag and
// flanders families scaled to 200 participants, four seeds each.
func random200(b *testing.B) []*model.Event {
	var evs []*model.Event
	for _, fam := range []string{"kennisdag", "flanders"} {
		for seed := uint64(1); seed <= 4; seed++ {
			ev, err := families.GenerateN(fam, seed, 200)
			if err != nil {
				b.Fatal(err)
			}
			evs = append(evs, ev)
		}
	}
	return evs
}

// BenchmarkSolveRandom200 solves eight events of 200 participants (the
// kennisdag family: 25 organisations, 5 themes, 2 rounds; the flanders
// family: 20 organisations, 8 themes, 3 rounds; both with delegation rooms
// to place), seeds 1 to 4 each, one after the other, with a time limit of
// 1 s each. ns/op is the time of all eight; ms/event the mean per event
// and max-ms/event the slowest; gap% the mean proven gap, max-gap% the
// largest, proven the share proven optimal, noplan the share stopped
// before any plan (counted with a gap of 100 %). Their rooms are to be
// chosen, which issue 9's 100 ms target for 200-person events leaves to
// issue 4 (whose targets are kennisdag proven within 1 s and flanders'
// 3,000 people within 0.5 % in 10 s); measured against that 100 ms all
// the same, they miss it (about half proven, 0.6-0.7 s an event).
func BenchmarkSolveRandom200(b *testing.B) {
	evs := random200(b)
	b.ReportAllocs()
	var gap, maxGap, opt, ms, maxMS, none float64
	n := 0
	for b.Loop() {
		for _, ev := range evs {
			start := time.Now()
			plan, err := solve(ev, time.Second)
			if err != nil {
				b.Fatal(err)
			}
			t := float64(time.Since(start)) / float64(time.Millisecond)
			g := 100.0
			if plan != nil {
				g = gapPercent(plan)
				opt += proven(plan)
			} else {
				none++
			}
			gap += g
			maxGap = max(maxGap, g)
			ms += t
			maxMS = max(maxMS, t)
			n++
		}
	}
	b.ReportMetric(none/float64(n), "noplan")
	b.ReportMetric(ms/float64(n), "ms/event")
	b.ReportMetric(maxMS, "max-ms/event")
	b.ReportMetric(gap/float64(n), "gap%")
	b.ReportMetric(maxGap, "max-gap%")
	b.ReportMetric(opt/float64(n), "proven")
}
