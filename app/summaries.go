package app

import (
	"context"
	"errors"

	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/summaries"
	"github.com/sessions-app/sessions/backend/summarize"
)

// Settings of the summarizer, remembered when given on the command line.
const (
	SettingOllamaURL   = "ollama_url"
	SettingOllamaModel = "ollama_model"
)

// EventSummaryProgress carries summaries.Progress while summaries are made.
const EventSummaryProgress = "summary:progress"

// ModelConfig says which Ollama to use; empty fields fall back to the
// stored settings, then OLLAMA_HOST, then the defaults.
type ModelConfig struct {
	URL, Model string
}

// resolve fills the config from flags, settings, environment and defaults,
// and remembers values given explicitly.
func (mc ModelConfig) resolve(ctx context.Context, st *store.Store) (summarize.OllamaConfig, error) {
	remember := map[string]string{}
	if mc.URL != "" {
		remember[SettingOllamaURL] = mc.URL
	} else if v, err := st.Setting(ctx, SettingOllamaURL); err == nil {
		mc.URL = v
	} else if env := os.Getenv("OLLAMA_HOST"); env != "" {
		mc.URL = env
	}
	if mc.Model != "" {
		remember[SettingOllamaModel] = mc.Model
	} else if v, err := st.Setting(ctx, SettingOllamaModel); err == nil {
		mc.Model = v
	}
	if len(remember) > 0 {
		err := st.Update(ctx, func(tx *store.Tx) error {
			for k, v := range remember {
				if err := tx.SetSetting(ctx, k, v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return summarize.OllamaConfig{}, err
		}
	}
	return summarize.OllamaConfig{URL: mc.URL, Model: mc.Model}, nil
}

// chooseSummarizer returns Ollama when it answers with its model, else the
// built-in summarizer and the reason Ollama could not be used.
func chooseSummarizer(ctx context.Context, st *store.Store, mc ModelConfig) (summarize.Summarizer, error) {
	cfg, err := mc.resolve(ctx, st)
	if err != nil {
		return summarize.Builtin{}, err
	}
	o, err := summarize.NewOllama(cfg)
	if err != nil {
		return summarize.Builtin{}, err
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := o.Check(cctx); err != nil {
		return summarize.Builtin{}, err
	}
	return o, nil
}

// summaryRun is the desktop's background summarizing.
type summaryRun struct {
	mu       sync.Mutex
	running  bool
	again    bool
	cancel   context.CancelFunc
	last     summaries.Progress
	upgraded bool // built-in summaries were queued for the model in this run of the app
	note     string
	detail   string
}

// shortReason says in a few words why Ollama cannot be used.
func shortReason(err error, mc summarize.OllamaConfig) string {
	model := mc.Model
	if model == "" {
		model = summarize.DefaultModel
	}
	switch {
	case errors.Is(err, summarize.ErrOllamaDown):
		return "Ollama isn't running (start it with: ollama serve)"
	case errors.Is(err, summarize.ErrModelMissing):
		return "the model " + model + " isn't installed (run: ollama pull " + model + ")"
	default:
		return "Ollama can't be used"
	}
}

// SummaryStatus is what the UI shows about summaries.
type SummaryStatus struct {
	summaries.Progress
	Pending int `json:"pending"`
	// Note says in a few words why summaries are built-in (no Ollama),
	// when they are; NoteDetail is the full error behind it.
	Note       string `json:"note"`
	NoteDetail string `json:"note_detail"`
}

// SummaryStatus tells how far summarizing is and with what.
func (a *API) SummaryStatus() (*SummaryStatus, error) {
	n, err := a.st.SummaryJobCount(a.ctx)
	if err != nil {
		return nil, err
	}
	a.sum.mu.Lock()
	defer a.sum.mu.Unlock()
	return &SummaryStatus{Progress: a.sum.last, Pending: n, Note: a.sum.note, NoteDetail: a.sum.detail}, nil
}

// Resummarize summarizes one session again, now, in the background.
func (a *API) Resummarize(id int64) error {
	if _, err := a.st.EnqueueSummaries(a.ctx, store.QueueOne, id, a.now().UnixMilli(), true); err != nil {
		return err
	}
	a.summarizeInBackground()
	return nil
}

// CancelSummaries stops the running summaries; what is left stays queued
// for the next start.
func (a *API) CancelSummaries() {
	a.sum.mu.Lock()
	defer a.sum.mu.Unlock()
	a.sum.again = false
	if a.sum.cancel != nil {
		a.sum.cancel()
	}
}

// summarizeInBackground drains the summary queue with the best summarizer
// at hand; a call while it runs asks for one more round.
func (a *API) summarizeInBackground() {
	a.sum.mu.Lock()
	if a.sum.running {
		a.sum.again = true
		a.sum.mu.Unlock()
		return
	}
	a.sum.running = true
	ctx, cancel := context.WithCancel(a.ctx)
	a.sum.cancel = cancel
	a.sum.mu.Unlock()
	go func() {
		defer cancel()
		defer func() {
			if p := recover(); p != nil {
				slog.Error("summaries panicked", "panic", p)
			}
			a.sum.mu.Lock()
			a.sum.running, a.sum.cancel = false, nil
			a.sum.mu.Unlock()
		}()
		for {
			a.summarizeOnce(ctx)
			a.sum.mu.Lock()
			again := a.sum.again && ctx.Err() == nil
			a.sum.again = false
			a.sum.mu.Unlock()
			if !again {
				return
			}
		}
	}()
}

func (a *API) summarizeOnce(ctx context.Context) {
	sum, why := chooseSummarizer(ctx, a.st, ModelConfig{})
	a.sum.mu.Lock()
	a.sum.note, a.sum.detail = "", ""
	if why != nil {
		cfg, _ := ModelConfig{}.resolve(ctx, a.st)
		a.sum.note = "Built-in summaries: " + shortReason(why, cfg)
		a.sum.detail = why.Error()
	}
	upgrade := why == nil && !a.sum.upgraded
	if upgrade {
		a.sum.upgraded = true
	}
	a.sum.mu.Unlock()
	if upgrade {
		if _, err := a.st.EnqueueSummaries(ctx, store.QueueBuiltin, 0, a.now().UnixMilli(), false); err != nil {
			slog.Warn("queue built-in summaries for the model", "err", err)
		}
	}
	r := summaries.New(a.st, sum, summaries.Options{
		OnStored: func(int64) { a.catchUpIndex() },
		Progress: func(p summaries.Progress) {
			a.sum.mu.Lock()
			a.sum.last = p
			a.sum.mu.Unlock()
			a.emit(EventSummaryProgress, p)
		},
	})
	if _, err := r.Run(ctx); err != nil && ctx.Err() == nil {
		slog.Warn("summaries stopped", "err", err)
	}
}

// runBuiltinSummaries gives every queued session a built-in summary: fast
// enough to run right after an import, so no session is left without one.
func (b *backend) runBuiltinSummaries(ctx context.Context) error {
	_, err := summaries.New(b.st, summarize.Builtin{}, summaries.Options{}).Run(ctx)
	if err != nil {
		return fmt.Errorf("summarize: %w", err)
	}
	return nil
}

func runSummarize(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("summarize", &cfg)
	var mc ModelConfig
	fset.StringVar(&mc.URL, "ollama", "", "Ollama address")
	fset.StringVar(&mc.Model, "model", "", "model")
	builtin := fset.Bool("builtin", false, "use the built-in summarizer")
	all := fset.Bool("all", false, "summarize every session again")
	retry := fset.Bool("retry-failed", false, "try the sessions that failed again")
	if err := parseNoArgs(fset, args); err != nil {
		return err
	}
	b, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	var sum summarize.Summarizer = summarize.Builtin{}
	if !*builtin {
		var why error
		sum, why = chooseSummarizer(ctx, b.st, mc)
		if why != nil {
			fmt.Fprintf(stderr, "Ollama cannot be used (%v).\nUsing the built-in summarizer; run again when Ollama is ready to upgrade the summaries.\n", why)
		} else {
			if _, err := b.st.EnqueueSummaries(ctx, store.QueueBuiltin, 0, time.Now().UnixMilli(), false); err != nil {
				return err
			}
		}
	}
	now := time.Now().UnixMilli()
	if *all {
		if _, err := b.st.EnqueueSummaries(ctx, store.QueueAll, 0, now, true); err != nil {
			return err
		}
	}
	if *retry {
		if _, err := b.st.EnqueueSummaries(ctx, store.QueueFailed, 0, now, true); err != nil {
			return err
		}
	}
	bar := progressBar(stderr)
	stats, err := summaries.New(b.st, sum, summaries.Options{Progress: bar, ProgressEvery: 200 * time.Millisecond}).Run(ctx)
	if err != nil {
		return err
	}
	if err := b.syncIndex(ctx, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s with %s, %s unchanged, %s failed\n", plural(stats.Summarized, "session")+" summarized", sum.Name(),
		plural(stats.Skipped, "session"), plural(stats.Failed, "session"))
	return nil
}

// progressBar draws summaries' progress on one terminal line.
func progressBar(w io.Writer) func(summaries.Progress) {
	drawn := false
	return func(p summaries.Progress) {
		if p.Total == 0 {
			return
		}
		const width = 30
		filled := width * p.Done / p.Total
		line := fmt.Sprintf("\r[%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat("-", width-filled), p.Done, p.Total)
		if p.Rate > 0 {
			line += fmt.Sprintf("  %.1f/s  %s left", p.Rate, p.Left.Round(time.Second))
		}
		if p.Failed > 0 {
			line += fmt.Sprintf("  %d failed", p.Failed)
		}
		fmt.Fprint(w, line+"   ")
		drawn = true
		if !p.Running && drawn {
			fmt.Fprintln(w)
		}
	}
}
