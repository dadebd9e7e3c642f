package model

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func roundTripEvent(t testing.TB, ev *Event) {
	t.Helper()
	var buf bytes.Buffer
	if err := EncodeEvent(&buf, ev); err != nil {
		t.Fatalf("EncodeEvent: %v", err)
	}
	back, err := DecodeEvent(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("DecodeEvent of encoded event: %v\n%s", err, buf.Bytes())
	}
	if !reflect.DeepEqual(ev, back) {
		t.Fatalf("round trip changed the event:\n got %#v\nwant %#v\njson %s", back, ev, buf.Bytes())
	}
}

func TestEventRoundTrip(t *testing.T) {
	example := loadTestEvent(t, "testdata/example-event.json")
	if err := example.Validate(); err != nil {
		t.Fatalf("example event: %v", err)
	}
	if len(example.Participants) != 14 || example.Weights.SamePair != 25 || *example.Sessions[1].Min != 2 {
		t.Errorf("example event decoded wrongly: %+v", example)
	}
	for name, ev := range map[string]*Event{
		"example":            example,
		"example normalized": example.Normalized(),
		"small":              smallEvent(),
		"sessions":           withSessions(smallEvent()),
		"empty":              NewEvent(),
		"empty round lists":  emptyRoundLists(),
	} {
		t.Run(name, func(t *testing.T) { roundTripEvent(t, ev) })
	}
}

// emptyRoundLists is smallEvent with a host and a participant whose
// rounds are an empty list, which Validate rejects (nil means every
// round): written and read back, they must stay empty lists, not turn
// into "every round".
func emptyRoundLists() *Event {
	ev := smallEvent()
	ev.Hosts = append(ev.Hosts, Host{ID: "h-none", Rounds: []string{}})
	ev.Participants[0].Rounds = []string{}
	return ev
}

func TestEmptyRoundListsStayInvalid(t *testing.T) {
	var buf bytes.Buffer
	if err := EncodeEvent(&buf, emptyRoundLists()); err != nil {
		t.Fatal(err)
	}
	back, err := DecodeEvent(&buf)
	if err != nil {
		t.Fatal(err)
	}
	err = back.Validate()
	for _, want := range []string{"hosts[", "participants[0].rounds"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("read back, the event's empty round list at %s is not reported: %v", want, err)
		}
	}
}

func TestDecodeEventDefaults(t *testing.T) {
	ev, err := DecodeEvent(strings.NewReader(`{"name": "x", "weights": {"rank": [5, 1], "samePair": 3}, "defaults": {"min": 2}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultWeights()
	want.Rank = []int{5, 1}
	want.SamePair = 3
	if !reflect.DeepEqual(ev.Weights, want) {
		t.Errorf("weights = %+v, want %+v", ev.Weights, want)
	}
	if ev.Defaults != (Defaults{Capacity: DefaultCapacity, Min: 2}) {
		t.Errorf("defaults = %+v", ev.Defaults)
	}
	ev, err = DecodeEvent(strings.NewReader("\xEF\xBB\xBF{}"))
	if err != nil {
		t.Fatalf("BOM: %v", err)
	}
	if !reflect.DeepEqual(ev, NewEvent()) {
		t.Errorf("{} = %+v, want NewEvent()", ev)
	}
}

func TestDecodeEventErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"unknown field", "{\n  \"name\": \"x\",\n  \"participants\": [{\"id\": \"p\", \"sesions\": 2}]\n}",
			`line 3, column 32: participants[0]: unknown field "sesions" (did you mean "sessions"?)`},
		{"unknown top field", `{"round": []}`,
			`line 1, column 2: unknown field "round" (did you mean "rounds"?)`},
		{"field in other case", `{"Rounds": []}`,
			`line 1, column 2: unknown field "Rounds" (did you mean "rounds"?)`},
		{"unknown far field", `{"xyz": 1}`,
			`line 1, column 2: unknown field "xyz"`},
		{"repeated field", `{"name": "a", "name": "b"}`,
			`line 1, column 15: field "name" appears twice; keep one`},
		{"string for integer", "{\"defaults\": {\n\t\"capacity\": \"20\"}}",
			`line 2, column 14: defaults.capacity: want an integer, got string "20"`},
		{"fraction", `{"defaults": {"capacity": 2.5}}`,
			`line 1, column 27: defaults.capacity: want an integer, got 2.5`},
		{"overflow", `{"weights": {"unplaced": 99999999999999999999}}`,
			`line 1, column 26: weights.unplaced: number 99999999999999999999 is out of range`},
		{"object for list", `{"rounds": {"id": "r1"}}`,
			`line 1, column 12: rounds: want a list, got an object`},
		{"number for bool", `{"rules": {"onlyRanked": 1}}`,
			`line 1, column 26: rules.onlyRanked: want true or false, got number 1`},
		{"pinned value", `{"participants": [{"pinned": {"r1": 3}}]}`,
			`line 1, column 37: participants[0].pinned.r1: want a string, got number 3`},
		{"repeated pin", `{"participants": [{"pinned": {"r1": "a", "r1": "b"}}]}`,
			`line 1, column 42: participants[0].pinned: key "r1" appears twice; keep one`},
		{"syntax", "{\n \"name\": \"x\"\n \"rounds\": []}",
			`line 3, column 2: invalid character '"' after object key:value pair`},
		{"accented column", "{\"name\": \"Zorg é\", \"x\": 1}",
			`line 1, column 20: unknown field "x"`},
		{"cut off", `{"rounds": [`,
			`line 1, column 13: rounds: unexpected end of input; the document is cut off or misses a closing bracket`},
		{"trailing", `{} {}`,
			`line 1, column 4: unexpected data after the end of the document; remove it`},
		{"trailing comma", `{"name":"x"} ,`,
			`line 1, column 14: unexpected data after the end of the document; remove it`},
		{"Latin-1", "{\"themes\": [{\"id\": \"fin\",\n \"name\": \"Financi\xebn\"}]}",
			`line 2, column 18: the file is not UTF-8; save it as UTF-8 (in a text editor: Save As, encoding UTF-8)`},
		{"empty", ``,
			`line 1, column 1: empty input; want a JSON object`},
		{"null", `null`,
			`line 1, column 1: want a JSON object, starting with {`},
		{"list", ` [1]`,
			`line 1, column 2: want a JSON object, starting with {`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeEvent(strings.NewReader(tt.in))
			if err == nil {
				t.Fatal("no error")
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Errorf("error %T is not a *DecodeError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n %s\nwant\n %s", err, tt.want)
			}
		})
	}
}

func TestLoadEvent(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ev, err := LoadEvent("testdata/example-event.json")
	if err != nil || ev.Name != "example" {
		t.Fatalf("LoadEvent(example) = %v, %v", ev, err)
	}

	broken := write("broken.json", `{"rounds": [{"id": "r1"}, {"id": "r1"}], "themes": [], "weights": {"unplaced": -1}}`)
	_, err = LoadEvent(broken)
	var ve ValidationErrors
	if !errors.As(err, &ve) || len(ve) != 3 {
		t.Fatalf("LoadEvent(broken) = %v, want 3 problems", err)
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		if !strings.HasPrefix(line, broken+": ") {
			t.Errorf("line %q does not start with the path", line)
		}
	}

	syntax := write("syntax.json", "{\n\"rounds\": [}")
	_, err = LoadEvent(syntax)
	var de *DecodeError
	if !errors.As(err, &de) || !strings.HasPrefix(err.Error(), syntax+":2:12: ") {
		t.Errorf("LoadEvent(syntax) = %v", err)
	}

	_, err = LoadEvent(filepath.Join(dir, "missing.json"))
	if !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), filepath.Join(dir, "missing.json")+": ") {
		t.Errorf("LoadEvent(missing) = %v", err)
	}
}

func testPlan() *Plan {
	return &Plan{
		Event: "kennisdag", Status: StatusOptimal, Objective: 1205, Bound: 1205,
		Breakdown:    Breakdown{Preference: 1100, Competence: 120, Affinity: 10, SamePair: 25},
		Delegations:  []DelegationRoom{{Organisation: "hasselt", Round: "r1", Host: "res-1"}},
		Assignments:  []Assignment{{Participant: "p1", Round: "r2", Session: "zorg-r2"}},
		Unplaced:     []Unplaced{{Participant: "p2", Missing: 1, Reason: "no room"}},
		Explanations: []Explanation{{Subject: "p1", Lines: []string{"first choice"}}},
	}
}

func TestPlanRoundTrip(t *testing.T) {
	p := testPlan()
	var buf bytes.Buffer
	if err := EncodePlan(&buf, p); err != nil {
		t.Fatal(err)
	}
	back, err := DecodePlan(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, back) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, p)
	}

	empty := &Plan{Status: StatusFeasible, Explanations: []Explanation{{Subject: "s"}}}
	buf.Reset()
	if err := EncodePlan(&buf, empty); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, f := range []string{`"delegations": []`, `"assignments": []`, `"unplaced": []`, `"lines": []`} {
		if !strings.Contains(text, f) {
			t.Errorf("encoded empty plan lacks %s:\n%s", f, text)
		}
	}
	if strings.Contains(text, "null") || empty.Delegations != nil || empty.Explanations[0].Lines != nil {
		t.Errorf("EncodePlan wrote null or changed its argument:\n%s", text)
	}

	if _, err := DecodePlan(strings.NewReader(`{"status": "optimal", "objectve": 3}`)); err == nil ||
		err.Error() != `line 1, column 23: unknown field "objectve" (did you mean "objective"?)` {
		t.Errorf("DecodePlan(unknown field) = %v", err)
	}

	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, []byte(`{"bound": "x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPlan(path); err == nil || !strings.HasPrefix(err.Error(), path+":1:11: bound: want an integer") {
		t.Errorf("LoadPlan(bad) = %v", err)
	}
}

func FuzzDecodeEvent(f *testing.F) {
	example, err := os.ReadFile("testdata/example-event.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	var buf bytes.Buffer
	if err := EncodeEvent(&buf, withSessions(smallEvent())); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	for _, s := range []string{
		`{}`, `null`, ``, `{"rounds": [{"id": "r1"}], "participants": [{"rounds": []}]}`,
		`{"weights": {"rank": null}}`, `{"weights": {"rank": []}}`, `{"sessions": [], "hosts": []}`,
		`{"participants": [{"pinned": {}, "preferences": [], "delegation": null}]}`,
		`{"delegations": {}}`, `{"name": "\ud800"}`, `{"defaults": null}`, `{"name": "a\u0000b"}`,
		`{"rounds": [{"id": "r1"}]`, `{"defaults": {"capacity": 1e3}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := DecodeEvent(bytes.NewReader(data))
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *DecodeError: %v", err, err)
			}
			return
		}
		// Validation and normalization must not panic on anything decoded.
		_ = ev.Validate()
		_ = ev.Normalized()
		roundTripEvent(t, ev)
	})
}
