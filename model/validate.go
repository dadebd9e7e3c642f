package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// MaxWeight bounds the absolute value of every weight, so that the
// objective of any event of realistic size fits in an int64 with room to
// spare, whatever the solver adds up.
const MaxWeight = 1_000_000

// Problem is one thing wrong with an event. Path locates it in the JSON
// (`participants[12].preferences[1]`), Message says what is wrong and Fix,
// when not empty, what would repair it.
type Problem struct {
	Path    string
	Message string
	Fix     string
}

// String formats the problem as one line: path, message and fix.
func (p Problem) String() string {
	s := p.Message
	if p.Path != "" {
		s = p.Path + ": " + s
	}
	if p.Fix != "" {
		s += "; " + p.Fix
	}
	return s
}

// ValidationErrors lists every problem Validate finds, in the order their
// paths appear in the event. It is the error type of Validate and of
// LoadEvent: errors.As(err, &ValidationErrors{}) retrieves it.
type ValidationErrors []Problem

// Error prints one problem a line.
func (v ValidationErrors) Error() string {
	lines := make([]string, len(v))
	for i, p := range v {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Validate reports every problem of the event at once: nil when there is
// none, and otherwise a ValidationErrors. It accepts raw events (absent
// sessions stand for the default sessions THEME-ROUND, absent sizes for
// the defaults) as well as normalized ones, and never modifies e.
//
// It checks ids (empty or repeated, including default session ids that
// collide), every reference (with a suggestion when an unknown id looks
// like a known one), pins, hosts, sizes, numbers and weights; the list is
// in docs/FORMAT.md and in the tests. Validate does not decide whether a
// plan exists: an event can be valid and still leave participants unplaced.
func (e *Event) Validate() error {
	if e == nil {
		return ValidationErrors{{Message: "no event", Fix: "pass a decoded event"}}
	}
	v := newValidator(e)
	v.rounds()
	v.themes()
	v.sessions()
	v.organisations()
	v.hosts()
	v.delegations()
	v.participants()
	v.numbers()
	if len(v.problems) == 0 {
		return nil
	}
	return v.problems
}

// validator holds the indexes that the checks share. Indexes keep the
// first element of each id, so a repeated id is reported once and the
// rest of the checks still resolve references to it.
type validator struct {
	e        *Event
	problems ValidationErrors

	round   map[string]int
	theme   map[string]int
	org     map[string]int
	host    map[string]int
	sess    []Session // explicit or default sessions
	session map[string]int

	roundC, themeC, orgC, hostC, sessionC []candidate
}

func newValidator(e *Event) *validator {
	v := &validator{e: e}
	v.round, v.roundC = firstIndex(e.Rounds, func(r Round) string { return r.ID })
	v.theme, v.themeC = firstIndex(e.Themes, func(t Theme) string { return t.ID })
	v.org, v.orgC = firstIndex(e.Organisations, func(o Organisation) string { return o.ID })
	v.host, v.hostC = firstIndex(e.Hosts, func(h Host) string { return h.ID })
	if len(e.Sessions) > 0 {
		v.sess = e.Sessions
	} else {
		for _, r := range e.Rounds {
			for _, t := range e.Themes {
				v.sess = append(v.sess, Session{ID: t.ID + "-" + r.ID, Theme: t.ID, Round: r.ID})
			}
		}
	}
	v.session, v.sessionC = firstIndex(v.sess, func(s Session) string { return s.ID })
	// Names suggest ids too, for whoever types a theme's or an
	// organisation's name where its id belongs.
	for _, t := range e.Themes {
		if t.Name != "" {
			v.themeC = append(v.themeC, candidate{Key: t.Name, Show: t.ID})
		}
	}
	for _, o := range e.Organisations {
		if o.Name != "" {
			v.orgC = append(v.orgC, candidate{Key: o.Name, Show: o.ID})
		}
	}
	for _, r := range e.Rounds {
		if r.Label != "" {
			v.roundC = append(v.roundC, candidate{Key: r.Label, Show: r.ID})
		}
	}
	return v
}

func firstIndex[T any](items []T, id func(T) string) (map[string]int, []candidate) {
	m := make(map[string]int, len(items))
	c := make([]candidate, 0, len(items))
	for i, it := range items {
		k := id(it)
		if _, dup := m[k]; !dup && k != "" {
			m[k] = i
			c = append(c, candidate{Key: k, Show: k})
		}
	}
	return m, c
}

func (v *validator) add(path, fix, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...), Fix: fix})
}

// idSet reports empty and repeated ids of one list, element by element,
// so that each element's problems stay together.
type idSet struct {
	list, kind string
	first      map[string]int
}

func newIDSet(list, kind string) *idSet {
	return &idSet{list: list, kind: kind, first: map[string]int{}}
}

func (s *idSet) check(v *validator, i int, id string) {
	path := fmt.Sprintf("%s[%d].id", s.list, i)
	if id == "" {
		v.add(path, "give every "+s.kind+" a unique id", "empty id")
		return
	}
	if j, dup := s.first[id]; dup {
		v.add(path, "give every "+s.kind+" a unique id", "id %q repeats %s[%d]", id, s.list, j)
		return
	}
	s.first[id] = i
}

// ref reports an unknown reference. kind names what the list holds
// ("round"), known the index of valid ids and cands the suggestions.
func (v *validator) ref(path, kind, id string, known map[string]int, cands []candidate) bool {
	if _, ok := known[id]; ok {
		return true
	}
	if id == "" {
		v.add(path, "fill in the "+kind+"'s id", "empty %s id", kind)
		return false
	}
	v.add(path, "", "unknown %s %q%s", kind, id, didYouMean(id, cands))
	return false
}

// roundList checks a list of round ids that may be absent (nil: every
// round) but not empty.
func (v *validator) roundList(path string, rounds []string, who string) {
	if rounds != nil && len(rounds) == 0 {
		v.add(path, "omit the field for every round", "empty list: %s would never be available", who)
		return
	}
	v.refList(path, "round", rounds, v.round, v.roundC)
}

// refList checks each id of a list and reports repeats.
func (v *validator) refList(path, kind string, ids []string, known map[string]int, cands []candidate) {
	seen := make(map[string]int, len(ids))
	for i, id := range ids {
		p := fmt.Sprintf("%s[%d]", path, i)
		if j, dup := seen[id]; dup {
			v.add(p, "list it once", "%s %q repeats %s[%d]", kind, id, path, j)
			continue
		}
		seen[id] = i
		v.ref(p, kind, id, known, cands)
	}
}

func (v *validator) rounds() {
	e := v.e
	if len(e.Rounds) == 0 {
		v.add("rounds", "add at least one round", "no rounds")
	}
	ids := newIDSet("rounds", "round")
	for i, r := range e.Rounds {
		ids.check(v, i, r.ID)
		var start, end time.Time
		var okStart, okEnd bool
		if r.Start != "" {
			start, okStart = v.timestamp(fmt.Sprintf("rounds[%d].start", i), r.Start)
		}
		if r.End != "" {
			end, okEnd = v.timestamp(fmt.Sprintf("rounds[%d].end", i), r.End)
		}
		if okStart && okEnd && !end.After(start) {
			v.add(fmt.Sprintf("rounds[%d].end", i), "set end after start", "round ends at %s, not after its start %s", r.End, r.Start)
		}
	}
}

func (v *validator) timestamp(path, s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		v.add(path, `write it as RFC 3339, like "2021-03-18T10:30:00+01:00"`, "invalid time %q", s)
		return t, false
	}
	return t, true
}

func (v *validator) themes() {
	e := v.e
	if len(e.Themes) == 0 {
		v.add("themes", "add at least one theme", "no themes")
	}
	ids := newIDSet("themes", "theme")
	for i, t := range e.Themes {
		ids.check(v, i, t.ID)
	}
}

func (v *validator) sessions() {
	e := v.e
	if len(e.Sessions) == 0 {
		v.defaultSessions()
		return
	}
	ids := newIDSet("sessions", "session")
	// hostIn maps host and round to the first session that names them.
	hostIn := map[[2]string]int{}
	for i, s := range e.Sessions {
		path := fmt.Sprintf("sessions[%d]", i)
		ids.check(v, i, s.ID)
		v.ref(path+".theme", "theme", s.Theme, v.theme, v.themeC)
		roundOK := v.ref(path+".round", "round", s.Round, v.round, v.roundC)
		if s.Capacity != nil && *s.Capacity < 0 {
			v.add(path+".capacity", "use 0 or more", "negative capacity %d", *s.Capacity)
		}
		if s.Min != nil && *s.Min < 0 {
			v.add(path+".min", "use 0 or more", "negative min %d", *s.Min)
		}
		if s.Capacity != nil || s.Min != nil {
			lo, hi := s.MinSize(e.Defaults.Min), s.Cap(e.Defaults.Capacity)
			if lo > hi && lo >= 0 && hi >= 0 {
				v.add(path+".min", "lower min or raise capacity", "min %d is above capacity %d", lo, hi)
			}
		}
		if s.Host == "" {
			continue
		}
		if !v.ref(path+".host", "host", s.Host, v.host, v.hostC) || !roundOK {
			continue
		}
		key := [2]string{s.Host, s.Round}
		if j, dup := hostIn[key]; dup {
			v.add(path+".host", "give one of them another host", "host %q already runs sessions[%d] (%q) in round %q", s.Host, j, e.Sessions[j].ID, s.Round)
		} else {
			hostIn[key] = i
		}
		if h := e.Hosts[v.host[s.Host]]; h.Rounds != nil && !slices.Contains(h.Rounds, s.Round) {
			v.add(path+".host", fmt.Sprintf("add %q to the host's rounds or choose another host", s.Round), "host %q is not available in round %q", s.Host, s.Round)
		}
	}
}

// defaultSessions reports default session ids that collide: theme "a-b"
// in round "c" and theme "a" in round "b-c" would both be "a-b-c".
func (v *validator) defaultSessions() {
	first := map[string]int{}
	for i, s := range v.sess {
		if s.Theme == "" || s.Round == "" {
			continue // reported as an empty id
		}
		if j, dup := first[s.ID]; dup {
			o := v.sess[j]
			if o.Theme == s.Theme && o.Round == s.Round {
				continue // a repeated theme or round id, reported as such
			}
			v.add("sessions", "rename a theme or a round, or list the sessions explicitly",
				"default session id %q of theme %q in round %q is also that of theme %q in round %q",
				s.ID, s.Theme, s.Round, o.Theme, o.Round)
			continue
		}
		first[s.ID] = i
	}
}

func (v *validator) organisations() {
	e := v.e
	ids := newIDSet("organisations", "organisation")
	for i, o := range e.Organisations {
		ids.check(v, i, o.ID)
	}
}

func (v *validator) hosts() {
	e := v.e
	ids := newIDSet("hosts", "host")
	for i, h := range e.Hosts {
		path := fmt.Sprintf("hosts[%d]", i)
		ids.check(v, i, h.ID)
		v.roundList(path+".rounds", h.Rounds, "the host")
		v.refList(path+".organisations", "organisation", h.Organisations, v.org, v.orgC)
	}
}

func (v *validator) delegations() {
	e := v.e
	d := e.Delegations
	if d == nil {
		return
	}
	if len(d.Rounds) == 0 {
		v.add("delegations.rounds", "list the rounds for delegation rooms, or remove delegations", "no rounds")
		return
	}
	v.refList("delegations.rounds", "round", d.Rounds, v.round, v.roundC)
	rooms := 0
	for _, o := range e.Organisations {
		if o.IsDelegation() {
			rooms++
		}
	}
	if rooms == 0 {
		return
	}
	if len(e.Hosts) == 0 {
		v.add("delegations", "add hosts to run them, or remove delegations", "%d organisations need a delegation room but there are no hosts", rooms)
		return
	}
	// Slots are (host, round) pairs where the host is available and
	// runs no session: each holds at most one room.
	busy := map[[2]string]string{} // (host, round) -> the session they run
	for _, s := range v.sess {
		if s.Host != "" {
			busy[[2]string{s.Host, s.Round}] = s.ID
		}
	}
	slots, available := 0, 0
	perRound := map[string]int{}
	var busyList []string
	for _, h := range e.Hosts {
		seen := map[string]bool{}
		for _, r := range d.Rounds {
			if _, ok := v.round[r]; !ok || seen[r] {
				continue
			}
			seen[r] = true
			if h.Rounds != nil && !slices.Contains(h.Rounds, r) {
				continue
			}
			available++
			if sid, ok := busy[[2]string{h.ID, r}]; ok {
				busyList = append(busyList, fmt.Sprintf("%s runs session %s in %s", h.ID, sid, r))
			} else {
				slots++
				perRound[r]++
			}
		}
	}
	switch {
	case available == 0:
		v.add("delegations", "make a host available in one of delegations.rounds", "no host is available in any delegation round %s", strings.Join(d.Rounds, ", "))
	case slots < rooms:
		var free []string
		listed := map[string]bool{}
		for _, r := range d.Rounds {
			if _, ok := v.round[r]; ok && !listed[r] {
				listed[r] = true
				free = append(free, fmt.Sprintf("%d in %s", perRound[r], r))
			}
		}
		detail := strings.Join(free, ", ")
		if len(busyList) > 0 {
			const show = 5
			detail += "; " + strings.Join(busyList[:min(show, len(busyList))], ", ")
			if len(busyList) > show {
				detail += fmt.Sprintf(" and %d more", len(busyList)-show)
			}
		}
		v.add("delegations", "add hosts, free hosts from sessions, or add delegation rounds",
			"%d organisations need a delegation room but hosts can run at most %d (%s)", rooms, slots, detail)
	}
}

func (v *validator) participants() {
	e := v.e
	ids := newIDSet("participants", "participant")
	for i, p := range e.Participants {
		path := fmt.Sprintf("participants[%d]", i)
		ids.check(v, i, p.ID)
		v.ref(path+".organisation", "organisation", p.Organisation, v.org, v.orgC)
		v.refList(path+".preferences", "theme", p.Preferences, v.theme, v.themeC)
		if p.Sessions != nil && *p.Sessions < 0 {
			v.add(path+".sessions", "use 0 or more, or omit it for as many as possible", "negative sessions %d", *p.Sessions)
		}
		v.roundList(path+".rounds", p.Rounds, "the participant")
		v.pinned(path+".pinned", p)
	}
}

// pinned checks a participant's pins in the order of the event's rounds,
// then unknown round keys in sorted order.
func (v *validator) pinned(path string, p Participant) {
	if len(p.Pinned) == 0 {
		return
	}
	keys := make([]string, 0, len(p.Pinned))
	for k := range p.Pinned {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		ia, oka := v.round[a]
		ib, okb := v.round[b]
		switch {
		case oka && okb:
			return ia - ib
		case oka:
			return -1
		case okb:
			return 1
		}
		return strings.Compare(a, b)
	})
	themeOf := map[string]string{} // theme id -> round key of its first pin
	for _, r := range keys {
		sid := p.Pinned[r]
		kp := joinPath(path, pathKey(r))
		if !v.ref(kp, "round", r, v.round, v.roundC) {
			continue
		}
		if !v.ref(kp, "session", sid, v.session, v.sessionC) {
			continue
		}
		s := v.sess[v.session[sid]]
		if s.Round != r {
			v.add(kp, fmt.Sprintf("pin it under %q or choose a session of round %q", s.Round, r), "session %q runs in round %q, not %q", sid, s.Round, r)
			continue
		}
		if p.Rounds != nil && !slices.Contains(p.Rounds, r) {
			v.add(kp, fmt.Sprintf("add %q to the participant's rounds or remove the pin", r), "participant is not available in round %q", r)
		}
		if other, dup := themeOf[s.Theme]; dup {
			v.add(kp, "pin another theme", "theme %q is already pinned in round %q", s.Theme, other)
		} else {
			themeOf[s.Theme] = r
		}
		if v.e.Rules.OnlyRanked && len(p.Preferences) > 0 && !slices.Contains(p.Preferences, s.Theme) {
			v.add(kp, "add the theme to the participant's preferences or turn off rules.onlyRanked", "theme %q is not ranked and rules.onlyRanked is set", s.Theme)
		}
	}
	if p.Sessions != nil && *p.Sessions >= 0 && len(p.Pinned) > *p.Sessions {
		v.add(path, fmt.Sprintf("raise sessions to %d or remove a pin", len(p.Pinned)), "%d sessions pinned but the participant wants %d", len(p.Pinned), *p.Sessions)
	}
}

// pathKey writes a map key into a path: plain keys as .key, others quoted.
func pathKey(k string) string {
	if k == "" {
		return `[""]`
	}
	for _, r := range k {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return fmt.Sprintf("[%q]", k)
		}
	}
	return k
}

// numbers checks defaults, weights and rules.
func (v *validator) numbers() {
	e := v.e
	d := e.Defaults
	if d.Capacity < 0 {
		v.add("defaults.capacity", "use 0 or more", "negative capacity %d", d.Capacity)
	}
	if d.Min < 0 {
		v.add("defaults.min", "use 0 or more", "negative min %d", d.Min)
	}
	if d.Min > d.Capacity && d.Capacity >= 0 {
		v.add("defaults.min", "lower defaults.min or raise defaults.capacity", "min %d is above capacity %d", d.Min, d.Capacity)
	}
	w := e.Weights
	if len(w.Rank) == 0 {
		v.add("weights.rank", "give at least one weight, like [100, 60, 30]", "empty")
	}
	for i, r := range w.Rank {
		v.weight(fmt.Sprintf("weights.rank[%d]", i), r, false)
	}
	v.weight("weights.unranked", w.Unranked, false)
	v.weight("weights.competence", w.Competence, false)
	v.weight("weights.samePair", w.SamePair, true)
	v.weight("weights.unplaced", w.Unplaced, true)
	v.weight("weights.affinity", w.Affinity, false)
	v.weight("weights.repeatPair", w.RepeatPair, true)
	if e.Rules.MaxPerOrganisation < 0 {
		v.add("rules.maxPerOrganisation", "use 0 for no limit", "negative limit %d", e.Rules.MaxPerOrganisation)
	}
}

// weight checks one weight: penalties are subtracted, so they must not be
// negative; every weight stays within MaxWeight so sums cannot overflow.
func (v *validator) weight(path string, w int, penalty bool) {
	if penalty && w < 0 {
		v.add(path, "use 0 or more (the objective subtracts it)", "negative penalty %d", w)
		return
	}
	if w > MaxWeight || w < -MaxWeight {
		v.add(path, fmt.Sprintf("keep weights within ±%d so the objective cannot overflow", MaxWeight), "weight %d is too large", w)
	}
}
