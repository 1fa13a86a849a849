package meta

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	benchFiles       = 10
	benchPerFile     = 10_000
	benchMessages    = benchFiles * benchPerFile
	benchThreadDir   = "your_instagram_activity/messages/inbox/benchshop_17841400000000000"
	benchMojibakeOne = `Caf\u00c3\u00a9 Owner`                      // "Café Owner"
	benchMojibakeTwo = `J\u00c3\u00bcrgen \u00f0\u009f\u0098\u0080` // "Jürgen 😀"
)

// writeBenchThread writes a 100,000-message Instagram thread as 10 files of
// 10,000, newest first (message_1 holds the newest block), with mojibake
// names, some mojibake text, reactions and photos, as a real export has.
func writeBenchThread(tb testing.TB, root string) ThreadRef {
	tb.Helper()
	dir := filepath.Join(root, filepath.FromSlash(benchThreadDir))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	ref := ThreadRef{Dir: benchThreadDir, Key: "benchshop_17841400000000000", Format: FormatJSON, Channel: "instagram"}
	const start = int64(1_600_000_000_000)
	for f := 1; f <= benchFiles; f++ {
		name := fmt.Sprintf("message_%d.json", f)
		ref.Files = append(ref.Files, benchThreadDir+"/"+name)
		out, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			tb.Fatal(err)
		}
		w := bufio.NewWriter(out)
		fmt.Fprintf(w, "{\n  \"participants\": [\n    {\n      \"name\": \"%s\"\n    },\n    {\n      \"name\": \"%s\"\n    }\n  ],\n  \"messages\": [\n", benchMojibakeOne, benchMojibakeTwo)
		for i := 0; i < benchPerFile; i++ {
			// global index of the newest-first stream
			g := (f-1)*benchPerFile + i
			ts := start + int64(benchMessages-g)*37_000
			sender := benchMojibakeOne
			if g%3 == 0 {
				sender = benchMojibakeTwo
			}
			if i > 0 {
				w.WriteString(",\n")
			}
			fmt.Fprintf(w, "    {\n      \"sender_name\": \"%s\",\n      \"timestamp_ms\": %d,\n", sender, ts)
			switch {
			case g%50 == 0:
				fmt.Fprintf(w, "      \"photos\": [\n        {\n          \"uri\": \"%s/photos/%d.jpg\",\n          \"creation_timestamp\": %d\n        }\n      ],\n", benchThreadDir, g, ts/1000)
			case g%7 == 0:
				fmt.Fprintf(w, "      \"content\": \"Ol\\u00c3\\u00a1, the caf\\u00c3\\u00a9 opens at %d \\u00e2\\u0098\\u0095\",\n", g%24)
			default:
				fmt.Fprintf(w, "      \"content\": \"Hello, do you still have the blue one in size %d? Message number %d.\",\n", g%12, g)
			}
			if g%10 == 0 {
				fmt.Fprintf(w, "      \"reactions\": [\n        {\n          \"reaction\": \"\\u00e2\\u009d\\u00a4\",\n          \"actor\": \"%s\"\n        }\n      ],\n", benchMojibakeOne)
			}
			w.WriteString("      \"is_geoblocked_for_viewer\": false\n    }")
		}
		fmt.Fprintf(w, "\n  ],\n  \"title\": \"%s\",\n  \"is_still_participant\": true,\n  \"thread_path\": \"inbox/benchshop_17841400000000000\",\n  \"magic_words\": []\n}\n", benchMojibakeTwo)
		if err := w.Flush(); err != nil {
			tb.Fatal(err)
		}
		if err := out.Close(); err != nil {
			tb.Fatal(err)
		}
	}
	return ref
}

// BenchmarkReadThread100k reads a generated 100,000-message thread (10
// files of 10,000, newest first, mojibake names, indented like a real
// export) and reports msgs/s and MB/s.
func BenchmarkReadThread100k(b *testing.B) {
	root := b.TempDir()
	ref := writeBenchThread(b, root)
	fsys := os.DirFS(root)
	ctx := context.Background()
	var size int64
	for _, f := range ref.Files {
		st, err := fs.Stat(fsys, f)
		if err != nil {
			b.Fatal(err)
		}
		size += st.Size()
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		conv, err := ReadThread(ctx, fsys, ref)
		if err != nil {
			b.Fatal(err)
		}
		if len(conv.Messages) != benchMessages {
			b.Fatalf("%d messages, want %d", len(conv.Messages), benchMessages)
		}
	}
	b.ReportMetric(float64(benchMessages)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkReadThreadHTML10k reads a generated 10,000-message Instagram
// 2023+ HTML thread (the fallback format) and reports msgs/s.
func BenchmarkReadThreadHTML10k(b *testing.B) {
	const n = 10_000
	var sb strings.Builder
	sb.WriteString(`<html><head><title>Zoë</title></head><body><div class="_a706" role="main"><h2 class="_a6-h">Participants: Zoë and Bäckerei Müller</h2>`)
	start := time.Date(2023, 3, 6, 18, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		sender := "Zoë"
		if i%3 == 0 {
			sender = "Bäckerei Müller"
		}
		at := start.Add(-time.Duration(i) * time.Minute).Format("Jan 02, 2006 3:04 pm")
		fmt.Fprintf(&sb, `<div class="pam _3-95 _2ph- _a6-g uiBoxWhite noborder"><h2 class="_3-95 _2pim _a6-h _a6-i">%s</h2><div class="_3-95 _a6-p"><div><div></div><div>Hello, do you still have the blue one in size %d? &amp; more</div><div></div><div></div></div></div><div class="_3-94 _a6-o">%s</div></div>`, sender, i%12, at)
	}
	sb.WriteString(`</div></body></html>`)
	fsys := mapFS(map[string]string{"t/message_1.html": sb.String()})
	ref := ThreadRef{Dir: "t", Key: "t", Files: []string{"t/message_1.html"}, Format: FormatHTML}
	b.ReportAllocs()
	for b.Loop() {
		conv, err := ReadThread(context.Background(), fsys, ref)
		if err != nil || len(conv.Messages) != n {
			b.Fatalf("%d messages, %v", len(conv.Messages), err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
