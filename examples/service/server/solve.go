package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable-go/roundtable/assign"
	"github.com/roundtable-go/roundtable/model"
)

// Names of the parts of a multipart /solve.
const (
	PartEvent         = "event"
	PartRegistrations = "registrations"
)

// maxWarningHeaders bounds the Roundtable-Warning headers of an answer.
const maxWarningHeaders = 20

// solveGrace is how long a solve may overrun its time limit (building
// the plan after the search stops) before the request's own deadline
// cancels it.
const solveGrace = 5 * time.Second

// solveParams are the query parameters of /solve.
type solveParams struct {
	timeLimit time.Duration
	capped    bool // timeLimit asked above MaxTimeLimit
	seed      uint64
	workLimit int64
}

func (h *Handler) parseSolveParams(r *http.Request) (solveParams, *Problem) {
	p := solveParams{timeLimit: min(h.cfg.DefaultTimeLimit, h.cfg.MaxTimeLimit)}
	bad := func(name, detail string) (solveParams, *Problem) {
		pr := newProblem(http.StatusBadRequest, KindInvalidParameter, "Invalid query parameter", name+": "+detail)
		pr.Errors = []FieldError{{Path: name, Message: detail}}
		return p, pr
	}
	// r.URL.Query drops what it cannot parse (a bad %-escape, a ';'), and
	// with it, silently, the parameter: the default time limit would
	// replace the one asked for.
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return bad("query", err.Error()+"; escape the query string's special characters, and separate parameters with &")
	}
	for name := range q {
		switch name {
		case "timeLimit", "seed", "workLimit":
			if len(q[name]) > 1 {
				return bad(name, "given more than once; give it once")
			}
		default:
			return bad(name, "unknown parameter; /solve takes timeLimit, seed and workLimit")
		}
	}
	if s := q.Get("timeLimit"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			// A bare number means seconds.
			n, nerr := strconv.ParseFloat(s, 64)
			if nerr != nil || n != n {
				return bad("timeLimit", fmt.Sprintf("%q is not a duration; write it like 5s, 1m30s or 2.5", s))
			}
			d = time.Duration(min(n, 1e6) * float64(time.Second))
		}
		if d <= 0 {
			return bad("timeLimit", fmt.Sprintf("%q is not above zero", s))
		}
		if d > h.cfg.MaxTimeLimit {
			d, p.capped = h.cfg.MaxTimeLimit, true
		}
		p.timeLimit = d
	}
	if s := q.Get("seed"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return bad("seed", fmt.Sprintf("%q is not an integer from 0 to 2^64-1", s))
		}
		p.seed = n
	}
	if s := q.Get("workLimit"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return bad("workLimit", fmt.Sprintf("%q is not an integer of 0 or more", s))
		}
		p.workLimit = n
	}
	return p, nil
}

// mediaType returns the media type of the request, lower case.
func mediaType(r *http.Request) (string, map[string]string) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return "", nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return "invalid", nil
	}
	return mt, params
}

func isJSON(mt string) bool { return mt == "application/json" || strings.HasSuffix(mt, "+json") }

func unsupported(mt, want string) *Problem {
	if mt == "" {
		mt = "none"
	}
	return newProblem(http.StatusUnsupportedMediaType, KindUnsupportedMediaType, "Unsupported media type",
		fmt.Sprintf("Content-Type %s; send %s", mt, want))
}

// readBody reads the whole request body, at most MaxBodyBytes of it; a
// declared length above that is refused before anything is read. Reading
// the body to its end also lets net/http watch for the client going away
// (which cancels the request's context, and so the solve) and lift the
// read deadline of http.Server.ReadTimeout, which would otherwise cut
// long solves.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *Problem) {
	if r.ContentLength > h.cfg.MaxBodyBytes {
		p := tooLarge(h.cfg.MaxBodyBytes)
		p.Limit.Got = r.ContentLength
		return nil, p
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge(h.cfg.MaxBodyBytes)
		}
		return nil, newProblem(http.StatusBadRequest, KindInvalidJSON, "Unreadable body", "reading the body: "+err.Error())
	}
	return data, nil
}

func (h *Handler) solve(w http.ResponseWriter, r *http.Request) {
	params, prob := h.parseSolveParams(r)
	if prob != nil {
		prob.write(w, r)
		return
	}
	mt, mtParams := mediaType(r)
	if !isJSON(mt) && mt != "multipart/form-data" {
		unsupported(mt, "application/json (an event) or multipart/form-data (parts event and registrations)").write(w, r)
		return
	}
	data, prob := h.readBody(w, r)
	if prob != nil {
		prob.write(w, r)
		return
	}
	ev, warnings, prob := h.decodeEvent(r.Context(), data, mt, mtParams)
	if prob != nil {
		prob.write(w, r)
		return
	}
	release, prob := h.acquire(r.Context(), h.slots, params.timeLimit)
	if prob != nil {
		prob.write(w, r)
		return
	}
	defer release()

	ctx, cancel := context.WithTimeout(r.Context(), params.timeLimit+solveGrace)
	defer cancel()
	start := time.Now()
	plan, err := h.cfg.Solve(ctx, ev, assign.Options{
		TimeLimit: params.timeLimit, Seed: params.seed, WorkLimit: params.workLimit, Workers: h.cfg.Workers,
	})
	elapsed := time.Since(start)
	if err != nil {
		switch {
		case errors.As(err, new(model.ValidationErrors)), errors.As(err, new(*assign.SetupError)):
			inputProblem(err, "", "", position{}).write(w, r)
		case errors.Is(err, assign.ErrUnsupported):
			newProblem(http.StatusUnprocessableEntity, KindLimitExceeded, "Beyond what the engine supports", err.Error()).write(w, r)
		case ctx.Err() != nil, errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
			// The time limit passed before a first plan, or the client
			// went away (and nobody reads this).
			newProblem(http.StatusServiceUnavailable, KindTimeout, "No plan within the time limit",
				fmt.Sprintf("the solve stopped after %v without a plan (%v); try a larger timeLimit (at most %v)",
					elapsed.Round(time.Millisecond), err, h.cfg.MaxTimeLimit)).write(w, r)
		default:
			// An error the engine does not document: answer 500 with its
			// text, and log it.
			h.cfg.Logger.Error("solve failed", "path", r.URL.Path, "err", err)
			newProblem(http.StatusInternalServerError, KindInternal, "Solve failed", err.Error()).write(w, r)
		}
		return
	}
	var buf bytes.Buffer
	if err := model.EncodePlan(&buf, plan); err != nil {
		panic(fmt.Sprintf("encoding the plan: %v", err))
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	hd.Set("Cache-Control", "no-store")
	hd.Set("Roundtable-Time-Limit", params.timeLimit.String())
	if params.capped {
		hd.Set("Roundtable-Time-Limit-Capped", "true")
	}
	hd.Set("Server-Timing", fmt.Sprintf("solve;dur=%.1f", float64(elapsed.Microseconds())/1000))
	for i, wn := range warnings {
		if i == maxWarningHeaders {
			hd.Add("Roundtable-Warning", fmt.Sprintf("%d more warning(s)", len(warnings)-i))
			break
		}
		hd.Add("Roundtable-Warning", strconv.QuoteToASCII(wn.String()))
	}
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// acquire takes a slot of sl for a job of about expect, or returns the
// problem to answer.
func (h *Handler) acquire(ctx context.Context, sl *slots, expect time.Duration) (func(), *Problem) {
	release, err := sl.acquire(ctx, h.cfg.QueueTimeout, expect)
	switch {
	case errors.Is(err, errBusy):
		return nil, busy(sl.retryAfter(), fmt.Sprintf(
			"%d %s are running, the service's limit (-max-concurrent), and none ended within %v (-queue-timeout)",
			h.cfg.MaxConcurrent, sl.what, h.cfg.QueueTimeout))
	case err != nil:
		return nil, newProblem(http.StatusServiceUnavailable, KindTimeout, "Request cancelled while queued", err.Error())
	}
	return release, nil
}

// decodeEvent decodes and validates the event of a /solve, holding a
// decoding slot: decoding takes about twenty times the body in memory.
func (h *Handler) decodeEvent(ctx context.Context, data []byte, mt string, mtParams map[string]string) (*model.Event, []model.Warning, *Problem) {
	release, prob := h.acquire(ctx, h.decoding, time.Second)
	if prob != nil {
		return nil, nil, prob
	}
	defer release()
	ev, warnings, prob := h.readEvent(data, mt, mtParams)
	if prob != nil {
		return nil, nil, prob
	}
	if prob := h.checkLimits(ev); prob != nil {
		return nil, nil, prob
	}
	if err := ev.Validate(); err != nil {
		return nil, nil, inputProblem(err, "", "", position{})
	}
	return ev, warnings, nil
}

// readEvent reads the event of a /solve: a JSON body, or a multipart body
// with an event part and a registrations part.
func (h *Handler) readEvent(data []byte, mt string, mtParams map[string]string) (*model.Event, []model.Warning, *Problem) {
	if isJSON(mt) {
		ev, err := model.DecodeEvent(bytes.NewReader(data))
		if err != nil {
			return nil, nil, inputProblem(err, "", "", position{})
		}
		return ev, nil, nil
	}
	if mtParams["boundary"] == "" {
		return nil, nil, multipartProblem("the Content-Type has no boundary")
	}
	return h.readMultipart(multipart.NewReader(bytes.NewReader(data), mtParams["boundary"]))
}

func multipartProblem(detail string) *Problem {
	return newProblem(http.StatusBadRequest, KindInvalidMultipart, "Invalid multipart body", detail)
}

// readMultipart reads the parts event (JSON) and registrations (CSV), in
// either order; the registrations replace the event's participants.
func (h *Handler) readMultipart(mr *multipart.Reader) (*model.Event, []model.Warning, *Problem) {
	var ev *model.Event
	var csvData []byte
	seen := map[string]bool{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, multipartProblem(err.Error())
		}
		name := part.FormName()
		if seen[name] {
			return nil, nil, multipartProblem(fmt.Sprintf("part %q appears twice; send it once", name))
		}
		seen[name] = true
		switch name {
		case PartEvent:
			ev, err = model.DecodeEvent(part)
			if err != nil {
				if errors.As(err, new(*model.DecodeError)) {
					return nil, nil, inputProblem(err, PartEvent, "", position{})
				}
				return nil, nil, multipartProblem(fmt.Sprintf("part %q: %v", name, err)) // a cut-off body
			}
		case PartRegistrations:
			csvData, err = io.ReadAll(part)
			if err != nil {
				return nil, nil, multipartProblem(fmt.Sprintf("part %q: %v", name, err))
			}
		default:
			return nil, nil, multipartProblem(fmt.Sprintf("unknown part %q; send the parts %q and %q", name, PartEvent, PartRegistrations))
		}
	}
	switch {
	case ev == nil:
		return nil, nil, multipartProblem(fmt.Sprintf("no part %q: send the event (JSON) in it", PartEvent))
	case !seen[PartRegistrations]:
		return nil, nil, multipartProblem(fmt.Sprintf("no part %q: send the registrations (CSV) in it, or the event alone as application/json", PartRegistrations))
	}
	// Count the event's own lists before reading rows against them: the
	// registrations are matched against its themes, rounds and
	// organisations.
	if prob := h.checkLimits(ev); prob != nil {
		return nil, nil, prob
	}
	ps, warnings, err := model.ReadRegistrations(bytes.NewReader(csvData), ev)
	if err != nil {
		return nil, nil, inputProblem(err, PartRegistrations, "", position{})
	}
	ev.Participants = ps
	return ev, warnings, nil
}

// checkLimits answers 422 when the event is larger than a limit.
func (h *Handler) checkLimits(ev *model.Event) *Problem {
	l := h.cfg.Limits
	sessions := len(ev.Sessions)
	sessionsNote := ""
	if ev.Sessions == nil {
		sessions = len(ev.Themes) * len(ev.Rounds)
		sessionsNote = " (the default sessions, one per theme per round)"
	}
	for _, c := range []struct {
		name, flag string
		got, max   int
		note       string
	}{
		{"participants", "-max-participants", len(ev.Participants), l.Participants, ""},
		{"rounds", "-max-rounds", len(ev.Rounds), l.Rounds, ""},
		{"themes", "-max-themes", len(ev.Themes), l.Themes, ""},
		{"sessions", "-max-sessions", sessions, l.Sessions, sessionsNote},
		{"organisations", "-max-organisations", len(ev.Organisations), l.Organisations, ""},
		{"hosts", "-max-hosts", len(ev.Hosts), l.Hosts, ""},
	} {
		if c.got > c.max {
			p := newProblem(http.StatusUnprocessableEntity, KindLimitExceeded, "Event too large",
				fmt.Sprintf("the event has %d %s%s; this service takes at most %d (%s)", c.got, c.name, c.note, c.max, c.flag))
			p.Limit = &Limit{Name: c.name, Flag: c.flag, Max: int64(c.max), Got: int64(c.got)}
			return p
		}
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("encoding the answer: %v", err))
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
