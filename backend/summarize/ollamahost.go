package summarize

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// ErrRemoteOllama means the Ollama URL names another machine and sending
// conversations there was not allowed. Sessions promises that nothing
// leaves the machine, so a model server elsewhere must be asked for.
var ErrRemoteOllama = errors.New("the ollama server is not on this machine")

// OllamaHost returns the host an Ollama URL points at, completed as
// OllamaConfig.URL is (a bare host, the default when empty, 0.0.0.0 for
// this machine), and whether that host is this machine: an address in
// 127.0.0.0/8, ::1, or the name localhost. Every other name counts as
// another machine. No DNS is asked: what a name resolves to can change
// between this check and the connection, and a look-up would itself tell
// a name server which host we are about to use.
func OllamaHost(raw string) (host string, local bool, err error) {
	u, err := ollamaURL(raw)
	if err != nil {
		return "", false, err
	}
	host = u.Hostname()
	return host, isLoopbackHost(host), nil
}

// isLoopbackHost reports whether host is a loopback address or the name
// localhost (in any case, with or without the root's trailing dot).
func isLoopbackHost(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	// A zone (fe80::1%eth0) names a link, never loopback; ParseIP
	// refuses it, so it counts as remote.
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckOllamaURL returns nil when raw points at this machine, or when
// allowRemote says the user asked for another one; otherwise an error
// that names the host and wraps ErrRemoteOllama. A URL that cannot be an
// Ollama server gives the parse error.
func CheckOllamaURL(raw string, allowRemote bool) error {
	host, local, err := OllamaHost(raw)
	if err != nil {
		return err
	}
	if local || allowRemote {
		return nil
	}
	return fmt.Errorf("ollama URL %q: host %s: %w", strings.TrimSpace(raw), host, ErrRemoteOllama)
}
