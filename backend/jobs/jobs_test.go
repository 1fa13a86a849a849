package jobs

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// logBuffer is a slog handler's output, safe to read while jobs write.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newRunner(t *testing.T) (*Runner, *logBuffer) {
	t.Helper()
	var buf logBuffer
	r := New(context.Background(), slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(r.Stop)
	return r, &buf
}

// within fails the test when ch is not closed in time: a hang is a bug
// here, not slowness.
func within(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: still waiting after 10 s", what)
	}
}

func TestStopCancelsAndWaits(t *testing.T) {
	tests := []struct {
		name  string
		stops int // calls to Stop, from as many goroutines
	}{
		{name: "once", stops: 1},
		{name: "twice", stops: 2},
		{name: "from five goroutines", stops: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, logs := newRunner(t)
			var ended atomic.Int32
			started := make(chan struct{}, 3)
			for range 3 {
				if !r.Go("blocker", func(ctx context.Context) {
					started <- struct{}{}
					<-ctx.Done()
					time.Sleep(20 * time.Millisecond) // cleanup that Stop must wait for
					ended.Add(1)
				}) {
					t.Fatal("Go refused before Stop")
				}
			}
			for range 3 {
				<-started
			}
			var wg sync.WaitGroup
			for range tt.stops {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r.Stop()
					// Every Stop returns only once every job has ended.
					if n := ended.Load(); n != 3 {
						t.Errorf("Stop returned with %d of 3 jobs ended", n)
					}
				}()
			}
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			within(t, done, "Stop")
			if r.Go("late", func(context.Context) { t.Error("a job ran after Stop") }) {
				t.Fatal("Go accepted a job after Stop")
			}
			if _, _, err := r.Enter(); !errors.Is(err, ErrStopped) {
				t.Fatalf("Enter after Stop: %v, want ErrStopped", err)
			}
			if !r.Stopped() {
				t.Fatal("Stopped is false after Stop")
			}
			if logs.String() != "" {
				t.Fatalf("logged: %s", logs)
			}
		})
	}
}

func TestStopWaitsForCallsInFlight(t *testing.T) {
	r, _ := newRunner(t)
	ctx, done, err := r.Enter()
	if err != nil {
		t.Fatal(err)
	}
	stopped := make(chan struct{})
	go func() { r.Stop(); close(stopped) }()
	// Stop ends the call's context but waits for the call itself.
	within(t, ctx.Done(), "the call's context")
	select {
	case <-stopped:
		t.Fatal("Stop returned while a call was in flight")
	case <-time.After(50 * time.Millisecond):
	}
	done()
	done() // a second end changes nothing
	within(t, stopped, "Stop after the call ended")
}

func TestStartTiesToContext(t *testing.T) {
	r, _ := newRunner(t)
	ctx, cancel := context.WithCancel(context.Background())
	r.Start(ctx)
	ended := make(chan struct{})
	r.Go("job", func(ctx context.Context) { <-ctx.Done(); close(ended) })
	cancel() // Ctrl+C, SIGTERM
	within(t, ended, "the job after the start context ended")
}

func TestPanicsAreRecoveredAndLogged(t *testing.T) {
	r, logs := newRunner(t)
	done := make(chan struct{})
	r.Go("exploding job", func(context.Context) {
		defer close(done)
		panic("boom")
	})
	within(t, done, "the panicking job")
	task := r.Task("exploding task", func(context.Context) { panic("bang") })
	task.Kick()
	if err := task.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.Stop()
	out := logs.String()
	for _, want := range []string{"exploding job", "boom", "exploding task", "bang", "stack="} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if task.Running() {
		t.Fatal("a task whose round panicked still counts as running")
	}
	if err := r.Safely("quiet", func() {}); err != nil {
		t.Fatal(err)
	}
	if err := r.Safely("loud", func() { panic("x") }); err == nil || !strings.Contains(err.Error(), "loud panicked") {
		t.Fatalf("Safely = %v", err)
	}
}

// TestTaskFoldsKicks: kicks during a round ask for exactly one more.
func TestTaskFoldsKicks(t *testing.T) {
	tests := []struct {
		name        string
		kicksDuring int
		wantRounds  int32
	}{
		{name: "no kick during the round", kicksDuring: 0, wantRounds: 1},
		{name: "one kick", kicksDuring: 1, wantRounds: 2},
		{name: "many kicks", kicksDuring: 10, wantRounds: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := newRunner(t)
			var rounds atomic.Int32
			inRound := make(chan struct{}, 4)
			release := make(chan struct{})
			task := r.Task("fold", func(ctx context.Context) {
				n := rounds.Add(1)
				if n == 1 {
					inRound <- struct{}{}
					<-release
				}
			})
			task.Kick()
			<-inRound
			if !task.Running() {
				t.Fatal("not running during its round")
			}
			for range tt.kicksDuring {
				task.Kick()
			}
			close(release)
			if err := task.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			// Wait returns when the loop ends; a folded round runs in it.
			if got := rounds.Load(); got != tt.wantRounds {
				t.Fatalf("%d rounds, want %d", got, tt.wantRounds)
			}
			task.Kick() // idle again: a kick runs a new round
			if err := task.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for rounds.Load() != tt.wantRounds+1 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if got := rounds.Load(); got != tt.wantRounds+1 {
				t.Fatalf("after an idle kick: %d rounds, want %d", got, tt.wantRounds+1)
			}
		})
	}
}

func TestTaskCancel(t *testing.T) {
	r, _ := newRunner(t)
	var rounds atomic.Int32
	inRound := make(chan struct{})
	task := r.Task("cancellable", func(ctx context.Context) {
		if rounds.Add(1) == 1 {
			close(inRound)
		}
		<-ctx.Done()
	})
	task.Kick()
	<-inRound
	task.Kick() // asks for another round, which Cancel drops
	task.Cancel()
	if err := task.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := rounds.Load(); got != 1 {
		t.Fatalf("%d rounds after Cancel, want 1", got)
	}
	if task.Running() {
		t.Fatal("still running after Cancel")
	}
	// The runner goes on: the next kick runs (and Stop ends it).
	task.Kick()
	deadline := time.Now().Add(10 * time.Second)
	for rounds.Load() != 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if rounds.Load() != 2 {
		t.Fatal("no round after the cancelled one")
	}
	r.Stop()
	if task.Running() {
		t.Fatal("running after Stop")
	}
	task.Kick() // after Stop: nothing runs, nothing hangs
	if task.Running() || rounds.Load() != 2 {
		t.Fatalf("a kick after Stop ran (rounds %d)", rounds.Load())
	}
}
