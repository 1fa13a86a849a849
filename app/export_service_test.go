package app

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/sessions-app/sessions/backend/export"
)

// SaveFile of the tests' window: no dialog is shown, so it is cancelled;
// savingShell answers with a path.
func (r *recordingShell) SaveFile(string, string) (string, error) { return "", nil }

// savingShell is a window whose save dialog answers path.
type savingShell struct {
	recordingShell
	path    string
	offered string // the name the dialog suggested
}

func (s *savingShell) SaveFile(_, defaultName string) (string, error) {
	s.offered = defaultName
	return s.path, nil
}

// exportLibrary is a data dir with the two test chats imported through the
// CLI, a custom field (City) and labels on some sessions.
func exportLibrary(t *testing.T) (dir string, ids []int64) {
	t.Helper()
	dir = t.TempDir()
	if code, _, errOut := run(t, "--data", dir, "import", "--tz", "Europe/Berlin", "--bot", "Shop Bot", aliceFile, fixtureFile); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	code, out, errOut := run(t, "--data", dir, "list", "--json", "--limit", "1000")
	if code != 0 {
		t.Fatalf("list: %d %s", code, errOut)
	}
	var page SessionPage
	if err := json.Unmarshal([]byte(out), &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Sessions) < 3 {
		t.Fatalf("the test chats gave %d sessions, want 3 or more", len(page.Sessions))
	}
	for _, s := range page.Sessions {
		ids = append(ids, s.ID)
	}
	steps := [][]string{
		{"fields", "define", "city", "--name", "City", "--type", "text"},
		{"field", strconv.FormatInt(ids[0], 10), "city=München"},
		{"field", strconv.FormatInt(ids[1], 10), "city==cmd|' /C calc'!A0"},
		{"label", strconv.FormatInt(ids[0], 10), "VIP", "Refund"},
		{"label", strconv.FormatInt(ids[2], 10), "Refund"},
	}
	for _, s := range steps {
		if code, _, errOut := run(t, append([]string{"--data", dir}, s...)...); code != 0 {
			t.Fatalf("%q: %d %s", s, code, errOut)
		}
	}
	return dir, ids
}

// TestExportCommandMatchesList: `sessions export` with the list's filters
// gives the rows `list --json` gives, in its order, as CSV and as JSON
// Lines, to stdout or a file; the header has the custom field.
func TestExportCommandMatchesList(t *testing.T) {
	dir, _ := exportLibrary(t)
	filters := [][]string{
		nil,
		{"--channel", "whatsapp"},
		{"--label", "refund"},
		{"--field", "city=MÜNCHEN"},
		{"--status", "completed", "--from", "2024-03-14"},
		{"--q", "teapot"},
		{"--text", "zeppelin"},
	}
	for _, f := range filters {
		t.Run(strings.Join(f, " "), func(t *testing.T) {
			code, out, errOut := run(t, append([]string{"--data", dir, "list", "--json", "--limit", "1000"}, f...)...)
			if code != 0 {
				t.Fatalf("list: %d %s", code, errOut)
			}
			var page SessionPage
			if err := json.Unmarshal([]byte(out), &page); err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, s := range page.Sessions {
				want = append(want, strconv.FormatInt(s.ID, 10))
			}

			code, out, errOut = run(t, append([]string{"--data", dir, "export"}, f...)...)
			if code != 0 {
				t.Fatalf("export: %d %s", code, errOut)
			}
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatalf("export is not CSV: %v\n%s", err, out)
			}
			if recs[0][0] != "id" || recs[0][len(recs[0])-1] != "City" {
				t.Fatalf("header %q", recs[0])
			}
			var got []string
			for _, r := range recs[1:] {
				got = append(got, r[0])
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("CSV rows %v, list %v", got, want)
			}

			file := filepath.Join(t.TempDir(), "out.jsonl")
			code, _, errOut = run(t, append([]string{"--data", dir, "export", "--format", "jsonl", "--out", file}, f...)...)
			if code != 0 || !strings.Contains(errOut, "written to "+file) {
				t.Fatalf("export --out: %d %s", code, errOut)
			}
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got = nil
			for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
				if line == "" {
					continue
				}
				var r export.JSONRow
				if err := json.Unmarshal([]byte(line), &r); err != nil {
					t.Fatalf("%v: %s", err, line)
				}
				got = append(got, strconv.FormatInt(r.ID, 10))
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("JSONL rows %v, list %v", got, want)
			}
		})
	}
	t.Run("the fixed columns and a guarded field", func(t *testing.T) {
		code, out, _ := run(t, "--data", dir, "export", "--bom")
		if code != 0 || !strings.HasPrefix(out, "\uFEFF") {
			t.Fatalf("--bom: %d %q", code, out[:min(len(out), 20)])
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if want := append(append([]string(nil), export.Columns...), "City"); !reflect.DeepEqual(recs[0], want) {
			t.Fatalf("header %q, want %q", recs[0], want)
		}
		var cities []string
		for _, r := range recs[1:] {
			if c := r[len(r)-1]; c != "" {
				cities = append(cities, c)
			}
		}
		sort.Strings(cities)
		if want := []string{"'=cmd|' /C calc'!A0", "München"}; !reflect.DeepEqual(cities, want) {
			t.Fatalf("cities %q, want %q", cities, want)
		}
	})
	usage := []struct {
		args []string
		want string
	}{
		{[]string{"export", "--format", "xlsx"}, "unknown export format"},
		{[]string{"export", "--format", "jsonl", "--bom"}, "--bom is for CSV only"},
		{[]string{"export", "--status", "open"}, "--status"},
		{[]string{"export", "--channel", "telegram"}, "channel"},
		{[]string{"export", "--from", "14/03/2024"}, "is not a day"},
		{[]string{"export", "extra"}, "unexpected argument"},
	}
	for _, u := range usage {
		code, _, errOut := run(t, append([]string{"--data", dir}, u.args...)...)
		if code != 2 || !strings.Contains(errOut, u.want) {
			t.Errorf("%q: exit %d %q, want 2 and %q", u.args, code, errOut, u.want)
		}
	}
}

// TestExportCSVInTheWindow: the window's export writes where the save
// dialog says (the file whole, with a BOM); a cancelled dialog writes
// nothing; the browser has no dialog and says to use the download.
func TestExportCSVInTheWindow(t *testing.T) {
	s, _ := newTestServices(t)
	if _, err := s.ImportPaths(t.Context(), []string{aliceFile}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.csv")
	shell := &savingShell{path: path}
	s.SetShell(shell)
	res, err := s.Export.ExportCSV(ListRequest{Channels: []string{"whatsapp"}, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Path != path || res.Rows != 2 || res.Cancelled {
		t.Fatalf("result %+v", res)
	}
	if !strings.HasPrefix(shell.offered, "sessions-") || !strings.HasSuffix(shell.offered, ".csv") {
		t.Fatalf("the dialog offered %q", shell.offered)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\uFEFF"))).ReadAll()
	if err != nil || !strings.HasPrefix(string(b), "\uFEFF") || len(recs) != 3 {
		t.Fatalf("file: %v, %d records\n%s", err, len(recs), b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("the folder holds %d files, want just the export", len(entries))
	}
	// A refused filter writes nothing, not even the partial file.
	if _, err := s.Export.ExportCSV(ListRequest{Status: "open"}); err == nil {
		t.Fatal("a bad filter was exported")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("a refused export left %d files", len(entries))
	}
	shell.path = ""
	res, err = s.Export.ExportCSV(ListRequest{})
	if err != nil || !res.Cancelled || res.Path != "" {
		t.Fatalf("cancelled dialog: %+v, %v", res, err)
	}
	s.SetShell(serveShell{hub: newEventHub()})
	if _, err := s.Export.ExportCSV(ListRequest{}); err == nil || !strings.Contains(err.Error(), "use the download") {
		t.Fatalf("in the browser: %v", err)
	}
	s.SetShell(nil)
	if _, err := s.Export.ExportCSV(ListRequest{}); !errors.Is(err, errNoDialogs) {
		t.Fatalf("without a window: %v", err)
	}
}

// TestServeExport: the downloads stream the filter of the URL, with the
// page's param names, behind the same Host, Origin and token checks as
// the rest of /api (the token also as ?token=, a link's only way).
func TestServeExport(t *testing.T) {
	s := newExportServer(t, "")
	if _, err := s.svc.ImportPaths(t.Context(), []string{aliceFile}); err != nil {
		t.Fatal(err)
	}
	all, err := s.svc.Sessions.ListSessions(ListRequest{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	wa, err := s.svc.Sessions.ListSessions(ListRequest{Limit: 1000, Channels: []string{"whatsapp"}, Q: "teapot"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		headers    map[string]string
		status     int
		rows       int
		bom        bool
	}{
		{name: "all", path: "/api/export.csv", status: 200, rows: all.Total, bom: true},
		{name: "the URL's filter", path: "/api/export.csv?channel=whatsapp,instagram&q=teapot&open=3", status: 200, rows: wa.Total, bom: true},
		{name: "without the BOM", path: "/api/export.csv?bom=0", status: 200, rows: all.Total},
		{name: "JSON Lines", path: "/api/export.jsonl?status=completed", status: 200, rows: all.Total},
		{name: "a bad filter", path: "/api/export.csv?status=open", status: 400},
		{name: "a bad field param", path: "/api/export.csv?field=city", status: 400},
		{name: "a bad bom", path: "/api/export.csv?bom=maybe", status: 400},
		{name: "another site's script", path: "/api/export.csv", headers: map[string]string{"Origin": "http://evil.example"}, status: 403},
		{name: "a rebound host", path: "/api/export.csv", headers: map[string]string{"Host": "evil.example"}, status: 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := s.do(t, "GET", tc.path, tc.headers, nil)
			if resp.StatusCode != tc.status {
				t.Fatalf("%d %s, want %d", resp.StatusCode, trim(body), tc.status)
			}
			if tc.status != 200 {
				if !strings.HasPrefix(strings.TrimSpace(body), `{"error":`) {
					t.Fatalf("error body %q", body)
				}
				return
			}
			cd := resp.Header.Get("Content-Disposition")
			if !strings.HasPrefix(cd, `attachment; filename="sessions-`) || resp.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("headers %v", resp.Header)
			}
			if strings.HasPrefix(body, "\uFEFF") != tc.bom {
				t.Fatalf("BOM %v, want %v", strings.HasPrefix(body, "\uFEFF"), tc.bom)
			}
			var rows int
			if strings.HasSuffix(tc.path[:strings.IndexByte(tc.path+"?", '?')], ".jsonl") {
				if resp.Header.Get("Content-Type") != "application/x-ndjson; charset=utf-8" {
					t.Fatalf("type %q", resp.Header.Get("Content-Type"))
				}
				rows = strings.Count(body, "\n")
			} else {
				if resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
					t.Fatalf("type %q", resp.Header.Get("Content-Type"))
				}
				recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				rows = len(recs) - 1
			}
			if rows != tc.rows || rows == 0 {
				t.Fatalf("%d rows, want %d", rows, tc.rows)
			}
		})
	}

	const token = "s3cret-token"
	st := newExportServer(t, token)
	for _, tc := range []struct {
		name, path string
		headers    map[string]string
		status     int
	}{
		{"no token", "/api/export.csv", nil, 401},
		{"a wrong token in the query", "/api/export.csv?token=nope", nil, 401},
		{"the token in the query", "/api/export.csv?token=" + token, nil, 200},
		{"the token as a header", "/api/export.jsonl", map[string]string{"Authorization": "Bearer " + token}, 200},
	} {
		resp, body := st.do(t, "GET", tc.path, tc.headers, nil)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, trim(body), tc.status)
		}
	}
}

// TestAbsOut: a forwarded export writes where the terminal meant.
func TestAbsOut(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ in, want []string }{
		{[]string{"export", "--out", "x.csv"}, []string{"export", "--out", filepath.Join(wd, "x.csv")}},
		{[]string{"export", "--out=x.csv", "--channel", "whatsapp"}, []string{"export", "--out=" + filepath.Join(wd, "x.csv"), "--channel", "whatsapp"}},
		{[]string{"export", "-out", "-"}, []string{"export", "-out", "-"}},
		{[]string{"export", "--out", "/tmp/y.csv"}, []string{"export", "--out", "/tmp/y.csv"}},
		{[]string{"export", "--q", "x.csv"}, []string{"export", "--q", "x.csv"}},
		{[]string{"export", "--out"}, []string{"export", "--out"}},
	}
	for _, tt := range tests {
		if got := absOut(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("absOut(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// newExportServer is newTestServer with the download routes, as runServe
// builds its handler.
func newExportServer(t *testing.T, token string) *testServer {
	t.Helper()
	s := newTestServer(t, token, testAssets)
	methods, err := contractOf(s.svc.Bindings())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	addr := srv.Listener.Addr()
	srv.Config.Handler = newServeHandler(serveHandlerConfig{
		methods: methods, hub: s.hub, token: token, log: slog.Default(), exports: s.svc.Export,
		hosts: allowedHosts(addr, addr.String()),
	})
	srv.Start()
	t.Cleanup(srv.Close)
	return &testServer{Server: srv, svc: s.svc, hub: s.hub, dataDir: s.dataDir, host: addr.String()}
}

// TestExportBesideTheApp: while serve holds the library, `sessions export`
// runs inside it over the local socket (stdout comes back whole, --out
// lands where the terminal meant), and serve's own download answers.
func TestExportBesideTheApp(t *testing.T) {
	dir, _ := exportLibrary(t)
	code, alone, errOut := run(t, "--data", dir, "export")
	if code != 0 {
		t.Fatalf("export: %d %s", code, errOut)
	}
	r := startServe(t, dir, "--addr", "127.0.0.1:0")

	code, inside, errOut := run(t, "--data", dir, "export")
	if code != 0 || inside != alone {
		t.Fatalf("export inside the app: exit %d %s\n%q\nwant\n%q", code, errOut, inside, alone)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, filepath.Join(t.TempDir(), "beside.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, "--data", dir, "export", "--out", rel); code != 0 {
		t.Fatalf("export --out inside the app: %d %s", code, errOut)
	}
	b, err := os.ReadFile(rel)
	if err != nil || string(b) != alone {
		t.Fatalf("the file written inside the app: %v\n%q", err, b)
	}

	resp, err := http.Get(r.url + "api/export.csv?bom=0")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 || string(body) != alone {
		t.Fatalf("serve's download: %d %v\n%q", resp.StatusCode, err, body)
	}
}
