package app

// `sessions serve`: the same UI and services as the desktop window, for a
// browser. The page is the embedded frontend/dist; the services are the
// JSON API of httpapi.go; the window's events are server-sent events. The
// server answers only the host it serves (DNS rebinding), asks for a token
// when it listens beyond this machine, and sends a strict CSP.

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

// contentSecurityPolicy is frontend/index.html's policy, plus what only a
// header can say (frame-ancestors).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// shutdownGrace is how long requests in flight may take to finish after
// Ctrl+C before they are cut off.
const shutdownGrace = 10 * time.Second

// serveShell is the browser's stand-in for the window: events go to the
// SSE hub; there are no native dialogs (the page has its own file picker).
type serveShell struct{ hub *eventHub }

func (s serveShell) Emit(event string, data any) { s.hub.Publish(event, data) }

func (serveShell) ChooseFiles(string) ([]string, error) {
	return nil, errors.New("no file dialog in the browser: use the import button's file picker")
}

func (serveShell) ChooseFolder(string) (string, error) {
	return "", errors.New("no folder dialog in the browser: type the folder's path")
}

// serveCommand is `sessions serve` over the embedded UI.
func serveCommand(assets fs.FS) func(context.Context, Config, []string, io.Writer, io.Writer) error {
	return func(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
		return runServe(ctx, cfg, args, stdout, stderr, assets)
	}
}

// runServe serves the UI and the API until ctx ends (Ctrl+C, SIGTERM), then
// shuts down in order: no new requests, the ones in flight finish (for a
// while), the services stop, the library closes.
func runServe(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer, assets fs.FS) error {
	fset := newFlagSet("serve", &cfg)
	addr := fset.String("addr", "127.0.0.1:8080", "address")
	if err := parseNoArgs(fset, args); err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return usageError{fmt.Errorf("--addr %q: want HOST:PORT, e.g. 127.0.0.1:8080", *addr)}
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	defer ln.Close()
	b, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.Close()

	log := slog.Default()
	hub := newEventHub()
	// The services outlive ctx on purpose: requests in flight at Ctrl+C
	// finish first; Stop below ends them.
	svcCtx := context.WithoutCancel(ctx)
	svc := NewServices(svcCtx, Deps{Store: b.st, Timeline: b.tl, DataDir: cfg.DataDir, Shell: serveShell{hub: hub}, Transport: TransportServe, Log: log})
	defer svc.Stop()
	methods, err := contractOf(svc.Bindings())
	if err != nil {
		return err
	}
	removeStaleUploads(cfg.DataDir, log)
	loopback := isLoopbackAddr(ln.Addr())
	token := ""
	if !loopback {
		if token, err = newToken(); err != nil {
			return err
		}
	}
	handler := newServeHandler(serveHandlerConfig{
		methods: methods, hub: hub, assets: assets, token: token, log: log, exports: svc.Export,
		hosts: allowedHosts(ln.Addr(), *addr),
		upload: &uploadHandler{dataDir: cfg.DataDir, limit: maxUploadBody, log: log,
			importPaths: func(r *http.Request, paths []string) (*ImportReport, error) {
				return svc.ImportPaths(r.Context(), paths)
			}},
	})
	sock, err := listenSocket(ctx, cfg.DataDir)
	if err != nil {
		return err
	}
	sockSrv := newSocketServer(sock, svc, methods, hub, socketInfo{PID: os.Getpid(), Transport: TransportServe, URL: serveURL(ln.Addr(), *addr)}, log)

	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	svc.Start(svcCtx)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	go sockSrv.serve()

	fmt.Fprintf(stdout, "Sessions is open at %s (Ctrl+C to stop)\n", serveURL(ln.Addr(), *addr))
	if token != "" {
		fmt.Fprintf(stdout, "It listens beyond this machine, so the page asks for this token once:\n  %s\n", token)
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	// Event streams never end by themselves: close them so Shutdown can
	// wait for the requests that do.
	hub.Close()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "sessions: requests still running after %s were cut off\n", shutdownGrace)
		srv.Close()
	}
	sockSrv.shutdown(sctx)
	svc.Stop()
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serveErr)
	}
	return nil
}

// serveHandlerConfig is what the HTTP handler is built from.
type serveHandlerConfig struct {
	methods []Method
	hub     *eventHub
	upload  http.Handler
	assets  fs.FS // frontend/dist; nil serves no page
	// hosts are the Host values answered ("host:port", lower case).
	hosts map[string]bool
	// token is required from every /api request when not "".
	token string
	// exports, when not nil, serves the download routes (serve_export.go).
	exports *ExportService
	log     *slog.Logger
}

// newServeHandler is the whole server: security checks around the API,
// the events and the page.
func newServeHandler(c serveHandlerConfig) http.Handler {
	return securityHeaders(guardHost(c.hosts, requireToken(c.token, apiMux(c, true))))
}

// apiMux routes the API, the events, the upload and (when page) the SPA.
func apiMux(c serveHandlerConfig, page bool) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("POST /api/{service}/{method}", newAPIHandler(c.methods, c.log))
	if c.upload != nil {
		mux.Handle("POST /api/upload", c.upload)
	}
	if c.hub != nil {
		mux.Handle("GET /api/events", c.hub)
	}
	if c.exports != nil {
		exportRoutes(mux, c.exports)
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusNotFound, "no such API route: "+r.Method+" "+r.URL.Path)
	})
	if page {
		mux.Handle("/", staticHandler(c.assets))
	}
	return mux
}

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// guardHost refuses requests for another host, and cross-origin ones: a
// page on a name that an attacker points at 127.0.0.1 (DNS rebinding)
// sends its own name as Host; another site's script sends its Origin.
func guardHost(hosts map[string]bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := normalHost(r.Host)
		if !hosts[host] {
			forbidden(w, r, "this server does not answer for the host "+strconv.Quote(r.Host))
			return
		}
		if o := r.Header.Get("Origin"); o != "" && !strings.EqualFold(o, "http://"+r.Host) {
			forbidden(w, r, "cross-origin requests are refused")
			return
		}
		// A link from another site may open the page; only its script's
		// calls are refused (the Origin check covers browsers without
		// Fetch Metadata).
		if r.Header.Get("Sec-Fetch-Site") == "cross-site" && strings.HasPrefix(r.URL.Path, "/api/") {
			forbidden(w, r, "cross-site requests are refused")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func forbidden(w http.ResponseWriter, r *http.Request, msg string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeAPIError(w, http.StatusForbidden, msg)
		return
	}
	http.Error(w, msg, http.StatusForbidden)
}

// normalHost lower-cases a Host header and gives it its port (80 when the
// browser left the default out).
func normalHost(h string) string {
	h = strings.ToLower(h)
	if _, _, err := net.SplitHostPort(h); err != nil {
		if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
			return h + ":80"
		}
		if !strings.Contains(h, ":") {
			return h + ":80"
		}
	}
	return h
}

// requireToken asks every /api request for the token, when there is one:
// as a Bearer header, or for the event stream (EventSource sends no
// headers) and the downloads (a link sends none) as ?token=. The page
// itself loads without it: it is what asks.
func requireToken(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok && r.Method == http.MethodGet && (r.URL.Path == "/api/events" || isDownload(r.URL.Path)) {
			got, ok = r.URL.Query().Get("token"), true
		}
		if !ok || subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sessions"`)
			writeAPIError(w, http.StatusUnauthorized, "token required")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func newToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// isLoopbackAddr reports whether the listener is reachable from this
// machine only.
func isLoopbackAddr(a net.Addr) bool {
	t, ok := a.(*net.TCPAddr)
	return ok && t.IP.IsLoopback()
}

// allowedHosts are the Host values the server answers: the address as
// bound and as asked for, the loopback names of its port when it listens
// on loopback, and this machine's names and addresses when it listens on
// all of them.
func allowedHosts(a net.Addr, asked string) map[string]bool {
	t := a.(*net.TCPAddr)
	port := strconv.Itoa(t.Port)
	hosts := map[string]bool{}
	add := func(h string) {
		if h != "" {
			hosts[strings.ToLower(net.JoinHostPort(strings.Trim(h, "[]"), port))] = true
		}
	}
	add(t.IP.String())
	if h, _, err := net.SplitHostPort(asked); err == nil {
		add(h)
	}
	if t.IP.IsLoopback() || t.IP.IsUnspecified() {
		add("localhost")
		add("127.0.0.1")
		add("::1")
	}
	if !t.IP.IsLoopback() {
		if name, err := os.Hostname(); err == nil {
			add(name)
		}
	}
	if t.IP.IsUnspecified() {
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, ia := range addrs {
				if n, ok := ia.(*net.IPNet); ok {
					add(n.IP.String())
				}
			}
		}
	}
	return hosts
}

// serveURL is the address to open in a browser.
func serveURL(a net.Addr, asked string) string {
	t := a.(*net.TCPAddr)
	host := t.IP.String()
	if h, _, err := net.SplitHostPort(asked); err == nil && h != "" && !t.IP.IsUnspecified() {
		host = h
	}
	if t.IP.IsUnspecified() {
		host = "localhost"
		if name, err := os.Hostname(); err == nil {
			host = name
		}
	}
	return "http://" + net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(t.Port)) + "/"
}

// staticHandler serves the built UI: index.html for "/" (the routes are
// in the URL's hash), the files as they are, no folder listings. Vite's
// hashed assets are cached for good; the rest is checked every time.
func staticHandler(assets fs.FS) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name == "" {
			name = "index.html"
		}
		if assets == nil || !fs.ValidPath(name) {
			http.NotFound(w, r)
			return
		}
		f, err := assets.Open(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		ctype := mime.TypeByExtension(path.Ext(name))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ctype)
		if strings.HasPrefix(name, "assets/") {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		rs, ok := f.(io.ReadSeeker)
		if !ok {
			b, err := io.ReadAll(f)
			if err != nil {
				http.Error(w, "read "+name, http.StatusInternalServerError)
				return
			}
			rs = strings.NewReader(string(b))
		}
		http.ServeContent(w, r, name, st.ModTime(), rs)
	})
}
