// Package summaries runs the summary queue: it takes the sessions waiting
// in the database, skips those whose content did not change, summarizes
// the others one at a time with the summarizer it is given, and stores
// each result (or why it failed) as soon as it has it. The queue lives in
// the database, so a cancelled or crashed run resumes where it stopped.
package summaries

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/summarize"
)

// Progress is how far a run is.
type Progress struct {
	Done    int           `json:"done"`    // jobs handled (summarized, skipped or failed)
	Total   int           `json:"total"`   // jobs known so far
	Failed  int           `json:"failed"`  // sessions that could not be summarized
	Rate    float64       `json:"rate"`    // jobs per second
	Left    time.Duration `json:"left_ns"` // estimated time left
	Source  string        `json:"source"`  // the summarizer's name
	Running bool          `json:"running"`
}

// Stats is the outcome of a run.
type Stats struct {
	Summarized, Skipped, Failed int
}

// Options tune a runner.
type Options struct {
	// OnStored is called after each summary is stored, so it can reach
	// the search index and the timeline at once.
	OnStored func(sessionID int64)
	// Progress hears about the run at most every ProgressEvery.
	Progress      func(Progress)
	ProgressEvery time.Duration // default 100 ms (about ten events a second)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Runner drains the summary queue.
type Runner struct {
	st   *store.Store
	sum  summarize.Summarizer
	opts Options
}

// New returns a runner that summarizes with sum.
func New(st *store.Store, sum summarize.Summarizer, opts Options) *Runner {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ProgressEvery <= 0 {
		opts.ProgressEvery = 100 * time.Millisecond
	}
	return &Runner{st: st, sum: sum, opts: opts}
}

// batch is how many jobs are read at a time.
const batch = 100

// Run handles jobs until the queue is empty or ctx ends. A session that
// fails records why and the rest go on; a summarizer that cannot be
// reached at all (the Ollama server went away) stops the run, leaving the
// jobs queued.
func (r *Runner) Run(ctx context.Context) (Stats, error) {
	var st Stats
	total, err := r.st.SummaryJobCount(ctx)
	if err != nil {
		return st, err
	}
	started := r.opts.Now()
	var lastReport time.Time
	report := func(final bool) {
		if r.opts.Progress == nil {
			return
		}
		now := r.opts.Now()
		if !final && now.Sub(lastReport) < r.opts.ProgressEvery {
			return
		}
		lastReport = now
		done := st.Summarized + st.Skipped + st.Failed
		p := Progress{Done: done, Total: max(total, done), Failed: st.Failed, Source: r.sum.Name(), Running: !final}
		if secs := now.Sub(started).Seconds(); secs > 0 && done > 0 {
			p.Rate = float64(done) / secs
			p.Left = time.Duration(float64(p.Total-done) / p.Rate * float64(time.Second))
		}
		r.opts.Progress(p)
	}
	defer report(true)
	for {
		jobs, err := r.st.SummaryJobs(ctx, batch)
		if err != nil {
			return st, err
		}
		if len(jobs) == 0 {
			return st, nil
		}
		if n := st.Summarized + st.Skipped + st.Failed + len(jobs); n > total {
			total = n
		}
		for _, job := range jobs {
			if err := ctx.Err(); err != nil {
				return st, err
			}
			if err := r.one(ctx, job, &st); err != nil {
				return st, err
			}
			report(false)
		}
	}
}

// endMessages is how many messages of each end of a session a summary reads.
const endMessages = 1000

// one handles one job; it returns an error only when the run must stop.
func (r *Runner) one(ctx context.Context, job store.SummaryJob, st *Stats) error {
	// A summary reads the beginning and the end of a session: a group chat
	// that never pauses (one session of a million messages) costs the same
	// as any other.
	first, last, omitted, err := r.st.SessionMessageEnds(ctx, job.SessionID, endMessages)
	if err != nil {
		return err
	}
	msgs := make([]summarize.Message, 0, len(first)+len(last)+1)
	add := func(m store.Message) {
		msgs = append(msgs, summarize.Message{At: time.UnixMilli(m.At).UTC(), Author: m.Author, Role: chat.Role(m.Role), Kind: chat.Kind(m.Kind), Body: m.Body})
	}
	for _, m := range first {
		add(m)
	}
	if omitted > 0 {
		// Both summarizers read a system line as a note, not a message; the
		// number also enters the content hash, so a change in the middle is
		// a change.
		msgs = append(msgs, summarize.Message{At: time.UnixMilli(last[0].At).UTC(), Role: chat.RoleSystem, Kind: chat.KindSystem,
			Body: fmt.Sprintf("… %d messages in between are not shown …", omitted)})
	}
	for _, m := range last {
		add(m)
	}
	hash := summarize.ContentHash(msgs)
	source := sourceOf(r.sum)
	// Unchanged content keeps its summary, unless a model can now replace
	// a built-in one, the summary was made by older heuristics, or the
	// user asked again.
	current := job.Source == source && job.Prompt == summarize.VersionOf(source)
	if !job.Force && hash == job.Hash && (current || job.Source == "ollama") {
		st.Skipped++
		return r.st.FinishSummaryJob(ctx, job.SessionID, nil, "")
	}
	res, err := r.sum.Summarize(ctx, msgs)
	if ctx.Err() != nil {
		return ctx.Err() // cancelled: the job stays queued for the next run
	}
	if errors.Is(err, summarize.ErrOllamaDown) {
		return fmt.Errorf("summarize session %d: %w", job.SessionID, err)
	}
	if err != nil {
		st.Failed++
		return r.st.FinishSummaryJob(ctx, job.SessionID, nil, err.Error())
	}
	sum := &store.Summary{Text: res.Summary, Source: res.Source, Model: res.Model, Digest: res.Digest, Prompt: res.Prompt,
		Hash: hash, Sentiment: res.Sentiment, Score: res.Score, Topics: res.Topics, Resolved: res.Resolved, At: r.opts.Now().UnixMilli()}
	if err := r.st.FinishSummaryJob(ctx, job.SessionID, sum, ""); err != nil {
		return err
	}
	st.Summarized++
	if r.opts.OnStored != nil {
		r.opts.OnStored(job.SessionID)
	}
	return nil
}

// sourceOf is the summary_source a summarizer writes.
func sourceOf(s summarize.Summarizer) string {
	if s.Name() == "builtin" {
		return "builtin"
	}
	return "ollama"
}
