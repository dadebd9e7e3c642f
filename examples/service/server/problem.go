package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable-go/roundtable/assign"
	"github.com/roundtable-go/roundtable/model"
)

// ProblemBase starts the type URI of every problem document: the anchor
// names the kind of problem, documented in examples/service/README.md.
const ProblemBase = "https://github.com/roundtable-go/roundtable/blob/main/examples/service/README.md#"

// Kinds of problem, the anchors of their type URIs.
const (
	KindInvalidJSON          = "invalid-json"           // 400: the body is not a readable event, plan or check request
	KindInvalidRegistrations = "invalid-registrations"  // 400: the registrations CSV has bad cells
	KindInvalidMultipart     = "invalid-multipart"      // 400: parts missing, repeated or unknown
	KindInvalidParameter     = "invalid-parameter"      // 400: a query parameter cannot be read
	KindNotFound             = "not-found"              // 404
	KindMethodNotAllowed     = "method-not-allowed"     // 405
	KindBodyTooLarge         = "body-too-large"         // 413
	KindUnsupportedMediaType = "unsupported-media-type" // 415
	KindLimitExceeded        = "limit-exceeded"         // 422: too many participants, sessions, ...
	KindInvalidEvent         = "invalid-event"          // 422: model.Validate's problems
	KindNoPlan               = "no-plan"                // 422: a valid event without any valid plan
	KindInternal             = "internal"               // 500: a bug; logged with its stack
	KindBusy                 = "busy"                   // 503: every solve slot taken; see Retry-After
	KindTimeout              = "timeout"                // 503: no plan within the time limit
)

// Problem is an RFC 9457 problem document, the body of every answer that
// is not a success.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Instance is the request path.
	Instance string `json:"instance,omitempty"`
	// Errors lists what is wrong in the input, with where, for the kinds
	// invalid-json, invalid-registrations, invalid-event and no-plan.
	Errors []FieldError `json:"errors,omitempty"`
	// Limit names the limit a limit-exceeded or body-too-large request
	// went over.
	Limit *Limit `json:"limit,omitempty"`
	// RetryAfter repeats the Retry-After header of a busy answer, in
	// seconds.
	RetryAfter int `json:"retryAfter,omitempty"`

	header http.Header // extra response headers
}

// FieldError is one thing wrong in the input. Path locates it in the JSON
// document the client sent (`participants[3].preferences[0]`,
// `plan.assignments[2].round`); Line and Column (1-based) are set when the
// position in the body or part is known. Part names the multipart part.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
	Part    string `json:"part,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
}

// Limit is one of the service's limits: its name, the flag that sets it,
// its value and what the request had (when known).
type Limit struct {
	Name string `json:"name"`
	Flag string `json:"flag"`
	Max  int64  `json:"max"`
	Got  int64  `json:"got,omitempty"`
}

func newProblem(status int, kind, title, detail string) *Problem {
	return &Problem{Type: ProblemBase + kind, Title: title, Status: status, Detail: detail}
}

// Kind returns the anchor of the problem's type, like "busy".
func (p *Problem) Kind() string { return strings.TrimPrefix(p.Type, ProblemBase) }

func (p *Problem) Error() string {
	return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail)
}

// write sends the problem as application/problem+json.
func (p *Problem) write(w http.ResponseWriter, r *http.Request) {
	if p.Instance == "" && r != nil {
		p.Instance = r.URL.Path
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil { // cannot happen: plain fields only
		buf.Reset()
		fmt.Fprintf(&buf, `{"type":%q,"title":"Internal error","status":500}`+"\n", ProblemBase+KindInternal)
		p.Status = http.StatusInternalServerError
	}
	h := w.Header()
	for k, v := range p.header {
		h[k] = v
	}
	h.Set("Content-Type", "application/problem+json")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	if rw, ok := w.(*recorder); ok {
		rw.kind = p.Kind()
	}
	w.WriteHeader(p.Status)
	w.Write(buf.Bytes())
}

func busy(retryAfter time.Duration, detail string) *Problem {
	secs := max(1, int((retryAfter+time.Second-1)/time.Second))
	p := newProblem(http.StatusServiceUnavailable, KindBusy, "The service is busy", detail)
	p.RetryAfter = secs
	p.header = http.Header{"Retry-After": {strconv.Itoa(secs)}}
	return p
}

func tooLarge(max int64) *Problem {
	p := newProblem(http.StatusRequestEntityTooLarge, KindBodyTooLarge, "Request body too large",
		fmt.Sprintf("the body is larger than %d bytes, the service's limit (-max-body-bytes)", max))
	p.Limit = &Limit{Name: "body bytes", Flag: "-max-body-bytes", Max: max}
	return p
}

// inputProblem turns an error of decoding or validating the input into
// its problem document; part names the multipart part ("" for the body),
// prefix is put before every path (like "plan.") and base is where the
// decoded document starts in the body.
func inputProblem(err error, part, prefix string, base position) *Problem {
	var de *model.DecodeError
	if errors.As(err, &de) {
		fe := FieldError{Path: joinPath(prefix, de.Path), Message: de.Message, Part: part}
		fe.Line, fe.Column = base.shift(de.Line, de.Column)
		p := newProblem(http.StatusBadRequest, KindInvalidJSON, "Malformed JSON", describe(fe))
		p.Errors = []FieldError{fe}
		return p
	}
	var ve model.ValidationErrors
	if errors.As(err, &ve) {
		p := newProblem(http.StatusUnprocessableEntity, KindInvalidEvent, "Invalid event",
			fmt.Sprintf("the event has %d problem(s); see errors", len(ve)))
		for _, pr := range ve {
			p.Errors = append(p.Errors, FieldError{Path: joinPath(prefix, pr.Path), Message: pr.Message, Fix: pr.Fix, Part: part})
		}
		return p
	}
	var se *assign.SetupError
	if errors.As(err, &se) {
		title := "No plan is possible"
		if se.Unproven {
			title = "No plan found (none may exist)"
		}
		p := newProblem(http.StatusUnprocessableEntity, KindNoPlan, title, strings.Join(se.Problems, "; "))
		for _, m := range se.Problems {
			p.Errors = append(p.Errors, FieldError{Message: m})
		}
		return p
	}
	if csvErrs := csvErrors(err); len(csvErrs) > 0 {
		p := newProblem(http.StatusBadRequest, KindInvalidRegistrations, "Invalid registrations",
			fmt.Sprintf("the registrations have %d bad cell(s); the first: %s", len(csvErrs), csvErrs[0].Error()))
		for _, ce := range csvErrs {
			msg := ce.Message
			if ce.Header != "" {
				msg = "column " + ce.Header + ": " + msg
			}
			p.Errors = append(p.Errors, FieldError{Path: part, Part: part, Line: ce.Line, Column: ce.Column, Message: msg})
		}
		return p
	}
	return newProblem(http.StatusBadRequest, KindInvalidJSON, "Unreadable input", err.Error())
}

// csvErrors lists the *model.CSVError of an error joined by errors.Join.
func csvErrors(err error) []*model.CSVError {
	var out []*model.CSVError
	var walk func(error)
	walk = func(err error) {
		if ce, ok := err.(*model.CSVError); ok {
			out = append(out, ce)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

func describe(fe FieldError) string {
	var b strings.Builder
	if fe.Part != "" {
		fmt.Fprintf(&b, "part %q, ", fe.Part)
	}
	fmt.Fprintf(&b, "line %d, column %d: ", fe.Line, fe.Column)
	if fe.Path != "" {
		b.WriteString(fe.Path + ": ")
	}
	b.WriteString(fe.Message)
	return b.String()
}

func joinPath(prefix, path string) string {
	switch {
	case prefix == "":
		return path
	case path == "":
		return strings.TrimSuffix(prefix, ".")
	case strings.HasPrefix(path, "["):
		return strings.TrimSuffix(prefix, ".") + path
	}
	return prefix + path
}

// position is where an embedded document starts in the body (1-based
// line and column, columns in characters); the zero value is the start.
type position struct{ line, col int }

func (p position) shift(line, col int) (int, int) {
	if p.line <= 1 && p.col <= 1 {
		return line, col
	}
	if line == 1 {
		return p.line, p.col + col - 1
	}
	return p.line + line - 1, col
}
