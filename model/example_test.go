package model_test

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/roundtable-go/roundtable/model"
)

func ExampleDecodeEvent() {
	ev, err := model.DecodeEvent(strings.NewReader(`{
		"name": "Kennisdag",
		"rounds": [{"id": "r1", "label": "10:30-12:00"}, {"id": "r2", "label": "13:00-14:30"}],
		"themes": [{"id": "zorg", "name": "Zorg en gezondheid"}, {"id": "financien", "name": "Financiën"}],
		"organisations": [{"id": "hasselt", "name": "Hasselt"}],
		"participants": [{"id": "p1", "organisation": "hasselt", "preferences": ["zorg"]}],
		"weights": {"rank": [100, 50]}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("valid:", ev.Validate() == nil)
	fmt.Println("rank weights:", ev.Weights.Rank, "unplaced penalty (default):", ev.Weights.Unplaced)
	for _, s := range ev.Normalized().Sessions {
		fmt.Println(s.ID, *s.Capacity)
	}

	_, err = model.DecodeEvent(strings.NewReader(`{"name": "x",
		"rouds": []}`))
	fmt.Println(err)
	// Output:
	// valid: true
	// rank weights: [100 50] unplaced penalty (default): 1000
	// zorg-r1 20
	// financien-r1 20
	// zorg-r2 20
	// financien-r2 20
	// line 2, column 3: unknown field "rouds" (did you mean "rounds"?)
}

func ExampleEvent_Validate() {
	ev := model.NewEvent()
	ev.Rounds = []model.Round{{ID: "r1"}, {ID: "r2"}}
	ev.Themes = []model.Theme{{ID: "zorg"}, {ID: "financien"}}
	ev.Organisations = []model.Organisation{{ID: "hasselt"}}
	ev.Participants = []model.Participant{
		{ID: "p1", Organisation: "hasselt", Preferences: []string{"zorgg", "financien"}},
		{ID: "p1", Organisation: "hasselt", Pinned: map[string]string{"r2": "zorg-r1"}},
	}
	ev.Weights.Unplaced = -5

	err := ev.Validate()
	fmt.Println(err)

	var problems model.ValidationErrors
	if errors.As(err, &problems) {
		fmt.Println(len(problems), "problems; the first is at", problems[0].Path)
	}
	// Output:
	// participants[0].preferences[0]: unknown theme "zorgg" (did you mean "zorg"?)
	// participants[1].id: id "p1" repeats participants[0]; give every participant a unique id
	// participants[1].pinned.r2: session "zorg-r1" runs in round "r1", not "r2"; pin it under "r1" or choose a session of round "r2"
	// weights.unplaced: negative penalty -5; use 0 or more (the objective subtracts it)
	// 4 problems; the first is at participants[0].preferences[0]
}

func ExampleLoadEvent() {
	ev, err := model.LoadEvent("testdata/example-event.json")
	if err != nil {
		fmt.Fprintln(os.Stderr, err) // every problem, one a line, each with the file name
		return
	}
	fmt.Println(ev.Name, len(ev.Participants), "participants")
	// Output: example 14 participants
}

func ExampleReadRegistrations() {
	ev := model.NewEvent()
	ev.Rounds = []model.Round{{ID: "r1"}, {ID: "r2"}}
	ev.Themes = []model.Theme{{ID: "zorg", Name: "Zorg en gezondheid"}, {ID: "fin", Name: "Lokale financiën"}}
	ev.Organisations = []model.Organisation{{ID: "hasselt", Name: "Hasselt"}}

	csv := "\ufeffTelefoon;Name;Organisation;Choice1;Choice2\n" +
		"011 23 45 67;An Peeters;hasselt;lokale financien;zorg en gezondheid\n"
	ps, warnings, err := model.ReadRegistrations(strings.NewReader(csv), ev)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, w := range warnings {
		fmt.Println(w)
	}
	fmt.Printf("%s %s %s %v\n", ps[0].ID, ps[0].Name, ps[0].Organisation, ps[0].Preferences)

	_, _, err = model.ReadRegistrations(strings.NewReader("organisation,choice1\nhasselt,Zorgg\n"), ev)
	fmt.Println(err)
	// Output:
	// line 1: column Telefoon: unknown column ignored
	// row-0002 An Peeters hasselt [fin zorg]
	// line 2: column choice1: unknown theme "Zorgg" (did you mean "zorg"?)
}
