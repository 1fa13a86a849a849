package app

// InsightsRequest asks for the insights of the sessions of a timeline
// filter: the same filter bar and URL as the timeline.
type InsightsRequest struct {
	// Filter is the timeline's filter; its Limit and Cursor are ignored.
	Filter ListRequest `json:"filter"`
	// Period is the bucket of the time charts: "day" (the default),
	// "week" (Monday to Sunday) or "month".
	Period string `json:"period"`
	// Zone is the IANA zone of days and hours (and of the filter's days);
	// empty means the app's.
	Zone string `json:"zone"`
}

// InsightsView is every chart of the Insights view. Times are seconds;
// days are YYYY-MM-DD in Zone.
type InsightsView struct {
	Total             int                  `json:"total"`
	Period            string               `json:"period"`
	Zone              string               `json:"zone"`
	SessionsPerBucket []InsightBucket      `json:"sessions_per_bucket"`
	Duration          DurationInsight      `json:"duration"`
	FirstResponse     FirstResponseInsight `json:"first_response"`
	Sentiment         []SentimentBucket    `json:"sentiment"`
	TopLabels         []LabelCountView     `json:"top_labels"`
	// TopTopics is empty when no summary carries topics.
	TopTopics []TopicCountView `json:"top_topics"`
	AI        AIInsight        `json:"ai"`
	// Busiest counts session starts by local weekday (Monday = 0) and
	// hour (0–23).
	Busiest [7][24]int `json:"busiest"`
}

// InsightBucket is one day, week or month of sessions: Start and End are
// its first and last day (the timeline's from and to for it).
type InsightBucket struct {
	Start string `json:"start"`
	End   string `json:"end"`
	// ByChannel has every channel, with 0 for none.
	ByChannel map[string]int `json:"by_channel"`
	Total     int            `json:"total"`
}

// TimeStats are the median and 90th percentile of a set of times, in
// seconds, and how many there were (0 and 0 when none).
type TimeStats struct {
	MedianS float64 `json:"median_s"`
	P90S    float64 `json:"p90_s"`
	Count   int     `json:"count"`
}

// BucketStats are TimeStats of one bucket.
type BucketStats struct {
	Start   string  `json:"start"`
	MedianS float64 `json:"median_s"`
	P90S    float64 `json:"p90_s"`
	Count   int     `json:"count"`
}

// DurationInsight is the length of the sessions that have ended, first to
// last message.
type DurationInsight struct {
	MedianS   float64       `json:"median_s"`
	P90S      float64       `json:"p90_s"`
	Count     int           `json:"count"`
	PerBucket []BucketStats `json:"per_bucket"`
}

// FirstResponseInsight is the wait from the customer's first message to
// the first reply: Human is the first agent's reply, Bot the AI agent's,
// its own series that never enters the human figure.
type FirstResponseInsight struct {
	Human     TimeStats             `json:"human"`
	Bot       TimeStats             `json:"bot"`
	PerBucket []FirstResponseBucket `json:"per_bucket"`
}

// FirstResponseBucket is FirstResponseInsight of one bucket.
type FirstResponseBucket struct {
	Start string    `json:"start"`
	Human TimeStats `json:"human"`
	Bot   TimeStats `json:"bot"`
}

// SentimentBucket counts the sessions of a bucket by sentiment; None have
// no summary's sentiment yet.
type SentimentBucket struct {
	Start    string `json:"start"`
	Positive int    `json:"positive"`
	Neutral  int    `json:"neutral"`
	Negative int    `json:"negative"`
	None     int    `json:"none"`
}

// LabelCountView is a label and how many sessions carry it.
type LabelCountView struct {
	Name  string `json:"name"`
	Color string `json:"color"`
	Count int    `json:"count"`
}

// TopicCountView is a summary topic and how many sessions have it.
type TopicCountView struct {
	Topic string `json:"topic"`
	Count int    `json:"count"`
}

// AIInsight is the AI agent's part: sessions it handled alone (BotOnly),
// passed to a person (HandedOff), and those without it (NoBot), per bucket
// too, and the customer's wait after a handoff.
type AIInsight struct {
	BotOnly          int        `json:"bot_only"`
	HandedOff        int        `json:"handed_off"`
	NoBot            int        `json:"no_bot"`
	PerBucket        []AIBucket `json:"per_bucket"`
	WaitAfterHandoff TimeStats  `json:"wait_after_handoff"`
}

// AIBucket is AIInsight of one bucket; Share is the part of the AI
// agent's sessions it handled alone (0 to 1; 0 when it had none).
type AIBucket struct {
	Start     string  `json:"start"`
	BotOnly   int     `json:"bot_only"`
	HandedOff int     `json:"handed_off"`
	NoBot     int     `json:"no_bot"`
	Share     float64 `json:"share"`
}
