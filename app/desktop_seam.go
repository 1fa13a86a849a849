package app

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
)

// runDesktop opens the library, builds the services over it and opens the
// window. Whatever ends the window (closing it, Ctrl+C, SIGTERM), the
// services stop (every job and call ends) before the store and the index
// close.
func runDesktop(ctx context.Context, cfg Config, assets fs.FS) error {
	if err := isolateWebview(cfg.DataDir); err != nil {
		return err
	}
	b, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	svcs := NewServices(ctx, Deps{Store: b.st, Timeline: b.tl, DataDir: cfg.DataDir, Transport: TransportDesktop})
	defer svcs.Stop() // also when the window never called OnShutdown
	// The CLI beside the window runs its commands in here (the window
	// holds the index); stopped before the services are.
	stopSocket, err := startSocket(ctx, svcs, socketInfo{PID: os.Getpid(), Transport: TransportDesktop}, slog.Default())
	if err != nil {
		return err
	}
	defer stopSocket()
	return RunDesktop(ctx, svcs, assets)
}

// webviewDataHome is where the window's WebKit keeps its own files
// (hsts-storage.sqlite, storage/, localstorage/): under the user's cache
// dir, never beside sessions.db. WebKitGTK, as Wails 2.9 starts it (the
// default web context, program name "sessions"), writes them to
// $XDG_DATA_HOME/sessions, which is the default data dir itself.
func webviewDataHome() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the cache dir for the window's web view: %w", err)
	}
	return filepath.Join(cache, "sessions", "webview"), nil
}

// isolateWebview points WebKitGTK's data dir away from the library before
// GTK starts: Wails 2.9 offers no option for it, and GLib reads
// XDG_DATA_HOME once, at its first use. Only this process (the window)
// and its web processes see the change. Elsewhere it does nothing.
func isolateWebview(dataDir string) error {
	if runtime.GOOS != "linux" {
		return nil
	}
	dir, err := webviewDataHome()
	if err != nil {
		return err
	}
	if inside(dir, dataDir) {
		// A data dir under the cache dir: keep the web view's files in
		// their own folder beside it rather than in it.
		dir = filepath.Join(filepath.Dir(dataDir), filepath.Base(dataDir)+"-webview")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("make the window's web view dir: %w", err)
	}
	if err := os.Setenv("XDG_DATA_HOME", dir); err != nil {
		return fmt.Errorf("set the window's web view dir: %w", err)
	}
	return nil
}
