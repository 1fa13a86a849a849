package app

// Server-sent events for the browser: the same names and payloads the
// window receives through Wails' runtime.EventsEmit, fanned out to every
// open GET /api/events. Modelled on memos' SSE hub: each client has a
// small buffered channel; one that does not keep up is dropped (its
// EventSource reconnects) rather than slowing the import that emits.

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// sseMessage is one encoded event.
type sseMessage struct {
	name string
	data []byte
}

// eventHub fans events out to the connected browsers.
type eventHub struct {
	mu      sync.Mutex
	clients map[chan sseMessage]struct{}
	closed  bool
	// buffer is each client's queue; keepAlive the interval of the comment
	// that keeps proxies and the browser from timing the stream out.
	buffer    int
	keepAlive time.Duration
}

func newEventHub() *eventHub {
	return &eventHub{clients: map[chan sseMessage]struct{}{}, buffer: 64, keepAlive: 15 * time.Second}
}

// Publish sends an event to every client without waiting for any.
func (h *eventHub) Publish(name string, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		slog.Error("encode event", "event", name, "err", err)
		return
	}
	msg := sseMessage{name: name, data: b}
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		select {
		case c <- msg:
		default:
			// Too slow: drop it, so one stalled tab cannot hold the others
			// (or the import emitting) back.
			delete(h.clients, c)
			close(c)
		}
	}
}

// subscribe registers a client; the channel is closed when the client is
// dropped or the hub closes. unsubscribe is safe to call after either.
func (h *eventHub) subscribe() (ch <-chan sseMessage, unsubscribe func()) {
	c := make(chan sseMessage, h.buffer)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(c)
		return c, func() {}
	}
	h.clients[c] = struct{}{}
	return c, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.clients[c]; ok {
			delete(h.clients, c)
			close(c)
		}
	}
}

// clientCount is the number of connected clients.
func (h *eventHub) clientCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// Close ends every stream: the server is shutting down.
func (h *eventHub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for c := range h.clients {
		delete(h.clients, c)
		close(c)
	}
}

// ServeHTTP streams events to one client until it goes, is dropped, or the
// hub closes.
func (h *eventHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	ch, unsubscribe := h.subscribe()
	defer unsubscribe()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// A first comment tells the browser the stream is open at once.
	if _, err := fmt.Fprint(w, ": connected\n\n"); err != nil {
		return
	}
	if err := rc.Flush(); err != nil {
		return
	}
	tick := time.NewTicker(h.keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case msg, ok := <-ch:
			if !ok {
				return
			}
			// JSON has no raw newlines, so data fits on one line.
			if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", msg.name, msg.data); err != nil {
				return
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
