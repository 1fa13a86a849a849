package jobs

import (
	"context"
	"fmt"

	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/summaries"
	"github.com/sessions-app/sessions/backend/summarize"
	"github.com/sessions-app/sessions/backend/timeline"
)

// AfterImport is what follows every import, wherever it came from (the
// command line, the window, the watched folder, a drop): every new or
// changed session gets a built-in summary at once, so none is shown
// without one; then the search index catches up, so a search right after
// finds what the import brought; then the model summaries are asked to
// upgrade the built-in ones. What was imported is saved whatever happens
// here: summaries and index also catch up at the next start.
type AfterImport struct {
	Store    *store.Store
	Timeline *timeline.Service
	// IndexProgress hears how far the index is; nil for none.
	IndexProgress func(done, total int)
	// Upgrade is called last, when both steps succeeded: the app kicks
	// its model summaries there. Nil for none (the command line, which
	// leaves them to `sessions summarize`).
	Upgrade func()
}

// Step names which step of AfterImport failed.
type Step string

// The steps of AfterImport.
const (
	StepSummaries Step = "the built-in summaries"
	StepIndex     Step = "the search index"
)

// StepError is an AfterImport step that failed.
type StepError struct {
	Step Step
	Err  error
}

func (e *StepError) Error() string {
	switch e.Step {
	case StepSummaries:
		return fmt.Sprintf("the built-in summaries could not be made: %v", e.Err)
	default:
		return fmt.Sprintf("the search index could not catch up: %v", e.Err)
	}
}

func (e *StepError) Unwrap() error { return e.Err }

// Run runs the steps in order; it stops at the first that fails and
// returns a *StepError naming it.
func (p AfterImport) Run(ctx context.Context) error {
	if _, err := summaries.New(p.Store, summarize.Builtin{}, summaries.Options{}).Run(ctx); err != nil {
		return &StepError{Step: StepSummaries, Err: fmt.Errorf("summarize: %w", err)}
	}
	if err := p.Timeline.Sync(ctx, p.IndexProgress); err != nil {
		return &StepError{Step: StepIndex, Err: fmt.Errorf("update search index: %w", err)}
	}
	if p.Upgrade != nil {
		p.Upgrade()
	}
	return nil
}
