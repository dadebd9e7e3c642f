package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/roundtable-go/roundtable/model"
)

// summarise writes a readable overview of a normalized, valid event: its
// programme, who hosts what, who comes, and how the first choices compare
// with the seats of each theme.
func summarise(w io.Writer, ev *model.Event) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }

	p("%s\n", ev.Name)

	p("\nRounds\n")
	for _, r := range ev.Rounds {
		p("  %s\t%s\t%s\n", r.ID, r.Label, timeSpan(r))
	}

	p("\nThemes\tcompetences served\n")
	for _, t := range ev.Themes {
		p("  %s\t%s\t%s\n", t.ID, t.Name, list(t.Competences))
	}

	hostName := map[string]string{}
	for _, h := range ev.Hosts {
		hostName[h.ID] = h.Name
	}
	p("\nSessions\ttheme\tround\tcapacity\tmin\thost\n")
	for _, s := range ev.Sessions {
		host := "-"
		if s.Host != "" {
			host = s.Host
			if n := hostName[s.Host]; n != "" {
				host += " (" + n + ")"
			}
		}
		p("  %s\t%s\t%s\t%d\t%d\t%s\n", s.ID, s.Theme, s.Round, *s.Capacity, *s.Min, host)
	}

	size := map[string]int{}
	inRoom := map[string]int{}
	for _, q := range ev.Participants {
		size[q.Organisation]++
		if q.AttendsDelegation() {
			inRoom[q.Organisation]++
		}
	}
	if ev.Delegations != nil {
		p("\nOrganisations\tname\tparticipants\tin delegation room (in %s)\n", strings.Join(ev.Delegations.Rounds, " or "))
	} else {
		p("\nOrganisations\tname\tparticipants\tin delegation room (none configured)\n")
	}
	for _, o := range ev.Organisations {
		room := "-"
		if ev.Delegations != nil && o.IsDelegation() {
			room = fmt.Sprint(inRoom[o.ID])
		}
		p("  %s\t%s\t%d\t%s\n", o.ID, o.Name, size[o.ID], room)
	}

	hosted := map[string][]string{}
	for _, s := range ev.Sessions {
		if s.Host != "" {
			hosted[s.Host] = append(hosted[s.Host], s.ID)
		}
	}
	p("\nHosts\tname\trounds\tknows\tsessions\n")
	for _, h := range ev.Hosts {
		rounds := "all"
		if h.Rounds != nil {
			rounds = list(h.Rounds)
		}
		p("  %s\t%s\t%s\t%s\t%s\n", h.ID, h.Name, rounds, list(h.Organisations), list(hosted[h.ID]))
	}

	p("\n%s\n", participantLine(ev))

	first := map[string]int{}
	anyRank := map[string]int{}
	for _, q := range ev.Participants {
		if len(q.Preferences) > 0 {
			first[q.Preferences[0]]++
		}
		for _, t := range q.Preferences {
			anyRank[t]++
		}
	}
	seats := map[string]map[string]int{}
	for _, s := range ev.Sessions {
		if seats[s.Theme] == nil {
			seats[s.Theme] = map[string]int{}
		}
		seats[s.Theme][s.Round] += *s.Capacity
	}
	p("\nDemand\tfirst choices\tany choice")
	for _, r := range ev.Rounds {
		p("\tseats %s", r.ID)
	}
	p("\tseats\n")
	var totFirst, totSeats int
	for _, t := range ev.Themes {
		total := 0
		p("  %s\t%d\t%d", t.ID, first[t.ID], anyRank[t.ID])
		for _, r := range ev.Rounds {
			p("\t%d", seats[t.ID][r.ID])
			total += seats[t.ID][r.ID]
		}
		mark := ""
		if first[t.ID] > total {
			mark = "  first choices exceed seats"
		}
		p("\t%d%s\n", total, mark)
		totFirst += first[t.ID]
		totSeats += total
	}
	p("  total\t%d\t", totFirst)
	for range ev.Rounds {
		p("\t")
	}
	p("\t%d\n", totSeats)
	lo, hi := wantedRange(ev)
	if lo == hi {
		p("\nSessions wanted: %d, seats: %d\n", lo, totSeats)
	} else {
		p("\nSessions wanted: %d to %d, depending on the round of each delegation room; seats: %d\n", lo, hi, totSeats)
	}
	return tw.Flush()
}

// timeSpan shows a round's start and end, when the event gives them.
func timeSpan(r model.Round) string {
	start, err1 := time.Parse(time.RFC3339, r.Start)
	end, err2 := time.Parse(time.RFC3339, r.End)
	switch {
	case err1 == nil && err2 == nil:
		return start.Format("Mon 2 Jan 2006 15:04") + " to " + end.Format("15:04 -07:00")
	case err1 == nil:
		return "from " + start.Format("Mon 2 Jan 2006 15:04 -07:00")
	}
	return ""
}

func participantLine(ev *model.Event) string {
	var skip, oneRound, pinned, fewer int
	for _, q := range ev.Participants {
		if !q.AttendsDelegation() {
			skip++
		}
		if q.Rounds != nil && len(q.Rounds) < len(ev.Rounds) {
			oneRound++
		}
		if len(q.Pinned) > 0 {
			pinned++
		}
		if q.Sessions != nil {
			fewer++
		}
	}
	s := fmt.Sprintf("Participants: %d", len(ev.Participants))
	var notes []string
	if ev.Delegations != nil && skip > 0 {
		notes = append(notes, fmt.Sprintf("%d skip their delegation room", skip))
	}
	if oneRound > 0 {
		notes = append(notes, fmt.Sprintf("%d not there every round", oneRound))
	}
	if fewer > 0 {
		notes = append(notes, fmt.Sprintf("%d ask for a set number of sessions", fewer))
	}
	if pinned > 0 {
		notes = append(notes, fmt.Sprintf("%d pinned", pinned))
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, ", ") + ")"
	}
	return s
}

// wantedRange bounds the total of wanted(p) of docs/FORMAT.md over all
// participants. Before a plan places the delegation rooms, a participant
// who attends one may lose any one of the delegation rounds they are
// there for, or none of them when the room falls in a round they miss.
func wantedRange(ev *model.Event) (lo, hi int) {
	hasSession := map[string]bool{}
	for _, s := range ev.Sessions {
		hasSession[s.Round] = true
	}
	roomOf := map[string]bool{}
	if ev.Delegations != nil {
		for _, o := range ev.Organisations {
			roomOf[o.ID] = o.IsDelegation()
		}
	}
	for _, q := range ev.Participants {
		free := 0
		lose := map[bool]bool{} // whether the room can take a free round, per room round
		for _, r := range ev.Rounds {
			if q.AvailableIn(r.ID) && hasSession[r.ID] {
				free++
			}
		}
		minFree, maxFree := free, free
		if roomOf[q.Organisation] && q.AttendsDelegation() {
			for _, r := range ev.Delegations.Rounds {
				lose[q.AvailableIn(r) && hasSession[r]] = true
			}
			if lose[true] {
				minFree--
			}
			if !lose[false] {
				maxFree--
			}
		}
		want := func(n int) int {
			if q.Sessions != nil {
				return min(n, *q.Sessions)
			}
			return n
		}
		lo += want(minFree)
		hi += want(maxFree)
	}
	return lo, hi
}

func list(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, ", ")
}
