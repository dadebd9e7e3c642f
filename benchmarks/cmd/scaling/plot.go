package main

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// plot draws two log-log panels against the participants: seconds to the
// first plan and peak memory; a cross marks a solve without a plan (drawn
// at the limit in the first panel, at its peak in the second).
func plot(ps []point, family string, limit time.Duration) string {
	const w, h, pad = 360, 260, 50
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">`+"\n", 2*w+20, h+40)
	fmt.Fprintf(&b, `<text x="10" y="16" font-size="13">roundtable, %s family scaled: time to the first plan and peak memory (log-log, limit %v)</text>`+"\n", family, limit)
	time := func(p point) (float64, bool) {
		if p.First < 0 {
			return limit.Seconds(), false
		}
		return p.First, true
	}
	mem := func(p point) (float64, bool) { return p.PeakMB, p.First >= 0 }
	panel(&b, ps, 0, 24, w, h, pad, "seconds to the first plan", time)
	panel(&b, ps, w+20, 24, w, h, pad, "peak memory, MB", mem)
	b.WriteString("</svg>\n")
	return b.String()
}

func panel(b *strings.Builder, ps []point, x0, y0, w, h, pad int, title string, val func(point) (float64, bool)) {
	if len(ps) == 0 {
		return
	}
	lx := func(v float64) float64 { return math.Log10(math.Max(v, 1e-3)) }
	xmin, xmax := math.Inf(1), math.Inf(-1)
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for _, p := range ps {
		xmin, xmax = math.Min(xmin, lx(float64(p.N))), math.Max(xmax, lx(float64(p.N)))
		if v, _ := val(p); v > 0 {
			ymin, ymax = math.Min(ymin, lx(v)), math.Max(ymax, lx(v))
		}
	}
	if math.IsInf(ymin, 1) {
		ymin, ymax = 0, 1
	}
	xmin, xmax = math.Floor(xmin), math.Ceil(xmax)
	ymin, ymax = math.Floor(ymin), math.Ceil(ymax)
	if xmax == xmin {
		xmax++
	}
	if ymax == ymin {
		ymax++
	}
	px := func(v float64) float64 { return float64(x0+pad) + (v-xmin)/(xmax-xmin)*float64(w-pad-10) }
	py := func(v float64) float64 { return float64(y0+h-pad) - (v-ymin)/(ymax-ymin)*float64(h-pad-10) }
	fmt.Fprintf(b, `<text x="%d" y="%d">%s</text>`+"\n", x0+pad, y0+12, title)
	fmt.Fprintf(b, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#888"/>`+"\n",
		px(xmin), py(ymax), px(xmax)-px(xmin), py(ymin)-py(ymax))
	for e := xmin; e <= xmax; e++ {
		fmt.Fprintf(b, `<text x="%.0f" y="%d" text-anchor="middle">1e%.0f</text>`+"\n", px(e), y0+h-pad+14, e)
	}
	for e := ymin; e <= ymax; e++ {
		fmt.Fprintf(b, `<line x1="%.0f" x2="%.0f" y1="%.0f" y2="%.0f" stroke="#ddd"/>`+"\n", px(xmin), px(xmax), py(e), py(e))
		fmt.Fprintf(b, `<text x="%.0f" y="%.0f" text-anchor="end">%s</text>`+"\n", px(xmin)-4, py(e)+4, strings.TrimSuffix(fmt.Sprintf("%g", math.Pow(10, e)), ".0"))
	}
	fmt.Fprintf(b, `<text x="%.0f" y="%d" text-anchor="middle">participants</text>`+"\n", (px(xmin)+px(xmax))/2, y0+h-pad+28)
	var line []string
	for _, p := range ps {
		v, ok := val(p)
		if v <= 0 {
			continue
		}
		x, y := px(lx(float64(p.N))), py(lx(v))
		if ok {
			line = append(line, fmt.Sprintf("%.1f,%.1f", x, y))
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3" fill="#1f5fa8"/>`+"\n", x, y)
		} else {
			fmt.Fprintf(b, `<path d="M%.1f %.1fl8 8m0 -8l-8 8" stroke="#c0392b" stroke-width="2"/>`+"\n", x-4, y-4)
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" fill="#c0392b" text-anchor="end">no plan</text>`+"\n", x-6, y-6)
		}
	}
	if len(line) > 1 {
		fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="#1f5fa8"/>`+"\n", strings.Join(line, " "))
	}
}
