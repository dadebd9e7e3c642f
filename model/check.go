package model

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Violation is one broken rule of a plan. Rule is the number of the hard
// rule of docs/FORMAT.md (1: participants, 2: sessions and pins, 3:
// delegations), or 0 for a plan that contradicts itself (a wrong
// objective, an unplaced list that does not match the assignments).
type Violation struct {
	Rule    int
	Message string
}

func (v Violation) String() string {
	if v.Rule == 0 {
		return "plan: " + v.Message
	}
	return fmt.Sprintf("rule %d: %s", v.Rule, v.Message)
}

// Report is what Check finds: the objective recomputed from the event and
// the plan's delegations and assignments, and every rule the plan breaks.
type Report struct {
	Breakdown  Breakdown
	Objective  int64
	Violations []Violation
	// Missing maps each participant id that got fewer sessions than
	// wanted(p) to how many fewer.
	Missing map[string]int
	// Wanted is wanted(p) of docs/FORMAT.md, by participant id.
	Wanted map[string]int
}

// Err returns nil when the plan breaks no rule, and otherwise an error
// that lists every violation, one a line.
func (r *Report) Err() error {
	if len(r.Violations) == 0 {
		return nil
	}
	lines := make([]string, len(r.Violations))
	for i, v := range r.Violations {
		lines[i] = v.String()
	}
	return fmt.Errorf("model: plan breaks %d rule(s):\n%s", len(r.Violations), strings.Join(lines, "\n"))
}

// Check verifies plan p against event ev and recomputes its objective. It
// is the one definition of the objective in roundtable: the engine's
// plans are tested against it. The event should be valid (see Validate);
// Check normalizes it itself. Unknown ids in the plan, and a nil event or
// plan, are reported as violations, never a panic.
//
// Check costs O(A + S·O) for A assignments, S sessions and O
// organisations present, plus O(Σ size²) over sessions when the
// repeatPair weight is not zero.
func Check(ev *Event, p *Plan) *Report {
	if ev == nil || p == nil {
		what := "plan"
		if ev == nil {
			what = "event"
		}
		return &Report{Violations: []Violation{{Rule: 0, Message: "no " + what + " to check"}}}
	}
	ev = ev.Normalized()
	c := newChecker(ev)
	c.delegations(p.Delegations)
	c.assignments(p.Assignments)
	c.sessions()
	c.objective()
	c.consistency(p)
	return &c.report
}

type checker struct {
	ev     *Event
	report Report
	w      Weights

	round   map[string]int
	theme   map[string]int
	session map[string]int
	org     map[string]int
	host    map[string]int
	part    map[string]int

	hostBusy []map[int]bool // per host: rounds with a session of theirs
	delegRnd []int          // per organisation: its delegation round, -1 if none
	placed   [][]int        // per participant: sessions, in plan order
	members  [][]int        // per session: participants
}

func (c *checker) violate(rule int, format string, args ...any) {
	c.report.Violations = append(c.report.Violations, Violation{Rule: rule, Message: fmt.Sprintf(format, args...)})
}

func indexOf[T any](items []T, id func(T) string) map[string]int {
	m := make(map[string]int, len(items))
	for i, it := range items {
		if _, dup := m[id(it)]; !dup {
			m[id(it)] = i
		}
	}
	return m
}

func newChecker(ev *Event) *checker {
	c := &checker{ev: ev, w: ev.Weights}
	c.round = indexOf(ev.Rounds, func(r Round) string { return r.ID })
	c.theme = indexOf(ev.Themes, func(t Theme) string { return t.ID })
	c.session = indexOf(ev.Sessions, func(s Session) string { return s.ID })
	c.org = indexOf(ev.Organisations, func(o Organisation) string { return o.ID })
	c.host = indexOf(ev.Hosts, func(h Host) string { return h.ID })
	c.part = indexOf(ev.Participants, func(p Participant) string { return p.ID })
	c.hostBusy = make([]map[int]bool, len(ev.Hosts))
	for _, s := range ev.Sessions {
		if h, ok := c.host[s.Host]; ok && s.Host != "" {
			if c.hostBusy[h] == nil {
				c.hostBusy[h] = map[int]bool{}
			}
			c.hostBusy[h][c.round[s.Round]] = true
		}
	}
	c.delegRnd = make([]int, len(ev.Organisations))
	for i := range c.delegRnd {
		c.delegRnd[i] = -1
	}
	c.placed = make([][]int, len(ev.Participants))
	c.members = make([][]int, len(ev.Sessions))
	c.report.Missing = map[string]int{}
	c.report.Wanted = make(map[string]int, len(ev.Participants))
	return c
}

// delegations checks hard rule 3 and records each organisation's round.
func (c *checker) delegations(rooms []DelegationRoom) {
	ev := c.ev
	if ev.Delegations == nil {
		if len(rooms) > 0 {
			c.violate(3, "the event has no delegation rooms but the plan has %d", len(rooms))
		}
		return
	}
	hostRound := map[[2]int]string{}
	for _, d := range rooms {
		o, ok := c.org[d.Organisation]
		if !ok {
			c.violate(3, "delegation room of unknown organisation %q", d.Organisation)
			continue
		}
		if !ev.Organisations[o].IsDelegation() {
			c.violate(3, "organisation %q has delegation false but got a room", d.Organisation)
			continue
		}
		if c.delegRnd[o] >= 0 {
			c.violate(3, "organisation %q has more than one delegation room", d.Organisation)
			continue
		}
		r, ok := c.round[d.Round]
		if !ok || !slices.Contains(ev.Delegations.Rounds, d.Round) {
			c.violate(3, "delegation room of %q in round %q, which is not one of delegations.rounds", d.Organisation, d.Round)
			continue
		}
		c.delegRnd[o] = r
		h, ok := c.host[d.Host]
		if !ok {
			c.violate(3, "delegation room of %q has unknown host %q", d.Organisation, d.Host)
			continue
		}
		if !ev.Hosts[h].AvailableIn(d.Round) {
			c.violate(3, "host %q runs the room of %q in round %q but is not available then", d.Host, d.Organisation, d.Round)
		}
		if c.hostBusy[h][r] {
			c.violate(3, "host %q runs the room of %q in round %q but hosts a session then", d.Host, d.Organisation, d.Round)
		}
		key := [2]int{h, r}
		if other, dup := hostRound[key]; dup {
			c.violate(3, "host %q runs two delegation rooms in round %q (%q and %q)", d.Host, d.Round, other, d.Organisation)
		}
		hostRound[key] = d.Organisation
		if slices.Contains(ev.Hosts[h].Organisations, d.Organisation) {
			c.report.Breakdown.Affinity += int64(c.w.Affinity)
		}
	}
	for o, org := range ev.Organisations {
		if org.IsDelegation() && c.delegRnd[o] < 0 {
			c.violate(3, "organisation %q has no delegation room", org.ID)
		}
	}
}

// busyRound returns the round participant p spends in their delegation
// room, or -1.
func (c *checker) busyRound(p Participant) int {
	if c.ev.Delegations == nil || !p.AttendsDelegation() {
		return -1
	}
	o, ok := c.org[p.Organisation]
	if !ok {
		return -1
	}
	return c.delegRnd[o]
}

// assignments checks hard rule 1 and the pins of rule 2.
func (c *checker) assignments(as []Assignment) {
	ev := c.ev
	inRound := map[[2]int]int{} // (participant, round) -> session
	for _, a := range as {
		pi, ok := c.part[a.Participant]
		if !ok {
			c.violate(1, "assignment of unknown participant %q", a.Participant)
			continue
		}
		si, ok := c.session[a.Session]
		if !ok {
			c.violate(1, "%q is assigned to unknown session %q", a.Participant, a.Session)
			continue
		}
		p, s := ev.Participants[pi], ev.Sessions[si]
		if a.Round != s.Round {
			c.violate(1, "%q: assignment names round %q but session %q is in round %q", p.ID, a.Round, s.ID, s.Round)
		}
		r := c.round[s.Round]
		if prev, dup := inRound[[2]int{pi, r}]; dup {
			c.violate(1, "%q is in two sessions of round %q (%q and %q)", p.ID, s.Round, ev.Sessions[prev].ID, s.ID)
			continue
		}
		inRound[[2]int{pi, r}] = si
		if !p.AvailableIn(s.Round) {
			c.violate(1, "%q is placed in %q but is not available in round %q", p.ID, s.ID, s.Round)
		}
		if c.busyRound(p) == r {
			c.violate(1, "%q is placed in %q but is in their delegation room in round %q", p.ID, s.ID, s.Round)
		}
		for _, other := range c.placed[pi] {
			if ev.Sessions[other].Theme == s.Theme {
				c.violate(1, "%q has theme %q twice (%q and %q)", p.ID, s.Theme, ev.Sessions[other].ID, s.ID)
			}
		}
		if ev.Rules.OnlyRanked && len(p.Preferences) > 0 && !slices.Contains(p.Preferences, s.Theme) {
			c.violate(1, "%q is placed in %q, theme %q, which they did not rank (rules.onlyRanked)", p.ID, s.ID, s.Theme)
		}
		c.placed[pi] = append(c.placed[pi], si)
		c.members[si] = append(c.members[si], pi)
	}
	for pi, p := range ev.Participants {
		if p.Sessions != nil && len(c.placed[pi]) > *p.Sessions {
			c.violate(1, "%q wants %d session(s) but got %d", p.ID, *p.Sessions, len(c.placed[pi]))
		}
		for _, rid := range slices.Sorted(maps.Keys(p.Pinned)) {
			sid := p.Pinned[rid]
			r, ok := c.round[rid]
			got, placed := inRound[[2]int{pi, r}]
			if !ok || !placed || ev.Sessions[got].ID != sid {
				c.violate(2, "%q is pinned to %q in round %q but the plan does not place them there", p.ID, sid, rid)
			}
		}
	}
}

// sessions checks the sizes and organisation caps of rule 2.
func (c *checker) sessions() {
	ev := c.ev
	for si, s := range ev.Sessions {
		n := len(c.members[si])
		capacity, lo := s.Cap(ev.Defaults.Capacity), s.MinSize(ev.Defaults.Min)
		if n > capacity {
			c.violate(2, "session %q holds %d, above its capacity %d", s.ID, n, capacity)
		}
		if n > 0 && n < lo {
			c.violate(2, "session %q holds %d, below its minimum %d (it must hold 0 or at least %d)", s.ID, n, lo, lo)
		}
		counts := c.orgCounts(si)
		for _, org := range slices.Sorted(maps.Keys(counts)) { // a stable order of messages
			k := counts[org]
			if ev.Rules.MaxPerOrganisation > 0 && k > ev.Rules.MaxPerOrganisation {
				c.violate(2, "session %q holds %d of %q, above rules.maxPerOrganisation %d", s.ID, k, org, ev.Rules.MaxPerOrganisation)
			}
			c.report.Breakdown.SamePair += int64(c.w.SamePair) * int64(k) * int64(k-1) / 2
		}
	}
}

// orgCounts returns, for session si, how many of each organisation it
// holds, in a map from organisation id.
func (c *checker) orgCounts(si int) map[string]int {
	m := map[string]int{}
	for _, pi := range c.members[si] {
		m[c.ev.Participants[pi].Organisation]++
	}
	return m
}

// objective adds the preference, competence, unplaced and repeatPair
// terms (affinity and samePair are added where they are checked).
func (c *checker) objective() {
	ev := c.ev
	b := &c.report.Breakdown
	hasSession := make([]bool, len(ev.Rounds))
	for _, s := range ev.Sessions {
		if r, ok := c.round[s.Round]; ok {
			hasSession[r] = true
		}
	}
	for pi, p := range ev.Participants {
		for _, si := range c.placed[pi] {
			theme := ev.Sessions[si].Theme
			b.Preference += int64(c.rankWeight(p, theme))
			if t, ok := c.theme[theme]; ok && intersects(p.Competences, ev.Themes[t].Competences) {
				b.Competence += int64(c.w.Competence)
			}
		}
		busy := c.busyRound(p)
		free := 0
		for r, round := range ev.Rounds {
			if r != busy && hasSession[r] && p.AvailableIn(round.ID) {
				free++
			}
		}
		wanted := free
		if p.Sessions != nil && *p.Sessions < wanted {
			wanted = *p.Sessions
		}
		c.report.Wanted[p.ID] = wanted
		if miss := wanted - len(c.placed[pi]); miss > 0 {
			c.report.Missing[p.ID] = miss
			b.Unplaced += int64(c.w.Unplaced) * int64(miss)
		}
	}
	if c.w.RepeatPair != 0 {
		b.RepeatPair = int64(c.w.RepeatPair) * c.repeatedPairs()
	}
	c.report.Objective = b.Total()
}

// rankWeight is rank[k] for the theme's 0-based position k in p's
// preferences, or the unranked weight.
func (c *checker) rankWeight(p Participant, theme string) int {
	k := slices.Index(p.Preferences, theme)
	if k < 0 || k >= len(c.w.Rank) {
		return c.w.Unranked
	}
	return c.w.Rank[k]
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// repeatedPairs returns the sum over unordered pairs of participants of
// (sessions shared - 1) where they share more than one.
func (c *checker) repeatedPairs() int64 {
	shared := make([]int, len(c.ev.Participants))
	var total int64
	var touched []int
	for pi := range c.ev.Participants {
		touched = touched[:0]
		for _, si := range c.placed[pi] {
			for _, q := range c.members[si] {
				if q > pi { // each unordered pair once
					if shared[q] == 0 {
						touched = append(touched, q)
					}
					shared[q]++
				}
			}
		}
		for _, q := range touched {
			if shared[q] > 1 {
				total += int64(shared[q] - 1)
			}
			shared[q] = 0
		}
	}
	return total
}

// consistency checks that the plan's own figures and unplaced list agree
// with what it assigns.
func (c *checker) consistency(p *Plan) {
	r := &c.report
	if p.Breakdown != r.Breakdown {
		c.violate(0, "breakdown %+v, but the assignments give %+v", p.Breakdown, r.Breakdown)
	}
	if p.Objective != r.Objective {
		c.violate(0, "objective %d, but the assignments give %d", p.Objective, r.Objective)
	}
	if p.Bound < p.Objective {
		c.violate(0, "bound %d is below the objective %d", p.Bound, p.Objective)
	}
	switch p.Status {
	case StatusOptimal:
		if p.Bound != p.Objective {
			c.violate(0, "status optimal but bound %d differs from objective %d", p.Bound, p.Objective)
		}
	case StatusFeasible:
		if p.Bound == p.Objective {
			c.violate(0, "status feasible but bound equals objective %d: it is optimal", p.Objective)
		}
	default:
		c.violate(0, "status %q is neither %q nor %q", p.Status, StatusOptimal, StatusFeasible)
	}
	listed := map[string]bool{}
	for _, u := range p.Unplaced {
		if listed[u.Participant] {
			c.violate(0, "%q is listed twice as unplaced", u.Participant)
			continue
		}
		listed[u.Participant] = true
		want := r.Missing[u.Participant]
		switch {
		case want == 0:
			c.violate(0, "%q is listed as unplaced but got every session they want", u.Participant)
		case u.Missing != want:
			c.violate(0, "%q is listed as missing %d session(s) but misses %d", u.Participant, u.Missing, want)
		case strings.TrimSpace(u.Reason) == "":
			c.violate(0, "%q is listed as unplaced without a reason", u.Participant)
		}
	}
	for _, part := range c.ev.Participants {
		if miss := r.Missing[part.ID]; miss > 0 && !listed[part.ID] {
			c.violate(0, "%q misses %d session(s) but is not listed as unplaced", part.ID, miss)
		}
	}
}
