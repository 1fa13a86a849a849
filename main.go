// Command sessions is the Sessions desktop app and its command line: with no
// command it opens the window; with one (import, list, show) it works
// headless. All behaviour lives in package app and below.
package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // --tz must work on machines without a zoneinfo database

	"github.com/sessions-app/sessions/app"
)

//go:embed all:frontend/dist
var embedded embed.FS

func main() {
	assets, err := fs.Sub(embedded, "frontend/dist")
	if err != nil {
		fmt.Fprintf(os.Stderr, "sessions: embedded UI: %v\n", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, os.Args[1:], os.Stdout, os.Stderr, assets)
	stop()
	os.Exit(code)
}
