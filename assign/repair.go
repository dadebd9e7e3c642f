package assign

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/bits"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable-go/roundtable/model"
	"github.com/roundtable-go/roundtable/solver"
)

// DefaultRepairTimeLimit is the time limit of a repair when its Options
// set none. A repair re-plans a few people around many pinned ones: its
// plan comes within tens or hundreds of milliseconds, and the rest of the
// time goes into proving its bound, which the engine may not finish. Set
// Options.WorkLimit to 1 to stop at the first plan.
const DefaultRepairTimeLimit = time.Second

// RepairOptions tune Repair. The zero value keeps everyone told where they
// are whenever the event allows it.
type RepairOptions struct {
	// Options tune the solves Repair runs. TimeLimit (0:
	// DefaultRepairTimeLimit) bounds the whole repair, every fallback and
	// candidate included; WorkLimit applies to each solve (1: stop at the
	// first plan, with the relaxation's first bound). OnImprove reports
	// the objective and bound of each solve (of the event with the kept
	// assignments pinned, first).
	Options
	// AllowMoves lets people already told move when that pays: Repair then
	// also solves the event afresh (the told assignments not pinned) and
	// returns whichever of the two plans has the higher Objective -
	// MoveCost x moves, the kept plan on a tie. Both objectives are in the
	// Diff.
	AllowMoves bool
	// MoveCost is what one move costs against the objective when
	// AllowMoves is set (0: moves are free, the higher objective wins).
	MoveCost int64
}

// Placement is one session of one round.
type Placement struct {
	Round   string `json:"round"`
	Session string `json:"session"`
}

// ParticipantChange lists one participant with the sessions they get (in
// Diff.Added) or had (in Diff.Dropped), in round order.
type ParticipantChange struct {
	Participant string      `json:"participant"`
	Sessions    []Placement `json:"sessions"`
}

// Move is one told assignment that the new plan changes: the participant
// sat in From in Round and now sits in To ("" when they have no session in
// that round any more), and why.
type Move struct {
	Participant string `json:"participant"`
	Round       string `json:"round"`
	From        string `json:"from"`
	To          string `json:"to"`
	Reason      string `json:"reason"`
}

// RoomMove is a delegation room whose round or host changed.
type RoomMove struct {
	Organisation string `json:"organisation"`
	FromRound    string `json:"fromRound"`
	FromHost     string `json:"fromHost"`
	ToRound      string `json:"toRound"` // "" when the organisation has no room any more
	ToHost       string `json:"toHost"`
	Reason       string `json:"reason"`
}

// Diff says how a repaired plan differs from the plan people were told.
// Lists are in the event's order of participants (Dropped: the previous
// plan's order), then by round; empty lists are written as [].
type Diff struct {
	// Added are the participants the previous plan neither placed nor
	// listed as unplaced (late registrants), with their sessions, when the
	// new plan places them or lists them as unplaced (someone who wants
	// no session is not news).
	Added []ParticipantChange `json:"added"`
	// Moved are the told assignments the new plan changes.
	Moved []Move `json:"moved"`
	// Gained are sessions given to participants of the previous plan in
	// rounds where they had none (a seat freed by a drop-out, say):
	// nothing they were told changes.
	Gained []model.Assignment `json:"gained"`
	// Dropped are the participants of the previous plan who are no longer
	// in the event, with the sessions they leave.
	Dropped []ParticipantChange `json:"dropped"`
	// RoomsMoved are the delegation rooms whose round or host changed.
	RoomsMoved []RoomMove `json:"roomsMoved"`
	// Relaxed lists, in order, the fallbacks Repair had to take because no
	// plan kept every told assignment it could keep (see Repair).
	Relaxed []string `json:"relaxed,omitempty"`
	// KeptObjective and FreshObjective, with AllowMoves, are the
	// objectives of the plan that keeps the told assignments and of the
	// fresh solve; FreshMoves is how many moves the fresh plan makes.
	KeptObjective  *int64 `json:"keptObjective,omitempty"`
	FreshObjective *int64 `json:"freshObjective,omitempty"`
	FreshMoves     *int   `json:"freshMoves,omitempty"`
}

// Repair re-plans an event that has changed since the plan previous was
// made and told: late registrants, drop-outs, changed availability, a
// session closed (capacity 0 or removed) or resized, other rules. It
// returns the new plan and how it differs from previous.
//
// # What is kept
//
// Everyone of previous who is still in the event was told their sessions.
// Each told assignment is pinned (model.Participant.Pinned, the persistent
// form of "told") unless the event makes it impossible; then it is not
// pinned, and if the person ends up elsewhere the move gives the reason:
//
//   - the round or the session is gone: "session S is closed (no longer
//     in the event)"; the session now runs in another round: "session S is
//     closed in round R (...)";
//   - the session has capacity 0: "session S is closed (capacity 0)";
//   - the session was resized below the people told: those who ranked its
//     theme lowest (then the last in the event's order) are unpinned, as
//     few as needed; likewise for rules.maxPerOrganisation, within each
//     organisation;
//   - the participant is no longer available that round, now wants fewer
//     sessions (their least valued ones are unpinned), now attends their
//     organisation's delegation room in that round, or the event pins them
//     elsewhere; the theme is now forbidden by rules.onlyRanked, or is
//     theirs in another round already;
//   - an organisation's delegation room would have no round left: the told
//     assignments of its attending members in its previous room round (or
//     the delegation round with the fewest of them) are unpinned.
//
// Pins the event itself sets are always kept. Delegation rooms have no pin
// in the format: a room's round is held by its members' pinned sessions
// (a room cannot meet in a round where an attending member is pinned into
// a session), and after the solve each round's hosts are re-matched so
// that as many rooms as possible keep their previous host, then by
// affinity. A room that still changes round or host is listed in
// RoomsMoved.
//
// # When the kept assignments admit no plan
//
// When the solve with these pins finds no plan (a *SetupError: a session
// left below its minimum that no one can fill, a delegation room with no
// host), Repair relaxes, in this order, and records each step in
// Diff.Relaxed:
//
//  1. a session that holds fewer pinned people than its minimum is held
//     open by moving the missing few into it from other sessions of its
//     round (those who gain most first; every hard rule kept, and the
//     sessions they leave stay at their minimum or empty) when that moves
//     fewer people than closing it; otherwise, or if the solve still finds
//     no plan, its told members are unpinned;
//  2. where the delegation rooms held in a round outnumber its free hosts,
//     the told sessions of one organisation's attending members in one
//     other round are unpinned, so that its room can move there: the
//     fewest such sessions that let every room have a host;
//  3. no told assignment is pinned at all (a fresh solve with the event's
//     own pins), every change reported as a move with the setup problem as
//     its reason.
//
// Steps 1 and 2 choose their moves greedily, one session or organisation
// at a time: they make far fewer moves than a fresh solve, but are not
// proven to make the fewest.
//
// If even that has no plan, Repair returns the *SetupError of the fresh
// solve: it never fails silently.
//
// # Guarantees
//
// Without AllowMoves, keeping comes first: a told assignment changes only
// when a check above releases it (and the plan then puts the person
// elsewhere) or in a fallback, which Diff.Relaxed reports. The checks
// release as few as they can: exactly the excess over a session's new
// capacity, a participant's new number of sessions or
// rules.maxPerOrganisation, and for an organisation whose new delegation
// room has no round left, the told sessions of one round. Within the kept
// assignments the objective is maximised as Solve does. The plan's Bound
// is proven for the plans that keep the pinned assignments (no such plan
// scores above it; a plan that moves people might), and Status is optimal
// when the plan reaches it. The plan obeys every hard rule of the event as
// given. The tests hold every repaired plan against model.Check, a fresh
// solve of the same changed event (which never moved fewer people; an
// objective at most one unplaced penalty per affected person above it,
// measured at about a third of that at worst) and the reduction below
// against the full solve.
//
// With AllowMoves, the plan kept is chosen by Objective - MoveCost x
// moves between the two candidates above, each given half the time; when
// the fresh solve fails the kept plan stands and FreshObjective is absent.
// Moves are then weighted, not minimised first, and a fresh solve may move
// people without need (between parallel sessions, say).
//
// # Speed
//
// People whose sessions the pins fix entirely are taken out of the solve,
// with their seats, minimum sizes and colleague pairs accounted for
// exactly (see reduction), so the engine works on the few who can still
// move and the colleagues they may join: about 450 of 3,000 people for 10
// late registrants in BenchmarkRepairLate, whose first plan comes in
// under 100 ms (WorkLimit 1). The reduced event has the same plans and
// objectives, plus a constant, so the bound carries over. It is skipped
// when the repeatPair weight is set, which links everyone, and with
// Options.Fair. The reduced plan is expanded without re-running
// model.Check, which alone costs more than such a repair; the session
// sizes, which the reduction changes, are checked.
func Repair(ctx context.Context, ev *model.Event, previous *model.Plan, opts RepairOptions) (*model.Plan, *Diff, error) {
	if ev == nil || previous == nil {
		return nil, nil, errors.New("assign: Repair needs an event and the previous plan")
	}
	if err := ev.Validate(); err != nil {
		return nil, nil, err
	}
	limit := opts.TimeLimit
	if limit <= 0 {
		limit = DefaultRepairTimeLimit
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	deadline, _ := ctx.Deadline()
	rp := newRepairer(ev, previous)
	rp.choosePins()

	solveOpts := opts.Options
	solveOpts.TimeLimit = 0
	remaining := func(share float64) Options {
		o := solveOpts
		o.TimeLimit = max(time.Millisecond, time.Duration(float64(time.Until(deadline))*share))
		return o
	}
	keptShare := 1.0
	if opts.AllowMoves {
		keptShare = 0.5
	}

	var diff Diff
	plan, err := solvePinned(ctx, rp.pinnedEvent(), remaining(keptShare))
	var setup *SetupError
	if errors.As(err, &setup) {
		first := setupLine(setup)
		fills := rp.fillBelowMin()
		n := rp.relaxBelowMin()
		if len(fills) > 0 {
			plan, err = solvePinned(ctx, rp.pinnedEvent(), remaining(keptShare))
			if errors.As(err, &setup) {
				rp.revertFills(fills)
				n += rp.relaxBelowMin()
				fills = nil
			}
		}
		if len(fills) > 0 || n > 0 {
			line := fmt.Sprintf("no plan keeps every told assignment (%s);", first)
			if len(fills) > 0 {
				line += fmt.Sprintf(" moved %d told participant(s) into sessions below their minimum", len(fills))
				if n > 0 {
					line += " and"
				}
			}
			if n > 0 {
				line += fmt.Sprintf(" unpinned the %d told assignment(s) of sessions below their minimum", n)
			}
			diff.Relaxed = append(diff.Relaxed, line)
			if len(fills) == 0 {
				plan, err = solvePinned(ctx, rp.pinnedEvent(), remaining(keptShare))
			}
		}
	}
	if errors.As(err, &setup) && !rp.roomsHosted(ctx) && rp.freeRoomForHosts(ctx) {
		diff.Relaxed = append(diff.Relaxed, fmt.Sprintf("no plan keeps the told assignments (%s); unpinned one organisation's told sessions of one round so that its delegation room can move there", setupLine(setup)))
		plan, err = solvePinned(ctx, rp.pinnedEvent(), remaining(keptShare))
	}
	if errors.As(err, &setup) {
		reason := "no plan keeps the told assignments: " + setupLine(setup)
		diff.Relaxed = append(diff.Relaxed, reason+"; solved afresh without them")
		rp.unpinAll(reason)
		plan, err = solvePinned(ctx, rp.pinnedEvent(), remaining(1))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("assign: repair: %w", err)
	}
	if err := rp.keepHosts(ctx, plan); err != nil {
		return nil, nil, err
	}
	rp.fillDiff(&diff, plan)

	if opts.AllowMoves && len(diff.Relaxed) == 0 {
		kept := plan.Objective
		diff.KeptObjective = &kept
		fresh, ferr := solvePinned(ctx, rp.freshEvent(), remaining(1))
		if ferr == nil {
			if err := rp.keepHosts(ctx, fresh); err != nil {
				return nil, nil, err
			}
			var fd Diff
			rp.reasonDefault = "moving raises the objective (AllowMoves)"
			rp.fillDiff(&fd, fresh)
			fo, fm := fresh.Objective, len(fd.Moved)
			diff.FreshObjective, diff.FreshMoves = &fo, &fm
			if fo-opts.MoveCost*int64(fm) > kept-opts.MoveCost*int64(len(diff.Moved)) {
				fd.KeptObjective, fd.FreshObjective, fd.FreshMoves = diff.KeptObjective, diff.FreshObjective, diff.FreshMoves
				plan, diff = fresh, fd
			}
		}
	}
	return plan, &diff, nil
}

func setupLine(err error) string {
	msg := err.Error()
	if se, ok := err.(*SetupError); ok && len(se.Problems) > 0 {
		msg = se.Problems[0]
	}
	line, _, _ := strings.Cut(msg, "\n")
	return line
}

// repairer holds the event, the told plan and the pins chosen.
type repairer struct {
	ev   *model.Event // as given, validated
	norm *model.Event
	prev *model.Plan

	roundIdx map[string]int
	sessIdx  map[string]int
	partIdx  map[string]int

	told     map[string][]model.Assignment // by participant id, in round order
	inPrev   map[string]bool               // placed or listed unplaced by prev
	prevRoom map[string]model.DelegationRoom

	// kept[i] are the told assignments pinned for participant i of norm,
	// by round id; unpinned[pid+"\x00"+round] says why one was not.
	kept     []map[string]string
	unpinned map[string]string
	// forced[i] pins participant i, by round id, into a session they were
	// not told, to hold it at its minimum (fillBelowMin).
	forced []map[string]string
	// reasonDefault explains a move no rule of choosePins forced (a
	// fallback or AllowMoves).
	reasonDefault string
}

func newRepairer(ev *model.Event, prev *model.Plan) *repairer {
	norm := ev.Normalized()
	rp := &repairer{ev: ev, norm: norm, prev: prev,
		roundIdx: indexOf(norm.Rounds, func(r model.Round) string { return r.ID }),
		sessIdx:  indexOf(norm.Sessions, func(s model.Session) string { return s.ID }),
		partIdx:  indexOf(norm.Participants, func(p model.Participant) string { return p.ID }),
		told:     map[string][]model.Assignment{},
		inPrev:   map[string]bool{},
		prevRoom: map[string]model.DelegationRoom{},
		unpinned: map[string]string{},
	}
	for _, a := range prev.Assignments {
		rp.told[a.Participant] = append(rp.told[a.Participant], a)
		rp.inPrev[a.Participant] = true
	}
	for _, u := range prev.Unplaced {
		rp.inPrev[u.Participant] = true
	}
	order := func(r string) int {
		if i, ok := rp.roundIdx[r]; ok {
			return i
		}
		return math.MaxInt
	}
	for _, as := range rp.told {
		slices.SortStableFunc(as, func(a, b model.Assignment) int { return cmp.Compare(order(a.Round), order(b.Round)) })
	}
	for _, d := range prev.Delegations {
		rp.prevRoom[d.Organisation] = d
	}
	return rp
}

func unpinKey(pid, round string) string { return pid + "\x00" + round }

// value is how much p gains from a session of theme t (rank and
// competence), the order in which told assignments are kept when not all
// can be.
func (rp *repairer) value(p model.Participant, theme string) int {
	w := rp.norm.Weights
	v := w.Unranked
	if k := slices.Index(p.Preferences, theme); k >= 0 && k < len(w.Rank) {
		v = w.Rank[k]
	}
	for _, t := range rp.norm.Themes {
		if t.ID == theme && repairShares(p.Competences, t.Competences) {
			v += w.Competence
		}
	}
	return v
}

func repairShares(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// choosePins decides which told assignments are pinned; see Repair.
func (rp *repairer) choosePins() {
	ev := rp.norm
	rp.kept = make([]map[string]string, len(ev.Participants))
	delegRound := func(r string) bool { return ev.Delegations != nil && slices.Contains(ev.Delegations.Rounds, r) }
	orgDeleg := map[string]bool{}
	for _, o := range ev.Organisations {
		orgDeleg[o.ID] = ev.Delegations != nil && o.IsDelegation()
	}
	for i, p := range ev.Participants {
		kept := map[string]string{}
		themeRound := map[string]string{}
		for r, s := range p.Pinned {
			themeRound[ev.Sessions[rp.sessIdx[s]].Theme] = r
		}
		for _, a := range rp.told[p.ID] {
			why := ""
			si, known := rp.sessIdx[a.Session]
			_, roundKnown := rp.roundIdx[a.Round]
			var s model.Session
			if known {
				s = ev.Sessions[si]
			}
			switch {
			case p.Pinned[a.Round] == a.Session:
				continue // the event pins it itself
			case !roundKnown:
				why = fmt.Sprintf("round %s is no longer in the event", a.Round)
			case p.Pinned[a.Round] != "":
				why = fmt.Sprintf("the event now pins them to %s", p.Pinned[a.Round])
			case !known:
				why = fmt.Sprintf("session %s is closed (no longer in the event)", a.Session)
			case s.Round != a.Round:
				why = fmt.Sprintf("session %s is closed in round %s (it now runs in %s)", a.Session, a.Round, s.Round)
			case s.Cap(ev.Defaults.Capacity) == 0:
				why = fmt.Sprintf("session %s is closed (capacity 0)", a.Session)
			case p.Rounds != nil && !slices.Contains(p.Rounds, a.Round):
				why = fmt.Sprintf("no longer available in round %s", a.Round)
			case orgDeleg[p.Organisation] && p.AttendsDelegation() && delegRound(a.Round) && rp.prevRoom[p.Organisation].Round == a.Round:
				why = fmt.Sprintf("round %s is their organisation's delegation room", a.Round)
			case ev.Rules.OnlyRanked && len(p.Preferences) > 0 && !slices.Contains(p.Preferences, s.Theme):
				why = fmt.Sprintf("theme %s is not among their preferences and rules.onlyRanked is set", s.Theme)
			case themeRound[s.Theme] != "":
				why = fmt.Sprintf("theme %s is already theirs in round %s", s.Theme, themeRound[s.Theme])
			}
			if why != "" {
				rp.unpinned[unpinKey(p.ID, a.Round)] = why
				continue
			}
			kept[a.Round] = a.Session
			themeRound[s.Theme] = a.Round
		}
		rp.kept[i] = kept
		if p.Sessions != nil && len(kept)+len(p.Pinned) > *p.Sessions {
			rounds := slices.Sorted(maps.Keys(kept))
			slices.SortStableFunc(rounds, func(a, b string) int {
				return cmp.Compare(rp.value(p, ev.Sessions[rp.sessIdx[kept[a]]].Theme), rp.value(p, ev.Sessions[rp.sessIdx[kept[b]]].Theme))
			})
			for _, r := range rounds[:len(kept)+len(p.Pinned)-*p.Sessions] {
				rp.unpin(i, r, fmt.Sprintf("now wants only %d session(s)", *p.Sessions))
			}
		}
	}
	rp.fitSessions()
	rp.freeRoomRounds()
}

// unpin drops participant i's told assignment in round r, for why.
func (rp *repairer) unpin(i int, r, why string) {
	delete(rp.kept[i], r)
	rp.unpinned[unpinKey(rp.norm.Participants[i].ID, r)] = why
}

// members returns, per session index, the participants pinned there
// (event pins and kept told assignments), and whether each is told.
func (rp *repairer) members() [][]pinnedMember {
	ev := rp.norm
	out := make([][]pinnedMember, len(ev.Sessions))
	for i, p := range ev.Participants {
		for r, s := range p.Pinned {
			_ = r
			si := rp.sessIdx[s]
			out[si] = append(out[si], pinnedMember{i, false})
		}
		for _, s := range rp.kept[i] {
			si := rp.sessIdx[s]
			out[si] = append(out[si], pinnedMember{i, true})
		}
		if rp.forced != nil {
			for _, s := range rp.forced[i] {
				si := rp.sessIdx[s]
				out[si] = append(out[si], pinnedMember{i, false})
			}
		}
	}
	for _, ms := range out {
		slices.SortFunc(ms, func(a, b pinnedMember) int { return cmp.Compare(a.p, b.p) })
	}
	return out
}

type pinnedMember struct {
	p    int
	told bool
}

// fitSessions unpins, in each session with more pinned people than seats
// (or than rules.maxPerOrganisation of one organisation), the told members
// who ranked its theme lowest, then the last in the event's order.
func (rp *repairer) fitSessions() {
	ev := rp.norm
	maxOrg := ev.Rules.MaxPerOrganisation
	for si, ms := range rp.members() {
		s := ev.Sessions[si]
		capacity := s.Cap(ev.Defaults.Capacity)
		if len(ms) <= capacity && maxOrg <= 0 {
			continue
		}
		var told []int
		for _, m := range ms {
			if m.told {
				told = append(told, m.p)
			}
		}
		// Lowest value first, then the last in event order first.
		value := make(map[int]int, len(told))
		for _, p := range told {
			value[p] = rp.value(ev.Participants[p], s.Theme)
		}
		slices.SortStableFunc(told, func(a, b int) int {
			if c := cmp.Compare(value[a], value[b]); c != 0 {
				return c
			}
			return cmp.Compare(b, a)
		})
		if maxOrg > 0 {
			per := map[string]int{}
			for _, m := range ms {
				per[ev.Participants[m.p].Organisation]++
			}
			for _, p := range told {
				org := ev.Participants[p].Organisation
				if per[org] > maxOrg {
					per[org]--
					rp.unpin(p, s.Round, fmt.Sprintf("session %s may hold at most %d of %s (rules.maxPerOrganisation)", s.ID, maxOrg, org))
				}
			}
		}
		n := 0
		for _, m := range ms {
			if _, ok := rp.kept[m.p][s.Round]; ok || !m.told {
				n++
			}
		}
		for _, p := range told {
			if n <= capacity {
				break
			}
			if _, ok := rp.kept[p][s.Round]; !ok {
				continue
			}
			n--
			rp.unpin(p, s.Round, fmt.Sprintf("session %s now takes %d, fewer than the people told", s.ID, capacity))
		}
	}
}

// sessionHostRounds is the set of (host, round) where the host runs a
// session, and so no delegation room.
func sessionHostRounds(ev *model.Event) map[[2]string]bool {
	busy := map[[2]string]bool{}
	for _, s := range ev.Sessions {
		if s.Host != "" {
			busy[[2]string{s.Host, s.Round}] = true
		}
	}
	return busy
}

// freeRoomRounds unpins, for every organisation whose delegation room
// would have no round left (an attending member pinned in each, or no
// host free then), the told assignments of its attending members in the
// round of its previous room, or else the delegation round with the
// fewest of them that no pin of the event blocks and where some host is
// free (available, and running no session then).
func (rp *repairer) freeRoomRounds() {
	ev := rp.norm
	if ev.Delegations == nil {
		return
	}
	busy := sessionHostRounds(ev)
	hosted := map[string]bool{} // rounds where some host is free for a room
	for _, r := range ev.Delegations.Rounds {
		hosted[r] = slices.ContainsFunc(ev.Hosts, func(h model.Host) bool { return h.AvailableIn(r) && !busy[[2]string{h.ID, r}] })
	}
	byOrg := map[string][]int{}
	for i, p := range ev.Participants {
		if p.AttendsDelegation() {
			byOrg[p.Organisation] = append(byOrg[p.Organisation], i)
		}
	}
	for _, o := range ev.Organisations {
		if !o.IsDelegation() {
			continue
		}
		toldIn, eventIn := map[string]int{}, map[string]bool{}
		for _, i := range byOrg[o.ID] {
			for r := range rp.kept[i] {
				toldIn[r]++
			}
			for r := range ev.Participants[i].Pinned {
				eventIn[r] = true
			}
		}
		usable := func(r string) bool { return !eventIn[r] && hosted[r] }
		if slices.ContainsFunc(ev.Delegations.Rounds, func(r string) bool { return toldIn[r] == 0 && usable(r) }) {
			continue // a round is left for the room
		}
		best := ""
		if r := rp.prevRoom[o.ID].Round; r != "" && slices.Contains(ev.Delegations.Rounds, r) && usable(r) {
			best = r
		} else {
			for _, r := range ev.Delegations.Rounds {
				if usable(r) && (best == "" || toldIn[r] < toldIn[best]) {
					best = r
				}
			}
		}
		if best == "" {
			continue // the event's own pins leave no round: Solve says so
		}
		for _, i := range byOrg[o.ID] {
			if _, ok := rp.kept[i][best]; ok {
				rp.unpin(i, best, fmt.Sprintf("round %s is needed for their organisation's delegation room", best))
			}
		}
	}
}

// relaxBelowMin unpins the told members of sessions that hold fewer pinned
// people than their minimum, and returns how many it unpinned.
func (rp *repairer) relaxBelowMin() int {
	ev := rp.norm
	n := 0
	for si, ms := range rp.members() {
		s := ev.Sessions[si]
		lo := s.MinSize(ev.Defaults.Min)
		if len(ms) == 0 || len(ms) >= lo {
			continue
		}
		for _, m := range ms {
			if m.told {
				rp.unpin(m.p, s.Round, fmt.Sprintf("session %s holds fewer than its minimum of %d with the people told, and no plan fills it", s.ID, lo))
				n++
			}
		}
	}
	return n
}

// fillBelowMin holds open, where that moves fewer people than closing it,
// each session that holds fewer pinned people than its minimum: it moves
// the missing few into it from other sessions of the round they were told
// (those who gain most from the move, or lose least, first), where the
// move breaks no hard rule and leaves their own session at its minimum or
// empty. A session it cannot fill with fewer moves than it has told
// members, it leaves to relaxBelowMin, which empties it. It returns the
// moves it made; revertFills undoes them.
func (rp *repairer) fillBelowMin() []fill {
	ev := rp.norm
	members := rp.members()
	count := make([]int, len(ev.Sessions))
	for si, ms := range members {
		count[si] = len(ms)
	}
	rp.forced = make([]map[string]string, len(ev.Participants))
	var fills []fill
	for si, ms := range members {
		s := ev.Sessions[si]
		lo := s.MinSize(ev.Defaults.Min)
		if count[si] == 0 || count[si] >= lo {
			continue
		}
		told := 0
		for _, m := range ms {
			if m.told {
				told++
			}
		}
		need := lo - count[si]
		if told <= need && told == len(ms) {
			continue // closing it moves no more people than filling it
		}
		cands := rp.fillCandidates(si, ms, count)
		if len(cands) < need {
			continue
		}
		for _, i := range cands {
			r := s.Round
			from := rp.kept[i][r]
			count[rp.sessIdx[from]]--
			count[si]++
			rp.unpin(i, r, fmt.Sprintf("moved to %s, which holds fewer than its minimum of %d with the people told", s.ID, lo))
			if rp.forced[i] == nil {
				rp.forced[i] = map[string]string{}
			}
			rp.forced[i][r] = s.ID
			fills = append(fills, fill{i, r, from})
		}
	}
	return fills
}

// fill is one move fillBelowMin made: participant p, told session from in
// round r.
type fill struct {
	p       int
	r, from string
}

// fillCandidates chooses the participants who move into session si, to
// lift it from count[si] to its minimum, from the sessions of its round
// they are pinned to as told, best first: each move keeps every hard rule
// (theme, onlyRanked, maxPerOrganisation, capacity), and each session
// they leave, counted with the earlier moves, stays at its minimum or
// empties. ms are the people pinned in si (members). Fewer than needed:
// none.
func (rp *repairer) fillCandidates(si int, ms []pinnedMember, count []int) []int {
	ev := rp.norm
	s := ev.Sessions[si]
	maxOrg := ev.Rules.MaxPerOrganisation
	perOrg := map[string]int{}
	for _, m := range ms {
		perOrg[ev.Participants[m.p].Organisation]++
	}
	themeOf := func(id string) string { return ev.Sessions[rp.sessIdx[id]].Theme }
	type cand struct{ p, gain int }
	var cands []cand
	for i, p := range ev.Participants {
		from, ok := rp.kept[i][s.Round]
		if !ok || rp.forced[i][s.Round] != "" {
			continue
		}
		if rp.sessIdx[from] == si {
			continue
		}
		if ev.Rules.OnlyRanked && len(p.Preferences) > 0 && !slices.Contains(p.Preferences, s.Theme) {
			continue
		}
		twice := false
		for _, pins := range []map[string]string{p.Pinned, rp.kept[i], rp.forced[i]} {
			for r, id := range pins {
				twice = twice || (r != s.Round && themeOf(id) == s.Theme)
			}
		}
		if twice {
			continue
		}
		cands = append(cands, cand{i, rp.value(p, s.Theme) - rp.value(p, themeOf(from))})
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return cmp.Compare(b.gain, a.gain) })
	var out []int
	need := s.MinSize(ev.Defaults.Min) - count[si]
	left := map[int]int{} // session -> people it loses
	for _, c := range cands {
		if len(out) == need || count[si]+len(out) >= s.Cap(ev.Defaults.Capacity) {
			break
		}
		org := ev.Participants[c.p].Organisation
		if maxOrg > 0 && perOrg[org] >= maxOrg {
			continue
		}
		fi := rp.sessIdx[rp.kept[c.p][s.Round]]
		if n := count[fi] - left[fi] - 1; n > 0 && n < ev.Sessions[fi].MinSize(ev.Defaults.Min) {
			continue
		}
		left[fi]++
		perOrg[org]++
		out = append(out, c.p)
	}
	if len(out) < need {
		return nil
	}
	return out
}

// revertFills pins again, as told, the people fillBelowMin moved.
func (rp *repairer) revertFills(fills []fill) {
	for _, f := range fills {
		delete(rp.forced[f.p], f.r)
		rp.kept[f.p][f.r] = f.from
		delete(rp.unpinned, unpinKey(rp.norm.Participants[f.p].ID, f.r))
	}
}

// freeRoomForHosts looks, where the delegation rooms cannot all get a
// host (more rooms held in a round than hosts free then), for the one
// organisation and round whose told sessions, once unpinned, let every
// room have a host: the fewest told sessions first. It unpins them and
// reports whether it found one; Repair otherwise solves afresh.
func (rp *repairer) freeRoomForHosts(ctx context.Context) bool {
	ev := rp.norm
	if ev.Delegations == nil {
		return false
	}
	byOrg := map[string][]int{}
	for i, p := range ev.Participants {
		if p.AttendsDelegation() {
			byOrg[p.Organisation] = append(byOrg[p.Organisation], i)
		}
	}
	type cand struct {
		org   string
		round string
		n     int
	}
	var cands []cand
	for _, o := range ev.Organisations {
		if !o.IsDelegation() {
			continue
		}
		for _, r := range ev.Delegations.Rounds {
			n := 0
			for _, i := range byOrg[o.ID] {
				if _, ok := rp.kept[i][r]; ok {
					n++
				}
			}
			if n > 0 {
				cands = append(cands, cand{o.ID, r, n})
			}
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return cmp.Compare(a.n, b.n) })
	for k, c := range cands {
		if k == maxRoomTries || ctx.Err() != nil {
			break
		}
		var undo []fill
		for _, i := range byOrg[c.org] {
			if from, ok := rp.kept[i][c.round]; ok {
				undo = append(undo, fill{i, c.round, from})
				rp.unpin(i, c.round, fmt.Sprintf("round %s is needed for their organisation's delegation room: the rooms held in the other rounds outnumber the free hosts", c.round))
			}
		}
		if rp.roomsHosted(ctx) {
			return true
		}
		for _, f := range undo {
			rp.kept[f.p][f.r] = f.from
			delete(rp.unpinned, unpinKey(ev.Participants[f.p].ID, f.r))
		}
	}
	return false
}

// maxRoomTries caps the organisation and round pairs freeRoomForHosts
// tries, each a compilation of the event and a flow.
const maxRoomTries = 64

// roomsHosted reports whether, with the pins as they stand, every
// delegation room can have a round and a host.
func (rp *repairer) roomsHosted(ctx context.Context) bool {
	pr, err := compile(rp.pinnedEvent())
	if err != nil {
		return false
	}
	return pr.chooseDelegations(ctx, pr.newState(), nil) == nil
}

// unpinAll drops every told pin, for why.
func (rp *repairer) unpinAll(why string) {
	rp.forced = nil
	for i := range rp.kept {
		for r := range rp.kept[i] {
			rp.unpin(i, r, why)
		}
	}
	rp.reasonDefault = why
}

// pinnedEvent returns the normalized event with the kept told
// assignments pinned. It shares what it does not change with rp.norm;
// nothing downstream modifies an event.
func (rp *repairer) pinnedEvent() *model.Event {
	out := *rp.norm
	out.Participants = slices.Clone(rp.norm.Participants)
	for i := range out.Participants {
		p := &out.Participants[i]
		var forced map[string]string
		if rp.forced != nil {
			forced = rp.forced[i]
		}
		if len(rp.kept[i]) == 0 && len(forced) == 0 {
			continue
		}
		pins := make(map[string]string, len(p.Pinned)+len(rp.kept[i])+len(forced))
		maps.Copy(pins, p.Pinned)
		maps.Copy(pins, rp.kept[i])
		maps.Copy(pins, forced)
		p.Pinned = pins
	}
	return &out
}

// freshEvent returns the normalized event with only its own pins.
func (rp *repairer) freshEvent() *model.Event { return rp.norm }

// keepHosts re-matches the hosts of each round's delegation rooms so that
// as many rooms as possible keep the host of the previous plan (same
// round), then by affinity; the plan's figures are recomputed.
func (rp *repairer) keepHosts(ctx context.Context, plan *model.Plan) error {
	ev := rp.norm
	if ev.Delegations == nil || len(plan.Delegations) == 0 {
		return nil
	}
	changed := false
	for _, d := range plan.Delegations {
		if pr, ok := rp.prevRoom[d.Organisation]; ok && pr.Round == d.Round && pr.Host != d.Host {
			changed = true
		}
	}
	if !changed {
		return nil
	}
	const keep = 1 << 20
	busy := sessionHostRounds(ev)
	affinity := func(h model.Host, org string) int64 {
		if slices.Contains(h.Organisations, org) {
			return int64(ev.Weights.Affinity)
		}
		return 0
	}
	byRound := map[string][]int{}
	for i, d := range plan.Delegations {
		byRound[d.Round] = append(byRound[d.Round], i)
	}
	rooms := slices.Clone(plan.Delegations)
	for _, r := range slices.Sorted(maps.Keys(byRound)) {
		idx := byRound[r]
		g := solver.NewGraph(1 + len(ev.Hosts))
		const sink = 0
		for h, host := range ev.Hosts {
			if host.AvailableIn(r) && !busy[[2]string{host.ID, r}] {
				g.AddArc(1+h, sink, 0, 1, 0)
			}
		}
		type arc struct{ room, host, id int }
		var arcs []arc
		for _, i := range idx {
			org := rooms[i].Organisation
			v := g.AddNode()
			g.SetSupply(v, 1)
			for h, host := range ev.Hosts {
				if host.AvailableIn(r) && !busy[[2]string{host.ID, r}] {
					cost := -affinity(host, org)
					if pr, ok := rp.prevRoom[org]; ok && pr.Round == r && pr.Host == host.ID {
						cost -= keep
					}
					arcs = append(arcs, arc{i, h, g.AddArc(v, 1+h, 0, 1, cost)})
				}
			}
		}
		g.SetSupply(sink, -int64(len(idx)))
		sol, err := g.Solve(ctx)
		if err != nil {
			return nil // keep the engine's hosts
		}
		for _, a := range arcs {
			if sol.Flow[a.id] > 0 {
				rooms[a.room].Host = ev.Hosts[a.host].ID
			}
		}
	}
	// The flows keep every host available, free of sessions and in one
	// room per round: only the affinity changes.
	hostOf := map[string]model.Host{}
	for _, h := range ev.Hosts {
		hostOf[h.ID] = h
	}
	var aff int64
	for _, d := range rooms {
		aff += affinity(hostOf[d.Host], d.Organisation)
	}
	plan.Delegations = rooms
	plan.Breakdown.Affinity = aff
	plan.Objective = plan.Breakdown.Total()
	plan.Bound = max(plan.Bound, plan.Objective)
	plan.Status = model.StatusFeasible
	if plan.Bound == plan.Objective {
		plan.Status = model.StatusOptimal
	}
	return nil
}

// fillDiff compares plan with the told plan.
func (rp *repairer) fillDiff(d *Diff, plan *model.Plan) {
	ev := rp.norm
	now := map[string]map[string]string{}
	for _, a := range plan.Assignments {
		if now[a.Participant] == nil {
			now[a.Participant] = map[string]string{}
		}
		now[a.Participant][a.Round] = a.Session
	}
	roundOrder := func(r string) int {
		if i, ok := rp.roundIdx[r]; ok {
			return i
		}
		return math.MaxInt
	}
	placements := func(m map[string]string) []Placement {
		out := []Placement{}
		for r, s := range m {
			out = append(out, Placement{Round: r, Session: s})
		}
		// Rounds the event no longer has all sort last: by id, so that
		// the map's order never shows.
		slices.SortFunc(out, func(a, b Placement) int {
			return cmp.Or(cmp.Compare(roundOrder(a.Round), roundOrder(b.Round)), cmp.Compare(a.Round, b.Round), cmp.Compare(a.Session, b.Session))
		})
		return out
	}
	unplaced := map[string]bool{}
	for _, u := range plan.Unplaced {
		unplaced[u.Participant] = true
	}
	d.Added, d.Moved, d.Gained, d.Dropped, d.RoomsMoved = []ParticipantChange{}, []Move{}, []model.Assignment{}, []ParticipantChange{}, []RoomMove{}
	for _, p := range ev.Participants {
		if !rp.inPrev[p.ID] {
			if now[p.ID] != nil || unplaced[p.ID] {
				d.Added = append(d.Added, ParticipantChange{Participant: p.ID, Sessions: placements(now[p.ID])})
			}
			continue
		}
		told := map[string]string{}
		for _, a := range rp.told[p.ID] {
			told[a.Round] = a.Session
			if to := now[p.ID][a.Round]; to != a.Session {
				why, ok := rp.unpinned[unpinKey(p.ID, a.Round)]
				if !ok {
					why = rp.reasonDefault
				}
				if why == "" {
					why = "re-planned"
				}
				d.Moved = append(d.Moved, Move{Participant: p.ID, Round: a.Round, From: a.Session, To: to, Reason: why})
			}
		}
		for _, pl := range placements(now[p.ID]) {
			if _, had := told[pl.Round]; !had {
				d.Gained = append(d.Gained, model.Assignment{Participant: p.ID, Round: pl.Round, Session: pl.Session})
			}
		}
	}
	var gone []string
	seen := map[string]bool{}
	for _, a := range rp.prev.Assignments {
		if _, ok := rp.partIdx[a.Participant]; !ok && !seen[a.Participant] {
			seen[a.Participant] = true
			gone = append(gone, a.Participant)
		}
	}
	for _, u := range rp.prev.Unplaced {
		if _, ok := rp.partIdx[u.Participant]; !ok && !seen[u.Participant] {
			seen[u.Participant] = true
			gone = append(gone, u.Participant)
		}
	}
	for _, pid := range gone {
		m := map[string]string{}
		for _, a := range rp.told[pid] {
			m[a.Round] = a.Session
		}
		d.Dropped = append(d.Dropped, ParticipantChange{Participant: pid, Sessions: placements(m)})
	}
	rooms := map[string]model.DelegationRoom{}
	for _, r := range plan.Delegations {
		rooms[r.Organisation] = r
	}
	for _, prev := range rp.prev.Delegations {
		cur, ok := rooms[prev.Organisation]
		if ok && cur.Round == prev.Round && cur.Host == prev.Host {
			continue
		}
		d.RoomsMoved = append(d.RoomsMoved, RoomMove{Organisation: prev.Organisation, FromRound: prev.Round, FromHost: prev.Host,
			ToRound: cur.Round, ToHost: cur.Host, Reason: rp.roomReason(prev, cur, ok)})
	}
}

// roomReason says why a delegation room changed.
func (rp *repairer) roomReason(prev, cur model.DelegationRoom, has bool) string {
	ev := rp.norm
	var host *model.Host
	for i := range ev.Hosts {
		if ev.Hosts[i].ID == prev.Host {
			host = &ev.Hosts[i]
		}
	}
	switch {
	case !has && ev.Delegations == nil:
		return "the event has no delegation rooms any more"
	case !has:
		return "the organisation no longer has a delegation room"
	case ev.Delegations == nil || !slices.Contains(ev.Delegations.Rounds, prev.Round):
		return fmt.Sprintf("round %s is no longer a delegation round", prev.Round)
	case cur.Round == prev.Round && host == nil:
		return fmt.Sprintf("host %s is no longer in the event", prev.Host)
	case cur.Round == prev.Round && host.Rounds != nil && !slices.Contains(host.Rounds, prev.Round):
		return fmt.Sprintf("host %s is no longer available in round %s", prev.Host, prev.Round)
	case cur.Round == prev.Round:
		for _, s := range ev.Sessions {
			if s.Host == prev.Host && s.Round == prev.Round {
				return fmt.Sprintf("host %s now hosts session %s in round %s", prev.Host, s.ID, prev.Round)
			}
		}
		return fmt.Sprintf("host %s runs another room in round %s", prev.Host, prev.Round)
	}
	if why := rp.reasonDefault; why != "" {
		return why
	}
	return fmt.Sprintf("no told session of its members holds the room in round %s; the solver chose round %s", prev.Round, cur.Round)
}

// solvePinned solves ev (valid and normalized) as Solve does, after
// taking out of the solve the participants whose sessions the pins fix
// entirely (see reduction).
func solvePinned(ctx context.Context, ev *model.Event, opts Options) (*model.Plan, error) {
	red := reducePinned(ev)
	if red == nil || opts.Fair {
		return Solve(ctx, ev, opts)
	}
	o := opts
	if f := opts.OnImprove; f != nil {
		o.OnImprove = func(p Progress) {
			p.Objective += red.offset.Total()
			if p.Bound != math.MaxInt64 {
				p.Bound += red.offset.Total()
			}
			f(p)
		}
	}
	rplan, err := Solve(ctx, red.event, o)
	if err != nil {
		return nil, err
	}
	return red.expand(rplan)
}

// reduction is an event with the participants whose sessions are fixed
// taken out. A participant is fixed when, in every plan, they hold exactly
// their pins: they are pinned into as many sessions as they may take, or
// every round in which they could take one more is pinned (or is their
// delegation room's round, when their organisation's pins leave it a
// single one). Fixed participants are taken out unless
//
//   - they are pinned in a round where a colleague who is not fixed may
//     take a session (the samePair penalty of a session depends on all the
//     colleagues in it);
//   - they are among the fewest attending members whose pins rule out the
//     same delegation rounds as all of the organisation's pins do (so the
//     room has the same rounds to choose from);
//   - their session would keep fewer of the people taken out than its
//     minimum (then all of its pinned members stay).
//
// Sessions lose the seats of those taken out, and a session that keeps
// some of them loses its minimum (they already meet it). The objective of
// a plan of the reduced event plus offset is that of the full plan, and
// both have the same plans, so the bound carries over. The repeatPair
// penalty links people across sessions, so no event with it is reduced.
type reduction struct {
	norm   *model.Event // the full event, normalized
	event  *model.Event // the reduced one
	kept   []bool       // by participant of norm
	out    []int        // by session: pinned people taken out
	offset model.Breakdown
}

func reducePinned(ev *model.Event) *reduction {
	if ev.Weights.RepeatPair != 0 {
		return nil
	}
	nR, nP := len(ev.Rounds), len(ev.Participants)
	if nR > maxRounds {
		return nil
	}
	round := indexOf(ev.Rounds, func(r model.Round) string { return r.ID })
	sess := indexOf(ev.Sessions, func(s model.Session) string { return s.ID })
	org := indexOf(ev.Organisations, func(o model.Organisation) string { return o.ID })
	var hasSess, delegSet uint64
	for _, s := range ev.Sessions {
		hasSess |= 1 << round[s.Round]
	}
	roomOrg := make([]bool, len(ev.Organisations))
	if ev.Delegations != nil {
		for _, r := range ev.Delegations.Rounds {
			delegSet |= 1 << round[r]
		}
		for o, og := range ev.Organisations {
			roomOrg[o] = og.IsDelegation()
		}
	}
	pinBits := make([]uint64, nP)
	attends := make([]bool, nP)
	pOrg := make([]int, nP)
	blocked := make([]uint64, len(ev.Organisations))
	for i, p := range ev.Participants {
		for r := range p.Pinned {
			pinBits[i] |= 1 << round[r]
		}
		pOrg[i] = org[p.Organisation]
		attends[i] = roomOrg[pOrg[i]] && p.AttendsDelegation()
		if attends[i] {
			blocked[pOrg[i]] |= pinBits[i] & delegSet
		}
	}
	forced := make([]uint64, len(ev.Organisations)) // the room's round bit when only one is left
	for o := range forced {
		if !roomOrg[o] {
			continue
		}
		allowed := delegSet &^ blocked[o]
		switch bits.OnesCount64(allowed) {
		case 0:
			return nil // no plan: Solve says why
		case 1:
			forced[o] = allowed
		}
	}
	// A participant is free when they may take a session beyond their
	// pins; open are the rounds where they may. Their organisation's
	// pinned members in those rounds stay too: colleagues' pairs there
	// depend on where the free ones go.
	kept := make([]bool, nP)
	open := make([]uint64, len(ev.Organisations))
	for i, p := range ev.Participants {
		pMax := nR
		if p.Sessions != nil {
			pMax = min(*p.Sessions, nR)
		}
		o := roundSet(p.Rounds, round, nR) & hasSess &^ pinBits[i]
		if attends[i] {
			o &^= forced[pOrg[i]]
		}
		if bits.OnesCount64(pinBits[i]) < pMax && o != 0 {
			kept[i] = true
			open[pOrg[i]] |= o
		}
	}
	for i := range ev.Participants {
		if pinBits[i]&open[pOrg[i]] != 0 {
			kept[i] = true
		}
	}
	// Anchors: the fewest attending members, beyond those kept, whose pins
	// block what all of the organisation's pins block.
	members := make([][]int, len(ev.Organisations))
	left := slices.Clone(blocked)
	for i := range ev.Participants {
		if !attends[i] {
			continue
		}
		if kept[i] {
			left[pOrg[i]] &^= pinBits[i]
		} else {
			members[pOrg[i]] = append(members[pOrg[i]], i)
		}
	}
	for o, ms := range members {
		for left[o] != 0 {
			best, cover := -1, 0
			for _, i := range ms {
				if c := bits.OnesCount64(pinBits[i] & left[o]); c > cover {
					best, cover = i, c
				}
			}
			kept[best] = true
			left[o] &^= pinBits[best]
		}
	}
	// Sessions that would keep fewer of those taken out than their minimum
	// keep all of their pinned members.
	pinnedIn := make([][]int, len(ev.Sessions))
	for i, p := range ev.Participants {
		for _, s := range p.Pinned {
			pinnedIn[sess[s]] = append(pinnedIn[sess[s]], i)
		}
	}
	out := make([]int, len(ev.Sessions))
	for changed := true; changed; {
		changed = false
		for s, ms := range pinnedIn {
			n := 0
			for _, i := range ms {
				if !kept[i] {
					n++
				}
			}
			out[s] = n
			if n > 0 && n < ev.Sessions[s].MinSize(ev.Defaults.Min) {
				for _, i := range ms {
					kept[i] = true
				}
				out[s], changed = 0, true
			}
		}
	}
	if !slices.Contains(kept, false) {
		return nil
	}
	red := *ev // shares what it does not change; Solve modifies nothing
	red.Participants = nil
	for i, p := range ev.Participants {
		if kept[i] {
			red.Participants = append(red.Participants, p)
		}
	}
	red.Sessions = slices.Clone(ev.Sessions)
	for s := range red.Sessions {
		if out[s] > 0 {
			red.Sessions[s].Capacity = model.Ptr(ev.Sessions[s].Cap(ev.Defaults.Capacity) - out[s])
			red.Sessions[s].Min = model.Ptr(0)
		}
	}
	// The offset: what those taken out score, and the colleague pairs
	// among the pinned members of organisations left without a free one.
	var offset model.Breakdown
	themeComp := map[string][]string{}
	for _, t := range ev.Themes {
		themeComp[t.ID] = t.Competences
	}
	w := ev.Weights
	for i, p := range ev.Participants {
		if kept[i] {
			continue
		}
		for _, s := range p.Pinned {
			theme := ev.Sessions[sess[s]].Theme
			v := w.Unranked
			if k := slices.Index(p.Preferences, theme); k >= 0 && k < len(w.Rank) {
				v = w.Rank[k]
			}
			offset.Preference += int64(v)
			if repairShares(p.Competences, themeComp[theme]) {
				offset.Competence += int64(w.Competence)
			}
		}
	}
	pairs := func(n int64) int64 { return n * (n - 1) / 2 }
	for _, ms := range pinnedIn {
		all, in := map[int]int64{}, map[int]int64{}
		for _, i := range ms {
			all[pOrg[i]]++
			if kept[i] {
				in[pOrg[i]]++
			}
		}
		for o, n := range all {
			offset.SamePair += int64(w.SamePair) * (pairs(n) - pairs(in[o]))
		}
	}
	return &reduction{norm: ev, event: &red, kept: kept, out: out, offset: offset}
}

// expand turns a plan of the reduced event into one of the full event:
// the reduced plan's rooms, its assignments and the pins of those taken
// out, its unplaced (only those kept can miss a session; the seat counts
// in their reasons are those of the full sessions), its figures plus the
// offset. model.Check is not run on the result (it costs more than the
// whole repair of a few late registrants on a large event); the session
// sizes, which the reduction changes, are checked, and the tests hold
// every reduced repair against model.Check.
func (red *reduction) expand(rp *model.Plan) (*model.Plan, error) {
	ev := red.norm
	round := indexOf(ev.Rounds, func(r model.Round) string { return r.ID })
	sess := indexOf(ev.Sessions, func(s model.Session) string { return s.ID })
	byPart := make(map[string][]model.Assignment, len(red.event.Participants))
	for _, a := range rp.Assignments {
		byPart[a.Participant] = append(byPart[a.Participant], a)
	}
	p := &model.Plan{
		Event:       ev.Name,
		Delegations: append([]model.DelegationRoom{}, rp.Delegations...),
		Assignments: make([]model.Assignment, 0, len(rp.Assignments)+2*len(ev.Participants)),
		Unplaced:    make([]model.Unplaced, 0, len(rp.Unplaced)),
	}
	var rounds []string
	for i, part := range ev.Participants {
		if red.kept[i] {
			p.Assignments = append(p.Assignments, byPart[part.ID]...)
			continue
		}
		rounds = rounds[:0]
		for r := range part.Pinned {
			rounds = append(rounds, r)
		}
		slices.SortFunc(rounds, func(a, b string) int { return cmp.Compare(round[a], round[b]) })
		for _, r := range rounds {
			p.Assignments = append(p.Assignments, model.Assignment{Participant: part.ID, Round: r, Session: part.Pinned[r]})
		}
	}
	size := make([]int, len(ev.Sessions))
	for _, a := range p.Assignments {
		size[sess[a.Session]]++
	}
	for s, n := range size {
		c, lo := ev.Sessions[s].Cap(ev.Defaults.Capacity), ev.Sessions[s].MinSize(ev.Defaults.Min)
		if n > c || (n > 0 && n < lo) {
			return nil, fmt.Errorf("assign: internal error in the reduced repair: session %s holds %d (min %d, capacity %d)", ev.Sessions[s].ID, n, lo, c)
		}
	}
	for _, u := range rp.Unplaced {
		u.Reason = fullSeats.ReplaceAllStringFunc(u.Reason, func(m string) string {
			g := fullSeats.FindStringSubmatch(m)
			s, ok := sess[g[1]]
			if !ok {
				return m
			}
			k, _ := strconv.Atoi(g[2])
			c, _ := strconv.Atoi(g[3])
			return fmt.Sprintf("%s full (%d/%d)", g[1], k+red.out[s], c+red.out[s])
		})
		p.Unplaced = append(p.Unplaced, u)
	}
	b := rp.Breakdown
	b.Preference += red.offset.Preference
	b.Competence += red.offset.Competence
	b.SamePair += red.offset.SamePair
	p.Breakdown, p.Objective = b, b.Total()
	if p.Objective != rp.Objective+red.offset.Total() {
		return nil, fmt.Errorf("assign: internal error in the reduced repair: objective %d, want %d", p.Objective, rp.Objective+red.offset.Total())
	}
	p.Bound = max(rp.Bound+red.offset.Total(), p.Objective)
	p.Status = model.StatusFeasible
	if p.Bound == p.Objective {
		p.Status = model.StatusOptimal
	}
	return p, nil
}

// fullSeats matches the engine's "SESSION full (k/c)" in unplaced reasons.
var fullSeats = regexp.MustCompile(`(\S+) full \((\d+)/(\d+)\)`)
