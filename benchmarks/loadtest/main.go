// Command loadtest puts the reference HTTP service (examples/service) under
// load and hostile input, in-process on a loopback port, and checks every
// answer:
//
//	go run ./benchmarks/loadtest -duration 20s -clients 16
//
// Clients send, at random by weight (-mix): kennisdag-sized events (the
// kennisdag family, 32 seeds) as JSON and as multipart event +
// registrations CSV, 3,000-person events (flanders, 3 seeds), /check of
// valid and of broken plans, and malformed input: cut-off or ill-typed
// JSON, broken multipart bodies and CSV cells, bodies over the size limit
// (with and without Content-Length), invalid events, events over the
// participant limit, bad query parameters and wrong media types.
//
// Every well-formed request must get, in the end, a 200 with a plan that
// model.Check finds valid (or, for /check, the expected verdict); every
// malformed one its 4xx problem document. A client does what a real one
// would with a 503: busy, it waits the Retry-After and sends the request
// again; no plan within the time limit, it asks again with twice the
// limit. A request still answered 503 after -max-attempts, or after two
// minutes, fails the test; the retries are counted in the report. The program stops issuing requests after -duration or
// -max-requests, waits for those in flight, prints throughput, latency
// percentiles per kind, answers by kind and status, and peak memory
// (runtime.MemStats sampled every 50 ms, and getrusage's maximum resident
// set), and exits with status 1 if any answer was not as expected, 2 if it
// could not run.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roundtable-go/roundtable/examples/service/server"
	"github.com/roundtable-go/roundtable/model"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, errFailed) {
			os.Exit(1)
		}
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(2)
	}
}

var errFailed = errors.New("some answers were not as expected")

type options struct {
	duration      time.Duration
	clients       int
	maxRequests   int
	seed          uint64
	timeLimit     time.Duration // of kennisdag solves
	bigTimeLimit  time.Duration // of flanders solves
	maxConcurrent int
	queueTimeout  time.Duration
	maxBody       int64
	maxPeople     int
	mix           string
	logFile       string
	maxAttempts   int
}

const defaultMix = "kennisdag=40,kennisdag-csv=10,flanders=6,check=6,check-broken=4," +
	"malformed-json=8,malformed-multipart=3,bad-csv=3,oversized=3,oversized-chunked=2," +
	"invalid-event=6,too-many=2,bad-param=3,media-type=2"

func run(args []string, stdout io.Writer) error {
	var o options
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "stop issuing requests after this long")
	fs.IntVar(&o.clients, "clients", 16, "concurrent clients")
	fs.IntVar(&o.maxRequests, "max-requests", 100_000, "stop issuing requests after this many")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the clients' random choices")
	fs.DurationVar(&o.timeLimit, "time-limit", time.Second, "timeLimit of the kennisdag solves")
	fs.DurationVar(&o.bigTimeLimit, "big-time-limit", 4*time.Second, "timeLimit of the flanders (3,000-person) solves")
	fs.IntVar(&o.maxConcurrent, "max-concurrent", runtime.GOMAXPROCS(0), "the service's -max-concurrent")
	fs.DurationVar(&o.queueTimeout, "queue-timeout", 2*time.Second, "the service's -queue-timeout")
	fs.Int64Var(&o.maxBody, "max-body-bytes", 10<<20, "the service's -max-body-bytes")
	fs.IntVar(&o.maxPeople, "max-participants", 5000, "the service's -max-participants (too-many sends more)")
	fs.StringVar(&o.mix, "mix", defaultMix, "kinds of request and their weights")
	fs.StringVar(&o.logFile, "log", "", "write the service's log to this file (default: discard)")
	fs.IntVar(&o.maxAttempts, "max-attempts", 20, "sends of one request at most while the service answers 503")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || o.clients < 1 || o.duration <= 0 || o.maxRequests < 1 || o.maxAttempts < 1 {
		return fmt.Errorf("want flags only, -clients >= 1, -duration > 0, -max-requests >= 1 and -max-attempts >= 1")
	}
	mix, err := parseMix(o.mix)
	if err != nil {
		return err
	}

	// The service, in this process, on a free loopback port.
	logOut := io.Discard
	if o.logFile != "" {
		f, err := os.Create(o.logFile)
		if err != nil {
			return err
		}
		defer f.Close()
		logOut = f
	}
	cfg := server.Config{
		MaxBodyBytes: o.maxBody,
		Limits:       server.Limits{Participants: o.maxPeople},
		// Room for a retry with twice the time limit, twice.
		MaxTimeLimit:  4 * max(o.timeLimit, o.bigTimeLimit),
		MaxConcurrent: o.maxConcurrent,
		QueueTimeout:  o.queueTimeout,
		// Every client's request is admitted: the busy answers under test
		// are those of the solve slots.
		MaxInFlight: o.clients + 1,
		Logger:      slog.New(slog.NewTextHandler(logOut, nil)),
	}
	h, err := server.New(cfg)
	if err != nil {
		return err
	}
	cfg = h.Config()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: time.Minute}
	go srv.Serve(ln)
	defer srv.Close() // on the error paths; a no-op after Shutdown
	base := "http://" + ln.Addr().String()

	fmt.Fprintf(stdout, "preparing requests (%s)...\n", o.mix)
	prepStart := time.Now()
	kinds, err := prepare(o, cfg)
	if err != nil {
		return err
	}
	var chosen []*kind
	var weights []int
	for _, k := range kinds {
		if w := mix[k.name]; w > 0 {
			chosen, weights = append(chosen, k), append(weights, w)
		}
		delete(mix, k.name)
	}
	for name := range mix {
		return fmt.Errorf("unknown kind %q in -mix; known: %s", name, kindNames(kinds))
	}
	if len(chosen) == 0 {
		return fmt.Errorf("-mix gives no kind a weight above 0")
	}
	fmt.Fprintf(stdout, "prepared in %v\n", time.Since(prepStart).Round(time.Millisecond))

	// A watchdog: the test stops by itself, whatever happens.
	watchdog := time.AfterFunc(o.duration+retryBudget+2*time.Minute, func() {
		fmt.Fprintln(os.Stderr, "loadtest: still running four minutes after -duration; giving up")
		os.Exit(2)
	})
	defer watchdog.Stop()

	runtime.GC()
	mem := startSampler(base)
	res := newResults()
	client := &http.Client{
		Timeout:   cfg.MaxTimeLimit + cfg.QueueTimeout + time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: o.clients, DisableCompression: true},
	}
	deadline := time.Now().Add(o.duration)
	var issued atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for c := range o.clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(o.seed, uint64(c)))
			total := 0
			for _, w := range weights {
				total += w
			}
			for time.Now().Before(deadline) && issued.Add(1) <= int64(o.maxRequests) {
				x := rng.IntN(total)
				i := 0
				for x >= weights[i] {
					x -= weights[i]
					i++
				}
				k := chosen[i]
				res.add(k.name, doRetrying(client, base, k.next(rng), o.maxAttempts))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	peak := mem.stop()

	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting the service down: %w", err)
	}
	failures := res.report(stdout, o, cfg, elapsed, peak)
	if failures > 0 {
		return errFailed
	}
	return nil
}

func parseMix(s string) (map[string]int, error) {
	m := map[string]int{}
	for item := range strings.SplitSeq(s, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(item), "=")
		n, err := strconv.Atoi(w)
		if !ok || err != nil || n < 0 {
			return nil, fmt.Errorf("-mix: %q is not kind=weight", item)
		}
		m[name] = n
	}
	return m, nil
}

func kindNames(ks []*kind) string {
	var names []string
	for _, k := range ks {
		names = append(names, k.name)
	}
	return strings.Join(names, ", ")
}

// request is one request to send, and how to judge its answer.
type request struct {
	path, contentType string
	body              []byte
	chunked           bool // hide the length: sent in chunks
	// verify judges the answer: the outcome ("200", "503 busy", "400
	// invalid-json") and an error when the answer is wrong.
	verify func(status int, body []byte) (string, error)
}

// kind is one kind of request; next builds the next one.
type kind struct {
	name       string
	wellFormed bool
	next       func(*rand.Rand) request
}

// outcome is what became of one request.
type outcome struct {
	status   string
	latency  time.Duration
	solveDur time.Duration // Server-Timing of a 200 /solve
	err      error
	// retried counts the 503s answered before the last answer, by kind
	// ("503 busy"); retry says whether this answer asks for another try,
	// after wait.
	retried map[string]int
	retry   bool
	wait    time.Duration
}

// retryBudget is how long a client goes on sending one request that is
// answered 503.
const retryBudget = 2 * time.Minute

// doRetrying sends rq until it gets an answer other than a 503 busy or
// timeout, as a client of the service should: after a busy, it waits the
// Retry-After (5 s at most); after a timeout, it asks for twice the time
// limit. After maxAttempts sends or retryBudget, the last 503 is a
// failure. The latency is the whole wait.
func doRetrying(client *http.Client, base string, rq request, maxAttempts int) outcome {
	start := time.Now()
	retried := map[string]int{}
	for attempt := 1; ; attempt++ {
		o := do(client, base, rq)
		if !o.retry || o.err != nil {
			o.latency, o.retried = time.Since(start), retried
			return o
		}
		if attempt >= maxAttempts || time.Since(start)+o.wait > retryBudget {
			o.latency, o.retried = time.Since(start), retried
			o.err = fmt.Errorf("still %s after %d sends over %v", o.status, attempt, o.latency.Round(time.Millisecond))
			return o
		}
		retried[o.status]++
		if strings.HasSuffix(o.status, server.KindTimeout) {
			rq.path = longerTimeLimit(rq.path)
		}
		time.Sleep(min(o.wait, 5*time.Second))
	}
}

// longerTimeLimit doubles the timeLimit parameter of a /solve path.
func longerTimeLimit(path string) string {
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	q := u.Query()
	d, err := time.ParseDuration(q.Get("timeLimit"))
	if err != nil {
		return path
	}
	q.Set("timeLimit", (2 * d).String())
	u.RawQuery = q.Encode()
	return u.String()
}

func do(client *http.Client, base string, rq request) outcome {
	var body io.Reader = bytes.NewReader(rq.body)
	if rq.chunked {
		body = io.MultiReader(body) // no Len: the client cannot know the length
	}
	req, err := http.NewRequest(http.MethodPost, base+rq.path, body)
	if err != nil {
		return outcome{status: "error", err: err}
	}
	req.Header.Set("Content-Type", rq.contentType)
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return outcome{status: "transport error", latency: time.Since(start), err: err}
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	lat := time.Since(start)
	if err != nil {
		return outcome{status: "transport error", latency: lat, err: err}
	}
	o := outcome{latency: lat}
	if st := resp.Header.Get("Server-Timing"); strings.HasPrefix(st, "solve;dur=") {
		if ms, err := strconv.ParseFloat(strings.TrimPrefix(st, "solve;dur="), 64); err == nil {
			o.solveDur = time.Duration(ms * float64(time.Millisecond))
		}
	}
	o.status, o.err = rq.verify(resp.StatusCode, data)
	if resp.StatusCode == http.StatusServiceUnavailable && o.err == nil {
		if p, err := problemOf(resp.StatusCode, data); err == nil {
			o.retry = p.Kind() == server.KindBusy || p.Kind() == server.KindTimeout
			o.wait = time.Duration(p.RetryAfter) * time.Second
		}
	}
	return o
}

// problemOf decodes a problem document.
func problemOf(status int, body []byte) (*server.Problem, error) {
	p := new(server.Problem)
	if err := json.Unmarshal(body, p); err != nil {
		return nil, fmt.Errorf("status %d without a problem document: %v: %.200s", status, err, body)
	}
	if p.Status != status || p.Title == "" || !strings.HasPrefix(p.Type, server.ProblemBase) {
		return nil, fmt.Errorf("status %d with problem %+v", status, p)
	}
	return p, nil
}

// unavailable accepts a 503 of a well-formed request, for another try
// (doRetrying): busy (with a Retry-After) or no plan within the time
// limit.
func unavailable(status int, body []byte) (string, error) {
	p, err := problemOf(status, body)
	if err != nil {
		return strconv.Itoa(status), err
	}
	out := fmt.Sprintf("%d %s", status, p.Kind())
	if status != http.StatusServiceUnavailable || (p.Kind() != server.KindBusy && p.Kind() != server.KindTimeout) {
		return out, fmt.Errorf("well-formed request answered %s: %s", out, p.Detail)
	}
	if p.Kind() == server.KindBusy && p.RetryAfter < 1 {
		return out, fmt.Errorf("busy without Retry-After: %+v", p)
	}
	return out, nil
}

// wantPlan verifies the answer to a well-formed /solve of ev.
func wantPlan(ev *model.Event) func(int, []byte) (string, error) {
	return func(status int, body []byte) (string, error) {
		if status != http.StatusOK {
			return unavailable(status, body)
		}
		plan, err := model.DecodePlan(bytes.NewReader(body))
		if err != nil {
			return "200", fmt.Errorf("200 with an unreadable plan: %v", err)
		}
		if err := model.Check(ev, plan).Err(); err != nil {
			return "200", fmt.Errorf("200 with an invalid plan: %v", err)
		}
		if plan.Event != ev.Name || plan.Bound < plan.Objective {
			return "200", fmt.Errorf("200 with plan of %q, objective %d, bound %d", plan.Event, plan.Objective, plan.Bound)
		}
		return "200", nil
	}
}

// wantVerdict verifies the answer to a well-formed /check.
func wantVerdict(valid bool, objective int64) func(int, []byte) (string, error) {
	return func(status int, body []byte) (string, error) {
		if status != http.StatusOK {
			return unavailable(status, body)
		}
		var rep server.CheckReport
		if err := json.Unmarshal(body, &rep); err != nil {
			return "200", fmt.Errorf("200 with an unreadable report: %v", err)
		}
		switch {
		case rep.Valid != valid || (len(rep.Violations) == 0) != valid:
			return "200", fmt.Errorf("check: valid %v with %d violations, want valid %v", rep.Valid, len(rep.Violations), valid)
		case valid && rep.Objective != objective:
			return "200", fmt.Errorf("check: objective %d, want %d", rep.Objective, objective)
		}
		return "200", nil
	}
}

// wantProblem verifies the answer to a malformed request.
func wantProblem(status int, kind string) func(int, []byte) (string, error) {
	return func(got int, body []byte) (string, error) {
		p, err := problemOf(got, body)
		if err != nil {
			return strconv.Itoa(got), err
		}
		out := fmt.Sprintf("%d %s", got, p.Kind())
		if got != status || p.Kind() != kind {
			return out, fmt.Errorf("malformed request answered %s, want %d %s: %s", out, status, kind, p.Detail)
		}
		return out, nil
	}
}

// results gathers the outcomes of every kind.
type results struct {
	mu    sync.Mutex
	kinds map[string]*kindResults
}

type kindResults struct {
	latencies []time.Duration
	solves    []time.Duration
	statuses  map[string]int
	retried   map[string]int // 503s before the last answer
	waited    int            // requests answered after one 503 or more
	errors    []string
	failures  int
}

func newResults() *results { return &results{kinds: map[string]*kindResults{}} }

func (r *results) add(kind string, o outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := r.kinds[kind]
	if k == nil {
		k = &kindResults{statuses: map[string]int{}, retried: map[string]int{}}
		r.kinds[kind] = k
	}
	k.latencies = append(k.latencies, o.latency)
	if o.solveDur > 0 {
		k.solves = append(k.solves, o.solveDur)
	}
	k.statuses[o.status]++
	for st, n := range o.retried {
		k.retried[st] += n
	}
	if len(o.retried) > 0 {
		k.waited++
	}
	if o.err != nil {
		k.failures++
		if len(k.errors) < 5 {
			k.errors = append(k.errors, o.err.Error())
		}
	}
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	case d < 10*time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// report prints the figures and returns the number of failures.
func (r *results) report(w io.Writer, o options, cfg server.Config, elapsed time.Duration, peak memPeak) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range r.kinds {
			if !yield(n) {
				return
			}
		}
	})
	total, ok200, solves200, failures, waited, retries := 0, 0, 0, 0, 0, 0
	for _, n := range names {
		k := r.kinds[n]
		total += len(k.latencies)
		ok200 += k.statuses["200"]
		if n == "kennisdag" || n == "kennisdag-csv" || n == "flanders" {
			solves200 += k.statuses["200"]
		}
		failures += k.failures
		waited += k.waited
		for _, c := range k.retried {
			retries += c
		}
	}
	fmt.Fprintf(w, "\nroundtable service load test: %d clients for %v, %s %s/%s, GOMAXPROCS %d, %d CPUs\n",
		o.clients, o.duration, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), runtime.NumCPU())
	fmt.Fprintf(w, "service: -max-concurrent %d -queue-timeout %v -max-in-flight %d -max-body-bytes %d -max-participants %d; timeLimit %v (kennisdag), %v (flanders)\n\n",
		cfg.MaxConcurrent, cfg.QueueTimeout, cfg.MaxInFlight, cfg.MaxBodyBytes, cfg.Limits.Participants, o.timeLimit, o.bigTimeLimit)
	fmt.Fprintf(w, "%d requests in %.1f s (issued for %v, then the last ones answered): %.1f requests/s; %d plans (200): %.2f solves/s; %d answers 200 in all\n\n",
		total, elapsed.Seconds(), o.duration, float64(total)/elapsed.Seconds(), solves200, float64(solves200)/elapsed.Seconds(), ok200)
	fmt.Fprintln(w, "| kind | requests | answers | p50 | p90 | p99 | max | solve p50 (server) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, n := range names {
		k := r.kinds[n]
		slices.Sort(k.latencies)
		slices.Sort(k.solves)
		var st []string
		for _, s := range slices.Sorted(func(yield func(string) bool) {
			for s := range k.statuses {
				if !yield(s) {
					return
				}
			}
		}) {
			st = append(st, fmt.Sprintf("%s: %d", s, k.statuses[s]))
		}
		for _, s := range slices.Sorted(maps.Keys(k.retried)) {
			st = append(st, fmt.Sprintf("%s then retried: %d", s, k.retried[s]))
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s | %s |\n", n, len(k.latencies), strings.Join(st, ", "),
			ms(percentile(k.latencies, .5)), ms(percentile(k.latencies, .9)), ms(percentile(k.latencies, .99)),
			ms(percentile(k.latencies, 1)), ms(percentile(k.solves, .5)))
	}
	mb := func(b uint64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }
	fmt.Fprintf(w, "\npeak memory of the process (service and clients): HeapInuse %s, HeapSys %s, Sys %s, max RSS %s; peak solves running %d, requests in flight %d\n",
		mb(peak.heapInuse), mb(peak.heapSys), mb(peak.sys), mb(maxRSS()), peak.running, peak.inFlight)
	if failures == 0 {
		fmt.Fprintf(w, "\nPASS: every well-formed request got a valid plan or the expected check verdict (%d after waiting out 503s, %d 503s in all); every malformed one its 4xx\n", waited, retries)
		return 0
	}
	fmt.Fprintf(w, "\nFAIL: %d answers not as expected\n", failures)
	for _, n := range names {
		for _, e := range r.kinds[n].errors {
			fmt.Fprintf(w, "  %s: %s\n", n, e)
		}
	}
	return failures
}
