package assign

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/roundtable-go/roundtable/model"
)

// ErrUnsupported is wrapped by the errors of a valid event beyond what the
// engine takes (more than 64 rounds): the message names the field and
// what to do.
var ErrUnsupported = errors.New("assign: beyond what the engine supports")

// maxRounds is the most rounds an event may have: a participant's rounds
// are kept as a bit set in one word.
const maxRounds = 64

// forbidden marks a session a participant may not take (onlyRanked).
const forbidden = math.MinInt64

// problem is a normalized event compiled to dense indices: every id is
// replaced by its position, so the search touches slices, never maps.
type problem struct {
	ev *model.Event // normalized

	nR, nT, nS, nO, nP, nH int
	w                      model.Weights
	maxPerOrg              int
	// grain divides every objective: the greatest common divisor of the
	// weights (1 when all are 0), so a bound can be rounded down to a
	// multiple of it.
	grain int64

	// Sessions.
	sRound, sTheme, sCap, sMin, sHost []int
	roundSess                         [][]int // per round: its sessions
	// roundThemes[r] lists the themes with a session in round r, each
	// with those sessions.
	roundThemes [][]themeSessions
	hasSess     uint64 // rounds with at least one session

	// Organisations.
	oDeleg   []bool  // gets a delegation room
	oMembers [][]int // participants, in event order

	// Delegations.
	delegRounds []int    // round indices of delegations.rounds; nil when none
	hAvail      []uint64 // per host: rounds available
	hBusy       []uint64 // per host: rounds with a session of theirs
	hAff        []map[int]bool

	// Participants.
	pOrg     []int
	pAvail   []uint64 // available rounds
	pMax     []int    // p.sessions (or nR when absent)
	pAttends []bool   // busy in their organisation's delegation room
	pPin     [][]int  // per participant: per round the pinned session or -1; nil when none
	pValue   [][]int64
	// pValue[p][t] is rank + competence weight of theme t for p, or
	// forbidden.

	// work counts the search's effort (arcs of flows built, participants
	// of relaxation passes), a clock that does not depend on the machine;
	// addWork adds to it.
	work int64
	// caps are the work shares of the stages running under a work limit
	// (search.share), outermost first.
	caps []workCap
	// seatPrice is the dual value of a seat of each session in the last
	// flow of its round: where the relaxation's prices start.
	seatPrice []float64
	// flat leaves the colleague penalty out of the round flows (no
	// (organisation, session) layer): the first plan of a huge event.
	flat bool
	// hubs lets round flows without that layer reach themes through hubs
	// (roundHub): on events of more than largeEvent people, where their
	// flows are large and hubs rarely fail.
	hubs bool
	// shut, when set, is the branch and bound's rule of each session: the
	// plans built during a branch leave its shut sessions closed.
	shut []int8
}

// themeSessions are the parallel sessions of one theme in one round.
type themeSessions struct {
	theme    int
	sessions []int
}

// compile checks what validation cannot (sizes the engine supports) and
// builds the dense problem. ev must be valid and normalized.
func compile(ev *model.Event) (*problem, error) {
	pr := &problem{ev: ev, w: ev.Weights, maxPerOrg: ev.Rules.MaxPerOrganisation}
	pr.grain = weightGCD(ev.Weights)
	pr.nR, pr.nT, pr.nS = len(ev.Rounds), len(ev.Themes), len(ev.Sessions)
	pr.nO, pr.nP, pr.nH = len(ev.Organisations), len(ev.Participants), len(ev.Hosts)
	if pr.nR > maxRounds {
		return nil, fmt.Errorf("%w: rounds: the event has %d, the engine takes at most %d; plan it in parts of at most %d rounds", ErrUnsupported, pr.nR, maxRounds, maxRounds)
	}
	round := indexOf(ev.Rounds, func(r model.Round) string { return r.ID })
	theme := indexOf(ev.Themes, func(t model.Theme) string { return t.ID })
	org := indexOf(ev.Organisations, func(o model.Organisation) string { return o.ID })
	host := indexOf(ev.Hosts, func(h model.Host) string { return h.ID })
	sess := indexOf(ev.Sessions, func(s model.Session) string { return s.ID })

	pr.roundSess = make([][]int, pr.nR)
	pr.sRound, pr.sTheme = make([]int, pr.nS), make([]int, pr.nS)
	pr.sCap, pr.sMin, pr.sHost = make([]int, pr.nS), make([]int, pr.nS), make([]int, pr.nS)
	pr.hBusy = make([]uint64, pr.nH)
	for i, s := range ev.Sessions {
		r := round[s.Round]
		pr.sRound[i], pr.sTheme[i] = r, theme[s.Theme]
		// No session holds more than everyone: a larger capacity (an
		// organiser's 1e18 for "no limit") counts as that many, and a
		// minimum above everyone as one more, which no plan reaches
		// either. The flows' sums of capacities then stay within exact
		// int64 arithmetic. Messages quote the event's own figures.
		lo := min(s.MinSize(ev.Defaults.Min), pr.nP+1)
		pr.sCap[i], pr.sMin[i] = min(s.Cap(ev.Defaults.Capacity), max(pr.nP, lo)), lo
		pr.sHost[i] = -1
		if h, ok := host[s.Host]; ok && s.Host != "" {
			pr.sHost[i] = h
			pr.hBusy[h] |= 1 << r
		}
		pr.roundSess[r] = append(pr.roundSess[r], i)
		pr.hasSess |= 1 << r
	}

	pr.roundThemes = make([][]themeSessions, pr.nR)
	for r, ss := range pr.roundSess {
		at := map[int]int{}
		for _, s := range ss {
			t := pr.sTheme[s]
			i, ok := at[t]
			if !ok {
				i = len(pr.roundThemes[r])
				at[t] = i
				pr.roundThemes[r] = append(pr.roundThemes[r], themeSessions{theme: t})
			}
			pr.roundThemes[r][i].sessions = append(pr.roundThemes[r][i].sessions, s)
		}
	}

	pr.hAvail = make([]uint64, pr.nH)
	pr.hAff = make([]map[int]bool, pr.nH)
	for i, h := range ev.Hosts {
		pr.hAvail[i] = roundSet(h.Rounds, round, pr.nR)
		pr.hAff[i] = map[int]bool{}
		for _, o := range h.Organisations {
			if oi, ok := org[o]; ok {
				pr.hAff[i][oi] = true
			}
		}
	}
	pr.oDeleg = make([]bool, pr.nO)
	pr.oMembers = make([][]int, pr.nO)
	if ev.Delegations != nil {
		for _, r := range ev.Delegations.Rounds {
			pr.delegRounds = append(pr.delegRounds, round[r])
		}
		slices.Sort(pr.delegRounds)
		pr.delegRounds = slices.Compact(pr.delegRounds)
		for i, o := range ev.Organisations {
			pr.oDeleg[i] = o.IsDelegation()
		}
	}

	themeComp := make([]map[string]bool, pr.nT)
	for i, t := range ev.Themes {
		themeComp[i] = map[string]bool{}
		for _, c := range t.Competences {
			themeComp[i][c] = true
		}
	}
	pr.pOrg, pr.pAvail = make([]int, pr.nP), make([]uint64, pr.nP)
	pr.pMax, pr.pAttends = make([]int, pr.nP), make([]bool, pr.nP)
	pr.pPin, pr.pValue = make([][]int, pr.nP), make([][]int64, pr.nP)
	values := make([]int64, pr.nP*pr.nT) // one allocation for all rows
	for i, p := range ev.Participants {
		o := org[p.Organisation]
		pr.pOrg[i] = o
		pr.oMembers[o] = append(pr.oMembers[o], i)
		pr.pAvail[i] = roundSet(p.Rounds, round, pr.nR)
		pr.pMax[i] = pr.nR
		if p.Sessions != nil {
			pr.pMax[i] = min(*p.Sessions, pr.nR)
		}
		pr.pAttends[i] = pr.oDeleg[o] && p.AttendsDelegation()
		if len(p.Pinned) > 0 {
			pins := make([]int, pr.nR)
			for r := range pins {
				pins[r] = -1
			}
			for r, s := range p.Pinned {
				pins[round[r]] = sess[s]
			}
			pr.pPin[i] = pins
		}
		row := values[i*pr.nT : (i+1)*pr.nT : (i+1)*pr.nT]
		for t := range row {
			v := pr.w.Unranked
			if ev.Rules.OnlyRanked && len(p.Preferences) > 0 {
				v = forbidden
			}
			row[t] = int64(v)
		}
		for k, t := range p.Preferences {
			ti := theme[t]
			if k < len(pr.w.Rank) {
				row[ti] = int64(pr.w.Rank[k])
			} else {
				row[ti] = int64(pr.w.Unranked)
			}
		}
		for t := range row {
			if row[t] == forbidden {
				continue
			}
			for _, c := range p.Competences {
				if themeComp[t][c] {
					row[t] += int64(pr.w.Competence)
					break
				}
			}
		}
		pr.pValue[i] = row
	}
	pr.hubs = pr.nP > largeEvent
	if problems := pr.pinProblems(); len(problems) > 0 {
		return nil, &SetupError{Problems: problems}
	}
	return pr, nil
}

// pinProblems says where the pins alone break a hard rule: more people
// pinned to a session than it seats, or more of one organisation than
// maxPerOrganisation lets in. No plan can keep such pins, and the search,
// which takes them as given, would build plans that break the rule.
func (pr *problem) pinProblems() []string {
	pinned := make([][]int, pr.nS)
	for p := range pr.nP {
		for r := range pr.nR {
			if s := pr.pin(p, r); s >= 0 {
				pinned[s] = append(pinned[s], p)
			}
		}
	}
	var problems []string
	for s, ps := range pinned {
		sid := pr.ev.Sessions[s].ID
		if n := len(ps); n > pr.sCap[s] {
			problems = append(problems, fmt.Sprintf("session %q seats %d but %d participants are pinned to it (%s): raise its capacity or unpin %d of them",
				sid, pr.sCap[s], n, pr.participantList(ps), n-pr.sCap[s]))
		}
		if lo := pr.sMin[s]; len(ps) > 0 && lo > len(ps) {
			if n := pr.mayJoin(s); n < lo {
				problems = append(problems, fmt.Sprintf("session %q must hold at least %d to run, but only %d participants may join it, and it has pins (%s): lower its minimum or unpin them",
					sid, pr.ev.Sessions[s].MinSize(pr.ev.Defaults.Min), n, pr.participantList(ps)))
			}
		}
		if pr.maxPerOrg <= 0 {
			continue
		}
		byOrg := map[int][]int{}
		var orgs []int
		for _, p := range ps {
			o := pr.pOrg[p]
			if byOrg[o] == nil {
				orgs = append(orgs, o)
			}
			byOrg[o] = append(byOrg[o], p)
		}
		for _, o := range orgs {
			if n := len(byOrg[o]); n > pr.maxPerOrg {
				problems = append(problems, fmt.Sprintf("%d participants of %s are pinned to session %q (%s), above maxPerOrganisation %d: unpin %d of them or raise maxPerOrganisation",
					n, pr.orgName(o), sid, pr.participantList(byOrg[o]), pr.maxPerOrg, n-pr.maxPerOrg))
			}
		}
	}
	return problems
}

// mayJoin counts the participants who may join session s: available in
// its round and not pinned elsewhere then, and allowed its theme.
func (pr *problem) mayJoin(s int) int {
	r, t := pr.sRound[s], pr.sTheme[s]
	n := 0
	for p := range pr.nP {
		if pr.pAvail[p]&(1<<r) == 0 || pr.pValue[p][t] == forbidden {
			continue
		}
		if q := pr.pin(p, r); q >= 0 && q != s {
			continue
		}
		n++
	}
	return n
}

// participantList names participants by id, the first five and how many
// more.
func (pr *problem) participantList(ps []int) string {
	const show = 5
	ids := make([]string, 0, show)
	for _, p := range ps[:min(len(ps), show)] {
		ids = append(ids, fmt.Sprintf("%q", pr.ev.Participants[p].ID))
	}
	list := strings.Join(ids, ", ")
	if len(ps) > show {
		list += fmt.Sprintf(" and %d more", len(ps)-show)
	}
	return list
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

// roundSet turns a list of round ids into a bit set; nil means all rounds.
func roundSet(ids []string, round map[string]int, n int) uint64 {
	if ids == nil {
		return allRounds(n)
	}
	var set uint64
	for _, r := range ids {
		if i, ok := round[r]; ok {
			set |= 1 << i
		}
	}
	return set
}

func allRounds(n int) uint64 {
	if n >= 64 {
		return math.MaxUint64
	}
	return 1<<n - 1
}

// value is what one assignment of p to s adds to the objective, the
// unplaced weight included (each assignment saves one unplaced penalty), or
// forbidden.
func (pr *problem) value(p, s int) int64 {
	v := pr.pValue[p][pr.sTheme[s]]
	if v == forbidden {
		return forbidden
	}
	return int64(v) + int64(pr.w.Unplaced)
}

// free returns the rounds in which p may sit in a session when their
// organisation's delegation room is in round d (-1: none).
func (pr *problem) free(p, d int) uint64 {
	f := pr.pAvail[p] & pr.hasSess
	if d >= 0 && pr.pAttends[p] {
		f &^= 1 << d
	}
	return f
}

// wanted is wanted(p) of FORMAT.md with the delegation room in round d.
func (pr *problem) wanted(p, d int) int {
	return min(pr.pMax[p], bits.OnesCount64(pr.free(p, d)))
}

// pin returns the session p is pinned to in round r, or -1.
func (pr *problem) pin(p, r int) int {
	if pr.pPin[p] == nil {
		return -1
	}
	return pr.pPin[p][r]
}

// hostCan reports whether host h may run a delegation room in round r.
func (pr *problem) hostCan(h, r int) bool {
	return pr.hAvail[h]&(1<<r) != 0 && pr.hBusy[h]&(1<<r) == 0
}

// delegRoundOK reports whether organisation o may meet in round r: no
// attending member is pinned into a session in r.
func (pr *problem) delegRoundOK(o, r int) bool {
	for _, p := range pr.oMembers[o] {
		if pr.pAttends[p] && pr.pin(p, r) >= 0 {
			return false
		}
	}
	return true
}

// affinity is the affinity weight earned when host h runs o's room.
func (pr *problem) affinity(h, o int) int64 {
	if pr.hAff[h][o] {
		return int64(pr.w.Affinity)
	}
	return 0
}

// pairCost is the samePair penalty of n colleagues in one session.
func (pr *problem) pairCost(n int) int64 {
	return int64(pr.w.SamePair) * int64(n) * int64(n-1) / 2
}

// weightGCD returns the greatest common divisor of the weights, 1 when
// all are 0. Every term of the objective is an integer multiple of one
// weight, so every objective is a multiple of it.
func weightGCD(w model.Weights) int64 {
	g := int64(0)
	add := func(v int) {
		a := int64(v)
		if a < 0 {
			a = -a
		}
		for a != 0 {
			g, a = a, g%a
		}
	}
	for _, v := range w.Rank {
		add(v)
	}
	for _, v := range []int{w.Unranked, w.Competence, w.SamePair, w.Unplaced, w.Affinity, w.RepeatPair} {
		add(v)
	}
	return max(g, 1)
}

// floorBound rounds a value of the relaxation (with its float margin)
// down to the largest objective it allows: a multiple of the grain. A
// value that is NaN, or too large for an int64, proves nothing:
// math.MaxInt64 (converting it would give math.MinInt64 on amd64, a
// "bound" below every plan).
func (pr *problem) floorBound(x float64) int64 {
	q := math.Floor(x / float64(pr.grain))
	if math.IsNaN(q) || q >= math.MaxInt64/float64(pr.grain) {
		return math.MaxInt64
	}
	if q <= math.MinInt64/float64(pr.grain) {
		return math.MinInt64
	}
	return int64(q) * pr.grain
}
