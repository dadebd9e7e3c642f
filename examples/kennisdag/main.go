// Command kennisdag loads an event of roundtable, validates it and prints
// a summary: the programme, the sessions and their hosts, the delegations,
// and how the participants' first choices compare with the seats.
//
// Without flags it uses its embedded default event, the knowledge day
// "Kennisdag lokaal beleid rond Corona" (kennisdag.json beside this file):
//
//	go run ./examples/kennisdag
//	go run ./examples/kennisdag -event my-event.json
//	go run ./examples/kennisdag -registrations form-export.csv
//
// -registrations replaces the event's participants with the rows of a
// registrations CSV (docs/FORMAT.md). Input that cannot be used prints
// every problem found on standard error and exits with status 2.
package main

import (
	"bytes"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/roundtable-go/roundtable/model"
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

// options are the command-line flags. Solving options (output format,
// time limit, seed, workers) join them here when the engine lands.
type options struct {
	event         string // event JSON; "" means the embedded default
	registrations string // registrations CSV replacing the participants
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("kennisdag", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.event, "event", "", "event `FILE` (JSON, docs/FORMAT.md); default: the embedded knowledge day")
	fs.StringVar(&o.registrations, "registrations", "", "registrations `FILE.csv` whose rows replace the event's participants")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: kennisdag [-event FILE] [-registrations FILE.csv]\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
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
	if err := summarise(stdout, ev.Normalized()); err != nil {
		fmt.Fprintln(stderr, "kennisdag:", err)
		return exitError
	}
	return exitOK
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
