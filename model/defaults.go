package model

import "slices"

// Default values of docs/FORMAT.md. They are filled in here and nowhere
// else: readers start from NewEvent, and Normalized completes sessions.
const (
	DefaultCapacity = 20
	DefaultMin      = 0
)

// DefaultWeights returns the weights an event has when it sets none.
func DefaultWeights() Weights {
	return Weights{
		Rank:       []int{100, 60, 30, 15, 5},
		Unranked:   0,
		Competence: 20,
		SamePair:   10,
		Unplaced:   1000,
		Affinity:   10,
		RepeatPair: 0,
	}
}

// DefaultDefaults returns the session defaults an event has when it sets
// none.
func DefaultDefaults() Defaults {
	return Defaults{Capacity: DefaultCapacity, Min: DefaultMin}
}

// NewEvent returns an empty event with the default weights and session
// defaults, the starting point for building one in Go or decoding one from
// JSON (fields absent from the JSON keep their defaults).
func NewEvent() *Event {
	return &Event{Defaults: DefaultDefaults(), Weights: DefaultWeights()}
}

// Normalized returns a deep copy of e with every default filled in: when
// e has no sessions, one session per theme per round with id THEME-ROUND;
// every session's Capacity and Min set from Defaults when absent. Other
// optional fields keep their documented meaning when nil (a participant's
// nil Rounds means every round). Normalized does not validate; call
// Validate first. Normalizing twice gives the same event.
func (e *Event) Normalized() *Event {
	n := e.Clone()
	if len(n.Sessions) == 0 {
		n.Sessions = make([]Session, 0, len(n.Themes)*len(n.Rounds))
		for _, r := range n.Rounds {
			for _, t := range n.Themes {
				n.Sessions = append(n.Sessions, Session{ID: t.ID + "-" + r.ID, Theme: t.ID, Round: r.ID})
			}
		}
	}
	for i := range n.Sessions {
		s := &n.Sessions[i]
		if s.Capacity == nil {
			s.Capacity = Ptr(n.Defaults.Capacity)
		}
		if s.Min == nil {
			s.Min = Ptr(n.Defaults.Min)
		}
	}
	return n
}

// Clone returns a deep copy of e: no slice, map or pointer is shared.
func (e *Event) Clone() *Event {
	n := *e
	n.Rounds = append([]Round(nil), e.Rounds...)
	n.Themes = cloneSlice(e.Themes, func(t Theme) Theme {
		t.Competences = cloneStrings(t.Competences)
		return t
	})
	n.Sessions = cloneSlice(e.Sessions, func(s Session) Session {
		s.Capacity = clonePtr(s.Capacity)
		s.Min = clonePtr(s.Min)
		return s
	})
	n.Organisations = cloneSlice(e.Organisations, func(o Organisation) Organisation {
		o.Delegation = clonePtr(o.Delegation)
		return o
	})
	n.Hosts = cloneSlice(e.Hosts, func(h Host) Host {
		h.Rounds = cloneStrings(h.Rounds)
		h.Organisations = cloneStrings(h.Organisations)
		return h
	})
	if e.Delegations != nil {
		d := Delegations{Rounds: cloneStrings(e.Delegations.Rounds)}
		n.Delegations = &d
	}
	n.Participants = cloneSlice(e.Participants, func(p Participant) Participant {
		return p.Clone()
	})
	n.Weights.Rank = append([]int(nil), e.Weights.Rank...)
	if e.Weights.Rank != nil && len(e.Weights.Rank) == 0 {
		n.Weights.Rank = []int{}
	}
	return &n
}

// Clone returns a deep copy of p.
func (p Participant) Clone() Participant {
	p.Competences = cloneStrings(p.Competences)
	p.Preferences = cloneStrings(p.Preferences)
	p.Rounds = cloneStrings(p.Rounds)
	p.Sessions = clonePtr(p.Sessions)
	p.Delegation = clonePtr(p.Delegation)
	if p.Pinned != nil {
		m := make(map[string]string, len(p.Pinned))
		for k, v := range p.Pinned {
			m[k] = v
		}
		p.Pinned = m
	}
	return p
}

// IsDelegation reports whether the organisation takes part in delegation
// rooms when the event has them (true unless Delegation is false).
func (o Organisation) IsDelegation() bool { return o.Delegation == nil || *o.Delegation }

// AttendsDelegation reports whether the participant attends their
// organisation's delegation room when it has one (true unless Delegation
// is false).
func (p Participant) AttendsDelegation() bool { return p.Delegation == nil || *p.Delegation }

// AvailableIn reports whether the participant is available in the round
// with that id (every round when Rounds is nil).
func (p Participant) AvailableIn(round string) bool {
	return p.Rounds == nil || slices.Contains(p.Rounds, round)
}

// AvailableIn reports whether the host is available in the round with
// that id (every round when Rounds is nil).
func (h Host) AvailableIn(round string) bool {
	return h.Rounds == nil || slices.Contains(h.Rounds, round)
}

// InDelegationRoom reports whether the participant sits in their
// organisation's delegation room when it meets in the round with that id:
// they attend it, and they are there then. Rosters, room lists and
// explanations list those; the objective does not depend on it (a round
// the participant is away is not free either way).
func (p Participant) InDelegationRoom(round string) bool {
	return p.AttendsDelegation() && p.AvailableIn(round)
}

// Cap returns the session's capacity, or def when it has none.
func (s Session) Cap(def int) int {
	if s.Capacity == nil {
		return def
	}
	return *s.Capacity
}

// MinSize returns the session's minimum size, or def when it has none.
func (s Session) MinSize(def int) int {
	if s.Min == nil {
		return def
	}
	return *s.Min
}

// Ptr returns a pointer to a copy of v, for filling optional fields.
func Ptr[T any](v T) *T { return &v }

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, s...)
}

func cloneSlice[T any](s []T, f func(T) T) []T {
	if s == nil {
		return nil
	}
	out := make([]T, len(s))
	for i, v := range s {
		out[i] = f(v)
	}
	return out
}
