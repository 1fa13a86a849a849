package app

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWebviewOutsideDataDir: WebKitGTK keeps its files (hsts-storage.sqlite,
// storage/) in $XDG_DATA_HOME/<program name>, which for "sessions" is the
// default data dir; isolateWebview moves that under the cache dir, and
// never into the data dir, whichever it is.
func TestWebviewOutsideDataDir(t *testing.T) {
	home := t.TempDir()
	tests := []struct {
		name    string
		dataDir func() string
		// want is where WebKit's files go, relative to home.
		want string
	}{
		{name: "the default data dir", dataDir: DefaultDataDir, want: "cache/sessions/webview/sessions"},
		{name: "a data dir of its own", dataDir: func() string { return filepath.Join(home, "library") }, want: "cache/sessions/webview/sessions"},
		{name: "a data dir under the cache dir", dataDir: func() string { return filepath.Join(home, "cache", "sessions") },
			want: "cache/sessions-webview/sessions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("SESSIONS_DATA", "")
			t.Setenv("XDG_DATA_HOME", filepath.Join(home, "data"))
			t.Setenv("XDG_CACHE_HOME", filepath.Join(home, "cache"))
			dataDir := tt.dataDir()
			if err := isolateWebview(dataDir); err != nil {
				t.Fatal(err)
			}
			// Where WebKitGTK will write: the XDG data home it reads now,
			// plus the program name Wails sets (linux.Options.ProgramName).
			webkit := filepath.Join(os.Getenv("XDG_DATA_HOME"), "sessions")
			if got, want := webkit, filepath.Join(home, tt.want); got != want {
				t.Fatalf("WebKit's files go to %s, want %s", got, want)
			}
			if inside(webkit, dataDir) || inside(dataDir, webkit) {
				t.Fatalf("WebKit's files (%s) and the data dir (%s) overlap", webkit, dataDir)
			}
			info, err := os.Stat(os.Getenv("XDG_DATA_HOME"))
			if err != nil || !info.IsDir() || info.Mode().Perm() != 0o700 {
				t.Fatalf("web view dir: %v, %v", info, err)
			}
		})
	}
}
