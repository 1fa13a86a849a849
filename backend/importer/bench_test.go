package importer

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/store"
	"github.com/sessions-app/sessions/backend/synth"
)

const benchMessages = 1_000_000

var (
	benchOnce sync.Once
	benchFile string
	benchErr  error
)

// bigExport writes a synthetic 1,000,000-message export once per process.
func bigExport(b *testing.B) string {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sessions-bench")
		if err != nil {
			benchErr = err
			return
		}
		benchFile = filepath.Join(dir, "WhatsApp Chat with Synthetic Customer.txt")
		f, err := os.Create(benchFile)
		if err != nil {
			benchErr = err
			return
		}
		w := bufio.NewWriterSize(f, 1<<20)
		_, benchErr = synth.WriteWhatsApp(w, synth.WhatsAppOptions{Messages: benchMessages, Seed: 1,
			Start: time.Date(2015, 1, 1, 8, 0, 0, 0, time.UTC), Customer: "Synthetic Customer"})
		if benchErr == nil {
			benchErr = w.Flush()
		}
		f.Close()
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchFile
}

// resetPeakRSS makes the kernel restart the process's peak-memory count
// (VmHWM), so the figure read after an import is the import's own.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSSMB is the process's peak resident memory since the last reset.
func peakRSSMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkImportWhatsApp is the whole import of a 1,000,000-message export:
// parse, store, split into sessions, in one transaction.
func BenchmarkImportWhatsApp(b *testing.B) {
	path := bigExport(b)
	info, _ := os.Stat(path)
	b.SetBytes(info.Size())
	var peak float64
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := store.Open(context.Background(), b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		resetPeakRSS()
		c0 := cpuTime()
		b.StartTimer()
		rep := New(st, Options{Location: time.UTC}).ImportFile(context.Background(), path)
		b.StopTimer()
		cpu += cpuTime() - c0
		if rep.Err != nil {
			b.Fatal(rep.Err)
		}
		peak = max(peak, peakRSSMB())
		st.Close()
	}
	b.ReportMetric(float64(benchMessages)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(peak, "peakRSS-MB")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkRawInsert is the limit the import is measured against: the same
// number of message rows inserted with one prepared statement in one
// transaction, into the same table with the same indexes, nothing else.
func BenchmarkRawInsert(b *testing.B) {
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		st, err := store.Open(context.Background(), dir)
		if err != nil {
			b.Fatal(err)
		}
		st.Close()
		db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, store.FileName)+"?_journal_mode=WAL&_synchronous=NORMAL&_foreign_keys=on")
		if err != nil {
			b.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		if _, err := db.Exec(`INSERT INTO conversations(id, channel, external_key, title, created_at, updated_at) VALUES (1, 'whatsapp', 'k', 't', 0, 0)`); err != nil {
			b.Fatal(err)
		}
		body := strings.Repeat("lorem ipsum ", 6)
		c0 := cpuTime()
		b.StartTimer()
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		stmt, err := tx.Prepare(`INSERT INTO messages(conversation_id, at, author, role, kind, body, attachments, edited, source_line, hash, import_id)
			VALUES (1, ?, ?, ?, 'text', ?, NULL, 0, ?, ?, NULL)`)
		if err != nil {
			b.Fatal(err)
		}
		for n := 0; n < benchMessages; n++ {
			if _, err := stmt.Exec(int64(n)*60_000, "Synthetic Customer", "customer", body, n+1, int64(n)*2654435761); err != nil {
				b.Fatal(err)
			}
		}
		stmt.Close()
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += cpuTime() - c0
		db.Close()
	}
	b.ReportMetric(float64(benchMessages)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// metaThread writes a 100,000-message Facebook thread the way a download
// holds it: ten message_N.json files of 10,000, newest first, names and
// text mojibaked.
func metaThread(b *testing.B, n int) string {
	b.Helper()
	root := b.TempDir()
	dir := filepath.Join(root, "your_facebook_activity", "messages", "inbox", "josemuller_1234")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	const perFile = 10_000
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for file := 0; file*perFile < n; file++ {
		var sb strings.Builder
		sb.WriteString(`{"participants":[{"name":"Jos\u00c3\u00a9 M\u00c3\u00bcller"},{"name":"Teapot Shop"}],"title":"Jos\u00c3\u00a9 M\u00c3\u00bcller","thread_type":"Regular","thread_path":"inbox/josemuller_1234","messages":[`)
		// message_1 holds the newest block.
		hi := n - file*perFile
		for i := hi - 1; i >= max(0, hi-perFile); i-- {
			if i != hi-1 {
				sb.WriteByte(',')
			}
			sender := "Teapot Shop"
			if i%2 == 0 {
				sender = "Jos\\u00c3\\u00a9 M\\u00c3\\u00bcller"
			}
			// Sessions of ~20 messages, a day apart.
			at := start + int64(i/20)*86_400_000 + int64(i%20)*60_000
			fmt.Fprintf(&sb, `{"sender_name":"%s","timestamp_ms":%d,"content":"Message %d about the caf\u00c3\u00a9 set and its delivery","type":"Generic"}`, sender, at, i)
		}
		sb.WriteString(`]}`)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("message_%d.json", file+1)), []byte(sb.String()), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	return root
}

// BenchmarkImportMeta is the whole import of one 100,000-message Meta
// thread (a download folder): read, repair, store, split.
func BenchmarkImportMeta(b *testing.B) {
	const n = 100_000
	root := metaThread(b, n)
	var peak float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := store.Open(context.Background(), b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		resetPeakRSS()
		b.StartTimer()
		res, err := New(st, Options{Location: time.UTC}).ImportPaths(context.Background(), []string{root})
		b.StopTimer()
		if err != nil || len(res.Files) != 1 || res.Files[0].Err != nil || res.Files[0].Messages != n {
			b.Fatalf("import: %+v %v", res, err)
		}
		peak = max(peak, peakRSSMB())
		st.Close()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(peak, "peakRSS-MB")
}
