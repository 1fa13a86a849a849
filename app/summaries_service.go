package app

import (
	"context"
	"errors"

	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/sessions-app/sessions/backend/jobs"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/summaries"
	"github.com/sessions-app/sessions/backend/summarize"
)

// Settings of the summarizer, remembered when given on the command line.
const (
	SettingOllamaURL   = "ollama_url"
	SettingOllamaModel = "ollama_model"
	// SettingOllamaRemote is the host of the remembered Ollama address
	// when the user allowed it to be another machine
	// (--allow-remote-ollama); empty or unset, a remembered address
	// elsewhere is refused like any other.
	SettingOllamaRemote = "ollama_remote_allowed"
)

// EventSummaryProgress carries summaries.Progress while summaries are made.
const EventSummaryProgress = "summary:progress"

// ModelConfig says which Ollama to use; empty fields fall back to the
// stored settings, then OLLAMA_HOST, then the defaults.
type ModelConfig struct {
	URL, Model string
	// AllowRemote lets the address name another machine
	// (--allow-remote-ollama), which then receives the conversations it
	// summarizes. The permission is remembered for the host of the
	// address remembered with it, and only for that host.
	AllowRemote bool
}

// Where an Ollama address came from, as messages name it.
const (
	fromFlag       = "--ollama"
	fromRemembered = "the remembered --ollama"
	fromEnv        = "OLLAMA_HOST"
	fromDefault    = "the default"
)

// ollamaChoice is the Ollama config resolve settled on, with what the
// messages about it need.
type ollamaChoice struct {
	summarize.OllamaConfig
	// From says where the URL came from: one of the from... constants.
	From string
	// Host is the URL's host; Remote says it is another machine.
	Host   string
	Remote bool
}

// resolve fills the config from flags, settings, environment and defaults,
// and remembers values given explicitly. An address on another machine
// that was not allowed gives an error wrapping summarize.ErrRemoteOllama
// (and is not remembered); the returned choice still names it.
func (mc ModelConfig) resolve(ctx context.Context, st *store.Store) (ollamaChoice, error) {
	c := ollamaChoice{From: fromDefault}
	remember := map[string]string{}
	switch {
	case mc.URL != "":
		c.URL, c.From = mc.URL, fromFlag
	default:
		if v, err := st.Setting(ctx, SettingOllamaURL); err == nil {
			c.URL, c.From = v, fromRemembered
		} else if env := os.Getenv("OLLAMA_HOST"); env != "" {
			c.URL, c.From = env, fromEnv
		}
	}
	host, local, err := summarize.OllamaHost(c.URL)
	if err != nil {
		return c, fmt.Errorf("%s: %w", c.From, err)
	}
	c.Host, c.Remote = host, !local
	allowed := local || mc.AllowRemote
	if !allowed && c.From == fromRemembered {
		// Allowed once with this very host: the user asked for it then,
		// and every run says so again (see remoteNotice).
		v, err := st.Setting(ctx, SettingOllamaRemote)
		allowed = err == nil && v != "" && strings.EqualFold(v, host)
	}
	if !allowed {
		return c, fmt.Errorf("%s: %w", c.From, summarize.CheckOllamaURL(c.URL, false))
	}
	c.AllowRemote = c.Remote
	switch {
	case c.From == fromFlag && c.Remote:
		remember[SettingOllamaURL], remember[SettingOllamaRemote] = c.URL, host
	case c.From == fromFlag:
		remember[SettingOllamaURL], remember[SettingOllamaRemote] = c.URL, ""
	case c.From == fromRemembered && c.Remote && mc.AllowRemote:
		remember[SettingOllamaRemote] = host
	}
	if mc.Model != "" {
		remember[SettingOllamaModel] = mc.Model
		c.Model = mc.Model
	} else if v, err := st.Setting(ctx, SettingOllamaModel); err == nil {
		c.Model = v
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
			return c, fmt.Errorf("remember the ollama settings: %w", err)
		}
	}
	return c, nil
}

// remoteNotice says that conversations will be sent to the other machine
// c names, and how that was allowed.
func remoteNotice(c ollamaChoice) string {
	how := "allowed with --allow-remote-ollama"
	if c.From == fromRemembered {
		how = "allowed earlier with --allow-remote-ollama; to stop, run: sessions summarize --ollama " + summarize.DefaultOllamaURL
	}
	return fmt.Sprintf("Conversations will be sent to the Ollama server at %s (%s), which is not this machine (%s).", c.Host, c.From, how)
}

// chooseSummarizer returns Ollama when it answers with its model, else the
// built-in summarizer and the reason Ollama could not be used.
func chooseSummarizer(ctx context.Context, st *store.Store, mc ModelConfig) (summarize.Summarizer, ollamaChoice, error) {
	c, err := mc.resolve(ctx, st)
	if err != nil {
		return summarize.Builtin{}, c, err
	}
	sum, err := checkOllama(ctx, c)
	return sum, c, err
}

// checkOllama returns Ollama at c when it answers with its model, else the
// built-in summarizer and the reason.
func checkOllama(ctx context.Context, c ollamaChoice) (summarize.Summarizer, error) {
	o, err := summarize.NewOllama(c.OllamaConfig)
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

// SummariesService makes the model summaries in the background and tells
// the UI how far they are.
type SummariesService struct {
	c *core
	// task drains the summary queue with the best summarizer at hand.
	task *jobs.Task

	mu       sync.Mutex
	last     summaries.Progress
	upgraded bool // built-in summaries were queued for the model since the last import
	note     string
	detail   string
}

func newSummariesService(c *core) *SummariesService {
	s := &SummariesService{c: c}
	s.task = c.jobs.Task("summaries", s.summarizeOnce)
	return s
}

// shortReason says in a few words why Ollama cannot be used.
func shortReason(err error, c ollamaChoice) string {
	model := c.Model
	if model == "" {
		model = summarize.DefaultModel
	}
	switch {
	case errors.Is(err, summarize.ErrOllamaDown):
		return "Ollama isn't running (start it with: ollama serve)"
	case errors.Is(err, summarize.ErrModelMissing):
		return "the model " + model + " isn't installed (run: ollama pull " + model + ")"
	case errors.Is(err, summarize.ErrRemoteOllama):
		return "the Ollama address " + c.Host + " is another machine; conversations are sent there only after: sessions summarize --allow-remote-ollama"
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
func (s *SummariesService) SummaryStatus() (*SummaryStatus, error) {
	ctx, done, err := s.c.call()
	if err != nil {
		return nil, err
	}
	defer done()
	n, err := s.c.st.SummaryJobCount(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return &SummaryStatus{Progress: s.last, Pending: n, Note: s.note, NoteDetail: s.detail}, nil
}

// Resummarize summarizes one session again, now, in the background.
func (s *SummariesService) Resummarize(id int64) error {
	ctx, done, err := s.c.call()
	if err != nil {
		return err
	}
	defer done()
	if _, err := s.c.st.EnqueueSummaries(ctx, store.QueueOne, id, s.c.now().UnixMilli(), true); err != nil {
		return err
	}
	s.task.Kick()
	return nil
}

// CancelSummaries stops the running summaries; what is left stays queued
// for the next start.
func (s *SummariesService) CancelSummaries() { s.task.Cancel() }

// upgrade asks the model to replace the built-in summaries an import just
// made, once it is at hand.
func (s *SummariesService) upgrade() {
	s.mu.Lock()
	s.upgraded = false
	s.mu.Unlock()
	s.task.Kick()
}

// summarizeOnce is one round of the summaries task.
func (s *SummariesService) summarizeOnce(ctx context.Context) {
	sum, choice, why := chooseSummarizer(ctx, s.c.st, ModelConfig{})
	if ctx.Err() != nil {
		return
	}
	s.mu.Lock()
	s.note, s.detail = "", ""
	switch {
	case why != nil:
		s.note = "Built-in summaries: " + shortReason(why, choice)
		s.detail = why.Error()
	case choice.Remote:
		// The window says it too, as the CLI does on stderr: conversations
		// leave this machine.
		s.note = fmt.Sprintf("Summaries come from Ollama at %s, another machine: the conversations are sent there", choice.Host)
		s.detail = remoteNotice(choice)
	}
	upgrade := why == nil && !s.upgraded
	if upgrade {
		s.upgraded = true
	}
	s.mu.Unlock()
	if upgrade {
		if _, err := s.c.st.EnqueueSummaries(ctx, store.QueueBuiltin, 0, s.c.now().UnixMilli(), false); err != nil && ctx.Err() == nil {
			s.c.log.Warn("queue built-in summaries for the model", "err", err)
		}
	}
	r := summaries.New(s.c.st, sum, summaries.Options{
		OnStored: func(int64) { s.c.index.Kick() },
		Progress: func(p summaries.Progress) {
			s.mu.Lock()
			s.last = p
			s.mu.Unlock()
			s.c.emit(EventSummaryProgress, p)
		},
	})
	if _, err := r.Run(ctx); err != nil && ctx.Err() == nil {
		s.c.log.Warn("summaries stopped", "err", err)
	}
}

func runSummarize(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("summarize", &cfg)
	var mc ModelConfig
	fset.StringVar(&mc.URL, "ollama", "", "Ollama address")
	fset.StringVar(&mc.Model, "model", "", "model")
	fset.BoolVar(&mc.AllowRemote, "allow-remote-ollama", false, "let the Ollama address be another machine")
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
		choice, err := mc.resolve(ctx, b.st)
		if errors.Is(err, summarize.ErrRemoteOllama) {
			fmt.Fprintf(stderr, "sessions: Ollama at %s (%s) is not on this machine: summarizing with it would send your conversations there.\n"+
				"To allow that, add --allow-remote-ollama; to summarize here, use --builtin or --ollama %s.\n",
				choice.Host, choice.From, summarize.DefaultOllamaURL)
			return errReported
		}
		if err == nil && choice.Remote {
			// Said before the server is first contacted.
			fmt.Fprintln(stderr, remoteNotice(choice))
		}
		why := err
		if why == nil {
			sum, why = checkOllama(ctx, choice)
		}
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
