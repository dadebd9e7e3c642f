package model

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// CSVError is one problem of a registrations file: a cell that names an
// unknown theme, a malformed number, a broken quote. Line is the line of
// the file (the header's is 1 unless empty lines come first), Column the
// 1-based column number, in characters, and
// Header the column's name when known. ReadRegistrations reports every
// bad cell of every row, joined with errors.Join; errors.As finds the
// first.
type CSVError struct {
	File         string
	Line, Column int
	Header       string
	Message      string
}

func (e *CSVError) Error() string {
	var b strings.Builder
	switch {
	case e.File != "":
		fmt.Fprintf(&b, "%s:%d", e.File, e.Line)
	default:
		fmt.Fprintf(&b, "line %d", e.Line)
	}
	switch {
	case e.Header != "":
		fmt.Fprintf(&b, ": column %s", e.Header)
	case e.Column > 0 && e.File != "":
		fmt.Fprintf(&b, ":%d", e.Column)
	case e.Column > 0:
		fmt.Fprintf(&b, ", column %d", e.Column)
	}
	b.WriteString(": " + e.Message)
	return b.String()
}

// Warning is something in a registrations file that was ignored, like a
// column the format does not know.
type Warning struct {
	File    string
	Line    int
	Column  string // the column's name, when the warning is about one
	Message string
}

func (w Warning) String() string {
	return (&CSVError{File: w.File, Line: w.Line, Header: w.Column, Message: w.Message}).Error()
}

// Registration columns, as docs/FORMAT.md names them; choice columns are
// choice1, choice2, ...
const (
	colID           = "id"
	colName         = "name"
	colEmail        = "email"
	colOrganisation = "organisation"
	colCompetences  = "competences"
	colSessions     = "sessions"
	colRounds       = "rounds"
)

var knownColumns = []string{colID, colName, colEmail, colOrganisation, colCompetences, "choice1", colSessions, colRounds}

// ReadRegistrations reads the registrations CSV of docs/FORMAT.md and
// returns one participant a row, in file order, referring to the
// organisations, themes and rounds of ev.
//
// The delimiter is ',' or ';', whichever the header line holds more of
// outside quotes. A leading UTF-8 byte-order mark is skipped. Header names
// are trimmed and compared ignoring case. Cells are trimmed; rows whose
// cells are all empty are skipped.
//
//   - id: when the column is absent, the id is "row-" and the row's line
//     number in the file, zero-padded to four digits ("row-0002" for the
//     first row under the header): stable for a given file, and unique.
//   - organisation: an organisation's id, or its id or name compared with
//     case and accents ignored (see foldKey).
//   - competences, rounds: lists separated by '|'. Rounds are round ids,
//     or ids or labels with case and accents ignored; an empty cell means
//     every round.
//   - choice1 ... choiceN: a theme's id or name, matched like
//     organisations, taken in the order of N; empty cells are skipped.
//   - sessions: an integer, 0 or more; empty means as many as possible.
//
// Unknown columns are ignored with one warning each. Every bad cell of
// every row is reported, each as a *CSVError with line and column, joined
// in one error; participants are returned only when there is none.
// Participants from a file have no delegation or pinned fields.
func ReadRegistrations(r io.Reader, ev *Event) ([]Participant, []Warning, error) {
	return readRegistrations(r, ev, "")
}

// LoadRegistrations reads the registrations file at path; its errors and
// warnings name the file.
func LoadRegistrations(path string, ev *Event) ([]Participant, []Warning, error) {
	f, err := openInput(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return readRegistrations(f, ev, path)
}

// regReader holds the state of one read: the columns found, the lookups
// into the event and the errors so far.
type regReader struct {
	file string
	ev   *Event
	errs []error
	warn []Warning

	cols       map[string]int // known column name -> index
	choices    []int          // indexes of choice columns, by N
	header     []string
	headerLine int // the header's line in the file: 1 but for empty lines before it
	data       []byte

	orgs, themes, rounds lookup
}

func (rr *regReader) fail(line, col int, format string, args ...any) {
	h := ""
	if col >= 0 && col < len(rr.header) {
		h = rr.header[col]
	}
	rr.errs = append(rr.errs, &CSVError{File: rr.file, Line: line, Column: col + 1, Header: h, Message: fmt.Sprintf(format, args...)})
}

func readRegistrations(r io.Reader, ev *Event, file string) ([]Participant, []Warning, error) {
	if ev == nil {
		return nil, nil, errors.New("model: reading registrations needs the event they refer to")
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("reading registrations: %w", err)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	rr := &regReader{file: file, ev: ev, data: data}
	if bad := invalidUTF8(data); bad >= 0 {
		rr.fail(bytes.Count(data[:bad], []byte{'\n'})+1, -1, "the file is not UTF-8; save it as \"CSV UTF-8\"")
		return nil, nil, errors.Join(rr.errs...)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = detectDelimiter(data)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		rr.fail(1, -1, "empty file; want a header row naming the columns")
		return nil, nil, errors.Join(rr.errs...)
	}
	if err != nil {
		rr.parseError(err)
		return nil, nil, errors.Join(rr.errs...)
	}
	rr.headerLine, _ = cr.FieldPos(0)
	rr.readHeader(header)
	rr.orgs = newLookup(len(ev.Organisations), func(i int) (string, []string) {
		o := ev.Organisations[i]
		return o.ID, []string{o.Name}
	})
	rr.themes = newLookup(len(ev.Themes), func(i int) (string, []string) {
		t := ev.Themes[i]
		return t.ID, []string{t.Name}
	})
	rr.rounds = newLookup(len(ev.Rounds), func(i int) (string, []string) {
		r := ev.Rounds[i]
		return r.ID, []string{r.Label}
	})
	if len(rr.errs) > 0 {
		return nil, rr.warn, errors.Join(rr.errs...)
	}

	var out []Participant
	firstLine := map[string]int{} // participant id -> line
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// After a broken quote the reader cannot tell where rows
			// start, so later rows are not trustworthy: stop here.
			rr.parseError(err)
			break
		}
		line, _ := cr.FieldPos(0)
		if p, ok := rr.row(rec, line, cr); ok {
			if prev, dup := firstLine[p.ID]; dup {
				rr.fail(line, rr.col(colID), "id %q repeats line %d; give every participant a unique id", p.ID, prev)
			} else {
				firstLine[p.ID] = line
			}
			out = append(out, p)
		}
	}
	if len(rr.errs) > 0 {
		return nil, rr.warn, errors.Join(rr.errs...)
	}
	return out, rr.warn, nil
}

func (rr *regReader) col(name string) int {
	if i, ok := rr.cols[name]; ok {
		return i
	}
	return -1
}

func (rr *regReader) parseError(err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error() + "; check the quotes"
		if pe.StartLine != pe.Line {
			msg += fmt.Sprintf(" of the row that starts on line %d", pe.StartLine)
		}
		rr.errs = append(rr.errs, &CSVError{File: rr.file, Line: pe.Line, Column: rr.charColumn(pe.Line, pe.Column), Message: msg})
		return
	}
	rr.fail(0, -1, "%v", err)
}

// charColumn turns the CSV reader's column on a line, a byte index from
// 1, into a character's, as an editor counts them (and the JSON reader).
func (rr *regReader) charColumn(line, col int) int {
	rest := rr.data
	for range line - 1 {
		_, after, ok := bytes.Cut(rest, []byte{'\n'})
		if !ok {
			return col
		}
		rest = after
	}
	if col < 1 || col-1 > len(rest) {
		return col
	}
	return utf8.RuneCount(rest[:col-1]) + 1
}

// detectDelimiter returns ';' when the header line (the first that is not
// empty: the CSV reader skips empty lines) holds more semicolons than
// commas outside quotes, and ',' otherwise.
func detectDelimiter(data []byte) rune {
	for len(data) > 0 && (data[0] == '\n' || data[0] == '\r' && len(data) > 1 && data[1] == '\n') {
		_, data, _ = bytes.Cut(data, []byte{'\n'})
	}
	commas, semis, quoted := 0, 0, false
	for _, c := range data {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			if semis > commas {
				return ';'
			}
			return ','
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

func (rr *regReader) readHeader(header []string) {
	rr.cols = map[string]int{}
	rr.header = make([]string, len(header))
	type choice struct{ n, col int }
	var choices []choice
	for i, h := range header {
		h = strings.TrimSpace(h)
		rr.header[i] = h
		name := strings.ToLower(h)
		if j, dup := rr.cols[name]; dup {
			rr.fail(rr.headerLine, i, "column %q appears twice (columns %d and %d); remove one", h, j+1, i+1)
			continue
		}
		if n, ok := choiceNumber(name); ok {
			if k := slices.IndexFunc(choices, func(c choice) bool { return c.n == n }); k >= 0 {
				rr.fail(rr.headerLine, i, "columns %q and %q are both choice %d (columns %d and %d); rename one", header[choices[k].col], h, n, choices[k].col+1, i+1)
				continue
			}
			rr.cols[name] = i
			choices = append(choices, choice{n, i})
			continue
		}
		if slices.Contains(knownColumns, name) {
			rr.cols[name] = i
			continue
		}
		if h == "" {
			rr.warn = append(rr.warn, Warning{File: rr.file, Line: rr.headerLine, Column: strconv.Itoa(i + 1), Message: "column without a name ignored"})
			continue
		}
		rr.warn = append(rr.warn, Warning{File: rr.file, Line: rr.headerLine, Column: h,
			Message: "unknown column ignored" + didYouMean(name, idCandidates(knownColumns))})
	}
	slices.SortFunc(choices, func(a, b choice) int { return a.n - b.n })
	for _, c := range choices {
		rr.choices = append(rr.choices, c.col)
	}
	if _, ok := rr.cols[colOrganisation]; !ok {
		rr.fail(rr.headerLine, -1, "no organisation column; add one with each participant's organisation id or name")
	}
}

// choiceNumber parses "choiceN" with N a positive integer.
func choiceNumber(h string) (int, bool) {
	rest, ok := strings.CutPrefix(h, "choice")
	if !ok || rest == "" || len(rest) > 6 {
		return 0, false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n > 0
}

// lineBreaks makes every line break inside a cell "\n".
var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// row turns one record into a participant, reporting every bad cell.
func (rr *regReader) row(rec []string, line int, cr *csv.Reader) (Participant, bool) {
	nerr := len(rr.errs)
	cell := func(col int) string {
		if col < 0 || col >= len(rec) {
			return ""
		}
		// Line breaks inside a quoted cell end as "\n" whatever the file
		// used: encoding/csv turns "\r\n" into "\n" but keeps a lone "\r",
		// so a cell holding "\r\r\n" would read back differently once
		// written out.
		return strings.TrimSpace(lineBreaks.Replace(rec[col]))
	}
	at := func(col int) int {
		if col < 0 || col >= len(rec) {
			return line
		}
		l, _ := cr.FieldPos(col)
		return l
	}
	empty := true
	for i := range rec {
		if cell(i) != "" {
			empty = false
			if i >= len(rr.header) {
				rr.fail(line, i, "row has %d cells but the header names %d columns; add a header or remove the cell", len(rec), len(rr.header))
				break
			}
		}
	}
	if empty {
		return Participant{}, false
	}

	var p Participant
	if c := rr.col(colID); c >= 0 {
		p.ID = cell(c)
		if p.ID == "" {
			rr.fail(at(c), c, "empty id; fill it in, or remove the id column to number rows")
		}
	} else {
		p.ID = fmt.Sprintf("row-%04d", line)
	}
	p.Name = cell(rr.col(colName))
	p.Email = cell(rr.col(colEmail))

	if c := rr.col(colOrganisation); c >= 0 {
		o := cell(c)
		if o == "" {
			rr.fail(at(c), c, "empty organisation; fill in its id or name")
		} else if i, msg := rr.orgs.find(o, "organisation"); msg != "" {
			rr.fail(at(c), c, "%s", msg)
		} else {
			p.Organisation = rr.ev.Organisations[i].ID
		}
	}
	p.Competences = splitList(cell(rr.col(colCompetences)))

	firstCol := map[string]int{} // theme id -> column of its first choice
	for _, c := range rr.choices {
		v := cell(c)
		if v == "" {
			continue
		}
		i, msg := rr.themes.find(v, "theme")
		if msg != "" {
			rr.fail(at(c), c, "%s", msg)
			continue
		}
		id := rr.ev.Themes[i].ID
		if prev, dup := firstCol[id]; dup {
			rr.fail(at(c), c, "theme %q is also chosen in column %s; choose each theme once", id, rr.header[prev])
			continue
		}
		firstCol[id] = c
		p.Preferences = append(p.Preferences, id)
	}

	if c := rr.col(colSessions); c >= 0 && cell(c) != "" {
		n, err := strconv.Atoi(cell(c))
		switch {
		case err != nil:
			rr.fail(at(c), c, "%q is not a whole number; write how many sessions the participant wants, or leave it empty", cell(c))
		case n < 0:
			rr.fail(at(c), c, "negative number of sessions %d; use 0 or more", n)
		default:
			p.Sessions = &n
		}
	}

	if c := rr.col(colRounds); c >= 0 {
		for _, v := range splitList(cell(c)) {
			i, msg := rr.rounds.find(v, "round")
			if msg != "" {
				rr.fail(at(c), c, "%s", msg)
				continue
			}
			if id := rr.ev.Rounds[i].ID; !slices.Contains(p.Rounds, id) {
				p.Rounds = append(p.Rounds, id)
			}
		}
	}
	return p, len(rr.errs) == nerr
}

// splitList splits a '|'-separated cell, trimming items and dropping
// empty ones; nil when nothing is left.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, "|") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// lookup finds an element of an event list by exact id, then by id or
// name with case and accents ignored.
type lookup struct {
	exact  map[string]int
	folded map[string][]int
	ids    []string
	cands  []candidate
}

func newLookup(n int, names func(int) (string, []string)) lookup {
	l := lookup{exact: map[string]int{}, folded: map[string][]int{}}
	for i := range n {
		id, others := names(i)
		l.ids = append(l.ids, id)
		if _, dup := l.exact[id]; !dup {
			l.exact[id] = i
		}
		for _, k := range append(slices.Clone(others), id) {
			if k == "" {
				continue
			}
			// A cell may hold the id or the name: the suggestion is the
			// one closest to what was written ("r3" gets a round's id, not
			// its label "10:30-12:00"), the name when both are as close
			// (a form shows names).
			l.cands = append(l.cands, candidate{Key: k, Show: k})
			fk := foldKey(k)
			if !slices.Contains(l.folded[fk], i) {
				l.folded[fk] = append(l.folded[fk], i)
			}
		}
	}
	return l
}

// find returns the index for s, or a message saying why there is none.
func (l lookup) find(s, kind string) (int, string) {
	if i, ok := l.exact[s]; ok {
		return i, ""
	}
	switch m := l.folded[foldKey(s)]; len(m) {
	case 0:
		return -1, fmt.Sprintf("unknown %s %q%s", kind, s, didYouMean(s, l.cands))
	case 1:
		return m[0], ""
	default:
		ids := make([]string, len(m))
		for j, i := range m {
			ids[j] = strconv.Quote(l.ids[i])
		}
		return -1, fmt.Sprintf("%q matches the %ss %s; write the id", s, kind, strings.Join(ids, " and "))
	}
}
