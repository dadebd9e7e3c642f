package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	for _, c := range []struct {
		in, out, err string
		code         int
	}{
		{"p min 3 2\nn 1 2\nn 3 -2\na 1 2 0 2 3\na 2 3 0 2 -1\n", "s 4\nf 1 2 2\nf 2 3 2\n", "", 0},
		{"p min 2 1\nn 1 2\nn 2 -2\na 1 2 0 1 1\n", "s infeasible\nc cut of 1 node(s): net supply 2, capacity out 1\n", "", 0},
		{"p min 2 1\nn 1 2\nn 2 -2\na 1 2 0 1\n", "", "line 4: \"a\" line has 4 fields", 2},
		{"p min 2 1\na 1 2 0 1 4611686018427387904\n", "", "ErrOverflow", 2},
	} {
		var out, errb bytes.Buffer
		code := run(nil, strings.NewReader(c.in), &out, &errb)
		if code != c.code || out.String() != c.out || (c.err != "" && c.err != "ErrOverflow" && !strings.Contains(errb.String(), c.err)) {
			t.Errorf("input %q: code %d, stdout %q, stderr %q; want %d, %q, %q", c.in, code, out.String(), errb.String(), c.code, c.out, c.err)
		}
	}
}
