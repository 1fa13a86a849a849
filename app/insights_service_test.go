package app

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/sessions-app/sessions/backend/timeline"
)

// TestInsightsCommand imports the Alice chat through the real importer
// (one session with the shop's bot handing over to Maria, one answered by
// Tom) and checks the insights as `sessions insights --json` prints them,
// which is InsightsService's view. Worked out by hand from the chat:
// session 1 (03-14 09:02–09:41 UTC) bot after 60 s, Maria after 9 min,
// 8 min after the bot; session 2 (03-20 18:30 – 03-21 08:15) Tom after 32 min.
func TestInsightsCommand(t *testing.T) {
	data := t.TempDir()
	if code, _, errOut := run(t, "--data", data, "import", "--tz", "UTC", "--bot", "Shop Bot", aliceFile); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	tests := []struct {
		name       string
		args       []string
		total      int
		buckets    int
		first      string
		last       string
		human, bot TimeStats
		ai         [3]int
	}{
		{name: "days in UTC", args: []string{"--zone", "UTC"}, total: 2, buckets: 7, first: "2024-03-14", last: "2024-03-20",
			human: TimeStats{MedianS: 1230, P90S: 1782, Count: 2}, bot: TimeStats{MedianS: 60, P90S: 60, Count: 1}, ai: [3]int{0, 1, 1}},
		{name: "Tokyo puts 18:30 UTC on the next day", args: []string{"--zone", "Asia/Tokyo"}, total: 2, buckets: 8, first: "2024-03-14", last: "2024-03-21",
			human: TimeStats{MedianS: 1230, P90S: 1782, Count: 2}, bot: TimeStats{MedianS: 60, P90S: 60, Count: 1}, ai: [3]int{0, 1, 1}},
		{name: "weeks", args: []string{"--zone", "UTC", "--period", "week"}, total: 2, buckets: 2, first: "2024-03-11", last: "2024-03-18",
			human: TimeStats{MedianS: 1230, P90S: 1782, Count: 2}, bot: TimeStats{MedianS: 60, P90S: 60, Count: 1}, ai: [3]int{0, 1, 1}},
		{name: "a start-day filter", args: []string{"--zone", "UTC", "--from", "2024-03-15"}, total: 1, buckets: 1, first: "2024-03-20", last: "2024-03-20",
			human: TimeStats{MedianS: 1920, P90S: 1920, Count: 1}, ai: [3]int{0, 0, 1}},
		{name: "words", args: []string{"--zone", "UTC", "--text", "receipt"}, total: 1, buckets: 1, first: "2024-03-14", last: "2024-03-14",
			human: TimeStats{MedianS: 540, P90S: 540, Count: 1}, bot: TimeStats{MedianS: 60, P90S: 60, Count: 1}, ai: [3]int{0, 1, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, append([]string{"--data", data, "insights", "--json"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("insights: %s", errOut)
			}
			var v InsightsView
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("%v in %s", err, out)
			}
			if v.Total != tt.total || len(v.SessionsPerBucket) != tt.buckets {
				t.Fatalf("total %d in %d buckets, want %d in %d", v.Total, len(v.SessionsPerBucket), tt.total, tt.buckets)
			}
			if got := [2]string{v.SessionsPerBucket[0].Start, v.SessionsPerBucket[len(v.SessionsPerBucket)-1].Start}; got != [2]string{tt.first, tt.last} {
				t.Errorf("buckets from %v, want %s to %s", got, tt.first, tt.last)
			}
			sum := 0
			for _, b := range v.SessionsPerBucket {
				sum += b.ByChannel["whatsapp"]
				if len(b.ByChannel) != 4 {
					t.Errorf("bucket %s has channels %v, want all four", b.Start, b.ByChannel)
				}
			}
			if sum != tt.total {
				t.Errorf("whatsapp sessions over the buckets %d, want %d", sum, tt.total)
			}
			if v.FirstResponse.Human != tt.human || v.FirstResponse.Bot != tt.bot {
				t.Errorf("first response human %+v bot %+v, want %+v %+v", v.FirstResponse.Human, v.FirstResponse.Bot, tt.human, tt.bot)
			}
			if got := [3]int{v.AI.BotOnly, v.AI.HandedOff, v.AI.NoBot}; got != tt.ai {
				t.Errorf("AI agent %v, want %v", got, tt.ai)
			}
			if tt.ai[1] == 1 && v.AI.WaitAfterHandoff != (TimeStats{MedianS: 480, P90S: 480, Count: 1}) {
				t.Errorf("wait after handoff %+v, want 8 minutes", v.AI.WaitAfterHandoff)
			}
		})
	}
	code, out, errOut := run(t, "--data", data, "insights", "--zone", "UTC")
	if code != 0 || !strings.Contains(out, "First response, people") || !strings.Contains(out, "20m30s") || !strings.Contains(out, "2024-03-20") {
		t.Fatalf("insights as text (%d): %s %s", code, out, errOut)
	}
	code, out, errOut = run(t, "--data", data, "insights", "--zone", "UTC", "--csv", "first_response")
	if code != 0 {
		t.Fatalf("insights --csv: %s", errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 8 || rows[1][0] != "2024-03-14" || rows[1][2] != "540" || rows[1][5] != "60" || rows[7][2] != "1920" || rows[7][4] != "0" {
		t.Fatalf("first_response as CSV: %q, %v", rows, err)
	}
	if code, _, errOut := run(t, "--data", data, "insights", "--csv", "pie"); code != 2 || !strings.Contains(errOut, "--csv") {
		t.Fatalf("insights --csv pie: exit %d, %s", code, errOut)
	}
}

func TestInsightsRefusals(t *testing.T) {
	s, _ := newTestServices(t)
	tests := []struct {
		name string
		req  InsightsRequest
	}{
		{"an unknown period", InsightsRequest{Period: "year"}},
		{"an unknown zone", InsightsRequest{Zone: "Mars/Olympus"}},
		{"a bad day", InsightsRequest{Filter: ListRequest{From: "14.03.2024"}}},
		{"a bad channel", InsightsRequest{Filter: ListRequest{Channels: []string{"telex"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.Insights.Insights(tt.req); !errors.Is(err, timeline.ErrBadFilter) {
				t.Fatalf("Insights(%+v) = %v, want a bad filter", tt.req, err)
			}
		})
	}
	v, err := s.Insights.Insights(InsightsRequest{Zone: "Europe/Berlin"})
	if err != nil || v.Total != 0 || v.Zone != "Europe/Berlin" || v.Period != "day" || v.SessionsPerBucket == nil || v.TopLabels == nil {
		t.Fatalf("an empty library: %+v, %v", v, err)
	}
	if code, _, errOut := run(t, "--data", t.TempDir(), "insights", "--period", "year"); code != 2 || !strings.Contains(errOut, "--period") {
		t.Fatalf("insights --period year: exit %d, %s", code, errOut)
	}
}

// TestInsightsFollowChanges: the service keeps results between calls, and
// a change to the library (a label put on a session) shows in the next.
func TestInsightsFollowChanges(t *testing.T) {
	s, _ := newTestServices(t)
	if _, err := s.Imports.ImportFiles([]string{aliceFile}); err != nil {
		t.Fatal(err)
	}
	req := InsightsRequest{Zone: "UTC", Period: "week"}
	before, err := s.Insights.Insights(req)
	if err != nil || before.Total != 2 || len(before.TopLabels) != 0 {
		t.Fatalf("before: %+v, %v", before, err)
	}
	again, err := s.Insights.Insights(req)
	if err != nil || !reflect.DeepEqual(again, before) {
		t.Fatalf("asked again: %+v, %v", again, err)
	}
	page, err := s.Sessions.ListSessions(ListRequest{})
	if err != nil || len(page.Sessions) != 2 {
		t.Fatalf("list: %+v, %v", page, err)
	}
	if err := s.Labels.AddSessionLabel(page.Sessions[0].ID, "Lid broken"); err != nil {
		t.Fatal(err)
	}
	after, err := s.Insights.Insights(req)
	if err != nil || len(after.TopLabels) != 1 || after.TopLabels[0].Name != "Lid broken" || after.TopLabels[0].Count != 1 {
		t.Fatalf("after a label: %+v, %v", after.TopLabels, err)
	}
	filtered, err := s.Insights.Insights(InsightsRequest{Zone: "UTC", Filter: ListRequest{Labels: []string{"lid BROKEN"}}})
	if err != nil || filtered.Total != 1 {
		t.Fatalf("filtered by the new label: %+v, %v", filtered, err)
	}
	text, err := s.Insights.InsightCSV(req, "labels")
	if err != nil || text != "label,color,sessions\r\nLid broken,"+after.TopLabels[0].Color+",1\r\n" {
		t.Fatalf("labels as CSV: %q, %v", text, err)
	}
	if _, err := s.Insights.InsightCSV(req, "pie"); err == nil {
		t.Fatal("a chart named pie was written")
	}
}
