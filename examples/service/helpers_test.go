package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/roundtable-go/roundtable/benchmarks/families"
	"github.com/roundtable-go/roundtable/examples/service/server"
	"github.com/roundtable-go/roundtable/model"
)

// logBuffer collects the service's log lines of one test.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// startServer serves a handler with cfg on a loopback port for the test.
func startServer(t *testing.T, cfg server.Config) (*httptest.Server, *logBuffer) {
	t.Helper()
	logs := new(logBuffer)
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	h, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		if t.Failed() {
			t.Logf("service log:\n%s", logs)
		}
	})
	return srv, logs
}

func generate(t testing.TB, family string, seed uint64) *model.Event {
	t.Helper()
	ev, err := families.Generate(family, seed)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func eventJSON(t testing.TB, ev *model.Event) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := model.EncodeEvent(&buf, ev); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func post(t *testing.T, ctx context.Context, url, contentType string, body io.Reader) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// readBody reads and closes the body.
func readBody(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantProblem checks that resp is a problem document of that status and
// kind, and returns it.
func wantProblem(t *testing.T, resp *http.Response, status int, kind string) *server.Problem {
	t.Helper()
	body := readBody(t, resp)
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d; body:\n%s", resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	p := new(server.Problem)
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		t.Fatalf("decoding the problem: %v\n%s", err, body)
	}
	if p.Status != status || p.Kind() != kind || p.Title == "" || p.Detail == "" {
		t.Fatalf("problem %+v, want status %d kind %q with a title and detail", p, status, kind)
	}
	return p
}

// wantPlan checks that resp is a 200 with a plan that obeys every rule of
// ev, and returns the plan and its bytes.
func wantPlan(t *testing.T, resp *http.Response, ev *model.Event) (*model.Plan, []byte) {
	t.Helper()
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200; body:\n%s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q, want application/json", ct)
	}
	plan, err := model.DecodePlan(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("decoding the plan: %v", err)
	}
	if err := model.Check(ev, plan).Err(); err != nil {
		t.Fatalf("the plan breaks rules: %v", err)
	}
	return plan, body
}

// registrationsCSV writes the participants of ev as the registrations CSV
// of FORMAT.md, with extra columns of the given names (left empty).
func registrationsCSV(t testing.TB, ev *model.Event, extra ...string) []byte {
	t.Helper()
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
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// multipartBody builds a multipart/form-data body of named parts, each
// with its content type.
func multipartBody(t testing.TB, parts ...[3]string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+p[0]+`"; filename="`+p[0]+`"`)
		h.Set("Content-Type", p[1])
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p[2])
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), buf.Bytes()
}
