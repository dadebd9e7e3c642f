package assign

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
)

// hugeFlow is the size of the round flows (participant-theme arcs over
// all rounds) above which the first plan is built without the colleague
// layer: with it, flows over tens of thousands of people and thousands of
// (organisation, session) pairs take minutes. A 3,000-person event of 12
// themes in 3 rounds is about a tenth of it; 10,000 people with 40
// themes in 4 rounds, 1.6 times.
const hugeFlow = 1 << 20

// huge reports whether the event's round flows are over hugeFlow.
func (pr *problem) huge() bool {
	n := 0
	for _, ts := range pr.roundThemes {
		n += len(ts)
	}
	return pr.nP*n > hugeFlow
}

// greedy fills st (rooms and pins already in place) participant by
// participant, in a random order drawn from rng: each takes, while they
// want more sessions, the free round and unused theme of highest value
// that still has a seat, in the parallel session with the fewest
// colleagues. Sessions left below their minimum are then closed and their
// members placed again, until none is left short. It reports false when
// a short session holds a pinned participant (it cannot be closed), or
// when ctx ends; st is then unchanged.
func (pr *problem) greedy(ctx context.Context, st *state, rng *rand.Rand) bool {
	nR := pr.nR
	a := pr.newAnnealer(st) // its session sizes and colleague counts
	closed := make([]bool, pr.nS)
	// bestSession is the open session of theme ts in its round with a seat
	// that p's organisation fills least, or -1; opening an empty session
	// with a minimum above 1 is allowed only on the first pass.
	bestSession := func(p int, ts themeSessions, first bool) (int, int) {
		best, fewest := -1, 0
		for _, s := range ts.sessions {
			if closed[s] || a.size[s] >= pr.sCap[s] || (!first && a.size[s] == 0 && pr.sMin[s] > 1) {
				continue
			}
			n := a.os.get(pr.orgSess(pr.pOrg[p], s))
			if pr.maxPerOrg > 0 && n >= pr.maxPerOrg {
				continue
			}
			if best < 0 || n < fewest {
				best, fewest = s, n
			}
		}
		return best, fewest
	}
	used := make([]bool, pr.nT)
	place := func(p int, first bool) {
		d := a.st.deleg[pr.pOrg[p]]
		free := pr.free(p, d)
		clear(used)
		n := 0
		for r := range nR {
			if s := a.st.asg[p*nR+r]; s >= 0 {
				used[pr.sTheme[s]] = true
				n++
			}
		}
		for ; n < pr.wanted(p, d); n++ {
			// The best session: its value (the unplaced weight it saves
			// included) less the colleagues p meets there.
			bestR, bestS, bestV := -1, -1, int64(0)
			for r := range nR {
				if free&(1<<r) == 0 || a.st.asg[p*nR+r] >= 0 {
					continue
				}
				for _, ts := range pr.roundThemes[r] {
					v := pr.value(p, ts.sessions[0])
					if used[ts.theme] || v == forbidden || (bestR >= 0 && v <= bestV) {
						continue
					}
					if s, n := bestSession(p, ts, first); s >= 0 {
						if w := v - int64(pr.w.SamePair)*int64(n); bestR < 0 || w > bestV {
							bestR, bestS, bestV = r, s, w
						}
					}
				}
			}
			if bestR < 0 {
				return
			}
			a.put(p, bestR, bestS)
			used[pr.sTheme[bestS]] = true
		}
	}
	for i, p := range rng.Perm(pr.nP) {
		if i&1023 == 0 && ctx.Err() != nil {
			return false
		}
		place(p, true)
	}
	for ctx.Err() == nil {
		short := false
		for s := range pr.nS {
			if a.size[s] > 0 && a.size[s] < pr.sMin[s] {
				closed[s], short = true, true
			}
		}
		if !short {
			copy(st.asg, a.st.asg)
			return true
		}
		var moved []int
		for p := range pr.nP {
			for r := range nR {
				s := a.st.asg[p*nR+r]
				if s < 0 || !closed[s] {
					continue
				}
				if pr.pin(p, r) == s {
					return false
				}
				a.put(p, r, -1)
				moved = append(moved, p)
			}
		}
		for _, p := range moved {
			place(p, false)
		}
	}
	return false
}

// spread deals, in every round, the participants of each theme's parallel
// sessions out again so that colleagues are spread as evenly as the
// sessions' sizes allow: sizes stay as they are, so seats and minimum
// sizes still hold; organisations with the most members are dealt first,
// each member to the session where their organisation has fewest so far.
// Pinned participants stay. It returns false when ctx ends.
func (pr *problem) spread(ctx context.Context, st *state) bool {
	nR := pr.nR
	for r := range nR {
		if ctx.Err() != nil {
			return false
		}
		members := map[int][]int{} // session -> unpinned members
		have := map[int64]int{}    // organisation*nS+session -> pinned members
		for p := range pr.nP {
			s := st.asg[p*nR+r]
			switch {
			case s < 0:
			case pr.pin(p, r) == s:
				have[pr.orgSess(pr.pOrg[p], s)]++
			default:
				members[s] = append(members[s], p)
			}
		}
		for _, ts := range pr.roundThemes[r] {
			if len(ts.sessions) < 2 {
				continue
			}
			room := make([]int, len(ts.sessions))
			byOrg := map[int][]int{}
			var orgs []int
			for k, s := range ts.sessions {
				room[k] = len(members[s])
				for _, p := range members[s] {
					o := pr.pOrg[p]
					if byOrg[o] == nil {
						orgs = append(orgs, o)
					}
					byOrg[o] = append(byOrg[o], p)
				}
			}
			slices.SortStableFunc(orgs, func(a, b int) int { return cmp.Compare(len(byOrg[b]), len(byOrg[a])) })
			// The organisation's members per session of the theme, pins
			// first: a slice, not map lookups (at 300,000 people, 200
			// sessions a theme, those took 14 of the first plan's 25 s).
			cnt := make([]int, len(ts.sessions))
			for _, o := range orgs {
				clear(cnt)
				if len(have) > 0 {
					for k, s := range ts.sessions {
						cnt[k] = have[pr.orgSess(o, s)]
					}
				}
				for _, p := range byOrg[o] {
					best, fewest := -1, 0
					for k, n := range cnt {
						if room[k] == 0 {
							continue
						}
						if best < 0 || n < fewest || n == fewest && room[k] > room[best] {
							best, fewest = k, n
						}
					}
					room[best]--
					cnt[best]++
					st.asg[p*nR+r] = ts.sessions[best]
				}
			}
		}
	}
	return true
}
