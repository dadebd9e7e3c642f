package export

import (
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/roundtable-go/roundtable/model"
)

// neutralise applies model.NeutraliseCell to every cell of rec, in place.
func neutralise(rec []string) []string {
	for i, c := range rec {
		rec[i] = model.NeutraliseCell(c)
	}
	return rec
}

// csvWriter writes neutralised records and keeps the first error.
type csvWriter struct {
	cw  *csv.Writer
	err error
}

func newCSV(w io.Writer) *csvWriter { return &csvWriter{cw: csv.NewWriter(w)} }

func (c *csvWriter) write(rec ...string) {
	if c.err == nil {
		c.err = c.cw.Write(neutralise(rec))
	}
}

func (c *csvWriter) close() error {
	c.cw.Flush()
	if c.err != nil {
		return c.err
	}
	return c.cw.Error()
}

var errNil = errors.New("export: an event and a plan are needed")

// Rosters.csv columns.
var rosterHeader = []string{"round", "round_label", "room", "room_name", "host",
	"participant", "name", "organisation", "email", "status"}

// WriteRosters writes rosters.csv: a header, then one row per participant
// and round of the event, so an organiser can filter by round or room.
// Columns:
//
//	round, round_label   the round's id and label (the id when it has none)
//	room                 the session id, or "delegation:ORG" for an
//	                     organisation's delegation room; empty when none
//	room_name            what people read: the theme's name (numbered when
//	                     parallel), or "Delegation ORGNAME"
//	host                 the room's host name (id when nameless), or empty
//	participant, name    id and name (the id when nameless)
//	organisation, email  the organisation's name (id when nameless), e-mail
//	status               session, delegation, or, when in no room:
//	                     unavailable (not available that round), unplaced
//	                     (the plan lists them as missing sessions) or free
//	                     (they wanted no more sessions)
//
// Rows come round by round; within a round room by room (sessions in
// event order, then delegation rooms in plan order), members in event
// order, then the participants in no room in event order. A broken plan
// that puts someone in two rooms of one round shows both rows. Cells that
// a spreadsheet would read as a formula are neutralised as model does.
func WriteRosters(w io.Writer, ev *model.Event, plan *model.Plan) error {
	if ev == nil || plan == nil {
		return errNil
	}
	return newView(ev, plan).writeRosters(w)
}

func (v *view) writeRosters(w io.Writer) error {
	c := newCSV(w)
	c.write(rosterHeader...)
	for r, round := range v.ev.Rounds {
		for _, rm := range v.rooms[r] {
			status, roomID := statusSession, rm.id
			if rm.kind == kindDelegation {
				status, roomID = statusDelegation, "delegation:"+rm.id
			}
			for _, pi := range rm.members {
				p := v.ev.Participants[pi]
				c.write(round.ID, roundLabel(round), roomID, rm.name, rm.host,
					p.ID, v.participantName(pi), v.orgName(p.Organisation), p.Email, status)
			}
		}
		for pi, p := range v.ev.Participants {
			if len(v.in[pi][r]) == 0 {
				c.write(round.ID, roundLabel(round), "", "", "",
					p.ID, v.participantName(pi), v.orgName(p.Organisation), p.Email, v.idleStatus(pi, r))
			}
		}
	}
	return c.close()
}

// Sessions.csv columns.
var sessionsHeader = []string{"round", "round_label", "session", "theme", "theme_name",
	"host", "size", "min", "capacity", "organisations"}

// WriteSessions writes sessions.csv: a header, then one row per session of
// the event in event order, empty (cancelled) sessions included:
//
//	round, round_label   the round's id and label
//	session              the session id
//	theme, theme_name    the theme's id and name
//	host                 the host's name (id when nameless), or empty
//	size, min, capacity  how many the plan puts there, and the session's
//	                     bounds (a size of 0 means the session does not run)
//	organisations        the organisations present with their counts,
//	                     most first, then by name: "Genk: 2; Hasselt: 1"
//
// Delegation rooms are not sessions; rosters.csv and report.html list
// them.
func WriteSessions(w io.Writer, ev *model.Event, plan *model.Plan) error {
	if ev == nil || plan == nil {
		return errNil
	}
	return newView(ev, plan).writeSessions(w)
}

func (v *view) writeSessions(w io.Writer) error {
	c := newCSV(w)
	c.write(sessionsHeader...)
	for i := range v.ev.Sessions {
		s := &v.ev.Sessions[i]
		rm := v.sessionOf[s.ID]
		if rm == nil || rm.session != s { // unknown round, or a duplicate id: the first wins
			continue
		}
		round := v.ev.Rounds[rm.round]
		var mix []string
		for _, oc := range v.orgMix(rm) {
			mix = append(mix, oc.name+": "+strconv.Itoa(oc.count))
		}
		c.write(round.ID, roundLabel(round), s.ID, s.Theme, v.themeName(s.Theme), rm.host,
			strconv.Itoa(len(rm.members)), strconv.Itoa(rm.minimum(v.ev.Defaults.Min)),
			strconv.Itoa(rm.capacity(v.ev.Defaults.Capacity)), strings.Join(mix, "; "))
	}
	return c.close()
}

// orgCount is one organisation's share of a room.
type orgCount struct {
	id, name string
	index    int // in the event's organisations; len(Organisations) when unknown
	count    int
}

// orgMix counts a room's members by organisation, most first, then by
// name and id.
func (v *view) orgMix(rm *room) []orgCount {
	at := map[string]int{}
	var out []orgCount
	for _, pi := range rm.members {
		id := v.ev.Participants[pi].Organisation
		k, ok := at[id]
		if !ok {
			idx, known := v.orgIdx[id]
			if !known {
				idx = len(v.ev.Organisations)
			}
			k = len(out)
			at[id] = k
			out = append(out, orgCount{id: id, name: v.orgName(id), index: idx})
		}
		out[k].count++
	}
	slices.SortStableFunc(out, func(a, b orgCount) int {
		if a.count != b.count {
			return b.count - a.count
		}
		return cmpStrings(a.name, b.name, a.id, b.id)
	})
	return out
}

func cmpStrings(a1, b1, a2, b2 string) int {
	if c := strings.Compare(a1, b1); c != 0 {
		return c
	}
	return strings.Compare(a2, b2)
}
