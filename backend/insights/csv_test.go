package insights

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/timeline"
)

// TestWriteCSV reads each chart of the fixed library back with a CSV
// reader: the header, the number of rows and cells worked out by hand; a
// label that looks like a formula comes back guarded.
func TestWriteCSV(t *testing.T) {
	st, tl := library(t)
	ctx := context.Background()
	rows, err := st.ListSessions(ctx, store.ListSessions{Channels: []string{"webchat"}, Limit: 1})
	if err != nil || len(rows) != 1 {
		t.Fatalf("Cy's session: %v %v", rows, err)
	}
	if err := st.Update(ctx, func(tx *store.Tx) error { return tx.LabelSession(ctx, rows[0].ID, "=HYPERLINK(\"x\")", 1) }); err != nil {
		t.Fatal(err)
	}
	sel, err := tl.Select(ctx, timeline.Filter{}, now)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Compute(ctx, st, Request{Selection: sel, Period: Day, Location: loadZone(t, "America/New_York")})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		chart string
		head  string
		rows  int
		cells map[[2]int]string // row (0 = header), column → text
	}{
		{"sessions", "start,end,sessions,whatsapp,instagram,facebook,webchat", 5, map[[2]int]string{{2, 0}: "2024-03-10", {2, 2}: "2", {2, 4}: "1", {2, 6}: "1"}},
		{"duration", "start,ended,median_s,p90_s", 5, map[[2]int]string{{2, 1}: "2", {2, 2}: "1380", {2, 3}: "2196", {4, 1}: "0"}},
		{"first_response", "start,human_count,human_median_s,human_p90_s,bot_count,bot_median_s,bot_p90_s", 5,
			map[[2]int]string{{1, 2}: "600", {1, 5}: "60", {2, 2}: "1800", {2, 5}: "30"}},
		{"sentiment", "start,positive,neutral,negative,none", 5, map[[2]int]string{{1, 1}: "1", {3, 3}: "1", {4, 4}: "1"}},
		{"labels", "label,color,sessions", 4, map[[2]int]string{{1, 0}: "VIP", {1, 2}: "2", {2, 0}: "'=HYPERLINK(\"x\")", {3, 0}: "Urgent"}},
		{"topics", "topic,sessions", 3, map[[2]int]string{{1, 0}: "Refund", {1, 1}: "2"}},
		{"ai", "start,bot_only,handed_off,no_bot,share", 5, map[[2]int]string{{1, 2}: "1", {1, 4}: "0", {2, 1}: "1", {2, 4}: "1"}},
		{"busiest", "weekday," + strings.Repeat("x,", 23) + "x", 8, map[[2]int]string{{1, 0}: "Monday", {1, 1}: "1", {6, 24}: "1", {7, 24}: "1", {7, 13}: "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.chart, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteCSV(&buf, res, tt.chart, false); err != nil {
				t.Fatal(err)
			}
			got, err := csv.NewReader(&buf).ReadAll()
			if err != nil {
				t.Fatalf("read back: %v", err)
			}
			if len(got) != tt.rows {
				t.Fatalf("%d rows, want %d: %q", len(got), tt.rows, got)
			}
			if tt.chart != "busiest" && strings.Join(got[0], ",") != tt.head {
				t.Errorf("header %q, want %q", strings.Join(got[0], ","), tt.head)
			}
			if tt.chart == "busiest" && (len(got[0]) != 25 || got[0][1] != "0" || got[0][24] != "23") {
				t.Errorf("header %q, want weekday then the hours 0 to 23", got[0])
			}
			for at, want := range tt.cells {
				if got[at[0]][at[1]] != want {
					t.Errorf("row %d column %d = %q, want %q", at[0], at[1], got[at[0]][at[1]], want)
				}
			}
		})
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, res, "pie", false); !errors.Is(err, ErrUnknownChart) {
		t.Fatalf("chart pie: %v", err)
	}
	if err := WriteCSV(&buf, res, "labels", true); err != nil || !strings.HasPrefix(buf.String(), "\ufefflabel,") {
		t.Fatalf("with a BOM: %q, %v", buf.String(), err)
	}
}
