package webchat

import "testing"

// TestDetect checks every format's shapes and files that must not be taken
// for a web-chat export.
func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		head string
		want Format // "" means not detected
	}{
		{"chatwoot API list", `{"meta":{"labels":[]},"payload":[{"id":1,"content":"hi","message_type":0,"created_at":1700000000}]}`, FormatChatwoot},
		{"chatwoot message list", `[{"id":1,"content":"hi","message_type": 1, "sender":{"type":"user"}}]`, FormatChatwoot},
		{"chatwoot webhook message", `{"event":"message_created","id":1,"message_type":"incoming","content":"hi"}`, FormatChatwoot},
		{"chatwoot conversation webhook without messages", `{"event":"conversation_created","id":11,"inbox_id":1,"messages":[]}`, FormatChatwoot},
		{"chatwoot cut off in the middle", `{"meta":{},"payload":[{"id":1,"message_type":2,"content":"Assigned to` + "\n", FormatChatwoot},
		{"tawk transcript", `{"event": "chat:transcript_created", "time": "2024-07-03T01:02:37.780Z", "chat": {"id": "x"}}`, FormatTawk},
		{"tawk list with BOM", "\xef\xbb\xbf" + `[ {"event":"chat:start"}, {"event" : "chat:transcript_created"} ]`, FormatTawk},
		{"generic JSON array", `[{"conversation_id":"c","time":"2024-01-01T00:00:00Z","role":"agent","body":"x"}]`, FormatJSON},
		{"generic JSON wrapped", "\n  {\"messages\": [{\"Conversation_ID\": 5, \"Role\": \"customer\", \"Body\": \"x\"}]}", FormatJSON},
		{"generic CSV", "conversation_id,time,author,role,contact_name,contact_email,body,attachment\r\nc,1,a,agent,,,x,\r\n", FormatCSV},
		{"generic CSV other order, BOM, quotes", "\xef\xbb\xbf\"Body\",\"Role\",\"Time\",\"Conversation ID\",\"page\"\n", FormatCSV},
		{"generic CSV semicolons", "conversation_id;time;role;body\n", FormatCSV},
		{"generic CSV tabs", "conversation_id\ttime\trole\tbody\n", FormatCSV},
		{"CSV missing body", "conversation_id,time,role,text\n", ""},
		{"CSV header not first", "export of 2024-05-01\nconversation_id,time,role,body\n", ""},
		{"WhatsApp line", "12/03/2024, 10:00 - John: conversation_id, time, role and body\n", ""},
		{"WhatsApp iOS line", "[3/12/24, 10:00:00 AM] John: hi\n", ""},
		{"Meta thread JSON", `{"participants":[{"name":"A"},{"name":"B"}],"messages":[{"sender_name":"A","timestamp_ms":1700000000000,"content":"hi"}],"title":"A","thread_path":"inbox/a_1"}`, ""},
		{"PNG", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ""},
		{"random JSON", `{"name":"kettle","price":12.5,"tags":["role","body"]}`, ""},
		{"JSON with only role and body", `[{"role":"user","body":"x"}]`, ""},
		{"chatwoot message_type out of range", `[{"message_type": 7, "content": "x"}]`, ""},
		{"tawk chat:start only", `{"event":"chat:start","chatId":"x"}`, ""},
		{"empty", "", ""},
		{"blank", " \n\t\r\n", ""},
		{"NUL", "conversation_id,time,role,body\x00\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Detect([]byte(tt.head))
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("Detect = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}
