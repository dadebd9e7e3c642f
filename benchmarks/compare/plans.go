package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/roundtable-go/roundtable/model"
)

// lpVar is what one variable of assign.WriteLP's program stands for; only
// the variables that make a plan are kept: participant in session
// (x_P_S) and delegation room (d_O_R_H).
type lpVar struct {
	room                      bool
	participant, session      string // x
	organisation, round, host string // d
}

// splitLP copies the LP file that assign.WriteLP writes from r to w
// without its comment lines, and returns the name table those comments
// hold, one line per variable:
//
//	\   x_0_3: participant "p1" in session "s2"
//	\   d_0_1_2: room of organisation "o" in round "r" with host "h"
//
// The comments go because CBC 2.10 reads comment lines recursively: a
// table of hundreds of thousands of lines overflows its stack (signal 11
// on the flanders family).
func splitLP(r io.Reader, w io.Writer) (map[string]lpVar, lpStats, error) {
	var st lpStats
	names := map[string]lpVar{}
	inRows := false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	bw := bufio.NewWriterSize(w, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, `\`) {
			switch {
			case line == "Subject To":
				inRows = true
			case len(line) > 0 && line[0] != ' ':
				inRows = false
			case inRows && len(line) > 1 && line[1] != ' ':
				st.rows++
			}
			bw.WriteString(line)
			bw.WriteByte('\n')
			continue
		}
		rest, ok := strings.CutPrefix(line, `\   `)
		if !ok {
			continue
		}
		name, note, ok := strings.Cut(rest, ": ")
		if !ok {
			continue
		}
		st.cols++
		var v lpVar
		var err error
		switch {
		case strings.HasPrefix(name, "x_"):
			err = scanNote(note, []string{"participant ", " in session "}, &v.participant, &v.session)
		case strings.HasPrefix(name, "d_"):
			v.room = true
			err = scanNote(note, []string{"room of organisation ", " in round ", " with host "}, &v.organisation, &v.round, &v.host)
		default:
			continue
		}
		if err != nil {
			return nil, st, fmt.Errorf("compare: LP name table, %s: %v", name, err)
		}
		names[name] = v
	}
	if err := sc.Err(); err != nil {
		return nil, st, err
	}
	if len(names) == 0 {
		return nil, st, fmt.Errorf("compare: the LP file has no name table")
	}
	return names, st, bw.Flush()
}

// lpStats is the size of an LP file.
type lpStats struct{ cols, rows int }

// scanNote reads `word "a" word "b"...`: each literal, then a Go-quoted
// string.
func scanNote(note string, words []string, dst ...*string) error {
	for i, w := range words {
		rest, ok := strings.CutPrefix(note, w)
		if !ok {
			return fmt.Errorf("%q: want %q", note, w)
		}
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return fmt.Errorf("%q: %v", rest, err)
		}
		if *dst[i], err = strconv.Unquote(q); err != nil {
			return err
		}
		note = rest[len(q):]
	}
	return nil
}

// planFromValues builds the plan that the variables set to 1 (value above
// 0.5) describe, scored by model.Check; reason is given to whoever is
// unplaced. It returns Check's report too: a reference solver's plan may
// break a rule when the solver stopped on a time limit with an infeasible
// point.
func planFromValues(ev *model.Event, names map[string]lpVar, values map[string]float64, reason string) (*model.Plan, *model.Report) {
	ne := ev.Normalized()
	sessRound := map[string]string{}
	for _, s := range ne.Sessions {
		sessRound[s.ID] = s.Round
	}
	plan := &model.Plan{
		Event:       ev.Name,
		Status:      model.StatusFeasible,
		Delegations: []model.DelegationRoom{},
		Assignments: []model.Assignment{},
	}
	for name, val := range values {
		v, ok := names[name]
		if !ok || val <= 0.5 {
			continue
		}
		if v.room {
			plan.Delegations = append(plan.Delegations, model.DelegationRoom{Organisation: v.organisation, Round: v.round, Host: v.host})
		} else {
			plan.Assignments = append(plan.Assignments, model.Assignment{Participant: v.participant, Round: sessRound[v.session], Session: v.session})
		}
	}
	slices.SortFunc(plan.Delegations, func(a, b model.DelegationRoom) int {
		return cmp.Or(cmp.Compare(a.Organisation, b.Organisation), cmp.Compare(a.Round, b.Round))
	})
	slices.SortFunc(plan.Assignments, func(a, b model.Assignment) int {
		return cmp.Or(cmp.Compare(a.Participant, b.Participant), cmp.Compare(a.Round, b.Round))
	})
	return plan, finish(ev, plan, reason)
}

// finish sets the plan's breakdown, objective and unplaced list to those
// of model.Check, with no bound (math.MaxInt64), and returns the report.
func finish(ev *model.Event, plan *model.Plan, reason string) *model.Report {
	rep := model.Check(ev, plan)
	plan.Breakdown, plan.Objective = rep.Breakdown, rep.Objective
	plan.Bound = math.MaxInt64
	plan.Unplaced = []model.Unplaced{}
	for _, p := range ev.Participants {
		if miss := rep.Missing[p.ID]; miss > 0 {
			plan.Unplaced = append(plan.Unplaced, model.Unplaced{Participant: p.ID, Missing: miss, Reason: reason})
		}
	}
	return rep
}

// hardViolations counts the broken hard rules (not the plan's own
// bookkeeping, rule 0) and returns the first one.
func hardViolations(rep *model.Report) (int, string) {
	n, first := 0, ""
	for _, v := range rep.Violations {
		if v.Rule != 0 {
			if n == 0 {
				first = v.String()
			}
			n++
		}
	}
	return n, first
}
