package families

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"slices"
	"testing"

	"github.com/roundtable-go/roundtable/model"
)

func encode(t testing.TB, ev *model.Event) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := model.EncodeEvent(&b, ev); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func generate(t testing.TB, name string, seed uint64) *model.Event {
	t.Helper()
	ev, err := Generate(name, seed)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestNamesAndGet(t *testing.T) {
	if got, want := Names(), []string{"kennisdag", "regional", "flanders", "national", "stress"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	for _, name := range Names() {
		f, err := Get(name)
		if err != nil || f.Name != name {
			t.Errorf("Get(%q) = %v, %v", name, f.Name, err)
		}
		if err := f.check(); err != nil {
			t.Error(err)
		}
	}
	if _, err := Get("Flanders"); err == nil {
		t.Error("Get(Flanders): no error")
	}
	if _, err := Generate("nope", 1); err == nil {
		t.Error("Generate(nope): no error")
	}
}

func TestDeterministic(t *testing.T) {
	for _, name := range []string{"kennisdag", "flanders"} {
		a := encode(t, generate(t, name, 1))
		b := encode(t, generate(t, name, 1))
		c := encode(t, generate(t, name, 2))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: seed 1 gives two different events", name)
		}
		if bytes.Equal(a, c) {
			t.Errorf("%s: seeds 1 and 2 give the same event", name)
		}
	}
}

func TestValid(t *testing.T) {
	for _, name := range Names() {
		switch {
		case name == "stress":
			continue // BenchmarkGenerate and the README measure it
		case name == "national" && testing.Short():
			t.Log("national skipped in -short")
			continue
		}
		t.Run(name, func(t *testing.T) {
			if err := generate(t, name, 1).Validate(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

var sessionID = regexp.MustCompile(`^(.+)-(r[0-9]+)(-[0-9]+)?$`)

// checkShape checks an event against its family's shape: counts, skew,
// seats and delegation rooms.
func checkShape(t *testing.T, f Family, ev *model.Event) {
	t.Helper()
	if got := len(ev.Participants); got != f.Participants {
		t.Errorf("%d participants, want %d", got, f.Participants)
	}
	if got := len(ev.Organisations); got != f.Organisations {
		t.Errorf("%d organisations, want %d", got, f.Organisations)
	}
	if got := len(ev.Themes); got != f.Themes {
		t.Errorf("%d themes, want %d", got, f.Themes)
	}
	if got := len(ev.Rounds); got != f.Rounds {
		t.Errorf("%d rounds, want %d", got, f.Rounds)
	}
	if got := len(ev.Hosts); got != f.Hosts {
		t.Errorf("%d hosts, want %d", got, f.Hosts)
	}
	if (ev.Delegations != nil) != (f.Rooms > 0) {
		t.Errorf("delegations %v, want rooms for %d organisations", ev.Delegations, f.Rooms)
	}
	room := map[string]bool{}
	for _, o := range ev.Organisations {
		if ev.Delegations != nil && o.IsDelegation() {
			room[o.ID] = true
		}
	}
	if len(room) != f.Rooms {
		t.Errorf("%d organisations with a delegation room, want %d", len(room), f.Rooms)
	}
	for _, h := range ev.Hosts {
		if len(h.Organisations) == 0 {
			t.Errorf("host %s knows no organisation", h.ID)
		}
	}

	// Seats per theme and round, and session ids THEME-ROUND(-k).
	seats := map[string]int{}
	groups := map[[2]string]int{}
	perRound := map[string]int{}
	for _, s := range ev.Sessions {
		m := sessionID.FindStringSubmatch(s.ID)
		if m == nil || m[1] != s.Theme || m[2] != s.Round {
			t.Errorf("session id %q of theme %q in round %q", s.ID, s.Theme, s.Round)
		}
		if *s.Capacity > f.RoomSize {
			t.Errorf("session %s: capacity %d above %d", s.ID, *s.Capacity, f.RoomSize)
		}
		seats[s.Theme] += *s.Capacity
		perRound[s.Round] += *s.Capacity
		groups[[2]string{s.Theme, s.Round}]++
	}

	// People: first choices, availability, and the sessions each wants
	// per round (a delegation room takes each round with equal chance).
	first := map[string]int{}
	wanted := map[string]float64{}
	size := map[string]int{}
	ones, fewer, twoComps := 0, 0, 0
	for _, p := range ev.Participants {
		size[p.Organisation]++
		first[p.Preferences[0]]++
		if len(p.Competences) > 1 {
			twoComps++
		}
		rounds := p.Rounds
		if rounds == nil {
			for _, r := range ev.Rounds {
				rounds = append(rounds, r.ID)
			}
		} else if len(rounds) == 1 {
			ones++
		}
		if p.Sessions != nil && *p.Sessions < f.Rounds {
			fewer++
		}
		free := 1.0
		if room[p.Organisation] && p.AttendsDelegation() {
			free -= 1 / float64(f.Rounds)
		}
		share := 1.0
		if p.Sessions != nil {
			share = min(1, float64(*p.Sessions)/(float64(len(rounds))*free))
		}
		for _, r := range rounds {
			wanted[r] += free * share
		}
	}
	for _, r := range ev.Rounds {
		ratio := float64(perRound[r.ID]) / wanted[r.ID]
		if ratio < 1.05 || ratio > 1.45 {
			t.Errorf("round %s: %d seats for %.0f sessions wanted, ratio %.2f", r.ID, perRound[r.ID], wanted[r.ID], ratio)
		}
	}
	// About 10 % one-round and 5 % fewer sessions: within four standard
	// deviations of the binomial count.
	for _, c := range []struct {
		what  string
		count int
		p     float64
	}{{"one-round participants", ones, oneRound}, {"participants wanting fewer sessions than rounds", fewer, fewerSessions}} {
		mean := c.p * float64(f.Participants)
		if dev := 4 * math.Sqrt(mean*(1-c.p)); math.Abs(float64(c.count)-mean) > dev {
			t.Errorf("%d %s, want %.0f +- %.0f", c.count, c.what, mean, dev)
		}
	}
	if ones == 0 {
		t.Error("no one-round participants")
	}
	if twoComps == 0 {
		t.Error("nobody holds two portfolios")
	}

	// Skew: the most wanted theme has fewer seats than first choices and,
	// at the family's own size when themes draw several rooms of people,
	// runs parallel sessions; less popular themes have seats to spare.
	top := slices.MaxFunc(ev.Themes, func(a, b model.Theme) int { return first[a.ID] - first[b.ID] }).ID
	if first[top] <= seats[top] {
		t.Errorf("most popular theme %s: %d first choices, %d seats", top, first[top], seats[top])
	}
	if own, _ := Get(f.Name); own.Participants == f.Participants && f.Participants > 4*f.RoomSize*f.Themes && groups[[2]string{top, ev.Rounds[0].ID}] < 2 {
		t.Errorf("most popular theme %s runs one session in round %s", top, ev.Rounds[0].ID)
	}
	spare := 0
	for _, th := range ev.Themes {
		if seats[th.ID] > first[th.ID] {
			spare++
		}
	}
	if spare == 0 {
		t.Error("no theme has more seats than first choices")
	}
	if byFirst := first[top]; float64(byFirst) < 1.3*float64(f.Participants)/float64(f.Themes) {
		t.Errorf("most popular theme %s: %d first choices, not 1.3 times the average", top, byFirst)
	}
	// Heavy-tailed organisations: the largest far above the median
	// (kennisdag's are much alike, as on the real day).
	sizes := make([]int, 0, len(size))
	for _, n := range size {
		sizes = append(sizes, n)
	}
	slices.Sort(sizes)
	if f.Organisations >= 100 && f.Tail < 2 && sizes[len(sizes)-1] < 5*sizes[len(sizes)/2] {
		t.Errorf("organisation sizes: largest %d, median %d", sizes[len(sizes)-1], sizes[len(sizes)/2])
	}
}

func TestShape(t *testing.T) {
	for _, name := range Names() {
		if name == "stress" || name == "national" && testing.Short() {
			continue
		}
		t.Run(name, func(t *testing.T) {
			f, _ := Get(name)
			checkShape(t, f, generate(t, name, 1))
		})
	}
	f, _ := Get("kennisdag")
	want := Family{Participants: 130, Organisations: 16, Themes: 5, Rounds: 2, Rooms: 16, Hosts: 8}
	if f.Participants != want.Participants || f.Organisations != want.Organisations || f.Themes != want.Themes ||
		f.Rounds != want.Rounds || f.Rooms != want.Rooms || f.Hosts != want.Hosts {
		t.Errorf("kennisdag = %+v", f)
	}
}

func TestGenerateN(t *testing.T) {
	cases := []struct {
		name string
		n    int
	}{
		{"kennisdag", 1}, {"kennisdag", 7}, {"kennisdag", 2000},
		{"flanders", 1}, {"flanders", 40}, {"flanders", 1000}, {"flanders", 10000},
		{"national", 1}, {"national", 100}, {"national", 3000},
		{"stress", 1}, {"stress", 1000}, {"stress", 5000},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%d", c.name, c.n), func(t *testing.T) {
			ev, err := GenerateN(c.name, 3, c.n)
			if err != nil {
				t.Fatal(err)
			}
			if err := ev.Validate(); err != nil {
				t.Fatal(err)
			}
			f, _ := Get(c.name)
			s, err := f.Scale(c.n)
			if err != nil {
				t.Fatal(err)
			}
			if len(ev.Participants) != c.n || len(ev.Organisations) != s.Organisations || len(ev.Themes) != s.Themes {
				t.Fatalf("%d participants, %d organisations, %d themes; want %d, %d, %d",
					len(ev.Participants), len(ev.Organisations), len(ev.Themes), c.n, s.Organisations, s.Themes)
			}
			if ratio := float64(c.n) / float64(s.Organisations); c.n >= 1000 {
				if want := float64(f.Participants) / float64(f.Organisations); ratio < 0.9*want || ratio > 1.1*want {
					t.Errorf("%.1f participants per organisation, family has %.1f", ratio, want)
				}
			}
			if c.n >= 1000 {
				checkShape(t, s, ev)
			}
		})
	}
	// The family's own size is the family.
	a, err := GenerateN("kennisdag", 1, 130)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(encode(t, a), encode(t, generate(t, "kennisdag", 1))) {
		t.Error("GenerateN(kennisdag, 1, 130) differs from Generate(kennisdag, 1)")
	}
	for _, n := range []int{0, -1, MaxParticipants + 1} {
		if _, err := GenerateN("flanders", 1, n); err == nil {
			t.Errorf("GenerateN(flanders, 1, %d): no error", n)
		}
	}
}

func TestNamesUnique(t *testing.T) {
	seen := map[string]int{}
	for i := range 30000 {
		id := slug(orgName(i, places))
		if j, dup := seen[id]; dup {
			t.Fatalf("organisations %d and %d are both %q", j, i, id)
		}
		seen[id] = i
	}
	themes := map[string]bool{}
	for _, b := range baseThemes {
		if themes[b.id] {
			t.Errorf("theme %q twice", b.id)
		}
		themes[b.id] = true
	}
}

// BenchmarkGenerate measures the families; stress runs only without
// -short:
//
//	go test ./benchmarks/families -run XXX -bench . -benchmem -benchtime 1x
func BenchmarkGenerate(b *testing.B) {
	for _, name := range Names() {
		if name == "stress" && testing.Short() {
			continue
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				generate(b, name, 1)
			}
		})
	}
}
