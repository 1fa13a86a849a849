package sample

import (
	"context"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/store"
)

// BenchmarkLoadRemove is "Try with sample data" and its Remove, each one
// transaction (the summaries and index that follow in the app are not here).
func BenchmarkLoadRemove(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	for b.Loop() {
		if _, err := Load(ctx, st, Options{Now: func() time.Time { return clock }}); err != nil {
			b.Fatal(err)
		}
		if _, err := Remove(ctx, st); err != nil {
			b.Fatal(err)
		}
	}
}
