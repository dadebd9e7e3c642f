package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/roundtable-go/roundtable/examples/service/server"
	"github.com/roundtable-go/roundtable/model"
)

// startRun runs the service with args on a free loopback port until the
// returned cancel is called; wait returns run's error.
func startRun(t *testing.T, args ...string) (url string, logs *logBuffer, stop func(), wait func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs = new(logBuffer)
	ready := make(chan string, 1)
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), logs, ready) }()
	select {
	case addr := <-ready:
		url = "http://" + addr
	case err := <-errc:
		cancel()
		t.Fatalf("run: %v\n%s", err, logs)
	}
	var result error
	waited := false
	wait = func() error {
		if !waited {
			result, waited = <-errc, true
		}
		return result
	}
	t.Cleanup(func() {
		cancel()
		wait()
		if t.Failed() {
			t.Logf("service log:\n%s", logs)
		}
	})
	return url, logs, cancel, wait
}

func TestRunFlags(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), []string{"-max-concurrent", "-1"}, &out, nil); err == nil || !strings.Contains(err.Error(), "max concurrent") {
		t.Errorf("negative -max-concurrent: %v", err)
	}
	if err := run(t.Context(), []string{"-max-rounds", "65"}, &out, nil); err == nil || !strings.Contains(err.Error(), "64") {
		t.Errorf("-max-rounds 65: %v", err)
	}
	if err := run(t.Context(), []string{"extra"}, &out, nil); err == nil {
		t.Error("an argument is accepted")
	}
	if err := run(t.Context(), []string{"-addr", "256.0.0.1:1"}, &out, nil); err == nil {
		t.Error("a bad address is accepted")
	}
}

// TestReadTimeoutSparesSolves: http.Server.ReadTimeout is far shorter
// than the solve, which must still run to its end (it reaches the optimum
// of kennisdag seed 3 after about 0.7 s, 7 s under -race) rather than be
// cancelled as if the client had gone.
func TestReadTimeoutSparesSolves(t *testing.T) {
	url, _, _, _ := startRun(t, "-read-timeout", "200ms")
	ev := generate(t, "kennisdag", 3)
	resp := post(t, t.Context(), url+"/solve?timeLimit=60s&seed=1", "application/json", bytes.NewReader(eventJSON(t, ev)))
	plan, _ := wantPlan(t, resp, ev)
	if plan.Status != model.StatusOptimal {
		t.Errorf("status %s, objective %d, bound %d: the solve was cut short", plan.Status, plan.Objective, plan.Bound)
	}
}

// TestWriteTimeoutHoldsSlowBodies: net/http starts WriteTimeout at the end
// of the headers, so it must hold the body's reading (up to ReadTimeout),
// both queues, the longest solve and its stop; with the body left out, a
// client sending slowly within ReadTimeout got no answer at all.
func TestWriteTimeoutHoldsSlowBodies(t *testing.T) {
	cfg := server.Config{MaxTimeLimit: time.Second, QueueTimeout: time.Second}
	read := 50 * time.Second
	srv := NewHTTPServer(http.NotFoundHandler(), cfg, read, slog.New(slog.DiscardHandler))
	if need := read + 2*cfg.QueueTimeout + cfg.MaxTimeLimit + solveStopTime; srv.WriteTimeout <= need {
		t.Errorf("WriteTimeout %v; a request may take %v before its answer is written", srv.WriteTimeout, need)
	}
}

// TestGracefulShutdown: on SIGINT (here: the context of run) the service
// stops accepting, lets a running solve go on for -shutdown-grace, then
// cancels it; the solve still answers, and run returns nil.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("solves a 3,000-person event")
	}
	url, logs, stop, wait := startRun(t, "-shutdown-grace", "500ms")
	ev := generate(t, "flanders", 1)
	got := make(chan *http.Response, 1)
	go func() {
		req, _ := http.NewRequest("POST", url+"/solve?timeLimit=60s", bytes.NewReader(eventJSON(t, ev)))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
		}
		got <- resp
	}()
	waitFor(t, func() bool { return healthOf(t, url).Running == 1 })
	stop()
	stopped := time.Now()
	resp := <-got
	if resp == nil {
		t.FailNow()
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// A plan if the search had one, else 503 (no plan within the time).
	switch resp.StatusCode {
	case 200:
		plan, err := model.DecodePlan(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if err := model.Check(ev, plan).Err(); err != nil {
			t.Error(err)
		}
	case 503:
		if !strings.Contains(string(body), "#timeout") {
			t.Errorf("503: %s", body)
		}
	default:
		t.Errorf("status %d: %s", resp.StatusCode, body)
	}
	if err := wait(); err != nil {
		t.Errorf("run: %v", err)
	}
	if d := time.Since(stopped); d < 500*time.Millisecond || d > 5*time.Second {
		t.Errorf("stopped %v after the signal, want after the grace of 500ms and soon after", d)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Error("still serving after shutdown")
	}
	for _, want := range []string{"shutting down", "cancelling running solves", "stopped"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
}
