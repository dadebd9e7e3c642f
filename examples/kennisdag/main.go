// Command kennisdag plans an event of roundtable: it loads and validates
// the event, solves it, and prints the plan per round and session, then the
// score, the proven bound, the gap, how many people got which choice and,
// for a plan not proven optimal, what stopped the search (the time limit,
// the work limit or an interrupt).
//
// Without flags it uses its embedded default event, the knowledge day
// "Kennisdag lokaal beleid rond Corona" (kennisdag.json beside this file):
//
//	go run ./examples/kennisdag
//	go run ./examples/kennisdag -event my-event.json -time-limit 30s
//	go run ./examples/kennisdag -registrations form-export.csv
//	go run ./examples/kennisdag -format json > plan.json
//	go run ./examples/kennisdag -explain
//	go run ./examples/kennisdag -out plan-files
//	go run ./examples/kennisdag -summary
//	go run ./examples/kennisdag -previous plan.json
//	go run ./examples/kennisdag -whatif scenarios.json
//
// -registrations replaces the event's participants with the rows of a
// registrations CSV (docs/FORMAT.md). -format json prints exactly the plan
// JSON of docs/FORMAT.md on standard output and nothing else. -summary
// prints an overview of the event (programme, hosts, demand against seats)
// instead of solving.
//
// -explain adds, for every participant, where they are each round, why
// they are not in the themes they ranked higher and what moving them would
// cost, and for every session its size and mix of organisations
// (assign.Explain): after the plan in text, in the plan's "explanations"
// field with -format json.
//
// -out DIR writes the organiser's files into DIR (package model/export):
// rosters.csv, sessions.csv, a Zoom breakout-room file and a Teams roster
// per round, a calendar per participant when rounds have times, and
// report.html. Into a DIR used before, the files of the earlier export
// this plan does not have (the calendar of someone no longer in it) are
// removed, with a warning. Warnings go to standard error as
// "warning: ...", then "wrote N files to DIR". The calendars are stamped
// (DTSTAMP) with the time of writing, so that one sent again after a
// repair replaces the earlier one in calendar programs; set
// SOURCE_DATE_EPOCH (seconds since 1970) for files that are the same byte
// for byte from run to run.
//
// -previous PLAN repairs the plan people were told (a plan JSON written
// with -format json) for the event as it is now, instead of solving afresh
// (assign.Repair): everyone told keeps their sessions unless the event
// makes that impossible. The plan is followed by what changed (added,
// moved and why, dropped, delegation rooms moved), or with -format json
// carries it in an extra "diff" field. Without -time-limit a repair stops
// after assign.DefaultRepairTimeLimit. -whatif FILE compares scenarios;
// see "What-if scenarios" below.
//
// -fair puts fairness before the score: first the fewest missing sessions,
// then the fewest people placed in a theme they did not rank, then in
// their last ranked theme, and so on, then the score (assign.Options.Fair).
// -seed and -workers tune the search; the same event, seed and workers
// give the same plan when the search ends before its time limit (proven
// optimal, or stopped by -work-limit). Where the time limit stops it, the
// plan depends on the machine's speed and load; -work-limit N stops it
// after N units of work instead (assign.Options.WorkLimit: arcs of the
// flows built plus participants of the relaxation's passes, 1 to 4 million
// a second), the same on every machine, so that the plan is the same byte
// for byte everywhere.
//
// A solve that runs longer than a second shows a live line on standard
// error (elapsed time, objective, bound, gap) when standard error is a
// terminal; -format json keeps it quiet unless -v is given.
//
// Input that cannot be used prints every problem found on standard error
// and exits with status 2; so does an event for which no plan exists, with
// the reason, and an -out that names a file rather than a directory. A
// failure to write the files of -out exits with status 1.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable-go/roundtable/assign"
	"github.com/roundtable-go/roundtable/model"
	"github.com/roundtable-go/roundtable/model/export"
)

// defaultEvent is kennisdag.json, written by internal/gen; regenerate it
// with go test ./examples/kennisdag -run TestGolden -update.
//
//go:embed kennisdag.json
var defaultEvent []byte

// Exit statuses of run.
const (
	exitOK    = 0
	exitError = 1 // a failure that is not the input's fault
	exitInput = 2 // unusable flags, event or registrations
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the command-line flags.
type options struct {
	event         string    // event JSON; "" means the embedded default
	registrations string    // registrations CSV replacing the participants
	format        string    // "text" or "json"
	summary       bool      // print the event's overview instead of solving
	stamp         time.Time // the calendars' DTSTAMP (calendarStamp)
	explain       bool      // add assign.Explain's explanations
	out           string    // directory for the organiser's files; "" for none
	verbose       bool      // progress line with -format json too
	timeLimit     time.Duration
	workLimit     int64 // assign.Options.WorkLimit; 0 for none
	seed          uint64
	workers       int
	fair          bool   // lexicographic order of ranks instead of the sum
	previous      string // plan told before: repair it instead of solving
	whatif        string // scenarios to compare with the event
	timeLimitSet  bool   // -time-limit given
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("kennisdag", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.event, "event", "", "event `FILE` (JSON, docs/FORMAT.md); default: the embedded knowledge day")
	fs.StringVar(&o.registrations, "registrations", "", "registrations `FILE.csv` whose rows replace the event's participants")
	fs.StringVar(&o.format, "format", "text", "output `format`: text (readable) or json (the plan of docs/FORMAT.md)")
	fs.BoolVar(&o.summary, "summary", false, "print an overview of the event instead of solving it")
	fs.BoolVar(&o.explain, "explain", false, "explain where each participant is and why, and each session's mix")
	fs.StringVar(&o.out, "out", "", "write rosters, Zoom and Teams rooms, calendars (stamped now, or at SOURCE_DATE_EPOCH) and report.html into `DIR`")
	fs.BoolVar(&o.verbose, "v", false, "show the progress line on a terminal with -format json too")
	fs.DurationVar(&o.timeLimit, "time-limit", assign.DefaultTimeLimit, "stop the search after this `duration` with the best plan found")
	fs.Int64Var(&o.workLimit, "work-limit", 0, "stop the search after this `amount` of work: unlike -time-limit the same on every machine, so the plan is too (0: no limit)")
	fs.Uint64Var(&o.seed, "seed", 0, "`seed` of the search, 0 or more; the same event, seed and workers give the same plan if the search ends before -time-limit")
	fs.IntVar(&o.workers, "workers", 1, "`number` of goroutines of the search")
	fs.BoolVar(&o.fair, "fair", false, "fairness first: fewest missing sessions, then fewest people in unranked and low-ranked themes, then the score")
	fs.StringVar(&o.previous, "previous", "", "repair the plan people were told, `PLAN.json`, instead of solving afresh, and show what changed")
	fs.StringVar(&o.whatif, "whatif", "", "solve the event and the scenarios of `FILE` and compare them in a table")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: kennisdag [-event FILE] [-registrations FILE.csv] [-format text|json] [-explain] [-out DIR] [-time-limit 10s] [-work-limit N] [-seed N] [-workers N] [-fair] [-v] [-summary] [-previous PLAN.json] [-whatif FILE]\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	fs.Visit(func(f *flag.Flag) { o.timeLimitSet = o.timeLimitSet || f.Name == "time-limit" })
	if err := checkWhatifFlags(o, stderr); err != nil {
		return o, err
	}
	if o.format != "text" && o.format != "json" {
		fmt.Fprintf(stderr, "kennisdag: -format %q: use text or json\n", o.format)
		return o, errors.New("kennisdag: bad -format")
	}
	if o.summary && o.format == "json" {
		// The summary is for reading; the event itself is the JSON.
		fmt.Fprintf(stderr, "kennisdag: -summary prints text only; drop -format json (the event file is the event as JSON)\n")
		return o, errors.New("kennisdag: -summary with -format json")
	}
	if o.summary && (o.out != "" || o.explain) {
		// The summary does not solve: there is no plan to write or explain.
		fmt.Fprintf(stderr, "kennisdag: -summary does not solve, so there is no plan for -out or -explain; drop one of them\n")
		return o, errors.New("kennisdag: -summary with -out or -explain")
	}
	if o.timeLimit <= 0 {
		fmt.Fprintf(stderr, "kennisdag: -time-limit %v: give a positive duration such as 10s\n", o.timeLimit)
		return o, errors.New("kennisdag: bad -time-limit")
	}
	if o.workLimit < 0 {
		fmt.Fprintf(stderr, "kennisdag: -work-limit %d: give 0 (no limit) or more\n", o.workLimit)
		return o, errors.New("kennisdag: bad -work-limit")
	}
	if o.workers < 1 {
		fmt.Fprintf(stderr, "kennisdag: -workers %d: give 1 or more\n", o.workers)
		return o, errors.New("kennisdag: bad -workers")
	}
	if o.out != "" {
		if err := checkOutDir(o.out); err != nil {
			fmt.Fprintf(stderr, "kennisdag: -out %s: %v\n", o.out, err)
			return o, errors.New("kennisdag: bad -out")
		}
		stamp, err := calendarStamp(time.Now())
		if err != nil {
			fmt.Fprintf(stderr, "kennisdag: -out: %v\n", err)
			return o, errors.New("kennisdag: bad SOURCE_DATE_EPOCH")
		}
		o.stamp = stamp
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kennisdag: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return o, errors.New("kennisdag: unexpected arguments")
	}
	return o, nil
}

// run is the whole command, so tests can call it; it returns the exit
// status.
func run(args []string, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitInput // the flag package has said why
	}
	ev, err := loadEvent(opts, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitInput
	}
	prev, err := loadPrevious(opts)
	if err != nil {
		fmt.Fprintln(stderr, "kennisdag:", err)
		return exitInput
	}
	if opts.summary {
		if err := summarise(stdout, ev.Normalized()); err != nil {
			fmt.Fprintln(stderr, "kennisdag:", err)
			return exitError
		}
		return exitOK
	}
	// Ctrl-C stops the search; the best plan so far is still printed.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	solveOpts := assign.Options{TimeLimit: opts.timeLimit, WorkLimit: opts.workLimit, Seed: opts.seed, Workers: opts.workers, Fair: opts.fair}
	if opts.whatif != "" {
		return runWhatif(ctx, opts, ev, solveOpts, stdout, stderr)
	}
	var line *progressLine
	if isTerminal(stderr) && (opts.format != "json" || opts.verbose) {
		line = startProgress(stderr)
		solveOpts.OnImprove = line.update
	}
	var plan *model.Plan
	var diff *assign.Diff
	started := time.Now()
	if prev != nil {
		plan, diff, err = repair(ctx, ev, prev, opts, solveOpts)
	} else {
		plan, err = assign.Solve(ctx, ev, solveOpts)
	}
	if line != nil {
		line.finish()
	}
	var setup *assign.SetupError
	if errors.As(err, &setup) || errors.Is(err, assign.ErrUnsupported) {
		fmt.Fprintln(stderr, "kennisdag:", err)
		return exitInput
	}
	if err != nil {
		fmt.Fprintln(stderr, "kennisdag:", err)
		return exitError
	}
	if opts.explain {
		if plan.Explanations, err = assign.Explain(ev, plan); err != nil {
			fmt.Fprintln(stderr, "kennisdag:", err)
			return exitError
		}
	}
	if opts.format == "json" && diff != nil {
		err = encodePlanWithDiff(stdout, plan, diff)
	} else if opts.format == "json" {
		err = model.EncodePlan(stdout, plan)
	} else {
		err = printPlan(stdout, ev.Normalized(), plan)
		if err == nil && plan.Status != model.StatusOptimal {
			_, err = fmt.Fprintln(stdout, stopReason(ctx, opts, time.Since(started)))
		}
		if err == nil && opts.explain {
			err = printExplanations(stdout, ev.Normalized(), plan.Explanations)
		}
		if err == nil && diff != nil {
			err = printDiff(stdout, ev.Normalized(), opts.previous, diff)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "kennisdag:", err)
		return exitError
	}
	if opts.out != "" {
		files, warnings, err := export.WriteAll(opts.out, ev.Normalized(), plan, export.Options{Stamp: opts.stamp})
		for _, w := range warnings {
			fmt.Fprintf(stderr, "warning: %v\n", w)
		}
		if err != nil {
			fmt.Fprintln(stderr, "kennisdag:", err)
			return exitError
		}
		fmt.Fprintf(stderr, "wrote %d files to %s\n", len(files), opts.out)
	}
	return exitOK
}

// calendarStamp is the DTSTAMP of the calendars -out writes: the time of
// writing, so that a calendar sent again after a repair (same UIDs, the
// room changed) is newer than the one it replaces and calendar programs
// take it (RFC 5546 compares DTSTAMP where SEQUENCE is equal). Where the
// environment sets SOURCE_DATE_EPOCH (seconds since 1970, the convention
// of reproducible builds), that time instead, so that the files are the
// same byte for byte.
func calendarStamp(now time.Time) (time.Time, error) {
	v, ok := os.LookupEnv("SOURCE_DATE_EPOCH")
	if !ok {
		return now.UTC().Truncate(time.Second), nil
	}
	sec, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || sec < 0 || sec > 253402300799 {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q: give whole seconds since 1970-01-01 UTC, or unset it", v)
	}
	return time.Unix(sec, 0).UTC(), nil
}

// checkOutDir reports a -out that cannot be a directory: an existing file,
// or a path below one.
func checkOutDir(dir string) error {
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		switch {
		case err == nil && fi.IsDir():
			return nil
		case err == nil && p == filepath.Clean(dir):
			return errors.New("not a directory")
		case err == nil:
			return fmt.Errorf("%s is not a directory", p)
		case !errors.Is(err, os.ErrNotExist):
			return err
		}
		if parent := filepath.Dir(p); parent == p {
			return nil
		}
	}
}

// loadEvent reads the event the options name, replaces its participants
// when registrations are given, and validates the result. Warnings of
// the registrations reader go to stderr.
func loadEvent(opts options, stderr io.Writer) (*model.Event, error) {
	if opts.event != "" && opts.registrations == "" {
		return model.LoadEvent(opts.event)
	}
	name := "kennisdag.json (embedded)"
	var ev *model.Event
	var err error
	if opts.event == "" {
		ev, err = model.DecodeEvent(bytes.NewReader(defaultEvent))
	} else {
		name = opts.event
		var f *os.File
		if f, err = os.Open(opts.event); err != nil {
			return nil, err // names the file already
		}
		ev, err = model.DecodeEvent(f)
		f.Close()
	}
	if err != nil {
		return nil, inSource(name, err)
	}
	if opts.registrations != "" {
		ps, warnings, err := model.LoadRegistrations(opts.registrations, ev)
		for _, w := range warnings {
			fmt.Fprintf(stderr, "warning: %v\n", w)
		}
		if err != nil {
			return nil, err
		}
		ev.Participants = ps
		name += " with " + opts.registrations
	}
	if err := ev.Validate(); err != nil {
		return nil, inSource(name, err)
	}
	return ev, nil
}

// inSource names where the input came from on every line of err, as
// model.LoadEvent does for a file: a *model.DecodeError gets it as its
// File, any other error a prefix on each line. errors.As still finds the
// model's error types in the result.
func inSource(source string, err error) error {
	var de *model.DecodeError
	if errors.As(err, &de) {
		c := *de
		c.File = source
		return &c
	}
	return &sourceError{source, err}
}

type sourceError struct {
	source string
	err    error
}

func (e *sourceError) Error() string {
	return e.source + ": " + strings.ReplaceAll(e.err.Error(), "\n", "\n"+e.source+": ")
}

func (e *sourceError) Unwrap() error { return e.err }

// stopReason says, for a plan not proven optimal, what ended the search:
// an interrupt, the work limit (the same plan on any machine) or the time
// limit (a plan that depends on the machine's speed).
func stopReason(ctx context.Context, opts options, took time.Duration) string {
	switch {
	case ctx.Err() != nil:
		return "Stopped by an interrupt: the best plan found so far."
	case opts.workLimit > 0 && took < opts.timeLimit*9/10:
		return fmt.Sprintf("Stopped at the work limit of %d: the same plan on any machine.", opts.workLimit)
	case opts.fair && took < opts.timeLimit*9/10:
		return "The fair plan: the bound is that of the score alone, which a plan that puts more people in their " +
			"worse choices may reach; the gap is partly the price of fairness."
	default:
		return fmt.Sprintf("Stopped by the time limit (%v): a longer one may find a better plan or prove this one; "+
			"-work-limit gives the same plan on any machine.", opts.timeLimit)
	}
}
