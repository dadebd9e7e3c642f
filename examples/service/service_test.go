package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roundtable-go/roundtable/assign"
	"github.com/roundtable-go/roundtable/examples/service/server"
	"github.com/roundtable-go/roundtable/model"
)

func TestSolveJSON(t *testing.T) {
	srv, _ := startServer(t, server.Config{})
	ev := generate(t, "kennisdag", 1)
	resp := post(t, t.Context(), srv.URL+"/solve?timeLimit=5s&seed=1", "application/json", bytes.NewReader(eventJSON(t, ev)))
	if got := resp.Header.Get("Roundtable-Time-Limit"); got != "5s" {
		t.Errorf("Roundtable-Time-Limit %q, want 5s", got)
	}
	if !strings.HasPrefix(resp.Header.Get("Server-Timing"), "solve;dur=") {
		t.Errorf("Server-Timing %q", resp.Header.Get("Server-Timing"))
	}
	plan, _ := wantPlan(t, resp, ev)
	if plan.Event != ev.Name || len(plan.Assignments) == 0 {
		t.Errorf("plan of %q with %d assignments", plan.Event, len(plan.Assignments))
	}
}

func TestSolveMultipart(t *testing.T) {
	srv, _ := startServer(t, server.Config{})
	full := generate(t, "kennisdag", 2)
	bare := full.Clone()
	bare.Participants = nil
	regs := registrationsCSV(t, full, "shoe size")
	ct, body := multipartBody(t,
		[3]string{"registrations", "text/csv", string(regs)}, // either order
		[3]string{"event", "application/json", string(eventJSON(t, bare))})
	resp := post(t, t.Context(), srv.URL+"/solve?timeLimit=5s", ct, bytes.NewReader(body))

	// The plan is checked against the event the registrations make.
	want := bare.Clone()
	ps, _, err := model.ReadRegistrations(bytes.NewReader(regs), want)
	if err != nil {
		t.Fatal(err)
	}
	want.Participants = ps
	warn := resp.Header.Values("Roundtable-Warning")
	plan, _ := wantPlan(t, resp, want)
	if len(plan.Assignments) == 0 {
		t.Error("no assignments")
	}
	if len(warn) != 1 || !strings.Contains(warn[0], "shoe size") {
		t.Errorf("warnings %q, want one about the column shoe size", warn)
	}
}

func TestMultipartProblems(t *testing.T) {
	srv, _ := startServer(t, server.Config{})
	ev := generate(t, "kennisdag", 1)
	evJSON := string(eventJSON(t, ev))
	for _, tc := range []struct {
		name   string
		parts  [][3]string
		status int
		kind   string
		path   string
	}{
		{"no registrations", [][3]string{{"event", "application/json", evJSON}}, 400, server.KindInvalidMultipart, ""},
		{"no event", [][3]string{{"registrations", "text/csv", "id\n"}}, 400, server.KindInvalidMultipart, ""},
		{"unknown part", [][3]string{{"event", "application/json", evJSON}, {"plan", "application/json", "{}"}}, 400, server.KindInvalidMultipart, ""},
		{"twice", [][3]string{{"event", "application/json", evJSON}, {"event", "application/json", evJSON}}, 400, server.KindInvalidMultipart, ""},
		{"bad event", [][3]string{{"event", "application/json", `{"name": 1}`}, {"registrations", "text/csv", "id\n"}}, 400, server.KindInvalidJSON, "name"},
		{"bad cell", [][3]string{{"event", "application/json", evJSON}, {"registrations", "text/csv", "id,organisation,choice1\np1," + ev.Organisations[0].ID + ",no-such-theme\n"}}, 400, server.KindInvalidRegistrations, "registrations"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ct, body := multipartBody(t, tc.parts...)
			p := wantProblem(t, post(t, t.Context(), srv.URL+"/solve", ct, bytes.NewReader(body)), tc.status, tc.kind)
			if tc.path != "" && (len(p.Errors) == 0 || p.Errors[0].Path != tc.path) {
				t.Errorf("errors %+v, want the first at path %q", p.Errors, tc.path)
			}
			if tc.kind == server.KindInvalidRegistrations && (p.Errors[0].Line != 2 || !strings.Contains(p.Errors[0].Message, "no-such-theme")) {
				t.Errorf("errors %+v, want line 2 naming the theme", p.Errors)
			}
		})
	}
}

func TestMalformedJSON(t *testing.T) {
	srv, _ := startServer(t, server.Config{})
	for _, tc := range []struct {
		name, body string
		line, col  int
		path       string
	}{
		{"syntax", "{\"name\": \"x\",\n  \"rounds\": [}", 2, 14, "rounds"},
		{"cut off", `{"name": "x", "rounds": [`, 1, 26, "rounds"},
		{"wrong type", "{\n  \"name\": \"x\",\n  \"rounds\": 3\n}", 3, 13, "rounds"},
		{"unknown field", "{\"name\": \"x\", \"roundz\": []}", 1, 15, ""},
		{"empty", "", 1, 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := wantProblem(t, post(t, t.Context(), srv.URL+"/solve", "application/json", strings.NewReader(tc.body)), 400, server.KindInvalidJSON)
			if len(p.Errors) != 1 {
				t.Fatalf("errors %+v, want one", p.Errors)
			}
			e := p.Errors[0]
			if e.Line != tc.line || e.Column != tc.col || e.Path != tc.path {
				t.Errorf("error at line %d column %d path %q, want %d, %d, %q: %+v", e.Line, e.Column, e.Path, tc.line, tc.col, tc.path, e)
			}
			if want := fmt.Sprintf("line %d, column %d", tc.line, tc.col); !strings.Contains(p.Detail, want) {
				t.Errorf("detail %q does not say %q", p.Detail, want)
			}
		})
	}
}

func TestInvalidEvent(t *testing.T) {
	srv, _ := startServer(t, server.Config{})
	ev := generate(t, "kennisdag", 1)
	ev.Participants[0].Preferences = []string{"no-such-theme"}
	ev.Participants[3].Organisation = ""
	p := wantProblem(t, post(t, t.Context(), srv.URL+"/solve", "application/json", bytes.NewReader(eventJSON(t, ev))), 422, server.KindInvalidEvent)
	paths := map[string]bool{}
	for _, e := range p.Errors {
		paths[e.Path] = true
		if e.Message == "" {
			t.Errorf("error without message: %+v", e)
		}
	}
	if !paths["participants[0].preferences[0]"] || !paths["participants[3].organisation"] {
		t.Errorf("error paths %v, want participants[0].preferences[0] and participants[3].organisation", paths)
	}
}

func TestNoPlan(t *testing.T) {
	srv, _ := startServer(t, server.Config{})
	ev := generate(t, "kennisdag", 1)
	// Hosts only in the first round, where a member of the first
	// participant's organisation is pinned into a session: that
	// organisation's room has nowhere to go.
	r1 := ev.Rounds[0].ID
	ev.Hosts = nil
	for i := range ev.Organisations {
		ev.Hosts = append(ev.Hosts, model.Host{ID: fmt.Sprintf("h%d", i), Rounds: []string{r1}})
	}
	p := &ev.Participants[0]
	p.Rounds, p.Delegation = nil, nil
	for _, s := range ev.Sessions {
		if s.Round == r1 {
			p.Pinned = map[string]string{r1: s.ID}
			break
		}
	}
	prob := wantProblem(t, post(t, t.Context(), srv.URL+"/solve", "application/json", bytes.NewReader(eventJSON(t, ev))), 422, server.KindNoPlan)
	if len(prob.Errors) == 0 || !strings.Contains(prob.Detail, "no host") {
		t.Errorf("no reasons: %+v", prob)
	}
}

func TestBodyTooLarge(t *testing.T) {
	srv, _ := startServer(t, server.Config{MaxBodyBytes: 4096})
	ev := generate(t, "kennisdag", 1)
	body := eventJSON(t, ev) // about 40 KB
	t.Run("declared", func(t *testing.T) {
		p := wantProblem(t, post(t, t.Context(), srv.URL+"/solve", "application/json", bytes.NewReader(body)), 413, server.KindBodyTooLarge)
		if p.Limit == nil || p.Limit.Max != 4096 || p.Limit.Flag != "-max-body-bytes" || p.Limit.Got != int64(len(body)) {
			t.Errorf("limit %+v", p.Limit)
		}
	})
	t.Run("chunked", func(t *testing.T) {
		// A reader of unknown length makes the client send it chunked.
		p := wantProblem(t, post(t, t.Context(), srv.URL+"/solve", "application/json", io.MultiReader(bytes.NewReader(body))), 413, server.KindBodyTooLarge)
		if p.Limit == nil || p.Limit.Max != 4096 {
			t.Errorf("limit %+v", p.Limit)
		}
	})
	t.Run("multipart", func(t *testing.T) {
		ct, mp := multipartBody(t, [3]string{"event", "application/json", string(body)}, [3]string{"registrations", "text/csv", "id\n"})
		wantProblem(t, post(t, t.Context(), srv.URL+"/solve", ct, io.MultiReader(bytes.NewReader(mp))), 413, server.KindBodyTooLarge)
	})
	t.Run("check", func(t *testing.T) {
		wantProblem(t, post(t, t.Context(), srv.URL+"/check", "application/json", io.MultiReader(bytes.NewReader(body))), 413, server.KindBodyTooLarge)
	})
}

func TestCountLimits(t *testing.T) {
	ev := generate(t, "kennisdag", 1) // 130 participants, 5 themes, 2 rounds, 12 sessions
	for _, tc := range []struct {
		limits server.Limits
		edit   func(*model.Event)
		name   string
		got    int64
	}{
		{server.Limits{Participants: 100}, nil, "participants", 130},
		{server.Limits{Themes: 4}, nil, "themes", 5},
		{server.Limits{Rounds: 1}, nil, "rounds", 2},
		{server.Limits{Sessions: 11}, nil, "sessions", 12},
		{server.Limits{Sessions: 9}, func(e *model.Event) { e.Sessions = nil }, "sessions", 10}, // default sessions: 5 x 2
		{server.Limits{Organisations: 15}, nil, "organisations", 16},
		{server.Limits{Hosts: 7}, nil, "hosts", 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := startServer(t, server.Config{Limits: tc.limits})
			e := ev.Clone()
			if tc.edit != nil {
				tc.edit(e)
			}
			p := wantProblem(t, post(t, t.Context(), srv.URL+"/solve", "application/json", bytes.NewReader(eventJSON(t, e))), 422, server.KindLimitExceeded)
			if p.Limit == nil || p.Limit.Name != tc.name || p.Limit.Got != tc.got || p.Limit.Flag != "-max-"+tc.name {
				t.Errorf("limit %+v, want %s with %d", p.Limit, tc.name, tc.got)
			}
			if !strings.Contains(p.Detail, tc.name) || !strings.Contains(p.Detail, "-max-"+tc.name) {
				t.Errorf("detail %q does not name the limit", p.Detail)
			}
		})
	}
	t.Run("registrations", func(t *testing.T) {
		srv, _ := startServer(t, server.Config{Limits: server.Limits{Participants: 100}})
		bare := ev.Clone()
		bare.Participants = nil
		ct, body := multipartBody(t, [3]string{"event", "application/json", string(eventJSON(t, bare))},
			[3]string{"registrations", "text/csv", string(registrationsCSV(t, ev))})
		p := wantProblem(t, post(t, t.Context(), srv.URL+"/solve", ct, bytes.NewReader(body)), 422, server.KindLimitExceeded)
		if p.Limit == nil || p.Limit.Name != "participants" || p.Limit.Got != 130 {
			t.Errorf("limit %+v", p.Limit)
		}
	})
}

func TestParameters(t *testing.T) {
	srv, _ := startServer(t, server.Config{MaxTimeLimit: 2 * time.Second})
	ev := eventJSON(t, generate(t, "kennisdag", 1))
	for _, q := range []string{"timeLimit=abc", "timeLimit=-1s", "timeLimit=0", "seed=-1", "seed=x", "workLimit=-5", "timelimit=5s", "seed=1&seed=2"} {
		t.Run(q, func(t *testing.T) {
			p := wantProblem(t, post(t, t.Context(), srv.URL+"/solve?"+q, "application/json", bytes.NewReader(ev)), 400, server.KindInvalidParameter)
			if len(p.Errors) != 1 || !strings.HasPrefix(q, p.Errors[0].Path) {
				t.Errorf("errors %+v, want one naming the parameter of %q", p.Errors, q)
			}
		})
	}
	// A query the URL parser cannot read was dropped whole: the default
	// time limit replaced the one asked for, with a 200.
	for _, q := range []string{"timeLimit=%zz", "timeLimit=1s;bogus=1"} {
		t.Run(q, func(t *testing.T) {
			p := wantProblem(t, post(t, t.Context(), srv.URL+"/solve?"+q, "application/json", bytes.NewReader(ev)), 400, server.KindInvalidParameter)
			if len(p.Errors) != 1 || p.Errors[0].Path != "query" {
				t.Errorf("errors %+v, want one naming the query", p.Errors)
			}
		})
	}
	t.Run("check", func(t *testing.T) {
		wantProblem(t, post(t, t.Context(), srv.URL+"/check?%zz", "application/json", strings.NewReader(`{}`)), 400, server.KindInvalidParameter)
	})
	t.Run("capped", func(t *testing.T) {
		resp := post(t, t.Context(), srv.URL+"/solve?timeLimit=1h", "application/json", bytes.NewReader(ev))
		readBody(t, resp)
		if resp.StatusCode != 200 || resp.Header.Get("Roundtable-Time-Limit") != "2s" || resp.Header.Get("Roundtable-Time-Limit-Capped") != "true" {
			t.Errorf("status %d, time limit %q capped %q; want 200, 2s, true", resp.StatusCode,
				resp.Header.Get("Roundtable-Time-Limit"), resp.Header.Get("Roundtable-Time-Limit-Capped"))
		}
	})
	t.Run("seconds", func(t *testing.T) {
		resp := post(t, t.Context(), srv.URL+"/solve?timeLimit=1.5&workLimit=100000", "application/json", bytes.NewReader(ev))
		readBody(t, resp)
		if resp.StatusCode != 200 || resp.Header.Get("Roundtable-Time-Limit") != "1.5s" {
			t.Errorf("status %d, time limit %q; want 200, 1.5s", resp.StatusCode, resp.Header.Get("Roundtable-Time-Limit"))
		}
	})
}

func TestRouting(t *testing.T) {
	srv, _ := startServer(t, server.Config{})
	wantProblem(t, post(t, t.Context(), srv.URL+"/solve", "text/csv", strings.NewReader("id\n")), 415, server.KindUnsupportedMediaType)
	wantProblem(t, post(t, t.Context(), srv.URL+"/solve", "", strings.NewReader("{}")), 415, server.KindUnsupportedMediaType)
	wantProblem(t, post(t, t.Context(), srv.URL+"/check", "multipart/form-data; boundary=x", strings.NewReader("")), 415, server.KindUnsupportedMediaType)
	resp, err := http.Get(srv.URL + "/solve")
	if err != nil {
		t.Fatal(err)
	}
	if allow := resp.Header.Get("Allow"); allow != "POST" {
		t.Errorf("Allow %q", allow)
	}
	wantProblem(t, resp, 405, server.KindMethodNotAllowed)
	resp, err = http.Get(srv.URL + "/nope")
	if err != nil {
		t.Fatal(err)
	}
	wantProblem(t, resp, 404, server.KindNotFound)
	resp = post(t, t.Context(), srv.URL+"/healthz", "application/json", strings.NewReader("{}"))
	wantProblem(t, resp, 405, server.KindMethodNotAllowed)

	resp, err = http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health server.Health
	if err := json.Unmarshal(readBody(t, resp), &health); err != nil || resp.StatusCode != 200 || health.Status != "ok" {
		t.Errorf("healthz: %d %+v %v", resp.StatusCode, health, err)
	}
}

// blockingSolver is a solver that waits until released, or until its
// context is done; it says when it starts.
type blockingSolver struct {
	started chan struct{}
	release chan struct{}
}

func newBlockingSolver() *blockingSolver {
	return &blockingSolver{started: make(chan struct{}, 100), release: make(chan struct{})}
}

func (b *blockingSolver) solve(ctx context.Context, ev *model.Event, opts assign.Options) (*model.Plan, error) {
	b.started <- struct{}{}
	select {
	case <-b.release:
		return assign.Solve(ctx, ev, assign.Options{TimeLimit: time.Second, Seed: opts.Seed})
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func TestBusy(t *testing.T) {
	b := newBlockingSolver()
	srv, _ := startServer(t, server.Config{MaxConcurrent: 1, QueueTimeout: 50 * time.Millisecond, Solve: b.solve})
	ev := generate(t, "kennisdag", 1)
	body := eventJSON(t, ev)
	first := make(chan *http.Response, 1)
	go func() {
		req, _ := http.NewRequest("POST", srv.URL+"/solve?timeLimit=7s", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
		}
		first <- resp
	}()
	<-b.started // the only slot is taken

	start := time.Now()
	resp := post(t, t.Context(), srv.URL+"/solve", "application/json", bytes.NewReader(body))
	ra := resp.Header.Get("Retry-After")
	p := wantProblem(t, resp, 503, server.KindBusy)
	if waited := time.Since(start); waited < 50*time.Millisecond {
		t.Errorf("answered busy after %v, before the queue timeout", waited)
	}
	// Retry-After: when the running solve is expected to end, 7 s.
	if secs, err := strconv.Atoi(ra); err != nil || secs < 6 || secs > 7 || p.RetryAfter != secs {
		t.Errorf("Retry-After %q (problem: %d), want 6-7 seconds", ra, p.RetryAfter)
	}
	// Bad input gets its 400, not a 503: decoding has slots of its own.
	wantProblem(t, post(t, t.Context(), srv.URL+"/solve", "application/json", strings.NewReader("{")), 400, server.KindInvalidJSON)
	// A check does not wait for a solve slot.
	resp = post(t, t.Context(), srv.URL+"/check", "application/json", strings.NewReader(`{"event": `+string(body)+`, "plan": {"status": "feasible"}}`))
	if b := readBody(t, resp); resp.StatusCode != 200 {
		t.Errorf("check while the solves are busy: %d %s", resp.StatusCode, b)
	}

	close(b.release)
	wantPlan(t, <-first, ev)
	// The slot is free again.
	b.release = make(chan struct{})
	close(b.release)
	wantPlan(t, post(t, t.Context(), srv.URL+"/solve", "application/json", bytes.NewReader(body)), ev)
}

func TestQueueWaits(t *testing.T) {
	// A request that finds every slot taken waits for one, up to the queue
	// timeout, and then runs.
	b := newBlockingSolver()
	srv, _ := startServer(t, server.Config{MaxConcurrent: 1, QueueTimeout: 5 * time.Second, Solve: b.solve})
	ev := generate(t, "kennisdag", 1)
	body := eventJSON(t, ev)
	results := make(chan *http.Response, 2)
	for range 2 {
		go func() {
			req, _ := http.NewRequest("POST", srv.URL+"/solve", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
			}
			results <- resp
		}()
	}
	<-b.started
	select {
	case <-b.started:
		t.Fatal("two solves run at once with one slot")
	case <-time.After(100 * time.Millisecond):
	}
	close(b.release)
	wantPlan(t, <-results, ev)
	wantPlan(t, <-results, ev)
}

func TestInFlightLimit(t *testing.T) {
	b := newBlockingSolver()
	srv, _ := startServer(t, server.Config{MaxInFlight: 1, QueueTimeout: time.Minute, Solve: b.solve})
	ev := generate(t, "kennisdag", 1)
	body := eventJSON(t, ev)
	first := make(chan *http.Response, 1)
	go func() {
		req, _ := http.NewRequest("POST", srv.URL+"/solve", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
		}
		first <- resp
	}()
	<-b.started
	start := time.Now()
	p := wantProblem(t, post(t, t.Context(), srv.URL+"/solve", "application/json", bytes.NewReader(body)), 503, server.KindBusy)
	if time.Since(start) > time.Second || !strings.Contains(p.Detail, "-max-in-flight") {
		t.Errorf("busy after %v: %q", time.Since(start), p.Detail)
	}
	// Health checks are not counted.
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	readBody(t, resp)
	close(b.release)
	wantPlan(t, <-first, ev)
}

// handlerDone wraps h to report when the handler of each /solve returns.
func handlerDone(h http.Handler, done chan<- time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		if r.URL.Path == "/solve" {
			done <- time.Now()
		}
	})
}

func TestClientCancelStopsSolve(t *testing.T) {
	if testing.Short() {
		t.Skip("solves a 3,000-person event")
	}
	ev := generate(t, "flanders", 1)
	body := eventJSON(t, ev)
	// Before the first plan is found, and while the bound is improved.
	for _, after := range []time.Duration{300 * time.Millisecond, 2500 * time.Millisecond} {
		t.Run(after.String(), func(t *testing.T) {
			h, err := server.New(server.Config{MaxConcurrent: 1, QueueTimeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan time.Time, 1)
			srv := httptestServer(t, handlerDone(h, done))
			ctx, cancel := context.WithCancel(t.Context())
			errc := make(chan error, 1)
			go func() {
				req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/solve?timeLimit=60s", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err == nil {
					resp.Body.Close()
				}
				errc <- err
			}()
			// Wait until the solve runs, let it work, then hang up.
			waitFor(t, func() bool { return healthOf(t, srv.URL).Running == 1 })
			time.Sleep(after)
			cancel()
			cancelled := time.Now()
			if err := <-errc; !errors.Is(err, context.Canceled) {
				t.Fatalf("client: %v, want context.Canceled", err)
			}
			select {
			case end := <-done:
				if d := end.Sub(cancelled); d > 2*time.Second {
					t.Errorf("the handler returned %v after the client went away", d)
				} else {
					t.Logf("the handler returned %v after the client went away", d)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the solve goes on after the client went away")
			}
			if got := healthOf(t, srv.URL).Running; got != 0 {
				t.Errorf("%d solves still running", got)
			}
		})
	}
}

func TestDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("solves a 3,000-person event")
	}
	srv, _ := startServer(t, server.Config{})
	ev := generate(t, "flanders", 1)
	body := eventJSON(t, ev)
	t.Run("plan", func(t *testing.T) {
		if raceEnabled {
			t.Skip("the race detector slows the search tenfold: no first plan within 3 s")
		}
		start := time.Now()
		resp := post(t, t.Context(), srv.URL+"/solve?timeLimit=3s", "application/json", bytes.NewReader(body))
		plan, _ := wantPlan(t, resp, ev)
		if d := time.Since(start); d > 6*time.Second {
			t.Errorf("a solve of 3s answered after %v", d)
		}
		if plan.Status != model.StatusFeasible && plan.Status != model.StatusOptimal {
			t.Errorf("status %q", plan.Status)
		}
	})
	t.Run("too short", func(t *testing.T) {
		// No first plan of 3,000 people within 20 ms.
		p := wantProblem(t, post(t, t.Context(), srv.URL+"/solve?timeLimit=20ms", "application/json", bytes.NewReader(body)), 503, server.KindTimeout)
		if !strings.Contains(p.Detail, "larger timeLimit") || p.RetryAfter != 0 {
			t.Errorf("problem %+v", p)
		}
	})
}

func TestCheck(t *testing.T) {
	srv, _ := startServer(t, server.Config{})
	ev := generate(t, "kennisdag", 1)
	plan, err := assign.Solve(t.Context(), ev, assign.Options{TimeLimit: 5 * time.Second, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, p *model.Plan) server.CheckReport {
		t.Helper()
		var pb bytes.Buffer
		model.EncodePlan(&pb, p)
		body := `{"event": ` + string(eventJSON(t, ev)) + `, "plan": ` + pb.String() + `}`
		resp := post(t, t.Context(), srv.URL+"/check", "application/json", strings.NewReader(body))
		b := readBody(t, resp)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, b)
		}
		var rep server.CheckReport
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rep); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	t.Run("valid", func(t *testing.T) {
		rep := check(t, plan)
		if !rep.Valid || len(rep.Violations) != 0 || rep.Objective != plan.Objective || rep.Breakdown != plan.Breakdown {
			t.Errorf("report %+v for a plan of objective %d", rep, plan.Objective)
		}
	})
	t.Run("broken", func(t *testing.T) {
		broken := *plan
		broken.Assignments = append(append([]model.Assignment(nil), plan.Assignments...), plan.Assignments[0]) // one person twice in a round
		broken.Assignments[1].Session = "no-such-session"
		rep := check(t, &broken)
		if rep.Valid || len(rep.Violations) < 2 {
			t.Fatalf("report %+v, want violations", rep)
		}
		var rules []int
		for _, v := range rep.Violations {
			rules = append(rules, v.Rule)
			if v.Message == "" {
				t.Errorf("violation without message: %+v", v)
			}
		}
		if rules[0] != 1 {
			t.Errorf("rules %v, want rule 1 first", rules)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		for _, tc := range []struct {
			body      string
			status    int
			kind      string
			path      string
			line, col int
		}{
			{`{"event": {"name": 1}, "plan": {}}`, 400, server.KindInvalidJSON, "event.name", 1, 20},
			{"{\"event\": {},\n \"plan\": {\"assignments\": [{\"round\": 2}]}}", 400, server.KindInvalidJSON, "plan.assignments[0].round", 2, 37},
			{`{"event": {}}`, 400, server.KindInvalidJSON, "plan", 0, 0},
			{`{"event": {}, "plan": {}, "extra": 1}`, 400, server.KindInvalidJSON, "extra", 1, 27},
			{`{"event": {}, "event": {}, "plan": {}}`, 400, server.KindInvalidJSON, "event", 1, 15},
			{`{"event": {}, "plan": {}`, 400, server.KindInvalidJSON, "", 1, 25},
			{`[]`, 400, server.KindInvalidJSON, "", 1, 1},
			{`{"event": {"name": "x"}, "plan": {}}`, 422, server.KindInvalidEvent, "event.rounds", 0, 0},
		} {
			t.Run(tc.body, func(t *testing.T) {
				p := wantProblem(t, post(t, t.Context(), srv.URL+"/check", "application/json", strings.NewReader(tc.body)), tc.status, tc.kind)
				if len(p.Errors) == 0 {
					t.Fatalf("no errors: %+v", p)
				}
				e := p.Errors[0]
				if e.Path != tc.path || (tc.line > 0 && (e.Line != tc.line || e.Column != tc.col)) {
					t.Errorf("first error %+v, want path %q at %d:%d", e, tc.path, tc.line, tc.col)
				}
			})
		}
	})
	t.Run("dense", func(t *testing.T) {
		// Everybody in one session, with repeatPair set: refused before
		// the quadratic work.
		h, _ := server.New(server.Config{MaxCheckPairs: 1000})
		s2 := httptestServer(t, h)
		e := ev.Clone()
		e.Weights.RepeatPair = 1
		dense := &model.Plan{Status: model.StatusFeasible}
		for _, p := range e.Participants {
			dense.Assignments = append(dense.Assignments, model.Assignment{Participant: p.ID, Round: e.Sessions[0].Round, Session: e.Sessions[0].ID})
		}
		var pb bytes.Buffer
		model.EncodePlan(&pb, dense)
		body := `{"event": ` + string(eventJSON(t, e)) + `, "plan": ` + pb.String() + `}`
		p := wantProblem(t, post(t, t.Context(), s2.URL+"/check", "application/json", strings.NewReader(body)), 422, server.KindLimitExceeded)
		if p.Limit == nil || p.Limit.Flag != "-max-check-pairs" || p.Limit.Got != 130*130 {
			t.Errorf("limit %+v", p.Limit)
		}
	})
}

func TestPanicRecovered(t *testing.T) {
	var calls sync.Map
	solve := func(ctx context.Context, ev *model.Event, opts assign.Options) (*model.Plan, error) {
		calls.Store(opts.Seed, true)
		if opts.Seed == 13 {
			var none []int
			_ = none[int(opts.Seed)] // index out of range: a genuine runtime panic
		}
		return assign.Solve(ctx, ev, opts)
	}
	srv, logs := startServer(t, server.Config{MaxConcurrent: 1, QueueTimeout: 30 * time.Second, Solve: solve})
	ev := generate(t, "kennisdag", 1)
	body := eventJSON(t, ev)

	p := wantProblem(t, post(t, t.Context(), srv.URL+"/solve?seed=13", "application/json", bytes.NewReader(body)), 500, server.KindInternal)
	if strings.Contains(p.Detail, "index out of range") || strings.Contains(p.Detail, "goroutine") {
		t.Errorf("the panic leaks to the client: %q", p.Detail)
	}
	if l := logs.String(); !strings.Contains(l, "panic serving request") || !strings.Contains(l, "index out of range") || !strings.Contains(l, "service_test.go") {
		t.Errorf("the panic and its stack are not logged:\n%s", l)
	}

	// Panics and solves side by side: each request gets its own answer,
	// and the one slot is released after every panic.
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			seed := 13
			if i%2 == 0 {
				seed = i
			}
			req, _ := http.NewRequest("POST", srv.URL+"/solve?timeLimit=5s&seed="+strconv.Itoa(seed), bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch {
			case seed == 13 && resp.StatusCode != 500:
				t.Errorf("seed 13: status %d: %s", resp.StatusCode, b)
			case seed != 13 && resp.StatusCode != 200:
				t.Errorf("seed %d: status %d: %s", seed, resp.StatusCode, b)
			case seed != 13:
				plan, err := model.DecodePlan(bytes.NewReader(b))
				if err != nil {
					t.Errorf("seed %d: %v", seed, err)
				} else if err := model.Check(ev, plan).Err(); err != nil {
					t.Errorf("seed %d: %v", seed, err)
				}
			}
		})
	}
	wg.Wait()
	// A handler releases its slot just after its answer is written, so the
	// client may read the answer first: wait for the release.
	waitFor(t, func() bool { h := healthOf(t, srv.URL); return h.Running == 0 && h.InFlight == 0 })
}
