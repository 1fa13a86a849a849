package jobs

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/importer"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/timeline"
)

// importedLibrary is a real library in a temp dir holding testdata's chat
// (two sessions), imported but with nothing after the import yet.
func importedLibrary(t *testing.T) (*store.Store, *timeline.Service) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	tl, err := timeline.Open(ctx, st, filepath.Join(dir, "index"))
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		tl.Close()
		st.Close()
	})
	res, err := importer.New(st, importer.Options{Location: time.UTC, Agents: []string{"Maria Lopez"}}).
		ImportPaths(ctx, []string{filepath.Join("testdata", "WhatsApp Chat with Carol Test.txt")})
	if err != nil || len(res.Files) != 1 || res.Files[0].Err != nil || res.Files[0].Sessions != 2 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	return st, tl
}

func TestAfterImport(t *testing.T) {
	tests := []struct {
		name     string
		cancel   bool // the context ends before the pipeline runs
		wantStep Step // "" for success
	}{
		{name: "every step"},
		{name: "cancelled", cancel: true, wantStep: StepSummaries},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, tl := importedLibrary(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				cancel()
			}
			upgraded := 0
			var progress [][2]int
			err := AfterImport{Store: st, Timeline: tl,
				IndexProgress: func(done, total int) { progress = append(progress, [2]int{done, total}) },
				Upgrade:       func() { upgraded++ },
			}.Run(ctx)
			bg := context.Background()
			queued, qerr := st.SummaryJobCount(bg)
			pending, perr := tl.Pending(bg)
			if qerr != nil || perr != nil {
				t.Fatal(qerr, perr)
			}
			if tt.wantStep != "" {
				var se *StepError
				if !errors.As(err, &se) || se.Step != tt.wantStep || !errors.Is(err, context.Canceled) {
					t.Fatalf("error %v, want step %q failing with context.Canceled", err, tt.wantStep)
				}
				if upgraded != 0 || queued == 0 || pending == 0 {
					t.Fatalf("after a failed step: upgrade called %d times, %d summaries queued, %d sessions not indexed; want 0 and the rest left for later", upgraded, queued, pending)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if upgraded != 1 || queued != 0 || pending != 0 {
				t.Fatalf("upgrade called %d times, %d summaries queued, %d sessions not indexed; want 1, 0, 0", upgraded, queued, pending)
			}
			if len(progress) == 0 || progress[len(progress)-1][0] != progress[len(progress)-1][1] {
				t.Fatalf("index progress %v does not end done", progress)
			}
			// Built-in summaries, and the index finds their words.
			rows, err := st.ListSessions(bg, store.ListSessions{Limit: 10})
			if err != nil || len(rows) != 2 {
				t.Fatalf("sessions: %d, %v", len(rows), err)
			}
			for _, s := range rows {
				if s.Summary == "" || s.SummarySource != "builtin" {
					t.Errorf("session %d: summary %q from %q", s.ID, s.Summary, s.SummarySource)
				}
			}
			page, err := tl.List(bg, timeline.Filter{Text: "teapot"}, time.Now().UnixMilli(), 10, nil)
			if err != nil || page.Total != 1 {
				t.Fatalf("word search after the pipeline: %+v, %v", page, err)
			}
		})
	}
}
