package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sessions-app/sessions/backend/export"
	"github.com/sessions-app/sessions/backend/timeline"
)

// ExportResult is what an export from the window did.
type ExportResult struct {
	// Path is the file written; empty when the user cancelled the dialog.
	Path string `json:"path"`
	// Rows is the number of sessions written.
	Rows int `json:"rows"`
	// Cancelled is true when the user closed the save dialog.
	Cancelled bool `json:"cancelled"`
}

// ExportService writes the sessions of a timeline filter as a file: in
// the window through a save dialog; serve streams the same rows as a
// download (serve_export.go) and the CLI to a file or stdout.
type ExportService struct{ c *core }

// exportRequest is one export: the timeline filter and how to write it.
type exportRequest struct {
	list   ListRequest
	format export.Format
	bom    bool
}

// ExportCSV asks where to save and writes there the sessions of the
// filter (its paging is ignored: all of them) as CSV with a byte order
// mark, which spreadsheet apps need to read UTF-8.
func (s *ExportService) ExportCSV(req ListRequest) (*ExportResult, error) {
	ctx, done, err := s.c.call()
	if err != nil {
		return nil, err
	}
	defer done()
	sh, err := s.c.dialogs()
	if err != nil {
		return nil, err
	}
	path, err := sh.SaveFile("Export sessions as CSV", s.fileName(export.CSV))
	if err != nil {
		return nil, fmt.Errorf("choose where to save the export: %w", err)
	}
	if path == "" {
		return &ExportResult{Cancelled: true}, nil
	}
	n, err := s.toFile(ctx, path, exportRequest{list: req, format: export.CSV, bom: true})
	if err != nil {
		return nil, err
	}
	return &ExportResult{Path: path, Rows: n}, nil
}

// fileName is an export's suggested name: the library's and today's.
func (s *ExportService) fileName(f export.Format) string {
	return "sessions-" + s.c.now().In(s.c.loc).Format("2006-01-02") + "." + string(f)
}

// filter checks an export's filter before anything is written, so a bad
// one is a refusal rather than an empty file.
func (s *ExportService) filter(req exportRequest) (timeline.Filter, error) {
	return s.c.filter(req.list)
}

// write streams the export to w and returns the rows written.
func (s *ExportService) write(ctx context.Context, w io.Writer, req exportRequest) (int, error) {
	f, err := s.filter(req)
	if err != nil {
		return 0, err
	}
	return export.New(s.c.st, s.c.tl).Write(ctx, w, f, export.Options{
		Format: req.format, BOM: req.bom, Location: s.c.loc, Now: s.c.now().UnixMilli(),
	})
}

// toFile writes the export beside path and moves it there once whole, so
// a failed or cancelled export never leaves a cut-off file under the name
// the user chose (nor replaces the one that was there). It stays
// owner-only (CreateTemp's mode), as the library is: it holds customer
// conversations.
func (s *ExportService) toFile(ctx context.Context, path string, req exportRequest) (int, error) {
	if _, err := s.filter(req); err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return 0, fmt.Errorf("write export %s: %w", path, err)
	}
	n, err := s.write(ctx, tmp, req)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write export %s: %w", path, cerr)
	}
	if err == nil {
		if rerr := os.Rename(tmp.Name(), path); rerr != nil {
			err = fmt.Errorf("write export %s: %w", path, rerr)
		}
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return 0, err
	}
	return n, nil
}
