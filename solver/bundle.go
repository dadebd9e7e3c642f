package solver

import (
	"math"
	"slices"
)

// Bundle minimises a convex function f, known only through its value and
// one subgradient at each point it proposes (a Lagrangian dual, say), over
// the points whose boxed coordinates are at least 0. It is a proximal
// bundle method (Kiwiel 1990, "Proximity control in bundle methods for
// convex nondifferentiable minimization"): every observation gives a cut,
// f(y) >= f(y_j) + g_j·(y - y_j); the next point minimises the largest
// cut plus a proximal term (1/2t)·sum (y_i - c_i)²/scale_i around the
// stability centre c, the best point so far; it becomes the centre when f
// falls there by at least a tenth of what the cuts predicted (a serious
// step), and otherwise only adds its cut (a null step).
//
// With a Target (a value f cannot go below) each step aims at a decrease
// of Level times the centre's distance to it, as the level bundle method
// of Lemaréchal, Nemirovskii and Nesterov (1995) and Polyak's step size
// do: T shrinks until the model predicts about that, or doubles, once a
// step and never during null steps (T stays at most a billion times its
// value at the first Observe).
//
// Unlike a subgradient method it remembers the shape of f, so it keeps
// descending where steps along one subgradient zig-zag; each point costs
// a small quadratic programme over the cuts (at most MaxCuts of them), of
// time O(MaxCuts·n) plus O(MaxCuts·boxed coordinates) per inner
// iteration, and MaxCuts vectors of n numbers of memory.
//
// Use: Observe the first point with its value and subgradient, then
// repeatedly call Next for a point, evaluate f there and Observe it.
type Bundle struct {
	// MaxCuts is how many cuts are kept: beyond it the cuts the last
	// quadratic programme left unused go, or, if it used all, they are
	// replaced by their combination. Set it before the first Observe.
	MaxCuts int
	// T is the proximal parameter: larger lets the next point go further
	// from the centre. Observe adapts it.
	T float64
	// Target, unless NaN, is a value f cannot go below (a plan's
	// objective, for a dual): each step then aims at a decrease of Level
	// times the centre's distance to it, adjusting T. NewBundle sets it
	// to NaN and Level to 0.5.
	Target, Level float64

	n      int
	boxed  []int // indices of the coordinates kept >= 0
	free   []int // the others
	scale  []float64
	center []float64
	fc     float64 // f at center
	have   bool
	nulls  int     // null steps since the last serious one
	tMax   float64 // T never grows beyond a billion times its start
	cuts   []*cut
	q      [][]float64 // q[j][k]: sum over free i of scale_i·g_j[i]·g_k[i]
	alpha  []float64   // the last programme's weights of the cuts
	pred   float64     // decrease from fc that the model predicted at the last Next
	spare  []*cut      // removed cuts, for reuse
	yb     []float64   // scratch: the boxed coordinates of the next point
	gb     []float64   // scratch: sum alpha_j g_j on the boxed coordinates
	// act lists the positions in boxed of the coordinates some cut has
	// moved (its subgradient there was not 0): the others stay at the
	// centre and add nothing to the programme, so it skips them.
	act   []int
	isAct []bool
	kinks []float64 // scratch of slopeZero
}

// cut is f(y) >= a + g·y. cu is a + g·c over the free coordinates for the
// current centre c; gb is g on the boxed coordinates, in order.
type cut struct {
	g     []float64
	a, cu float64
	gb    []float64
}

// NewBundle returns a Bundle over n coordinates, of which those in boxed
// are kept at or above 0. scale (nil: all 1) weighs the proximal term:
// coordinate i moves scale[i] times as far as a coordinate of weight 1
// for the same slope.
func NewBundle(n int, boxed []int, scale []float64) *Bundle {
	b := &Bundle{MaxCuts: 20, n: n, center: make([]float64, n), Target: math.NaN(), Level: 0.5}
	b.boxed = slices.Clone(boxed)
	slices.Sort(b.boxed)
	isBoxed := make([]bool, n)
	for _, i := range b.boxed {
		isBoxed[i] = true
	}
	for i := range n {
		if !isBoxed[i] {
			b.free = append(b.free, i)
		}
	}
	b.scale = make([]float64, n)
	for i := range b.scale {
		b.scale[i] = 1
		if scale != nil {
			b.scale[i] = scale[i]
		}
	}
	b.yb = make([]float64, len(b.boxed))
	b.gb = make([]float64, len(b.boxed))
	b.isAct = make([]bool, len(b.boxed))
	return b
}

// Center returns the stability centre, the best point observed, and f
// there. The slice is the Bundle's own: do not change it.
func (b *Bundle) Center() ([]float64, float64) { return b.center, b.fc }

// Observe records f's value fy and a subgradient g at y (the first point,
// which must have its boxed coordinates at or above 0, or the one Next
// returned last) and reports whether y became the centre. It keeps
// neither slice.
func (b *Bundle) Observe(y []float64, fy float64, g []float64) (serious bool) {
	if !b.have {
		b.have = true
		copy(b.center, y)
		b.fc = fy
		b.tMax = 1e9 * max(b.T, 1e-300)
		b.addCut(y, fy, g)
		return true
	}
	decrease := b.fc - fy
	serious = decrease >= 0.1*b.pred
	if serious {
		b.nulls = 0
	} else {
		b.nulls++
	}
	switch {
	case serious && b.pred > 0 && decrease >= 0.5*b.pred:
		b.T = min(2*b.T, b.tMax) // the model was right: trust it further
	case !serious:
		// The cut at y, seen from the centre: a large error means f
		// bends sharply between them, so stay closer.
		var lin float64
		for i, gi := range g {
			lin += gi * (b.center[i] - y[i])
		}
		if e := b.fc - (fy + lin); e > b.pred {
			b.T /= 2
		}
	}
	b.addCut(y, fy, g)
	if serious {
		copy(b.center, y)
		b.fc = fy
		for _, c := range b.cuts {
			b.setCU(c)
		}
	}
	return serious
}

// addCut adds the cut of fy and g at y, making room first.
func (b *Bundle) addCut(y []float64, fy float64, g []float64) {
	if len(b.cuts) >= max(2, b.MaxCuts) {
		b.compact()
	}
	var c *cut
	if k := len(b.spare); k > 0 {
		c, b.spare = b.spare[k-1], b.spare[:k-1]
	} else {
		c = &cut{g: make([]float64, b.n), gb: make([]float64, len(b.boxed))}
	}
	copy(c.g, g)
	c.a = fy
	for i, gi := range g {
		c.a -= gi * y[i]
	}
	for k, i := range b.boxed {
		c.gb[k] = g[i]
		if g[i] != 0 && !b.isAct[k] {
			b.isAct[k] = true
			b.act = append(b.act, k)
		}
	}
	b.setCU(c)
	row := make([]float64, len(b.cuts)+1)
	for j, o := range b.cuts {
		row[j] = b.dotFree(c.g, o.g)
		b.q[j] = append(b.q[j], row[j])
	}
	row[len(b.cuts)] = b.dotFree(c.g, c.g)
	b.q = append(b.q, row)
	b.cuts = append(b.cuts, c)
	b.alpha = append(b.alpha, 0)
}

func (b *Bundle) setCU(c *cut) {
	c.cu = c.a
	for _, i := range b.free {
		c.cu += c.g[i] * b.center[i]
	}
}

func (b *Bundle) dotFree(x, y []float64) float64 {
	var s float64
	for _, i := range b.free {
		s += b.scale[i] * x[i] * y[i]
	}
	return s
}

// compact removes the cuts the last programme gave no weight, the oldest
// first, down to half of MaxCuts; if it used them all, it replaces them by
// their combination with its weights, which is a cut too.
func (b *Bundle) compact() {
	keep := make([]int, 0, len(b.cuts))
	drop := len(b.cuts) - max(1, b.MaxCuts/2)
	for j := range b.cuts {
		if b.alpha[j] == 0 && drop > 0 {
			drop--
			continue
		}
		keep = append(keep, j)
	}
	if len(keep) == len(b.cuts) {
		b.aggregate()
		return
	}
	cuts := make([]*cut, len(keep))
	q := make([][]float64, len(keep))
	alpha := make([]float64, len(keep))
	for j, o := range keep {
		cuts[j], alpha[j] = b.cuts[o], b.alpha[o]
		q[j] = make([]float64, len(keep))
		for k, p := range keep {
			q[j][k] = b.q[o][p]
		}
	}
	for j := range b.cuts {
		if !slices.Contains(keep, j) {
			b.spare = append(b.spare, b.cuts[j])
		}
	}
	b.cuts, b.q, b.alpha = cuts, q, alpha
}

// aggregate replaces every cut by their combination with weights alpha.
func (b *Bundle) aggregate() {
	agg := &cut{g: make([]float64, b.n), gb: make([]float64, len(b.boxed))}
	var qq float64
	for j, c := range b.cuts {
		w := b.alpha[j]
		agg.a += w * c.a
		for i, gi := range c.g {
			agg.g[i] += w * gi
		}
		for k, w2 := range b.alpha {
			qq += w * w2 * b.q[j][k]
		}
	}
	for k, i := range b.boxed {
		agg.gb[k] = agg.g[i]
	}
	b.setCU(agg)
	b.spare = append(b.spare, b.cuts...)
	b.cuts = []*cut{agg}
	b.q = [][]float64{{qq}}
	b.alpha = []float64{1}
}

// Next writes into y the minimiser of the model plus the proximal term
// and returns the decrease from the centre's value the model predicts
// there, counting what the inner programme left unsolved: once it is
// tiny, the centre is close to optimal.
func (b *Bundle) Next(y []float64) float64 {
	if len(b.cuts) == 0 {
		copy(y, b.center) // nothing observed yet
		return 0
	}
	model, mean := b.solveQP()
	if !math.IsNaN(b.Target) {
		// Aim the step at a decrease of Level times the distance to the
		// target, as a level method would: the predicted decrease grows
		// about linearly with T.
		grown := false
		for range 3 {
			want := b.Level * (b.fc - b.Target)
			pred := b.fc - model
			if want <= 0 || (pred >= want/2 && pred <= 2*want) {
				break
			}
			if pred < want/2 {
				// Grow T at most once a step and never during null
				// steps, so that T stays bounded while the cuts
				// accumulate, as convergence needs.
				if grown || b.nulls > 0 {
					break
				}
				grown = true
				b.T = min(2*b.T, b.tMax)
			} else {
				b.T *= max(0.25, want/pred)
			}
			model, mean = b.solveQP()
		}
	}
	t := b.T
	// y = c - t·scale·sum alpha_j g_j, boxed coordinates at least 0.
	copy(y, b.center)
	for j, c := range b.cuts {
		if w := b.alpha[j]; w > 0 {
			for _, i := range b.free {
				y[i] -= t * b.scale[i] * w * c.g[i]
			}
		}
	}
	b.boxedPoint()
	for _, k := range b.act {
		y[b.boxed[k]] = b.yb[k]
	}
	// Where the programme stopped short of its optimum the mean is below
	// the model: counting that gap too, a small prediction still means a
	// centre close to optimal.
	b.pred = max(0, b.fc-mean)
	if !finite(y) {
		copy(y, b.center) // T overflowed: stay
		b.pred = 0
	}
	return b.pred
}

// boxedPoint fills yb, the boxed coordinates of the proximal point for
// the weights alpha, and gb, the weights' combination of the cuts there.
func (b *Bundle) boxedPoint() {
	for _, k := range b.act {
		b.gb[k] = 0
	}
	for j, c := range b.cuts {
		if w := b.alpha[j]; w > 0 {
			for _, k := range b.act {
				b.gb[k] += w * c.gb[k]
			}
		}
	}
	for _, k := range b.act {
		i := b.boxed[k]
		b.yb[k] = max(0, b.center[i]-b.T*b.scale[i]*b.gb[k])
	}
}

// solveQP maximises over the weights alpha (in the simplex) the dual of
//
//	min over y (boxed >= 0) of max_j (a_j + g_j·y) + (1/2t)·sum (y_i - c_i)²/scale_i,
//
// whose gradient in alpha_j is cut j's value at the proximal point y(alpha).
// It moves weight between two cuts at a time, from the cut of lowest
// value with weight to the cut of highest value (as SMO does for support
// vector machines), until the highest value exceeds the weighted mean by
// a thousandth of the decrease the model predicts or less (or at most
// 50 transfers per cut).
func (b *Bundle) solveQP() (model, mean float64) {
	k := len(b.cuts)
	t := b.T
	alpha := b.alpha
	if s := sum(alpha); s <= 0 {
		clear(alpha)
		alpha[k-1] = 1 // the newest cut
	} else {
		for j := range alpha {
			alpha[j] /= s
		}
	}
	qa := make([]float64, k)
	for j := range k {
		for l, w := range alpha {
			qa[j] += b.q[j][l] * w
		}
	}
	grad := make([]float64, k)
	for range 50*k + 100 {
		b.boxedPoint()
		hi, lo := 0, -1
		var mean float64
		for j, c := range b.cuts {
			v := c.cu - t*qa[j]
			for _, kk := range b.act {
				v += c.gb[kk] * b.yb[kk]
			}
			grad[j] = v
			mean += alpha[j] * v
			if v > grad[hi] {
				hi = j
			}
			if alpha[j] > 0 && (lo < 0 || v < grad[lo]) {
				lo = j
			}
		}
		// Solved when the gap left is a thousandth of the decrease the
		// model predicts (or nothing against the centre's value).
		if grad[hi]-mean <= 1e-3*max(0, b.fc-grad[hi])+1e-12*(1+math.Abs(b.fc)) || lo == hi {
			break
		}
		// Move lambda of weight from lo to hi: the slope is
		// grad[hi]-grad[lo], the curvature that of the quadratic with the
		// boxed coordinates' clipping as it is now.
		curv := t * (b.q[hi][hi] + b.q[lo][lo] - 2*b.q[hi][lo])
		for _, kk := range b.act {
			if b.yb[kk] > 0 {
				d := b.cuts[hi].gb[kk] - b.cuts[lo].gb[kk]
				curv += t * b.scale[b.boxed[kk]] * d * d
			}
		}
		lambda, full := alpha[lo], true
		if curv > 0 && (grad[hi]-grad[lo])/curv < lambda {
			lambda, full = (grad[hi]-grad[lo])/curv, false
		}
		// The step assumed the clipping stays as it is; where it changes
		// the curvature grows, and the slope at lambda may be below 0:
		// then find where it is 0 (it falls as lambda grows).
		if b.slope(hi, lo, lambda, qa) < 0 {
			lambda, full = b.slopeZero(hi, lo, lambda, qa), false
		}
		alpha[hi] += lambda
		alpha[lo] -= lambda
		if full {
			alpha[lo] = 0
		}
		for j := range k {
			qa[j] += lambda * (b.q[j][hi] - b.q[j][lo])
		}
	}
	// The model's value at the proximal point of the final weights, and
	// the cuts' mean there with those weights (below it by the
	// programme's gap, 0 when solved exactly).
	b.boxedPoint()
	model = math.Inf(-1)
	for j, c := range b.cuts {
		v := c.cu - t*qa[j]
		for _, kk := range b.act {
			v += c.gb[kk] * b.yb[kk]
		}
		model = max(model, v)
		mean += alpha[j] * v
	}
	return model, mean
}

// slope returns the derivative of the programme's objective when lambda
// of weight moves from cut lo to cut hi: cut hi's value less cut lo's at
// the proximal point of the moved weights. qa is q times the weights
// before the move; b.gb holds their combination on the boxed coordinates.
func (b *Bundle) slope(hi, lo int, lambda float64, qa []float64) float64 {
	ch, cl := b.cuts[hi], b.cuts[lo]
	t := b.T
	d := ch.cu - cl.cu - t*(qa[hi]-qa[lo]) - t*lambda*(b.q[hi][hi]+b.q[lo][lo]-2*b.q[hi][lo])
	for _, k := range b.act {
		i := b.boxed[k]
		g := b.gb[k] + lambda*(ch.gb[k]-cl.gb[k])
		y := max(0, b.center[i]-t*b.scale[i]*g)
		d += (ch.gb[k] - cl.gb[k]) * y
	}
	return d
}

// slopeZero returns where in [0, top] slope(hi, lo, ·, qa) falls to 0,
// given that it is below 0 at top. The slope is piecewise linear: each
// boxed coordinate adds a kink where it reaches 0. Halving over the kinks
// finds the linear piece where the sign changes, and the zero within it
// is where the line through its ends crosses 0: a few evaluations of the
// slope where plain bisection took 30.
func (b *Bundle) slopeZero(hi, lo int, top float64, qa []float64) float64 {
	ch, cl := b.cuts[hi], b.cuts[lo]
	t := b.T
	kinks := b.kinks[:0]
	kinks = append(kinks, 0)
	for _, k := range b.act {
		i := b.boxed[k]
		d := ch.gb[k] - cl.gb[k]
		if d == 0 {
			continue
		}
		if x := (b.center[i]/(t*b.scale[i]) - b.gb[k]) / d; x > 0 && x < top {
			kinks = append(kinks, x)
		}
	}
	kinks = append(kinks, top)
	b.kinks = kinks
	slices.Sort(kinks)
	// slope > 0 at kinks[a] (or a == 0) and <= 0 at kinks[z].
	a, z := 0, len(kinks)-1
	sz := b.slope(hi, lo, top, qa)
	sa := b.slope(hi, lo, 0, qa)
	for z-a > 1 {
		m := (a + z) / 2
		if sm := b.slope(hi, lo, kinks[m], qa); sm > 0 {
			a, sa = m, sm
		} else {
			z, sz = m, sm
		}
	}
	if sa <= 0 {
		return kinks[a]
	}
	x := min(max(kinks[a]+sa*(kinks[z]-kinks[a])/(sa-sz), kinks[a]), kinks[z])
	// Rounding may put x just past the zero: halve the way back towards
	// the piece's start until the slope is not below 0 there (bisection
	// too stopped on that side). Over 100 random problems of
	// TestBundleFreeAndBoxed's shape this ended closer to the minimum
	// than 30 bisections did.
	lo0 := kinks[a]
	for range 20 {
		if b.slope(hi, lo, x, qa) >= 0 {
			break
		}
		x = (lo0 + x) / 2
	}
	return x
}

func finite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func sum(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s
}
