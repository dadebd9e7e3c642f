package families

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable-go/roundtable/model"
)

// Skew of the generated events. The fractions are of participants.
const (
	zipf          = 1.0  // exponent of theme popularity
	ownPopular    = 0.7  // a portfolio's theme is drawn by popularity, else uniformly
	generalist    = 0.10 // portfolios that serve no theme
	secondComp    = 0.20 // a second portfolio
	ownFirst      = 0.75 // a portfolio's theme ranked first
	ownNext       = 0.25 // a later choice drawn among the portfolios' themes
	oneRound      = 0.10 // available in one round only
	fewerSessions = 0.05 // want fewer sessions than rounds
	skipRoom      = 0.03 // skip their organisation's delegation room
	seatsLow      = 1.1  // seats per round over the sessions wanted in it
	seatsHigh     = 1.3
	seatSkew      = 0.7  // seats of a theme follow its demand to this power
	overDemand    = 0.85 // the most popular fifth of themes: seats at most this share of first choices
	minSeats      = 5    // the smallest session, unless RoomSize is smaller
	extraAffinity = 0.25 // a host knows one more organisation
	maxOrgShare   = 0.02 // of participants, about the most one organisation sends
)

// Generate returns the family's event for the seed. It fails only for a
// family whose fields are out of range.
func (f Family) Generate(seed uint64) (*model.Event, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", f.Name, f.Participants)
	g := &gen{f: f, rng: rand.New(rand.NewPCG(seed, h.Sum64()))}
	ev := model.NewEvent()
	ev.Name = fmt.Sprintf("%s (synthetic family %s, seed %d, %d participants)", f.Title, f.Name, seed, f.Participants)
	ev.Rounds = g.rounds()
	ev.Themes = g.themes()
	ev.Organisations = g.organisations()
	if f.Rooms > 0 {
		ev.Hosts = g.hosts()
		ev.Delegations = &model.Delegations{Rounds: slices.Clone(g.roundIDs)}
	}
	ev.Participants = g.participants()
	ev.Sessions = g.sessions()
	return ev, nil
}

type gen struct {
	f   Family
	rng *rand.Rand

	roundIDs []string

	themeIDs   []string
	themeComps [][]int   // competences (indexes into comps) each theme serves
	compThemes [][]int   // themes each competence serves
	comps      []string  // competence ids
	popCDF     []float64 // cumulative popularity of themes
	byPop      []int     // themes, most popular first

	orgIDs   []string
	orgSizes []int

	first  []int     // first choices per theme
	mass   []float64 // ranked choices per theme, the k-th counting 1/(k+1)
	demand []float64 // expected sessions wanted per round
}

// rounds are the time slots of one day, 75 minutes each (90 for two
// rounds), with a lunch break after the middle round.
func (g *gen) rounds() []model.Round {
	n := g.f.Rounds
	length, start := 75*time.Minute, 9*time.Hour+30*time.Minute
	if n <= 2 {
		length, start = 90*time.Minute, 10*time.Hour+30*time.Minute
	}
	day := time.Date(2026, 3, 19, 0, 0, 0, 0, time.FixedZone("CET", 3600))
	t := day.Add(start)
	out := make([]model.Round, n)
	g.roundIDs = make([]string, n)
	for i := range out {
		end := t.Add(length)
		id := "r" + strconv.Itoa(i+1)
		g.roundIDs[i] = id
		out[i] = model.Round{
			ID:    id,
			Label: t.Format("15:04") + "-" + end.Format("15:04"),
			Start: t.Format(time.RFC3339),
			End:   end.Format(time.RFC3339),
		}
		t = end.Add(15 * time.Minute)
		if i+1 == (n+1)/2 {
			t = end.Add(time.Hour)
		}
	}
	return out
}

// themes takes the first base themes, then their variants, and draws
// their popularity: a Zipf law over a random order.
func (g *gen) themes() []model.Theme {
	n := g.f.Themes
	out := make([]model.Theme, n)
	compIndex := map[string]int{}
	g.themeIDs = make([]string, n)
	g.themeComps = make([][]int, n)
	for i := range out {
		b := baseThemes[i%len(baseThemes)]
		id, name := b.id, b.name
		if v := i / len(baseThemes); v > 0 {
			if v <= len(variants) {
				id += "-" + variants[v-1].id
				name += ": " + variants[v-1].name
			} else {
				id += "-" + strconv.Itoa(v+1)
				name += " " + strconv.Itoa(v+1)
			}
		}
		out[i] = model.Theme{ID: id, Name: name, Competences: slices.Clone(b.competences)}
		g.themeIDs[i] = id
		for _, c := range b.competences {
			k, ok := compIndex[c]
			if !ok {
				k = len(g.comps)
				compIndex[c] = k
				g.comps = append(g.comps, c)
				g.compThemes = append(g.compThemes, nil)
			}
			g.themeComps[i] = append(g.themeComps[i], k)
			g.compThemes[k] = append(g.compThemes[k], i)
		}
	}
	for _, c := range generalists {
		g.comps = append(g.comps, c)
		g.compThemes = append(g.compThemes, nil)
	}
	g.byPop = g.rng.Perm(n)
	weight := make([]float64, n)
	for rank, t := range g.byPop {
		weight[t] = math.Pow(float64(rank+1), -zipf)
	}
	g.popCDF = make([]float64, n)
	sum := 0.0
	for t, w := range weight {
		sum += w
		g.popCDF[t] = sum
	}
	for t := range g.popCDF {
		g.popCDF[t] /= sum
	}
	g.popCDF[n-1] = 1
	return out
}

// popular draws a theme by popularity.
func (g *gen) popular() int {
	return min(sort.SearchFloat64s(g.popCDF, g.rng.Float64()), len(g.popCDF)-1)
}

// organisations draws heavy-tailed sizes and names the organisations,
// largest first: the first names are the municipalities, the larger
// first, then their OCMW, police zone and so on. With delegation rooms,
// the organisations past the Rooms largest opt out.
func (g *gen) organisations() []model.Organisation {
	f := g.f
	n := f.Organisations
	base := min(f.MinSize, f.Participants/n)
	w := make([]float64, n)
	for i := range w {
		// Lomax: (1-u)^(-1/a) - 1, heavy-tailed above 0.
		w[i] = math.Pow(1-g.rng.Float64(), -1/f.Tail) - 1
	}
	// Saturate the tail so that no organisation sends much more than
	// maxOrgShare of the people (or three times the average in events of
	// few organisations): a draw of 300 from a Lomax law easily holds
	// one above a fifth of the total.
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	if k := max(maxOrgShare, 3/float64(n)) * sum; k > 0 {
		for i, x := range w {
			w[i] = x / (1 + x/k)
		}
	}
	slices.SortFunc(w, func(a, b float64) int { return cmp.Compare(b, a) })
	g.orgSizes = apportion(f.Participants-base*n, w)
	for i := range g.orgSizes {
		g.orgSizes[i] += base
	}
	// Apportioning sorted weights keeps the sizes sorted but for the
	// remainders; sort so that names follow size.
	slices.SortStableFunc(g.orgSizes, func(a, b int) int { return b - a })
	names := f.places
	if len(names) < n { // a scaled family outgrows its own places
		names = places
	}
	out := make([]model.Organisation, n)
	g.orgIDs = make([]string, n)
	for i := range out {
		name := orgName(i, names)
		out[i] = model.Organisation{ID: slug(name), Name: name}
		if f.Rooms > 0 && i >= f.Rooms {
			out[i].Delegation = model.Ptr(false)
		}
		g.orgIDs[i] = out[i].ID
	}
	return out
}

// orgName names the i-th organisation: the places first, then each kind
// of organisation of every place, then departments.
func orgName(i int, places []string) string {
	p, k := len(places), len(kinds)
	place, kind, dept := places[i%p], kinds[(i/p)%k], i/(p*k)
	name := place
	if kind != "" {
		name = kind + " " + place
	}
	if dept > 0 {
		name += " (afdeling " + strconv.Itoa(dept+1) + ")"
	}
	return name
}

// slug makes an id of a name: lower case ASCII letters and digits joined
// by hyphens.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch r {
		case 'ë', 'é', 'è', 'ê':
			r = 'e'
		case 'ï', 'î':
			r = 'i'
		case 'ö', 'ô':
			r = 'o'
		case 'ü', 'û':
			r = 'u'
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

// hosts are the researchers of the delegation rooms, available in every
// round. The organisations with a room are dealt round the hosts, so each
// is known by one host, and a quarter of the hosts know one more.
func (g *gen) hosts() []model.Host {
	f := g.f
	out := make([]model.Host, f.Hosts)
	for i := range out {
		out[i] = model.Host{
			ID:     "onderzoeker-" + strconv.Itoa(i+1),
			Name:   firstNames[g.rng.IntN(len(firstNames))] + " " + lastNames[g.rng.IntN(len(lastNames))],
			Rounds: slices.Clone(g.roundIDs),
		}
	}
	for j, o := range g.rng.Perm(f.Rooms) {
		h := &out[j%f.Hosts]
		h.Organisations = append(h.Organisations, g.orgIDs[o])
	}
	for i := range out {
		h := &out[i]
		if g.rng.Float64() < extraAffinity {
			if id := g.orgIDs[g.rng.IntN(f.Rooms)]; !slices.Contains(h.Organisations, id) {
				h.Organisations = append(h.Organisations, id)
			}
		}
	}
	return out
}

// participants draws the people: organisation, portfolios, ranked
// choices and availability, and counts the demand the sessions must meet.
// Strings of ids and names share two buffers, and list fields share
// backing arrays, so that a million participants stay small.
func (g *gen) participants() []model.Participant {
	f, rng := g.f, g.rng
	n, rounds, themes := f.Participants, f.Rounds, f.Themes
	orgOf := make([]int32, 0, n)
	for o, size := range g.orgSizes {
		for range size {
			orgOf = append(orgOf, int32(o))
		}
	}
	rng.Shuffle(n, func(i, j int) { orgOf[i], orgOf[j] = orgOf[j], orgOf[i] })

	width := len(strconv.Itoa(n))
	var ids, names strings.Builder
	ids.Grow(n * (width + 1))
	names.Grow(n * (len("Participant ") + width))
	nameEnd := make([]int32, n)
	num := make([]byte, 0, 24)
	for i := range n {
		num = strconv.AppendInt(num[:0], int64(i+1), 10)
		ids.WriteByte('p')
		for range width - len(num) {
			ids.WriteByte('0')
		}
		ids.Write(num)
		names.WriteString("Participant ")
		names.Write(num)
		nameEnd[i] = int32(names.Len())
	}
	idStr, nameStr := ids.String(), names.String()

	// Choices: most people rank one theme more than they have rounds.
	usual := min(themes, rounds+1)
	prefs := make([]string, 0, n*min(themes, usual+1))
	comps := make([]string, 0, 2*n)
	g.first = make([]int, themes)
	g.mass = make([]float64, themes)
	g.demand = make([]float64, rounds)
	out := make([]model.Participant, n)
	var choice []int
	var mine []int // competence indexes of the participant
	for i := range out {
		p := &out[i]
		org := int(orgOf[i])
		start := 0
		if i > 0 {
			start = int(nameEnd[i-1])
		}
		p.ID = idStr[i*(width+1) : (i+1)*(width+1)]
		p.Name = nameStr[start:nameEnd[i]]
		p.Organisation = g.orgIDs[org]

		// Portfolios.
		own := -1
		mine = mine[:0]
		if rng.Float64() < generalist {
			mine = append(mine, len(g.comps)-len(generalists)+rng.IntN(len(generalists)))
		} else {
			if rng.Float64() < ownPopular {
				own = g.popular()
			} else {
				own = rng.IntN(themes)
			}
			cs := g.themeComps[own]
			mine = append(mine, cs[rng.IntN(len(cs))])
		}
		if rng.Float64() < secondComp {
			cs := g.themeComps[g.popular()]
			if c := cs[rng.IntN(len(cs))]; c != mine[0] {
				mine = append(mine, c)
			}
		}
		c0 := len(comps)
		for _, c := range mine {
			comps = append(comps, g.comps[c])
		}
		p.Competences = comps[c0:len(comps):len(comps)]

		// Ranked choices.
		want := usual
		switch x := rng.Float64(); {
		case x < 0.05:
			want = 1
		case x < 0.12:
			want = usual - 1
		case x >= 0.92:
			want = usual + 1
		}
		want = min(max(want, 1), themes)
		choice = choice[:0]
		if own >= 0 && rng.Float64() < ownFirst {
			choice = append(choice, own)
		}
		for tries := 0; len(choice) < want; tries++ {
			t := -1
			switch {
			case tries >= 64: // few themes, all drawn: take the most popular left
				for _, u := range g.byPop {
					if !slices.Contains(choice, u) {
						t = u
						break
					}
				}
			case rng.Float64() < ownNext:
				if serves := g.compThemes[mine[rng.IntN(len(mine))]]; len(serves) > 0 {
					t = serves[rng.IntN(len(serves))]
				}
			}
			if t < 0 {
				t = g.popular()
			}
			if !slices.Contains(choice, t) {
				choice = append(choice, t)
			}
		}
		p0 := len(prefs)
		for k, t := range choice {
			prefs = append(prefs, g.themeIDs[t])
			g.mass[t] += 1 / float64(k+1)
		}
		p.Preferences = prefs[p0:len(prefs):len(prefs)]
		g.first[choice[0]]++

		// Availability.
		only := -1
		room := f.Rooms > 0 && org < f.Rooms
		switch x := rng.Float64(); {
		case rounds > 1 && x < oneRound:
			only = rng.IntN(rounds)
			p.Rounds = []string{g.roundIDs[only]}
		case rounds > 1 && x < oneRound+fewerSessions:
			p.Sessions = model.Ptr(1 + rng.IntN(rounds-1))
		case room && x < oneRound+fewerSessions+skipRoom:
			p.Delegation = model.Ptr(false)
			room = false
		}

		// Expected sessions wanted per round: a delegation room takes
		// each round with the same chance.
		free := 1.0
		if room {
			free -= 1 / float64(rounds)
		}
		avail := rounds
		if only >= 0 {
			avail = 1
		}
		share := 1.0
		if p.Sessions != nil && float64(*p.Sessions) < float64(avail)*free {
			share = float64(*p.Sessions) / (float64(avail) * free)
		}
		if only >= 0 {
			g.demand[only] += free * share
		} else {
			for r := range g.demand {
				g.demand[r] += free * share
			}
		}
	}
	return out
}

// sessions sets the seats: per round 1.1 to 1.3 times the sessions wanted
// in it, shared among themes by their demand to the power 0.7, with the
// most popular fifth of the themes held below their first choices; then
// each theme's seats of a round are split into parallel sessions of at
// most RoomSize.
func (g *gen) sessions() []model.Session {
	f, rng := g.f, g.rng
	themes, rounds := f.Themes, f.Rounds
	perRound := make([]float64, rounds)
	total := 0
	for r, d := range g.demand {
		c := math.Round((seatsLow + (seatsHigh-seatsLow)*rng.Float64()) * d)
		perRound[r] = c
		total += int(c)
	}
	w := make([]float64, themes)
	for t, m := range g.mass {
		w[t] = math.Pow(m+1, seatSkew)
	}
	seats := apportion(total, w)

	byFirst := make([]int, themes)
	for t := range byFirst {
		byFirst[t] = t
	}
	slices.SortStableFunc(byFirst, func(a, b int) int { return g.first[b] - g.first[a] })
	if top := max(1, themes/5); top < themes {
		excess := 0
		rest := slices.Clone(w)
		for _, t := range byFirst[:top] {
			rest[t] = 0
			if limit := int(overDemand * float64(g.first[t])); seats[t] > limit {
				excess += seats[t] - limit
				seats[t] = limit
			}
		}
		for t, s := range apportion(excess, rest) {
			seats[t] += s
		}
	}
	withMin := make([]bool, themes)
	if f.Min > 0 {
		for _, t := range byFirst[themes-(themes+2)/3:] {
			withMin[t] = true
		}
	}

	smallest := max(f.Min, min(minSeats, f.RoomSize))
	split := make([][]int, themes)
	for t, s := range seats {
		split[t] = apportion(s, perRound)
	}
	var out []model.Session
	for r, round := range g.roundIDs {
		for t, theme := range g.themeIDs {
			c := max(split[t][r], smallest)
			k := ceilDiv(c, f.RoomSize)
			for j := range k {
				s := model.Session{
					ID:       theme + "-" + round,
					Theme:    theme,
					Round:    round,
					Capacity: model.Ptr(c/k + b2i(j < c%k)),
				}
				if k > 1 {
					s.ID += "-" + strconv.Itoa(j+1)
				}
				if withMin[t] {
					s.Min = model.Ptr(f.Min)
				}
				out = append(out, s)
			}
		}
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// apportion splits total into integer parts proportional to the weights,
// by largest remainders (ties to the lower index). All weights zero share
// equally.
func apportion(total int, w []float64) []int {
	out := make([]int, len(w))
	if len(w) == 0 || total <= 0 {
		return out
	}
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	frac := make([]float64, len(w))
	given := 0
	for i, x := range w {
		q := float64(total) / float64(len(w))
		if sum > 0 {
			q = float64(total) * x / sum
		}
		out[i] = int(q)
		frac[i] = q - float64(out[i])
		given += out[i]
	}
	order := make([]int, len(w))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(frac[b], frac[a]) })
	for i := 0; given < total; i = (i + 1) % len(order) {
		out[order[i]]++
		given++
	}
	for given > total { // rounding pushed a part too high
		for i := len(order) - 1; i >= 0 && given > total; i-- {
			if out[order[i]] > 0 {
				out[order[i]]--
				given--
			}
		}
	}
	return out
}
