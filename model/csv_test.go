package model

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestReadRegistrations(t *testing.T) {
	ev := smallEvent()
	tests := []struct {
		name  string
		in    string
		want  []Participant
		warns []string
	}{
		{
			name: "commas",
			in: "id,name,email,organisation,competences,choice1,choice2,sessions,rounds\n" +
				"p1,An Peeters,an@example.org,hasselt,financien|welzijn,financien,zorg,1,r1|r2\n" +
				"p2,Bart Claes,,genk,,communicatie,,,\n",
			want: []Participant{
				{ID: "p1", Name: "An Peeters", Email: "an@example.org", Organisation: "hasselt",
					Competences: []string{"financien", "welzijn"}, Preferences: []string{"financien", "zorg"},
					Sessions: Ptr(1), Rounds: []string{"r1", "r2"}},
				{ID: "p2", Name: "Bart Claes", Organisation: "genk", Preferences: []string{"communicatie"}},
			},
		},
		{
			name: "semicolons, BOM, quotes, accents, names, case",
			in: "\xEF\xBB\xBF ID ; Name;ORGANISATION; Choice2 ;choice1;Rounds\r\n" +
				"p1;\"Peeters; An\";HASSELT;zorg en gezondheid;lokale begroting en financien;13:00-14:30\r\n" +
				"p2;\"Claes, \"\"Bart\"\"\";Génk;;  Communicatie ;R1 | r1\r\n" +
				" ; ; ; ; ;\r\n",
			want: []Participant{
				{ID: "p1", Name: "Peeters; An", Organisation: "hasselt", Preferences: []string{"financien", "zorg"}, Rounds: []string{"r2"}},
				{ID: "p2", Name: `Claes, "Bart"`, Organisation: "genk", Preferences: []string{"communicatie"}, Rounds: []string{"r1"}},
			},
		},
		{
			name: "no id column, unknown columns, gaps in choices",
			in:   "name,organisation,organization,choice3,,choice1\n\nAn,Hasselt,x,zorg,,\n\"Bart\nClaes\",genk,,,,Zorg\nCis,leuven,,,,\n",
			want: []Participant{
				{ID: "row-0003", Name: "An", Organisation: "hasselt", Preferences: []string{"zorg"}},
				{ID: "row-0004", Name: "Bart\nClaes", Organisation: "genk", Preferences: []string{"zorg"}},
				{ID: "row-0006", Name: "Cis", Organisation: "leuven"},
			},
			warns: []string{
				`line 1: column organization: unknown column ignored (did you mean "organisation"?)`,
				`line 1: column 5: column without a name ignored`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warns, err := ReadRegistrations(strings.NewReader(tt.in), ev)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("participants\n got %#v\nwant %#v", got, tt.want)
			}
			var ws []string
			for _, w := range warns {
				ws = append(ws, w.String())
			}
			if !reflect.DeepEqual(ws, tt.warns) {
				t.Errorf("warnings\n got %q\nwant %q", ws, tt.warns)
			}
			ev2 := ev.Clone()
			ev2.Participants = got
			if err := ev2.Validate(); err != nil {
				t.Errorf("event with these participants is invalid: %v", err)
			}
		})
	}
}

func TestReadRegistrationsErrors(t *testing.T) {
	ev := smallEvent()
	ev.Organisations = append(ev.Organisations, Organisation{ID: "genk-2", Name: "GENK"})
	tests := []struct {
		name, in string
		want     []string
	}{
		{
			name: "every bad cell of every row",
			in: "id;organisation;choice1;choice2;sessions;rounds\n" +
				"p1;hasselt;Zorgg;zorg;1;r1\n" +
				"p2;Hasselt;zorg;Zorg en gezondheid;x;r1|r9\n" +
				"p1;leuvn;;;-1;\n" +
				"p4;Genk;zorg;;;\n" +
				";hasselt;;;;\n" +
				"p6;hasselt;;;;;extra\n",
			want: []string{
				`regs.csv:2: column choice1: unknown theme "Zorgg" (did you mean "zorg"?)`,
				`regs.csv:3: column choice2: theme "zorg" is also chosen in column choice1; choose each theme once`,
				`regs.csv:3: column sessions: "x" is not a whole number; write how many sessions the participant wants, or leave it empty`,
				`regs.csv:3: column rounds: unknown round "r9" (did you mean "r1"?)`,
				`regs.csv:4: column organisation: unknown organisation "leuvn" (did you mean "Leuven"?)`,
				`regs.csv:4: column sessions: negative number of sessions -1; use 0 or more`,
				`regs.csv:5: column organisation: "Genk" matches the organisations "genk" and "genk-2"; write the id`,
				`regs.csv:6: column id: empty id; fill it in, or remove the id column to number rows`,
				`regs.csv:7:7: row has 7 cells but the header names 6 columns; add a header or remove the cell`,
			},
		},
		{
			name: "repeated id",
			in:   "id,organisation\np1,genk\np1,genk\n",
			want: []string{`regs.csv:3: column id: id "p1" repeats line 2; give every participant a unique id`},
		},
		{
			name: "header problems",
			in:   "id,name,Name,choice1\n",
			want: []string{
				`regs.csv:1: column Name: column "Name" appears twice (columns 2 and 3); remove one`,
				`regs.csv:1: no organisation column; add one with each participant's organisation id or name`,
			},
		},
		{
			name: "broken quote",
			in:   "id,organisation,choice1\np1,genk,Zorgg\np2,\"genk,zorg\np3,genk,zorg\n",
			want: []string{
				`regs.csv:2: column choice1: unknown theme "Zorgg" (did you mean "zorg"?)`,
				`regs.csv:4:14: extraneous or missing " in quoted-field; check the quotes of the row that starts on line 3`,
			},
		},
		{
			name: "header after an empty line",
			in:   "\nid;organisatie;choice1\np1;hasselt;zorg\n",
			want: []string{`regs.csv:2: no organisation column; add one with each participant's organisation id or name`},
		},
		{
			name: "two columns for one choice",
			in:   "organisation,choice1,Choice01\nhasselt,fin,zorg\n",
			want: []string{`regs.csv:1: column Choice01: columns "choice1" and "Choice01" are both choice 1 (columns 2 and 3); rename one`},
		},
		{
			name: "quote after accents",
			in:   "organisation,name\nhasselt,ééé\"b\n",
			want: []string{`regs.csv:2:12: bare " in non-quoted-field; check the quotes`},
		},
		{name: "empty", in: "", want: []string{`regs.csv:1: empty file; want a header row naming the columns`}},
		{name: "latin-1", in: "id,organisation\np1,G\xe9nk\n", want: []string{`regs.csv:2: the file is not UTF-8; save it as "CSV UTF-8"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "regs.csv")
			if err := os.WriteFile(path, []byte(tt.in), 0o644); err != nil {
				t.Fatal(err)
			}
			ps, _, err := LoadRegistrations(path, ev)
			if err == nil {
				t.Fatalf("no error; participants %+v", ps)
			}
			if ps != nil {
				t.Errorf("participants returned with an error: %+v", ps)
			}
			var ce *CSVError
			if !errors.As(err, &ce) || ce.File != path {
				t.Errorf("errors.As(*CSVError) = %+v", ce)
			}
			got := strings.ReplaceAll(err.Error(), path, "regs.csv")
			if want := strings.Join(tt.want, "\n"); got != want {
				t.Errorf("error\n%s\nwant\n%s", got, want)
			}
		})
	}
	if _, _, err := ReadRegistrations(strings.NewReader("id\n"), nil); err == nil {
		t.Error("nil event accepted")
	}
}

// TestRegistrationsAfterEmptyLines reads a semicolon file whose header
// comes after empty lines (the CSV reader skips them): the delimiter is
// the header's, and the header's line is the one warnings name.
func TestRegistrationsAfterEmptyLines(t *testing.T) {
	ps, warns, err := ReadRegistrations(strings.NewReader("\r\n\nid;organisation;choice1;telefoon\np1;hasselt;zorg;0470\n"), smallEvent())
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].ID != "p1" || ps[0].Organisation != "hasselt" || !slices.Equal(ps[0].Preferences, []string{"zorg"}) {
		t.Errorf("participants %+v", ps)
	}
	if len(warns) != 1 || warns[0].Line != 3 {
		t.Errorf("warnings %+v, want one for the telefoon column on line 3", warns)
	}
}

func TestDetectDelimiter(t *testing.T) {
	for in, want := range map[string]rune{
		"a,b,c":             ',',
		"a;b;c":             ';',
		`"x;y;z",b`:         ',',
		`"a,b";c;d` + "\n,": ';',
		"":                  ',',
		"id\n;;;;":          ',',
		"\r\n\nid;name,x;y": ';',
	} {
		if got := detectDelimiter([]byte(in)); got != want {
			t.Errorf("detectDelimiter(%q) = %q, want %q", in, got, want)
		}
	}
}

// writeRegistrations writes participants in the registrations format, the
// inverse of ReadRegistrations used to check round trips.
func writeRegistrations(t testing.TB, ps []Participant) []byte {
	choices := 0
	for _, p := range ps {
		choices = max(choices, len(p.Preferences))
	}
	header := []string{"id", "name", "email", "organisation", "competences", "sessions", "rounds"}
	for i := range choices {
		header = append(header, "choice"+strconv.Itoa(i+1))
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(header); err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		s := ""
		if p.Sessions != nil {
			s = strconv.Itoa(*p.Sessions)
		}
		rec := []string{p.ID, p.Name, p.Email, p.Organisation, strings.Join(p.Competences, "|"), s, strings.Join(p.Rounds, "|")}
		for i := range choices {
			c := ""
			if i < len(p.Preferences) {
				c = p.Preferences[i]
			}
			rec = append(rec, c)
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return buf.Bytes()
}

func FuzzReadRegistrations(f *testing.F) {
	for _, s := range []string{
		"id,name,email,organisation,competences,choice1,choice2,sessions,rounds\np1,An,an@x.org,hasselt,a|b,financien,zorg,1,r1|r2\n",
		"\xEF\xBB\xBFname;organisation;choice1\n\"Peeters; An\";Génk;zorg en gezondheid\n",
		"organisation,choice1,choice2\nhasselt,zorg,zorg\n",
		"organisation,choice1\nhasselt,\"zorg\n",
		"organisation,sessions\nhasselt,+3\n,\n",
		"name,organisation\n\"a\r\nb\",genk\n",
		"",
		"\n\n",
	} {
		f.Add([]byte(s))
	}
	ev := smallEvent()
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, _, err := ReadRegistrations(bytes.NewReader(data), ev)
		if err != nil {
			for _, e := range unjoin(err) {
				var ce *CSVError
				if !errors.As(e, &ce) {
					t.Fatalf("error %T is not a *CSVError: %v", e, e)
				}
			}
			return
		}
		out := writeRegistrations(t, ps)
		back, _, err := ReadRegistrations(bytes.NewReader(out), ev)
		if err != nil {
			t.Fatalf("re-reading written registrations: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(ps, back) {
			t.Fatalf("round trip\n got %#v\nwant %#v", back, ps)
		}
	})
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
