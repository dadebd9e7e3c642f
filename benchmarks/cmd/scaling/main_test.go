package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets the test binary play the child processes of scaling,
// which starts itself again with -child.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "-child" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestScalingSmall(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "s.svg")
	var out, errs bytes.Buffer
	code := run([]string{"-family", "kennisdag", "-sizes", "60,120", "-at", "60", "-rounds", "3", "-themes", "4",
		"-time-limit", "1s", "-svg", svg}, &out, &errs)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, errs.String())
	}
	rows := 0
	for l := range strings.SplitSeq(out.String(), "\n") {
		if strings.HasPrefix(l, "| 60 |") || strings.HasPrefix(l, "| 120 |") {
			rows++
			if strings.Contains(l, "none") {
				t.Errorf("no plan for a small event: %s", l)
			}
		}
	}
	if rows != 4 {
		t.Errorf("%d rows, want 2 sizes, 1 round count and 1 theme count:\n%s", rows, out.String())
	}
	if !strings.Contains(out.String(), "| 60 | 3 |") || !strings.Contains(out.String(), "| 60 | 2 | 4 |") {
		t.Errorf("the rounds and themes series are not as asked:\n%s", out.String())
	}
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.HasPrefix(s, "<svg") || !strings.Contains(s, "<circle") || !strings.HasSuffix(s, "</svg>\n") {
		t.Errorf("not the expected SVG:\n%s", s)
	}
}

func TestScalingBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-sizes", "10,x"},
		{"-family", "nope"},
		{"-time-limit", "0s"},
		{"extra"},
	} {
		var out, errs bytes.Buffer
		if code := run(args, &out, &errs); code != 2 || errs.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, errs.String())
		}
	}
}
