package main

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable-go/roundtable/model"
)

// result is one solver's line of the table.
type result struct {
	solver  string
	missing string // set when the solver is not installed: what to install
	status  string // optimal, time limit, no solution, killed, error
	plan    *model.Plan
	bound   int64 // proven by the solver itself; math.MaxInt64 if none
	toBest  time.Duration
	hasBest bool
	wall    time.Duration
	peakKB  int64
	note    string
}

// job is what every solver gets: the event, the LP file of
// assign.WriteLP and its name table, and the limits.
type job struct {
	ev      *model.Event
	dir     string // temporary, holds model.lp
	lp      string // path of the LP file
	names   map[string]lpVar
	limit   time.Duration
	hard    time.Duration // every subprocess is killed after this
	workers int
	self    []string // how to run this command as a child: program and flags of the event
}

// fromValues turns a reference solver's variable values into the result's
// plan; a plan that breaks a hard rule is dropped with a note.
func (j *job) fromValues(r *result, values map[string]float64, solverObj float64) {
	plan, rep := planFromValues(j.ev, j.names, values, r.solver)
	if n, first := hardViolations(rep); n > 0 {
		r.note = fmt.Sprintf("its solution breaks %d rule(s), e.g. %s", n, first)
		r.status = "invalid"
		return
	}
	r.plan = plan
	if d := float64(plan.Objective) - solverObj; math.Abs(d) > 0.5 {
		r.note = fmt.Sprintf("its own objective %.1f differs from model.Check's", solverObj)
	}
}

// child runs this command again as a subprocess for roundtable or the
// greedy baseline, so that its peak memory is measured as the reference
// solvers' is.
func (j *job) child(ctx context.Context, which string) *result {
	r := &result{solver: which, bound: math.MaxInt64}
	out := filepath.Join(j.dir, which+".json")
	args := append(append([]string{"-child", which}, j.self[1:]...), "-out", out)
	p := j.runSolver(ctx, r, nil, j.self[0], args...)
	if p.killed {
		return r
	}
	data, err := os.ReadFile(out)
	if err != nil || p.exitErr != nil {
		r.status = "error"
		r.note = fmt.Sprintf("%v %v\n%s", p.exitErr, err, tail(p.lines, 10))
		return r
	}
	var cr childResult
	if err := json.Unmarshal(data, &cr); err != nil {
		r.status, r.note = "error", err.Error()
		return r
	}
	rep := model.Check(j.ev, cr.Plan)
	if err := rep.Err(); err != nil {
		r.status, r.note = "invalid", err.Error()
		return r
	}
	r.plan = cr.Plan
	r.bound = cr.Plan.Bound
	r.toBest, r.hasBest = time.Duration(cr.ToBest*float64(time.Second)), true
	switch {
	case cr.Plan.Status == model.StatusOptimal:
		r.status = "optimal"
	case which == "greedy":
		r.status = "heuristic"
	default:
		r.status = "time limit"
	}
	return r
}

// cbcIncumbent matches the lines of CBC's log that announce a solution,
// with its value (CBC minimises the negated objective) and CBC's own clock.
var (
	cbcIncumbent = regexp.MustCompile(`(?:Integer solution of|improved solution from \S+ to) (\S+) .*\(([0-9.]+) seconds\)`)
	cbcBound     = regexp.MustCompile(`(?m)^(?:Upper|Lower) bound:\s*(\S+)`)
	cbcBestPoss  = regexp.MustCompile(`best possible (\S+)`)
)

// cbc runs `cbc model.lp sec T solve solu FILE`.
func (j *job) cbc(ctx context.Context) *result {
	r := &result{solver: "cbc", bound: math.MaxInt64}
	bin, err := exec.LookPath("cbc")
	if err != nil {
		r.missing = "cbc (Debian: apt-get install coinor-cbc)"
		return r
	}
	sol := filepath.Join(j.dir, "cbc.sol")
	os.Remove(sol)
	argv := []string{bin, j.lp, "sec", secs(j.limit), "solve", "solu", sol}
	if sb, err := exec.LookPath("stdbuf"); err == nil {
		// CBC's log is block-buffered on a pipe: line buffering keeps
		// it whole when CBC is killed.
		argv = append([]string{sb, "-oL"}, argv...)
	}
	p := j.runSolver(ctx, r, nil, argv[0], argv[1:]...)
	log := string(p.output())
	r.toBest, r.hasBest = cbcTimeToBest(log)
	if p.killed {
		return r
	}
	f, err := os.Open(sol)
	if err != nil {
		r.status = "error"
		r.note = fmt.Sprintf("no solution file: %v\n%s", p.exitErr, tail(p.lines, 10))
		return r
	}
	defer f.Close()
	status, obj, values, err := readCBCSolution(f)
	if err != nil {
		r.status, r.note = "error", err.Error()
		return r
	}
	switch {
	case strings.HasPrefix(status, "Optimal"):
		r.status = "optimal"
	case strings.Contains(status, "no integer solution") || strings.Contains(status, "nfeasible"):
		r.status, r.note = "no solution", status
		return r
	case strings.Contains(status, "time"):
		r.status = "time limit"
	default:
		r.status = status
	}
	j.fromValues(r, values, obj)
	if r.plan == nil {
		return r
	}
	if r.status == "optimal" {
		r.bound = r.plan.Objective
	} else if b, ok := cbcFinalBound(log, obj); ok {
		r.bound = b
	}
	return r
}

// cbcTimeToBest is when, by CBC's clock, CBC first had its best solution.
func cbcTimeToBest(log string) (time.Duration, bool) {
	best, at, ok := math.Inf(1), 0.0, false
	for _, m := range cbcIncumbent.FindAllStringSubmatch(log, -1) {
		v, err1 := strconv.ParseFloat(m[1], 64)
		t, err2 := strconv.ParseFloat(m[2], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		if v < best-1e-6 {
			best, at, ok = v, t, true
		}
	}
	return time.Duration(at * float64(time.Second)), ok
}

// cbcFinalBound finds CBC's proven bound in its log: the line after
// "Objective value:" on a stop, else the last "best possible" of its
// progress lines. CBC minimises the negated objective, so progress lines
// carry the opposite sign.
func cbcFinalBound(log string, obj float64) (int64, bool) {
	var v float64
	var err error
	if m := cbcBound.FindAllStringSubmatch(log, -1); m != nil {
		v, err = strconv.ParseFloat(m[len(m)-1][1], 64)
	} else if m := cbcBestPoss.FindAllStringSubmatch(log, -1); m != nil {
		v, err = strconv.ParseFloat(strings.TrimSuffix(m[len(m)-1][1], ","), 64)
		v = -v
	} else {
		return 0, false
	}
	if err != nil || math.Abs(v) > 1e15 {
		return 0, false
	}
	v = math.Abs(v) * math.Copysign(1, obj)
	if v < obj-1e-6 {
		return 0, false
	}
	return int64(math.Floor(v + 1e-6)), true
}

// readCBCSolution reads the file of CBC's "solu" command: a status line
// ("Optimal - objective value 1205.00000000", "Stopped on time -
// objective value ..."), then one line per variable: index, name, value,
// objective coefficient, the infeasible ones starting with "**".
func readCBCSolution(f *os.File) (status string, obj float64, values map[string]float64, err error) {
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	if !sc.Scan() {
		return "", 0, nil, fmt.Errorf("compare: empty CBC solution file")
	}
	status = strings.TrimSpace(sc.Text())
	if i := strings.LastIndex(status, "objective value"); i >= 0 {
		if fs := strings.Fields(status[i+len("objective value"):]); len(fs) > 0 {
			obj, _ = strconv.ParseFloat(fs[0], 64)
		}
	}
	values = map[string]float64{}
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) > 0 && fs[0] == "**" {
			fs = fs[1:]
		}
		if len(fs) < 3 {
			continue
		}
		v, err := strconv.ParseFloat(fs[2], 64)
		if err != nil {
			return "", 0, nil, fmt.Errorf("compare: CBC solution line %q: %v", sc.Text(), err)
		}
		values[fs[1]] = v
	}
	return status, obj, values, sc.Err()
}

var (
	glpkProgress = regexp.MustCompile(`mip =\s+(not found yet|\S+)\s+<=\s+(tree is empty|\S+)`)
	glpkStatus   = regexp.MustCompile(`(?m)^Status:\s+(.*)$`)
	glpkObj      = regexp.MustCompile(`(?m)^Objective:\s+\S+ = (\S+)`)
)

// glpk runs `glpsol --lp model.lp --tmlim T -o FILE` and reads the
// printable solution.
func (j *job) glpk(ctx context.Context) *result {
	r := &result{solver: "glpk", bound: math.MaxInt64}
	bin, err := exec.LookPath("glpsol")
	if err != nil {
		r.missing = "glpsol (Debian: apt-get install glpk-utils)"
		return r
	}
	out := filepath.Join(j.dir, "glpk.txt")
	os.Remove(out)
	tl := strconv.Itoa(int(math.Ceil(j.limit.Seconds())))
	p := j.runSolver(ctx, r, nil, bin, "--lp", j.lp, "--tmlim", tl, "-o", out)
	var lastBound string
	for _, l := range p.lines {
		if strings.Contains(l.text, ">>>>>") {
			r.toBest, r.hasBest = l.at, true
		}
		if m := glpkProgress.FindStringSubmatch(l.text); m != nil {
			lastBound = m[2]
		}
	}
	if p.killed {
		return r
	}
	data, err := os.ReadFile(out)
	if err != nil {
		r.status = "no solution"
		r.note = "no solution file" + lastLine(p.lines)
		return r
	}
	status := ""
	if m := glpkStatus.FindSubmatch(data); m != nil {
		status = strings.TrimSpace(string(m[1]))
	}
	var obj float64
	if m := glpkObj.FindSubmatch(data); m != nil {
		obj, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	switch status {
	case "INTEGER OPTIMAL":
		r.status = "optimal"
	case "INTEGER NON-OPTIMAL":
		r.status = "time limit"
	default:
		r.status, r.note = "no solution", "no integer solution (glpsol status "+strings.ToLower(status)+")"
		if strings.Contains(string(p.output()), "TIME LIMIT EXCEEDED") {
			r.note += "; it stopped on its time limit"
		}
		return r
	}
	values, err := readGLPKColumns(string(data))
	if err != nil {
		r.status, r.note = "error", err.Error()
		return r
	}
	j.fromValues(r, values, obj)
	if r.plan == nil {
		return r
	}
	if r.status == "optimal" {
		r.bound = r.plan.Objective
	} else if v, err := strconv.ParseFloat(lastBound, 64); err == nil && v >= obj-1e-6 && v < 1e15 {
		r.bound = int64(math.Floor(v + 1e-6))
	}
	return r
}

// readGLPKColumns reads the column section of glpsol's printable output:
//
//	   No. Column name       Activity     Lower bound   Upper bound
//	------ ------------    ------------- ------------- -------------
//	     1 x_0_0        *              1             0             1
//	     2 x_longname_12345
//	                    *              1             0             1
//
// A name longer than 12 characters puts the figures on the next line; "*"
// marks an integer column.
func readGLPKColumns(text string) (map[string]float64, error) {
	_, cols, ok := strings.Cut(text, "Column name")
	if !ok {
		return nil, fmt.Errorf("compare: glpsol output has no column section")
	}
	lines := strings.Split(cols, "\n")
	values := map[string]float64{}
	for i := 2; i < len(lines); i++ {
		fs := strings.Fields(lines[i])
		if len(fs) == 0 {
			break
		}
		if _, err := strconv.Atoi(fs[0]); err != nil || len(fs) < 2 {
			break
		}
		name, rest := fs[1], fs[2:]
		if len(rest) == 0 && i+1 < len(lines) {
			i++
			rest = strings.Fields(lines[i])
		}
		if len(rest) > 0 && rest[0] == "*" {
			rest = rest[1:]
		}
		if len(rest) == 0 {
			return nil, fmt.Errorf("compare: glpsol column %s has no activity", name)
		}
		v, err := strconv.ParseFloat(rest[0], 64)
		if err != nil {
			return nil, fmt.Errorf("compare: glpsol column %s: %v", name, err)
		}
		values[name] = v
	}
	return values, nil
}

//go:embed highs.js
var highsScript string

// highs runs the HiGHS of the npm package "highs" (WebAssembly) on the LP
// file through a small node script.
func (j *job) highs(ctx context.Context) *result {
	r := &result{solver: "highs", bound: math.MaxInt64}
	node, err := exec.LookPath("node")
	if err != nil {
		r.missing = "highs (needs node and the npm package: npm install -g highs)"
		return r
	}
	env := nodeEnv()
	check := exec.CommandContext(ctx, node, "-e", "require('highs')")
	check.Env = env
	if err := check.Run(); err != nil {
		r.missing = "highs (npm install -g highs, or set NODE_PATH to where it is)"
		return r
	}
	script := filepath.Join(j.dir, "highs-run.js")
	if err := os.WriteFile(script, []byte(highsScript), 0o644); err != nil {
		r.status, r.note = "error", err.Error()
		return r
	}
	out := filepath.Join(j.dir, "highs.json")
	os.Remove(out)
	p := j.runSolver(ctx, r, env, node, script, j.lp, secs(j.limit), out)
	if p.killed {
		return r
	}
	data, err := os.ReadFile(out)
	if err != nil {
		r.status = "error"
		r.note = fmt.Sprintf("%v%s", p.exitErr, firstError(p.lines))
		return r
	}
	var hr struct {
		Status    string             `json:"status"`
		Optimal   bool               `json:"optimal"`
		HasSol    bool               `json:"hasSolution"`
		Objective float64            `json:"objective"`
		DualBound *float64           `json:"dualBound"`
		ToBest    *float64           `json:"toBest"`
		Values    map[string]float64 `json:"values"`
	}
	if err := json.Unmarshal(data, &hr); err != nil {
		r.status, r.note = "error", err.Error()
		return r
	}
	if hr.ToBest != nil {
		r.toBest, r.hasBest = time.Duration(*hr.ToBest*float64(time.Second)), true
	}
	if !hr.HasSol {
		r.status, r.note = "no solution", "status "+hr.Status
		return r
	}
	r.status = "time limit"
	if hr.Optimal {
		r.status = "optimal"
	} else if hr.Status != "timeLimit" {
		r.note = "status " + hr.Status
	}
	j.fromValues(r, hr.Values, hr.Objective)
	if r.plan == nil {
		return r
	}
	switch {
	case hr.Optimal:
		r.bound = r.plan.Objective
	case hr.DualBound != nil && *hr.DualBound >= hr.Objective-1e-6 && *hr.DualBound < 1e15:
		r.bound = int64(math.Floor(*hr.DualBound + 1e-6))
	}
	return r
}

// nodeEnv adds npm's global module folder to NODE_PATH, so that a
// package installed with npm install -g loads.
func nodeEnv() []string {
	env := os.Environ()
	npm, err := exec.LookPath("npm")
	if err != nil {
		return env
	}
	out, err := exec.Command(npm, "root", "-g").Output()
	if err != nil {
		return env
	}
	root := strings.TrimSpace(string(out))
	np := os.Getenv("NODE_PATH")
	if np != "" {
		np += string(os.PathListSeparator)
	}
	return append(env, "NODE_PATH="+np+root)
}

// runSolver runs one solver's process (runProc, with the job's folder and
// hard deadline), keeps its log and records its wall time and peak memory
// in r; when the process was killed at the deadline, r says so and why.
func (j *job) runSolver(ctx context.Context, r *result, env []string, name string, args ...string) *procResult {
	p := runProc(ctx, j.dir, env, j.hard, name, args...)
	j.saveLog(r.solver, p)
	r.wall, r.peakKB = p.wall, p.peakKB
	if p.killed {
		r.status, r.note = "killed", j.killedNote(p)
	}
	return p
}

// killedNote says why a solver was killed and what it last printed.
func (j *job) killedNote(p *procResult) string {
	past := "before its time limit"
	if p.wall > j.limit {
		past = fmt.Sprintf("still running %.0f s past its time limit of %v", (p.wall - j.limit).Seconds(), j.limit)
	}
	return fmt.Sprintf("killed at %.0f s (-kill-after), %s%s", p.wall.Seconds(), past, lastLine(p.lines))
}

// saveLog keeps a solver's output beside the LP file (see -keep), each
// line stamped with its arrival time.
func (j *job) saveLog(solver string, p *procResult) {
	var b strings.Builder
	for _, l := range p.lines {
		fmt.Fprintf(&b, "%8.3f  %s\n", l.at.Seconds(), l.text)
	}
	os.WriteFile(filepath.Join(j.dir, solver+".log"), []byte(b.String()), 0o644)
}

func secs(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// firstError returns the first line that reports an error.
func firstError(lines []logLine) string {
	for _, l := range lines {
		if strings.Contains(l.text, "Error") || strings.Contains(l.text, "Abort") {
			return ": " + strings.TrimSpace(l.text)
		}
	}
	return lastLine(lines)
}

func lastLine(lines []logLine) string {
	for i := len(lines) - 1; i >= 0; i-- {
		if t := strings.TrimSpace(lines[i].text); t != "" {
			return "; its last line: " + t
		}
	}
	return ""
}
