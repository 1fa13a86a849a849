package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/sessions-app/sessions/backend/store"
)

// Inbox connects an importer to a watched folder (package watch): a file
// is imported once per content, and a file that failed is not retried
// until its content changes.
type Inbox struct {
	im       *Importer
	onReport func(FileReport)
}

// Inbox returns the watched-folder side of the importer; onReport hears
// about every file it imports (or fails to).
func (im *Importer) Inbox(onReport func(FileReport)) *Inbox {
	return &Inbox{im: im, onReport: onReport}
}

// Seen reports whether the file's content is in the import history.
func (in *Inbox) Seen(ctx context.Context, path string) (bool, error) {
	hash, err := FileHash(path)
	if err != nil {
		return false, err
	}
	return in.im.st.ImportedHash(ctx, hash)
}

// Import imports the file, unless it is no export at all: a photo or a
// note in the inbox is left alone without filling the history.
func (in *Inbox) Import(ctx context.Context, path string) {
	if inDataDir(path) {
		return
	}
	// Detected once: what it found is what is imported.
	found, err := Detect(ctx, path)
	//lint:ignore SA5001 Detect hands back a Found to close with its error too
	defer found.Close()
	if !worthImporting(found, err) {
		return
	}
	rep := in.im.importFound(ctx, found, err)
	if in.onReport != nil {
		in.onReport(rep)
	}
}

// MaybeExport reports whether a file in a watched folder is worth an
// import attempt: a known format, or one that cannot even be read (a
// broken zip deserves a report). Photos, notes, empty files and the files
// of a Sessions data folder (a library kept in the watched folder) are not.
func MaybeExport(ctx context.Context, path string) bool {
	if inDataDir(path) {
		return false
	}
	found, err := Detect(ctx, path)
	//lint:ignore SA5001 Detect hands back a Found to close with its error too
	defer found.Close()
	return worthImporting(found, err)
}

// worthImporting is MaybeExport's rule on what Detect returned.
func worthImporting(found *Found, err error) bool {
	if errors.Is(err, ErrEmpty) {
		return false
	}
	return err != nil || found.Format != ""
}

// inDataDir reports whether path is inside a Sessions data folder: a
// folder holding sessions.db, found among the file's nearest parents.
func inDataDir(path string) bool {
	dir := filepath.Dir(path)
	for i := 0; i < 6; i++ {
		if _, err := os.Stat(filepath.Join(dir, store.FileName)); err == nil {
			return true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return filepath.Base(path) == store.FileName || strings.HasPrefix(filepath.Base(path), store.FileName+"-")
}
