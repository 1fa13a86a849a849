package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/sessions-app/sessions/backend/meta"
	"github.com/sessions-app/sessions/backend/webchat"
	"github.com/sessions-app/sessions/backend/whatsapp"
)

// ErrEmpty is returned for a file with nothing but white space in it.
var ErrEmpty = errors.New("the file is empty")

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

// Detect tells the format of a file from its content, not its name. It
// returns "" with a nil error for a readable file of no known format, and
// an error when the file cannot be read, is empty, or is a broken zip.
func Detect(path string) (string, error) {
	head, err := readHead(path, headSize)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return "", fmt.Errorf("import %s: %w", path, ErrEmpty)
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")) {
		zr, err := zip.OpenReader(path)
		if err != nil {
			return "", fmt.Errorf("import %s: broken zip archive: %w", path, err)
		}
		defer zr.Close()
		if _, _, err := whatsapp.ChatEntry(&zr.Reader); err == nil {
			return FormatWhatsAppZip, nil
		} else if !errors.Is(err, whatsapp.ErrNotWhatsApp) {
			return "", fmt.Errorf("import %s: %w", path, err)
		}
		if _, err := meta.Discover(context.Background(), &zr.Reader); err == nil {
			return FormatMetaZip, nil
		}
		return "", nil
	}
	if whatsapp.Sniff(head) {
		return FormatWhatsAppText, nil
	}
	if f, ok := webchat.Detect(head); ok {
		return string(f), nil
	}
	if meta.Sniff(head) {
		return FormatMetaFile, nil
	}
	return "", nil
}
