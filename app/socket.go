package app

// The local socket: while the app runs (window or serve) it holds the
// search index, so a second process could only wait for it. The app
// therefore also answers on DATA/sessions.sock (owner-only, in the
// owner-only data dir): the same /api as serve, plus POST /cli, which runs a
// command line in the app's own process against its open library and
// streams the output back. The CLI tries the socket first (forwardToApp)
// and, when nothing answers, runs the command itself as before.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// socketName is the socket's file in the data dir.
const socketName = "sessions.sock"

func socketPath(dataDir string) string { return filepath.Join(dataDir, socketName) }

// socketInfo says which app answers on the socket, for "already open".
type socketInfo struct {
	PID       int    `json:"pid"`
	Transport string `json:"transport"`
	URL       string `json:"url,omitempty"`
}

func (i socketInfo) String() string {
	s := fmt.Sprintf("pid %d", i.PID)
	switch {
	case i.URL != "":
		s += ", serving " + i.URL
	case i.Transport == TransportDesktop:
		s += ", the desktop window"
	}
	return s
}

// ErrAlreadyOpen is returned when another Sessions app answers on the data
// dir's socket.
var ErrAlreadyOpen = errors.New("the Sessions app is already open on this library")

// listenSocket listens on the data dir's socket. A socket file nobody
// answers on is a crash's leftover and is replaced; one that answers is
// another app on the same library.
func listenSocket(ctx context.Context, dataDir string) (net.Listener, error) {
	p := socketPath(dataDir)
	ln, err := net.Listen("unix", p)
	if errors.Is(err, syscall.EADDRINUSE) {
		if info, ok := socketStatus(ctx, p); ok {
			return nil, fmt.Errorf("%w (%s)", ErrAlreadyOpen, info)
		}
		if rerr := os.Remove(p); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			return nil, fmt.Errorf("remove the stale socket %s: %w", p, rerr)
		}
		ln, err = net.Listen("unix", p)
	}
	if err != nil {
		return nil, fmt.Errorf("listen on the local socket %s: %w", p, err)
	}
	// The data dir is already owner-only; the socket is too, in case the
	// dir's mode was changed by hand.
	if err := os.Chmod(p, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("make the local socket %s owner-only: %w", p, err)
	}
	return ln, nil
}

// socketClient is an HTTP client whose every request goes to the socket.
func socketClient(p string) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", p)
		},
		DisableKeepAlives: true,
	}}
}

// socketStatus asks the app on the socket who it is; ok is false when
// nothing answers.
func socketStatus(ctx context.Context, p string) (socketInfo, bool) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://sessions/status", nil)
	if err != nil {
		return socketInfo{}, false
	}
	resp, err := socketClient(p).Do(req)
	if err != nil {
		return socketInfo{}, false
	}
	defer resp.Body.Close()
	var info socketInfo
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&info) != nil {
		// Something answers but not as Sessions does: still in use.
		return socketInfo{}, true
	}
	return info, true
}

// socketServer serves the socket.
type socketServer struct {
	ln  net.Listener
	srv *http.Server
	log *slog.Logger
	// cancel ends the commands running in the app when it closes: a
	// forwarded watch would otherwise hold the shutdown up.
	cancel context.CancelFunc
}

// newSocketServer builds the socket's server over the app's services;
// hub, when not nil, also serves the events (serve has one; the window's
// events go to Wails).
func newSocketServer(ln net.Listener, svc *Services, methods []Method, hub *eventHub, info socketInfo, log *slog.Logger) *socketServer {
	mux := apiMux(serveHandlerConfig{methods: methods, hub: hub, log: log}, false)
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		writeAPIJSON(w, http.StatusOK, info)
	})
	ctx, cancel := context.WithCancel(context.Background())
	mux.Handle("POST /cli", &cliHandler{cfg: svc.commandConfig(), log: log, closing: ctx.Done()})
	return &socketServer{ln: ln, log: log, cancel: cancel, srv: &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}}
}

func (s *socketServer) serve() {
	if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.log.Error("local socket", "err", err)
	}
}

// shutdown stops the socket: the commands running in the app are
// cancelled (they say so to their terminal) and have until ctx ends to
// finish; the socket file is removed.
func (s *socketServer) shutdown(ctx context.Context) {
	s.cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.srv.Close()
	}
}

// startSocket makes the app answer on its data dir's socket until the
// returned stop is called (before the services stop). The desktop calls it
// once its services exist; serve does the same itself.
func startSocket(ctx context.Context, svc *Services, info socketInfo, log *slog.Logger) (stop func(), err error) {
	methods, err := contractOf(svc.Bindings())
	if err != nil {
		return nil, err
	}
	ln, err := listenSocket(ctx, svc.c.dataDir)
	if err != nil {
		return nil, err
	}
	s := newSocketServer(ln, svc, methods, nil, info, log)
	go s.serve()
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
		defer cancel()
		s.shutdown(sctx)
	}, nil
}

// cliRequest is POST /cli's body: the command line after the global flags.
type cliRequest struct {
	Args []string `json:"args"`
}

// cliFrame is one line of POST /cli's answer: a piece of output, or the
// exit status at the end.
type cliFrame struct {
	Stream string `json:"stream,omitempty"` // "out" or "err"
	Data   string `json:"data,omitempty"`
	Exit   *int   `json:"exit,omitempty"`
}

// cliHandler runs forwarded command lines against the open library.
type cliHandler struct {
	cfg Config
	log *slog.Logger
	// closing is closed when the app shuts down.
	closing <-chan struct{}
}

func (h *cliHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req cliRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeAPIError(w, http.StatusBadRequest, "want {\"args\": [...]}: "+err.Error())
		return
	}
	if len(req.Args) == 0 || !forwardable(req.Args[0]) || strings.HasPrefix(req.Args[0], "-") {
		// No window, no second server, no global flags: the command runs
		// on this app's library.
		writeAPIError(w, http.StatusBadRequest, fmt.Sprintf("%q is not run inside the open app", strings.Join(req.Args, " ")))
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	sink := &frameSink{w: w, rc: http.NewResponseController(w)}
	// The client's going away (Ctrl+C) cancels the command.
	errw := sink.writer("err")
	code := runCommandLine(r.Context(), h.cfg, req.Args, sink.writer("out"), errw)
	select {
	case <-h.closing:
		// Not the user's Ctrl+C: say why it stopped, and fail.
		fmt.Fprintln(errw, "sessions: the Sessions app closed, which stopped the command")
		code = 1
	default:
	}
	if err := sink.frame(cliFrame{Exit: &code}); err != nil {
		h.log.Debug("forwarded command: client gone", "err", err)
	}
}

// forwardable says whether a command runs inside the open app: not the
// window or a second server, which would be a second app.
func forwardable(cmd string) bool {
	switch cmd {
	case "", "serve":
		return false
	}
	return true
}

// frameSink writes the frames of POST /cli, one at a time from both
// streams, each flushed so the terminal sees progress as it happens.
type frameSink struct {
	mu sync.Mutex
	w  io.Writer
	rc *http.ResponseController
}

func (f *frameSink) writer(stream string) io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		if err := f.frame(cliFrame{Stream: stream, Data: string(p)}); err != nil {
			return 0, err
		}
		return len(p), nil
	})
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(p []byte) (int, error) { return w(p) }

func (f *frameSink) frame(c cliFrame) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if _, err := f.w.Write(append(b, '\n')); err != nil {
		return err
	}
	return f.rc.Flush()
}

// forwardToApp runs a command line (cmdArgs: the command and its
// arguments, after the global flags) in the Sessions app open on the same
// data dir, if one answers on its socket, copying its output to stdout
// and stderr. handled is false when no app answers: the caller then runs
// the command itself. The window and serve are not forwarded: they are
// told the app is already open.
func forwardToApp(ctx context.Context, cfg Config, cmdArgs []string, stdout, stderr io.Writer) (handled bool, code int) {
	if strings.TrimSpace(cfg.DataDir) == "" {
		return false, 0
	}
	p := socketPath(cfg.DataDir)
	if fi, err := os.Stat(p); err != nil || fi.Mode()&os.ModeSocket == 0 {
		return false, 0
	}
	cmd := ""
	if len(cmdArgs) > 0 {
		cmd = cmdArgs[0]
	}
	switch cmd {
	case "help", "-h", "--help":
		return false, 0
	}
	if !forwardable(cmd) {
		info, ok := socketStatus(ctx, p)
		if !ok {
			return false, 0
		}
		fmt.Fprintf(stderr, "sessions: Sessions is already open (%s) on %s; close it first, or use the commands beside it\n", info, cfg.DataDir)
		return true, 1
	}
	args := cmdArgs
	if cmd == "import" || cmd == "watch" {
		args = absArgs(cmdArgs)
	} else if cmd == "export" {
		args = absOut(cmdArgs)
	}
	body, err := json.Marshal(cliRequest{Args: args})
	if err != nil {
		return false, 0
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://sessions/cli", strings.NewReader(string(body)))
	if err != nil {
		return false, 0
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := socketClient(p).Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return true, 1
		}
		return false, 0 // nobody there: a stale socket file
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e apiError
		_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&e)
		fmt.Fprintf(stderr, "sessions: the open app refused the command: %s\n", e.Error)
		return true, 1
	}
	dec := json.NewDecoder(resp.Body)
	for {
		var f cliFrame
		if err := dec.Decode(&f); err != nil {
			if ctx.Err() == nil {
				fmt.Fprintln(stderr, "sessions: the open app stopped before the command finished")
			}
			return true, 1
		}
		switch {
		case f.Exit != nil:
			return true, *f.Exit
		case f.Stream == "err":
			io.WriteString(stderr, f.Data)
		default:
			io.WriteString(stdout, f.Data)
		}
	}
}

// absArgs makes the paths of an import or watch absolute: the app runs it
// in its own working directory. Arguments naming an existing file or
// folder are taken for paths.
func absArgs(args []string) []string {
	out := append([]string(nil), args...)
	for i, a := range out {
		if i == 0 || a == "" || strings.HasPrefix(a, "-") || filepath.IsAbs(a) {
			continue
		}
		if _, err := os.Stat(a); err != nil {
			continue
		}
		if abs, err := filepath.Abs(a); err == nil {
			out[i] = abs
		}
	}
	return out
}

// runCommandLine runs a forwarded command line as the CLI would, against
// cfg's library.
func runCommandLine(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) int {
	return runArgs(ctx, cfg, args, stdout, stderr, nil)
}
