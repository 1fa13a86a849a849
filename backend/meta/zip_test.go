package meta

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sessions-app/sessions/backend/chat"
)

// buildZip writes files into an in-memory zip, in the given order.
func buildZip(t *testing.T, files [][2]string) *zip.Reader {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(f[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

// TestZipDownload reads a whole Instagram DYI zip through *zip.Reader as
// fs.FS, never unpacked: several threads (one split in two files, newest
// first, mojibake), photos, unrelated parts of the download, then guesses
// the owner.
func TestZipDownload(t *testing.T) {
	own, err := os.ReadFile(filepath.Join("testdata", "instagram", "your_instagram_activity", "messages", "inbox", "zoecafe_17841400000000001", "message_1.json"))
	if err != nil {
		t.Fatal(err)
	}
	const owner = "Bäckerei Müller"
	const inbox = "your_instagram_activity/messages/inbox/"
	files := [][2]string{
		{"start_here.html", "<html><body>Your information</body></html>"},
		{"personal_information/personal_information/personal_information.json", `{"profile_user":[{"string_map_data":{"Name":{"value":"B\u00c3\u00a4ckerei M\u00c3\u00bcller"}}}]}`},
		{"your_instagram_activity/likes/liked_posts.json", `{"likes_media_likes":[]}`},
		{"your_instagram_activity/messages/secret_conversations.json", `{"ig_secret_conversations":{"armadillo_devices":[]}}`},
		{inbox + "zoecafe_17841400000000001/message_1.json", string(own)},
		{inbox + "zoecafe_17841400000000001/photos/1234567890123456.jpg", "\xff\xd8\xff\xe0 not really a jpeg"},
		// a thread in two files; message_1 holds the newest block
		{inbox + "tom_17841400000000005/message_2.json", `{"participants":[{"name":"Tom"},{"name":"` + moji(owner) + `"}],"messages":[` +
			`{"sender_name":"` + moji(owner) + `","timestamp_ms":1700000060000,"content":"Hi Tom, yes we do"},` +
			`{"sender_name":"Tom","timestamp_ms":1700000000000,"content":"Do you bake gluten-free?"}],"title":"Tom"}`},
		{inbox + "tom_17841400000000005/message_1.json", `{"participants":[{"name":"Tom"},{"name":"` + moji(owner) + `"}],"messages":[` +
			`{"sender_name":"Tom","timestamp_ms":1700000180000,"content":"Great, see you \u00f0\u009f\u0098\u008a"},` +
			`{"sender_name":"` + moji(owner) + `","timestamp_ms":1700000120000,"content":"Every Friday","photos":[{"uri":"` + inbox + `tom_17841400000000005/photos/42.jpg"}]}],"title":"Tom"}`},
		{inbox + "tom_17841400000000005/photos/42.jpg", "jpeg"},
		{"your_instagram_activity/messages/message_requests/spam_17841400000000007/message_1.json", `{"participants":[{"name":"Win Big"},{"name":"` + moji(owner) + `"}],"messages":[{"sender_name":"Win Big","timestamp_ms":1700000300000,"content":"You won!"}],"title":"Win Big"}`},
		{"media/other/123.jpg", "jpeg"},
	}
	zr := buildZip(t, files)
	ctx := context.Background()
	dl, err := Discover(ctx, zr)
	if err != nil {
		t.Fatal(err)
	}
	wantDirs := []string{
		"your_instagram_activity/messages/inbox/tom_17841400000000005",
		"your_instagram_activity/messages/inbox/zoecafe_17841400000000001",
		"your_instagram_activity/messages/message_requests/spam_17841400000000007",
	}
	var dirs []string
	for _, r := range dl.Threads {
		dirs = append(dirs, r.Dir)
		if r.Channel != chat.Instagram || r.Format != FormatJSON {
			t.Errorf("thread %+v", r)
		}
	}
	if !slices.Equal(dirs, wantDirs) {
		t.Errorf("threads %q, want %q", dirs, wantDirs)
	}
	if dl.Ignored != 7 { // 4 other parts of the download + 3 photos
		t.Errorf("Ignored = %d, want 7", dl.Ignored)
	}
	if got := dl.Threads[0].Files; !slices.Equal(got, []string{inbox + "tom_17841400000000005/message_1.json", inbox + "tom_17841400000000005/message_2.json"}) {
		t.Errorf("Files = %q", got)
	}

	tom, err := ReadThread(ctx, zr, dl.Threads[0])
	if err != nil {
		t.Fatal(err)
	}
	checkConversation(t, tom)
	wantBodies := []string{"Do you bake gluten-free?", "Hi Tom, yes we do", "Every Friday", "Great, see you 😊"}
	if got := bodies(tom.Messages); !slices.Equal(got, wantBodies) {
		t.Errorf("bodies = %q, want %q", got, wantBodies)
	}
	if tom.Messages[1].Author != owner || !slices.Equal(tom.Messages[2].Attachments, []string{"42.jpg"}) {
		t.Errorf("messages = %+v", tom.Messages)
	}
	if !slices.Equal(tom.Participants, []string{"Tom", owner}) || tom.Title != "Tom" || tom.Key != "tom_17841400000000005" {
		t.Errorf("participants %q title %q key %q", tom.Participants, tom.Title, tom.Key)
	}
	for _, ref := range dl.Threads[1:] {
		if _, err := ReadThread(ctx, zr, ref); err != nil {
			t.Errorf("%s: %v", ref.Dir, err)
		}
	}

	got, err := GuessOwner(ctx, zr, dl.Threads)
	if err != nil || got != owner {
		t.Errorf("GuessOwner = %q, %v; want %q", got, err, owner)
	}
}

// TestZipCorruptEntry: a zip entry whose data fails its checksum is a
// corrupt thread file, and its sibling still reads.
func TestZipCorruptEntry(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"messages/inbox/a_1/message_1.json", "messages/inbox/b_2/message_1.json"} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(igThread))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	// flip a byte inside the first stored entry's content
	i := bytes.Index(data, []byte(`"Bea"`))
	data[i+1] = 'Z'
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	dl, err := Discover(context.Background(), zr)
	if err != nil || len(dl.Threads) != 2 {
		t.Fatalf("Discover: %+v, %v", dl, err)
	}
	_, err = ReadThread(context.Background(), zr, dl.Threads[0])
	if !errors.Is(err, ErrCorrupt) || !errors.Is(err, zip.ErrChecksum) {
		t.Errorf("err = %v, want ErrCorrupt wrapping zip.ErrChecksum", err)
	}
	if _, err := ReadThread(context.Background(), zr, dl.Threads[1]); err != nil {
		t.Errorf("sibling: %v", err)
	}
}
