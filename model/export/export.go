package export

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable-go/roundtable/model"
)

// Options tune the writers. The zero value works.
type Options struct {
	// RoomNameMax is the longest Zoom room name, in characters; zero means
	// DefaultRoomNameMax.
	RoomNameMax int `json:"roomNameMax,omitempty"`
	// Stamp is the DTSTAMP of calendar entries; zero means the earliest
	// start of the event's rounds, which keeps output reproducible.
	Stamp time.Time `json:"stamp,omitzero"`
	// Location, when set, is the LOCATION of every calendar entry (the
	// meeting's link, say); empty means the entry's room name.
	Location string `json:"location,omitempty"`
}

func (o Options) roomNameMax() int {
	if o.RoomNameMax <= 0 {
		return DefaultRoomNameMax
	}
	return o.RoomNameMax
}

// Warning is something an organiser should know about the files written:
// people left out of a Zoom file, a round above Zoom's limits, a rule the
// plan breaks. File is the file it concerns, relative to the output
// directory and with forward slashes, or empty when it concerns them all.
type Warning struct {
	File    string `json:"file,omitempty"`
	Message string `json:"message"`
}

func (w Warning) String() string {
	if w.File == "" {
		return w.Message
	}
	return w.File + ": " + w.Message
}

// Names of the files WriteAll writes; ROUND and PARTICIPANT stand for
// file-name stems made from ids by Stems.
const (
	RostersFile  = "rosters.csv"
	SessionsFile = "sessions.csv"
	ReportFile   = "report.html"
	CalendarDir  = "calendars" // holds PARTICIPANT.ics
	zoomPrefix   = "zoom-"     // zoom-ROUND.csv
	teamsPrefix  = "teams-"    // teams-ROUND.md
)

// WriteAll writes every output of plan into dir, creating it when needed:
//
//	rosters.csv              WriteRosters
//	sessions.csv             WriteSessions
//	zoom-ROUND.csv           WriteZoom, one a round
//	teams-ROUND.md           WriteTeams, one a round
//	calendars/PART.ics       WriteCalendar, one per participant in a room
//	                         of a round with start and end times
//	report.html              WriteReport
//
// ROUND and PART are the round and participant ids made safe by Stems, so
// no file lands outside dir. It returns the paths written (dir joined with
// the names above, in that order) and the warnings of the writers, with
// every rule the plan breaks according to model.Check first. Files of an
// earlier run into dir that this one does not write (the calendar of
// someone no longer in the plan, the Zoom file of a round since removed:
// files named as above, nothing else) are removed, with a warning naming
// them, so that the directory holds this plan alone and no stale
// invitation goes out.
//
// A failure to write stops WriteAll; the paths returned are those written
// before it.
func WriteAll(dir string, ev *model.Event, plan *model.Plan, opts Options) ([]string, []Warning, error) {
	if ev == nil || plan == nil {
		return nil, nil, errNil
	}
	v := newView(ev, plan)
	var warn []Warning
	for _, vi := range model.Check(v.ev, plan).Violations {
		warn = append(warn, Warning{Message: vi.String()})
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, warn, fmt.Errorf("export: %w", err)
	}
	var files []string
	put := func(name string, write func(io.Writer) error) error {
		if !filepath.IsLocal(filepath.FromSlash(name)) { // cannot happen: Stems makes plain names
			return fmt.Errorf("export: file name %q would leave the output directory", name)
		}
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			return fmt.Errorf("export: %s: %w", name, err)
		}
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.WriteFile(full, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		files = append(files, full)
		return nil
	}

	if err := put(RostersFile, v.writeRosters); err != nil {
		return files, warn, err
	}
	if err := put(SessionsFile, v.writeSessions); err != nil {
		return files, warn, err
	}
	roundIDs := make([]string, len(v.ev.Rounds))
	for i, r := range v.ev.Rounds {
		roundIDs[i] = r.ID
	}
	roundStems := Stems(roundIDs)
	for r := range v.ev.Rounds {
		name := zoomPrefix + roundStems[r] + ".csv"
		err := put(name, func(w io.Writer) error {
			ws, err := v.writeZoom(w, r, opts)
			for _, x := range ws {
				x.File = name
				warn = append(warn, x)
			}
			return err
		})
		if err != nil {
			return files, warn, err
		}
	}
	for r := range v.ev.Rounds {
		err := put(teamsPrefix+roundStems[r]+".md", func(w io.Writer) error { return v.writeTeams(w, r) })
		if err != nil {
			return files, warn, err
		}
	}

	spans, spanWarn := timedRounds(v.ev)
	warn = append(warn, spanWarn...)
	timed := false
	for _, s := range spans {
		timed = timed || s.ok
	}
	if !timed {
		warn = append(warn, Warning{Message: "no round has start and end times: no calendars written"})
	} else {
		partIDs := make([]string, len(v.ev.Participants))
		for i, p := range v.ev.Participants {
			partIDs[i] = p.ID
		}
		partStems := Stems(partIDs)
		var without []string
		madeDir := false
		for pi, p := range v.ev.Participants {
			if !v.hasCalendar(pi, spans) {
				without = append(without, p.ID)
				continue
			}
			if !madeDir {
				if err := os.MkdirAll(filepath.Join(dir, CalendarDir), 0o755); err != nil {
					return files, warn, fmt.Errorf("export: %w", err)
				}
				madeDir = true
			}
			name := path.Join(CalendarDir, partStems[pi]+".ics")
			err := put(name, func(w io.Writer) error { return v.writeCalendar(w, pi, spans, opts) })
			if err != nil {
				return files, warn, err
			}
		}
		if len(without) > 0 {
			warn = append(warn, Warning{File: CalendarDir, Message: fmt.Sprintf(
				"%d participant(s) are in no room of a round with start and end times and get no calendar: %s",
				len(without), strings.Join(without, ", "))})
		}
	}

	if err := put(ReportFile, func(w io.Writer) error { return reportTemplate.Execute(w, v.reportData()) }); err != nil {
		return files, warn, err
	}
	stale, err := removeStale(dir, files)
	if len(stale) > 0 {
		warn = append(warn, Warning{Message: fmt.Sprintf("removed %d file(s) of an earlier export that this plan does not have: %s",
			len(stale), strings.Join(stale, ", "))})
	}
	return files, warn, err
}

// removeStale removes the files of an earlier export into dir that are
// not among written: zoom-*.csv and teams-*.md in dir, *.ics in its
// calendars directory. It returns their names, relative to dir, in
// order.
func removeStale(dir string, written []string) ([]string, error) {
	// Names compare case aside: on the file systems of macOS and Windows
	// a file written as p1.ics over an earlier P1.ics keeps the old name,
	// and is this run's all the same.
	keep := map[string]bool{}
	for _, f := range written {
		keep[strings.ToLower(filepath.Clean(f))] = true
	}
	var stale []string
	for _, place := range []struct{ sub, pattern string }{
		{"", zoomPrefix + "*.csv"}, {"", teamsPrefix + "*.md"}, {CalendarDir, "*.ics"},
	} {
		entries, err := os.ReadDir(filepath.Join(dir, place.sub))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return stale, fmt.Errorf("export: %w", err)
		}
		for _, e := range entries {
			full := filepath.Join(dir, place.sub, e.Name())
			if ok, _ := path.Match(place.pattern, e.Name()); !ok || !e.Type().IsRegular() || keep[strings.ToLower(filepath.Clean(full))] {
				continue
			}
			if err := os.Remove(full); err != nil {
				return stale, fmt.Errorf("export: %w", err)
			}
			stale = append(stale, path.Join(place.sub, e.Name()))
		}
	}
	return stale, nil
}

// maxStem is the longest file-name stem, in bytes.
const maxStem = 64

// Stems returns a file-name stem for each id: ASCII letters, digits, '-',
// '_' and '.' kept, every other character replaced by '_', no leading or
// trailing '.', at most 64 bytes, and never a name Windows reserves
// (CON, NUL, COM1, ...). So a stem is a plain name that stays inside the
// directory it is written to: no "..", no separator, never absolute.
// Stems that would coincide, case aside (as on macOS and Windows), get
// "-2", "-3", ... in the order of ids, so the result depends only on the
// ids and their order.
func Stems(ids []string) []string {
	used := map[string]bool{}
	out := make([]string, len(ids))
	for i, id := range ids {
		base := stem(id)
		s := base
		for k := 2; used[strings.ToLower(s)]; k++ {
			suffix := "-" + strconv.Itoa(k)
			s = base[:min(len(base), maxStem-len(suffix))] + suffix
		}
		used[strings.ToLower(s)] = true
		out[i] = s
	}
	return out
}

func stem(id string) string {
	var b strings.Builder
	for _, r := range id {
		if b.Len() >= maxStem {
			break
		}
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == '.' && b.Len() > 0:
			b.WriteByte('.')
		default:
			b.WriteByte('_')
		}
	}
	s := strings.TrimRight(b.String(), ".")
	if s == "" {
		s = "_"
	}
	if reservedOnWindows(s) {
		s += "_"
	}
	return s
}

// reservedOnWindows reports whether a file named s (with any extension)
// would be a device on Windows.
func reservedOnWindows(s string) bool {
	base, _, _ := strings.Cut(strings.ToUpper(s), ".")
	switch base {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	if len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) && base[3] >= '0' && base[3] <= '9' {
		return true
	}
	return false
}
