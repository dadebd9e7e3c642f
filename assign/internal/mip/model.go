// Package mip states the exact mixed-integer program of docs/FORMAT.md for
// an event, writes it in CPLEX LP format (read by cbc, glpsol --lp and
// HiGHS), runs CBC on it and turns CBC's answer back into a model.Plan.
//
// It is an independent reference for the engine of package assign: the
// tests of assign compare the engine with CBC on this formulation, and
// this formulation with brute force on tiny events.
//
// # Formulation
//
// All data are those of the normalized event; every coefficient is an
// integer and the LP objective value equals the objective of FORMAT.md
// exactly (a variable const1, fixed to 1 by a row, carries the constant
// term, since not every LP reader accepts a constant in the objective).
//
//   - x[p,s] binary: participant p in session s. Created only where p may
//     sit: p available in the round of s, theme allowed by onlyRanked,
//     p.sessions not 0. Objective rank + competence + unplaced.
//   - d[o,r,h] binary, when the event has delegations: organisation o
//     (delegation not false) has its room in round r of delegations.rounds
//     with host h, available in r and running no session in r. One per
//     organisation (row dl), one per host and round (row hr). Objective
//     affinity when h lists o.
//   - Per participant and round: sum_s x[p,s] + sum_h d[o,r,h] <= 1 (row
//     pr), the second sum only when p attends the room of organisation o
//     and r is a delegation round: a participant is in at most one session
//     per round and none during their room. Per participant and theme at
//     most one session (row pt); at most p.sessions in all (row pn). Pins
//     are rows x[p,s] = 1.
//   - Session sizes: sum x <= capacity; with min >= 2 a binary y[s]
//     (session open) and min*y <= sum x <= capacity*y (min 0 or 1 needs no
//     y: a session of 0 or at least 1 is always allowed).
//     maxPerOrganisation is a row per session and organisation.
//   - unplaced: since every assignment is in a distinct free round and
//     sum x <= p.sessions, a feasible plan never gives more than wanted(p),
//     so the penalty is unplaced*(wanted(p) - sum_s x[p,s]) with no max().
//     wanted(p) = min(p.sessions, |free(p)|) is an affine function of d,
//     so no selector or big-M is needed: let A be p's available rounds that
//     have a session and B = sum_{r in A ∩ delegations.rounds, h} d[o,r,h]
//     (0 or 1, since o has exactly one room). |free(p)| = |A| - B when p
//     attends their organisation's room, |A| otherwise. If p does not
//     attend, or A meets no delegation round, wanted(p) is the constant
//     min(p.sessions, |A|). Otherwise, if p.sessions <= |A|-1 then
//     wanted(p) = p.sessions (both values of B give it), and else
//     (p.sessions >= |A| or unset) wanted(p) = |A| - B exactly. The
//     constant goes on const1, the -B term on the d variables
//     (+unplaced each).
//   - samePair: for each session s and organisation g with k >= 2 possible
//     members, n = sum of their x[p,s] is an integer in [0, N] (N = min(k,
//     capacity, maxPerOrganisation)). f(n) = n(n-1)/2 is convex with
//     f(j+1) - f(j) = j, so its piecewise-linear interpolation on the
//     integers is max_j L_j(n), L_j(n) = j*n - j(j+1)/2 for j = 0..N-1
//     (L_j passes through (j, f(j)) and (j+1, f(j+1))). A continuous
//     q[s,g] >= L_j(n) for j = 1..N-1 and q >= 0 (j = 0) has the
//     objective coefficient -samePair <= 0, so at an optimum q = max_j
//     L_j(n) = f(n) at every integer n: exact.
//   - repeatPair (only when its weight is not 0): for each pair p < q who
//     both may take two sessions in two different rounds, a continuous
//     u[p,q,s] >= x[p,s] + x[q,s] - 1 (u >= 0) per common session and a
//     continuous rp[p,q] >= sum_s u[p,q,s] - 1 (rp >= 0), objective
//     -repeatPair*rp. Minimised, u = x[p,s]*x[q,s] and
//     rp = max(0, shared-1): exact. This part grows with pairs times common
//     sessions: it suits events of a few dozen participants (CBC 2.10
//     crashed on an event of 80 participants, 130,000 such variables).
//
// Validated events only: Build reports an error, instead of writing an
// infeasible program, when a pin names a session the participant may not
// take or an organisation has no slot for its room.
package mip

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/roundtable-go/roundtable/model"
)

type kind uint8

const (
	binary kind = iota
	continuous
)

type term struct {
	col  int
	coef int64
}

type row struct {
	name  string
	terms []term
	sense string // "<=", ">=" or "="
	rhs   int64
}

type xvar struct{ p, s, col int }

type dvar struct{ o, r, h, col int }

// pairGroup is the samePair term of one organisation in one session: the
// column q, the possible members' x columns, the largest number n of them
// that can sit there together, and where its n-1 rows sp_j start (a lean
// model has none).
type pairGroup struct {
	q       int
	members []int
	n       int
	row     int // index of the first sp row
}

// Model is the exact MIP of one event.
type Model struct {
	ev    *model.Event // normalized
	names []string
	kinds []kind
	upper []int64 // an upper bound every optimal solution meets
	pairs []pairGroup
	lean  bool     // no names, notes or sp rows (BuildLean)
	notes []string // what each variable means, for the name table
	obj   []int64
	rows  []row
	xs    []xvar
	ds    []dvar
	byCol map[string]int
}

// ErrUnsatisfiable reports an event for which Build can tell, without
// solving, that no plan exists.
var ErrUnsatisfiable = errors.New("mip: the event has no plan")

func (m *Model) addVar(name string, k kind, obj int64, note string) int {
	m.kinds = append(m.kinds, k)
	m.upper = append(m.upper, 1) // binaries; continuous ones set theirs
	m.obj = append(m.obj, obj)
	if m.lean {
		return len(m.obj) - 1
	}
	m.names = append(m.names, name)
	m.notes = append(m.notes, note)
	m.byCol[name] = len(m.names) - 1
	return len(m.names) - 1
}

// name formats a variable's or row's name or note, except in a lean model.
func (m *Model) name(format string, args ...any) string {
	if m.lean {
		return ""
	}
	return fmt.Sprintf(format, args...)
}

func (m *Model) addRow(name string, terms []term, sense string, rhs int64) {
	if len(terms) == 0 {
		panic("mip: empty row " + name)
	}
	m.rows = append(m.rows, row{name: name, terms: terms, sense: sense, rhs: rhs})
}

func ones(cols []int) []term {
	t := make([]term, len(cols))
	for i, c := range cols {
		t[i] = term{col: c, coef: 1}
	}
	return t
}

// Build states the MIP of ev, which should be valid (model.Validate).
func Build(ev *model.Event) (*Model, error) { return build(ev, false) }

// BuildLean states the same programme without the names and notes of its
// variables and rows (which take most of Build's time) and without the
// rows sp, which Relaxation states otherwise: for Relaxation only, not
// for WriteLP or CBC.
func BuildLean(ev *model.Event) (*Model, error) { return build(ev, true) }

func build(ev *model.Event, lean bool) (*Model, error) {
	if ev == nil {
		return nil, errors.New("mip: no event")
	}
	ne := ev.Normalized()
	m := &Model{ev: ne, byCol: map[string]int{}, lean: lean}
	w := ne.Weights
	q := strconv.Quote
	if lean {
		q = func(string) string { return "" }
	}

	roundIdx := map[string]int{}
	for i, r := range ne.Rounds {
		if _, dup := roundIdx[r.ID]; !dup {
			roundIdx[r.ID] = i
		}
	}
	hostIdx := map[string]int{}
	for i, h := range ne.Hosts {
		if _, dup := hostIdx[h.ID]; !dup {
			hostIdx[h.ID] = i
		}
	}
	orgIdx := map[string]int{}
	for i, o := range ne.Organisations {
		if _, dup := orgIdx[o.ID]; !dup {
			orgIdx[o.ID] = i
		}
	}
	themeIdx := map[string]int{}
	for i, t := range ne.Themes {
		if _, dup := themeIdx[t.ID]; !dup {
			themeIdx[t.ID] = i
		}
	}
	nR := len(ne.Rounds)
	sessByRound := make([][]int, nR)
	busy := map[[2]int]bool{} // (host, round) running a session
	for si, s := range ne.Sessions {
		r, ok := roundIdx[s.Round]
		if !ok {
			return nil, fmt.Errorf("mip: session %q has unknown round %q", s.ID, s.Round)
		}
		sessByRound[r] = append(sessByRound[r], si)
		if h, ok := hostIdx[s.Host]; ok && s.Host != "" {
			busy[[2]int{h, r}] = true
		}
	}

	constCol := m.addVar("const1", continuous, 0, "fixed to 1, carries the constant of the objective")
	m.upper[constCol] = 1
	m.addRow("one", []term{{constCol, 1}}, "=", 1)
	var constant int64

	// Delegation rooms.
	var delegRound []bool
	dvars := map[[2]int][]int{} // (organisation, round) -> d columns
	if ne.Delegations != nil {
		delegRound = make([]bool, nR)
		var drs []int
		for _, rid := range ne.Delegations.Rounds {
			if r, ok := roundIdx[rid]; ok && !delegRound[r] {
				delegRound[r] = true
				drs = append(drs, r)
			}
		}
		slices.Sort(drs)
		hostRound := map[[2]int][]int{}
		for oi, o := range ne.Organisations {
			if !o.IsDelegation() {
				continue
			}
			var all []int
			for _, r := range drs {
				for hi, h := range ne.Hosts {
					if h.Rounds != nil && !slices.Contains(h.Rounds, ne.Rounds[r].ID) || busy[[2]int{hi, r}] {
						continue
					}
					var gain int64
					if slices.Contains(h.Organisations, o.ID) {
						gain = int64(w.Affinity)
					}
					c := m.addVar(m.name("d_%d_%d_%d", oi, r, hi), binary, gain,
						m.name("room of organisation %s in round %s with host %s", q(o.ID), q(ne.Rounds[r].ID), q(h.ID)))
					m.ds = append(m.ds, dvar{o: oi, r: r, h: hi, col: c})
					dvars[[2]int{oi, r}] = append(dvars[[2]int{oi, r}], c)
					hostRound[[2]int{hi, r}] = append(hostRound[[2]int{hi, r}], c)
					all = append(all, c)
				}
			}
			if len(all) == 0 {
				return nil, fmt.Errorf("%w: no host can run the delegation room of %q", ErrUnsatisfiable, o.ID)
			}
			m.addRow(m.name("dl_%d", oi), ones(all), "=", 1)
		}
		for hi := range ne.Hosts {
			for _, r := range drs {
				if cs := hostRound[[2]int{hi, r}]; len(cs) >= 2 {
					m.addRow(m.name("hr_%d_%d", hi, r), ones(cs), "<=", 1)
				}
			}
		}
	}

	// Participants.
	members := make([][]int, len(ne.Sessions))        // per session: x columns
	memberP := make([][]int, len(ne.Sessions))        // per session: participants, aligned with members
	xcol := make([]map[int]int, len(ne.Participants)) // per participant: session -> x column
	limitOf := make([]int, len(ne.Participants))
	for pi, p := range ne.Participants {
		xcol[pi] = map[int]int{}
		limit := -1 // unlimited
		if p.Sessions != nil {
			limit = *p.Sessions
		}
		limitOf[pi] = limit
		oi, orgOK := orgIdx[p.Organisation]
		attends := ne.Delegations != nil && p.AttendsDelegation() && orgOK && ne.Organisations[oi].IsDelegation()
		var avail []int // rounds available with a session
		for r, round := range ne.Rounds {
			if len(sessByRound[r]) > 0 && (p.Rounds == nil || slices.Contains(p.Rounds, round.ID)) {
				avail = append(avail, r)
			}
		}
		byTheme := map[string][]int{}
		var themes []string
		roundsUsed := 0
		for _, r := range avail {
			var cols []int
			if limit != 0 {
				for _, si := range sessByRound[r] {
					s := ne.Sessions[si]
					if ne.Rules.OnlyRanked && len(p.Preferences) > 0 && !slices.Contains(p.Preferences, s.Theme) {
						continue
					}
					gain := int64(rankWeight(w, p, s.Theme)) + int64(w.Unplaced)
					if t, ok := themeIdx[s.Theme]; ok && intersects(p.Competences, ne.Themes[t].Competences) {
						gain += int64(w.Competence)
					}
					c := m.addVar(m.name("x_%d_%d", pi, si), binary, gain,
						m.name("participant %s in session %s", q(p.ID), q(s.ID)))
					m.xs = append(m.xs, xvar{p: pi, s: si, col: c})
					xcol[pi][si] = c
					members[si] = append(members[si], c)
					memberP[si] = append(memberP[si], pi)
					cols = append(cols, c)
					if _, seen := byTheme[s.Theme]; !seen {
						themes = append(themes, s.Theme)
					}
					byTheme[s.Theme] = append(byTheme[s.Theme], c)
				}
			}
			if len(cols) > 0 {
				roundsUsed++
			}
			t := ones(cols)
			nd := 0
			if attends && delegRound[r] {
				for _, c := range dvars[[2]int{oi, r}] {
					t = append(t, term{c, 1})
					nd++
				}
			}
			if len(cols) >= 2 || len(cols) >= 1 && nd >= 1 {
				m.addRow(m.name("pr_%d_%d", pi, r), t, "<=", 1)
			}
		}
		for ti, th := range themes {
			if cs := byTheme[th]; len(cs) >= 2 {
				m.addRow(m.name("pt_%d_%d", pi, ti), ones(cs), "<=", 1)
			}
		}
		if limit >= 0 && limit < roundsUsed {
			var all []int
			for _, r := range avail {
				for _, si := range sessByRound[r] {
					if c, ok := xcol[pi][si]; ok {
						all = append(all, c)
					}
				}
			}
			m.addRow(m.name("pn_%d", pi), ones(all), "<=", int64(limit))
		}
		// Pins, in the order of the rounds.
		pinRounds := make([]string, 0, len(p.Pinned))
		for rid := range p.Pinned {
			pinRounds = append(pinRounds, rid)
		}
		slices.SortFunc(pinRounds, func(a, b string) int { return roundIdx[a] - roundIdx[b] })
		for _, rid := range pinRounds {
			sid := p.Pinned[rid]
			si := slices.IndexFunc(ne.Sessions, func(s model.Session) bool { return s.ID == sid })
			c, ok := xcol[pi][si]
			if si < 0 || !ok || ne.Sessions[si].Round != rid {
				return nil, fmt.Errorf("%w: %q is pinned to %q in round %q, which they may not take", ErrUnsatisfiable, p.ID, sid, rid)
			}
			m.addRow(m.name("pin_%d_%d", pi, roundIdx[rid]), []term{{c, 1}}, "=", 1)
		}
		// Unplaced: -unplaced*wanted(p); the +unplaced per assignment is
		// on the x columns above.
		if w.Unplaced != 0 {
			var meet []int // rounds of avail that are delegation rounds
			if attends {
				for _, r := range avail {
					if delegRound[r] {
						meet = append(meet, r)
					}
				}
			}
			nA := len(avail)
			switch {
			case len(meet) == 0:
				constant -= int64(w.Unplaced) * int64(minLimit(limit, nA))
			case limit >= 0 && limit <= nA-1:
				constant -= int64(w.Unplaced) * int64(limit)
			default: // wanted = |A| - B
				constant -= int64(w.Unplaced) * int64(nA)
				for _, r := range meet {
					for _, c := range dvars[[2]int{oi, r}] {
						m.obj[c] += int64(w.Unplaced)
					}
				}
			}
		}
	}
	m.obj[constCol] = constant

	// Sessions: sizes, organisation caps, samePair.
	for si, s := range ne.Sessions {
		cs := members[si]
		if len(cs) == 0 {
			continue
		}
		capacity, lo := s.Cap(ne.Defaults.Capacity), s.MinSize(ne.Defaults.Min)
		// No session holds more than those who may join it: a larger
		// capacity counts as that many and a larger minimum as one more
		// (the session then never opens), the same programme with
		// numbers a simplex method can take (a minimum of 1e18 opened
		// a session at 1e-17).
		lo = min(lo, len(cs)+1)
		capacity = min(capacity, max(len(cs), lo))
		if lo >= 2 {
			y := m.addVar(m.name("y_%d", si), binary, 0, m.name("session %s is open", q(s.ID)))
			m.addRow(m.name("mn_%d", si), append(ones(cs), term{y, -int64(lo)}), ">=", 0)
			m.addRow(m.name("cp_%d", si), append(ones(cs), term{y, -int64(capacity)}), "<=", 0)
		} else if capacity < len(cs) {
			m.addRow(m.name("cp_%d", si), ones(cs), "<=", int64(capacity))
		}
		// Group the possible members by organisation, in participant order.
		var orgs []string
		group := map[string][]int{}
		for k, pi := range memberP[si] {
			o := ne.Participants[pi].Organisation
			if _, seen := group[o]; !seen {
				orgs = append(orgs, o)
			}
			group[o] = append(group[o], cs[k])
		}
		maxOrg := ne.Rules.MaxPerOrganisation
		for g, o := range orgs {
			gc := group[o]
			if maxOrg > 0 && len(gc) > maxOrg {
				m.addRow(m.name("mo_%d_%d", si, g), ones(gc), "<=", int64(maxOrg))
			}
			if w.SamePair == 0 {
				continue
			}
			n := len(gc)
			n = min(n, max(capacity, 0))
			if maxOrg > 0 {
				n = min(n, maxOrg)
			}
			if n < 2 {
				continue
			}
			qc := m.addVar(m.name("q_%d_%d", si, g), continuous, -int64(w.SamePair),
				m.name("pairs of organisation %s in session %s", q(o), q(s.ID)))
			m.upper[qc] = int64(n * (n - 1) / 2) // f(n) at the largest n
			m.pairs = append(m.pairs, pairGroup{q: qc, members: gc, n: n, row: len(m.rows)})
			for j := 1; j <= n-1 && !m.lean; j++ {
				t := []term{{qc, 1}}
				for _, c := range gc {
					t = append(t, term{c, -int64(j)})
				}
				m.addRow(m.name("sp_%d_%d_%d", si, g, j), t, ">=", -int64(j*(j+1)/2))
			}
		}
	}

	// repeatPair.
	if w.RepeatPair != 0 {
		nP := len(ne.Participants)
		for a := 0; a < nP; a++ {
			if limitOf[a] == 0 || limitOf[a] == 1 || len(xcol[a]) < 2 {
				continue
			}
			for b := a + 1; b < nP; b++ {
				if limitOf[b] == 0 || limitOf[b] == 1 || len(xcol[b]) < 2 {
					continue
				}
				var common []int
				rounds := map[string]bool{}
				for si := range ne.Sessions {
					_, okA := xcol[a][si]
					_, okB := xcol[b][si]
					if okA && okB {
						common = append(common, si)
						rounds[ne.Sessions[si].Round] = true
					}
				}
				if len(rounds) < 2 {
					continue
				}
				pa, pb := ne.Participants[a].ID, ne.Participants[b].ID
				rp := m.addVar(m.name("rp_%d_%d", a, b), continuous, -int64(w.RepeatPair),
					m.name("repeated meetings of %s and %s", q(pa), q(pb)))
				m.upper[rp] = int64(max(len(common)-1, 0))
				rt := []term{{rp, 1}}
				for _, si := range common {
					u := m.addVar(m.name("u_%d_%d_%d", a, b, si), continuous, 0,
						m.name("%s and %s both in session %s", q(pa), q(pb), q(ne.Sessions[si].ID)))
					m.addRow(m.name("ru_%d_%d_%d", a, b, si),
						[]term{{u, 1}, {xcol[a][si], -1}, {xcol[b][si], -1}}, ">=", -1)
					rt = append(rt, term{u, -1})
				}
				m.addRow(m.name("rr_%d_%d", a, b), rt, ">=", -1)
			}
		}
	}
	return m, nil
}

func minLimit(limit, n int) int {
	if limit >= 0 && limit < n {
		return limit
	}
	return n
}

func rankWeight(w model.Weights, p model.Participant, theme string) int {
	k := slices.Index(p.Preferences, theme)
	if k < 0 || k >= len(w.Rank) {
		return w.Unranked
	}
	return w.Rank[k]
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// Event returns the normalized event the model was built from.
func (m *Model) Event() *model.Event { return m.ev }

// NumVars returns the number of variables (columns) of the model.
func (m *Model) NumVars() int { return len(m.names) }

// NumRows returns the number of constraints of the model.
func (m *Model) NumRows() int { return len(m.rows) }
