// Package families generates synthetic events of roundtable in named
// families of growing size, for benchmarks of speed and plan quality:
//
//   - kennisdag: 130 people of 16 organisations, 5 themes, 2 rounds,
//     delegation rooms run by 8 hosts (the shape of examples/kennisdag);
//   - regional: 3,000 people of 300 organisations, 12 themes, 3 rounds,
//     no delegation rooms (the shape of issue 9's 3,000-person target);
//   - flanders: as regional, with delegation rooms for the 165 largest
//     organisations, run by 60 hosts;
//   - national: 100,000 people of 2,000 organisations, 40 themes,
//     4 rounds, no delegation rooms;
//   - stress: 1,000,000 people of 10,000 organisations, 100 themes,
//     4 rounds, no delegation rooms.
//
// Events are deterministic by seed (math/rand/v2 PCG) and skewed the way
// real registrations are: theme popularity follows a Zipf law;
// participants hold portfolios (competences) and usually rank first a
// theme their portfolio serves; organisation sizes are heavy-tailed; about
// 10 % of the people come for one round only and 5 % want fewer sessions
// than rounds. Seats per round are 1.1 to 1.3 times the sessions wanted in
// that round, shared among themes less unevenly than the demand, so that
// popular themes run parallel sessions (ids THEME-ROUND-k) and still have
// fewer seats than first choices. Every generated event passes
// model.Validate. Weights and rules are the model's defaults.
//
// GenerateN keeps a family's shape at another number of participants, for
// scaling curves.
//
// The same seed gives the same event, byte for byte, on one platform;
// floating-point draws could differ in the last bit on another
// architecture.
package families

import (
	"fmt"
	"math"
	"strings"

	"github.com/roundtable-go/roundtable/model"
)

// MaxParticipants bounds the participants of a generated event.
const MaxParticipants = 10_000_000

// Family is the shape of one family of synthetic events.
type Family struct {
	// Name is how Get and the genevent command know the family.
	Name string
	// Title starts the name of its events.
	Title         string
	Participants  int
	Organisations int
	Themes        int
	Rounds        int
	// Rooms is how many organisations, the largest, get a delegation
	// room; the others opt out. 0 means the events have no delegation
	// rooms.
	Rooms int
	// Hosts run the delegation rooms; each is available in every round
	// and knows two or three organisations best (affinity).
	Hosts int
	// RoomSize is the largest session: a theme with more seats in a round
	// runs parallel sessions there.
	RoomSize int
	// Min is the minimum size of the sessions of the least popular third
	// of the themes (by first choices); 0 means none. At most RoomSize/2.
	Min int
	// MinSize is the smallest organisation, in people.
	MinSize int
	// Tail is the shape of the Lomax (Pareto II) law of organisation
	// sizes above MinSize: the smaller, the heavier the tail (1.5: a few
	// organisations send a hundred times the median; 3: much alike).
	Tail float64

	places []string // organisation names; nil, or fewer than the organisations, means the package's list
}

var all = []Family{
	{
		Name: "kennisdag", Title: "Kennisdag lokaal beleid",
		Participants: 130, Organisations: 16, Themes: 5, Rounds: 2,
		Rooms: 16, Hosts: 8, RoomSize: 20, Min: 3, MinSize: 5, Tail: 3,
		places: kennisdagPlaces,
	},
	{
		Name: "regional", Title: "Regionale dag lokaal bestuur",
		Participants: 3000, Organisations: 300, Themes: 12, Rounds: 3,
		RoomSize: 30, Min: 4, MinSize: 1, Tail: 1.6,
	},
	{
		Name: "flanders", Title: "Vlaamse dag van het lokaal bestuur",
		Participants: 3000, Organisations: 300, Themes: 12, Rounds: 3,
		Rooms: 165, Hosts: 60, RoomSize: 30, Min: 4, MinSize: 1, Tail: 1.6,
	},
	{
		Name: "national", Title: "Nationale dag lokaal beleid",
		Participants: 100_000, Organisations: 2000, Themes: 40, Rounds: 4,
		RoomSize: 40, MinSize: 1, Tail: 1.5,
	},
	{
		Name: "stress", Title: "Stresstest lokaal beleid",
		Participants: 1_000_000, Organisations: 10_000, Themes: 100, Rounds: 4,
		RoomSize: 60, MinSize: 1, Tail: 1.5,
	},
}

// Names lists the families, smallest first.
func Names() []string {
	out := make([]string, len(all))
	for i, f := range all {
		out[i] = f.Name
	}
	return out
}

// Get returns the family of that name.
func Get(name string) (Family, error) {
	for _, f := range all {
		if f.Name == name {
			return f, nil
		}
	}
	return Family{}, fmt.Errorf("families: unknown family %q; choose one of %s", name, strings.Join(Names(), ", "))
}

// Generate returns the event of the named family for the seed.
func Generate(name string, seed uint64) (*model.Event, error) {
	f, err := Get(name)
	if err != nil {
		return nil, err
	}
	return f.Generate(seed)
}

// GenerateN returns the event of the named family for the seed, scaled to
// the given number of participants (see Family.Scale).
func GenerateN(name string, seed uint64, participants int) (*model.Event, error) {
	f, err := Get(name)
	if err != nil {
		return nil, err
	}
	s, err := f.Scale(participants)
	if err != nil {
		return nil, err
	}
	return s.Generate(seed)
}

// Scale returns the family's shape at n participants: organisations,
// delegation rooms and hosts in the same proportion to the people, the
// same rounds and session sizes, and the same themes, but never more than
// one theme per 25 participants (at least 2), so that sessions of small
// events do not shrink to a handful of seats. Scale(f.Participants)
// returns f.
func (f Family) Scale(n int) (Family, error) {
	if err := f.check(); err != nil {
		return Family{}, err
	}
	if n < 1 || n > MaxParticipants {
		return Family{}, fmt.Errorf("families: %d participants; want 1 to %d", n, MaxParticipants)
	}
	if n == f.Participants {
		return f, nil
	}
	g := f
	g.Participants = n
	g.Organisations = min(max(1, roundDiv(n*f.Organisations, f.Participants)), n)
	g.Themes = min(f.Themes, max(2, n/25))
	if f.Rooms > 0 {
		g.Rooms = min(max(1, roundDiv(g.Organisations*f.Rooms, f.Organisations)), g.Organisations)
		g.Hosts = max(ceilDiv(g.Rooms*f.Hosts, f.Rooms), ceilDiv(g.Rooms, f.Rounds))
	}
	return g, nil
}

// check reports a family whose events could not be valid.
func (f Family) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("families: family %q: "+format, append([]any{f.Name}, args...)...)
	}
	switch {
	case f.Participants < 1 || f.Participants > MaxParticipants:
		return bad("%d participants; want 1 to %d", f.Participants, MaxParticipants)
	case f.Organisations < 1 || f.Organisations > f.Participants:
		return bad("%d organisations; want 1 to the %d participants", f.Organisations, f.Participants)
	case f.Themes < 1:
		return bad("%d themes; want at least 1", f.Themes)
	case f.Rounds < 1 || f.Rounds > 24:
		return bad("%d rounds; want 1 to 24", f.Rounds)
	case f.Rooms < 0 || f.Rooms > f.Organisations:
		return bad("%d delegation rooms; want 0 to the %d organisations", f.Rooms, f.Organisations)
	case f.Rooms > 0 && f.Hosts*f.Rounds < f.Rooms:
		return bad("%d hosts in %d rounds cannot run %d delegation rooms", f.Hosts, f.Rounds, f.Rooms)
	case f.Hosts < 0:
		return bad("%d hosts", f.Hosts)
	case f.RoomSize < 1:
		return bad("room size %d; want at least 1", f.RoomSize)
	case f.Min < 0 || f.Min > f.RoomSize/2:
		return bad("min %d; want 0 to half the room size %d", f.Min, f.RoomSize)
	case f.MinSize < 1:
		return bad("smallest organisation %d; want at least 1", f.MinSize)
	case !(f.Tail > 0) || math.IsInf(f.Tail, 0):
		return bad("tail %v; want a positive number", f.Tail)
	}
	return nil
}

func roundDiv(a, b int) int { return (2*a + b) / (2 * b) }

func ceilDiv(a, b int) int { return (a + b - 1) / b }
