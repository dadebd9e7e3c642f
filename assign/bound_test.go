package assign

import (
	"math"
	"testing"

	"github.com/roundtable-go/roundtable/assign/internal/randevent"
)

// TestStepFinite asks the subgradient step for absurd lengths (a gap of
// the largest float, a tiny step factor): it may refuse to move, but it
// must never leave a price infinite or NaN. A NaN price makes its
// sessions look shut to eval, and the branch and bound would then take a
// node for infeasible and prove a plan optimal that is not (it did, in
// the fair mode on TestSolveFairBruteForce's seed 9508).
func TestStepFinite(t *testing.T) {
	for i := range 20 {
		c := matchConfig(i)
		c.Participants = min(c.Participants, 20)
		ev := randevent.New(uint64(100+i), c)
		pr, err := compile(ev.Normalized())
		if err != nil {
			t.Fatal(err)
		}
		lg := newLagrange(pr)
		lg.initPrices()
		for _, gap := range []float64{math.MaxFloat64, 1e300, 1e200, 1} {
			for k := 0; k < 5; k++ {
				if L, _ := lg.eval(); math.IsInf(L, -1) {
					t.Fatalf("event %d: eval infeasible at the root", i)
				}
				lg.step(gap, 0, 1)
				for j, v := range lg.save(nil) {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("event %d, gap %g, step %d: price %d is %v", i, gap, k, j, v)
					}
				}
			}
		}
	}
}

// TestFloorBound: a value the relaxation cannot have computed honestly
// (NaN, or beyond int64) proves nothing.
func TestFloorBound(t *testing.T) {
	pr := &problem{grain: 5}
	for _, c := range []struct {
		x    float64
		want int64
	}{
		{12, 10}, {-12, -15}, {10, 10},
		{math.NaN(), math.MaxInt64}, {math.Inf(1), math.MaxInt64}, {1e300, math.MaxInt64},
		{math.Inf(-1), math.MinInt64},
	} {
		if got := pr.floorBound(c.x); got != c.want {
			t.Errorf("floorBound(%v) = %d, want %d", c.x, got, c.want)
		}
	}
}
