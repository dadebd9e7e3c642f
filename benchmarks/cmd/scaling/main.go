// Command scaling measures how the engine's time, plan quality and memory
// grow with the size of an event: the participants (10^3 to 10^6 by
// default), then the rounds and the themes at a fixed size. Each solve
// runs in a process of its own (the command starts itself again), so its
// peak memory is its own; a process past -max-rss is killed and reported
// as such. It prints Markdown tables and, with -svg, writes a log-log plot
// of the time to the first plan and the peak memory against the
// participants.
//
//	go run ./benchmarks/cmd/scaling -svg benchmarks/scaling.svg
//	go run ./benchmarks/cmd/scaling -sizes 1000,3000 -rounds "" -themes "" -time-limit 5s
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/roundtable-go/roundtable/assign"
	"github.com/roundtable-go/roundtable/benchmarks/families"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// point is one measured solve.
type point struct {
	N, Rounds, Themes int
	First             float64 // seconds to the first plan; -1 without one
	Wall              float64 // seconds, whole child process
	Objective, Bound  int64
	Gap               float64 // percent; -1 without a plan
	PeakMB            float64
	Note              string // why there is no plan
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "-child" {
		return child(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("scaling", flag.ContinueOnError)
	fs.SetOutput(stderr)
	family := fs.String("family", "national", "event `FAMILY` whose shape is scaled")
	sizes := fs.String("sizes", "1000,3000,10000,30000,100000,300000,1000000", "participant counts, comma-separated")
	at := fs.Int("at", 10000, "participants of the rounds and themes series")
	rounds := fs.String("rounds", "2,3,4,5", "round counts of the rounds series (empty: none)")
	themes := fs.String("themes", "10,20,40,80", "theme counts of the themes series (empty: none)")
	limit := fs.Duration("time-limit", 30*time.Second, "time limit of each solve")
	seed := fs.Uint64("seed", 1, "event seed")
	maxRSS := fs.Float64("max-rss", 8192, "kill a solve whose resident memory passes this many `MB`")
	svg := fs.String("svg", "", "write the size series as an SVG plot to `FILE`")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || *limit <= 0 || *maxRSS <= 0 {
		fmt.Fprintln(stderr, "scaling: unexpected arguments, or a limit that is not positive")
		return 2
	}
	ns, err1 := ints(*sizes)
	rs, err2 := ints(*rounds)
	ts, err3 := ints(*themes)
	if err := errors.Join(err1, err2, err3); err != nil {
		fmt.Fprintln(stderr, "scaling:", err)
		return 2
	}
	if _, err := families.Get(*family); err != nil {
		fmt.Fprintln(stderr, "scaling:", err)
		return 2
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "scaling:", err)
		return 1
	}
	measure := func(n, r, t int) point {
		fmt.Fprintf(stderr, "scaling: %d participants, rounds %d, themes %d...\n", n, r, t)
		return solveChild(exe, *family, n, r, t, *seed, *limit, *maxRSS)
	}
	var bySize []point
	fmt.Fprintf(stdout, "Family %s (seed %d), time limit %v, one process per solve.\n\n", *family, *seed, *limit)
	fmt.Fprintln(stdout, "| participants | rounds | themes | first plan | gap at the limit | objective / bound | wall | peak memory |")
	fmt.Fprintln(stdout, "|---|---|---|---|---|---|---|---|")
	for _, n := range ns {
		p := measure(n, 0, 0)
		bySize = append(bySize, p)
		row(stdout, p)
	}
	for _, r := range rs {
		row(stdout, measure(*at, r, 0))
	}
	for _, t := range ts {
		row(stdout, measure(*at, 0, t))
	}
	if *svg != "" {
		if err := os.WriteFile(*svg, []byte(plot(bySize, *family, *limit)), 0o644); err != nil {
			fmt.Fprintln(stderr, "scaling:", err)
			return 1
		}
	}
	return 0
}

func ints(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q: want positive whole numbers separated by commas", s)
		}
		out = append(out, n)
	}
	return out, nil
}

func row(w io.Writer, p point) {
	first, gap, ob := "none", "-", "-"
	if p.First >= 0 {
		first = fmt.Sprintf("%.2f s", p.First)
		gap = fmt.Sprintf("%.3f %%", p.Gap)
		ob = fmt.Sprintf("%d / %d", p.Objective, p.Bound)
	}
	if p.Note != "" {
		first += " (" + p.Note + ")"
	}
	count := func(n int) string { // 0: the family's own, unknown when the child failed
		if n == 0 {
			return "-"
		}
		return strconv.Itoa(n)
	}
	fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %s | %.1f s | %.0f MB |\n", p.N, count(p.Rounds), count(p.Themes), first, gap, ob, p.Wall, p.PeakMB)
}

// solveChild runs one solve in a child process and watches its memory.
func solveChild(exe, family string, n, rounds, themes int, seed uint64, limit time.Duration, maxMB float64) point {
	p := point{N: n, Rounds: rounds, Themes: themes, First: -1, Gap: -1}
	ctx, cancel := context.WithTimeout(context.Background(), 3*limit+2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-child", "-family", family, "-n", strconv.Itoa(n),
		"-rounds", strconv.Itoa(rounds), "-themes", strconv.Itoa(themes),
		"-seed", strconv.FormatUint(seed, 10), "-time-limit", limit.String())
	out, err := cmd.StdoutPipe()
	if err != nil {
		p.Note = err.Error()
		return p
	}
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		p.Note = err.Error()
		return p
	}
	killed := make(chan float64, 1)
	done := make(chan struct{})
	go func() { // the watchdog
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if mb := rssMB(cmd.Process.Pid); mb > maxMB {
					cmd.Process.Kill()
					killed <- mb
					return
				}
			}
		}
	}()
	var line []byte
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		line = append(line[:0], sc.Bytes()...)
	}
	err = cmd.Wait()
	close(done)
	p.Wall = time.Since(start).Seconds()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		p.PeakMB = float64(ru.Maxrss) / 1024
	}
	select {
	case mb := <-killed:
		p.Note = fmt.Sprintf("killed at %.0f MB", mb)
		return p
	default:
	}
	var got point
	if jerr := json.Unmarshal(line, &got); err != nil || jerr != nil {
		p.Note = fmt.Sprintf("child failed: %v", errors.Join(err, jerr))
		return p
	}
	got.Wall, got.PeakMB = p.Wall, p.PeakMB
	return got
}

// rssMB reads a process's resident memory from /proc; 0 where unknown.
func rssMB(pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for l := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// child generates one event and solves it, printing the point as JSON.
func child(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scaling -child", flag.ContinueOnError)
	fs.SetOutput(stderr)
	family := fs.String("family", "national", "")
	n := fs.Int("n", 1000, "")
	rounds := fs.Int("rounds", 0, "")
	themes := fs.Int("themes", 0, "")
	seed := fs.Uint64("seed", 1, "")
	limit := fs.Duration("time-limit", 30*time.Second, "")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	f, err := families.Get(*family)
	if err == nil {
		f, err = f.Scale(*n)
	}
	if err != nil {
		fmt.Fprintln(stderr, "scaling:", err)
		return 1
	}
	if *rounds > 0 {
		f.Rounds = *rounds
	}
	if *themes > 0 {
		f.Themes = *themes
	}
	ev, err := f.Generate(*seed)
	if err != nil {
		fmt.Fprintln(stderr, "scaling:", err)
		return 1
	}
	p := point{N: len(ev.Participants), Rounds: len(ev.Rounds), Themes: len(ev.Themes), First: -1, Gap: -1}
	start := time.Now()
	plan, err := assign.Solve(context.Background(), ev, assign.Options{TimeLimit: *limit, Seed: 1, Workers: 1,
		OnImprove: func(pg assign.Progress) {
			if p.First < 0 {
				p.First = time.Since(start).Seconds()
			}
		}})
	if err != nil {
		p.First, p.Note = -1, err.Error()
	} else {
		p.Objective, p.Bound = plan.Objective, plan.Bound
		p.Gap = 100 * assign.Gap(plan.Objective, plan.Bound)
	}
	b, _ := json.Marshal(p)
	fmt.Fprintln(stdout, string(b))
	return 0
}
