package app

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// resetPeakRSS makes the kernel restart the process's peak-memory count
// (VmHWM), so the figure read after a command is the command's own.
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

// BenchmarkImportLongSession runs `sessions import` (parse, store, the
// built-in summaries, the search index) on a group chat that never pauses:
// 1,200,000 messages a few seconds apart, one session. It reports the peak
// RSS of the whole command.
func BenchmarkImportLongSession(b *testing.B) {
	path := filepath.Join(b.TempDir(), "WhatsApp Chat with Busy Group.txt")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	at := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	const n = 1_200_000
	for i := 0; i < n; i++ {
		who := "Busy Group"
		if i%4 == 1 {
			who = "Shop"
		}
		at = at.Add(20 * time.Second)
		fmt.Fprintf(w, "%s - %s: message %d, about the order and the delivery of tomorrow\n", at.Format("02/01/2006, 15:04"), who, i)
	}
	w.Flush()
	f.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		data := b.TempDir()
		resetPeakRSS()
		start := time.Now()
		var out, errOut strings.Builder
		if code := Main(context.Background(), []string{"--data", data, "import", "--tz", "UTC", path}, &out, &errOut, nil); code != 0 {
			b.Fatalf("exit %d: %s %s", code, out.String(), errOut.String())
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "msgs/s")
		b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
	}
}

// BenchmarkImportZipBomb runs `sessions import` on a zip holding one
// WhatsApp header and then a gigabyte of short lines (about a thousandfold
// compression). It must be refused in seconds at flat memory; the time and
// peak RSS of the refusal are reported.
func BenchmarkImportZipBomb(b *testing.B) {
	path := filepath.Join(b.TempDir(), "WhatsApp Chat - Bomb.zip")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	zw := zip.NewWriter(f)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	ew, err := zw.Create("_chat.txt")
	if err != nil {
		b.Fatal(err)
	}
	io.WriteString(ew, "14/03/2024, 09:02 - Bomb: x\n")
	line := []byte(strings.Repeat("x\n", 32<<10))
	for written := 0; written < 1<<30; written += len(line) {
		ew.Write(line)
	}
	zw.Close()
	f.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		data := b.TempDir()
		resetPeakRSS()
		start := time.Now()
		var out, errOut strings.Builder
		code := Main(context.Background(), []string{"--data", data, "import", path}, &out, &errOut, nil)
		if code != 1 || !strings.Contains(errOut.String(), "refused") {
			b.Fatalf("exit %d, stderr %s: want the zip refused", code, errOut.String())
		}
		b.ReportMetric(time.Since(start).Seconds(), "s-to-refuse")
		b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
	}
}
