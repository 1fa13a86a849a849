package whatsapp

import (
	"context"

	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
	"github.com/sessions-app/sessions/backend/synth"
)

const benchMessages = 1_000_000

var (
	benchOnce  sync.Once
	benchDir   string
	benchFiles = map[string]string{}
	benchErr   error
)

// TestMain removes the benchmark's generated files.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchFile generates (once per process) the synthetic exports of
// benchMessages messages used by the benchmarks.
func benchFile(b *testing.B, name string) string {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "whatsapp-bench-")
		if benchErr != nil {
			return
		}
		for _, v := range []struct {
			name string
			opts synth.WhatsAppOptions
		}{
			{"android", synth.WhatsAppOptions{Messages: benchMessages, Seed: 1}},
			{"android-month-first", synth.WhatsAppOptions{Messages: benchMessages, Seed: 1, MonthFirst: true}},
			{"ios", synth.WhatsAppOptions{Messages: benchMessages, Seed: 1, IOS: true}},
		} {
			path := filepath.Join(benchDir, v.name+".txt")
			f, err := os.Create(path)
			if err != nil {
				benchErr = err
				return
			}
			if _, err := synth.WriteWhatsApp(f, v.opts); err != nil {
				benchErr = err
			}
			if err := f.Close(); err != nil && benchErr == nil {
				benchErr = err
			}
			benchFiles[v.name] = path
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchFiles[name]
}

// BenchmarkParse parses a 1,000,000-message synthetic export (both passes).
// Besides ns/op it reports msgs/s, MB/s, and the peak heap in use while
// parsing (sampled; a figure, not an assertion). "full-first-pass" disables
// the first pass's early stop (a day above 12 settles the order), as a
// month-first file always needs.
func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name, file    string
		fullFirstPass bool
	}{
		{"android", "android", false},
		{"android-full-first-pass", "android", true},
		{"android-month-first", "android-month-first", false},
		{"ios", "ios", false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			path := benchFile(b, bc.file)
			st, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.Size())
			b.ReportAllocs()
			runtime.GC()
			peak := sampleHeap()
			msgs := 0
			start := time.Now()
			for b.Loop() {
				info, err := Parse(context.Background(), fileOpener(path), Options{Location: time.UTC, FullFirstPass: bc.fullFirstPass}, func(m chat.Message) error {
					msgs++
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				if info.Messages != benchMessages {
					b.Fatalf("%d messages, want %d", info.Messages, benchMessages)
				}
			}
			elapsed := time.Since(start)
			b.ReportMetric(float64(msgs)/elapsed.Seconds(), "msgs/s")
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-sys-MB")
		})
	}
}

// sampleHeap samples the bytes of live and not-yet-swept heap objects every
// 5 ms until the returned function is called, which returns the maximum.
func sampleHeap() func() uint64 {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(samples)
			peak = max(peak, samples[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		return peak
	}
}

// BenchmarkClassify times the classification of message bodies alone: the
// table lookups every message goes through.
func BenchmarkClassify(b *testing.B) {
	bodies := [][]byte{
		[]byte("Hi, I ordered a pair of running shoes last week and they still haven't arrived"),
		[]byte("ok"),
		[]byte("Thanks, that's great"),
		[]byte("You're welcome, have a nice day!"),
		[]byte("Your order has shipped today, the tracking number is 1Z999AA10123456784."),
		[]byte("<Media omitted>"),
		[]byte("\u200eimage omitted"),
		[]byte("Привет, заказ уже отправлен?"),
		[]byte("\u200eYour security code with Elon changed. Tap to learn more."),
		[]byte("Still waiting for the tracking number…"),
	}
	c := newClassifier()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body := bodies[i%len(bodies)]
		c.classify(body, len(body), true)
	}
}
