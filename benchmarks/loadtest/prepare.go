package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable-go/roundtable/assign"
	"github.com/roundtable-go/roundtable/benchmarks/families"
	"github.com/roundtable-go/roundtable/examples/service/server"
	"github.com/roundtable-go/roundtable/model"
)

// Seeds of the generated events.
const (
	kennisdagSeeds = 32
	csvSeeds       = 8
	flandersSeeds  = 3
	checkSeeds     = 4
)

type prepared struct {
	ev   *model.Event
	body []byte
}

func encodeEvent(ev *model.Event) []byte {
	var buf bytes.Buffer
	if err := model.EncodeEvent(&buf, ev); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func generate(family string, seeds int) ([]prepared, error) {
	var out []prepared
	for s := 1; s <= seeds; s++ {
		ev, err := families.Generate(family, uint64(s))
		if err != nil {
			return nil, err
		}
		out = append(out, prepared{ev: ev, body: encodeEvent(ev)})
	}
	return out, nil
}

// solvePath is a /solve with a random seed and the time limit.
func solvePath(rng *rand.Rand, limit time.Duration) string {
	return fmt.Sprintf("/solve?timeLimit=%s&seed=%d", limit, rng.IntN(5)+1)
}

// prepare builds the kinds of request, with every event and body they
// send made in advance.
func prepare(o options, cfg server.Config) ([]*kind, error) {
	kd, err := generate("kennisdag", kennisdagSeeds)
	if err != nil {
		return nil, err
	}
	fl, err := generate("flanders", flandersSeeds)
	if err != nil {
		return nil, err
	}
	var kinds []*kind
	add := func(name string, wellFormed bool, next func(*rand.Rand) request) {
		kinds = append(kinds, &kind{name: name, wellFormed: wellFormed, next: next})
	}

	add("kennisdag", true, func(rng *rand.Rand) request {
		p := kd[rng.IntN(len(kd))]
		return request{path: solvePath(rng, o.timeLimit), contentType: "application/json", body: p.body, verify: wantPlan(p.ev)}
	})
	add("flanders", true, func(rng *rand.Rand) request {
		p := fl[rng.IntN(len(fl))]
		return request{path: solvePath(rng, o.bigTimeLimit), contentType: "application/json", body: p.body, verify: wantPlan(p.ev)}
	})

	// Multipart: the event without participants, and the registrations.
	type csvReq struct {
		ct   string
		body []byte
		ev   *model.Event // as the service builds it from the parts
	}
	var csvs []csvReq
	for _, p := range kd[:csvSeeds] {
		bare := p.ev.Clone()
		bare.Participants = nil
		regs := registrations(p.ev, "remarks")
		want := bare.Clone()
		ps, _, err := model.ReadRegistrations(bytes.NewReader(regs), want)
		if err != nil {
			return nil, fmt.Errorf("registrations of %s: %w", p.ev.Name, err)
		}
		want.Participants = ps
		ct, body := multipartBody(part{"event", "application/json", encodeEvent(bare)}, part{"registrations", "text/csv", regs})
		csvs = append(csvs, csvReq{ct, body, want})
	}
	add("kennisdag-csv", true, func(rng *rand.Rand) request {
		c := csvs[rng.IntN(len(csvs))]
		return request{path: solvePath(rng, o.timeLimit), contentType: c.ct, body: c.body, verify: wantPlan(c.ev)}
	})

	// /check of plans solved now, as they are and broken.
	type checkReq struct {
		valid, broken []byte
		objective     int64
	}
	var checks []checkReq
	for _, p := range kd[:checkSeeds] {
		plan, err := assign.Solve(context.Background(), p.ev, assign.Options{TimeLimit: time.Minute, WorkLimit: 100_000})
		if err != nil {
			return nil, err
		}
		broken := *plan
		broken.Assignments = append([]model.Assignment(nil), plan.Assignments...)
		broken.Assignments[0].Session = "no-such-session"
		broken.Assignments = append(broken.Assignments, plan.Assignments[1]) // twice in a round
		checks = append(checks, checkReq{checkBody(p.body, plan), checkBody(p.body, &broken), plan.Objective})
	}
	add("check", true, func(rng *rand.Rand) request {
		c := checks[rng.IntN(len(checks))]
		return request{path: "/check", contentType: "application/json", body: c.valid, verify: wantVerdict(true, c.objective)}
	})
	add("check-broken", true, func(rng *rand.Rand) request {
		c := checks[rng.IntN(len(checks))]
		return request{path: "/check", contentType: "application/json", body: c.broken, verify: wantVerdict(false, 0)}
	})

	// Malformed JSON: cut off anywhere, ill-typed, unknown fields, not
	// JSON at all.
	bad := [][]byte{
		[]byte(`{"name": "x", "rounds": 3}`),
		[]byte(`{"name": "x", "roundz": []}`),
		[]byte(`{"name": "x"} {"name": "y"}`),
		[]byte("\x00\x01garbage"),
		[]byte(""),
		[]byte(`[]`),
		bytes.Replace(kd[0].body, []byte(`"capacity": `), []byte(`"capacity": "many", "x": `), 1),
	}
	add("malformed-json", false, func(rng *rand.Rand) request {
		var body []byte
		if rng.IntN(2) == 0 {
			body = bad[rng.IntN(len(bad))]
		} else {
			p := kd[rng.IntN(len(kd))]
			body = p.body[:1+rng.IntN(len(p.body)-2)] // cut off
		}
		path := "/solve"
		if rng.IntN(4) == 0 {
			path = "/check"
		}
		return request{path: path, contentType: "application/json", body: body, verify: wantProblem(http.StatusBadRequest, server.KindInvalidJSON)}
	})

	// Broken multipart bodies.
	evOnlyCT, evOnly := multipartBody(part{"event", "application/json", kd[0].body})
	strayCT, stray := multipartBody(part{"event", "application/json", kd[0].body}, part{"registrations", "text/csv", []byte("id\n")}, part{"extra", "text/plain", []byte("x")})
	cutCT, cut := multipartBody(part{"event", "application/json", kd[0].body}, part{"registrations", "text/csv", []byte("id\n")})
	cut = cut[:len(cut)/2]
	mps := []struct {
		ct   string
		body []byte
	}{{evOnlyCT, evOnly}, {strayCT, stray}, {cutCT, cut}, {"multipart/form-data", evOnly}}
	add("malformed-multipart", false, func(rng *rand.Rand) request {
		m := mps[rng.IntN(len(mps))]
		return request{path: "/solve", contentType: m.ct, body: m.body, verify: wantProblem(http.StatusBadRequest, server.KindInvalidMultipart)}
	})

	// Registrations with bad cells: unknown themes, organisations, numbers.
	var badCSVs [][2]string
	for i, p := range kd[:4] {
		bare := p.ev.Clone()
		bare.Participants = nil
		regs := string(registrations(p.ev))
		lines := strings.Split(regs, "\n")
		lines[1+i] = strings.Replace(lines[1+i], ","+p.ev.Participants[i].Organisation+",", ",no-such-organisation,", 1)
		lines[5+i] = strings.Replace(lines[5+i], p.ev.Participants[4+i].Preferences[0], "no-such-theme", 1)
		ct, body := multipartBody(part{"event", "application/json", encodeEvent(bare)}, part{"registrations", "text/csv", []byte(strings.Join(lines, "\n"))})
		badCSVs = append(badCSVs, [2]string{ct, string(body)})
	}
	add("bad-csv", false, func(rng *rand.Rand) request {
		c := badCSVs[rng.IntN(len(badCSVs))]
		return request{path: "/solve", contentType: c[0], body: []byte(c[1]), verify: wantProblem(http.StatusBadRequest, server.KindInvalidRegistrations)}
	})

	// Bodies over the size limit: a valid start, then padding.
	big := make([]byte, 0, cfg.MaxBodyBytes+64<<10)
	big = append(big, `{"name": "`...)
	big = append(big, bytes.Repeat([]byte("x"), int(cfg.MaxBodyBytes))...)
	big = append(big, `"}`...)
	add("oversized", false, func(rng *rand.Rand) request {
		return request{path: "/solve", contentType: "application/json", body: big, verify: wantProblem(http.StatusRequestEntityTooLarge, server.KindBodyTooLarge)}
	})
	add("oversized-chunked", false, func(rng *rand.Rand) request {
		path := "/solve"
		if rng.IntN(3) == 0 {
			path = "/check"
		}
		return request{path: path, contentType: "application/json", body: big, chunked: true, verify: wantProblem(http.StatusRequestEntityTooLarge, server.KindBodyTooLarge)}
	})

	// Invalid events: well-formed JSON that model.Validate rejects.
	var invalid [][]byte
	for i, p := range kd[:6] {
		ev := p.ev.Clone()
		switch i % 3 {
		case 0:
			ev.Participants[i].Preferences = []string{"no-such-theme"}
		case 1:
			ev.Participants[i].ID = ev.Participants[i+1].ID
		case 2:
			ev.Sessions[0].Round = "no-such-round"
		}
		invalid = append(invalid, encodeEvent(ev))
	}
	add("invalid-event", false, func(rng *rand.Rand) request {
		return request{path: solvePath(rng, o.timeLimit), contentType: "application/json", body: invalid[rng.IntN(len(invalid))],
			verify: wantProblem(http.StatusUnprocessableEntity, server.KindInvalidEvent)}
	})

	// Events over the participant limit.
	tooMany, err := families.GenerateN("flanders", 1, cfg.Limits.Participants+1000)
	if err != nil {
		return nil, err
	}
	tooManyBody := encodeEvent(tooMany)
	if int64(len(tooManyBody)) > cfg.MaxBodyBytes {
		return nil, fmt.Errorf("the too-many event (%d bytes) is over -max-body-bytes; lower -max-participants", len(tooManyBody))
	}
	add("too-many", false, func(rng *rand.Rand) request {
		return request{path: solvePath(rng, o.timeLimit), contentType: "application/json", body: tooManyBody,
			verify: wantProblem(http.StatusUnprocessableEntity, server.KindLimitExceeded)}
	})

	// Bad query parameters and media types.
	params := []string{"timeLimit=soon", "timeLimit=-5s", "seed=-1", "seed=1e3", "workLimit=lots", "speed=fast"}
	add("bad-param", false, func(rng *rand.Rand) request {
		return request{path: "/solve?" + params[rng.IntN(len(params))], contentType: "application/json", body: kd[0].body,
			verify: wantProblem(http.StatusBadRequest, server.KindInvalidParameter)}
	})
	media := []string{"text/csv", "text/plain", "application/xml", "application/x-www-form-urlencoded"}
	add("media-type", false, func(rng *rand.Rand) request {
		return request{path: "/solve", contentType: media[rng.IntN(len(media))], body: kd[0].body,
			verify: wantProblem(http.StatusUnsupportedMediaType, server.KindUnsupportedMediaType)}
	})
	return kinds, nil
}

func checkBody(event []byte, plan *model.Plan) []byte {
	var buf bytes.Buffer
	buf.WriteString(`{"event": `)
	buf.Write(event)
	buf.WriteString(`, "plan": `)
	if err := model.EncodePlan(&buf, plan); err != nil {
		panic(err)
	}
	buf.WriteString("}")
	return buf.Bytes()
}

// registrations writes the participants of ev as the registrations CSV of
// FORMAT.md, with extra (empty) columns.
func registrations(ev *model.Event, extra ...string) []byte {
	choices := 0
	for _, p := range ev.Participants {
		choices = max(choices, len(p.Preferences))
	}
	header := []string{"id", "name", "email", "organisation", "competences", "sessions", "rounds"}
	for i := 1; i <= choices; i++ {
		header = append(header, "choice"+strconv.Itoa(i))
	}
	header = append(header, extra...)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(header)
	for _, p := range ev.Participants {
		sessions := ""
		if p.Sessions != nil {
			sessions = strconv.Itoa(*p.Sessions)
		}
		rec := []string{p.ID, p.Name, p.Email, p.Organisation, strings.Join(p.Competences, "|"), sessions, strings.Join(p.Rounds, "|")}
		for i := range choices {
			c := ""
			if i < len(p.Preferences) {
				c = p.Preferences[i]
			}
			rec = append(rec, c)
		}
		rec = append(rec, make([]string, len(extra))...)
		w.Write(rec)
	}
	w.Flush()
	return buf.Bytes()
}

type part struct {
	name, contentType string
	body              []byte
}

func multipartBody(parts ...part) (string, []byte) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.name, p.name))
		h.Set("Content-Type", p.contentType)
		w, err := mw.CreatePart(h)
		if err != nil {
			panic(err)
		}
		w.Write(p.body)
	}
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}
