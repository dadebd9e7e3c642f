package solver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const sampleDIMACS = `c a small problem
p min 4 5
n 1 4
n 4 -4
a 1 2 0 4 2
a 1 3 0 2 2
a 2 3 0 2 1
a 2 4 1 3 3
a 3 4 0 5 1
`

func TestReadDIMACS(t *testing.T) {
	g, err := ReadDIMACS(strings.NewReader(sampleDIMACS))
	if err != nil {
		t.Fatal(err)
	}
	sol, err := solveCheck(t, g)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := WriteSolution(&out, g, sol); err != nil {
		t.Fatal(err)
	}
	// 1 unit on 1-2-4 (lower bound, 5), 2 on 1-3-4 (3 each), 1 on 1-2-3-4 (4).
	want := "s 15\nf 1 2 2\nf 1 3 2\nf 2 3 1\nf 2 4 1\nf 3 4 3\n"
	if out.String() != want {
		t.Errorf("solution:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestReadDIMACSErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a 1 2 0 1 1\n", "line 1: \"a\" line before the problem line"},
		{"p min 2 1\na 1 3 0 1 1\n", "line 2: head 3 is not a node in 1..2"},
		{"p min 2 1\na 1 2 0 x 1\n", "line 2: CAPACITY \"x\" is not an integer"},
		{"p min 2 1\na 1 2 2 1 1\n", "line 2: bounds [2, 1]"},
		{"p min 2 1\n\nn 1 1\nn 1 2\na 1 2 0 1 1\n", "line 4: node 1 already has a supply (line 3)"},
		{"p min 2 2\na 1 2 0 1 1\n", "1 arc lines, 2 declared on line 1"},
		{"p max 2 2\n", "line 1: problem line must be"},
		{"x\n", "line 1: unknown line type \"x\""},
		{"p min 99999999999 1\n", "out of range"},
		{"", "no problem line"},
		{"p min 2 1\nn 1\na 1 2 0 1 1 5\n", "line 2: \"n\" line has 1 fields"},
	} {
		_, err := ReadDIMACS(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ReadDIMACS(%q) = %v, want an error containing %q", c.in, err, c.want)
		}
	}
	// Every problem is reported, each with its line.
	_, err := ReadDIMACS(strings.NewReader("p min 2 2\na 1 9 0 1 1\na 0 1 0 1 1\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2:") || !strings.Contains(err.Error(), "line 3:") {
		t.Errorf("want errors on lines 2 and 3, got %v", err)
	}
}

// TestDIMACSRoundTrip writes random graphs (convex arcs included) and reads
// them back: same optimum.
func TestDIMACSRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for it := range 100 {
		g := randomGraph(rng, 3+rng.IntN(6), rng.IntN(6), 4+rng.IntN(10), 5, 20, true, true)
		var buf bytes.Buffer
		if err := WriteDIMACS(&buf, g); err != nil {
			t.Fatal(err)
		}
		h, err := ReadDIMACS(&buf)
		if err != nil {
			t.Fatalf("case %d: %v\n%s", it, err, buf.String())
		}
		s1, e1 := solveCheck(t, g)
		s2, e2 := solveCheck(t, h)
		if (e1 == nil) != (e2 == nil) || (e1 == nil && s1.Cost != s2.Cost) {
			t.Fatalf("case %d: %v %v / %v %v", it, s1, e1, s2, e2)
		}
	}
}

func FuzzReadDIMACS(f *testing.F) {
	f.Add(sampleDIMACS)
	f.Add("p min 3 2\nn 1 1\nn 3 -1\na 1 2 0 1 -5\na 2 3 1 1 7\n")
	f.Add("p min 1 1\na 1 1 0 3 -2\n")
	f.Add("c only\np min 0 0\n")
	f.Add("p min 2 1\na 1 2 0 9223372036854775807 9223372036854775807\n")
	f.Fuzz(func(t *testing.T, in string) {
		g, err := readDIMACS(strings.NewReader(in), 1<<12)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteDIMACS(&buf, g); err != nil {
			t.Fatal(err)
		}
		h, err := readDIMACS(&buf, 1<<12)
		if err != nil {
			t.Fatalf("written problem does not read back: %v\n%s", err, buf.String())
		}
		if h.NumNodes() != g.NumNodes() || h.NumArcs() != g.NumArcs() {
			t.Fatalf("round trip changed the size")
		}
		if g.NumArcs() > 200 {
			return
		}
		sol, err := g.Solve(context.Background())
		if err == nil {
			if err := sol.Verify(g); err != nil {
				t.Fatal(err)
			}
			return
		}
		var ie *InfeasibleError
		if errors.As(err, &ie) {
			if err := ie.CheckCut(g); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestGlpsol compares optima with GLPK's glpsol --mincost on random DIMACS
// files (including lower bounds and infeasible ones).
func TestGlpsol(t *testing.T) {
	path, err := exec.LookPath("glpsol")
	if err != nil {
		t.Skip("glpsol not installed (Debian package glpk-utils); skipping the comparison with GLPK")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	dir := t.TempDir()
	n := 40
	if testing.Short() {
		n = 10
	}
	for it := range n {
		g := randomGraph(rng, 5+rng.IntN(20), rng.IntN(30), 10+rng.IntN(60), 20, 100, true, true)
		file := filepath.Join(dir, fmt.Sprintf("r%d.min", it))
		var buf bytes.Buffer
		if err := WriteDIMACS(&buf, g); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out := file + ".out"
		cmd := exec.Command(path, "--mincost", file, "-o", out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("glpsol: %v\n%s", err, b)
		}
		optimal, obj := readGlpsol(t, out)
		sol, err := solveCheck(t, g)
		if optimal != (err == nil) {
			t.Fatalf("case %d: glpsol optimal=%v, Solve error %v", it, optimal, err)
		}
		if optimal && sol.Cost != obj {
			t.Fatalf("case %d: cost %d, glpsol %d", it, sol.Cost, obj)
		}
	}
}

// readGlpsol returns whether glpsol's report says OPTIMAL and the objective.
func readGlpsol(t *testing.T, file string) (bool, int64) {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	optimal := false
	var obj int64
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		switch {
		case len(fs) >= 2 && fs[0] == "Status:":
			optimal = fs[1] == "OPTIMAL"
		case len(fs) >= 2 && fs[0] == "Objective:":
			v, err := strconv.ParseFloat(fs[len(fs)-2], 64)
			if err != nil {
				t.Fatalf("glpsol objective %q: %v", sc.Text(), err)
			}
			obj = int64(math.Round(v))
		}
	}
	return optimal, obj
}
