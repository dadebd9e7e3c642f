// # What-if scenarios (-whatif FILE)
//
// -whatif FILE solves the event and each scenario of FILE, a variant of the
// event, and prints their figures side by side (assign.Compare): objective,
// bound, gap, share of assignments in a first choice and in the top two,
// worst rank obtained, mean number of organisations per session, people
// unplaced, sessions cancelled for want of participants (a minimum above 0
// and nobody in them) and solve time. -time-limit applies to each solve.
// With -format json it prints a JSON array of assign.Metrics, the event
// itself first (named "base").
//
// FILE is JSON:
//
//	{"scenarios": [
//	  {"name": "a sixth theme", "changes": [
//	    {"kind": "addTheme", "id": "wonen", "name": "Wonen", "competences": ["schepen-wonen"], "rank": 2}
//	  ]},
//	  {"name": "capacity +20 %", "changes": [{"kind": "scaleCapacity", "percent": 120}]},
//	  {"name": "a third round", "changes": [{"kind": "addRound", "id": "r3", "label": "15:00-16:30"}]},
//	  {"name": "colleagues apart", "changes": [{"kind": "setWeight", "weight": "samePair", "value": 40}]},
//	  {"name": "no delegation rooms", "changes": [{"kind": "noDelegations"}]},
//	  {"name": "care in one room", "changes": [
//	    {"kind": "closeSession", "session": "zorg-r2"},
//	    {"kind": "resizeSession", "session": "zorg-r1", "capacity": 24, "min": 6}
//	  ]}
//	]}
//
// Each scenario has a name (unique, not "base") and a list of changes,
// applied in order to a copy of the event with its default sessions
// written out (THEME-ROUND). The kinds of change and their fields:
//
//   - addTheme: id (new), name (default: the id), competences, capacity
//     and min of its sessions (default: the event's defaults), rank: when
//     set, every participant whose competences meet the theme's ranks it
//     at that position (1 = first; after their last choice when they
//     ranked fewer). It adds one session THEME-ROUND in every round.
//     Without rank nobody ranks the new theme and it only takes people who
//     would otherwise miss a session.
//   - scaleCapacity: percent (0 or more) scales the capacity of every
//     session and of defaults.capacity, rounded to the nearest seat; a
//     minimum above the new capacity comes down to it.
//   - addRound: id (new), label, start, end. The new round, last, gets a
//     copy of the sessions of the round before it (ids with that round's id
//     replaced by the new one, THEME-ROUND-k for parallel ones; hosts not
//     copied). Participants and hosts with a list of rounds are not
//     available in it; delegation rounds are unchanged.
//   - setWeight: weight (rank, unranked, competence, samePair, unplaced,
//     affinity or repeatPair) and value, or values for rank (a list).
//   - noDelegations: the event without delegation rooms.
//   - closeSession: session; it is taken out of the event, its host freed
//     and pins into it dropped.
//   - resizeSession: session, and capacity, min or both.
//
// A field that the kind does not take, an unknown kind or session, or a
// change that leaves the event invalid is an error that names the file,
// the scenario and the change ("whatif.json: scenario "x", changes[1]
// (closeSession): unknown session "zorg-r9""); the command then exits
// with status 2 before solving anything.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/bits"
	"os"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/roundtable-go/roundtable/assign"
	"github.com/roundtable-go/roundtable/model"
)

// whatifFile is the JSON of -whatif.
type whatifFile struct {
	Scenarios []whatifScenario `json:"scenarios"`
}

type whatifScenario struct {
	Name    string            `json:"name"`
	Changes []json.RawMessage `json:"changes"`
}

// change is one change of a scenario; which fields apply depends on Kind
// (changeFields).
type change struct {
	Kind        string   `json:"kind"`
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Label       string   `json:"label"`
	Start       string   `json:"start"`
	End         string   `json:"end"`
	Competences []string `json:"competences"`
	Rank        *int     `json:"rank"`
	Capacity    *int     `json:"capacity"`
	Min         *int     `json:"min"`
	Percent     *int     `json:"percent"`
	Weight      string   `json:"weight"`
	Value       *int     `json:"value"`
	Values      []int    `json:"values"`
	Session     string   `json:"session"`
}

// changeFields lists, per kind, the fields it takes besides "kind".
var changeFields = map[string][]string{
	"addTheme":      {"id", "name", "competences", "capacity", "min", "rank"},
	"scaleCapacity": {"percent"},
	"addRound":      {"id", "label", "start", "end"},
	"setWeight":     {"weight", "value", "values"},
	"noDelegations": {},
	"closeSession":  {"session"},
	"resizeSession": {"session", "capacity", "min"},
}

func kinds() string {
	ks := make([]string, 0, len(changeFields))
	for k := range changeFields {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// loadScenarios reads a what-if file and applies each scenario to a copy
// of base (valid). Errors name the file, the scenario and the change.
func loadScenarios(path string, base *model.Event) ([]assign.Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err // names the file
	}
	return parseScenarios(path, data, base)
}

func parseScenarios(path string, data []byte, base *model.Event) ([]assign.Scenario, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: "+format, append([]any{path}, args...)...)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f whatifFile
	if err := dec.Decode(&f); err != nil {
		return nil, bad("%v", err)
	}
	if dec.More() {
		return nil, bad("unexpected data after the scenarios")
	}
	if len(f.Scenarios) == 0 {
		return nil, bad(`no scenarios: want {"scenarios": [{"name": ..., "changes": [...]}]}`)
	}
	seen := map[string]bool{"base": true}
	out := make([]assign.Scenario, 0, len(f.Scenarios))
	for i, sc := range f.Scenarios {
		name := strings.TrimSpace(sc.Name)
		switch {
		case name == "":
			return nil, bad("scenarios[%d] has no name", i)
		case seen[name]:
			return nil, bad("scenario %q: the name is taken; give each scenario its own (\"base\" is the event itself)", name)
		}
		seen[name] = true
		ev := base.Normalized()
		for j, raw := range sc.Changes {
			c, err := decodeChange(raw)
			where := fmt.Sprintf("scenario %q, changes[%d]", name, j)
			if c.Kind != "" {
				where += " (" + c.Kind + ")"
			}
			if err != nil {
				return nil, bad("%s: %v", where, err)
			}
			if err := applyChange(ev, c); err != nil {
				return nil, bad("%s: %v", where, err)
			}
			if err := ev.Validate(); err != nil {
				return nil, bad("%s: the changed event is invalid:\n%v", where, err)
			}
		}
		out = append(out, assign.Scenario{Name: name, Event: ev})
	}
	return out, nil
}

// decodeChange reads one change, checking its kind and that it sets only
// fields its kind takes.
func decodeChange(raw json.RawMessage) (change, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return change{}, fmt.Errorf("want an object with a kind: %v", err)
	}
	var c change
	if k, ok := fields["kind"]; ok {
		if err := json.Unmarshal(k, &c.Kind); err != nil {
			return change{}, fmt.Errorf("kind: want a string")
		}
	}
	allowed, ok := changeFields[c.Kind]
	if !ok {
		if c.Kind == "" {
			return c, fmt.Errorf("no kind; use one of %s", kinds())
		}
		return c, fmt.Errorf("unknown kind %q; use one of %s", c.Kind, kinds())
	}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if k != "kind" && !slices.Contains(allowed, k) {
			return c, fmt.Errorf("field %q does not apply; %s takes %s", k, c.Kind, strings.Join(allowed, ", "))
		}
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, err
	}
	return c, nil
}

// applyChange changes ev (normalized: sessions written out) in place.
func applyChange(ev *model.Event, c change) error {
	sessionIndex := func(id string) (int, error) {
		if id == "" {
			return -1, errors.New(`no "session"`)
		}
		for i, s := range ev.Sessions {
			if s.ID == id {
				return i, nil
			}
		}
		return -1, fmt.Errorf("unknown session %q", id)
	}
	switch c.Kind {
	case "addTheme":
		if c.ID == "" {
			return errors.New(`no "id" for the new theme`)
		}
		if slices.ContainsFunc(ev.Themes, func(t model.Theme) bool { return t.ID == c.ID }) {
			return fmt.Errorf("theme %q exists already", c.ID)
		}
		name := c.Name
		if name == "" {
			name = c.ID
		}
		ev.Themes = append(ev.Themes, model.Theme{ID: c.ID, Name: name, Competences: c.Competences})
		capacity, lo := ev.Defaults.Capacity, ev.Defaults.Min
		if c.Capacity != nil {
			capacity = *c.Capacity
		}
		if c.Min != nil {
			lo = *c.Min
		}
		for _, r := range ev.Rounds {
			ev.Sessions = append(ev.Sessions, model.Session{ID: c.ID + "-" + r.ID, Theme: c.ID, Round: r.ID, Capacity: model.Ptr(capacity), Min: model.Ptr(lo)})
		}
		if c.Rank != nil {
			if *c.Rank < 1 {
				return fmt.Errorf("rank %d: use 1 for a first choice, 2 for a second, and so on", *c.Rank)
			}
			for i := range ev.Participants {
				p := &ev.Participants[i]
				if sharesCompetence(p.Competences, c.Competences) {
					k := min(*c.Rank-1, len(p.Preferences))
					p.Preferences = slices.Insert(slices.Clone(p.Preferences), k, c.ID)
				}
			}
		}
	case "scaleCapacity":
		if c.Percent == nil || *c.Percent < 0 {
			return errors.New(`want "percent", 0 or more (120 for +20 %)`)
		}
		scale := func(n int) int {
			// Rounded to the nearest, in 128 bits; a result beyond an
			// int (an organiser's "no limit" scaled up) is as large as
			// an int can be.
			hi, lo := bits.Mul64(uint64(max(n, 0)), uint64(*c.Percent))
			lo, carry := bits.Add64(lo, 50, 0)
			hi += carry
			if hi >= 100 {
				return math.MaxInt
			}
			q, _ := bits.Div64(hi, lo, 100)
			if q > math.MaxInt {
				return math.MaxInt
			}
			return int(q)
		}
		ev.Defaults.Capacity = scale(ev.Defaults.Capacity)
		ev.Defaults.Min = min(ev.Defaults.Min, ev.Defaults.Capacity)
		for i := range ev.Sessions {
			s := &ev.Sessions[i]
			s.Capacity = model.Ptr(scale(*s.Capacity))
			s.Min = model.Ptr(min(*s.Min, *s.Capacity))
		}
	case "addRound":
		if c.ID == "" {
			return errors.New(`no "id" for the new round`)
		}
		if slices.ContainsFunc(ev.Rounds, func(r model.Round) bool { return r.ID == c.ID }) {
			return fmt.Errorf("round %q exists already", c.ID)
		}
		if len(ev.Rounds) == 0 {
			return errors.New("the event has no round to copy the sessions of")
		}
		last := ev.Rounds[len(ev.Rounds)-1].ID
		ev.Rounds = append(ev.Rounds, model.Round{ID: c.ID, Label: c.Label, Start: c.Start, End: c.End})
		taken := map[string]bool{}
		for _, s := range ev.Sessions {
			taken[s.ID] = true
		}
		for _, s := range slices.Clone(ev.Sessions) {
			if s.Round != last {
				continue
			}
			id := s.ID
			switch prefix := s.Theme + "-" + last; {
			case id == prefix:
				id = s.Theme + "-" + c.ID
			case strings.HasPrefix(id, prefix+"-"):
				id = s.Theme + "-" + c.ID + strings.TrimPrefix(id, prefix)
			default:
				id += "-" + c.ID
			}
			if taken[id] {
				return fmt.Errorf("the copy of session %q would be %q, which exists already", s.ID, id)
			}
			taken[id] = true
			ev.Sessions = append(ev.Sessions, model.Session{ID: id, Theme: s.Theme, Round: c.ID, Capacity: model.Ptr(*s.Capacity), Min: model.Ptr(*s.Min)})
		}
	case "setWeight":
		w := &ev.Weights
		if c.Weight == "rank" {
			if c.Values == nil || c.Value != nil {
				return errors.New(`the rank weights take "values", a list such as [100, 60, 30]`)
			}
			w.Rank = slices.Clone(c.Values)
			return nil
		}
		if c.Value == nil || c.Values != nil {
			return errors.New(`want "value", a number`)
		}
		target := map[string]*int{"unranked": &w.Unranked, "competence": &w.Competence, "samePair": &w.SamePair,
			"unplaced": &w.Unplaced, "affinity": &w.Affinity, "repeatPair": &w.RepeatPair}[c.Weight]
		if target == nil {
			return fmt.Errorf("unknown weight %q; use rank, unranked, competence, samePair, unplaced, affinity or repeatPair", c.Weight)
		}
		*target = *c.Value
	case "noDelegations":
		ev.Delegations = nil
	case "closeSession":
		i, err := sessionIndex(c.Session)
		if err != nil {
			return err
		}
		s := ev.Sessions[i]
		ev.Sessions = slices.Delete(ev.Sessions, i, i+1)
		for k := range ev.Participants {
			p := &ev.Participants[k]
			if p.Pinned[s.Round] == s.ID {
				p.Pinned = withoutKey(p.Pinned, s.Round)
			}
		}
	case "resizeSession":
		i, err := sessionIndex(c.Session)
		if err != nil {
			return err
		}
		if c.Capacity == nil && c.Min == nil {
			return errors.New(`give "capacity", "min" or both`)
		}
		if c.Capacity != nil {
			ev.Sessions[i].Capacity = model.Ptr(*c.Capacity)
		}
		if c.Min != nil {
			ev.Sessions[i].Min = model.Ptr(*c.Min)
		}
	}
	return nil
}

// withoutKey returns a copy of m without key k, nil when empty.
func withoutKey(m map[string]string, k string) map[string]string {
	out := map[string]string{}
	for key, v := range m {
		if key != k {
			out[key] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func sharesCompetence(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// checkWhatifFlags rejects flags that do not combine with -whatif.
func checkWhatifFlags(o options, stderr io.Writer) error {
	if o.whatif == "" {
		return nil
	}
	for _, f := range []struct {
		set  bool
		name string
	}{{o.previous != "", "-previous"}, {o.explain, "-explain"}, {o.out != "", "-out"}, {o.summary, "-summary"}} {
		if f.set {
			fmt.Fprintf(stderr, "kennisdag: -whatif compares scenarios; it does not combine with %s\n", f.name)
			return errors.New("kennisdag: -whatif with " + f.name)
		}
	}
	return nil
}

// runWhatif is the command with -whatif: it solves ev and each scenario
// and prints the comparison. It returns the exit status.
func runWhatif(ctx context.Context, opts options, ev *model.Event, solveOpts assign.Options, stdout, stderr io.Writer) int {
	scenarios, err := loadScenarios(opts.whatif, ev)
	if err != nil {
		fmt.Fprintln(stderr, "kennisdag:", err)
		return exitInput
	}
	scenarios = append([]assign.Scenario{{Name: "base", Event: ev}}, scenarios...)
	solveOpts.OnImprove = nil
	ms, err := assign.Compare(ctx, scenarios, solveOpts)
	if err != nil {
		fmt.Fprintln(stderr, "kennisdag:", err)
		return exitError
	}
	if opts.format == "json" {
		err = encodeJSON(stdout, ms)
	} else {
		err = printComparison(stdout, ms)
	}
	if err != nil {
		fmt.Fprintln(stderr, "kennisdag:", err)
		return exitError
	}
	return exitOK
}

func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// printComparison writes the metrics as an aligned table, one scenario a
// row, numbers right-aligned; a scenario without a plan says why.
func printComparison(w io.Writer, ms []assign.Metrics) error {
	width := len("scenario")
	for _, m := range ms {
		width = max(width, len(m.Name))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%-*s\tobjective\tbound\tgap\t1st choice\ttop two\tworst rank\tunranked\torgs/session\tunplaced\tcancelled\ttime\t\n", width, "scenario")
	for _, m := range ms {
		if m.Error != "" {
			msg, _, _ := strings.Cut(strings.TrimPrefix(m.Error, "no plan is possible:\n"), "\n")
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(w, "%-*s  no plan: %s\n", width, m.Name, msg)
			continue
		}
		worst := "-"
		if m.WorstRank > 0 {
			worst = fmt.Sprint(m.WorstRank)
		}
		fmt.Fprintf(tw, "%-*s\t%d\t%d\t%.3f%%\t%.1f%%\t%.1f%%\t%s\t%d\t%.2f\t%d\t%d\t%.1fs\t\n",
			width, m.Name, m.Objective, m.Bound, 100*m.Gap, 100*m.FirstChoice, 100*m.TopTwo, worst, m.Unranked, m.Organisations, m.Unplaced, m.Cancelled, m.Seconds)
	}
	return tw.Flush()
}

// loadPrevious reads the plan of -previous, or returns nil without it. A
// plan written with -previous -format json carries a "diff", which is left
// out, so repairs can follow one another.
func loadPrevious(opts options) (*model.Plan, error) {
	if opts.previous == "" {
		return nil, nil
	}
	data, err := os.ReadFile(opts.previous)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) == nil && fields["diff"] != nil {
		delete(fields, "diff")
		if data, err = json.Marshal(fields); err != nil {
			return nil, err
		}
	}
	plan, err := model.DecodePlan(bytes.NewReader(data))
	if err != nil {
		return nil, inSource(opts.previous, err)
	}
	return plan, nil
}

// repair is the solve with -previous: assign.Repair with the command's
// options; without -time-limit it stops after assign.DefaultRepairTimeLimit.
func repair(ctx context.Context, ev *model.Event, prev *model.Plan, opts options, solveOpts assign.Options) (*model.Plan, *assign.Diff, error) {
	if !opts.timeLimitSet {
		solveOpts.TimeLimit = assign.DefaultRepairTimeLimit
	}
	return assign.Repair(ctx, ev, prev, assign.RepairOptions{Options: solveOpts})
}

// planWithDiff is the plan JSON of docs/FORMAT.md with an extra "diff"
// field: what changed against the -previous plan (assign.Diff).
type planWithDiff struct {
	model.Plan
	Diff *assign.Diff `json:"diff"`
}

// encodePlanWithDiff writes the plan as model.EncodePlan does (empty lists
// as []), with the diff inside.
func encodePlanWithDiff(w io.Writer, plan *model.Plan, diff *assign.Diff) error {
	q := *plan
	if q.Delegations == nil {
		q.Delegations = []model.DelegationRoom{}
	}
	if q.Assignments == nil {
		q.Assignments = []model.Assignment{}
	}
	if q.Unplaced == nil {
		q.Unplaced = []model.Unplaced{}
	}
	if q.Explanations != nil {
		q.Explanations = slices.Clone(q.Explanations)
		for i := range q.Explanations {
			if q.Explanations[i].Lines == nil {
				q.Explanations[i].Lines = []string{}
			}
		}
	}
	return encodeJSON(w, planWithDiff{Plan: q, Diff: diff})
}

// printDiff writes the changes against the previous plan for people.
func printDiff(w io.Writer, ev *model.Event, source string, d *assign.Diff) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	name := map[string]string{}
	for _, q := range ev.Participants {
		name[q.ID] = q.ID
		if q.Name != "" {
			name[q.ID] = q.Name + " (" + q.ID + ")"
		}
	}
	who := func(id string) string {
		if n, ok := name[id]; ok {
			return n
		}
		return id
	}
	sessions := func(ps []assign.Placement) string {
		if len(ps) == 0 {
			return "no session"
		}
		parts := make([]string, len(ps))
		for i, pl := range ps {
			parts[i] = pl.Round + " " + pl.Session
		}
		return strings.Join(parts, ", ")
	}
	p("\nChanges against %s\n", source)
	for _, r := range d.Relaxed {
		p("  Note: %s\n", r)
	}
	p("  Added (%d)\n", len(d.Added))
	for _, a := range d.Added {
		p("    %s\t%s\n", who(a.Participant), sessions(a.Sessions))
	}
	p("  Moved (%d)\n", len(d.Moved))
	for _, m := range d.Moved {
		to := m.To
		if to == "" {
			to = "no session"
		}
		p("    %s\t%s\t%s -> %s\t%s\n", who(m.Participant), m.Round, m.From, to, m.Reason)
	}
	if len(d.Gained) > 0 {
		p("  Given another session (%d)\n", len(d.Gained))
		for _, g := range d.Gained {
			p("    %s\t%s\t%s\n", who(g.Participant), g.Round, g.Session)
		}
	}
	p("  Dropped (%d)\n", len(d.Dropped))
	for _, x := range d.Dropped {
		p("    %s\tfreed %s\n", x.Participant, sessions(x.Sessions))
	}
	p("  Delegation rooms moved (%d)\n", len(d.RoomsMoved))
	for _, r := range d.RoomsMoved {
		to := r.ToRound + " with " + r.ToHost
		if r.ToRound == "" {
			to = "no room"
		}
		p("    %s\t%s with %s -> %s\t%s\n", r.Organisation, r.FromRound, r.FromHost, to, r.Reason)
	}
	if d.KeptObjective != nil && d.FreshObjective != nil && d.FreshMoves != nil {
		p("  Keeping everyone told scores %d; solving afresh %d with %d moves\n", *d.KeptObjective, *d.FreshObjective, *d.FreshMoves)
	}
	return tw.Flush()
}
