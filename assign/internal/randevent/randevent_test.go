package randevent

import (
	"bytes"
	"testing"

	"github.com/roundtable-go/roundtable/model"
)

func TestNewValidAndDeterministic(t *testing.T) {
	configs := []Config{
		{},
		{Parallel: 3, SkipSession: 0.3, MinMax: 3, Delegations: true, SessionHosts: true, OptOut: 0.3, Pins: 0.5},
		{Participants: 30, Rounds: 4, Themes: 5, Delegations: true, DelegationRounds: 1, Hosts: 1, MaxPerOrganisation: 1, OnlyRanked: true, Pins: 0.4, Partial: 0.5, Wanted: 0.5, OddIDs: true},
		{Participants: 5, Organisations: 1, Themes: 1, Rounds: 1, CapMin: 1, CapMax: 1, MinMax: 1, Pins: 1},
	}
	for ci, cfg := range configs {
		for seed := uint64(0); seed < 200; seed++ {
			ev := New(seed, cfg) // panics when invalid
			if err := ev.Validate(); err != nil {
				t.Fatalf("config %d seed %d: %v", ci, seed, err)
			}
			var a, b bytes.Buffer
			model.EncodeEvent(&a, ev)
			model.EncodeEvent(&b, New(seed, cfg))
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Fatalf("config %d seed %d: two different events", ci, seed)
			}
		}
	}
}
