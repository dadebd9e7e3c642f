package assign

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/roundtable-go/roundtable/solver"
)

// delegOrgs returns the organisations that get a delegation room.
func (pr *problem) delegOrgs() []int {
	if len(pr.delegRounds) == 0 {
		return nil
	}
	var orgs []int
	for o := range pr.nO {
		if pr.oDeleg[o] {
			orgs = append(orgs, o)
		}
	}
	return orgs
}

// roomsToChoose lists the organisations whose delegation room may meet in
// more than one round.
func (pr *problem) roomsToChoose() []int {
	var orgs []int
	for _, o := range pr.delegOrgs() {
		n := 0
		for _, r := range pr.delegRounds {
			if pr.delegRoundOK(o, r) {
				n++
			}
		}
		if n > 1 {
			orgs = append(orgs, o)
		}
	}
	return orgs
}

// chooseDelegations finds rounds and hosts for every delegation room that
// maximise affinity plus worth(o, k), the estimated worth to organisation o
// of meeting in its k-th delegation round (nil: 0), or explains in words
// why no choice exists. It is one flow: organisation -> (host, round) ->
// sink. A cut that cannot ship its supply names the organisations and the
// hosts they compete for.
func (pr *problem) chooseDelegations(ctx context.Context, st *state, worth func(o, k int) int64) error {
	orgs := pr.delegOrgs()
	if len(orgs) == 0 {
		return nil
	}
	g := solver.NewGraph(1)
	const sink = 0
	slot := map[[2]int]int{} // (host, round) -> node
	type arc struct{ o, h, r, id int }
	var arcs []arc
	var problems []string
	orgNode := make([]int, len(orgs))
	for i, o := range orgs {
		v := g.AddNode()
		orgNode[i] = v
		g.SetSupply(v, 1)
		any := false
		for k, r := range pr.delegRounds {
			if !pr.delegRoundOK(o, r) {
				continue
			}
			var w int64
			if worth != nil {
				w = worth(o, k)
			}
			for h := range pr.nH {
				if !pr.hostCan(h, r) {
					continue
				}
				n, ok := slot[[2]int{h, r}]
				if !ok {
					n = g.AddNode()
					slot[[2]int{h, r}] = n
					g.AddArc(n, sink, 0, 1, 0)
				}
				arcs = append(arcs, arc{o, h, r, g.AddArc(v, n, 0, 1, -pr.affinity(h, o)-w)})
				any = true
			}
		}
		if !any {
			problems = append(problems, pr.noHostReason(o))
		}
	}
	if len(problems) > 0 {
		return &SetupError{Problems: problems}
	}
	g.SetSupply(sink, -int64(len(orgs)))
	sol, err := g.Solve(ctx)
	var cut *solver.InfeasibleError
	if errors.As(err, &cut) {
		return &SetupError{Problems: []string{pr.cutReason(cut, orgs, orgNode, slot)}}
	}
	if err != nil {
		return err
	}
	for _, a := range arcs {
		if sol.Flow[a.id] > 0 {
			st.deleg[a.o], st.host[a.o] = a.r, a.h
		}
	}
	return nil
}

// SetupError says why an event has no valid plan at all, in words an
// organiser can act on. With Unproven, no plan was found, but the search
// could not prove that none exists (see Solve): the problems are then the
// likely causes.
type SetupError struct {
	Problems []string
	Unproven bool
}

func (e *SetupError) Error() string {
	if e.Unproven {
		return "no plan found, and none may exist (the search could not prove it):\n" + strings.Join(e.Problems, "\n")
	}
	return "no plan is possible:\n" + strings.Join(e.Problems, "\n")
}

func (pr *problem) roundNames(rounds []int) string {
	names := make([]string, len(rounds))
	for i, r := range rounds {
		names[i] = pr.ev.Rounds[r].ID
	}
	return strings.Join(names, ", ")
}

func (pr *problem) orgName(o int) string {
	if n := pr.ev.Organisations[o].Name; n != "" {
		return n
	}
	return pr.ev.Organisations[o].ID
}

// noHostReason explains why organisation o can meet in no round, and
// what would change that.
func (pr *problem) noHostReason(o int) string {
	var why, fixes []string
	fix := func(f string) {
		if !slices.Contains(fixes, f) {
			fixes = append(fixes, f)
		}
	}
	for _, r := range pr.delegRounds {
		id := pr.ev.Rounds[r].ID
		if !pr.delegRoundOK(o, r) {
			why = append(why, fmt.Sprintf("in %s a member is pinned into a session", id))
			fix("unpin its members from one of those rounds")
			continue
		}
		if busy := pr.busyHosts(r); len(busy) > 0 {
			why = append(why, fmt.Sprintf("in %s no host is free (%s)", id, strings.Join(busy, "; ")))
			fix("free a host from its session")
		} else {
			why = append(why, fmt.Sprintf("in %s no host is available", id))
			fix("add a host or make one available then")
		}
	}
	return fmt.Sprintf("no host is available for %s in rounds %s: %s; %s", pr.orgName(o), pr.roundNames(pr.delegRounds), strings.Join(why, "; "), strings.Join(fixes, ", or "))
}

// busyHosts describes the hosts available in round r who run a session
// then, and so no delegation room: "res-3 runs Finance (fin-r2)".
func (pr *problem) busyHosts(r int) []string {
	var busy []string
	for h := range pr.nH {
		if pr.hAvail[h]&(1<<r) == 0 || pr.hBusy[h]&(1<<r) == 0 {
			continue
		}
		for s, sh := range pr.sHost {
			if sh == h && pr.sRound[s] == r {
				t := pr.ev.Themes[pr.sTheme[s]]
				busy = append(busy, fmt.Sprintf("%s runs %s (%s)", pr.ev.Hosts[h].ID, cmp.Or(t.Name, t.ID), pr.ev.Sessions[s].ID))
				break
			}
		}
	}
	return busy
}

// cutReason phrases an infeasibility certificate of the delegation flow:
// the organisations in the cut need more rooms than their hosts can run.
func (pr *problem) cutReason(cut *solver.InfeasibleError, orgs, orgNode []int, slot map[[2]int]int) string {
	inCut := map[int]bool{}
	for _, v := range cut.Cut {
		inCut[v] = true
	}
	var names []string
	for i, o := range orgs {
		if inCut[orgNode[i]] {
			names = append(names, pr.orgName(o))
		}
	}
	keys := make([][2]int, 0, len(slot))
	for k := range slot {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int) int {
		if a[1] != b[1] {
			return a[1] - b[1]
		}
		return a[0] - b[0]
	})
	var slots []string
	for _, k := range keys {
		if inCut[slot[k]] {
			slots = append(slots, fmt.Sprintf("%s in %s", pr.ev.Hosts[k[0]].ID, pr.ev.Rounds[k[1]].ID))
		}
	}
	// The rounds the organisations of the cut could meet in: the hosts
	// busy with a session then are the ones worth freeing.
	var rounds []int
	for _, r := range pr.delegRounds {
		for i, o := range orgs {
			if inCut[orgNode[i]] && pr.delegRoundOK(o, r) {
				rounds = append(rounds, r)
				break
			}
		}
	}
	var busy []string
	for _, r := range rounds {
		for _, b := range pr.busyHosts(r) {
			busy = append(busy, b+" in "+pr.ev.Rounds[r].ID)
		}
	}
	rooms := "rooms"
	if len(slots) == 1 {
		rooms = "room"
	}
	msg := fmt.Sprintf("%d organisations must meet (%s) but their hosts can run only %d %s (%s)",
		len(names), strings.Join(names, ", "), len(slots), rooms, strings.Join(slots, ", "))
	if len(rounds) == 1 {
		msg = "round " + pr.ev.Rounds[rounds[0]].ID + ": " + msg
	}
	if len(busy) > 0 {
		msg += "; " + strings.Join(busy, "; ")
	}
	return msg + "; add hosts, free hosts from their sessions, make hosts available in more rounds, unpin members, or add delegation rounds"
}

// assignHosts gives the rooms of round r hosts, maximising affinity, with
// the rooms' rounds held fixed. It reports false when the hosts free in r
// cannot run every room there.
func (pr *problem) assignHosts(ctx context.Context, st *state, r int) (bool, error) {
	var orgs []int
	for o, d := range st.deleg {
		if d == r {
			orgs = append(orgs, o)
		}
	}
	if len(orgs) == 0 {
		return true, nil
	}
	g := solver.NewGraph(1 + pr.nH)
	const sink = 0
	for h := range pr.nH {
		if pr.hostCan(h, r) {
			g.AddArc(1+h, sink, 0, 1, 0)
		}
	}
	type arc struct{ o, h, id int }
	var arcs []arc
	for _, o := range orgs {
		v := g.AddNode()
		g.SetSupply(v, 1)
		for h := range pr.nH {
			if pr.hostCan(h, r) {
				arcs = append(arcs, arc{o, h, g.AddArc(v, 1+h, 0, 1, -pr.affinity(h, o))})
			}
		}
	}
	g.SetSupply(sink, -int64(len(orgs)))
	sol, err := g.Solve(ctx)
	pr.addWork(int64(g.NumArcs()))
	if errors.Is(err, solver.ErrInfeasible) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, a := range arcs {
		if sol.Flow[a.id] > 0 {
			st.host[a.o] = a.h
		}
	}
	return true, nil
}

// balanceDelegations spreads the rooms over the rounds so that each
// round loses about the same number of participants to them, keeping a
// valid host assignment; st holds a feasible choice on entry.
func (pr *problem) balanceDelegations(ctx context.Context, st *state) error {
	orgs := pr.delegOrgs()
	if len(orgs) == 0 {
		return nil
	}
	load := make([]int, pr.nR)
	attending := func(o int) int {
		n := 0
		for _, p := range pr.oMembers[o] {
			if pr.pAttends[p] {
				n++
			}
		}
		return n
	}
	for _, o := range orgs {
		load[st.deleg[o]] += attending(o)
	}
	// Move the largest rooms first from the fullest round to the emptiest
	// where that lowers the spread and hosts allow it.
	order := slices.Clone(orgs)
	slices.SortStableFunc(order, func(a, b int) int { return attending(b) - attending(a) })
	for _, o := range order {
		from, n := st.deleg[o], attending(o)
		best := from
		for _, r := range pr.delegRounds {
			if r != from && pr.delegRoundOK(o, r) && load[r]+n < load[best] && load[r]+n < load[from] {
				best = r
			}
		}
		if best == from {
			continue
		}
		_, ok, err := pr.moveRoom(ctx, st, roomMove{o, best})
		if err != nil {
			return err
		}
		if ok {
			load[from] -= n
			load[best] += n
		}
	}
	return nil
}

// roomMove puts organisation o's room in round r.
type roomMove struct{ o, r int }

// moveRoom makes the moves and re-assigns the hosts of every round they
// touch, and returns those rounds as a bit set; on false st is unchanged.
// Sessions are not touched: members of a moved organisation who sat in a
// session in its room's new round are taken out of it.
func (pr *problem) moveRoom(ctx context.Context, st *state, moves ...roomMove) (touched uint64, ok bool, err error) {
	deleg, hosts := slices.Clone(st.deleg), slices.Clone(st.host)
	for _, m := range moves {
		touched |= 1 << m.r
		if st.deleg[m.o] >= 0 {
			touched |= 1 << st.deleg[m.o]
		}
		st.deleg[m.o] = m.r
	}
	ok = true
	for r := range pr.nR {
		if ok && err == nil && touched&(1<<r) != 0 {
			ok, err = pr.assignHosts(ctx, st, r)
		}
	}
	if err != nil || !ok {
		copy(st.deleg, deleg)
		copy(st.host, hosts)
		return 0, false, err
	}
	for _, m := range moves {
		for _, p := range pr.oMembers[m.o] {
			if pr.pAttends[p] {
				st.asg[p*pr.nR+m.r] = -1
			}
		}
	}
	return touched, true, nil
}
