package export

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roundtable-go/roundtable/model"
)

func writeReport(t *testing.T, ev *model.Event, plan *model.Plan) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteReport(&b, ev, plan); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// refAttr finds attributes whose value the browser would fetch or follow.
var refAttr = regexp.MustCompile(`(?i)\b(src|href|xlink:href|action|formaction|srcset|poster|data|background|ping|manifest)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)

// TestReportSelfContained checks report.html without a browser: nothing
// refers outside the page, no script, the hostile names are escaped, and
// the plan's numbers are on the page.
func TestReportSelfContained(t *testing.T) {
	ev, plan := fixture(t)
	page := writeReport(t, ev, plan)
	if m := refAttr.FindAllString(page, -1); len(m) > 0 {
		t.Errorf("the page refers to other resources: %q", m)
	}
	for _, bad := range []string{"<script", "url(", "@import", "<iframe", "<object", "<embed", "<link", "<img", "<base"} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	// The only http:// on the page is inside the formula-like name, as text.
	if n, m := strings.Count(page, "http://"), strings.Count(page, html.EscapeString(formulaName)); n != m || n == 0 {
		t.Errorf("%d http:// on the page, %d of them in the escaped name", n, m)
	}
	if strings.Contains(page, "https://") {
		t.Error("the page contains https://")
	}
	for _, esc := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "Expert &lt;b&gt;Comm&lt;/b&gt;", "&lt;none&gt; left"} {
		if !strings.Contains(page, esc) {
			t.Errorf("the page lacks the escaped text %q", esc)
		}
	}
	if !strings.Contains(page, `content="default-src 'none'; style-src 'unsafe-inline'"`) {
		t.Error("the page has no Content-Security-Policy that forbids fetching")
	}
	b := plan.Breakdown
	for id, v := range map[string]int64{
		"objective": plan.Objective, "bound": plan.Bound, "gap": plan.Bound - plan.Objective, "checked": plan.Objective,
		"bd-preference": b.Preference, "bd-competence": b.Competence, "bd-affinity": b.Affinity,
		"bd-samePair": b.SamePair, "bd-unplaced": b.Unplaced, "bd-repeatPair": b.RepeatPair, "bd-total": b.Total(),
	} {
		if want := `id="` + id + `">` + strconv.FormatInt(v, 10) + "<"; !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	for _, want := range []string{"feasible", "Delegation rooms", "Eva Janssens", "round r2: zorg-r2a and zorg-r2b are full",
		"<b class=\"size\">2</b> / 4", "Genk 2", "Researcher Één"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, `id="violations"`) {
		t.Error("the page shows violations for a valid plan")
	}
}

// TestRankHistogram counts the fixture's seats by rank by hand: first
// choices p1 zorg, p2 comm, p3 comm, p4 part, p5 part, p7 zorg, p8 comm
// (7); second p3 zorg, p4 comm, p5 zorg (3); none unranked; one missing.
func TestRankHistogram(t *testing.T) {
	ev, plan := fixture(t)
	h := newView(ev, plan).rankHistogram(1)
	got := map[string]int{}
	var labels []string
	for _, b := range h.Bars {
		got[b.Label] = b.Count
		labels = append(labels, b.Label)
		if b.Y+b.H != h.Base || b.H < 0 || b.H > histHeight {
			t.Errorf("bar %s: y %d height %d, base %d", b.Label, b.Y, b.H, h.Base)
		}
	}
	if strings.Join(labels, ",") != "1st,2nd,unranked,missing" {
		t.Errorf("labels %q", labels)
	}
	if got["1st"] != 7 || got["2nd"] != 3 || got["unranked"] != 0 || got["missing"] != 1 {
		t.Errorf("counts %v", got)
	}
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 111: "111th"} {
		if got := model.Ordinal(n); got != want {
			t.Errorf("model.Ordinal(%d) = %s, want %s", n, got, want)
		}
	}
}

// chromiumBin is Debian's chromium, or chromium-browser, or "".
func chromiumBin() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browse opens file page in headless Chromium and returns the DOM it
// dumps, the console messages it logs, and the requests the page itself
// made, as Chromium's network log records them. Chromium's own requests
// (updates, accounts: no initiator) are left out, and the resolver rule
// MAP * ~NOTFOUND keeps every request, theirs or the page's, from
// leaving the machine.
func browse(t *testing.T, bin, page string) (dom string, console, requests []string) {
	t.Helper()
	dir := t.TempDir()
	netlog := filepath.Join(dir, "netlog.json")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--disable-gpu", "--no-sandbox",
		"--no-first-run", "--disable-extensions", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--disable-default-apps", "--no-pings",
		"--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--enable-logging=stderr", "--v=0", "--log-net-log="+netlog,
		"--dump-dom", "file://"+page)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") || strings.Contains(line, "Refused to") {
			console = append(console, line)
		}
	}
	return stdout.String(), console, pageRequests(t, netlog)
}

// pageRequests returns the URLs of the requests in a Chromium net log
// (the JSON of --log-net-log) that a page made: those with an initiator.
func pageRequests(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no net log: %v", err)
	}
	// Chromium may leave the log unclosed when it exits quickly.
	s := strings.TrimSpace(string(data))
	if !strings.HasSuffix(s, "}") {
		s = strings.TrimSuffix(s, ",") + "]}"
	}
	var log struct {
		Constants struct {
			LogEventTypes map[string]int `json:"logEventTypes"`
		} `json:"constants"`
		Events []struct {
			Type   int `json:"type"`
			Params struct {
				URL       string `json:"url"`
				Initiator string `json:"initiator"`
			} `json:"params"`
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(s), &log); err != nil {
		t.Fatalf("unreadable net log: %v", err)
	}
	start, ok := log.Constants.LogEventTypes["URL_REQUEST_START_JOB"]
	if !ok {
		t.Fatal("the net log names no URL_REQUEST_START_JOB events")
	}
	var urls []string
	for _, e := range log.Events {
		if e.Type == start && e.Params.Initiator != "" && e.Params.Initiator != "not an origin" {
			urls = append(urls, e.Params.URL)
		}
	}
	return urls
}

// TestReportChromium opens report.html in headless Chromium, when it is
// installed, and checks that the rendered DOM holds the plan's numbers
// and the hostile name as text, that the page logs no console message
// and makes no request. A page that does both is opened first, to show
// that the check can fail.
func TestReportChromium(t *testing.T) {
	bin := chromiumBin()
	if bin == "" {
		t.Skip("headless Chromium check skipped: neither chromium nor chromium-browser is on PATH (Debian: apt-get install chromium)")
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.html")
	badPage := `<!DOCTYPE html><p>x</p><img src="http://127.0.0.1:9/x.png"><script>console.error("boom")</script>`
	if err := os.WriteFile(bad, []byte(badPage), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, console, requests := browse(t, bin, bad); len(console) == 0 || len(requests) == 0 {
		t.Fatalf("the check sees no console message (%q) or no request (%q) of a page that makes both", console, requests)
	}

	ev, plan := fixture(t)
	page := filepath.Join(dir, ReportFile)
	if err := os.WriteFile(page, []byte(writeReport(t, ev, plan)), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, console, requests := browse(t, bin, page)
	for _, want := range []string{
		`id="objective">` + strconv.FormatInt(plan.Objective, 10) + "<",
		`id="bound">` + strconv.FormatInt(plan.Bound, 10) + "<",
		`id="gap">` + strconv.FormatInt(plan.Bound-plan.Objective, 10) + "<",
		`id="bd-total">` + strconv.FormatInt(plan.Breakdown.Total(), 10) + "<",
		`id="bd-unplaced">` + strconv.FormatInt(plan.Breakdown.Unplaced, 10) + "<",
		"&lt;script&gt;alert(1)&lt;/script&gt;",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the DOM lacks %s", want)
		}
	}
	if strings.Contains(dom, "<script") {
		t.Error("the DOM holds a script element")
	}
	for _, c := range console {
		t.Errorf("console: %s", c)
	}
	for _, u := range requests {
		t.Errorf("the page requested %s", u)
	}
}
