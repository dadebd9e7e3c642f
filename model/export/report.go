package export

import (
	_ "embed"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/roundtable-go/roundtable/model"
)

//go:embed report.html.tmpl
var reportSource string

var reportTemplate = template.Must(template.New("report").Parse(reportSource))

// palette colours organisations in the report, by their index in the
// event; it repeats after 12, and the text beside each bar names them.
var palette = []string{
	"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
	"#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#8c564b",
}

// Report geometry, in SVG user units (pixels).
const (
	barWidth   = 160 // size-against-capacity and organisation-mix bars
	barHeight  = 12
	histBar    = 44 // histogram bar width
	histGap    = 14
	histHeight = 140 // tallest histogram bar
	histTop    = 20  // room for the counts above the bars
	histBottom = 34  // room for the labels below
)

type reportData struct {
	Title       string
	Status      string
	Objective   int64
	Bound       int64
	Gap         int64
	GapPercent  string
	Checked     int64
	Violations  []string
	Terms       []term
	Total       int64
	Counts      []count
	Rounds      []roundHead
	Themes      []themeRow
	Delegations []delegCell // per round, for the grid's last row
	HasDeleg    bool
	Legend      []legendItem
	Hist        histogram
	Unplaced    []unplacedRow
}

type term struct {
	ID, Name, Sign string
	Value          int64
}

type count struct {
	Name  string
	Value int
}

type roundHead struct{ ID, Label, Time string }

type themeRow struct {
	ID, Name string
	Cells    [][]sessionCell // per round
}

type mixSeg struct {
	X, W         int
	Color, Label string
}

type sessionCell struct {
	ID, Name, Host   string
	Size, Min, Cap   int
	Class            string // "full", "over", "under", "empty" or ""
	FillW, MinX, Max int    // bar geometry
	Mix              []mixSeg
	MixText          string
	Members          string // names, in event order
}

type delegCell struct {
	Rooms []delegRoom
}

type delegRoom struct {
	Org, Host string
	Size      int
	Affinity  bool
	Color     string
	Members   string
}

type legendItem struct{ Name, Color string }

type histogram struct {
	Width, Height int
	Base          int // y of the baseline
	Bars          []histBarData
}

type histBarData struct {
	Label          string
	Count          int
	X, Y, W, H     int
	TextX, CountY  int
	LabelY         int
	Missing        bool
	PercentOfTotal string
}

type unplacedRow struct {
	ID, Name, Org, Reason string
	Missing               int
}

// WriteReport writes report.html: one self-contained page (inline CSS
// and SVG, no script, no reference outside the page, and a
// Content-Security-Policy that forbids fetching anything) showing the plan
// at a glance: status, objective, bound and gap; the score breakdown
// beside the objective that model.Check recomputes, and any rule the plan
// breaks; a grid of themes by rounds with each session's size against
// its capacity and minimum and the organisation mix of its group; the
// delegation rooms; a histogram of the ranks people got, with the
// sessions still missing; and the unplaced with their reasons.
//
// Every name is escaped by html/template: a participant called
// <script>alert(1)</script> is shown as that text.
func WriteReport(w io.Writer, ev *model.Event, plan *model.Plan) error {
	if ev == nil || plan == nil {
		return errNil
	}
	v := newView(ev, plan)
	return reportTemplate.Execute(w, v.reportData())
}

func (v *view) reportData() *reportData {
	ev, p := v.ev, v.plan
	check := model.Check(ev, p)
	d := &reportData{
		Title:     ev.Name,
		Status:    string(p.Status),
		Objective: p.Objective,
		Bound:     p.Bound,
		Gap:       p.Bound - p.Objective,
		Checked:   check.Objective,
	}
	if d.Title == "" {
		d.Title = p.Event
	}
	den := max(abs(p.Bound), 1)
	d.GapPercent = strconv.FormatFloat(100*float64(d.Gap)/float64(den), 'f', 2, 64) + "%"
	for _, vi := range check.Violations {
		d.Violations = append(d.Violations, vi.String())
	}
	b := p.Breakdown
	d.Terms = []term{
		{"preference", "Preference", "+", b.Preference},
		{"competence", "Competence", "+", b.Competence},
		{"affinity", "Affinity", "+", b.Affinity},
		{"samePair", "Same organisation pairs", "−", b.SamePair},
		{"unplaced", "Unplaced", "−", b.Unplaced},
		{"repeatPair", "Repeated pairs", "−", b.RepeatPair},
	}
	d.Total = b.Total()

	running, assigned := 0, 0
	for _, rms := range v.rooms {
		for _, rm := range rms {
			if rm.kind == kindSession {
				assigned += len(rm.members)
				if len(rm.members) > 0 {
					running++
				}
			}
		}
	}
	missing := 0
	for _, u := range p.Unplaced {
		missing += u.Missing
	}
	d.Counts = []count{
		{"participants", len(ev.Participants)},
		{"sessions running", running},
		{"sessions in the event", len(ev.Sessions)},
		{"seats given", assigned},
		{"delegation rooms", len(p.Delegations)},
		{"sessions missing", missing},
	}

	spans, _ := timedRounds(ev)
	for r, round := range ev.Rounds {
		h := roundHead{ID: round.ID, Label: roundLabel(round)}
		if spans[r].ok {
			s, e := spans[r].localStart, spans[r].localEnd
			endLayout := "15:04 (UTC-07:00)"
			if s.Format("2006-01-02") != e.Format("2006-01-02") {
				endLayout = "2006-01-02 " + endLayout
			}
			h.Time = s.Format("2006-01-02 15:04") + "–" + e.Format(endLayout)
		}
		d.Rounds = append(d.Rounds, h)
	}
	d.Themes = v.themeRows()
	d.Delegations, d.HasDeleg = v.delegCells()
	for _, o := range ev.Organisations {
		d.Legend = append(d.Legend, legendItem{Name: v.orgName(o.ID), Color: v.colour(o.ID)})
	}
	d.Hist = v.rankHistogram(missing)
	for _, u := range p.Unplaced {
		row := unplacedRow{ID: u.Participant, Name: u.Participant, Missing: u.Missing, Reason: u.Reason}
		if pi, ok := v.partIdx[u.Participant]; ok {
			row.Name = v.participantName(pi)
			row.Org = v.orgName(ev.Participants[pi].Organisation)
		}
		d.Unplaced = append(d.Unplaced, row)
	}
	return d
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func (v *view) colour(org string) string {
	if o, ok := v.orgIdx[org]; ok {
		return palette[o%len(palette)]
	}
	return "#777777"
}

// themeRows lays the sessions out by theme (event order) and round.
func (v *view) themeRows() []themeRow {
	ev := v.ev
	rows := make([]themeRow, 0, len(ev.Themes))
	at := map[string]int{}
	for _, t := range ev.Themes {
		if _, dup := at[t.ID]; dup {
			continue
		}
		at[t.ID] = len(rows)
		rows = append(rows, themeRow{ID: t.ID, Name: v.themeName(t.ID), Cells: make([][]sessionCell, len(ev.Rounds))})
	}
	for r, rms := range v.rooms {
		for _, rm := range rms {
			if rm.kind != kindSession {
				continue
			}
			k, ok := at[rm.theme]
			if !ok { // a session of an unknown theme gets a row of its own
				k = len(rows)
				at[rm.theme] = k
				rows = append(rows, themeRow{ID: rm.theme, Name: rm.theme, Cells: make([][]sessionCell, len(ev.Rounds))})
			}
			rows[k].Cells[r] = append(rows[k].Cells[r], v.sessionCell(rm))
		}
	}
	return rows
}

func (v *view) sessionCell(rm *room) sessionCell {
	size := len(rm.members)
	c := sessionCell{ID: rm.id, Name: rm.name, Host: rm.host, Size: size,
		Min: rm.minimum(v.ev.Defaults.Min), Cap: rm.capacity(v.ev.Defaults.Capacity)}
	switch {
	case size > c.Cap:
		c.Class = "over"
	case size == 0:
		c.Class = "empty"
	case size < c.Min:
		c.Class = "under"
	case size == c.Cap:
		c.Class = "full"
	}
	scale := max(c.Cap, size, 1)
	c.Max = barWidth
	c.FillW = barWidth * size / scale
	c.MinX = barWidth * c.Min / scale
	c.Mix, c.MixText = v.mixBar(rm)
	c.Members = v.memberNames(rm)
	return c
}

// mixBar draws a room's organisation mix as segments of one bar, with a
// text saying the same.
func (v *view) mixBar(rm *room) ([]mixSeg, string) {
	mix := v.orgMix(rm)
	if len(mix) == 0 {
		return nil, ""
	}
	var segs []mixSeg
	var text []string
	x, done := 0, 0
	for _, oc := range mix {
		done += oc.count
		end := barWidth * done / len(rm.members)
		segs = append(segs, mixSeg{X: x, W: end - x, Color: v.colour(oc.id), Label: oc.name + ": " + strconv.Itoa(oc.count)})
		text = append(text, oc.name+" "+strconv.Itoa(oc.count))
		x = end
	}
	return segs, strings.Join(text, ", ")
}

func (v *view) memberNames(rm *room) string {
	names := make([]string, len(rm.members))
	for i, pi := range rm.members {
		names[i] = v.participantName(pi)
	}
	return strings.Join(names, ", ")
}

func (v *view) delegCells() ([]delegCell, bool) {
	cells := make([]delegCell, len(v.ev.Rounds))
	any := false
	for r, rms := range v.rooms {
		for _, rm := range rms {
			if rm.kind != kindDelegation {
				continue
			}
			any = true
			aff := false
			for _, h := range v.ev.Hosts {
				if h.ID == rm.hostID {
					aff = slices.Contains(h.Organisations, rm.id)
					break
				}
			}
			cells[r].Rooms = append(cells[r].Rooms, delegRoom{Org: v.orgName(rm.id), Host: rm.host,
				Size: len(rm.members), Affinity: aff, Color: v.colour(rm.id), Members: v.memberNames(rm)})
		}
	}
	return cells, any
}

// rankHistogram counts the seats given by the rank of their theme in the
// participant's preferences: 1st, 2nd, ..., then unranked, then the
// sessions still missing.
func (v *view) rankHistogram(missing int) histogram {
	ev := v.ev
	var byRank []int
	unranked := 0
	longest := 0
	for _, pt := range ev.Participants {
		longest = max(longest, len(pt.Preferences))
	}
	for _, rms := range v.rooms {
		for _, rm := range rms {
			if rm.kind != kindSession {
				continue
			}
			for _, pi := range rm.members {
				k := slices.Index(ev.Participants[pi].Preferences, rm.theme)
				if k < 0 {
					unranked++
					continue
				}
				for len(byRank) <= k {
					byRank = append(byRank, 0)
				}
				byRank[k]++
			}
		}
	}
	for len(byRank) < min(longest, len(ev.Weights.Rank)) {
		byRank = append(byRank, 0)
	}
	type bucket struct {
		label   string
		n       int
		missing bool
	}
	var buckets []bucket
	for k, n := range byRank {
		buckets = append(buckets, bucket{label: model.Ordinal(k + 1), n: n})
	}
	buckets = append(buckets, bucket{label: "unranked", n: unranked}, bucket{label: "missing", n: missing, missing: true})
	top, total := 1, 0
	for _, b := range buckets {
		top = max(top, b.n)
		total += b.n
	}
	h := histogram{Width: len(buckets)*(histBar+histGap) + histGap, Height: histTop + histHeight + histBottom}
	h.Base = histTop + histHeight
	for i, b := range buckets {
		bh := histHeight * b.n / top
		x := histGap + i*(histBar+histGap)
		pct := "0%"
		if total > 0 {
			pct = strconv.Itoa((100*b.n+total/2)/total) + "%"
		}
		h.Bars = append(h.Bars, histBarData{Label: b.label, Count: b.n, X: x, Y: h.Base - bh, W: histBar, H: bh,
			TextX: x + histBar/2, CountY: h.Base - bh - 5, LabelY: h.Base + 16, Missing: b.missing, PercentOfTotal: pct})
	}
	return h
}
