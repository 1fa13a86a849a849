package app

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestLabelsAndFieldsOverHTTP: the services as the browser calls them;
// each change shows in a word search at once (the index followed before
// the call returned), and refusals are errors saying what was wrong.
func TestLabelsAndFieldsOverHTTP(t *testing.T) {
	s := newTestServer(t, "", testAssets)
	call := func(method, body string) (int, string) {
		t.Helper()
		resp, out := s.do(t, http.MethodPost, "/api/"+method, map[string]string{"Content-Type": "application/json"}, strings.NewReader(body))
		return resp.StatusCode, out
	}
	page, err := s.svc.Sessions.ListSessions(ListRequest{})
	if err != nil || len(page.Sessions) == 0 {
		t.Fatalf("fixture sessions: %v, %v", page, err)
	}
	first := page.Sessions[0]
	name := strings.Fields(first.Contact.Name)[0]
	steps := []struct {
		method, body string
		code         int
		want         string // substring of the body
	}{
		{"LabelsService/CreateLabel", `[{"name":"Rückruf","color":"#AA0000"}]`, 200, `"color":"#aa0000"`},
		{"LabelsService/CreateLabel", `[{"name":"RUCKRUF"}]`, 500, "already exists"},
		{"LabelsService/CreateLabel", `[{"name":"x","colour":"#AA0000"}]`, 400, "unknown field"},
		{"LabelsService/AddSessionLabel", `[` + itoa(first.ID) + `,"rückruf"]`, 200, "null"},
		{"LabelsService/AddSessionLabel", `[` + itoa(first.ID) + `,"Neu"]`, 200, "null"},
		{"LabelsService/AddSessionLabel", `[999999,"Neu"]`, 500, "not found"},
		{"LabelsService/ListLabels", `[]`, 200, `"name":"Neu"`},
		{"FieldsService/DefineField", `[{"key":"tier","name":"Tier","type":"choice","choices":["Gold","Silber"]}]`, 200, `"choices":["Gold","Silber"]`},
		{"FieldsService/SetSessionField", `[` + itoa(first.ID) + `,"tier","GOLD"]`, 200, "null"},
		{"FieldsService/SetSessionField", `[` + itoa(first.ID) + `,"tier","Kupfer"]`, 500, "Gold, Silber"},
		{"FieldsService/UpdateField", `["tier",{"name":"Stufe"}]`, 200, `"name":"Stufe"`},
		{"FieldsService/UpdateField", `["tier",{"type":"number"}]`, 500, "would not fit"},
		{"FieldsService/ListFields", `[]`, 200, `"sessions":1`},
		{"SessionsService/ListSessions", `[{"q":"` + name + `","labels":["RUCKRUF"],"fields":{"tier":"gold"}}]`, 200, `"total":1`},
		{"SessionsService/GetSession", `[` + itoa(first.ID) + `]`, 200, `"labels":[{"name":"Neu","color":`},
	}
	for _, st := range steps {
		code, out := call(st.method, st.body)
		if code != st.code || !strings.Contains(out, st.want) {
			t.Fatalf("%s %s: %d %s; want %d with %q", st.method, st.body, code, out, st.code, st.want)
		}
	}
	// Nothing is left for the index: the changes were applied before the
	// calls returned.
	if n, err := s.svc.c.tl.Pending(s.svc.c.jobs.Context()); err != nil || n != 0 {
		t.Fatalf("index pending = %d, %v", n, err)
	}
	var labels []LabelView
	_, out := call("LabelsService/ListLabels", `[]`)
	if err := json.Unmarshal([]byte(out), &labels); err != nil || len(labels) != 2 {
		t.Fatalf("labels = %s", out)
	}
	for _, l := range labels {
		if code, out := call("LabelsService/DeleteLabel", "["+itoa(l.ID)+"]"); code != 200 {
			t.Fatalf("delete label %d: %d %s", l.ID, code, out)
		}
	}
	if code, out := call("FieldsService/DeleteField", `["tier"]`); code != 200 {
		t.Fatalf("delete field: %d %s", code, out)
	}
	if code, out := call("SessionsService/ListSessions", `[{"q":"`+name+`","labels":["Neu"]}]`); code != 200 || !strings.Contains(out, `"total":0`) {
		t.Fatalf("after deleting the label a word search still finds it: %s", out)
	}
	if code, out := call("SessionsService/GetSession", "["+itoa(first.ID)+"]"); code != 200 || !strings.Contains(out, `"labels":[]`) || !strings.Contains(out, `"fields":{}`) {
		t.Fatalf("session after deletes: %s", out)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
