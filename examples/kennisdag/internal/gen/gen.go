// Package gen builds the default event of examples/kennisdag: the online
// knowledge day "Kennisdag lokaal beleid rond Corona" of 18 March 2021,
// with sixteen Flemish municipalities, their delegations, eight
// researchers and the experts of five themes.
//
// The people are invented: names are drawn from common Flemish first and
// last names with a fixed seed, and every e-mail address is under a
// .example domain, so nobody real is ever mailed. The municipalities,
// the themes and the day programme follow the published account of the
// day. The committed kennisdag.json is the output of Event and JSON; the
// golden test of examples/kennisdag fails when the two drift apart.
package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"

	"github.com/roundtable-go/roundtable/model"
)

// Seed fixes the draw of names, portfolios and preferences.
const Seed = 20210318

// municipality is one participating municipality and the size of its
// delegation (the larger cities send more people).
type municipality struct {
	id, name string
	size     int
}

var municipalities = []municipality{
	{"hasselt", "Hasselt", 12},
	{"genk", "Genk", 11},
	{"sint-truiden", "Sint-Truiden", 9},
	{"tongeren", "Tongeren", 8},
	{"lommel", "Lommel", 7},
	{"beringen", "Beringen", 8},
	{"bilzen", "Bilzen", 7},
	{"maasmechelen", "Maasmechelen", 8},
	{"lanaken", "Lanaken", 6},
	{"houthalen-helchteren", "Houthalen-Helchteren", 8},
	{"diepenbeek", "Diepenbeek", 6},
	{"zonhoven", "Zonhoven", 7},
	{"heusden-zolder", "Heusden-Zolder", 8},
	{"peer", "Peer", 6},
	{"leuven", "Leuven", 12},
	{"mechelen", "Mechelen", 10},
}

// Competence ids: one per portfolio a participant can hold.
const (
	burgemeester          = "burgemeester"
	algemeenDirecteur     = "algemeen-directeur"
	financieelDirecteur   = "financieel-directeur"
	schepenFinancien      = "schepen-financien"
	schepenWelzijn        = "schepen-welzijn"
	welzijnscoordinator   = "welzijnscoordinator"
	gezondheidsconsulent  = "gezondheidsconsulent"
	communicatieambtenaar = "communicatieambtenaar"
	schepenCommunicatie   = "schepen-communicatie"
	toerismeambtenaar     = "toerismeambtenaar"
	schepenToerisme       = "schepen-toerisme"
	vrijetijdscoordinator = "vrijetijdscoordinator"
	participatieambtenaar = "participatieambtenaar"
	schepenParticipatie   = "schepen-participatie"
	beleidscoordinator    = "beleidscoordinator"
	gemeenteraadslid      = "gemeenteraadslid"
)

// themes of the deepening hours, each with the portfolios it serves. The
// mayor leads crisis communication, the general director co-signs the
// budget; policy coordinators and council members serve no theme.
var themes = []model.Theme{
	{ID: "communicatie", Name: "Communicatie", Competences: []string{burgemeester, schepenCommunicatie, communicatieambtenaar}},
	{ID: "zorg", Name: "Zorg en gezondheid", Competences: []string{schepenWelzijn, welzijnscoordinator, gezondheidsconsulent}},
	{ID: "financien", Name: "Lokale begroting en financiën", Competences: []string{schepenFinancien, financieelDirecteur, algemeenDirecteur}},
	{ID: "toerisme", Name: "Toerisme en vrije tijd", Competences: []string{schepenToerisme, toerismeambtenaar, vrijetijdscoordinator}},
	{ID: "participatie", Name: "Participatie", Competences: []string{schepenParticipatie, participatieambtenaar}},
}

// core lists the portfolios a delegation brings, most likely first, each
// with the chance that the municipality sends one.
var core = []struct {
	competence string
	chance     float64
}{
	{burgemeester, 0.8},
	{schepenWelzijn, 0.9},
	{schepenFinancien, 0.85},
	{algemeenDirecteur, 0.75},
	{communicatieambtenaar, 0.8},
	{financieelDirecteur, 0.5},
	{welzijnscoordinator, 0.6},
	{participatieambtenaar, 0.5},
	{toerismeambtenaar, 0.45},
	{schepenToerisme, 0.35},
	{schepenParticipatie, 0.3},
	{beleidscoordinator, 0.4},
	{gezondheidsconsulent, 0.35},
	{vrijetijdscoordinator, 0.3},
	{schepenCommunicatie, 0.2},
}

// fill completes a delegation once core is exhausted: mostly staff of the
// social services, which the pandemic kept busiest.
var fill = []weighted{
	{welzijnscoordinator, 3},
	{gezondheidsconsulent, 2},
	{beleidscoordinator, 2},
	{gemeenteraadslid, 2},
	{communicatieambtenaar, 1},
	{participatieambtenaar, 1},
}

// aldermen are the portfolios that may come with a second one.
var aldermen = []string{schepenFinancien, schepenWelzijn, schepenCommunicatie, schepenToerisme, schepenParticipatie}

// popularity weighs the themes a participant picks beyond their own
// portfolio's: finance and care drew the most interest.
var popularity = []weighted{
	{"financien", 10},
	{"zorg", 10},
	{"communicatie", 6},
	{"participatie", 5},
	{"toerisme", 3},
}

// capacity and minimum size of each theme's session, the same in both
// rounds. Finance and care get fewer seats than first choices, as
// happened on the day.
var sizes = map[string]struct{ capacity, min int }{
	"communicatie": {18, 0},
	"zorg":         {14, 0},
	"financien":    {13, 0},
	"toerisme":     {12, 4},
	"participatie": {15, 3},
}

var firstNames = []string{
	"An", "Ann", "Els", "Katrien", "Sofie", "Inge", "Veerle", "Griet", "Liesbeth", "Sarah",
	"Leen", "Nathalie", "Evelien", "Kristel", "Hilde", "Karen", "Tine", "Lien", "Joke", "Marleen",
	"Ilse", "Annelies", "Nele", "Caroline", "Wendy", "Jan", "Tom", "Koen", "Bart", "Pieter",
	"Dirk", "Wim", "Geert", "Kris", "Steven", "Peter", "Luc", "Johan", "Stijn", "Jeroen",
	"Jo", "Frank", "Nico", "Bram", "Ruben", "Wouter", "Jef", "Marc", "Filip", "Hans",
}

var lastNames = []string{
	"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
	"Hermans", "Aerts", "Vermeulen", "Van den Broeck", "Lemmens", "Pauwels", "Michiels", "Smets", "Martens", "Claessens",
	"Stevens", "Bogaerts", "Cools", "Geerts", "Coppens", "Verhoeven", "Gielen", "Lambrechts", "Schoofs", "Vanheusden",
	"Nulens", "Jans", "Hendrikx", "Moors", "Bamps", "Vandeweerd", "Daniëls", "Bollen", "Kerkhofs", "Ramaekers",
	"Cuppens", "Thijs", "Reynders", "Vanderhoydonck", "Lenaerts", "Vanhoudt", "Swinnen", "Ceyssens", "Vrancken", "Op de Beeck",
}

var researchers = []string{
	"Lotte Vanstraelen", "Thomas Geukens", "Eline Janssen", "Maarten Vos",
	"Ellen Noelmans", "Jonas Engelen", "Laura Bex", "Sander Gijbels",
}

// experts of each theme and round: some give their session twice, others
// come for one round only.
var experts = []struct {
	id, name string
	rounds   []string // nil: both rounds, one session in each
	themes   []string // "theme-round" session ids the expert hosts
}{
	{"expert-communicatie", "Hanne Vandevelde", nil, []string{"communicatie-r1", "communicatie-r2"}},
	{"expert-zorg-r1", "Dr. Griet Vanderlinden", []string{"r1"}, []string{"zorg-r1"}},
	{"expert-zorg-r2", "Prof. Bart Nijs", []string{"r2"}, []string{"zorg-r2"}},
	{"expert-financien", "Kurt Vanmechelen", nil, []string{"financien-r1", "financien-r2"}},
	{"expert-toerisme-r1", "Annemie Claesen", []string{"r1"}, []string{"toerisme-r1"}},
	{"expert-toerisme-r2", "Dries Ulenaers", []string{"r2"}, []string{"toerisme-r2"}},
	{"expert-participatie", "Saskia Beerten", nil, []string{"participatie-r1", "participatie-r2"}},
}

type weighted struct {
	value  string
	weight int
}

func pick(r *rand.Rand, from []weighted) string {
	total := 0
	for _, w := range from {
		total += w.weight
	}
	n := r.IntN(total)
	for _, w := range from {
		if n < w.weight {
			return w.value
		}
		n -= w.weight
	}
	panic("unreachable")
}

// Event returns the default event. It is deterministic: every call
// returns the same event.
func Event() *model.Event {
	r := rand.New(rand.NewPCG(Seed, 2021))
	ev := model.NewEvent()
	ev.Name = "Kennisdag lokaal beleid rond Corona"
	// 09:30 plenary on the results for Flanders; the two rounds of
	// delegation rooms and deepening hours follow, lunch between them.
	ev.Rounds = []model.Round{
		{ID: "r1", Label: "10:30-12:00", Start: "2021-03-18T10:30:00+01:00", End: "2021-03-18T12:00:00+01:00"},
		{ID: "r2", Label: "13:00-14:30", Start: "2021-03-18T13:00:00+01:00", End: "2021-03-18T14:30:00+01:00"},
	}
	ev.Themes = themes
	ev.Delegations = &model.Delegations{Rounds: []string{"r1", "r2"}}

	hostOf := map[string]string{}
	for _, x := range experts {
		for _, s := range x.themes {
			hostOf[s] = x.id
		}
	}
	for _, round := range ev.Rounds {
		for _, t := range themes {
			id := t.ID + "-" + round.ID
			sz := sizes[t.ID]
			s := model.Session{ID: id, Theme: t.ID, Round: round.ID, Capacity: model.Ptr(sz.capacity), Host: hostOf[id]}
			if sz.min > 0 {
				s.Min = model.Ptr(sz.min)
			}
			ev.Sessions = append(ev.Sessions, s)
		}
	}

	for _, m := range municipalities {
		ev.Organisations = append(ev.Organisations, model.Organisation{ID: m.id, Name: m.name})
	}

	// Each researcher knows two municipalities best, from earlier work
	// with them on the monitor.
	order := r.Perm(len(municipalities))
	for i, name := range researchers {
		ev.Hosts = append(ev.Hosts, model.Host{
			ID:            fmt.Sprintf("onderzoeker-%d", i+1),
			Name:          name,
			Rounds:        []string{"r1", "r2"},
			Organisations: []string{municipalities[order[2*i]].id, municipalities[order[2*i+1]].id},
		})
	}
	for _, x := range experts {
		ev.Hosts = append(ev.Hosts, model.Host{ID: x.id, Name: x.name, Rounds: x.rounds})
	}

	themeOf := map[string]string{}
	for _, t := range themes {
		for _, c := range t.Competences {
			themeOf[c] = t.ID
		}
	}
	used := map[string]bool{}
	for _, m := range municipalities {
		for _, comps := range delegation(r, m.size) {
			p := model.Participant{
				ID:           fmt.Sprintf("p%03d", len(ev.Participants)+1),
				Organisation: m.id,
				Competences:  comps,
			}
			for {
				first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
				p.Name = first + " " + last
				if !used[p.Name] {
					used[p.Name] = true
					p.Email = mailbox(first) + "." + mailbox(last) + "@" + m.id + ".example"
					break
				}
			}
			p.Preferences = preferences(r, themeOf[comps[0]])
			switch x := r.Float64(); {
			case x < 0.04:
				// Comes for the deepening hours only, and may take two.
				p.Delegation = model.Ptr(false)
				if r.IntN(3) == 0 {
					p.Sessions = model.Ptr(1)
				}
			case x < 0.09:
				p.Sessions = model.Ptr(1)
			case x < 0.12:
				p.Rounds = []string{"r1"} // leaves at lunch
			case x < 0.15:
				p.Rounds = []string{"r2"} // joins after lunch
			}
			ev.Participants = append(ev.Participants, p)
		}
	}

	// Two speakers were told their session in advance: they present their
	// municipality's approach there.
	pin(ev, "leuven", "participatie", "r1")
	pin(ev, "genk", "zorg", "r2")
	return ev
}

// delegation draws the portfolios of a delegation of n people, one or two
// competences each.
func delegation(r *rand.Rand, n int) [][]string {
	var out [][]string
	for _, c := range core {
		if len(out) == n {
			break
		}
		if r.Float64() < c.chance {
			out = append(out, []string{c.competence})
		}
	}
	for len(out) < n {
		out = append(out, []string{pick(r, fill)})
	}
	for i, comps := range out {
		if slices.Contains(aldermen, comps[0]) && r.Float64() < 0.3 {
			second := aldermen[r.IntN(len(aldermen))]
			if second != comps[0] {
				out[i] = append(comps, second)
			}
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// preferences ranks themes: usually the own portfolio's theme first, then
// themes by popularity. Most people give three choices.
func preferences(r *rand.Rand, own string) []string {
	n := 3
	switch x := r.Float64(); {
	case x < 0.05:
		n = 1
	case x < 0.12:
		n = 2
	case x < 0.16:
		n = 4
	}
	var out []string
	if own != "" && r.Float64() < 0.85 {
		out = append(out, own)
	}
	for len(out) < n {
		t := pick(r, popularity)
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// pin fixes the first participant of org who holds a portfolio of the
// theme and ranks it into that theme's session of round.
func pin(ev *model.Event, org, theme, round string) {
	var serves []string
	for _, t := range ev.Themes {
		if t.ID == theme {
			serves = t.Competences
		}
	}
	for i := range ev.Participants {
		p := &ev.Participants[i]
		if p.Organisation == org && p.Rounds == nil &&
			slices.ContainsFunc(p.Competences, func(c string) bool { return slices.Contains(serves, c) }) &&
			slices.Contains(p.Preferences, theme) {
			p.Pinned = map[string]string{round: theme + "-" + round}
			return
		}
	}
	panic("gen: no participant of " + org + " for a pinned " + theme + " session")
}

// mailbox turns a name into the local part of an address: lower case,
// no accents, no spaces.
func mailbox(name string) string {
	return strings.NewReplacer(" ", "", "ë", "e", "é", "e", "è", "e", "ï", "i").Replace(strings.ToLower(name))
}

// JSON encodes ev as the committed file is laid out: one field of the
// event a line, and one element a line in its lists, so a diff shows
// which participant or session changed.
func JSON(ev *model.Event) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{\n")
	fields := []struct {
		key   string
		value any
	}{
		{"name", ev.Name},
		{"rounds", ev.Rounds},
		{"themes", ev.Themes},
		{"sessions", ev.Sessions},
		{"organisations", ev.Organisations},
		{"hosts", ev.Hosts},
		{"delegations", ev.Delegations},
		{"participants", ev.Participants},
		{"defaults", ev.Defaults},
		{"weights", ev.Weights},
		{"rules", ev.Rules},
	}
	for i, f := range fields {
		fmt.Fprintf(&b, "  %q: ", f.key)
		v := reflect.ValueOf(f.value)
		if v.Kind() == reflect.Slice {
			b.WriteString("[\n")
			for j := range v.Len() {
				line, err := json.Marshal(v.Index(j).Interface())
				if err != nil {
					return nil, err
				}
				b.WriteString("    ")
				b.Write(line)
				if j < v.Len()-1 {
					b.WriteByte(',')
				}
				b.WriteByte('\n')
			}
			b.WriteString("  ]")
		} else {
			line, err := json.Marshal(f.value)
			if err != nil {
				return nil, err
			}
			b.Write(line)
		}
		if i < len(fields)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}
