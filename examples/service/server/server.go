// Package server is the HTTP handler of the roundtable reference service
// (see examples/service and its README.md for the API): POST /solve,
// POST /check and GET /healthz, with a limit on everything a client
// controls.
//
// A Handler is safe for concurrent use. Every request gets its own event,
// plan and buffers; what requests share is only the Config, read-only,
// and the counters of the two semaphores, so a failure in one request,
// even a panic, never affects another.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roundtable-go/roundtable/assign"
	"github.com/roundtable-go/roundtable/model"
)

// SolveFunc is the signature of assign.Solve.
type SolveFunc func(ctx context.Context, ev *model.Event, opts assign.Options) (*model.Plan, error)

// Limits bound the size of the events the service accepts. A request over
// one gets 422 with a problem document naming the limit.
type Limits struct {
	Participants  int // -max-participants
	Sessions      int // -max-sessions; default sessions count as themes x rounds
	Themes        int // -max-themes
	Rounds        int // -max-rounds
	Organisations int // -max-organisations
	Hosts         int // -max-hosts
}

// Config tunes a Handler. Zero fields take the values of DefaultConfig.
type Config struct {
	// MaxBodyBytes bounds a request body (413 above it).
	MaxBodyBytes int64
	Limits       Limits
	// DefaultTimeLimit is the time limit of a solve without ?timeLimit=;
	// MaxTimeLimit caps ?timeLimit=.
	DefaultTimeLimit, MaxTimeLimit time.Duration
	// MaxConcurrent is how many solves run at once; others wait up to
	// QueueTimeout for a slot, then get 503 with Retry-After. As many
	// bodies are decoded and validated (and plans checked) at once, in
	// slots of their own, so that bad input or a check never waits behind
	// solves; decoding an event takes about twenty times its size in
	// memory.
	MaxConcurrent int
	QueueTimeout  time.Duration
	// MaxInFlight bounds the /solve and /check requests being read,
	// decoded, queued or solved at once, which bounds the memory they
	// hold; above it a request gets 503 at once, before its body is read.
	MaxInFlight int
	// Workers is assign.Options.Workers of every solve. 1 (the default)
	// solves on the request's goroutine, so that a panic in the solver is
	// recovered like any other.
	Workers int
	// MaxCheckPairs bounds the work of the repeatPair term of a /check:
	// the sum over sessions of the square of the assignments naming them.
	// It only applies when weights.repeatPair is not 0.
	MaxCheckPairs int64
	// Logger receives one line per request, and the stack of every
	// recovered panic. Nil means slog.Default().
	Logger *slog.Logger
	// Solve is the solver; nil means assign.Solve. Tests replace it.
	Solve SolveFunc
}

// DefaultConfig returns the defaults of the service's flags.
func DefaultConfig() Config {
	return Config{
		MaxBodyBytes: 10 << 20,
		Limits: Limits{
			Participants: 20_000, Sessions: 2_000, Themes: 200, Rounds: 12,
			Organisations: 20_000, Hosts: 2_000,
		},
		DefaultTimeLimit: 10 * time.Second,
		MaxTimeLimit:     60 * time.Second,
		MaxConcurrent:    runtime.GOMAXPROCS(0),
		QueueTimeout:     2 * time.Second,
		MaxInFlight:      max(16, 4*runtime.GOMAXPROCS(0)),
		Workers:          1,
		MaxCheckPairs:    200_000_000,
	}
}

// withDefaults fills the zero fields of c from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	set := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = d.MaxBodyBytes
	}
	set(&c.Limits.Participants, d.Limits.Participants)
	set(&c.Limits.Sessions, d.Limits.Sessions)
	set(&c.Limits.Themes, d.Limits.Themes)
	set(&c.Limits.Rounds, d.Limits.Rounds)
	set(&c.Limits.Organisations, d.Limits.Organisations)
	set(&c.Limits.Hosts, d.Limits.Hosts)
	if c.DefaultTimeLimit == 0 {
		c.DefaultTimeLimit = d.DefaultTimeLimit
	}
	if c.MaxTimeLimit == 0 {
		c.MaxTimeLimit = d.MaxTimeLimit
	}
	set(&c.MaxConcurrent, d.MaxConcurrent)
	if c.QueueTimeout == 0 {
		c.QueueTimeout = d.QueueTimeout
	}
	set(&c.MaxInFlight, d.MaxInFlight)
	set(&c.Workers, d.Workers)
	if c.MaxCheckPairs == 0 {
		c.MaxCheckPairs = d.MaxCheckPairs
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Solve == nil {
		c.Solve = assign.Solve
	}
	return c
}

func (c Config) check() error {
	var errs []error
	positive := func(name string, v int64) {
		if v < 0 {
			errs = append(errs, fmt.Errorf("%s is %d; want a positive number", name, v))
		}
	}
	positive("max body bytes", c.MaxBodyBytes)
	positive("max participants", int64(c.Limits.Participants))
	positive("max sessions", int64(c.Limits.Sessions))
	positive("max themes", int64(c.Limits.Themes))
	positive("max rounds", int64(c.Limits.Rounds))
	positive("max organisations", int64(c.Limits.Organisations))
	positive("max hosts", int64(c.Limits.Hosts))
	positive("default time limit", int64(c.DefaultTimeLimit))
	positive("max time limit", int64(c.MaxTimeLimit))
	positive("max concurrent", int64(c.MaxConcurrent))
	positive("queue timeout", int64(c.QueueTimeout))
	positive("max in flight", int64(c.MaxInFlight))
	positive("workers", int64(c.Workers))
	positive("max check pairs", c.MaxCheckPairs)
	if c.Limits.Rounds > 64 {
		errs = append(errs, fmt.Errorf("max rounds is %d; the solver takes at most 64", c.Limits.Rounds))
	}
	return errors.Join(errs...)
}

// Handler serves the API. Create it with New.
type Handler struct {
	cfg      Config
	mux      *http.ServeMux
	slots    *slots // solves
	decoding *slots // decoding and validating bodies, and checks
	inFlight chan struct{}
	requests atomic.Int64
}

// New returns the handler of the API with cfg, its zero fields set to the
// defaults; it fails on a negative field.
func New(cfg Config) (*Handler, error) {
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	cfg = cfg.withDefaults()
	h := &Handler{
		cfg:      cfg,
		mux:      http.NewServeMux(),
		slots:    newSlots(cfg.MaxConcurrent, "solves"),
		decoding: newSlots(cfg.MaxConcurrent, "decodes"),
		inFlight: make(chan struct{}, cfg.MaxInFlight),
	}
	h.mux.HandleFunc("POST /solve", h.limited(h.solve))
	h.mux.HandleFunc("POST /check", h.limited(h.check))
	h.mux.HandleFunc("GET /healthz", h.healthz)
	h.mux.HandleFunc("/solve", methodNotAllowed("POST"))
	h.mux.HandleFunc("/check", methodNotAllowed("POST"))
	h.mux.HandleFunc("/healthz", methodNotAllowed("GET, HEAD"))
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		newProblem(http.StatusNotFound, KindNotFound, "Not found",
			"the service answers POST /solve, POST /check and GET /healthz").write(w, r)
	})
	return h, nil
}

// Config returns the handler's configuration, defaults filled in.
func (h *Handler) Config() Config { return h.cfg }

func methodNotAllowed(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := newProblem(http.StatusMethodNotAllowed, KindMethodNotAllowed, "Method not allowed",
			fmt.Sprintf("%s %s: use %s", r.Method, r.URL.Path, allow))
		p.header = http.Header{"Allow": {allow}}
		p.write(w, r)
	}
}

// ServeHTTP serves one request: it recovers any panic of the request into
// a 500 problem document (or an aborted connection when the answer had
// started) and logs one line.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := h.requests.Add(1)
	rec := &recorder{ResponseWriter: w}
	defer func() {
		p := recover()
		abort := p == http.ErrAbortHandler
		if p != nil && !abort {
			h.cfg.Logger.Error("panic serving request", "id", id, "method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if rec.wroteHeader {
				// The answer has started: a 500 can no longer be sent, so
				// the connection is cut rather than leaving a truncated
				// success.
				abort = true
			} else {
				newProblem(http.StatusInternalServerError, KindInternal, "Internal error",
					fmt.Sprintf("the request failed on a bug of the service; it is logged as request %d", id)).write(rec, r)
			}
		}
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		attrs := []any{"id", id, "method", r.Method, "path", r.URL.Path, "status", status,
			"bytes", rec.bytes, "duration", time.Since(start).Round(time.Microsecond), "remote", r.RemoteAddr}
		if rec.kind != "" {
			attrs = append(attrs, "problem", rec.kind)
		}
		if abort {
			attrs = append(attrs, "aborted", true)
		}
		if r.Context().Err() != nil {
			attrs = append(attrs, "clientGone", true)
		}
		level := slog.LevelInfo
		if status >= 500 || abort {
			level = slog.LevelWarn
		}
		h.cfg.Logger.Log(context.Background(), level, "request", attrs...)
		if abort {
			panic(http.ErrAbortHandler)
		}
	}()
	h.mux.ServeHTTP(rec, r)
}

// limited admits a /solve or /check request only while fewer than
// MaxInFlight are being served.
func (h *Handler) limited(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case h.inFlight <- struct{}{}:
			defer func() { <-h.inFlight }()
		default:
			busy(h.slots.retryAfter(), fmt.Sprintf("%d requests are being served, the service's limit (-max-in-flight)", h.cfg.MaxInFlight)).write(w, r)
			return
		}
		next(w, r)
	}
}

// Health is the answer of GET /healthz.
type Health struct {
	Status        string `json:"status"`
	Running       int    `json:"running"`  // solves running
	InFlight      int    `json:"inFlight"` // /solve and /check requests being served
	MaxConcurrent int    `json:"maxConcurrent"`
	MaxInFlight   int    `json:"maxInFlight"`
}

func (h *Handler) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, Health{
		Status: "ok", Running: h.slots.running(), InFlight: len(h.inFlight),
		MaxConcurrent: h.cfg.MaxConcurrent, MaxInFlight: h.cfg.MaxInFlight,
	})
}

// recorder remembers the status and size of an answer.
type recorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
	kind        string // of the problem sent, if any
}

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// slots is the semaphore of the solves and checks, with the expected end
// of each running one, from which busy answers compute Retry-After.
type slots struct {
	what string // "solves"
	sem  chan struct{}
	mu   sync.Mutex
	ends map[*time.Time]struct{}
}

func newSlots(n int, what string) *slots {
	return &slots{what: what, sem: make(chan struct{}, n), ends: map[*time.Time]struct{}{}}
}

var errBusy = errors.New("busy")

// acquire waits up to wait for a slot for a job expected to take about
// expect. It fails with errBusy when the wait ends, or with ctx's error
// when ctx is done first.
func (s *slots) acquire(ctx context.Context, wait, expect time.Duration) (release func(), err error) {
	select {
	case s.sem <- struct{}{}:
	default:
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case s.sem <- struct{}{}:
		case <-t.C:
			return nil, errBusy
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	end := time.Now().Add(expect)
	s.mu.Lock()
	s.ends[&end] = struct{}{}
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.ends, &end)
		s.mu.Unlock()
		<-s.sem
	}, nil
}

// retryAfter is when the first running job is expected to end, at least
// a second from now.
func (s *slots) retryAfter() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	first := time.Duration(0)
	for end := range s.ends {
		d := time.Until(*end)
		if first == 0 || d < first {
			first = d
		}
	}
	return max(first, time.Second)
}

func (s *slots) running() int { return len(s.sem) }
