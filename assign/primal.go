package assign

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/roundtable-go/roundtable/solver"
)

// state is a complete plan in dense form.
type state struct {
	deleg []int // per organisation: round of its room, -1 for none
	host  []int // per organisation: host of its room, -1 for none
	asg   []int // asg[p*nR+r]: session of p in round r, -1 for none
}

func (pr *problem) newState() *state {
	st := &state{deleg: make([]int, pr.nO), host: make([]int, pr.nO), asg: make([]int, pr.nP*pr.nR)}
	for i := range st.deleg {
		st.deleg[i], st.host[i] = -1, -1
	}
	for i := range st.asg {
		st.asg[i] = -1
	}
	for p := range pr.nP {
		for r := range pr.nR {
			st.asg[p*pr.nR+r] = pr.pin(p, r)
		}
	}
	return st
}

// hash returns a fingerprint of the state (FNV-1a over its numbers).
func (st *state) hash() uint64 {
	h := uint64(14695981039346656037)
	for _, xs := range [][]int{st.deleg, st.host, st.asg} {
		for _, x := range xs {
			h ^= uint64(x)
			h *= 1099511628211
		}
	}
	return h
}

func (st *state) clone() *state {
	return &state{deleg: append([]int(nil), st.deleg...), host: append([]int(nil), st.host...), asg: append([]int(nil), st.asg...)}
}

// evaluate returns the objective of FORMAT.md for a state that obeys the
// hard rules. It is the engine's fast copy of model.Check's arithmetic;
// every plan the engine returns is checked by model.Check, and the tests
// compare the two.
func (pr *problem) evaluate(st *state) int64 {
	var total int64
	for o, d := range st.deleg {
		if d >= 0 && st.host[o] >= 0 {
			total += pr.affinity(st.host[o], o)
		}
	}
	counts := make(map[[2]int]int)
	for p := range pr.nP {
		d := st.deleg[pr.pOrg[p]]
		total -= int64(pr.w.Unplaced) * int64(pr.wanted(p, d))
		for r := range pr.nR {
			if s := st.asg[p*pr.nR+r]; s >= 0 {
				total += pr.value(p, s)
				counts[[2]int{pr.pOrg[p], s}]++
			}
		}
	}
	for _, n := range counts {
		total -= pr.pairCost(n)
	}
	if pr.w.RepeatPair != 0 {
		total -= int64(pr.w.RepeatPair) * pr.repeats(st)
	}
	return total
}

// repeats counts, over pairs of participants, the times they share a
// session beyond the first.
func (pr *problem) repeats(st *state) int64 {
	members := make([][]int, pr.nS)
	for p := range pr.nP {
		for r := range pr.nR {
			if s := st.asg[p*pr.nR+r]; s >= 0 {
				members[s] = append(members[s], p)
			}
		}
	}
	shared := map[[2]int]int{}
	for _, m := range members {
		for i, a := range m {
			for _, b := range m[i+1:] {
				shared[[2]int{a, b}]++
			}
		}
	}
	var n int64
	for _, k := range shared {
		n += int64(k - 1)
	}
	return n
}

// sessionState says how a round solve treats a session with a minimum
// size: free to fill or leave empty, closed, or held open at its minimum.
type sessionState uint8

const (
	sessAuto sessionState = iota
	sessClosed
	sessForced
)

// solveRound re-assigns round r optimally with every other round, the
// delegation rooms and the pins held fixed. It writes round r of st and
// reports whether it found a plan that obeys every rule; on false st is
// unchanged. Minimum sizes are met by closing the sessions that fall
// short (or holding them open when a pin is inside) and solving again.
//
// With swaps set, a participant may also enter round r by leaving one of
// their sessions in another round (to free a theme or a slot); the
// rounds they left are returned and must be solved again by the caller.
//
// With active set, only the participants it marks are placed again; the
// others keep their session in r and count as fixed. A session that falls
// short of its minimum with fixed members in it gets them activated. The
// caller's active slice may be changed.
func (pr *problem) solveRound(ctx context.Context, st *state, r int, swaps bool, active []bool) (bool, uint64, error) {
	sessions := pr.roundSess[r]
	open := make([]sessionState, len(sessions))
	for k, s := range sessions {
		if pr.shut != nil && pr.shut[s] == ruleShut {
			open[k] = sessClosed // the branch and bound's decision, as a hint
		}
	}
	var net *roundNet
	hub := pr.hubs
	for range 2*len(sessions) + 2 {
		if net == nil {
			net = pr.buildRound(st, r, open, swaps, active, hub)
		}
		got, drop, err := net.solve(ctx)
		if err == errHubShare {
			// The plain flow instead: on national, regional and 10,000
			// people no round came here; on random events of 20-80
			// people with 6-12 themes (TestHubRound) 95 of 239 did.
			hub, net = false, nil
			continue
		}
		if err != nil {
			if errors.Is(err, solver.ErrInfeasible) {
				return false, 0, nil
			}
			return false, 0, err
		}
		size := make(map[int]int, len(sessions))
		pinned := make(map[int]int, len(sessions))
		fixed := make(map[int]int, len(sessions))
		for p, s := range got {
			if s >= 0 {
				size[s]++
				if pr.pin(p, r) == s {
					pinned[s]++
				} else if active != nil && !active[p] {
					fixed[s]++
				}
			}
		}
		changed := false
		for k, s := range sessions {
			if n := size[s]; n > 0 && n < pr.sMin[s] && open[k] == sessClosed && pinned[s] > 0 {
				// Closed as the branch and bound's hint, but its pinned
				// participants are in it all the same: held open to its
				// minimum instead, or the plan would break the rule.
				open[k], changed, net = sessForced, true, nil
				continue
			}
			if n := size[s]; n > 0 && n < pr.sMin[s] && open[k] == sessAuto {
				changed = true
				switch {
				case fixed[s] > 0:
					for p, q := range got {
						if q == s {
							active[p] = true
						}
					}
					net = nil // more participants: a new graph
				case pinned[s] > 0:
					open[k] = sessForced
					net = nil // a lower bound: a new graph
				default:
					open[k] = sessClosed
					if net != nil {
						net.close(k) // the next solve starts from this one
					}
				}
			}
		}
		if !changed {
			var dropped uint64
			for p := range pr.nP {
				st.asg[p*pr.nR+r] = got[p]
				if q := drop[p]; q >= 0 {
					st.asg[p*pr.nR+q] = -1
					dropped |= 1 << q
				}
			}
			return true, dropped, nil
		}
	}
	return false, 0, nil
}

// roundNet is the flow of one round, built by buildRound:
//
//	participant -> (organisation, theme) -> (organisation, session) -> session -> sink
//
// with arc cost -value on the first layer (a value depends on the theme
// only, so parallel sessions of a theme share one arc), the samePair
// penalty as a convex cost on the (organisation, session) arcs (the k-th
// colleague costs samePair*(k-1)) capped by maxPerOrganisation, seats on
// the session arcs, and a zero-cost skip arc from each participant to the
// sink. Without maxPerOrganisation, and without samePair or with pr.flat
// set, the organisation layers are left out, and then so are the
// sessions: each theme has one arc to the sink with all its seats, and
// share deals its takers out over its sessions. Such a flow, when it
// places everyone anew (no swaps, no fixed participants) and hub is set
// (from pr.hubs: the first plan of a large event, and on large events
// without samePair every such re-solve), also gets hubs: a participant
// for whom many themes are worth the same (most of them unranked)
// reaches those themes through one arc into the hub of that value
// instead of an arc each (see roundHub). Participants
// pinned in r are placed beforehand. Its solve returns the session of
// each participant in r and, with swaps, the round each participant
// leaves for it (or -1): a swap arc costs the value lost in that round
// less the colleague penalty saved there.
type roundNet struct {
	pr       *problem
	g        *solver.Graph
	sessions []int
	got0     []int // pins and fixed participants, before the flow
	arcs     []roundArc
	groups   []*roundGroup
	sessArc  []int // per session index: its arc to the sink (-1: its theme's)
	solved   bool  // solved before: the next solve is warm

	// In flows with hubs (buildRound's hub): the hubs, the participants
	// who reach themes through one, and the themes (indices in groups)
	// each may not take that way, hubBad[bad0:bad1].
	hubs     []roundHub
	hubUsers []hubUser
	hubBad   []int32

	// Without the organisation layer: per session index its seats left
	// and pinned members and whether it is open, and per theme its open
	// sessions (byTheme, nil with the layer).
	seats, pinned []int
	open          []sessionState
	byTheme       map[int][]int
}

// hubMin is the fewest themes of equal value that a participant reaches
// through a hub rather than by arcs of their own.
const hubMin = 4

// errHubShare reports that the takers of a hub could not be dealt out
// over the themes its flow reached (solveRound then solves without it).
var errHubShare = errors.New("assign: hub takers not shared")

// roundHub stands for every theme of the round at one value: a
// participant's single arc into it replaces their arcs to all the themes
// worth that much to them, and its arcs (out, one per group) lead on to
// each theme. The hub also leads to themes barred to some of its takers
// (taken in another round, or worth less to them); shareHubs keeps them
// out, and when it cannot the round is solved without hubs, so the flow's
// plan is always optimal for the round. On national (100,000 people, 40
// themes, most of them unranked for most people) the arcs of the four
// round flows of the first plan fall from 14.2 to 2.2 million, and their
// solving from 12 s to 0.8 s.
type roundHub struct {
	node  int
	users int
	out   []int // per group: its arc to that theme
}

// hubUser is a participant's arc into a hub.
type hubUser struct{ p, arc, hub, bad0, bad1 int32 }

// modeValue returns the value most themes in vals have (of those tied,
// the one met first; forbidden left out) and how many have it. A
// participant's values take only a few distinct numbers (ranks,
// competence, the rest), so it counts them in a short list.
func modeValue(vals []int64) (int64, int) {
	var seen [8]struct {
		v int64
		n int
	}
	distinct := seen[:0]
	for _, v := range vals {
		if v == forbidden {
			continue
		}
		i := 0
		for i < len(distinct) && distinct[i].v != v {
			i++
		}
		if i == len(distinct) {
			distinct = append(distinct, struct {
				v int64
				n int
			}{v, 0})
		}
		distinct[i].n++
	}
	best, n := int64(forbidden), 0
	for _, d := range distinct {
		if d.n > n {
			best, n = d.v, d.n
		}
	}
	return best, n
}

// roundArc is a participant's arc into a theme group (int32: there may be
// tens of millions).
type roundArc struct{ p, t, q, id, group int32 }

// roundGroup gathers the participants of one organisation (or of all,
// without the middle layer) who take one theme; its arcs lead to the
// theme's sessions.
type roundGroup struct {
	o, t    int
	node    int
	members int      // participants who may enter
	last    int      // the last of them (they come in order)
	out     [][2]int // (session index, arc) of its arcs to sessions
	sink    int      // without the organisation layer: its arc to the sink
}

// close shuts session index k for the next solve, which starts from the
// last one.
func (n *roundNet) close(k int) {
	n.open[k] = sessClosed
	if n.byTheme == nil {
		n.g.SetCapacity(n.sessArc[k], 0)
		return
	}
	t := n.pr.sTheme[n.sessions[k]]
	for _, gr := range n.groups {
		if gr.t == t {
			_, _, _, c, _ := n.g.Arc(gr.sink)
			n.g.SetCapacity(gr.sink, c-int64(n.seats[k]))
		}
	}
}

func (pr *problem) buildRound(st *state, r int, open []sessionState, swaps bool, active []bool, hub bool) *roundNet {
	nR := pr.nR
	sessions := pr.roundSess[r]
	local := make(map[int]int, len(sessions)) // session -> index in sessions
	for k, s := range sessions {
		local[s] = k
	}
	got := make([]int, pr.nP)
	pinnedS := make([]int, len(sessions))
	pinnedOS := map[[2]int]int{}
	var orgCount map[[2]int]int // (organisation, session) -> members, all rounds
	if swaps {
		orgCount = map[[2]int]int{}
	}
	for p := range pr.nP {
		got[p] = -1
		s := pr.pin(p, r)
		if s < 0 && active != nil && !active[p] {
			s = st.asg[p*nR+r] // fixed where it is
		}
		if s >= 0 {
			got[p] = s
			pinnedS[local[s]]++
			pinnedOS[[2]int{pr.pOrg[p], s}]++
		}
		if swaps {
			for q := range nR {
				if s := st.asg[p*nR+q]; s >= 0 && q != r {
					orgCount[[2]int{pr.pOrg[p], s}]++
				}
			}
		}
	}

	middle := pr.maxPerOrg > 0 || pr.w.SamePair > 0 && !pr.flat
	// Without the organisation layer the parallel sessions of a theme are
	// alike, so the flow sends each theme's takers to the sink over one
	// arc with all its seats (solve shares them out), and the sessions get
	// no nodes of their own: on national (100,000 people, 67 parallel
	// sessions a theme) that leaves about 40 core nodes instead of 2,700.
	nodes := 1 + len(sessions)
	if !middle {
		nodes = 1
	}
	g := solver.NewGraph(nodes)
	const sink = 0
	seats := make([]int, len(sessions))
	byTheme := map[int][]int{} // theme -> indices of its open sessions
	var themes []int           // themes with an open session, in session order
	for k, s := range sessions {
		seats[k] = max(0, pr.sCap[s]-pinnedS[k])
		if open[k] == sessClosed {
			seats[k] = 0
		}
		if seats[k] > 0 {
			t := pr.sTheme[s]
			if byTheme[t] == nil {
				themes = append(themes, t)
			}
			byTheme[t] = append(byTheme[t], k)
		}
	}
	net := &roundNet{pr: pr, g: g, sessions: sessions, got0: got, seats: seats, pinned: pinnedS, open: open}
	hubbed := hub && !middle && !swaps && active == nil
	if active == nil && !swaps && !hubbed {
		net.arcs = make([]roundArc, 0, pr.nP*len(themes)) // at most one arc per participant and theme
	}
	type groupKey struct{ o, t int }
	groupAt := map[groupKey]int{}
	// group returns the index of the group of (organisation o, theme t),
	// making it on first use.
	group := func(o, t int) int {
		key := groupKey{o, t}
		gi, ok := groupAt[key]
		if !ok {
			gi = len(net.groups)
			groupAt[key] = gi
			net.groups = append(net.groups, &roundGroup{o: o, t: t, node: g.AddNode()})
		}
		return gi
	}
	if hubbed {
		// Every theme gets its group at once, in order: the hubs lead to
		// all of them.
		for _, t := range themes {
			group(-1, t)
		}
	}
	hubAt := map[int64]int{} // value -> index in net.hubs
	var vals []int64         // per theme of themes: p's value, or forbidden
	var supply int64
	var others []int // rounds other than r where p sits, reused
	for p := range pr.nP {
		if got[p] >= 0 || (active != nil && !active[p]) {
			continue
		}
		o := pr.pOrg[p]
		if pr.free(p, st.deleg[o])&(1<<r) == 0 {
			continue
		}
		others = others[:0]
		for q := range nR {
			if q != r && st.asg[p*nR+q] >= 0 {
				others = append(others, q)
			}
		}
		full := len(others) >= pr.pMax[p]
		if full && !swaps {
			continue
		}
		v := -1
		leaf := func() {
			if v < 0 {
				v = g.AddNode()
				g.SetSupply(v, 1)
				supply++
				g.AddArc(v, sink, 0, 1, 0)
			}
		}
		addArc := func(t, q int, cost int64) {
			leaf()
			gOrg := -1
			if middle {
				gOrg = o
			}
			gi := group(gOrg, t)
			gr := net.groups[gi]
			if gr.members == 0 || gr.last != p {
				gr.members, gr.last = gr.members+1, p
			}
			net.arcs = append(net.arcs, roundArc{int32(p), int32(t), int32(q), int32(g.AddArc(v, gr.node, 0, 1, cost)), int32(gi)})
		}
		if hubbed {
			vals = vals[:0]
			for _, t := range themes {
				val := pr.value(p, sessions[byTheme[t][0]])
				for _, q := range others {
					if pr.sTheme[st.asg[p*nR+q]] == t {
						val = forbidden // taken in another round
					}
				}
				vals = append(vals, val)
			}
			if v0, n0 := modeValue(vals); n0 >= hubMin {
				for i, t := range themes {
					if vals[i] != forbidden && vals[i] != v0 {
						addArc(t, -1, -vals[i])
					}
				}
				leaf()
				h, ok := hubAt[v0]
				if !ok {
					h = len(net.hubs)
					hubAt[v0] = h
					net.hubs = append(net.hubs, roundHub{node: g.AddNode()})
				}
				net.hubs[h].users++
				u := hubUser{p: int32(p), arc: int32(g.AddArc(v, net.hubs[h].node, 0, 1, -v0)), hub: int32(h), bad0: int32(len(net.hubBad))}
				for i, val := range vals {
					if val == forbidden || val < v0 {
						net.hubBad = append(net.hubBad, int32(i))
					}
				}
				u.bad1 = int32(len(net.hubBad))
				net.hubUsers = append(net.hubUsers, u)
				continue
			}
		}
		for _, t := range themes {
			val := pr.value(p, sessions[byTheme[t][0]])
			if val == forbidden {
				continue
			}
			clash := -1 // the other round whose session has theme t
			for _, q := range others {
				if pr.sTheme[st.asg[p*nR+q]] == t {
					clash = q
				}
			}
			if clash < 0 && !full {
				addArc(t, -1, -val)
				continue
			}
			if !swaps {
				continue
			}
			for _, q := range others {
				if (clash >= 0 && q != clash) || pr.pin(p, q) >= 0 {
					continue
				}
				sq := st.asg[p*nR+q]
				saved := int64(pr.w.SamePair) * int64(orgCount[[2]int{o, sq}]-1)
				addArc(t, q, -(val - pr.value(p, sq) + saved))
			}
		}
	}
	g.SetSupply(sink, -supply)
	lower := func(k int) int64 {
		if open[k] == sessForced {
			return int64(max(0, pr.sMin[sessions[k]]-pinnedS[k]))
		}
		return 0
	}
	for h := range net.hubs {
		hb := &net.hubs[h]
		for _, gr := range net.groups {
			hb.out = append(hb.out, g.AddArc(hb.node, gr.node, 0, int64(hb.users), 0))
		}
	}
	net.sessArc = make([]int, len(sessions))
	if !middle {
		// A theme nobody may take but whose sessions must be filled to
		// their minimum still gets its group, so that the flow finds
		// the round infeasible rather than leave the minimum out.
		for _, t := range themes {
			for _, k := range byTheme[t] {
				if lower(k) > 0 {
					group(-1, t)
					break
				}
			}
		}
		for _, gr := range net.groups {
			var low, seat int64
			for _, k := range byTheme[gr.t] {
				low += lower(k)
				seat += int64(seats[k])
				net.sessArc[k] = -1
			}
			gr.sink = g.AddArc(gr.node, sink, low, seat, 0)
		}
		net.byTheme = byTheme
		pr.addWork(int64(g.NumArcs()))
		return net
	}
	for k := range sessions {
		net.sessArc[k] = g.AddArc(1+k, sink, lower(k), int64(seats[k]), 0)
	}
	for _, gr := range net.groups {
		key := groupKey{gr.o, gr.t}
		for _, k := range byTheme[key.t] {
			if !middle {
				gr.out = append(gr.out, [2]int{k, g.AddArc(gr.node, 1+k, 0, int64(seats[k]), 0)})
				continue
			}
			s := sessions[k]
			k0 := pinnedOS[[2]int{key.o, s}]
			n := min(gr.members, seats[k])
			if pr.maxPerOrg > 0 {
				n = min(n, max(0, pr.maxPerOrg-k0))
			}
			if n == 0 {
				continue
			}
			var steps []solver.Step
			if pr.w.SamePair == 0 {
				steps = []solver.Step{{Capacity: int64(n), Cost: 0}}
			} else {
				steps = make([]solver.Step, n)
				for j := range steps {
					steps[j] = solver.Step{Capacity: 1, Cost: int64(pr.w.SamePair) * int64(k0+j)}
				}
			}
			gr.out = append(gr.out, [2]int{k, g.AddConvexArc(gr.node, 1+k, 0, steps)})
		}
	}
	pr.addWork(int64(g.NumArcs()))
	return net
}

// solve solves the round's flow, from the previous solve when there was
// one, and returns the session of each participant in the round and the
// round each one leaves for it (or -1).
func (net *roundNet) solve(ctx context.Context) (got, drop []int, err error) {
	pr, g, sessions := net.pr, net.g, net.sessions
	const sink = 0
	sol, err := g.Solve(ctx)
	if err != nil {
		return nil, nil, err
	}
	if net.solved {
		pr.addWork(int64(len(net.arcs)) / 4) // a warm re-solve touches a part of them
	}
	net.solved = true
	got, drop = slices.Clone(net.got0), make([]int, pr.nP)
	for p := range drop {
		drop[p] = -1
	}
	// The seat prices of this round's sessions, for the relaxation's start.
	if pr.seatPrice == nil {
		pr.seatPrice = make([]float64, pr.nS)
	}
	if net.byTheme == nil {
		for k, s := range sessions {
			pr.seatPrice[s] = float64(sol.Potential[1+k] - sol.Potential[sink])
		}
	} else {
		for _, s := range sessions {
			pr.seatPrice[s] = 0
		}
		for _, gr := range net.groups {
			for _, k := range net.byTheme[gr.t] {
				pr.seatPrice[sessions[k]] = float64(sol.Potential[gr.node] - sol.Potential[sink])
			}
		}
	}
	// Who took which theme, then the group's flow to each session shared
	// out among them in participant order: within a group they are
	// interchangeable.
	took := make([][]int, len(net.groups))
	for _, a := range net.arcs {
		if sol.Flow[a.id] > 0 {
			took[a.group] = append(took[a.group], int(a.p))
			drop[a.p] = int(a.q)
		}
	}
	if len(net.hubUsers) > 0 {
		if err := net.shareHubs(ctx, sol.Flow, took); err != nil {
			return nil, nil, err
		}
		for _, ps := range took {
			slices.Sort(ps) // participant order, as without hubs
		}
	}
	for gi, gr := range net.groups {
		ps := took[gi]
		if net.byTheme != nil {
			ks := net.byTheme[gr.t]
			for i, n := range net.share(len(ps), ks) {
				for range n {
					got[ps[0]] = sessions[ks[i]]
					ps = ps[1:]
				}
			}
			continue
		}
		for _, out := range gr.out {
			for n := sol.Flow[out[1]]; n > 0 && len(ps) > 0; n-- {
				got[ps[0]] = sessions[out[0]]
				ps = ps[1:]
			}
		}
	}
	return got, drop, nil
}

// shareHubs deals the participants who took a hub out over the themes
// the hub's flow went to, adding them to took (per group). A participant
// may not get a theme of their bad list (taken in another round, or worth
// less to them than the hub); any other is worth at least what the flow
// counted, so the round stays optimal. Most constrained first, each to
// the theme with the most places left; when that greedy pass gets stuck,
// an exact matching (a flow); errHubShare when there is none.
func (net *roundNet) shareHubs(ctx context.Context, flow []int64, took [][]int) error {
	for h, hb := range net.hubs {
		quota := make([]int64, len(hb.out))
		for i, a := range hb.out {
			quota[i] = flow[a]
		}
		var users []hubUser
		for _, u := range net.hubUsers {
			if int(u.hub) == h && flow[u.arc] > 0 {
				users = append(users, u)
			}
		}
		slices.SortStableFunc(users, func(a, b hubUser) int {
			return int((b.bad1 - b.bad0) - (a.bad1 - a.bad0))
		})
		to, ok := net.hubGreedy(users, quota)
		if !ok {
			var err error
			if to, err = net.hubMatch(ctx, users, quota); err != nil {
				return err
			}
		}
		for i, u := range users {
			took[to[i]] = append(took[to[i]], int(u.p))
		}
	}
	return nil
}

// hubGreedy gives each of users in turn the theme (index in groups) with
// the most of quota left among those not on their bad list, and reports
// whether everyone got one.
func (net *roundNet) hubGreedy(users []hubUser, quota []int64) ([]int, bool) {
	left := slices.Clone(quota)
	bad := make([]int, len(left)) // stamp: 1 + index in users
	to := make([]int, len(users))
	for n, u := range users {
		for _, t := range net.hubBad[u.bad0:u.bad1] {
			bad[t] = n + 1
		}
		best := -1
		for t, l := range left {
			if l > 0 && bad[t] != n+1 && (best < 0 || l > left[best]) {
				best = t
			}
		}
		if best < 0 {
			return nil, false
		}
		left[best]--
		to[n] = best
	}
	return to, true
}

// hubMatch gives users the themes of quota exactly, off their bad lists,
// by a flow; errHubShare when that cannot be done.
func (net *roundNet) hubMatch(ctx context.Context, users []hubUser, quota []int64) ([]int, error) {
	T := len(quota)
	g := solver.NewGraph(1 + T + len(users)) // sink, themes, users
	for t, q := range quota {
		g.AddArc(1+t, 0, 0, q, 0)
	}
	g.SetSupply(0, -int64(len(users)))
	arcs := make([][]int, len(users)) // per user: arc per theme, or -1
	bad := make([]bool, T)
	for i, u := range users {
		clear(bad)
		for _, t := range net.hubBad[u.bad0:u.bad1] {
			bad[t] = true
		}
		g.SetSupply(1+T+i, 1)
		arcs[i] = make([]int, T)
		for t := range T {
			arcs[i][t] = -1
			if !bad[t] && quota[t] > 0 {
				arcs[i][t] = g.AddArc(1+T+i, 1+t, 0, 1, 0)
			}
		}
	}
	sol, err := g.Solve(ctx)
	if errors.Is(err, solver.ErrInfeasible) {
		return nil, errHubShare
	}
	if err != nil {
		return nil, err
	}
	to := make([]int, len(users))
	for i := range users {
		for t, a := range arcs[i] {
			if a >= 0 && sol.Flow[a] > 0 {
				to[i] = t
			}
		}
	}
	return to, nil
}

// share deals n takers of a theme out over its sessions ks (indices in
// the round): sessions that must be filled to their minimum first (held
// open, then holding pinned members), then as many more as the minimum
// sizes allow, largest first, and the rest to the emptiest. A session
// falls short of its minimum when the takers cannot fill one, and rarely
// when this greedy choice of sessions misses a sharing that would
// (TestShare: 12 in 200,000 random cases); solveRound then closes it and
// solves again. It returns the count per session of ks.
func (net *roundNet) share(n int, ks []int) []int {
	pr := net.pr
	need := func(k int) int { // members k still needs to reach its minimum
		return max(0, pr.sMin[net.sessions[k]]-net.pinned[k])
	}
	must := func(k int) bool { return net.open[k] == sessForced || net.pinned[k] > 0 }
	order := make([]int, 0, len(ks))           // positions in ks
	for _, held := range []bool{true, false} { // the flow's lower bounds first
		for i, k := range ks {
			if net.open[k] != sessClosed && net.seats[k] > 0 && must(k) && (net.open[k] == sessForced) == held {
				order = append(order, i)
			}
		}
	}
	nMust := len(order)
	for i, k := range ks {
		if net.open[k] != sessClosed && net.seats[k] > 0 && !must(k) {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order[nMust:], func(a, b int) int { return net.seats[ks[b]] - net.seats[ks[a]] })
	// first is what a session in use takes before the rest is shared: its
	// minimum, and at least one taker for a session nobody is in yet.
	first := func(k int) int {
		if must(k) {
			return need(k)
		}
		return max(need(k), 1)
	}
	// Use the sessions that must be filled, then every other whose first
	// takers still fit in n, then, while the seats are too few, the
	// largest of those left out.
	var use, skipped []int
	floor, seats := 0, 0
	for j, i := range order {
		k := ks[i]
		f := first(k)
		if j < nMust || floor+f <= n {
			use = append(use, i)
			floor += f
			seats += net.seats[k]
		} else {
			skipped = append(skipped, i)
		}
	}
	for _, i := range skipped {
		if seats >= n {
			break
		}
		use = append(use, i)
		seats += net.seats[ks[i]]
	}
	counts := make([]int, len(ks))
	left := n
	for _, i := range use {
		c := min(first(ks[i]), net.seats[ks[i]], left)
		counts[i] = c
		left -= c
	}
	// The rest one by one to the emptiest session with a seat.
	for ; left > 0; left-- {
		best := -1
		for _, i := range use {
			if counts[i] < net.seats[ks[i]] && (best < 0 || counts[i] < counts[best]) {
				best = i
			}
		}
		if best < 0 {
			break // cannot happen: the flow kept within the seats
		}
		counts[best]++
	}
	return counts
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// countRounds returns how many sessions p has in st.
func (pr *problem) countRounds(st *state, p int) int {
	n := 0
	for r := range pr.nR {
		if st.asg[p*pr.nR+r] >= 0 {
			n++
		}
	}
	return n
}

// repair turns a state that may overfill sessions (the relaxation's own
// choices) into one that obeys every rule: the members of an overfull
// session (or above maxPerOrganisation) who lose least by leaving are
// taken out, and each round is solved again for them alone, everyone else
// staying where they are. It reports false when no valid round was found.
func (pr *problem) repair(ctx context.Context, st *state) (bool, error) {
	nR := pr.nR
	active := make([]bool, pr.nP)
	members := make([][]int, pr.nS)
	for p := range pr.nP {
		for r := range nR {
			if s := st.asg[p*nR+r]; s >= 0 && pr.pin(p, r) != s {
				members[s] = append(members[s], p)
			}
		}
	}
	pinned := make([]int, pr.nS)
	pinnedOS := map[[2]int]int{} // (organisation, session) -> pinned there
	for p := range pr.nP {
		for r := range nR {
			if s := pr.pin(p, r); s >= 0 {
				pinned[s]++
				pinnedOS[[2]int{pr.pOrg[p], s}]++
			}
		}
	}
	evict := func(p, s int) {
		st.asg[p*nR+pr.sRound[s]] = -1
		active[p] = true
	}
	for s, ms := range members {
		// Best first; the tail beyond the seats leaves.
		slices.SortStableFunc(ms, func(a, b int) int { return cmp.Compare(pr.value(b, s), pr.value(a, s)) })
		if pr.maxPerOrg > 0 {
			per := map[int]int{} // organisation -> members kept, pins included
			kept := ms[:0]
			for _, p := range ms {
				o := pr.pOrg[p]
				if _, ok := per[o]; !ok {
					per[o] = pinnedOS[[2]int{o, s}]
				}
				if per[o]++; per[o] > pr.maxPerOrg {
					evict(p, s)
					continue
				}
				kept = append(kept, p)
			}
			ms = kept
		}
		for _, p := range ms[min(len(ms), max(0, pr.sCap[s]-pinned[s])):] {
			evict(p, s)
		}
	}
	// Whoever is short of sessions may take a free seat too.
	for p := range pr.nP {
		if pr.countRounds(st, p) < pr.wanted(p, st.deleg[pr.pOrg[p]]) {
			active[p] = true
		}
	}
	for r := range nR {
		act := slices.Clone(active)
		ok, _, err := pr.solveRound(ctx, st, r, false, act)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}
