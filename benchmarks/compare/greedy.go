package main

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/roundtable-go/roundtable/model"
)

// greedy is the plain baseline of the comparison (serial dictatorship):
//
//   - delegation rooms first, largest organisation first, each in the
//     delegation round with the fewest people in rooms so far, with a free
//     host that knows the organisation if there is one, else the first free
//     host;
//   - then the participants in a random order of the seed, each taking,
//     session after session, the open one that adds most to the objective
//     (preference, competence, minus the colleagues already there), in a
//     free round, no theme twice, seats and maxPerOrganisation respected,
//     until they have the sessions they want (parallel sessions of a theme
//     fill one after the other);
//   - finally every session below its minimum size is closed and its people
//     placed again elsewhere, until no session is below its minimum.
//
// The plan it returns has the breakdown, objective and unplaced list of
// model.Check, status feasible and no bound (math.MaxInt64).
func greedy(ev *model.Event, seed uint64) (*model.Plan, error) {
	ne := ev.Normalized()
	g := newGreedyState(ne)
	if err := g.rooms(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x677265656479))
	order := rng.Perm(len(ne.Participants))
	for _, p := range order {
		g.pin(p)
	}
	for _, p := range order {
		g.fill(p)
	}
	for {
		var closing []int
		for s := range ne.Sessions {
			if n := len(g.members[s]); !g.closed[s] && n > 0 && n < g.lo[s] {
				closing = append(closing, s)
			}
		}
		if len(closing) == 0 {
			break
		}
		var again []int
		for _, s := range closing {
			g.closed[s] = true
			g.shut(s)
			for _, p := range slices.Clone(g.members[s]) {
				if !g.pinned[p][s] {
					g.unassign(p, s)
					again = append(again, p)
				}
			}
		}
		// Pinned members keep a closed session below its minimum: the pin
		// wins, as in every plan (the event is then infeasible anyway).
		for _, p := range again {
			g.fill(p)
		}
	}
	return g.plan(), nil
}

type greedyState struct {
	ev *model.Event

	round   map[string]int
	org     []int     // per participant: organisation index, -1 if unknown
	theme   []int     // per session: theme index
	sround  []int     // per session: round index
	byRound [][]int   // per round: sessions
	open    [][][]int // per round, per theme: sessions neither full nor closed
	capac   []int
	lo      []int
	closed  []bool

	members     [][]int       // per session: participants
	orgCount    []map[int]int // per session: members per organisation
	at          [][]int       // per participant, per round: session, -1 if none
	themes      []map[int]bool
	busy        [][]bool // per participant, per round: in a room or unavailable
	limit       []int    // per participant: sessions wanted at most
	pinned      []map[int]bool
	placedRooms []model.DelegationRoom
}

func newGreedyState(ev *model.Event) *greedyState {
	nR, nS, nP := len(ev.Rounds), len(ev.Sessions), len(ev.Participants)
	g := &greedyState{ev: ev, round: map[string]int{}}
	for i, r := range ev.Rounds {
		g.round[r.ID] = i
	}
	themeIdx := map[string]int{}
	for i, t := range ev.Themes {
		themeIdx[t.ID] = i
	}
	orgIdx := map[string]int{}
	for i, o := range ev.Organisations {
		orgIdx[o.ID] = i
	}
	g.theme, g.sround, g.capac, g.lo = make([]int, nS), make([]int, nS), make([]int, nS), make([]int, nS)
	g.closed, g.members, g.orgCount = make([]bool, nS), make([][]int, nS), make([]map[int]int, nS)
	g.byRound = make([][]int, nR)
	g.open = make([][][]int, nR)
	for r := range g.open {
		g.open[r] = make([][]int, len(ev.Themes))
	}
	for s, ss := range ev.Sessions {
		g.theme[s] = themeIdx[ss.Theme]
		g.sround[s] = g.round[ss.Round]
		g.capac[s] = ss.Cap(ev.Defaults.Capacity)
		g.lo[s] = ss.MinSize(ev.Defaults.Min)
		g.orgCount[s] = map[int]int{}
		g.byRound[g.sround[s]] = append(g.byRound[g.sround[s]], s)
		if g.capac[s] > 0 {
			g.open[g.sround[s]][g.theme[s]] = append(g.open[g.sround[s]][g.theme[s]], s)
		}
	}
	g.org, g.at, g.themes = make([]int, nP), make([][]int, nP), make([]map[int]bool, nP)
	g.busy, g.limit, g.pinned = make([][]bool, nP), make([]int, nP), make([]map[int]bool, nP)
	for p, pp := range ev.Participants {
		g.org[p] = -1
		if o, ok := orgIdx[pp.Organisation]; ok {
			g.org[p] = o
		}
		g.at[p] = make([]int, nR)
		g.busy[p] = make([]bool, nR)
		for r, rr := range ev.Rounds {
			g.at[p][r] = -1
			g.busy[p][r] = pp.Rounds != nil && !slices.Contains(pp.Rounds, rr.ID)
		}
		g.themes[p] = map[int]bool{}
		g.pinned[p] = map[int]bool{}
		g.limit[p] = nR
		if pp.Sessions != nil {
			g.limit[p] = *pp.Sessions
		}
	}
	return g
}

// rooms places the delegation rooms and marks their rounds busy for the
// people who attend them.
func (g *greedyState) rooms() error {
	ev := g.ev
	if ev.Delegations == nil {
		return nil
	}
	var drs []int
	for _, id := range ev.Delegations.Rounds {
		if r, ok := g.round[id]; ok && !slices.Contains(drs, r) {
			drs = append(drs, r)
		}
	}
	slices.Sort(drs)
	busyHost := map[[2]int]bool{}
	for _, s := range ev.Sessions {
		for h, hh := range ev.Hosts {
			if s.Host != "" && hh.ID == s.Host {
				busyHost[[2]int{h, g.round[s.Round]}] = true
			}
		}
	}
	size := make([]int, len(ev.Organisations))
	for p := range ev.Participants {
		if o := g.org[p]; o >= 0 && ev.Participants[p].AttendsDelegation() {
			size[o]++
		}
	}
	var orgs []int
	for o, oo := range ev.Organisations {
		if oo.IsDelegation() {
			orgs = append(orgs, o)
		}
	}
	slices.SortStableFunc(orgs, func(a, b int) int { return cmp.Compare(size[b], size[a]) })
	roomOf := make([]int, len(ev.Organisations))
	load := map[int]int{}
	for _, o := range orgs {
		rs := slices.Clone(drs)
		slices.SortStableFunc(rs, func(a, b int) int { return cmp.Compare(load[a], load[b]) })
		placed := false
		for _, r := range rs {
			best := -1
			for h, hh := range ev.Hosts {
				if busyHost[[2]int{h, r}] || hh.Rounds != nil && !slices.Contains(hh.Rounds, ev.Rounds[r].ID) {
					continue
				}
				if slices.Contains(hh.Organisations, ev.Organisations[o].ID) {
					best = h
					break
				}
				if best < 0 {
					best = h
				}
			}
			if best >= 0 {
				busyHost[[2]int{best, r}] = true
				load[r] += size[o]
				roomOf[o] = r
				g.placedRooms = append(g.placedRooms, model.DelegationRoom{
					Organisation: ev.Organisations[o].ID, Round: ev.Rounds[r].ID, Host: ev.Hosts[best].ID,
				})
				placed = true
				break
			}
		}
		if !placed {
			return fmt.Errorf("greedy: no free host for the delegation room of %q", ev.Organisations[o].ID)
		}
	}
	for p, pp := range ev.Participants {
		if o := g.org[p]; o >= 0 && pp.AttendsDelegation() && ev.Organisations[o].IsDelegation() {
			g.busy[p][roomOf[o]] = true
		}
	}
	return nil
}

func (g *greedyState) assign(p, s int) {
	g.members[s] = append(g.members[s], p)
	g.orgCount[s][g.org[p]]++
	g.at[p][g.sround[s]] = s
	g.themes[p][g.theme[s]] = true
	if len(g.members[s]) >= g.capac[s] {
		g.shut(s)
	}
}

// shut takes s off the open sessions.
func (g *greedyState) shut(s int) {
	r, t := g.sround[s], g.theme[s]
	g.open[r][t] = slices.DeleteFunc(g.open[r][t], func(q int) bool { return q == s })
}

func (g *greedyState) unassign(p, s int) {
	g.members[s] = slices.DeleteFunc(g.members[s], func(q int) bool { return q == p })
	g.orgCount[s][g.org[p]]--
	g.at[p][g.sround[s]] = -1
	delete(g.themes[p], g.theme[s])
}

func (g *greedyState) placedCount(p int) int {
	n := 0
	for _, s := range g.at[p] {
		if s >= 0 {
			n++
		}
	}
	return n
}

// pin places p's pinned sessions.
func (g *greedyState) pin(p int) {
	for rid, sid := range g.ev.Participants[p].Pinned {
		for _, s := range g.byRound[g.round[rid]] {
			if g.ev.Sessions[s].ID == sid && g.at[p][g.sround[s]] < 0 {
				g.assign(p, s)
				g.pinned[p][s] = true
			}
		}
	}
}

// themeValue is what a session of theme t is worth to p before the
// colleagues already there: preference and competence, plus the unplaced
// weight it saves.
func (g *greedyState) themeValue(p, t int) int {
	ev := g.ev
	w := ev.Weights
	pp := ev.Participants[p]
	th := ev.Themes[t]
	v := w.Unplaced
	if k := slices.Index(pp.Preferences, th.ID); k >= 0 && k < len(w.Rank) {
		v += w.Rank[k]
	} else {
		v += w.Unranked
	}
	for _, c := range pp.Competences {
		if slices.Contains(th.Competences, c) {
			v += w.Competence
			break
		}
	}
	return v
}

// fill gives p their best open sessions, one at a time, until they have
// as many as they want or none is left. The best is the one that adds most
// to the objective: the theme's value minus the samePair weight for each
// colleague already there; among equals, the earliest round, then the
// first session of the theme in that round (so parallel sessions fill one
// after the other).
func (g *greedyState) fill(p int) {
	ev := g.ev
	pp := ev.Participants[p]
	maxOrg := ev.Rules.MaxPerOrganisation
	type cand struct{ t, v int }
	cands := make([]cand, 0, len(ev.Themes))
	for t, th := range ev.Themes {
		if ev.Rules.OnlyRanked && len(pp.Preferences) > 0 && !slices.Contains(pp.Preferences, th.ID) {
			continue
		}
		if v := g.themeValue(p, t); v > 0 {
			cands = append(cands, cand{t, v})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return cmp.Compare(b.v, a.v) })
	o := g.org[p]
	for g.placedCount(p) < g.limit[p] {
		best, bestV := -1, 0
		for _, c := range cands {
			if best >= 0 && c.v <= bestV {
				break // the colleagues only lower a value
			}
			if g.themes[p][c.t] {
				continue
			}
			for r := range ev.Rounds {
				if g.busy[p][r] || g.at[p][r] >= 0 {
					continue
				}
				for _, s := range g.open[r][c.t] {
					n := g.orgCount[s][o]
					if maxOrg > 0 && n >= maxOrg {
						continue
					}
					if v := c.v - ev.Weights.SamePair*n; v > 0 && (best < 0 || v > bestV) {
						best, bestV = s, v
					}
					if n == 0 {
						break
					}
				}
			}
		}
		if best < 0 {
			return
		}
		g.assign(p, best)
	}
}

func (g *greedyState) plan() *model.Plan {
	ev := g.ev
	plan := &model.Plan{
		Event:       ev.Name,
		Status:      model.StatusFeasible,
		Delegations: append([]model.DelegationRoom{}, g.placedRooms...),
		Assignments: []model.Assignment{},
		Unplaced:    []model.Unplaced{},
	}
	for p, pp := range ev.Participants {
		for r, s := range g.at[p] {
			if s >= 0 {
				plan.Assignments = append(plan.Assignments, model.Assignment{
					Participant: pp.ID, Round: ev.Rounds[r].ID, Session: ev.Sessions[s].ID,
				})
			}
		}
	}
	finish(ev, plan, "greedy: no open session left")
	return plan
}
