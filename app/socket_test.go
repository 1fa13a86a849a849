package app

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// cliRun is one command line's outcome.
type cliRun struct {
	code        int
	out, errOut string
}

func runDirect(t *testing.T, dir string, args ...string) cliRun {
	t.Helper()
	var out, errb bytes.Buffer
	code := runArgs(context.Background(), Config{DataDir: dir}, args, &out, &errb, nil)
	return cliRun{code, out.String(), errb.String()}
}

func runForward(t *testing.T, ctx context.Context, dir string, args ...string) (bool, cliRun) {
	t.Helper()
	var out, errb bytes.Buffer
	handled, code := forwardToApp(ctx, Config{DataDir: dir}, args, &out, &errb)
	return handled, cliRun{code, out.String(), errb.String()}
}

// durations hides the time a reindex took, the one thing two runs differ in.
var durations = regexp.MustCompile(`[0-9.]+(ms|s|µs)\b`)

// TestForwardToApp runs commands through an open serve's socket and
// compares them with the same commands on the closed library.
func TestForwardToApp(t *testing.T) {
	dir := t.TempDir()
	if r := runDirect(t, dir, "import", fixtureDir); r.code != 0 {
		t.Fatalf("import: %d %s %s", r.code, r.out, r.errOut)
	}
	list := runDirect(t, dir, "list", "--json", "--limit", "3")
	id := regexp.MustCompile(`"id": (\d+)`).FindStringSubmatch(list.out)
	if id == nil {
		t.Fatalf("no session listed: %s", list.out)
	}
	commands := [][]string{
		{"list"},
		{"list", "--json", "--limit", "3"},
		{"list", "--text", "hello"},
		{"show", id[1]},
		{"show", "--json", id[1]},
		{"show", "99999"},
		{"list", "--status", "nonsense"},
		{"reindex"},
	}
	want := make([]cliRun, len(commands))
	for i, c := range commands {
		want[i] = runDirect(t, dir, c...)
	}
	if handled, _ := runForward(t, context.Background(), dir, "list"); handled {
		t.Fatal("forwarded with no app open")
	}

	r := startServe(t, dir, "--addr", "127.0.0.1:0")
	fi, err := os.Stat(socketPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode %v, want an owner-only socket", fi.Mode())
	}
	for i, c := range commands {
		t.Run(strings.Join(c, " "), func(t *testing.T) {
			handled, got := runForward(t, context.Background(), dir, c...)
			if !handled {
				t.Fatal("not forwarded to the open app")
			}
			w := want[i]
			if w.out == "" && w.errOut == "" {
				t.Fatal("the direct run printed nothing to compare")
			}
			if got.code != w.code || durations.ReplaceAllString(got.out, "D") != durations.ReplaceAllString(w.out, "D") || got.errOut != w.errOut {
				t.Fatalf("through the app: %d\n%s\n%s\ndirect: %d\n%s\n%s", got.code, got.out, got.errOut, w.code, w.out, w.errOut)
			}
		})
	}
	t.Run("a second app is told the first is open", func(t *testing.T) {
		for _, c := range [][]string{{}, {"serve"}} {
			handled, got := runForward(t, context.Background(), dir, c...)
			if !handled || got.code != 1 || !strings.Contains(got.errOut, "Sessions is already open (pid ") || !strings.Contains(got.errOut, r.url) {
				t.Fatalf("%q: handled %v, %+v", c, handled, got)
			}
		}
		if _, err := listenSocket(context.Background(), dir); !errors.Is(err, ErrAlreadyOpen) {
			t.Fatalf("a second listener: %v", err)
		}
	})
	t.Run("help stays local", func(t *testing.T) {
		if handled, _ := runForward(t, context.Background(), dir, "help"); handled {
			t.Fatal("help forwarded")
		}
	})
	t.Run("an import names its paths from the caller's folder", func(t *testing.T) {
		rel := fixtureDir + "/android_en_GB_12h_lowercase_nnbsp.txt"
		args := absArgs([]string{"import", "--tz", "Europe/Berlin", rel, "--agent", "Maria"})
		abs, _ := filepath.Abs(rel)
		if strings.Join(args, " ") != "import --tz Europe/Berlin "+abs+" --agent Maria" {
			t.Fatalf("absArgs: %q", args)
		}
		handled, got := runForward(t, context.Background(), dir, "import", rel)
		if !handled || got.code != 0 || !strings.Contains(got.out, "android_en_GB_12h_lowercase_nnbsp.txt") {
			t.Fatalf("handled %v %+v", handled, got)
		}
	})
	t.Run("the caller's Ctrl+C ends the command in the app", func(t *testing.T) {
		watched := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		var out syncBuffer
		done := make(chan int, 1)
		go func() {
			_, code := forwardToApp(ctx, Config{DataDir: dir}, []string{"watch", watched}, &out, &out)
			done <- code
		}()
		waitFor(t, "the watch to start in the app", func() bool { return strings.Contains(out.String(), "Watching") })
		cancel()
		if code := <-done; code == 0 {
			t.Fatalf("a cancelled command exited 0: %s", out.String())
		}
	})
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	if s := r.stderr.String(); strings.Contains(s, "cut off") {
		t.Fatalf("a forwarded command was still running at shutdown: %s", s)
	}
	if handled, _ := runForward(t, context.Background(), dir, "list"); handled {
		t.Fatal("forwarded after the app closed")
	}
}

func TestListenSocket(t *testing.T) {
	t.Run("a crash's socket file is replaced", func(t *testing.T) {
		dir := t.TempDir()
		ln, err := net.Listen("unix", socketPath(dir))
		if err != nil {
			t.Fatal(err)
		}
		ln.(*net.UnixListener).SetUnlinkOnClose(false)
		ln.Close() // the file stays, nobody answers: as after kill -9
		if _, err := os.Stat(socketPath(dir)); err != nil {
			t.Fatal(err)
		}
		if handled, _ := forwardToApp(context.Background(), Config{DataDir: dir}, []string{"list"}, &bytes.Buffer{}, &bytes.Buffer{}); handled {
			t.Fatal("a dead socket was taken for an open app")
		}
		ln2, err := listenSocket(context.Background(), dir)
		if err != nil {
			t.Fatalf("stale socket not replaced: %v", err)
		}
		ln2.Close()
		if _, err := os.Stat(socketPath(dir)); !os.IsNotExist(err) {
			t.Fatalf("socket file left after close: %v", err)
		}
	})
	t.Run("a plain file of that name is not a socket", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(socketPath(dir), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if handled, _ := forwardToApp(context.Background(), Config{DataDir: dir}, []string{"list"}, &bytes.Buffer{}, &bytes.Buffer{}); handled {
			t.Fatal("forwarded to a plain file")
		}
	})
}

func TestCLIHandlerRefuses(t *testing.T) {
	dir := t.TempDir()
	startServe(t, dir, "--addr", "127.0.0.1:0")
	for _, body := range []string{`{"args":[]}`, `{"args":["serve"]}`, `{"args":["--data","/elsewhere","list"]}`, `{"args":[""]}`, `{"argv":["list"]}`, `[`} {
		resp, err := socketClient(socketPath(dir)).Post("http://sessions/cli", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("%s: %d, want 400", body, resp.StatusCode)
		}
	}
	// The socket serves the API too.
	resp, err := socketClient(socketPath(dir)).Post("http://sessions/api/SettingsService/AppInfo", "application/json", strings.NewReader("[]"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("API on the socket: %d", resp.StatusCode)
	}
}

// TestDesktopSocket is the window's socket: the same forwarding over the
// window's services, gone once stopped.
func TestDesktopSocket(t *testing.T) {
	dir := t.TempDir()
	if r := runDirect(t, dir, "import", fixtureFile); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	want := runDirect(t, dir, "list")
	ctx := context.Background()
	b, err := open(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	svc := NewServices(ctx, Deps{Store: b.st, Timeline: b.tl, DataDir: dir, Transport: TransportDesktop})
	defer svc.Stop()
	stop, err := startSocket(ctx, svc, socketInfo{PID: os.Getpid(), Transport: TransportDesktop}, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	handled, got := runForward(t, ctx, dir, "list")
	if !handled || got != want {
		t.Fatalf("through the window: %v %+v, direct %+v", handled, got, want)
	}
	if handled, got := runForward(t, ctx, dir); !handled || !strings.Contains(got.errOut, "the desktop window") {
		t.Fatalf("a second window: %v %+v", handled, got)
	}
	// A command running in the window when it closes is ended, not waited for.
	var out syncBuffer
	done := make(chan int, 1)
	go func() {
		_, code := forwardToApp(ctx, Config{DataDir: dir}, []string{"watch", t.TempDir()}, &out, &out)
		done <- code
	}()
	waitFor(t, "the watch to start in the app", func() bool { return strings.Contains(out.String(), "Watching") })
	stop()
	if code := <-done; code != 1 || !strings.Contains(out.String(), "the Sessions app closed") {
		t.Fatalf("a watch ended by the app's closing exited %d: %s", code, out.String())
	}
	if _, err := os.Stat(socketPath(dir)); !os.IsNotExist(err) {
		t.Fatalf("socket left after stop: %v", err)
	}
	if handled, _ := runForward(t, ctx, dir, "list"); handled {
		t.Fatal("forwarded after stop")
	}
}
