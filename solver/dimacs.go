package solver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MaxDIMACSNodes bounds the node count that ReadDIMACS accepts, so that a
// malformed problem line cannot make it allocate without limit (8 bytes per
// node are allocated when the problem line is read).
const MaxDIMACSNodes = 1 << 26

// ReadDIMACS reads a minimum-cost flow problem in the DIMACS format read by
// LEMON and by GLPK's glpsol --mincost:
//
//	c any comment
//	p min NODES ARCS
//	n ID SUPPLY                   (positive: supply, negative: demand)
//	a FROM TO LOWER CAPACITY COST
//
// Nodes are numbered from 1 in the file and from 0 in the Graph (node i of
// the file is node i-1); arcs get ids 0, 1, ... in file order. Blank lines
// are allowed; fields are separated by spaces or tabs. It reports up to ten
// problems at once, each as "dimacs: line N: ...". O(size of the input).
func ReadDIMACS(r io.Reader) (*Graph, error) { return readDIMACS(r, MaxDIMACSNodes) }

func readDIMACS(r io.Reader, maxNodes int) (*Graph, error) {
	var g *Graph
	var errs []error
	fail := func(line int, format string, args ...any) {
		if len(errs) < 10 {
			errs = append(errs, fmt.Errorf("dimacs: line %d: %s", line, fmt.Sprintf(format, args...)))
		}
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var wantArcs, problemLine int
	var seen map[int]int // node -> line of its n line
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 || f[0] == "c" {
			continue
		}
		ints := func(fields []string, what ...string) ([]int64, bool) {
			if len(fields) != len(what) {
				fail(line, "%q line has %d fields, want %d: %s %s", f[0], len(fields), len(what), f[0], strings.Join(what, " "))
				return nil, false
			}
			out := make([]int64, len(fields))
			for i, s := range fields {
				v, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					fail(line, "%s %q is not an integer", what[i], s)
					return nil, false
				}
				out[i] = v
			}
			return out, true
		}
		switch f[0] {
		case "p":
			if g != nil {
				fail(line, "second problem line (first on line %d)", problemLine)
				continue
			}
			if len(f) < 2 || f[1] != "min" {
				fail(line, "problem line must be \"p min NODES ARCS\"")
				continue
			}
			v, ok := ints(f[2:], "NODES", "ARCS")
			if !ok {
				continue
			}
			if v[0] < 0 || v[0] > int64(maxNodes) || v[1] < 0 || v[1] > maxArcs {
				fail(line, "%d nodes and %d arcs out of range (at most %d nodes)", v[0], v[1], maxNodes)
				continue
			}
			g = NewGraph(int(v[0]))
			wantArcs, problemLine = int(v[1]), line
			seen = map[int]int{}
		case "n", "a":
			if g == nil {
				fail(line, "%q line before the problem line \"p min NODES ARCS\"", f[0])
				continue
			}
			node := func(x int64, what string) (int, bool) {
				if x < 1 || x > int64(g.NumNodes()) {
					fail(line, "%s %d is not a node in 1..%d", what, x, g.NumNodes())
					return 0, false
				}
				return int(x - 1), true
			}
			if f[0] == "n" {
				v, ok := ints(f[1:], "ID", "SUPPLY")
				if !ok {
					continue
				}
				id, ok := node(v[0], "node")
				if !ok {
					continue
				}
				if l, dup := seen[id]; dup {
					fail(line, "node %d already has a supply (line %d)", id+1, l)
					continue
				}
				seen[id] = line
				g.SetSupply(id, v[1])
				continue
			}
			v, ok := ints(f[1:], "FROM", "TO", "LOWER", "CAPACITY", "COST")
			if !ok {
				continue
			}
			u, ok1 := node(v[0], "tail")
			w, ok2 := node(v[1], "head")
			if !ok1 || !ok2 {
				continue
			}
			if v[2] < 0 || v[2] > v[3] {
				fail(line, "bounds [%d, %d] are not 0 <= LOWER <= CAPACITY", v[2], v[3])
				continue
			}
			if g.NumArcs() >= wantArcs {
				fail(line, "more arc lines than the %d declared on line %d", wantArcs, problemLine)
				continue
			}
			g.AddArc(u, w, v[2], v[3], v[4])
		default:
			fail(line, "unknown line type %q (want c, p, n or a)", f[0])
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			fail(line+1, "line longer than 1 MiB")
		} else {
			return nil, fmt.Errorf("dimacs: %w", err)
		}
	}
	if g == nil && len(errs) == 0 {
		fail(line, "no problem line \"p min NODES ARCS\"")
	}
	if g != nil && g.NumArcs() < wantArcs && len(errs) == 0 {
		fail(line, "%d arc lines, %d declared on line %d", g.NumArcs(), wantArcs, problemLine)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return g, nil
}

// WriteDIMACS writes g in the DIMACS minimum-cost flow format (see
// ReadDIMACS), nodes numbered from 1. DIMACS has no convex arcs: a convex
// arc is written as one arc per step with positive capacity, its lower bound
// spread over the first steps, so arc ids in the file differ from g's when g
// has convex arcs (a comment line says so). O(nodes + arcs + steps).
func WriteDIMACS(w io.Writer, g *Graph) error {
	bw := bufio.NewWriter(w)
	m := 0
	for a := range g.from {
		if !g.convex(a) {
			m++
			continue
		}
		for _, s := range g.conv[g.convOf[int32(a)]].steps {
			if s.Capacity > 0 {
				m++
			}
		}
	}
	if len(g.conv) > 0 {
		fmt.Fprintf(bw, "c %d convex arcs written as one arc per step\n", len(g.conv))
	}
	fmt.Fprintf(bw, "p min %d %d\n", g.NumNodes(), m)
	for v, s := range g.supply {
		if s != 0 {
			fmt.Fprintf(bw, "n %d %d\n", v+1, s)
		}
	}
	for a := range g.from {
		u, t := g.from[a]+1, g.to[a]+1
		if !g.convex(a) {
			fmt.Fprintf(bw, "a %d %d %d %d %d\n", u, t, g.low(a), g.upper[a], g.cost[a])
			continue
		}
		low := g.low(a)
		for _, s := range g.conv[g.convOf[int32(a)]].steps {
			if s.Capacity > 0 {
				l := min(low, s.Capacity)
				low -= l
				fmt.Fprintf(bw, "a %d %d %d %d %d\n", u, t, l, s.Capacity, s.Cost)
			}
		}
	}
	return bw.Flush()
}

// WriteSolution writes sol in the DIMACS solution format: "s COST", then
// "f FROM TO FLOW" for every arc with non-zero flow, in arc id order, nodes
// numbered from 1. When sol is nil it writes "s infeasible". O(arcs).
func WriteSolution(w io.Writer, g *Graph, sol *Solution) error {
	bw := bufio.NewWriter(w)
	if sol == nil {
		fmt.Fprintln(bw, "s infeasible")
		return bw.Flush()
	}
	fmt.Fprintf(bw, "s %d\n", sol.Cost)
	for a, x := range sol.Flow {
		if x != 0 {
			fmt.Fprintf(bw, "f %d %d %d\n", g.from[a]+1, g.to[a]+1, x)
		}
	}
	return bw.Flush()
}
