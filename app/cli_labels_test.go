package app

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

const aliceLater = "../backend/importer/testdata/later/WhatsApp Chat with Alice Example.txt"

// cliStep is one command of a scripted session and what it must give.
type cliStep struct {
	args     []string
	code     int
	out, err []string // substrings of stdout and stderr
}

func runSteps(t *testing.T, data string, steps []cliStep) {
	t.Helper()
	for _, s := range steps {
		code, out, errOut := run(t, append([]string{"--data", data}, s.args...)...)
		if code != s.code {
			t.Fatalf("sessions %s: exit %d, want %d\nstdout %s\nstderr %s", strings.Join(s.args, " "), code, s.code, out, errOut)
		}
		for _, w := range s.out {
			if !strings.Contains(out, w) {
				t.Fatalf("sessions %s: stdout lacks %q:\n%s", strings.Join(s.args, " "), w, out)
			}
		}
		for _, w := range s.err {
			if !strings.Contains(errOut, w) {
				t.Fatalf("sessions %s: stderr lacks %q:\n%s", strings.Join(s.args, " "), w, errOut)
			}
		}
	}
}

// importAlice imports the two-session fixture; session 1 is 14 March 2024
// 09:02–09:41 UTC, session 2 from 20 March 18:30 to 21 March 08:15 UTC.
func importAlice(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	if code, _, errOut := run(t, "--data", data, "import", "--tz", "UTC", aliceFile); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	return data
}

// listJSON runs list --json and returns the ids and the total.
func listJSON(t *testing.T, data string, args ...string) ([]int64, int) {
	t.Helper()
	code, out, errOut := run(t, append([]string{"--data", data, "list", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("list %v: exit %d: %s", args, code, errOut)
	}
	var page SessionPage
	if err := json.Unmarshal([]byte(out), &page); err != nil {
		t.Fatalf("list --json: %v\n%s", err, out)
	}
	ids := []int64{}
	for _, s := range page.Sessions {
		ids = append(ids, s.ID)
	}
	return ids, page.Total
}

func TestCLILabels(t *testing.T) {
	data := importAlice(t)
	runSteps(t, data, []cliStep{
		{args: []string{"labels"}, out: []string{"No labels yet"}},
		{args: []string{"label", "1", "vip", "Café"}, out: []string{"Labels: Café, vip"}},
		{args: []string{"label", "2", "CAFE"}, out: []string{"Labels: Café"}}, // the same label, by its fold
		{args: []string{"labels", "create", "Refund", "--color", "#FF0000"}, out: []string{"Label Refund #ff0000, on 0 sessions"}},
		{args: []string{"labels", "create", "RÉFUND"}, code: 2, err: []string{"already exists"}},
		{args: []string{"labels", "create", "x", "--color", "red"}, code: 2, err: []string{"#RRGGBB"}},
		{args: []string{"labels", "create", "a,b"}, code: 2, err: []string{"comma"}},
		{args: []string{"labels", "rename", "vip", "VIP-Kunde"}, out: []string{"Label VIP-Kunde", "on 1 session"}},
		{args: []string{"labels", "rename", "VIP-Kunde", "cafe"}, code: 2, err: []string{"already exists"}},
		{args: []string{"labels", "color", "vip-kunde", "#00AA00"}, out: []string{"#00aa00"}},
		{args: []string{"labels", "color", "nope", "#00AA00"}, code: 1, err: []string{`no label "nope"`}},
		{args: []string{"labels", "frobnicate"}, code: 2, err: []string{"unknown labels command"}},
		{args: []string{"labels", "rename", "only-one"}, code: 2, err: []string{"sessions labels rename OLD NEW"}},
		{args: []string{"label", "999", "x"}, code: 1, err: []string{"session 999", "not found"}},
		{args: []string{"label", "abc", "x"}, code: 2, err: []string{"not a number"}},
		{args: []string{"label", "1"}, code: 2, err: []string{"sessions label ID NAME (one or more)"}},
		{args: []string{"labels"}, out: []string{"Café", "2", "VIP-Kunde", "#00aa00", "Refund", "#ff0000"}},
		{args: []string{"unlabel", "2", "café"}, out: []string{"Labels: none"}},
		{args: []string{"unlabel", "2", "ghost"}, code: 1, err: []string{`label "ghost"`}},
		{args: []string{"labels", "delete", "refund"}, out: []string{"Deleted label Refund (it was on 0 sessions)"}},
		{args: []string{"show", "1"}, out: []string{"Labels: Café, VIP-Kunde"}},
	})

	code, out, _ := run(t, "--data", data, "labels", "--json")
	var labels []LabelView
	if code != 0 || json.Unmarshal([]byte(out), &labels) != nil {
		t.Fatalf("labels --json: exit %d\n%s", code, out)
	}
	got := map[string]LabelView{}
	for _, l := range labels {
		got[l.Name] = l
	}
	if len(labels) != 2 || got["Café"].Sessions != 1 || got["VIP-Kunde"].Color != "#00aa00" || got["VIP-Kunde"].Sessions != 1 ||
		!strings.HasPrefix(got["Café"].Color, "#") || len(got["Café"].Color) != 7 {
		t.Fatalf("labels --json = %+v", labels)
	}

	// show --json gives each label with its colour.
	code, out, _ = run(t, "--data", data, "show", "--json", "1")
	var d SessionDetail
	if code != 0 || json.Unmarshal([]byte(out), &d) != nil {
		t.Fatalf("show --json: exit %d\n%s", code, out)
	}
	if len(d.Labels) != 2 || d.Labels[0] != (LabelRef{Name: "Café", Color: got["Café"].Color}) || d.Labels[1] != (LabelRef{Name: "VIP-Kunde", Color: "#00aa00"}) {
		t.Fatalf("show --json labels = %+v", d.Labels)
	}

	// A label typed in another case or without its accent finds the
	// session, on SQLite's path and the index's (words), with a total
	// that agrees with the rows.
	for _, args := range [][]string{{"--label", "CAFÉ"}, {"--label", "cafe"}, {"--label", "CAFE", "--q", "alice"}, {"--label", "vip-kunde", "--text", "hello"}} {
		ids, total := listJSON(t, data, args...)
		if len(ids) != 1 || ids[0] != 1 || total != 1 {
			t.Fatalf("list %v = %v of %d, want [1] of 1", args, ids, total)
		}
	}
}

func TestCLIFields(t *testing.T) {
	data := importAlice(t)
	runSteps(t, data, []cliStep{
		{args: []string{"fields"}, out: []string{"No custom fields yet"}},
		{args: []string{"fields", "define", "city", "--name", "City", "--type", "text"}, out: []string{"Field city (City), text"}},
		{args: []string{"fields", "define", "city", "--name", "Town", "--type", "text"}, code: 2, err: []string{"already exists"}},
		{args: []string{"fields", "define", "n", "--name", "Order total", "--type", "number"}, out: []string{"number"}},
		{args: []string{"fields", "define", "due", "--name", "Due", "--type", "date"}},
		{args: []string{"fields", "define", "tier", "--name", "Tier", "--type", "choice", "--choices", "Gold,Silber,Bronze"}, out: []string{"(Gold, Silber, Bronze)"}},
		{args: []string{"fields", "define", "bad key", "--type", "text"}, code: 2, err: []string{"letters, digits"}},
		{args: []string{"fields", "define", "x", "--type", "colour"}, code: 2, err: []string{"want text, number, date or choice"}},
		{args: []string{"fields", "define", "x"}, code: 2, err: []string{"--type"}},
		{args: []string{"fields", "define", "y", "--type", "choice"}, code: 2, err: []string{"at least one option"}},
		{args: []string{"field", "1", "city=München", "n=42.5", "due=2024-03-14", "tier=SILBER"},
			out: []string{"city: München", "n: 42.5", "due: 2024-03-14", "tier: Silber"}},
		{args: []string{"field", "2", "city=munchen"}, out: []string{"city: munchen"}},
		{args: []string{"field", "1", "n=lots"}, code: 2, err: []string{`number "lots"`}},
		{args: []string{"field", "1", "due=14.03.2024"}, code: 2, err: []string{"2024-03-14"}},
		{args: []string{"field", "1", "tier=platinum"}, code: 2, err: []string{"Gold, Silber, Bronze"}},
		{args: []string{"field", "1", "nokey=1"}, code: 2, err: []string{`field "nokey"`, "sessions fields define"}},
		{args: []string{"field", "999", "city=x"}, code: 1, err: []string{"session 999"}},
		{args: []string{"field", "1", "city"}, code: 2, err: []string{"KEY=VALUE"}},
		// One transaction: a bad value leaves the good one before it unset.
		{args: []string{"field", "2", "n=7", "due=never"}, code: 2},
		{args: []string{"show", "2"}, out: []string{"city: munchen"}},
		{args: []string{"fields"}, out: []string{"KEY", "city", "City", "text", "2", "tier", "choice (Gold, Silber, Bronze)"}},
	})
	if code, out, _ := run(t, "--data", data, "show", "2"); code != 0 || strings.Contains(out, "n: 7") {
		t.Fatalf("a failed field command left a value: %s", out)
	}

	// MÜNCHEN finds München and munchen, and the total agrees with the
	// rows: on SQLite's path (no words: rows from SQLite, the total from the
	// index) and on the index's.
	for _, args := range [][]string{{"--field", "city=MÜNCHEN"}, {"--field", "city=Munchen", "--q", "alice"}, {"--field", "city=münchen", "--name", "ALICE"}} {
		ids, total := listJSON(t, data, args...)
		if len(ids) != 2 || total != 2 {
			t.Fatalf("list %v = %v of %d, want both sessions", args, ids, total)
		}
	}
	ids, total := listJSON(t, data, "--field", "tier=silber", "--field", "city=MUNCHEN")
	if len(ids) != 1 || ids[0] != 1 || total != 1 {
		t.Fatalf("two fields = %v of %d, want [1] of 1", ids, total)
	}

	// KEY= clears it.
	runSteps(t, data, []cliStep{{args: []string{"field", "2", "city="}}})
	if code, out, _ := run(t, "--data", data, "show", "2"); code != 0 || strings.Contains(out, "city:") {
		t.Fatalf("city not cleared: %s", out)
	}
	if ids, total := listJSON(t, data, "--field", "city=münchen"); len(ids) != 1 || total != 1 {
		t.Fatalf("after clearing = %v of %d", ids, total)
	}

	code, out, _ := run(t, "--data", data, "fields", "--json")
	var fields []FieldView
	if code != 0 || json.Unmarshal([]byte(out), &fields) != nil {
		t.Fatalf("fields --json: exit %d\n%s", code, out)
	}
	byKey := map[string]FieldView{}
	for _, f := range fields {
		byKey[f.Key] = f
	}
	if len(fields) != 4 || byKey["city"].Sessions != 1 || byKey["tier"].Type != "choice" || len(byKey["tier"].Choices) != 3 || byKey["n"].Name != "Order total" {
		t.Fatalf("fields --json = %+v", fields)
	}
}

// TestCLILabelsAndFieldsSurviveReimport: the same file again and a longer
// export that re-splits the thread keep labels and values, and the filters
// still find them.
func TestCLILabelsAndFieldsSurviveReimport(t *testing.T) {
	data := importAlice(t)
	runSteps(t, data, []cliStep{
		{args: []string{"fields", "define", "city", "--type", "text"}},
		{args: []string{"label", "1", "Ärger"}},
		{args: []string{"label", "2", "vip"}},
		{args: []string{"field", "1", "city=München"}},
		{args: []string{"field", "2", "city=Köln"}},
		{args: []string{"import", "--tz", "UTC", aliceFile}, out: []string{"0 new sessions"}},
		{args: []string{"import", "--tz", "UTC", aliceLater}, out: []string{"1 new session"}},
	})
	for _, tt := range []struct {
		args []string
		want int64
	}{
		{[]string{"--label", "ARGER"}, 1},
		{[]string{"--label", "VIP"}, 2},
		{[]string{"--field", "city=MÜNCHEN"}, 1},
		{[]string{"--field", "city=koln", "--q", "alice"}, 2},
	} {
		ids, total := listJSON(t, data, tt.args...)
		if len(ids) != 1 || ids[0] != tt.want || total != 1 {
			t.Fatalf("after re-import, list %v = %v of %d, want [%d]", tt.args, ids, total, tt.want)
		}
	}
}

func TestCLIEndedRange(t *testing.T) {
	data := importAlice(t)
	// Session 1 ended 14 March 09:41 UTC, session 2 on 21 March 08:15 UTC
	// (it started on the 20th): the end date, not the start, decides.
	tests := []struct {
		args []string
		want []int64
	}{
		{[]string{"--ended-from", "2024-03-21"}, []int64{2}},
		{[]string{"--ended-to", "2024-03-20"}, []int64{1}},
		{[]string{"--ended-from", "2024-03-14", "--ended-to", "2024-03-14"}, []int64{1}},
		{[]string{"--ended-from", "2024-03-15", "--ended-to", "2024-03-20"}, []int64{}},
		{[]string{"--from", "2024-03-20", "--to", "2024-03-20", "--ended-to", "2024-03-21"}, []int64{2}},
		{[]string{"--ended-from", "2024-03-21", "--q", "alice"}, []int64{2}},
		{[]string{"--ended-to", "2024-03-14", "--status", "active"}, []int64{}},
	}
	for _, tt := range tests {
		ids, total := listJSON(t, data, tt.args...)
		if len(ids) != len(tt.want) || total != len(tt.want) || (len(ids) > 0 && ids[0] != tt.want[0]) {
			t.Fatalf("list %v = %v of %d, want %v", tt.args, ids, total, tt.want)
		}
	}
	runSteps(t, data, []cliStep{
		{args: []string{"list", "--ended-from", "21.03.2024"}, code: 2, err: []string{"ended_from", "2024-03-14"}},
		{args: []string{"list", "--ended-from", "2024-03-22", "--ended-to", "2024-03-21"}, code: 2, err: []string{"end date range"}},
	})
}

// TestFilterDays: the days of From/To and EndedFrom/EndedTo are the
// viewer's, so a session that ended late in the evening UTC ended the next
// day east of it.
func TestFilterDays(t *testing.T) {
	kiritimati, err := time.LoadLocation("Pacific/Kiritimati") // UTC+14
	if err != nil {
		t.Fatalf("load zone (install tzdata): %v", err)
	}
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatalf("load zone (install tzdata): %v", err)
	}
	tests := []struct {
		name           string
		loc            *time.Location
		req            ListRequest
		endedFrom, end time.Time
	}{
		{"UTC", time.UTC, ListRequest{EndedFrom: "2024-03-14", EndedTo: "2024-03-14"},
			time.Date(2024, 3, 14, 0, 0, 0, 0, time.UTC), time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC)},
		{"UTC+14", kiritimati, ListRequest{EndedFrom: "2024-03-14", EndedTo: "2024-03-14"},
			time.Date(2024, 3, 13, 10, 0, 0, 0, time.UTC), time.Date(2024, 3, 14, 10, 0, 0, 0, time.UTC)},
		// 10 March 2024 is 23 hours long in Los Angeles (DST begins).
		{"DST day", la, ListRequest{EndedFrom: "2024-03-10", EndedTo: "2024-03-10"},
			time.Date(2024, 3, 10, 8, 0, 0, 0, time.UTC), time.Date(2024, 3, 11, 7, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := viewer{loc: tt.loc, now: time.Now}.filter(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if f.EndedFrom != tt.endedFrom.UnixMilli() || f.EndedTo != tt.end.UnixMilli()-1 {
				t.Fatalf("ended %d..%d, want %d..%d", f.EndedFrom, f.EndedTo, tt.endedFrom.UnixMilli(), tt.end.UnixMilli()-1)
			}
		})
	}
}
