package export

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roundtable-go/roundtable/model"
)

// ErrNoEvents is returned by WriteCalendar for a participant who is in no
// room in any round with start and end times: RFC 5545 wants at least one
// component in a calendar.
var ErrNoEvents = errors.New("export: the participant is in no room of a round with start and end times")

// icalStamp is the DTSTAMP/DTSTART form of RFC 5545, in UTC.
const icalStamp = "20060102T150405Z"

// span is a round's start and end, when both are set and valid.
type span struct {
	start, end time.Time // in UTC
	// local start and end, in the offset the event gives
	localStart, localEnd time.Time
	ok                   bool
}

// timedRounds parses each round's start and end. Rounds with both valid
// and the end after the start get ok; the warnings name those with only
// one of them, or with times that are not RFC 3339 or out of order.
func timedRounds(ev *model.Event) ([]span, []Warning) {
	out := make([]span, len(ev.Rounds))
	var warn []Warning
	for i, r := range ev.Rounds {
		if r.Start == "" && r.End == "" {
			continue
		}
		if r.Start == "" || r.End == "" {
			warn = append(warn, Warning{Message: fmt.Sprintf("round %s has a start or an end but not both: it is left out of the calendars", r.ID)})
			continue
		}
		s, err1 := time.Parse(time.RFC3339, r.Start)
		e, err2 := time.Parse(time.RFC3339, r.End)
		switch {
		case err1 != nil || err2 != nil:
			warn = append(warn, Warning{Message: fmt.Sprintf("round %s: start %q or end %q is not an RFC 3339 time: it is left out of the calendars", r.ID, r.Start, r.End)})
		case !e.After(s):
			warn = append(warn, Warning{Message: fmt.Sprintf("round %s ends (%s) before it starts (%s): it is left out of the calendars", r.ID, r.End, r.Start)})
		default:
			out[i] = span{start: s.UTC(), end: e.UTC(), localStart: s, localEnd: e, ok: true}
		}
	}
	return out, warn
}

// stamp is opts.Stamp, or else the earliest start of a timed round, so
// that the calendars of one event are byte-for-byte reproducible.
func stamp(spans []span, opts Options) time.Time {
	if !opts.Stamp.IsZero() {
		return opts.Stamp.UTC()
	}
	var t time.Time
	for _, s := range spans {
		if s.ok && (t.IsZero() || s.start.Before(t)) {
			t = s.start
		}
	}
	return t
}

// UID returns the iCalendar UID of a participant's entry for a round: a
// hash of the event's name, the participant id and the round id, so that
// a calendar sent again updates the entries it sent before.
func UID(event, participant, round string) string {
	h := sha256.Sum256([]byte(event + "\x00" + participant + "\x00" + round))
	return hex.EncodeToString(h[:16]) + "@roundtable"
}

// WriteCalendar writes an iCalendar file (RFC 5545) for one participant:
// one VEVENT for each round with start and end times in which the plan
// puts them in a room (a session, or their organisation's delegation
// room), with the room in SUMMARY and LOCATION (opts.Location instead,
// when set) and the round, room, host and participant in DESCRIPTION.
//
// Output is byte-reproducible: CRLF line endings, lines folded at 75
// octets without splitting a UTF-8 sequence, TEXT values escaped (\ ; ,
// and newlines), times in UTC, UIDs from UID, and DTSTAMP from
// opts.Stamp or else the earliest round start of the event. A participant
// with no such round gets ErrNoEvents; an unknown one is an error.
func WriteCalendar(w io.Writer, ev *model.Event, plan *model.Plan, participant string, opts Options) error {
	if ev == nil || plan == nil {
		return errNil
	}
	v := newView(ev, plan)
	pi, ok := v.partIdx[participant]
	if !ok {
		return fmt.Errorf("export: unknown participant %q", participant)
	}
	spans, _ := timedRounds(v.ev)
	return v.writeCalendar(w, pi, spans, opts)
}

func (v *view) hasCalendar(pi int, spans []span) bool {
	for r, s := range spans {
		if s.ok && len(v.in[pi][r]) > 0 {
			return true
		}
	}
	return false
}

func (v *view) writeCalendar(w io.Writer, pi int, spans []span, opts Options) error {
	if !v.hasCalendar(pi, spans) {
		return ErrNoEvents
	}
	p := v.ev.Participants[pi]
	dtstamp := stamp(spans, opts).Format(icalStamp)
	bw := bufio.NewWriter(w)
	c := &icalWriter{w: bw}
	c.line("BEGIN:VCALENDAR")
	c.line("VERSION:2.0")
	c.line("PRODID:-//roundtable//export//EN")
	c.line("CALSCALE:GREGORIAN")
	c.line("METHOD:PUBLISH")
	for r, round := range v.ev.Rounds {
		if !spans[r].ok {
			continue
		}
		for k, rm := range v.in[pi][r] {
			uid := UID(v.ev.Name, p.ID, round.ID)
			if k > 0 { // a broken plan with two rooms in a round: keep UIDs unique
				uid = UID(v.ev.Name, p.ID, round.ID+"\x00"+rm.id)
			}
			summary := rm.name
			if v.ev.Name != "" {
				summary = v.ev.Name + ": " + rm.name
			}
			desc := "Round: " + roundLabel(round) + "\nRoom: " + rm.name
			if rm.host != "" {
				desc += "\nHost: " + rm.host
			}
			desc += "\nParticipant: " + v.participantName(pi)
			if p.Organisation != "" {
				desc += " (" + v.orgName(p.Organisation) + ")"
			}
			c.line("BEGIN:VEVENT")
			c.line("UID:" + escapeText(uid))
			c.line("DTSTAMP:" + dtstamp)
			c.line("DTSTART:" + spans[r].start.Format(icalStamp))
			c.line("DTEND:" + spans[r].end.Format(icalStamp))
			c.line("SUMMARY:" + escapeText(summary))
			if opts.Location != "" {
				c.line("LOCATION:" + escapeText(opts.Location))
			} else {
				c.line("LOCATION:" + escapeText(rm.name))
			}
			c.line("DESCRIPTION:" + escapeText(desc))
			c.line("STATUS:CONFIRMED")
			c.line("TRANSP:OPAQUE")
			c.line("END:VEVENT")
		}
	}
	c.line("END:VCALENDAR")
	if c.err != nil {
		return c.err
	}
	return bw.Flush()
}

// icalWriter writes content lines, folded, and keeps the first error.
type icalWriter struct {
	w   io.Writer
	err error
}

func (c *icalWriter) line(s string) {
	if c.err == nil {
		_, c.err = io.WriteString(c.w, fold(s))
	}
}

// fold returns one content line folded as RFC 5545 section 3.1 says: no
// line longer than 75 octets (excluding the CRLF), each continuation
// starting with one space, never splitting a UTF-8 sequence; every line
// ends with CRLF.
func fold(s string) string {
	const limit = 75
	var b strings.Builder
	room := limit
	for len(s) > room {
		cut := room
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		room = limit - 1
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}

// escapeText escapes a TEXT value (RFC 5545 section 3.3.11): backslash,
// semicolon and comma get a backslash, a line break becomes \n, and other
// control characters but tab, which TEXT may not hold, become spaces.
// Invalid UTF-8 becomes U+FFFD.
func escapeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
