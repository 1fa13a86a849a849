package summarize

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
)

const testDigest = "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72"

const goodAnswer = `{"summary":"Alice asked whether the blue teapot is in stock. Maria confirmed and reserved one until Friday.","sentiment":"positive","score":0.8,"topics":["teapot","reservation"],"resolved":true}`

// fakeOllama is an httptest server that speaks Ollama's wire format: JSON
// for /api/version and /api/tags, NDJSON streamed in chunks for /api/chat.
type fakeOllama struct {
	t *testing.T
	// models are the names listed by /api/tags.
	models []string
	// answers are the contents of successive chat answers; the last one
	// repeats.
	answers []string
	// chatStatus and chatError make /api/chat fail (404 model not found).
	chatStatus int
	chatError  string
	// delay is slept before the chat answer, or after its first chunk
	// when stall is set.
	delay time.Duration
	stall bool
	// noDone ends the stream without its final "done" line, as a server
	// that crashed mid-answer.
	noDone bool

	mu     sync.Mutex
	bodies [][]byte // chat request bodies
}

func (f *fakeOllama) start() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/version", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fmt.Fprint(w, `{"version":"0.17.4"}`)
	})
	mux.HandleFunc("GET /api/tags", func(w http.ResponseWriter, r *http.Request) {
		type details struct {
			ParentModel       string   `json:"parent_model"`
			Format            string   `json:"format"`
			Family            string   `json:"family"`
			Families          []string `json:"families"`
			ParameterSize     string   `json:"parameter_size"`
			QuantizationLevel string   `json:"quantization_level"`
		}
		type model struct {
			Name       string  `json:"name"`
			Model      string  `json:"model"`
			ModifiedAt string  `json:"modified_at"`
			Size       int64   `json:"size"`
			Digest     string  `json:"digest"`
			Details    details `json:"details"`
		}
		list := struct {
			Models []model `json:"models"`
		}{Models: []model{}}
		for _, name := range f.models {
			list.Models = append(list.Models, model{
				Name: name, Model: name, ModifiedAt: "2025-02-03T10:11:12.123456789+01:00", Size: 2019393189,
				Digest:  testDigest,
				Details: details{Format: "gguf", Family: "llama", Families: []string{"llama"}, ParameterSize: "3.2B", QuantizationLevel: "Q4_K_M"},
			})
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		json.NewEncoder(w).Encode(list)
	})
	mux.HandleFunc("POST /api/chat", f.chat)
	srv := httptest.NewServer(mux)
	f.t.Cleanup(srv.Close)
	return srv
}

func (f *fakeOllama) chat(w http.ResponseWriter, r *http.Request) {
	var body json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
		return
	}
	var req struct {
		Model string `json:"model"`
	}
	json.Unmarshal(body, &req)
	f.mu.Lock()
	f.bodies = append(f.bodies, body)
	n := len(f.bodies)
	f.mu.Unlock()
	if f.chatStatus != 0 {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(f.chatStatus)
		fmt.Fprintf(w, `{"error":%q}`, fmt.Sprintf(f.chatError, req.Model))
		return
	}
	if f.delay > 0 && !f.stall && !sleep(r.Context(), f.delay) {
		return
	}
	answer := f.answers[min(n, len(f.answers))-1]
	w.Header().Set("Content-Type", "application/x-ndjson")
	flusher := w.(http.Flusher)
	created := time.Date(2025, 2, 3, 10, 0, 0, 0, time.UTC)
	// Several chunks whose contents concatenate to the answer, split
	// inside strings and between runes as a tokenizer would.
	chunks := splitChunks(answer, 7)
	for i, c := range chunks {
		line, _ := json.Marshal(map[string]any{
			"model":      req.Model,
			"created_at": created.Add(time.Duration(i) * 50 * time.Millisecond).Format(time.RFC3339Nano),
			"message":    map[string]string{"role": "assistant", "content": c},
			"done":       false,
		})
		w.Write(append(line, '\n'))
		flusher.Flush()
		if i == 0 && f.stall && !sleep(r.Context(), f.delay) {
			return
		}
	}
	if f.noDone {
		return
	}
	fmt.Fprintf(w, `{"model":%q,"created_at":%q,"message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"total_duration":4883776000,"load_duration":1334875000,"prompt_eval_count":412,"prompt_eval_duration":2194000000,"eval_count":%d,"eval_duration":1350000000}`+"\n",
		req.Model, created.Add(time.Second).Format(time.RFC3339Nano), len(chunks))
	flusher.Flush()
}

func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-time.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}

func splitChunks(s string, n int) []string {
	rs := []rune(s)
	size := max(1, (len(rs)+n-1)/n)
	var out []string
	for i := 0; i < len(rs); i += size {
		out = append(out, string(rs[i:min(len(rs), i+size)]))
	}
	return out
}

func (f *fakeOllama) requests() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]byte(nil), f.bodies...)
}

func newTestOllama(t *testing.T, srv *httptest.Server, timeout time.Duration) *Ollama {
	t.Helper()
	o, err := NewOllama(OllamaConfig{URL: srv.URL, Model: DefaultModel, Timeout: timeout, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func teapotSession() []Message {
	msgs := session("Alice", "Maria Lopez",
		"s: Messages are end-to-end encrypted.",
		"c: Hi!",
		"c: Is the blue teapot still in stock?",
		"a: Yes, we have 3 left. Shall I reserve one?",
		"m: IMG-20240301-WA0001.jpg",
		"c: Yes please\nuntil Friday",
		"b: Reserved until Friday 🙂",
	)
	return msgs
}

func TestOllamaGoodAnswer(t *testing.T) {
	f := &fakeOllama{t: t, models: []string{"qwen2.5:7b", DefaultModel}, answers: []string{goodAnswer}}
	srv := f.start()
	o := newTestOllama(t, srv, 5*time.Second)
	if err := o.Check(context.Background()); err != nil {
		t.Fatalf("Check: %v", err)
	}
	msgs := teapotSession()
	r, err := o.Summarize(context.Background(), msgs)
	if err != nil {
		t.Fatalf("Summarize: %v", err)
	}
	want := Result{
		Summary:   "Alice asked whether the blue teapot is in stock. Maria confirmed and reserved one until Friday.",
		Sentiment: "positive", Score: 0.8, Topics: []string{"teapot", "reservation"}, Resolved: true,
		Source: "ollama", Model: DefaultModel, Digest: testDigest, Prompt: "v1",
	}
	if fmt.Sprint(r) != fmt.Sprint(want) {
		t.Errorf("result\n got %+v\nwant %+v", r, want)
	}
	if o.Name() != "ollama:"+DefaultModel {
		t.Errorf("Name() = %q", o.Name())
	}

	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d chat requests, want 1", len(reqs))
	}
	var req struct {
		Model    string `json:"model"`
		Stream   *bool  `json:"stream"`
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
		Format struct {
			Type       string                     `json:"type"`
			Properties map[string]json.RawMessage `json:"properties"`
			Required   []string                   `json:"required"`
		} `json:"format"`
		Options map[string]float64 `json:"options"`
	}
	if err := json.Unmarshal(reqs[0], &req); err != nil {
		t.Fatalf("request body: %v\n%s", err, reqs[0])
	}
	if req.Model != DefaultModel {
		t.Errorf("model = %q", req.Model)
	}
	if req.Stream == nil || !*req.Stream {
		t.Errorf("stream = %v, want true", req.Stream)
	}
	if req.Format.Type != "object" || strings.Join(req.Format.Required, ",") != "summary,sentiment,score,topics,resolved" {
		t.Errorf("format = %+v", req.Format)
	}
	if !strings.Contains(string(req.Format.Properties["sentiment"]), `"enum":["positive","neutral","negative"]`) &&
		!strings.Contains(string(req.Format.Properties["sentiment"]), `"enum": ["positive", "neutral", "negative"]`) {
		t.Errorf("sentiment schema = %s", req.Format.Properties["sentiment"])
	}
	for _, p := range []string{"summary", "score", "topics", "resolved"} {
		if _, ok := req.Format.Properties[p]; !ok {
			t.Errorf("schema lacks %s", p)
		}
	}
	if v, ok := req.Options["temperature"]; !ok || v != 0 {
		t.Errorf("temperature = %v (set %v), want 0", v, ok)
	}
	if req.Options["seed"] != 42 || req.Options["num_ctx"] != 8192 {
		t.Errorf("options = %v", req.Options)
	}
	if len(req.Messages) != 2 || req.Messages[0].Role != "system" || req.Messages[1].Role != "user" {
		t.Fatalf("messages = %+v, want system then user", req.Messages)
	}
	// The user message is the session and nothing else: one line per
	// message, each "[HH:MM] Role (Author): body" with the body passed in.
	lines := strings.Split(req.Messages[1].Content, "\n")
	if len(lines) != len(msgs) {
		t.Fatalf("user message has %d lines, want %d:\n%s", len(lines), len(msgs), req.Messages[1].Content)
	}
	lineRE := regexp.MustCompile(`^\[(\d\d:\d\d)\] (Customer|Agent|Bot|System notice)(?: \(([^)]*)\))?: (?:\[media\] )?(.*)$`)
	roles := map[chat.Role]string{chat.RoleCustomer: "Customer", chat.RoleAgent: "Agent", chat.RoleBot: "Bot", chat.RoleSystem: "System notice"}
	for i, l := range lines {
		m := lineRE.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("line %d %q is not a message line", i, l)
			continue
		}
		want := msgs[i]
		if m[1] != want.At.Format("15:04") || m[2] != roles[want.Role] || want.Role != chat.RoleSystem && m[3] != want.Author {
			t.Errorf("line %d %q: wrong time, role or author", i, l)
		}
		if m[4] != strings.ReplaceAll(want.Body, "\n", " / ") {
			t.Errorf("line %d body %q, want %q", i, m[4], want.Body)
		}
	}
	if strings.Contains(req.Messages[0].Content, "teapot") {
		t.Error("the system prompt carries session content")
	}
}

func TestOllamaModelMissing(t *testing.T) {
	t.Run("not in tags", func(t *testing.T) {
		f := &fakeOllama{t: t, models: []string{"mistral:7b"}, answers: []string{goodAnswer}}
		o := newTestOllama(t, f.start(), 5*time.Second)
		err := o.Check(context.Background())
		if !errors.Is(err, ErrModelMissing) || !strings.Contains(err.Error(), "ollama pull "+DefaultModel) {
			t.Errorf("Check: %v, want ErrModelMissing saying ollama pull", err)
		}
		if _, err := o.Summarize(context.Background(), teapotSession()); !errors.Is(err, ErrModelMissing) {
			t.Errorf("Summarize: %v, want ErrModelMissing", err)
		}
		if n := len(f.requests()); n != 0 {
			t.Errorf("%d chat requests for a missing model", n)
		}
	})
	t.Run("chat 404", func(t *testing.T) {
		f := &fakeOllama{t: t, models: []string{DefaultModel}, chatStatus: http.StatusNotFound,
			chatError: `model "%s" not found, try pulling it first`}
		o := newTestOllama(t, f.start(), 5*time.Second)
		_, err := o.Summarize(context.Background(), teapotSession())
		if !errors.Is(err, ErrModelMissing) || !strings.Contains(err.Error(), "ollama pull "+DefaultModel) {
			t.Errorf("Summarize: %v, want ErrModelMissing saying ollama pull", err)
		}
	})
	t.Run("untagged name means latest", func(t *testing.T) {
		f := &fakeOllama{t: t, models: []string{"llama3.2:latest"}, answers: []string{goodAnswer}}
		srv := f.start()
		o, err := NewOllama(OllamaConfig{URL: srv.URL, Model: "llama3.2", HTTPClient: srv.Client()})
		if err != nil {
			t.Fatal(err)
		}
		r, err := o.Summarize(context.Background(), teapotSession())
		if err != nil || r.Model != "llama3.2:latest" || r.Digest != testDigest {
			t.Errorf("Summarize = %+v, %v", r, err)
		}
	})
}

func TestOllamaDown(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	o, err := NewOllama(OllamaConfig{URL: url, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = o.Check(context.Background())
	if !errors.Is(err, ErrOllamaDown) || !strings.Contains(err.Error(), url) || !strings.Contains(err.Error(), "start it with: ollama serve") {
		t.Errorf("Check: %v, want ErrOllamaDown with the URL and the hint", err)
	}
	if _, err := o.Summarize(context.Background(), teapotSession()); !errors.Is(err, ErrOllamaDown) {
		t.Errorf("Summarize: %v, want ErrOllamaDown", err)
	}
}

func TestOllamaTimeout(t *testing.T) {
	tests := []struct {
		name  string
		stall bool
	}{
		{"no answer", false},
		{"answer stalls mid-stream", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeOllama{t: t, models: []string{DefaultModel}, answers: []string{goodAnswer}, delay: 5 * time.Second, stall: tc.stall}
			o := newTestOllama(t, f.start(), 200*time.Millisecond)
			start := time.Now()
			_, err := o.Summarize(context.Background(), teapotSession())
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Summarize: %v, want a deadline error", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %s with a 200ms timeout", d)
			}
		})
	}
	t.Run("caller cancels", func(t *testing.T) {
		f := &fakeOllama{t: t, models: []string{DefaultModel}, answers: []string{goodAnswer}, delay: 5 * time.Second}
		o := newTestOllama(t, f.start(), time.Minute)
		if err := o.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		if _, err := o.Summarize(ctx, teapotSession()); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrOllamaDown) {
			t.Errorf("Summarize: %v, want the caller's deadline", err)
		}
	})
}

func TestOllamaStreamCutShort(t *testing.T) {
	f := &fakeOllama{t: t, models: []string{DefaultModel}, answers: []string{goodAnswer}, noDone: true}
	o := newTestOllama(t, f.start(), 5*time.Second)
	if _, err := o.Summarize(context.Background(), teapotSession()); !errors.Is(err, ErrOllamaDown) {
		t.Errorf("Summarize: %v, want ErrOllamaDown for an answer without its end", err)
	}
}

func TestOllamaMalformedAnswer(t *testing.T) {
	tests := []struct {
		name     string
		answers  []string
		wantErr  error
		requests int
	}{
		{"bad then good", []string{`{"summary": "Alice asked`, goodAnswer}, nil, 2},
		{"bad twice", []string{`not json at all`, `{"summary":"x","sentiment":"happy","score":1,"topics":[],"resolved":true}`}, ErrBadAnswer, 2},
		{"empty summary twice", []string{`{"summary":" ","sentiment":"neutral","score":0,"topics":[],"resolved":false}`}, ErrBadAnswer, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeOllama{t: t, models: []string{DefaultModel}, answers: tc.answers}
			o := newTestOllama(t, f.start(), 5*time.Second)
			r, err := o.Summarize(context.Background(), teapotSession())
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Errorf("Summarize: %v, want %v", err, tc.wantErr)
			}
			if err == nil && r.Summary == "" {
				t.Error("empty summary")
			}
			if n := len(f.requests()); n != tc.requests {
				t.Errorf("%d chat requests, want %d", n, tc.requests)
			}
		})
	}
}

func TestParseAnswer(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Result
		wantErr bool
	}{
		{"complete", goodAnswer, Result{Summary: "Alice asked whether the blue teapot is in stock. Maria confirmed and reserved one until Friday.", Sentiment: "positive", Score: 0.8, Topics: []string{"teapot", "reservation"}, Resolved: true}, false},
		{"fenced", "```json\n{\"summary\":\"S.\",\"sentiment\":\"Negative\",\"score\":-3,\"topics\":[\"a\",\"A\",\"\"],\"resolved\":false}\n```", Result{Summary: "S.", Sentiment: "negative", Score: -1, Topics: []string{"a"}}, false},
		{"score from sentiment", `{"summary":"S.","sentiment":"negative"}`, Result{Summary: "S.", Sentiment: "negative", Score: -0.5, Topics: []string{}}, false},
		{"no summary", `{"sentiment":"neutral","score":0,"topics":[],"resolved":false}`, Result{}, true},
		{"sentiment outside enum", `{"summary":"S.","sentiment":"mixed","score":0,"topics":[],"resolved":false}`, Result{}, true},
		{"truncated", `{"summary":"S.","sentim`, Result{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseAnswer(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				if !errors.Is(err, ErrBadAnswer) {
					t.Errorf("err %v does not wrap ErrBadAnswer", err)
				}
				return
			}
			tc.want.Source, tc.want.Prompt = "ollama", "v1"
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestRenderTranscriptCutsLongSessions(t *testing.T) {
	var msgs []Message
	for i := range 500 {
		msgs = append(msgs, Message{At: t0.Add(time.Duration(i) * time.Minute), Author: "Alice", Role: chat.RoleCustomer,
			Body: fmt.Sprintf("message number %d with some words to make it longer", i)})
	}
	const budget = 4000
	out := renderTranscript(msgs, budget)
	if len(out) > budget {
		t.Errorf("transcript is %d bytes, budget %d", len(out), budget)
	}
	if !strings.Contains(out, "message number 0 with") || !strings.Contains(out, "message number 499 with") {
		t.Error("the beginning or the end is missing")
	}
	m := regexp.MustCompile(`(?m)^… (\d+) messages omitted …$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no omission line in\n%s", out)
	}
	kept := strings.Count(out, "\n") // lines minus one = kept messages + marker - 1
	if fmt.Sprint(500-kept) != m[1] {
		t.Errorf("omitted %s, but %d of 500 kept", m[1], kept)
	}
	if short := renderTranscript(msgs[:3], budget); strings.Contains(short, "omitted") {
		t.Errorf("a short session was cut: %s", short)
	}
	// The default budget fits the context: 8192 tokens at ~4 bytes each,
	// less the answer and the prompt.
	o, err := NewOllama(OllamaConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if o.maxPromptChars < 20000 || o.maxPromptChars > 8192*4-answerTokens*4 {
		t.Errorf("default budget %d bytes", o.maxPromptChars)
	}
}

func TestOllamaConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     OllamaConfig
		wantURL string
		wantErr bool
	}{
		{"default", OllamaConfig{}, "http://127.0.0.1:11434", false},
		{"bare host as OLLAMA_HOST allows", OllamaConfig{URL: "localhost"}, "http://localhost:11434", false},
		{"host and port, allowed elsewhere", OllamaConfig{URL: "10.0.0.5:8080", AllowRemote: true}, "http://10.0.0.5:8080", false},
		{"another machine not allowed", OllamaConfig{URL: "10.0.0.5:8080"}, "", true},
		{"listen-everywhere address", OllamaConfig{URL: "0.0.0.0"}, "http://127.0.0.1:11434", false},
		{"full URL, allowed elsewhere", OllamaConfig{URL: "https://gpu.example.org/ollama/", AllowRemote: true}, "https://gpu.example.org/ollama", false},
		{"bad scheme", OllamaConfig{URL: "ftp://example.org"}, "", true},
		{"negative timeout", OllamaConfig{Timeout: -time.Second}, "", true},
		{"model with space", OllamaConfig{Model: "llama 3"}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := NewOllama(tc.cfg)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err == nil && o.base != tc.wantURL {
				t.Errorf("URL = %q, want %q", o.base, tc.wantURL)
			}
		})
	}
	o, _ := NewOllama(OllamaConfig{})
	if o.model != DefaultModel || o.timeout != DefaultTimeout {
		t.Errorf("defaults: model %q timeout %s", o.model, o.timeout)
	}
}
