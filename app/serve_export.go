package app

// serve's downloads: GET /api/export.csv and /api/export.jsonl stream the
// sessions of the timeline filter given in the query, with the names the
// page's URL uses (q, status, from, channel=a,b, field=key:value, …), so
// the page can hand the browser its own filter as a link. They pass the
// same Host, Origin and token checks as every /api route; the token may
// come as ?token=, as a link cannot send a header.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/sessions-app/sessions/backend/export"
	"github.com/sessions-app/sessions/backend/timeline"
)

// The download routes.
const (
	exportCSVPath   = "/api/export.csv"
	exportJSONLPath = "/api/export.jsonl"
)

func (serveShell) SaveFile(string, string) (string, error) {
	return "", errors.New("no save dialog in the browser: use the download")
}

// isDownload says whether a path is a download route, which takes the
// token from the query.
func isDownload(p string) bool { return p == exportCSVPath || p == exportJSONLPath }

// exportRoutes adds the download routes to mux.
func exportRoutes(mux *http.ServeMux, svc *ExportService) {
	mux.Handle("GET "+exportCSVPath, &exportDownload{svc: svc, format: export.CSV})
	mux.Handle("GET "+exportJSONLPath, &exportDownload{svc: svc, format: export.JSONL})
}

// exportDownload streams one format.
type exportDownload struct {
	svc    *ExportService
	format export.Format
}

func (h *exportDownload) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req, err := exportRequestOf(r.URL.Query(), h.format)
	if err == nil {
		_, err = h.svc.filter(req)
	}
	if err != nil {
		writeAPIError(w, http.StatusBadRequest, err.Error())
		return
	}
	ctx, done, err := h.svc.c.call()
	if err != nil {
		writeAPIError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	defer done()
	// The download stops when the browser goes away, or the server stops.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(r.Context(), cancel)()

	ctype := "text/csv; charset=utf-8"
	if h.format == export.JSONL {
		ctype = "application/x-ndjson; charset=utf-8"
	}
	hdr := w.Header()
	hdr.Set("Content-Type", ctype)
	hdr.Set("Content-Disposition", `attachment; filename="`+h.svc.fileName(h.format)+`"`)
	hdr.Set("Cache-Control", "no-store")
	cw := &startedWriter{w: w}
	n, err := h.svc.write(ctx, cw, req)
	if err == nil {
		return
	}
	if !cw.started {
		// Nothing sent yet: the page can still be told why.
		hdr.Del("Content-Disposition")
		writeAPIError(w, http.StatusInternalServerError, err.Error())
		return
	}
	// Half a file must not look like a whole one: the connection is cut,
	// so the browser marks the download failed.
	if ctx.Err() == nil {
		h.svc.c.log.Error("export download failed", "rows", n, "err", err)
	}
	panic(http.ErrAbortHandler)
}

// startedWriter notes whether anything was written.
type startedWriter struct {
	w       http.ResponseWriter
	started bool
}

func (s *startedWriter) Write(p []byte) (int, error) {
	s.started = true
	return s.w.Write(p)
}

// exportRequestOf reads a download's query: the timeline's URL params,
// and bom=0 to leave out the byte order mark a CSV download has by
// default (spreadsheet apps need it to read UTF-8).
func exportRequestOf(q url.Values, f export.Format) (exportRequest, error) {
	list := func(key string) []string {
		var out []string
		for _, v := range q[key] {
			for _, part := range strings.Split(v, ",") {
				if part = strings.TrimSpace(part); part != "" {
					out = append(out, part)
				}
			}
		}
		return out
	}
	req := exportRequest{format: f, bom: f == export.CSV, list: ListRequest{
		Q: q.Get("q"), Status: q.Get("status"), Summary: q.Get("summary"), Name: q.Get("name"), Email: q.Get("email"),
		Text: q.Get("text"), From: q.Get("from"), To: q.Get("to"), EndedFrom: q.Get("ended_from"), EndedTo: q.Get("ended_to"),
		Channels: list("channel"), Labels: list("label"), Sentiment: q.Get("sentiment"),
	}}
	for _, kv := range q["field"] {
		k, v, ok := strings.Cut(kv, ":")
		if !ok || strings.TrimSpace(k) == "" {
			return req, fmt.Errorf("%w: field %q: want key:value", timeline.ErrBadFilter, kv)
		}
		if req.list.Fields == nil {
			req.list.Fields = map[string]string{}
		}
		req.list.Fields[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	switch q.Get("bom") {
	case "":
	case "0", "false":
		req.bom = false
	case "1", "true":
		req.bom = f == export.CSV
	default:
		return req, fmt.Errorf("bom %q: want 0 or 1", q.Get("bom"))
	}
	return req, nil
}
