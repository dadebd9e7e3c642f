package model

import (
	"cmp"
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

// WriteRoster writes plan p of event ev as a CSV roster for people to
// read: a header "name,organisation" followed by each round's label (its
// id when it has none), then one row per participant in event order with
// their name (id when nameless), their organisation's name (id when
// nameless), and per round the session id they are assigned to, or
// "delegation: HOST" (the host's name, else id) for the round of their
// organisation's delegation room when they sit in it
// (Participant.InDelegationRoom), or nothing.
//
// A cell that a spreadsheet would read as a formula (starting with '=',
// '+', '-', '@', a tab or a carriage return) is prefixed with a single
// quote, which spreadsheets show as text. Should the plan hold two entries
// for one participant and round, the cell lists both, separated by "; ".
func WriteRoster(w io.Writer, ev *Event, p *Plan) error {
	if ev == nil || p == nil {
		return errors.New("model: a roster needs an event and a plan")
	}
	round := map[string]int{}
	for i, r := range ev.Rounds {
		if _, dup := round[r.ID]; !dup {
			round[r.ID] = i
		}
	}
	hostName := map[string]string{}
	for _, h := range ev.Hosts {
		if _, dup := hostName[h.ID]; !dup {
			hostName[h.ID] = cmp.Or(h.Name, h.ID)
		}
	}
	orgName := map[string]string{}
	for _, o := range ev.Organisations {
		if _, dup := orgName[o.ID]; !dup {
			orgName[o.ID] = cmp.Or(o.Name, o.ID)
		}
	}
	// cells[participant id][round index] lists what the plan says.
	cells := map[string][][]string{}
	put := func(pid, rid, text string) {
		ri, ok := round[rid]
		if !ok {
			return
		}
		row := cells[pid]
		if row == nil {
			row = make([][]string, len(ev.Rounds))
			cells[pid] = row
		}
		row[ri] = append(row[ri], text)
	}
	for _, a := range p.Assignments {
		put(a.Participant, a.Round, a.Session)
	}
	rooms := map[string][]DelegationRoom{}
	for _, d := range p.Delegations {
		rooms[d.Organisation] = append(rooms[d.Organisation], d)
	}
	for _, pt := range ev.Participants {
		for _, d := range rooms[pt.Organisation] {
			if !pt.InDelegationRoom(d.Round) {
				continue
			}
			name, ok := hostName[d.Host]
			if !ok {
				name = d.Host
			}
			put(pt.ID, d.Round, "delegation: "+name)
		}
	}

	cw := csv.NewWriter(w)
	header := []string{"name", "organisation"}
	for _, r := range ev.Rounds {
		header = append(header, cmp.Or(r.Label, r.ID))
	}
	if err := cw.Write(neutralise(header)); err != nil {
		return err
	}
	for _, pt := range ev.Participants {
		org, ok := orgName[pt.Organisation]
		if !ok {
			org = pt.Organisation
		}
		rec := []string{cmp.Or(pt.Name, pt.ID), org}
		row := cells[pt.ID]
		for i := range ev.Rounds {
			var c string
			if row != nil {
				c = strings.Join(row[i], "; ")
			}
			rec = append(rec, c)
		}
		if err := cw.Write(neutralise(rec)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// neutralise applies NeutraliseCell to every cell of rec, in place.
func neutralise(rec []string) []string {
	for i, c := range rec {
		rec[i] = NeutraliseCell(c)
	}
	return rec
}

// FormulaLead reports whether a spreadsheet would evaluate a cell that
// starts with b as a formula: =, +, -, @, tab or carriage return.
func FormulaLead(b byte) bool {
	return strings.IndexByte("=+-@\t\r", b) >= 0
}

// NeutraliseCell prefixes cell with a single quote when a spreadsheet
// would otherwise evaluate it as a formula (OWASP's advice on CSV
// injection); every CSV writer of roundtable passes its cells through it.
func NeutraliseCell(cell string) string {
	if cell != "" && FormulaLead(cell[0]) {
		return "'" + cell
	}
	return cell
}
