package export

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/roundtable-go/roundtable/model"
)

// roomKind tells a thematic session from an organisation's delegation room.
type roomKind int

const (
	kindSession roomKind = iota
	kindDelegation
)

// room is one place where people meet in one round: a session, or an
// organisation's delegation room.
type room struct {
	kind  roomKind
	round int
	// id is the session id, or the organisation id of a delegation room.
	id string
	// name is what people read: the theme's name (numbered when a round
	// has parallel sessions of one theme), or "Delegation ORG".
	name    string
	hostID  string
	host    string         // the host's name, else id
	theme   string         // theme id, sessions only
	session *model.Session // nil for delegation rooms
	members []int          // participant indices, in event order
}

// capacity and minimum of a session; 0 for delegation rooms.
func (r *room) capacity(def int) int {
	if r.session == nil {
		return 0
	}
	return r.session.Cap(def)
}

func (r *room) minimum(def int) int {
	if r.session == nil {
		return 0
	}
	return r.session.MinSize(def)
}

// view is a plan seen from its event: every room of every round with its
// members, and for every participant the rooms they are in. Plan entries
// that name unknown participants, sessions, rounds or organisations are
// skipped: model.Check reports them, and WriteAll passes that on.
type view struct {
	ev   *model.Event
	plan *model.Plan

	roundIdx  map[string]int
	themeIdx  map[string]int
	orgIdx    map[string]int
	hostName  map[string]string
	partIdx   map[string]int
	rooms     [][]*room   // per round: sessions in event order, then delegation rooms in plan order
	in        [][][]*room // per participant, per round: rooms they are in (more than one only in a broken plan)
	unplaced  map[string]model.Unplaced
	sessionOf map[string]*room
}

func firstIndex[T any](items []T, id func(T) string) map[string]int {
	m := make(map[string]int, len(items))
	for i, it := range items {
		if _, dup := m[id(it)]; !dup {
			m[id(it)] = i
		}
	}
	return m
}

// newView builds the view of plan p of event ev. ev is normalized here,
// so a raw event works too.
func newView(ev *model.Event, p *model.Plan) *view {
	ev = ev.Normalized()
	v := &view{ev: ev, plan: p}
	v.roundIdx = firstIndex(ev.Rounds, func(r model.Round) string { return r.ID })
	v.themeIdx = firstIndex(ev.Themes, func(t model.Theme) string { return t.ID })
	v.orgIdx = firstIndex(ev.Organisations, func(o model.Organisation) string { return o.ID })
	v.partIdx = firstIndex(ev.Participants, func(p model.Participant) string { return p.ID })
	v.hostName = map[string]string{}
	for _, h := range ev.Hosts {
		if _, dup := v.hostName[h.ID]; !dup {
			v.hostName[h.ID] = cmp.Or(h.Name, h.ID)
		}
	}
	v.rooms = make([][]*room, len(ev.Rounds))
	v.sessionOf = map[string]*room{}

	// Sessions, numbered per theme and round when there are parallel ones.
	perThemeRound := map[[2]string]int{}
	for _, s := range ev.Sessions {
		perThemeRound[[2]string{s.Theme, s.Round}]++
	}
	seen := map[[2]string]int{}
	for i := range ev.Sessions {
		s := &ev.Sessions[i]
		r, ok := v.roundIdx[s.Round]
		if !ok {
			continue
		}
		if _, dup := v.sessionOf[s.ID]; dup {
			continue
		}
		name := v.themeName(s.Theme)
		key := [2]string{s.Theme, s.Round}
		if perThemeRound[key] > 1 {
			seen[key]++
			name += " " + strconv.Itoa(seen[key])
		}
		rm := &room{kind: kindSession, round: r, id: s.ID, name: name, hostID: s.Host,
			host: v.host(s.Host), theme: s.Theme, session: s}
		v.rooms[r] = append(v.rooms[r], rm)
		v.sessionOf[s.ID] = rm
	}

	v.in = make([][][]*room, len(ev.Participants))
	for i := range v.in {
		v.in[i] = make([][]*room, len(ev.Rounds))
	}
	for _, a := range p.Assignments {
		pi, ok := v.partIdx[a.Participant]
		rm := v.sessionOf[a.Session]
		if !ok || rm == nil {
			continue
		}
		v.in[pi][rm.round] = append(v.in[pi][rm.round], rm)
		rm.members = append(rm.members, pi)
	}

	for _, d := range p.Delegations {
		r, ok := v.roundIdx[d.Round]
		_, known := v.orgIdx[d.Organisation]
		if !ok || !known {
			continue
		}
		rm := &room{kind: kindDelegation, round: r, id: d.Organisation,
			name: "Delegation " + v.orgName(d.Organisation), hostID: d.Host, host: v.host(d.Host)}
		for pi, pt := range ev.Participants {
			// As model.WriteRoster: a participant who attends delegations
			// and is there in its round is in their organisation's room.
			if pt.Organisation == d.Organisation && pt.InDelegationRoom(d.Round) {
				rm.members = append(rm.members, pi)
				v.in[pi][r] = append(v.in[pi][r], rm)
			}
		}
		v.rooms[r] = append(v.rooms[r], rm)
	}
	for _, rms := range v.rooms {
		for _, rm := range rms {
			slices.Sort(rm.members)
		}
	}
	v.unplaced = map[string]model.Unplaced{}
	for _, u := range p.Unplaced {
		if _, dup := v.unplaced[u.Participant]; !dup {
			v.unplaced[u.Participant] = u
		}
	}
	return v
}

func (v *view) themeName(id string) string {
	if t, ok := v.themeIdx[id]; ok {
		return cmp.Or(v.ev.Themes[t].Name, id)
	}
	return id
}

func (v *view) orgName(id string) string {
	if o, ok := v.orgIdx[id]; ok {
		return cmp.Or(v.ev.Organisations[o].Name, id)
	}
	return id
}

func (v *view) host(id string) string {
	if n, ok := v.hostName[id]; ok {
		return n
	}
	return id
}

func (v *view) participantName(pi int) string {
	p := v.ev.Participants[pi]
	return cmp.Or(p.Name, p.ID)
}

func roundLabel(r model.Round) string { return cmp.Or(r.Label, r.ID) }

// available reports whether participant pi can come in round r.
func (v *view) available(pi, r int) bool {
	return v.ev.Participants[pi].AvailableIn(v.ev.Rounds[r].ID)
}

// Participant statuses in a round, as rosters.csv writes them.
const (
	statusSession     = "session"
	statusDelegation  = "delegation"
	statusUnplaced    = "unplaced"
	statusFree        = "free"
	statusUnavailable = "unavailable"
)

// idleStatus says what participant pi does in round r when in no room:
// unavailable, unplaced (the plan lists them as missing sessions) or
// free (they wanted no more sessions).
func (v *view) idleStatus(pi, r int) string {
	switch {
	case !v.available(pi, r):
		return statusUnavailable
	case v.unplaced[v.ev.Participants[pi].ID].Missing > 0:
		return statusUnplaced
	default:
		return statusFree
	}
}
