package mip

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable-go/roundtable/model"
)

var (
	// ErrNotInstalled means the cbc program is not on the PATH (Debian
	// and Ubuntu: apt-get install coinor-cbc).
	ErrNotInstalled = errors.New("mip: cbc is not installed")
	// ErrInfeasible means CBC proved that the event has no plan.
	ErrInfeasible = errors.New("mip: CBC found the event infeasible")
	// ErrNoSolution means CBC stopped (time limit, context) before it
	// found any plan.
	ErrNoSolution = errors.New("mip: CBC found no solution")
)

// Solution is a solver's answer read back from its solution file.
type Solution struct {
	// Status is the solver's status line, like "Optimal - objective value
	// 1205.00000000".
	Status string
	// Optimal reports that the solver proved optimality.
	Optimal bool
	// Objective is the value of the LP objective, which is the objective
	// of docs/FORMAT.md.
	Objective float64
	// Values holds variable values by LP name; absent variables are 0.
	Values map[string]float64
}

// ReadCBCSolution reads a solution file written by CBC's "solu" command.
// Its first line is the status ("Optimal - objective value 12.0",
// "Stopped on time - objective value ...", "Infeasible - ..."), each next
// line one variable: index, name, value, objective coefficient (lines of
// infeasible values start with "**").
func ReadCBCSolution(r io.Reader) (*Solution, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, err
		}
		return nil, errors.New("mip: empty CBC solution file")
	}
	sol := &Solution{Status: strings.TrimSpace(sc.Text()), Values: map[string]float64{}}
	sol.Optimal = strings.HasPrefix(sol.Status, "Optimal")
	if i := strings.LastIndex(sol.Status, "objective value"); i >= 0 {
		f := strings.Fields(sol.Status[i+len("objective value"):])
		if len(f) > 0 {
			v, err := strconv.ParseFloat(f[0], 64)
			if err != nil {
				return nil, fmt.Errorf("mip: CBC status line %q: %v", sol.Status, err)
			}
			sol.Objective = v
		}
	}
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 0 && f[0] == "**" {
			f = f[1:]
		}
		if len(f) == 0 {
			continue
		}
		if len(f) < 3 {
			return nil, fmt.Errorf("mip: CBC solution line %q", sc.Text())
		}
		v, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			return nil, fmt.Errorf("mip: CBC solution line %q: %v", sc.Text(), err)
		}
		sol.Values[f[1]] = v
	}
	return sol, sc.Err()
}

// Plan turns variable values (by LP name, absent = 0) into a plan of the
// model's event: its delegations and assignments, and the breakdown,
// objective and unplaced list (with reason) recomputed by model.Check.
// The plan's Status is feasible and its Bound math.MaxInt64, for the
// caller to set. The report is Check's.
func (m *Model) Plan(values map[string]float64, reason string) (*model.Plan, *model.Report) {
	ev := m.ev
	plan := &model.Plan{
		Event:       ev.Name,
		Status:      model.StatusFeasible,
		Bound:       math.MaxInt64,
		Delegations: []model.DelegationRoom{},
		Assignments: []model.Assignment{},
		Unplaced:    []model.Unplaced{},
	}
	for _, d := range m.ds {
		if values[m.names[d.col]] > 0.5 {
			plan.Delegations = append(plan.Delegations, model.DelegationRoom{
				Organisation: ev.Organisations[d.o].ID,
				Round:        ev.Rounds[d.r].ID,
				Host:         ev.Hosts[d.h].ID,
			})
		}
	}
	roundIdx := map[string]int{}
	for i, r := range ev.Rounds {
		if _, dup := roundIdx[r.ID]; !dup {
			roundIdx[r.ID] = i
		}
	}
	type placed struct{ p, r, s int }
	var ps []placed
	for _, x := range m.xs {
		if values[m.names[x.col]] > 0.5 {
			ps = append(ps, placed{x.p, roundIdx[ev.Sessions[x.s].Round], x.s})
		}
	}
	slices.SortFunc(ps, func(a, b placed) int {
		return cmp.Or(cmp.Compare(a.p, b.p), cmp.Compare(a.r, b.r), cmp.Compare(a.s, b.s))
	})
	for _, a := range ps {
		s := ev.Sessions[a.s]
		plan.Assignments = append(plan.Assignments, model.Assignment{
			Participant: ev.Participants[a.p].ID, Round: s.Round, Session: s.ID,
		})
	}
	rep := model.Check(ev, plan)
	plan.Breakdown = rep.Breakdown
	plan.Objective = rep.Objective
	for _, p := range ev.Participants {
		if miss := rep.Missing[p.ID]; miss > 0 {
			plan.Unplaced = append(plan.Unplaced, model.Unplaced{Participant: p.ID, Missing: miss, Reason: reason})
		}
	}
	return plan, rep
}

// bestPossible finds CBC's final bound in its log: after "Result -
// Stopped on time limit" CBC prints "Objective value:" and, for a
// maximisation, "Upper bound:", both in the sense of the LP file.
var bestPossible = regexp.MustCompile(`(?m)^Upper bound:\s*(\S+)`)

// CBC solves the event's MIP with the cbc program within timeLimit (0: no
// limit) and returns CBC's plan and CBC's own objective value, rounded to
// an integer. The plan's breakdown, objective and unplaced list (reason
// "cbc") are those model.Check computes; its status is optimal, with bound
// equal to the objective, when CBC proved optimality, and feasible
// otherwise, with CBC's bound when its log gives one. The event should be
// valid. It returns ErrNotInstalled when cbc is missing, ErrInfeasible and
// ErrNoSolution as their names say, and an error when CBC's plan breaks a
// hard rule.
func CBC(ctx context.Context, ev *model.Event, timeLimit time.Duration) (*model.Plan, int64, error) {
	bin, err := exec.LookPath("cbc")
	if err != nil {
		return nil, 0, ErrNotInstalled
	}
	m, err := Build(ev)
	if err != nil {
		return nil, 0, err
	}
	dir, err := os.MkdirTemp("", "roundtable-cbc-")
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(dir)
	lp := filepath.Join(dir, "model.lp")
	f, err := os.Create(lp)
	if err != nil {
		return nil, 0, err
	}
	if err := m.WriteLP(f); err != nil {
		f.Close()
		return nil, 0, err
	}
	if err := f.Close(); err != nil {
		return nil, 0, err
	}
	solFile := filepath.Join(dir, "solution.txt")
	args := []string{lp}
	if timeLimit > 0 {
		args = append(args, "sec", strconv.FormatFloat(timeLimit.Seconds(), 'f', -1, 64))
	}
	args = append(args, "solve", "solu", solFile)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	out, runErr := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return nil, 0, ctx.Err()
	}
	data, err := os.ReadFile(solFile)
	if err != nil {
		if runErr != nil {
			return nil, 0, fmt.Errorf("mip: cbc: %v\n%s", runErr, tail(out))
		}
		return nil, 0, fmt.Errorf("mip: cbc wrote no solution: %v\n%s", err, tail(out))
	}
	sol, err := ReadCBCSolution(bytes.NewReader(data))
	if err != nil {
		return nil, 0, err
	}
	switch {
	case strings.Contains(sol.Status, "nfeasible"):
		return nil, 0, fmt.Errorf("%w: %s", ErrInfeasible, sol.Status)
	case strings.Contains(sol.Status, "no integer solution") || strings.Contains(sol.Status, "No feasible"):
		return nil, 0, fmt.Errorf("%w: %s", ErrNoSolution, sol.Status)
	}
	plan, rep := m.Plan(sol.Values, "cbc")
	var broken []string
	for _, v := range rep.Violations {
		if v.Rule != 0 {
			broken = append(broken, v.String())
		}
	}
	if len(broken) > 0 {
		if !sol.Optimal {
			return nil, 0, fmt.Errorf("%w: %s", ErrNoSolution, sol.Status)
		}
		return nil, 0, fmt.Errorf("mip: CBC's plan breaks %d rule(s):\n%s", len(broken), strings.Join(broken, "\n"))
	}
	obj := int64(math.Round(sol.Objective))
	bound := int64(math.MaxInt64)
	if sol.Optimal {
		bound = obj
	} else if mm := bestPossible.FindSubmatch(out); mm != nil {
		v, err := strconv.ParseFloat(string(mm[1]), 64)
		if err == nil && v >= sol.Objective-1e-6 && v < 1e18 {
			bound = int64(math.Floor(v + 1e-6))
		}
	}
	if bound <= plan.Objective {
		plan.Status, plan.Bound = model.StatusOptimal, plan.Objective
	} else {
		plan.Bound = bound
	}
	return plan, obj, nil
}

// tail returns the last lines of CBC's log, for error messages.
func tail(out []byte) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}
