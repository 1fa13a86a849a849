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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sessions-app/sessions/backend/labels"
	"github.com/sessions-app/sessions/backend/store"
)

// Periods a bucket can span.
const (
	Day   = "day"
	Week  = "week" // Monday to Sunday
	Month = "month"
)

// ErrUnknownChart is returned for a chart WriteCSV does not have.
var ErrUnknownChart = errors.New("unknown chart")

// Request is what to aggregate.
type Request struct {
	// Selection is the sessions, as timeline.Service.Select resolves a
	// filter; its Query.Now is the clock (sessions still active then have
	// no final duration).
	Selection store.Selection
	Period    string         // Day (the default), Week or Month
	Location  *time.Location // the zone of days and hours; nil means UTC
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

// maxTopics is the most topics of one session read in place; a summary
// with more goes through encoding/json.
const maxTopics = 16

// maxFolds bounds the cache of folded topic spellings.
const maxFolds = 100_000

// eachTopic calls fn with each string of a JSON array of strings. The
// common case, no escapes, is read in place (encoding/json cost a second
// a million summaries); anything else goes through encoding/json. fn's
// slice is only valid during the call.
func eachTopic(raw []byte, fn func([]byte)) error {
	var spans [maxTopics][2]int
	if n, ok := scanTopics(raw, &spans); ok {
		for _, sp := range spans[:n] {
			fn(raw[sp[0]:sp[1]])
		}
		return nil
	}
	var ts []string
	if err := json.Unmarshal(raw, &ts); err != nil {
		return err
	}
	for _, t := range ts {
		fn([]byte(t))
	}
	return nil
}

// scanTopics finds the strings of a JSON array of plain strings (no
// escapes, at most maxTopics); ok is false for anything else.
func scanTopics(raw []byte, spans *[maxTopics][2]int) (n int, ok bool) {
	i := 0
	skip := func() {
		for i < len(raw) && (raw[i] == ' ' || raw[i] == '\n' || raw[i] == '\t' || raw[i] == '\r') {
			i++
		}
	}
	skip()
	if i >= len(raw) || raw[i] != '[' {
		return 0, false
	}
	i++
	skip()
	if i < len(raw) && raw[i] == ']' {
		i++
		skip()
		return 0, i == len(raw)
	}
	for {
		if i >= len(raw) || raw[i] != '"' || n == maxTopics {
			return 0, false
		}
		i++
		start := i
		for i < len(raw) && raw[i] != '"' {
			if raw[i] == '\\' || raw[i] < 0x20 {
				return 0, false
			}
			i++
		}
		if i >= len(raw) {
			return 0, false
		}
		spans[n] = [2]int{start, i}
		n++
		i++
		skip()
		if i >= len(raw) {
			return 0, false
		}
		switch raw[i] {
		case ',':
			i++
			skip()
		case ']':
			i++
			skip()
			return n, i == len(raw) && utf8.Valid(raw)
		default:
			return 0, false
		}
	}
}

// acc is a bucket being filled.
type acc struct {
	b                          Bucket
	duration, agent, bot, wait []int64
}

// part is what one reader of the sessions has added up.
type part struct {
	period  string
	zone    *zone
	n       int
	buckets map[int64]*acc
	busiest [7][24]int
	topics  map[string]*Topic // by fold
	folds   map[string]string // a topic as written → its fold
}

func newPart(period string, loc *time.Location) *part {
	return &part{period: period, zone: newZone(loc), buckets: map[int64]*acc{}, topics: map[string]*Topic{}, folds: map[string]string{}}
}

func (p *part) add(r *store.InsightRow) error {
	p.n++
	day, minute := p.zone.local(r.StartedAt)
	weekday := int((day%7 + 7 + 3) % 7) // 1970-01-01 was a Thursday
	p.busiest[weekday][minute/60]++
	key := bucketKey(day, weekday, p.period)
	a := p.buckets[key]
	if a == nil {
		a = &acc{}
		p.buckets[key] = a
	}
	a.b.Total++
	a.b.ByChannel[r.Channel]++
	a.b.Sentiment[r.Sentiment]++
	if r.Ended {
		a.duration = append(a.duration, r.LastMessageAt-r.StartedAt)
	}
	if r.AgentResponseMS >= 0 {
		a.agent = append(a.agent, r.AgentResponseMS)
	}
	if r.BotResponseMS >= 0 {
		a.bot = append(a.bot, r.BotResponseMS)
	}
	switch {
	case r.HandedOff:
		a.b.HandedOff++
		a.wait = append(a.wait, r.HandoffWaitMS)
	case r.Bot:
		a.b.BotOnly++
	default:
		a.b.NoBot++
	}
	if len(r.Topics) <= 2 { // NULL or []
		return nil
	}
	var seen [maxTopics]string
	nseen := 0
	err := eachTopic(r.Topics, func(raw []byte) {
		k, ok := p.folds[string(raw)]
		if !ok {
			k = labels.Fold(strings.TrimSpace(string(raw)))
			if len(p.folds) < maxFolds {
				p.folds[string(raw)] = k
			}
		}
		if k == "" || slices.Contains(seen[:nseen], k) {
			return
		}
		if nseen < len(seen) {
			seen[nseen] = k
			nseen++
		}
		t := bytes.TrimSpace(raw)
		if tc := p.topics[k]; tc != nil {
			tc.Count++
			if string(t) < tc.Topic {
				tc.Topic = string(t)
			}
		} else {
			p.topics[k] = &Topic{Topic: string(t), Count: 1}
		}
	})
	if err != nil {
		return fmt.Errorf("read the topics of the session started at %d: %w", r.StartedAt, err)
	}
	return nil
}

// merge adds o into p.
func (p *part) merge(o *part) {
	p.n += o.n
	for w := range p.busiest {
		for h := range p.busiest[w] {
			p.busiest[w][h] += o.busiest[w][h]
		}
	}
	for k, oa := range o.buckets {
		a := p.buckets[k]
		if a == nil {
			p.buckets[k] = oa
			continue
		}
		a.b.Total += oa.b.Total
		for i := range a.b.ByChannel {
			a.b.ByChannel[i] += oa.b.ByChannel[i]
			a.b.Sentiment[i] += oa.b.Sentiment[i]
		}
		a.b.BotOnly += oa.b.BotOnly
		a.b.HandedOff += oa.b.HandedOff
		a.b.NoBot += oa.b.NoBot
		a.duration = append(a.duration, oa.duration...)
		a.agent = append(a.agent, oa.agent...)
		a.bot = append(a.bot, oa.bot...)
		a.wait = append(a.wait, oa.wait...)
	}
	for k, ot := range o.topics {
		if t := p.topics[k]; t != nil {
			t.Count += ot.Count
			t.Topic = min(t.Topic, ot.Topic)
		} else {
			p.topics[k] = ot
		}
	}
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
	// Reading a row costs more than adding it up: the sessions are read by
	// a reader per core, each adding up its own part.
	parts := make([]*part, min(runtime.GOMAXPROCS(0), store.InsightReaders))
	for i := range parts {
		parts[i] = newPart(req.Period, req.Location)
	}
	err := st.EachInsightRowParts(ctx, req.Selection, len(parts), func(i int, r *store.InsightRow) error {
		return parts[i].add(r)
	})
	if err != nil {
		return nil, fmt.Errorf("aggregate insights: %w", err)
	}
	all := parts[0]
	for _, p := range parts[1:] {
		all.merge(p)
	}
	res := &Result{Period: req.Period, Total: all.n, Busiest: all.busiest}
	var duration, agent, bot, wait []int64
	for _, a := range all.buckets {
		duration = append(duration, a.duration...)
		agent = append(agent, a.agent...)
		bot = append(bot, a.bot...)
		wait = append(wait, a.wait...)
		res.BotOnly += a.b.BotOnly
		res.HandedOff += a.b.HandedOff
		res.NoBot += a.b.NoBot
	}
	res.Duration, res.AgentResponse, res.BotResponse, res.HandoffWait = stats(duration), stats(agent), stats(bot), stats(wait)
	res.Buckets = fill(all.buckets, req.Period)
	res.Topics = make([]Topic, 0, len(all.topics))
	for _, t := range all.topics {
		res.Topics = append(res.Topics, *t)
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

// stats takes the median and 90th percentile of values, which it
// reorders. A selection, not a sort: a million values in a few
// milliseconds instead of ~80.
func stats(values []int64) Stats {
	if len(values) == 0 {
		return Stats{}
	}
	return Stats{MedianMS: quantile(values, 0.5), P90MS: quantile(values, 0.9), Count: len(values)}
}

// quantile is the p-quantile of values (which it reorders), linear
// between the two nearest ranks (rank p·(n−1), counted from 0, as a
// spreadsheet's PERCENTILE), to the millisecond: finer is noise, and equal
// inputs then give equal figures whichever way they were read.
func quantile(values []int64, p float64) float64 {
	pos := p * float64(len(values)-1)
	lo := int(math.Floor(pos))
	a := nth(values, lo)
	frac := pos - float64(lo)
	if frac == 0 || lo+1 >= len(values) {
		return float64(a)
	}
	b := slices.Min(values[lo+1:]) // nth left the greater ones there
	return math.Round(float64(a) + frac*float64(b-a))
}

// nth reorders v so that v[k] is the value a sort would put there, the
// ones before it no greater and the ones after no smaller, and returns it
// (Hoare's selection, median-of-three pivots).
func nth(v []int64, k int) int64 {
	lo, hi := 0, len(v)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] < v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		pivot := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] < pivot {
				i++
			}
			for v[j] > pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return v[k]
		}
	}
	return v[k]
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
