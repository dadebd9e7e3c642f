// Command genevent writes a synthetic event of package
// benchmarks/families as JSON (the encoding of model.EncodeEvent):
//
//	go run ./benchmarks/cmd/genevent -family flanders -seed 1
//	go run ./benchmarks/cmd/genevent -family national -seed 7 -n 5000 -o national-5000.json
//
// The event goes to standard output unless -o names a file. -n scales the
// family to that many participants (families.GenerateN). Bad flags print
// a message on standard error and exit with status 2; a failure to write
// exits with status 1.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/roundtable-go/roundtable/benchmarks/families"
	"github.com/roundtable-go/roundtable/model"
)

// Exit statuses of run.
const (
	exitOK    = 0
	exitError = 1 // writing failed
	exitUsage = 2 // bad flags
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("genevent", flag.ContinueOnError)
	fs.SetOutput(stderr)
	family := fs.String("family", "kennisdag", "event `NAME`: "+strings.Join(families.Names(), ", "))
	seed := fs.Uint64("seed", 1, "random `SEED`; the same seed gives the same event")
	n := fs.Int("n", 0, "scale the family to `N` participants (0: the family's own number)")
	out := fs.String("o", "", "write the event to `FILE` instead of standard output")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: genevent [-family NAME] [-seed N] [-n N] [-o FILE]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "genevent: "+format+"\n", a...)
		return exitUsage
	}
	if fs.NArg() > 0 {
		return usage("unexpected argument %q; all input is given by flags", fs.Arg(0))
	}
	f, err := families.Get(*family)
	if err != nil {
		return usage("%v", err)
	}
	if *n < 0 || *n > families.MaxParticipants {
		return usage("-n %d: want 1 to %d participants, or 0 for the family's %d", *n, families.MaxParticipants, f.Participants)
	}
	if *n > 0 {
		if f, err = f.Scale(*n); err != nil {
			return usage("%v", err)
		}
	}
	ev, err := f.Generate(*seed)
	if err != nil {
		fmt.Fprintf(stderr, "genevent: %v\n", err)
		return exitError
	}
	if err := write(*out, stdout, ev); err != nil {
		fmt.Fprintf(stderr, "genevent: %v\n", err)
		return exitError
	}
	return exitOK
}

// write encodes ev into the file at path, or to stdout when path is
// empty. A file left incomplete by an error is removed.
func write(path string, stdout io.Writer, ev *model.Event) error {
	if path == "" {
		w := bufio.NewWriterSize(stdout, 1<<20)
		if err := model.EncodeEvent(w, ev); err != nil {
			return err
		}
		return w.Flush()
	}
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(file, 1<<20)
	err = model.EncodeEvent(w, ev)
	if err == nil {
		err = w.Flush()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
