package model

import (
	"strings"
	"testing"
)

func TestWriteRoster(t *testing.T) {
	ev := smallEvent()
	ev.Rounds[1].Label = "" // header falls back to the id
	ev.Participants = append(ev.Participants,
		Participant{ID: "p3", Name: `=HYPERLINK("http://x","y")`, Organisation: "hasselt", Delegation: Ptr(false)},
		Participant{ID: "p4", Organisation: "leuven"},
		Participant{ID: "p5", Name: "\tTab", Organisation: "genk"},
		// Away when genk's room meets: not in it.
		Participant{ID: "p6", Name: "Only Morning", Organisation: "genk", Rounds: []string{"r1"}},
	)
	ev.Organisations[1].Name = "+Genk"
	ev.Hosts[0].Name = "@res"
	ev.Hosts[1].Name = ""
	p := &Plan{
		Delegations: []DelegationRoom{
			{Organisation: "hasselt", Round: "r1", Host: "res-1"},
			{Organisation: "genk", Round: "r2", Host: "res-2"},
		},
		Assignments: []Assignment{
			{Participant: "p1", Round: "r2", Session: "zorg-r2"},
			{Participant: "p2", Round: "r1", Session: "-communicatie-r1"},
			{Participant: "p3", Round: "r1", Session: "zorg-r1"},
			{Participant: "p3", Round: "r2", Session: "financien-r2"},
			{Participant: "p4", Round: "r1", Session: "zorg-r1"},
			{Participant: "p4", Round: "r1", Session: "financien-r1"}, // broken plan: shown, not hidden
			{Participant: "nobody", Round: "r1", Session: "zorg-r1"},
			{Participant: "p1", Round: "r9", Session: "zorg-r9"},
		},
	}
	var b strings.Builder
	if err := WriteRoster(&b, ev, p); err != nil {
		t.Fatal(err)
	}
	want := `name,organisation,10:30-12:00,r2
An Peeters,Hasselt,delegation: @res,zorg-r2
Bart Claes,'+Genk,'-communicatie-r1,delegation: res-2
"'=HYPERLINK(""http://x"",""y"")",Hasselt,zorg-r1,financien-r2
p4,Leuven,zorg-r1; financien-r1,
'	Tab,'+Genk,,delegation: res-2
Only Morning,'+Genk,,
`
	if b.String() != want {
		t.Errorf("roster\n%s\nwant\n%s", b.String(), want)
	}
	if err := WriteRoster(&b, nil, p); err == nil {
		t.Error("nil event accepted")
	}
}

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+31 6": "'+31 6", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "\rx": "'\rx", "a=b": "a=b", "": "", "'=x": "'=x", " =x": " =x",
	} {
		if got := neutralise([]string{in})[0]; got != want {
			t.Errorf("neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}
