package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// DecodeError is a JSON input that cannot be read as an event or a plan:
// a syntax error, a value of the wrong type or an unknown field. Line and
// Column (1-based, columns in characters) point at the offending place;
// Path names it in the document, like `participants[3].sessions`.
type DecodeError struct {
	File         string // empty when reading from a stream
	Line, Column int
	Path         string
	Message      string
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	if e.File != "" {
		fmt.Fprintf(&b, "%s:%d:%d: ", e.File, e.Line, e.Column)
	} else {
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// DecodeEvent reads one event as JSON. Fields the input leaves out keep
// the values of NewEvent, so an event without "weights" has the default
// weights. Unknown fields are errors (a misspelt field would otherwise be
// silently ignored), as are values of the wrong type and anything after
// the event; each error is a *DecodeError with line and column.
//
// Empty lists and maps whose absence means the same (sessions, hosts,
// participants, competences, preferences, host organisations, pins) are
// read as absent, so that EncodeEvent and DecodeEvent round-trip. An empty
// "rounds" list of a participant or host is kept: it differs from an
// absent one, and Validate rejects it.
//
// DecodeEvent does not validate; LoadEvent does.
func DecodeEvent(r io.Reader) (*Event, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading event: %w", err)
	}
	ev := NewEvent()
	if err := decodeStrict(data, ev); err != nil {
		return nil, err
	}
	ev.dropEmpty()
	return ev, nil
}

// dropEmpty turns empty lists whose absence means the same into nil.
func (e *Event) dropEmpty() {
	if len(e.Sessions) == 0 {
		e.Sessions = nil
	}
	if len(e.Hosts) == 0 {
		e.Hosts = nil
	}
	if len(e.Participants) == 0 {
		e.Participants = nil
	}
	for i := range e.Themes {
		e.Themes[i].Competences = nilIfEmpty(e.Themes[i].Competences)
	}
	for i := range e.Hosts {
		e.Hosts[i].Organisations = nilIfEmpty(e.Hosts[i].Organisations)
	}
	for i := range e.Participants {
		p := &e.Participants[i]
		p.Competences = nilIfEmpty(p.Competences)
		p.Preferences = nilIfEmpty(p.Preferences)
		if len(p.Pinned) == 0 {
			p.Pinned = nil
		}
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// EncodeEvent writes e as indented JSON that DecodeEvent reads back to an
// equal event.
func EncodeEvent(w io.Writer, e *Event) error {
	if e == nil {
		return errors.New("model: no event to encode")
	}
	return encodeIndented(w, e)
}

// LoadEvent reads, decodes and validates the event in the file at path.
// Every error message starts with the path ("broken.json: ..."), on each
// of its lines. When the event is invalid, the error wraps its
// ValidationErrors: errors.As(err, &ValidationErrors{}) lists them. The
// event is returned as read, not normalized.
func LoadEvent(path string) (*Event, error) {
	f, err := openInput(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ev, err := DecodeEvent(f)
	if err != nil {
		return nil, inFile(path, err)
	}
	if err := ev.Validate(); err != nil {
		return nil, inFile(path, err)
	}
	return ev, nil
}

// DecodePlan reads one plan as JSON, as strictly as DecodeEvent reads an
// event.
func DecodePlan(r io.Reader) (*Plan, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	p := new(Plan)
	if err := decodeStrict(data, p); err != nil {
		return nil, err
	}
	return p, nil
}

// LoadPlan reads and decodes the plan in the file at path. Error messages
// start with the path.
func LoadPlan(path string) (*Plan, error) {
	f, err := openInput(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := DecodePlan(f)
	if err != nil {
		return nil, inFile(path, err)
	}
	return p, nil
}

// EncodePlan writes p as indented JSON. Absent delegations, assignments,
// unplaced participants and explanation lines are written as [], never
// null, so consumers in other languages can iterate without a check.
func EncodePlan(w io.Writer, p *Plan) error {
	if p == nil {
		return errors.New("model: no plan to encode")
	}
	q := *p
	q.Delegations = emptyIfNil(q.Delegations)
	q.Assignments = emptyIfNil(q.Assignments)
	q.Unplaced = emptyIfNil(q.Unplaced)
	if q.Explanations != nil {
		q.Explanations = append([]Explanation(nil), q.Explanations...)
		for i := range q.Explanations {
			q.Explanations[i].Lines = emptyIfNil(q.Explanations[i].Lines)
		}
	}
	return encodeIndented(w, &q)
}

func emptyIfNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func encodeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// openInput opens a file to read; its error starts with the path, like
// every error of the Load functions, and still satisfies
// errors.Is(err, fs.ErrNotExist).
func openInput(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &fileError{path: path, err: err}
	}
	return f, nil
}

// fileError puts a file name in front of every line of an error, and
// unwraps to it so that errors.As still finds ValidationErrors.
type fileError struct {
	path string
	err  error
}

func (e *fileError) Error() string {
	lines := strings.Split(e.err.Error(), "\n")
	for i, l := range lines {
		lines[i] = e.path + ": " + l
	}
	return strings.Join(lines, "\n")
}

func (e *fileError) Unwrap() error { return e.err }

// inFile names the file in err: a DecodeError gets its File field set, so
// that it prints as file:line:column; other errors are wrapped.
func inFile(path string, err error) error {
	var de *DecodeError
	if errors.As(err, &de) {
		c := *de
		c.File = path
		return &c
	}
	return &fileError{path: path, err: err}
}

// decodeStrict decodes data into v (a pointer to a struct) after walking
// it once against v's type, which finds unknown fields, repeated fields and
// type mismatches with their position. encoding/json alone reports an
// unknown field without its position, and matches field names ignoring
// case, which would let "Rounds" pass for "rounds".
func decodeStrict(data []byte, v any) error {
	data = bytes.TrimPrefix(data, utf8BOM) // editors on Windows add one
	w := &jsonWalker{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	w.dec.UseNumber()
	if off := invalidUTF8(data); off >= 0 {
		// encoding/json would put U+FFFD for the bad bytes: a name
		// written in Latin-1 would come out changed, without a word.
		return w.errAt(off, "", "the file is not UTF-8; save it as UTF-8 (in a text editor: Save As, encoding UTF-8)")
	}
	if off := w.start(); off < len(data) && data[off] != '{' {
		return w.errAt(off, "", "want a JSON object, starting with {")
	}
	if err := w.value(reflect.TypeOf(v).Elem(), ""); err != nil {
		return err
	}
	end := int(w.dec.InputOffset())
	for end < len(data) && strings.ContainsRune(" \t\r\n", rune(data[end])) {
		end++
	}
	if _, err := w.dec.Token(); err != io.EOF {
		return w.errAt(end, "", "unexpected data after the end of the document; remove it")
	}
	if err := json.Unmarshal(data, v); err != nil {
		// The walk accepts what Unmarshal accepts; this is a safety net.
		return w.errAt(0, "", err.Error())
	}
	return nil
}

// invalidUTF8 returns the offset of the first byte of data that is not
// valid UTF-8, or -1 when it all is.
func invalidUTF8(data []byte) int {
	if utf8.Valid(data) {
		return -1
	}
	off := 0
	for off < len(data) {
		c, n := utf8.DecodeRune(data[off:])
		if c == utf8.RuneError && n <= 1 {
			break
		}
		off += n
	}
	return off
}

type jsonWalker struct {
	data []byte
	dec  *json.Decoder
}

// start returns the offset where the next token begins.
func (w *jsonWalker) start() int {
	p := int(w.dec.InputOffset())
	for p < len(w.data) {
		switch w.data[p] {
		case ' ', '\t', '\r', '\n', ',', ':':
			p++
			continue
		}
		break
	}
	return p
}

// errAt builds a DecodeError at a byte offset of the input.
func (w *jsonWalker) errAt(off int, path, msg string) *DecodeError {
	off = min(max(off, 0), len(w.data))
	before := w.data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return &DecodeError{Line: line, Column: col, Path: path, Message: msg}
}

// token reads the next token, turning syntax errors into DecodeErrors.
func (w *jsonWalker) token(path string) (json.Token, int, error) {
	off := w.start()
	tok, err := w.dec.Token()
	if err == nil {
		return tok, off, nil
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// The decoder's offset may lie before white space; the scanner
		// behind Unmarshal stops right after the bad byte, and both meet
		// the same first error.
		var v any
		if uerr := json.Unmarshal(w.data, &v); errors.As(uerr, &se) {
			return nil, off, w.errAt(int(se.Offset)-1, path, se.Error())
		}
		return nil, off, w.errAt(off, path, se.Error())
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		if len(bytes.TrimSpace(w.data)) == 0 {
			return nil, off, w.errAt(len(w.data), path, "empty input; want a JSON object")
		}
		return nil, off, w.errAt(len(w.data), path, "unexpected end of input; the document is cut off or misses a closing bracket")
	}
	return nil, off, w.errAt(off, path, err.Error())
}

// value walks one JSON value that should decode into a t.
func (w *jsonWalker) value(t reflect.Type, path string) error {
	tok, off, err := w.token(path)
	if err != nil {
		return err
	}
	if tok == nil { // null leaves the Go value as it is, or nil
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if tok != json.Delim('{') {
			return w.mismatch(off, path, "an object", tok)
		}
		return w.object(t, path)
	case reflect.Slice:
		if tok != json.Delim('[') {
			return w.mismatch(off, path, "a list", tok)
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, _, err := w.token(path) // ']'
		return err
	case reflect.Map:
		if tok != json.Delim('{') {
			return w.mismatch(off, path, "an object", tok)
		}
		seen := map[string]bool{}
		for w.dec.More() {
			kt, koff, err := w.token(path)
			if err != nil {
				return err
			}
			k, _ := kt.(string)
			if seen[k] {
				return w.errAt(koff, path, fmt.Sprintf("key %q appears twice; keep one", k))
			}
			seen[k] = true
			if err := w.value(t.Elem(), joinPath(path, pathKey(k))); err != nil {
				return err
			}
		}
		_, _, err := w.token(path) // '}'
		return err
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return w.mismatch(off, path, "a string", tok)
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return w.mismatch(off, path, "true or false", tok)
		}
	case reflect.Int, reflect.Int64:
		n, ok := tok.(json.Number)
		if !ok {
			return w.mismatch(off, path, "an integer", tok)
		}
		bits := 64
		if t.Kind() == reflect.Int {
			bits = strconv.IntSize
		}
		if _, err := strconv.ParseInt(string(n), 10, bits); err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return w.errAt(off, path, fmt.Sprintf("number %s is out of range", n))
			}
			return w.errAt(off, path, fmt.Sprintf("want an integer, got %s", n))
		}
	default:
		return w.errAt(off, path, "unsupported field type "+t.String())
	}
	return nil
}

// object walks the members of an object decoding into struct type t; the
// opening brace is already read.
func (w *jsonWalker) object(t reflect.Type, path string) error {
	fields := jsonFields(t)
	seen := map[string]bool{}
	for w.dec.More() {
		kt, koff, err := w.token(path)
		if err != nil {
			return err
		}
		k, _ := kt.(string)
		ft, ok := fields[k]
		if !ok {
			names := make([]string, 0, len(fields))
			for _, f := range reflect.VisibleFields(t) {
				if n := jsonName(f); n != "" {
					names = append(names, n)
				}
			}
			return w.errAt(koff, path, fmt.Sprintf("unknown field %q%s", k, didYouMean(k, idCandidates(names))))
		}
		if seen[k] {
			return w.errAt(koff, path, fmt.Sprintf("field %q appears twice; keep one", k))
		}
		seen[k] = true
		if err := w.value(ft, joinPath(path, k)); err != nil {
			return err
		}
	}
	_, _, err := w.token(path) // '}'
	return err
}

func (w *jsonWalker) mismatch(off int, path, want string, tok json.Token) error {
	var got string
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			got = "an object"
		} else {
			got = "a list"
		}
	case string:
		got = "string " + strconv.Quote(v)
	case json.Number:
		got = "number " + string(v)
	case bool:
		got = strconv.FormatBool(v)
	default:
		got = fmt.Sprint(v)
	}
	return w.errAt(off, path, fmt.Sprintf("want %s, got %s", want, got))
}

func joinPath(path, name string) string {
	switch {
	case path == "":
		return name
	case strings.HasPrefix(name, "["):
		return path + name
	}
	return path + "." + name
}

// jsonFields maps the JSON names of a struct's fields to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for _, f := range reflect.VisibleFields(t) {
		if n := jsonName(f); n != "" {
			m[n] = f.Type
		}
	}
	return m
}

func jsonName(f reflect.StructField) string {
	if !f.IsExported() || f.Anonymous {
		return ""
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return ""
	}
	if n, _, _ := strings.Cut(tag, ","); n != "" {
		return n
	}
	return f.Name
}
