// Package insights aggregates the sessions of a timeline filter into the
// figures of the Insights view: sessions per day, week or month by
// channel, durations, first-response times (agent and bot apart),
// sentiment, labels, topics, the AI agent's share and the busiest hours.
// Every day and hour is a calendar day and hour of the viewer's zone, so a
// session at 23:30 local belongs to that day, also on a day of 23 or 25
// hours. It reads one row per session (the store keeps the first replies
// on it), in one pass, whichever way the filter was resolved.
package insights

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sessions-app/sessions/backend/labels"
	"github.com/sessions-app/sessions/backend/store"
)

// Periods a bucket can span.
const (
	Day   = "day"
	Week  = "week" // Monday to Sunday
	Month = "month"
)

// Request is what to aggregate.
type Request struct {
	// Selection is the sessions, as timeline.Service.Select resolves a
	// filter.
	Selection store.Selection
	Period    string         // Day (the default), Week or Month
	Location  *time.Location // the zone of days and hours; nil means UTC
	Now       int64          // the clock (UTC ms): sessions still active have no final duration
	// Top is how many labels and topics to keep; 0 means 10.
	Top int
}

// Stats are the median and 90th percentile of a set of waits or lengths
// (linear between the two nearest values, as a spreadsheet's PERCENTILE
// does) and how many there were; zero when there were none.
type Stats struct {
	MedianMS, P90MS float64
	Count           int
}

// Bucket is one day, week or month.
type Bucket struct {
	// Start and End are its first and last local day.
	Start, End time.Time
	Total      int
	ByChannel  [4]int // by store.InsightChannels
	Sentiment  [4]int // by store.InsightSentiments: none, positive, neutral, negative
	// Duration is over the sessions that have ended.
	Duration                   Stats
	AgentResponse, BotResponse Stats
	BotOnly, HandedOff, NoBot  int
}

// Topic is a summary topic and how many sessions have it.
type Topic struct {
	Topic string
	Count int
}

// Result is the insights of a selection.
type Result struct {
	Total   int
	Period  string
	Buckets []Bucket // every bucket from the first session's to the last's, empty ones too
	// Duration is first to last message of the sessions that have ended.
	Duration Stats
	// AgentResponse is from the customer's first message to the first
	// agent's reply; BotResponse to the first bot reply, never mixed.
	AgentResponse, BotResponse Stats
	// BotOnly sessions had the AI agent and no person taking over;
	// HandedOff ones were passed to a person; NoBot had no AI agent.
	BotOnly, HandedOff, NoBot int
	// HandoffWait is the customer's wait from the bot's last message to
	// the person's first, over the handed-off sessions.
	HandoffWait Stats
	Labels      []store.LabelCount
	Topics      []Topic
	// Busiest counts session starts by local weekday (Monday = 0) and hour.
	Busiest [7][24]int
}

const dayMS = 24 * 60 * 60 * 1000

// acc is a bucket being filled.
type acc struct {
	b                          Bucket
	duration, agent, bot, wait []int64
}

// Compute aggregates the sessions of req.Selection.
func Compute(ctx context.Context, st *store.Store, req Request) (*Result, error) {
	switch req.Period {
	case "":
		req.Period = Day
	case Day, Week, Month:
	default:
		return nil, fmt.Errorf("insights: unknown period %q (want day, week or month)", req.Period)
	}
	if req.Location == nil {
		req.Location = time.UTC
	}
	if req.Top <= 0 {
		req.Top = 10
	}
	zone := newZone(req.Location)
	res := &Result{Period: req.Period}
	buckets := map[int64]*acc{}
	var duration, agent, bot, wait []int64
	topics := map[string]*Topic{}
	var topicList []string
	n := 0
	err := st.EachInsightRow(ctx, req.Selection, func(r *store.InsightRow) error {
		if n++; n%65536 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		day, minute := zone.local(r.StartedAt)
		weekday := int((day%7 + 7 + 3) % 7) // 1970-01-01 was a Thursday
		res.Busiest[weekday][minute/60]++
		key := bucketKey(day, weekday, req.Period)
		a := buckets[key]
		if a == nil {
			a = &acc{}
			buckets[key] = a
		}
		a.b.Total++
		a.b.ByChannel[r.Channel]++
		a.b.Sentiment[r.Sentiment]++
		if r.ActiveUntil <= req.Now {
			d := r.LastMessageAt - r.StartedAt
			a.duration = append(a.duration, d)
			duration = append(duration, d)
		}
		if r.AgentResponseMS >= 0 {
			a.agent = append(a.agent, r.AgentResponseMS)
			agent = append(agent, r.AgentResponseMS)
		}
		if r.BotResponseMS >= 0 {
			a.bot = append(a.bot, r.BotResponseMS)
			bot = append(bot, r.BotResponseMS)
		}
		switch {
		case r.HandedOff:
			a.b.HandedOff++
			wait = append(wait, r.HandoffWaitMS)
		case r.Bot:
			a.b.BotOnly++
		default:
			a.b.NoBot++
		}
		if len(r.Topics) > 2 { // not NULL, not []
			var ts []string
			if err := json.Unmarshal(r.Topics, &ts); err != nil {
				return fmt.Errorf("read the topics of session %d: %w", r.ID, err)
			}
			seen := map[string]bool{}
			for _, t := range ts {
				t = strings.TrimSpace(t)
				k := labels.Fold(t)
				if k == "" || seen[k] {
					continue
				}
				seen[k] = true
				if tc := topics[k]; tc != nil {
					tc.Count++
					// Spellings differ only in case and accents: the first
					// in byte order names the topic, whatever order the
					// sessions are read in.
					tc.Topic = min(tc.Topic, t)
				} else {
					topics[k] = &Topic{Topic: t, Count: 1}
					topicList = append(topicList, k)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("aggregate insights: %w", err)
	}
	res.Total = n
	res.Duration, res.AgentResponse, res.BotResponse, res.HandoffWait = stats(duration), stats(agent), stats(bot), stats(wait)
	res.Buckets = fill(buckets, req.Period)
	for _, a := range buckets {
		res.BotOnly += a.b.BotOnly
		res.HandedOff += a.b.HandedOff
		res.NoBot += a.b.NoBot
	}
	res.Topics = make([]Topic, 0, len(topicList))
	for _, k := range topicList {
		res.Topics = append(res.Topics, *topics[k])
	}
	sort.SliceStable(res.Topics, func(i, j int) bool {
		if res.Topics[i].Count != res.Topics[j].Count {
			return res.Topics[i].Count > res.Topics[j].Count
		}
		return res.Topics[i].Topic < res.Topics[j].Topic
	})
	res.Topics = res.Topics[:min(len(res.Topics), req.Top)]
	if res.Labels, err = st.LabelCounts(ctx, req.Selection); err != nil {
		return nil, fmt.Errorf("aggregate insights: %w", err)
	}
	res.Labels = res.Labels[:min(len(res.Labels), req.Top)]
	return res, nil
}

// bucketKey is the local day number (days since 1970-01-01) a bucket
// starts on.
func bucketKey(day int64, weekday int, period string) int64 {
	switch period {
	case Week:
		return day - int64(weekday)
	case Month:
		y, m, _ := dayDate(day).Date()
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Unix() / (dayMS / 1000)
	}
	return day
}

// dayDate is a local day number as a date (at midnight, in UTC: only its
// calendar fields are used).
func dayDate(day int64) time.Time { return time.Unix(day*(dayMS/1000), 0).UTC() }

// next is the key of the bucket after the one starting on day.
func next(day int64, period string) int64 {
	switch period {
	case Week:
		return day + 7
	case Month:
		return dayDate(day).AddDate(0, 1, 0).Unix() / (dayMS / 1000)
	}
	return day + 1
}

// fill turns the buckets into a list from the first to the last, with
// the empty ones between them: a chart's time axis has no holes.
func fill(buckets map[int64]*acc, period string) []Bucket {
	if len(buckets) == 0 {
		return []Bucket{}
	}
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	for k := range buckets {
		first, last = min(first, k), max(last, k)
	}
	var out []Bucket
	for k := first; k <= last; k = next(k, period) {
		var b Bucket
		if a := buckets[k]; a != nil {
			b = a.b
			b.Duration, b.AgentResponse, b.BotResponse = stats(a.duration), stats(a.agent), stats(a.bot)
		}
		b.Start, b.End = dayDate(k), dayDate(next(k, period)-1)
		out = append(out, b)
	}
	return out
}

// stats sorts values and takes their median and 90th percentile.
func stats(values []int64) Stats {
	if len(values) == 0 {
		return Stats{}
	}
	slices.Sort(values)
	return Stats{MedianMS: percentile(values, 0.5), P90MS: percentile(values, 0.9), Count: len(values)}
}

// percentile is the p-quantile of sorted values, linear between the two
// nearest ranks (rank p·(n−1), counted from 0), to the millisecond.
func percentile(sorted []int64, p float64) float64 {
	pos := p * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	frac := pos - float64(lo)
	// Whole milliseconds: finer is noise, and equal inputs then give
	// equal figures whichever way they were summed.
	return math.Round(float64(sorted[lo]) + frac*float64(sorted[hi]-sorted[lo]))
}

// zone turns UTC instants into local day numbers and minutes of the day.
// The offset of an instant is looked up once per stretch of time with one
// offset (ZoneBounds), not per session: a million sessions fall into a
// few dozen such stretches.
type zone struct {
	loc   *time.Location
	spans []zoneSpan // sorted by from, not overlapping
}

type zoneSpan struct {
	from, until int64 // UTC ms, [from, until)
	offsetMS    int64
}

func newZone(loc *time.Location) *zone { return &zone{loc: loc} }

// local is the local day number (days since 1970-01-01 on the local
// calendar) and the minute of that day at the instant ms.
func (z *zone) local(ms int64) (day, minute int64) {
	off := z.offset(ms)
	l := ms + off
	day = floorDiv(l, dayMS)
	return day, (l - day*dayMS) / 60_000
}

func (z *zone) offset(ms int64) int64 {
	i := sort.Search(len(z.spans), func(i int) bool { return z.spans[i].until > ms })
	if i < len(z.spans) && z.spans[i].from <= ms {
		return z.spans[i].offsetMS
	}
	t := time.UnixMilli(ms).In(z.loc)
	_, off := t.Zone()
	from, until := t.ZoneBounds()
	sp := zoneSpan{from: math.MinInt64, until: math.MaxInt64, offsetMS: int64(off) * 1000}
	if !from.IsZero() {
		sp.from = from.UnixMilli()
	}
	if !until.IsZero() {
		sp.until = until.UnixMilli()
	}
	z.spans = slices.Insert(z.spans, i, sp)
	return sp.offsetMS
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
