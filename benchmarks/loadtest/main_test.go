package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestShortRun runs the load test for two seconds with every kind of
// request but the 3,000-person solves, and expects it to pass.
func TestShortRun(t *testing.T) {
	if testing.Short() {
		t.Skip("a two-second load test")
	}
	mix := strings.Replace(defaultMix, "flanders=6", "flanders=0", 1)
	var out bytes.Buffer
	err := run([]string{"-duration", "2s", "-clients", "4", "-time-limit", "300ms", "-queue-timeout", "10s", "-mix", mix}, &out)
	t.Log(out.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"PASS:", "| kennisdag |", "| oversized |", "max RSS"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

// TestRetriesBusy saturates a service of one solve slot and a short
// queue: clients are answered 503 busy, wait the Retry-After and send
// again, and every request gets its plan in the end.
func TestRetriesBusy(t *testing.T) {
	if testing.Short() {
		t.Skip("a one-second load test")
	}
	var out bytes.Buffer
	err := run([]string{"-duration", "1s", "-clients", "3", "-max-concurrent", "1", "-queue-timeout", "50ms",
		"-time-limit", "200ms", "-mix", "kennisdag=1"}, &out)
	t.Log(out.String())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "503 busy then retried: ") || strings.Contains(out.String(), "(0 after waiting out 503s") {
		t.Error("no request was answered busy and sent again")
	}
}

func TestParseMix(t *testing.T) {
	if _, err := parseMix("kennisdag=2,check"); err == nil {
		t.Error("a kind without weight is accepted")
	}
	if err := run([]string{"-mix", "nosuchkind=1", "-duration", "1s"}, new(bytes.Buffer)); err == nil || !strings.Contains(err.Error(), "nosuchkind") {
		t.Errorf("unknown kind: %v", err)
	}
}
