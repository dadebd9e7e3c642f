// Package randevent generates small random events for tests: valid
// (model.Validate passes) and feasible (some plan obeys every hard rule),
// deterministic by seed.
package randevent

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/roundtable-go/roundtable/model"
)

// Config says what to generate. Zero values take the defaults in
// brackets.
type Config struct {
	Participants  int // [10]
	Organisations int // [3]
	Themes        int // [3]
	Rounds        int // [2]

	// Parallel is the most sessions per theme and round (each theme-round
	// gets 1..Parallel). 0 leaves the event's sessions out, so that the
	// default sessions THEME-ROUND apply with Defaults drawn from the
	// capacity and min ranges.
	Parallel int
	// SkipSession is the probability that a theme has no session in a
	// round (explicit sessions only; a round may end up with none).
	SkipSession float64
	// CapMin and CapMax bound session capacities [2, 6].
	CapMin, CapMax int
	// MinMax bounds session minimums, drawn in 0..MinMax (at most the
	// capacity). 0: no minimums.
	MinMax int

	// Delegations turns delegation rooms on, in DelegationRounds rounds
	// (0: every round), with at least Hosts hosts (raised so that every
	// organisation's room fits).
	Delegations      bool
	DelegationRounds int
	Hosts            int
	// SessionHosts names hosts for some sessions, making those hosts busy
	// in those rounds.
	SessionHosts bool
	// OptOut is the probability that an organisation has delegation false,
	// and that a participant skips their organisation's room.
	OptOut float64

	MaxPerOrganisation int
	OnlyRanked         bool
	// Pins is the probability that a participant is pinned (once, and
	// with Pins/2 a second time); pins always fit a feasible plan.
	Pins float64
	// RepeatPair is the repeatPair weight.
	RepeatPair int
	// Partial is the share of participants available only in some rounds.
	Partial float64
	// Wanted is the share of participants with sessions set (0..rounds).
	Wanted float64
	// Preferences is the longest preference list [number of themes].
	Preferences int
	// OddIDs gives participants and themes ids with spaces, quotes and
	// non-ASCII letters, to test id handling.
	OddIDs bool
	// Weights, when not nil, replaces the default weights (RepeatPair
	// still applies when not 0).
	Weights *model.Weights
}

func (c *Config) fill() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.Participants, 10)
	def(&c.Organisations, 3)
	def(&c.Themes, 3)
	def(&c.Rounds, 2)
	def(&c.CapMin, 2)
	def(&c.CapMax, 6)
	if c.CapMax < c.CapMin {
		c.CapMax = c.CapMin
	}
	if c.Preferences <= 0 || c.Preferences > c.Themes {
		c.Preferences = c.Themes
	}
	if c.DelegationRounds <= 0 || c.DelegationRounds > c.Rounds {
		c.DelegationRounds = c.Rounds
	}
}

type gen struct {
	rng *rand.Rand
	cfg Config
	ev  *model.Event
}

func (g *gen) chance(p float64) bool  { return p > 0 && g.rng.Float64() < p }
func (g *gen) between(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

// subset returns a random non-empty subset of ids in their order; proper
// when proper is set and len(ids) > 1.
func (g *gen) subset(ids []string, proper bool) []string {
	for {
		var out []string
		for _, id := range ids {
			if g.rng.IntN(2) == 0 {
				out = append(out, id)
			}
		}
		if len(out) > 0 && (!proper || len(out) < len(ids) || len(ids) == 1) {
			return out
		}
	}
}

// New returns a valid, feasible random event; it panics if the generator
// produces an invalid one (a bug of this package).
func New(seed uint64, cfg Config) *model.Event {
	cfg.fill()
	g := &gen{rng: rand.New(rand.NewPCG(seed, 0x726f756e64746162)), cfg: cfg}
	ev := model.NewEvent()
	g.ev = ev
	ev.Name = fmt.Sprintf("random event %d", seed)
	if cfg.Weights != nil {
		ev.Weights = *cfg.Weights
		ev.Weights.Rank = slices.Clone(cfg.Weights.Rank)
	}
	if cfg.RepeatPair != 0 {
		ev.Weights.RepeatPair = cfg.RepeatPair
	}
	ev.Rules = model.Rules{MaxPerOrganisation: cfg.MaxPerOrganisation, OnlyRanked: cfg.OnlyRanked}

	roundIDs := make([]string, cfg.Rounds)
	for i := range roundIDs {
		roundIDs[i] = fmt.Sprintf("r%d", i+1)
		ev.Rounds = append(ev.Rounds, model.Round{ID: roundIDs[i], Label: fmt.Sprintf("round %d", i+1)})
	}
	competences := []string{"communicatie", "zorg", "financien", "participatie"}
	themeIDs := make([]string, cfg.Themes)
	for i := range themeIDs {
		themeIDs[i] = fmt.Sprintf("t%d", i+1)
		if cfg.OddIDs {
			themeIDs[i] = fmt.Sprintf("thème %d \"x\"", i+1)
		}
		ev.Themes = append(ev.Themes, model.Theme{
			ID: themeIDs[i], Name: fmt.Sprintf("Theme %d", i+1),
			Competences: []string{competences[g.rng.IntN(len(competences))]},
		})
	}
	orgIDs := make([]string, cfg.Organisations)
	for i := range orgIDs {
		orgIDs[i] = fmt.Sprintf("o%d", i+1)
		o := model.Organisation{ID: orgIDs[i], Name: fmt.Sprintf("Org %d", i+1)}
		if cfg.Delegations && g.chance(cfg.OptOut) {
			o.Delegation = model.Ptr(false)
		}
		ev.Organisations = append(ev.Organisations, o)
	}

	// Sessions.
	if cfg.Parallel <= 0 {
		c := g.between(cfg.CapMin, cfg.CapMax)
		ev.Defaults = model.Defaults{Capacity: c, Min: min(g.rng.IntN(cfg.MinMax+1), c)}
	} else {
		for _, r := range roundIDs {
			for _, t := range themeIDs {
				if g.chance(cfg.SkipSession) {
					continue
				}
				k := g.between(1, cfg.Parallel)
				for j := 0; j < k; j++ {
					c := g.between(cfg.CapMin, cfg.CapMax)
					s := model.Session{ID: fmt.Sprintf("%s@%s#%d", t, r, j+1), Theme: t, Round: r, Capacity: model.Ptr(c)}
					if cfg.MinMax > 0 {
						s.Min = model.Ptr(min(g.rng.IntN(cfg.MinMax+1), c))
					}
					ev.Sessions = append(ev.Sessions, s)
				}
			}
		}
		if len(ev.Sessions) == 0 { // keep at least one session
			ev.Sessions = append(ev.Sessions, model.Session{ID: "only", Theme: themeIDs[0], Round: roundIDs[0], Capacity: model.Ptr(cfg.CapMax)})
		}
	}

	// Hosts and delegations; witness is one valid choice of rooms.
	witness := map[string]string{} // organisation -> round of its room
	if cfg.Delegations {
		g.delegations(roundIDs, orgIDs, witness)
	}

	// Participants.
	for i := 0; i < cfg.Participants; i++ {
		p := model.Participant{
			ID:           fmt.Sprintf("p%02d", i+1),
			Name:         fmt.Sprintf("Participant %d", i+1),
			Organisation: orgIDs[g.rng.IntN(len(orgIDs))],
		}
		if cfg.OddIDs && i%2 == 1 {
			p.ID = fmt.Sprintf("p %d/é\n%d", i+1, i)
		}
		for _, c := range competences {
			if g.rng.IntN(3) == 0 {
				p.Competences = append(p.Competences, c)
			}
		}
		if n := g.rng.IntN(cfg.Preferences + 1); n > 0 {
			perm := g.rng.Perm(len(themeIDs))
			for _, k := range perm[:n] {
				p.Preferences = append(p.Preferences, themeIDs[k])
			}
		}
		if g.chance(cfg.Partial) {
			p.Rounds = g.subset(roundIDs, true)
		}
		if g.chance(cfg.Wanted) {
			p.Sessions = model.Ptr(g.rng.IntN(cfg.Rounds + 1))
		}
		if cfg.Delegations && g.chance(cfg.OptOut) {
			p.Delegation = model.Ptr(false)
		}
		ev.Participants = append(ev.Participants, p)
	}
	if cfg.Pins > 0 {
		g.pins(witness)
	}
	if err := ev.Validate(); err != nil {
		panic(fmt.Sprintf("randevent: seed %d generated an invalid event: %v", seed, err))
	}
	return ev
}

func (g *gen) delegations(roundIDs, orgIDs []string, witness map[string]string) {
	ev, cfg := g.ev, g.cfg
	drounds := g.rng.Perm(len(roundIDs))[:cfg.DelegationRounds]
	slices.Sort(drounds)
	ev.Delegations = &model.Delegations{}
	for _, r := range drounds {
		ev.Delegations.Rounds = append(ev.Delegations.Rounds, roundIDs[r])
	}
	for i := 0; i < cfg.Hosts; i++ {
		h := model.Host{ID: fmt.Sprintf("h%d", i+1), Name: fmt.Sprintf("Host %d", i+1)}
		if g.rng.IntN(3) == 0 {
			h.Rounds = g.subset(roundIDs, false)
		}
		if g.rng.IntN(2) == 0 {
			h.Organisations = g.subset(orgIDs, false)
		}
		ev.Hosts = append(ev.Hosts, h)
	}
	sessions := ev.Sessions
	if cfg.SessionHosts && len(ev.Hosts) > 0 && len(sessions) > 0 {
		hosting := map[[2]string]bool{}
		for i := range sessions {
			if g.rng.IntN(3) != 0 {
				continue
			}
			h := ev.Hosts[g.rng.IntN(len(ev.Hosts))]
			key := [2]string{h.ID, sessions[i].Round}
			if hosting[key] || h.Rounds != nil && !slices.Contains(h.Rounds, sessions[i].Round) {
				continue
			}
			hosting[key] = true
			sessions[i].Host = h.ID
		}
	}
	busy := map[[2]string]bool{}
	for _, s := range sessions {
		if s.Host != "" {
			busy[[2]string{s.Host, s.Round}] = true
		}
	}
	type slot struct{ h, r string }
	var free []slot
	for _, h := range ev.Hosts {
		for _, r := range ev.Delegations.Rounds {
			if h.AvailableIn(r) && !busy[[2]string{h.ID, r}] {
				free = append(free, slot{h.ID, r})
			}
		}
	}
	rooms := 0
	for _, o := range ev.Organisations {
		if o.IsDelegation() {
			rooms++
		}
	}
	for len(free) < rooms { // add hosts available in every round
		h := model.Host{ID: fmt.Sprintf("h%d", len(ev.Hosts)+1), Name: "Extra host"}
		ev.Hosts = append(ev.Hosts, h)
		for _, r := range ev.Delegations.Rounds {
			free = append(free, slot{h.ID, r})
		}
	}
	g.rng.Shuffle(len(free), func(i, j int) { free[i], free[j] = free[j], free[i] })
	k := 0
	for _, o := range ev.Organisations {
		if o.IsDelegation() {
			witness[o.ID] = free[k].r
			k++
		}
	}
}

// pins pins some participants into sessions so that the plan made of the
// pins alone, with the witness rooms, obeys every hard rule.
func (g *gen) pins(witness map[string]string) {
	ev, cfg := g.ev, g.cfg
	sessions := ev.Sessions
	if len(sessions) == 0 {
		sessions = ev.Normalized().Sessions
	}
	attends := func(p model.Participant) bool {
		if ev.Delegations == nil || !p.AttendsDelegation() {
			return false
		}
		i := slices.IndexFunc(ev.Organisations, func(o model.Organisation) bool { return o.ID == p.Organisation })
		return i >= 0 && ev.Organisations[i].IsDelegation()
	}
	count := map[int]int{}
	orgCount := map[[2]string]int{}
	for i := range ev.Participants {
		p := &ev.Participants[i]
		n := 0
		if g.chance(cfg.Pins) {
			n = 1
			if g.chance(cfg.Pins / 2) {
				n = 2
			}
		}
		for ; n > 0; n-- {
			var opts []int
			for si, s := range sessions {
				if _, taken := p.Pinned[s.Round]; taken {
					continue
				}
				if p.Rounds != nil && !slices.Contains(p.Rounds, s.Round) {
					continue
				}
				if attends(*p) && witness[p.Organisation] == s.Round {
					continue
				}
				if cfg.OnlyRanked && len(p.Preferences) > 0 && !slices.Contains(p.Preferences, s.Theme) {
					continue
				}
				dupTheme := false
				for _, sid := range p.Pinned {
					j := slices.IndexFunc(sessions, func(x model.Session) bool { return x.ID == sid })
					dupTheme = dupTheme || sessions[j].Theme == s.Theme
				}
				if dupTheme || count[si] >= s.Cap(ev.Defaults.Capacity) {
					continue
				}
				if cfg.MaxPerOrganisation > 0 && orgCount[[2]string{s.ID, p.Organisation}] >= cfg.MaxPerOrganisation {
					continue
				}
				opts = append(opts, si)
			}
			if len(opts) == 0 {
				break
			}
			si := opts[g.rng.IntN(len(opts))]
			if p.Pinned == nil {
				p.Pinned = map[string]string{}
			}
			p.Pinned[sessions[si].Round] = sessions[si].ID
			count[si]++
			orgCount[[2]string{sessions[si].ID, p.Organisation}]++
		}
	}
	// A session holding fewer pins than its minimum loses them: the plan
	// of pins alone must respect minimums.
	for si, s := range sessions {
		if c := count[si]; c > 0 && c < s.MinSize(ev.Defaults.Min) {
			for i := range ev.Participants {
				p := &ev.Participants[i]
				if p.Pinned[s.Round] == s.ID {
					delete(p.Pinned, s.Round)
					if len(p.Pinned) == 0 {
						p.Pinned = nil
					}
				}
			}
		}
	}
	for i := range ev.Participants {
		p := &ev.Participants[i]
		if p.Sessions != nil && *p.Sessions < len(p.Pinned) {
			p.Sessions = model.Ptr(len(p.Pinned))
		}
	}
}
