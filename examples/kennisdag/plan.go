package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/roundtable-go/roundtable/assign"
	"github.com/roundtable-go/roundtable/model"
)

// printPlan writes a plan for people: per round its delegation rooms and
// its sessions with who sits there and from where, then the unplaced, the
// score, the bound and how many got which choice. ev is normalized.
func printPlan(w io.Writer, ev *model.Event, plan *model.Plan) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }

	person := map[string]model.Participant{}
	for _, q := range ev.Participants {
		person[q.ID] = q
	}
	org := map[string]string{}
	for _, o := range ev.Organisations {
		org[o.ID] = o.Name
		if o.Name == "" {
			org[o.ID] = o.ID
		}
	}
	host := map[string]string{}
	for _, h := range ev.Hosts {
		host[h.ID] = h.ID
		if h.Name != "" {
			host[h.ID] = h.Name + " (" + h.ID + ")"
		}
	}
	theme := map[string]string{}
	for _, t := range ev.Themes {
		theme[t.ID] = t.Name
	}
	members := map[string][]string{} // session -> participant ids
	for _, a := range plan.Assignments {
		members[a.Session] = append(members[a.Session], a.Participant)
	}
	roomRound := map[string]string{} // organisation -> its room's round
	for _, d := range plan.Delegations {
		roomRound[d.Organisation] = d.Round
	}
	inRoom := map[string]int{} // organisation -> people in its room
	for _, q := range ev.Participants {
		if r, ok := roomRound[q.Organisation]; ok && q.InDelegationRoom(r) {
			inRoom[q.Organisation]++
		}
	}
	label := func(id string) string {
		q := person[id]
		name := q.Name
		if name == "" {
			name = q.ID
		}
		return name + " (" + org[q.Organisation] + ")"
	}

	p("%s: %s plan\n", ev.Name, plan.Status)
	for _, r := range ev.Rounds {
		p("\nRound %s  %s  %s\n", r.ID, r.Label, timeSpan(r))
		var rooms []model.DelegationRoom
		for _, d := range plan.Delegations {
			if d.Round == r.ID {
				rooms = append(rooms, d)
			}
		}
		if len(rooms) > 0 {
			p("  Delegation rooms\n")
			for _, d := range rooms {
				p("    %s\twith %s\t%s\n", org[d.Organisation], host[d.Host], people(inRoom[d.Organisation]))
			}
		}
		p("  Sessions\n")
		for _, s := range ev.Sessions {
			if s.Round != r.ID {
				continue
			}
			ids := members[s.ID]
			h := ""
			if s.Host != "" {
				h = "host " + host[s.Host]
			}
			state := fmt.Sprintf("%d/%d", len(ids), *s.Capacity)
			if len(ids) == 0 && *s.Min > 0 {
				state = fmt.Sprintf("cancelled (fewer than %d)", *s.Min)
			}
			p("    %s\t%s\t%s\t%s\n", s.ID, theme[s.Theme], h, state)
			if len(ids) > 0 {
				names := make([]string, len(ids))
				for i, id := range ids {
					names[i] = label(id)
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				wrap(w, "      ", strings.Join(names, ", "), 100)
			}
		}
	}
	if len(plan.Unplaced) > 0 {
		p("\nNot placed in every session they wanted\n")
		for _, u := range plan.Unplaced {
			p("  %s: %d missing: %s\n", label(u.Participant), u.Missing, u.Reason)
		}
	}
	b := plan.Breakdown
	p("\nScore %d = preference %d + competence %d + affinity %d - samePair %d - unplaced %d - repeatPair %d\n",
		plan.Objective, b.Preference, b.Competence, b.Affinity, b.SamePair, b.Unplaced, b.RepeatPair)
	if plan.Status == model.StatusOptimal {
		p("Bound %d: proven optimal, no plan scores higher\n", plan.Bound)
	} else {
		p("Bound %d: no plan scores higher; this plan is within %.3f%% of it\n", plan.Bound, 100*assign.Gap(plan.Objective, plan.Bound))
	}
	p("\nChoices obtained\n")
	for _, row := range rankHistogram(ev, plan) {
		p("  %s\t%d\t%.1f%%\n", row.label, row.n, row.share)
	}
	return tw.Flush()
}

type histRow struct {
	label string
	n     int
	share float64
}

// rankHistogram counts assignments by the rank the participant gave the
// theme: 1st choice, 2nd, ..., not ranked.
func rankHistogram(ev *model.Event, plan *model.Plan) []histRow {
	sessionTheme := map[string]string{}
	for _, s := range ev.Sessions {
		sessionTheme[s.ID] = s.Theme
	}
	prefs := map[string][]string{}
	most := 0
	for _, q := range ev.Participants {
		prefs[q.ID] = q.Preferences
		most = max(most, len(q.Preferences))
	}
	counts := make([]int, most+1) // last: not ranked
	for _, a := range plan.Assignments {
		k := slices.Index(prefs[a.Participant], sessionTheme[a.Session])
		if k < 0 {
			k = most
		}
		counts[k]++
	}
	var rows []histRow
	total := max(1, len(plan.Assignments))
	for k, n := range counts {
		label := model.Ordinal(k+1) + " choice"
		if k == most {
			label = "not ranked"
		}
		rows = append(rows, histRow{label, n, 100 * float64(n) / float64(total)})
	}
	return rows
}

// wrap writes text after indent, broken at spaces so that lines stay
// within width runes where the words allow.
func wrap(w io.Writer, indent, text string, width int) {
	line := indent
	for _, word := range strings.Fields(text) {
		if len([]rune(line))+1+len([]rune(word)) > width && line != indent {
			fmt.Fprintln(w, line)
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += word
	}
	if line != indent {
		fmt.Fprintln(w, line)
	}
}

// printExplanations writes assign.Explain's explanations compactly: for
// each participant their id and first line, then one line a round; then
// one line a session. Explain lists the participants first, in the
// event's order (ev is normalized).
func printExplanations(w io.Writer, ev *model.Event, ex []model.Explanation) error {
	fmt.Fprintf(w, "\nExplanations\n")
	n := min(len(ev.Participants), len(ex))
	for _, e := range ex[:n] {
		if len(e.Lines) == 0 {
			continue
		}
		fmt.Fprintf(w, "  %s  %s\n", e.Subject, e.Lines[0])
		for _, l := range e.Lines[1:] {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
	if n < len(ex) {
		fmt.Fprintf(w, "\nSessions\n")
	}
	for _, e := range ex[n:] {
		if _, err := fmt.Fprintf(w, "  %s  %s\n", e.Subject, strings.Join(e.Lines, "; ")); err != nil {
			return err
		}
	}
	return nil
}

// people is "1 person" or "n people".
func people(n int) string {
	if n == 1 {
		return "1 person"
	}
	return fmt.Sprintf("%d people", n)
}
