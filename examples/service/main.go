// Command service is a reference HTTP service around roundtable: it takes
// an event and answers its plan, checks hand-made plans, and holds under
// load and hostile input. It uses the standard library only (net/http,
// log/slog); the handler is package examples/service/server, which other
// Go services can mount as it is or copy.
//
//	go run ./examples/service                      # listens on 127.0.0.1:8080
//	go run ./examples/service -addr 127.0.0.1:9000 -max-concurrent 4
//
//	curl -s -H 'Content-Type: application/json' --data-binary @event.json \
//	     'http://127.0.0.1:8080/solve?timeLimit=5s&seed=1'
//	curl -s -F 'event=@event.json;type=application/json' \
//	     -F 'registrations=@form-export.csv;type=text/csv' http://127.0.0.1:8080/solve
//	curl -s -H 'Content-Type: application/json' \
//	     --data-binary '{"event": '"$(cat event.json)"', "plan": '"$(cat plan.json)"'}' \
//	     http://127.0.0.1:8080/check
//	curl -s http://127.0.0.1:8080/healthz
//
// The API, its limits and every kind of error are described in README.md
// beside this file. Every error is an RFC 9457 problem document
// (application/problem+json).
//
// The service logs one line per request on standard error (log/slog, text
// or JSON with -log-json). SIGINT or SIGTERM stop it gracefully: it stops
// accepting connections, lets running solves finish for -shutdown-grace,
// then cancels them (each answers the best plan it has) and exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/roundtable-go/roundtable/examples/service/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, nil); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "service:", err)
		os.Exit(2)
	}
}

// run serves until ctx is done, then shuts down gracefully. When ready is
// not nil it receives the address listened on.
func run(ctx context.Context, args []string, stderr io.Writer, ready chan<- string) error {
	cfg := server.DefaultConfig()
	fs := flag.NewFlagSet("service", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body-bytes", cfg.MaxBodyBytes, "largest request body, in bytes (413 above)")
	fs.IntVar(&cfg.Limits.Participants, "max-participants", cfg.Limits.Participants, "most participants of an event (422 above)")
	fs.IntVar(&cfg.Limits.Sessions, "max-sessions", cfg.Limits.Sessions, "most sessions of an event, default sessions counted as themes x rounds")
	fs.IntVar(&cfg.Limits.Themes, "max-themes", cfg.Limits.Themes, "most themes of an event")
	fs.IntVar(&cfg.Limits.Rounds, "max-rounds", cfg.Limits.Rounds, "most rounds of an event (at most 64)")
	fs.IntVar(&cfg.Limits.Organisations, "max-organisations", cfg.Limits.Organisations, "most organisations of an event")
	fs.IntVar(&cfg.Limits.Hosts, "max-hosts", cfg.Limits.Hosts, "most hosts of an event")
	fs.DurationVar(&cfg.DefaultTimeLimit, "time-limit", cfg.DefaultTimeLimit, "time limit of a solve without ?timeLimit=")
	fs.DurationVar(&cfg.MaxTimeLimit, "max-time-limit", cfg.MaxTimeLimit, "cap of ?timeLimit=")
	fs.IntVar(&cfg.MaxConcurrent, "max-concurrent", cfg.MaxConcurrent, "solves running at once (and, apart, bodies decoded and plans checked)")
	fs.DurationVar(&cfg.QueueTimeout, "queue-timeout", cfg.QueueTimeout, "how long a request waits for a solve slot before 503")
	fs.IntVar(&cfg.MaxInFlight, "max-in-flight", cfg.MaxInFlight, "/solve and /check requests served at once, reading included (503 above)")
	fs.IntVar(&cfg.Workers, "workers", cfg.Workers, "goroutines per solve (assign.Options.Workers)")
	fs.Int64Var(&cfg.MaxCheckPairs, "max-check-pairs", cfg.MaxCheckPairs, "most participant pairs a /check visits when weights.repeatPair is set")
	readTimeout := fs.Duration("read-timeout", 60*time.Second, "longest time to read a request, body included")
	grace := fs.Duration("shutdown-grace", 10*time.Second, "on SIGINT/SIGTERM, how long running solves may go on before they are cancelled")
	logJSON := fs.Bool("log-json", false, "log as JSON lines instead of text")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q; the service takes flags only", fs.Args())
	}
	var lh slog.Handler = slog.NewTextHandler(stderr, nil)
	if *logJSON {
		lh = slog.NewJSONHandler(stderr, nil)
	}
	log := slog.New(lh)
	cfg.Logger = log
	h, err := server.New(cfg)
	if err != nil {
		return err
	}
	cfg = h.Config()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// Requests share this context: cancelling it at the end of the grace
	// period stops the solves still running.
	base, cancelBase := context.WithCancel(context.Background())
	defer cancelBase()
	srv := NewHTTPServer(h, cfg, *readTimeout, log)
	srv.BaseContext = func(net.Listener) context.Context { return base }

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "maxConcurrent", cfg.MaxConcurrent,
		"maxInFlight", cfg.MaxInFlight, "maxBodyBytes", cfg.MaxBodyBytes, "maxTimeLimit", cfg.MaxTimeLimit)
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", *grace)
	stopSolves := time.AfterFunc(*grace, func() {
		log.Info("grace period over: cancelling running solves")
		cancelBase()
	})
	defer stopSolves.Stop()
	sctx, cancel := context.WithTimeout(context.Background(), *grace+solveStopTime)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// solveStopTime is how long a cancelled solve may take to answer.
const solveStopTime = 10 * time.Second

// NewHTTPServer returns the http.Server of the service around h, with
// timeouts on every phase of a connection: a client cannot hold one open
// by sending slowly, and a solve's answer fits within WriteTimeout.
//
// ReadTimeout bounds reading a request, body included; net/http lifts it
// once the body is read, so that it never cuts a long solve
// (TestReadTimeoutSparesSolves). WriteTimeout runs from the end of the
// headers, so it holds the body's reading too (up to ReadTimeout), both
// queues (decoding and solving, QueueTimeout each), the longest solve and
// its stop, and a margin for writing: a client that sends slowly within
// ReadTimeout still gets its answer.
func NewHTTPServer(h http.Handler, cfg server.Config, readTimeout time.Duration, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       readTimeout,
		WriteTimeout:      readTimeout + 2*cfg.QueueTimeout + cfg.MaxTimeLimit + solveStopTime + 30*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}
