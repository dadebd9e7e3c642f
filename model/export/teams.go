package export

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/roundtable-go/roundtable/model"
)

// WriteTeams writes a roster of one round to paste in a Microsoft Teams
// invitation or chat (Teams has no import file for breakout rooms): a
// Markdown title, then a table of every participant available that round
// in alphabetical order of name (case aside, then id) with their
// organisation, room and host, "no session" for those in none, and a
// table of the rooms with their hosts and members. Markdown reads as a
// plain-text table too.
//
// Cells are one line, and the characters Markdown would act on (\ | * _ `
// [ ] < > ~ &) are escaped with a backslash, so a name renders as written.
// An unknown round id is an error.
func WriteTeams(w io.Writer, ev *model.Event, plan *model.Plan, round string) error {
	if ev == nil || plan == nil {
		return errNil
	}
	v := newView(ev, plan)
	r, ok := v.roundIdx[round]
	if !ok {
		return fmt.Errorf("export: unknown round %q", round)
	}
	return v.writeTeams(w, r)
}

func (v *view) writeTeams(w io.Writer, r int) error {
	bw := bufio.NewWriter(w)
	title := roundLabel(v.ev.Rounds[r])
	if v.ev.Name != "" {
		title = v.ev.Name + ": " + title
	}
	fmt.Fprintf(bw, "# %s\n\n", mdCell(title))

	type line struct{ name, id, org, room, host string }
	var lines []line
	for pi, p := range v.ev.Participants {
		if len(v.in[pi][r]) == 0 {
			if v.available(pi, r) {
				lines = append(lines, line{v.participantName(pi), p.ID, v.orgName(p.Organisation), "no session", ""})
			}
			continue
		}
		for _, rm := range v.in[pi][r] {
			lines = append(lines, line{v.participantName(pi), p.ID, v.orgName(p.Organisation), rm.name, rm.host})
		}
	}
	slices.SortStableFunc(lines, func(a, b line) int {
		return cmpStrings(strings.ToLower(a.name), strings.ToLower(b.name), a.id, b.id)
	})
	fmt.Fprint(bw, "| Name | Organisation | Room | Host |\n| --- | --- | --- | --- |\n")
	for _, l := range lines {
		fmt.Fprintf(bw, "| %s | %s | %s | %s |\n", mdCell(l.name), mdCell(l.org), mdCell(l.room), mdCell(l.host))
	}

	fmt.Fprint(bw, "\n## Rooms\n\n| Room | Host | Size | Participants |\n| --- | --- | --- | --- |\n")
	for _, rm := range v.rooms[r] {
		if len(rm.members) == 0 {
			continue
		}
		names := make([]string, len(rm.members))
		for i, pi := range rm.members {
			names[i] = mdCell(v.participantName(pi))
		}
		fmt.Fprintf(bw, "| %s | %s | %s | %s |\n", mdCell(rm.name), mdCell(rm.host),
			strconv.Itoa(len(rm.members)), strings.Join(names, ", "))
	}
	return bw.Flush()
}

// mdCell makes s one line of Markdown text that renders as written.
func mdCell(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if strings.ContainsRune("\\|*_`[]<>~&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
