package summarize

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTestConnection(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close() // a port nobody listens on
	tests := []struct {
		name    string
		models  []string // nil: no server
		url     string
		model   string
		ok      bool
		listed  []string
		message string
	}{
		{name: "has the model", models: []string{"qwen2.5:7b", "llama3.2:3b"}, model: "llama3.2:3b", ok: true,
			listed: []string{"llama3.2:3b", "qwen2.5:7b"}, message: "answers and has llama3.2:3b"},
		{name: "untagged means latest", models: []string{"mistral:latest"}, model: "mistral", ok: true,
			listed: []string{"mistral:latest"}, message: "has mistral"},
		{name: "model missing", models: []string{"qwen2.5:7b"}, model: "llama3.2:3b",
			listed: []string{"qwen2.5:7b"}, message: "llama3.2:3b is not installed (install it with: ollama pull llama3.2:3b)"},
		{name: "no models", models: []string{}, model: "llama3.2:3b", listed: []string{}, message: "has no models"},
		{name: "down", url: downURL, model: "llama3.2:3b", message: "does not answer (start it with: ollama serve)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := tt.url
			var client *http.Client
			if tt.models != nil {
				srv := (&fakeOllama{t: t, models: tt.models}).start()
				url, client = srv.URL, srv.Client()
			}
			got, err := TestConnection(context.Background(), OllamaConfig{URL: url, Model: tt.model, Timeout: 5 * time.Second, HTTPClient: client})
			if err != nil {
				t.Fatal(err)
			}
			if got.OK != tt.ok || !slices.Equal(got.Models, tt.listed) || !strings.Contains(got.Message, tt.message) {
				t.Errorf("TestConnection = %+v; want ok %v, models %v, message with %q", got, tt.ok, tt.listed, tt.message)
			}
		})
	}
}

func TestTestConnectionRefusesAnotherMachine(t *testing.T) {
	_, err := TestConnection(context.Background(), OllamaConfig{URL: "http://gpu.lan:11434"})
	if !errors.Is(err, ErrRemoteOllama) {
		t.Fatalf("TestConnection to another machine = %v, want ErrRemoteOllama", err)
	}
}
