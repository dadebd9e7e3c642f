package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/roundtable-go/roundtable/assign"
)

// isTerminal reports whether w is a terminal (a character device); the
// progress line is only drawn on one. Tests replace it.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// The progress line appears once a solve has run progressDelay and is
// redrawn every progressTick. Tests shorten them.
var (
	progressDelay = time.Second
	progressTick  = 250 * time.Millisecond
)

// progressLine draws a live line on a terminal while a solve runs:
// elapsed time, the best plan's objective, the bound and the gap, redrawn
// in place with a carriage return and ended with a newline by finish.
type progressLine struct {
	w     io.Writer
	start time.Time
	stop  chan struct{}
	done  chan struct{}

	mu    sync.Mutex
	last  assign.Progress
	have  bool
	shown bool
	width int // of the text last drawn, to blank what a shorter one leaves
}

// startProgress starts drawing on w; feed it with update and end it with
// finish.
func startProgress(w io.Writer) *progressLine {
	pl := &progressLine{w: w, start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	go pl.loop()
	return pl
}

// update records a new best plan or bound; it is assign.Options.OnImprove.
func (pl *progressLine) update(p assign.Progress) {
	pl.mu.Lock()
	pl.last, pl.have = p, true
	pl.mu.Unlock()
}

func (pl *progressLine) loop() {
	defer close(pl.done)
	tick := time.NewTicker(progressTick)
	defer tick.Stop()
	for {
		select {
		case <-pl.stop:
			return
		case <-tick.C:
			pl.mu.Lock()
			pl.draw()
			pl.mu.Unlock()
		}
	}
}

// draw writes the line when the solve has run long enough; pl.mu is held.
func (pl *progressLine) draw() {
	elapsed := time.Since(pl.start)
	if !pl.have || elapsed < progressDelay {
		return
	}
	text := formatProgress(elapsed, pl.last)
	pad := max(0, pl.width-len(text))
	fmt.Fprint(pl.w, "\r"+text+strings.Repeat(" ", pad))
	pl.width, pl.shown = len(text), true
}

// finish stops the line, draws its last state and ends it with a newline,
// when it was drawn at all or the solve ran longer than progressDelay.
func (pl *progressLine) finish() {
	close(pl.stop)
	<-pl.done
	pl.mu.Lock()
	defer pl.mu.Unlock()
	pl.draw()
	if pl.shown {
		fmt.Fprintln(pl.w)
	}
}

// formatProgress is the text of the line: "solving  12.3s  objective
// 13540  bound 13560  gap 0.147%". A bound not yet known (the first plans
// come before it) shows as "-".
func formatProgress(elapsed time.Duration, p assign.Progress) string {
	bound, gap := "-", "-"
	if p.Bound != math.MaxInt64 {
		bound = fmt.Sprint(p.Bound)
		gap = fmt.Sprintf("%.3f%%", 100*p.Gap())
	}
	return fmt.Sprintf("solving %6.1fs  objective %d  bound %s  gap %s", elapsed.Seconds(), p.Objective, bound, gap)
}
