package insights

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/sessions-app/sessions/backend/export"
	"github.com/sessions-app/sessions/backend/store"
)

// Charts are the names of the charts WriteCSV writes, in the order of
// the Insights view.
var Charts = []string{"sessions", "duration", "first_response", "sentiment", "labels", "topics", "ai", "busiest"}

// Weekdays name the rows of the busiest chart, Monday first.
var Weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// WriteCSV writes one chart of r as CSV (the export's writer: RFC 4180,
// cells a spreadsheet would take for formulas guarded, an optional BOM):
// its numbers as the view's table shows them, times in seconds, days as
// YYYY-MM-DD.
func WriteCSV(w io.Writer, r *Result, chart string, bom bool) error {
	c := export.NewCSVWriter(w, bom)
	var rows [][]string
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	num := strconv.Itoa
	secs := func(ms float64) string { return strconv.FormatFloat(ms/1000, 'f', -1, 64) }
	st := func(s Stats) []string { return []string{num(s.Count), secs(s.MedianMS), secs(s.P90MS)} }
	switch chart {
	case "sessions":
		head := []string{"start", "end", "sessions"}
		head = append(head, store.InsightChannels...)
		rows = append(rows, head)
		for _, b := range r.Buckets {
			row := []string{day(b.Start), day(b.End), num(b.Total)}
			for _, n := range b.ByChannel {
				row = append(row, num(n))
			}
			rows = append(rows, row)
		}
	case "duration":
		rows = append(rows, []string{"start", "ended", "median_s", "p90_s"})
		for _, b := range r.Buckets {
			rows = append(rows, append([]string{day(b.Start)}, st(b.Duration)...))
		}
	case "first_response":
		rows = append(rows, []string{"start", "human_count", "human_median_s", "human_p90_s", "bot_count", "bot_median_s", "bot_p90_s"})
		for _, b := range r.Buckets {
			rows = append(rows, append(append([]string{day(b.Start)}, st(b.AgentResponse)...), st(b.BotResponse)...))
		}
	case "sentiment":
		rows = append(rows, []string{"start", "positive", "neutral", "negative", "none"})
		for _, b := range r.Buckets {
			rows = append(rows, []string{day(b.Start), num(b.Sentiment[1]), num(b.Sentiment[2]), num(b.Sentiment[3]), num(b.Sentiment[0])})
		}
	case "labels":
		rows = append(rows, []string{"label", "color", "sessions"})
		for _, l := range r.Labels {
			rows = append(rows, []string{l.Name, l.Color, num(l.Count)})
		}
	case "topics":
		rows = append(rows, []string{"topic", "sessions"})
		for _, t := range r.Topics {
			rows = append(rows, []string{t.Topic, num(t.Count)})
		}
	case "ai":
		rows = append(rows, []string{"start", "bot_only", "handed_off", "no_bot", "share"})
		for _, b := range r.Buckets {
			share := 0.0
			if n := b.BotOnly + b.HandedOff; n > 0 {
				share = float64(b.BotOnly) / float64(n)
			}
			rows = append(rows, []string{day(b.Start), num(b.BotOnly), num(b.HandedOff), num(b.NoBot), strconv.FormatFloat(share, 'f', -1, 64)})
		}
	case "busiest":
		head := []string{"weekday"}
		for h := range 24 {
			head = append(head, num(h))
		}
		rows = append(rows, head)
		for d, name := range Weekdays {
			row := []string{name}
			for _, n := range r.Busiest[d] {
				row = append(row, num(n))
			}
			rows = append(rows, row)
		}
	default:
		return fmt.Errorf("%w: chart %q (want one of %v)", ErrUnknownChart, chart, Charts)
	}
	for _, row := range rows {
		if err := c.Write(row); err != nil {
			return fmt.Errorf("write the %s chart as CSV: %w", chart, err)
		}
	}
	if err := c.Flush(); err != nil {
		return fmt.Errorf("write the %s chart as CSV: %w", chart, err)
	}
	return nil
}
