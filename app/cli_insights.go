package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sessions-app/sessions/backend/insights"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/timeline"
)

// runInsights is `sessions insights [list filters] [--period day|week|month]
// [--zone ZONE] [--json | --csv CHART [--bom]]`: the Insights view of the
// filter's sessions, as text, as the service's JSON, or one chart's table
// as CSV.
func runInsights(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("insights", &cfg)
	filters := listFilterFlags(fset)
	period := fset.String("period", "day", "day, week or month")
	zone := fset.String("zone", "", "IANA zone")
	asJSON := fset.Bool("json", false, "json")
	chart := fset.String("csv", "", "chart")
	withBOM := fset.Bool("bom", false, "byte order mark")
	if err := parseNoArgs(fset, args); err != nil {
		return err
	}
	if *chart != "" && !slices.Contains(insights.Charts, *chart) {
		return usageError{fmt.Errorf("--csv %q: want one of %s", *chart, strings.Join(insights.Charts, ", "))}
	}
	if *chart != "" && *asJSON {
		return usageError{errors.New("--csv and --json: choose one")}
	}
	if *withBOM && *chart == "" {
		return usageError{errors.New("--bom goes with --csv CHART")}
	}
	list, err := filters()
	if err != nil {
		return err
	}
	switch *period {
	case "day", "week", "month":
	default:
		return usageError{fmt.Errorf("--period %q: want day, week or month", *period)}
	}
	// Without words the index is not opened: SQLite answers.
	cfg.lazyIndex = !timelineFilterHasWords(list)
	b, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	if timelineFilterHasWords(list) {
		if err := b.syncIndex(ctx, stderr); err != nil {
			if ctx.Err() != nil {
				return err
			}
			fmt.Fprintf(stderr, "sessions: %v; the insights may miss the latest changes\n", err)
		}
	}
	svc := b.services(ctx)
	defer svc.Stop()
	res, loc, err := svc.c.insightsResult(ctx, InsightsRequest{Filter: list, Period: *period, Zone: *zone}, nil)
	if errors.Is(err, timeline.ErrBadFilter) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	if *chart != "" {
		return insights.WriteCSV(stdout, res, *chart, *withBOM)
	}
	v := insightsView(res, loc)
	if *asJSON {
		return writeJSON(stdout, v)
	}
	return writeInsights(stdout, v)
}

// writeInsights prints the insights for a terminal: the figures first,
// then one line per bucket.
func writeInsights(w io.Writer, v *InsightsView) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Sessions\t%d\t(%s, %s)\n", v.Total, v.Period, v.Zone)
	fmt.Fprintf(tw, "Duration\tmedian %s\tp90 %s\t(%d ended)\n", span(v.Duration.MedianS), span(v.Duration.P90S), v.Duration.Count)
	fr := v.FirstResponse
	fmt.Fprintf(tw, "First response, people\tmedian %s\tp90 %s\t(%d answered)\n", span(fr.Human.MedianS), span(fr.Human.P90S), fr.Human.Count)
	fmt.Fprintf(tw, "First response, AI agent\tmedian %s\tp90 %s\t(%d answered)\n", span(fr.Bot.MedianS), span(fr.Bot.P90S), fr.Bot.Count)
	fmt.Fprintf(tw, "AI agent\t%d alone\t%d handed off\t%d without it\n", v.AI.BotOnly, v.AI.HandedOff, v.AI.NoBot)
	wa := v.AI.WaitAfterHandoff
	fmt.Fprintf(tw, "Wait after handoff\tmedian %s\tp90 %s\n", span(wa.MedianS), span(wa.P90S))
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(v.TopLabels) > 0 {
		parts := make([]string, len(v.TopLabels))
		for i, l := range v.TopLabels {
			parts[i] = fmt.Sprintf("%s %d", termText(l.Name), l.Count)
		}
		fmt.Fprintf(w, "Top labels: %s\n", strings.Join(parts, ", "))
	}
	if len(v.TopTopics) > 0 {
		parts := make([]string, len(v.TopTopics))
		for i, t := range v.TopTopics {
			parts[i] = fmt.Sprintf("%s %d", termText(t.Topic), t.Count)
		}
		fmt.Fprintf(w, "Top topics: %s\n", strings.Join(parts, ", "))
	}
	if len(v.SessionsPerBucket) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "START\tSESSIONS\t")
	for _, ch := range store.InsightChannels {
		fmt.Fprintf(tw, "%s\t", strings.ToUpper(ch))
	}
	fmt.Fprint(tw, "MEDIAN REPLY\tPOSITIVE\tNEGATIVE\t\n")
	for i, b := range v.SessionsPerBucket {
		fmt.Fprintf(tw, "%s\t%d\t", b.Start, b.Total)
		for _, ch := range store.InsightChannels {
			fmt.Fprintf(tw, "%d\t", b.ByChannel[ch])
		}
		h := v.FirstResponse.PerBucket[i].Human
		reply := "-"
		if h.Count > 0 {
			reply = span(h.MedianS)
		}
		s := v.Sentiment[i]
		fmt.Fprintf(tw, "%s\t%d\t%d\t\n", reply, s.Positive, s.Negative)
	}
	return tw.Flush()
}

// span prints seconds as a short duration: 45s, 12m30s, 10m, 3h5m, 2h.
func span(s float64) string {
	d := time.Duration(s * float64(time.Second)).Round(time.Second)
	h, m, sec := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh%dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh", h)
	case m > 0 && sec > 0:
		return fmt.Sprintf("%dm%ds", m, sec)
	case m > 0:
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%ds", sec)
}
