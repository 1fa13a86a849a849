package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/sessions-app/sessions/backend/export"
	"github.com/sessions-app/sessions/backend/timeline"
)

// listFilterFlags adds the list command's filter flags to fset; the
// returned func reads them, once parsed, as a ListRequest (no paging).
func listFilterFlags(fset *flag.FlagSet) func() (ListRequest, error) {
	var req ListRequest
	fset.StringVar(&req.Status, "status", "all", "status")
	fset.StringVar(&req.Q, "q", "", "search box")
	fset.StringVar(&req.Summary, "summary", "", "summary contains")
	fset.StringVar(&req.Name, "name", "", "contact name")
	fset.StringVar(&req.Email, "email", "", "contact email")
	fset.StringVar(&req.Text, "text", "", "message text contains")
	fset.StringVar(&req.From, "from", "", "start date from")
	fset.StringVar(&req.To, "to", "", "start date to")
	fset.StringVar(&req.EndedFrom, "ended-from", "", "end date from")
	fset.StringVar(&req.EndedTo, "ended-to", "", "end date to")
	fset.StringVar(&req.Sentiment, "sentiment", "", "sentiment")
	var channels, labels, fields stringList
	fset.Var(&channels, "channel", "channels")
	fset.Var(&labels, "label", "labels")
	fset.Var(&fields, "field", "KEY=VALUE")
	return func() (ListRequest, error) {
		r := req
		r.Channels, r.Labels = splitList(channels), splitList(labels)
		for _, kv := range fields {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || strings.TrimSpace(k) == "" {
				return r, usageError{fmt.Errorf("--field %q: want KEY=VALUE", kv)}
			}
			if r.Fields == nil {
				r.Fields = map[string]string{}
			}
			r.Fields[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
		switch r.Status {
		case "all", "active", "completed":
		default:
			return r, usageError{fmt.Errorf("--status %q: want all, active or completed", r.Status)}
		}
		return r, nil
	}
}

// runExport is `sessions export [list filters] [--format csv|jsonl] [--out
// FILE] [--bom]`: every session of the filter, one row each, to FILE or
// (no --out, or -) stdout.
func runExport(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("export", &cfg)
	filters := listFilterFlags(fset)
	format := fset.String("format", "csv", "csv or jsonl")
	out := fset.String("out", "", "file")
	withBOM := fset.Bool("bom", false, "byte order mark")
	if err := parseNoArgs(fset, args); err != nil {
		return err
	}
	req, err := filters()
	if err != nil {
		return err
	}
	f, err := export.ParseFormat(*format)
	if err != nil {
		return usageError{fmt.Errorf("--format: %w", err)}
	}
	if *withBOM && f != export.CSV {
		return usageError{errors.New("--bom is for CSV only: JSON Lines never has one")}
	}
	// Without words the index is not opened: its pages would be most of
	// the memory of an export of a million rows.
	cfg.lazyIndex = !timelineFilterHasWords(req)
	b, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	svc := b.services(ctx)
	defer svc.Stop()
	ereq := exportRequest{list: req, format: f, bom: *withBOM}
	if _, err := svc.Export.filter(ereq); err != nil {
		if errors.Is(err, timeline.ErrBadFilter) {
			return usageError{err}
		}
		return err
	}
	if timelineFilterHasWords(req) {
		if err := b.syncIndex(ctx, stderr); err != nil {
			if ctx.Err() != nil {
				return err
			}
			fmt.Fprintf(stderr, "sessions: %v; the export may miss the latest changes\n", err)
		}
	}
	var n int
	if *out == "" || *out == "-" {
		n, err = svc.Export.write(ctx, stdout, ereq)
	} else {
		n, err = svc.Export.toFile(ctx, *out, ereq)
	}
	if err != nil {
		return err
	}
	if *out != "" && *out != "-" {
		fmt.Fprintf(stderr, "%s written to %s\n", plural(n, "session"), *out)
	}
	return nil
}

// timelineFilterHasWords says whether req needs the search index.
func timelineFilterHasWords(req ListRequest) bool {
	return strings.TrimSpace(req.Q+req.Summary+req.Name+req.Email+req.Text) != ""
}

// absOut makes export's --out absolute: a command forwarded to the open
// app runs in the app's working directory, not the terminal's.
func absOut(args []string) []string {
	out := append([]string(nil), args...)
	for i := 0; i < len(out); i++ {
		a := out[i]
		switch {
		case a == "--out" || a == "-out":
			if i+1 >= len(out) {
				return out
			}
			i++
			out[i] = absPath(out[i])
		case strings.HasPrefix(a, "--out=") || strings.HasPrefix(a, "-out="):
			name, val, _ := strings.Cut(a, "=")
			out[i] = name + "=" + absPath(val)
		}
	}
	return out
}

func absPath(p string) string {
	if p == "" || p == "-" || filepath.IsAbs(p) {
		return p
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}
