package assign

import (
	"context"
	"testing"
	"time"

	"github.com/roundtable-go/roundtable/assign/internal/randevent"
	"github.com/roundtable-go/roundtable/model"
)

// TestFirstHuge builds the first plan of the huge-event path (flows
// without the colleague layer and spread colleagues, or the greedy pass
// under maxPerOrganisation, then a short walk) on random events with
// every feature of the format: whenever it offers a plan, the plan obeys
// every rule (model.Check also recomputes its objective), and the search
// then only works on the bound.
func TestFirstHuge(t *testing.T) {
	built, withMax := 0, 0
	for i := range 60 {
		c := matchConfig(i)
		ev := randevent.New(uint64(9200+i), c)
		pr, err := compile(ev.Normalized())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		s := newSearch(pr, Options{Seed: uint64(i)}, time.Now(), cancel)
		st := pr.newState()
		if pr.chooseDelegations(ctx, st, nil) != nil {
			cancel()
			continue
		}
		err = s.firstHuge(ctx, st)
		cancel()
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if s.best == nil {
			continue // minimum sizes the greedy passes could not meet
		}
		built++
		if pr.maxPerOrg > 0 {
			withMax++
		}
		plan, err := pr.plan(s.best, s.bestObj, 1<<40)
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if err := model.Check(ev, plan).Err(); err != nil {
			t.Fatalf("event %d: the first plan of a huge event breaks rules: %v", i, err)
		}
		if !s.boundOnly {
			t.Errorf("event %d: a plan was offered but the search still looks for plans", i)
		}
	}
	t.Logf("%d of 60 events got a plan, %d of them under maxPerOrganisation", built, withMax)
	if built < 30 || withMax == 0 {
		t.Errorf("only %d plans (%d with maxPerOrganisation): the test checks too little", built, withMax)
	}
}
