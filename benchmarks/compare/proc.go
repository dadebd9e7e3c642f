package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// logLine is one line a subprocess printed, with when it arrived.
type logLine struct {
	at   time.Duration // since the process started
	text string
}

// procResult is what one finished subprocess measured.
type procResult struct {
	wall    time.Duration
	peakKB  int64 // peak resident set size, KB; 0 if unknown
	lines   []logLine
	killed  bool // past its hard deadline
	exitErr error
}

func (p *procResult) output() []byte {
	var b bytes.Buffer
	for _, l := range p.lines {
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// timeBin is GNU time, which reports the peak memory of the command it
// runs; without it the peak comes from the rusage of the wait.
var timeBin = func() string {
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		return "/usr/bin/time"
	}
	return ""
}()

// runProc runs name with args in dir, killing its whole process group
// after hard, and measures wall time and peak memory. Standard output and
// error are read line by line, each line stamped with its arrival time.
func runProc(ctx context.Context, dir string, env []string, hard time.Duration, name string, args ...string) *procResult {
	memFile := filepath.Join(dir, "time-"+strconv.FormatInt(time.Now().UnixNano(), 36)+".txt")
	argv := append([]string{name}, args...)
	if timeBin != "" {
		argv = append([]string{timeBin, "-f", "%M", "-o", memFile}, argv...)
	}
	ctx, cancel := context.WithTimeout(ctx, hard)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// Under GNU time, kill only the solver: time then still reports
		// its peak memory. Otherwise, or if that fails, the whole group.
		if timeBin != "" {
			if kids := children(cmd.Process.Pid); len(kids) > 0 {
				for _, k := range kids {
					syscall.Kill(k, syscall.SIGKILL)
				}
				return nil
			}
		}
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = 5 * time.Second
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	res := &procResult{}
	var wg sync.WaitGroup
	start := time.Now()
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
		for sc.Scan() {
			res.lines = append(res.lines, logLine{at: time.Since(start), text: sc.Text()})
		}
		io.Copy(io.Discard, pr)
	}()
	err := cmd.Start()
	if err == nil {
		err = cmd.Wait()
	}
	res.wall = time.Since(start)
	pw.Close()
	wg.Wait()
	res.exitErr = err
	res.killed = ctx.Err() != nil
	if data, rerr := os.ReadFile(memFile); rerr == nil {
		// GNU time writes "Command exited with non-zero status N" first
		// when the command failed; the figure is the last line.
		f := strings.Fields(string(data))
		if len(f) > 0 {
			res.peakKB, _ = strconv.ParseInt(f[len(f)-1], 10, 64)
		}
	}
	// Without GNU time, the rusage of the wait: on Linux a child started
	// by a Go program inherits the parent's peak at exec, so the figure
	// is at least this command's own peak (generating the LP file).
	if res.peakKB == 0 && cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			res.peakKB = ru.Maxrss // KB on Linux
		}
	}
	return res
}

// children lists the child processes of pid (Linux's /proc).
func children(pid int) []int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		return nil
	}
	var kids []int
	for _, f := range strings.Fields(string(data)) {
		if k, err := strconv.Atoi(f); err == nil {
			kids = append(kids, k)
		}
	}
	return kids
}

// tail returns the last n lines of a process's output, for messages.
func tail(lines []logLine, n int) string {
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("  | " + l.text + "\n")
	}
	return b.String()
}
