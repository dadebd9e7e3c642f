package assign

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/roundtable-go/roundtable/assign/internal/mip"
	"github.com/roundtable-go/roundtable/assign/internal/randevent"
	"github.com/roundtable-go/roundtable/model"
	"github.com/roundtable-go/roundtable/solver"
)

// TestRelaxationMatchesCBC solves the LP relaxation of random events two
// ways: CBC's simplex on the MIP as WriteLP writes it (cbc -initialSolve:
// samePair by the lines L_j, continuous variables unbounded), and
// solver.SolveLP on mip.Model.Relaxation (samePair by increments, every
// column boxed), from both Build and BuildLean. The three optima must be
// equal, and the bound SolveLP proves must be that optimum.
func TestRelaxationMatchesCBC(t *testing.T) {
	needCBC(t)
	n := 40
	if testing.Short() {
		n = 12
	}
	re := regexp.MustCompile(`Optimal - objective value (-?[0-9.e+]+)`)
	dir := t.TempDir()
	for i := range n {
		cfg := randomConfig(i)
		if i%2 == 1 {
			cfg = match200Config(i)
			cfg.Participants = 30 + 10*i
		}
		ev := randevent.New(uint64(500+i), cfg)
		file := filepath.Join(dir, "e.lp")
		f, err := os.Create(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteLP(f, ev); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		f.Close()
		out, err := exec.Command("cbc", file, "-initialSolve", "-quit").CombinedOutput()
		if err != nil {
			t.Fatalf("event %d: cbc: %v\n%s", i, err, out)
		}
		m := re.FindSubmatch(out)
		if m == nil {
			t.Fatalf("event %d: no optimum in CBC's output:\n%s", i, out)
		}
		want, _ := strconv.ParseFloat(string(m[1]), 64)
		for _, build := range []func(*model.Event) (*mip.Model, error){mip.Build, mip.BuildLean} {
			mod, err := build(ev)
			if err != nil {
				t.Fatal(err)
			}
			sol, err := solver.SolveLP(context.Background(), mod.Relaxation(), solver.LPOptions{})
			if err != nil {
				t.Fatalf("event %d: %v", i, err)
			}
			tol := 1e-6 * (1 + math.Abs(want))
			if sol.Status != solver.LPOptimal || sol.Bound < want-1e-9 || sol.Bound > want+tol {
				t.Fatalf("event %d: SolveLP %v with bound %.6f; CBC's optimum %.6f", i, sol.Status, sol.Bound, want)
			}
		}
	}
}
