package model

// Event is one event as its organiser describes it: rounds, themes,
// sessions, organisations, hosts, participants, weights and rules. The
// JSON field names are those of docs/FORMAT.md.
//
// Optional fields are pointers or nil slices so that "absent" and "zero"
// stay different; Normalized fills every default in one place, and the
// other packages of roundtable only ever see a normalized event.
type Event struct {
	Name          string         `json:"name"`
	Rounds        []Round        `json:"rounds"`
	Themes        []Theme        `json:"themes"`
	Sessions      []Session      `json:"sessions,omitempty"`
	Organisations []Organisation `json:"organisations"`
	Hosts         []Host         `json:"hosts,omitempty"`
	Delegations   *Delegations   `json:"delegations,omitempty"`
	Participants  []Participant  `json:"participants,omitempty"`
	Defaults      Defaults       `json:"defaults"`
	Weights       Weights        `json:"weights"`
	Rules         Rules          `json:"rules"`
}

// Round is one time slot in which sessions run in parallel. Rounds are
// listed in chronological order.
type Round struct {
	ID    string `json:"id"`
	Label string `json:"label,omitempty"`
	// Start and End are optional RFC 3339 times, used for calendar export.
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Theme is a subject of thematic sessions. Competences are the portfolios
// it serves: a participant with one of them earns Weights.Competence.
type Theme struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Competences []string `json:"competences,omitempty"`
}

// Session is one group of one theme in one round.
type Session struct {
	ID    string `json:"id"`
	Theme string `json:"theme"`
	Round string `json:"round"`
	// Capacity is the most participants the session takes; nil means
	// Defaults.Capacity.
	Capacity *int `json:"capacity,omitempty"`
	// Min means the session holds 0 or at least Min participants; nil
	// means Defaults.Min.
	Min *int `json:"min,omitempty"`
	// Host, when set, is busy with this session in its round.
	Host string `json:"host,omitempty"`
}

// Organisation is a municipality or any body that sends a delegation.
type Organisation struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Delegation false opts the organisation out of delegation rooms; nil
	// and true both mean it gets one when Event.Delegations is set.
	Delegation *bool `json:"delegation,omitempty"`
}

// Host runs delegation rooms (a researcher) or sessions (an expert).
type Host struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Rounds lists when the host is available; nil means every round (an
	// empty list, which Validate rejects, is written as one: omitzero).
	Rounds []string `json:"rounds,omitzero"`
	// Organisations are those the host knows best: a delegation room of
	// one of them run by this host earns Weights.Affinity.
	Organisations []string `json:"organisations,omitempty"`
}

// Delegations, when present in an event, gives every organisation whose
// Delegation is not false one room with one host in one of Rounds.
type Delegations struct {
	Rounds []string `json:"rounds"`
}

// Participant is one registered person.
type Participant struct {
	ID           string   `json:"id"`
	Name         string   `json:"name,omitempty"`
	Email        string   `json:"email,omitempty"`
	Organisation string   `json:"organisation"`
	Competences  []string `json:"competences,omitempty"`
	// Preferences ranks theme ids, first choice first.
	Preferences []string `json:"preferences,omitempty"`
	// Sessions is how many thematic sessions the participant wants; nil
	// means as many as their free rounds.
	Sessions *int `json:"sessions,omitempty"`
	// Rounds lists when the participant is available; nil means every
	// round (an empty list, which Validate rejects, is written as one).
	Rounds []string `json:"rounds,omitzero"`
	// Delegation false means the participant skips their organisation's
	// delegation room; nil and true mean they attend it.
	Delegation *bool `json:"delegation,omitempty"`
	// Pinned fixes the participant, per round id, into a session id.
	Pinned map[string]string `json:"pinned,omitempty"`
}

// Defaults apply to sessions that do not set their own values.
type Defaults struct {
	Capacity int `json:"capacity"`
	Min      int `json:"min"`
}

// Weights are the integer coefficients of the objective of docs/FORMAT.md.
type Weights struct {
	// Rank[k] is earned for an assignment to the theme ranked k-th
	// (0-based) by the participant.
	Rank []int `json:"rank"`
	// Unranked is earned for a theme not ranked, or ranked at k >= len(Rank).
	Unranked int `json:"unranked"`
	// Competence is earned when the participant's competences meet the
	// theme's.
	Competence int `json:"competence"`
	// SamePair is paid for each unordered pair of colleagues (same
	// organisation) in one session.
	SamePair int `json:"samePair"`
	// Unplaced is paid for each wanted session a participant does not get.
	Unplaced int `json:"unplaced"`
	// Affinity is earned for each delegation room run by a host that lists
	// the organisation.
	Affinity int `json:"affinity"`
	// RepeatPair is paid for each extra time two participants share a
	// session.
	RepeatPair int `json:"repeatPair"`
}

// Rules are hard constraints beyond those every plan obeys.
type Rules struct {
	// MaxPerOrganisation, when above 0, caps how many of one organisation
	// one session holds.
	MaxPerOrganisation int `json:"maxPerOrganisation"`
	// OnlyRanked places a participant who ranked themes only in those.
	OnlyRanked bool `json:"onlyRanked"`
}

// Status says whether a plan is proven optimal.
type Status string

const (
	// StatusOptimal means Objective equals Bound.
	StatusOptimal Status = "optimal"
	// StatusFeasible means the plan obeys every hard rule and Bound is
	// above Objective.
	StatusFeasible Status = "feasible"
)

// Plan is the engine's answer: who sits where, what it scores, and the
// proven bound no plan can exceed.
type Plan struct {
	Event     string `json:"event"`
	Status    Status `json:"status"`
	Objective int64  `json:"objective"`
	// Bound is proven: no plan of the event scores above it.
	Bound        int64            `json:"bound"`
	Breakdown    Breakdown        `json:"breakdown"`
	Delegations  []DelegationRoom `json:"delegations"`
	Assignments  []Assignment     `json:"assignments"`
	Unplaced     []Unplaced       `json:"unplaced"`
	Explanations []Explanation    `json:"explanations,omitempty"`
}

// Breakdown splits the objective into its terms. Penalties (SamePair,
// Unplaced, RepeatPair) are positive numbers that the objective subtracts.
type Breakdown struct {
	Preference int64 `json:"preference"`
	Competence int64 `json:"competence"`
	Affinity   int64 `json:"affinity"`
	SamePair   int64 `json:"samePair"`
	Unplaced   int64 `json:"unplaced"`
	RepeatPair int64 `json:"repeatPair"`
}

// Total is the objective: the gains minus the penalties.
func (b Breakdown) Total() int64 {
	return b.Preference + b.Competence + b.Affinity - b.SamePair - b.Unplaced - b.RepeatPair
}

// DelegationRoom is one organisation's own room: when and with whom.
type DelegationRoom struct {
	Organisation string `json:"organisation"`
	Round        string `json:"round"`
	Host         string `json:"host"`
}

// Assignment places one participant in one session of one round.
type Assignment struct {
	Participant string `json:"participant"`
	Round       string `json:"round"`
	Session     string `json:"session"`
}

// Unplaced reports a participant who got fewer sessions than wanted.
type Unplaced struct {
	Participant string `json:"participant"`
	Missing     int    `json:"missing"`
	Reason      string `json:"reason"`
}

// Explanation says in words why a participant is where they are, or why a
// session holds whom it holds. Subject is a participant or a session id.
type Explanation struct {
	Subject string   `json:"subject"`
	Lines   []string `json:"lines"`
}
