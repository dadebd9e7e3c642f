package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/roundtable-go/roundtable/model"
)

// CheckReport is the answer of POST /check: model.Check's report.
type CheckReport struct {
	// Valid is true when the plan breaks no rule and its own figures
	// agree with the event.
	Valid      bool            `json:"valid"`
	Violations []Violation     `json:"violations"`
	Breakdown  model.Breakdown `json:"breakdown"`
	Objective  int64           `json:"objective"`
	Missing    map[string]int  `json:"missing"`
}

// Violation is one broken rule: Rule 1-3 of FORMAT.md, or 0 for a plan
// that contradicts itself.
type Violation struct {
	Rule    int    `json:"rule"`
	Message string `json:"message"`
}

func (h *Handler) check(w http.ResponseWriter, r *http.Request) {
	if mt, _ := mediaType(r); !isJSON(mt) {
		unsupported(mt, `application/json: {"event": {...}, "plan": {...}}`).write(w, r)
		return
	}
	if r.URL.RawQuery != "" {
		p := newProblem(http.StatusBadRequest, KindInvalidParameter, "Invalid query parameter", "/check takes no query parameters")
		p.write(w, r)
		return
	}
	data, prob := h.readBody(w, r)
	if prob != nil {
		prob.write(w, r)
		return
	}
	out, prob := h.runCheck(r.Context(), data)
	if prob != nil {
		prob.write(w, r)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// runCheck decodes a /check body, validates its event and checks its
// plan, all in one decoding slot: model.Check is as quick as decoding, and
// its worst case is bounded by checkDensity, so a check never waits
// behind solves.
func (h *Handler) runCheck(ctx context.Context, data []byte) (*CheckReport, *Problem) {
	release, prob := h.acquire(ctx, h.decoding, time.Second)
	if prob != nil {
		return nil, prob
	}
	defer release()
	members, prob := splitObject(data, "event", "plan")
	if prob != nil {
		return nil, prob
	}
	evm, plm := members["event"], members["plan"]
	ev, err := model.DecodeEvent(bytes.NewReader(evm.raw))
	if err != nil {
		return nil, inputProblem(err, "", "event.", evm.pos)
	}
	plan, err := model.DecodePlan(bytes.NewReader(plm.raw))
	if err != nil {
		return nil, inputProblem(err, "", "plan.", plm.pos)
	}
	if prob := h.checkLimits(ev); prob != nil {
		return nil, prob
	}
	if err := ev.Validate(); err != nil {
		return nil, inputProblem(err, "", "event.", position{})
	}
	if prob := h.checkDensity(ev, plan); prob != nil {
		return nil, prob
	}
	rep := model.Check(ev, plan)
	out := &CheckReport{
		Valid: len(rep.Violations) == 0, Violations: []Violation{},
		Breakdown: rep.Breakdown, Objective: rep.Objective, Missing: rep.Missing,
	}
	for _, v := range rep.Violations {
		out.Violations = append(out.Violations, Violation{Rule: v.Rule, Message: v.Message})
	}
	if out.Missing == nil {
		out.Missing = map[string]int{}
	}
	return out, nil
}

// checkDensity refuses a plan whose repeatPair term would cost more than
// MaxCheckPairs to compute: model.Check visits every pair of participants
// in a session, so one session named by a million assignments would hold
// the service for minutes.
func (h *Handler) checkDensity(ev *model.Event, plan *model.Plan) *Problem {
	if ev.Weights.RepeatPair == 0 {
		return nil
	}
	per := map[string]int64{}
	for _, a := range plan.Assignments {
		per[a.Session]++
	}
	var pairs int64
	for _, n := range per {
		pairs += n * n
	}
	if pairs <= h.cfg.MaxCheckPairs {
		return nil
	}
	p := newProblem(http.StatusUnprocessableEntity, KindLimitExceeded, "Plan too dense to check",
		fmt.Sprintf("with weights.repeatPair set, checking this plan visits %d pairs of participants; this service visits at most %d (-max-check-pairs)",
			pairs, h.cfg.MaxCheckPairs))
	p.Limit = &Limit{Name: "check pairs", Flag: "-max-check-pairs", Max: h.cfg.MaxCheckPairs, Got: pairs}
	return p
}

// member is one member of a JSON object: its raw value and where it
// starts in the body.
type member struct {
	raw json.RawMessage
	pos position
}

// splitObject reads data as a JSON object that has exactly the members
// named, each once, and returns their raw values with their positions.
func splitObject(data []byte, names ...string) (map[string]member, *Problem) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	fail := func(off int64, path, msg string) (map[string]member, *Problem) {
		fe := FieldError{Path: path, Message: msg}
		pos := positionAt(data, int(off))
		fe.Line, fe.Column = pos.line, pos.col
		p := newProblem(http.StatusBadRequest, KindInvalidJSON, "Malformed JSON", describe(fe))
		p.Errors = []FieldError{fe}
		return nil, p
	}
	syntax := func(err error, off int64) (map[string]member, *Problem) {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// The scanner behind Unmarshal stops right after the bad
			// byte; the decoder's offset may lie before white space.
			var v any
			if uerr := json.Unmarshal(data, &v); uerr != nil {
				errors.As(uerr, &se)
			}
			return fail(se.Offset-1, "", se.Error())
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			if len(bytes.TrimSpace(data)) == 0 {
				return fail(int64(len(data)), "", "empty body; want a JSON object")
			}
			return fail(int64(len(data)), "", "unexpected end of input; the document is cut off or misses a closing bracket")
		}
		return fail(off, "", err.Error())
	}
	want := fmt.Sprintf(`want {"%s": ..., "%s": ...}`, names[0], names[len(names)-1])
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return syntax(err, 0)
	}
	if tok != json.Delim('{') {
		return fail(skipSpace(data, 0), "", "want a JSON object; "+want)
	}
	out := map[string]member{}
	for dec.More() {
		start := skipSpace(data, dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return syntax(err, start)
		}
		key, _ := tok.(string)
		known := false
		for _, n := range names {
			known = known || n == key
		}
		if !known {
			return fail(start, key, fmt.Sprintf("unknown member %q; %s", key, want))
		}
		if _, dup := out[key]; dup {
			return fail(start, key, fmt.Sprintf("member %q appears twice; keep one", key))
		}
		vstart := skipSpace(data, dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return syntax(err, vstart)
		}
		out[key] = member{raw: raw, pos: positionAt(data, int(vstart))}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return syntax(err, dec.InputOffset())
	}
	end := skipSpace(data, dec.InputOffset())
	if _, err := dec.Token(); err != io.EOF {
		return fail(end, "", "unexpected data after the end of the document; remove it")
	}
	for _, n := range names {
		if m, ok := out[n]; !ok || string(m.raw) == "null" {
			return fail(end, n, fmt.Sprintf("member %q is missing; %s", n, want))
		}
	}
	return out, nil
}

// skipSpace returns the offset of the next byte at or after off that is
// neither white space nor a separator.
func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

// positionAt is the 1-based line and column (in characters) of a byte
// offset.
func positionAt(data []byte, off int) position {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return position{line: line, col: col}
}
