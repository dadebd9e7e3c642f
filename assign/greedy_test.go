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
// then works only on the bound when the event is huge.
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
		if s.boundOnly != pr.huge() {
			t.Errorf("event %d: a plan was offered; the search works on the bound only: %v, want %v (huge events only)", i, s.boundOnly, pr.huge())
		}
	}
	t.Logf("%d of 60 events got a plan, %d of them under maxPerOrganisation", built, withMax)
	if built < 30 || withMax == 0 {
		t.Errorf("only %d plans (%d with maxPerOrganisation): the test checks too little", built, withMax)
	}
}

// TestFastFirst pins down which events take their first plan from the
// flows without the colleague layer although they are not huge.
func TestFastFirst(t *testing.T) {
	mk := func(people, biggest, sessions int) *problem {
		pr := &problem{nP: people, roundSess: [][]int{make([]int, sessions), nil, make([]int, sessions+5)}}
		pr.oMembers = append(pr.oMembers, make([]int, biggest))
		for left := people - biggest; left > 0; left -= 10 {
			pr.oMembers = append(pr.oMembers, make([]int, min(10, left)))
		}
		pr.nO = len(pr.oMembers)
		pr.oDeleg = make([]bool, pr.nO)
		return pr
	}
	if !mk(3000, 80, 100).fastFirst() {
		t.Error("3,000 people, organisations of up to 80, 100 sessions a round: want the fast first plan")
	}
	if mk(3000, 180, 92).fastFirst() {
		t.Error("an organisation of 180 with 92 sessions a round: want the colleague flows")
	}
	if mk(1000, 10, 100).fastFirst() {
		t.Error("1,000 people: want the descent")
	}
	pr := mk(3000, 80, 100)
	pr.maxPerOrg = 2
	if pr.fastFirst() {
		t.Error("maxPerOrganisation: want the colleague flows")
	}
	pr = mk(3000, 80, 100)
	pr.delegRounds = []int{0}
	pr.oDeleg[1] = true
	if pr.fastFirst() {
		t.Error("delegation rooms to place: want the colleague flows")
	}
}
