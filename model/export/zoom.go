package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/roundtable-go/roundtable/model"
)

// Zoom's limits on pre-assignment, from its support article "Pre-assigning
// meeting participants to breakout rooms": up to 100 rooms and up to 1,000
// participants.
const (
	ZoomMaxRooms        = 100
	ZoomMaxParticipants = 1000
)

// DefaultRoomNameMax is the longest room name, in characters, when
// Options.RoomNameMax is zero. Zoom documents no limit on the length of a
// pre-assigned room's name that we could find; 32 is a conservative
// choice that also keeps names whole in Zoom's room list.
const DefaultRoomNameMax = 32

// ZoomHeader is the header Zoom requires of a pre-assignment file.
const ZoomHeader = "Pre-assign Room Name,Email Address"

// WriteZoom writes Zoom's breakout-room pre-assignment CSV for one round
// (Zoom keeps one set of pre-assignments per meeting, so one file a
// round): exactly the header ZoomHeader, then one row per person, room by
// room (sessions in event order, then delegation rooms), members in event
// order. Rooms that nobody attends are left out.
//
// Room names are readable (the theme's name, numbered when a round has
// parallel sessions of one theme, or "Delegation ORGNAME"), with control
// characters, commas and double quotes turned into spaces, leading
// characters that a spreadsheet would read as a formula dropped, cut to
// opts.RoomNameMax characters, and made unique within the round (case
// aside) by a suffix " (2)", " (3)", ...
//
// The warnings name participants left out for want of an e-mail address,
// e-mail addresses shared by two participants of the round (only the
// first is written), e-mail addresses that had to be neutralised as
// formulas, anyone the plan puts in two rooms of the round, and
// a round above Zoom's limits (ZoomMaxRooms, ZoomMaxParticipants). An
// unknown round id is an error.
func WriteZoom(w io.Writer, ev *model.Event, plan *model.Plan, round string, opts Options) ([]Warning, error) {
	if ev == nil || plan == nil {
		return nil, errNil
	}
	v := newView(ev, plan)
	r, ok := v.roundIdx[round]
	if !ok {
		return nil, fmt.Errorf("export: unknown round %q", round)
	}
	return v.writeZoom(w, r, opts)
}

func (v *view) writeZoom(w io.Writer, r int, opts Options) ([]Warning, error) {
	round := v.ev.Rounds[r].ID
	var rooms []*room // those with someone in them
	for _, rm := range v.rooms[r] {
		if len(rm.members) > 0 {
			rooms = append(rooms, rm)
		}
	}
	names := zoomNames(rooms, opts.roomNameMax())
	var warn []Warning
	var noEmail, twice []string
	rowOf := map[string]string{} // e-mail (lower case) -> participant id
	written := map[int]bool{}
	c := newCSV(w)
	c.write(strings.Split(ZoomHeader, ",")...)
	rows, used := 0, 0
	for i, rm := range rooms {
		wrote := false
		for _, pi := range rm.members {
			p := v.ev.Participants[pi]
			if written[pi] {
				twice = append(twice, p.ID)
				continue
			}
			written[pi] = true
			email := strings.TrimSpace(p.Email)
			if email == "" {
				noEmail = append(noEmail, p.ID)
				continue
			}
			key := strings.ToLower(email)
			if other, dup := rowOf[key]; dup {
				warn = append(warn, Warning{Message: fmt.Sprintf(
					"round %s: %s and %s share the e-mail address %s; only %s is pre-assigned", round, other, p.ID, email, other)})
				continue
			}
			rowOf[key] = p.ID
			if model.FormulaLead(email[0]) {
				warn = append(warn, Warning{Message: fmt.Sprintf(
					"round %s: the e-mail address of %s starts like a spreadsheet formula and is written with a leading quote: %s",
					round, p.ID, email)})
			}
			c.write(names[i], email)
			rows++
			wrote = true
		}
		if wrote {
			used++
		}
	}
	if err := c.close(); err != nil {
		return nil, err
	}
	if len(noEmail) > 0 {
		warn = append(warn, Warning{Message: fmt.Sprintf(
			"round %s: %d participant(s) without an e-mail address cannot be pre-assigned: %s",
			round, len(noEmail), strings.Join(noEmail, ", "))})
	}
	if len(twice) > 0 {
		warn = append(warn, Warning{Message: fmt.Sprintf(
			"round %s: the plan puts %s in more than one room; only the first is pre-assigned",
			round, strings.Join(twice, ", "))})
	}
	if used > ZoomMaxRooms {
		warn = append(warn, Warning{Message: fmt.Sprintf(
			"round %s needs %d breakout rooms, above Zoom's %d for pre-assignment", round, used, ZoomMaxRooms)})
	}
	if rows > ZoomMaxParticipants {
		warn = append(warn, Warning{Message: fmt.Sprintf(
			"round %s pre-assigns %d people, above Zoom's %d", round, rows, ZoomMaxParticipants)})
	}
	return warn, nil
}

// zoomNames returns one Zoom room name for each room, unique within the
// slice regardless of case, each at most max characters.
func zoomNames(rooms []*room, max int) []string {
	names := make([]string, len(rooms))
	used := map[string]bool{}
	for i, rm := range rooms {
		base := cleanRoomName(rm.name)
		if base == "" {
			base = "Room " + strconv.Itoa(i+1)
		}
		name := cutRunes(base, max)
		for k := 2; used[strings.ToLower(name)]; k++ {
			suffix := " (" + strconv.Itoa(k) + ")"
			name = strings.TrimRight(cutRunes(base, max-utf8.RuneCountInString(suffix)), " ") + suffix
		}
		used[strings.ToLower(name)] = true
		names[i] = name
	}
	return names
}

// cleanRoomName makes a room name safe for Zoom's CSV import and for a
// spreadsheet: one line, no commas or double quotes, single spaces, and no
// leading character that a spreadsheet reads as a formula.
func cleanRoomName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == ',' || r == '"' || r == utf8.RuneError || !unicode.IsPrint(r) && r != ' ' {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	for s != "" && model.FormulaLead(s[0]) {
		_, n := utf8.DecodeRuneInString(s)
		s = strings.TrimLeft(s[n:], " ")
	}
	return s
}

// cutRunes returns s cut to at most n characters, without trailing
// spaces.
func cutRunes(s string, n int) string {
	if n < 1 {
		n = 1
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if i == n {
			return strings.TrimRight(s[:k], " ")
		}
		i++
	}
	return s
}
