package resplit

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/importer"
	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/synth"
)

// benchLibrary is one synthetic WhatsApp chat of n messages, imported.
func benchLibrary(b *testing.B, n int) (*store.Store, int) {
	b.Helper()
	ctx := context.Background()
	dir := b.TempDir()
	path := filepath.Join(dir, "WhatsApp Chat with Customer.txt")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := synth.WriteWhatsApp(f, synth.WhatsAppOptions{Messages: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	st, err := store.Open(ctx, filepath.Join(dir, "lib"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	rep := importer.New(st, importer.Options{Location: time.UTC}).ImportFile(ctx, path)
	if rep.Err != nil {
		b.Fatal(rep.Err)
	}
	return st, rep.Sessions
}

// BenchmarkPreview is the settings page's "N sessions would change" over a
// 200,000-message thread: it reads every message once.
func BenchmarkPreview(b *testing.B) {
	st, sessions := benchLibrary(b, 200_000)
	for b.Loop() {
		if _, err := Preview(context.Background(), st, 6*time.Hour); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(sessions), "sessions")
}

// BenchmarkApply re-splits the same thread back and forth between two
// gaps, in one transaction each.
func BenchmarkApply(b *testing.B) {
	st, _ := benchLibrary(b, 200_000)
	gaps := []time.Duration{6 * time.Hour, 24 * time.Hour}
	i := 0
	for b.Loop() {
		if _, err := Apply(context.Background(), st, gaps[i%2], int64(i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
