package export

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// calendar is what parseICS finds: the calendar's own properties and one
// map of unescaped properties per VEVENT.
type calendar struct {
	props  map[string]string
	events []map[string]string
}

// textProps are the TEXT properties the writer uses: their values are
// unescaped, and must hold no unescaped ',' or ';'.
var textProps = map[string]bool{"SUMMARY": true, "DESCRIPTION": true, "LOCATION": true, "UID": true}

// parseICS is a small, strict RFC 5545 reader written for these tests,
// independent of the writer: every line ends with CRLF and holds at most
// 75 octets of valid UTF-8; folded lines are unfolded; BEGIN and END nest;
// the calendar has VERSION:2.0 and PRODID; every VEVENT has UID, DTSTAMP
// and DTSTART exactly once and DTEND after DTSTART; TEXT values are
// unescaped.
func parseICS(t *testing.T, data []byte) calendar {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Fatal("the file does not end with CRLF")
	}
	physical := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
	var logical []string
	for i, l := range physical {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d: a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d: %d octets, above 75: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d: not valid UTF-8 (a folded sequence?): %q", i+1, l)
		}
		if l == "" {
			t.Fatalf("line %d is empty", i+1)
		}
		if l[0] == ' ' || l[0] == '\t' {
			if len(logical) == 0 {
				t.Fatal("the file starts with a continuation line")
			}
			logical[len(logical)-1] += l[1:]
			continue
		}
		logical = append(logical, l)
	}
	cal := calendar{props: map[string]string{}}
	var stack []string
	var ev map[string]string
	for _, l := range logical {
		nameParams, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("no colon in %q", l)
		}
		name, _, _ := strings.Cut(nameParams, ";")
		for _, r := range name {
			if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				t.Fatalf("bad property name %q", name)
			}
		}
		switch name {
		case "BEGIN":
			if len(stack) == 0 && value != "VCALENDAR" || len(stack) > 0 && stack[len(stack)-1] != "VCALENDAR" {
				t.Fatalf("BEGIN:%s inside %v", value, stack)
			}
			stack = append(stack, value)
			if value == "VEVENT" {
				ev = map[string]string{}
			}
			continue
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != value {
				t.Fatalf("END:%s closes %v", value, stack)
			}
			stack = stack[:len(stack)-1]
			if value == "VEVENT" {
				for _, req := range []string{"UID", "DTSTAMP", "DTSTART"} {
					if _, ok := ev[req]; !ok {
						t.Errorf("a VEVENT without %s: %v", req, ev)
					}
				}
				start, err1 := time.Parse(icalStamp, ev["DTSTART"])
				end, err2 := time.Parse(icalStamp, ev["DTEND"])
				if _, err3 := time.Parse(icalStamp, ev["DTSTAMP"]); err1 != nil || err2 != nil || err3 != nil || !end.After(start) {
					t.Errorf("bad times in %v", ev)
				}
				cal.events = append(cal.events, ev)
				ev = nil
			}
			continue
		}
		if len(stack) == 0 {
			t.Fatalf("%s outside VCALENDAR", name)
		}
		if textProps[name] {
			value = unescapeText(t, value)
		}
		target := cal.props
		if stack[len(stack)-1] == "VEVENT" {
			target = ev
		}
		if _, dup := target[name]; dup {
			t.Errorf("%s twice in one component", name)
		}
		target[name] = value
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed %v", stack)
	}
	if cal.props["VERSION"] != "2.0" || cal.props["PRODID"] == "" {
		t.Errorf("calendar properties %v lack VERSION:2.0 or PRODID", cal.props)
	}
	return cal
}

// unescapeText undoes the TEXT escapes of RFC 5545 section 3.3.11 and
// fails on an unescaped ',' or ';' or an unknown escape.
func unescapeText(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case ',', ';':
			t.Errorf("unescaped %q in TEXT value %q", c, s)
		case '\\':
			i++
			if i == len(s) {
				t.Errorf("a lone backslash ends %q", s)
				return b.String()
			}
			switch s[i] {
			case '\\', ';', ',':
				b.WriteByte(s[i])
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				t.Errorf("unknown escape \\%c in %q", s[i], s)
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// TestCalendars parses every calendar WriteAll writes for the fixture and
// compares what each participant sees with a table made by hand.
func TestCalendars(t *testing.T) {
	ev, plan := fixture(t)
	dir := t.TempDir()
	if _, _, err := WriteAll(dir, ev, plan, Options{}); err != nil {
		t.Fatal(err)
	}
	pre := fixtureName + ": "
	want := map[string][]string{ // participant -> summaries, in round order
		"p1": {pre + "Delegation Hasselt", pre + "Zorg 1"},
		"p2": {pre + "Delegation Hasselt", pre + "Communicatie, media & pers"},
		"p3": {pre + "Communicatie, media & pers", pre + "Zorg 2"},
		"p4": {pre + "Participatie en burgerbetrokkenheid in lokale besturen", pre + "Communicatie, media & pers"},
		"p5": {pre + "Participatie en burgerbetrokkenheid in lokale besturen", pre + "Zorg 2"},
		"p7": {pre + "Zorg 1"},
		"p8": {pre + "Communicatie, media & pers"},
	}
	starts := []string{"20210318T093000Z", "20210318T120000Z"}
	uids := map[string]bool{}
	entries, err := os.ReadDir(filepath.Join(dir, CalendarDir))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Errorf("%d calendars, want %d", len(entries), len(want))
	}
	for _, e := range entries {
		pid := strings.TrimSuffix(e.Name(), ".ics")
		data, err := os.ReadFile(filepath.Join(dir, CalendarDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		cal := parseICS(t, data)
		var got []string
		for i, ev := range cal.events {
			got = append(got, ev["SUMMARY"])
			if uids[ev["UID"]] {
				t.Errorf("%s: UID %s used twice", pid, ev["UID"])
			}
			uids[ev["UID"]] = true
			if ev["DTSTAMP"] != "20210318T093000Z" {
				t.Errorf("%s: DTSTAMP %s, want the earliest round start", pid, ev["DTSTAMP"])
			}
			round := "r1"
			if ev["DTSTART"] == starts[1] {
				round = "r2"
			} else if ev["DTSTART"] != starts[0] {
				t.Errorf("%s: DTSTART %s", pid, ev["DTSTART"])
			}
			if ev["UID"] != UID(fixtureName, pid, round) {
				t.Errorf("%s event %d: UID %s, want UID(event, participant, round)", pid, i, ev["UID"])
			}
			room := strings.TrimPrefix(ev["SUMMARY"], pre)
			if ev["LOCATION"] != room || !strings.Contains(ev["DESCRIPTION"], "\nRoom: "+room+"\n") {
				t.Errorf("%s: LOCATION %q, DESCRIPTION %q", pid, ev["LOCATION"], ev["DESCRIPTION"])
			}
		}
		if !slices.Equal(got, want[pid]) {
			t.Errorf("%s: summaries %q, want %q", pid, got, want[pid])
		}
	}
	// The hostile name reaches the calendar as text.
	data, err := os.ReadFile(filepath.Join(dir, CalendarDir, "p3.ics"))
	if err != nil {
		t.Fatal(err)
	}
	if d := parseICS(t, data).events[0]["DESCRIPTION"]; !strings.Contains(d, "Participant: "+hostileName+" (Genk)") {
		t.Errorf("description %q", d)
	}
}

// TestCalendarOptions: Stamp and Location replace their defaults, and
// rounds with broken times are left out with a warning.
func TestCalendarOptions(t *testing.T) {
	ev, plan := fixture(t)
	opts := Options{Stamp: time.Date(2021, 3, 1, 8, 0, 0, 0, time.FixedZone("", 3600)), Location: "https://zoom.example/j/1; room, see mail"}
	var b bytes.Buffer
	if err := WriteCalendar(&b, ev, plan, "p3", opts); err != nil {
		t.Fatal(err)
	}
	cal := parseICS(t, b.Bytes())
	for _, e := range cal.events {
		if e["DTSTAMP"] != "20210301T070000Z" || e["LOCATION"] != opts.Location {
			t.Errorf("DTSTAMP %s LOCATION %q", e["DTSTAMP"], e["LOCATION"])
		}
	}

	ev.Rounds[0].End = "2021-03-18T09:00:00+01:00" // before its start
	ev.Rounds[1].Start, ev.Rounds[1].End = "", ""
	_, warns, err := WriteAll(t.TempDir(), ev, plan, Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := ""
	for _, w := range warns {
		text += w.String() + "\n"
	}
	if !strings.Contains(text, "round r1 ends") || !strings.Contains(text, "no calendars written") {
		t.Errorf("warnings:\n%s", text)
	}
	ev.Rounds[0].End = "noon"
	if _, w := timedRounds(ev); len(w) != 1 || !strings.Contains(w[0].Message, "RFC 3339") {
		t.Errorf("bad time: %v", w)
	}
	ev.Rounds[0].End = ""
	if _, w := timedRounds(ev); len(w) != 1 || !strings.Contains(w[0].Message, "not both") {
		t.Errorf("start only: %v", w)
	}
}

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"SHORT:x", "SHORT:x\r\n"},
		{strings.Repeat("a", 75), strings.Repeat("a", 75) + "\r\n"},
		{strings.Repeat("a", 76), strings.Repeat("a", 75) + "\r\n a\r\n"},
		{strings.Repeat("a", 75+74+1), strings.Repeat("a", 75) + "\r\n " + strings.Repeat("a", 74) + "\r\n a\r\n"},
		// "é" is two octets: it moves whole to the next line.
		{strings.Repeat("a", 74) + "é", strings.Repeat("a", 74) + "\r\n é\r\n"},
	} {
		if got := fold(tc.in); got != tc.want {
			t.Errorf("fold(%q) =\n%q\nwant\n%q", tc.in, got, tc.want)
		}
	}
}

func TestEscapeText(t *testing.T) {
	for in, want := range map[string]string{
		`a\b`:          `a\\b`,
		"a;b,c":        `a\;b\,c`,
		"one\ntwo":     `one\ntwo`,
		"one\r\ntwo\r": `one\ntwo\n`,
		"tab\there":    "tab\there",
		"bell\a":       "bell ",
		"bad\xffutf8":  "bad\uFFFDutf8",
	} {
		if got := escapeText(in); got != want {
			t.Errorf("escapeText(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzFoldEscape: any text, escaped and folded, gives lines of at most 75
// octets of valid UTF-8 that unfold and unescape to the text (with line
// breaks as \n, other control characters but tab as spaces, and invalid
// UTF-8 as U+FFFD).
func FuzzFoldEscape(f *testing.F) {
	for _, s := range []string{"", "Zorg", hostileName, strings.Repeat("é", 80), "a,b;c\\d\r\ne", strings.Repeat("€", 30) + "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line := "DESCRIPTION:" + escapeText(s)
		folded := fold(line)
		cal := parseICS(t, []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"+folded+"END:VCALENDAR\r\n"))
		want := strings.ToValidUTF8(s, "\uFFFD")
		want = strings.ReplaceAll(want, "\r\n", "\n")
		want = strings.Map(func(r rune) rune {
			switch {
			case r == '\r':
				return '\n'
			case r == '\n' || r == '\t':
				return r
			case r < 0x20 || r == 0x7f:
				return ' '
			}
			return r
		}, want)
		if got := cal.props["DESCRIPTION"]; got != want {
			t.Errorf("round trip of %q: %q, want %q", s, got, want)
		}
	})
}
