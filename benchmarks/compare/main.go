// Command compare runs roundtable and the reference solvers that are
// installed side by side on one synthetic event of package
// benchmarks/families, with the same time limit, and prints a table:
//
//	go run ./benchmarks/compare -family kennisdag
//	go run ./benchmarks/compare -family flanders -seed 1 -time-limit 60s
//	go run ./benchmarks/compare -family national -n 5000 -solvers roundtable,cbc,greedy
//
// The solvers:
//
//   - roundtable: assign.Solve with the time limit, seed and -workers;
//   - cbc: COIN-OR CBC (`cbc model.lp sec T solve solu FILE`) on the exact
//     MIP that assign.WriteLP writes;
//   - glpk: GLPK (`glpsol --lp model.lp --tmlim T -o FILE`) on the same file;
//   - highs: HiGHS from the npm package "highs" (WebAssembly), run by a
//     small node script on the same file; it is found when
//     `node -e "require('highs')"` works, with npm's global folder added to
//     NODE_PATH (so `npm install -g highs` is enough);
//   - greedy: a plain baseline, participants in a random order of the seed,
//     each taking their best open session in turn (see greedy.go).
//
// A solver that is not installed is named, and the others still run. Every
// solver runs as a process of its own, one after the other, so that its
// wall time and peak memory (GNU time's %M, or the rusage of the wait) are
// measured the same way: roundtable and greedy run as this command started
// again with a hidden flag. The reference solvers' solutions are mapped
// back to plans through the name table at the top of the LP file and
// scored by model.Check, so every objective in the table is the objective
// of FORMAT.md computed by one function.
//
// Columns: the objective; the bound the solver itself proved (roundtable:
// plan.Bound; CBC: its final bound or "best possible"; HiGHS: its MIP dual
// bound; GLPK: the bound of its last progress line) and the gap to it;
// the gap to the best bound any solver proved; the time when the solver
// found its final plan (roundtable: its last improvement; CBC: its own
// clock; HiGHS: its last improving solution; GLPK: when its log announced
// it); the whole process's wall time (reading the LP file or generating
// the event included) and peak memory; and that wall time divided by
// roundtable's.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/roundtable-go/roundtable/assign"
	"github.com/roundtable-go/roundtable/benchmarks/families"
	"github.com/roundtable-go/roundtable/model"
)

// Exit statuses of run.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

var allSolvers = []string{"roundtable", "cbc", "glpk", "highs", "greedy"}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// eventFlags are the flags that say which event: the parent passes them
// on to its children.
type eventFlags struct {
	family  string
	seed    uint64
	n       int
	limit   time.Duration
	workers int
}

func (e *eventFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&e.family, "family", "kennisdag", "event family `NAME`: "+strings.Join(families.Names(), ", "))
	fs.Uint64Var(&e.seed, "seed", 1, "random `SEED` of the event (and of roundtable and greedy)")
	fs.IntVar(&e.n, "n", 0, "scale the family to `N` participants (0: the family's own number)")
	fs.DurationVar(&e.limit, "time-limit", 10*time.Second, "time limit of every solver")
	fs.IntVar(&e.workers, "workers", 1, "goroutines of roundtable's search (the reference solvers run single-threaded)")
}

func (e *eventFlags) args() []string {
	return []string{"-family", e.family, "-seed", strconv.FormatUint(e.seed, 10), "-n", strconv.Itoa(e.n),
		"-time-limit", e.limit.String(), "-workers", strconv.Itoa(e.workers)}
}

func (e *eventFlags) event() (*model.Event, error) {
	var ev *model.Event
	var err error
	if e.n > 0 {
		ev, err = families.GenerateN(e.family, e.seed, e.n)
	} else {
		ev, err = families.Generate(e.family, e.seed)
	}
	if err != nil {
		return nil, err
	}
	return ev, ev.Validate()
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "-child" {
		return runChild(args[1:], stderr)
	}
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var ef eventFlags
	ef.register(fs)
	solvers := fs.String("solvers", strings.Join(allSolvers, ","), "comma-separated `LIST` of solvers to run")
	hard := fs.Duration("kill-after", 0, "kill a solver still running after this long (0: twice the time limit plus 30s)")
	keep := fs.Bool("keep", false, "keep the temporary folder with the LP file, solutions and plans")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: compare [-family NAME] [-seed N] [-n N] [-time-limit D] [-solvers LIST]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "compare: "+format+"\n", a...)
		return exitUsage
	}
	if fs.NArg() > 0 {
		return usage("unexpected argument %q; all input is given by flags", fs.Arg(0))
	}
	if ef.limit <= 0 {
		return usage("-time-limit %v: want a positive duration", ef.limit)
	}
	var which []string
	for _, s := range strings.Split(*solvers, ",") {
		s = strings.TrimSpace(s)
		if !slices.Contains(allSolvers, s) {
			return usage("unknown solver %q; choose from %s", s, strings.Join(allSolvers, ", "))
		}
		if !slices.Contains(which, s) {
			which = append(which, s)
		}
	}
	if _, err := families.Get(ef.family); err != nil {
		return usage("%v", err)
	}
	if ef.n < 0 || ef.n > families.MaxParticipants {
		return usage("-n %d: want 1 to %d participants, or 0 for the family's own number", ef.n, families.MaxParticipants)
	}
	if *hard <= 0 {
		*hard = 2*ef.limit + 30*time.Second
	}
	if err := compare(context.Background(), &ef, which, *hard, *keep, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "compare: %v\n", err)
		return exitError
	}
	return exitOK
}

func compare(ctx context.Context, ef *eventFlags, which []string, hard time.Duration, keep bool, stdout, stderr io.Writer) error {
	ev, err := ef.event()
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "roundtable-compare-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Fprintf(stderr, "compare: files in %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	j := &job{ev: ev, dir: dir, lp: filepath.Join(dir, "model.lp"), limit: ef.limit, hard: hard,
		workers: ef.workers, self: append([]string{exe}, ef.args()...)}
	needLP := slices.ContainsFunc(which, func(s string) bool { return s == "cbc" || s == "glpk" || s == "highs" })
	var lpSize int64
	var stats lpStats
	if needLP {
		if j.names, stats, err = writeLP(j.lp, ev); err != nil {
			return err
		}
		if st, err := os.Stat(j.lp); err == nil {
			lpSize = st.Size()
		}
	}

	ne := ev.Normalized()
	fmt.Fprintf(stdout, "event %q (family %s, seed %d): %d participants, %d organisations, %d themes, %d rounds, %d sessions",
		ev.Name, ef.family, ef.seed, len(ev.Participants), len(ev.Organisations), len(ev.Themes), len(ev.Rounds), len(ne.Sessions))
	if ev.Delegations != nil {
		fmt.Fprintf(stdout, ", delegation rooms")
	}
	fmt.Fprintln(stdout)
	if needLP {
		fmt.Fprintf(stdout, "MIP of assign.WriteLP: %d columns (%d of them x and d), %d rows, %.1f MB without its comments\n",
			stats.cols, len(j.names), stats.rows, float64(lpSize)/1e6)
	}
	fmt.Fprintf(stdout, "time limit %v for every solver; roundtable with %d worker(s); %s, %d CPUs\n\n",
		ef.limit, ef.workers, runtime.GOARCH, runtime.NumCPU())

	var results []*result
	for _, s := range which {
		fmt.Fprintf(stderr, "compare: running %s...\n", s)
		var r *result
		switch s {
		case "roundtable", "greedy":
			r = j.child(ctx, s)
		case "cbc":
			r = j.cbc(ctx)
		case "glpk":
			r = j.glpk(ctx)
		case "highs":
			r = j.highs(ctx)
		}
		results = append(results, r)
	}
	printTable(stdout, results)
	return nil
}

// writeLP writes the program of assign.WriteLP to path, without its
// comments, and returns the name table they hold (see splitLP).
func writeLP(path string, ev *model.Event) (map[string]lpVar, lpStats, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, lpStats{}, err
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(assign.WriteLP(pw, ev)) }()
	names, stats, err := splitLP(pr, f)
	pr.CloseWithError(io.ErrClosedPipe) // unblocks WriteLP if splitLP stopped early
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return names, stats, err
}

// printTable prints the results aligned, then the notes and the solvers
// that are missing.
func printTable(w io.Writer, results []*result) {
	best := int64(math.MaxInt64)
	bestBy := ""
	var rt *result
	for _, r := range results {
		if r.plan != nil && r.bound < best {
			best, bestBy = r.bound, r.solver
		}
		if r.solver == "roundtable" && r.missing == "" {
			rt = r
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "solver\tresult\tobjective\tbound\tproven gap\tgap to best bound\tto best s\twall s\tpeak MB\twall / roundtable\t")
	var notes, missing []string
	for _, r := range results {
		if r.missing != "" {
			missing = append(missing, r.missing)
			continue
		}
		obj, bound, pgap, bgap, toBest := "-", "-", "-", "-", "-"
		if r.plan != nil {
			obj = strconv.FormatInt(r.plan.Objective, 10)
			if r.bound != math.MaxInt64 {
				bound = strconv.FormatInt(r.bound, 10)
				pgap = pct(r.plan.Objective, r.bound)
			}
			if best != math.MaxInt64 {
				bgap = pct(r.plan.Objective, best)
				if r.plan.Objective > best {
					notes = append(notes, fmt.Sprintf("%s: objective %d above the bound %d of %s: one of them is wrong", r.solver, r.plan.Objective, best, bestBy))
				}
			}
		}
		if r.hasBest && r.plan != nil {
			toBest = fmt.Sprintf("%.2f", r.toBest.Seconds())
		}
		ratio := "-"
		if rt != nil && rt.wall > 0 && r.plan != nil {
			ratio = fmt.Sprintf("%.1fx", r.wall.Seconds()/rt.wall.Seconds())
		}
		peak := "-"
		if r.peakKB > 0 {
			peak = fmt.Sprintf("%.0f", float64(r.peakKB)/1024)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%s\t%s\t\n",
			r.solver, r.status, obj, bound, pgap, bgap, toBest, r.wall.Seconds(), peak, ratio)
		if r.note != "" {
			notes = append(notes, r.solver+": "+r.note)
		}
	}
	tw.Flush()
	if best != math.MaxInt64 {
		fmt.Fprintf(w, "\nbest bound known: %d (%s)\n", best, bestBy)
	}
	for _, n := range notes {
		fmt.Fprintf(w, "note: %s\n", strings.TrimRight(n, "\n"))
	}
	for _, m := range missing {
		fmt.Fprintf(w, "not installed: %s\n", m)
	}
}

// pct is the gap (bound-obj)/|bound| in percent.
func pct(obj, bound int64) string {
	if obj == bound {
		return "0 %"
	}
	return fmt.Sprintf("%.3f %%", 100*assign.Gap(obj, bound))
}

// childResult is what a child process writes.
type childResult struct {
	Plan   *model.Plan `json:"plan"`
	ToBest float64     `json:"toBest"` // seconds from the start of the solve to the final plan
	Solve  float64     `json:"solve"`  // seconds of the solve
}

// runChild is the hidden mode of the command: `-child roundtable|greedy`
// with the event flags and -out FILE solves the event and writes a
// childResult.
func runChild(args []string, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "compare: -child needs roundtable or greedy")
		return exitUsage
	}
	which := args[0]
	fs := flag.NewFlagSet("compare -child", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var ef eventFlags
	ef.register(fs)
	out := fs.String("out", "", "write the result to `FILE`")
	if err := fs.Parse(args[1:]); err != nil || *out == "" {
		fmt.Fprintln(stderr, "compare: -child needs -out FILE")
		return exitUsage
	}
	ev, err := ef.event()
	if err != nil {
		fmt.Fprintf(stderr, "compare: %v\n", err)
		return exitError
	}
	var cr childResult
	start := time.Now()
	switch which {
	case "roundtable":
		last := int64(math.MinInt64)
		opts := assign.Options{TimeLimit: ef.limit, Seed: ef.seed, Workers: ef.workers, OnImprove: func(p assign.Progress) {
			if p.Objective != last {
				last, cr.ToBest = p.Objective, p.Elapsed.Seconds()
			}
		}}
		cr.Plan, err = assign.Solve(context.Background(), ev, opts)
	case "greedy":
		cr.Plan, err = greedy(ev, ef.seed)
		cr.ToBest = time.Since(start).Seconds()
	default:
		fmt.Fprintf(stderr, "compare: -child %q: want roundtable or greedy\n", which)
		return exitUsage
	}
	cr.Solve = time.Since(start).Seconds()
	if err != nil {
		fmt.Fprintf(stderr, "compare: %s: %v\n", which, err)
		return exitError
	}
	data, err := json.Marshal(&cr)
	if err == nil {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "compare: %v\n", err)
		return exitError
	}
	return exitOK
}
