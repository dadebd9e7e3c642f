package assign

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/roundtable-go/roundtable/model"
)

// Explain says in words, from the event and the plan alone, why each
// participant is where they are and whom each session holds, for an
// organiser to repeat. It returns one explanation per participant
// (Subject: the participant id), in the event's order, then one per
// session (Subject: the session id), in the event's order.
//
// A participant's lines give, round by round, where they are: a session
// with the rank they gave its theme ("your 2nd choice"), their delegation
// room with its host, or why they have no session. For each theme they
// ranked above what they got in a round, a line says why they are not in
// it: its session was full, cancelled (below its minimum), held the most
// colleagues rules.maxPerOrganisation allows, they have the theme in
// another round, it is not given that round, or their leaving would
// cancel the session they are in. Where a move is allowed, the line gives
// its exact effect on the objective: moving them alone, or, into a full
// session, swapping them with the member whose swap costs least (that
// member taking their seat, or none when they had none). The figure is
// what model.Check computes for the changed plan minus the plan's
// objective, with the terms that change ("score -40 (preference -40,
// samePair +10)"). Unplaced participants get the plan's reason.
//
// A session's lines give its size against its capacity (or that it is
// cancelled), its mix of organisations ("Genk 2, Hasselt 1, Peer 1", most
// first, then by name) and the ranks its members gave its theme.
//
// Explain returns the validation errors of an invalid event, and an error
// when model.Check finds the plan breaks a rule or contradicts itself.
// Each move is measured on the people and sessions it touches only (the
// tests hold every such figure against model.Check on the whole changed
// plan), so Explain weighs about P·R·T·C moves of O(R + C) each, for P
// participants, R rounds, T themes ranked and sessions of C seats: a
// second or so for 3,000 participants in three rounds of full 90-seat
// sessions.
func Explain(ev *model.Event, plan *model.Plan) ([]model.Explanation, error) {
	if ev == nil || plan == nil {
		return nil, errors.New("assign: Explain needs an event and a plan")
	}
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	norm := ev.Normalized()
	if err := model.Check(norm, plan).Err(); err != nil {
		return nil, fmt.Errorf("assign: cannot explain this plan: %w", err)
	}
	x := newExplainer(norm, plan)
	out := make([]model.Explanation, 0, len(norm.Participants)+len(norm.Sessions))
	for p := range norm.Participants {
		out = append(out, model.Explanation{Subject: norm.Participants[p].ID, Lines: x.participant(p)})
	}
	for s := range norm.Sessions {
		out = append(out, model.Explanation{Subject: norm.Sessions[s].ID, Lines: x.session(s)})
	}
	return out, nil
}

// explainer holds a valid plan in index form; moves are applied to it,
// measured and undone.
type explainer struct {
	ev *model.Event // normalized
	w  model.Weights

	roundIdx map[string]int
	sessIdx  map[string]int
	orgIdx   map[string]int

	sRound, sTheme, sCap, sMin []int
	themeIdx                   map[string]int
	roundSess                  [][]int // sessions by round
	hasSession                 []bool  // per round

	pOrg     []int
	busy     []int    // per participant: round of their delegation room, -1
	avail    [][]bool // per participant and round
	wanted   []int
	delegRnd []int    // per organisation: round of its room, -1
	delegHst []string // per organisation: host id of its room

	asg     [][]int       // per participant and round: session, -1
	members [][]int       // per session: participants, ascending
	orgCnt  []map[int]int // per session: how many of each organisation
	reason  map[string]string
	pinned  [][]int      // per participant and round: pinned session, -1; nil: no pins
	values  []themeValue // by participant and theme

	shared  []int // scratch for repeated pairs, zero between uses
	touched []int
}

func newExplainer(ev *model.Event, plan *model.Plan) *explainer {
	x := &explainer{ev: ev, w: ev.Weights, reason: map[string]string{}}
	nR := len(ev.Rounds)
	x.roundIdx = map[string]int{}
	for i, r := range ev.Rounds {
		x.roundIdx[r.ID] = i
	}
	x.themeIdx = map[string]int{}
	for i, t := range ev.Themes {
		x.themeIdx[t.ID] = i
	}
	x.orgIdx = map[string]int{}
	for i, o := range ev.Organisations {
		x.orgIdx[o.ID] = i
	}
	x.sessIdx = map[string]int{}
	x.roundSess = make([][]int, nR)
	x.hasSession = make([]bool, nR)
	for i, s := range ev.Sessions {
		x.sessIdx[s.ID] = i
		r := x.roundIdx[s.Round]
		x.sRound = append(x.sRound, r)
		x.sTheme = append(x.sTheme, x.themeIdx[s.Theme])
		x.sCap = append(x.sCap, *s.Capacity)
		x.sMin = append(x.sMin, *s.Min)
		x.roundSess[r] = append(x.roundSess[r], i)
		x.hasSession[r] = true
	}
	x.delegRnd = make([]int, len(ev.Organisations))
	x.delegHst = make([]string, len(ev.Organisations))
	for i := range x.delegRnd {
		x.delegRnd[i] = -1
	}
	for _, d := range plan.Delegations {
		o := x.orgIdx[d.Organisation]
		x.delegRnd[o], x.delegHst[o] = x.roundIdx[d.Round], d.Host
	}
	nP := len(ev.Participants)
	x.pOrg = make([]int, nP)
	x.busy = make([]int, nP)
	x.avail = make([][]bool, nP)
	x.asg = make([][]int, nP)
	x.wanted = make([]int, nP)
	for p, q := range ev.Participants {
		x.pOrg[p] = x.orgIdx[q.Organisation]
		x.avail[p] = make([]bool, nR)
		x.asg[p] = make([]int, nR)
		for r, round := range ev.Rounds {
			x.avail[p][r] = q.AvailableIn(round.ID)
			x.asg[p][r] = -1
		}
		// In the delegation room only when there: someone away in its
		// round is just away (model.Participant.InDelegationRoom).
		x.busy[p] = -1
		if r := x.delegRnd[x.pOrg[p]]; ev.Delegations != nil && r >= 0 && q.InDelegationRoom(ev.Rounds[r].ID) {
			x.busy[p] = r
		}
		free := 0
		for r := range ev.Rounds {
			if x.avail[p][r] && x.busy[p] != r && x.hasSession[r] {
				free++
			}
		}
		x.wanted[p] = free
		if q.Sessions != nil && *q.Sessions < free {
			x.wanted[p] = *q.Sessions
		}
	}
	partIdx := make(map[string]int, nP)
	for i, q := range ev.Participants {
		partIdx[q.ID] = i
	}
	x.members = make([][]int, len(ev.Sessions))
	for _, a := range plan.Assignments {
		p, s := partIdx[a.Participant], x.sessIdx[a.Session]
		x.asg[p][x.sRound[s]] = s
		x.members[s] = append(x.members[s], p)
	}
	x.orgCnt = make([]map[int]int, len(ev.Sessions))
	for s := range x.members {
		slices.Sort(x.members[s])
		x.orgCnt[s] = map[int]int{}
		for _, p := range x.members[s] {
			x.orgCnt[s][x.pOrg[p]]++
		}
	}
	for _, u := range plan.Unplaced {
		x.reason[u.Participant] = u.Reason
	}
	x.pinned = make([][]int, nP)
	for p, q := range ev.Participants {
		if len(q.Pinned) == 0 {
			continue
		}
		x.pinned[p] = slices.Repeat([]int{-1}, nR)
		for rid, sid := range q.Pinned {
			x.pinned[p][x.roundIdx[rid]] = x.sessIdx[sid]
		}
	}
	x.computeValues()
	x.shared = make([]int, nP)
	return x
}

// rank is the 0-based position of theme t in p's preferences, or -1.
func (x *explainer) rank(p, t int) int {
	return slices.Index(x.ev.Participants[p].Preferences, x.ev.Themes[t].ID)
}

// value is what an assignment of p to a session of theme t earns:
// preference and competence.
func (x *explainer) value(p, t int) (pref, comp int64) {
	v := x.values[p*len(x.ev.Themes)+t]
	return int64(v.pref), int64(v.comp)
}

type themeValue struct{ pref, comp int32 } // weights are within ±model.MaxWeight

// computeValues fills x.values: what each participant earns in a session
// of each theme.
func (x *explainer) computeValues() {
	ev := x.ev
	x.values = make([]themeValue, len(ev.Participants)*len(ev.Themes))
	for p, q := range ev.Participants {
		for t, th := range ev.Themes {
			v := &x.values[p*len(ev.Themes)+t]
			k := slices.Index(q.Preferences, th.ID)
			if k < 0 || k >= len(x.w.Rank) {
				v.pref = int32(x.w.Unranked)
			} else {
				v.pref = int32(x.w.Rank[k])
			}
			if slices.ContainsFunc(q.Competences, func(c string) bool { return slices.Contains(th.Competences, c) }) {
				v.comp = int32(x.w.Competence)
			}
		}
	}
}

// local is the part of the objective that a move of participants ps
// between sessions ss can change: the preference, competence, unplaced
// and repeated pairs of ps, and the colleague pairs of ps's organisations
// in ss (the other organisations' counts stay as they are). Such a move
// changes the objective by exactly the change of local.
func (x *explainer) local(ps, ss []int) model.Breakdown {
	var b model.Breakdown
	for _, p := range ps {
		n := 0
		for _, s := range x.asg[p] {
			if s >= 0 {
				n++
				pref, comp := x.value(p, x.sTheme[s])
				b.Preference += pref
				b.Competence += comp
			}
		}
		if miss := x.wanted[p] - n; miss > 0 {
			b.Unplaced += int64(x.w.Unplaced) * int64(miss)
		}
	}
	if x.w.SamePair != 0 {
		orgs := x.orgsOf(ps)
		for _, s := range ss {
			for _, o := range orgs {
				k := int64(x.colleagues(s, o))
				b.SamePair += int64(x.w.SamePair) * k * (k - 1) / 2
			}
		}
	}
	if x.w.RepeatPair != 0 {
		b.RepeatPair = int64(x.w.RepeatPair) * x.repeats(ps)
	}
	return b
}

// orgsOf returns the organisations of participants ps, each once.
func (x *explainer) orgsOf(ps []int) []int {
	var orgs []int
	for _, p := range ps {
		if !slices.Contains(orgs, x.pOrg[p]) {
			orgs = append(orgs, x.pOrg[p])
		}
	}
	return orgs
}

// colleagues returns how many of organisation o session s holds.
func (x *explainer) colleagues(s, o int) int { return x.orgCnt[s][o] }

// join and leave keep members and orgCnt in step.
func (x *explainer) join(s, p, at int) {
	x.members[s] = slices.Insert(x.members[s], at, p)
	x.orgCnt[s][x.pOrg[p]]++
}

func (x *explainer) leave(s, at int) {
	p := x.members[s][at]
	x.members[s] = slices.Delete(x.members[s], at, at+1)
	x.orgCnt[s][x.pOrg[p]]--
}

type orgCount struct{ org, n int }

// orgCounts returns how many of each organisation session s holds, most
// first, then by name (as sessions.csv of model/export lists them).
func (x *explainer) orgCounts(s int) []orgCount {
	out := x.countOrgs(s)
	slices.SortFunc(out, func(a, b orgCount) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return cmp.Or(cmp.Compare(x.orgName(a.org), x.orgName(b.org)), cmp.Compare(a.org, b.org))
	})
	return out
}

// countOrgs returns how many of each organisation session s holds, in no
// particular order.
func (x *explainer) countOrgs(s int) []orgCount {
	var out []orgCount
	for _, p := range x.members[s] {
		o := x.pOrg[p]
		if i := slices.IndexFunc(out, func(c orgCount) bool { return c.org == o }); i >= 0 {
			out[i].n++
		} else {
			out = append(out, orgCount{o, 1})
		}
	}
	return out
}

// repeats returns the sum over unordered pairs with at least one member in
// ps of (sessions shared - 1) where they share more than one.
func (x *explainer) repeats(ps []int) int64 {
	var total int64
	for _, a := range ps {
		x.touched = x.touched[:0]
		for _, s := range x.asg[a] {
			if s < 0 {
				continue
			}
			for _, b := range x.members[s] {
				// a pair within ps is counted from its smaller member
				if b == a || (b < a && slices.Contains(ps, b)) {
					continue
				}
				if x.shared[b] == 0 {
					x.touched = append(x.touched, b)
				}
				x.shared[b]++
			}
		}
		for _, b := range x.touched {
			if x.shared[b] > 1 {
				total += int64(x.shared[b] - 1)
			}
			x.shared[b] = 0
		}
	}
	return total
}

// change moves participant p, in round r, to session to (-1: none).
type change struct{ p, r, to int }

// breach is the first hard rule a move breaks.
type breach struct {
	kind int
	p, s int
}

const (
	noBreach      = iota
	breachFull    // session s above capacity
	breachMin     // session s below its minimum
	breachMaxOrg  // session s holds too many of p's organisation
	breachTheme   // p has a theme twice
	breachRanked  // p in a theme they did not rank (onlyRanked)
	breachTooMany // p above the sessions they want
	breachPinned  // p not where they are pinned
	breachRound   // p placed in a round where they are busy or away
)

// try applies the changes, measures the objective's change and the first
// rule broken, and undoes them.
func (x *explainer) try(chs []change) (model.Breakdown, breach) {
	var ps, ss []int
	add := func(list []int, v int) []int {
		if v >= 0 && !slices.Contains(list, v) {
			list = append(list, v)
		}
		return list
	}
	for _, c := range chs { // sessions joined first: their rules come first
		ps = add(ps, c.p)
		ss = add(ss, c.to)
	}
	for _, c := range chs {
		ss = add(ss, x.asg[c.p][c.r])
	}
	before := x.local(ps, ss)
	var oldBuf, atBuf [2]int
	old := oldBuf[:0] // the session each leaves
	at := atBuf[:0]   // and where they stood in its members
	for _, c := range chs {
		from, i := x.asg[c.p][c.r], -1
		if from >= 0 {
			i = slices.Index(x.members[from], c.p)
			x.leave(from, i)
		}
		old, at = append(old, from), append(at, i)
		if c.to >= 0 {
			x.join(c.to, c.p, len(x.members[c.to]))
		}
		x.asg[c.p][c.r] = c.to
	}
	after := x.local(ps, ss)
	br := x.broken(ps, ss)
	for i := len(chs) - 1; i >= 0; i-- { // undone in reverse, so each finds the state it made
		c := chs[i]
		if c.to >= 0 {
			x.leave(c.to, len(x.members[c.to])-1)
		}
		if from := old[i]; from >= 0 {
			x.join(from, c.p, at[i])
		}
		x.asg[c.p][c.r] = old[i]
	}
	return model.Breakdown{
		Preference: after.Preference - before.Preference,
		Competence: after.Competence - before.Competence,
		Affinity:   0,
		SamePair:   after.SamePair - before.SamePair,
		Unplaced:   after.Unplaced - before.Unplaced,
		RepeatPair: after.RepeatPair - before.RepeatPair,
	}, br
}

// broken returns the first hard rule that participants ps or sessions ss
// break in the current state: the participants' own rules first, then
// the sessions' in the order given (try lists the sessions people join
// before those they leave).
func (x *explainer) broken(ps, ss []int) breach {
	ev := x.ev
	for _, p := range ps {
		q := ev.Participants[p]
		n := 0
		for r, s := range x.asg[p] {
			if s < 0 {
				continue
			}
			n++
			if !x.avail[p][r] || x.busy[p] == r {
				return breach{breachRound, p, s}
			}
			for r2 := r + 1; r2 < len(x.asg[p]); r2++ {
				if s2 := x.asg[p][r2]; s2 >= 0 && x.sTheme[s2] == x.sTheme[s] {
					return breach{breachTheme, p, s2}
				}
			}
			if ev.Rules.OnlyRanked && len(q.Preferences) > 0 && x.rank(p, x.sTheme[s]) < 0 {
				return breach{breachRanked, p, s}
			}
		}
		if q.Sessions != nil && n > *q.Sessions {
			return breach{breachTooMany, p, -1}
		}
		for r, s := range x.pinned[p] {
			if s >= 0 && x.asg[p][r] != s {
				return breach{breachPinned, p, s}
			}
		}
	}
	for _, s := range ss {
		n := len(x.members[s])
		if n > x.sCap[s] {
			return breach{breachFull, -1, s}
		}
		if n > 0 && n < x.sMin[s] {
			return breach{breachMin, -1, s}
		}
		if m := ev.Rules.MaxPerOrganisation; m > 0 {
			for _, o := range x.orgsOf(ps) { // the others' counts are unchanged
				if x.colleagues(s, o) > m {
					return breach{breachMaxOrg, -1, s}
				}
			}
		}
	}
	return breach{}
}

// participant explains where p is and why.
func (x *explainer) participant(p int) []string {
	ev := x.ev
	q := ev.Participants[p]
	n := 0
	for _, s := range x.asg[p] {
		if s >= 0 {
			n++
		}
	}
	lines := []string{fmt.Sprintf("%s (%s): %d of %d wanted session(s)", x.personName(p), x.orgName(x.pOrg[p]), n, x.wanted[p])}
	atMost := q.Sessions != nil && n >= *q.Sessions
	for r, round := range ev.Rounds {
		rid := round.ID
		s0 := x.asg[p][r]
		switch {
		case x.busy[p] == r:
			o := x.pOrg[p]
			lines = append(lines, fmt.Sprintf("%s: delegation room of %s with %s", rid, x.orgName(o), x.hostName(x.delegHst[o])))
			continue
		case !x.avail[p][r]:
			lines = append(lines, rid+": not available")
			continue
		case !x.hasSession[r]:
			lines = append(lines, rid+": no sessions this round")
			continue
		case s0 >= 0:
			line := fmt.Sprintf("%s: %s (%s), %s", rid, x.themeName(x.sTheme[s0]), ev.Sessions[s0].ID, x.rankWords(p, x.sTheme[s0]))
			if q.Pinned[rid] != "" {
				lines = append(lines, line+", pinned")
				continue
			}
			lines = append(lines, line)
		case atMost:
			lines = append(lines, fmt.Sprintf("%s: no session, you asked for %d", rid, *q.Sessions))
			continue
		default:
			line := rid + ": no session"
			if ev.Rules.OnlyRanked && len(q.Preferences) > 0 {
				line += " (only your ranked themes: rules.onlyRanked)"
			}
			lines = append(lines, line)
		}
		// Each theme ranked above what p has this round: why not.
		better := len(q.Preferences)
		if s0 >= 0 {
			if k := x.rank(p, x.sTheme[s0]); k >= 0 {
				better = k
			}
		}
		for k := 0; k < better; k++ {
			t, ok := x.themeIdx[q.Preferences[k]]
			if !ok {
				continue
			}
			lines = append(lines, fmt.Sprintf("%s: not %s, your %s choice: %s", rid, x.themeName(t), model.Ordinal(k+1), x.whyNot(p, r, t)))
		}
	}
	if u, ok := x.reason[q.ID]; ok {
		lines = append(lines, fmt.Sprintf("not placed in %d wanted session(s): %s", x.wanted[p]-n, u))
	}
	return lines
}

// whyNot says why p is not in theme t in round r, and what putting them
// there would cost.
func (x *explainer) whyNot(p, r, t int) string {
	ev := x.ev
	for r2, s := range x.asg[p] {
		if s >= 0 && x.sTheme[s] == t {
			return "you have it in " + ev.Rounds[r2].ID
		}
	}
	var here []int
	for _, s := range x.roundSess[r] {
		if x.sTheme[s] == t {
			here = append(here, s)
		}
	}
	if len(here) == 0 {
		var elsewhere []string
		for r2 := range ev.Rounds {
			if !slices.ContainsFunc(x.roundSess[r2], func(s int) bool { return x.sTheme[s] == t }) {
				continue
			}
			switch {
			case x.busy[p] == r2:
				elsewhere = append(elsewhere, ev.Rounds[r2].ID+", when you are in your delegation room")
			case !x.avail[p][r2]:
				elsewhere = append(elsewhere, ev.Rounds[r2].ID+", when you are not available")
			default:
				elsewhere = append(elsewhere, ev.Rounds[r2].ID)
			}
		}
		if len(elsewhere) == 0 {
			return "not given"
		}
		return "only given in " + strings.Join(elsewhere, "; ")
	}
	parts := make([]string, 0, len(here))
	for _, s := range here {
		parts = append(parts, x.whyNotSession(p, r, s))
	}
	return strings.Join(parts, "; ")
}

func (x *explainer) whyNotSession(p, r, s int) string {
	ev := x.ev
	sid := ev.Sessions[s].ID
	s0 := x.asg[p][r]
	delta, br := x.try([]change{{p, r, s}})
	switch br.kind {
	case noBreach:
		return fmt.Sprintf("%s has room; moving you there: %s", sid, scoreWords(delta))
	case breachFull:
		if br.s != s {
			break
		}
		full := fmt.Sprintf("%s full (%d/%d)", sid, len(x.members[s]), x.sCap[s])
		best, who := model.Breakdown{}, -1
		for _, q := range slices.Clone(x.members[s]) { // try reorders members
			d, b := x.try([]change{{p, r, s}, {q, r, s0}})
			if b.kind == noBreach && (who < 0 || d.Total() > best.Total()) {
				best, who = d, q
			}
		}
		if who < 0 {
			return full + ", and no one there can swap with you"
		}
		verb := "swapping with"
		if s0 < 0 {
			verb = "taking the seat of"
		}
		return fmt.Sprintf("%s; %s %s (least loss): %s", full, verb, x.personName(who), scoreWords(best))
	case breachMin:
		if br.s == s {
			return fmt.Sprintf("%s cancelled (below its minimum of %d)", sid, x.sMin[s])
		}
		return fmt.Sprintf("%s has room, but without you %s would fall below its minimum of %d", sid, ev.Sessions[br.s].ID, x.sMin[br.s])
	case breachMaxOrg:
		return fmt.Sprintf("%s already holds %d from %s (maxPerOrganisation)", sid, ev.Rules.MaxPerOrganisation, x.orgName(x.pOrg[p]))
	case breachTooMany:
		return fmt.Sprintf("%s has room, but you asked for %d session(s)", sid, *ev.Participants[p].Sessions)
	case breachRanked:
		return sid + ": rules.onlyRanked"
	case breachPinned:
		return fmt.Sprintf("you are pinned to %s", ev.Sessions[br.s].ID)
	}
	return sid + ": not allowed"
}

// session explains whom session s holds.
func (x *explainer) session(s int) []string {
	ev := x.ev
	sess := ev.Sessions[s]
	n := len(x.members[s])
	head := fmt.Sprintf("%s, %s", x.themeName(x.sTheme[s]), sess.Round)
	if sess.Host != "" {
		head += ", host " + x.hostName(sess.Host)
	}
	switch {
	case n == 0 && x.sMin[s] > 1:
		return []string{fmt.Sprintf("%s: cancelled (below its minimum of %d)", head, x.sMin[s])}
	case x.sMin[s] > 1:
		head += fmt.Sprintf(": %d/%d (min %d)", n, x.sCap[s], x.sMin[s])
	default:
		head += fmt.Sprintf(": %d/%d", n, x.sCap[s])
	}
	lines := []string{head}
	if n == 0 {
		return lines
	}
	var mix []string
	for _, c := range x.orgCounts(s) {
		mix = append(mix, fmt.Sprintf("%s %d", x.orgName(c.org), c.n))
	}
	lines = append(lines, "organisations: "+strings.Join(mix, ", "))
	most := 0
	for _, p := range x.members[s] {
		most = max(most, x.rank(p, x.sTheme[s])+1)
	}
	count := make([]int, most+1) // last: not ranked
	for _, p := range x.members[s] {
		k := x.rank(p, x.sTheme[s])
		if k < 0 {
			k = most
		}
		count[k]++
	}
	var ranks []string
	for k, c := range count {
		if c == 0 {
			continue
		}
		if k == most {
			ranks = append(ranks, fmt.Sprintf("not ranked %d", c))
		} else {
			ranks = append(ranks, fmt.Sprintf("%s choice %d", model.Ordinal(k+1), c))
		}
	}
	return append(lines, "ranks: "+strings.Join(ranks, ", "))
}

// scoreWords gives a change of the objective and the terms that make it,
// each as its effect on the objective: "score -40 (preference -40,
// samePair +10)".
func scoreWords(d model.Breakdown) string {
	var terms []string
	for _, t := range []struct {
		name string
		v    int64
	}{
		{"preference", d.Preference}, {"competence", d.Competence}, {"samePair", -d.SamePair},
		{"unplaced", -d.Unplaced}, {"repeatPair", -d.RepeatPair},
	} {
		if t.v != 0 {
			terms = append(terms, fmt.Sprintf("%s %+d", t.name, t.v))
		}
	}
	if len(terms) == 0 {
		return "score unchanged"
	}
	total := fmt.Sprintf("score %+d", d.Total())
	if d.Total() == 0 {
		total = "score unchanged"
	}
	return total + " (" + strings.Join(terms, ", ") + ")"
}

func (x *explainer) rankWords(p, t int) string {
	if len(x.ev.Participants[p].Preferences) == 0 {
		return "no preferences given"
	}
	if k := x.rank(p, t); k >= 0 {
		return "your " + model.Ordinal(k+1) + " choice"
	}
	return "not among your choices"
}

func (x *explainer) personName(p int) string {
	return cmp.Or(x.ev.Participants[p].Name, x.ev.Participants[p].ID)
}

func (x *explainer) orgName(o int) string {
	return cmp.Or(x.ev.Organisations[o].Name, x.ev.Organisations[o].ID)
}

func (x *explainer) themeName(t int) string {
	return cmp.Or(x.ev.Themes[t].Name, x.ev.Themes[t].ID)
}

func (x *explainer) hostName(id string) string {
	for _, h := range x.ev.Hosts {
		if h.ID == id {
			return cmp.Or(h.Name, h.ID)
		}
	}
	return id
}
