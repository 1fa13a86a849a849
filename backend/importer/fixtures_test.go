package importer

import (
	"context"
	"path/filepath"
	"testing"
)

// fixtures is where the shared real export samples live (never copied here).
const fixtures = "../../../shared/fixtures"

// TestImportSharedFixtures imports every WhatsApp sample of the shared
// fixtures; the entry counts are those SOURCES.md states (system lines
// included), here checked as rows of the real database.
func TestImportSharedFixtures(t *testing.T) {
	tests := []struct {
		file    string
		entries int
	}{
		{"WhatsR/inst/englishandroid24h.txt", 50},
		{"WhatsR/inst/englishandroidampm.txt", 50},
		{"WhatsR/inst/englishios24h.txt", 50},
		{"WhatsR/inst/englishiosampm.txt", 50},
		{"WhatsR/inst/germanandroid24h.txt", 50},
		{"WhatsR/inst/germanandroidampm.txt", 50},
		// SOURCES.md's reference splitter counts 48 here: it misses the two
		// lines with U+FEFF inside the "[" (lines 1 and 10). All 50 lines
		// are headers, as in the English iOS files.
		{"WhatsR/inst/germanios24h.txt", 50},
		{"WhatsR/inst/germaniosampm.txt", 50},
		{"chat-miner/test/whatsapp/test_[mmddyy]_24hrs.txt", 9},
		{"chat-miner/test/whatsapp/test_ddmmyy_24hrs.txt", 9},
		{"chat-miner/test/whatsapp/test_mmddyy_24hrs.txt", 9},
		{"chat-miner/test/whatsapp/test_mmddyyyy_12hrs.txt", 9},
		{"chat-miner/test/whatsapp/test_yyyymmdd_24hrs.txt", 9},
		{"synthetic-from-evidence/android_en_GB_12h_lowercase_nnbsp.txt", 5},
		{"synthetic-from-evidence/android_en_US_12h_nnbsp.txt", 11},
		{"synthetic-from-evidence/ios_en_GB_12h_nnbsp_brackets_crlf.txt", 6},
		{"synthetic-from-evidence/ios_legacy_2016_colon_separator.txt", 3},
		{"whatsapp-chat-parser/index-test-chatExample.txt", 5},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			st := newStore(t)
			path := filepath.Join(fixtures, tt.file)
			imp := newImporter(st, Options{})
			rep := imp.ImportFile(context.Background(), path)
			if rep.Err != nil {
				t.Fatalf("import %s: %v (is ../shared/fixtures beside the repository?)", path, rep.Err)
			}
			c := counts(t, st)
			if c.Messages != tt.entries {
				t.Fatalf("%d messages stored, want %d entries", c.Messages, tt.entries)
			}
			if c.Sessions == 0 || c.Conversations != 1 || c.Contacts != 1 {
				t.Fatalf("counts = %+v", c)
			}
			// Importing the same file again changes nothing.
			rep2 := imp.ImportFile(context.Background(), path)
			if rep2.Err != nil || rep2.Duplicates != rep.Messages || rep2.Sessions != 0 {
				t.Fatalf("re-import report = %+v (first: %+v)", rep2, rep)
			}
			if c2 := counts(t, st); c2 != c {
				t.Fatalf("re-import changed counts %+v -> %+v", c, c2)
			}
		})
	}
}
