package assign

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/roundtable-go/roundtable/assign/internal/randevent"
	"github.com/roundtable-go/roundtable/model"
)

// TestShare checks how a theme's takers are dealt out over its parallel
// sessions when the round flow has no organisation layer: everyone
// placed, seats kept, a session short of its minimum only when the
// takers could not have filled it, and the sessions in use as even as
// their seats allow.
func TestShare(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	missed, cases := 0, 0
	for c := range 5000 {
		m := 1 + rng.IntN(5)
		pr := &problem{sMin: make([]int, m)}
		net := &roundNet{pr: pr, sessions: make([]int, m), seats: make([]int, m), pinned: make([]int, m), open: make([]sessionState, m)}
		ks := make([]int, m)
		total := 0
		for k := range m {
			ks[k] = k
			net.sessions[k] = k
			net.seats[k] = rng.IntN(8)
			if rng.IntN(6) == 0 {
				net.pinned[k] = 1 + rng.IntN(2)
			}
			// A minimum never exceeds the capacity: seats left plus pins.
			pr.sMin[k] = rng.IntN(min(5, net.seats[k]+net.pinned[k]+1))
			switch rng.IntN(8) {
			case 0:
				net.open[k] = sessClosed
			case 1:
				if net.pinned[k] > 0 {
					net.open[k] = sessForced
				}
			}
			if net.open[k] != sessClosed {
				total += net.seats[k]
			}
		}
		// The flow gives a theme at most its seats, and at least what its
		// held sessions need.
		lower := 0
		for k := range m {
			if net.open[k] == sessForced {
				lower += min(net.seats[k], max(0, pr.sMin[k]-net.pinned[k]))
			}
		}
		if lower > total {
			continue
		}
		n := lower + rng.IntN(total-lower+1)
		counts := net.share(n, ks)
		sum := 0
		for k, x := range counts {
			sum += x
			if x < 0 || x > net.seats[k] || (x > 0 && net.open[k] == sessClosed) {
				t.Fatalf("case %d: session %d gets %d (seats %d, open %d)", c, k, x, net.seats[k], net.open[k])
			}
			if net.open[k] == sessForced && x < min(net.seats[k], max(0, pr.sMin[k]-net.pinned[k])) {
				t.Fatalf("case %d: held session %d gets %d, below its minimum %d (pinned %d); n %d counts %v seats %v mins %v pinned %v open %v", c, k, x, pr.sMin[k], net.pinned[k], n, counts, net.seats, pr.sMin, net.pinned, net.open)
			}
		}
		if sum != n {
			t.Fatalf("case %d: %d placed of %d (counts %v, seats %v)", c, sum, n, counts, net.seats)
		}
		// Short of a minimum: never when every open session's minimum
		// fits, nor, without pins, when the largest session alone could
		// take everyone at its minimum; otherwise rarely while some
		// sharing avoids it (brute force).
		short := false
		fits, largest := 0, -1
		for k, x := range counts {
			if size := x + net.pinned[k]; net.open[k] != sessClosed && size > 0 && size < pr.sMin[k] {
				short = true
			}
			if net.open[k] != sessClosed && net.seats[k] > 0 {
				fits += max(pr.sMin[k]-net.pinned[k], 0, 1-net.pinned[k])
				if largest < 0 || net.seats[k] > net.seats[largest] {
					largest = k
				}
			}
		}
		noPins := true
		for k := range m {
			noPins = noPins && (net.pinned[k] == 0 || net.open[k] == sessClosed)
		}
		easy := n >= fits || noPins && largest >= 0 && n <= net.seats[largest] && n >= pr.sMin[largest]
		if short && easy {
			t.Fatalf("case %d: a session short of its minimum (n %d, counts %v, mins %v, seats %v, pinned %v, open %v)", c, n, counts, pr.sMin, net.seats, net.pinned, net.open)
		}
		if short && shareable(net, n, m) {
			missed++
		}
		cases++
		// Even: among the sessions in use without pins, one has more than
		// another plus one only when the other is full.
		for a, x := range counts {
			for b, y := range counts {
				if net.pinned[a] == 0 && net.pinned[b] == 0 && x > 0 && y > 0 && x > y+1 && y < net.seats[b] && x > max(pr.sMin[a], 1) {
					t.Fatalf("case %d: uneven %v (seats %v, mins %v)", c, counts, net.seats, pr.sMin)
				}
			}
		}
	}
	// The greedy choice of sessions is not exact (it is a subset sum);
	// solveRound closes a short session and solves again. Measured: 0 of
	// these 5,000 cases, 12 of 200,000.
	if missed*1000 > cases {
		t.Errorf("%d of %d sharings left a session short though another would not", missed, cases)
	}
	t.Logf("%d of %d sharings left a session short though another would not", missed, cases)
}

// shareable reports whether n takers can be dealt out over sessions 0..m-1
// of net without any open session short of its minimum.
func shareable(net *roundNet, n, m int) bool {
	x := make([]int, m)
	var rec func(k, left int) bool
	rec = func(k, left int) bool {
		if k == m {
			return left == 0
		}
		top := net.seats[k]
		if net.open[k] == sessClosed {
			top = 0
		}
		for c := 0; c <= min(top, left); c++ {
			size := c + net.pinned[k]
			if size > 0 && size < net.pr.sMin[k] {
				continue
			}
			x[k] = c
			if rec(k+1, left-c) {
				return true
			}
		}
		return false
	}
	return rec(0, n)
}

// TestHubRound solves the round flows of a first plan (no organisation
// layer) with and without hubs on random events, each round after the
// previous ones so that themes taken earlier are barred, and checks that
// both reach the same total value and that nobody gets a barred theme
// through a hub. Some events have weights a point apart (so that a hub
// arc costing one point too much or too little changes the flow's
// choice) or a hub value of 0 or below. Then solveRound, hubs on, must
// give every session of the round a size between its minimum and its
// capacity, or none.
func TestHubRound(t *testing.T) {
	hubbed, users, fallbacks, low := 0, 0, 0, 0
	for i := range 80 {
		c := randevent.Config{
			Participants:  20 + i*7%60,
			Organisations: 2 + i%5,
			Themes:        6 + i%7,
			Rounds:        2 + i%3,
			Parallel:      i % 3,
			CapMin:        2,
			CapMax:        3 + i%6,
			Preferences:   1 + i%4,
			OnlyRanked:    i%9 == 4,
			Pins:          float64(i%3) * 0.1,
			Partial:       0.2,
			Wanted:        0.3,
			MinMax:        i % 4,
		}
		switch i % 5 {
		case 3: // unranked below nothing
			w := model.DefaultWeights()
			w.Unranked = -20
			w.Competence = 0
			c.Weights = &w
		case 4: // values a point apart; hub values of 0 or below
			w := model.DefaultWeights()
			w.Rank = []int{7, 4, 3}
			w.Competence = 1
			w.Unranked = []int{2, 0, -3}[i%3]
			w.Unplaced = []int{3, 0}[i%2]
			c.Weights = &w
		}
		ev := randevent.New(uint64(7100+i), c)
		pr, err := compile(ev.Normalized())
		if err != nil {
			t.Fatal(err)
		}
		st := pr.newState()
		pr.flat = true
		for r := range pr.nR {
			open := make([]sessionState, len(pr.roundSess[r]))
			var got [2][]int
			var sums [2]int64
			for j, hub := range []bool{true, false} {
				net := pr.buildRound(st, r, open, false, nil, hub)
				if hub && len(net.hubUsers) > 0 {
					hubbed++
					users += len(net.hubUsers)
					for _, u := range net.hubUsers {
						if _, _, _, _, cost := net.g.Arc(int(u.arc)); cost >= 0 {
							low++ // a hub worth 0 or less
							break
						}
					}
				}
				g, _, err := net.solve(context.Background())
				if err == errHubShare {
					fallbacks++
					g, _, err = pr.buildRound(st, r, open, false, nil, false).solve(context.Background())
				}
				if err != nil {
					t.Fatalf("event %d round %d (hub %v): %v", i, r, hub, err)
				}
				got[j] = g
				for p, s := range g {
					if s < 0 || s == pr.pin(p, r) {
						continue
					}
					v := pr.value(p, s)
					if v == forbidden {
						t.Fatalf("event %d round %d (hub %v): %d gets forbidden session %d", i, r, hub, p, s)
					}
					for q := range r {
						if o := st.asg[p*pr.nR+q]; o >= 0 && pr.sTheme[o] == pr.sTheme[s] {
							t.Fatalf("event %d round %d (hub %v): %d gets theme %d again (round %d)", i, r, hub, p, pr.sTheme[s], q)
						}
					}
					sums[j] += v
				}
			}
			if sums[0] != sums[1] {
				t.Fatalf("event %d round %d: value %d with hubs, %d without", i, r, sums[0], sums[1])
			}
			// The whole round, minimum sizes included, with hubs.
			pr.hubs = true
			next := st.clone()
			good, _, err := pr.solveRound(context.Background(), next, r, false, nil)
			if err != nil {
				t.Fatalf("event %d round %d: solveRound: %v", i, r, err)
			}
			if good {
				size := map[int]int{}
				for p := range pr.nP {
					if s := next.asg[p*pr.nR+r]; s >= 0 {
						size[s]++
					}
				}
				for _, s := range pr.roundSess[r] {
					if n := size[s]; n > pr.sCap[s] || (n > 0 && n < pr.sMin[s]) {
						t.Fatalf("event %d round %d: session %d holds %d (min %d, capacity %d)", i, r, s, n, pr.sMin[s], pr.sCap[s])
					}
				}
			}
			for p, s := range got[0] {
				st.asg[p*pr.nR+r] = s
			}
		}
	}
	t.Logf("%d round flows with hubs (%d participants through one, %d with a hub of value 0 or below), %d fell back", hubbed, users, low, fallbacks)
	// Small events fall back often: few themes, and many barred ones.
	if hubbed-fallbacks < 100 || users < 2000 || low == 0 {
		t.Errorf("only %d flows kept their hubs, %d participants through one, %d with a hub of value 0 or below: the test checks too little", hubbed-fallbacks, users, low)
	}
}
