package summarize

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckOllamaURL(t *testing.T) {
	tests := []struct {
		name     string
		url      string
		wantHost string
		local    bool
		badURL   bool
	}{
		{name: "default", url: "", wantHost: "127.0.0.1", local: true},
		{name: "default written out", url: "http://127.0.0.1:11434", wantHost: "127.0.0.1", local: true},
		{name: "all of 127/8", url: "http://127.8.9.10:11434", wantHost: "127.8.9.10", local: true},
		{name: "bare localhost as OLLAMA_HOST allows", url: "localhost", wantHost: "localhost", local: true},
		{name: "localhost in capitals with port", url: "LOCALHOST:8080", wantHost: "LOCALHOST", local: true},
		{name: "localhost with the root's dot", url: "http://localhost.:11434", wantHost: "localhost.", local: true},
		{name: "IPv6 loopback", url: "http://[::1]:11434", wantHost: "::1", local: true},
		{name: "bare IPv6 loopback", url: "[::1]", wantHost: "::1", local: true},
		{name: "IPv4-mapped loopback", url: "http://[::ffff:127.0.0.1]:11434", wantHost: "::ffff:127.0.0.1", local: true},
		{name: "listen-everywhere means this machine", url: "0.0.0.0", wantHost: "127.0.0.1", local: true},
		{name: "IPv6 listen-everywhere", url: "http://[::]:11434", wantHost: "127.0.0.1", local: true},
		{name: "private LAN address", url: "10.0.0.5:8080", wantHost: "10.0.0.5"},
		{name: "public address", url: "http://8.8.8.8:11434", wantHost: "8.8.8.8"},
		{name: "a name is never resolved", url: "https://gpu.example.org/ollama/", wantHost: "gpu.example.org"},
		{name: "this machine's own name still counts as remote", url: "http://myhost:11434", wantHost: "myhost"},
		{name: "a name that starts like localhost", url: "http://localhost.evil.example:11434", wantHost: "localhost.evil.example"},
		{name: "a subdomain of localhost is a name", url: "http://a.localhost:11434", wantHost: "a.localhost"},
		{name: "loopback-looking name", url: "http://127.0.0.1.nip.io:11434", wantHost: "127.0.0.1.nip.io"},
		{name: "short IPv4 form is not parsed as loopback", url: "http://127.1:11434", wantHost: "127.1"},
		{name: "user info does not hide the host", url: "http://127.0.0.1@evil.example:11434", wantHost: "evil.example"},
		{name: "link-local IPv6 with zone", url: "http://[fe80::1%25eth0]:11434", wantHost: "fe80::1%eth0"},
		{name: "bad scheme", url: "ftp://127.0.0.1", badURL: true},
		{name: "no host", url: "http://:11434", badURL: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host, local, err := OllamaHost(tt.url)
			if tt.badURL {
				if err == nil {
					t.Fatalf("OllamaHost(%q) = %q, %v; want an error", tt.url, host, local)
				}
				if err := CheckOllamaURL(tt.url, true); err == nil || errors.Is(err, ErrRemoteOllama) {
					t.Fatalf("CheckOllamaURL(%q, true) = %v; want the URL error", tt.url, err)
				}
				return
			}
			if err != nil || host != tt.wantHost || local != tt.local {
				t.Fatalf("OllamaHost(%q) = %q, %v, %v; want %q, %v", tt.url, host, local, err, tt.wantHost, tt.local)
			}
			err = CheckOllamaURL(tt.url, false)
			if tt.local != (err == nil) {
				t.Fatalf("CheckOllamaURL(%q, false) = %v; want refused %v", tt.url, err, !tt.local)
			}
			if err != nil && (!errors.Is(err, ErrRemoteOllama) || !strings.Contains(err.Error(), tt.wantHost)) {
				t.Fatalf("refusal %q should wrap ErrRemoteOllama and name %s", err, tt.wantHost)
			}
			if err := CheckOllamaURL(tt.url, true); err != nil {
				t.Fatalf("CheckOllamaURL(%q, true) = %v; allowed hosts must pass", tt.url, err)
			}
			_, err = NewOllama(OllamaConfig{URL: tt.url})
			if tt.local != (err == nil) || (err != nil && !errors.Is(err, ErrRemoteOllama)) {
				t.Fatalf("NewOllama(%q) = %v; the summarizer itself must refuse another machine", tt.url, err)
			}
		})
	}
}
