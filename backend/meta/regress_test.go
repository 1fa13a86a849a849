package meta

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestDecodeJSONNulByte: a NUL byte anywhere in a thread file, inside the
// JSON or after it, is an error naming the file, the line and the byte
// offset. The decoder's peek reads a NUL as it reads the end of the data,
// so trailing garbage after a NUL used to be accepted (issue 10).
func TestDecodeJSONNulByte(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		line    int
		errText string
	}{
		{name: "NUL then junk after the object", in: "{\"messages\":[]}\x00junk", line: 1, errText: "NUL byte at offset 15 after top-level value"},
		{name: "lone trailing NUL", in: "{\"messages\":[]}\x00", line: 1, errText: "NUL byte at offset 15 after top-level value"},
		{name: "zero-filled tail", in: "{\"messages\":[]}\n" + strings.Repeat("\x00", 64), line: 2, errText: "NUL byte at offset 16 after top-level value"},
		{name: "NUL after trailing spaces and lines", in: "{\"messages\":[]}\n\n  \x00", line: 3, errText: "NUL byte at offset 19 after top-level value"},
		{name: "NUL after a BOM and the object, offset counting the BOM", in: "\ufeff{\"messages\":[]}\x00{}", line: 1, errText: "NUL byte at offset 18 after top-level value"},
		{name: "NUL before the object", in: "\x00{\"messages\":[]}", line: 1, errText: "NUL byte at offset 0 looking for beginning of object"},
		{name: "NUL between elements", in: "{\"messages\":[{},\n\x00{}]}", line: 2, errText: "NUL byte at offset 17 looking for beginning of value"},
		{name: "NUL after a key", in: "{\"messages\"\x00:[]}", line: 1, errText: "NUL byte at offset 11 after object key"},
		{name: "NUL inside a string", in: "{\"messages\":[{\"content\":\"a\x00b\"}]}", line: 1, errText: "NUL byte at offset 26 in string literal"},
		{name: "NUL inside a number", in: "{\"messages\":[{\"timestamp_ms\":12\x0034}]}", line: 1, errText: "NUL byte at offset 31 after object key:value pair"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readOne(t, tt.in)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want ErrCorrupt", err)
			}
			for _, want := range []string{"t/message_1.json", "line " + itoa(tt.line) + ":", tt.errText} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("err = %q, want it to contain %q", err, want)
				}
			}
		})
	}
}

// TestMessageFileNumber: only message_<ASCII digits> and the bare message
// name a thread file; "message_-0" used to pass through Atoi as 0.
func TestMessageFileNumber(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		isJSON bool
		ok     bool
	}{
		{"message_1.json", 1, true, true},
		{"message_12.HTML", 12, false, true},
		{"message.json", 0, true, true},
		{"message_007.htm", 7, false, true},
		{"message_-0.json", 0, false, false},
		{"message_-1.json", 0, false, false},
		{"message_+1.json", 0, false, false},
		{"message_1a.json", 0, false, false},
		{"message_.json", 0, false, false},
		{"message_1234567890.json", 0, false, false},
		{"Message_1.json", 0, false, false},
		{"message_1.txt", 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, isJSON, ok := messageFileNumber(tt.name)
			if n != tt.n || isJSON != tt.isJSON || ok != tt.ok {
				t.Errorf("messageFileNumber(%q) = %d, %v, %v; want %d, %v, %v", tt.name, n, isJSON, ok, tt.n, tt.isJSON, tt.ok)
			}
		})
	}
}

// TestDiscoverBackslashZip: a download re-zipped by PowerShell's
// Compress-Archive names its entries with backslashes. archive/zip files
// them under slash paths but reports the raw name to the walk, whose path
// then does not open; Discover used to ignore every such thread.
func TestDiscoverBackslashZip(t *testing.T) {
	tests := []struct {
		name    string
		files   [][2]string
		dirs    []string
		ignored int
	}{
		{
			name:    "thread folder",
			files:   [][2]string{{`your_instagram_activity\messages\inbox\ann_1\message_1.json`, igThread}, {`your_instagram_activity\messages\inbox\ann_1\photos\1.jpg`, "jpg"}},
			dirs:    []string{"your_instagram_activity/messages/inbox/ann_1"},
			ignored: 1,
		},
		{
			name:  "E2EE file",
			files: [][2]string{{`your_activity_across_facebook\messages\Ann_1.json`, `{"participants":["A","B"],"threadName":"A","messages":[{"senderName":"A","text":"hi","timestamp":1600000000000}]}`}},
			dirs:  []string{"your_activity_across_facebook/messages/Ann_1.json"},
		},
		{
			name:  "mixed separators",
			files: [][2]string{{`messages/inbox\bo_2\message_2.json`, fbThread}, {`messages\inbox/bo_2/message_1.json`, fbThread}},
			dirs:  []string{"messages/inbox/bo_2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zr := buildZip(t, tt.files)
			dl, err := Discover(context.Background(), zr)
			if err != nil {
				t.Fatal(err)
			}
			var dirs []string
			for _, ref := range dl.Threads {
				dirs = append(dirs, ref.Dir)
				c, err := ReadThread(context.Background(), zr, ref)
				if err != nil || len(c.Messages) == 0 {
					t.Errorf("thread %q: %d messages, %v", ref.Dir, len(c.Messages), err)
				}
			}
			if !slices.Equal(dirs, tt.dirs) || dl.Ignored != tt.ignored {
				t.Errorf("threads %q, %d ignored; want %q, %d", dirs, dl.Ignored, tt.dirs, tt.ignored)
			}
		})
	}
}
