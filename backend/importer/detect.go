package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/sessions-app/sessions/backend/meta"
	"github.com/sessions-app/sessions/backend/webchat"
	"github.com/sessions-app/sessions/backend/whatsapp"
)

// ErrEmpty is returned for a file with nothing but white space in it.
var ErrEmpty = errors.New("the file is empty")

// ErrZipBomb is returned for a zip whose entries would inflate far past
// what a chat export can hold.
var ErrZipBomb = errors.New("refused: the zip would inflate far beyond any chat export")

// Formats a file can be detected as (web-chat files are detected as the
// webchat package's formats).
const (
	FormatWhatsAppText = "whatsapp-txt"
	FormatWhatsAppZip  = "whatsapp-zip"
	FormatMetaZip      = "meta-zip"    // a whole Meta download, zipped
	FormatMetaFolder   = "meta-folder" // a whole Meta download, unpacked
	FormatMetaFile     = "meta-thread" // one Meta thread file
)

// headSize is how much of a file detection reads: enough for a few dozen
// WhatsApp lines, however long their names.
const headSize = 16 << 10

// Zip bounds. Chat text, JSON and HTML compress 3 to 30 times; media do
// not compress. A zip bomb (one header, then a gigabyte of short lines)
// compresses a thousand times: refuse an entry that inflates more than
// maxZipRatio times once it is past zipRatioFloor, and any entry over
// maxZipEntry, from the zip's directory, before reading a byte of it.
const (
	maxZipRatio   = 200
	zipRatioFloor = 64 << 20
	maxZipEntry   = 4 << 30
)

// Found is what Detect found in a file: its format, and what the importer
// needs to read it without opening and searching it again. Close releases
// it.
type Found struct {
	Path   string
	Format string // "" for a readable file of no known format

	zip  *zip.ReadCloser // WhatsApp or Meta zip: open
	chat *zip.File       // the WhatsApp zip's chat file
	fsys fs.FS           // Meta zip or thread file: what dl was found in
	dl   meta.Download   // Meta zip or thread file: the threads
}

// Close releases what Detect opened.
func (f *Found) Close() error {
	if f == nil || f.zip == nil {
		return nil
	}
	err := f.zip.Close()
	f.zip = nil
	return err
}

// Detect tells the format of a file from its content, not its name, and
// hands back what it found. Its Format is "" with a nil error for a
// readable file of no known format; the error is set when the file cannot
// be read, is empty, is a broken zip or a zip bomb.
func Detect(ctx context.Context, path string) (*Found, error) {
	found := &Found{Path: path}
	head, err := readHead(path, headSize)
	if err != nil {
		return found, fmt.Errorf("read %s: %w", path, err)
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return found, fmt.Errorf("import %s: %w", path, ErrEmpty)
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")) {
		if err := found.detectZip(ctx); err != nil {
			found.Close()
			return &Found{Path: path}, err
		}
		return found, nil
	}
	switch {
	case whatsapp.Sniff(head):
		found.Format = FormatWhatsAppText
	case webchatFormat(head) != "":
		found.Format = webchatFormat(head)
	case meta.Sniff(head):
		// One thread file: its thread is in its own folder, never beyond
		// (one message_1.json in ~/Downloads must not walk ~/Downloads).
		found.fsys = flatDir{os.DirFS(filepath.Dir(path))}
		dl, err := meta.Discover(ctx, found.fsys)
		if err != nil || !holds(dl, filepath.Base(path)) {
			return found, nil // looks like Meta JSON but is no thread
		}
		found.Format, found.dl = FormatMetaFile, dl
	}
	return found, nil
}

func webchatFormat(head []byte) string {
	if f, ok := webchat.Detect(head); ok {
		return string(f)
	}
	return ""
}

// holds reports whether the download has a thread with a file named base.
func holds(dl meta.Download, base string) bool {
	for _, t := range dl.Threads {
		for _, f := range t.Files {
			if path.Base(f) == base {
				return true
			}
		}
	}
	return false
}

// detectZip opens the zip and tells a WhatsApp export (its chat file reads
// as a chat) from a Meta download (threads found in it).
func (f *Found) detectZip(ctx context.Context) error {
	zr, err := zip.OpenReader(f.Path)
	if err != nil {
		return fmt.Errorf("import %s: broken zip archive: %w", f.Path, err)
	}
	f.zip = zr
	if err := checkZipBounds(&zr.Reader); err != nil {
		return fmt.Errorf("import %s: %w", f.Path, err)
	}
	if entry, _, err := whatsapp.ChatEntry(&zr.Reader); err == nil {
		// A zip is WhatsApp's only if its chat file reads as a chat: a Meta
		// download with a README.txt in it is still a Meta download.
		head, err := readEntryHead(entry, headSize)
		if err != nil {
			return fmt.Errorf("import %s: read %s in the zip: %w", f.Path, entry.Name, err)
		}
		if whatsapp.Sniff(head) {
			f.Format, f.chat = FormatWhatsAppZip, entry
			return nil
		}
	} else if !errors.Is(err, whatsapp.ErrNotWhatsApp) {
		return fmt.Errorf("import %s: %w", f.Path, err)
	}
	if dl, err := meta.Discover(ctx, &zr.Reader); err == nil && len(dl.Threads) > 0 {
		f.Format, f.fsys, f.dl = FormatMetaZip, &zr.Reader, dl
	}
	return nil
}

// checkZipBounds refuses a zip bomb from the zip's own directory.
func checkZipBounds(zr *zip.Reader) error {
	for _, e := range zr.File {
		size, packed := e.UncompressedSize64, e.CompressedSize64
		switch {
		case size > maxZipEntry:
			return fmt.Errorf("%w: %s would be %d GiB", ErrZipBomb, e.Name, size>>30)
		case size > zipRatioFloor && size > packed*maxZipRatio:
			return fmt.Errorf("%w: %s would inflate %d times, from %d KiB to %d MiB", ErrZipBomb, e.Name,
				size/max(packed, 1), packed>>10, size>>20)
		}
	}
	return nil
}

// readEntryHead returns up to n bytes from the start of a zip entry.
func readEntryHead(e *zip.File, n int) ([]byte, error) {
	rc, err := e.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	buf := make([]byte, n)
	k, err := io.ReadFull(rc, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:k], nil
}

// flatDir is a folder without its subfolders: what a single thread file's
// thread can be made of.
type flatDir struct{ fsys fs.FS }

func (d flatDir) Open(name string) (fs.File, error) {
	if name != "." && strings.Contains(name, "/") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return d.fsys.Open(name)
}

func (d flatDir) ReadDir(name string) ([]fs.DirEntry, error) {
	if name != "." {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	all, err := fs.ReadDir(d.fsys, ".")
	out := all[:0]
	for _, e := range all {
		if !e.IsDir() {
			out = append(out, e)
		}
	}
	return out, err
}
