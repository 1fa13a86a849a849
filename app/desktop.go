package app

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/logger"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// RunDesktop opens the desktop window over the services and blocks until
// it is closed or ctx is cancelled. assets is the built web UI rooted at
// frontend/dist. The window calls the services through the Wails bindings
// as window.go.app.<Service>.<Method>. The services start once the window
// is up and are stopped when it goes (OnShutdown), before RunDesktop
// returns and the caller closes the store.
//
// This is the only file that starts Wails. Built without the desktop or
// production tag, Wails links a stub, so the package still vets and tests
// without GTK; the stub makes RunDesktop fail at run time.
func RunDesktop(ctx context.Context, svcs *Services, assets fs.FS) error {
	// The window icon ships with the UI (frontend/public/icon.png); a build
	// without it just has no icon.
	icon, _ := fs.ReadFile(assets, "icon.png")
	closed := make(chan struct{})
	defer close(closed)
	err := wails.Run(&options.App{
		Title:     "Sessions",
		Width:     1100,
		Height:    760,
		MinWidth:  720,
		MinHeight: 480,
		// Matches the page background, so no white flash before the first paint.
		BackgroundColour: &options.RGBA{R: 245, G: 246, B: 248, A: 255},
		AssetServer:      &assetserver.Options{Assets: assets},
		// Files dropped anywhere on the window are imported; the webview
		// itself must not open them as pages.
		DragAndDrop: &options.DragAndDrop{EnableFileDrop: true, DisableWebViewDrop: true},
		OnStartup: func(wctx context.Context) {
			// Wails' context carries its runtime (events, dialogs); the
			// services' own context is ctx, which Stop ends.
			svcs.SetShell(wailsShell{ctx: wctx})
			runtime.OnFileDrop(wctx, func(_, _ int, paths []string) { svcs.ImportDropped(paths) })
			svcs.Start(ctx)
			// Close the window when the caller cancels. On SIGTERM and
			// Ctrl+C Wails quits by itself (its own signal handler), and a
			// second gtk_main_quit from another thread at the same moment
			// crashes GTK: so only a window still open a moment later is
			// closed from here.
			go func() {
				select {
				case <-ctx.Done():
				case <-closed:
					return
				}
				select {
				case <-closed:
				case <-time.After(quitGrace):
					runtime.Quit(wctx)
				}
			}()
		},
		// The window is gone: every job and call ends here, while the
		// store and the index are still open.
		OnShutdown:         func(context.Context) { svcs.Stop() },
		Bind:               svcs.Bindings(),
		LogLevelProduction: logger.INFO,
		Linux: &linux.Options{
			Icon:        icon,
			ProgramName: "sessions",
		},
	})
	if err != nil {
		return fmt.Errorf("desktop window: %w", err)
	}
	return nil
}

// quitGrace is how long a cancelled window is given to close by itself
// (Wails' own signal handler) before it is told to.
const quitGrace = 2 * time.Second

// wailsShell is the Shell of the desktop window.
type wailsShell struct{ ctx context.Context }

func (w wailsShell) Emit(event string, data any) { runtime.EventsEmit(w.ctx, event, data) }

func (w wailsShell) ChooseFiles(title string) ([]string, error) {
	return runtime.OpenMultipleFilesDialog(w.ctx, runtime.OpenDialogOptions{
		Title: title,
		Filters: []runtime.FileFilter{
			{DisplayName: "Chat exports (*.txt, *.zip, *.json, *.csv, *.html)", Pattern: "*.txt;*.zip;*.json;*.csv;*.html"},
			{DisplayName: "All files", Pattern: "*"},
		},
	})
}

func (w wailsShell) ChooseFolder(title string) (string, error) {
	return runtime.OpenDirectoryDialog(w.ctx, runtime.OpenDialogOptions{Title: title, CanCreateDirectories: true})
}

func (w wailsShell) SaveFile(title, defaultName string) (string, error) {
	return runtime.SaveFileDialog(w.ctx, runtime.SaveDialogOptions{
		Title:                title,
		DefaultFilename:      defaultName,
		CanCreateDirectories: true,
		Filters:              []runtime.FileFilter{{DisplayName: "CSV (*.csv)", Pattern: "*.csv"}, {DisplayName: "All files", Pattern: "*"}},
	})
}
