package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

const (
	fixtureDir  = "../../shared/fixtures/synthetic-from-evidence"
	fixtureFile = fixtureDir + "/android_en_US_12h_nnbsp.txt"
)

// testServer is the serve handler over a real library in a temp dir, on a
// real loopback listener.
type testServer struct {
	*httptest.Server
	svc     *Services
	hub     *eventHub
	dataDir string
	host    string // host:port as served
}

func newTestServer(t *testing.T, token string, assets testSite) *testServer {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	b, err := open(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	hub := newEventHub()
	svc := NewServices(ctx, Deps{Store: b.st, Timeline: b.tl, DataDir: dir, Shell: serveShell{hub: hub}, Transport: TransportServe})
	t.Cleanup(svc.Stop) // runs before the library closes (cleanups run last first)
	if _, err := svc.ImportPaths(ctx, []string{fixtureFile}); err != nil {
		t.Fatal(err)
	}
	methods, err := contractOf(svc.Bindings())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	addr := srv.Listener.Addr()
	srv.Config.Handler = newServeHandler(serveHandlerConfig{
		methods: methods, hub: hub, assets: assets.FS, token: token, log: slog.Default(),
		hosts: allowedHosts(addr, addr.String()),
		upload: &uploadHandler{dataDir: dir, limit: assets.uploadLimit, log: slog.Default(),
			importPaths: func(r *http.Request, paths []string) (*ImportReport, error) {
				return svc.ImportPaths(r.Context(), paths)
			}},
	})
	srv.Start()
	t.Cleanup(func() {
		hub.Close()
		srv.Close()
	})
	return &testServer{Server: srv, svc: svc, hub: hub, dataDir: dir, host: addr.String()}
}

// testSite is what a test server serves besides the API.
type testSite struct {
	FS          fstest.MapFS
	uploadLimit int64
}

var testAssets = testSite{FS: fstest.MapFS{
	"index.html":              {Data: []byte("<!doctype html><script type=module src=/assets/index-abc123.js></script>")},
	"assets/index-abc123.js":  {Data: []byte("console.log(1)")},
	"assets/index-abc123.css": {Data: []byte("body{}")},
	"icon.png":                {Data: []byte("\x89PNG\r\n\x1a\n")},
}, uploadLimit: maxUploadBody}

// do sends a request with the given headers; Host defaults to the served one.
func (s *testServer) do(t *testing.T, method, path string, headers map[string]string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestServeAPI(t *testing.T) {
	s := newTestServer(t, "", testAssets)
	tests := []struct {
		name   string
		path   string
		body   string
		status int
		want   string // a substring of the body
	}{
		{name: "a page of the timeline", path: "/api/SessionsService/ListSessions", body: `[{"limit":1}]`, status: 200, want: `"next_cursor":"`},
		{name: "no arguments as an empty array", path: "/api/SettingsService/AppInfo", body: `[]`, status: 200, want: `"transport":"serve"`},
		{name: "no arguments as an empty body", path: "/api/SettingsService/AppInfo", body: ``, status: 200, want: `"dialogs":false`},
		{name: "a method returning only an error answers null", path: "/api/SummariesService/CancelSummaries", body: `[]`, status: 200, want: "null"},
		{name: "unknown method", path: "/api/SessionsService/DropTables", body: `[]`, status: 404, want: `"error":"unknown method SessionsService.DropTables"`},
		{name: "unknown service", path: "/api/API/ListSessions", body: `[]`, status: 404, want: `"error":`},
		{name: "unknown route under /api", path: "/api/a/b/c", body: `[]`, status: 404, want: `"error":`},
		{name: "too few arguments", path: "/api/SessionsService/GetSession", body: `[]`, status: 400, want: "takes 1 arguments, got 0"},
		{name: "an object instead of the array", path: "/api/SessionsService/ListSessions", body: `{"limit":1}`, status: 400, want: "JSON array"},
		{name: "a misspelt field", path: "/api/SessionsService/ListSessions", body: `[{"limmit":1}]`, status: 400, want: `unknown field \"limmit\"`},
		{name: "a wrong type", path: "/api/SessionsService/GetSession", body: `["seven"]`, status: 400, want: "argument 1"},
		{name: "a returned error", path: "/api/SessionsService/GetSession", body: `[987654]`, status: 500, want: `"error":`},
		{name: "a bad cursor is the method's error", path: "/api/SessionsService/ListSessions", body: `[{"cursor":"!"}]`, status: 500, want: "cursor"},
		{name: "no native dialog in the browser", path: "/api/ImportsService/ChooseAndImport", body: `[]`, status: 500, want: "use the import button"},
		{name: "a body over 1 MiB", path: "/api/ImportsService/ImportFiles", body: `["` + strings.Repeat("a", maxJSONBody) + `"]`, status: 413, want: "request body over"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := s.do(t, "POST", tc.path, map[string]string{"Content-Type": "application/json"}, strings.NewReader(tc.body))
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("%d %s, want %d with %q", resp.StatusCode, trim(body), tc.status, tc.want)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
	t.Run("the same page as the service gives", func(t *testing.T) {
		_, body := s.do(t, "POST", "/api/SessionsService/ListSessions", nil, strings.NewReader(`[{"limit":2}]`))
		page, err := s.svc.Sessions.ListSessions(ListRequest{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(page)
		if strings.TrimSpace(body) != string(want) {
			t.Fatalf("over HTTP %s\nfrom the service %s", body, want)
		}
		if len(page.Sessions) != 2 || page.NextCursor == nil {
			t.Fatalf("the fixture gave %d sessions, want more than 2", page.Total)
		}
	})
	t.Run("GET is not a call", func(t *testing.T) {
		resp, body := s.do(t, "GET", "/api/SessionsService/ListSessions", nil, nil)
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, `"error":"no such API route: GET`) {
			t.Fatalf("GET answered %d %s", resp.StatusCode, body)
		}
	})
}

func trim(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

func TestServeSecurity(t *testing.T) {
	s := newTestServer(t, "", testAssets)
	_, port, _ := net.SplitHostPort(s.host)
	list := "/api/SessionsService/ListSessions"
	tests := []struct {
		name    string
		method  string
		path    string
		headers map[string]string
		status  int
	}{
		{name: "the served host", method: "POST", path: list, status: 200},
		{name: "localhost for 127.0.0.1", method: "POST", path: list, headers: map[string]string{"Host": "localhost:" + port}, status: 200},
		{name: "upper case host", method: "POST", path: list, headers: map[string]string{"Host": "LOCALHOST:" + port}, status: 200},
		{name: "own origin", method: "POST", path: list, headers: map[string]string{"Origin": "http://" + s.host}, status: 200},
		{name: "a rebound name", method: "POST", path: list, headers: map[string]string{"Host": "evil.example:" + port}, status: 403},
		{name: "a rebound name without port", method: "POST", path: list, headers: map[string]string{"Host": "evil.example"}, status: 403},
		{name: "the page under a rebound name", method: "GET", path: "/", headers: map[string]string{"Host": "evil.example:" + port}, status: 403},
		{name: "the events under a rebound name", method: "GET", path: "/api/events", headers: map[string]string{"Host": "evil.example:" + port}, status: 403},
		{name: "another port of this machine", method: "POST", path: list, headers: map[string]string{"Host": "127.0.0.1:1"}, status: 403},
		{name: "a foreign origin", method: "POST", path: list, headers: map[string]string{"Origin": "http://evil.example"}, status: 403},
		{name: "this host on another port as origin", method: "POST", path: list, headers: map[string]string{"Origin": "http://127.0.0.1:1"}, status: 403},
		{name: "origin null", method: "POST", path: list, headers: map[string]string{"Origin": "null"}, status: 403},
		{name: "https origin", method: "POST", path: list, headers: map[string]string{"Origin": "https://" + s.host}, status: 403},
		{name: "a cross-site fetch", method: "POST", path: list, headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 403},
		{name: "a link from another site opens the page", method: "GET", path: "/", headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.method == "POST" {
				body = strings.NewReader(`[{"limit":1}]`)
			}
			resp, text := s.do(t, tc.method, tc.path, tc.headers, body)
			if resp.StatusCode != tc.status {
				t.Fatalf("%d %s, want %d", resp.StatusCode, trim(text), tc.status)
			}
			if tc.status == 403 && strings.Contains(text, `"sessions"`) {
				t.Fatalf("a refused request got data: %s", trim(text))
			}
			checkSecurityHeaders(t, resp)
		})
	}
}

func checkSecurityHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	want := map[string]string{
		"Content-Security-Policy": contentSecurityPolicy,
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"X-Frame-Options":         "DENY",
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if strings.Contains(csp, "unsafe-") || strings.Contains(csp, "*") || !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP not strict: %s", csp)
	}
}

// TestServeCSPMatchesIndex keeps the header's policy the page's own.
func TestServeCSPMatchesIndex(t *testing.T) {
	b, err := os.ReadFile("../frontend/index.html")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`http-equiv="Content-Security-Policy"\s+content="([^"]+)"`).FindSubmatch(b)
	if m == nil {
		t.Fatal("frontend/index.html has no CSP meta tag")
	}
	if !strings.HasPrefix(contentSecurityPolicy, string(m[1])) {
		t.Fatalf("the header's CSP\n  %s\ndoes not start with index.html's\n  %s", contentSecurityPolicy, m[1])
	}
}

func TestServeToken(t *testing.T) {
	const token = "s3cret-token"
	s := newTestServer(t, token, testAssets)
	list := "/api/SessionsService/ListSessions"
	tests := []struct {
		name    string
		method  string
		path    string
		headers map[string]string
		status  int
	}{
		{name: "no token", method: "POST", path: list, status: 401},
		{name: "a wrong token", method: "POST", path: list, headers: map[string]string{"Authorization": "Bearer s3cret-tokeN"}, status: 401},
		{name: "a prefix of the token", method: "POST", path: list, headers: map[string]string{"Authorization": "Bearer s3cret"}, status: 401},
		{name: "not a bearer", method: "POST", path: list, headers: map[string]string{"Authorization": "Basic " + token}, status: 401},
		{name: "the token", method: "POST", path: list, headers: map[string]string{"Authorization": "Bearer " + token}, status: 200},
		{name: "the token in the query is for events only", method: "POST", path: list + "?token=" + token, status: 401},
		{name: "events without the token", method: "GET", path: "/api/events", status: 401},
		{name: "events with a wrong token", method: "GET", path: "/api/events?token=nope", status: 401},
		{name: "the upload without the token", method: "POST", path: "/api/upload", status: 401},
		{name: "the page asks for it, so it loads without", method: "GET", path: "/", status: 200},
		{name: "the page's script too", method: "GET", path: "/assets/index-abc123.js", status: 200},
		{name: "a foreign host is refused before the token is asked", method: "POST", path: list, headers: map[string]string{"Host": "evil.example", "Authorization": "Bearer " + token}, status: 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.method == "POST" {
				body = strings.NewReader(`[{"limit":1}]`)
			}
			resp, text := s.do(t, tc.method, tc.path, tc.headers, body)
			if resp.StatusCode != tc.status {
				t.Fatalf("%d %s, want %d", resp.StatusCode, trim(text), tc.status)
			}
			if tc.status == 401 && strings.TrimSpace(text) != `{"error":"token required"}` {
				t.Fatalf("401 body %q", text)
			}
		})
	}
	t.Run("events with the token in the query", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/api/events?token="+token, nil)
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})
}

func TestServeStatic(t *testing.T) {
	s := newTestServer(t, "", testAssets)
	tests := []struct {
		name, path  string
		status      int
		contentType string
		cache       string
		body        string
	}{
		{name: "the page", path: "/", status: 200, contentType: "text/html; charset=utf-8", cache: "no-cache", body: "<!doctype html>"},
		{name: "the page by name", path: "/index.html", status: 200, contentType: "text/html; charset=utf-8", cache: "no-cache"},
		{name: "a hashed script", path: "/assets/index-abc123.js", status: 200, contentType: "text/javascript; charset=utf-8", cache: "public, max-age=31536000, immutable", body: "console.log(1)"},
		{name: "a hashed style", path: "/assets/index-abc123.css", status: 200, contentType: "text/css; charset=utf-8", cache: "public, max-age=31536000, immutable"},
		{name: "an image", path: "/icon.png", status: 200, contentType: "image/png", cache: "no-cache"},
		{name: "no folder listing", path: "/assets/", status: 404},
		{name: "no folder listing without slash", path: "/assets", status: 404},
		{name: "an unknown file is not the page", path: "/sessions/12", status: 404},
		{name: "no way out of the folder", path: "/../../etc/passwd", status: 404},
		{name: "no way out encoded", path: "/%2e%2e/%2e%2e/etc/passwd", status: 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := s.do(t, "GET", tc.path, nil, nil)
			if resp.StatusCode != tc.status {
				t.Fatalf("%d, want %d", resp.StatusCode, tc.status)
			}
			checkSecurityHeaders(t, resp)
			if tc.status != 200 {
				if strings.Contains(body, "index-abc123") {
					t.Fatalf("a listing or the page for %s: %s", tc.path, body)
				}
				return
			}
			if got := resp.Header.Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type %q, want %q", got, tc.contentType)
			}
			if got := resp.Header.Get("Cache-Control"); got != tc.cache {
				t.Errorf("Cache-Control %q, want %q", got, tc.cache)
			}
			if !strings.Contains(body, tc.body) {
				t.Errorf("body %q", body)
			}
		})
	}
	t.Run("only GET and HEAD", func(t *testing.T) {
		resp, _ := s.do(t, "POST", "/", nil, strings.NewReader("x"))
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Fatalf("POST / answered %d", resp.StatusCode)
		}
	})
}

// multipartBody builds an upload of the given files (name → content).
func multipartBody(t *testing.T, field string, files [][2]string) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range files {
		w, err := mw.CreateFormFile(field, f[0])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, f[1])
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func TestServeUpload(t *testing.T) {
	chat, err := os.ReadFile(fixtureDir + "/ios_en_GB_12h_nnbsp_brackets_crlf.txt")
	if err != nil {
		t.Fatal(err)
	}
	small := testAssets
	small.uploadLimit = int64(len(chat)) + 4096
	s := newTestServer(t, "", small)
	tests := []struct {
		name   string
		field  string
		files  [][2]string
		status int
		want   []string
	}{
		{name: "a chat export", field: "files", files: [][2]string{{"WhatsApp Chat with Bob.txt", string(chat)}}, status: 200,
			want: []string{`"path":"WhatsApp Chat with Bob.txt"`, `"status":"ok"`}},
		{name: "the same name twice, one of them not a chat", field: "files", files: [][2]string{{"a.txt", string(chat)}, {"a.txt", "hello"}}, status: 200,
			want: []string{`"path":"a.txt"`}},
		{name: "a path for a name stays inside", field: "files", files: [][2]string{{"../../escape.txt", "hello"}}, status: 200,
			want: []string{`"path":"escape.txt"`}},
		{name: "no files", field: "other", files: [][2]string{{"a.txt", "x"}}, status: 400, want: []string{"no files uploaded"}},
		{name: "over the limit", field: "files", files: [][2]string{{"big.txt", strings.Repeat("x", int(small.uploadLimit))}}, status: 413},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, ctype := multipartBody(t, tc.field, tc.files)
			resp, text := s.do(t, "POST", "/api/upload", map[string]string{"Content-Type": ctype}, body)
			if resp.StatusCode != tc.status {
				t.Fatalf("%d %s, want %d", resp.StatusCode, trim(text), tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("report lacks %s: %s", w, text)
				}
			}
			if strings.Contains(text, uploadPrefix) || strings.Contains(text, s.dataDir) {
				t.Errorf("the report names where the upload was kept: %s", text)
			}
			left, _ := filepath.Glob(filepath.Join(s.dataDir, uploadPrefix+"*"))
			if len(left) > 0 {
				t.Errorf("uploads left behind: %v", left)
			}
			if _, err := os.Stat(filepath.Join(s.dataDir, "..", "escape.txt")); err == nil {
				t.Error("a file was written outside the upload folder")
			}
		})
	}
	t.Run("the uploaded chat is in the timeline", func(t *testing.T) {
		p, err := s.svc.Sessions.ListSessions(ListRequest{Name: "Bob"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total == 0 {
			t.Fatal("no session of the uploaded chat")
		}
	})
	t.Run("not multipart", func(t *testing.T) {
		resp, _ := s.do(t, "POST", "/api/upload", map[string]string{"Content-Type": "application/json"}, strings.NewReader("[]"))
		if resp.StatusCode != 400 {
			t.Fatalf("%d", resp.StatusCode)
		}
	})
}

func TestUploadedName(t *testing.T) {
	tmp := filepath.Join("/data", ".upload-1")
	names := []string{"a.zip", "b.txt"}
	tests := []struct{ in, want string }{
		{filepath.Join(tmp, "0", "a.zip"), "a.zip"},
		{filepath.Join(tmp, "0", "a.zip") + "!chat.txt", "a.zip!chat.txt"},
		{filepath.Join(tmp, "1", "b.txt"), "b.txt"},
		{filepath.Join(tmp, "7", "c.txt"), filepath.Join(tmp, "7", "c.txt")},
		{"/elsewhere/x.txt", "/elsewhere/x.txt"},
	}
	for _, tc := range tests {
		if got := uploadedName(tc.in, tmp, names); got != tc.want {
			t.Errorf("uploadedName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for in, want := range map[string]string{"a.txt": "a.txt", `C:\Users\x\chat.txt`: "chat.txt", "../x": "x", "..": "", "dir/": "", "a\x00b": ""} {
		if got := safeUploadName(in); got != want {
			t.Errorf("safeUploadName(%q) = %q, want %q", in, got, want)
		}
	}
}

// sseReader reads events from a stream.
type sseReader struct{ r *bufio.Reader }

// next returns the next event or comment block.
func (s sseReader) next() (string, error) {
	var b strings.Builder
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			return b.String(), err
		}
		if line == "\n" {
			return b.String(), nil
		}
		b.WriteString(line)
	}
}

func TestServeEvents(t *testing.T) {
	s := newTestServer(t, "", testAssets)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/api/events", nil)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	checkSecurityHeaders(t, resp)
	r := sseReader{bufio.NewReader(resp.Body)}
	if first, err := r.next(); err != nil || first != ": connected\n" {
		t.Fatalf("first block %q, %v", first, err)
	}
	// What the services emit reaches the browser, as the window gets it.
	if _, err := s.svc.ImportPaths(context.Background(), []string{fixtureDir + "/ios_legacy_2016_colon_separator.txt"}); err != nil {
		t.Fatal(err)
	}
	want := []string{"event: import:busy\ndata: true\n", "event: import:busy\ndata: false\n"}
	var got []string
	for len(got) < 2 {
		ev, err := r.next()
		if err != nil {
			t.Fatalf("stream ended: %v (got %q)", err, got)
		}
		if strings.Contains(ev, "import:busy") {
			got = append(got, ev)
		}
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("events %q, want %q", got, want)
	}
	// Leaving unsubscribes.
	cancel()
	waitFor(t, "the client to be unsubscribed", func() bool { return s.hub.clientCount() == 0 })
}

func TestEventHub(t *testing.T) {
	t.Run("a slow client is dropped, the others keep theirs", func(t *testing.T) {
		h := newEventHub()
		h.buffer = 2
		slow, _ := h.subscribe()
		fast, unsub := h.subscribe()
		defer unsub()
		for i := range 3 {
			h.Publish("tick", i)
			<-fast
		}
		n := 0
		for range slow {
			n++
		}
		if n != 2 {
			t.Fatalf("the slow client got %d events before being dropped, want its buffer (2)", n)
		}
		if h.clientCount() != 1 {
			t.Fatalf("%d clients, want the fast one", h.clientCount())
		}
	})
	t.Run("close ends every stream and refuses new ones", func(t *testing.T) {
		h := newEventHub()
		c, unsub := h.subscribe()
		h.Close()
		if _, ok := <-c; ok {
			t.Fatal("stream open after Close")
		}
		unsub() // after Close: no double close
		c2, _ := h.subscribe()
		if _, ok := <-c2; ok {
			t.Fatal("a new stream after Close")
		}
		h.Publish("late", 1) // must not panic
	})
	t.Run("keep-alive comments", func(t *testing.T) {
		h := newEventHub()
		h.keepAlive = 5 * time.Millisecond
		srv := httptest.NewServer(h)
		defer srv.Close()
		resp, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		r := sseReader{bufio.NewReader(resp.Body)}
		r.next() // connected
		if ev, err := r.next(); err != nil || ev != ": keep-alive\n" {
			t.Fatalf("%q %v", ev, err)
		}
		h.Publish("x:y", map[string]string{"a": "<b>\n"})
		for {
			ev, err := r.next()
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(ev, "event:") {
				if ev != "event: x:y\ndata: {\"a\":\"\\u003cb\\u003e\\n\"}\n" {
					t.Fatalf("event %q", ev)
				}
				break
			}
		}
	})
	t.Run("many publishers and clients", func(t *testing.T) {
		h := newEventHub()
		var wg sync.WaitGroup
		for range 4 {
			c, unsub := h.subscribe()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer unsub()
				for i := 0; i < 50; i++ {
					if _, ok := <-c; !ok {
						return
					}
				}
			}()
		}
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range 50 {
					h.Publish("n", i*100+j)
				}
			}()
		}
		wg.Wait()
		h.Close()
	})
}

// waitFor polls cond until it holds, failing after a generous deadline
// (a hang, not a speed check).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestAllowedHosts(t *testing.T) {
	tcp := func(ip string, port int) net.Addr { return &net.TCPAddr{IP: net.ParseIP(ip), Port: port} }
	tests := []struct {
		name    string
		addr    net.Addr
		asked   string
		allowed []string
		refused []string
	}{
		{name: "loopback", addr: tcp("127.0.0.1", 8080), asked: "127.0.0.1:8080",
			allowed: []string{"127.0.0.1:8080", "localhost:8080", "[::1]:8080"},
			refused: []string{"127.0.0.1:8081", "evil.example:8080", "localhost.evil.example:8080", "0.0.0.0:8080"}},
		{name: "localhost asked", addr: tcp("127.0.0.1", 9000), asked: "localhost:9000",
			allowed: []string{"localhost:9000", "127.0.0.1:9000"}, refused: []string{"localhost:80"}},
		{name: "one LAN address", addr: tcp("192.168.1.5", 8080), asked: "192.168.1.5:8080",
			allowed: []string{"192.168.1.5:8080"}, refused: []string{"localhost:8080", "192.168.1.6:8080"}},
		{name: "port 80 without port", addr: tcp("127.0.0.1", 80), asked: "127.0.0.1:80",
			allowed: []string{"localhost", "127.0.0.1"}, refused: []string{"evil.example"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hosts := allowedHosts(tc.addr, tc.asked)
			for _, h := range tc.allowed {
				if !hosts[normalHost(h)] {
					t.Errorf("%s refused; allowed: %v", h, hosts)
				}
			}
			for _, h := range tc.refused {
				if hosts[normalHost(h)] {
					t.Errorf("%s allowed", h)
				}
			}
		})
	}
	if !isLoopbackAddr(tcp("127.0.0.1", 1)) || !isLoopbackAddr(tcp("::1", 1)) || isLoopbackAddr(tcp("0.0.0.0", 1)) || isLoopbackAddr(tcp("192.168.1.5", 1)) {
		t.Fatal("isLoopbackAddr")
	}
}

// serveRun is runServe running in the background on a temp library.
type serveRun struct {
	cancel         context.CancelFunc
	done           chan error
	stdout, stderr *syncBuffer
	url            string
}

func startServe(t *testing.T, dataDir string, args ...string) *serveRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &serveRun{cancel: cancel, done: make(chan error, 1), stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	go func() {
		r.done <- runServe(ctx, Config{DataDir: dataDir}, args, r.stdout, r.stderr, testAssets.FS)
	}()
	re := regexp.MustCompile(`open at (http://\S+/)`)
	waitFor(t, "serve to print its URL", func() bool {
		select {
		case err := <-r.done:
			t.Fatalf("serve ended: %v\n%s", err, r.stderr)
		default:
		}
		m := re.FindStringSubmatch(r.stdout.String())
		if m != nil {
			r.url = m[1]
		}
		return m != nil
	})
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop is Ctrl+C: runServe must return, cleanly.
func (r *serveRun) stop(t *testing.T) error {
	t.Helper()
	if r.cancel == nil {
		return nil
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		return err
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
	return nil
}

func TestRunServe(t *testing.T) {
	t.Run("loopback: no token, the page and the API answer", func(t *testing.T) {
		dir := t.TempDir()
		r := startServe(t, dir, "--addr", "127.0.0.1:0")
		if strings.Contains(r.stdout.String(), "token") {
			t.Fatalf("a token on loopback: %s", r.stdout)
		}
		resp, err := http.Post(r.url+"api/SettingsService/AppInfo", "application/json", strings.NewReader("[]"))
		if err != nil {
			t.Fatal(err)
		}
		var info AppInfo
		json.NewDecoder(resp.Body).Decode(&info)
		resp.Body.Close()
		if resp.StatusCode != 200 || info.Transport != TransportServe || info.Dialogs || info.DataDir != dir {
			t.Fatalf("%d %+v", resp.StatusCode, info)
		}
		// An event stream open at Ctrl+C does not hold the shutdown up.
		ev, err := http.Get(r.url + "api/events")
		if err != nil {
			t.Fatal(err)
		}
		defer ev.Body.Close()
		if err := r.stop(t); err != nil {
			t.Fatalf("serve returned %v", err)
		}
		if s := r.stderr.String(); strings.Contains(s, "cut off") {
			t.Fatalf("requests were cut off at shutdown: %s", s)
		}
		if _, err := http.Get(r.url); err == nil {
			t.Fatal("still answering after shutdown")
		}
		if _, err := os.Stat(socketPath(dir)); !os.IsNotExist(err) {
			t.Fatalf("the socket is left behind: %v", err)
		}
		// The library is closed: a command opens it (and its index) at once.
		var out, errb bytes.Buffer
		if code := runArgs(context.Background(), Config{DataDir: dir}, []string{"reindex"}, &out, &errb, nil); code != 0 {
			t.Fatalf("reindex after serve: %d %s", code, errb.String())
		}
	})
	t.Run("Ctrl+C lets a request in flight finish", func(t *testing.T) {
		dir := t.TempDir()
		r := startServe(t, dir, "--addr", "127.0.0.1:0")
		chat, err := os.ReadFile(fixtureFile)
		if err != nil {
			t.Fatal(err)
		}
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		type result struct {
			status int
			body   string
			err    error
		}
		done := make(chan result, 1)
		go func() {
			resp, err := http.Post(r.url+"api/upload", mw.FormDataContentType(), pr)
			if err != nil {
				done <- result{err: err}
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			done <- result{status: resp.StatusCode, body: string(b)}
		}()
		part, err := mw.CreateFormFile("files", "WhatsApp Chat with Alice.txt")
		if err != nil {
			t.Fatal(err)
		}
		part.Write(chat[:len(chat)/2])
		waitFor(t, "the upload to begin", func() bool {
			m, _ := filepath.Glob(filepath.Join(dir, uploadPrefix+"*"))
			return len(m) > 0
		})
		r.cancel() // Ctrl+C while the file is still arriving
		part.Write(chat[len(chat)/2:])
		mw.Close()
		pw.Close()
		res := <-done
		if res.err != nil || res.status != 200 || !strings.Contains(res.body, `"path":"WhatsApp Chat with Alice.txt"`) {
			t.Fatalf("the upload in flight at Ctrl+C: %v %d %s", res.err, res.status, res.body)
		}
		if err := <-r.done; err != nil {
			t.Fatalf("serve returned %v", err)
		}
		r.cancel = nil
		// What it imported is saved.
		if got := runDirect(t, dir, "list"); got.code != 0 || !strings.Contains(got.out, "of ") || strings.Contains(got.out, "No sessions") {
			t.Fatalf("after shutdown: %+v", got)
		}
	})
	t.Run("beyond loopback: a token is printed and asked for", func(t *testing.T) {
		r := startServe(t, t.TempDir(), "--addr", "0.0.0.0:0")
		m := regexp.MustCompile(`asks for this token once:\n  (\S+)\n`).FindStringSubmatch(r.stdout.String())
		if m == nil || len(m[1]) < 32 {
			t.Fatalf("no token printed: %q", r.stdout)
		}
		_, port, _ := net.SplitHostPort(strings.TrimSuffix(strings.TrimPrefix(r.url, "http://"), "/"))
		base := "http://127.0.0.1:" + port
		call := func(auth string) int {
			req, _ := http.NewRequest("POST", base+"/api/SettingsService/AppInfo", strings.NewReader("[]"))
			if auth != "" {
				req.Header.Set("Authorization", "Bearer "+auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if got := call(""); got != 401 {
			t.Fatalf("without the token: %d", got)
		}
		if got := call(m[1]); got != 200 {
			t.Fatalf("with the token: %d", got)
		}
	})
	t.Run("bad addr", func(t *testing.T) {
		err := runServe(context.Background(), Config{DataDir: t.TempDir()}, []string{"--addr", "nonsense"}, io.Discard, io.Discard, nil)
		if err == nil || !strings.Contains(err.Error(), "HOST:PORT") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("the port taken", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		err = runServe(context.Background(), Config{DataDir: t.TempDir()}, []string{"--addr", ln.Addr().String()}, io.Discard, io.Discard, nil)
		if err == nil || !strings.Contains(err.Error(), "listen on") {
			t.Fatalf("err = %v", err)
		}
	})
}

// BenchmarkServeListSessions is a page of the timeline through the whole
// HTTP layer (security checks, JSON in and out) against the same call made
// directly, so the transport's share of a Load More can be read off.
func BenchmarkServeListSessions(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	lib, err := open(ctx, Config{DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer lib.Close()
	hub := newEventHub()
	svc := NewServices(ctx, Deps{Store: lib.st, Timeline: lib.tl, DataDir: dir, Shell: serveShell{hub: hub}, Transport: TransportServe})
	defer svc.Stop()
	if _, err := svc.ImportPaths(ctx, []string{fixtureDir}); err != nil {
		b.Fatal(err)
	}
	methods, err := contractOf(svc.Bindings())
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	addr := srv.Listener.Addr()
	srv.Config.Handler = newServeHandler(serveHandlerConfig{methods: methods, hub: hub, log: slog.Default(), hosts: allowedHosts(addr, addr.String())})
	srv.Start()
	defer srv.Close()
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Sessions.ListSessions(ListRequest{Limit: 50}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("http", func(b *testing.B) {
		client := srv.Client()
		for b.Loop() {
			resp, err := client.Post(srv.URL+"/api/SessionsService/ListSessions", "application/json", strings.NewReader(`[{"limit":50}]`))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatal(resp.Status)
			}
		}
	})
}
