package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sessions-app/sessions/backend/insights"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/timeline"
)

// InsightsService is the Insights view: the charts of the sessions of a
// timeline filter, in the viewer's zone.
type InsightsService struct {
	c     *core
	cache insights.Cache
}

// Insights aggregates the sessions matching req.Filter.
func (s *InsightsService) Insights(req InsightsRequest) (*InsightsView, error) {
	ctx, done, err := s.c.call()
	if err != nil {
		return nil, err
	}
	defer done()
	return s.c.insights(ctx, req, &s.cache)
}

// InsightCSV is one chart of Insights(req) as CSV, the numbers of its
// table: chart is sessions, duration, first_response, sentiment, labels,
// topics, ai or busiest.
func (s *InsightsService) InsightCSV(req InsightsRequest, chart string) (string, error) {
	ctx, done, err := s.c.call()
	if err != nil {
		return "", err
	}
	defer done()
	res, _, err := s.c.insightsResult(ctx, req, &s.cache)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := insights.WriteCSV(&b, res, chart, false); err != nil {
		return "", err
	}
	return b.String(), nil
}

// insights is Insights under a context (the CLI's too, without a cache).
func (c *core) insights(ctx context.Context, req InsightsRequest, cache *insights.Cache) (*InsightsView, error) {
	res, loc, err := c.insightsResult(ctx, req, cache)
	if err != nil {
		return nil, err
	}
	return insightsView(res, loc), nil
}

// insightsResult computes (or finds in cache, when not nil) the insights
// of req, and the zone they are in.
func (c *core) insightsResult(ctx context.Context, req InsightsRequest, cache *insights.Cache) (*insights.Result, *time.Location, error) {
	v := c.viewer
	if req.Zone != "" {
		loc, err := time.LoadLocation(req.Zone)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: zone %q is not an IANA time zone like Europe/Berlin", timeline.ErrBadFilter, req.Zone)
		}
		v.loc = loc
	}
	switch req.Period {
	case "", insights.Day, insights.Week, insights.Month:
	default:
		return nil, nil, fmt.Errorf("%w: period %q (want day, week or month)", timeline.ErrBadFilter, req.Period)
	}
	f, err := v.filter(req.Filter)
	if err != nil {
		return nil, nil, err
	}
	now := v.now().UnixMilli()
	var key string
	var seq int64
	if cache != nil {
		if seq, err = c.st.ChangeSeq(ctx); err != nil {
			return nil, nil, err
		}
		key = fmt.Sprintf("%+v|%s|%s", f, req.Period, v.loc) // fmt prints maps sorted
		if res, ok := cache.Get(key, seq, now/60_000); ok {
			return res, v.loc, nil
		}
	}
	sel, err := c.tl.Select(ctx, f, now)
	if err != nil {
		return nil, nil, err
	}
	res, err := insights.Compute(ctx, c.st, insights.Request{Selection: sel, Period: req.Period, Location: v.loc})
	if err != nil {
		return nil, nil, err
	}
	if cache != nil {
		cache.Put(key, seq, now/60_000, res)
	}
	return res, v.loc, nil
}

func insightsView(r *insights.Result, loc *time.Location) *InsightsView {
	v := &InsightsView{
		Total: r.Total, Period: r.Period, Zone: loc.String(),
		SessionsPerBucket: make([]InsightBucket, 0, len(r.Buckets)),
		Duration:          DurationInsight{MedianS: secs(r.Duration.MedianMS), P90S: secs(r.Duration.P90MS), Count: r.Duration.Count, PerBucket: make([]BucketStats, 0, len(r.Buckets))},
		FirstResponse:     FirstResponseInsight{Human: timeStats(r.AgentResponse), Bot: timeStats(r.BotResponse), PerBucket: make([]FirstResponseBucket, 0, len(r.Buckets))},
		Sentiment:         make([]SentimentBucket, 0, len(r.Buckets)),
		TopLabels:         make([]LabelCountView, 0, len(r.Labels)),
		TopTopics:         make([]TopicCountView, 0, len(r.Topics)),
		AI:                AIInsight{BotOnly: r.BotOnly, HandedOff: r.HandedOff, NoBot: r.NoBot, PerBucket: make([]AIBucket, 0, len(r.Buckets)), WaitAfterHandoff: timeStats(r.HandoffWait)},
		Busiest:           r.Busiest,
	}
	for _, b := range r.Buckets {
		start := b.Start.Format(time.DateOnly)
		by := make(map[string]int, len(store.InsightChannels))
		for i, ch := range store.InsightChannels {
			by[ch] = b.ByChannel[i]
		}
		v.SessionsPerBucket = append(v.SessionsPerBucket, InsightBucket{Start: start, End: b.End.Format(time.DateOnly), ByChannel: by, Total: b.Total})
		d := timeStats(b.Duration)
		v.Duration.PerBucket = append(v.Duration.PerBucket, BucketStats{Start: start, MedianS: d.MedianS, P90S: d.P90S, Count: d.Count})
		v.FirstResponse.PerBucket = append(v.FirstResponse.PerBucket, FirstResponseBucket{Start: start, Human: timeStats(b.AgentResponse), Bot: timeStats(b.BotResponse)})
		v.Sentiment = append(v.Sentiment, SentimentBucket{Start: start, None: b.Sentiment[0], Positive: b.Sentiment[1], Neutral: b.Sentiment[2], Negative: b.Sentiment[3]})
		ai := AIBucket{Start: start, BotOnly: b.BotOnly, HandedOff: b.HandedOff, NoBot: b.NoBot}
		if n := b.BotOnly + b.HandedOff; n > 0 {
			ai.Share = float64(b.BotOnly) / float64(n)
		}
		v.AI.PerBucket = append(v.AI.PerBucket, ai)
	}
	for _, l := range r.Labels {
		v.TopLabels = append(v.TopLabels, LabelCountView{Name: l.Name, Color: l.Color, Count: l.Count})
	}
	for _, t := range r.Topics {
		v.TopTopics = append(v.TopTopics, TopicCountView{Topic: t.Topic, Count: t.Count})
	}
	return v
}

func secs(ms float64) float64 { return ms / 1000 }

func timeStats(s insights.Stats) TimeStats {
	return TimeStats{MedianS: secs(s.MedianMS), P90S: secs(s.P90MS), Count: s.Count}
}
