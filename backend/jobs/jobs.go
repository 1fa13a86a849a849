// Package jobs runs the app's background work (index catch-up, the summary
// queue, the watched folder, dropped files) and the calls in flight under
// one Runner, so that closing the app stops all of it, and waits for it,
// before the store and the index close. Every goroutine recovers and
// reports its panics; every job is handed a context that ends on Stop.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
)

// ErrStopped is returned for work asked of a Runner that has stopped.
var ErrStopped = errors.New("the app is shutting down")

// Runner owns background goroutines and calls in flight. The zero value is
// not usable; use New.
type Runner struct {
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc

	// mu guards stopped and every wg.Add, so that no goroutine is added
	// once Stop waits.
	mu      sync.Mutex
	stopped bool
	wg      sync.WaitGroup
	// unhook detaches the contexts given to Start.
	unhook []func() bool
}

// New returns a runner whose work runs under ctx: when ctx ends (or Stop
// is called) every job's context ends. log hears about panics; nil means
// slog.Default().
func New(ctx context.Context, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.Default()
	}
	cctx, cancel := context.WithCancel(ctx)
	return &Runner{log: log, ctx: cctx, cancel: cancel}
}

// Start ties the runner to ctx as well: its end stops the jobs as Stop
// would (without waiting; call Stop for that).
func (r *Runner) Start(ctx context.Context) {
	stop := context.AfterFunc(ctx, r.cancel)
	r.mu.Lock()
	r.unhook = append(r.unhook, stop)
	r.mu.Unlock()
}

// Context is the context work runs under; it ends on Stop.
func (r *Runner) Context() context.Context { return r.ctx }

// Go runs fn on its own goroutine with the runner's context, recovering
// and reporting a panic. It returns false (and does not run fn) once the
// runner has stopped.
func (r *Runner) Go(name string, fn func(ctx context.Context)) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return false
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.Safely(name, func() { fn(r.ctx) })
	}()
	return true
}

// Enter registers a call in flight (a method the UI called, which must
// finish before the store closes). It returns the context the call runs
// under and the func that ends it; after Stop it returns ErrStopped.
func (r *Runner) Enter() (context.Context, func(), error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return nil, nil, ErrStopped
	}
	r.wg.Add(1)
	var once sync.Once
	return r.ctx, func() { once.Do(r.wg.Done) }, nil
}

// Safely runs fn, turning a panic into an error in the log: a bug in one
// job must not take the app down with the user's data half written.
func (r *Runner) Safely(name string, fn func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s panicked: %v", name, p)
			r.log.Error("background job panicked", "job", name, "panic", p, "stack", string(debug.Stack()))
		}
	}()
	fn()
	return nil
}

// Stop cancels every job and waits for them and for the calls in flight
// to end. It is safe to call more than once and from several goroutines;
// each call returns once everything has ended.
func (r *Runner) Stop() {
	r.mu.Lock()
	r.stopped = true
	unhook := r.unhook
	r.unhook = nil
	r.mu.Unlock()
	for _, u := range unhook {
		u()
	}
	r.cancel()
	r.wg.Wait()
}

// Stopped reports whether Stop was called or the runner's context ended.
func (r *Runner) Stopped() bool { return r.ctx.Err() != nil }

// Task is a job that runs again when asked while it runs: asks made during
// a round fold into one more round, so a burst of changes costs two rounds,
// not one per change.
type Task struct {
	r    *Runner
	name string
	run  func(ctx context.Context)

	mu      sync.Mutex
	running bool
	again   bool
	cancel  context.CancelFunc
	idle    chan struct{} // closed when a run ends; nil while none runs
}

// Task returns a task that runs fn on the runner each time it is kicked.
func (r *Runner) Task(name string, fn func(ctx context.Context)) *Task {
	return &Task{r: r, name: name, run: fn}
}

// Kick runs the task now, or once more after the round in progress.
// After the runner stopped it does nothing.
func (t *Task) Kick() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.running {
		t.again = true
		return
	}
	ctx, cancel := context.WithCancel(t.r.ctx)
	idle := make(chan struct{})
	t.running, t.again, t.cancel, t.idle = true, false, cancel, idle
	started := t.r.Go(t.name, func(context.Context) {
		defer close(idle)
		defer cancel()
		for {
			_ = t.r.Safely(t.name, func() { t.run(ctx) })
			t.mu.Lock()
			again := t.again && ctx.Err() == nil
			t.again = false
			if !again {
				t.running, t.cancel, t.idle = false, nil, nil
				t.mu.Unlock()
				return
			}
			t.mu.Unlock()
		}
	})
	if !started {
		cancel()
		close(idle)
		t.running, t.cancel, t.idle = false, nil, nil
	}
}

// Cancel ends the round in progress and drops the one asked for; what the
// round leaves undone is the job's to resume at its next kick.
func (t *Task) Cancel() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.again = false
	if t.cancel != nil {
		t.cancel()
	}
}

// Running reports whether a round is in progress.
func (t *Task) Running() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.running
}

// Wait waits until no round runs, or ctx ends.
func (t *Task) Wait(ctx context.Context) error {
	t.mu.Lock()
	idle := t.idle
	t.mu.Unlock()
	if idle == nil {
		return nil
	}
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
